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

import math
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import highspy
import igraph as ig
import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from scipy.sparse.csgraph import dijkstra

from qinternet.errors import InvalidParameterError, SolverError
from qinternet.networks.lp._gomory_hu import fundamental_cuts
from qinternet.networks.lp._highs import INF, new_highs, pass_model, run_checked
from qinternet.networks.lp._steiner import SteinerGraph
from qinternet.networks.lp.arrays import LinkArrays
from qinternet.networks.lp.solution import RouteColumn

if TYPE_CHECKING:
    from qinternet.networks.single_pair import WidestForest

__all__ = ["CutPool", "CutPoolSolution", "InfeasibleRatesError", "RouteMaster", "RouteSolution"]

#: Alternative trees (next-best centres) priced per 3-terminal group and round.
_TREES_PER_ROUND = 4
#: Link coefficients of a route column below this fraction of its largest are left out.
_REL_COEF = 1e-8
#: Largest coefficient of a route column (demand scale / link nominal capacity).
_MAX_COEF = 1e6
#: Level coefficients below this (a demand 1e9 above the level's scale; HiGHS drops such
#: matrix entries anyway) are left out.
_MIN_LEVEL_COEF = 1e-9
#: Largest power of 10 a rate row is multiplied by (:meth:`RouteMaster.set_bounds`).
_RATE_ROW_MAX_EXP = 6
#: Cut rows: largest coefficient kept and largest right-hand side (above: dropped, weaker).
_MAX_CUT_COEF = 1e12
_MAX_RHS = 1e15
_RED_TOL = 1e-9
_MAX_ROUNDS = 2000
#: HiGHS' tolerances: ours (tight) and its defaults (the fallback of a phase 2 that HiGHS
#: calls infeasible after phase 1 proved it feasible).
_FEAS_TOL = 1e-9
_LOOSE_TOL = 1e-7
#: Phase 1 ends "feasible" when every deficit is below this (relative to the scaled bound).
_PHASE1_TOL = 1e-8
#: Cost of the tolerance-level slack allowed in phase 2 (scaled objective units).
_SLACK_COST = 1e4
#: Groups up to this many terminals are priced exactly.
_EXACT_TERMINALS = 10
_MAX_CUTS_PER_ROUND = 64


_Route = tuple[int, tuple[int, ...], tuple[int, ...] | None]  # (slot, links, nodes)


def _improving(found: Sequence[tuple[int, float, tuple[int, ...], tuple[int, ...] | None]],
               price: npt.NDArray[np.float64], need: Mapping[int, float]
               ) -> dict[int, list[_Route]]:
    """The priced routes whose plain price is below their demand's ``need``, per slot."""
    by: dict[int, list[_Route]] = {}
    for s, _, links, nodes in found:
        if float(price[list(links)].sum()) < need[s]:
            by.setdefault(s, []).append((s, links, nodes))
    return by


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


def _widest_scale(forest: WidestForest, terminals: Sequence[int], fallback: float) -> float:
    """Scale of a demand: the smallest widest-path rate from its first terminal to the others
    (the fallback when a terminal is unreachable), in the maximum spanning ``forest``."""
    best = min(forest.path(terminals[0], t).value for t in terminals[1:])
    return float(best) if best > 0 else fallback


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


class _Demands:
    """What both warm LPs share: demand slots (a removed demand keeps its slot, ``None``),
    validation of demands, rate bounds and capacity changes."""

    n: int
    m: int
    keys: list[Hashable | None]
    slot: dict[Hashable, int]
    terminals: list[tuple[int, ...]]
    dscale: list[float]
    tail: npt.NDArray[np.int64]
    head: npt.NDArray[np.int64]
    cap: npt.NDArray[np.float64]
    _fallback: float

    def _set_graph(self, num_nodes: int, tail: npt.ArrayLike, head: npt.ArrayLike,
                   capacity: npt.ArrayLike) -> npt.NDArray[np.float64]:
        """Validate and store the topology and the capacities (``cap``, a copy); return the
        validated capacities."""
        self.n = int(num_nodes)
        self.tail, self.head, cap = _validate_graph(self.n, tail, head, capacity)
        self.m = int(self.tail.size)
        self.cap = cap.copy()
        pos = cap[cap > 0]
        self._fallback = float(pos.max()) if pos.size else 1.0
        return cap

    def live(self) -> list[Hashable]:
        """Keys of the live demands, in insertion order."""
        return [k for k in self.keys if k is not None]

    def _slot(self, key: Hashable) -> int:
        try:
            return self.slot[key]
        except KeyError:
            raise InvalidParameterError("demand key", key, "is not a live demand") from None

    def _register(self, key: Hashable, terminals: Sequence[int]) -> tuple[int, tuple[int, ...]]:
        """Validate a new demand and give it the next slot."""
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
        return s, t

    def _scaled_bounds(self, key: Hashable, lower: float, upper: float
                       ) -> tuple[int, float, float]:
        """(slot, lower, upper) of a demand's rate bounds in its scaled unit."""
        s = self._slot(key)
        if not (np.isfinite(lower) and lower >= 0):
            raise InvalidParameterError("lower", lower, "must be finite and >= 0")
        if not (upper >= lower):
            raise InvalidParameterError("upper", upper, f"must be >= lower ({lower})")
        d = self.dscale[s]
        return s, lower / d, min(upper / d, INF) if np.isfinite(upper) else INF

    def _change(self, links: Sequence[int] | npt.NDArray[np.int64],
                capacity: Sequence[float] | npt.NDArray[np.float64]
                ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]:
        """Validated (link ids, capacities) of a capacity change."""
        ids = np.asarray(links, dtype=np.int64).reshape(-1)
        c = np.asarray(capacity, dtype=np.float64).reshape(-1)
        if ids.shape != c.shape:
            raise InvalidParameterError("capacity", c.shape, f"must match links {ids.shape}")
        if ids.size and (ids.min() < 0 or ids.max() >= self.m):
            raise InvalidParameterError("links", ids.tolist(), f"must be in [0, {self.m})")
        _check_capacity(c)
        return ids, c


class RouteMaster(_Demands):
    """Warm path / Steiner-tree packing LP over a fixed topology with changing data.

    Scaling (the LP sees O(1) numbers whatever the capacities): route column c of demand i
    carries ``x_c = s_i z_c`` with ``s_i`` the demand's widest-path rate at insertion; link row
    e is divided by its nominal capacity ``rho_e`` (coefficients ``s_i / rho_e``, right-hand
    side ``c_e / rho_e``); demand rows are divided by ``s_i``; the level is ``t = tau_ref tau``
    with ``tau_ref = min_i s_i / w_i`` over the level's demands. A column whose coefficient on
    one of its links exceeds 1e9 (a route through a link a billion times narrower than the
    demand's widest path: it can carry at most 1e-9 of ``s_i``) is not added.

    Parameters
    ----------
    num_nodes : int
        Number of nodes.
    tail, head : array of int
        Link endpoints (undirected; parallel links allowed).
    capacity : array of float
        Achievable link capacities R_lo (any unit; rates come out in it); also the nominal
        capacities that scale the link rows.

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
    (column generation with exact pricing), §11 (scaling) [D].
    """

    def __init__(self, num_nodes: int, tail: npt.ArrayLike, head: npt.ArrayLike,
                 capacity: npt.ArrayLike) -> None:
        cap = self._set_graph(num_nodes, tail, head, capacity)
        self.rho = np.where(cap > 0, cap, self._fallback)
        self.nominal = cap.copy()
        self._widest: WidestForest | None = None
        self.usable = (self.cap > 0) & (self.tail != self.head)
        self.h = new_highs()
        self.h.setOptionValue("presolve", "off")  # warm re-solves of a small, changing LP
        self.h.setOptionValue("simplex_strategy", 4)  # primal: freezing keeps the basis feasible
        # rows 0..m-1: link capacities (scaled by rho); column 0: the level tau
        a = sp.csc_matrix((self.m, 1))
        pass_model(self.h, np.array([0.0]), a, np.full(self.m, -INF),
                   np.where(self.usable, self.cap / self.rho, 0.0), np.zeros(1), np.zeros(1))
        self.keys: list[Hashable | None] = []          # slot -> key (None: removed)
        self.slot: dict[Hashable, int] = {}
        self.terminals: list[tuple[int, ...]] = []
        self.dscale: list[float] = []                  # s_i per slot
        self.rate_row: list[int] = []
        self.level_row: list[int] = []
        self.art_col: list[int] = []
        #: Per slot: the rate row's coefficient on its columns (1, or up to 1e6 where the
        #: bounds are far below the demand's scale: see :meth:`set_bounds`).
        self.rate_coef: list[float] = []
        self.col_slot: list[int] = []
        self.col_links: list[tuple[int, ...]] = []
        #: (concatenated link ids, links per column) of the columns: link loads in one
        #: bincount; None when the columns changed since it was built.
        self._incidence: tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]] | None = None
        self.col_nodes: list[tuple[int, ...] | None] = []
        self.col_index: list[int] = []
        self.seen: set[tuple[int, tuple[int, ...]]] = set()
        self._steiner: SteinerGraph | None = None
        self._cur_level: dict[int, float] = {}       # slot -> coefficient of tau
        self._cur_cost: dict[int, float] = {}        # slot -> column cost (scaled, negated)
        self._cur_phase1 = False
        self._level_dual: dict[Hashable, float] = {}
        self._level_share: dict[Hashable, float] = {}
        self._rate_dual: dict[Hashable, float] = {}
        self._tau_ref = 1.0
        self._coef: dict[int, float] = {}            # slot -> coefficient of tau in the matrix
        self._sum_rows: dict[int, dict[int, float]] = {}  # row -> slot -> coefficient
        self._dead: list[int] = []                   # per column: links of it that are down
        self._link_cols: dict[int, list[int]] = {}   # link -> columns through it

    # ---- changes -------------------------------------------------------------------------
    def set_capacity(self, links: Sequence[int] | npt.NDArray[np.int64],
                     capacity: Sequence[float] | npt.NDArray[np.float64]) -> None:
        """Change the capacity of ``links`` (e.g. 0 for a failed link)."""
        ids, c = self._change(links, capacity)
        if not ids.size:
            return
        self.cap[ids] = c
        old = self.usable[ids].copy()
        self.usable[ids] = (c > 0) & (self.tail[ids] != self.head[ids])
        if np.any(old != self.usable[ids]):
            self._steiner = None
            # a column may lack the entry of a link it crosses (a coefficient left out as
            # negligible): block every column through a link that is down, so no route uses it
            self._block_columns(ids[old & ~self.usable[ids]], +1)
            self._block_columns(ids[~old & self.usable[ids]], -1)
        hi = np.where(self.usable[ids], c / self.rho[ids], 0.0)
        _rows_bounds(self.h, ids, np.full(ids.size, -INF), hi)

    def _block_columns(self, links: npt.NDArray[np.int64], delta: int) -> None:
        cols = sorted({c for e in links.tolist() for c in self._link_cols.get(e, ())})
        if not cols:
            return
        change = []
        for c in cols:
            before = self._dead[c]
            self._dead[c] = before + delta
            if (before == 0) != (self._dead[c] == 0) and self.keys[self.col_slot[c]] is not None:
                change.append(c)
        if change:
            idx = np.array([self.col_index[c] for c in change], dtype=np.int32)
            hi = np.array([INF if self._dead[c] == 0 else 0.0 for c in change])
            self.h.changeColsBounds(idx.size, idx, np.zeros(idx.size), hi)

    def add_demand(self, key: Hashable, terminals: Sequence[int], *, lower: float = 0.0,
                   upper: float = float("inf")) -> None:
        """Add a demand (2 terminals: a pair, 3+: a group) with rate bounds."""
        _, t = self._register(key, terminals)
        # the scale comes from the NOMINAL capacities: it does not depend on the link states,
        # so a warm master and a cold one of the same state hold the same LP
        if self._widest is None:  # the nominal capacities never change: built once
            from qinternet.networks.single_pair import WidestForest  # (imports lp)

            self._widest = WidestForest.of(LinkArrays(num_nodes=self.n, tail=self.tail,
                                                      head=self.head, capacity=self.nominal))
        self.dscale.append(_widest_scale(self._widest, t, self._fallback))
        r0 = self.h.getNumRow()
        self.h.addRows(2, np.full(2, -INF), np.full(2, INF), 0, np.zeros(2, dtype=np.int32),
                       np.zeros(0, dtype=np.int32), np.zeros(0))
        self.rate_row.append(r0)
        self.level_row.append(r0 + 1)
        c = self.h.getNumCol()
        self.h.addCol(0.0, 0.0, 0.0, 1, np.array([r0], dtype=np.int32), np.array([1.0]))
        self.art_col.append(c)
        self.rate_coef.append(1.0)
        self.set_bounds(key, lower=lower, upper=upper)

    def remove_demand(self, key: Hashable) -> None:
        """Remove a demand; its columns are switched off."""
        s = self._slot(key)
        del self.slot[key]
        self.keys[s] = None
        self._cur_level.pop(s, None)
        self._cur_cost.pop(s, None)
        _rows_bounds(self.h, np.array([self.rate_row[s], self.level_row[s]]), np.full(2, -INF),
                     np.full(2, INF))
        cols = [*(self.col_index[i] for i, js in enumerate(self.col_slot) if js == s),
                self.art_col[s]]
        n = len(cols)
        self.h.changeColsBounds(n, np.array(cols, dtype=np.int32), np.zeros(n), np.zeros(n))
        self.h.changeColsCost(n, np.array(cols, dtype=np.int32), np.zeros(n))

    def set_bounds(self, key: Hashable, *, lower: float = 0.0,
                   upper: float = float("inf")) -> None:
        """Rate bounds ``lower <= R <= upper`` of a demand (unit of the capacities).

        The rate row is in units of the demand's scale; bounds far below it (a max-min value
        frozen at 1e-6 of the scale) would be held only to HiGHS' absolute tolerance there,
        i.e. to 1e-3 of their value, and the slack goes to other demands. So the row is
        multiplied by a power of 10 (at most 1e6) bringing the bound near 1: a function of
        the bounds alone, so warm and cold masters with the same bounds hold the same LP.
        """
        s, lo, hi = self._scaled_bounds(key, lower, upper)
        ref = hi if math.isfinite(hi) else lo
        f = 1.0
        if 0.0 < ref < 1.0:
            f = 10.0 ** min(math.floor(-math.log10(ref)), _RATE_ROW_MAX_EXP)
        if f != self.rate_coef[s]:
            row = self.rate_row[s]
            for c, js in zip(self.col_index, self.col_slot, strict=True):
                if js == s:
                    self.h.changeCoeff(row, c, f)
            self.h.changeCoeff(row, self.art_col[s], f)
            self.rate_coef[s] = f
        self.h.changeRowBounds(self.rate_row[s], lo * f, hi * f if math.isfinite(hi) else INF)


    def add_sum_bound(self, weights: Mapping[Any, float], lower: float) -> int:
        """Add the row ``sum_i weights_i R_i >= lower`` (e.g. a class's throughput held at
        its optimum while a lower class is served); returns a handle for
        :meth:`remove_sum_bound`. Unit of the capacities."""
        slots = {self._slot(k): float(w) for k, w in weights.items() if w}
        ref = max((abs(w) * self.dscale[s] for s, w in slots.items()), default=1.0) or 1.0
        coef = {s: w * self.dscale[s] / ref for s, w in slots.items()}
        cols = [i for i, s in enumerate(self.col_slot) if s in coef]
        row = self.h.getNumRow()
        self.h.addRow(lower / ref, INF, len(cols),
                      np.array([self.col_index[i] for i in cols], dtype=np.int32),
                      np.array([coef[self.col_slot[i]] for i in cols]))
        self._sum_rows[row] = coef
        return row

    def remove_sum_bound(self, handle: int) -> None:
        """Drop a row added by :meth:`add_sum_bound` (it becomes free)."""
        if self._sum_rows.pop(handle, None) is not None:
            self.h.changeRowBounds(handle, -INF, INF)

    def prune_columns(self, *, keep_ratio: float = 2.0) -> int:
        """Drop route columns that carry nothing and are not basic in the last solve, when
        they outnumber ``keep_ratio`` times the useful ones (column generation leaves
        thousands of idle columns that slow every re-solve). They are generated again if
        they ever price out. Returns the number dropped."""
        if not self.col_index:
            return 0
        x = np.asarray(self.h.getSolution().col_value, dtype=np.float64)
        basis = self.h.getBasis()
        status = np.asarray([int(v) for v in basis.col_status]) if basis.valid else None
        idx = np.asarray(self.col_index, dtype=np.int64)
        idle = x[idx] <= 0.0
        if status is not None and status.size == x.size:
            idle &= status[idx] != int(highspy.HighsBasisStatus.kBasic)
        useful = int((~idle).sum())
        if idle.sum() <= keep_ratio * max(useful, len(self.slot)):
            return 0
        gone = np.flatnonzero(idle)
        cols = idx[gone]
        self.h.deleteCols(int(cols.size), cols.astype(np.int32))
        # HiGHS renumbers the columns above each deleted one
        shift = np.zeros(self.h.getNumCol() + cols.size + 1, dtype=np.int64)
        np.add.at(shift, cols + 1, 1)
        shift = np.cumsum(shift)
        keep = np.flatnonzero(~idle)
        self.col_index = [int(c - shift[c]) for c in idx[keep]]
        self.art_col = [int(c - shift[c]) for c in self.art_col]
        for i in gone.tolist():
            self.seen.discard((self.col_slot[i], tuple(sorted(self.col_links[i]))))
        self.col_slot = [self.col_slot[i] for i in keep]
        self.col_links = [self.col_links[i] for i in keep]
        self._incidence = None
        self.col_nodes = [self.col_nodes[i] for i in keep]
        self._dead = [self._dead[i] for i in keep]
        self._link_cols = {}
        for c, links in enumerate(self.col_links):
            for e in links:
                self._link_cols.setdefault(e, []).append(c)
        return int(cols.size)

    def level_duals(self) -> dict[Hashable, float]:
        """Dual values (>= 0) of the level rows ``R_i >= w_i t`` of the last solve, per key.

        By complementary slackness a positive value means every optimal solution has
        ``R_i = w_i t*``: the demand is blocked at this level.
        """
        return dict(self._level_dual)

    def level_shares(self) -> dict[Hashable, float]:
        """Each level row's share of the level's dual price, per key: the row's dual value
        times its coefficient of the level variable in the scaled LP (``w_i tau_ref / s_i``).

        At an optimum with a positive level the shares sum to 1 (the dual constraint of the
        level column), whatever the demands' scales; unlike a raw dual value, a share can be
        compared with a tolerance. A row whose coefficient is 1e-9 of the level's unit gets
        dual values that are the LP's round-off, and a raw value above a fixed tolerance
        does not show that its demand is blocked: its share does.
        """
        return dict(self._level_share)

    def rate_duals(self) -> dict[Hashable, float]:
        """Dual values of the rate rows ``lower_i <= R_i <= upper_i`` of the last solve, per
        live key (0 when neither bound is binding; scaled LP units, so only the sign and
        zero-ness are meaningful)."""
        return dict(self._rate_dual)


    # ---- pricing -------------------------------------------------------------------------
    def _pricer(self) -> SteinerGraph:
        if self._steiner is None:
            self._steiner = SteinerGraph(self.n, self.tail, self.head, self.usable)
        return self._steiner

    def _price(self, weights: npt.NDArray[np.float64], todo: Sequence[int],
               bound: Mapping[int, float] | None = None
               ) -> list[tuple[int, float, tuple[int, ...], tuple[int, ...] | None]]:
        """Cheapest route (path, tree) of each demand in ``todo`` under ``weights``.

        With ``bound`` (slot -> largest useful distance under ``weights``), a pair whose
        shortest distance is not below its bound gets no path (it could not be added).
        """
        steiner = self._pricer()
        out: list[tuple[int, float, tuple[int, ...], tuple[int, ...] | None]] = []
        by_source: dict[int, list[int]] = {}
        for s in todo:
            d = self.terminals[s]
            if len(d) == 2:
                by_source.setdefault(d[0], []).append(s)
            elif len(d) == 3:
                for cost, tree in steiner.three_terminal_trees(d, weights, _TREES_PER_ROUND):
                    out.append((s, cost, tree, None))
            else:
                if len(d) <= _EXACT_TERMINALS:
                    c, tree = steiner.dreyfus_wagner(d, weights)
                else:
                    c, tree = steiner.shortest_path_heuristic(d, weights)
                if tree:
                    out.append((s, c, tree, None))
        if by_source:
            slots = [s for src in sorted(by_source) for s in by_source[src]]
            paths = steiner.shortest_paths(
                weights, [(self.terminals[s][0], self.terminals[s][1]) for s in slots],
                bounds=None if bound is None else [bound[s] for s in slots])
            for s, path in zip(slots, paths, strict=True):
                if path is not None:
                    out.append((s, *path))
        out.sort(key=lambda r: r[0])
        return out

    def _add_columns(self, new: list[tuple[int, tuple[int, ...], tuple[int, ...] | None]]
                     ) -> int:
        fresh = []
        for s, links, nodes in new:
            key = (s, tuple(sorted(links)))
            if key in self.seen:
                continue
            coef = self.dscale[s] / self.rho[list(links)]
            if float(coef.max()) > _MAX_COEF:
                continue
            self.seen.add(key)
            fresh.append((s, links, nodes, coef))
        if not fresh:
            return 0
        starts: list[int] = []
        idx: list[int] = []
        vals: list[float] = []
        cost: list[float] = []
        for s, links, _, coef in fresh:
            # a link whose coefficient is below 1e-10 of the column's largest one takes at
            # most 1e-10 of its capacity from this column (z <= 1 / max coef): left out of
            # the LP (a coefficient range of 1e17 makes HiGHS fail on backbones spanning 40
            # decades) and restored exactly by the feasibility shrink of the routes
            keep = coef >= _REL_COEF * float(coef.max())
            starts.append(len(idx))
            idx += [*np.asarray(links)[keep].tolist(), self.rate_row[s], self.level_row[s]]
            vals += [*coef[keep].tolist(), self.rate_coef[s], 1.0]
            for row, weights in self._sum_rows.items():
                if s in weights:
                    idx.append(row)
                    vals.append(weights[s])
            cost.append(self._cur_cost.get(s, 0.0))
        nf = len(fresh)
        c0 = self.h.getNumCol()
        self.h.addCols(nf, np.array(cost), np.zeros(nf), np.full(nf, INF), len(idx),
                       np.array(starts, dtype=np.int32), np.array(idx, dtype=np.int32),
                       np.array(vals))
        for i, (s, links, nodes, _) in enumerate(fresh):
            c = len(self.col_index)
            self.col_slot.append(s)
            self.col_links.append(links)
            self._incidence = None
            self.col_nodes.append(nodes)
            self.col_index.append(c0 + i)
            self._dead.append(0)
            for e in links:
                self._link_cols.setdefault(e, []).append(c)
        return nf

    # ---- solving -------------------------------------------------------------------------
    def _set_objective(self, costs: Mapping[int, float], level: Mapping[int, float],
                       phase1: bool) -> None:
        """Set column costs (scaled), level coefficients and artificials; only what differs
        from the last call changes (a coefficient change makes HiGHS refactorise)."""
        live = [s for s, k in enumerate(self.keys) if k is not None]
        # a zero coefficient (a demand 1e12 above the level's scale) leaves the row free
        want_level = {} if phase1 else {s: w for s, w in level.items() if w > 0.0}
        self.h.changeColCost(0, -1.0 if want_level else 0.0)
        self.h.changeColBounds(0, 0.0, INF if want_level else 0.0)
        # a demand leaving the level only gets its row freed (a bound change, no refactorising);
        # its coefficient stays until it is needed with another value
        for s in live:
            w = want_level.get(s)
            row = self.level_row[s]
            if w is not None:
                if self._coef.get(s) != w:
                    self.h.changeCoeff(row, 0, -w)
                    self._coef[s] = w
                if s not in self._cur_level:
                    self.h.changeRowBounds(row, 0.0, INF)
            elif s in self._cur_level:
                self.h.changeRowBounds(row, -INF, INF)
        self._cur_level = want_level
        want_cost = {} if phase1 else {s: v for s, v in costs.items() if v}
        changed = {s for s in set(want_cost) | set(self._cur_cost)
                   if want_cost.get(s) != self._cur_cost.get(s)}
        if changed:
            pairs = [(c, want_cost.get(s, 0.0)) for c, s in
                     zip(self.col_index, self.col_slot, strict=True) if s in changed]
            if pairs:
                self.h.changeColsCost(len(pairs), np.array([c for c, _ in pairs],
                                                           dtype=np.int32),
                                      np.array([v for _, v in pairs]))
        self._cur_cost = want_cost
        if phase1 != self._cur_phase1:
            arts = np.array([self.art_col[s] for s in live], dtype=np.int32)
            if arts.size:
                n = arts.size
                self.h.changeColsCost(n, arts, np.ones(n) if phase1 else np.zeros(n))
                self.h.changeColsBounds(n, arts, np.zeros(n), np.full(n, INF) if phase1
                                        else np.zeros(n))
            self._cur_phase1 = phase1

    def _generate(self, live: Sequence[int], phase1: bool, what: str) -> tuple[int, bool]:
        """Column generation to convergence on the current objective; (rounds, converged)."""
        rounds = 0
        inv_rho = 1.0 / self.rho
        tie = 1e-6 * inv_rho / float(inv_rho.max(initial=1.0))
        tie_path = float(tie.max(initial=0.0)) * max(self.n - 1, 1)  # a simple path's most
        while rounds < _MAX_ROUNDS:
            rounds += 1
            self.h.run()
            status = self.h.getModelStatus()
            if status not in (highspy.HighsModelStatus.kOptimal,
                              highspy.HighsModelStatus.kInfeasible):
                status = self._recover()
            if status != highspy.HighsModelStatus.kOptimal:
                if not phase1 and status == highspy.HighsModelStatus.kInfeasible:
                    return rounds, False
                run_checked(self.h, what)
            sol = self.h.getSolution()
            dual = np.asarray(sol.row_dual, dtype=np.float64)
            price = np.maximum(-dual[: self.m], 0.0) * inv_rho  # per unit of rate
            theta = {s: -self._cur_cost.get(s, 0.0) + self.rate_coef[s] * dual[self.rate_row[s]]
                     + dual[self.level_row[s]] for s in live}
            for row, weights in self._sum_rows.items():  # held class totals
                for s, c in weights.items():
                    if s in theta:
                        theta[s] += c * dual[row]
            todo = [s for s in live if theta[s] > _RED_TOL]
            if not todo:
                return rounds, True
            # partial pricing: pairs first (cheap Dijkstra); groups (Dreyfus-Wagner) only in a
            # round where no pair column was added; convergence needs both to add nothing
            # (a candidate already present or too narrow to add does not count)
            pairs = [s for s in todo if len(self.terminals[s]) == 2]
            groups = self._may_improve([s for s in todo if len(self.terminals[s]) > 2],
                                       price, theta)
            added = 0
            for batch in (pairs, groups):
                if not batch:
                    continue
                # exact pricing on the plain prices certifies convergence (one pass); the
                # demands it finds improvable are priced again with a small tie-break towards
                # short, wide routes (most link prices are 0: plain shortest paths would pick
                # arbitrary zero-price routes), whose routes are kept when they improve too
                need = {s: (theta[s] - _RED_TOL * max(1.0, theta[s])) / self.dscale[s]
                        for s in batch}
                plain = _improving(self._price(price, batch, need), price, need)
                if not plain:
                    continue
                ids = sorted(plain)
                nice = _improving(self._price(price + tie, ids,
                                              {s: need[s] + tie_path for s in ids}),
                                  price, need)
                new = [c for s in ids for c in nice.get(s, plain[s])]
                added = self._add_columns(new)
                if not added:
                    added = self._add_columns([c for s in ids for c in plain[s]])
                if added:
                    break
            if not added:
                return rounds, True
        return rounds, False

    def _may_improve(self, groups: list[int], price: npt.NDArray[np.float64],
                     theta: Mapping[int, float]) -> list[int]:
        """The groups whose cheapest Steiner tree may have a negative reduced cost.

        A tree joining the terminals contains a path from the first terminal to each other
        one, so its price is at least the largest of those shortest-path distances (one
        batched Dijkstra for all groups): a group whose bound already reaches its dual
        ``theta`` cannot improve the master, and the exact (costly) tree is not computed.
        """
        if not groups:
            return groups
        steiner = self._pricer()
        csr, _, _ = steiner._collapse(price)
        sources = sorted({self.terminals[s][0] for s in groups})
        need = {s: (theta[s] - _RED_TOL * max(1.0, theta[s])) / self.dscale[s] for s in groups}
        # symmetric csr; distances beyond every group's need are not computed (inf: no gain)
        dist = dijkstra(csr, directed=True, indices=sources,
                        limit=max(max(need.values()), 0.0))
        row = {v: i for i, v in enumerate(sources)}
        keep = []
        for s in groups:
            t = self.terminals[s]
            if float(dist[row[t[0]], list(t[1:])].max()) < need[s]:
                keep.append(s)
        return keep

    def _recover(self) -> highspy.HighsModelStatus:
        """A warm solve that ended neither optimal nor infeasible (HiGHS "Unknown" after
        numerical trouble on a badly spread LP, seen on SNDlib nobel-eu): solve again from
        scratch, then with HiGHS' default tolerances; returns the last status."""
        self.h.clearSolver()
        self.h.run()
        status = self.h.getModelStatus()
        if status in (highspy.HighsModelStatus.kOptimal, highspy.HighsModelStatus.kInfeasible):
            return status
        self.h.setOptionValue("primal_feasibility_tolerance", _LOOSE_TOL)
        self.h.setOptionValue("dual_feasibility_tolerance", _LOOSE_TOL)
        try:
            self.h.clearSolver()
            self.h.run()
            return self.h.getModelStatus()
        finally:
            self.h.setOptionValue("primal_feasibility_tolerance", _FEAS_TOL)
            self.h.setOptionValue("dual_feasibility_tolerance", _FEAS_TOL)

    def _seed(self, live: Sequence[int]) -> None:
        have = set(self.col_slot)
        todo = [s for s in live if s not in have]
        if todo:
            inv = np.where(self.usable, 1.0 / self.rho, 0.0)
            self._add_columns([(s, lk, nd) for s, _, lk, nd in
                               self._price(inv / float(inv.max(initial=1.0)), todo)])

    def solve(self, *, rates: Mapping[Any, float] | None = None,
              level: Mapping[Any, float] | None = None,
              level_max: float = float("inf"), routes: bool = True) -> RouteSolution:
        """Maximise ``t + sum_i g_i R_i`` (``level`` = {key: w_i} adds ``R_i >= w_i t``;
        ``rates`` = {key: g_i}) subject to the rate bounds and link capacities.

        With ``routes=False`` only the level, the LP's rates and link loads (not shrunk to
        exact feasibility: within the LP's tolerance) and the duals are read, no routes: the
        fast path for intermediate solves.

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
        # objective scaling: rates g_i R_i = g_i s_i sum z; the level t = tau_ref tau
        ref = max((abs(v) * self.dscale[s] for s, v in g.items()), default=1.0) or 1.0
        costs = {s: -v * self.dscale[s] / ref for s, v in g.items()}
        # the level's unit: the smallest demand scale of the level, rounded down to a power of
        # 1e3 -- a function of the level set alone (warm and cold solves get the same LP) that
        # changes rarely between levels (a coefficient change makes HiGHS refactorise)
        raw = min((self.dscale[s] / w for s, w in lev.items()), default=1.0)
        tau_ref = 10.0 ** (3.0 * math.floor(math.log10(raw) / 3.0)) if raw > 0 else 1.0
        coef = {}
        for s, w in lev.items():
            c = w * tau_ref / self.dscale[s]
            coef[s] = c if c >= _MIN_LEVEL_COEF else 0.0
        if lev:
            self._tau_ref = tau_ref
        tau_max = level_max / tau_ref if np.isfinite(level_max) else INF
        what = "route master LP (achievable rates)"
        self._set_objective(costs, coef, phase1=False)
        self._level_bounds(coef, tau_max)
        rounds, ok = self._generate(live, False, what)
        if not ok and self.h.getModelStatus() == highspy.HighsModelStatus.kInfeasible:
            self._set_objective(costs, coef, phase1=True)
            r, _ = self._generate(live, True, what + ", phase 1")
            rounds += r
            x = np.asarray(self.h.getSolution().col_value, dtype=np.float64)
            lp = self.h.getLp()
            low = np.asarray(lp.row_lower_, dtype=np.float64)
            # the artificial is in the columns' unit; the tolerance applies to the row's
            deficit = {self.keys[s]: float(x[self.art_col[s]]) * self.dscale[s] for s in live
                       if x[self.art_col[s]] * self.rate_coef[s]
                       > _PHASE1_TOL * max(1.0, low[self.rate_row[s]])}
            self._set_objective(costs, coef, phase1=False)
            self._level_bounds(coef, tau_max)
            if deficit:
                raise InfeasibleRatesError(deficit)
            # deficits within the tolerance stay allowed in phase 2 (at no cost), or the
            # strict phase 2 may call infeasible what phase 1 found feasible to 1e-9
            slack = [(self.art_col[s],
                      _PHASE1_TOL * max(1.0, low[self.rate_row[s]]) / self.rate_coef[s])
                     for s in live if low[self.rate_row[s]] > 0.0]
            if slack:
                # penalised, so that the objective cannot exploit the slack (a level would
                # overshoot by it and leave the next level infeasible)
                idx = np.array([c for c, _ in slack], dtype=np.int32)
                self.h.changeColsBounds(idx.size, idx, np.zeros(idx.size),
                                        np.array([v for _, v in slack]))
                self.h.changeColsCost(idx.size, idx, np.full(idx.size, _SLACK_COST))
            r, ok = self._generate(live, False, what)
            rounds += r
            if not ok and self.h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
                # phase 1 proved the bounds feasible to 1e-9; a phase 2 still called
                # infeasible is HiGHS' tight tolerance on a badly spread LP (seen on SNDlib
                # abilene): solve it with HiGHS' default tolerances (1e-7) instead
                self.h.setOptionValue("primal_feasibility_tolerance", _LOOSE_TOL)
                self.h.setOptionValue("dual_feasibility_tolerance", _LOOSE_TOL)
                try:
                    r, ok = self._generate(live, False, what)
                    rounds += r
                    if not ok and self.h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
                        run_checked(self.h, what)
                finally:
                    self.h.setOptionValue("primal_feasibility_tolerance", _FEAS_TOL)
                    self.h.setOptionValue("dual_feasibility_tolerance", _FEAS_TOL)
            result = self._read(g, lev, coef, live, rounds, ok, routes)
            if slack:
                self.h.changeColsBounds(idx.size, idx, np.zeros(idx.size), np.zeros(idx.size))
                self.h.changeColsCost(idx.size, idx, np.zeros(idx.size))
            return result
        return self._read(g, lev, coef, live, rounds, ok, routes)

    def _level_bounds(self, coef: Mapping[int, float], tau_max: float) -> None:
        if coef:
            self.h.changeColBounds(0, 0.0, tau_max)

    def _column_loads(self, xr: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        """Per link: the sum of the (nonnegative) column values ``xr`` over its columns."""
        if not xr.size:
            return np.zeros(self.m)
        if self._incidence is None:
            lengths = np.fromiter((len(c) for c in self.col_links), dtype=np.int64,
                                  count=len(self.col_links))
            flat = np.fromiter((e for c in self.col_links for e in c), dtype=np.int64,
                               count=int(lengths.sum()))
            self._incidence = (flat, lengths)
        flat, lengths = self._incidence
        loads: npt.NDArray[np.float64] = np.bincount(flat, weights=np.repeat(xr, lengths),
                                                     minlength=self.m).astype(np.float64)
        return loads

    def _read(self, g: Mapping[int, float], lev: Mapping[int, float],
              coef: Mapping[int, float], live: Sequence[int], rounds: int, converged: bool,
              routes: bool) -> RouteSolution:
        sol = self.h.getSolution()
        x = np.asarray(sol.col_value, dtype=np.float64)
        dual = np.asarray(sol.row_dual, dtype=np.float64)
        self._level_dual = {self.keys[s]: max(float(dual[self.level_row[s]]), 0.0)
                            if coef.get(s, 0.0) > 0 else 0.0 for s in lev}
        self._level_share = {self.keys[s]: coef.get(s, 0.0) * y
                             for s, y in zip(lev, self._level_dual.values(), strict=True)}
        self._rate_dual = {self.keys[s]: self.rate_coef[s] * float(dual[self.rate_row[s]])
                           for s in live}
        level = float(x[0]) * self._tau_ref if lev else 0.0
        z = np.maximum(x[np.asarray(self.col_index, dtype=np.int64)], 0.0) if self.col_index \
            else np.zeros(0)
        ds = np.asarray(self.dscale)
        cs = np.asarray(self.col_slot, dtype=np.int64)
        xr = z * ds[cs] if z.size else z
        prices = np.maximum(-dual[: self.m], 0.0) / self.rho
        if not routes:
            per = np.bincount(cs, weights=xr, minlength=len(self.keys)) if xr.size \
                else np.zeros(len(self.keys))
            rates0 = {self.keys[s]: float(per[s]) for s in live}
            obj = level + sum(g.get(s, 0.0) * float(per[s]) for s in live)
            raw = self._column_loads(xr)
            return RouteSolution(level=level, objective=obj, rates=rates0, routes={},
                                 link_load=raw, link_prices=prices,
                                 rounds=rounds, lp_optimal=converged)
        loads = self._column_loads(xr)
        factor = np.ones(self.m)
        over = loads > self.cap
        factor[over] = np.where(self.usable[over], self.cap[over] / loads[over], 0.0)
        rates = {self.keys[s]: 0.0 for s in live}
        out: dict[Hashable, list[RouteColumn]] = {self.keys[s]: [] for s in live}
        own = np.zeros(len(self.keys))
        for s, v in zip(self.col_slot, xr, strict=True):
            own[s] = max(own[s], float(v))
        link_load = np.zeros(self.m)
        for s, links, nodes, v in zip(self.col_slot, self.col_links, self.col_nodes, xr,
                                      strict=True):
            key = self.keys[s]
            if key is None or v <= 1e-12 * own[s]:
                continue
            r = float(v) * float(factor[list(links)].min())
            if r <= 0.0:
                continue
            rates[key] += r
            link_load[list(links)] += r
            out[key].append(RouteColumn(demand=s, rate=r, links=links, nodes=nodes))
        obj = level + sum(g.get(self.slot[k], 0.0) * v for k, v in rates.items()
                          if k is not None)
        return RouteSolution(
            level=level, objective=obj, rates={k: v for k, v in rates.items() if k is not None},
            routes={k: tuple(v) for k, v in out.items() if k is not None},
            link_load=link_load, link_prices=prices, rounds=rounds,
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


class CutPool(_Demands):
    """Warm cut LP over a persistent pool of cuts (a certified upper bound at every step).

    Every row is a true cut constraint ``sum_{i split by S} R_i <= sum_{e in delta(S)} E_up[e]``
    (or a weakening of one), so the optimum over the pool is a valid upper bound whatever the
    pool holds. Scaling: ``R_i = s_i r_i`` with ``s_i`` the demand's minimum cut at insertion;
    a cut row is divided by ``max(cap(S), max s_i)`` at its insertion; coefficients above 1e12
    and right-hand sides above 1e15 (after capacities grew a lot) are dropped, which only
    weakens the row.

    Parameters
    ----------
    num_nodes, tail, head, capacity
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
                 capacity: npt.ArrayLike) -> None:
        self._set_graph(num_nodes, tail, head, capacity)
        self.loop = self.tail == self.head
        self.h = new_highs()
        self.h.setOptionValue("presolve", "off")
        pass_model(self.h, np.array([0.0]), sp.csc_matrix((0, 1)), np.zeros(0), np.zeros(0),
                   np.zeros(1), np.zeros(1))
        self.keys: list[Hashable | None] = []
        self.slot: dict[Hashable, int] = {}
        self.terminals: list[tuple[int, ...]] = []
        self.dscale: list[float] = []
        self.col: list[int] = []
        self.level_row: list[int] = []
        self.cuts: list[npt.NDArray[np.bool_]] = []
        self._stack: npt.NDArray[np.bool_] | None = None  # the cuts as rows
        self.cut_row: list[int] = []
        self.cut_norm: list[float] = []
        self.cut_seen: set[bytes] = set()
        self._crossing = sp.csr_matrix((0, self.m))
        self._graph = ig.Graph(n=self.n, edges=list(zip(self.tail.tolist(), self.head.tolist(),
                                                        strict=True)))
        self._term_node = np.zeros(0, dtype=np.int64)
        self._term_slot = np.zeros(0, dtype=np.int64)
        self._sizes = np.zeros(0, dtype=np.int64)
        self._alive = np.zeros(0, dtype=bool)
        #: Per slot: a lower bound on the demand's minimum cut and the last min cut found.
        self._mincut_lb = np.zeros(0)
        self._mincut_side: list[npt.NDArray[np.bool_] | None] = []
        self._cur_level: dict[int, float] = {}
        self._gh_done = False
        self._tau_ref = 1.0

    # ---- changes -------------------------------------------------------------------------
    def set_capacity(self, links: Sequence[int] | npt.NDArray[np.int64],
                     capacity: Sequence[float] | npt.NDArray[np.float64]) -> None:
        """Change the capacity of ``links``; every cut row's right-hand side follows."""
        ids, c = self._change(links, capacity)
        if not ids.size:
            return
        # a min cut drops by at most the total capacity removed (a valid lower bound stays one)
        drop = float(np.maximum(self.cap[ids] - c, 0.0).sum())
        self._mincut_lb = np.maximum(self._mincut_lb - drop, 0.0)
        self.cap[ids] = c
        if self.cut_row:
            rows = np.array(self.cut_row, dtype=np.int32)
            _rows_bounds(self.h, rows, np.full(rows.size, -INF), self._cut_rhs())

    def _cut_rhs(self) -> npt.NDArray[np.float64]:
        rhs = (self._crossing @ self.cap) / np.asarray(self.cut_norm)
        return np.where(rhs > _MAX_RHS, INF, rhs)

    def add_demand(self, key: Hashable, terminals: Sequence[int], *, lower: float = 0.0,
                   upper: float = float("inf")) -> None:
        """Add a demand; it joins every pool cut that splits it."""
        s, t = self._register(key, terminals)
        self._term_node = np.concatenate([self._term_node, np.array(t, dtype=np.int64)])
        self._term_slot = np.concatenate([self._term_slot, np.full(len(t), s, dtype=np.int64)])
        self._sizes = np.append(self._sizes, len(t))
        self._alive = np.append(self._alive, True)
        val, side = self._min_cut_of(t)
        self._mincut_lb = np.append(self._mincut_lb, val)
        self._mincut_side.append(side)
        self.dscale.append(val if val > 0 else self._fallback)
        r0 = self.h.getNumRow()
        self.h.addRow(-INF, INF, 0, np.zeros(0, dtype=np.int32), np.zeros(0))
        self.level_row.append(r0)
        rows = [r0]
        vals = [1.0]
        for i, cut in enumerate(self.cuts):
            if cut[list(t)].any() and not cut[list(t)].all():
                coef = self.dscale[s] / self.cut_norm[i]
                if coef <= _MAX_CUT_COEF:  # dropping a term only weakens the cut row
                    rows.append(self.cut_row[i])
                    vals.append(coef)
        c = self.h.getNumCol()
        self.h.addCol(0.0, 0.0, INF, len(rows), np.array(rows, dtype=np.int32),
                      np.array(vals))
        self.col.append(c)
        self.set_bounds(key, lower=lower, upper=upper)
        self.add_cuts([side])

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
        s, lo, hi = self._scaled_bounds(key, lower, upper)
        self.h.changeColBounds(self.col[s], lo, hi)



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

    def cut_capacities(self) -> npt.NDArray[np.float64]:
        """Capacity of every pool cut (sum of E_up over its links), in pool order."""
        return np.asarray(self._crossing @ self.cap, dtype=np.float64)

    def split_matrix(self, keys: Sequence[Hashable]) -> npt.NDArray[np.bool_]:
        """(cuts x keys): True where a pool cut splits the live demand ``keys[j]``."""
        slots = np.array([self._slot(k) for k in keys], dtype=np.int64)
        if not self.cuts:
            return np.zeros((0, slots.size), dtype=bool)
        if self._stack is None or self._stack.shape[0] != len(self.cuts):
            # cuts are only ever appended: stack the new ones under the old
            old = self._stack if self._stack is not None else np.zeros((0, self.n), dtype=bool)
            self._stack = np.vstack([old, *self.cuts[old.shape[0]:]])
        # terminals on the source side per (cut, slot), by one sparse product
        ind = sp.csr_matrix((np.ones(self._term_slot.size), (np.arange(self._term_slot.size),
                                                             self._term_slot)),
                            shape=(self._term_slot.size, len(self.keys)))
        on = self._stack[:, self._term_node].astype(np.float64)
        cnt = np.asarray(on @ ind)[:, slots]
        return (cnt > 0) & (cnt < self._sizes[slots]) & self._alive[slots]

    def cut_capacity(self, side: npt.NDArray[np.bool_]) -> float:
        """Capacity of the cut: sum of E_up over the links crossing it."""
        cross = (side[self.tail] != side[self.head]) & ~self.loop
        return float(self.cap[cross].sum())

    def add_cuts(self, sides: Sequence[npt.NDArray[np.bool_]]) -> int:
        """Add cuts to the pool (duplicates skipped); returns how many were new."""
        starts: list[int] = []
        idx: list[int] = []
        vals: list[float] = []
        rows_c: list[npt.NDArray[np.int64]] = []
        norms: list[float] = []
        ds = np.asarray(self.dscale)
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
            split = self.splits(s)
            norm = max(float(self.cap[cross].sum()), float(ds[split].max()) if split else 0.0)
            norm = norm if norm > 0 else 1.0
            starts.append(len(idx))
            for j in split:
                coef = float(ds[j]) / norm
                if coef <= _MAX_CUT_COEF:
                    idx.append(self.col[j])
                    vals.append(coef)
            rows_c.append(cross)
            norms.append(norm)
            self.cuts.append(s)
        k = len(norms)
        if not k:
            return 0
        data = [np.ones(c.size) for c in rows_c]
        new = sp.csr_matrix((np.concatenate(data), np.concatenate(rows_c),
                             np.cumsum([0] + [c.size for c in rows_c])), shape=(k, self.m))
        rhs = (new @ self.cap) / np.asarray(norms)
        rhs = np.where(rhs > _MAX_RHS, INF, rhs)
        r0 = self.h.getNumRow()
        self.h.addRows(k, np.full(k, -INF), rhs, len(idx),
                       np.array(starts, dtype=np.int32), np.array(idx, dtype=np.int32),
                       np.array(vals))
        self.cut_row.extend(range(r0, r0 + k))
        self.cut_norm.extend(norms)
        self._crossing = sp.vstack([self._crossing, new], format="csr")
        return k

    def _min_cut_of(self, t: Sequence[int]) -> tuple[float, npt.NDArray[np.bool_]]:
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

    def demand_min_cut(self, s: int) -> tuple[float, npt.NDArray[np.bool_]]:
        """Minimum Steiner cut of demand slot ``s`` under the current capacities."""
        return self._min_cut_of(self.terminals[s])

    def _gomory_hu(self) -> list[npt.NDArray[np.bool_]]:
        return [side.copy() for side in fundamental_cuts(self._graph, self.cap.tolist())]

    def _violated(self, r: npt.NDArray[np.float64]) -> list[npt.NDArray[np.bool_]]:
        """Violated per-demand minimum cuts under the current rates (exact per demand).

        A demand whose rate is below a known lower bound on its min cut is skipped (its own
        min cut cannot be violated); the others get a fresh igraph min cut.
        """
        found: list[tuple[float, npt.NDArray[np.bool_]]] = []
        for s in np.flatnonzero(self._alive):
            if r[s] <= 0 or r[s] <= self._mincut_lb[s] * (1.0 + 1e-9):
                continue
            val, side = self.demand_min_cut(int(s))
            self._mincut_lb[s] = val
            self._mincut_side[s] = side
            dem = float(np.dot(r, self.split_mask(side)))
            if dem - val > 1e-9 * max(val, dem):
                found.append(((dem - val) / max(val, dem), side))
        found.sort(key=lambda f: -f[0])
        return [side for _, side in found[:_MAX_CUTS_PER_ROUND]]

    def solve(self, *, rates: Mapping[Any, float] | None = None,
              level: Mapping[Any, float] | None = None,
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
        ds = self.dscale
        ref = max((abs(v) * ds[s] for s, v in g.items()), default=1.0) or 1.0
        tau_ref = min((ds[s] / w for s, w in lev.items()), default=1.0)
        coef = {}
        for s, w in lev.items():
            c = w * tau_ref / ds[s]
            coef[s] = c if c >= _MIN_LEVEL_COEF else 0.0
        self.h.changeColCost(0, -1.0 if lev else 0.0)
        tau_max = level_max / tau_ref if np.isfinite(level_max) else INF
        self.h.changeColBounds(0, 0.0, tau_max if lev else 0.0)
        cols = np.array([self.col[s] for s in live], dtype=np.int32)
        if cols.size:
            self.h.changeColsCost(cols.size, cols,
                                  np.array([-g.get(s, 0.0) * ds[s] / ref for s in live]))
        for s in live:
            # a level 1e12 below the demand's scale (coefficient 0): the row is dropped (weaker)
            c = coef.get(s, 0.0)
            if self._cur_level.get(s, 0.0) == c:
                continue
            if c > 0.0:
                self.h.changeCoeff(self.level_row[s], 0, -c)
                self.h.changeRowBounds(self.level_row[s], 0.0, INF)
                self._cur_level[s] = c
            else:
                self.h.changeCoeff(self.level_row[s], 0, 0.0)
                self.h.changeRowBounds(self.level_row[s], -INF, INF)
                self._cur_level.pop(s, None)
        rounds = 0
        separated = False
        x = np.zeros(0)
        while rounds < _MAX_ROUNDS:
            rounds += 1
            run_checked(self.h, "cut pool LP (upper bound)")
            x = np.asarray(self.h.getSolution().col_value, dtype=np.float64)
            r = np.zeros(len(self.keys))
            for s in live:
                r[s] = max(float(x[self.col[s]]), 0.0) * ds[s]
            new = self._violated(r)
            if not new or self.add_cuts(new) == 0:
                separated = True
                break
        dual = np.asarray(self.h.getSolution().row_dual, dtype=np.float64)
        binding = tuple(self.cuts[i] for i, row in enumerate(self.cut_row)
                        if dual[row] < -1e-12)
        out_rates = {self.keys[s]: max(float(x[self.col[s]]), 0.0) * ds[s] for s in live}
        value = (float(x[0]) * tau_ref if lev else 0.0) + sum(
            g.get(s, 0.0) * out_rates[self.keys[s]] for s in live)
        return CutPoolSolution(value=value, rates=out_rates, binding=binding,
                               pool_size=len(self.cuts), rounds=rounds, separated=separated)
