"""CLI contract of ``qinternet repeater``: one JSON document, contract keys, bad input exit 2."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from qinternet.cli.main import main

CONTRACT = ("mean_waiting_time_steps", "mean_werner", "secret_key_rate_bits_per_step",
            "secret_key_rate_six_state_bits_per_step", "coverage", "mean_fidelity",
            "key_protocol")
PHYSICAL = ("mean_waiting_time_s", "secret_key_rate_bits_per_s", "plob_bits_per_s",
            "attempt_time_s", "clock_rate_hz", "total_length_km", "plob_bits_per_use")


def _json(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, Any]:
    code = main(["repeater", *args, "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert err == ""
    data: dict[str, Any] = json.loads(out)  # exactly one document
    return data


def test_json_contract_keys_k1(capsys: pytest.CaptureFixture[str]) -> None:
    data = _json(capsys, "--levels", "1", "--p-gen", "0.1", "--p-swap", "0.5", "--cutoff", "5",
                 "--coherence-time", "30", "--werner", "0.99")
    assert set(CONTRACT) <= set(data)
    assert data["mean_waiting_time_steps"] == pytest.approx(41.50234495017, rel=1e-9)
    assert data["mean_werner"] == pytest.approx(0.90430968869563, rel=1e-9)
    assert data["secret_key_rate_bits_per_step"] == pytest.approx(0.010738099831, rel=1e-6)
    assert data["secret_key_rate_six_state_bits_per_step"] == pytest.approx(0.0123792, rel=1e-5)
    assert data["coverage"] > 1 - 1e-12
    assert data["warnings"] == []


def test_defaults_and_per_level_cutoffs(capsys: pytest.CaptureFixture[str]) -> None:
    data = _json(capsys, "--levels", "3", "--p-gen", "0.1", "--p-swap", "0.5",
                 "--cutoffs", "16,31,55", "--coherence-time", "400", "--werner", "0.98")
    assert data["cutoff_steps"] == [16, 31, 55]
    assert data["mean_waiting_time_steps"] == pytest.approx(471.97133, rel=1e-6)
    plain = _json(capsys, "--levels", "2", "--p-gen", "0.1", "--p-swap", "1")
    assert plain["werner_w0"] == 1.0 and plain["mean_werner"] == pytest.approx(1.0)
    assert plain["coherence_time_steps"] is None


def test_six_state_flag(capsys: pytest.CaptureFixture[str]) -> None:
    data = _json(capsys, "--levels", "1", "--p-gen", "0.1", "--p-swap", "0.5", "--cutoff", "5",
                 "--coherence-time", "30", "--werner", "0.99", "--six-state")
    assert data["key_protocol"] == "six-state"
    assert data["secret_key_rate_bits_per_step"] == data[
        "secret_key_rate_six_state_bits_per_step"]


def test_optimize_cutoff_k3(capsys: pytest.CaptureFixture[str]) -> None:
    data = _json(capsys, "--levels", "1", "--p-gen", "0.1", "--p-swap", "0.5",
                 "--coherence-time", "30", "--werner", "0.99", "--optimize-cutoff")
    assert data["optimal_cutoff_steps"] == [4]
    assert data["cutoff_steps"] == [4]
    assert data["secret_key_rate_bits_per_step"] == pytest.approx(0.01109869, rel=1e-6)


def test_physical_mode(capsys: pytest.CaptureFixture[str]) -> None:
    data = _json(capsys, "--levels", "2", "--segment-length-km", "25", "--p-swap", "0.5",
                 "--coherence-time-s", "0.1", "--werner", "0.99", "--cutoff", "40")
    assert set(PHYSICAL) <= set(data)
    assert data["p_gen"] == pytest.approx(10 ** (-0.5), rel=1e-12)
    assert data["total_length_km"] == 100.0
    assert data["plob_bits_per_use"] == pytest.approx(0.0144995697, rel=1e-9)
    assert data["mean_waiting_time_s"] == pytest.approx(
        data["mean_waiting_time_steps"] * data["attempt_time_s"])
    clock = _json(capsys, "--levels", "1", "--p-gen", "0.1", "--p-swap", "0.5",
                  "--clock-rate-hz", "1000", "--coherence-time-s", "0.03")
    assert clock["coherence_time_steps"] == pytest.approx(30.0)
    assert clock["plob_bits_per_s"] is None


def test_table_and_plot(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    png = tmp_path / "chain.png"
    code = main(["repeater", "--levels", "2", "--p-gen", "0.2", "--p-swap", "0.5",
                 "--coherence-time", "50", "--cutoff", "8", "--plot", str(png)])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "mean_waiting_time_steps" in out
    assert png.stat().st_size > 1000


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (["--levels", "1", "--p-gen", "1.5", "--p-swap", "0.5"], "--p-gen"),
        (["--levels", "1", "--p-gen", "0", "--p-swap", "0.5"], "--p-gen"),
        (["--levels", "1", "--p-gen", "0.5", "--p-swap", "0"], "--p-swap"),
        (["--levels", "-1", "--p-gen", "0.5", "--p-swap", "0.5"], "--levels"),
        (["--levels", "1", "--p-gen", "0.5", "--p-swap", "0.5", "--werner", "2"], "--werner"),
        (["--levels", "1", "--p-gen", "0.5", "--p-swap", "0.5", "--cutoff", "-3"], "--cutoff"),
        (["--levels", "2", "--p-gen", "0.5", "--p-swap", "0.5", "--cutoffs", "1"], "--cutoffs"),
        (["--levels", "2", "--p-gen", "0.5", "--p-swap", "0.5", "--cutoffs", "a,b"],
         "--cutoffs"),
        (["--levels", "1", "--p-gen", "0.5", "--p-swap", "0.5", "--coherence-time", "-1"],
         "--coherence-time"),
        (["--levels", "1", "--p-swap", "0.5"], "--p-gen"),
        (["--levels", "1", "--p-gen", "0.5", "--p-swap", "0.5", "--segment-length-km", "10"],
         "--p-gen"),
        (["--levels", "1", "--p-gen", "0.5", "--p-swap", "0.5", "--coherence-time-s", "1"],
         "--coherence-time-s"),
        (["--levels", "1", "--p-gen", "0.5", "--p-swap", "0.5", "--cutoff", "3",
          "--optimize-cutoff"], "--optimize-cutoff"),
        (["--levels", "1", "--segment-length-km", "-5", "--p-swap", "0.5"],
         "--segment-length-km"),
        (["--levels", "1", "--segment-length-km", "5", "--p-swap", "0.5",
          "--detector-efficiency", "1.5"], "--detector-efficiency"),
        (["--levels", "1", "--p-gen", "0.01", "--p-swap", "0.5", "--truncation-steps", "20"],
         "--truncation-steps"),
        (["--levels", "1", "--p-gen", "0.5", "--p-swap", "0.5", "--clock-rate-hz", "0"],
         "--clock-rate-hz"),
        # the heterogeneous path (a list of p_gen) checks the clocks too
        (["--p-gen", "0.1,0.2", "--p-swap", "0.5", "--clock-rate-hz", "0"], "--clock-rate-hz"),
        (["--p-gen", "0.1,0.2", "--p-swap", "0.5", "--attempt-time-s", "-1"],
         "--attempt-time-s"),
        (["--levels", "1", "--p-gen", "abc", "--p-swap", "0.5"], "--p-gen"),
        (["--p-gen", "0.5", "--p-swap", "0.5"], "--levels"),
    ],
)
def test_bad_input_exit_2_one_line(args: list[str], option: str,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["repeater", *args, "--json"])
    out, err = capsys.readouterr()
    assert code == 2
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert option in lines[0]
    assert "Traceback" not in err


def test_subprocess_json_is_one_document() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "qinternet.cli.main", "repeater", "--levels", "2", "--p-gen",
         "0.1", "--p-swap", "0.5", "--json"],
        capture_output=True, text=True, check=False, timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["mean_waiting_time_steps"] == pytest.approx(84.81758040973278, rel=1e-9)


def test_demo_section_beats_plob_at_long_distance(tmp_path: Path) -> None:
    from rich.console import Console

    from qinternet.cli._demo_repeaters import repeaters_section

    summary = repeaters_section(tmp_path, Console(quiet=True))
    assert Path(summary["plot"]).stat().st_size > 1000
    rows = summary["rows"]
    assert [r["total_length_km"] for r in rows] == sorted(r["total_length_km"] for r in rows)
    assert all(r["secret_key_rate_bits_per_s"] <= r["repeater_capacity_bits_per_s"] for r in rows)
    long = [r for r in rows if r["total_length_km"] >= 300]
    assert long and all(r["secret_key_rate_bits_per_s"] > r["plob_bits_per_s"] for r in long)
    assert all(r["secret_key_rate_bits_per_s"] >= r["no_cutoff_secret_key_rate_bits_per_s"]
               for r in rows)
    json.dumps(summary)  # JSON-ready


def test_distillation_rounds_match_library(capsys: pytest.CaptureFixture[str]) -> None:
    from qinternet.repeaters import NestedChain, analyze_chain

    data = _json(capsys, "--levels", "1", "--p-gen", "0.3", "--p-swap", "0.6", "--werner", "0.9",
                 "--coherence-time", "30", "--distillation-rounds", "1,1",
                 "--cutoffs", "5,8,none")
    assert data["protocol"] == ["distill", "swap", "distill"]
    ref = analyze_chain(NestedChain(levels=1, p_gen=0.3, p_swap=0.6, werner_w0=0.9,
                                    coherence_time_steps=30.0, cutoff_steps=(5, 8, None),
                                    distillation_rounds=(1, 1)))
    assert data["mean_werner"] == pytest.approx(ref.mean_werner, rel=1e-12)
    assert data["mean_waiting_time_steps"] == pytest.approx(ref.mean_waiting_time_steps,
                                                            rel=1e-12)
    code = main(["repeater", "--levels", "1", "--p-gen", "0.3", "--p-swap", "0.6",
                 "--distillation-rounds", "1", "--json"])
    _, err = capsys.readouterr()
    assert code == 2 and "--distillation-rounds" in err and len(err.strip().splitlines()) == 1


def test_cutoff_without_levels_is_rejected(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["repeater", "--levels", "0", "--p-gen", "0.5", "--p-swap", "0.5",
                 "--cutoff", "3", "--json"])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and "--cutoff" in err
