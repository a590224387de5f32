"""``qinternet bounds`` on real inputs: zero-length links, pixel coordinates, long links,
per-link JSON, bottleneck, clock rate, help for --pair/--group, solver failures, the plot."""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Any

import pytest

from qinternet.cli.main import main
from qinternet.errors import SolverError

FAR_PAIRS_BELLCANADA = ["--pair", "Victoria", "St John's", "--pair", "Los Angeles", "Halifax",
                        "--pair", "Seattle", "Sept -Iles",
                        "--group", "Vancouver", "Toronto", "Atlanta"]


@pytest.fixture
def colocated(tmp_path: Path) -> Path:
    """Alpha and Alpha-2 are co-located (a 0 km link); Gamma is 20/30 km away."""
    data = {"nodes": [{"id": "A", "label": "Alpha"}, {"id": "A2", "label": "Alpha-2"},
                      {"id": "C", "label": "Gamma"}],
            "edges": [{"source": "A", "target": "A2", "length_km": 0},
                      {"source": "A", "target": "C", "length_km": 20},
                      {"source": "A2", "target": "C", "length_km": 30}]}
    path = tmp_path / "colocated.json"
    path.write_text(json.dumps(data))
    return path


@pytest.fixture
def four_nodes(tmp_path: Path) -> Path:
    """A path A-B-C-D of short fibres plus one unused 1560 km link A-D."""
    data = {"nodes": [{"id": x} for x in "ABCD"],
            "edges": [{"source": "A", "target": "B", "length_km": 20},
                      {"source": "B", "target": "C", "length_km": 30},
                      {"source": "C", "target": "D", "length_km": 25},
                      {"source": "A", "target": "D", "length_km": 1560}]}
    path = tmp_path / "four.json"
    path.write_text(json.dumps(data))
    return path


def _ok(capsys: pytest.CaptureFixture[str], argv: list[str]) -> dict[str, Any]:
    code = main(["bounds", *argv, "--json"])
    out, err = capsys.readouterr()
    assert code == 0 and err == "", err
    data: dict[str, Any] = json.loads(out)
    return data


def _exit2(capsys: pytest.CaptureFixture[str], argv: list[str]) -> str:
    code = main(["bounds", *argv, "--json"])
    out, err = capsys.readouterr()
    assert code == 2 and out == "", (code, out, err)
    assert err.count("\n") == 1 and "Traceback" not in err, err
    return err


def _no_crash(capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    """Solved (exit 0, one JSON document) or a solver failure (exit 1, one line)."""
    code = main(["bounds", *argv, "--json"])
    out, err = capsys.readouterr()
    assert code in (0, 1), (code, err)
    assert "Traceback" not in err and err.count("\n") <= 1, err
    if code == 0:
        data = json.loads(out)
        assert data["lower"] <= data["upper"] * (1 + 1e-6)
        assert len(data["rates"]) == 4
    else:
        assert out == "" and err.startswith("qinternet: solver error: "), err


def test_help_lists_pair_group_and_the_new_options(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["bounds", "--help"])
    out, _ = capsys.readouterr()
    assert code == 0
    for text in ("--pair A B", "--group A B C ...", "--zero-length", "min-km:X",
                 "--clock-rate-hz", "ebits per second"):
        assert text in " ".join(out.split()), text


def test_zero_length_contracted_by_default_with_a_note(colocated: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    data = _ok(capsys, [str(colocated), "--pair", "Alpha-2", "Gamma"])
    assert data["demands"] == [["Alpha / Alpha-2", "Gamma"]]
    assert any("1 zero-length link(s) contracted" in n for n in data["notes"])
    assert len(data["links"]) == 2 and data["lower"] > 0


def test_zero_length_modes(colocated: Path, capsys: pytest.CaptureFixture[str]) -> None:
    err = _exit2(capsys, [str(colocated), "--pair", "Alpha", "Gamma", "--zero-length", "error"])
    assert "length_km of link ('Alpha', 'Alpha-2', key 0)" in err and "--zero-length" in err
    for value in ("min-km:0.5", "0.5"):
        data = _ok(capsys, [str(colocated), "--pair", "Alpha", "Alpha-2", "--zero-length", value])
        assert [rec["length_km"] for rec in data["links"]] == [0.5, 20, 30]
        assert any("minimum length 0.5 km" in n for n in data["notes"])
    for bad in ("merge", "min-km:0", "min-km:-1", "min-km:x", "nan"):
        assert "--zero-length" in _exit2(capsys, [str(colocated), "--pair", "Alpha", "Gamma",
                                                  "--zero-length", bad])


def test_a_pair_of_merged_nodes_is_refused_naming_the_option(
        colocated: Path, capsys: pytest.CaptureFixture[str]) -> None:
    err = _exit2(capsys, [str(colocated), "--pair", "Alpha", "Alpha-2"])
    assert "--pair" in err and "merged" in err and "min-km" in err
    err = _exit2(capsys, [str(colocated), "--group", "Alpha", "Gamma", "A2"])
    assert "--group" in err and "'Alpha' and 'A2'" in err


def test_topology_zoo_network_with_colocated_nodes_runs(capsys: pytest.CaptureFixture[str]) -> None:
    data = _ok(capsys, ["topohub:topozoo/Dfn", "--pair", "HUB", "FRA", "--pair", "DES", "MUE"])
    assert data["demands"][0][0] == "ADH / TUB / HUB / ZIB"
    assert any("5 zero-length link(s) contracted" in n for n in data["notes"])


def test_pixel_coordinates_exit_2_naming_network_and_node(
        capsys: pytest.CaptureFixture[str]) -> None:
    err = _exit2(capsys, ["topohub:sndlib/atlanta", "--pair", "N1", "N2"])
    assert "TOPOLOGY" in err and "sndlib/atlanta" in err and "node 'N1'" in err
    assert "not longitude/latitude" in err


def test_long_link_note_in_json_and_table(four_nodes: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    data = _ok(capsys, [str(four_nodes), "--pair", "A", "D"])
    assert any("1 link(s) longer than 300 km" in n and "A - D, 1560 km" in n
               for n in data["notes"])
    code = main(["bounds", str(four_nodes), "--pair", "A", "D"])
    out, _ = capsys.readouterr()
    assert code == 0 and "longer than 300 km" in " ".join(out.split())


def test_json_links_name_every_per_link_output(four_nodes: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    for extra in ([], ["--usage", "frequency"], ["--pair", "B", "D", "--objective", "total"]):
        data = _ok(capsys, [str(four_nodes), "--pair", "A", "C", *extra])
        links = data["links"]
        assert len(links) == len(data["link_flows"]) == 4  # old keys kept
        assert [r["index"] for r in links] == [0, 1, 2, 3]
        by_ends = {tuple(r["endpoints"]): r for r in links}
        assert set(by_ends) == {("A", "B"), ("A", "D"), ("B", "C"), ("C", "D")}
        assert by_ends[("A", "D")]["length_km"] == 1560
        assert by_ends[("A", "D")]["u"] == "A" and by_ends[("A", "D")]["key"] == 0
        assert [r["flow"] for r in links] == data["link_flows"]
        for r in links:
            assert r["upper_ebits_per_use"] >= r["lower_ebits_per_use"] > 0
        if data["link_usage"] is not None:
            assert [r["usage"] for r in links] == data["link_usage"]
        if "link_duals" in data["certificate"]:
            assert [r["dual"] for r in links] == data["certificate"]["link_duals"]
        neck = data["bottleneck"]
        assert neck["links"] and all(links[e]["in_bottleneck"] for e in neck["links"])
        assert sum(r["in_bottleneck"] for r in links) == len(neck["links"])


def test_single_pair_min_cut_bottleneck_in_json_and_table(
        four_nodes: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = _ok(capsys, [str(four_nodes), "--pair", "A", "C"])
    neck = data["bottleneck"]
    assert neck["type"] == "min cut" and neck["cuts"] == [["A", "B"]]  # B-C is the weakest
    assert sorted(data["links"][e]["endpoints"] for e in neck["links"]) == [["A", "D"],
                                                                           ["B", "C"]]
    assert sum(data["links"][e]["upper_ebits_per_use"] for e in neck["links"]) == \
        pytest.approx(data["upper"], rel=1e-12)
    code = main(["bounds", str(four_nodes), "--pair", "A", "C"])
    out, _ = capsys.readouterr()
    assert code == 0 and "Bottleneck of the upper bound: min cut" in out
    assert "A - D" in out and "B - C" in out


def test_clock_rate_gives_rates_per_second(four_nodes: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    data = _ok(capsys, [str(four_nodes), "--pair", "A", "C", "--pair", "B", "D",
                        "--clock-rate-hz", "1e9"])
    assert data["clock_rate_hz"] == 1e9
    assert data["lower_ebits_per_s"] == pytest.approx(data["lower"] * 1e9, rel=1e-12)
    assert data["upper_ebits_per_s"] == pytest.approx(data["upper"] * 1e9, rel=1e-12)
    assert data["rates_ebits_per_s"] == pytest.approx([r * 1e9 for r in data["rates"]])
    code = main(["bounds", str(four_nodes), "--pair", "A", "C", "--clock-rate-hz", "2e6"])
    out, _ = capsys.readouterr()
    assert code == 0 and "ebits per second" in out
    assert "clock_rate_hz" not in _ok(capsys, [str(four_nodes), "--pair", "A", "C"])
    for bad in ("0", "-5", "inf", "nan"):
        assert "--clock-rate-hz" in _exit2(capsys, [str(four_nodes), "--pair", "A", "C",
                                                    "--clock-rate-hz", bad])


def test_solver_failure_regression_four_nodes(four_nodes: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    _no_crash(capsys, [str(four_nodes), "--pair", "A", "C", "--pair", "B", "D",
                       "--pair", "A", "D", "--group", "A", "B", "C",
                       "--usage", "frequency", "--objective", "worst"])


@pytest.mark.parametrize("usage", ["frequency", "flooding"])
def test_solver_failure_regression_bellcanada(usage: str,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    _no_crash(capsys, ["topohub:topozoo/Bellcanada", *FAR_PAIRS_BELLCANADA,
                       "--usage", usage, "--objective", "worst"])


def test_solver_error_is_one_line_exit_1(four_nodes: Path, capsys: pytest.CaptureFixture[str],
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    import qinternet.networks as networks

    def fail(*args: object, **kwargs: object) -> None:
        raise SolverError("Empty", "cut LP (upper bound): HiGHS did not return an optimal\n"
                                   "solution")

    monkeypatch.setattr(networks, "network_bounds", fail)
    code = main(["bounds", str(four_nodes), "--pair", "A", "C", "--pair", "B", "D", "--json"])
    out, err = capsys.readouterr()
    assert code == 1 and out == "" and err.count("\n") == 1
    assert err.startswith("qinternet: solver error: cut LP") and "status: Empty" in err


def test_unexpected_crash_while_solving_is_one_line_exit_1(
        four_nodes: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    import qinternet.networks as networks

    def crash(*args: object, **kwargs: object) -> None:
        raise ZeroDivisionError("float division by zero")

    monkeypatch.setattr(networks, "network_bounds", crash)
    code = main(["bounds", str(four_nodes), "--pair", "A", "C", "--json"])
    out, err = capsys.readouterr()
    assert code == 1 and out == "" and err.count("\n") == 1 and "Traceback" not in err
    assert "ZeroDivisionError" in err and "float division by zero" in err


def test_warnings_while_solving_become_notes(four_nodes: Path,
                                             capsys: pytest.CaptureFixture[str],
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    import qinternet.networks as networks

    real = networks.network_bounds

    def noisy(*args: Any, **kwargs: Any) -> Any:
        warnings.warn("ill-conditioned LP", RuntimeWarning, stacklevel=2)
        return real(*args, **kwargs)

    monkeypatch.setattr(networks, "network_bounds", noisy)
    data = _ok(capsys, [str(four_nodes), "--pair", "A", "C"])  # _ok: stderr is empty
    assert "warning: ill-conditioned LP" in data["notes"]


def test_plot_has_demand_colours_ghz_bottleneck_and_width_legend(
        tmp_path: Path) -> None:
    from qinternet.networks import load_network, network_bounds
    from qinternet.plotting.networks import plot_network_bounds

    net = load_network("topohub:sndlib/germany50")
    res = network_bounds(net, [("Berlin", "Muenchen"), ("Hamburg", "Stuttgart"),
                               ("Berlin", "Hamburg", "Muenchen")])
    png = tmp_path / "map.png"
    fig = plot_network_bounds(net, res, png)
    assert png.stat().st_size > 10_000
    ax = fig.axes[0]
    legends = [child for child in ax.get_children()
               if type(child).__name__ == "Legend"]
    texts = [t.get_text() for leg in legends for t in leg.get_texts()]
    titles = [leg.get_title().get_text() for leg in legends]
    assert any(t.startswith("pair 0: Berlin - Muenchen") for t in texts)
    assert any(t.startswith("GHZ group 2: Berlin, Hamburg, Muenchen") for t in texts)
    assert any("bottleneck of the upper bound" in t for t in texts)
    assert any("ebits per network use" in t for t in titles)  # width legend with the unit
    assert "flooding usage" in ax.get_title() and "GHZ" in ax.get_title()
    labels = {t.get_text() for t in ax.texts}
    assert {"Berlin", "Muenchen", "Hamburg", "Stuttgart"} <= labels
    assert len(labels) <= 4 + 12  # large network: terminals and a few others only


def test_plot_into_a_missing_directory_exits_2_before_solving(
        four_nodes: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    err = _exit2(capsys, [str(four_nodes), "--pair", "A", "C",
                          "--plot", str(tmp_path / "no" / "such" / "map.png")])
    assert "--plot" in err and "does not exist" in err
