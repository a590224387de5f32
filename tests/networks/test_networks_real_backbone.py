"""Real backbone (SNDlib via topohub): fast path against networkx, both usage models."""

from __future__ import annotations

import networkx as nx
import pytest

from qinternet.networks import Network, Usage, load_network, network_bounds

PAIRS = [("Berlin", "Muenchen"), ("Hamburg", "Stuttgart"), ("Aachen", "Greifswald"),
         ("Koeln", "Dresden")]


@pytest.fixture(scope="module")
def germany50() -> Network:
    return load_network("topohub:sndlib/germany50")


def _digraph(net: Network, scale: float) -> nx.DiGraph:
    d = nx.DiGraph()
    for link in net.links:
        a, b = net.node_index(link.u), net.node_index(link.v)
        for u, v in ((a, b), (b, a)):
            c = d.get_edge_data(u, v, {"capacity": 0.0})["capacity"]
            d.add_edge(u, v, capacity=c + link.upper_ebits_per_use * scale)
    return d


@pytest.mark.parametrize("pair", PAIRS)
def test_germany50_flooding_equals_networkx_max_flow(germany50: Network,
                                                     pair: tuple[str, str]) -> None:
    res = network_bounds(germany50, [pair], objective="total")
    s, t = (germany50.node_index(x) for x in pair)
    scale = 2.0 ** 10  # exact rescaling so networkx works on O(1) numbers
    expected = nx.maximum_flow_value(_digraph(germany50, scale), s, t) / scale
    assert res.upper == pytest.approx(expected, rel=1e-9)
    assert res.lower == pytest.approx(expected, rel=1e-9)  # pure-loss fibre: distillable
    assert res.single_path_upper < res.upper
    assert sum(r.rate for r in res.routes) == pytest.approx(res.lower, rel=1e-9)


@pytest.mark.parametrize("pair", PAIRS)
def test_germany50_frequency_equals_networkx_shortest_path(germany50: Network,
                                                           pair: tuple[str, str]) -> None:
    res = network_bounds(germany50, [pair], usage=Usage.frequency())
    g = nx.Graph()
    for link in germany50.links:  # germany50 has no parallel links
        g.add_edge(link.u, link.v, w=1.0 / link.upper_ebits_per_use)
    s, t = (germany50.nodes[germany50.node_index(x)].id for x in pair)
    length = nx.shortest_path_length(g, s, t, weight="w")
    assert res.upper == pytest.approx(1.0 / length, rel=1e-12)
    assert res.lower == pytest.approx(1.0 / length, rel=1e-12)
    path = res.routes[0].path
    assert path is not None and path[0] == pair[0] and path[-1] == pair[1]
