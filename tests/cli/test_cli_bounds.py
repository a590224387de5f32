"""CLI contract of ``qinternet bounds``: JSON keys, pairs/groups, bad input (exit 2, one line)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import load_reference
from qinternet.cli.main import main
from qinternet.networks.results import CONTRACT_KEYS


@pytest.fixture
def diamond(tmp_path: Path) -> Path:
    path = tmp_path / "diamond.json"
    path.write_text(json.dumps(load_reference("networks")["graphs"]["diamond-fibre"]))
    return path


@pytest.fixture
def dumbbell(tmp_path: Path) -> Path:
    path = tmp_path / "dumbbell.json"
    path.write_text(json.dumps(load_reference("networks")["graphs"]["dumbbell"]))
    return path


def _json(capsys: pytest.CaptureFixture[str], argv: list[str]) -> dict:  # type: ignore[type-arg]
    code = main(argv)
    out, err = capsys.readouterr()
    assert code == 0, err
    assert err == ""
    return json.loads(out)  # exactly one JSON document, nothing else on stdout


def test_json_single_pair_has_contract_keys(diamond: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    data = _json(capsys, ["bounds", str(diamond), "--pair", "A", "B", "--json"])
    assert set(CONTRACT_KEYS) <= set(data)
    assert data["usage"] == "flooding" and data["unit"] == "ebits per network use"
    assert data["objective"] == "worst" and data["upper_certified"] is True
    assert data["upper"] == pytest.approx(0.7004153481, rel=1e-9)  # reference case R4-U2
    assert data["single_path_upper"] == pytest.approx(0.5484122546, rel=1e-9)
    assert data["rates"] == [pytest.approx(data["lower"])]
    assert all(set(r) == {"demand", "rate", "path"} for r in data["routes"])
    assert sum(r["rate"] for r in data["routes"]) == pytest.approx(data["lower"], rel=1e-9)


def test_json_frequency_unit_and_value(diamond: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = _json(capsys, ["bounds", str(diamond), "--pair", "A", "B", "--usage", "frequency",
                          "--json"])
    assert data["unit"] == "ebits per channel use"
    assert data["lower"] == pytest.approx(0.2742061273, rel=1e-9)  # reference case R4-U1


def test_json_pairs_and_group_mixed(dumbbell: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = _json(capsys, ["bounds", str(dumbbell), "--pair", "A1", "B1", "--group", "A2", "B2",
                          "B1", "--json"])
    assert len(data["rates"]) == 2 and data["lower"] <= data["upper"] * (1 + 1e-9)
    assert data["single_path_lower"] is None
    kinds = {("path" in r, "tree" in r) for r in data["routes"]}
    assert kinds <= {(True, False), (False, True)}
    assert any("tree" in r for r in data["routes"] if r["demand"] == 1)


def test_weighted_objective_reference_r6(dumbbell: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    data = _json(capsys, ["bounds", str(dumbbell), "--pair", "A1", "B1", "--pair", "A2", "B2",
                          "--objective", "weighted", "--weights", "2,1", "--json"])
    assert data["lower"] == pytest.approx(5.0, rel=1e-7)  # reference case R6-U2-WEIGHTED
    assert data["upper"] == pytest.approx(5.0, rel=1e-7)


def test_group_comma_form(dumbbell: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a = _json(capsys, ["bounds", str(dumbbell), "--group", "A1,B1,A2", "--json"])
    b = _json(capsys, ["bounds", str(dumbbell), "--group", "A1", "B1", "A2", "--json"])
    assert a["lower"] == pytest.approx(b["lower"]) and a["upper"] == pytest.approx(b["upper"])


def test_table_output_and_plot(diamond: Path, tmp_path: Path,
                               capsys: pytest.CaptureFixture[str]) -> None:
    png = tmp_path / "flows.png"
    code = main(["bounds", str(diamond), "--pair", "A", "B", "--plot", str(png)])
    out, err = capsys.readouterr()
    assert code == 0 and err == ""
    assert "ebits per network use" in out and "A - R1" in out.replace("A - R2", "A - R1")
    assert png.stat().st_size > 1000


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--pair", "A", "Nowhere"], "--pair"),
        (["--group", "A", "B", "Zed"], "--group"),
        (["--pair", "A"], "--pair"),
        (["--pair", "A", "B", "--usage", "sometimes"], "--usage"),
        (["--pair", "A", "B", "--objective", "best"], "--objective"),
        (["--pair", "A", "B", "--weights", "1,2"], "--weights"),
        (["--pair", "A", "B", "--weights", "x"], "--weights"),
        (["--pair", "A", "B", "--objective", "weighted", "--weights", "-1"], "--weights"),
        (["--pair", "A", "B", "--frobnicate"], "--frobnicate"),
        ([], "--pair/--group"),
        (["--pair", "A", "A"], "--pair/--group"),
        (["--pair", "A", "B", "--detour-factor", "0"], "--detour-factor"),
    ],
)
def test_bad_input_exits_2_with_one_line(diamond: Path, capsys: pytest.CaptureFixture[str],
                                         args: list[str], needle: str) -> None:
    code = main(["bounds", str(diamond), *args, "--json"])
    out, err = capsys.readouterr()
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1 and needle in err, err


@pytest.mark.parametrize(
    ("name", "text"),
    [("broken.json", "{nope"), ("broken.gml", "graph [ node [ id 0 "), ("nolinks.json",
     json.dumps({"nodes": [{"id": "A"}, {"id": "B"}], "edges": [{"source": "A", "target": "B"}]}))],
)
def test_malformed_file_exits_2_naming_it(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                          name: str, text: str) -> None:
    path = tmp_path / name
    path.write_text(text)
    code = main(["bounds", str(path), "--pair", "A", "B"])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert err.count("\n") == 1
    assert name in err or "link ('A', 'B', key 0)" in err


def test_missing_topology_file_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["bounds", "/no/such/file.json", "--pair", "A", "B"])
    _, err = capsys.readouterr()
    assert code == 2 and err.count("\n") == 1 and "TOPOLOGY" in err


def test_no_path_is_zero_not_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = {"nodes": [{"id": x} for x in "ABCD"],
            "edges": [{"source": "A", "target": "B", "transmissivity": 0.5},
                      {"source": "C", "target": "D", "transmissivity": 0.5}]}
    path = tmp_path / "two.json"
    path.write_text(json.dumps(data))
    out = _json(capsys, ["bounds", str(path), "--pair", "A", "D", "--json"])
    assert out["lower"] == 0.0 and out["upper"] == 0.0 and out["rates"] == [0.0]
    assert any("no path" in note for note in out["notes"])


def test_topology_zoo_gml_needs_estimate_lengths(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    nodes = "".join(
        f'  node [\n    id {i}\n    label "{name}"\n    Latitude {lat}\n    Longitude {lon}\n  ]\n'
        for i, (name, lat, lon) in enumerate([("Alpha", 52.52, 13.40), ("Beta", 48.14, 11.58),
                                              ("Gamma", 50.11, 8.68)])
    )
    edges = "".join(f"  edge [\n    source {u}\n    target {v}\n  ]\n"
                    for u, v in [(0, 1), (0, 1), (1, 2)])  # duplicate edge, no multigraph key
    path = tmp_path / "Toy.gml"
    path.write_text(f"graph [\n{nodes}{edges}]\n")
    code = main(["bounds", str(path), "--pair", "Alpha", "Gamma", "--json"])
    out, err = capsys.readouterr()
    assert code == 2 and out == "" and err.count("\n") == 1
    assert "no usable physics" in err and "--estimate-lengths" in err
    data = _json(capsys, ["bounds", str(path), "--pair", "Alpha", "Gamma", "--estimate-lengths",
                          "--detour-factor", "1.3", "--json"])
    assert data["lower"] > 0 and any("estimated" in n for n in data["notes"])
    assert data["routes"][0]["path"] == ["Alpha", "Beta", "Gamma"]
