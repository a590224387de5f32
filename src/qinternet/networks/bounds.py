"""Facade: upper and lower bounds for pairs and GHZ groups on a network, one call.

A single pair takes the combinatorial fast path (igraph max-flow / min-cut, widest path,
closed form under frequency); anything else (several demands, or a group of 3+ nodes) goes to
the linear programs of :mod:`qinternet.networks.lp`.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from typing import Any, Literal

import numpy as np

from qinternet._validation import require_nonnegative
from qinternet.errors import InvalidParameterError, SolverError
from qinternet.networks.certificates import (
    CutSetCertificate,
    MinCutCertificate,
    PotentialsCertificate,
    Route,
)
from qinternet.networks.lp.arrays import LinkArrays
from qinternet.networks.lp.solution import LPSolution, RouteColumn
from qinternet.networks.network import Network
from qinternet.networks.objectives import OBJECTIVES, Objective
from qinternet.networks.results import NetworkBoundResult
from qinternet.networks.single_pair import (
    SinglePairCertificate,
    SinglePairSolution,
    single_pair_bounds,
)
from qinternet.networks.usage import Usage

__all__ = ["BOUND_METHODS", "BoundMethod", "network_bounds"]

#: ``network_bounds(method=...)``: how the upper bound of several demands / a group is found.
BoundMethod = Literal["auto", "per-demand-cuts"]
BOUND_METHODS: tuple[BoundMethod, ...] = ("auto", "per-demand-cuts")

_FLOODING = Usage.flooding()


def network_bounds(
    network: Network,
    demands: Sequence[Sequence[str | int]],
    *,
    usage: Usage = _FLOODING,
    objective: Objective = "worst",
    weights: Sequence[float] | None = None,
    warm_start: Sequence[RouteColumn] | None = None,
    method: BoundMethod = "auto",
) -> NetworkBoundResult:
    """Certified upper bound and achievable lower bound for ``demands`` on ``network``.

    Parameters
    ----------
    network : Network
        The network (links carry E_up and R_lo in ebits per use).
    demands : sequence of sequences of str
        Each demand is a list of node ids or unique names: two nodes = a pair (Bell pairs /
        bipartite key), three or more = a group (GHZ states / conference key).
    usage : Usage
        ``Usage.flooding()`` (default; ebits per network use), ``Usage.frequency()`` (ebits
        per channel use) or ``Usage.budget(uses_per_s)`` (ebits per second).
    objective : {"worst", "total", "weighted"}
        ``worst`` (default): maximise T with R_i >= d_i T (d = ``weights``, default 1: max-min
        fairness; other ratios: maximum concurrent flow); ``total``: maximise sum R_i
        (``weights`` ignored); ``weighted``: maximise sum w_i R_i.
    weights : sequence of float, optional
        One per demand, >= 0 (> 0 for ``worst``). Default all 1.
    warm_start : sequence of RouteColumn, optional
        Routes of an earlier solve (``result.columns``) to start the LP from (several
        demands only).
    method : {"auto", "per-demand-cuts"}
        Upper-bound method for several demands or a group. ``"auto"`` (default): the exact cut
        LP where affordable (enumeration up to 18 nodes, terminal splits up to 10 terminals, or a
        relaxation proven exact by the lower bound), else a certified relaxation
        (``upper_method_name`` says which). ``"per-demand-cuts"``: only the per-demand cuts (a
        max-flow per pair, the Steiner-cut LP per group): fast and certified, looser with three
        or more demands. A single pair always uses its exact minimum cut.

    Returns
    -------
    NetworkBoundResult
        ``lower`` (achievable, with ``rates`` and ``routes``), ``upper`` (certified, with its
        certificate), the usage model and its unit, and notes (estimated lengths, demands
        without a path).

    Raises
    ------
    InvalidParameterError
        Unknown node name, malformed demand, bad objective or weights.
    SolverError
        An LP failed, or the bounds are inconsistent (lower > upper); never a silent number.

    References
    ----------
    .. [1] S. Bäuml, K. Azuma, G. Kato, D. Elkouss, Commun. Phys. 3, 55 (2020),
       arXiv:1809.03120 [V, abstract]: LP upper and lower bounds for pairs, many pairs and
       GHZ groups; spec network_bounds.md §4-§8 [D].
    .. [2] S. Pirandola et al., Adv. Opt. Photon. 12, 1012 (2020), arXiv:1906.01645,
       Eqs. (189)-(191): single-path and flooding capacities [V].

    Examples
    --------
    Reference case R4-U2 (fibre diamond, flooding):

    >>> import networkx as nx
    >>> g = nx.Graph()
    >>> for u, v, km in [("A", "R1", 25), ("A", "R2", 50), ("R1", "B", 25), ("R2", "B", 25),
    ...                  ("R1", "R2", 10)]:
    ...     g.add_edge(u, v, length_km=km)
    >>> res = network_bounds(Network.from_networkx(g), [("A", "B")])
    >>> round(res.lower, 10), round(res.upper, 10), round(res.single_path_upper, 10)
    (0.7004153481, 0.7004153481, 0.5484122546)
    >>> res.unit
    'ebits per network use'
    """
    if objective not in OBJECTIVES:
        raise InvalidParameterError("objective", objective,
                                    "must be one of 'total', 'worst', 'weighted'")
    if not isinstance(usage, Usage):
        raise InvalidParameterError("usage", usage, "must be a Usage (e.g. Usage.flooding())")
    if usage.link_budgets is not None and len(usage.link_budgets) != len(network.links):
        raise InvalidParameterError(
            "link_budgets", len(usage.link_budgets),
            f"must have one entry per link ({len(network.links)})",
        )
    if method not in BOUND_METHODS:
        raise InvalidParameterError("method", method, "must be 'auto' or 'per-demand-cuts'")
    resolved = _resolve_demands(network, demands)
    w = _weights(objective, weights, len(resolved))
    names = tuple(tuple(network.node_name(i) for i in d) for d in resolved)
    if len(resolved) == 1 and len(resolved[0]) == 2:
        return _single(network, resolved[0], names, usage, objective, w,
                       _estimate_notes(network))
    notes = _notes(network, resolved, names)
    return _multi(network, resolved, names, usage, objective, w, notes, warm_start, method)


def _resolve_demands(network: Network,
                     demands: Sequence[Sequence[str | int]]) -> tuple[tuple[int, ...], ...]:
    if isinstance(demands, str) or len(demands) == 0:
        raise InvalidParameterError("demands", demands,
                                    "must be a non-empty list of node lists")
    out = []
    for d in demands:
        if isinstance(d, str) or len(d) < 2:
            raise InvalidParameterError(
                "demands", d, "must list at least two nodes per demand (a pair or a group; "
                "one pair is written [('A', 'B')])"
            )
        idx = tuple(network.node_index(x) for x in d)
        if len(set(idx)) != len(idx):
            raise InvalidParameterError("demands", list(d), "must not repeat a node")
        out.append(idx)
    return tuple(out)


def _weights(objective: str, weights: Sequence[float] | None, k: int) -> tuple[float, ...]:
    if weights is None:
        return (1.0,) * k
    if len(weights) != k:
        raise InvalidParameterError(
            "weights", weights, f"must give exactly one weight per demand ({k})"
        )
    w = tuple(require_nonnegative("weights", x) for x in weights)
    if objective == "worst" and any(x <= 0 for x in w):
        raise InvalidParameterError(
            "weights", weights, "must be > 0 with objective 'worst' (they are demand ratios)"
        )
    if objective == "total":
        return (1.0,) * k
    return w


def _estimate_notes(network: Network) -> list[str]:
    if not network.lengths_estimated:
        return []
    return [f"{network.num_estimated_lengths} link length(s) estimated from node coordinates "
            "(great-circle distance times the detour factor): values are estimates for the "
            "real fibre plant"]


def _notes(network: Network, demands: tuple[tuple[int, ...], ...],
           names: tuple[tuple[str, ...], ...]) -> list[str]:
    """Notes on the inputs, including each demand that no R_lo > 0 links join (rate 0)."""
    notes = _estimate_notes(network)
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    lower = network.link_arrays("lower")
    ok = lower.capacity > 0
    n = network.num_nodes
    adj = coo_matrix((np.ones(int(ok.sum())), (lower.tail[ok], lower.head[ok])), shape=(n, n))
    _, label = connected_components(adj, directed=False)
    for i, d in enumerate(demands):
        if len({int(label[x]) for x in d}) > 1:
            notes.append(
                f"demand {i} ({', '.join(names[i])}): no path with positive achievable "
                "capacity joins its nodes, so its achievable rate is 0"
            )
    return notes


def _objective(objective: str, weight: float, rate: float) -> float:
    if objective == "weighted":
        return weight * rate
    if objective == "worst":
        return rate / weight
    return rate


def _single(network: Network, pair: tuple[int, ...], names: tuple[tuple[str, ...], ...],
            usage: Usage, objective: Objective, w: tuple[float, ...],
            notes: list[str]) -> NetworkBoundResult:
    start = time.perf_counter()
    graph = _cached_graph(network)
    sol: SinglePairSolution = single_pair_bounds(
        network.link_arrays("upper"), network.link_arrays("lower"), pair[0], pair[1], usage,
        graph=graph,
    )
    elapsed = time.perf_counter() - start
    _check_order(sol.lower, sol.upper)
    if sol.lower == 0.0:
        notes.append(f"demand 0 ({', '.join(names[0])}): no path with positive achievable "
                     "capacity joins its nodes, so its achievable rate is 0")
    node_names = network.node_names
    routes = tuple(
        Route(demand=0, rate=r.rate, links=r.links, path=tuple(node_names[v] for v in r.nodes))
        for r in sorted(sol.routes, key=lambda r: -r.rate)
    )
    columns = tuple(RouteColumn(demand=0, rate=r.rate, links=r.links, nodes=r.nodes)
                    for r in sol.routes)
    return NetworkBoundResult(
        usage=usage.model, unit=usage.unit, objective=objective, demands=names, weights=w,
        lower=_objective(objective, w[0], sol.lower),
        upper=_objective(objective, w[0], sol.upper),
        upper_certified=True, upper_method=sol.upper_method, lower_method=sol.lower_method,
        lower_lp_optimal=True, rates=(sol.lower,), routes=routes,
        single_path_lower=sol.single_path_lower, single_path_upper=sol.single_path_upper,
        certificate=_name_certificate(network, sol.certificate), link_flows=sol.link_flows,
        link_usage=sol.link_usage, solver_status="optimal", time_s=elapsed,
        lengths_estimated=network.lengths_estimated, notes=tuple(notes), columns=columns,
        upper_method_name="harmonic-path" if usage.model == "frequency" else "min-cut",
    )


def _cached_graph(network: Network) -> Any:
    from qinternet.networks.single_pair import build_igraph

    return network.cached("igraph", lambda: build_igraph(network.link_arrays("upper")))


def _name_certificate(network: Network, cert: SinglePairCertificate
                      ) -> MinCutCertificate | PotentialsCertificate:
    """The single-pair certificate (node and link indices) with node names."""
    names = network.node_names
    if cert.potentials is not None:
        return PotentialsCertificate(nodes=names, potentials=cert.potentials)
    return MinCutCertificate(
        source_side=tuple(names[i] for i in cert.source_side),
        cut_links=tuple(network.link_end_names(e) for e in cert.cut_links),
    )


def _check_order(lower: float, upper: float) -> None:
    if not (math.isfinite(lower) and math.isfinite(upper)):
        raise SolverError("non-finite", f"bounds are not finite (lower {lower}, upper {upper})")
    if lower > upper * (1.0 + 1e-6) + 1e-300:
        raise SolverError(
            "inconsistent", f"achievable value {lower!r} exceeds the upper bound {upper!r}"
        )


def _attained(up: LinkArrays, lo: LinkArrays, low: LPSolution,
              demands: tuple[tuple[int, ...], ...], usage: Usage, objective: Objective,
              weights: list[float] | None) -> float | None:
    """A value the cut LP with E_up provably attains: the flow / tree-packing LP with E_up.

    With E_up = R_lo (distillable links, e.g. pure-loss fibre) that is the lower bound itself;
    under usage frequencies it is a closed form, computed here; otherwise None.
    """
    from qinternet.networks import lp

    if up.capacity is lo.capacity or np.array_equal(up.capacity, lo.capacity):
        return low.value
    if usage.model == "frequency":
        return lp.lower_bound(up, demands, usage, objective=objective, weights=weights).value
    return None


def _multi(network: Network, demands: tuple[tuple[int, ...], ...],
           names: tuple[tuple[str, ...], ...], usage: Usage, objective: Objective,
           w: tuple[float, ...], notes: list[str],
           warm_start: Sequence[RouteColumn] | None,
           method: BoundMethod = "auto") -> NetworkBoundResult:
    from qinternet.networks import lp

    lp_weights = None if objective == "total" else list(w)
    start = time.perf_counter()
    low: LPSolution = lp.lower_bound(
        network.link_arrays("lower"), demands, usage, objective=objective,
        weights=lp_weights, warm_start=warm_start,
    )
    up_arrays = network.link_arrays("upper")
    attained = _attained(up_arrays, network.link_arrays("lower"), low, demands, usage,
                         objective, lp_weights)
    if method == "per-demand-cuts":
        up: LPSolution = lp.per_demand_cut_relaxation(
            up_arrays, demands, usage, objective=objective, weights=lp_weights)
    else:
        up = lp.upper_bound(
            up_arrays, demands, usage, objective=objective, weights=lp_weights,
            attained=attained,
        )
    elapsed = time.perf_counter() - start
    _check_order(low.value, up.value)
    routes = []
    flows = np.zeros(len(network.links))
    for col in sorted(low.routes, key=lambda c: (c.demand, -c.rate)):
        np.add.at(flows, np.asarray(col.links, dtype=np.int64), col.rate)
        if len(demands[col.demand]) == 2 and col.nodes is not None:
            route = Route(demand=col.demand, rate=col.rate, links=col.links,
                          path=tuple(network.node_name(v) for v in col.nodes))
        else:
            route = Route(demand=col.demand, rate=col.rate, links=col.links,
                          tree=tuple(network.link_end_names(e) for e in col.links))
        routes.append(route)
    if not low.lp_optimal:
        notes.append("lower bound from a heuristic Steiner-tree pricer: achievable, but maybe "
                     "below the optimum of the tree-packing LP")
    if not up.certified:
        notes.append("upper value is NOT a proven upper bound (flow-based estimate)")
    certificate = CutSetCertificate(
        cuts=tuple(tuple(network.node_name(i) for i in cut) for cut in up.cuts),
        link_duals=up.link_duals,
    )
    return NetworkBoundResult(
        usage=usage.model, unit=usage.unit, objective=objective, demands=names, weights=w,
        lower=low.value + 0.0, upper=up.value + 0.0, upper_certified=up.certified,
        upper_method=up.method, lower_method=low.method, lower_lp_optimal=low.lp_optimal,
        rates=tuple(r + 0.0 for r in low.rates), routes=tuple(routes), certificate=certificate,
        link_flows=tuple(flows.tolist()), link_usage=low.link_usage,
        solver_status=f"lower: {low.status}; upper: {up.status}", time_s=elapsed,
        lengths_estimated=network.lengths_estimated, notes=tuple(notes), columns=tuple(low.routes),
        upper_method_name=up.method_name,
        upper_relaxation_reason=up.relaxation_reason,
        conditioning=_conditioning(low, up),
    )


def _conditioning(low: LPSolution, up: LPSolution) -> dict[str, Any]:
    """Per-bound conditioning diagnostics (pruned links, certified slack, clipped links)."""
    keys = ("scale", "pruned_links", "pruned_capacity", "prune_threshold", "clipped_links",
            "clip_level")
    out: dict[str, Any] = {}
    for name, sol in (("lower", low), ("upper", up)):
        entry = {key: sol.info[key] for key in keys if key in sol.info}
        if name == "upper" and "pruned_slack" in sol.info:
            entry["pruned_slack"] = sol.info["pruned_slack"]
        out[name] = entry
    return out
