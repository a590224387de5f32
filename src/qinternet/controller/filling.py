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
from scipy.sparse.csgraph import breadth_first_order

__all__ = ["Filling", "Level", "fit_load", "fit_route"]

#: Relative slack when comparing a recorded load with a new capacity (LP tolerance).
_LOAD_REL = 1e-9


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

    def standing(self, *, capacity: npt.NDArray[np.float64],
                 specs: Mapping[str, tuple[float, int, float, float]],
                 terminals: Mapping[str, tuple[int, ...]],
                 tail: npt.NDArray[np.int64], head: npt.NDArray[np.int64],
                 num_nodes: int, negligible: Mapping[str, float] | None = None
                 ) -> list[Level]:
        """The leading levels that stand in the new state (module docstring), with their
        loads updated for an added demand; ``[]`` when the state differs in more than link
        capacities and one added or removed demand.

        Each level's primal point is its LP vertex or, when that fails the test, the final
        allocation scaled down (:meth:`scaled_final`). An added demand's rate at or below
        ``negligible[key]`` (LP round-off of a level that is 0) needs no route."""
        if capacity.shape != self.capacity.shape:
            return []
        added = [k for k in specs if k not in self.specs]
        removed = [k for k in self.specs if k not in specs]
        if len(added) + len(removed) > 1:
            return []
        for k, s in specs.items():
            if k in self.specs and (self.specs[k] != s or self.terminals[k] != terminals[k]):
                return []
        dec = np.flatnonzero(capacity < self.capacity)
        inc = np.flatnonzero(capacity > self.capacity)
        out: list[Level] = []
        for idx, lv in enumerate(self.levels):
            if inc.size and bool(lv.binding[inc].any()):
                break
            if removed and (removed[0] in lv.frozen or removed[0] in lv.dual_keys):
                break
            rate = 0.0
            if added:
                weight, priority, floor, cap = specs[added[0]]
                if lv.priority < priority:
                    break  # a lower class sees the new demand's (unknown) final rate
                rate = floor
                if lv.priority == priority:
                    if weight * lv.level >= cap * (1.0 - 1e-9):
                        break
                    rate = max(floor, weight * lv.level)
                if negligible is not None and rate <= negligible.get(added[0], 0.0):
                    rate = 0.0
            load = None
            for point in (lv.load, self.scaled_final(idx, self.levels)):
                if point is None:
                    continue
                if dec.size and bool(np.any(point[dec] > capacity[dec] * (1.0 + _LOAD_REL))):
                    continue
                if rate > 0.0:
                    extra = fit_load(num_nodes, tail, head, capacity - point,
                                     terminals[added[0]], rate)
                    if extra is None:
                        continue
                    point = point + extra
                load = point
                break
            if load is None:
                break
            out.append(lv if load is lv.load else dataclasses.replace(lv, load=load))
        return out


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
