"""Loading real topologies: zero-length links, non-geographic coordinates, very long links,
broken files (phantom nodes, duplicate ids, encodings), per-link records and bottlenecks."""

from __future__ import annotations

import itertools
import json
import math
from pathlib import Path

import networkx as nx
import pytest

from qinternet.errors import InvalidParameterError
from qinternet.networks import (
    CutSetCertificate,
    Network,
    Node,
    Usage,
    load_network,
    network_bounds,
)
from qinternet.networks._physics import (
    MAX_UNAMPLIFIED_SPAN_KM,
    NEGLIGIBLE_CAPACITY_EBITS_PER_USE,
    great_circle_km,
)
from qinternet.networks.network import find_bottleneck

# Topology Zoo networks of topohub 1.5 with links of 'dist' 0 (co-located points of presence).
ZERO_LENGTH_TOPOZOO = [
    "Aarnet", "Aconet", "Arpanet19706", "Arpanet19719", "Arpanet19723", "Arpanet19728",
    "Bellsouth", "Belnet2003", "Belnet2004", "Belnet2005", "Belnet2006", "Belnet2007",
    "Belnet2008", "Belnet2009", "Belnet2010", "BtEurope", "BtNorthAmerica", "Cynet", "Dfn",
    "Garr199904", "Garr199905", "Garr200109", "Garr200112", "Garr200212", "Garr200404",
    "Garr200902", "Garr200908", "Garr200909", "Garr200912", "Garr201001", "Garr201003",
    "Garr201004", "Garr201005", "Garr201007", "Garr201008", "Garr201010", "Garr201012",
    "Garr201101", "Garr201102", "Garr201103", "Garr201104", "Garr201105", "Garr201107",
    "Garr201108", "Garr201109", "Garr201110", "Garr201111", "Garr201112", "Garr201201",
    "Grena", "Heanet", "HurricaneElectric", "Iij", "Ilan", "Internode", "Janetbackbone",
    "Janetlense", "Karen", "KentmanFeb2008", "KentmanJul2005", "Marnet", "Myren", "Oxford",
    "Quest", "Rediris", "Restena", "Rhnet", "Sinet", "SwitchL3", "TataNld", "Uninett2010",
    "Uninett2011", "VtlWavenet2008", "VtlWavenet2011", "WideJpn",
]

# SNDlib networks of topohub 1.5 whose node positions are drawing coordinates, not lon/lat.
PIXEL_SNDLIB = ["atlanta", "di-yuan", "france", "giul39", "newyork", "norway", "pioro40",
                "sun", "ta1", "ta2", "zib54", "india35"]


def _write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def _colocated() -> nx.MultiGraph:
    """A and A2 are co-located (0 km); C hangs off both."""
    g = nx.MultiGraph()
    g.add_node("A", label="Alpha")
    g.add_node("A2", label="Alpha-2")
    g.add_node("C", label="Gamma")
    g.add_edge("A", "A2", length_km=0.0)
    g.add_edge("A", "C", length_km=20.0)
    g.add_edge("A2", "C", length_km=30.0)
    return g


# ---- zero-length links -------------------------------------------------------------------

def test_zero_length_links_are_contracted_by_default() -> None:
    net = Network.from_networkx(_colocated())
    assert net.num_nodes == 2 and len(net.links) == 2
    merged = net.nodes[net.node_index("A")]
    assert merged.id == "A" and merged.name == "Alpha / Alpha-2"
    assert merged.merged_ids == ("A2",) and merged.merged_names == ("Alpha", "Alpha-2")
    # every original id and name resolves to the merged node
    assert {net.node_index(x) for x in ("A", "A2", "Alpha", "Alpha-2", "alpha-2")} == {0}
    assert [(link.u, link.v, link.key) for link in net.links] == [("A", "C", 0), ("A", "C", 1)]
    assert any("1 zero-length link(s) contracted" in n and "Alpha / Alpha-2" in n
               for n in net.notes)
    res = network_bounds(net, [("Alpha-2", "Gamma")], objective="total")
    assert res.upper == pytest.approx(sum(link.upper_ebits_per_use for link in net.links))
    assert res.demands == (("Alpha / Alpha-2", "Gamma"),)


def test_zero_length_error_mode_names_the_link() -> None:
    with pytest.raises(InvalidParameterError, match=r"length_km of link \('Alpha', 'Alpha-2', "
                                                    r"key 0\) must be > 0.*zero_length"):
        Network.from_networkx(_colocated(), zero_length="error")


def test_zero_length_minimum_km_lengthens_only_zero_links() -> None:
    net = Network.from_networkx(_colocated(), zero_length=0.5)
    assert net.num_nodes == 3
    assert [link.length_km for link in net.links] == [0.5, 20.0, 30.0]
    assert net.links[0].upper_ebits_per_use == pytest.approx(
        Network.from_networkx(nx.Graph([("x", "y", {"length_km": 0.5})])).links[0]
        .upper_ebits_per_use)
    assert any("given the minimum length 0.5 km" in n for n in net.notes)


@pytest.mark.parametrize("bad", ["merge", -1.0, 0.0, math.nan, True])
def test_bad_zero_length_option(bad: object) -> None:
    with pytest.raises(InvalidParameterError, match="zero_length"):
        Network.from_networkx(_colocated(), zero_length=bad)  # type: ignore[arg-type]


def test_links_with_direct_capacities_are_not_contracted() -> None:
    g = nx.MultiGraph()
    g.add_edge("A", "B", length_km=0.0, capacity_upper=2.0, capacity_lower=1.0)
    g.add_edge("A", "B", length_km=0.0, transmissivity=0.5)
    g.add_edge("B", "C", length_km=0.0, channel="dephasing", p=0.1)
    for mode in ("contract", "error", 3.0):
        net = Network.from_networkx(g, zero_length=mode)
        assert net.num_nodes == 3 and len(net.links) == 3 and net.notes == ()
        assert net.links[0].upper_ebits_per_use == 2.0


def test_chains_of_zero_links_merge_and_drop_links_between_merged_nodes() -> None:
    g = nx.MultiGraph()
    g.add_edge("P", "Q", length_km=0.0)
    g.add_edge("Q", "R", length_km=0.0)
    g.add_edge("P", "R", length_km=5.0)  # between two nodes that are merged: dropped
    g.add_edge("R", "S", length_km=10.0)
    net = Network.from_networkx(g)
    assert net.num_nodes == 2 and len(net.links) == 1
    assert net.nodes[0].merged_ids == ("Q", "R") and net.node_name(0) == "P / Q / R"
    assert net.links[0].u == "P" and net.links[0].v == "S"
    assert any("2 zero-length link(s)" in n and "1 other link(s) between merged nodes dropped"
               in n for n in net.notes)


def test_same_named_colocated_nodes_become_one_unambiguous_name() -> None:
    g = nx.MultiGraph()
    g.add_node(1, label="London")
    g.add_node(2, label="London")
    g.add_node(3, label="Paris")
    g.add_edge(1, 2, length_km=0.0)
    g.add_edge(2, 3, length_km=340.0)
    net = Network.from_networkx(g)
    assert net.node_name(net.node_index("London")) == "London"  # was ambiguous before
    assert net.node_index("2") == net.node_index("1")


def test_identical_coordinates_give_zero_estimated_lengths_that_are_contracted() -> None:
    g = nx.MultiGraph()
    for n, (lat, lon) in {"a": (52.0, 13.0), "b": (52.0, 13.0), "c": (50.0, 8.0)}.items():
        g.add_node(n, latitude=lat, longitude=lon)
    g.add_edges_from([("a", "b"), ("b", "c")])
    net = Network.from_networkx(g, estimate_lengths=True)
    assert net.num_nodes == 2 and len(net.links) == 1 and net.links[0].estimated_length
    with pytest.raises(InvalidParameterError, match="must be > 0"):
        Network.from_networkx(g, estimate_lengths=True, zero_length="error")


def test_merged_ids_must_not_collide_with_node_ids() -> None:
    with pytest.raises(InvalidParameterError, match="merged_ids"):
        Network(nodes=(Node(id="a", merged_ids=("b",)), Node(id="b")), links=())


@pytest.mark.parametrize("key", ZERO_LENGTH_TOPOZOO)
def test_every_topology_zoo_network_with_zero_length_links_loads(key: str) -> None:
    net = load_network(f"topohub:topozoo/{key}")
    assert all(link.length_km is not None and link.length_km > 0 for link in net.links)
    assert all(0 < link.upper_ebits_per_use < math.inf for link in net.links
               if link.length_km is not None and link.length_km < 700)
    assert any("zero-length link(s) contracted" in n for n in net.notes)


def test_topozoo_dfn_colocated_nodes() -> None:
    net = load_network("topohub:topozoo/Dfn")
    assert len({net.node_index(x) for x in ("ADH", "HUB", "TUB", "ZIB")}) == 1
    assert net.node_index("DES") == net.node_index("HAM")
    assert any(n.startswith("5 zero-length link(s) contracted: 2 group(s)") for n in net.notes)
    with pytest.raises(InvalidParameterError, match="length_km of link"):
        load_network("topohub:topozoo/Dfn", zero_length="error")
    lengthened = load_network("topohub:topozoo/Dfn", zero_length=0.1)
    assert sum(link.length_km == 0.1 for link in lengthened.links) == 5


# ---- coordinates that are not latitude/longitude ------------------------------------------

@pytest.mark.parametrize("key", PIXEL_SNDLIB)
def test_topohub_pixel_coordinates_are_refused_naming_network_and_node(key: str) -> None:
    with pytest.raises(InvalidParameterError, match="not longitude/latitude") as info:
        load_network(f"topohub:sndlib/{key}")
    message = str(info.value)
    assert f"sndlib/{key}" in message and "node '" in message and "haversine" in message


@pytest.mark.parametrize("key", ["sndlib/germany50", "sndlib/abilene", "sndlib/geant",
                                 "topozoo/Abilene", "backbone/europe", "gabriel/25/0"])
def test_geographic_and_gabriel_topohub_networks_still_load(key: str) -> None:
    net = load_network(f"topohub:{key}")
    assert all(link.upper_ebits_per_use > 0 for link in net.links
               if link.length_km is not None and link.length_km < 700)
    assert net.has_coordinates == (not key.startswith("gabriel"))


def _pixel_graph() -> nx.Graph:
    g = nx.Graph()
    g.add_node("N1", Latitude=248.0, Longitude=283.0)
    g.add_node("N2", Latitude=31.0, Longitude=56.0)
    return g


def test_out_of_range_coordinates_are_ignored_and_lengths_not_estimated_from_them() -> None:
    g = _pixel_graph()
    g.add_edge("N1", "N2", length_km=40.0)
    net = Network.from_networkx(g, name="pixels")
    assert not net.has_coordinates and net.links[0].length_km == 40.0
    assert any("coordinates ignored" in n and "'N1'" in n and "pixels" in n for n in net.notes)
    g2 = _pixel_graph()
    g2.add_edge("N1", "N2")
    with pytest.raises(InvalidParameterError, match=r"cannot be estimated.*'N1' of network "
                                                    r"'pixels'.*not latitude/longitude"):
        Network.from_networkx(g2, name="pixels", estimate_lengths=True)


@pytest.mark.parametrize(("lat", "lon"), [(91.0, 0.0), (0.0, -180.5), (math.nan, 0.0)])
def test_node_rejects_coordinates_outside_the_globe(lat: float, lon: float) -> None:
    with pytest.raises(InvalidParameterError, match="of node 'x' must be in"):
        Node(id="x", latitude=lat, longitude=lon)


def test_non_numeric_coordinate_names_the_node() -> None:
    g = nx.Graph()
    g.add_node("Berlin", Latitude="52.5N", Longitude=13.4)
    g.add_edge("Berlin", "Potsdam", length_km=30.0)
    with pytest.raises(InvalidParameterError, match="Latitude of node 'Berlin'"):
        Network.from_networkx(g)


# ---- links longer than an unamplified span ------------------------------------------------

def test_long_links_are_noted_with_the_longest_and_the_negligible_ones() -> None:
    g = nx.Graph()
    g.add_edge("A", "B", length_km=100.0)
    g.add_edge("B", "C", length_km=400.0)
    g.add_edge("C", "D", length_km=1560.0)
    g.add_edge("D", "E", length_km=20000.0)  # transmissivity 1e-4000: E_up underflows to 0
    net = Network.from_networkx(g)
    assert MAX_UNAMPLIFIED_SPAN_KM == 300.0 and NEGLIGIBLE_CAPACITY_EBITS_PER_USE == 1e-15
    (note,) = [n for n in net.notes if "longer than 300 km" in n]
    assert note.startswith("3 link(s) longer than 300 km")
    assert "D - E, 20000 km" in note and "2 of them have E_up below 1e-15" in note
    assert "1 exactly 0" in note
    short = Network.from_networkx(nx.Graph([("A", "B", {"length_km": 299.0})]))
    assert short.notes == ()


def test_real_network_with_long_links_has_a_note() -> None:
    net = load_network("topohub:topozoo/Bellcanada")
    (note,) = [n for n in net.notes if "longer than 300 km" in n]
    assert "Kamloops - Vernon" in note  # Topology Zoo places this 'Vernon' near New York


# ---- broken files: phantom nodes, duplicate ids, encodings --------------------------------

@pytest.mark.parametrize("key", ["edges", "links"])
def test_json_edge_to_undeclared_node_is_refused(tmp_path: Path, key: str) -> None:
    data = {"nodes": [{"id": "A"}, {"id": "B"}],
            key: [{"source": "A", "target": "B", "length_km": 5},
                  {"source": "A", "target": "Q", "length_km": 5}]}
    path = _write(tmp_path, "phantom.json", json.dumps(data))
    with pytest.raises(InvalidParameterError, match=r"edge #1 \('A' - 'Q'\) names node 'Q', "
                                                    r"which is not declared") as info:
        load_network(path)
    assert "phantom.json" in str(info.value)


@pytest.mark.parametrize("ids", [["A", "A"], [1, "1"]])
def test_json_duplicate_node_ids_are_refused(tmp_path: Path, ids: list[object]) -> None:
    data = {"nodes": [{"id": i} for i in ids] + [{"id": "B"}],
            "edges": [{"source": "B", "target": ids[0], "length_km": 5}]}
    with pytest.raises(InvalidParameterError, match=r"node id '(A|1)' is declared twice"):
        load_network(_write(tmp_path, "dup.json", json.dumps(data)))


def test_json_node_without_id_and_numeric_ids_named_as_strings(tmp_path: Path) -> None:
    bad = {"nodes": [{"name": "A"}], "edges": []}
    with pytest.raises(InvalidParameterError, match="node #0 has no 'id'"):
        load_network(_write(tmp_path, "noid.json", json.dumps(bad)))
    data = {"nodes": [{"id": 1}, {"id": 2}],
            "edges": [{"source": "1", "target": 2, "length_km": 5}]}
    net = load_network(_write(tmp_path, "ids.json", json.dumps(data)))
    assert net.num_nodes == 2 and (net.links[0].u, net.links[0].v) == ("1", "2")


GRAPHML = """<?xml version="1.0" encoding="{enc}"?>
<graphml xmlns="http://graphml.graphdrawing.org/xmlns">
<key id="d0" for="edge" attr.name="length_km" attr.type="double"/>
<key id="d1" for="node" attr.name="label" attr.type="string"/>
<graph edgedefault="undirected">
<node id="a"><data key="d1">{label}</data></node><node id="b"/>{extra_node}
<edge source="a" target="b"><data key="d0">5</data></edge>{extra_edge}
</graph></graphml>
"""


def test_graphml_edge_to_undeclared_node_and_duplicate_id_are_refused(tmp_path: Path) -> None:
    phantom = GRAPHML.format(enc="UTF-8", label="A", extra_node="",
                             extra_edge='<edge id="e9" source="a" target="zz"/>')
    with pytest.raises(InvalidParameterError, match=r"edge #1 \(id 'e9'\) \('a' - 'zz'\) "
                                                    r"names node 'zz'"):
        load_network(_write(tmp_path, "p.graphml", phantom))
    dup = GRAPHML.format(enc="UTF-8", label="A", extra_node='<node id="a"/>', extra_edge="")
    with pytest.raises(InvalidParameterError, match="node id 'a' is declared twice"):
        load_network(_write(tmp_path, "d.graphml", dup))


def test_graphml_latin1_with_and_without_declaration(tmp_path: Path) -> None:
    declared = GRAPHML.format(enc="ISO-8859-1", label="Zürich", extra_node="", extra_edge="")
    net = load_network(_write(tmp_path, "l1.graphml", declared, "latin-1"))
    assert net.node_name(0) == "Zürich"
    bare = declared.split("\n", 1)[1]  # no XML declaration: not valid UTF-8 -> Latin-1
    net = load_network(_write(tmp_path, "l2.graphml", bare, "latin-1"))
    assert net.node_name(0) == "Zürich"


GML = """graph [
  node [ id 0 label "Zürich" ]
  node [ id 1 label "Genève" ]
  node [ id 2 label "Bern" ]
  edge [ source 0 target 1 length_km 224 ]
  edge [ source 1 target 2 length_km 130 ]
{extra}]
"""


def test_gml_latin1_decodes_correctly(tmp_path: Path) -> None:
    net = load_network(_write(tmp_path, "ch.gml", GML.format(extra=""), "latin-1"))
    assert net.node_name(0) == "Zürich" and net.node_name(1) == "Genève"
    assert net.node_index("Zürich") == 0
    utf8 = load_network(_write(tmp_path, "ch8.gml", GML.format(extra=""), "utf-8-sig"))
    assert utf8.node_name(0) == "Zürich"


@pytest.mark.parametrize(("extra", "match"), [
    ("  edge [ source 2 target 9 length_km 5 ]\n", "edge #2 has undefined target 9"),
    ("  node [ id 1 label \"Twin\" ]\n", "node id 1 is duplicated"),
])
def test_gml_broken_files_name_the_edge_or_id(tmp_path: Path, extra: str, match: str) -> None:
    with pytest.raises(InvalidParameterError, match=match):
        load_network(_write(tmp_path, "bad.gml", GML.format(extra=extra)))


def test_json_with_byte_order_mark_and_latin1(tmp_path: Path) -> None:
    data = json.dumps({"nodes": [{"id": "A", "label": "Zürich"}, {"id": "B"}],
                       "edges": [{"source": "A", "target": "B", "length_km": 5}]},
                      ensure_ascii=False)
    assert load_network(_write(tmp_path, "bom.json", data, "utf-8-sig")).node_name(0) == "Zürich"
    assert load_network(_write(tmp_path, "l1.json", data, "latin-1")).node_name(0) == "Zürich"


# ---- per-link records and bottlenecks ------------------------------------------------------

def _diamond() -> Network:
    g = nx.MultiGraph()
    for u, v, km in [("A", "R1", 25), ("A", "R2", 50), ("R1", "B", 25), ("R2", "B", 25),
                     ("R1", "R2", 10)]:
        g.add_edge(u, v, length_km=km)
    return Network.from_networkx(g)


def test_min_cut_bottleneck_sums_to_the_upper_bound() -> None:
    net = _diamond()
    res = network_bounds(net, [("A", "B")])
    neck = find_bottleneck(net, res)
    assert neck is not None and neck.kind == "min cut"
    assert sum(net.links[e].upper_ebits_per_use for e in neck.links) == pytest.approx(res.upper)
    data = res.to_dict(net)
    assert data["bottleneck"]["links"] == list(neck.links)
    assert [rec["in_bottleneck"] for rec in data["links"]] == [
        e in neck.links for e in range(len(net.links))]
    assert [rec["flow"] for rec in data["links"]] == data["link_flows"]
    assert data["links"][0]["endpoints"] == ["A", "R1"] and data["links"][0]["length_km"] == 25


def test_frequency_bottleneck_is_the_shortest_path() -> None:
    net = load_network("topohub:sndlib/germany50")
    res = network_bounds(net, [("Berlin", "Muenchen")], usage=Usage.frequency())
    neck = find_bottleneck(net, res)
    assert neck is not None and neck.kind == "shortest path"
    path = res.routes[0].path
    assert path is not None
    on_path = {frozenset(net.link_end_names(e)) for e in neck.links}
    assert on_path == {frozenset(p) for p in itertools.pairwise(path)}
    assert 1.0 / sum(1.0 / net.links[e].upper_ebits_per_use for e in neck.links) == \
        pytest.approx(res.upper, rel=1e-9)


def test_multi_demand_bottleneck_links_have_positive_duals() -> None:
    net = _diamond()
    res = network_bounds(net, [("A", "B"), ("R1", "R2")], objective="total")
    neck = find_bottleneck(net, res)
    assert neck is not None and neck.kind == "binding cuts" and neck.links
    assert isinstance(res.certificate, CutSetCertificate)
    duals = res.certificate.link_duals
    assert all(duals[e] > 0 for e in neck.links)
    records = res.to_dict(net)["links"]
    assert [r["dual"] for r in records] == pytest.approx(duals)


def test_disconnected_demand_has_an_empty_bottleneck() -> None:
    g = nx.Graph([("A", "B", {"transmissivity": 0.5}), ("C", "D", {"transmissivity": 0.5})])
    net = Network.from_networkx(g)
    neck = find_bottleneck(net, network_bounds(net, [("A", "D")]))
    assert neck is not None and neck.links == ()


def test_to_dict_without_network_is_unchanged_and_checks_the_network() -> None:
    net = _diamond()
    res = network_bounds(net, [("A", "B")])
    assert "links" not in res.to_dict() and "bottleneck" not in res.to_dict()
    other = Network.from_networkx(nx.Graph([("A", "B", {"length_km": 1.0})]))
    with pytest.raises(InvalidParameterError, match="must be the network of this result"):
        res.to_dict(other)


def test_great_circle_matches_topohub_dist_for_geographic_networks() -> None:
    """topohub's dist is the haversine of pos (radius 6372.8 km, rounded to 0.01 km)."""
    import topohub

    data = topohub.get("sndlib/germany50")
    pos = {n["id"]: n["pos"] for n in data["nodes"]}
    for e in data["edges"][:10]:
        (lon1, lat1), (lon2, lat2) = pos[e["source"]], pos[e["target"]]
        assert great_circle_km(lat1, lon1, lat2, lon2) == pytest.approx(e["dist"], rel=5e-4)


# ---- directed files: both directions stay links --------------------------------------------

DIRECTED_GRAPHML = """<?xml version="1.0" encoding="UTF-8"?>
<graphml xmlns="http://graphml.graphdrawing.org/xmlns">
<key id="d0" for="edge" attr.name="length_km" attr.type="double"/>
<graph edgedefault="directed">
<node id="a"/><node id="b"/>
<edge source="a" target="b"><data key="d0">5</data></edge>
<edge source="b" target="a"><data key="d0">7</data></edge>
</graph></graphml>
"""

DIRECTED_GML = """graph [
  directed 1
  node [ id 0 ]
  node [ id 1 ]
  edge [ source 0 target 1 length_km 5 ]
  edge [ source 1 target 0 length_km 7 ]
]
"""


@pytest.mark.parametrize(("name", "text"), [("d.graphml", DIRECTED_GRAPHML),
                                            ("d.gml", DIRECTED_GML)])
def test_directed_files_keep_both_directions_as_parallel_links(tmp_path: Path, name: str,
                                                               text: str) -> None:
    net = load_network(_write(tmp_path, name, text))
    assert sorted(link.length_km for link in net.links) == [5.0, 7.0]  # not merged into one
    assert [link.key for link in net.links] == [0, 1]


def test_directed_networkx_graph_keeps_both_directions() -> None:
    g = nx.DiGraph()
    g.add_edge("a", "b", length_km=5.0)
    g.add_edge("b", "a", length_km=7.0)
    net = Network.from_networkx(g)
    assert [link.length_km for link in net.links] == [5.0, 7.0]
