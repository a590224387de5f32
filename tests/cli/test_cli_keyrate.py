"""``qinternet keyrate``: the CLI contract (JSON keys, ranges, errors, compare, plots)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

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


#: Top-level keys of every ``keyrate`` JSON document (one protocol or compare; issue 9 item 7).
DOCUMENT_KEYS = {"axis", "attenuation_db_per_km", "key_rate_unit", "relay",
                 "plob_includes_detector", "clock_rate_hz", "parameters", "points", "notes",
                 "plot"}


def _doc(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, Any]:
    code, out, err = _run(capsys, *args, "--json")
    assert code == 0 and err == "", err
    doc = json.loads(out)
    assert isinstance(doc, dict) and doc.keys() >= DOCUMENT_KEYS
    return doc  # type: ignore[no-any-return]


def test_json_single_point_is_one_document_with_contract_keys(
    capsys: pytest.CaptureFixture[str],
) -> None:
    doc = _doc(capsys, "keyrate", "bb84-decoy", "--distance-km", "100", "--intensity", "0.48",
               "--attenuation-db-per-km", "0.21")
    assert doc["protocol"] == "bb84-decoy" and doc["axis"] == "distance_km"
    assert doc["key_rate_unit"] == "bits per pulse" and doc["attenuation_db_per_km"] == 0.21
    [point] = doc["points"]
    assert point.keys() >= CONTRACT_KEYS and point["distance_km"] == 100.0
    assert "loss_db" not in point and "key_rate_bits_per_s" not in point
    assert point["protocol"] == "bb84-decoy"
    assert point["key_rate_bits_per_pulse"] == pytest.approx(1.718436e-05, rel=1e-6)  # case D3
    assert point["parameters"]["attenuation_db_per_km"] == 0.21
    assert point["intensity"] == 0.48


def test_issue9_one_json_shape_for_a_point_and_a_range(
        capsys: pytest.CaptureFixture[str]) -> None:
    one = _doc(capsys, "keyrate", "mdi", "--loss-db", "10")
    many = _doc(capsys, "keyrate", "mdi", "--loss-db", "0:20:10")
    cmp = _doc(capsys, "keyrate", "compare", "--protocols", "mdi", "--loss-db", "0:20:10")
    assert one.keys() == many.keys()
    assert cmp.keys() - many.keys() == {"protocols", "summary"}
    assert len(one["points"]) == 1 and len(many["points"]) == 3 == len(cmp["points"])
    assert one["key_rate_unit"] == "bits per pulse pair" and one["relay"] == {"mdi": True}
    assert one["parameters"]["mdi"]["detector_efficiency"] == 0.145
    assert many["points"][1].keys() == cmp["points"][1].keys()
    assert many["points"][1]["key_rate_bits_per_pulse"] == pytest.approx(
        cmp["points"][1]["key_rate_bits_per_pulse"], rel=1e-12)


def test_issue9_attenuation_default_is_the_project_constant_everywhere(
        capsys: pytest.CaptureFixture[str]) -> None:
    from qinternet.constants import DEFAULT_ATTENUATION_DB_PER_KM
    from qinternet.qkd.registry import PROTOCOLS

    assert {s.default_attenuation_db_per_km for s in PROTOCOLS.values()} == {
        DEFAULT_ATTENUATION_DB_PER_KM}
    single = _doc(capsys, "keyrate", "bb84-decoy", "--distance-km", "50")
    cmp = _doc(capsys, "keyrate", "compare", "--protocols", "bb84-decoy", "--distance-km", "50")
    assert single["attenuation_db_per_km"] == cmp["attenuation_db_per_km"] == 0.2
    assert single["points"][0]["key_rate_bits_per_pulse"] == pytest.approx(
        cmp["points"][0]["key_rate_bits_per_pulse"], rel=1e-12)
    code, out, _ = _run(capsys, "keyrate", "bb84-decoy", "--distance-km", "50")
    assert code == 0 and "0.2 dB/km" in out and "detector_efficiency 0.045" in out


def test_issue9_decoys_infinite_with_pulses_is_refused(
        capsys: pytest.CaptureFixture[str]) -> None:
    for name in ("bb84-decoy", "tf-cal19"):
        code, out, err = _run(capsys, "keyrate", name, "--loss-db", "20", "--decoys",
                              "infinite", "--pulses", "1e12", "--json")
        assert code == 2 and out == ""
        assert err.count("\n") == 1 and "--decoys/--pulses" in err and "infinite" in err
    # Without --decoys the finite key uses the protocol's documented finite set.
    doc = _doc(capsys, "keyrate", "bb84-decoy", "--loss-db", "20", "--pulses", "1e12")
    assert doc["points"][0]["parameters"]["decoys"] != "infinite"


def test_json_range_includes_stop_and_clock_rate(capsys: pytest.CaptureFixture[str]) -> None:
    doc = _doc(capsys, "keyrate", "mdi", "--distance-km", "0:200:50",
               "--clock-rate-hz", "1e9", "--intensity", "0.5")
    assert doc["clock_rate_hz"] == 1e9
    docs = doc["points"]
    assert [d["distance_km"] for d in docs] == [0.0, 50.0, 100.0, 150.0, 200.0]
    for d in docs:
        assert d.keys() >= CONTRACT_KEYS
        assert d["key_rate_bits_per_s"] == pytest.approx(1e9 * d["key_rate_bits_per_pulse"])
    assert docs[2]["key_rate_bits_per_pulse"] == pytest.approx(4.861043e-06, rel=1e-6)  # M2


def test_loss_db_is_whole_channel(capsys: pytest.CaptureFixture[str]) -> None:
    doc = _doc(capsys, "keyrate", "bb84-decoy", "--loss-db", "21", "--intensity", "0.48")
    assert doc["attenuation_db_per_km"] is None and doc["axis"] == "loss_db"
    doc = doc["points"][0]
    assert doc["loss_db"] == 21.0 and "distance_km" not in doc
    expected = bb84_decoy.evaluate([10 ** -2.1], KeyRateOptions(intensity=0.48))[0]
    assert doc["key_rate_bits_per_pulse"] == pytest.approx(expected.key_rate_bits_per_pulse)
    assert doc["plob_bits_per_pulse"] == pytest.approx(-__import__("math").log2(1 - 10**-2.1))


def test_range_syntax_gives_the_same_document_for_one_point(
        capsys: pytest.CaptureFixture[str]) -> None:
    doc = _doc(capsys, "keyrate", "mdi", "--loss-db", "10:10:5")
    assert len(doc["points"]) == 1 and doc["points"][0]["loss_db"] == 10.0


def test_decoys_and_finite_key_options(capsys: pytest.CaptureFixture[str]) -> None:
    doc = _doc(capsys, "keyrate", "bb84-decoy", "--distance-km", "100", "--intensity", "0.48",
               "--decoys", "0,0.05", "--attenuation-db-per-km", "0.21")
    assert doc["points"][0]["key_rate_bits_per_pulse"] == pytest.approx(1.602005e-05, rel=1e-6)
    doc = _doc(capsys, "keyrate", "bb84-decoy", "--distance-km", "50", "--pulses", "1e11")
    point = doc["points"][0]
    assert point["parameters"]["pulses"] == 1e11 and point["key_rate_bits_per_pulse"] > 0
    assert doc["parameters"]["bb84-decoy"]["pulses"] == 1e11


def test_table_output_has_units(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "keyrate", "mdi", "--distance-km", "0:100:50")
    assert code == 0
    assert "distance (km)" in out and "bit/pulse" in out and "PLOB" in out


def test_plot_is_written(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "bb84.png"
    doc = _doc(capsys, "keyrate", "bb84-decoy", "--distance-km", "0:150:10", "--plot",
               str(path))
    assert path.stat().st_size > 1000 and doc["plot"] == str(path)
    assert len(doc["points"]) == 16


def test_compare_json_and_plot(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "cmp.png"
    doc = _doc(capsys, "keyrate", "compare", "--protocols", "bb84-decoy,mdi",
               "--distance-km", "0:260:20", "--plot", str(path))
    assert doc["protocols"] == ["bb84-decoy", "mdi"] and doc["plot"] == str(path)
    assert path.stat().st_size > 1000
    assert [p["distance_km"] for p in doc["points"] if p["protocol"] == "mdi"][-1] == 260.0
    bb84 = doc["summary"]["bb84-decoy"]
    assert bb84["plob_crossing_km"] is None
    # Common attenuation 0.2 dB/km in compare mode: the maximum reach lies inside the range.
    assert 140.0 < bb84["maximum_reach_km"] < 160.0
    assert doc["summary"]["mdi"]["maximum_reach_km"] == pytest.approx(232.0, abs=0.3)
    assert doc["summary"]["mdi"]["key_rate_unit"] == "bits per pulse pair"
    assert len(doc["points"]) == 2 * 14


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
        (["keyrate", "mdi", "--loss-db", "3", "--decoys", "0,0,0.1"], "--decoys"),
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
