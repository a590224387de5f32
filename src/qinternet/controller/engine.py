"""The controller engine: admission with certificates, fair allocation, warm re-solves.

Spec ``controller.md``. One :class:`Controller` holds a network, its link states and the active
demands, and keeps two warm LPs of :mod:`qinternet.networks.lp.incremental` alive across events:
the route master (achievable rates, on the lower capacities R_lo) and the cut pool (certified
upper bounds, on E_up). Every event returns one :class:`~qinternet.controller.records.Decision`.
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from qinternet.controller.filling import Filling
from qinternet.controller.model import (
    AddDemand,
    ChangeDemand,
    DegradeLink,
    Demand,
    Event,
    LinkDown,
    LinkRef,
    LinkUp,
    NodeDown,
    NodeUp,
    RemoveDemand,
    event_from_dict,
)
from qinternet.controller.policy import POLICIES, Policy, Spec, allocate, jain_index
from qinternet.controller.records import Allocation, Certificate, Decision, Outcome, Route
from qinternet.errors import InvalidParameterError, SolverError
from qinternet.networks.lp.arrays import LinkArrays
from qinternet.networks.lp.incremental import (
    CutPool,
    InfeasibleRatesError,
    RouteMaster,
    RouteSolution,
)
from qinternet.networks.network import Network
from qinternet.networks.single_pair import build_igraph, max_flow_min_cut
from qinternet.networks.usage import Usage

__all__ = ["Controller", "EngineState", "replay"]

#: A floor counts as met within this relative solver tolerance.
FLOOR_REL_TOL = 1e-9
#: Best-effort rates below this fraction of the demand's own scale (its widest-path rate on
#: the nominal capacities) are reported as 0 (LP round-off).
SNAP_REL = 1e-7
#: Deferred mode: the admission LP's route pool is pruned every this many events.
PRUNE_EVERY = 64


@dataclass(frozen=True, slots=True, kw_only=True)
class EngineState:
    """What an allocation depends on (a copy, safe to hand to another thread): the active
    demands with their terminals, admitted floors and admission order, the link and node
    states, and the number of events applied (:attr:`Controller.seq`)."""

    seq: int
    demands: dict[str, Demand]
    terminals: dict[str, tuple[int, ...]]
    floors: dict[str, float]
    admitted_at: dict[str, int]
    factor: npt.NDArray[np.float64]
    link_down: npt.NDArray[np.bool_]
    node_down: npt.NDArray[np.bool_]


class Controller:
    """Quantum-IP controller engine over one network.

    Parameters
    ----------
    network : Network
        Links carry E_up / R_lo in ebits per use.
    usage : Usage
        ``Usage.flooding()`` (default; rates in ebits per network use) or
        ``Usage.budget(uses_per_s)`` (ebits per second). Usage frequencies are not supported
        (their capacities are not fixed numbers).
    policy : {"maxmin", "throughput"}
        Allocation policy (spec ``controller.md``).

    Examples
    --------
    >>> import networkx as nx
    >>> from qinternet.networks import Network
    >>> g = nx.MultiGraph()
    >>> for u, v in [("A", "B"), ("B", "C"), ("C", "D"), ("B", "D")]:
    ...     _ = g.add_edge(u, v, transmissivity=0.5)
    >>> ctl = Controller(Network.from_networkx(g))
    >>> d = ctl.apply_dict({"op": "add_demand", "id": "x", "endpoints": ["A", "C"],
    ...                     "floor": 0.2})
    >>> d.outcome, round(d.allocation.rates["x"], 6), d.allocation.unit
    ('admitted', 1.0, 'ebits per network use')
    >>> r = ctl.apply_dict({"op": "add_demand", "id": "y", "endpoints": ["A", "D"],
    ...                     "floor": 0.9})
    >>> r.outcome, r.certificate.side, r.certificate.capacity, round(r.counter_offer, 6)
    ('rejected_infeasible', ('A',), 1.0, 0.8)

    References
    ----------
    D. Bertsekas, R. Gallager, *Data Networks*, 2nd ed. (1992), §6.5.2 (max-min fairness by
    progressive filling) [R]; S. Bäuml, K. Azuma, G. Kato, D. Elkouss, Commun. Phys. 3, 55
    (2020), arXiv:1809.03120 (cut upper bounds and route packing for quantum networks) [R].
    """

    def __init__(self, network: Network, *, usage: Usage | None = None,
                 policy: Policy = "maxmin") -> None:
        usage = usage if usage is not None else Usage.flooding()
        if usage.model == "frequency":
            raise InvalidParameterError("usage", "frequency", "is not supported by the "
                                        "controller (use flooding or a budget)")
        if policy not in POLICIES:
            raise InvalidParameterError("policy", policy, "must be 'maxmin' or 'throughput'")
        self.network = network
        self.usage = usage
        self.policy: Policy = policy
        self.unit = usage.unit
        up = network.link_arrays("upper")
        lo = network.link_arrays("lower")
        budget = (np.asarray(usage.link_budgets, dtype=np.float64) if usage.model == "budget"
                  else np.ones(up.num_links))
        if budget.size != up.num_links:
            raise InvalidParameterError("link_budgets", budget.size,
                                        f"must have one budget per link ({up.num_links})")
        self.tail, self.head = up.tail, up.head
        self.nominal_upper = up.capacity * budget
        self.nominal_lower = lo.capacity * budget
        m = up.num_links
        self.factor = np.ones(m)
        self.link_down = np.zeros(m, dtype=bool)
        self.node_down = np.zeros(network.num_nodes, dtype=bool)
        self.master = RouteMaster(network.num_nodes, self.tail, self.head, self.nominal_lower)
        self.pool = CutPool(network.num_nodes, self.tail, self.head, self.nominal_upper)
        self.demands: dict[str, Demand] = {}
        self.terminals: dict[str, tuple[int, ...]] = {}
        self.floors: dict[str, float] = {}
        self.admitted_at: dict[str, int] = {}
        self.seq = 0
        #: Every demand id ever added (removing a rejected or removed one is a no-op).
        self.seen_ids: set[str] = set()
        self.log: list[Decision] = []
        self._lower_now = self.nominal_lower.copy()
        self._load = np.zeros(m)
        self._routes: dict[Any, Any] = {}
        #: The levels of the last max-min allocation (reused by the next one where they stand).
        self._filling: Filling | None = None
        self._last_lps = (0, 0)
        self._flow_graph: Any = None
        #: Flow-admitted floors: the link loads of the flow that certified each.
        self._reserved: dict[str, npt.NDArray[np.float64]] = {}
        #: True after a deferred event, until :meth:`reallocate` (or :meth:`adopt`).
        self.pending = False
        self.allocation = self._empty_allocation()

    # ---- public API ----------------------------------------------------------------------
    def apply_dict(self, event: Mapping[str, Any]) -> Decision:
        """Parse and apply one trace line (see :func:`~qinternet.controller.event_from_dict`)."""
        return self.apply(event_from_dict(event))

    def apply(self, event: Event, *, reallocate: bool = True) -> Decision:
        """Apply one event; returns its decision record (also appended to :attr:`log`).

        With ``reallocate=False`` the event is *deferred*: its state change, admission test
        and certificate are made (and floors made infeasible by it are shed at once, lowest
        class first, newest first, exactly as a reallocation would shed them), but the
        allocation is not recomputed: :attr:`pending` becomes True and the decision carries
        the previous allocation with an empty ``diff``. :meth:`reallocate` (here or on
        another engine given :meth:`snapshot`) then brings the allocation up to date. Since
        admission and shedding depend only on the state, never on when allocations were
        computed, deferred and immediate processing decide every event alike.

        Raises
        ------
        InvalidParameterError
            Unknown node, link or demand id, or a duplicate id; the state is unchanged.
        """
        t0 = time.perf_counter()
        before = dict(self.allocation.rates)
        extra: dict[str, Any] = {}
        keep = False
        # deferred admissions may be certified by a max-flow beside the served routes (no
        # LP); immediate ones keep the LP's sequence of warm solves unchanged
        if isinstance(event, AddDemand):
            outcome, reason, extra = self._add(event.demand, deferred=not reallocate)
            extra["admission_ms"] = (time.perf_counter() - t0) * 1e3
        elif isinstance(event, ChangeDemand):
            outcome, reason, extra = self._change(event.demand, deferred=not reallocate)
            extra["admission_ms"] = (time.perf_counter() - t0) * 1e3
        elif isinstance(event, RemoveDemand):
            if event.id not in self.demands and event.id in self.seen_ids:
                outcome, reason = "applied", f"demand {event.id!r} is not active (nothing to do)"
            else:
                self._require(event.id)
                self._drop(event.id)
                outcome, reason = "applied", f"demand {event.id!r} removed"
        elif isinstance(event, LinkDown | LinkUp | DegradeLink):
            e = self.resolve_link(event.link)
            if isinstance(event, LinkDown):
                self.link_down[e] = True
                reason = f"link {e} down"
            elif isinstance(event, LinkUp):
                self.link_down[e] = False
                reason = f"link {e} up"
            else:
                self.factor[e] = float(event.factor)
                reason = f"link {e} degraded to {event.factor:g} of nominal"
            keep = self._push_capacity(np.array([e]))
            outcome = "applied"
        elif isinstance(event, NodeDown | NodeUp):
            v = self._node(event.node, "node")
            self.node_down[v] = isinstance(event, NodeDown)
            touched = np.flatnonzero((self.tail == v) | (self.head == v))
            keep = self._push_capacity(touched)
            outcome = "applied"
            reason = f"node {event.node!r} {'down' if self.node_down[v] else 'up'}"
        else:  # pragma: no cover - the Event union is closed
            raise InvalidParameterError("event", event, "is not a controller event")
        if not reallocate:
            return self._deferred(event, outcome, reason, extra, t0)
        if keep:
            # capacity only shrank, and the routes still fit: the allocation stays feasible, and
            # an optimum of a larger feasible set that remains feasible stays optimal (the
            # lexicographic max-min vector is unique); only the bounds are recomputed
            degraded: dict[str, tuple[float, float, float]] = {}
            self.allocation = self._allocation(self.allocation.rates, self._routes, self._load)
            extra["reused"] = True
        else:
            degraded = self._reallocate()
            extra["lps"], extra["levels_reused"] = self._last_lps
        if degraded and outcome == "applied":
            outcome = "degraded"
            reason += "; floors shed: " + ", ".join(sorted(degraded))
        after = self.allocation.rates
        diff = _rate_diff(before, after)
        decision = Decision(
            seq=self.seq, event=event.to_dict(), outcome=outcome, reason=reason,
            allocation=self.allocation, diff=diff,
            solve_ms=(time.perf_counter() - t0) * 1e3, degraded=degraded, **extra)
        self.seq += 1
        self.log.append(decision)
        return decision

    def _deferred(self, event: Event, outcome: Outcome, reason: str, extra: dict[str, Any],
                  t0: float) -> Decision:
        """The decision of a deferred event (see :meth:`apply`)."""
        degraded: dict[str, tuple[float, float, float]] = {}
        if self.floors and self._may_shed(event, outcome):
            a = self.allocation
            for k, f in self._shed().items():
                degraded[k] = (f, a.rates.get(k, 0.0), a.bounds.get(k, math.inf))
        if degraded and outcome == "applied":
            outcome = "degraded"
            reason += "; floors shed: " + ", ".join(sorted(degraded))
        self.pending = True
        if (self.seq + 1) % PRUNE_EVERY == 0:
            self.master.prune_columns()
        decision = Decision(
            seq=self.seq, event=event.to_dict(), outcome=outcome, reason=reason,
            allocation=self.allocation, diff={}, solve_ms=(time.perf_counter() - t0) * 1e3,
            degraded=degraded, deferred=True, **extra)
        self.seq += 1
        self.log.append(decision)
        return decision

    def _may_shed(self, event: Event, outcome: Outcome) -> bool:
        """Whether ``event`` can have made the admitted floors infeasible: a capacity change,
        or a floor admitted (or raised) above floors of a lower class."""
        if isinstance(event, LinkDown | LinkUp | DegradeLink | NodeDown | NodeUp):
            return True
        if isinstance(event, AddDemand | ChangeDemand) and outcome == "admitted":
            p = event.demand.priority
            return any(self.demands[k].priority < p for k in self.floors)
        return False

    def _shed(self) -> dict[str, float]:
        """Shed floors until the rest are feasible; returns the shed ones (id -> old floor).

        Floors go in precedence order, lowest class first and newest first within a class,
        until the rest fit; then each shed floor but the last is offered back, the most
        protected first, and kept when the floors still fit with it. So only floors that
        must go are shed: one that the failure does not touch keeps its guarantee even when
        it is newer than the one that became infeasible (the result is the greedy floor set
        of the precedence order)."""
        shed: dict[str, float] = {}
        while self.floors and not self._floors_feasible():
            victim = min(self.floors, key=lambda k: (self.demands[k].priority,
                                                     -self.admitted_at[k], k))
            shed[victim] = self.floors.pop(victim)
        # the last victim made the rest feasible: without it they were not, and offering
        # others back only adds floors
        for k in list(shed)[-2::-1]:
            self.floors[k] = shed[k]
            if self._floors_feasible():
                del shed[k]
            else:
                del self.floors[k]
        return shed

    def reallocate(self) -> Decision:
        """Recompute the allocation of the current state (after deferred events).

        Returns a record with ``event == {"op": "reallocate"}``, the rate ``diff`` since
        the previous allocation and the floors shed (only by solver round-off: deferred
        events shed at once); it is not an event, so it is not appended to :attr:`log` and
        its ``seq`` is that of the last event it includes (-1: none).
        """
        t0 = time.perf_counter()
        before = dict(self.allocation.rates)
        degraded = self._reallocate()
        self.pending = False
        after = self.allocation.rates
        diff = _rate_diff(before, after)
        lps, kept = self._last_lps
        return Decision(
            seq=self.seq - 1, event={"op": "reallocate"},
            outcome="degraded" if degraded else "applied",
            reason=("allocation recomputed" + ("; floors shed: " + ", ".join(sorted(degraded))
                                               if degraded else "")),
            allocation=self.allocation, diff=diff, solve_ms=(time.perf_counter() - t0) * 1e3,
            degraded=degraded, lps=lps, levels_reused=kept)

    def snapshot(self) -> EngineState:
        """A copy of the state an allocation depends on (see :meth:`load_state`)."""
        return EngineState(
            seq=self.seq, demands=dict(self.demands), terminals=dict(self.terminals),
            floors=dict(self.floors), admitted_at=dict(self.admitted_at),
            factor=self.factor.copy(), link_down=self.link_down.copy(),
            node_down=self.node_down.copy())

    def load_state(self, state: EngineState) -> None:
        """Make this engine's state ``state`` (another engine's :meth:`snapshot` over the
        same network), changing only what differs so that its LPs stay warm; the
        allocation is then pending. Used to reallocate on a second engine while the first
        keeps deciding events."""
        if state.factor.shape != self.factor.shape or state.node_down.shape != \
                self.node_down.shape:
            raise InvalidParameterError("state", "EngineState",
                                        "comes from an engine over another network")
        for k in [k for k, d in self.demands.items() if state.demands.get(k) != d]:
            self._drop(k)
        for k, d in state.demands.items():
            if k not in self.demands:
                self._insert(d, state.terminals[k])
        self.floors = dict(state.floors)
        self.admitted_at = dict(state.admitted_at)
        self.seen_ids.update(state.demands)
        old = self._effective_factor(np.arange(self.tail.size))
        self.factor[:] = state.factor
        self.link_down[:] = state.link_down
        self.node_down[:] = state.node_down
        changed = np.flatnonzero(self._effective_factor(np.arange(self.tail.size)) != old)
        if changed.size:
            self._push_capacity(changed)
        self.seq = state.seq
        self.pending = True

    def adopt(self, allocation: Allocation, seq: int) -> None:
        """Serve ``allocation``, computed (on another engine, or stored) for this engine's
        state after its first ``seq`` events (:attr:`EngineState.seq` of a
        :meth:`snapshot`): the demands removed since keep no rate or route, the ones added
        since have none yet, and :attr:`pending` stays True unless no event came after.
        The next immediate event reallocates in full (it cannot reuse an adopted one)."""
        live = set(self.demands)
        a = allocation
        if set(a.rates) != live:
            a = dataclasses.replace(
                a, rates={k: v for k, v in a.rates.items() if k in live},
                routes={k: v for k, v in a.routes.items() if k in live},
                bounds={k: v for k, v in a.bounds.items() if k in live})
        if a.floors != self.floors:
            a = dataclasses.replace(a, floors={k: self.floors[k] for k in sorted(self.floors)})
        self.allocation = a
        self._routes = {}
        self._load = np.full(self.tail.size, np.inf)  # no "routes still fit" reuse
        self.pending = self.seq != seq

    def replace_network(self, network: Network) -> Decision:
        """Event: replace the network (link states reset to up at nominal capacity).

        Active demands whose endpoints all exist in the new network are kept, with their
        admitted floors (shed as after a failure when no longer feasible); the others are
        dropped and named in the reason. One decision record, like every event.
        """
        t0 = time.perf_counter()
        before = dict(self.allocation.rates)
        old = self
        fresh = Controller(network, usage=self.usage, policy=self.policy)
        kept, dropped = [], []
        for k, d in old.demands.items():
            try:
                terms = tuple(network.node_index(x) for x in d.endpoints)
            except InvalidParameterError:
                dropped.append(k)
                continue
            fresh._insert(d, terms)
            kept.append(k)
        fresh.floors = {k: f for k, f in old.floors.items() if k in kept}
        fresh.admitted_at = {k: v for k, v in old.admitted_at.items() if k in kept}
        fresh.seen_ids = set(old.seen_ids)
        self.__dict__.update({k: v for k, v in fresh.__dict__.items()
                              if k not in ("log", "seq")})
        degraded = self._reallocate()
        reason = f"network replaced ({network.num_nodes} nodes, {len(network.links)} links)"
        if dropped:
            reason += "; demands dropped (endpoints gone): " + ", ".join(sorted(dropped))
        if degraded:
            reason += "; floors shed: " + ", ".join(sorted(degraded))
        after = self.allocation.rates
        diff = _rate_diff(before, after)
        decision = Decision(
            seq=self.seq, event={"op": "replace_network", "network": network.name},
            outcome="degraded" if degraded or dropped else "applied", reason=reason,
            allocation=self.allocation, diff=diff, solve_ms=(time.perf_counter() - t0) * 1e3,
            degraded=degraded)
        self.seq += 1
        self.log.append(decision)
        return decision

    def cold_copy(self) -> Controller:
        """A fresh engine in the same state (link states, demands, admitted floors), solved
        from scratch: what every warm allocation must equal (tests, audits)."""
        c = Controller(self.network, usage=self.usage, policy=self.policy)
        c.factor[:] = self.factor
        c.link_down[:] = self.link_down
        c.node_down[:] = self.node_down
        c._push_capacity(np.arange(self.tail.size))
        for k, d in self.demands.items():
            c._insert(d, self.terminals[k])
        c.floors = dict(self.floors)
        c.admitted_at = dict(self.admitted_at)
        c.seq = self.seq
        c._reallocate()
        return c

    def resolve_link(self, link: LinkRef) -> int:
        """Index of a link given by index or by its two end nodes (lowest index if parallel)."""
        m = self.tail.size
        if isinstance(link, int):
            if not 0 <= link < m:
                raise InvalidParameterError("link", link, f"must be a link id in [0, {m})")
            return link
        a, b = self._node(link[0], "link"), self._node(link[1], "link")
        hit = np.flatnonzero(((self.tail == a) & (self.head == b))
                             | ((self.tail == b) & (self.head == a)))
        if not hit.size:
            raise InvalidParameterError("link", list(link), "no link joins these nodes")
        return int(hit[0])

    def capacities(self) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
        """Current (upper, lower) link capacities in the controller's unit."""
        f = self._effective_factor(np.arange(self.tail.size))
        return self.nominal_upper * f, self.nominal_lower * f

    # ---- events --------------------------------------------------------------------------
    def _node(self, name: str, field: str) -> int:
        try:
            return self.network.node_index(name)
        except InvalidParameterError as err:
            raise InvalidParameterError(field, name, err.rule) from None

    def _require(self, ident: str) -> None:
        if ident not in self.demands:
            raise InvalidParameterError("id", ident, "is not an active demand")

    def _effective_factor(self, links: npt.NDArray[np.int64]) -> npt.NDArray[np.float64]:
        ok = ~self.link_down[links] & ~self.node_down[self.tail[links]] \
            & ~self.node_down[self.head[links]]
        return np.where(ok, self.factor[links], 0.0)

    def _push_capacity(self, links: npt.NDArray[np.int64]) -> bool:
        """Send the links' current capacities to both LPs. True when the change cannot
        alter the allocation: no lower capacity grew and the routes still fit."""
        f = self._effective_factor(links)
        new = self.nominal_lower[links] * f
        old = self._lower_now[links]
        self.master.set_capacity(links, new)
        self.pool.set_capacity(links, self.nominal_upper[links] * f)
        self._lower_now[links] = new
        return bool(np.all(new <= old) and np.all(self._load[links] <= new))

    def _insert(self, d: Demand, terms: tuple[int, ...]) -> None:
        self.master.add_demand(d.id, terms, upper=d.cap)
        self.pool.add_demand(d.id, terms)  # adds the demand's minimum cut to the pool
        self.demands[d.id] = d
        self.terminals[d.id] = terms

    def _drop(self, ident: str) -> None:
        self._reserved.pop(ident, None)
        self.master.remove_demand(ident)
        self.pool.remove_demand(ident)
        del self.demands[ident]
        del self.terminals[ident]
        self.floors.pop(ident, None)
        self.admitted_at.pop(ident, None)

    def _add(self, d: Demand, *, deferred: bool = False) -> tuple[Outcome, str, dict[str, Any]]:
        if d.id in self.demands:
            raise InvalidParameterError("id", d.id, "is already an active demand")
        terms = tuple(self._node(x, "endpoints") for x in d.endpoints)
        if len(set(terms)) != len(terms):
            raise InvalidParameterError("endpoints", list(d.endpoints),
                                        "name the same node twice")
        self._insert(d, terms)
        self.seen_ids.add(d.id)
        if d.floor <= 0.0:
            self.admitted_at[d.id] = self.seq
            return "admitted", "best effort (no floor)", {}
        return self._admit(d, deferred=deferred)

    def _admit(self, d: Demand, *, deferred: bool = False
               ) -> tuple[Outcome, str, dict[str, Any]]:
        """Admission test of ``d`` (already inserted with floor 0); ``deferred`` allows the
        LP-free flow certificate and keeps reservations for it."""
        guard = {k: f for k, f in self.floors.items()
                 if k != d.id and self.demands[k].priority >= d.priority}
        if deferred and self._fits_beside_routes(d, guard):
            self.floors[d.id] = d.floor
            self.admitted_at[d.id] = self.seq
            return ("admitted", f"floor {d.floor:.6g} {self.unit} guaranteed",
                    {"admission": "flow"})
        solution = None
        try:
            solution = self._solve_master(guard, rates={d.id: 1.0})
            offer = float(solution.rates[d.id])
        except InfeasibleRatesError:
            offer = 0.0
        if offer >= d.floor * (1.0 - FLOOR_REL_TOL):
            if deferred and solution is not None and offer > 0.0:
                # its LP routes scaled to the floor: the reservation the flow test counts
                # until the served allocation carries the demand
                load = np.zeros(self.tail.size)
                for r in solution.routes.get(d.id, ()):
                    load[list(r.links)] += r.rate * min(1.0, d.floor / offer)
                self._reserved[d.id] = load
            self.floors[d.id] = d.floor
            self.admitted_at[d.id] = self.seq
            return "admitted", f"floor {d.floor:.6g} {self.unit} guaranteed", {"admission": "lp"}
        bound, cert = self._upper_given(d.id, guard, d.floor)
        self._drop(d.id)
        extra: dict[str, Any] = {"upper_bound": bound, "counter_offer": offer}
        if cert is not None and cert.holds:
            extra["certificate"] = cert
            return ("rejected_infeasible",
                    f"a cut of capacity {cert.capacity:.6g} {self.unit} cannot carry the "
                    f"floor {d.floor:.6g} plus {sum(cert.floors_crossing.values()):.6g} of "
                    "admitted floors", extra)
        return ("rejected_unroutable",
                f"no routing meets the floor {d.floor:.6g} {self.unit} (largest achievable "
                f"{offer:.6g}); the cut bound {bound:.6g} does not exclude it", extra)

    def _fits_beside_routes(self, d: Demand, guard: Mapping[str, float]) -> bool:
        """Fast sufficient admission test of a pair (deferred events): the guarded floors
        ride on their served routes scaled down to the floor, and the maximum flow of the
        pair on the capacity left over carries the new floor (with a 1e-6 margin). True is a
        feasibility certificate (routes for every guarded floor and the new one); False
        decides nothing (the admission LP then does)."""
        terms = self.terminals[d.id]
        if len(terms) != 2:
            return False
        a = self.allocation
        residual = self._lower_now.copy()
        for k, f in guard.items():
            routes = a.routes.get(k, ())
            rate = sum(r.rate for r in routes)
            if routes and rate >= f:
                for r in routes:
                    residual[list(r.links)] -= r.rate * (f / rate)
            elif k in self._reserved:  # not served yet: the flow that admitted it
                residual -= self._reserved[k]
            else:
                return False
        if residual.size and residual.min() < 0.0:
            return False  # the capacities fell below the routes
        if self._flow_graph is None:
            self._flow_graph = build_igraph(self._arrays(self.nominal_lower))
        try:
            mf = max_flow_min_cut(self._arrays(np.maximum(residual, 0.0)), terms[0], terms[1],
                                  graph=self._flow_graph)
        except SolverError:
            return False  # flow and cut disagree at this dynamic range: the LP decides
        if not mf.value >= d.floor * (1.0 + 1e-6):
            return False
        # the flow scaled to the floor: a routing of it (flow decomposition), kept until the
        # served allocation carries the demand
        self._reserved[d.id] = np.abs(mf.flow) * (d.floor / mf.value)
        return True

    def _arrays(self, capacity: npt.NDArray[np.float64]) -> LinkArrays:
        return LinkArrays(num_nodes=self.network.num_nodes, tail=self.tail, head=self.head,
                          capacity=capacity)

    def _change(self, d: Demand, *, deferred: bool = False
                ) -> tuple[Outcome, str, dict[str, Any]]:
        self._require(d.id)
        old = self.demands[d.id]
        terms = tuple(self._node(x, "endpoints") for x in d.endpoints)
        old_floor = self.floors.get(d.id, 0.0)
        seq = self.admitted_at.get(d.id, self.seq)
        self._drop(d.id)
        self._insert(d, terms)
        if d.floor <= old_floor or d.floor <= 0.0:
            if d.floor > 0:
                self.floors[d.id] = d.floor
            self.admitted_at[d.id] = seq
            return "applied", f"demand {d.id!r} changed", {}
        outcome, reason, extra = self._admit(d, deferred=deferred)
        if outcome != "admitted":
            # keep the demand as it was
            self._insert(old, tuple(self._node(x, "endpoints") for x in old.endpoints))
            if old_floor > 0:
                self.floors[d.id] = old_floor
            self.admitted_at[d.id] = seq
            reason = "change refused, demand kept as before: " + reason
        else:
            self.admitted_at[d.id] = seq
        return outcome, reason, extra

    # ---- bounds and certificates ---------------------------------------------------------
    def _cut_values(self, keys: list[str], floors: Mapping[str, float]
                    ) -> npt.NDArray[np.float64]:
        """(pool cuts x keys): cut capacity minus the floors of the *other* demands it
        splits, where the cut splits ``keys[j]`` (inf elsewhere): each entry is a certified
        upper bound on demand j given those floors."""
        caps = self.pool.cut_capacities()
        split = self.pool.split_matrix(keys)
        f = np.array([floors.get(k, 0.0) for k in keys])
        vals = caps[:, None] - (split.astype(np.float64) @ f)[:, None] + f[None, :]
        return np.where(split, vals, np.inf)

    def _upper_given(self, ident: str, floors: Mapping[str, float], requested: float
                     ) -> tuple[float, Certificate | None]:
        """Certified upper bound on demand ``ident`` given ``floors``, and the best cut."""
        pool = self.pool
        for k in self.demands:
            pool.set_bounds(k, lower=floors.get(k, 0.0) if k != ident else 0.0)
        try:
            lp = pool.solve(rates={ident: 1.0}).value
        except SolverError:
            lp = math.inf
        finally:
            for k in self.demands:
                pool.set_bounds(k)
        keys = sorted(set(floors) | {ident})
        vals = self._cut_values(keys, {k: f for k, f in floors.items() if k != ident})
        col = vals[:, keys.index(ident)] if vals.size else np.zeros(0)
        if not np.isfinite(col).any():
            return lp, None
        i = int(np.argmin(col))
        side = pool.cuts[i]
        cross = np.flatnonzero((side[self.tail] != side[self.head]) & (self.tail != self.head))
        upper, _ = self.capacities()
        mask = pool.split_mask(side)
        carried = {k: f for k, f in sorted(floors.items())
                   if k != ident and mask[pool.slot[k]]}
        names = self.network.node_names
        cert = Certificate(
            side=tuple(names[v] for v in np.flatnonzero(side)), links=tuple(int(e) for e in cross),
            link_capacities=tuple(float(upper[e]) for e in cross),
            capacity=float(upper[cross].sum()), requested=requested, floors_crossing=carried)
        return min(lp, float(col[i])), cert

    # ---- allocation ----------------------------------------------------------------------
    def _specs(self) -> dict[str, Spec]:
        return {k: Spec(weight=d.weight, priority=d.priority, floor=self.floors.get(k, 0.0),
                        cap=d.cap) for k, d in sorted(self.demands.items())}

    def _reallocate(self) -> dict[str, tuple[float, float, float]]:
        """Allocate by the policy; shed floors (lowest class first, newest first) until the
        floors are feasible. Returns the shed demands: id -> (old floor, rate, bound)."""
        shed: dict[str, float] = {}
        fresh = False
        while True:
            specs = self._specs()
            try:
                result = allocate(self.master, specs, self.policy, memo=self._filling)
                break
            except InfeasibleRatesError:
                if not self.floors:
                    raise SolverError("Infeasible", "allocation without floors came out "
                                      "infeasible") from None
                dropped = self._shed()  # the same floors as a deferred event sheds
                if dropped:
                    shed.update(dropped)
                    continue
                # the floors alone fit: the filling's frozen values were jointly too high
                # by the LP's tolerance -- retried with a wider band, never shed for it
                try:
                    result = allocate(self.master, specs, self.policy, robust=True)
                    break
                except InfeasibleRatesError:
                    pass
                victim = min(self.floors, key=lambda k: (self.demands[k].priority,
                                                         -self.admitted_at[k], k))
                shed[victim] = self.floors.pop(victim)
            except SolverError:
                if fresh:
                    raise
                # HiGHS failed on the warm master (its sequence of warm solves matters on
                # LPs spread over many decades: SNDlib nobel-eu): once, from a fresh one
                fresh = True
                self._fresh_master()
        self._filling = result.filling
        self._last_lps = (result.lps, result.kept_levels)
        self.master.prune_columns()
        rates = dict(result.rates)
        routes = dict(result.solution.routes)
        load = np.array(result.solution.link_load, dtype=np.float64)
        for k in sorted(rates):
            # a best-effort rate below 1e-9 of what the demand carries alone is the LP's
            # round-off on a link others fill (strict priority, or a shared bottleneck):
            # reported as 0, so that warm and cold solves agree on it
            scale = self.master.dscale[self.master.slot[k]]
            if 0.0 < rates[k] < SNAP_REL * scale and self.floors.get(k, 0.0) == 0.0:
                for r in routes.get(k, ()):
                    load[list(r.links)] -= r.rate
                rates[k] = 0.0
                routes[k] = ()
        self._routes = routes
        self._load = np.maximum(load, 0.0)
        self.allocation = self._allocation(rates, self._routes, self._load)
        return {k: (f, self.allocation.rates.get(k, 0.0), self.allocation.bounds.get(k, 0.0))
                for k, f in shed.items()}

    def _solve_master(self, lower: Mapping[str, float], **kw: Any) -> RouteSolution:
        """``master.solve(**kw)`` with rate bounds ``lower`` (0 where absent) and the caps;
        once more on a fresh master when HiGHS fails on the warm one
        (:class:`InfeasibleRatesError` is a verdict, not a failure: it propagates)."""
        def bounded() -> RouteMaster:
            for k, d in self.demands.items():
                self.master.set_bounds(k, lower=lower.get(k, 0.0), upper=d.cap)
            return self.master

        try:
            return bounded().solve(**kw)
        except InfeasibleRatesError:
            raise
        except SolverError:
            self._fresh_master()
            return bounded().solve(**kw)

    def _fresh_master(self) -> None:
        """Replace the route master by one built from scratch in the same state (link
        capacities, demands in their order; bounds are set by each solve)."""
        master = RouteMaster(self.network.num_nodes, self.tail, self.head, self.nominal_lower)
        master.set_capacity(np.arange(self.tail.size), self._lower_now)
        for k, d in self.demands.items():
            master.add_demand(k, self.terminals[k], upper=d.cap)
        self.master = master
        self._filling = None

    def _floors_feasible(self) -> bool:
        """Whether the admitted floors alone fit (phase 1 of the route master)."""
        try:
            self._solve_master(self.floors, routes=False)
        except InfeasibleRatesError:
            return False
        return True

    def _allocation(self, rates: Mapping[str, float], routes: Mapping[Any, Any],
                    load: npt.NDArray[np.float64]) -> Allocation:
        _, lower = self.capacities()
        util = np.where(lower > 0, load / np.where(lower > 0, lower, 1.0), 0.0)
        names = self.network.node_names
        out_routes = {
            k: tuple(Route(rate=r.rate, links=r.links,
                           nodes=tuple(names[v] for v in r.nodes) if r.nodes else ())
                     for r in routes.get(k, ()))
            for k in sorted(rates)}
        bounds = self._demand_bounds()
        weights = {k: self.demands[k].weight for k in rates}
        if self.policy == "maxmin":
            objective = min((rates[k] / weights[k] for k in rates), default=0.0)
            level = {k: weights[k] for k in rates}
            ub = self._objective_bound(level=level) if rates else 0.0
        else:
            objective = float(sum(weights[k] * rates[k] for k in rates))
            ub = self._objective_bound(rates=weights) if rates else 0.0
        return Allocation(
            unit=self.unit, policy=self.policy, rates={k: float(rates[k]) for k in sorted(rates)},
            floors={k: self.floors[k] for k in sorted(self.floors)}, routes=out_routes,
            bounds=bounds, link_utilisation=tuple(float(u) for u in util),
            max_link_utilisation=float(util.max(initial=0.0)),
            jain_index=jain_index([rates[k] / weights[k] for k in sorted(rates)]),
            objective=objective, objective_upper_bound=ub)

    def _objective_bound(self, **objective: Any) -> float:
        pool = self.pool
        for k in self.demands:
            pool.set_bounds(k, lower=self.floors.get(k, 0.0), upper=self.demands[k].cap)
        try:
            return float(pool.solve(**objective).value)
        except SolverError:
            return math.inf
        finally:
            for k in self.demands:
                pool.set_bounds(k)

    def _demand_bounds(self) -> dict[str, float]:
        """Per demand: min over pool cuts splitting it of capacity minus the other floors."""
        keys = sorted(self.demands)
        if not keys or not self.pool.cuts:
            return {k: math.inf for k in keys}
        best = self._cut_values(keys, self.floors).min(axis=0)
        return {k: float(v) for k, v in zip(keys, best, strict=True)}

    def _empty_allocation(self) -> Allocation:
        m = self.tail.size
        return Allocation(unit=self.unit, policy=self.policy, rates={}, floors={}, routes={},
                          bounds={}, link_utilisation=(0.0,) * m, max_link_utilisation=0.0,
                          jain_index=1.0, objective=0.0, objective_upper_bound=0.0)


def _rate_diff(before: Mapping[str, float], after: Mapping[str, float]
               ) -> dict[str, tuple[float, float]]:
    """Rates that moved: id -> (before, after), 0 for a demand absent on one side."""
    return {k: (before.get(k, 0.0), after.get(k, 0.0)) for k in sorted(set(before) | set(after))
            if not _close(before.get(k, 0.0), after.get(k, 0.0))}


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-12 * max(abs(a), abs(b), 1e-300)


def replay(network: Network, events: Iterable[Mapping[str, Any]], *,
           usage: Usage | None = None, policy: Policy = "maxmin",
           reallocate: bool = True) -> Controller:
    """A fresh controller with ``events`` (trace lines or decision records' ``"event"``)
    applied in order: the same allocations, bit for bit, as the run that logged them.
    ``reallocate=False`` applies them deferred (see :meth:`Controller.apply`; the same
    decisions, bit for bit, as a run that deferred them) and leaves the allocation pending."""
    ctl = Controller(network, usage=usage, policy=policy)
    for ev in events:
        ctl.apply(event_from_dict(ev.get("event", ev) if "outcome" in ev else ev),
                  reallocate=reallocate)
    return ctl
