"""Single pair: max-flow/min-cut, widest path, frequency closed form, routes, tiny capacities."""

from __future__ import annotations

import itertools
import math

import networkx as nx
import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from qinternet.channels.capacities import plob_bound
from qinternet.networks import (
    MinCutCertificate,
    Network,
    PotentialsCertificate,
    Usage,
    network_bounds,
)
from qinternet.networks.lp import LinkArrays
from qinternet.networks.single_pair import (
    WidestForest,
    harmonic_path,
    max_flow_min_cut,
    widest_path,
)
from qinternet.units import fibre_transmissivity

_VALUES = (0.0, 0.25, 0.5, 1.0, 1.5, 2.0, 3.0, 0.1, 0.7)
#: Capacities spanning 11 decades, as in real networks mixing metro and 500 km links.
_WIDE = (0.0, 1e-10, 3e-9, 1e-6, 2e-4, 1e-3, 0.3, 1.0, 10.0)


@st.composite
def small_graphs(draw: st.DrawFn, distillable: bool = False,
                 values_from: tuple[float, ...] = _VALUES) -> nx.MultiGraph:
    """Random connected-or-not multigraph on 2..7 nodes with upper >= lower capacities."""
    n = draw(st.integers(2, 7))
    m = draw(st.integers(1, 12))
    g = nx.MultiGraph()
    g.add_nodes_from(range(n))
    values = st.sampled_from(values_from)
    for _ in range(m):
        u = draw(st.integers(0, n - 1))
        v = draw(st.integers(0, n - 1).filter(lambda x, u=u: x != u))
        up = draw(values)
        lo = up if distillable else draw(values.filter(lambda x, up=up: x <= up))
        g.add_edge(u, v, capacity_upper=up, capacity_lower=lo)
    return g


def _nx_max_flow(g: nx.MultiGraph, s: int, t: int, key: str) -> float:
    d = nx.DiGraph()
    d.add_nodes_from(g.nodes)
    for u, v, attrs in g.edges(data=True):
        for a, b in ((u, v), (v, u)):
            c = d.get_edge_data(a, b, {"capacity": 0.0})["capacity"]
            d.add_edge(a, b, capacity=c + attrs[key])
    return float(nx.maximum_flow_value(d, s, t))


def _brute_min_cut(g: nx.MultiGraph, s: int, t: int, key: str) -> float:
    others = [v for v in g.nodes if v not in (s, t)]
    best = math.inf
    for k in range(len(others) + 1):
        for extra in itertools.combinations(others, k):
            side = {s, *extra}
            cut = sum(a[key] for u, v, a in g.edges(data=True) if (u in side) != (v in side))
            best = min(best, cut)
    return best


@given(small_graphs())
@settings(max_examples=40)
def test_flooding_bounds_agree_with_networkx_and_cut_enumeration(g: nx.MultiGraph) -> None:
    net = Network.from_networkx(g)
    res = network_bounds(net, [("0", "1")], objective="total")
    assert res.lower <= res.upper * (1 + 1e-12) + 1e-15
    assert res.lower == pytest.approx(_nx_max_flow(g, 0, 1, "capacity_lower"), rel=1e-9, abs=1e-12)
    assert res.upper == pytest.approx(_brute_min_cut(g, 0, 1, "capacity_upper"), rel=1e-9,
                                      abs=1e-12)
    assert res.single_path_lower <= res.lower + 1e-12
    assert res.single_path_upper <= res.upper + 1e-12
    # certificate: the returned cut has the value of the upper bound
    assert isinstance(res.certificate, MinCutCertificate)
    side = set(res.certificate.source_side)
    assert "0" in side and "1" not in side
    cut = sum(link.upper_ebits_per_use for link in net.links
              if (link.u in side) != (link.v in side))
    assert cut == pytest.approx(res.upper, rel=1e-9, abs=1e-12)
    _check_routes(net, res)


def _check_routes(net: Network, res) -> None:  # type: ignore[no-untyped-def]
    """Routes are s-t paths over existing links; per-link load <= R_lo (flooding)."""
    assert sum(r.rate for r in res.routes) == pytest.approx(res.rates[0], rel=1e-9, abs=0)
    edges: dict[frozenset[str], list[int]] = {}
    for link in net.links:
        edges.setdefault(frozenset(net.link_end_names(link.index)), []).append(link.index)
    for r in res.routes:
        path = r.path
        assert path is not None and path[0] == res.demands[0][0] and path[-1] == res.demands[0][1]
        assert len(set(path)) == len(path)
        for a, b in itertools.pairwise(path):
            assert frozenset((a, b)) in edges
    total_flow = np.asarray(res.link_flows)
    lower = np.array([link.lower_ebits_per_use for link in net.links])
    assert np.all(total_flow <= lower * (1 + 1e-9))


def _brute_widest(g: nx.MultiGraph, s: int, t: int, key: str) -> float:
    """Max over simple paths of the min capacity (best parallel link per hop)."""
    best_link: dict[frozenset[int], float] = {}
    for u, v, a in g.edges(data=True):
        k = frozenset((u, v))
        best_link[k] = max(best_link.get(k, 0.0), a[key])
    simple = nx.Graph(list(tuple(k) for k in best_link))
    if s not in simple or t not in simple:
        return 0.0
    best = 0.0
    for path in nx.all_simple_paths(simple, s, t):
        best = max(best, min(best_link[frozenset(h)] for h in itertools.pairwise(path)))
    return best


@given(small_graphs())
@settings(max_examples=40)
def test_widest_path_equals_brute_force_over_simple_paths(g: nx.MultiGraph) -> None:
    res = network_bounds(Network.from_networkx(g), [("0", "1")], objective="total")
    assert res.single_path_upper == _brute_widest(g, 0, 1, "capacity_upper")
    assert res.single_path_lower == _brute_widest(g, 0, 1, "capacity_lower")


@given(small_graphs())
@settings(max_examples=25)
def test_one_widest_forest_serves_every_pair(g: nx.MultiGraph) -> None:
    """One maximum spanning forest answers every pair: values = brute force, and each path
    is a real path of the graph whose weakest link is that value."""
    net = Network.from_networkx(g)
    arrays = net.link_arrays("upper")
    forest = WidestForest.of(arrays)
    n = net.num_nodes
    for s, t in itertools.combinations(range(n), 2):
        path = forest.path(s, t)
        assert path.value == _brute_widest(g, s, t, "capacity_upper")
        if path.value > 0:
            assert path.nodes[0] == s and path.nodes[-1] == t
            caps = arrays.capacity[list(path.links)]
            assert float(caps.min()) == path.value
            for (a, b), e in zip(itertools.pairwise(path.nodes), path.links, strict=True):
                assert {a, b} == {int(arrays.tail[e]), int(arrays.head[e])}


@given(small_graphs(values_from=_WIDE))
@settings(max_examples=40)
def test_wide_capacity_range_matches_cut_enumeration(g: nx.MultiGraph) -> None:
    """Capacities from 1e-10 to 10 in one graph: min cut exact to rel 1e-9 (no absolute slack)."""
    net = Network.from_networkx(g)
    res = network_bounds(net, [("0", "1")], objective="total")
    assert res.upper == pytest.approx(_brute_min_cut(g, 0, 1, "capacity_upper"), rel=1e-9, abs=0)
    assert res.lower == pytest.approx(_brute_min_cut(g, 0, 1, "capacity_lower"), rel=1e-9, abs=0)
    _check_routes(net, res)


@given(small_graphs(distillable=True))
@settings(max_examples=30)
def test_distillable_links_give_lower_equal_upper_equal_networkx(g: nx.MultiGraph) -> None:
    res = network_bounds(Network.from_networkx(g), [("0", "1")], objective="total")
    assert res.lower == pytest.approx(res.upper, rel=1e-12, abs=1e-15)
    assert res.lower == pytest.approx(_nx_max_flow(g, 0, 1, "capacity_upper"), rel=1e-9,
                                      abs=1e-12)


@given(small_graphs(), st.sampled_from([0.5, 1.0, 2.0]), st.data())
@settings(max_examples=30)
def test_adding_a_link_never_lowers_a_bound(g: nx.MultiGraph, c: float,
                                            data: st.DataObject) -> None:
    n = g.number_of_nodes()
    u = data.draw(st.integers(0, n - 1))
    v = data.draw(st.integers(0, n - 1).filter(lambda x: x != u))
    g2 = nx.MultiGraph(g)
    g2.add_edge(u, v, capacity_upper=c, capacity_lower=c / 2)
    for usage in (Usage.flooding(), Usage.frequency()):
        b = network_bounds(Network.from_networkx(g), [("0", "1")], usage=usage)
        a = network_bounds(Network.from_networkx(g2), [("0", "1")], usage=usage)
        assert a.lower >= b.lower * (1 - 1e-12)
        assert a.upper >= b.upper * (1 - 1e-12)


@given(small_graphs())
@settings(max_examples=25)
def test_frequency_closed_form_equals_lp(g: nx.MultiGraph) -> None:
    from qinternet.networks.lp import lower_bound, upper_bound

    net = Network.from_networkx(g)
    res = network_bounds(net, [("0", "1")], usage=Usage.frequency(), objective="total")
    # No path with positive R_lo: the LP layer currently raises SolverError("Empty") (reported).
    assume(res.lower > 0)
    lo = lower_bound(net.link_arrays("lower"), [(0, 1)], Usage.frequency(), objective="total")
    up = upper_bound(net.link_arrays("upper"), [(0, 1)], Usage.frequency(), objective="total")
    assert res.lower == pytest.approx(lo.value, rel=1e-7, abs=1e-9)
    assert res.upper == pytest.approx(up.value, rel=1e-7, abs=1e-9)
    assert res.single_path_lower == res.lower and res.single_path_upper == res.upper
    if res.lower > 0:
        assert sum(res.link_usage) == pytest.approx(1.0, rel=1e-9)
        assert len(res.routes) == 1
    if res.upper > 0:
        # dual certificate: potentials x with x_s = 0, x_t = 1 and c_e |x_u - x_v| <= upper
        assert isinstance(res.certificate, PotentialsCertificate)
        x = dict(zip(res.certificate.nodes, res.certificate.potentials, strict=True))
        assert x["0"] == 0.0 and x["1"] == pytest.approx(1.0)
        worst = max(link.upper_ebits_per_use * abs(x[net.link_end_names(link.index)[0]]
                                                   - x[net.link_end_names(link.index)[1]])
                    for link in net.links)
        assert worst <= res.upper * (1 + 1e-9)


@given(small_graphs())
@settings(max_examples=25)
def test_flooding_fast_path_equals_lp(g: nx.MultiGraph) -> None:
    from qinternet.networks.lp import lower_bound, upper_bound

    net = Network.from_networkx(g)
    res = network_bounds(net, [("0", "1")], objective="total")
    # No path with positive R_lo: the LP layer currently raises SolverError("Empty") (reported).
    assume(res.lower > 0)
    lo = lower_bound(net.link_arrays("lower"), [(0, 1)], Usage.flooding(), objective="total")
    up = upper_bound(net.link_arrays("upper"), [(0, 1)], Usage.flooding(), objective="total")
    assert res.lower == pytest.approx(lo.value, rel=1e-7, abs=1e-9)
    assert res.upper == pytest.approx(up.value, rel=1e-7, abs=1e-9)


def test_frequency_chain_is_harmonic() -> None:
    arr = LinkArrays(num_nodes=3, tail=np.array([0, 1]), head=np.array([1, 2]),
                     capacity=np.array([1.0, 3.0]))
    assert harmonic_path(arr, 0, 2).value == pytest.approx(1 / (1 + 1 / 3), rel=1e-15)


def test_no_path_gives_zero_with_note() -> None:
    g = nx.Graph()
    g.add_edge("A", "B", transmissivity=0.5)
    g.add_edge("C", "D", transmissivity=0.5)
    for usage in (Usage.flooding(), Usage.frequency()):
        res = network_bounds(Network.from_networkx(g), [("A", "D")], usage=usage)
        assert res.lower == 0.0 and res.upper == 0.0 and res.rates == (0.0,)
        assert res.routes == ()
        assert any("no path" in note for note in res.notes)


def test_weights_scale_objective_not_rates() -> None:
    g = nx.Graph()
    g.add_edge("A", "B", capacity_upper=2.0, capacity_lower=1.0)
    net = Network.from_networkx(g)
    worst = network_bounds(net, [("A", "B")], objective="worst", weights=[2.0])
    weighted = network_bounds(net, [("A", "B")], objective="weighted", weights=[3.0])
    total = network_bounds(net, [("A", "B")], objective="total", weights=[5.0])
    assert (worst.lower, worst.upper, worst.rates) == (0.5, 1.0, (1.0,))
    assert (weighted.lower, weighted.upper) == (3.0, 6.0)
    assert (total.lower, total.upper) == (1.0, 2.0)


def test_budget_usage_multiplies_capacities_by_uses_per_second() -> None:
    g = nx.MultiGraph()
    g.add_edge("A", "B", capacity_upper=1.0, capacity_lower=0.5)
    g.add_edge("A", "B", capacity_upper=2.0, capacity_lower=2.0)
    net = Network.from_networkx(g)
    res = network_bounds(net, [("A", "B")], usage=Usage.budget([1e6, 1e3]), objective="total")
    assert res.unit == "ebits per second"
    assert res.upper == pytest.approx(1e6 + 2e3, rel=1e-12)
    assert res.lower == pytest.approx(0.5e6 + 2e3, rel=1e-12)
    assert res.single_path_upper == pytest.approx(1e6)
    assert res.link_usage == pytest.approx((1e6, 1e3))


def test_parallel_links_both_carry_flow() -> None:
    g = nx.MultiGraph()
    g.add_edge("A", "B", transmissivity=0.5)
    g.add_edge("A", "B", transmissivity=0.75)
    res = network_bounds(Network.from_networkx(g), [("A", "B")])
    assert res.upper == pytest.approx(1.0 + 2.0, rel=1e-12)
    assert len(res.routes) == 2
    assert res.single_path_upper == pytest.approx(2.0, rel=1e-12)


@pytest.mark.parametrize("scale_km", [300.0, 400.0, 500.0])
def test_tiny_capacities_long_fibre(scale_km: float) -> None:
    """Links of 1e-6..1e-10 ebits per use: exact against a closed form and rescaled networkx."""
    rng = np.random.default_rng(int(scale_km))
    g = nx.MultiGraph()
    for u, v in [(0, 1), (0, 2), (1, 3), (2, 3), (1, 2), (0, 3), (2, 4), (4, 3), (1, 4)]:
        g.add_edge(u, v, length_km=float(scale_km + rng.uniform(-20, 20)))
    net = Network.from_networkx(g)
    cap = np.array([link.upper_ebits_per_use for link in net.links])
    assert cap.max() < 2e-5
    res = network_bounds(net, [("0", "3")], objective="total")
    scaled = nx.MultiGraph()
    for link in net.links:
        scaled.add_edge(int(link.u), int(link.v), capacity_upper=link.upper_ebits_per_use * 1e12,
                        capacity_lower=link.lower_ebits_per_use * 1e12)
    expected = _nx_max_flow(scaled, 0, 3, "capacity_upper") / 1e12
    assert res.upper == pytest.approx(expected, rel=1e-7)
    assert res.lower == pytest.approx(expected, rel=1e-7)
    assert sum(r.rate for r in res.routes) == pytest.approx(expected, rel=1e-7)
    freq = network_bounds(net, [("0", "3")], usage=Usage.frequency())
    inv = nx.Graph()
    for link in net.links:  # simple graph: keep the best parallel link (here none are parallel)
        inv.add_edge(int(link.u), int(link.v), w=1.0 / (link.upper_ebits_per_use * 1e12))
    length = nx.shortest_path_length(inv, 0, 3, weight="w")
    assert freq.upper == pytest.approx(1.0 / length / 1e12, rel=1e-9)
    assert freq.lower == pytest.approx(freq.upper, rel=1e-12)
    # single tiny link: the PLOB value itself
    one = nx.Graph()
    one.add_edge("A", "B", length_km=scale_km)
    single = network_bounds(Network.from_networkx(one), [("A", "B")])
    plob = float(plob_bound(fibre_transmissivity(scale_km, 0.2)))
    assert single.lower == pytest.approx(plob, rel=1e-12)
    assert single.upper == pytest.approx(plob, rel=1e-12)


def test_widest_path_and_max_flow_on_arrays() -> None:
    arr = LinkArrays(num_nodes=4, tail=np.array([0, 0, 1, 2, 1]), head=np.array([1, 2, 3, 3, 2]),
                     capacity=np.array([3.0, 2.0, 1.0, 3.0, 1.0]) * 1e-10)
    mf = max_flow_min_cut(arr, 0, 3)
    assert mf.value == pytest.approx(4e-10, rel=1e-12)
    assert widest_path(arr, 0, 3).value == pytest.approx(2e-10, rel=1e-12)
    assert harmonic_path(arr, 0, 3).value == pytest.approx(1.2e-10, rel=1e-12)
