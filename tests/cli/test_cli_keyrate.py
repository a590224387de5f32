"""``qinternet keyrate``: the CLI contract (JSON keys, ranges, errors, compare, plots)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qinternet.cli.main import main
from qinternet.qkd import bb84_decoy
from qinternet.qkd.options import KeyRateOptions

CONTRACT_KEYS = {
    "protocol", "key_rate_bits_per_pulse", "plob_bits_per_pulse", "parameters", "qber",
    "phase_error_rate",
}


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_json_single_point_is_one_document_with_contract_keys(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = _run(capsys, "keyrate", "bb84-decoy", "--distance-km", "100",
                          "--intensity", "0.48", "--json")
    assert code == 0 and err == ""
    doc = json.loads(out)
    assert isinstance(doc, dict)
    assert doc.keys() >= CONTRACT_KEYS and doc["distance_km"] == 100.0
    assert "loss_db" not in doc and "key_rate_bits_per_s" not in doc
    assert doc["protocol"] == "bb84-decoy"
    assert doc["key_rate_bits_per_pulse"] == pytest.approx(1.718436e-05, rel=1e-6)  # case D3
    assert doc["parameters"]["attenuation_db_per_km"] == 0.21
    assert doc["parameters"]["intensity_mu"] == 0.48


def test_json_range_includes_stop_and_clock_rate(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "keyrate", "mdi", "--distance-km", "0:200:50", "--json",
                        "--clock-rate-hz", "1e9", "--intensity", "0.5")
    assert code == 0
    docs = json.loads(out)
    assert [d["distance_km"] for d in docs] == [0.0, 50.0, 100.0, 150.0, 200.0]
    for d in docs:
        assert d.keys() >= CONTRACT_KEYS
        assert d["key_rate_bits_per_s"] == pytest.approx(1e9 * d["key_rate_bits_per_pulse"])
    assert docs[2]["key_rate_bits_per_pulse"] == pytest.approx(4.861043e-06, rel=1e-6)  # M2


def test_loss_db_is_whole_channel(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "keyrate", "bb84-decoy", "--loss-db", "21", "--json",
                        "--intensity", "0.48")
    assert code == 0
    doc = json.loads(out)
    assert doc["loss_db"] == 21.0 and "distance_km" not in doc
    expected = bb84_decoy.evaluate([10 ** -2.1], KeyRateOptions(intensity=0.48))[0]
    assert doc["key_rate_bits_per_pulse"] == pytest.approx(expected.key_rate_bits_per_pulse)
    assert doc["plob_bits_per_pulse"] == pytest.approx(-__import__("math").log2(1 - 10**-2.1))


def test_range_syntax_gives_list_even_for_one_point(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "keyrate", "mdi", "--loss-db", "10:10:5", "--json")
    assert code == 0
    assert isinstance(json.loads(out), list)


def test_decoys_and_finite_key_options(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "keyrate", "bb84-decoy", "--distance-km", "100", "--json",
                        "--intensity", "0.48", "--decoys", "0,0.05")
    assert code == 0
    assert json.loads(out)["key_rate_bits_per_pulse"] == pytest.approx(1.602005e-05, rel=1e-6)
    code, out, _ = _run(capsys, "keyrate", "bb84-decoy", "--distance-km", "50", "--json",
                        "--pulses", "1e11")
    assert code == 0
    doc = json.loads(out)
    assert doc["parameters"]["pulses"] == 1e11 and doc["key_rate_bits_per_pulse"] > 0


def test_table_output_has_units(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "keyrate", "mdi", "--distance-km", "0:100:50")
    assert code == 0
    assert "distance (km)" in out and "bit/pulse" in out and "PLOB" in out


def test_plot_is_written(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "bb84.png"
    code, out, _ = _run(capsys, "keyrate", "bb84-decoy", "--distance-km", "0:150:10",
                        "--plot", str(path), "--json")
    assert code == 0 and path.stat().st_size > 1000
    assert isinstance(json.loads(out), list)


def test_compare_json_and_plot(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "cmp.png"
    code, out, err = _run(capsys, "keyrate", "compare", "--protocols", "bb84-decoy,mdi",
                          "--distance-km", "0:260:20", "--plot", str(path), "--json")
    assert code == 0 and err == ""
    doc = json.loads(out)
    assert doc["distance_km"][-1] == 260.0 and doc["plot"] == str(path)
    assert path.stat().st_size > 1000
    bb84 = doc["protocols"]["bb84-decoy"]
    assert bb84["plob_crossing_km"] is None
    # Common attenuation 0.2 dB/km in compare mode: the maximum reach lies inside the range.
    assert 140.0 < bb84["maximum_reach_km"] < 160.0
    assert doc["protocols"]["mdi"]["maximum_reach_km"] == pytest.approx(232.0, abs=0.3)
    assert len(doc["plob_bits_per_pulse"]) == len(doc["distance_km"])


def test_compare_table(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "keyrate", "compare", "--protocols", "mdi",
                        "--loss-db", "0:40:20")
    assert code == 0 and "maximum reach" in out and "loss (dB)" in out


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["keyrate", "nope", "--loss-db", "3"], "PROTOCOL"),
        (["keyrate", "mdi", "--loss-db", "3", "--distance-km", "4"], "--loss-db/--distance-km"),
        (["keyrate", "mdi"], "--loss-db/--distance-km"),
        (["keyrate", "mdi", "--loss-db", "-3"], "--loss-db"),
        (["keyrate", "mdi", "--distance-km", "10:0:5"], "--distance-km"),
        (["keyrate", "mdi", "--distance-km", "0:10:0"], "--distance-km"),
        (["keyrate", "mdi", "--loss-db", "3", "--attenuation-db-per-km", "0.2"],
         "--attenuation-db-per-km"),
        (["keyrate", "mdi", "--distance-km", "3", "--attenuation-db-per-km", "-1"],
         "--attenuation-db-per-km"),
        (["keyrate", "mdi", "--loss-db", "3", "--decoys", "0,0.1"], "--decoys"),
        (["keyrate", "mdi", "--loss-db", "3", "--pulses", "1e10"], "--pulses"),
        (["keyrate", "mdi", "--loss-db", "3", "--dark-count", "1.5"], "--dark-count"),
        (["keyrate", "bb84-decoy", "--loss-db", "3", "--decoys", "a,b"], "--decoys"),
        (["keyrate", "bb84-decoy", "--loss-db", "3", "--decoys", "0.1"], "--decoys"),
        (["keyrate", "bb84-decoy", "--loss-db", "3", "--misalignment", "0.9"], "--misalignment"),
        (["keyrate", "bb84-decoy", "--loss-db", "3", "--ec-efficiency", "0.5"],
         "--ec-efficiency"),
        (["keyrate", "bb84-decoy", "--loss-db", "3", "--detector-efficiency", "0"],
         "--detector-efficiency"),
        (["keyrate", "bb84-decoy", "--loss-db", "3", "--intensity", "-1"], "--intensity"),
        (["keyrate", "bb84-decoy", "--loss-db", "3", "--phase-mismatch", "0.1"],
         "--phase-mismatch"),
        (["keyrate", "bb84-decoy", "--loss-db", "3", "--clock-rate-hz", "0"], "--clock-rate-hz"),
        (["keyrate", "bb84-decoy", "--loss-db", "3", "--pulses", "-1"], "--pulses"),
        (["keyrate", "bb84-decoy", "--loss-db", "x"], "--loss-db"),
        (["keyrate", "compare", "--protocols", "mdi,nope", "--loss-db", "3"], "--protocols"),
        (["keyrate", "compare", "--protocols", ",", "--loss-db", "3"], "--protocols"),
    ],
)
def test_bad_input_exits_2_with_one_line(
    capsys: pytest.CaptureFixture[str], args: list[str], needle: str
) -> None:
    code, out, err = _run(capsys, *args, "--json")
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1 and needle in err and "Traceback" not in err


def test_help_documents_each_protocol(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "keyrate", "bb84-decoy", "--help")
    assert code == 0
    assert "background yield" in out and "--pulses" in out
    code, out, _ = _run(capsys, "keyrate", "--help")
    assert code == 0 and "bb84-decoy" in out and "mdi" in out and "compare" in out
