"""Flow decomposition, public API, multi-demand invariants through the facade, demo section."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console

import qinternet.networks as networks
from conftest import load_reference
from qinternet.channels.models import DepolarizingChannel
from qinternet.errors import SolverError
from qinternet.networks import Network, Usage, decompose_flow, network_bounds


def test_public_api_is_sorted_and_complete() -> None:
    assert networks.__all__ == sorted(networks.__all__)
    for name in networks.__all__:
        assert hasattr(networks, name)


@st.composite
def paths_and_cycles(draw: st.DrawFn) -> tuple[int, np.ndarray, np.ndarray, list[tuple[list[int], float]], list[tuple[list[int], float]]]:  # noqa: E501
    """A complete multigraph-free graph K_n and random s-t paths and cycles with weights."""
    n = draw(st.integers(3, 7))
    pairs = list(itertools.combinations(range(n), 2))
    tail = np.array([p[0] for p in pairs], dtype=np.int64)
    head = np.array([p[1] for p in pairs], dtype=np.int64)
    inner = list(range(2, n))
    paths = []
    for _ in range(draw(st.integers(1, 4))):
        mid = draw(st.permutations(inner))[: draw(st.integers(0, len(inner)))]
        paths.append(([0, *mid, 1], draw(st.floats(0.1, 3.0))))
    cycles = []
    for _ in range(draw(st.integers(0, 2))):
        cyc = draw(st.permutations(list(range(n))))[: draw(st.integers(3, n))]
        cycles.append((list(cyc), draw(st.floats(0.1, 3.0))))
    return n, tail, head, paths, cycles


@given(paths_and_cycles(), st.sampled_from([1.0, 1e-9]))
@settings(max_examples=40)
def test_decomposition_recovers_the_flow_value_and_respects_link_flows(
    data: tuple, scale: float  # type: ignore[type-arg]
) -> None:
    n, tail, head, paths, cycles = data
    index = {(int(a), int(b)): e for e, (a, b) in enumerate(zip(tail, head, strict=True))}
    flow = np.zeros(len(tail))
    for walk, w in paths + [([*c, c[0]], w) for c, w in cycles]:
        for a, b in itertools.pairwise(walk):
            if a < b:
                flow[index[(a, b)]] += w * scale
            else:
                flow[index[(b, a)]] -= w * scale
    value = sum(w for _, w in paths) * scale
    routes = decompose_flow(n, tail, head, flow, 0, 1, value)
    assert sum(r.rate for r in routes) == pytest.approx(value, rel=1e-9)
    used = np.zeros(len(tail))
    for r in routes:
        assert r.nodes[0] == 0 and r.nodes[-1] == 1 and len(set(r.nodes)) == len(r.nodes)
        assert r.rate > 0
        for (a, b), e in zip(itertools.pairwise(r.nodes), r.links, strict=True):
            assert {a, b} == {int(tail[e]), int(head[e])}
            sign = 1.0 if a == tail[e] else -1.0
            assert sign * flow[e] > 0  # routes follow the direction of the flow
            used[e] += r.rate
    assert np.all(used <= np.abs(flow) * (1 + 1e-9) + 1e-300)
    assert len(routes) <= int(np.count_nonzero(flow))


def test_decomposition_rejects_an_invalid_flow() -> None:
    tail = np.array([0, 1])
    head = np.array([1, 2])
    with pytest.raises(SolverError, match="decomposition"):
        decompose_flow(3, tail, head, np.array([1.0, 1.0]), 0, 2, 2.0)


def test_two_node_network_equals_point_to_point_bounds() -> None:
    g = nx.Graph()
    g.add_edge("A", "B", channel="depolarizing", p=0.1, dimension=2)
    ch = DepolarizingChannel(p=0.1, dimension=2)
    for usage in (Usage.flooding(), Usage.frequency()):
        res = network_bounds(Network.from_networkx(g), [("A", "B")], usage=usage)
        assert res.upper == pytest.approx(ch.upper_ebits_per_use, rel=1e-12)
        assert res.lower == pytest.approx(ch.lower_ebits_per_use, rel=1e-12)
        assert res.lower < res.upper  # depolarizing: an open gap


@st.composite
def multi_demand_instances(draw: st.DrawFn) -> tuple[nx.MultiGraph, list[tuple[str, ...]]]:
    n = draw(st.integers(3, 6))
    g = nx.MultiGraph()
    g.add_nodes_from(str(i) for i in range(n))
    for u, v in itertools.combinations(range(n), 2):
        if draw(st.booleans()):
            up = draw(st.sampled_from([0.5, 1.0, 2.0, 3.0]))
            lo = draw(st.sampled_from([x for x in (0.25, 0.5, 1.0, 2.0, 3.0) if x <= up]))
            g.add_edge(str(u), str(v), capacity_upper=up, capacity_lower=lo)
    demands: list[tuple[str, ...]] = []
    for _ in range(draw(st.integers(2, 3))):
        size = draw(st.sampled_from([2, 2, 3]))
        demands.append(tuple(str(x) for x in draw(st.permutations(range(n)))[:size]))
    return g, demands


@given(multi_demand_instances(), st.sampled_from(["total", "worst"]),
       st.sampled_from(["flooding", "frequency"]))
@settings(max_examples=20)
def test_multi_demand_lower_never_exceeds_upper(
    inst: tuple[nx.MultiGraph, list[tuple[str, ...]]], objective: str, usage: str
) -> None:
    g, demands = inst
    u = Usage.flooding() if usage == "flooding" else Usage.frequency()
    res = network_bounds(Network.from_networkx(g), demands, usage=u,
                         objective=objective)  # type: ignore[arg-type]
    assert res.upper_certified
    assert res.lower <= res.upper * (1 + 1e-7) + 1e-12
    assert len(res.rates) == len(demands) and min(res.rates) >= -1e-12
    for route in res.routes:
        assert route.rate > 0
    # rates per demand add up over that demand's routes
    for i, rate in enumerate(res.rates):
        carried = sum(r.rate for r in res.routes if r.demand == i)
        assert carried == pytest.approx(rate, rel=1e-6, abs=1e-9)


@pytest.mark.parametrize("scale", [1e-7, 1e-9])
def test_tiny_capacities_through_facade_r7(scale: float) -> None:
    """Reference case R7 with every capacity scaled down (spec §11: HiGHS needs rescaling)."""
    ref = load_reference("networks")
    data = json.loads(json.dumps(ref["graphs"]["k23"]))
    for e in data["edges"]:
        e["capacity_upper"] = e["capacity_upper"] * scale
        e["capacity_lower"] = e["capacity_lower"] * scale
    net = Network.from_networkx(nx.node_link_graph(data, edges="edges"))
    pairs = [("a", "b"), ("b", "c"), ("a", "c"), ("u1", "u2")]
    res = network_bounds(net, pairs, usage=Usage.frequency(), objective="worst")
    assert res.lower == pytest.approx(0.125 * scale, rel=1e-7)
    assert res.upper == pytest.approx(scale / 6, rel=1e-7)
    res2 = network_bounds(net, pairs, objective="worst")
    assert res2.lower == pytest.approx(0.75 * scale, rel=1e-7)
    assert res2.upper == pytest.approx(1.0 * scale, rel=1e-7)


def test_to_dict_is_plain_json_with_contract_keys() -> None:
    ref = load_reference("networks")
    net = Network.from_networkx(nx.node_link_graph(ref["graphs"]["k4"], edges="edges"))
    res = network_bounds(net, [("a", "b", "c"), ("b", "d")], objective="total")
    text = json.dumps(res.to_dict(), allow_nan=False)
    out = json.loads(text)
    assert out["lower"] == pytest.approx(3.0, rel=1e-7)  # reference case R9-U2-TOTAL
    assert out["single_path_lower"] is None and out["single_path_upper"] is None
    assert out["certificate"]["type"] == "cuts"


def test_demo_networks_section(tmp_path: Path) -> None:
    from qinternet.cli._demo_networks import networks_section

    summary = networks_section(tmp_path, Console(quiet=True))
    assert summary["nodes"] == 50
    for row in summary["results"]:
        assert 0 < row["lower"] <= row["upper"] * (1 + 1e-7)
    for png in summary["plots"]:
        assert Path(png).stat().st_size > 1000
    json.dumps(summary, allow_nan=False)
