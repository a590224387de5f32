"""One user pair: max-flow/min-cut (flooding, budgets), widest path, and the frequency closed form.

All heavy lifting is done by igraph's C routines (push-relabel max-flow, spanning tree,
Dijkstra). Capacities are divided by a power of two near the widest-path value before the
max-flow (exact in floating point) so that links of 1e-6..1e-10 ebits per use are handled like
O(1) values, and multiplied back afterwards.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from qinternet.errors import InvalidParameterError, SolverError
from qinternet.networks._structure import simple_structure
from qinternet.networks.lp.arrays import LinkArrays
from qinternet.networks.routes import PathRoute, decompose_flow
from qinternet.networks.usage import Usage

__all__ = [
    "MaxFlowMinCut",
    "SinglePairCertificate",
    "SinglePairSolution",
    "SinglePath",
    "WidestForest",
    "build_igraph",
    "harmonic_path",
    "max_flow_min_cut",
    "single_pair_bounds",
    "widest_path",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class MaxFlowMinCut:
    """A maximum s-t flow and a minimum cut of equal value."""

    #: Flow value = cut value, in the unit of the capacities.
    value: float
    #: Net flow on each link, positive from ``tail`` to ``head``.
    flow: npt.NDArray[np.float64]
    #: Nodes on the source side S of a minimum cut (sorted indices).
    source_side: tuple[int, ...]
    #: Links crossing the cut (sorted indices); their capacities sum to ``value``.
    cut_links: tuple[int, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class SinglePath:
    """The best single route and its value (0 with no nodes when there is no path)."""

    #: Value of the route in the unit of the capacities.
    value: float
    #: Node indices from source to sink (empty when there is no usable path).
    nodes: tuple[int, ...]
    #: Link indices along the route.
    links: tuple[int, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class SinglePairCertificate:
    """Certificate of a single-pair upper bound in node / link indices: a min cut, or node
    potentials under usage frequencies (see :func:`single_pair_bounds`)."""

    #: Node indices on the source side of the min cut (empty with potentials).
    source_side: tuple[int, ...] = ()
    #: Link indices crossing the min cut (empty with potentials, or for a cut of capacity 0).
    cut_links: tuple[int, ...] = ()
    #: Potential x_v in [0, 1] of each node (frequency usage); None for a min cut.
    potentials: tuple[float, ...] | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class SinglePairSolution:
    """Bounds for one pair in the unit of the usage model (see :mod:`qinternet.networks.bounds`)."""

    #: Achievable rate (max-flow with R_lo, or 1/shortest path under frequency).
    lower: float
    #: Upper bound (min-cut with E_up, or 1/shortest path with E_up under frequency).
    upper: float
    #: Best single route with R_lo.
    single_path_lower: float
    #: Best single route with E_up.
    single_path_upper: float
    #: Paths achieving ``lower`` (rates sum to ``lower``).
    routes: tuple[PathRoute, ...]
    #: Flow magnitude on each link in the lower solution (unit of the usage model).
    link_flows: tuple[float, ...]
    #: Usage p_e of each link (frequency / budget models), None under flooding (p_e = 1).
    link_usage: tuple[float, ...] | None
    #: Certificate of ``upper`` (node and link indices): see ``single_pair_bounds``.
    certificate: SinglePairCertificate
    #: How ``upper`` was obtained.
    upper_method: str
    #: How ``lower`` was obtained.
    lower_method: str


def build_igraph(arrays: LinkArrays) -> Any:
    """Undirected igraph multigraph of ``arrays`` (edge ``e`` is link ``e``).

    Edges are stored as (smaller, larger) node index, so igraph's signed flow on edge ``e``
    is positive from ``min(tail, head)`` to ``max(tail, head)``.
    """
    import igraph as ig

    lo = np.minimum(arrays.tail, arrays.head)
    hi = np.maximum(arrays.tail, arrays.head)
    graph = ig.Graph(n=arrays.num_nodes, edges=np.column_stack((lo, hi)).tolist(),
                     directed=False)
    for e in range(min(8, arrays.num_links)):  # cheap guard on the orientation convention
        if graph.es[e].tuple != (int(lo[e]), int(hi[e])):  # pragma: no cover - igraph change
            raise SolverError("igraph", "unexpected edge orientation in igraph graph")
    return graph


def _stored_sign(graph: Any, arrays: LinkArrays) -> npt.NDArray[np.float64]:
    """+1 where the igraph edge runs (tail, head), -1 where it runs (head, tail)."""
    return np.where(arrays.tail <= arrays.head, 1.0, -1.0)


#: Re-solve on capped capacities when a link carries more than this multiple of the flow value
#: (circulations that large would drown the path flows in rounding noise).
_CIRCULATION_RATIO = 1e3


def _power_of_two(x: float) -> float:
    return 2.0 ** round(math.log2(x)) if x > 0 and math.isfinite(x) else 1.0


def max_flow_min_cut(
    arrays: LinkArrays, source: int, sink: int, *, scale: float | None = None,
    graph: Any = None,
) -> MaxFlowMinCut:
    """Maximum flow and minimum cut between ``source`` and ``sink`` (undirected capacities).

    Parameters
    ----------
    arrays : LinkArrays
        Topology and capacities (ebits per use, or any non-negative unit).
    source, sink : int
        Distinct node indices.
    scale : float, optional
        Reference capacity (e.g. the widest-path value); capacities are divided by the power of
        two nearest to it before calling igraph and multiplied back (exact). Default: the
        largest capacity.
    graph : igraph.Graph, optional
        Prebuilt :func:`build_igraph` graph of ``arrays`` (saves rebuilding it).

    Returns
    -------
    MaxFlowMinCut

    Raises
    ------
    SolverError
        Flow value and cut value (or flow conservation) disagree beyond 1e-12 relative even
        after the capped re-solve described in the Notes.

    Notes
    -----
    Checks every result: flow value = value of the returned cut (summed exactly with
    ``math.fsum``), conservation at every node, and no circulation above 1e3 times the value,
    all to 1e-12 relative. If a check fails (push-relabel floods the source's links first, so
    links far stronger than the answer cost digits), the max-flow is solved again with every
    capacity capped at the cut value: the maximum flow is unchanged and the arithmetic stays at
    the scale of the answer.

    References
    ----------
    .. [1] Max-flow min-cut theorem; S. Pirandola et al., Adv. Opt. Photon. 12, 1012 (2020),
       arXiv:1906.01645, Eq. (191): flooding capacity = min cut of link capacities for
       distillable links [V]; spec network_bounds.md §4 [D].

    Examples
    --------
    >>> arr = LinkArrays(num_nodes=4, tail=np.array([0, 0, 1, 2, 1]),
    ...                  head=np.array([1, 2, 3, 3, 2]), capacity=np.array([3., 2, 1, 3, 1]))
    >>> mf = max_flow_min_cut(arr, 0, 3)  # reference case R3: value 4
    >>> mf.value, float(arr.capacity[list(mf.cut_links)].sum())
    (4.0, 4.0)
    """
    cap = arrays.capacity
    if scale is None:
        scale = float(cap.max()) if cap.size else 1.0
    g = build_igraph(arrays) if graph is None else graph
    value, flow, in_s = _igraph_maxflow(g, arrays, cap, source, sink, scale)
    crossing = np.flatnonzero(in_s[arrays.tail] != in_s[arrays.head])
    cut_value = math.fsum(cap[crossing].tolist())
    if not _precise(arrays, flow, value, cut_value, source, sink):
        # Push-relabel first floods the source's links; when they are far larger than the
        # maximum flow, sending the excess back costs digits. Capping every capacity at the
        # value of a known cut (>= the maximum flow) keeps the maximum flow and the
        # arithmetic at the scale of the answer.
        capped = np.minimum(cap, cut_value * (1.0 + 1e-12))
        value, flow, in_s2 = _igraph_maxflow(g, arrays, capped, source, sink, cut_value)
        crossing2 = np.flatnonzero(in_s2[arrays.tail] != in_s2[arrays.head])
        cut2 = math.fsum(cap[crossing2].tolist())
        if cut2 < cut_value:
            in_s, crossing, cut_value = in_s2, crossing2, cut2
        if not _precise(arrays, flow, value, cut_value, source, sink):
            raise SolverError(
                "maxflow", f"max-flow value {value!r} and min-cut value {cut_value!r} disagree "
                "beyond rounding (capacities spanning too many decades?)",
            )
    return MaxFlowMinCut(value=value, flow=flow,
                         source_side=tuple(np.flatnonzero(in_s).tolist()),
                         cut_links=tuple(crossing.tolist()))


def _igraph_maxflow(
    g: Any, arrays: LinkArrays, cap: npt.NDArray[np.float64], source: int, sink: int,
    scale: float,
) -> tuple[float, npt.NDArray[np.float64], npt.NDArray[np.bool_]]:
    """igraph max-flow on ``cap / 2^k`` (exact rescaling); value, signed flow, source side."""
    factor = _power_of_two(scale)
    result = g.maxflow(source, sink, capacity=(cap / factor).tolist())
    value = float(result.value) * factor
    flow = np.asarray(result.flow, dtype=np.float64) * factor * _stored_sign(g, arrays)
    membership = np.asarray(result.membership)
    in_s = membership == membership[source]
    if in_s[sink]:
        raise SolverError("maxflow", "igraph returned a cut that does not separate the pair")
    return value, flow, in_s


def _precise(arrays: LinkArrays, flow: npt.NDArray[np.float64], value: float, cut_value: float,
             source: int, sink: int) -> bool:
    """Flow value = cut value and conservation hold to 1e-12 relative; no huge circulations."""
    if value <= 0.0 and cut_value <= 0.0:
        return True
    n = arrays.num_nodes
    balance = (np.bincount(arrays.tail, weights=flow, minlength=n)
               - np.bincount(arrays.head, weights=flow, minlength=n))
    balance[source] -= value
    balance[sink] += value
    tol = 1e-12 * max(value, cut_value)
    return (abs(value - cut_value) <= tol
            and float(np.max(np.abs(balance))) <= tol
            and float(np.max(np.abs(flow))) <= _CIRCULATION_RATIO * max(value, cut_value))


def widest_path(arrays: LinkArrays, source: int, sink: int, *, graph: Any = None) -> SinglePath:
    """Widest (maximum-bottleneck) path: the best single route under flooding.

    Computed as the path between the terminals in a maximum spanning forest (Kruskal on the
    strongest link of each node pair, scipy); every maximum-bottleneck value is attained there.

    Parameters
    ----------
    arrays : LinkArrays
        Topology and per-use capacities.
    source, sink : int
        Node indices.
    graph : igraph.Graph, optional
        Unused (accepted for a uniform signature).

    Returns
    -------
    SinglePath
        ``value = max over paths of min capacity`` (0 with no nodes if no positive path).

    References
    ----------
    .. [1] S. Pirandola et al., Adv. Opt. Photon. 12, 1012 (2020), arXiv:1906.01645,
       Eqs. (189)-(190): single-path capacity = widest path, modified Dijkstra [V].
    .. [2] T. C. Hu, "The maximum capacity route problem", Oper. Res. 9, 898 (1961): maximum
       spanning trees contain widest paths [R].

    Examples
    --------
    >>> arr = LinkArrays(num_nodes=4, tail=np.array([0, 0, 1, 2, 1]),
    ...                  head=np.array([1, 2, 3, 3, 2]), capacity=np.array([3., 2, 1, 3, 1]))
    >>> widest_path(arr, 0, 3)  # reference case R3: single path 2 via A-R2-B
    SinglePath(value=2.0, nodes=(0, 2, 3), links=(1, 3))
    """
    return WidestForest.of(arrays).path(source, sink)


@dataclass(frozen=True, slots=True, eq=False)
class WidestForest:
    """A maximum spanning forest of a topology, which holds a widest path between every two
    nodes (Hu 1961): built once, then each :meth:`path` is one breadth-first search.

    Kruskal on the strongest link of each node pair (scipy). The bottleneck value of a path
    is unique whichever forest is chosen, so every :meth:`path` value equals the widest-path
    value exactly.

    References
    ----------
    .. [1] T. C. Hu, "The maximum capacity route problem", Oper. Res. 9, 898 (1961): maximum
       spanning trees contain widest paths [R].

    Examples
    --------
    >>> triangle = LinkArrays(num_nodes=3, tail=np.array([0, 1, 0]), head=np.array([1, 2, 2]),
    ...                       capacity=np.array([1.0, 2.0, 0.5]))
    >>> wf = WidestForest.of(triangle)
    >>> [wf.path(s, t).value for s, t in [(0, 1), (1, 2), (0, 2)]]
    [1.0, 2.0, 1.0]
    """

    arrays: LinkArrays
    #: The forest (scipy csr, both directions), or None when no link has capacity.
    forest: Any
    #: Strongest capacity of each parallel-link group (order of ``simple_structure``).
    best: npt.NDArray[np.float64]

    @classmethod
    def of(cls, arrays: LinkArrays) -> WidestForest:
        from scipy.sparse import csr_matrix
        from scipy.sparse.csgraph import minimum_spanning_tree

        cap = arrays.capacity
        st = simple_structure(arrays)
        if not (cap > 0).any():
            return cls(arrays=arrays, forest=None, best=np.zeros(0))
        n = arrays.num_nodes
        best = np.maximum.reduceat(cap[st.order], st.starts)  # strongest of each parallel group
        use = (best > 0) & (st.lo != st.hi)
        # Kruskal on the rank of -c (a decreasing transform that cannot overflow, unlike 1/c
        # at capacities below 1e-308) gives a maximum spanning forest for c; ranks start at 1
        # because scipy reads explicit zeros as missing edges.
        rank = np.argsort(np.argsort(-best[use], kind="stable"), kind="stable") + 1.0
        weights = csr_matrix((rank, (st.lo[use], st.hi[use])), shape=(n, n))
        tree = minimum_spanning_tree(weights)
        # stored symmetric: each search then skips scipy's symmetrising copy
        return cls(arrays=arrays, forest=(tree + tree.T).tocsr(), best=best)

    def path(self, source: int, sink: int) -> SinglePath:
        """The widest path from ``source`` to ``sink`` (value 0 and no nodes when none has
        positive capacity)."""
        if source == sink or self.forest is None:
            return SinglePath(value=0.0, nodes=(), links=())
        from scipy.sparse.csgraph import breadth_first_order

        arrays = self.arrays
        cap = arrays.capacity
        st = simple_structure(arrays)
        n = arrays.num_nodes
        _, pred = breadth_first_order(self.forest, source, directed=True,
                                      return_predecessors=True)
        if pred[sink] < 0:
            return SinglePath(value=0.0, nodes=(), links=())
        nodes = [sink]
        while nodes[-1] != source:
            nodes.append(int(pred[nodes[-1]]))
        nodes.reverse()
        a = np.asarray(nodes[:-1], dtype=np.int64)
        b = np.asarray(nodes[1:], dtype=np.int64)
        group = np.searchsorted(st.keys, np.minimum(a, b) * n + np.maximum(a, b))
        links = []
        for gi in group.tolist():
            members = st.order[st.starts[gi]:st.ends[gi]]
            links.append(int(members[np.argmax(cap[members])]))
        return SinglePath(value=float(self.best[group].min()), nodes=tuple(nodes),
                          links=tuple(links))


def harmonic_path(arrays: LinkArrays, source: int, sink: int, *, graph: Any = None) -> SinglePath:
    """Shortest path with link lengths 1/c_e; value ``1/L``: the single-pair optimum under U1.

    Under the usage-frequency model (sum of p_e <= 1) a single pair is limited by the budget a
    unit of rate consumes along its route, sum over links of 1/c_e; one shortest path is
    optimal, so multipath routing never helps.

    Parameters
    ----------
    arrays : LinkArrays
        Topology and per-use capacities c_e (links with c_e = 0 are unusable).
    source, sink : int
        Node indices.
    graph : igraph.Graph, optional
        Prebuilt graph of ``arrays``.

    Returns
    -------
    SinglePath
        ``value = 1 / min_P sum_{e in P} 1/c_e`` in ebits per channel use (0 if no path).

    References
    ----------
    .. [1] K. Azuma, A. Mizutani, H.-K. Lo, Nat. Commun. 7, 13523 (2016): usage-frequency
       model [V, abstract; R]; closed form derived in spec network_bounds.md §8 [D].

    Examples
    --------
    >>> arr = LinkArrays(num_nodes=4, tail=np.array([0, 0, 1, 2, 1]),
    ...                  head=np.array([1, 2, 3, 3, 2]), capacity=np.array([3., 2, 1, 3, 1]))
    >>> round(harmonic_path(arr, 0, 3).value, 12)  # reference case R3-U1: 1/(1/2 + 1/3) = 1.2
    1.2
    """
    g = build_igraph(arrays) if graph is None else graph
    cap = arrays.capacity
    if source == sink:
        return SinglePath(value=0.0, nodes=(), links=())
    positive = cap > 0
    if not positive.any():
        return SinglePath(value=0.0, nodes=(), links=())
    # Lengths relative to the widest path's bottleneck ref: the best path has relative length
    # <= n, so links whose ref/c_e overflows cannot be on it. Unusable links get a length beyond
    # any path of usable ones; such a path is rejected.
    ref = widest_path(arrays, source, sink).value
    if ref <= 0:
        return SinglePath(value=0.0, nodes=(), links=())
    with np.errstate(over="ignore"):
        inv = np.full_like(cap, np.inf)
        inv[positive] = ref / cap[positive]
    positive = np.isfinite(inv)
    big = float(inv[positive].sum()) * 4.0 + 1.0
    inv[~positive] = big
    with warnings.catch_warnings():  # igraph warns when the sink is unreachable
        warnings.simplefilter("ignore", RuntimeWarning)
        epath = g.get_shortest_path(source, sink, weights=inv.tolist(), output="epath")
    links = np.asarray(epath, dtype=np.int64)
    if links.size == 0 or not positive[links].all():
        return SinglePath(value=0.0, nodes=(), links=())
    length = math.fsum(inv[links].tolist())
    return SinglePath(value=ref / length, nodes=_walk(arrays, source, links),
                      links=tuple(links.tolist()))


def _walk(arrays: LinkArrays, source: int, links: npt.NDArray[np.int64]) -> tuple[int, ...]:
    nodes = [source]
    for e in links.tolist():
        a, b = int(arrays.tail[e]), int(arrays.head[e])
        nodes.append(b if a == nodes[-1] else a)
    return tuple(nodes)


def _level_potentials(arrays: LinkArrays, source: int, sink: int, graph: Any) -> list[float]:
    """Shortest-path distances with lengths 1/c_e divided by d(sink), clipped to [0, 1]."""
    cap = arrays.capacity
    ref = widest_path(arrays, source, sink).value  # relative lengths: no overflow (see above)
    with np.errstate(over="ignore", divide="ignore"):
        inv = np.where(cap > 0, ref / np.where(cap > 0, cap, 1.0), np.inf)
    positive = np.isfinite(inv)
    finite = np.where(positive, inv, 0.0)
    g = graph.copy()
    g.delete_edges(np.flatnonzero(~positive).tolist())
    dist = np.asarray(g.distances(source, weights=finite[positive].tolist())[0])
    total = dist[sink]
    potentials: list[float] = np.clip(dist / total, 0.0, 1.0).tolist()
    return potentials


def single_pair_bounds(
    upper_arrays: LinkArrays,
    lower_arrays: LinkArrays,
    source: int,
    sink: int,
    usage: Usage,
    *,
    graph: Any = None,
) -> SinglePairSolution:
    """Upper and lower bounds, routes and certificate for one pair under ``usage``.

    Parameters
    ----------
    upper_arrays, lower_arrays : LinkArrays
        The same topology with E_up and with R_lo (ebits per use).
    source, sink : int
        Distinct node indices.
    usage : Usage
        ``flooding`` (p_e = 1), ``frequency`` (sum p_e <= 1) or ``budget`` (p_e <= u_e).
    graph : igraph.Graph, optional
        Prebuilt graph of the topology.

    Returns
    -------
    SinglePairSolution
        Flooding/budget: ``upper`` = min cut with E_up (certificate: its ``source_side`` and
        ``cut_links``), ``lower`` = max flow with R_lo decomposed into paths, single-path values
        = widest paths. Frequency: ``lower``/``upper`` = 1/shortest path with lengths 1/R_lo
        resp. 1/E_up, the single-path values equal them, and the certificate has ``potentials``
        x_v = d(v)/d(t) clipped to [0, 1] (a zero cut instead when no path has E_up > 0); every
        level cut {x < theta} is an s-t cut and averaging the cut theorem over theta uniform in
        (0, 1] gives R <= max_e c_e |x_u - x_v| ... <= upper.

    Raises
    ------
    InvalidParameterError
        Budget usage with a wrong number of link budgets.

    References
    ----------
    .. [1] S. Pirandola et al., Adv. Opt. Photon. 12, 1012 (2020), arXiv:1906.01645,
       Eqs. (189)-(191) (single path / flooding) [V].
    .. [2] S. Bäuml, K. Azuma, G. Kato, D. Elkouss, Commun. Phys. 3, 55 (2020),
       arXiv:1809.03120: LP bounds via max-flow min-cut [V, abstract]; spec §4, §8 [D].
    """
    g = build_igraph(upper_arrays) if graph is None else graph
    if usage.model == "frequency":
        return _frequency(upper_arrays, lower_arrays, source, sink, g)
    up, lo = upper_arrays, lower_arrays
    if usage.model == "budget":
        budgets = np.asarray(usage.link_budgets, dtype=np.float64)
        if budgets.shape != up.capacity.shape:
            raise InvalidParameterError(
                "link_budgets", len(budgets), f"must have one entry per link ({up.num_links})"
            )
        up = up.with_capacity(up.capacity * budgets)
        lo = lo.with_capacity(lo.capacity * budgets)
    same = up.capacity is lo.capacity or np.array_equal(up.capacity, lo.capacity)
    wide_up = widest_path(up, source, sink, graph=g)
    wide_lo = wide_up if same else widest_path(lo, source, sink, graph=g)
    cut = max_flow_min_cut(up, source, sink, scale=wide_up.value or None, graph=g)
    flow = cut if same else max_flow_min_cut(lo, source, sink, scale=wide_lo.value or None,
                                             graph=g)
    link_flow, value = flow.flow, flow.value
    factor = _power_of_two(value) if value > 0 else 1.0
    routes = decompose_flow(lo.num_nodes, lo.tail, lo.head, link_flow / factor, source, sink,
                            value / factor)
    routes = [PathRoute(nodes=r.nodes, links=r.links, rate=r.rate * factor) for r in routes]
    magnitude = np.abs(link_flow)
    usage_p: tuple[float, ...] | None = None
    if usage.model == "budget":
        per_use = np.divide(magnitude, lower_arrays.capacity,
                            out=np.zeros_like(magnitude), where=lower_arrays.capacity > 0)
        usage_p = tuple(per_use.tolist())
    method = "max-flow (igraph push-relabel)"
    return SinglePairSolution(
        lower=flow.value, upper=cut.value,
        single_path_lower=wide_lo.value, single_path_upper=wide_up.value,
        routes=tuple(routes), link_flows=tuple(magnitude.tolist()), link_usage=usage_p,
        certificate=SinglePairCertificate(source_side=tuple(cut.source_side),
                                          cut_links=tuple(cut.cut_links)),
        upper_method="exact min cut (max-flow min-cut)", lower_method=method,
    )


def _frequency(up: LinkArrays, lo: LinkArrays, source: int, sink: int,
               g: Any) -> SinglePairSolution:
    best_up = harmonic_path(up, source, sink, graph=g)
    best_lo = harmonic_path(lo, source, sink, graph=g)
    flows = np.zeros(lo.num_links)
    usage_p = np.zeros(lo.num_links)
    routes: tuple[PathRoute, ...] = ()
    if best_lo.value > 0:
        idx = np.asarray(best_lo.links, dtype=np.int64)
        flows[idx] = best_lo.value
        usage_p[idx] = best_lo.value / lo.capacity[idx]
        routes = (PathRoute(nodes=best_lo.nodes, links=best_lo.links, rate=best_lo.value),)
    if best_up.value > 0:
        certificate = SinglePairCertificate(
            potentials=tuple(_level_potentials(up, source, sink, g)))
    else:  # no path with positive E_up: the source's component is a zero cut
        h = g.copy()
        h.delete_edges(np.flatnonzero(up.capacity <= 0).tolist())
        reach = np.asarray(h.subcomponent(source), dtype=np.int64)
        certificate = SinglePairCertificate(source_side=tuple(sorted(reach.tolist())))
    method = "closed form 1/shortest path (lengths 1/c_e, Dijkstra)"
    return SinglePairSolution(
        lower=best_lo.value, upper=best_up.value,
        single_path_lower=best_lo.value, single_path_upper=best_up.value,
        routes=routes, link_flows=tuple(flows.tolist()), link_usage=tuple(usage_p.tolist()),
        certificate=certificate, upper_method=method, lower_method=method,
    )
