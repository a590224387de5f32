"""Achievable rates: path / Steiner-tree packing LP solved by column generation.

Spec ``network_bounds.md`` §5.1 (many pairs), §6.1 (one GHZ group), §7 (several groups).
Restricted master over a working set of route columns x_c (a path of a pair or a Steiner tree of
a group), all usage variables present; link prices ``y_e`` of the capacity rows price new
columns: a shortest path (Dijkstra) for a pair, a minimum Steiner tree (Dreyfus–Wagner, exact)
for a group. The master is re-solved warm (HiGHS keeps its basis when columns are added).
"""

from __future__ import annotations

import time
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from qinternet.errors import InvalidParameterError, SolverError
from qinternet.networks.lp._highs import INF, new_highs, pass_model, run_checked
from qinternet.networks.lp._problem import Objective, Problem, prepare
from qinternet.networks.lp._report import conditioning_info
from qinternet.networks.lp._steiner import SteinerGraph
from qinternet.networks.lp.arrays import LinkArrays
from qinternet.networks.lp.frequency import frequency_lower_bound
from qinternet.networks.lp.solution import LPSolution, RouteColumn
from qinternet.networks.usage import Usage

__all__ = ["EXACT_STEINER_MAX_TERMINALS", "MAX_ROUNDS", "lower_bound"]

#: Groups with at most this many terminals are priced exactly (Dreyfus–Wagner).
EXACT_STEINER_MAX_TERMINALS = 10

#: Safety limit on the number of column-generation rounds.
MAX_ROUNDS = 5000

_RED_TOL = 1e-9

#: Congestion exponent of the extra columns priced each round: link lengths
#: ``exp(CONGESTION_EXPONENT * load_e / c_e) / c_e`` (multiplicative-weights style).
CONGESTION_EXPONENT = 10.0
#: Mean node degree from which those extra columns are priced (dense networks, whose optimum
#: spreads each pair over many paths; planar WANs and backbones stay below 6 and keep one
#: pricing pass per round: 10,000-node Gabriel WAN, WORST, 2.7 s without, 3.9 s with them).
CONGESTION_MIN_DEGREE = 6.0


def _path_nodes(tail: npt.NDArray[np.int64], head: npt.NDArray[np.int64],
                links: Sequence[int], start: int) -> tuple[int, ...] | None:
    """Node sequence of a path given as link ids from ``start``; None if not a simple path."""
    nodes = [start]
    v = start
    for e in links:
        a, b = int(tail[e]), int(head[e])
        if a == v:
            v = b
        elif b == v:
            v = a
        else:
            return None
        nodes.append(v)
    return tuple(nodes) if len(set(nodes)) == len(nodes) else None


def _connects(prob: Problem, links: Sequence[int], terminals: Sequence[int]) -> bool:
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        while parent.setdefault(x, x) != x:
            x = parent[x]
        return x

    for e in links:
        ra, rb = find(int(prob.tail[e])), find(int(prob.head[e]))
        if ra != rb:
            parent[ra] = rb
    root = find(terminals[0])
    return all(find(t) == root for t in terminals)


class _Master:
    """Restricted master LP (minimisation of the negated objective) held in one Highs object.

    Fixed capacities only (flooding, budget; usage frequencies have the closed form of
    :mod:`~qinternet.networks.lp.frequency`). Rows: [d_j T - r_j <= 0 (worst)] then one
    capacity row per link, added lazily when a column first uses the link (rows of unused links
    are slack: price 0).
    """

    def __init__(self, prob: Problem) -> None:
        self.prob = prob
        self.k = len(prob.demands)
        self.worst = prob.objective == "worst"
        self.demand_row0 = 0
        n_rows = self.demand_row0 + (self.k if self.worst else 0)
        self.row_of = np.full(prob.num_links, -1, dtype=np.int64)
        self.link_of_row: list[int] = []
        self.h = new_highs()
        # primal simplex: a primal feasible basis stays feasible when columns are added
        self.h.setOptionValue("simplex_strategy", 4)
        n_cols = 1 if self.worst else 0
        ri = list(range(self.demand_row0, self.demand_row0 + self.k)) if self.worst else []
        vals = prob.coeffs.tolist() if self.worst else []
        a = sp.csc_matrix((vals, (ri, [0] * len(ri))), shape=(n_rows, n_cols))
        row_upper = np.zeros(n_rows)
        pass_model(self.h, -np.ones(n_cols), a, np.full(n_rows, -INF), row_upper,
                   np.zeros(n_cols), np.full(n_cols, INF))
        self.n_cols = n_cols
        self.route_cols: list[int] = []
        self.columns: list[tuple[int, tuple[int, ...], tuple[int, ...] | None]] = []
        self.seen: set[tuple[int, tuple[int, ...]]] = set()

    def _add_link_rows(self, links: list[int]) -> None:
        prob = self.prob
        nr = self.h.getNumRow()
        m = len(links)
        self.row_of[links] = np.arange(nr, nr + m)
        self.link_of_row.extend(links)
        cap = prob.capacity[links]
        self.h.addRows(m, np.full(m, -INF), cap, 0, np.zeros(m, dtype=np.int32),
                       np.zeros(0, dtype=np.int32), np.zeros(0))

    def add(self, new: list[tuple[int, tuple[int, ...], tuple[int, ...] | None]]) -> int:
        """Add route columns (demand, links, nodes); duplicates are skipped. Returns #added."""
        fresh = []
        for j, links, nodes in new:
            key = (j, tuple(sorted(links)))
            if key in self.seen:
                continue
            self.seen.add(key)
            fresh.append((j, links, nodes))
        if not fresh:
            return 0
        missing = sorted({e for _, lk, _ in fresh for e in lk if self.row_of[e] < 0})
        if missing:
            self._add_link_rows(missing)
        starts: list[int] = []
        idx: list[int] = []
        vals: list[float] = []
        costs: list[float] = []
        for j, links, _ in fresh:
            starts.append(len(idx))
            for e in links:
                idx.append(int(self.row_of[e]))
                vals.append(1.0)
            if self.worst:
                idx.append(self.demand_row0 + j)
                vals.append(-1.0)
                costs.append(0.0)
            else:
                costs.append(-float(self.prob.coeffs[j]))
        nf = len(fresh)
        self.h.addCols(nf, np.array(costs), np.zeros(nf), np.full(nf, INF), len(idx),
                       np.array(starts, dtype=np.int32), np.array(idx, dtype=np.int32),
                       np.array(vals))
        self.route_cols.extend(range(self.n_cols, self.n_cols + nf))
        self.n_cols += nf
        self.columns.extend(fresh)
        return nf

    def solve(self) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64],
                             npt.NDArray[np.float64]]:
        """Solve; return (route column values, link prices y_e >= 0 per link, row duals)."""
        run_checked(self.h, "path/tree packing LP (lower bound)")
        sol = self.h.getSolution()
        x = np.asarray(sol.col_value, dtype=np.float64)
        dual = np.asarray(sol.row_dual, dtype=np.float64)
        y = np.zeros(self.prob.num_links)
        has = self.row_of >= 0
        y[has] = np.maximum(-dual[self.row_of[has]], 0.0)
        return x[np.asarray(self.route_cols, dtype=np.int64)], y, dual

    def thresholds(self, dual: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        """Profit of one unit of rate per demand: q_j, or pi_j (dual of the WORST row)."""
        if self.worst:
            return np.maximum(-dual[self.demand_row0:self.demand_row0 + self.k], 0.0)
        return self.prob.coeffs.astype(np.float64)


class _Pricer:
    """Shortest paths (pairs) and minimum Steiner trees (groups) under link prices."""

    def __init__(self, prob: Problem, max_exact: int) -> None:
        self.prob = prob
        self.steiner = SteinerGraph(prob.num_nodes, prob.tail, prob.head, prob.usable)
        self.max_exact = max_exact
        self.heuristic_used = False

    def price(self, weights: npt.NDArray[np.float64], todo: Sequence[int]
              ) -> dict[int, tuple[float, tuple[int, ...], tuple[int, ...] | None]]:
        """Cheapest route per demand in ``todo`` under link weights (per link id)."""
        out: dict[int, tuple[float, tuple[int, ...], tuple[int, ...] | None]] = {}
        prob = self.prob
        by_source: dict[int, list[int]] = {}
        for j in todo:
            d = prob.demands[j]
            if len(d) == 2:
                by_source.setdefault(d[0], []).append(j)
            else:
                if len(d) <= self.max_exact:
                    c, tree = self.steiner.dreyfus_wagner(d, weights)
                else:
                    self.heuristic_used = True
                    c, tree = self.steiner.shortest_path_heuristic(d, weights)
                if tree:
                    out[j] = (c, tree, None)
        if by_source:
            # one multi-source Dijkstra (scipy, C) for every pair at once
            js = [j for src in by_source.values() for j in src]
            paths = self.steiner.shortest_paths(
                weights, [(prob.demands[j][0], prob.demands[j][1]) for j in js])
            for j, path in zip(js, paths, strict=True):
                if path is not None:
                    out[j] = path
        return out


def _congestion_columns(
    prob: Problem, pricer: _Pricer, columns: Sequence[tuple[int, tuple[int, ...], object]],
    x: npt.NDArray[np.float64], unit_cost: npt.NDArray[np.float64], connected: Sequence[int],
) -> list[tuple[int, tuple[int, ...], tuple[int, ...] | None]]:
    """One extra path per connected pair, shortest under congestion lengths of the master's
    current routing, ``exp(beta load_e / c_e) / c_e``.

    The LP prices ``y_e`` are an extreme point: most links are free and the shortest path
    under them is one of many. Lengths that grow smoothly with each link's load (as in
    multiplicative-weights flow algorithms) spread the columns over the links with room,
    which the optimum of a dense network needs many of: 1 000-node random geometric graph,
    mean degree 10, 100 pairs, TOTAL: 44 -> 21 rounds; mean degree 20: 390 -> 166 s. The
    columns are only offered (the simplex takes them when they pay); convergence is still
    certified by a plain pricing round that finds nothing.
    """
    pairs = [j for j in connected if len(prob.demands[j]) == 2]
    if not pairs:
        return []
    loads = np.zeros(prob.num_links)
    for (_, lk, _), v in zip(columns, x, strict=True):
        if v > 0:
            loads[list(lk)] += v
    util = np.zeros(prob.num_links)
    util[prob.usable] = loads[prob.usable] / prob.capacity[prob.usable]
    beta = CONGESTION_EXPONENT
    lengths = unit_cost * np.exp(beta * np.minimum(util, 50.0 / beta))
    return [(j, lk, nd) for j, (_, lk, nd) in pricer.price(lengths, pairs).items()]


def _objective_value(prob: Problem, rates: npt.NDArray[np.float64]) -> float:
    if prob.objective == "worst":
        pos = prob.coeffs > 0
        return float(np.min(rates[pos] / prob.coeffs[pos]))
    return float(np.dot(prob.coeffs, rates))


def _make_feasible(prob: Problem, loads: npt.NDArray[np.float64]
                   ) -> tuple[npt.NDArray[np.float64], float, npt.NDArray[np.float64] | None]:
    """Shrink factors <= 1 making the route rates exactly feasible (solver-tolerance excess).

    Per link ``min(1, c_e / load_e)``; a column is shrunk by the smallest factor of its links,
    so only the routes through an overloaded link lose rate (a tiny long-fibre link overloaded
    by the solver tolerance must not shrink every route). Returns (per-link factors, global
    factor 1, usage None: capacities are fixed).
    """
    use = loads > 0
    per_link = np.ones_like(loads)
    per_link[use] = np.minimum(1.0, prob.capacity[use] / loads[use])
    return per_link, 1.0, None


def _positive_expected(prob: Problem, connected: Sequence[int]) -> bool:
    """True when the LP optimum is provably > 0 (the time-sharing of widest routes is)."""
    pos = [j for j in range(len(prob.demands)) if prob.coeffs[j] > 0]
    if prob.objective == "worst":
        return all(j in connected for j in pos)
    return any(j in connected for j in pos)


def _zero_solution(prob: Problem, usage: Usage, note: str) -> LPSolution:
    k = len(prob.demands)
    usage_out: tuple[float, ...] | None = None
    if usage.model == "budget":
        usage_out = usage.link_budgets
    return LPSolution(
        kind="lower", value=0.0, rates=(0.0,) * k, method="disconnected demand (rate 0)",
        link_usage=usage_out,
        lp_optimal=True, certified=False, status="Optimal", iterations=0,
        dual_objective=0.0, info={"note": note},
    )


def lower_bound(
    links: LinkArrays,
    demands: Sequence[Sequence[int]],
    usage: Usage,
    *,
    objective: Objective = "worst",
    weights: Sequence[float] | None = None,
    warm_start: Sequence[RouteColumn] | None = None,
    max_exact_terminals: int = EXACT_STEINER_MAX_TERMINALS,
) -> LPSolution:
    """Achievable rates for pairs and GHZ groups: path / Steiner-forest packing LP.

    Maximises the objective over route columns (paths for pairs, Steiner trees for groups) that
    share the link capacities ``p_e c_e`` (``c_e = links.capacity``, e.g. R_lo), by column
    generation: shortest-path pricing for pairs (exact, polynomial), Dreyfus–Wagner pricing for
    groups with at most ``max_exact_terminals`` terminals (exact) and a shortest-path Steiner
    heuristic above (then ``lp_optimal`` is False: the value is achievable but may be below the
    LP optimum). Every iterate is achievable; the returned routes reproduce ``rates`` and respect
    every capacity (rates are shrunk by at most the solver tolerance to make this exact).

    Parameters
    ----------
    links : LinkArrays
        Network; ``capacity`` = achievable per-use link rates R_lo in ebits per use.
    demands : sequence of sequence of int
        Node indices per demand: 2 = a Bell pair, >= 3 = a GHZ group (distinct nodes).
    usage : Usage
        Usage model (flooding, frequency or budget).
    objective : {"worst", "total", "weighted"}
        WORST: maximise T with ``R_i >= d_i T`` (``weights`` = demand ratios d, default 1);
        TOTAL: maximise sum R_i; WEIGHTED: maximise sum q_i R_i (``weights`` = q, default 1).
    weights : sequence of float, optional
        Demand ratios (WORST) or weights (WEIGHTED), one per demand, >= 0; ignored for TOTAL.
    warm_start : sequence of RouteColumn, optional
        Columns (e.g. the ``routes`` of an earlier solution) seeding the restricted master.
    max_exact_terminals : int
        Largest group size priced exactly.

    Returns
    -------
    LPSolution
        ``kind="lower"``; ``value`` in the usage model's unit (ebits per network use, per channel
        use, or per second); ``routes`` with their rates; ``link_duals`` = link prices y_e of the
        last master (dimensionless: ebits of objective per ebit of capacity);
        ``dual_objective`` = the master's dual objective.

    Raises
    ------
    InvalidParameterError
        Malformed links, demands, weights or warm-start columns.
    SolverError
        The master LP did not solve to optimality.

    Notes
    -----
    A demand whose terminals are not connected by links of positive capacity gets rate 0; under
    WORST (with positive ratio) the value is then 0.

    References
    ----------
    S. Bäuml, K. Azuma, G. Kato, D. Elkouss, Commun. Phys. 3, 55 (2020), arXiv:1809.03120
    (flow and Steiner-tree packing lower bounds) [R]; spec ``network_bounds.md`` §5.1, §6.1, §7
    (column generation with exact pricing) [D].

    Examples
    --------
    Two pairs across the dumbbell of reference case R6 (max-min fairness, flooding):

    >>> import numpy as np
    >>> from qinternet.networks.usage import Usage
    >>> links = LinkArrays(num_nodes=6, tail=np.array([0, 1, 2, 3, 3, 1]),
    ...                    head=np.array([2, 2, 3, 4, 5, 5]),
    ...                    capacity=np.array([2.0, 2, 2, 2, 2, 1]))
    >>> sol = lower_bound(links, [(0, 4), (1, 5)], Usage.flooding())
    >>> round(sol.value, 9)
    1.5
    """
    t0 = time.perf_counter()
    prob = prepare(links, demands, usage, objective, weights, kind="lower")
    if prob.frequency:
        return frequency_lower_bound(prob, int(max_exact_terminals), t0)
    k = len(prob.demands)
    master = _Master(prob)
    pricer = _Pricer(prob, int(max_exact_terminals))
    connected = [j for j in range(k) if prob.connected(j)]
    unit_cost = np.zeros(prob.num_links)
    unit_cost[prob.usable] = 1.0 / prob.capacity[prob.usable]
    if prob.objective == "worst" and any(
        prob.coeffs[j] > 0 and j not in connected for j in range(k)
    ):
        return _zero_solution(prob, usage, "a demand with positive ratio has no connecting "
                                            "route: WORST = 0")
    if not connected:
        return _zero_solution(prob, usage, "no demand has a connecting route")
    initial: list[tuple[int, tuple[int, ...], tuple[int, ...] | None]] = []
    for col in warm_start or ():
        j = int(col.demand)
        lk = tuple(int(e) for e in col.links)
        if not 0 <= j < k or not lk or min(lk) < 0 or max(lk) >= prob.num_links:
            raise InvalidParameterError("warm_start", col, "must name a demand and valid links")
        if not _connects(prob, lk, prob.demands[j]):
            raise InvalidParameterError("warm_start", col, "links must connect the demand")
        if all(prob.usable[e] for e in lk):
            nodes = col.nodes
            if len(prob.demands[j]) == 2 and nodes is None:
                nodes = _path_nodes(prob.tail, prob.head, lk, prob.demands[j][0])
            initial.append((j, lk, nodes))
    have = {j for j, _, _ in initial}
    seeds = pricer.price(unit_cost, [j for j in connected if j not in have])
    initial.extend((j, lk, nd) for j, (_, lk, nd) in seeds.items())
    # (no max-flow seed columns: decomposing 100 max flows cost more than the rounds they
    # saved; 10,000-node Gabriel WAN, 100 pairs, WORST: 41 s -> 2.3 s CPU)
    master.add(initial)
    # tie-break weight: about 1e-3 of a typical route's price threshold per unit 1/c_e length
    seed_len = [c for c, _, _ in seeds.values() if c > 0]
    tie = 1e-3 / float(np.median(seed_len)) if seed_len else 0.0
    rounds = 0
    converged = False
    dense = 2.0 * float(np.count_nonzero(prob.usable)) >= CONGESTION_MIN_DEGREE * prob.num_nodes
    while rounds < MAX_ROUNDS:
        rounds += 1
        x, y, dual = master.solve()
        theta = master.thresholds(dual)
        todo = [j for j in connected if theta[j] > _RED_TOL]
        new = []
        # price with a small tie-break towards short, wide routes (many prices are 0 when
        # most links are slack: plain Dijkstra then picks an arbitrary zero-price route that
        # saturates at once, costing many rounds); the true reduced cost decides, and a plain
        # pricing round certifies convergence
        for w_link in (y + tie * unit_cost, y) if tie > 0 else (y,):
            priced = pricer.price(w_link, todo)
            for j, (_, lk, nd) in priced.items():
                cost = float(y[list(lk)].sum())
                if cost < theta[j] - _RED_TOL * max(1.0, float(theta[j])):
                    new.append((j, lk, nd))
            if new:
                break
        if new and dense:
            new.extend(_congestion_columns(prob, pricer, master.columns, x, unit_cost,
                                           connected))
        if not new or master.add(new) == 0:
            converged = True
            break
    x, y, dual = master.solve() if not converged else (x, y, dual)
    xr = x
    cols = master.columns
    loads = np.zeros(prob.num_links)
    for (_, lk, _), v in zip(cols, xr, strict=True):
        if v > 0:
            loads[list(lk)] += v
    per_link, factor, p_use = _make_feasible(prob, loads)
    rates = np.zeros(k)
    routes: list[RouteColumn] = []
    # noise threshold relative to each demand's own largest column, never global: a demand
    # whose routes are all far below the others' must keep them (its rate is what it is)
    own_max = np.zeros(k)
    for (j, _, _), v in zip(cols, xr, strict=True):
        own_max[j] = max(own_max[j], float(v))
    for (j, lk, nd), v in zip(cols, xr, strict=True):
        r = float(v) * factor * float(per_link[list(lk)].min())
        if r <= 1e-12 * own_max[j]:
            continue
        rates[j] += r * prob.scale
        routes.append(RouteColumn(demand=j, rate=r * prob.scale, links=lk,
                                  nodes=nd if len(prob.demands[j]) == 2 else None))
    link_duals = y
    dual_obj = float(np.dot(prob.capacity, y)) * prob.scale
    has_pairs = any(len(d) == 2 for d in prob.demands)
    has_groups = any(len(d) > 2 for d in prob.demands)
    parts = []
    if has_pairs:
        parts.append("shortest-path pricing for pairs")
    if has_groups:
        parts.append("heuristic shortest-path Steiner pricing for groups (value achievable, "
                     "may be below the LP optimum)" if pricer.heuristic_used
                     else "Dreyfus-Wagner pricing for groups")
    method = "column generation (" + "; ".join(parts) + ")"
    lp_optimal = converged and not pricer.heuristic_used
    info: dict[str, float | str | bool] = {
        "scale": prob.scale, "columns": len(cols),
        "feasibility_factor": factor * float(per_link.min(initial=1.0)),
        "time_s": time.perf_counter() - t0,
        "pricing": "heuristic" if pricer.heuristic_used else "exact",
    }
    if not converged:
        info["note"] = f"stopped after {MAX_ROUNDS} rounds; value achievable, not LP-optimal"
    info.update(conditioning_info(prob))
    value = _objective_value(prob, rates)
    if value <= 0.0 and _positive_expected(prob, connected):
        raise SolverError(
            "zero", "path/tree packing LP (lower bound): the achievable value came out 0 "
                    "although every demand that counts has a route of positive capacity")
    return LPSolution(
        kind="lower", value=value, rates=tuple(float(r) for r in rates),
        routes=tuple(routes),
        link_usage=tuple(float(v) for v in p_use) if p_use is not None else (
            usage.link_budgets if usage.model == "budget" else None),
        link_duals=tuple(float(v) for v in link_duals), method=method,
        lp_optimal=lp_optimal, certified=False, status="Optimal", iterations=rounds,
        dual_objective=dual_obj, info=info,
    )
