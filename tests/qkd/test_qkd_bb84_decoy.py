"""Decoy-state BB84 (asymptotic): reference cases B and D of tests/data/qkd.json, properties."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import minimize_scalar

from conftest import assert_matches, reference_cases
from qinternet.channels.capacities import plob_bound, tgw_bound
from qinternet.constants import DEFAULT_ATTENUATION_DB_PER_KM
from qinternet.entropy import binary_entropy
from qinternet.errors import InvalidParameterError
from qinternet.qkd import bb84_decoy
from qinternet.qkd.bb84_decoy import (
    DecoyBB84Params,
    bb84_gain_and_qber,
    bb84_key_rate_infinite_decoys,
    bb84_key_rate_two_decoys,
    bb84_single_photon_bounds_two_decoys,
)
from qinternet.qkd.options import KeyRateOptions
from qinternet.qkd.registry import get_protocol


def _params(case: dict[str, Any]) -> DecoyBB84Params:
    inputs = case["inputs"]
    return DecoyBB84Params(
        detector_efficiency=inputs["detector_efficiency_eta_bob"],
        background_yield=inputs["background_yield_y0"],
        misalignment=inputs["misalignment_e_det"],
        ec_efficiency=inputs["ec_efficiency_f"],
        sifting_factor=inputs["sifting_factor_q"],
    )


def _options(case: dict[str, Any]) -> KeyRateOptions:
    inputs = case["inputs"]
    decoys = inputs.get("decoys", "infinite")
    mu = inputs.get("intensity_mu", "optimise")
    return KeyRateOptions(
        detector_efficiency=inputs["detector_efficiency_eta_bob"],
        dark_count=inputs["background_yield_y0"],
        misalignment=inputs["misalignment_e_det"],
        ec_efficiency=inputs["ec_efficiency_f"],
        intensity=None if mu == "optimise" else float(mu),
        decoys=None if decoys == "infinite" else tuple(decoys),
    )


def _channel(case: dict[str, Any]) -> float:
    inputs = case["inputs"]
    return 10.0 ** (-inputs["attenuation_db_per_km"] * inputs["length_km"] / 10.0)


@pytest.mark.parametrize("case", reference_cases("qkd", group="B"))
def test_repeaterless_bounds_reference(case: dict[str, Any]) -> None:
    eta = case["inputs"]["transmissivity"]
    for key, func in (("plob_bits_per_pulse", plob_bound), ("tgw_bits_per_pulse", tgw_bound)):
        if key in case["expected"]:
            assert_matches(case, key, float(func(eta)))
    if "plob_bits_per_pulse" in case["expected"]:
        # Same number through the protocol result (channel PLOB, detector not included).
        [res] = bb84_decoy.evaluate([eta], KeyRateOptions(intensity=0.5))
        assert_matches(case, "plob_bits_per_pulse", res.plob_bits_per_pulse)


_D_VALUES = [c for c in reference_cases("qkd", group="D")
             if "length_km" in c.values[0]["inputs"]]
# Cases with a fixed intensity: the closed-form route applies (optimised ones are checked by
# the optimiser cross-check).
_D_FIXED = [c for c in _D_VALUES if c.values[0]["inputs"]["intensity_mu"] != "optimise"]


@pytest.mark.parametrize("case", _D_VALUES)
def test_decoy_bb84_reference_values(case: dict[str, Any]) -> None:
    [res] = bb84_decoy.evaluate([_channel(case)], _options(case))
    expected = case["expected"]
    if "key_rate_bits_per_pulse" in expected:
        assert_matches(case, "key_rate_bits_per_pulse", res.key_rate_bits_per_pulse)
    if "intensity_mu_opt" in expected:
        assert_matches(case, "intensity_mu_opt", float(res.intensity))
    if "gain_q_mu" in expected:
        assert_matches(case, "gain_q_mu", float(res.parameters["gain_q_mu"]))
    if "qber" in expected:
        assert_matches(case, "qber", res.qber)


@pytest.mark.parametrize("case", _D_FIXED)
def test_decoy_bb84_reference_values_direct_formula(case: dict[str, Any]) -> None:
    """Second route: the closed-form functions with the case's own sifting factor q."""
    params = _params(case)
    channel = _channel(case)  # the functions fold in params.detector_efficiency themselves
    mu = case["inputs"]["intensity_mu"]
    decoys = case["inputs"]["decoys"]
    if decoys == "infinite":
        rate = float(bb84_key_rate_infinite_decoys(channel, mu, params))
    else:
        rate = float(bb84_key_rate_two_decoys(channel, mu, tuple(decoys), params))
    if "key_rate_bits_per_pulse" in case["expected"]:
        assert_matches(case, "key_rate_bits_per_pulse", rate)


def test_vacuum_plus_weak_equals_spec_closed_form() -> None:
    """The general two-decoy bound with nu2 = 0 equals the explicit vacuum + weak form (§5)."""
    p = DecoyBB84Params()
    mu, nu = 0.48, 0.05
    for channel in (1.0, 10 ** (-1.05), 10 ** (-2.1), 10 ** (-2.8)):
        y1, e1 = bb84_single_photon_bounds_two_decoys(channel, mu, (0.0, nu), p)
        q_mu, _ = bb84_gain_and_qber(channel, mu, p)
        q_nu, e_nu = bb84_gain_and_qber(channel, nu, p)
        y0 = p.background_yield
        y1_spec = mu / (mu * nu - nu**2) * (
            q_nu * math.exp(nu) - q_mu * math.exp(mu) * nu**2 / mu**2
            - (mu**2 - nu**2) / mu**2 * y0
        )
        e1_spec = (e_nu * q_nu * math.exp(nu) - 0.5 * y0) / (y1_spec * nu)
        assert float(y1) == pytest.approx(float(y1_spec), rel=1e-12)
        assert float(e1) == pytest.approx(float(e1_spec), rel=1e-12)


def test_decoy_bounds_are_bounds() -> None:
    """Y1^L <= Y1 and e1^U >= e1 (the two-decoy estimates bracket the exact values)."""
    p = DecoyBB84Params()
    channel = 10 ** (-0.21 * np.arange(0, 140, 10) / 10)
    eta = 0.045 * channel
    y1, e1 = bb84_single_photon_bounds_two_decoys(channel, 0.5, (0.1, 0.02), p)
    y1_exact = p.background_yield + eta - p.background_yield * eta
    e1_exact = (0.5 * p.background_yield + p.misalignment * eta) / y1_exact
    assert np.all(y1 <= y1_exact * (1 + 1e-12))
    assert np.all(e1 >= e1_exact * (1 - 1e-12))


def test_optimiser_matches_scalar_brent() -> None:
    """Vectorised grid + golden section = scipy's bounded scalar maximisation per point."""
    km = np.array([0.0, 40.0, 100.0, 130.0])
    eta_ch = 10 ** (-0.21 * km / 10)
    results = bb84_decoy.evaluate(eta_ch, KeyRateOptions())
    p = DecoyBB84Params()
    for eta, res in zip(eta_ch, results, strict=True):
        mu0 = float(res.intensity)
        opt = minimize_scalar(
            lambda mu, e=eta: -float(bb84_key_rate_infinite_decoys(e, mu, p)),
            bounds=(0.5 * mu0, 1.5 * mu0), method="bounded", options={"xatol": 1e-10},
        )
        assert res.key_rate_bits_per_pulse == pytest.approx(-opt.fun, rel=1e-9)


_GYS = KeyRateOptions()


def test_rate_falls_with_distance_and_stays_below_plob() -> None:
    km = np.arange(0.0, 145.0, 5.0)
    rates = np.array([r.key_rate_bits_per_pulse for r in
                      bb84_decoy.evaluate(10 ** (-0.021 * km), _GYS)])
    positive = rates[rates > 0]
    assert np.all(np.diff(positive) < 0)
    # Never beats PLOB: R <= -log2(1 - eta_channel), and even PLOB with the detector.
    eta_total = 0.045 * 10 ** (-0.021 * km)
    assert np.all(rates <= plob_bound(eta_total))
    # Slope in eta below 1/ln 2 = 1.44 (small-eta PLOB).
    assert np.all(rates / eta_total < 1.0 / math.log(2.0))


@settings(max_examples=25)
@given(
    km=st.floats(0.0, 120.0),
    y0=st.floats(1e-8, 1e-5),
    factor=st.floats(1.5, 10.0),
)
def test_rate_falls_with_dark_counts(km: float, y0: float, factor: float) -> None:
    eta = [10 ** (-0.021 * km)]
    low = bb84_decoy.evaluate(eta, KeyRateOptions(dark_count=y0))[0].key_rate_bits_per_pulse
    high = bb84_decoy.evaluate(eta, KeyRateOptions(dark_count=min(y0 * factor, 0.5)))[0]
    assert high.key_rate_bits_per_pulse <= low * (1 + 1e-9)


@settings(max_examples=25)
@given(km=st.floats(0.0, 120.0), e_det=st.floats(0.0, 0.09), delta=st.floats(0.001, 0.05))
def test_rate_falls_with_misalignment(km: float, e_det: float, delta: float) -> None:
    eta = [10 ** (-0.021 * km)]
    a = bb84_decoy.evaluate(eta, KeyRateOptions(misalignment=e_det))[0]
    b = bb84_decoy.evaluate(eta, KeyRateOptions(misalignment=e_det + delta))[0]
    assert b.key_rate_bits_per_pulse <= a.key_rate_bits_per_pulse * (1 + 1e-9)


@settings(max_examples=30)
@given(
    km=st.floats(0.0, 140.0),
    nu1=st.floats(0.01, 0.2),
    nu2_frac=st.floats(0.0, 0.9),
    mu=st.one_of(st.none(), st.floats(0.3, 0.9)),
)
def test_finite_decoys_below_infinite(km: float, nu1: float, nu2_frac: float,
                                      mu: float | None) -> None:
    eta = [10 ** (-0.021 * km)]
    decoys = (nu1, nu1 * nu2_frac)
    if mu is not None and mu <= sum(decoys):
        mu = sum(decoys) + 0.1
    inf = bb84_decoy.evaluate(eta, KeyRateOptions(intensity=mu))[0]
    fin = bb84_decoy.evaluate(eta, KeyRateOptions(intensity=mu, decoys=decoys))[0]
    assert fin.key_rate_bits_per_pulse <= inf.key_rate_bits_per_pulse * (1 + 1e-9)
    assert fin.phase_error_rate >= inf.phase_error_rate - 1e-12


def test_rate_formula_by_hand_at_one_point() -> None:
    """R = q{Q1[1-h(e1)] - Q f h(E)} recomputed term by term (independent arithmetic)."""
    channel, mu, y0, ed, f = 0.1, 0.48, 1.7e-6, 0.033, 1.22
    eta = 0.045 * channel
    q = y0 + 1 - math.exp(-eta * mu)
    e = (0.5 * y0 + ed * (1 - math.exp(-eta * mu))) / q
    y1 = y0 + eta - y0 * eta
    e1 = (0.5 * y0 + ed * eta) / y1
    q1 = y1 * mu * math.exp(-mu)
    expected = 0.5 * (q1 * (1 - binary_entropy(e1)) - q * f * binary_entropy(e))
    assert float(bb84_key_rate_infinite_decoys(channel, mu)) == pytest.approx(float(expected),
                                                                          rel=1e-13)


def test_spec_registered_with_help() -> None:
    spec = get_protocol("bb84-decoy")
    assert spec is bb84_decoy.SPEC
    # Issue 9 item 6: one default everywhere (the GYS 0.21 dB/km stays for reference cases).
    assert spec.default_attenuation_db_per_km == DEFAULT_ATTENUATION_DB_PER_KM == 0.2
    assert spec.supports_finite_decoys and spec.supports_finite_key and not spec.relay
    for word in ("--dark-count", "Y0", "--detector-efficiency", "--decoys", "--pulses"):
        assert word in spec.help


@pytest.mark.parametrize(
    ("options", "name"),
    [
        (KeyRateOptions(dark_count=-1e-6), "dark_count"),
        (KeyRateOptions(dark_count=1.0), "dark_count"),
        (KeyRateOptions(misalignment=0.7), "misalignment"),
        (KeyRateOptions(ec_efficiency=0.9), "ec_efficiency"),
        (KeyRateOptions(detector_efficiency=0.0), "detector_efficiency"),
        (KeyRateOptions(detector_efficiency=1.5), "detector_efficiency"),
        (KeyRateOptions(intensity=-0.1), "intensity"),
        (KeyRateOptions(decoys=(0.1,)), "decoys"),
        (KeyRateOptions(decoys=(0.1, 0.1)), "decoys"),
        (KeyRateOptions(decoys=(0.1, 0.2, 0.3)), "decoys"),
        (KeyRateOptions(decoys=(0.0, 0.3), intensity=0.2), "intensity"),
        (KeyRateOptions(phase_mismatch=0.1), "phase_mismatch"),
    ],
)
def test_bad_options_raise_named_error(options: KeyRateOptions, name: str) -> None:
    with pytest.raises(InvalidParameterError) as err:
        bb84_decoy.evaluate([0.1], options)
    assert err.value.name == name


@pytest.mark.parametrize("eta", [[-0.1], [1.5], [float("nan")], [[0.1, 0.2]]])
def test_bad_transmissivity(eta: Any) -> None:
    with pytest.raises(InvalidParameterError):
        bb84_decoy.evaluate(eta, _GYS)


def test_zero_transmissivity_gives_zero_rate() -> None:
    [res] = bb84_decoy.evaluate([0.0], _GYS)
    assert res.key_rate_bits_per_pulse == 0.0
    assert res.plob_bits_per_pulse == 0.0


@pytest.mark.parametrize("case", reference_cases("qkd", group="XPROT", prefix="XPROT-")[:4])
def test_cross_protocol_plob_column(case: dict[str, Any]) -> None:
    """PLOB column of the XPROT tables through a protocol result at the same channel loss."""
    eta = 10 ** (-case["inputs"]["loss_db"] / 10)
    [res] = bb84_decoy.evaluate([eta], _GYS)
    assert_matches(case, "plob_bits_per_pulse", res.plob_bits_per_pulse)


@settings(max_examples=30)
@given(
    loss_db=st.floats(0.01, 60.0),
    eta_bob=st.floats(0.01, 1.0),
    y0=st.floats(0.0, 1e-3),
    e_det=st.floats(0.0, 0.2),
    decoys=st.one_of(st.none(), st.tuples(st.floats(0.01, 0.2), st.just(0.0))),
)
def test_rate_never_exceeds_plob(loss_db: float, eta_bob: float, y0: float, e_det: float,
                                 decoys: tuple[float, float] | None) -> None:
    """Achievable <= upper bound: BB84 rate <= PLOB of the channel with the detector folded in."""
    eta = 10 ** (-loss_db / 10)
    [res] = bb84_decoy.evaluate([eta], KeyRateOptions(detector_efficiency=eta_bob,
                                                      dark_count=y0, misalignment=e_det,
                                                      decoys=decoys))
    assert res.key_rate_bits_per_pulse <= float(plob_bound(eta_bob * eta))
    assert res.key_rate_bits_per_pulse <= res.plob_bits_per_pulse


@pytest.mark.parametrize("eta", [0.0, 1e-30, 1.0])
@pytest.mark.parametrize("y0", [0.0, 1e-6])
@pytest.mark.parametrize("decoys", [None, (0.1, 0.0)])
def test_edge_transmissivities_give_finite_numbers(
    eta: float, y0: float, decoys: tuple[float, float] | None
) -> None:
    [r] = bb84_decoy.evaluate([eta], KeyRateOptions(dark_count=y0, decoys=decoys))
    assert all(math.isfinite(v) for v in (r.key_rate_bits_per_pulse, r.qber, r.phase_error_rate))
    assert r.key_rate_bits_per_pulse >= 0
