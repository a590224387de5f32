"""Issue 14 CLI: comma lists, --swap-order, new cut-offs; bounds --repeater-links."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from qinternet.cli.main import main
from qinternet.repeaters.chain import NestedChain, analyze_chain
from qinternet.repeaters.general_analysis import analyze_repeater_chain
from qinternet.repeaters.general_chain import ChainSegment, RepeaterChain


def _json(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, Any]:
    code = main([*args, "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert err == ""
    data: dict[str, Any] = json.loads(out)
    return data


def test_three_segment_list_matches_library(capsys: pytest.CaptureFixture[str]) -> None:
    data = _json(capsys, "repeater", "--p-gen", "0.1,0.2,0.15", "--p-swap", "0.5",
                 "--werner", "0.99", "--coherence-time", "100", "--cutoff", "7",
                 "--swap-order", "sequential")
    chain = RepeaterChain(segments=tuple(ChainSegment(p_gen=p, werner_w0=0.99)
                                         for p in (0.1, 0.2, 0.15)), p_swap=0.5,
                          coherence_time_steps=100.0, cutoff_steps=7, swap_order="sequential")
    ref = analyze_repeater_chain(chain)
    assert data["segments"] == 3 and data["swap_tree"] == "((0,1),2)"
    assert data["mean_waiting_time_steps"] == pytest.approx(ref.mean_waiting_time_steps,
                                                            rel=1e-12)
    assert data["secret_key_rate_bits_per_step"] == pytest.approx(
        ref.secret_key_rate_bits_per_step, rel=1e-12)


def test_single_value_with_levels_keeps_todays_output(capsys: pytest.CaptureFixture[str]
                                                      ) -> None:
    data = _json(capsys, "repeater", "--levels", "1", "--p-gen", "0.1", "--p-swap", "0.5",
                 "--cutoff", "5", "--coherence-time", "30", "--werner", "0.99")
    ref = analyze_chain(NestedChain(levels=1, p_gen=0.1, p_swap=0.5, werner_w0=0.99,
                                    coherence_time_steps=30, cutoff_steps=5))
    assert data["mean_waiting_time_steps"] == ref.mean_waiting_time_steps
    assert "swap_tree" not in data and data["p_gen"] == 0.1


def test_keys_of_nested_output_are_kept(capsys: pytest.CaptureFixture[str]) -> None:
    old = _json(capsys, "repeater", "--levels", "1", "--p-gen", "0.1", "--p-swap", "0.5")
    new = _json(capsys, "repeater", "--p-gen", "0.1,0.3", "--p-swap", "0.5",
                "--werner-cutoff", "0.5", "--run-time-cutoff", "200")
    assert set(old) <= set(new)


def test_optimise_fidelity_cutoff(capsys: pytest.CaptureFixture[str]) -> None:
    data = _json(capsys, "repeater", "--p-gen", "0.1,0.2", "--p-swap", "0.5", "--werner",
                 "0.99,0.98", "--coherence-time", "40", "--optimize-cutoff", "--cutoff-kind",
                 "fidelity")
    assert data["optimized_cutoff_kind"] == "fidelity"
    # a Werner parameter, not steps: named for its unit
    assert data["werner_cutoff"] == data["optimal_cutoff_werner"]
    assert "optimal_cutoff_steps" not in data
    assert data["secret_key_rate_bits_per_step"] >= data[
        "no_cutoff_secret_key_rate_bits_per_step"]


def test_unequal_segment_lengths_physical(capsys: pytest.CaptureFixture[str]) -> None:
    data = _json(capsys, "repeater", "--segment-length-km", "20,35,25", "--p-swap", "0.5",
                 "--memory-coherence-time-s", "0.1", "--dephasing-time", "300")
    assert data["total_length_km"] == 80.0
    assert data["segment_length_km"] == [20.0, 35.0, 25.0]
    assert data["qber_z"] < data["qber_x"]
    assert data["delivery_rate_ebits_per_s"] == pytest.approx(
        1.0 / data["mean_waiting_time_s"], rel=1e-12)


@pytest.mark.parametrize(("args", "option"), [
    (["--p-gen", "0.1,x", "--p-swap", "0.5"], "--p-gen"),
    (["--p-gen", "0.1,1.5", "--p-swap", "0.5"], "--p-gen"),
    (["--p-gen", "0.1,0.2", "--werner", "0.9,0.8,0.7", "--p-swap", "0.5"], "--p-gen"),
    (["--p-gen", "0.1,0.2,0.3", "--p-swap", "0.5", "--swap-order", "((0,2),1)"],
     "--swap-order"),
    (["--p-gen", "0.1", "--p-swap", "0.5"], "--levels"),
    (["--p-gen", "0.1,0.2", "--p-swap", "0.5", "--werner-cutoff", "2"], "--werner-cutoff"),
    (["--p-gen", "0.1,0.2", "--p-swap", "0.5", "--run-time-cutoff", "-4"],
     "--run-time-cutoff"),
    (["--p-gen", "0.1,0.2", "--p-swap", "0.5", "--werner", "0.9", "--werner-cutoff", "0.95"],
     "--werner-cutoff"),
    (["--levels", "2", "--p-gen", "0.1,0.2,0.3", "--p-swap", "0.5"], "--levels"),
])
def test_bad_input_exits_2_with_one_line(capsys: pytest.CaptureFixture[str], args: list[str],
                                         option: str) -> None:
    code = main(["repeater", *args, "--json"])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and option in err


def test_bounds_with_repeater_links(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    net = {"directed": False, "multigraph": True, "graph": {},
           "nodes": [{"id": "A"}, {"id": "B"}, {"id": "C"}],
           "edges": [{"source": "A", "target": "B", "length_km": 200, "key": 0},
                     {"source": "B", "target": "C", "length_km": 50, "key": 0}]}
    (tmp_path / "net.json").write_text(json.dumps(net))
    links = [{"u": "A", "v": "B", "p_gen": [0.1, 0.2], "clock_rate_hz": 1e4, "p_swap": 0.5}]
    (tmp_path / "rl.json").write_text(json.dumps(links))
    data = _json(capsys, "bounds", str(tmp_path / "net.json"), "--pair", "A", "C",
                 "--clock-rate-hz", "1e6", "--repeater-links", str(tmp_path / "rl.json"))
    chain = RepeaterChain(segments=(ChainSegment(p_gen=0.1), ChainSegment(p_gen=0.2)),
                          p_swap=0.5)
    delivered = 1e4 / analyze_repeater_chain(chain).mean_waiting_time_steps
    # A-C runs through the repeater link A-B (bottleneck) then B-C (50 km, 1e6 uses/s)
    assert data["usage"] == "budget"
    assert data["lower"] == pytest.approx(delivered, rel=1e-9)
    assert data["upper"] == pytest.approx(delivered, rel=1e-9)
    assert data["repeater_links"][0]["delivered_ebits_per_s"] == pytest.approx(delivered)
    code = main(["bounds", str(tmp_path / "net.json"), "--pair", "A", "C",
                 "--repeater-links", str(tmp_path / "rl.json")])
    _, err = capsys.readouterr()
    assert code == 2 and "--repeater-links" in err
    code = main(["bounds", str(tmp_path / "net.json"), "--pair", "A", "C", "--usage",
                 "frequency", "--clock-rate-hz", "1e6", "--repeater-links",
                 str(tmp_path / "rl.json")])
    _, err = capsys.readouterr()
    assert code == 2 and "--usage" in err and len(err.strip().splitlines()) == 1


def test_node_positions_give_segment_lengths(capsys: pytest.CaptureFixture[str]) -> None:
    by_pos = _json(capsys, "repeater", "--node-positions-km", "0,40,95,120", "--p-swap", "0.5")
    by_len = _json(capsys, "repeater", "--segment-length-km", "40,55,25", "--p-swap", "0.5")
    assert by_pos["segment_length_km"] == [40.0, 55.0, 25.0]
    assert by_pos["mean_waiting_time_s"] == by_len["mean_waiting_time_s"]


@pytest.mark.parametrize(("args", "option"), [
    (["--p-gen", "1e-7,1e-7,1e-7", "--p-swap", "0.1"], "--p-gen/--p-swap"),
    (["--p-swap", "0.5", "--swap-order", "sequential"], "--p-gen/--segment-length-km"),
    (["--node-positions-km", "0,40,30", "--p-swap", "0.5"], "--node-positions-km"),
    (["--node-positions-km", "0,40", "--p-gen", "0.1,0.2", "--p-swap", "0.5"],
     "--node-positions-km"),
    (["--p-gen", "0.1,0.2", "--p-swap", "0.5", "--cutoff-kind", "x", "--optimize-cutoff"],
     "--cutoff-kind"),
])
def test_more_bad_input_exits_2(capsys: pytest.CaptureFixture[str], args: list[str],
                                option: str) -> None:
    code = main(["repeater", *args])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and option in err and "Traceback" not in err


def test_bell_diagonal_and_dephasing_in_seconds(capsys: pytest.CaptureFixture[str]) -> None:
    data = _json(capsys, "repeater", "--segment-length-km", "30,40", "--p-swap", "0.5",
                 "--bell-diagonal", "0.9,0.02,0.03,0.05;0.95,0.01,0.01,0.03",
                 "--memory-dephasing-time-s", "0.02")
    seg = (ChainSegment(p_gen=10 ** (-0.6), bell_diagonal=(0.9, 0.02, 0.03, 0.05)),
           ChainSegment(p_gen=10 ** (-0.8), bell_diagonal=(0.95, 0.01, 0.01, 0.03)))
    step = data["attempt_time_s"]
    ref = analyze_repeater_chain(RepeaterChain(segments=seg, p_swap=0.5,
                                               dephasing_time_steps=0.01 / step))
    assert data["dephasing_time_s"] == pytest.approx(0.01)
    assert data["qber_x"] == pytest.approx(ref.qber_x, rel=1e-9)
    assert data["qber_z"] == pytest.approx(ref.qber_z, rel=1e-9)
    assert data["mean_bell_diagonal"] == pytest.approx(list(ref.mean_bell_diagonal), rel=1e-9)
