"""``qinternet keyrate``: the meaning of every option per protocol (issue 4, item 4 "Meanings").

Complements ``test_cli_keyrate.py`` (JSON shape, plots, compare): here each option's *physics*
mapping is pinned by a route that does not go through the CLI: ``SPEC.evaluate`` at the
transmissivity the contract prescribes, or a closed-form limit of the model.
"""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np
import pytest

from qinternet.cli.main import main
from qinternet.qkd.options import KeyRateOptions
from qinternet.qkd.registry import PROTOCOLS

RELAY = ["mdi", "sns", "pm", "tf-cal19"]
CONTRACT_KEYS = {"protocol", "key_rate_bits_per_pulse", "plob_bits_per_pulse", "parameters",
                 "qber", "phase_error_rate"}


def _doc(capsys: pytest.CaptureFixture[str], *args: str) -> Any:
    """The whole ``--json`` document (one object: echoed parameters, unit, ``points``)."""
    code = main(["keyrate", *args, "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert err == ""
    doc = json.loads(out)
    assert isinstance(doc, dict) and isinstance(doc["points"], list)
    return doc


def _json(capsys: pytest.CaptureFixture[str], *args: str) -> Any:
    """The single point of a one-point run (``points[0]`` of the document)."""
    doc = _doc(capsys, *args)
    assert len(doc["points"]) == 1
    return doc["points"][0]


def _plob(eta: float) -> float:
    return -math.log1p(-eta) / math.log(2.0)


def _lib_rate(name: str, channel_eta: float, **opts: Any) -> float:
    res = PROTOCOLS[name].evaluate(np.array([channel_eta]), KeyRateOptions(**opts))
    return res[0].key_rate_bits_per_pulse


@pytest.mark.parametrize("name", [*RELAY, "adaptive-mdi"])
def test_distance_is_the_whole_alice_bob_fibre_for_relay_protocols(
        capsys: pytest.CaptureFixture[str], name: str) -> None:
    doc = _json(capsys, name, "--distance-km", "150")
    channel = 10 ** (-0.2 * 150 / 10)  # default 0.2 dB/km over the WHOLE fibre, not per arm
    assert doc["distance_km"] == 150.0 and "loss_db" not in doc
    assert doc["key_rate_bits_per_pulse"] == pytest.approx(_lib_rate(name, channel), rel=1e-9)
    assert doc["plob_bits_per_pulse"] == pytest.approx(_plob(channel), rel=1e-12)
    assert doc["parameters"]["attenuation_db_per_km"] == 0.2


def test_each_arm_carries_the_square_root(capsys: pytest.CaptureFixture[str]) -> None:
    channel = 10 ** (-0.2 * 120 / 10)
    mdi = _json(capsys, "mdi", "--distance-km", "120", "--detector-efficiency", "0.4")
    assert mdi["parameters"]["arm_transmissivity"] == pytest.approx(0.4 * math.sqrt(channel))
    for name in ("sns", "pm"):
        doc = _json(capsys, name, "--distance-km", "120", "--detector-efficiency", "0.4")
        assert doc["parameters"]["arm_transmissivity"] == pytest.approx(math.sqrt(0.4 * channel))
    cal = _json(capsys, "tf-cal19", "--distance-km", "120", "--detector-efficiency", "0.4")
    assert cal["parameters"]["total_transmissivity"] == pytest.approx(0.4 * channel)
    assert cal["channel_transmissivity"] == pytest.approx(channel)


@pytest.mark.parametrize("name", ["bb84-decoy", *RELAY])
def test_loss_db_is_the_whole_channel(capsys: pytest.CaptureFixture[str], name: str) -> None:
    doc = _json(capsys, name, "--loss-db", "27.5")
    assert doc["loss_db"] == 27.5 and "distance_km" not in doc
    channel = 10 ** -2.75
    assert doc["key_rate_bits_per_pulse"] == pytest.approx(_lib_rate(name, channel), rel=1e-9)
    assert doc["plob_bits_per_pulse"] == pytest.approx(_plob(channel), rel=1e-12)


@pytest.mark.parametrize("name", ["sns", "pm", "tf-cal19"])
def test_detector_efficiency_multiplies_the_channel(capsys: pytest.CaptureFixture[str],
                                                    name: str) -> None:
    with_det = _json(capsys, name, "--loss-db", "40", "--detector-efficiency", "0.25")
    folded = _json(capsys, name, "--loss-db", str(40 + 10 * math.log10(4)))
    assert with_det["key_rate_bits_per_pulse"] == pytest.approx(
        folded["key_rate_bits_per_pulse"], rel=1e-9)
    # ... but PLOB stays that of the channel alone (detector not included).
    assert with_det["plob_bits_per_pulse"] == pytest.approx(_plob(1e-4), rel=1e-12)
    assert with_det["detector_efficiency"] == 0.25  # a field of its own, not in the channel


def test_bb84_detector_efficiency_is_bobs_whole_efficiency(
        capsys: pytest.CaptureFixture[str]) -> None:
    gys = _json(capsys, "bb84-decoy", "--loss-db", "10", "--intensity", "0.5")  # eta_Bob 0.045
    folded = _json(capsys, "bb84-decoy", "--loss-db", str(10 - 10 * math.log10(0.045)),
                   "--detector-efficiency", "1", "--intensity", "0.5")
    assert gys["key_rate_bits_per_pulse"] == pytest.approx(folded["key_rate_bits_per_pulse"],
                                                           rel=1e-9)
    assert gys["plob_bits_per_pulse"] == pytest.approx(_plob(0.1), rel=1e-12)
    assert gys["parameters"]["plob_with_detector_bits_per_pulse"] == pytest.approx(
        _plob(0.0045), rel=1e-12)


def test_mdi_detector_efficiency_applies_to_each_arm(capsys: pytest.CaptureFixture[str]) -> None:
    # eta_d on each arm: eta_d sqrt(c) = sqrt(eta_d^2 c), i.e. 2 x 10 log10(1/eta_d) dB overall.
    with_det = _json(capsys, "mdi", "--loss-db", "20", "--detector-efficiency", "0.5",
                     "--intensity", "0.4")
    folded = _json(capsys, "mdi", "--loss-db", str(20 + 20 * math.log10(2)),
                   "--detector-efficiency", "1", "--intensity", "0.4")
    assert with_det["key_rate_bits_per_pulse"] == pytest.approx(
        folded["key_rate_bits_per_pulse"], rel=1e-9)


def test_bb84_dark_count_is_the_background_yield_of_both_detectors(
        capsys: pytest.CaptureFixture[str]) -> None:
    # Y0 clicks carry error 1/2 and add to the gain once (not once per detector):
    # Q = Y0 + 1 - e^{-eta mu}, E = (Y0/2 + e_det (1 - e^{-eta mu})) / Q, here e_det = 0.
    doc = _json(capsys, "bb84-decoy", "--loss-db", "30", "--dark-count", "1e-5",
                "--misalignment", "0", "--intensity", "0.5")
    clicks = -math.expm1(-0.045e-3 * 0.5)
    assert doc["parameters"]["gain_q_mu"] == pytest.approx(1e-5 + clicks, rel=1e-12)
    assert doc["qber"] == pytest.approx(0.5e-5 / (1e-5 + clicks), rel=1e-12)
    assert doc["parameters"]["background_yield_y0"] == 1e-5


def test_relay_dark_count_is_per_detector(capsys: pytest.CaptureFixture[str]) -> None:
    pd = 1e-6
    # tf-cal19, no light arriving: outcome (1,0) = dark click in c and none in d.
    cal = _json(capsys, "tf-cal19", "--loss-db", "150", "--dark-count", str(pd),
                "--intensity", "1e-4")
    gamma = math.sqrt(1e-15) * 1e-4
    assert cal["parameters"]["gain_x_per_pulse_pair"] == pytest.approx(
        pd * (1 - pd) + gamma * (1 - pd) ** 2, rel=1e-6)
    assert cal["qber"] == pytest.approx(0.5, abs=1e-5)  # dark counts are random
    # mdi, no light arriving: a Bell-state announcement needs two dark clicks; 2 of the 4
    # detector pairs count in each of Q_C and Q_E: Q_rect -> 4 pd^2.
    mdi = _json(capsys, "mdi", "--loss-db", "400", "--dark-count", str(pd), "--intensity", "0.3")
    assert mdi["parameters"]["gain_q_rect"] == pytest.approx(4 * pd**2, rel=1e-5)
    assert mdi["parameters"]["dark_count_probability"] == pd


def test_tf_cal19_misalignment_is_the_x_error_floor(capsys: pytest.CaptureFixture[str]) -> None:
    doc = _json(capsys, "tf-cal19", "--loss-db", "80", "--dark-count", "0",
                "--misalignment", "0.05", "--intensity", "1e-4")
    assert doc["qber"] == pytest.approx(0.05, rel=1e-6)  # (1 - cos theta)/2 = m
    assert doc["parameters"]["polarisation_angle_theta_rad"] == pytest.approx(
        2 * math.asin(math.sqrt(0.05)), rel=1e-14)
    phase = _json(capsys, "tf-cal19", "--loss-db", "80", "--dark-count", "0",
                  "--misalignment", "0.05", "--phase-mismatch", "0.1", "--intensity", "1e-4")
    # phi = delta pi: floor (1 - cos(phi) cos(theta))/2 with cos(theta) = 1 - 2m.
    assert phase["qber"] == pytest.approx((1 - math.cos(0.1 * math.pi) * 0.9) / 2, rel=1e-6)
    assert phase["parameters"]["phase_offset_phi_rad"] == pytest.approx(0.1 * math.pi)
    assert phase["key_rate_bits_per_pulse"] < doc["key_rate_bits_per_pulse"]


@pytest.mark.parametrize("name", ["bb84-decoy", "mdi", "tf-cal19", "sns", "pm"])
def test_intensity_is_fixed_and_reported(capsys: pytest.CaptureFixture[str], name: str) -> None:
    fixed = _json(capsys, name, "--loss-db", "20", "--intensity", "0.07")
    assert fixed["intensity"] == 0.07
    assert fixed["intensity_optimised"] is False
    optimised = _json(capsys, name, "--loss-db", "20")
    assert optimised["intensity_optimised"] is True
    assert optimised["key_rate_bits_per_pulse"] >= fixed["key_rate_bits_per_pulse"]
    if name == "sns":  # the sending probability is still optimised
        assert 0 < fixed["parameters"]["sending_probability_epsilon"] < 0.5


@pytest.mark.parametrize("name", ["bb84-decoy", *RELAY, "adaptive-mdi"])
def test_json_keys_and_clock_rate(capsys: pytest.CaptureFixture[str], name: str) -> None:
    doc = _json(capsys, name, "--loss-db", "25", "--clock-rate-hz", "2.5e9")
    assert doc.keys() >= CONTRACT_KEYS | {"loss_db", "key_rate_bits_per_s"}
    assert doc["protocol"] == name
    assert doc["key_rate_bits_per_s"] == pytest.approx(2.5e9 * doc["key_rate_bits_per_pulse"])
    for key in ("key_rate_bits_per_pulse", "plob_bits_per_pulse", "qber", "phase_error_rate"):
        assert isinstance(doc[key], float) and math.isfinite(doc[key])
    assert 0.0 <= doc["qber"] <= 0.5 and 0.0 <= doc["phase_error_rate"] <= 0.5


def test_integer_parameters_stay_integers_in_json(capsys: pytest.CaptureFixture[str]) -> None:
    cal = _json(capsys, "tf-cal19", "--loss-db", "30")
    assert cal["parameters"]["truncation_s"] == 8
    assert isinstance(cal["parameters"]["truncation_s"], int)
    pm = _json(capsys, "pm", "--loss-db", "30")
    assert isinstance(pm["parameters"]["phase_slices_d"], int)


def test_range_includes_stop_only_on_the_grid(capsys: pytest.CaptureFixture[str]) -> None:
    on = _doc(capsys, "pm", "--loss-db", "10:11:0.25")["points"]
    assert [d["loss_db"] for d in on] == pytest.approx([10.0, 10.25, 10.5, 10.75, 11.0])
    assert on[-1]["loss_db"] == 11.0
    off = _doc(capsys, "sns", "--distance-km", "0:100:30")["points"]
    assert [d["distance_km"] for d in off] == [0.0, 30.0, 60.0, 90.0]
    single = _doc(capsys, "sns", "--distance-km", "30")
    assert isinstance(single, dict) and len(single["points"]) == 1
    rates = [d["key_rate_bits_per_pulse"] for d in on]
    assert rates == sorted(rates, reverse=True)


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["tf-cal19", "--loss-db", "3", "--intensity", "0"], "--intensity"),
        (["tf-cal19", "--loss-db", "3", "--misalignment", "0.6"], "--misalignment"),
        (["tf-cal19", "--loss-db", "3", "--decoys", "0,0,0.1"], "--decoys"),
        (["tf-cal19", "--loss-db", "3", "--pulses", "0.5"], "--pulses"),
        (["tf-cal19", "--loss-db", "3", "--phase-mismatch", "2"], "--phase-mismatch"),
        (["tf-cal19", "--loss-db", "3", "--detector-efficiency", "1.5"],
         "--detector-efficiency"),
        (["tf-cal19", "--loss-db", "3", "--dark-count", "1"], "--dark-count"),
        (["sns", "--loss-db", "3", "--phase-mismatch", "0.1"], "--phase-mismatch"),
        (["sns", "--loss-db", "3", "--decoys", "0"], "--decoys"),
        (["sns", "--loss-db", "3", "--decoys", "0,0.1,0.1"], "--decoys"),
        (["sns", "--loss-db", "3", "--decoys", "1"], "--decoys"),
        (["sns", "--loss-db", "3", "--intensity", "-1"], "--intensity"),
        (["pm", "--loss-db", "3", "--pulses", "1e10"], "--pulses"),
        (["pm", "--loss-db", "3", "--intensity", "0"], "--intensity"),
        (["pm", "--loss-db", "3", "--ec-efficiency", "0.9"], "--ec-efficiency"),
        (["mdi", "--loss-db", "3", "--phase-mismatch", "0.1"], "--phase-mismatch"),
        (["mdi", "--loss-db", "3", "--intensity", "0"], "--intensity"),
        (["mdi", "--distance-km", "nan"], "--distance-km"),
        (["mdi", "--loss-db", "inf"], "--loss-db"),
        (["mdi", "--distance-km", "1:2:3:4"], "--distance-km"),
        (["mdi", "--loss-db", "3", "--clock-rate-hz", "nan"], "--clock-rate-hz"),
        (["bb84-decoy", "--loss-db", "3", "--intensity", "0.05", "--decoys", "0,0.1"],
         "--intensity"),
        (["bb84-decoy", "--loss-db", "3", "--decoys", "0,0.1,0.2"], "--decoys"),
        (["bb84-decoy", "--loss-db", "3", "--decoys", "0.1,0.1"], "--decoys"),
        (["adaptive-mdi", "--loss-db", "3", "--decoys", "0,0.1"], "--decoys"),
        (["adaptive-mdi", "--loss-db", "3", "--dark-count", "-1"], "--dark-count"),
    ],
)
def test_bad_input_exits_2_with_one_line_naming_the_option(
        capsys: pytest.CaptureFixture[str], args: list[str], needle: str) -> None:
    code = main(["keyrate", *args, "--json"])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and needle in err and "Traceback" not in err
