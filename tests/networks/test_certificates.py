"""Typed routes and certificates of ``network_bounds`` (issue 8 item 7): which kind each case
gives, that each certificate proves its bound by arithmetic anyone can redo, and that the
objects are frozen, validated and converted to plain data only in ``to_dict``."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import networkx as nx
import numpy as np
import pytest

from conftest import load_reference
from qinternet.errors import InvalidParameterError
from qinternet.networks import (
    CutSetCertificate,
    MinCutCertificate,
    Network,
    PotentialsCertificate,
    Route,
    Usage,
    network_bounds,
)
from qinternet.networks.lp import lower_bound, per_demand_cut_relaxation, upper_bound
from qinternet.networks.network import find_bottleneck


def _reference(name: str) -> Network:
    graph = load_reference("networks")["graphs"][name]
    return Network.from_networkx(nx.node_link_graph(graph, edges="edges"))


def _upper_caps(net: Network) -> np.ndarray[Any, np.dtype[np.float64]]:
    return np.array([link.upper_ebits_per_use for link in net.links])


def test_each_case_gives_its_certificate_kind() -> None:
    net = _reference("diamond-fibre")
    assert isinstance(network_bounds(net, [("A", "B")]).certificate, MinCutCertificate)
    freq = network_bounds(net, [("A", "B")], usage=Usage.frequency())
    assert isinstance(freq.certificate, PotentialsCertificate)
    multi = network_bounds(net, [("A", "B"), ("R1", "R2")], objective="total")
    assert isinstance(multi.certificate, CutSetCertificate)
    group = network_bounds(net, [("A", "R2", "B")])
    assert isinstance(group.certificate, CutSetCertificate)
    assert all(r.tree is not None and r.path is None for r in group.routes)


def test_disconnected_pair_under_frequency_gets_a_zero_cut() -> None:
    g = nx.Graph([("A", "B", {"transmissivity": 0.5}), ("C", "D", {"transmissivity": 0.5})])
    net = Network.from_networkx(g)
    res = network_bounds(net, [("A", "D")], usage=Usage.frequency())
    assert res.upper == 0.0 and res.routes == ()
    cert = res.certificate
    assert isinstance(cert, MinCutCertificate)
    assert cert.cut_links == () and set(cert.source_side) == {"A", "B"}


@pytest.mark.parametrize("name, pair", [("diamond-fibre", ("A", "B")), ("k23", ("a", "b")),
                                        ("dumbbell", ("A1", "B2"))])
def test_min_cut_certificate_has_the_capacity_of_the_upper_bound(
        name: str, pair: tuple[str, str]) -> None:
    net = _reference(name)
    res = network_bounds(net, [pair])
    cert = res.certificate
    assert isinstance(cert, MinCutCertificate)
    side = set(cert.source_side)
    assert pair[0] in side and pair[1] not in side
    crossing = [e for e in range(len(net.links))
                if (net.link_end_names(e)[0] in side) != (net.link_end_names(e)[1] in side)]
    assert sorted(cert.cut_links) == sorted(net.link_end_names(e) for e in crossing)
    assert float(_upper_caps(net)[crossing].sum()) == pytest.approx(res.upper, rel=1e-12)


@pytest.mark.parametrize("name, demands, objective", [
    ("k4", [("a", "b", "c"), ("b", "d")], "total"),
    ("dumbbell", [("A1", "B1"), ("A2", "B2")], "worst"),
    ("k23", [("a", "b"), ("b", "c"), ("a", "c"), ("u1", "u2")], "total"),
])
def test_cut_set_duals_price_the_upper_bound_under_flooding(
        name: str, demands: list[tuple[str, ...]], objective: str) -> None:
    """LP duality: sum_e E_up[e] * dual[e] equals the cut LP optimum (p_e = 1)."""
    net = _reference(name)
    res = network_bounds(net, demands, objective=objective)  # type: ignore[arg-type]
    cert = res.certificate
    assert isinstance(cert, CutSetCertificate) and len(cert.link_duals) == len(net.links)
    priced = float(np.dot(_upper_caps(net), cert.link_duals))
    assert priced == pytest.approx(res.upper, rel=1e-9)
    assert all(set(c) <= set(net.node_names) for c in cert.cuts)


def test_potentials_certificate_bounds_every_link() -> None:
    net = _reference("k23")
    res = network_bounds(net, [("a", "b")], usage=Usage.frequency())
    cert = res.certificate
    assert isinstance(cert, PotentialsCertificate) and cert.nodes == net.node_names
    x = dict(zip(cert.nodes, cert.potentials, strict=True))
    assert x["a"] == 0.0 and x["b"] == pytest.approx(1.0)
    worst = max(link.upper_ebits_per_use * abs(x[net.link_end_names(link.index)[0]]
                                               - x[net.link_end_names(link.index)[1]])
                for link in net.links)
    assert worst == pytest.approx(res.upper, rel=1e-9)


@pytest.mark.parametrize("demands", [[("A", "B")], [("A", "B"), ("R1", "R2")],
                                     [("A", "R2", "B")]])
def test_route_links_agree_with_their_names(demands: list[tuple[str, ...]]) -> None:
    net = _reference("diamond-fibre")
    res = network_bounds(net, demands, objective="total")
    assert res.routes
    for r in res.routes:
        ends = [net.link_end_names(e) for e in r.links]
        if r.path is not None:
            assert r.kind == "path" and r.path[0] == demands[r.demand][0]
            assert [frozenset(p) for p in zip(r.path, r.path[1:], strict=False)] == [
                frozenset(p) for p in ends]
        else:
            assert r.kind == "tree" and list(r.tree or ()) == ends
        assert r.rate > 0
    with pytest.raises(dataclasses.FrozenInstanceError):
        res.routes[0].rate = 0.0  # type: ignore[misc]


def test_route_validates_its_shape() -> None:
    with pytest.raises(InvalidParameterError, match="path/tree"):
        Route(demand=0, rate=1.0, links=(0,))
    with pytest.raises(InvalidParameterError, match="path/tree"):
        Route(demand=0, rate=1.0, links=(0,), path=("a", "b"), tree=(("a", "b"),))
    with pytest.raises(InvalidParameterError, match="path"):
        Route(demand=0, rate=1.0, links=(0, 1), path=("a", "b"))
    with pytest.raises(InvalidParameterError, match="tree"):
        Route(demand=0, rate=1.0, links=(0, 1), tree=(("a", "b"),))
    with pytest.raises(InvalidParameterError, match="potentials"):
        PotentialsCertificate(nodes=("a", "b"), potentials=(0.0,))


def test_to_dict_gives_plain_json_in_the_contract_shape() -> None:
    route = Route(demand=1, rate=0.5, links=(3, 4), tree=(("a", "b"), ("b", "c")))
    assert route.to_dict() == {"demand": 1, "rate": 0.5, "tree": [["a", "b"], ["b", "c"]]}
    path = Route(demand=0, rate=0.25, links=(2,), path=("a", "b"))
    assert list(path.to_dict()) == ["demand", "rate", "path"]
    cut = MinCutCertificate(source_side=("a",), cut_links=(("a", "b"),))
    assert cut.to_dict() == {"type": "min_cut", "source_side": ["a"], "cut_links": [["a", "b"]]}
    # a repeated node name keeps the value of its last node (as the JSON always did)
    pots = PotentialsCertificate(nodes=("s", "x", "x"), potentials=(0.0, 0.5, 1.0))
    assert pots.to_dict() == {"type": "potentials", "potentials": {"s": 0.0, "x": 1.0}}
    cuts = CutSetCertificate(cuts=(("a", "b"),), link_duals=(1.0, 0.0))
    text = json.dumps(cuts.to_dict())
    assert json.loads(text) == {"type": "cuts", "cuts": [["a", "b"]], "link_duals": [1.0, 0.0]}


def test_result_without_certificate_has_none_in_its_typed_form() -> None:
    net = _reference("diamond-fibre")
    res = dataclasses.replace(network_bounds(net, [("A", "B")]), certificate=None)
    data = res.to_dict(net)
    assert data["certificate"] == {} and data["bottleneck"] is None
    assert all(rec["dual"] is None for rec in data["links"])
    assert find_bottleneck(net, res) is None


@pytest.mark.parametrize("usage", [Usage.flooding(), Usage.frequency()])
def test_lp_dual_objective_is_a_typed_field(usage: Usage) -> None:
    net = _reference("k23")
    demands = [(net.node_index("a"), net.node_index("b")),
               (net.node_index("u1"), net.node_index("u2"))]
    low = lower_bound(net.link_arrays("lower"), demands, usage, objective="total")
    up = upper_bound(net.link_arrays("upper"), demands, usage, objective="total")
    for sol in (low, up):
        assert sol.dual_objective == pytest.approx(sol.value, rel=1e-7)
        assert "dual_objective" not in sol.info
    relax = per_demand_cut_relaxation(net.link_arrays("upper"), demands, usage,
                                      objective="total")
    assert relax.dual_objective is None
