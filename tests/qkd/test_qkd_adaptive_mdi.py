"""Adaptive MDI-QKD with multiplexing, interim model (spec qkd.md section 13, cases A1/A2)."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import binom

from conftest import load_reference
from qinternet.channels.capacities import plob_bound
from qinternet.errors import InvalidParameterError
from qinternet.qkd.adaptive_mdi import (
    SPEC,
    PhotonNumberSource,
    adaptive_mdi_rate,
    evaluate,
    expected_min_binomial,
    high_loss_rate_coefficient,
    ideal_bell_pair_source,
    ideal_single_photon_source,
    poisson_source,
    spdc_thermal_source,
)
from qinternet.qkd.options import KeyRateOptions


def _case(case_id: str) -> dict:
    return next(c for c in load_reference("qkd")["cases"] if c["id"] == case_id)


def _eta(loss_db: float) -> float:
    return 10.0 ** (-loss_db / 10.0)


def _modes_for(eta: float, scale: float = 20.0) -> int:
    """M proportional to 1/p_h with p_h = sqrt(eta)/2 (ideal devices, linear optics)."""
    return math.ceil(scale / (0.5 * math.sqrt(eta)))


# --- expected min of two binomials: two independent routes ---------------------------------

@settings(max_examples=30)
@given(modes=st.integers(1, 60), p=st.one_of(st.just(0.0), st.floats(1e-12, 1.0)))
def test_expected_min_matches_joint_pmf_sum(modes: int, p: float) -> None:
    k = np.arange(modes + 1)
    pmf = binom.pmf(k, modes, p)
    exact = float(np.sum(pmf[:, None] * pmf[None, :] * np.minimum(k[:, None], k[None, :])))
    assert float(expected_min_binomial(modes, p)[0]) == pytest.approx(exact, rel=1e-9,
                                                                       abs=1e-12)


def test_expected_min_matches_monte_carlo_for_large_m() -> None:
    rng = np.random.default_rng(20260427)
    modes, p = 200_000, 3e-4
    a = rng.binomial(modes, p, size=200_000)
    b = rng.binomial(modes, p, size=200_000)
    mc = np.minimum(a, b)
    formula = float(expected_min_binomial(modes, p)[0])
    assert abs(mc.mean() - formula) < 5 * mc.std() / math.sqrt(mc.size)


# --- A1: ideal sources --------------------------------------------------------------------

def test_a1_ideal_herald_probability_closed_form() -> None:
    for loss_db in (10.0, 40.0):
        eta = _eta(loss_db)
        r = adaptive_mdi_rate(eta, modes=1, detector_efficiency=0.8)
        assert r.herald_probability == pytest.approx(0.5 * 0.64 * math.sqrt(eta), rel=1e-12)
        assert r.good_herald_fraction == pytest.approx(1.0)


def test_a1_sqrt_eta_scaling_when_modes_scale_as_inverse_herald_probability() -> None:
    assert "R proportional to sqrt(eta) when M is scaled as 1/p_h" in _case("A1")["expected"][
        "assertions"]
    rates = [adaptive_mdi_rate(_eta(db), modes=_modes_for(_eta(db)), misalignment=0.01,
                               dark_count=1e-9).key_rate_bits_per_mode for db in (30.0, 50.0, 70.0)]
    assert rates[0] / rates[1] == pytest.approx(10.0, rel=0.02)
    assert rates[1] / rates[2] == pytest.approx(10.0, rel=0.02)


def test_a1_crosses_plob_at_high_loss() -> None:
    low = adaptive_mdi_rate(_eta(3.0), modes=_modes_for(_eta(3.0)), misalignment=0.01)
    assert low.key_rate_bits_per_mode < float(plob_bound(_eta(3.0)))
    for db in (20.0, 40.0, 60.0):
        eta = _eta(db)
        r = adaptive_mdi_rate(eta, modes=_modes_for(eta), misalignment=0.01, dark_count=1e-9)
        assert r.key_rate_bits_per_mode > float(plob_bound(eta))


@settings(max_examples=40)
@given(eta=st.floats(1e-9, 0.999), eta_d=st.floats(0.05, 1.0), e_d=st.floats(0.0, 0.1))
def test_a1_single_mode_never_beats_plob(eta: float, eta_d: float, e_d: float) -> None:
    r = adaptive_mdi_rate(eta, modes=1, detector_efficiency=eta_d, misalignment=e_d)
    assert r.key_rate_bits_per_mode <= eta / 8.0 * (1 + 1e-12)
    assert r.key_rate_bits_per_mode < float(plob_bound(eta))


def test_rate_grows_with_multiplexing_and_falls_with_noise() -> None:
    eta = _eta(40.0)
    by_modes = [adaptive_mdi_rate(eta, modes=m, misalignment=0.01).key_rate_bits_per_mode
                for m in (1, 10, 100, 1000, 10000)]
    assert all(a < b for a, b in itertools.pairwise(by_modes))
    by_ed = [adaptive_mdi_rate(eta, modes=1000, misalignment=e).key_rate_bits_per_mode
             for e in (0.0, 0.02, 0.05)]
    assert by_ed[0] > by_ed[1] > by_ed[2]
    by_pd = [adaptive_mdi_rate(eta, modes=1000, dark_count=pd).key_rate_bits_per_mode
             for pd in (0.0, 1e-5, 1e-4)]
    assert by_pd[0] > by_pd[1] > by_pd[2]
    curve = [adaptive_mdi_rate(_eta(db), modes=1000).key_rate_bits_per_mode
             for db in range(0, 80, 5)]
    assert all(a >= b for a, b in itertools.pairwise(curve))


# --- A2: SPDC (thermal) sources -----------------------------------------------------------

@settings(max_examples=40)
@given(eta=st.floats(1e-10, 0.99), x=st.floats(1e-6, 2.0), log_modes=st.integers(0, 6),
       user_thermal=st.booleans(), y=st.floats(1e-3, 1.0))
def test_a2_spdc_never_beats_plob(eta: float, x: float, log_modes: int, user_thermal: bool,
                                  y: float) -> None:
    assert "never beats PLOB" in _case("A2")["expected"]["assertions"]
    user = spdc_thermal_source(y) if user_thermal else ideal_single_photon_source()
    r = adaptive_mdi_rate(eta, modes=10**log_modes, pair_source=spdc_thermal_source(x),
                          user_source=user, misalignment=0.0, dark_count=0.0,
                          ec_efficiency=1.0)
    assert r.key_rate_bits_per_mode < float(plob_bound(eta))
    if not user_thermal:  # the model's analytic bound R <= eta / (4 (1 + x)) [D]
        assert r.key_rate_bits_per_mode <= eta / (4.0 * (1.0 + x)) * (1 + 1e-9)


def test_a2_rate_decreases_as_p2_over_p1_squared_grows() -> None:
    assert "R decreases as p2/p1^2 grows" in _case("A2")["expected"]["assertions"]
    eta = _eta(20.0)
    q1 = 0.5
    rates = []
    ratios = []
    for q2 in (0.0, 1e-4, 1e-3, 3e-3, 1e-2):
        src = PhotonNumberSource(probabilities=(1.0 - q1 - q2, q1, q2))
        ratios.append(src.multi_to_single_ratio)
        rates.append(adaptive_mdi_rate(eta, modes=1000, pair_source=src,
                                       misalignment=0.01).key_rate_bits_per_mode)
    assert ratios == sorted(ratios)
    assert all(a > b for a, b in itertools.pairwise(rates))


def test_sources_statistics() -> None:
    th = spdc_thermal_source(0.1)
    assert sum(th.probabilities) == pytest.approx(1.0, abs=1e-15)
    assert th.p(1) == pytest.approx(0.1 / 1.1**2) and th.multi_to_single_ratio == pytest.approx(1.1)
    po = poisson_source(0.3)
    assert po.multi_to_single_ratio == pytest.approx(math.exp(0.3) / 2.0)
    assert ideal_bell_pair_source().multi_to_single_ratio == 0.0
    assert math.isinf(PhotonNumberSource(probabilities=(1.0, 0.0)).multi_to_single_ratio)
    assert th.p(10_000) == 0.0


# --- CLI entry point and bad input --------------------------------------------------------

def test_evaluate_contract() -> None:
    res = evaluate(np.array([1e-4, 1.0, 0.0]), KeyRateOptions())
    r = res[0]
    assert r.protocol == "adaptive-mdi" and r.notes[0].startswith("interim model")
    assert r.parameters["pair_source"] == "ideal Bell pairs"
    assert r.parameters["modes_m"] == 1000
    assert r.key_rate_bits_per_pulse > r.plob_bits_per_pulse
    assert math.isinf(res[1].plob_bits_per_pulse) and res[2].key_rate_bits_per_pulse == 0.0
    assert math.copysign(1.0, res[2].key_rate_bits_per_pulse) == 1.0  # not -0.0
    spdc = evaluate(np.array([1e-4]), KeyRateOptions(intensity=0.01))[0]
    assert spdc.parameters["pair_source"].startswith("SPDC thermal")
    assert spdc.key_rate_bits_per_pulse < spdc.plob_bits_per_pulse
    assert SPEC.name == "adaptive-mdi" and "--intensity" in SPEC.help


@pytest.mark.parametrize(
    ("options", "name"),
    [
        (KeyRateOptions(decoys=(0.0, 0.1)), "decoys"),
        (KeyRateOptions(pulses=1e9), "pulses"),
        (KeyRateOptions(phase_mismatch=0.1), "phase_mismatch"),
        (KeyRateOptions(intensity=-1.0), "intensity"),
        (KeyRateOptions(dark_count=2.0), "dark_count"),
    ],
)
def test_bad_options(options: KeyRateOptions, name: str) -> None:
    with pytest.raises(InvalidParameterError) as info:
        evaluate(np.array([1e-3]), options)
    assert info.value.name == name


def test_bad_library_input() -> None:
    with pytest.raises(InvalidParameterError):
        adaptive_mdi_rate(0.1, modes=0)
    with pytest.raises(InvalidParameterError):
        adaptive_mdi_rate(1.5, modes=10)
    with pytest.raises(InvalidParameterError):
        PhotonNumberSource(probabilities=(0.5, 0.6))
    with pytest.raises(InvalidParameterError):
        PhotonNumberSource(probabilities=(1.0,))
    with pytest.raises(InvalidParameterError):
        spdc_thermal_source(0.0)


# --- source condition of the interim model ------------------------------------------------

@st.composite
def _pair_sources(draw: st.DrawFn) -> PhotonNumberSource:
    weights = [draw(st.floats(0.0, 1.0)) for _ in range(4)]
    weights[1] = max(weights[1], 1e-3)
    total = sum(weights)
    probs = [w / total for w in weights]
    probs[0] = 1.0 - sum(probs[1:])
    return PhotonNumberSource(probabilities=tuple(max(p, 0.0) for p in probs))


@settings(max_examples=40)
@given(src=_pair_sources(), eta=st.floats(1e-10, 0.9), log_modes=st.integers(0, 5),
       pd=st.floats(0.0, 1e-4), e_d=st.floats(0.0, 0.05), eta_d=st.floats(0.3, 1.0))
def test_rate_below_source_coefficient_bound(src: PhotonNumberSource, eta: float,
                                             log_modes: int, pd: float, e_d: float,
                                             eta_d: float) -> None:
    """Achievable interim rate <= c eta / (1 - sqrt(eta)) (upper bound vs achievable)."""
    c = high_loss_rate_coefficient(src, detector_efficiency=eta_d)
    r = adaptive_mdi_rate(eta, modes=10**log_modes, pair_source=src, dark_count=pd,
                          misalignment=e_d, detector_efficiency=eta_d).key_rate_bits_per_mode
    assert r <= c * eta / (1.0 - math.sqrt(eta)) * (1 + 1e-9) + 1e-300


def test_source_condition_thermal_fails_near_ideal_passes() -> None:
    for x in (1e-4, 0.01, 0.1, 1.0):
        c = high_loss_rate_coefficient(spdc_thermal_source(x))
        assert c <= 1.0 / (4.0 * (1.0 + x)) * (1 + 1e-12) < 1.0 / math.log(2.0)
    assert math.isinf(high_loss_rate_coefficient(ideal_bell_pair_source()))
    good = PhotonNumberSource(probabilities=(0.1 - 1e-4, 0.9, 1e-4), label="near-ideal")
    assert high_loss_rate_coefficient(good) > 1.0 / math.log(2.0)
    eta = _eta(40.0)
    r = adaptive_mdi_rate(eta, modes=10_000, pair_source=good, misalignment=0.01)
    assert r.key_rate_bits_per_mode > float(plob_bound(eta))
