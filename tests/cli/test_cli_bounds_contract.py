"""CLI contract of ``qinternet bounds`` (issue 3, item 8): the parts not covered elsewhere.

Node names (id or unique label), ``--pair``/``--group`` mixing, defaults, ``--weights``
semantics for each objective, JSON keys and route shapes, bad input (exit 2, one stderr line),
a demand without a path (rate 0 with a note, not an error).
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

import pytest

from conftest import load_reference
from qinternet.cli.main import main


@pytest.fixture
def dumbbell(tmp_path: Path) -> Path:
    """Reference graph of R6: pairs (A1, B1), (A2, B2) share a bottleneck."""
    path = tmp_path / "dumbbell.json"
    path.write_text(json.dumps(load_reference("networks")["graphs"]["dumbbell"]))
    return path


@pytest.fixture
def labelled(tmp_path: Path) -> Path:
    """Numeric ids with city labels; 'Twin' labels two nodes; node 5 is isolated."""
    nodes = [{"id": 1, "label": "Alpha"}, {"id": 2, "label": "Beta"},
             {"id": 3, "label": "Gamma"}, {"id": 4, "label": "Twin"},
             {"id": 5, "label": "Twin"}, {"id": 6, "label": "Island"}]
    edges = [{"source": 1, "target": 2, "capacity_upper": 2.0, "capacity_lower": 1.5},
             {"source": 2, "target": 3, "capacity_upper": 1.0, "capacity_lower": 1.0},
             {"source": 1, "target": 3, "capacity_upper": 1.0, "capacity_lower": 0.5},
             {"source": 3, "target": 4, "capacity_upper": 3.0, "capacity_lower": 3.0},
             {"source": 4, "target": 5, "capacity_upper": 1.0, "capacity_lower": 1.0}]
    path = tmp_path / "labelled.json"
    path.write_text(json.dumps({"nodes": nodes, "edges": edges}))
    return path


def _run(capsys: pytest.CaptureFixture[str], argv: list[str]) -> dict[str, Any]:
    code = main(["bounds", *argv, "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert err == ""
    data: dict[str, Any] = json.loads(out)  # exactly one JSON document on stdout
    return data


def _fails(capsys: pytest.CaptureFixture[str], argv: list[str]) -> str:
    code = main(["bounds", *argv, "--json"])
    out, err = capsys.readouterr()
    assert code == 2, (code, out, err)
    assert out == ""
    assert err.count("\n") == 1 and "Traceback" not in err, err
    return err


def test_nodes_by_id_or_unique_label_give_the_same_result(
        labelled: Path, capsys: pytest.CaptureFixture[str]) -> None:
    by_id = _run(capsys, [str(labelled), "--pair", "1", "3", "--group", "1", "2", "3"])
    by_name = _run(capsys, [str(labelled), "--pair", "Alpha", "Gamma",
                            "--group", "Alpha", "Beta", "Gamma"])
    for key in ("lower", "upper", "rates"):
        assert by_id[key] == pytest.approx(by_name[key], rel=1e-12)
    assert by_id["demands"] == [["Alpha", "Gamma"], ["Alpha", "Beta", "Gamma"]]
    assert by_id["routes"] == by_name["routes"]  # routes are named by label


def test_ambiguous_or_unknown_names_exit_2(labelled: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    err = _fails(capsys, [str(labelled), "--pair", "Alpha", "Twin"])
    assert "--pair" in err and "Twin" in err and "id" in err
    assert _run(capsys, [str(labelled), "--pair", "Alpha", "4"])["lower"] > 0  # the id works
    err = _fails(capsys, [str(labelled), "--group", "Alpha", "Beta", "Atlantis"])
    assert "--group" in err and "Atlantis" in err


def test_defaults_are_flooding_and_worst(dumbbell: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    default = _run(capsys, [str(dumbbell), "--pair", "A1", "B1", "--pair", "A2", "B2"])
    explicit = _run(capsys, [str(dumbbell), "--pair", "A1", "B1", "--pair", "A2", "B2",
                             "--usage", "flooding", "--objective", "worst"])
    assert default["usage"] == "flooding" and default["objective"] == "worst"
    assert default["unit"] == "ebits per network use"
    assert default["lower"] == pytest.approx(1.5, rel=1e-9)  # reference R6-U2-WORST
    assert default["lower"] == explicit["lower"] and default["upper"] == explicit["upper"]


@pytest.mark.parametrize(
    ("usage", "objective", "weights", "lower"),
    [("flooding", "weighted", "2,1", 5.0),          # R6-U2-WEIGHTED: max 2 R1 + R2
     ("frequency", "weighted", "2,1", 4.0 / 3.0),   # R6-U1-WEIGHTED
     ("flooding", "worst", "1,2", 1.0),             # R6-U2-WORST-D12: R_i >= d_i T
     ("frequency", "worst", "1,2", 2.0 / 7.0),      # R6-U1-WORST-D12
     ("flooding", "total", "7,0.5", 3.0),           # R6-U2-TOTAL: weights ignored
     ("frequency", "total", "7,0.5", 1.0)],         # R6-U1-TOTAL
)
def test_weights_semantics_per_objective(dumbbell: Path, capsys: pytest.CaptureFixture[str],
                                         usage: str, objective: str, weights: str,
                                         lower: float) -> None:
    data = _run(capsys, [str(dumbbell), "--pair", "A1", "B1", "--pair", "A2", "B2",
                         "--usage", usage, "--objective", objective, "--weights", weights])
    assert data["lower"] == pytest.approx(lower, rel=1e-7)
    assert data["upper"] == pytest.approx(lower, rel=1e-7)  # two pairs: flow = cut (Hu)
    w = [float(x) for x in weights.split(",")]
    rates = data["rates"]
    if objective == "weighted":
        assert w[0] * rates[0] + w[1] * rates[1] == pytest.approx(data["lower"], rel=1e-7)
    elif objective == "worst":
        assert min(r / d for r, d in zip(rates, w, strict=True)) == pytest.approx(
            data["lower"], rel=1e-7)
    else:
        assert sum(rates) == pytest.approx(data["lower"], rel=1e-7)


@pytest.mark.parametrize("usage", ["flooding", "frequency"])
def test_json_keys_and_route_shapes(labelled: Path, capsys: pytest.CaptureFixture[str],
                                    usage: str) -> None:
    data = _run(capsys, [str(labelled), "--pair", "Alpha", "Gamma",
                         "--group", "Alpha", "Beta", "Gamma", "--usage", usage,
                         "--objective", "total"])
    for key in ("usage", "unit", "objective", "lower", "upper", "upper_certified",
                "upper_method", "rates", "routes"):
        assert key in data
    assert data["unit"] == {"flooding": "ebits per network use",
                            "frequency": "ebits per channel use"}[usage]
    assert data["upper_certified"] is True and data["upper_method"].startswith("exact cut LP")
    assert isinstance(data["upper_method"], str)
    edges = {frozenset(e) for e in (("Alpha", "Beta"), ("Beta", "Gamma"), ("Alpha", "Gamma"))}
    per_demand = [0.0, 0.0]
    for route in data["routes"]:
        per_demand[route["demand"]] += route["rate"]
        if route["demand"] == 0:
            assert set(route) == {"demand", "rate", "path"}
            path = route["path"]
            assert {path[0], path[-1]} == {"Alpha", "Gamma"}
            assert all(frozenset(h) in edges for h in itertools.pairwise(path))
        else:
            assert set(route) == {"demand", "rate", "tree"}
            tree = route["tree"]
            assert all(isinstance(e, list) and len(e) == 2 for e in tree)
            assert all(frozenset(e) in edges for e in tree)
            assert {x for e in tree for x in e} == {"Alpha", "Beta", "Gamma"}
            assert len(tree) == 2  # a spanning tree of the three terminals
    assert per_demand == pytest.approx(data["rates"], rel=1e-9)


def test_single_pair_adds_single_path_values(labelled: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    flood = _run(capsys, [str(labelled), "--pair", "Alpha", "Gamma"])
    # widest path: Alpha-Beta-Gamma with bottleneck min(1.5, 1) = 1 (R_lo), min(2, 1) = 1 (E_up)
    assert flood["single_path_lower"] == pytest.approx(1.0, rel=1e-12)
    assert flood["single_path_upper"] == pytest.approx(1.0, rel=1e-12)
    assert flood["lower"] == pytest.approx(1.5, rel=1e-9)  # max-flow 1 + 0.5
    assert flood["upper"] == pytest.approx(2.0, rel=1e-9)  # min-cut 1 + 1
    freq = _run(capsys, [str(labelled), "--pair", "Alpha", "Gamma", "--usage", "frequency"])
    # under frequency the best single path is the multipath value: 1 / min(1/1.5 + 1, 2)
    assert freq["single_path_lower"] == pytest.approx(0.6, rel=1e-9)
    assert freq["lower"] == pytest.approx(0.6, rel=1e-9)
    assert freq["single_path_upper"] == pytest.approx(freq["upper"], rel=1e-9)
    assert freq["upper"] == pytest.approx(1.0, rel=1e-9)  # 1 / min(1/2 + 1, 1)


def test_a_group_of_two_is_a_pair(labelled: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pair = _run(capsys, [str(labelled), "--pair", "Alpha", "Gamma", "--objective", "total"])
    group = _run(capsys, [str(labelled), "--group", "Alpha", "Gamma", "--objective", "total"])
    assert group["lower"] == pytest.approx(pair["lower"], rel=1e-9)
    assert group["upper"] == pytest.approx(pair["upper"], rel=1e-9)


@pytest.mark.parametrize("objective", ["total", "worst", "weighted"])
def test_demand_without_path_has_rate_zero_among_others(
        labelled: Path, capsys: pytest.CaptureFixture[str], objective: str) -> None:
    data = _run(capsys, [str(labelled), "--pair", "Alpha", "Gamma", "--pair", "Alpha", "Island",
                         "--objective", objective])
    assert data["rates"][1] == 0.0
    assert any("Island" in n and "rate is 0" in n for n in data["notes"])
    assert all(r["demand"] == 0 for r in data["routes"])
    if objective == "worst":
        assert data["lower"] == 0.0 and data["upper"] == 0.0
    else:
        assert data["lower"] == pytest.approx(1.5, rel=1e-9)  # pair 0 alone
        assert data["upper"] == pytest.approx(2.0, rel=1e-9)


@pytest.mark.parametrize(
    ("args", "needle"),
    [(["--pair", "Alpha", "Gamma", "--pair", "Beta", "Gamma", "--weights", "1"], "--weights"),
     (["--pair", "Alpha", "Gamma", "--weights", "1,2"], "--weights"),
     (["--pair", "Alpha", "Gamma", "--objective", "worst", "--weights", "0"], "--weights"),
     (["--pair", "Alpha", "Gamma", "--usage", "budget"], "--usage"),
     (["--pair", "Alpha", "Gamma", "--objective", "maxmin"], "--objective"),
     (["--group", "Alpha"], "--group"),
     (["--pair", "Alpha"], "--pair"),
     (["--pair", "Alpha", "Gamma", "Beta"], "Beta"),
     (["--group", "Alpha", "Beta", "Alpha"], "--pair/--group")],
)
def test_bad_options_exit_2_with_one_line(labelled: Path, capsys: pytest.CaptureFixture[str],
                                          args: list[str], needle: str) -> None:
    err = _fails(capsys, [str(labelled), *args])
    assert needle in err, err


def test_malformed_topology_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"nodes": [{"id": "A"}], "edges": [{"source": "A"}]}))
    err = _fails(capsys, [str(bad), "--pair", "A", "B"])
    assert "bad.json" in err or "TOPOLOGY" in err
    err = _fails(capsys, ["topohub:no/such-network", "--pair", "A", "B"])
    assert "no/such-network" in err
