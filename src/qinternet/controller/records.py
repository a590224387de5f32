"""Decision records and allocations: frozen, converted to plain data only in ``to_dict``."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = ["Allocation", "Certificate", "Decision", "OUTCOMES", "Outcome", "Route"]

Outcome = Literal["admitted", "rejected_infeasible", "rejected_unroutable", "applied",
                  "degraded"]
OUTCOMES: tuple[Outcome, ...] = ("admitted", "rejected_infeasible", "rejected_unroutable",
                                 "applied", "degraded")


def _num(x: float) -> float | None:
    return x if math.isfinite(x) else None


@dataclass(frozen=True, slots=True, kw_only=True)
class Route:
    """One route of a demand: a path (pairs, ``nodes`` in order) or a Steiner tree (groups)."""

    #: Rate carried, in the controller's unit.
    rate: float
    #: Link indices used.
    links: tuple[int, ...]
    #: Node names from the first to the second endpoint (paths); empty for trees.
    nodes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"rate": self.rate, "links": list(self.links)}
        if self.nodes:
            out["nodes"] = list(self.nodes)
        return out

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Route:
        """Inverse of :meth:`to_dict`."""
        return cls(rate=float(d["rate"]), links=tuple(int(e) for e in d["links"]),
                   nodes=tuple(str(v) for v in d.get("nodes", ())))


@dataclass(frozen=True, slots=True, kw_only=True)
class Certificate:
    """A cut proving a floor impossible: ``capacity < requested + sum(floors_crossing)``.

    ``side`` is the node set S (names); ``links`` the links crossing it with their upper
    capacities E_up (the check is arithmetic anyone can redo).
    """

    side: tuple[str, ...]
    links: tuple[int, ...]
    link_capacities: tuple[float, ...]
    capacity: float
    requested: float
    floors_crossing: dict[str, float]

    @property
    def holds(self) -> bool:
        """True when the cut's capacity is below the floors it must carry."""
        return self.capacity < self.requested + sum(self.floors_crossing.values())

    def to_dict(self) -> dict[str, Any]:
        return {"side": list(self.side), "links": list(self.links),
                "link_capacities": list(self.link_capacities), "capacity": self.capacity,
                "requested": self.requested, "floors_crossing": dict(self.floors_crossing)}


@dataclass(frozen=True, slots=True, kw_only=True)
class Allocation:
    """The controller's allocation after an event (rates in ``unit``)."""

    unit: str
    policy: str
    rates: dict[str, float]
    floors: dict[str, float]
    routes: dict[str, tuple[Route, ...]]
    #: Certified upper bound per demand given the other demands' floors (a cut each).
    bounds: dict[str, float]
    #: Load / lower capacity per link (0 for a link without capacity).
    link_utilisation: tuple[float, ...]
    max_link_utilisation: float
    jain_index: float
    #: maxmin: min_i R_i / w_i; throughput: sum_i w_i R_i.
    objective: float
    #: Certified upper bound of the same objective (cut LP over the pool, floors included).
    objective_upper_bound: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "unit": self.unit, "policy": self.policy, "rates": dict(self.rates),
            "floors": dict(self.floors),
            "routes": {k: [r.to_dict() for r in v] for k, v in self.routes.items()},
            "bounds": {k: _num(v) for k, v in self.bounds.items()},
            "link_utilisation": list(self.link_utilisation),
            "max_link_utilisation": self.max_link_utilisation, "jain_index": self.jain_index,
            "objective": self.objective,
            "objective_upper_bound": _num(self.objective_upper_bound),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Allocation:
        """Inverse of :meth:`to_dict` (an infinite bound is stored as None); floats come
        back bit for bit from JSON."""
        return cls(
            unit=str(d["unit"]), policy=str(d["policy"]),
            rates={str(k): float(v) for k, v in d["rates"].items()},
            floors={str(k): float(v) for k, v in d["floors"].items()},
            routes={str(k): tuple(Route.from_dict(r) for r in v)
                    for k, v in d["routes"].items()},
            bounds={str(k): math.inf if v is None else float(v)
                    for k, v in d["bounds"].items()},
            link_utilisation=tuple(float(u) for u in d["link_utilisation"]),
            max_link_utilisation=float(d["max_link_utilisation"]),
            jain_index=float(d["jain_index"]), objective=float(d["objective"]),
            objective_upper_bound=(math.inf if d["objective_upper_bound"] is None
                                   else float(d["objective_upper_bound"])))


@dataclass(frozen=True, slots=True, kw_only=True)
class Decision:
    """What one event did: exactly one record per event."""

    seq: int
    event: dict[str, Any]
    outcome: Outcome
    reason: str
    allocation: Allocation
    #: Rate changes: id -> (before, after); demands added or removed have 0 on the other side.
    diff: dict[str, tuple[float, float]]
    solve_ms: float
    #: Demands whose floor was shed by this event: id -> (old floor, new rate, bound).
    degraded: dict[str, tuple[float, float, float]] = field(default_factory=dict)
    #: Rejections: certified upper bound on the requested demand given the floors.
    upper_bound: float | None = None
    #: Rejections: largest floor that would be admitted now.
    counter_offer: float | None = None
    certificate: Certificate | None = None
    #: True when the event provably left the allocation unchanged and it was reused.
    reused: bool = False
    #: Demand events: time of the admission decision alone (before reallocation), ms.
    admission_ms: float = 0.0
    #: LPs the reallocation solved (0 when the allocation was reused).
    lps: int = 0
    #: Max-min levels of the previous allocation that stood and were reused without an LP.
    levels_reused: int = 0
    #: Admitted floors: "flow" when the floor was certified by a maximum flow beside the
    #: served routes of the guarded floors (no LP), "lp" when by the admission LP.
    admission: str = ""
    #: True when the event was applied without reallocating (``allocation`` is the previous
    #: one; see ``Controller.apply(..., reallocate=False)``).
    deferred: bool = False

    def to_dict(self, *, routes: bool = False) -> dict[str, Any]:
        """Plain data; ``routes`` adds every demand's routes (large)."""
        a = self.allocation
        out: dict[str, Any] = {
            "seq": self.seq, "op": self.event.get("op"), "event": dict(self.event),
            "outcome": self.outcome, "reason": self.reason, "solve_ms": self.solve_ms,
            "rates": dict(a.rates), "floors": dict(a.floors),
            "bounds": {k: _num(v) for k, v in a.bounds.items()},
            "max_link_utilisation": a.max_link_utilisation, "jain_index": a.jain_index,
            "objective": a.objective, "objective_upper_bound": _num(a.objective_upper_bound),
            "diff": {k: [v[0], v[1]] for k, v in self.diff.items()},
            "reused": self.reused, "lps": self.lps, "levels_reused": self.levels_reused,
        }
        if self.deferred:
            out["deferred"] = True
        if self.event.get("op") in ("add_demand", "change_demand"):
            out["admission_ms"] = self.admission_ms
            if self.admission:
                out["admission"] = self.admission
        if self.degraded:
            out["degraded"] = {k: {"old_floor": v[0], "rate": v[1], "bound": _num(v[2])}
                               for k, v in self.degraded.items()}
        if self.outcome.startswith("rejected"):
            out["upper_bound"] = None if self.upper_bound is None else _num(self.upper_bound)
            out["counter_offer"] = self.counter_offer
            out["certificate"] = self.certificate.to_dict() if self.certificate else None
        if routes:
            out["routes"] = {k: [r.to_dict() for r in v] for k, v in a.routes.items()}
        return out
