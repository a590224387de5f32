"""Controller state and events as frozen dataclasses, and the trace-line contract.

Spec ``controller.md`` (objects, events). A trace line / decision-log event is one JSON object
with ``"op"`` in :data:`OPS`; :func:`event_from_dict` validates it and names the offending field.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from qinternet.errors import InvalidParameterError

__all__ = [
    "AddDemand",
    "ChangeDemand",
    "DegradeLink",
    "Demand",
    "Event",
    "LinkDown",
    "LinkRef",
    "LinkUp",
    "NodeDown",
    "NodeUp",
    "OPS",
    "RemoveDemand",
    "event_from_dict",
]

#: A link named by its index in the network, or by its two end nodes (ids or names).
LinkRef = int | tuple[str, str]

#: Trace operations.
OPS = ("add_demand", "remove_demand", "change_demand", "link_down", "link_up", "degrade_link",
       "node_down", "node_up")


@dataclass(frozen=True, slots=True, kw_only=True)
class Demand:
    """A client's demand: a pair (2 endpoints) or a GHZ group / conference key (3+).

    Rates (``floor``, ``cap``) are in the controller's unit (ebits per network use under
    flooding, ebits per second under a budget).
    """

    #: Unique id.
    id: str
    #: Endpoint node ids or names (2 = pair, >= 3 = group), distinct.
    endpoints: tuple[str, ...]
    #: Weight w > 0 of weighted max-min fairness (rate R = w t at a level t).
    weight: float = 1.0
    #: Priority class: larger is served first (strict precedence).
    priority: int = 0
    #: Guaranteed floor rate f >= 0 asked for (0 = best effort).
    floor: float = 0.0
    #: Cap: the most the client can use (> 0; inf = no cap).
    cap: float = math.inf
    #: Owner (client name).
    owner: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.id, str) or not self.id:
            raise InvalidParameterError("id", self.id, "must be a non-empty string")
        if len(self.endpoints) < 2 or len(set(self.endpoints)) != len(self.endpoints):
            raise InvalidParameterError("endpoints", list(self.endpoints),
                                        "must be >= 2 distinct nodes")
        if not (math.isfinite(self.weight) and self.weight > 0):
            raise InvalidParameterError("weight", self.weight, "must be finite and > 0")
        if isinstance(self.priority, bool) or not isinstance(self.priority, int):
            raise InvalidParameterError("priority", self.priority, "must be an integer")
        if not (math.isfinite(self.floor) and self.floor >= 0):
            raise InvalidParameterError("floor", self.floor, "must be finite and >= 0")
        if not (self.cap > 0) or math.isnan(self.cap):
            raise InvalidParameterError("cap", self.cap, "must be > 0")
        if self.floor > self.cap:
            raise InvalidParameterError("floor", self.floor, f"must be <= cap ({self.cap})")

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "endpoints": list(self.endpoints),
                               "weight": self.weight, "priority": self.priority,
                               "floor": self.floor, "owner": self.owner}
        if math.isfinite(self.cap):
            out["cap"] = self.cap
        return out


class _Event:
    """Base of the events: ``to_dict`` is the trace line, ``op`` first and then every field
    (a demand's own keys in its place, a link as its id or ``[u, v]``)."""

    __slots__ = ()
    op: str

    def to_dict(self) -> dict[str, Any]:
        event: Any = self  # every concrete event is a dataclass
        out: dict[str, Any] = {"op": self.op}
        for f in dataclasses.fields(event):
            value = getattr(self, f.name)
            if isinstance(value, Demand):
                out.update(value.to_dict())
            elif f.name == "link":
                out["link"] = _link_json(value)
            elif f.name != "op":
                out[f.name] = value
        return out


@dataclass(frozen=True, slots=True)
class AddDemand(_Event):
    demand: Demand
    op: Literal["add_demand"] = "add_demand"


@dataclass(frozen=True, slots=True)
class ChangeDemand(_Event):
    """Replace a demand's parameters (same id); a higher floor goes through admission."""

    demand: Demand
    op: Literal["change_demand"] = "change_demand"


@dataclass(frozen=True, slots=True)
class RemoveDemand(_Event):
    id: str
    op: Literal["remove_demand"] = "remove_demand"


@dataclass(frozen=True, slots=True)
class LinkDown(_Event):
    link: LinkRef
    op: Literal["link_down"] = "link_down"


@dataclass(frozen=True, slots=True)
class LinkUp(_Event):
    """Bring a link back up (at its degradation factor, 1 unless degraded)."""

    link: LinkRef
    op: Literal["link_up"] = "link_up"


@dataclass(frozen=True, slots=True)
class DegradeLink(_Event):
    """Set a link's capacities to ``factor`` times their nominal values (factor 1 restores;
    not cumulative)."""

    link: LinkRef
    factor: float
    op: Literal["degrade_link"] = "degrade_link"

    def __post_init__(self) -> None:
        if not (isinstance(self.factor, int | float) and 0 < self.factor <= 1):
            raise InvalidParameterError("factor", self.factor, "must be in (0, 1]")


@dataclass(frozen=True, slots=True)
class NodeDown(_Event):
    node: str
    op: Literal["node_down"] = "node_down"


@dataclass(frozen=True, slots=True)
class NodeUp(_Event):
    node: str
    op: Literal["node_up"] = "node_up"


Event = (AddDemand | ChangeDemand | RemoveDemand | LinkDown | LinkUp | DegradeLink | NodeDown
         | NodeUp)


def _link_json(link: LinkRef) -> int | list[str]:
    return link if isinstance(link, int) else [link[0], link[1]]


def _number(d: Mapping[str, Any], key: str, default: float) -> float:
    v = d.get(key, default)
    if isinstance(v, bool) or not isinstance(v, int | float):
        raise InvalidParameterError(key, v, "must be a number")
    return float(v)


def _link_ref(d: Mapping[str, Any]) -> LinkRef:
    if "link" not in d:
        raise InvalidParameterError("link", None, "is required: a link id or [u, v]")
    v = d["link"]
    if isinstance(v, int) and not isinstance(v, bool):
        return v
    if isinstance(v, list | tuple) and len(v) == 2 and all(isinstance(x, str | int)
                                                          and not isinstance(x, bool)
                                                          for x in v):
        return (str(v[0]), str(v[1]))
    raise InvalidParameterError("link", v, "must be a link id (integer) or [u, v]")


def _demand(d: Mapping[str, Any]) -> Demand:
    if "id" not in d:
        raise InvalidParameterError("id", None, "is required")
    ident = d["id"]
    if isinstance(ident, bool) or not isinstance(ident, str | int):
        raise InvalidParameterError("id", ident, "must be a string")
    ends = d.get("endpoints")
    if not isinstance(ends, list | tuple) or not all(
            isinstance(x, str | int) and not isinstance(x, bool) for x in ends):
        raise InvalidParameterError("endpoints", ends, "must be a list of node ids or names")
    prio = d.get("priority", 0)
    if isinstance(prio, bool) or not isinstance(prio, int):
        raise InvalidParameterError("priority", prio, "must be an integer")
    owner = d.get("owner", "")
    if not isinstance(owner, str):
        raise InvalidParameterError("owner", owner, "must be a string")
    cap = d.get("cap")
    return Demand(id=str(ident), endpoints=tuple(str(x) for x in ends),
                  weight=_number(d, "weight", 1.0), priority=prio,
                  floor=_number(d, "floor", 0.0),
                  cap=math.inf if cap is None else _number(d, "cap", math.inf), owner=owner)


def event_from_dict(d: Mapping[str, Any]) -> Event:
    """Parse one trace line (a JSON object) into an event.

    Raises
    ------
    InvalidParameterError
        Unknown ``op`` or a missing / malformed field (named in the error).

    Examples
    --------
    >>> event_from_dict({"op": "degrade_link", "link": ["A", "B"], "factor": 0.5})
    DegradeLink(link=('A', 'B'), factor=0.5, op='degrade_link')
    """
    if not isinstance(d, Mapping):
        raise InvalidParameterError("event", d, "must be a JSON object")
    op = d.get("op")
    if op == "add_demand":
        return AddDemand(_demand(d))
    if op == "change_demand":
        return ChangeDemand(_demand(d))
    if op == "remove_demand":
        ident = d.get("id")
        if isinstance(ident, bool) or not isinstance(ident, str | int):
            raise InvalidParameterError("id", ident, "is required: the demand's id")
        return RemoveDemand(str(ident))
    if op in ("link_down", "link_up"):
        return LinkDown(_link_ref(d)) if op == "link_down" else LinkUp(_link_ref(d))
    if op == "degrade_link":
        if "factor" not in d:
            raise InvalidParameterError("factor", None, "is required: a number in (0, 1]")
        return DegradeLink(_link_ref(d), _number(d, "factor", 1.0))
    if op in ("node_down", "node_up"):
        node = d.get("node")
        if isinstance(node, bool) or not isinstance(node, str | int):
            raise InvalidParameterError("node", node, "is required: a node id or name")
        return NodeDown(str(node)) if op == "node_down" else NodeUp(str(node))
    raise InvalidParameterError("op", op, "must be one of " + ", ".join(OPS))
