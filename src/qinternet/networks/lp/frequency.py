"""Achievable rates under usage frequencies (U1) in closed form: one knapsack row.

Under U1 (``sum_e p_e <= 1``, ``load_e <= p_e c_e``) the smallest usage is ``p_e = load_e /
c_e``, so the path / tree packing LP has a single coupling row ``sum_c x_c cost_c <= 1`` with
``cost_c = sum_{e in c} 1/c_e``: demands interact only through the budget, never through
congestion (spec ``network_bounds.md`` §8). Its optimum is explicit:

- TOTAL / WEIGHTED: ``max_j q_j / L_j`` (everything to the best demand),
- WORST with ratios d: ``T = 1 / sum_j d_j L_j``,

with ``L_j`` the cheapest route of demand j: a shortest path (pairs) or a minimum Steiner tree
(groups; Dreyfus–Wagner, exact up to ``max_exact`` terminals) under lengths 1/c_e. No LP is
solved, so no solver tolerance or dynamic range can spoil the value.
"""

from __future__ import annotations

import math
import time
import warnings

import igraph as ig
import numpy as np

from qinternet.networks.lp._problem import Problem
from qinternet.networks.lp._report import conditioning_info
from qinternet.networks.lp._steiner import SteinerGraph
from qinternet.networks.lp.solution import LPSolution, RouteColumn

__all__ = ["frequency_lower_bound"]


def _cheapest_routes(prob: Problem, lengths: np.ndarray, max_exact: int
                     ) -> tuple[list[tuple[float, tuple[int, ...], tuple[int, ...] | None]], bool]:
    """(cost, links, nodes) of each demand's cheapest route (cost inf if disconnected)."""
    ids = np.flatnonzero(prob.usable)
    g = ig.Graph(n=prob.num_nodes,
                 edges=list(zip(prob.tail[ids].tolist(), prob.head[ids].tolist(), strict=True)))
    w = lengths[ids].tolist()
    steiner = SteinerGraph(prob.num_nodes, prob.tail, prob.head, prob.usable)
    heuristic = False
    out: list[tuple[float, tuple[int, ...], tuple[int, ...] | None]] = []
    for j, d in enumerate(prob.demands):
        if not prob.connected(j):
            out.append((math.inf, (), None))
            continue
        if len(d) == 2:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                vpath = g.get_shortest_paths(d[0], to=d[1], weights=w, output="vpath")[0]
                epath = g.get_shortest_paths(d[0], to=d[1], weights=w, output="epath")[0]
            links = tuple(int(ids[e]) for e in epath)
            out.append((math.fsum(lengths[list(links)].tolist()), links,
                        tuple(int(v) for v in vpath)))
        else:
            if len(d) <= max_exact:
                _, tree = steiner.dreyfus_wagner(d, lengths)
            else:
                heuristic = True
                _, tree = steiner.shortest_path_heuristic(d, lengths)
            out.append((math.fsum(lengths[list(tree)].tolist()) if tree else math.inf, tree,
                        None))
    return out, heuristic


def frequency_lower_bound(prob: Problem, max_exact: int, t0: float) -> LPSolution:
    """Optimum of the U1 packing LP for a prepared (conditioned, scaled) problem.

    Returns rates, routes, link usage p_e (sum exactly <= 1) and the budget row's dual price
    (link prices ``y_e = lambda / c_e``) in the units of the problem (value times ``scale``).

    References
    ----------
    K. Azuma, A. Mizutani, H.-K. Lo, Nat. Commun. 7, 13523 (2016) (usage-frequency model)
    [V, abstract; R]; S. Bäuml et al., Commun. Phys. 3, 55 (2020), arXiv:1809.03120 [R];
    spec ``network_bounds.md`` §8 (closed forms, derived and numerically verified) [D].
    """
    k = len(prob.demands)
    lengths = np.zeros(prob.num_links)
    lengths[prob.usable] = 1.0 / prob.capacity[prob.usable]
    routes_of, heuristic = _cheapest_routes(prob, lengths, max_exact)
    cost = np.array([c for c, _, _ in routes_of])
    q = prob.coeffs
    rates = np.zeros(k)
    if prob.objective == "worst":
        pos = q > 0
        if np.all(np.isfinite(cost[pos])):
            t = 1.0 / math.fsum((q[pos] * cost[pos]).tolist())
            rates[pos] = q[pos] * t
        lam = 1.0 / math.fsum((q[pos] * cost[pos]).tolist()) if np.all(
            np.isfinite(cost[pos])) else 0.0
    else:
        gain = np.where(np.isfinite(cost) & (cost > 0), q / np.where(cost > 0, cost, 1.0), 0.0)
        best = int(np.argmax(gain))
        lam = float(gain[best])
        if lam > 0:
            rates[best] = 1.0 / cost[best]
    loads = np.zeros(prob.num_links)
    for j, (_, links, _) in enumerate(routes_of):
        if rates[j] > 0:
            loads[list(links)] += rates[j]
    budget = math.fsum((loads[prob.usable] / prob.capacity[prob.usable]).tolist())
    if budget > 1.0:  # rounding only: shrink to the exact budget
        rates /= budget
        loads /= budget
    p = np.zeros(prob.num_links)
    p[prob.usable] = loads[prob.usable] / prob.capacity[prob.usable]
    routes = tuple(
        RouteColumn(demand=j, rate=float(rates[j]) * prob.scale, links=links, nodes=nodes)
        for j, (_, links, nodes) in enumerate(routes_of) if rates[j] > 0
    )
    if prob.objective == "worst":
        pos = q > 0
        value = float(np.min(rates[pos] / q[pos])) if pos.any() else 0.0
    else:
        value = float(np.dot(q, rates))
    y = np.zeros(prob.num_links)
    y[prob.usable] = lam / prob.capacity[prob.usable]
    parts = []
    if any(len(d) == 2 for d in prob.demands):
        parts.append("shortest paths for pairs")
    if any(len(d) > 2 for d in prob.demands):
        parts.append("heuristic shortest-path Steiner trees for groups (value achievable, may "
                     "be below the LP optimum)" if heuristic
                     else "Dreyfus-Wagner minimum Steiner trees for groups")
    info: dict[str, float | str | bool] = {
        "columns": len(routes),
        "time_s": time.perf_counter() - t0, "pricing": "heuristic" if heuristic else "exact",
    }
    info.update(conditioning_info(prob))
    return LPSolution(
        kind="lower", value=value * prob.scale,
        rates=tuple(float(r) * prob.scale for r in rates), routes=routes,
        link_usage=tuple(float(v) for v in p), link_duals=tuple(float(v) for v in y),
        method="closed form under usage frequencies (one budget row: " + "; ".join(parts)
               + " with lengths 1/c_e)",
        lp_optimal=not heuristic, certified=False, status="Optimal", iterations=0,
        dual_objective=lam * prob.scale, info=info,
    )
