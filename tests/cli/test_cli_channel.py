"""CLI contract of ``qinternet channel``: JSON keys, one document, exit 2 + one stderr line."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from qinternet.cli.main import main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


CASES = [
    (["pure-loss", "--length-km", "100"], 0.0144995697, 0.0144995697, True),
    (["pure-loss", "--transmissivity", "0.01"], 0.0144995697, 0.0144995697, True),
    (["thermal-loss", "--transmissivity", "0.5", "--mean-photons", "0.1"],
     0.6165533144, 0.5165533144, False),
    (["amplifier", "--gain", "2"], 1.0, 1.0, True),
    (["amplifier", "--gain", "2", "--mean-photons", "0.5"], 0.1225562489, 0.0, False),
    (["additive-noise", "--variance", "0.1"], 2.0235025581, 1.879233054, False),
    (["depolarizing", "--p", "0.1"], 0.6156884559, 0.4968162683, False),
    (["dephasing", "--p", "0.1"], 0.5310044064, 0.5310044064, True),
    (["erasure", "--p", "0.25", "--dimension", "3"], 1.1887218755, 1.1887218755, True),
    (["amplitude-damping", "--gamma", "0.9"], 0.1520030934, 0.0423024603, False),
    (["pauli", "--probabilities", "0.9,0.1,0,0"], 0.5310044064, 0.5310044064, True),
]


@pytest.mark.parametrize(("args", "upper", "lower", "exact"), CASES)
def test_json_contract(capsys: pytest.CaptureFixture[str], args: list[str], upper: float,
                       lower: float, exact: bool) -> None:
    code, out, err = run(capsys, "channel", *args, "--json")
    assert code == 0 and err == ""
    data = json.loads(out)  # exactly one JSON document
    assert data["model"] == args[0]
    assert data["upper_ebits_per_use"] == pytest.approx(upper, rel=1e-8, abs=1e-12)
    assert data["lower_ebits_per_use"] == pytest.approx(lower, rel=1e-8, abs=1e-10)
    assert data["exact"] is exact
    if args[0] == "pure-loss":
        assert data["tgw_ebits_per_use"] == pytest.approx(0.02885486267, rel=1e-9)


def test_depolarizing_qudit(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "channel", "depolarizing", "--p", "0.1", "--dimension", "3",
                       "--json")
    data = json.loads(out)
    assert code == 0 and data["lower_ebits_per_use"] <= data["upper_ebits_per_use"]


def test_table_output_has_units(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "channel", "pure-loss", "--length-km", "100")
    assert code == 0
    assert "ebits per channel use" in out and "0.0144995697" in out


BAD = [
    (["pure-loss", "--length-km", "-1"], "--length-km"),
    (["pure-loss", "--length-km", "0"], "--length-km"),
    (["pure-loss", "--transmissivity", "1"], "--transmissivity"),
    (["pure-loss"], "--transmissivity"),
    (["pure-loss", "--length-km", "10", "--attenuation-db-per-km", "-0.2"],
     "--attenuation-db-per-km"),
    (["depolarizing", "--p", "1.5"], "--p"),
    (["dephasing", "--p", "-0.1"], "--p"),
    (["erasure", "--p", "0.1", "--dimension", "1"], "--dimension"),
    (["amplitude-damping", "--gamma", "2"], "--gamma"),
    (["amplifier", "--gain", "0.5"], "--gain"),
    (["additive-noise", "--variance", "0"], "--variance"),
    (["thermal-loss", "--transmissivity", "0.5", "--mean-photons", "-1"], "--mean-photons"),
    (["pauli", "--probabilities", "0.5,0.5"], "--probabilities"),
    (["pauli", "--probabilities", "a,b,c,d"], "--probabilities"),
    (["pauli", "--probabilities", "0.5,0.5,0.5,0.5"], "--probabilities"),
    (["warp-drive"], "warp-drive"),
    (["depolarizing", "--p", "abc"], "--p"),
]


@pytest.mark.parametrize(("args", "needle"), BAD)
def test_bad_input_exit_2_one_line(capsys: pytest.CaptureFixture[str], args: list[str],
                                   needle: str) -> None:
    code, out, err = run(capsys, "channel", *args, "--json")
    assert code == 2
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and needle in lines[0], err
    assert "Traceback" not in err and "Usage" not in err


def test_real_process_exit_status_and_stderr() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "qinternet.cli.main", "channel", "pure-loss", "--length-km",
         "-5", "--json"], capture_output=True, text=True, check=False,
    )
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.count("\n") == 1 and "--length-km" in proc.stderr
    proc = subprocess.run(
        [sys.executable, "-m", "qinternet.cli.main", "channel", "pure-loss", "--length-km",
         "100", "--json"], capture_output=True, text=True, check=False,
    )
    assert proc.returncode == 0
    assert json.loads(proc.stdout)["exact"] is True
