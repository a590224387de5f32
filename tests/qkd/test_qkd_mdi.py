"""MDI-QKD (asymptotic, infinite decoys): reference cases M of tests/data/qkd.json, properties."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.integrate import quad

from conftest import assert_matches, reference_cases
from qinternet.channels.capacities import plob_bound
from qinternet.errors import InvalidParameterError
from qinternet.qkd import mdi
from qinternet.qkd.analysis import maximum_distance
from qinternet.qkd.mdi import MDIParams, mdi_key_rate, mdi_quantities
from qinternet.qkd.options import KeyRateOptions
from qinternet.qkd.registry import get_protocol


def _options(case: dict[str, Any]) -> KeyRateOptions:
    inputs = case["inputs"]
    mu = inputs["intensity_mu"]
    return KeyRateOptions(
        detector_efficiency=inputs["detector_efficiency"],
        dark_count=inputs["dark_count_probability"],
        misalignment=inputs["misalignment_e_d"],
        ec_efficiency=inputs["ec_efficiency_f"],
        intensity=None if mu == "optimise" else float(mu),
    )


_M_POINT = [c for c in reference_cases("qkd", group="M") if "length_km" in c.values[0]["inputs"]]
_M_MAX = [c for c in reference_cases("qkd", group="M")
          if "max_distance_km" in c.values[0]["expected"]]


@pytest.mark.parametrize("case", _M_POINT)
def test_mdi_reference_values(case: dict[str, Any]) -> None:
    inputs = case["inputs"]
    eta = 10 ** (-inputs["attenuation_db_per_km"] * inputs["length_km"] / 10)
    [res] = mdi.evaluate([eta], _options(case))
    expected = case["expected"]
    assert_matches(case, "key_rate_bits_per_pulse", res.key_rate_bits_per_pulse)
    if "qber_e_rect" in expected:
        assert_matches(case, "qber_e_rect", res.qber)
    if "phase_error_e11_x" in expected:
        assert_matches(case, "phase_error_e11_x", res.phase_error_rate)
    if "gain_q_rect" in expected:
        assert_matches(case, "gain_q_rect", float(res.parameters["gain_q_rect"]))
    if "yield_y11" in expected:
        assert_matches(case, "yield_y11", float(res.parameters["yield_y11"]))


@pytest.mark.parametrize("case", _M_MAX)
def test_mdi_maximum_distance(case: dict[str, Any]) -> None:
    spec = get_protocol("mdi")
    got = maximum_distance(spec, _options(case),
                           attenuation_db_per_km=case["inputs"]["attenuation_db_per_km"])
    assert got is not None
    assert_matches(case, "max_distance_km", got)


def _q_e_by_integration(ea: float, eb: float, ma: float, mb: float, pd: float) -> float:
    """Q_E from its phase average: I0(z) = (1/pi) int_0^pi exp(z cos t) dt (independent route)."""
    mu_prime = ea * ma + eb * mb
    x = math.sqrt(ea * ma * eb * mb) / 2
    avg, _ = quad(lambda t: math.exp(2 * x * math.cos(t) - mu_prime / 2), 0, math.pi,
                  epsabs=0, epsrel=1e-13)
    return 2 * pd * (1 - pd) ** 2 * (avg / math.pi - (1 - pd) * math.exp(-mu_prime))


@settings(max_examples=30)
@given(
    ea=st.floats(1e-4, 1.0), eb=st.floats(1e-4, 1.0), ma=st.floats(0.01, 3.0),
    mb=st.floats(0.01, 3.0), pd=st.floats(1e-8, 1e-3),
)
def test_q_e_matches_phase_integral(ea: float, eb: float, ma: float, mb: float,
                                    pd: float) -> None:
    p = MDIParams(dark_count=pd, misalignment=0.0)
    q = mdi_quantities(ea, eb, ma, mb, p)
    # With e_d = 0, E_rect Q_rect = Q_E exactly.
    q_e = float(q.qber_e_rect * q.gain_q_rect)
    assert q_e == pytest.approx(_q_e_by_integration(ea, eb, ma, mb, pd), rel=1e-9)


def test_q_c_closed_form_by_hand() -> None:
    ea = eb = 0.145 * 10 ** (-0.5)
    mu, pd, ed = 0.5, 3e-6, 0.015
    q = mdi_quantities(ea, eb, mu, mu, MDIParams(dark_count=pd, misalignment=ed))
    q_c = 2 * (1 - pd) ** 2 * math.exp(-ea * mu) * (1 - (1 - pd) * math.exp(-ea * mu / 2)) ** 2
    q_e = _q_e_by_integration(ea, eb, mu, mu, pd)
    assert float(q.gain_q_rect) == pytest.approx(q_c + q_e, rel=1e-11)
    assert float(q.qber_e_rect) == pytest.approx((ed * q_c + (1 - ed) * q_e) / (q_c + q_e),
                                                 rel=1e-10)


def test_optimised_rate_not_below_fixed_intensities() -> None:
    eta = 10 ** (-0.02 * np.array([0.0, 50.0, 100.0, 200.0]))
    opt = [r.key_rate_bits_per_pulse for r in mdi.evaluate(eta, KeyRateOptions())]
    for mu in (0.1, 0.3, 0.5, 0.8):
        fixed = mdi_key_rate(eta, mu)
        assert np.all(np.asarray(opt) >= fixed * (1 - 1e-12))


def test_rate_falls_with_distance_and_below_plob() -> None:
    km = np.arange(0.0, 230.0, 10.0)
    eta = 10 ** (-0.02 * km)
    rates = np.array([r.key_rate_bits_per_pulse for r in mdi.evaluate(eta, KeyRateOptions())])
    assert np.all(rates > 0) and np.all(np.diff(rates) < 0)
    # Cannot beat PLOB, even the weaker bound with both detectors in the channel.
    assert np.all(rates <= plob_bound(0.145**2 * eta))


@settings(max_examples=20)
@given(km=st.floats(0.0, 200.0), pd=st.floats(1e-8, 1e-5), factor=st.floats(1.5, 10.0))
def test_rate_falls_with_dark_counts(km: float, pd: float, factor: float) -> None:
    eta = [10 ** (-0.02 * km)]
    a = mdi.evaluate(eta, KeyRateOptions(dark_count=pd))[0].key_rate_bits_per_pulse
    b = mdi.evaluate(eta, KeyRateOptions(dark_count=pd * factor))[0].key_rate_bits_per_pulse
    assert b <= a * (1 + 1e-9)


@settings(max_examples=20)
@given(km=st.floats(0.0, 200.0), ed=st.floats(0.0, 0.05), delta=st.floats(0.001, 0.05))
def test_rate_falls_with_misalignment(km: float, ed: float, delta: float) -> None:
    eta = [10 ** (-0.02 * km)]
    a = mdi.evaluate(eta, KeyRateOptions(misalignment=ed))[0].key_rate_bits_per_pulse
    b = mdi.evaluate(eta, KeyRateOptions(misalignment=ed + delta))[0].key_rate_bits_per_pulse
    assert b <= a * (1 + 1e-9)


def test_spec_registered() -> None:
    spec = get_protocol("mdi")
    assert spec is mdi.SPEC and spec.relay
    # Finite decoy sets since issue 15 (LP bounds, qinternet.qkd.mdi_decoys).
    assert spec.supports_finite_decoys and not spec.supports_finite_key
    assert "--dark-count" in spec.help and "each arm" in spec.help


@pytest.mark.parametrize(
    ("options", "name"),
    [
        (KeyRateOptions(decoys=(0.1, 0.1)), "decoys"),
        (KeyRateOptions(decoys=(0.0, -0.1)), "decoys"),
        (KeyRateOptions(decoy_count=1), "decoy_count"),
        (KeyRateOptions(pulses=1e10), "pulses"),
        (KeyRateOptions(phase_mismatch=0.05), "phase_mismatch"),
        (KeyRateOptions(dark_count=1.0), "dark_count"),
        (KeyRateOptions(misalignment=-0.1), "misalignment"),
        (KeyRateOptions(ec_efficiency=0.5), "ec_efficiency"),
        (KeyRateOptions(detector_efficiency=0.0), "detector_efficiency"),
        (KeyRateOptions(intensity=0.0), "intensity"),
    ],
)
def test_bad_options(options: KeyRateOptions, name: str) -> None:
    with pytest.raises(InvalidParameterError) as err:
        mdi.evaluate([0.01], options)
    assert err.value.name == name


@pytest.mark.parametrize("eta", [0.0, 1e-30, 1.0])
@pytest.mark.parametrize("pd", [0.0, 1e-6])
def test_edge_transmissivities_give_finite_numbers(eta: float, pd: float) -> None:
    [r] = mdi.evaluate([eta], KeyRateOptions(dark_count=pd))
    assert all(math.isfinite(v) for v in (r.key_rate_bits_per_pulse, r.qber, r.phase_error_rate))
    assert r.key_rate_bits_per_pulse >= 0


def test_optimiser_matches_scalar_brent() -> None:
    """Vectorised grid + golden section = scipy's bounded Brent maximisation, point by point."""
    from scipy.optimize import minimize_scalar

    eta = 10 ** (-0.02 * np.array([0.0, 60.0, 150.0, 225.0]))
    for e, res in zip(eta, mdi.evaluate(eta, KeyRateOptions()), strict=True):
        mu0 = float(res.intensity)
        opt = minimize_scalar(lambda m, e=e: -float(mdi_key_rate(e, m)),
                              bounds=(0.5 * mu0, 1.5 * mu0), method="bounded",
                              options={"xatol": 1e-10})
        assert res.key_rate_bits_per_pulse == pytest.approx(-opt.fun, rel=1e-9)
