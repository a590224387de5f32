"""Network model and loaders: JSON (edges/links), GraphML, GML with duplicate edges, topohub."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import pytest

from conftest import load_reference
from qinternet.channels.capacities import plob_bound
from qinternet.errors import InvalidParameterError
from qinternet.networks import Network, load_network, network_bounds
from qinternet.networks._physics import great_circle_km

TOPOZOO_GML = """Creator "Topology Zoo Toolset"
Version "1.0"
graph [
  DateObtained "3/02/11"
  label "Toy"
  node [
    id 0
    label "Alpha"
    Latitude 52.52
    Longitude 13.40
  ]
  node [
    id 1
    label "Beta"
    Latitude 48.14
    Longitude 11.58
  ]
  node [
    id 2
    label "Gamma"
    Latitude 50.11
    Longitude 8.68
  ]
  edge [
    source 0
    target 1
    LinkLabel "10 Gbps"
  ]
  edge [
    source 0
    target 1
    LinkLabel "2.5 Gbps"
  ]
  edge [
    source 1
    target 2
  ]
]
"""


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("key", ["edges", "links"])
def test_node_link_json_with_edges_or_links_key(tmp_path: Path, key: str) -> None:
    data = dict(load_reference("networks")["graphs"]["diamond-fibre"])
    data[key] = data.pop("edges")
    net = load_network(_write(tmp_path, "d.json", json.dumps(data)))
    assert len(net.links) == 5 and net.num_nodes == 4
    res = network_bounds(net, [("A", "B")], objective="total")
    assert res.upper == pytest.approx(0.7004153481, rel=1e-9)


def test_json_duplicate_edges_become_parallel_links(tmp_path: Path) -> None:
    data = {"directed": False, "multigraph": False, "graph": {},
            "nodes": [{"id": "A"}, {"id": "B"}],
            "edges": [{"source": "A", "target": "B", "transmissivity": 0.5},
                      {"source": "A", "target": "B", "transmissivity": 0.75}]}
    net = load_network(_write(tmp_path, "p.json", json.dumps(data)))
    assert [link.key for link in net.links] == [0, 1]
    assert network_bounds(net, [("A", "B")]).upper == pytest.approx(3.0, rel=1e-12)


def test_graphml_multigraph_round_trip(tmp_path: Path) -> None:
    g = nx.MultiGraph()
    g.add_node("a", name="Amsterdam")
    g.add_node("b", name="Brussels")
    g.add_edge("a", "b", length_km=50.0)
    g.add_edge("a", "b", capacity_upper=2.0, capacity_lower=1.0)
    path = tmp_path / "n.graphml"
    nx.write_graphml(g, path)
    net = load_network(path)
    assert len(net.links) == 2
    res = network_bounds(net, [("Amsterdam", "Brussels")], objective="total")
    assert res.upper == pytest.approx(2.0 + float(plob_bound(0.1)), rel=1e-12)
    assert res.lower == pytest.approx(1.0 + float(plob_bound(0.1)), rel=1e-12)


def test_topology_zoo_gml_duplicate_edges_load_as_parallel_links(tmp_path: Path) -> None:
    path = _write(tmp_path, "Toy.gml", TOPOZOO_GML)
    with pytest.raises(InvalidParameterError, match=r"link \('Alpha', 'Beta', key 0\) has no "
                                                    r"usable physics: give length_km"):
        load_network(path)
    net = load_network(path, estimate_lengths=True, detour_factor=1.25)
    assert len(net.links) == 3
    ab = [link for link in net.links if {link.u, link.v} == {"0", "1"}]
    assert len(ab) == 2 and all(link.estimated_length for link in ab)
    expected_km = 1.25 * great_circle_km(52.52, 13.40, 48.14, 11.58)
    assert ab[0].length_km == pytest.approx(expected_km, rel=1e-12)
    res = network_bounds(net, [("Alpha", "Beta")], objective="total")
    assert res.upper == pytest.approx(2 * ab[0].upper_ebits_per_use, rel=1e-9)
    assert any("estimated" in note for note in res.notes)
    assert res.lengths_estimated and res.to_dict()["lengths_estimated"] is True
    assert net.node_index("gamma") == 2  # case-insensitive unique label


def test_gml_with_explicit_multigraph_0_still_keeps_duplicates(tmp_path: Path) -> None:
    text = TOPOZOO_GML.replace("graph [\n", "graph [\n  multigraph 0\n  directed 0\n", 1)
    net = load_network(_write(tmp_path, "Toy0.gml", text), estimate_lengths=True)
    assert len(net.links) == 3


def test_great_circle_distance_berlin_munich() -> None:
    # Berlin (52.52 N, 13.40 E) to Munich (48.14 N, 11.58 E): about 504 km.
    assert great_circle_km(52.52, 13.40, 48.14, 11.58) == pytest.approx(504.0, abs=3.0)


def test_topohub_key_loads_with_city_names_and_lengths() -> None:
    net = load_network("topohub:sndlib/polska")
    assert net.num_nodes == 12 and net.has_coordinates
    i = net.node_index("Warsaw")
    assert net.node_name(i) == "Warsaw"
    assert all(link.length_km is not None and link.length_km > 0 for link in net.links)
    res = network_bounds(net, [("Gdansk", "Warsaw")])
    assert 0 < res.lower <= res.upper


@pytest.mark.parametrize(
    ("name", "text", "match"),
    [
        ("bad.json", "{not json", "is not a valid JSON file"),
        ("bad2.json", "[1, 2]", "node-link"),
        ("bad.gml", "graph [ node [ id 0 ] edge [ source 0 target 7 ] ", "is not a valid GML"),
        ("bad.graphml", "<graphml><graph>", "is not a valid GRAPHML"),
        ("x.txt", "hello", "must end in"),
    ],
)
def test_malformed_files_raise_naming_the_file(tmp_path: Path, name: str, text: str,
                                              match: str) -> None:
    path = _write(tmp_path, name, text)
    with pytest.raises(InvalidParameterError, match=match) as info:
        load_network(path)
    assert name in str(info.value)


def test_missing_file_and_unknown_topohub_key() -> None:
    with pytest.raises(InvalidParameterError, match="not an existing file"):
        load_network("/nonexistent/net.json")
    with pytest.raises(InvalidParameterError, match="not a topohub key"):
        load_network("topohub:sndlib/nowhere")


def _graph(**attrs: object) -> nx.Graph:
    g = nx.Graph()
    g.add_edge("A", "B", **attrs)
    return g


def test_link_physics_variants() -> None:
    dep = Network.from_networkx(_graph(channel="depolarizing", p=0.1, dimension=2)).links[0]
    assert dep.channel is not None and dep.upper_ebits_per_use >= dep.lower_ebits_per_use > 0
    eta = Network.from_networkx(_graph(transmissivity=0.5)).links[0]
    assert eta.upper_ebits_per_use == pytest.approx(1.0, rel=1e-15)
    fib = Network.from_networkx(_graph(length_km=100.0, attenuation_db_per_km=0.16)).links[0]
    assert fib.upper_ebits_per_use == pytest.approx(float(plob_bound(10 ** -1.6)), rel=1e-12)
    alpha = Network.from_networkx(_graph(length_km=100.0), attenuation_db_per_km=0.16).links[0]
    assert alpha.upper_ebits_per_use == pytest.approx(fib.upper_ebits_per_use, rel=1e-15)


@pytest.mark.parametrize(
    ("attrs", "match"),
    [
        ({}, r"link \('A', 'B', key 0\) has no usable physics"),
        ({"capacity_upper": 1.0, "capacity_lower": 2.0}, "must be >= capacity_lower"),
        ({"capacity_upper": 1.0}, "needs both capacity_upper and capacity_lower"),
        ({"capacity_upper": 1.0, "capacity_lower": -1.0}, "must be >= 0"),
        ({"length_km": 0.0}, "infinite capacity"),
        ({"length_km": -5.0}, "must be >= 0"),
        ({"transmissivity": 1.0}, "transmissivity of link"),
        ({"channel": "warp-drive"}, "must be one of"),
        ({"channel": "depolarizing", "p": 2.0, "dimension": 2}, "of link"),
        ({"capacity_upper": "x", "capacity_lower": 1.0}, "must be a number"),
    ],
)
def test_bad_link_physics_names_the_link(attrs: dict[str, object], match: str) -> None:
    with pytest.raises(InvalidParameterError, match=match) as info:
        Network.from_networkx(_graph(**attrs), zero_length="error")
    assert "link" in str(info.value)


def test_estimate_lengths_needs_coordinates() -> None:
    with pytest.raises(InvalidParameterError, match="latitude/longitude"):
        Network.from_networkx(_graph(), estimate_lengths=True)


def test_node_names_resolve_and_errors_suggest_matches() -> None:
    g = nx.Graph()
    g.add_node(0, name="Berlin")
    g.add_node(1, name="Bern")
    g.add_node(2, name="Bern")
    g.add_edge(0, 1, transmissivity=0.5)
    g.add_edge(1, 2, transmissivity=0.5)
    net = Network.from_networkx(g)
    assert net.node_index("Berlin") == 0 and net.node_index("1") == 1 and net.node_index(2) == 2
    with pytest.raises(InvalidParameterError, match="did you mean 'Berlin'"):
        net.node_index("Berlinn")
    with pytest.raises(InvalidParameterError, match="name of several nodes"):
        net.node_index("Bern")


def test_bad_demands_and_weights() -> None:
    net = Network.from_networkx(_graph(transmissivity=0.5))
    with pytest.raises(InvalidParameterError, match="at least two nodes"):
        network_bounds(net, [("A",)])
    with pytest.raises(InvalidParameterError, match="must not repeat"):
        network_bounds(net, [("A", "A")])
    with pytest.raises(InvalidParameterError, match="non-empty"):
        network_bounds(net, [])
    with pytest.raises(InvalidParameterError, match="one weight per demand"):
        network_bounds(net, [("A", "B")], weights=[1.0, 2.0])
    with pytest.raises(InvalidParameterError, match="> 0 with objective 'worst'"):
        network_bounds(net, [("A", "B")], weights=[0.0])
    with pytest.raises(InvalidParameterError, match="must be >= 0"):
        network_bounds(net, [("A", "B")], objective="weighted", weights=[-1.0])
    with pytest.raises(InvalidParameterError, match="objective"):
        network_bounds(net, [("A", "B")], objective="best")  # type: ignore[arg-type]
    with pytest.raises(InvalidParameterError, match="not a node id or name"):
        network_bounds(net, [("A", "Z")])


def test_group_of_two_is_a_pair_and_multi_demand_disconnected_gives_zero() -> None:
    g = nx.Graph()
    g.add_edge("A", "B", transmissivity=0.5)
    g.add_edge("C", "D", transmissivity=0.75)
    net = Network.from_networkx(g)
    res = network_bounds(net, [("A", "C"), ("B", "D")], objective="total")
    assert res.lower == 0.0 and res.upper == 0.0 and res.rates == (0.0, 0.0)
    assert sum("no path" in n for n in res.notes) == 2
    res3 = network_bounds(net, [("A", "B", "C")], objective="total")
    assert res3.lower == 0.0 and res3.upper == 0.0
