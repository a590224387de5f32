"""Incremental progressive filling: which max-min levels survive a change, without an LP.

The max-min policy (:mod:`qinternet.controller.policy`) computes its allocation level by level.
Level k is the LP ``LP_k: max t`` subject to the demands frozen at earlier levels held at their
values, ``R_i >= w_i t`` for the unfrozen demands of the class, floors, caps and the link
capacities. Its optimum ``t_k`` comes with a primal point ``x_k`` (recorded as link loads) and a
dual solution (link prices ``y_k``, level- and rate-row duals), and it freezes the demands whose
level rows have a positive dual.

After a change, level k still has the value ``t_k`` and freezes the same demands when

(a) a point derived from ``x_k`` is feasible for the new ``LP_k`` (so its value is >= ``t_k``),
(b) the old dual solution stays feasible with the same objective (so the value is <= ``t_k``;
    that dual is then optimal, and by complementary slackness every demand it blocked stays
    blocked).

Per kind of change:

- a link capacity decreases: (b) always holds (a price ``y_e > 0`` means link e is tight in
  ``x_k``, so (a) fails first); (a) holds when the load of ``x_k`` fits the new capacity;
- a link capacity increases: (a) always holds; (b) holds when ``y_e = 0``;
- a demand is removed: (a) holds (drop its routes); (b) holds when every dual of its rows is 0,
  i.e. it is not frozen at the level and does not bind it;
- a demand is added: (b) holds (its rows get zero duals; its columns have reduced cost
  ``sum y_e >= 0``); (a) is checked by routing its rate at this level (its floor for the levels
  of higher classes, ``max(floor, w t_k)`` for its own class) along one path or tree in the
  capacity ``x_k`` leaves free -- a sufficient test.

The levels before the first one that fails stand as they are; filling resumes from there. That
is exact: a demand that the change blocks at a standing level without it being frozen there is
found by the next LP, which then returns the same level and freezes it (progressive filling's
own rule). Lower classes are never kept past an added demand's class (its final rate, which
they see as fixed, is not known yet).

References
----------
D. Bertsekas, R. Gallager, *Data Networks*, 2nd ed. (1992), §6.5.2 (progressive filling) [R];
D. Bertsimas, J. N. Tsitsiklis, *Introduction to Linear Optimization* (1997), §4.3-4.5 (duality,
complementary slackness) and §5.1 (local sensitivity analysis) [R].
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import igraph as ig
import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from scipy.sparse.csgraph import breadth_first_order, dijkstra

__all__ = ["Filling", "Level", "Reuse", "fit_load", "fit_route"]

#: Relative slack when comparing a recorded load with a new capacity (LP tolerance).
_LOAD_REL = 1e-9
#: Frozen values that differ by less than this (relative) are the same (LP tolerance).
_VALUE_REL = 1e-9
#: An added demand's rate at a reused level below this fraction of its own scale (its
#: widest-path rate) is LP round-off of a level that is 0: it needs no route.
_NEGLIGIBLE = 1e-9


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class Level:
    """One level of a progressive filling (controller units)."""

    #: Priority class the level belongs to.
    priority: int
    #: The level ``t_k``.
    level: float
    #: Demands frozen at this level (their values are in :attr:`Filling.values`).
    frozen: tuple[str, ...]
    #: Demands with a nonzero dual on their level or rate row at this level.
    dual_keys: frozenset[str]
    #: Links whose capacity row has a positive price.
    binding: npt.NDArray[np.bool_]
    #: Link prices per unit of rate (the LP's dual on the capacity rows).
    prices: npt.NDArray[np.float64]
    #: Per demand with a positive value: its dual ``theta`` (rate plus level row, scaled LP
    #: units): a route of price below ``theta / scale`` would enter the LP.
    theta: dict[str, float]
    #: Link loads of the level's primal point.
    load: npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class Filling:
    """The levels of one max-min allocation and the state they were computed for."""

    levels: tuple[Level, ...]
    #: Value of every frozen demand.
    values: dict[str, float]
    #: Link capacities of the route master at the time.
    capacity: npt.NDArray[np.float64]
    #: Per demand: (weight, priority, floor, cap) and terminals at the time.
    specs: dict[str, tuple[float, int, float, float]]
    terminals: dict[str, tuple[int, ...]]
    #: The final allocation: its rate per demand and its link loads (one row per demand, in
    #: the order of :attr:`keys`).
    keys: tuple[str, ...] = ()
    final_rates: npt.NDArray[np.float64] = dataclasses.field(
        default_factory=lambda: np.zeros(0))
    route_load: sp.csr_matrix | None = None

    def scaled_final(self, k: int, levels: Sequence[Level]) -> npt.NDArray[np.float64] | None:
        """Loads of the final allocation scaled down to what level ``k`` needs: a feasible
        point of ``LP_k`` (demands frozen by then at their values, the class's others at
        ``max(floor, w t_k)``, lower classes at their floors), lighter than the LP's vertex."""
        if self.route_load is None or not self.keys:
            return None
        lv = levels[k]
        frozen = {x for j in range(k + 1) for x in levels[j].frozen}
        target = np.empty(len(self.keys))
        for i, key in enumerate(self.keys):
            weight, priority, floor, _ = self.specs[key]
            if key in frozen or priority > lv.priority:
                target[i] = self.final_rates[i]
            elif priority == lv.priority:
                target[i] = max(floor, weight * lv.level)
            else:
                target[i] = floor
        r = self.final_rates
        alpha = np.where(r > 0, np.minimum(target / np.where(r > 0, r, 1.0), 1.0), 0.0)
        return np.asarray(self.route_load.T @ alpha, dtype=np.float64)

    def reuse(self, *, capacity: npt.NDArray[np.float64],
              specs: Mapping[str, tuple[float, int, float, float]],
              terminals: Mapping[str, tuple[int, ...]], tail: npt.NDArray[np.int64],
              head: npt.NDArray[np.int64], num_nodes: int,
              scales: Mapping[str, float]) -> Reuse | None:
        """A :class:`Reuse` of these levels in the new state, or None when the state differs
        in more than link capacities and one added or removed demand."""
        if capacity.shape != self.capacity.shape:
            return None
        added = [k for k in specs if k not in self.specs]
        removed = [k for k in self.specs if k not in specs]
        if len(added) + len(removed) > 1:
            return None
        for k, s in specs.items():
            if k in self.specs and (self.specs[k] != s or self.terminals[k] != terminals[k]):
                return None
        return Reuse(self, capacity=capacity, specs=specs, terminals=terminals, tail=tail,
                     head=head, num_nodes=num_nodes, scales=scales,
                     added=added[0] if added else None,
                     removed=removed[0] if removed else None)


class Reuse:
    """The levels of an earlier filling, offered to a new one as it progresses.

    :meth:`take` is asked before every LP: the next earlier level whose frozen demands before
    it are the new filling's, at the same values (up to the added or removed demand), is
    returned when it stands in the new state (module docstring), so a filling can rejoin the
    earlier one after the levels a change touched -- an added demand frozen at its own level,
    say.
    """

    def __init__(self, memo: Filling, *, capacity: npt.NDArray[np.float64],
                 specs: Mapping[str, tuple[float, int, float, float]],
                 terminals: Mapping[str, tuple[int, ...]], tail: npt.NDArray[np.int64],
                 head: npt.NDArray[np.int64], num_nodes: int, scales: Mapping[str, float],
                 added: str | None, removed: str | None) -> None:
        self.memo = memo
        self.capacity = capacity
        self.specs = specs
        self.terminals = terminals
        self.tail, self.head, self.n = tail, head, num_nodes
        self.scales = scales
        self.added, self.removed = added, removed
        self.dec = np.flatnonzero(capacity < memo.capacity)
        inc = capacity > memo.capacity
        #: links that come up from 0 (no row price exists for them: priced instead)
        self.new_links = np.flatnonzero(inc & (memo.capacity <= 0.0))
        self.inc = np.flatnonzero(inc & (memo.capacity > 0.0))
        before: list[frozenset[str]] = []
        acc: set[str] = set()
        for lv in memo.levels:
            before.append(frozenset(acc))
            acc |= set(lv.frozen)
        self.before = before
        self.next = 0
        self.taken = 0

    def take(self, frozen: Mapping[str, float]) -> Level | None:
        """The next earlier level if it applies to the frozen demands ``frozen`` (key ->
        value) and stands; None otherwise (the caller solves an LP)."""
        have = set(frozen)
        if self.added is not None:
            have.discard(self.added)
        for p in range(self.next, len(self.memo.levels)):
            old = self.before[p] - {self.removed} if self.removed else self.before[p]
            if len(old) > len(have):
                return None
            if old == have:
                # the old level was solved with these demands at their old values: a demand
                # frozen by a new level at another value makes every later old level moot
                vals = self.memo.values
                if any(abs(frozen[k] - vals[k]) > _VALUE_REL * max(abs(vals[k]), 1e-300)
                       for k in have):
                    self.next = len(self.memo.levels)
                    return None
                lv = self._stands(p, frozen)
                self.next = p + 1
                if lv is not None:
                    self.taken += 1
                return lv
        return None

    def _stands(self, p: int, frozen: Mapping[str, float]) -> Level | None:
        memo = self.memo
        lv = memo.levels[p]
        if self.inc.size and bool(lv.binding[self.inc].any()):
            return None
        if self.new_links.size and not self._unpriced(lv):
            return None
        if self.removed is not None and (self.removed in lv.frozen
                                         or self.removed in lv.dual_keys):
            return None
        rate = 0.0
        if self.added is not None:
            weight, priority, floor, cap = self.specs[self.added]
            if self.added in frozen:
                rate = frozen[self.added]
            else:
                if lv.priority < priority:
                    return None  # a lower class sees the new demand's (unknown) final rate
                rate = floor
                if lv.priority == priority:
                    if weight * lv.level >= cap * (1.0 - 1e-9):
                        return None
                    rate = max(floor, weight * lv.level)
            if rate <= _NEGLIGIBLE * self.scales.get(self.added, 0.0):
                rate = 0.0
        for point in (lv.load, memo.scaled_final(p, memo.levels)):
            if point is None:
                continue
            if self.dec.size and bool(np.any(point[self.dec]
                                             > self.capacity[self.dec] * (1.0 + _LOAD_REL))):
                continue
            if rate > 0.0 and self.added is not None:
                extra = fit_load(self.n, self.tail, self.head, self.capacity - point,
                                 self.terminals[self.added], rate)
                if extra is None:
                    continue
                point = point + extra
            return lv if point is lv.load else dataclasses.replace(lv, load=point)
        return None

    def _unpriced(self, lv: Level) -> bool:
        """Whether no demand of the level has a route through a link that came up with a
        negative reduced cost at the level's prices (the new links priced 0): then the old
        dual stays feasible with those links' prices at 0, and its objective is unchanged."""
        if not lv.theta:
            return True
        up = self.capacity > 0.0
        w = np.where(up, lv.prices, np.inf)
        w[self.new_links] = 0.0
        ok = np.flatnonzero(np.isfinite(w) & (self.tail != self.head))
        a, b, ww = self.tail[ok], self.head[ok], w[ok]
        # the cheapest parallel link per node pair (csr would sum duplicates)
        key = np.minimum(a, b) * self.n + np.maximum(a, b)
        order = np.lexsort((ww, key))
        first = np.ones(order.size, dtype=bool)
        first[1:] = key[order][1:] != key[order][:-1]
        sel = order[first]
        lo, hi, wv = np.minimum(a, b)[sel], np.maximum(a, b)[sel], ww[sel]
        # explicit zeros would vanish from a csr: a tiny positive floor keeps them as edges
        wv = np.maximum(wv, 1e-300)
        g = sp.csr_matrix((np.concatenate([wv, wv]), (np.concatenate([lo, hi]),
                                                      np.concatenate([hi, lo]))),
                          shape=(self.n, self.n))
        keys = [k for k in lv.theta if k in self.terminals]
        if not keys:
            return True
        sources = sorted({self.terminals[k][0] for k in keys})
        row = {v: i for i, v in enumerate(sources)}
        dist = dijkstra(g, directed=True, indices=sources)
        for k in keys:
            t = self.terminals[k]
            scale = self.scales.get(k, 0.0)
            # a tree contains a path from the first terminal to each other one: a lower bound
            if scale * float(dist[row[t[0]], list(t[1:])].max()) < lv.theta[k] * (1.0 - 1e-9):
                return False
        return True


def fit_load(num_nodes: int, tail: npt.NDArray[np.int64], head: npt.NDArray[np.int64],
             residual: npt.NDArray[np.float64], terminals: Sequence[int], rate: float
             ) -> npt.NDArray[np.float64] | None:
    """Link loads of routing ``rate`` between ``terminals`` within ``residual``, or None.

    One path or tree (:func:`fit_route`) when one is wide enough; for a pair, otherwise a
    maximum flow (igraph, push-relabel) scaled down to ``rate`` when its value reaches it --
    for a pair, exact: the demand fits iff the maximum flow does. For a group the tree test is
    only sufficient.

    Examples
    --------
    >>> t = np.array([0, 0, 1, 2]); h = np.array([1, 2, 3, 3])
    >>> fit_load(4, t, h, np.full(4, 0.5), (0, 3), 0.8).tolist()
    [0.4, 0.4, 0.4, 0.4]
    >>> fit_load(4, t, h, np.full(4, 0.5), (0, 3), 1.2) is None
    True
    """
    links = fit_route(num_nodes, tail, head, residual, terminals, rate)
    out = np.zeros(tail.size)
    if links is not None:
        out[links] = rate
        return out
    if len(terminals) != 2:
        return None
    g = ig.Graph(n=num_nodes, edges=list(zip(tail.tolist(), head.tolist(), strict=True)))
    flow = g.maxflow(int(terminals[0]), int(terminals[1]),
                     capacity=np.maximum(residual, 0.0).tolist())
    value = float(flow.value)
    if not value >= rate:
        return None
    out = np.abs(np.asarray(flow.flow, dtype=np.float64)) * (rate / value)
    return out


def fit_route(num_nodes: int, tail: npt.NDArray[np.int64], head: npt.NDArray[np.int64],
              residual: npt.NDArray[np.float64], terminals: Sequence[int], rate: float
              ) -> npt.NDArray[np.int64] | None:
    """Links of one path / tree joining ``terminals`` whose every link has ``residual >=
    rate``, or None when the terminals are not connected through such links.

    A breadth-first tree from the first terminal over the qualifying links; the union of its
    paths to the other terminals is a tree (each link used once, as a route column uses it).

    Examples
    --------
    >>> t = np.array([0, 1, 0]); h = np.array([1, 2, 2])
    >>> fit_route(3, t, h, np.array([1.0, 1.0, 0.5]), (0, 2), 0.8).tolist()
    [0, 1]
    >>> fit_route(3, t, h, np.array([1.0, 0.1, 0.5]), (0, 2), 0.8) is None
    True
    """
    ok = np.flatnonzero((residual >= rate) & (tail != head))
    if not ok.size:
        return None
    a, b = tail[ok], head[ok]
    g = sp.csr_matrix((np.ones(2 * ok.size), (np.concatenate([a, b]), np.concatenate([b, a]))),
                      shape=(num_nodes, num_nodes))
    root = int(terminals[0])
    _, pred = breadth_first_order(g, root, directed=False, return_predecessors=True)
    link_of = {(min(u, v), max(u, v)): e
               for u, v, e in zip(a.tolist(), b.tolist(), ok.tolist(), strict=True)}
    links: set[int] = set()
    for t in terminals[1:]:
        v = int(t)
        if pred[v] < 0:
            return None
        while v != root:
            u = int(pred[v])
            links.add(link_of[(min(u, v), max(u, v))])
            v = u
    return np.array(sorted(links), dtype=np.int64)
