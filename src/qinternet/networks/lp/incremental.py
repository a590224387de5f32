"""Warm, incremental network LPs: the achievable route master and the cut pool, kept alive.

Spec ``network_bounds.md`` §5.1-§7 (the same LPs as :func:`~qinternet.networks.lp.lower_bound`
and :func:`~qinternet.networks.lp.upper_bound`), held in one HiGHS instance each so that a change
(one link's capacity, one demand added or removed, other rate bounds or another objective) is
re-solved from the previous basis, route columns and cuts instead of from scratch. This is the
layer the routing controller (:mod:`qinternet.controller`) stands on.

- :class:`RouteMaster` -- path / Steiner-tree packing LP with per-demand rate bounds
  ``lower_i <= R_i <= upper_i``, an optional level ``R_i >= w_i t`` and the objective
  ``max t + sum_i g_i R_i``, by column generation with exact pricing (shortest paths for pairs,
  Dreyfus-Wagner for groups up to 10 terminals). Infeasible rate bounds are detected by a
  phase-1 LP with the same pricing, so "infeasible" is a statement about the path model, not a
  solver failure.
- :class:`CutPool` -- the cut LP ``sum_{i split by S} R_i <= sum_{e in delta(S)} E_up[e]`` over
  a persistent pool of node bipartitions S (per-demand minimum cuts, Gomory-Hu cuts, cuts found
  by separation); every row is a true cut, so the optimum over the pool is a valid upper bound
  whatever the pool holds. Capacity changes only rewrite right-hand sides.

Both work in units of a fixed ``scale`` (default: the largest capacity), so the LPs see O(1)
numbers; links below ``1e-13 * scale`` are treated as unusable by the achievable LP (that only
lowers an achievable rate) and kept with their true value by the cut LP. Usage model: fixed
capacities (flooding, or budget with the budgets folded into the capacities).
"""

from __future__ import annotations

import warnings
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass

import highspy
import igraph as ig
import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from qinternet.errors import InvalidParameterError, SolverError
from qinternet.networks.lp._highs import INF, new_highs, pass_model, run_checked
from qinternet.networks.lp._solution import RouteColumn
from qinternet.networks.lp._steiner import SteinerGraph

__all__ = ["CutPool", "CutPoolSolution", "InfeasibleRatesError", "RouteMaster", "RouteSolution"]

#: Scaled capacities below this are unusable for the achievable LP.
_PRUNE = 1e-13
_RED_TOL = 1e-9
_MAX_ROUNDS = 2000
#: Phase 1 ends "feasible" below this total deficit (scaled units).
_PHASE1_TOL = 1e-9
#: Groups up to this many terminals are priced exactly.
_EXACT_TERMINALS = 10
_MAX_CUTS_PER_ROUND = 64


class InfeasibleRatesError(SolverError):
    """The rate bounds cannot be met by any routing of the path / tree model.

    ``deficit`` maps each demand key whose lower bound could not be reached to the missing rate
    (same unit as the bounds) at the end of phase 1.
    """

    def __init__(self, deficit: Mapping[Hashable, float]) -> None:
        self.deficit = dict(deficit)
        super().__init__("Infeasible", "rate lower bounds cannot all be met: "
                         + ", ".join(f"{k!s} short by {v:.3g}" for k, v in
                                     list(self.deficit.items())[:5]))

    def __reduce__(self) -> tuple[type, tuple[dict[Hashable, float]]]:
        return (type(self), (self.deficit,))


def _validate_graph(num_nodes: int, tail: npt.ArrayLike, head: npt.ArrayLike,
                    capacity: npt.ArrayLike) -> tuple[npt.NDArray[np.int64],
                                                      npt.NDArray[np.int64],
                                                      npt.NDArray[np.float64]]:
    t = np.asarray(tail, dtype=np.int64)
    h = np.asarray(head, dtype=np.int64)
    c = np.asarray(capacity, dtype=np.float64)
    if t.shape != h.shape or t.shape != c.shape or t.ndim != 1:
        raise InvalidParameterError("links", (t.shape, h.shape, c.shape),
                                    "must have tail, head, capacity of equal length")
    if t.size and (min(t.min(), h.min()) < 0 or max(t.max(), h.max()) >= num_nodes):
        raise InvalidParameterError("links", "endpoints",
                                    f"must be node indices in [0, {num_nodes})")
    _check_capacity(c)
    return t, h, c


def _check_capacity(c: npt.NDArray[np.float64]) -> None:
    if not np.all(np.isfinite(c)) or np.any(c < 0):
        bad = c[~(np.isfinite(c) & (c >= 0))][0]
        raise InvalidParameterError("capacity", float(bad), "must be finite and >= 0")


def _rows_bounds(h: highspy.Highs, rows: npt.NDArray[np.int64] | npt.NDArray[np.int32],
                 lower: npt.NDArray[np.float64], upper: npt.NDArray[np.float64]) -> None:
    """``Highs.changeRowsBounds`` (present in highspy, missing from its type stubs)."""
    h.changeRowsBounds(int(rows.size), np.asarray(rows, dtype=np.int32),  # type: ignore[attr-defined]
                       np.asarray(lower, dtype=np.float64), np.asarray(upper, dtype=np.float64))


def _default_scale(c: npt.NDArray[np.float64]) -> float:
    pos = c[c > 0]
    return float(pos.max()) if pos.size else 1.0


def _path_nodes(tail: npt.NDArray[np.int64], head: npt.NDArray[np.int64],
                links: Sequence[int], start: int) -> tuple[int, ...]:
    nodes = [start]
    v = start
    for e in links:
        v = int(head[e]) if int(tail[e]) == v else int(tail[e])
        nodes.append(v)
    return tuple(nodes)


@dataclass(frozen=True, slots=True, kw_only=True)
class RouteSolution:
    """One solve of :class:`RouteMaster` (unscaled: the unit of the capacities)."""

    #: The level t (0.0 when the solve had no level).
    level: float
    #: Objective value ``t + sum_i g_i R_i``.
    objective: float
    #: Achievable rate per live demand key (routes shrunk to exact feasibility).
    rates: dict[Hashable, float]
    #: Routes with positive rate per demand key (``RouteColumn.demand`` = the demand's slot).
    routes: dict[Hashable, tuple[RouteColumn, ...]]
    #: Load per link (sum of the rates of the routes through it).
    link_load: npt.NDArray[np.float64]
    #: Link prices of the capacity rows (dimensionless), the LP's dual certificate.
    link_prices: npt.NDArray[np.float64]
    #: Master solves (column generation rounds, both phases).
    rounds: int
    #: True when pricing was exact throughout (column generation converged).
    lp_optimal: bool


class RouteMaster:
    """Warm path / Steiner-tree packing LP over a fixed topology with changing data.

    Parameters
    ----------
    num_nodes : int
        Number of nodes.
    tail, head : array of int
        Link endpoints (undirected; parallel links allowed).
    capacity : array of float
        Achievable link capacities R_lo (any unit; rates come out in it).
    scale : float, optional
        Unit of the internal LP (default: the largest capacity).

    Examples
    --------
    Two pairs over a shared middle link of capacity 2 (dumbbell of reference case R6):

    >>> m = RouteMaster(6, [0, 1, 2, 3, 3, 1], [2, 2, 3, 4, 5, 5], [2.0, 2, 2, 2, 2, 1])
    >>> m.add_demand("a", (0, 4)); m.add_demand("b", (1, 5))
    >>> sol = m.solve(level={"a": 1.0, "b": 1.0})
    >>> round(sol.level, 9)
    1.5
    >>> m.set_capacity([5], [0.0])          # the b-only link fails
    >>> round(m.solve(level={"a": 1.0, "b": 1.0}).level, 9)
    1.0

    References
    ----------
    S. Bäuml, K. Azuma, G. Kato, D. Elkouss, Commun. Phys. 3, 55 (2020), arXiv:1809.03120
    (path and Steiner-tree packing lower bounds) [R]; spec ``network_bounds.md`` §5.1, §6.1, §7
    (column generation with exact pricing) [D].
    """

    def __init__(self, num_nodes: int, tail: npt.ArrayLike, head: npt.ArrayLike,
                 capacity: npt.ArrayLike, *, scale: float | None = None) -> None:
        self.n = int(num_nodes)
        self.tail, self.head, cap = _validate_graph(self.n, tail, head, capacity)
        self.m = int(self.tail.size)
        self.scale = float(scale) if scale is not None else _default_scale(cap)
        if not (self.scale > 0 and np.isfinite(self.scale)):
            raise InvalidParameterError("scale", scale, "must be finite and > 0")
        self.cap = cap / self.scale
        self.usable = (self.cap > _PRUNE) & (self.tail != self.head)
        self.h = new_highs()
        self.h.setOptionValue("presolve", "off")  # warm re-solves of a small, changing LP
        # rows 0..m-1: link capacities; column 0: the level t
        a = sp.csc_matrix((self.m, 1))
        pass_model(self.h, np.array([0.0]), a, np.full(self.m, -INF),
                   np.where(self.usable, self.cap, 0.0), np.zeros(1), np.zeros(1))
        self.keys: list[Hashable | None] = []          # slot -> key (None: removed)
        self.slot: dict[Hashable, int] = {}
        self.terminals: list[tuple[int, ...]] = []
        self.rate_row: list[int] = []
        self.level_row: list[int] = []
        self.art_col: list[int] = []
        self.lower = np.zeros(0)
        self.upper = np.zeros(0)
        # route columns: (slot, links, nodes); HiGHS column index = 1 + #artificials before...
        self.col_slot: list[int] = []
        self.col_links: list[tuple[int, ...]] = []
        self.col_nodes: list[tuple[int, ...] | None] = []
        self.col_index: list[int] = []
        self.seen: set[tuple[int, tuple[int, ...]]] = set()
        self._graph: ig.Graph | None = None
        self._graph_ids = np.zeros(0, dtype=np.int64)
        self._steiner: SteinerGraph | None = None
        self._cur_level: dict[int, float] = {}
        self._cur_cost: dict[int, float] = {}
        self._cur_phase1 = False
        self._level_dual: dict[Hashable, float] = {}

    # ---- changes -------------------------------------------------------------------------
    def set_capacity(self, links: Sequence[int] | npt.NDArray[np.int64],
                     capacity: Sequence[float] | npt.NDArray[np.float64]) -> None:
        """Change the capacity of ``links`` (e.g. 0 for a failed link)."""
        ids = np.asarray(links, dtype=np.int64).reshape(-1)
        c = np.asarray(capacity, dtype=np.float64).reshape(-1)
        if ids.shape != c.shape:
            raise InvalidParameterError("capacity", c.shape, f"must match links {ids.shape}")
        if ids.size and (ids.min() < 0 or ids.max() >= self.m):
            raise InvalidParameterError("links", ids.tolist(), f"must be in [0, {self.m})")
        _check_capacity(c)
        if not ids.size:
            return
        self.cap[ids] = c / self.scale
        old = self.usable[ids].copy()
        self.usable[ids] = (self.cap[ids] > _PRUNE) & (self.tail[ids] != self.head[ids])
        if np.any(old != self.usable[ids]):
            self._graph = None
            self._steiner = None
        hi = np.where(self.usable[ids], self.cap[ids], 0.0)
        _rows_bounds(self.h, ids, np.full(ids.size, -INF), hi)

    def add_demand(self, key: Hashable, terminals: Sequence[int], *, lower: float = 0.0,
                   upper: float = float("inf")) -> None:
        """Add a demand (2 terminals: a pair, 3+: a group) with rate bounds."""
        if key in self.slot:
            raise InvalidParameterError("demand key", key, "already present")
        t = tuple(int(v) for v in terminals)
        if len(t) < 2 or len(set(t)) != len(t) or min(t) < 0 or max(t) >= self.n:
            raise InvalidParameterError("terminals", list(terminals),
                                        f"must be >= 2 distinct node indices in [0, {self.n})")
        s = len(self.keys)
        self.keys.append(key)
        self.slot[key] = s
        self.terminals.append(t)
        r0 = self.h.getNumRow()
        self.h.addRows(2, np.full(2, -INF), np.full(2, INF), 0, np.zeros(2, dtype=np.int32),
                       np.zeros(0, dtype=np.int32), np.zeros(0))
        self.rate_row.append(r0)
        self.level_row.append(r0 + 1)
        c = self.h.getNumCol()
        self.h.addCol(0.0, 0.0, 0.0, 1, np.array([r0], dtype=np.int32), np.array([1.0]))
        self.art_col.append(c)
        self.lower = np.append(self.lower, 0.0)
        self.upper = np.append(self.upper, INF)
        self.set_bounds(key, lower=lower, upper=upper)

    def remove_demand(self, key: Hashable) -> None:
        """Remove a demand; its columns are switched off (kept for a possible re-add)."""
        s = self._slot(key)
        del self.slot[key]
        self.keys[s] = None
        self._cur_level.pop(s, None)
        self._cur_cost.pop(s, None)
        _rows_bounds(self.h, np.array([self.rate_row[s], self.level_row[s]]), np.full(2, -INF),
                     np.full(2, INF))
        cols = [self.col_index[i] for i, js in enumerate(self.col_slot) if js == s]
        if cols:
            n = len(cols)
            self.h.changeColsBounds(n, np.array(cols, dtype=np.int32), np.zeros(n), np.zeros(n))

    def set_bounds(self, key: Hashable, *, lower: float = 0.0,
                   upper: float = float("inf")) -> None:
        """Rate bounds ``lower <= R <= upper`` of a demand (unit of the capacities)."""
        s = self._slot(key)
        if not (np.isfinite(lower) and lower >= 0):
            raise InvalidParameterError("lower", lower, "must be finite and >= 0")
        if not (upper >= lower):
            raise InvalidParameterError("upper", upper, f"must be >= lower ({lower})")
        lo = lower / self.scale
        hi = upper / self.scale if np.isfinite(upper) else INF
        self.lower[s], self.upper[s] = lo, hi
        self.h.changeRowBounds(self.rate_row[s], lo, hi)

    def live(self) -> list[Hashable]:
        """Keys of the live demands, in insertion order."""
        return [k for k in self.keys if k is not None]

    def level_duals(self) -> dict[Hashable, float]:
        """Dual values (>= 0) of the level rows ``R_i >= w_i t`` of the last solve, per key.

        By complementary slackness a positive value means every optimal solution has
        ``R_i = w_i t*``: the demand is blocked at this level.
        """
        return dict(self._level_dual)

    def _slot(self, key: Hashable) -> int:
        try:
            return self.slot[key]
        except KeyError:
            raise InvalidParameterError("demand key", key, "is not a live demand") from None

    # ---- pricing -------------------------------------------------------------------------
    def _pricer(self) -> tuple[ig.Graph, SteinerGraph]:
        if self._graph is None or self._steiner is None:
            ids = np.flatnonzero(self.usable)
            self._graph_ids = ids
            self._graph = ig.Graph(n=self.n, edges=list(zip(
                self.tail[ids].tolist(), self.head[ids].tolist(), strict=True)))
            self._steiner = SteinerGraph(self.n, self.tail, self.head, self.usable)
        return self._graph, self._steiner

    def _price(self, weights: npt.NDArray[np.float64], todo: Sequence[int]
               ) -> list[tuple[int, float, tuple[int, ...], tuple[int, ...] | None]]:
        g, steiner = self._pricer()
        out: list[tuple[int, float, tuple[int, ...], tuple[int, ...] | None]] = []
        by_source: dict[int, list[int]] = {}
        for s in todo:
            d = self.terminals[s]
            if len(d) == 2:
                by_source.setdefault(d[0], []).append(s)
            else:
                if len(d) <= _EXACT_TERMINALS:
                    c, tree = steiner.dreyfus_wagner(d, weights)
                else:
                    c, tree = steiner.shortest_path_heuristic(d, weights)
                if tree:
                    out.append((s, c, tree, None))
        if by_source:
            w = weights[self._graph_ids].tolist()
            for src in sorted(by_source):
                slots = by_source[src]
                with warnings.catch_warnings():  # unreachable terminals: empty paths
                    warnings.simplefilter("ignore", RuntimeWarning)
                    paths = g.get_shortest_paths(src, to=[self.terminals[s][1] for s in slots],
                                                 weights=w, output="epath")
                for s, path in zip(slots, paths, strict=True):
                    if path:
                        links = tuple(int(e) for e in
                                      self._graph_ids[np.asarray(path, dtype=np.int64)])
                        out.append((s, float(weights[list(links)].sum()), links,
                                    _path_nodes(self.tail, self.head, links, src)))
        out.sort(key=lambda r: r[0])
        return out

    def _add_columns(self, new: list[tuple[int, tuple[int, ...], tuple[int, ...] | None]]
                     ) -> int:
        fresh = []
        for s, links, nodes in new:
            key = (s, tuple(sorted(links)))
            if key in self.seen:
                continue
            self.seen.add(key)
            fresh.append((s, links, nodes))
        if not fresh:
            return 0
        starts: list[int] = []
        idx: list[int] = []
        vals: list[float] = []
        cost: list[float] = []
        for s, links, _ in fresh:
            starts.append(len(idx))
            idx += [*links, self.rate_row[s], self.level_row[s]]
            vals += [1.0] * (len(links) + 2)
            cost.append(-self._cur_cost.get(s, 0.0))
        nf = len(fresh)
        c0 = self.h.getNumCol()
        self.h.addCols(nf, np.array(cost), np.zeros(nf), np.full(nf, INF), len(idx),
                       np.array(starts, dtype=np.int32), np.array(idx, dtype=np.int32),
                       np.array(vals))
        for i, (s, links, nodes) in enumerate(fresh):
            self.col_slot.append(s)
            self.col_links.append(links)
            self.col_nodes.append(nodes)
            self.col_index.append(c0 + i)
        return nf

    # ---- solving -------------------------------------------------------------------------
    def _set_objective(self, rate_weights: Mapping[int, float], level: Mapping[int, float],
                       phase1: bool) -> None:
        """Set costs, level rows and artificials; only what differs from the last call changes
        (a coefficient change makes HiGHS refactorise)."""
        live = [s for s, k in enumerate(self.keys) if k is not None]
        want_level = {} if phase1 else {s: float(w) for s, w in level.items()}
        self.h.changeColCost(0, -1.0 if want_level else 0.0)
        self.h.changeColBounds(0, 0.0, INF if want_level else 0.0)
        for s in live:
            w = want_level.get(s)
            if self._cur_level.get(s) == w:
                continue
            row = self.level_row[s]
            if w is not None:
                self.h.changeCoeff(row, 0, -w)
                self.h.changeRowBounds(row, 0.0, INF)
            else:
                self.h.changeCoeff(row, 0, 0.0)
                self.h.changeRowBounds(row, -INF, INF)
        self._cur_level = {s: want_level[s] for s in want_level}
        want_cost = {} if phase1 else {s: float(v) for s, v in rate_weights.items() if v}
        changed = {s for s in set(want_cost) | set(self._cur_cost)
                   if want_cost.get(s) != self._cur_cost.get(s)}
        if changed:
            cols = [c for c, s in zip(self.col_index, self.col_slot, strict=True)
                    if s in changed]
            if cols:
                cost = np.array([-want_cost.get(s, 0.0) for c, s in
                                 zip(self.col_index, self.col_slot, strict=True) if s in changed])
                self.h.changeColsCost(len(cols), np.array(cols, dtype=np.int32), cost)
        self._cur_cost = want_cost
        if phase1 != self._cur_phase1:
            arts = np.array([self.art_col[s] for s in live], dtype=np.int32)
            if arts.size:
                n = arts.size
                self.h.changeColsCost(n, arts, np.ones(n) if phase1 else np.zeros(n))
                self.h.changeColsBounds(n, arts, np.zeros(n), np.full(n, INF) if phase1
                                        else np.zeros(n))
            self._cur_phase1 = phase1

    def _generate(self, rate_weights: Mapping[int, float], live: Sequence[int],
                  phase1: bool, what: str) -> tuple[int, bool]:
        """Column generation to convergence on the current objective; (rounds, converged)."""
        g = {} if phase1 else rate_weights
        rounds = 0
        while rounds < _MAX_ROUNDS:
            rounds += 1
            self.h.run()
            status = self.h.getModelStatus()
            if status != highspy.HighsModelStatus.kOptimal:
                if not phase1 and status == highspy.HighsModelStatus.kInfeasible:
                    return rounds, False
                run_checked(self.h, what)
            sol = self.h.getSolution()
            dual = np.asarray(sol.row_dual, dtype=np.float64)
            y = np.maximum(-dual[: self.m], 0.0)
            theta = {s: g.get(s, 0.0) + dual[self.rate_row[s]] + dual[self.level_row[s]]
                     for s in live}
            todo = [s for s in live if theta[s] > _RED_TOL]
            if not todo:
                return rounds, True
            new = []
            tie = 1e-6 * self._unit_cost()
            # partial pricing: pairs first (cheap Dijkstra); groups (Dreyfus-Wagner) only in a
            # round where no pair column prices out; convergence is declared only when both
            # found nothing
            pairs = [s for s in todo if len(self.terminals[s]) == 2]
            groups = [s for s in todo if len(self.terminals[s]) > 2]
            for batch, passes in ((pairs, (y + tie, y)), (groups, (y,))):
                for w_link in passes if batch else ():
                    for s, _, links, nodes in self._price(w_link, batch):
                        if float(y[list(links)].sum()) < theta[s] - _RED_TOL * max(1.0,
                                                                                     theta[s]):
                            new.append((s, links, nodes))
                    if new:
                        break
                if new:
                    break
            if not new or self._add_columns(new) == 0:
                return rounds, True
        return rounds, False

    def _unit_cost(self) -> npt.NDArray[np.float64]:
        u = np.zeros(self.m)
        u[self.usable] = 1.0 / self.cap[self.usable]
        return u / max(1.0, float(u.max(initial=1.0)))

    def _seed(self, live: Sequence[int]) -> None:
        have = {s for s in self.col_slot}
        todo = [s for s in live if s not in have]
        if todo:
            self._add_columns([(s, lk, nd) for s, _, lk, nd in
                               self._price(self._unit_cost(), todo)])

    def solve(self, *, rates: Mapping[Hashable, float] | None = None,
              level: Mapping[Hashable, float] | None = None,
              level_max: float = float("inf"), routes: bool = True) -> RouteSolution:
        """Maximise ``t + sum_i g_i R_i`` (``level`` = {key: w_i} adds ``R_i >= w_i t``;
        ``rates`` = {key: g_i}) subject to the rate bounds and link capacities.

        With ``routes=False`` only the level, the LP's rates and the duals are read (no routes,
        no feasibility shrink, zero loads): the fast path for intermediate solves.

        Raises
        ------
        InfeasibleRatesError
            The rate lower bounds cannot all be met (phase 1 converged with a deficit).
        SolverError
            HiGHS failed on the master.
        """
        g = {self._slot(k): float(v) for k, v in (rates or {}).items()}
        lev = {self._slot(k): float(v) for k, v in (level or {}).items()}
        for s, w in lev.items():
            if not (w > 0 and np.isfinite(w)):
                raise InvalidParameterError("level weight", (self.keys[s], w),
                                            "must be finite and > 0")
        live = [s for s, k in enumerate(self.keys) if k is not None]
        self._seed(live)
        what = "route master LP (achievable rates)"
        rounds = 0
        self._set_objective(g, lev, phase1=False)
        if lev:
            self.h.changeColBounds(0, 0.0, level_max / self.scale if np.isfinite(level_max)
                                   else INF)
        r, ok = self._generate(g, live, False, what)
        rounds += r
        if not ok and self.h.getModelStatus() == highspy.HighsModelStatus.kInfeasible:
            self._set_objective(g, lev, phase1=True)
            r, _ = self._generate(g, live, True, what + ", phase 1")
            rounds += r
            x = np.asarray(self.h.getSolution().col_value, dtype=np.float64)
            deficit = {self.keys[s]: float(x[self.art_col[s]]) * self.scale for s in live
                       if x[self.art_col[s]] > _PHASE1_TOL}
            if deficit:
                self._set_objective(g, lev, phase1=False)
                raise InfeasibleRatesError(deficit)
            self._set_objective(g, lev, phase1=False)
            if lev:
                self.h.changeColBounds(0, 0.0, level_max / self.scale
                                       if np.isfinite(level_max) else INF)
            r, ok = self._generate(g, live, False, what)
            rounds += r
            if not ok and self.h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
                run_checked(self.h, what)
        if not routes:
            return self._read_fast(g, lev, live, rounds, ok)
        return self._read(g, lev, live, rounds, ok)

    def _read_fast(self, g: Mapping[int, float], lev: Mapping[int, float],
                   live: Sequence[int], rounds: int, converged: bool) -> RouteSolution:
        sol = self.h.getSolution()
        x = np.asarray(sol.col_value, dtype=np.float64)
        dual = np.asarray(sol.row_dual, dtype=np.float64)
        self._level_dual = {self.keys[s]: max(float(dual[self.level_row[s]]), 0.0)
                            for s in lev}
        xr = np.maximum(x[np.asarray(self.col_index, dtype=np.int64)], 0.0) if self.col_index \
            else np.zeros(0)
        per = np.bincount(np.asarray(self.col_slot, dtype=np.int64), weights=xr,
                          minlength=len(self.keys)) * self.scale
        rates = {self.keys[s]: float(per[s]) for s in live}
        level = float(x[0]) * self.scale if lev else 0.0
        obj = level + sum(g.get(s, 0.0) * float(per[s]) for s in live)
        return RouteSolution(level=level, objective=obj, rates=rates, routes={},
                             link_load=np.zeros(self.m),
                             link_prices=np.maximum(-dual[: self.m], 0.0), rounds=rounds,
                             lp_optimal=converged)

    def _read(self, g: Mapping[int, float], lev: Mapping[int, float], live: Sequence[int],
              rounds: int, converged: bool) -> RouteSolution:
        sol = self.h.getSolution()
        x = np.asarray(sol.col_value, dtype=np.float64)
        dual = np.asarray(sol.row_dual, dtype=np.float64)
        xr = np.maximum(x[np.asarray(self.col_index, dtype=np.int64)], 0.0) if self.col_index \
            else np.zeros(0)
        loads = np.zeros(self.m)
        for links, v in zip(self.col_links, xr, strict=True):
            if v > 0:
                loads[list(links)] += v
        factor = np.ones(self.m)
        over = loads > self.cap
        factor[over] = np.where(self.usable[over], self.cap[over] / loads[over], 0.0)
        rates = {self.keys[s]: 0.0 for s in live}
        routes: dict[Hashable, list[RouteColumn]] = {self.keys[s]: [] for s in live}
        own = np.zeros(len(self.keys))
        for s, v in zip(self.col_slot, xr, strict=True):
            own[s] = max(own[s], float(v))
        link_load = np.zeros(self.m)
        for s, links, nodes, v in zip(self.col_slot, self.col_links, self.col_nodes, xr,
                                      strict=True):
            key = self.keys[s]
            if key is None or v <= 1e-12 * own[s]:
                continue
            r = float(v) * float(factor[list(links)].min()) * self.scale
            if r <= 0.0:
                continue
            rates[key] += r
            link_load[list(links)] += r
            routes[key].append(RouteColumn(demand=s, rate=r, links=links, nodes=nodes))
        self._level_dual = {self.keys[s]: max(float(dual[self.level_row[s]]), 0.0)
                            for s in lev}
        level = float(x[0]) * self.scale if lev else 0.0
        obj = level + sum(g.get(self.slot[k], 0.0) * v for k, v in rates.items()
                          if k is not None)
        return RouteSolution(
            level=level, objective=obj, rates={k: v for k, v in rates.items() if k is not None},
            routes={k: tuple(v) for k, v in routes.items() if k is not None},
            link_load=link_load, link_prices=np.maximum(-dual[: self.m], 0.0), rounds=rounds,
            lp_optimal=converged and all(len(self.terminals[s]) <= _EXACT_TERMINALS
                                         for s in live),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class CutPoolSolution:
    """One solve of :class:`CutPool` (unscaled)."""

    #: Optimum of the cut LP over the pool: a certified upper bound on the objective.
    value: float
    #: The maximising rate per live demand key.
    rates: dict[Hashable, float]
    #: Node masks (source sides) of the cuts with positive dual (the binding certificate).
    binding: tuple[npt.NDArray[np.bool_], ...]
    #: Number of cuts in the pool.
    pool_size: int
    #: Master solves (separation rounds).
    rounds: int
    #: True when the separation found no violated cut among its candidates at the end.
    separated: bool


class CutPool:
    """Warm cut LP over a persistent pool of cuts (a certified upper bound at every step).

    Parameters
    ----------
    num_nodes, tail, head, capacity, scale
        As :class:`RouteMaster`, with ``capacity`` the upper values E_up.

    Examples
    --------
    >>> p = CutPool(6, [0, 1, 2, 3, 3, 1], [2, 2, 3, 4, 5, 5], [2.0, 2, 2, 2, 2, 1])
    >>> p.add_demand("a", (0, 4)); p.add_demand("b", (1, 5))
    >>> round(p.solve(level={"a": 1.0, "b": 1.0}).value, 9)
    1.5

    References
    ----------
    S. Bäuml, K. Azuma, G. Kato, D. Elkouss, Commun. Phys. 3, 55 (2020), arXiv:1809.03120
    (the cut upper bound on multi-pair and multipartite rates) [R]; spec ``network_bounds.md``
    §1.4, §5.2 [D].
    """

    def __init__(self, num_nodes: int, tail: npt.ArrayLike, head: npt.ArrayLike,
                 capacity: npt.ArrayLike, *, scale: float | None = None) -> None:
        self.n = int(num_nodes)
        self.tail, self.head, cap = _validate_graph(self.n, tail, head, capacity)
        self.m = int(self.tail.size)
        self.scale = float(scale) if scale is not None else _default_scale(cap)
        if not (self.scale > 0 and np.isfinite(self.scale)):
            raise InvalidParameterError("scale", scale, "must be finite and > 0")
        self.cap = cap / self.scale
        self.loop = self.tail == self.head
        self.h = new_highs()
        self.h.setOptionValue("presolve", "off")
        pass_model(self.h, np.array([0.0]), sp.csc_matrix((0, 1)), np.zeros(0), np.zeros(0),
                   np.zeros(1), np.zeros(1))
        self.keys: list[Hashable | None] = []
        self.slot: dict[Hashable, int] = {}
        self.terminals: list[tuple[int, ...]] = []
        self.col: list[int] = []
        self.level_row: list[int] = []
        self.lower = np.zeros(0)
        self.upper = np.zeros(0)
        self.cuts: list[npt.NDArray[np.bool_]] = []
        self.cut_row: list[int] = []
        self.cut_seen: set[bytes] = set()
        self._crossing = sp.csr_matrix((0, self.m))
        self._graph = ig.Graph(n=self.n, edges=list(zip(self.tail.tolist(), self.head.tolist(),
                                                        strict=True)))
        self._term_node = np.zeros(0, dtype=np.int64)
        self._term_slot = np.zeros(0, dtype=np.int64)
        self._sizes = np.zeros(0, dtype=np.int64)
        self._alive = np.zeros(0, dtype=bool)
        #: Per slot: a lower bound on the demand's minimum cut (scaled) and the last min cut.
        self._mincut_lb = np.zeros(0)
        self._mincut_side: list[npt.NDArray[np.bool_] | None] = []
        self._cur_level: dict[int, float] = {}
        self._gh_done = False

    # ---- changes -------------------------------------------------------------------------
    def set_capacity(self, links: Sequence[int] | npt.NDArray[np.int64],
                     capacity: Sequence[float] | npt.NDArray[np.float64]) -> None:
        """Change the capacity of ``links``; every cut row's right-hand side follows."""
        ids = np.asarray(links, dtype=np.int64).reshape(-1)
        c = np.asarray(capacity, dtype=np.float64).reshape(-1)
        if ids.shape != c.shape:
            raise InvalidParameterError("capacity", c.shape, f"must match links {ids.shape}")
        if ids.size and (ids.min() < 0 or ids.max() >= self.m):
            raise InvalidParameterError("links", ids.tolist(), f"must be in [0, {self.m})")
        _check_capacity(c)
        if not ids.size:
            return
        new = c / self.scale
        # a min cut drops by at most the total capacity removed (a valid lower bound stays one)
        drop = float(np.maximum(self.cap[ids] - new, 0.0).sum())
        self._mincut_lb = np.maximum(self._mincut_lb - drop, 0.0)
        self.cap[ids] = new
        if self.cut_row:
            rhs = self._crossing @ self.cap
            rows = np.array(self.cut_row, dtype=np.int32)
            _rows_bounds(self.h, rows, np.full(rows.size, -INF), rhs)

    def add_demand(self, key: Hashable, terminals: Sequence[int], *, lower: float = 0.0,
                   upper: float = float("inf")) -> None:
        """Add a demand; it joins every pool cut that splits it."""
        if key in self.slot:
            raise InvalidParameterError("demand key", key, "already present")
        t = tuple(int(v) for v in terminals)
        if len(t) < 2 or len(set(t)) != len(t) or min(t) < 0 or max(t) >= self.n:
            raise InvalidParameterError("terminals", list(terminals),
                                        f"must be >= 2 distinct node indices in [0, {self.n})")
        s = len(self.keys)
        self.keys.append(key)
        self.slot[key] = s
        self.terminals.append(t)
        self._term_node = np.concatenate([self._term_node, np.array(t, dtype=np.int64)])
        self._term_slot = np.concatenate([self._term_slot, np.full(len(t), s, dtype=np.int64)])
        self._sizes = np.append(self._sizes, len(t))
        self._alive = np.append(self._alive, True)
        self._mincut_lb = np.append(self._mincut_lb, 0.0)
        self._mincut_side.append(None)
        r0 = self.h.getNumRow()
        self.h.addRow(-INF, INF, 0, np.zeros(0, dtype=np.int32), np.zeros(0))
        self.level_row.append(r0)
        rows = [r0] + [self.cut_row[i] for i, side in enumerate(self.cuts)
                       if side[list(t)].any() and not side[list(t)].all()]
        c = self.h.getNumCol()
        self.h.addCol(0.0, 0.0, INF, len(rows), np.array(rows, dtype=np.int32),
                      np.ones(len(rows)))
        self.col.append(c)
        self.lower = np.append(self.lower, 0.0)
        self.upper = np.append(self.upper, INF)
        self.set_bounds(key, lower=lower, upper=upper)

    def remove_demand(self, key: Hashable) -> None:
        """Remove a demand (its rate column is fixed at 0)."""
        s = self._slot(key)
        del self.slot[key]
        self.keys[s] = None
        self._alive[s] = False
        self._cur_level.pop(s, None)
        self.h.changeColBounds(self.col[s], 0.0, 0.0)
        self.h.changeColCost(self.col[s], 0.0)
        self.h.changeCoeff(self.level_row[s], 0, 0.0)
        self.h.changeRowBounds(self.level_row[s], -INF, INF)

    def set_bounds(self, key: Hashable, *, lower: float = 0.0,
                   upper: float = float("inf")) -> None:
        """Rate bounds of a demand (e.g. admitted floors as lower bounds)."""
        s = self._slot(key)
        if not (np.isfinite(lower) and lower >= 0):
            raise InvalidParameterError("lower", lower, "must be finite and >= 0")
        if not (upper >= lower):
            raise InvalidParameterError("upper", upper, f"must be >= lower ({lower})")
        self.lower[s] = lower / self.scale
        self.upper[s] = upper / self.scale if np.isfinite(upper) else INF
        self.h.changeColBounds(self.col[s], self.lower[s], self.upper[s])

    def live(self) -> list[Hashable]:
        """Keys of the live demands, in insertion order."""
        return [k for k in self.keys if k is not None]

    def _slot(self, key: Hashable) -> int:
        try:
            return self.slot[key]
        except KeyError:
            raise InvalidParameterError("demand key", key, "is not a live demand") from None

    # ---- cuts ----------------------------------------------------------------------------
    def split_mask(self, side: npt.NDArray[np.bool_]) -> npt.NDArray[np.bool_]:
        """Per demand slot: True when the cut with source side ``side`` splits a live demand."""
        if not self.keys:
            return np.zeros(0, dtype=bool)
        cnt = np.bincount(self._term_slot, weights=side[self._term_node].astype(np.float64),
                          minlength=len(self.keys))
        return (cnt > 0) & (cnt < self._sizes) & self._alive

    def splits(self, side: npt.NDArray[np.bool_]) -> list[int]:
        """Live demand slots split by the cut with source side ``side``."""
        return np.flatnonzero(self.split_mask(side)).tolist()

    def cut_capacity(self, side: npt.NDArray[np.bool_]) -> float:
        """Capacity of the cut (unscaled): sum of E_up over the links crossing it."""
        cross = (side[self.tail] != side[self.head]) & ~self.loop
        return float(self.cap[cross].sum()) * self.scale

    def add_cuts(self, sides: Sequence[npt.NDArray[np.bool_]]) -> int:
        """Add cuts to the pool (duplicates skipped); returns how many were new."""
        starts: list[int] = []
        idx: list[int] = []
        rhs: list[float] = []
        rows_c: list[npt.NDArray[np.int64]] = []
        for side in sides:
            s = np.asarray(side, dtype=bool)
            s = ~s if s[-1] else s
            if not s.any():
                continue
            key = np.packbits(s).tobytes()
            if key in self.cut_seen:
                continue
            self.cut_seen.add(key)
            cross = np.flatnonzero((s[self.tail] != s[self.head]) & ~self.loop)
            starts.append(len(idx))
            idx += [self.col[j] for j in self.splits(s)]
            rhs.append(float(self.cap[cross].sum()))
            rows_c.append(cross)
            self.cuts.append(s)
        k = len(rhs)
        if not k:
            return 0
        r0 = self.h.getNumRow()
        self.h.addRows(k, np.full(k, -INF), np.array(rhs), len(idx),
                       np.array(starts, dtype=np.int32), np.array(idx, dtype=np.int32),
                       np.ones(len(idx)))
        self.cut_row.extend(range(r0, r0 + k))
        data = [np.ones(c.size) for c in rows_c]
        new = sp.csr_matrix((np.concatenate(data), np.concatenate(rows_c),
                             np.cumsum([0] + [c.size for c in rows_c])), shape=(k, self.m))
        self._crossing = sp.vstack([self._crossing, new], format="csr")
        return k

    def demand_min_cut(self, s: int) -> tuple[float, npt.NDArray[np.bool_]]:
        """Minimum Steiner cut of demand slot ``s`` (scaled value, source side)."""
        t = self.terminals[s]
        capl = self.cap.tolist()
        best: tuple[float, npt.NDArray[np.bool_]] | None = None
        for v in t[1:]:
            cut = self._graph.st_mincut(t[0], v, capacity=capl)
            if best is None or cut.value < best[0]:
                side = np.zeros(self.n, dtype=bool)
                side[cut.partition[0]] = True
                best = (float(cut.value), side)
        assert best is not None
        return best

    def _gomory_hu(self) -> list[npt.NDArray[np.bool_]]:
        tree = self._graph.gomory_hu_tree(capacity=self.cap.tolist())
        order, _, parent = tree.bfs(0)
        n = self.n
        sides = np.zeros((n, n), dtype=bool)
        sides[np.arange(n), np.arange(n)] = True
        for v in reversed(order[1:]):
            p = parent[v]
            if p >= 0 and p != v:
                sides[p] |= sides[v]
        return [sides[v].copy() for v in order[1:] if parent[v] >= 0 and parent[v] != v]

    def _violated(self, r: npt.NDArray[np.float64], tol: float
                  ) -> list[npt.NDArray[np.bool_]]:
        """Violated per-demand minimum cuts under the current rates (exact per demand).

        A demand whose rate is below a known lower bound on its min cut is skipped (its own
        min cut cannot be violated); the others get a fresh igraph min cut.
        """
        found: list[tuple[float, npt.NDArray[np.bool_]]] = []
        for s in np.flatnonzero(self._alive):
            if r[s] <= tol or r[s] <= self._mincut_lb[s] * (1.0 - 1e-12):
                continue
            val, side = self.demand_min_cut(int(s))
            self._mincut_lb[s] = val
            self._mincut_side[s] = side
            dem = float(np.dot(r, self.split_mask(side)))
            if dem - val > tol:
                found.append((dem - val, side))
        found.sort(key=lambda f: -f[0])
        return [side for _, side in found[:_MAX_CUTS_PER_ROUND]]

    def solve(self, *, rates: Mapping[Hashable, float] | None = None,
              level: Mapping[Hashable, float] | None = None,
              level_max: float = float("inf"), gomory_hu: bool = True) -> CutPoolSolution:
        """Maximise ``t + sum_i g_i R_i`` over the cut LP (separating per-demand min cuts).

        The first solve seeds the pool with the Gomory-Hu cuts of the capacities (``gomory_hu``);
        later solves add the violated per-demand minimum cuts until none is violated. The value
        is a valid upper bound after every round.

        Raises
        ------
        SolverError
            The rate lower bounds are infeasible for the cut LP (a proof that no protocol meets
            them) or HiGHS failed.
        """
        g = {self._slot(k): float(v) for k, v in (rates or {}).items()}
        lev = {self._slot(k): float(v) for k, v in (level or {}).items()}
        live = [s for s, k in enumerate(self.keys) if k is not None]
        if gomory_hu and not self._gh_done:
            self.add_cuts(self._gomory_hu())
            self._gh_done = True
        self.h.changeColCost(0, -1.0 if lev else 0.0)
        self.h.changeColBounds(0, 0.0, (level_max / self.scale if np.isfinite(level_max)
                                        else INF) if lev else 0.0)
        cols = np.array([self.col[s] for s in live], dtype=np.int32)
        if cols.size:
            self.h.changeColsCost(cols.size, cols, np.array([-g.get(s, 0.0) for s in live]))
        for s in live:
            w = lev.get(s)
            if self._cur_level.get(s) == w:
                continue
            if w is not None:
                self.h.changeCoeff(self.level_row[s], 0, -w)
                self.h.changeRowBounds(self.level_row[s], 0.0, INF)
            else:
                self.h.changeCoeff(self.level_row[s], 0, 0.0)
                self.h.changeRowBounds(self.level_row[s], -INF, INF)
        self._cur_level = dict(lev)
        rounds = 0
        separated = False
        while rounds < _MAX_ROUNDS:
            rounds += 1
            run_checked(self.h, "cut pool LP (upper bound)")
            x = np.asarray(self.h.getSolution().col_value, dtype=np.float64)
            r = np.zeros(len(self.keys))
            for s in live:
                r[s] = max(float(x[self.col[s]]), 0.0)
            new = self._violated(r, 1e-9 * max(1.0, float(r.max(initial=0.0))))
            if not new or self.add_cuts(new) == 0:
                separated = True
                break
        obj = -float(self.h.getInfo().objective_function_value) * self.scale
        dual = np.asarray(self.h.getSolution().row_dual, dtype=np.float64)
        binding = tuple(self.cuts[i] for i, row in enumerate(self.cut_row)
                        if dual[row] < -1e-12)
        x = np.asarray(self.h.getSolution().col_value, dtype=np.float64)
        return CutPoolSolution(
            value=obj, rates={self.keys[s]: max(float(x[self.col[s]]), 0.0) * self.scale
                              for s in live},
            binding=binding, pool_size=len(self.cuts), rounds=rounds, separated=separated)
