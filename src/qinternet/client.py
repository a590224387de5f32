"""Python client of the controller service (``qinternet serve``), over httpx.

>>> from qinternet.client import ControllerClient
>>> client = ControllerClient("http://127.0.0.1:8000", token="qi_...")  # doctest: +SKIP
>>> d = client.submit(["A", "C"], floor=0.2)                           # doctest: +SKIP
>>> d.outcome, d.rate, d.unit                                          # doctest: +SKIP
('admitted', 1.0, 'ebits per network use')

Every submission carries an ``Idempotency-Key`` (generated when not given), so the client
retries it safely after a connection failure: the service returns the first decision.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from qinternet.errors import QinternetError

__all__ = ["ClientCredentials", "ControllerClient", "ControllerError", "DemandStatus",
           "LinkStatus"]


class ControllerError(QinternetError):
    """The service refused a request (``status`` 4xx/5xx, the ``field`` it names), or could
    not be reached (``status`` 0)."""

    def __init__(self, status: int, detail: str, field: str | None = None) -> None:
        super().__init__(status, detail, field)
        self.status = status
        self.detail = detail
        self.field = field

    def __str__(self) -> str:
        where = f" ({self.field})" if self.field else ""
        return f"HTTP {self.status}{where}: {self.detail}" if self.status else self.detail


@dataclass(frozen=True, slots=True, kw_only=True)
class DemandStatus:
    """A demand as the service reports it (rates in ``unit``)."""

    id: str
    #: The engine's decision: admitted | rejected_infeasible | rejected_unroutable.
    outcome: str
    reason: str
    #: active | rejected | cancelled.
    status: str
    endpoints: tuple[str, ...]
    rate: float
    #: current | pending: whether ``rate`` and ``routes`` include every decision so far
    #: (the service reallocates in the background after each event).
    allocation: str
    floor: float
    floor_met: bool
    unit: str
    upper_bound: float | None
    counter_offer: float | None
    routes: tuple[dict[str, Any], ...]
    history: tuple[dict[str, Any], ...]
    idempotency_key: str | None
    raw: dict[str, Any] = field(repr=False)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> DemandStatus:
        return cls(id=d["id"], outcome=d["outcome"], reason=d["reason"], status=d["status"],
                   endpoints=tuple(d["endpoints"]), rate=float(d["rate"]),
                   allocation=str(d.get("allocation", "current")),
                   floor=float(d["floor"]), floor_met=bool(d["floor_met"]), unit=d["unit"],
                   upper_bound=d.get("upper_bound"), counter_offer=d.get("counter_offer"),
                   routes=tuple(d.get("routes", ())), history=tuple(d.get("history", ())),
                   idempotency_key=d.get("idempotency_key"), raw=d)


@dataclass(frozen=True, slots=True, kw_only=True)
class LinkStatus:
    """A link: id, end nodes, state, capacity factor and current utilisation."""

    id: int
    endpoints: tuple[str, str]
    state: str
    factor: float
    upper_capacity: float
    lower_capacity: float
    utilisation: float


@dataclass(frozen=True, slots=True, kw_only=True)
class ClientCredentials:
    """A new client: its id and its token (shown by the service once)."""

    id: str
    name: str
    token: str


class ControllerClient:
    """Blocking client of one service.

    Parameters
    ----------
    server : str
        Base URL, e.g. ``"http://127.0.0.1:8000"``.
    token : str
        Bearer token (operator or client).
    timeout_s : float
        Per-request timeout in seconds.
    retries : int
        Extra attempts after a connection failure (submissions keep their idempotency key).
    transport : httpx.BaseTransport, optional
        Test seam (e.g. ``httpx.MockTransport``).
    """

    def __init__(self, server: str, token: str, *, timeout_s: float = 30.0, retries: int = 2,
                 transport: Any = None) -> None:
        import httpx

        self._httpx = httpx
        self.retries = retries
        self._http = httpx.Client(base_url=server.rstrip("/"), timeout=timeout_s,
                                  headers={"Authorization": f"Bearer {token}"},
                                  transport=transport)

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> ControllerClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- plumbing ------------------------------------------------------------------------
    def _call(self, method: str, path: str, **kw: Any) -> Any:
        for attempt in range(self.retries + 1):
            try:
                resp = self._http.request(method, path, **kw)
                break
            except self._httpx.TransportError as err:
                if attempt == self.retries:
                    raise ControllerError(0, f"cannot reach {self._http.base_url}: "
                                          f"{type(err).__name__} {err}") from None
                time.sleep(0.2 * (attempt + 1))
        if resp.status_code >= 400:
            try:
                body = resp.json()
                detail, fld = str(body.get("detail")), body.get("field")
            except (ValueError, AttributeError):
                detail, fld = resp.text[:200], None
            raise ControllerError(resp.status_code, detail, fld)
        return resp.json() if resp.headers.get("content-type", "").startswith(
            "application/json") else resp.text

    # ---- API -----------------------------------------------------------------------------
    def health(self) -> dict[str, Any]:
        return dict(self._call("GET", "/healthz"))

    def network(self) -> dict[str, Any]:
        return dict(self._call("GET", "/network"))

    def put_network(self, node_link: dict[str, Any]) -> dict[str, Any]:
        """Upload or replace the network (operator)."""
        return dict(self._call("PUT", "/network", json=node_link))

    def create_client(self, name: str, *, max_priority: int = 0) -> ClientCredentials:
        """Create a client (operator); its token is only in the result."""
        d = self._call("POST", "/clients", json={"name": name, "max_priority": max_priority})
        return ClientCredentials(id=d["id"], name=d["name"], token=d["token"])

    def revoke_client(self, ident: str) -> dict[str, Any]:
        return dict(self._call("DELETE", f"/clients/{ident}"))

    def submit(self, endpoints: Sequence[str], *, floor: float = 0.0, weight: float = 1.0,
               priority: int = 0, cap: float | None = None,
               idempotency_key: str | None = None, wait: bool = False) -> DemandStatus:
        """Submit a demand (2 endpoints: a pair; 3 or more: a GHZ group).

        The answer comes with the admission decision (an admitted floor is guaranteed);
        ``wait=True`` returns only once the allocation includes the demand (its rate and
        routes), at most 30 s."""
        body: dict[str, Any] = {"endpoints": list(endpoints), "floor": floor,
                                "weight": weight, "priority": priority}
        if cap is not None:
            body["cap"] = cap
        key = idempotency_key or uuid.uuid4().hex
        d = self._call("POST", "/demands", json=body, headers={"Idempotency-Key": key},
                       params={"wait": "true"} if wait else None)
        return DemandStatus.from_dict(d)

    def demands(self, *, wait: bool = False) -> list[DemandStatus]:
        """The caller's demands (``wait``: once the allocation includes every decision)."""
        return [DemandStatus.from_dict(d) for d in self._call(
            "GET", "/demands", params={"wait": "true"} if wait else None)]

    def demand(self, ident: str, *, wait: bool = False) -> DemandStatus:
        """One demand (``wait``: once the allocation includes every decision so far)."""
        return DemandStatus.from_dict(self._call(
            "GET", f"/demands/{ident}", params={"wait": "true"} if wait else None))

    def cancel(self, ident: str) -> DemandStatus:
        return DemandStatus.from_dict(self._call("DELETE", f"/demands/{ident}"))

    def links(self) -> list[LinkStatus]:
        return [LinkStatus(id=d["id"], endpoints=(d["endpoints"][0], d["endpoints"][1]),
                           state=d["state"], factor=d["factor"],
                           upper_capacity=d["upper_capacity"],
                           lower_capacity=d["lower_capacity"], utilisation=d["utilisation"])
                for d in self._call("GET", "/links")]

    def set_link(self, link_id: int, *, state: str | None = None,
                 factor: float | None = None) -> dict[str, Any]:
        """Set a link ``state`` ("up"/"down") or degrade it by ``factor`` (operator)."""
        body = {"state": state} if state is not None else {"factor": factor}
        return dict(self._call("PATCH", f"/links/{link_id}", json=body))

    def metrics(self) -> str:
        return str(self._call("GET", "/metrics"))

    def events(self, max_events: int | None = None, *,
               allocations: bool = False) -> Iterator[dict[str, Any]]:
        """Decision records from ``GET /events`` as they happen (blocks between them);
        ``allocations`` adds the background reallocations' records (``kind ==
        "allocation"``: the rates they moved)."""
        wanted = ("decision", "allocation") if allocations else ("decision",)
        params = {"max_events": max_events} if max_events is not None else {}
        with self._http.stream("GET", "/events", params=params,
                               timeout=self._httpx.Timeout(None, connect=10.0)) as resp:
            if resp.status_code >= 400:
                resp.read()
                raise ControllerError(resp.status_code, resp.text[:200])
            kind = ""
            for line in resp.iter_lines():
                if line.startswith("event:"):
                    kind = line[6:].strip()
                elif line.startswith("data:") and kind in wanted:
                    yield dict(json.loads(line[5:].strip()))
