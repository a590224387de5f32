"""Request and response bodies of the HTTP API (pydantic; rates in the engine's unit,
stated by each response's ``unit`` field; times carry their unit in the name)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["ClientCreate", "ClientCreated", "ClientOut", "DashboardDemand", "DashboardLink",
           "DashboardNode", "DashboardOut", "DashboardSummary", "DecisionOut", "DecisionRecord",
           "DemandCreate", "DemandOut", "ErrorOut", "HistoryEntry", "LinkOut", "LinkPatch",
           "NetworkOut", "RouteOut"]

_STRICT = ConfigDict(extra="forbid")
_NAME = Field(min_length=1, max_length=200)


class ErrorOut(BaseModel):
    """Every 4xx/5xx body: ``field`` names the offending field (or header / path part)."""

    detail: str
    field: str | None = None


class ClientCreate(BaseModel):
    """``POST /clients`` body."""

    model_config = _STRICT
    name: str = _NAME
    #: Highest priority class this client may request (default 0).
    max_priority: int = Field(default=0, ge=-1000, le=1000)
    scope: Literal["client", "operator"] = "client"


class ClientCreated(BaseModel):
    """``POST /clients`` result: the token is shown here once and never again."""

    id: str
    name: str
    scope: str
    max_priority: int
    token: str


class ClientOut(BaseModel):
    id: str
    name: str
    scope: str
    max_priority: int
    revoked: bool
    created_unix_s: float


class NetworkOut(BaseModel):
    name: str
    num_nodes: int
    num_links: int
    epoch: int
    nodes: list[str]
    unit: str


class DemandCreate(BaseModel):
    """``POST /demands`` body: a pair (2 endpoints) or a GHZ group (3 or more)."""

    model_config = _STRICT
    endpoints: list[str] = Field(min_length=2, max_length=64)
    #: Guaranteed minimum rate (0 = best effort), in the service's unit.
    floor: float = Field(default=0.0, ge=0.0, le=1e12, allow_inf_nan=False)
    weight: float = Field(default=1.0, gt=0.0, le=1e12, allow_inf_nan=False)
    priority: int = Field(default=0, ge=-1000, le=1000)
    #: Maximum rate (none = unlimited), in the service's unit.
    cap: float | None = Field(default=None, gt=0.0, le=1e12, allow_inf_nan=False)


class RouteOut(BaseModel):
    rate: float
    links: list[int]
    nodes: list[str] = []


class HistoryEntry(BaseModel):
    """One decision about a demand. ``rate``: the demand's rate in the allocation that
    decision made; None when the decision was deferred (the allocation followed
    asynchronously: see ``DemandOut.allocation``)."""

    seq: int
    op: str
    outcome: str
    reason: str
    rate: float | None


class DecisionOut(BaseModel):
    """What an event did (``PATCH /links/{id}``, ``DELETE /demands/{id}``)."""

    seq: int
    op: str
    outcome: str
    reason: str
    solve_ms: float
    degraded: list[str]
    max_link_utilisation: float


class DemandOut(BaseModel):
    """A demand with the engine's decision and its current state.

    ``status``: ``active`` (in the allocation), ``rejected`` (never admitted) or
    ``cancelled``. ``floor_met`` is False once a failure shed the admitted floor.
    ``allocation``: ``current`` when ``rate`` and ``routes`` include every decision so far,
    ``pending`` while the reallocation after a recent event is still being computed (an
    admitted floor is guaranteed from the admission on; ``POST /demands?wait=true`` returns
    only once the allocation includes the new demand).
    """

    id: str
    outcome: str
    reason: str
    status: Literal["active", "rejected", "cancelled"]
    endpoints: list[str]
    rate: float
    allocation: Literal["current", "pending"]
    floor: float
    floor_met: bool
    weight: float
    priority: int
    cap: float | None
    unit: str
    upper_bound: float | None
    counter_offer: float | None = None
    certificate: dict[str, Any] | None = None
    routes: list[RouteOut]
    history: list[HistoryEntry]
    idempotency_key: str | None
    solve_ms: float
    created_unix_s: float


class LinkOut(BaseModel):
    id: int
    endpoints: list[str]
    state: Literal["up", "down"]
    factor: float
    #: Upper (E_up) and lower (R_lo) capacity now, in the service's unit.
    upper_capacity: float
    lower_capacity: float
    utilisation: float


class LinkPatch(BaseModel):
    """``PATCH /links/{id}`` body: ``{"state": "up"|"down"}`` or ``{"factor": f}``."""

    model_config = _STRICT
    state: Literal["up", "down"] | None = None
    factor: float | None = Field(default=None, gt=0.0, le=1.0, allow_inf_nan=False)


class DashboardNode(BaseModel):
    id: str
    #: How results and link endpoints name the node (label, else id).
    name: str
    #: Degrees, or None when the network has no geographic positions.
    latitude: float | None
    longitude: float | None


class DashboardLink(LinkOut):
    #: Sum of the rates of the routes crossing the link, in the service's unit.
    allocated_rate: float


class DashboardDemand(BaseModel):
    id: str
    endpoints: list[str]
    #: Name and id of the client that submitted the demand.
    owner: str
    owner_id: str
    priority: int
    weight: float
    #: Floor, allocated rate and certified upper bound, in the service's unit.
    floor: float
    floor_met: bool
    rate: float
    upper_bound: float | None
    status: Literal["active", "rejected", "cancelled"]
    outcome: str


class DashboardSummary(BaseModel):
    """Headline numbers of the current epoch's decision log."""

    decisions: int
    admitted: int
    rejected: int
    degraded: int
    active_demands: int
    #: Jain's fairness index of the current weighted rates rate / weight (1 = equal).
    jain_index: float
    #: Engine decision time per event: median and 99th percentile (ms).
    latency_ms_p50: float
    latency_ms_p99: float
    #: Largest link utilisation now (None when it is not finite).
    max_link_utilisation: float | None


class DecisionRecord(BaseModel):
    """One decision as ``GET /events`` streams it (rates of every demand left out)."""

    kind: Literal["decision", "allocation"] = "decision"
    seq: int
    op: str
    outcome: str
    reason: str
    demand: str | None
    solve_ms: float
    #: Rate changes: demand id -> [before, after].
    diff: dict[str, list[float]]
    degraded: list[str]
    unit: str


class DashboardOut(BaseModel):
    """``GET /dashboard/state``: everything the operator dashboard draws, in one read."""

    name: str
    unit: str
    epoch: int
    #: True when every node has a latitude and a longitude (the map is geographic).
    geographic: bool
    nodes: list[DashboardNode]
    links: list[DashboardLink]
    demands: list[DashboardDemand]
    summary: DashboardSummary
    #: The latest decisions of the epoch, oldest first (at most ``log_limit``).
    log: list[DecisionRecord]
