"""CAL19 through the protocol contract (``SPEC.evaluate``): JSON keys, labels, bad input, XPROT."""

from __future__ import annotations

import numpy as np
import pytest

from conftest import assert_matches, reference_cases
from qinternet.errors import InvalidParameterError
from qinternet.qkd.finite_key import FK_V0_LABEL
from qinternet.qkd.options import KeyRateOptions
from qinternet.qkd.registry import get_protocol
from qinternet.qkd.tf_cal19 import SPEC, cal19_plob_crossing_loss_db


def _eta(loss_db: float) -> float:
    return 10.0 ** (-loss_db / 10.0)


def test_spec_is_registered_and_flags_support() -> None:
    spec = get_protocol("tf-cal19")
    assert spec is SPEC and spec.relay
    assert spec.supports_finite_decoys and spec.supports_finite_key
    assert spec.default_attenuation_db_per_km == 0.2
    for word in ("--misalignment", "--phase-mismatch", "--intensity", "FK-v0"):
        assert word in spec.help


def test_evaluate_returns_one_result_per_transmissivity_with_full_parameters() -> None:
    eta = np.array([1.0, 0.1, 1e-4, 1e-12])
    res = SPEC.evaluate(eta, KeyRateOptions())
    assert [r.channel_transmissivity for r in res] == eta.tolist()
    d = res[2].to_dict()
    assert d["protocol"] == "tf-cal19"
    for key in ("key_rate_bits_per_pulse", "plob_bits_per_pulse", "qber", "phase_error_rate"):
        assert isinstance(d[key], float)
    for key in ("intensity", "intensity_optimised", "detector_efficiency", "ec_efficiency",
                "channel_transmissivity"):
        assert key in d
    p = d["parameters"]
    for key in ("decoys", "basis_probability_p_x", "truncation_s",
                "finite_key_model", "dark_count_probability",
                "polarisation_misalignment", "phase_mismatch_delta", "total_transmissivity"):
        assert key in p
    assert p["decoys"] == "infinite" and p["finite_key_model"] == "asymptotic"
    assert p["truncation_s"] == 8 and p["basis_probability_p_x"] == 1.0
    assert res[0].to_dict()["plob_bits_per_pulse"] is None  # eta = 1: PLOB infinite
    assert res[-1].key_rate_bits_per_pulse == 0.0  # 120 dB: beyond the maximum loss
    assert res[1].key_rate_bits_per_pulse > res[2].key_rate_bits_per_pulse > 0


def test_fixed_intensity_and_defaults_match_the_spec_mapping() -> None:
    r = SPEC.evaluate(np.array([_eta(40)]), KeyRateOptions(intensity=0.04, ec_efficiency=1.0))[0]
    assert r.key_rate_bits_per_pulse == pytest.approx(2.590849e-4, rel=1e-6)  # case C1
    assert r.qber == pytest.approx(0.020004, abs=1e-6)
    assert r.intensity_optimised is False
    # --misalignment m is the X-basis error floor: e_X -> m at low intensity
    low = SPEC.evaluate(np.array([0.5]), KeyRateOptions(intensity=1e-4, misalignment=0.05,
                                                        dark_count=0.0))[0]
    assert low.qber == pytest.approx(0.05, rel=1e-3)


def test_finite_decoys_and_finite_key_are_labelled() -> None:
    eta = np.array([_eta(50)])
    lp = SPEC.evaluate(eta, KeyRateOptions(decoys=(0.0, 0.02, 0.1, 0.5)))[0]
    assert lp.parameters["decoys"] == "0,0.02,0.1,0.5" and lp.parameters["truncation_s"] == 6
    fk = SPEC.evaluate(eta, KeyRateOptions(pulses=1e12, intensity=0.03))[0]
    assert fk.parameters["finite_key_model"] == FK_V0_LABEL
    assert any("FK-v0" in n and "not the paper" in n for n in fk.notes)
    assert fk.parameters["pulses"] == 1e12 and fk.parameters["basis_probability_optimised"]
    assert 0 < fk.key_rate_bits_per_pulse < lp.key_rate_bits_per_pulse


@pytest.mark.parametrize(("field", "value"), [
    ("detector_efficiency", 0.0), ("detector_efficiency", 1.5), ("dark_count", -1e-8),
    ("dark_count", 1.0), ("misalignment", 0.6), ("phase_mismatch", 2.0),
    ("ec_efficiency", 0.9), ("intensity", 0.0), ("intensity", 50.0), ("decoys", (0.1, 0.1)),
    ("decoys", (-0.1, 0.2)), ("decoys", ()), ("pulses", 0.5),
])
def test_bad_options_name_the_field(field: str, value: object) -> None:
    with pytest.raises(InvalidParameterError) as info:
        SPEC.evaluate(np.array([1e-4]), KeyRateOptions(**{field: value}))
    assert info.value.name == field


@pytest.mark.parametrize("eta", [[-0.1], [1.1], [[0.1, 0.2]], [float("nan")]])
def test_bad_transmissivity(eta: list) -> None:  # type: ignore[type-arg]
    with pytest.raises(InvalidParameterError):
        SPEC.evaluate(np.array(eta), KeyRateOptions())


@pytest.mark.parametrize("case", [c for c in reference_cases("qkd", group="XPROT")
                                  if "loss_db" in c.values[0]["inputs"]])
def test_xprot_cal19_column_and_ordering(case: dict) -> None:
    eta = np.array([_eta(case["inputs"]["loss_db"])])
    opts = KeyRateOptions(dark_count=1e-8, misalignment=0.02, ec_efficiency=1.16)
    cal19 = SPEC.evaluate(eta, opts)[0]
    assert_matches(case, "cal19_bits_per_pulse", cal19.key_rate_bits_per_pulse)
    assert_matches(case, "plob_bits_per_pulse", cal19.plob_bits_per_pulse)
    for name in ("sns", "pm"):
        other = get_protocol(name).evaluate(eta, opts)[0]
        assert cal19.key_rate_bits_per_pulse > other.key_rate_bits_per_pulse


def test_xprot_crossing() -> None:
    case = next(c for c in reference_cases("qkd", group="XPROT") if c.id == "XPROT-CROSSINGS")
    assert_matches(case.values[0], "cal19_plob_crossing_db", cal19_plob_crossing_loss_db())


def test_a_failed_decoy_lp_surfaces_as_solver_error_not_zero(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import qinternet.qkd.tf._cal19_decoy_lp as lp_module
    from qinternet.errors import SolverError

    class _Failed:
        status, x, message = 4, None, "numerical difficulties (simulated)"

    monkeypatch.setattr(lp_module, "linprog", lambda *a, **k: _Failed())
    with pytest.raises(SolverError) as info:
        SPEC.evaluate(np.array([1e-5]), KeyRateOptions(decoys=(0.0, 0.1)))
    assert info.value.status == "4"


def test_curve_to_dict_is_plain_floats() -> None:
    from qinternet.qkd.tf_cal19 import cal19_key_rate

    d = cal19_key_rate([1e-3, 1e-5]).to_dict()
    assert set(d) >= {"key_rate_bits_per_pulse", "intensity_alpha_sq", "qber"}
    assert all(isinstance(v, float) for values in d.values() for v in values)
