"""Finite key: concentration tools (K3), FK-v0 for CAL19 (K1, K2, K4)."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import assert_matches, load_reference, reference_cases
from qinternet.channels.capacities import plob_bound
from qinternet.errors import InvalidParameterError
from qinternet.qkd.finite_key import (
    FK_V0_LABEL,
    azuma_deviation,
    chernoff_lower_tail,
    chernoff_upper_tail,
    fk_v0_key_length,
    forward_chernoff_upper,
    hoeffding_deviation,
    inverse_chernoff_bounds,
    kato_coefficients,
    kato_deviation,
    kato_tail_bound,
)
from qinternet.qkd.tf_cal19 import (
    Cal19Device,
    FiniteKeySettings,
    cal19_finite_key_rate,
    cal19_key_rate,
)

DECOYS4 = (0.0, 0.02, 0.1, 0.5)
ETA_50DB = 1e-5


def _case(case_id: str) -> dict:
    return next(c for c in load_reference("qkd")["cases"] if c["id"] == case_id)


# --- K3: Kato ---------------------------------------------------------------------------------


def test_k3_kato_coefficients_and_deviation() -> None:
    case = _case("K3")
    inp = case["inputs"]
    a, b = kato_coefficients(inp["n"], inp["n_tilde"], inp["epsilon"])
    assert_matches(case, "a", a)
    assert_matches(case, "b", b)
    assert_matches(case, "deviation", kato_deviation(inp["n"], inp["n_tilde"], a, b))
    assert_matches(case, "tail_bound", kato_tail_bound(inp["n"], a, b))
    # Hoeffding/Azuma 3393 vs Chernoff-like sqrt(2 n_tilde ln(1/eps)) = 215 at the same point.
    assert round(azuma_deviation(inp["n"], inp["epsilon"])) == 3393
    assert round(math.sqrt(2 * inp["n_tilde"] * math.log(1 / inp["epsilon"]))) == 215


@pytest.mark.parametrize(("n", "n_tilde", "eps"), [(1e6, 1e3, 1e-10), (1e9, 5e7, 1e-10),
                                                    (1e4, 5e3, 1e-6)])
def test_k3_kato_self_consistency(n: float, n_tilde: float, eps: float) -> None:
    a, b = kato_coefficients(n, n_tilde, eps)
    assert b >= abs(a)
    assert kato_tail_bound(n, a, b) == pytest.approx(eps, rel=1e-12)


@settings(max_examples=30)
@given(log_n=st.floats(3.0, 12.0), frac=st.floats(1e-4, 0.9), log_eps=st.floats(-15.0, -3.0))
def test_reverse_kato_pair_reaches_epsilon_and_matches_the_explicit_form(
        log_n: float, frac: float, log_eps: float) -> None:
    n, eps, m = 10.0**log_n, 10.0**log_eps, frac * 10.0**log_n
    a, b = kato_coefficients(n, m, eps, reverse=True)
    assert b >= abs(a)
    assert kato_tail_bound(n, a, b, reverse=True) == pytest.approx(eps, rel=1e-8)
    # Explicit reverse closed form: the 9 sqrt(2) term changes sign, a is negated, and the
    # 24 a sqrt(n) term of b changes sign.
    lg = math.log(eps)
    q = 9 * m * (n - m) - 2 * n * lg
    mixed = 72 * math.sqrt(n) * m * (n - m) * lg - 16 * n**1.5 * lg * lg
    tail = 9 * math.sqrt(2) * (n - 2 * m) * math.sqrt(-n * n * lg * q)
    a_explicit = -3 * (mixed - tail) / (4 * (9 * n - 8 * lg) * q)
    b_explicit = math.sqrt(18 * a_explicit**2 * n
                           - (16 * a_explicit**2 - 24 * a_explicit * math.sqrt(n) + 9 * n) * lg
                           ) / (3 * math.sqrt(2 * n))
    assert a == pytest.approx(a_explicit, rel=1e-6, abs=1e-9 * b)
    assert b == pytest.approx(b_explicit, rel=1e-9)


@settings(max_examples=30)
@given(log_n=st.floats(3.0, 12.0), frac=st.floats(1e-4, 0.9), log_eps=st.floats(-15.0, -3.0))
def test_kato_tuned_pair_reaches_epsilon_and_is_optimal_among_b_only(
        log_n: float, frac: float, log_eps: float) -> None:
    n, eps = 10.0**log_n, 10.0**log_eps
    a, b = kato_coefficients(n, frac * n, eps)
    assert kato_tail_bound(n, a, b) == pytest.approx(eps, rel=1e-8)
    # With a = 0 Kato reduces to Azuma: b sqrt(n) = Azuma deviation at the same epsilon.
    b0 = math.sqrt(math.log(1 / eps) / 2)
    assert kato_tail_bound(n, 0.0, b0) == pytest.approx(eps, rel=1e-12)
    assert b0 * math.sqrt(n) == pytest.approx(azuma_deviation(n, eps), rel=1e-12)
    # The tuned pair is never worse than Azuma at the predicted count.
    assert kato_deviation(n, frac * n, a, b) <= azuma_deviation(n, eps) * (1 + 1e-9)


# --- Chernoff tools: closed forms vs their defining tail bounds --------------------------------


@settings(max_examples=30)
@given(chi=st.floats(0.0, 1e9), log_eps=st.floats(-14.0, -2.0))
def test_inverse_chernoff_bounds_invert_their_tails(chi: float, log_eps: float) -> None:
    eps = 10.0**log_eps
    beta = math.log(1 / eps)
    lo, up = (float(x) for x in inverse_chernoff_bounds(chi, eps))
    assert lo <= chi <= up
    # E^U: the lower-tail Chernoff bound at mu = E^U for X = chi equals epsilon.
    delta = 1 - chi / up
    assert math.exp(-delta * delta * up / 2) == pytest.approx(eps, rel=1e-6)
    if lo > 0:  # E^L is at least as conservative as the standard upper tail
        d = chi / lo - 1
        assert math.exp(-d * d * lo / (2 + d)) <= eps * (1 + 1e-6)
        assert beta > 0


def test_forward_chernoff_inverts_the_upper_tail() -> None:
    for e in (1.0, 1e3, 1e7):
        up = float(forward_chernoff_upper(e, 1e-10))
        d = up / e - 1
        assert math.exp(-d * d * e / (2 + d)) == pytest.approx(1e-10, rel=1e-9)
        # and the sharper multiplicative form is below epsilon at that point
        assert chernoff_upper_tail(e, d) <= 1e-10


def test_chernoff_and_hoeffding_tails_bound_exact_binomial_tails() -> None:
    from scipy.stats import binom

    n, p = 10_000, 0.01
    mu = n * p
    for delta in (0.2, 0.5):
        assert binom.sf(math.ceil((1 + delta) * mu) - 1, n, p) <= chernoff_upper_tail(mu, delta)
        assert binom.cdf(math.floor((1 - delta) * mu), n, p) <= chernoff_lower_tail(mu, delta)
    t = hoeffding_deviation(n, 1e-3)
    assert binom.sf(math.ceil(mu + t) - 1, n, p) <= 1e-3


def test_fk_v0_key_length_closed_form() -> None:
    m, nph, ex = 1e9, 1e8, 0.02

    def h(x: float) -> float:
        return -x * math.log2(x) - (1 - x) * math.log2(1 - x)

    want = 2 * (m * (1 - h(0.1)) - 1.16 * m * h(ex)) - math.log2(2e15) - 2 * math.log2(0.5e10)
    assert float(fk_v0_key_length(m, nph, ex, ec_efficiency=1.16)) == pytest.approx(want,
                                                                                    rel=1e-12)
    # phase-error ratio above 1/2 is clamped: no key at all
    assert float(fk_v0_key_length(m, 0.7 * m, ex, ec_efficiency=1.16)) < 0


@pytest.mark.parametrize(("fun", "args"), [
    (hoeffding_deviation, (0.0, 1e-10)), (hoeffding_deviation, (10.0, 1.0)),
    (kato_coefficients, (1e6, 2e6, 1e-10)), (kato_tail_bound, (1e6, 2.0, 1.0)),
    (kato_deviation, (1e6, -1.0, 1.0, 2.0)), (inverse_chernoff_bounds, (-1.0, 1e-10)),
    (chernoff_lower_tail, (10.0, 1.5)),
])
def test_concentration_tools_reject_bad_input(fun, args) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidParameterError):
        fun(*args)


# --- K1 / K2: FK-v0 for CAL19 ------------------------------------------------------------------


@pytest.mark.parametrize("case", [c for g in ("K1",) for c in reference_cases("qkd", group=g)])
def test_k1_fk_v0_fixed_parameters(case: dict) -> None:
    inp = case["inputs"]
    # The reference data names the model by its spec tag; the label shown to users cites the
    # paper instead (issue 9, item 11). Both start with the model name.
    assert inp["finite_key_model"].split()[0] == FK_V0_LABEL.split()[0] == "FK-v0"
    settings_ = FiniteKeySettings(pulses=inp["pulses"], epsilon_chernoff=inp["chernoff_epsilon"],
                                  epsilon_cor=inp["epsilon_cor"], epsilon_pa=inp["epsilon_pa"])
    dev = Cal19Device(dark_count_probability=inp["dark_count_probability"],
                      polarisation_misalignment=inp["polarisation_misalignment"],
                      ec_efficiency=inp["ec_efficiency_f"])
    curve = cal19_finite_key_rate([10.0 ** (-inp["loss_db"] / 10)], settings_, device=dev,
                                  intensity_alpha_sq=inp["intensity_alpha_sq"],
                                  basis_probability_p_x=inp["basis_probability_p_x"],
                                  decoys=inp["decoys"], truncation_s=inp["truncation_s"])
    assert_matches(case, "key_rate_bits_per_pulse", curve.key_rate_bits_per_pulse[0])
    if "phase_error_upper_bound" in case["expected"]:
        assert_matches(case, "phase_error_upper_bound", curve.phase_error_rate[0])
    else:
        assert curve.phase_error_rate[0] >= 0.5


def test_k2_fk_v0_rises_with_block_size_towards_the_asymptotic_limit() -> None:
    case = _case("K2")
    asym = cal19_key_rate([ETA_50DB], intensity_alpha_sq=0.03, decoys=DECOYS4, truncation_s=5)
    assert_matches(case, "asymptotic_rate_r_asym_bits_per_pulse", asym.key_rate_bits_per_pulse[0])
    assert_matches(case, "phase_error_e_z", asym.phase_error_rate[0])
    limit = 0.9**2 * asym.key_rate_bits_per_pulse[0]
    assert_matches(case, "limit_bits_per_pulse", limit)
    rates = [cal19_finite_key_rate([ETA_50DB], FiniteKeySettings(pulses=n),
                                   intensity_alpha_sq=0.03,
                                   basis_probability_p_x=0.9).key_rate_bits_per_pulse[0]
             for n in (1e10, 1e11, 1e12, 1e14, 1e17, 1e20)]
    assert all(b >= a for a, b in itertools.pairwise(rates))
    assert all(r < limit for r in rates)
    assert rates[-1] == pytest.approx(limit, rel=2e-3)


def test_k4_optimised_fk_v0_beats_plob_from_about_1e11_pulses() -> None:
    plob = float(plob_bound(ETA_50DB))
    r = [cal19_finite_key_rate([ETA_50DB], FiniteKeySettings(pulses=n)).key_rate_bits_per_pulse[0]
         for n in (1e10, 1e11, 1e13)]
    assert r[0] < plob < r[1] < r[2]
    asym = cal19_key_rate([ETA_50DB], decoys=DECOYS4, truncation_s=5).key_rate_bits_per_pulse[0]
    assert r[2] < asym


def test_optimised_fk_v0_is_at_least_the_fixed_parameter_rate() -> None:
    fixed = cal19_finite_key_rate([ETA_50DB], FiniteKeySettings(pulses=1e12),
                                  intensity_alpha_sq=0.03, basis_probability_p_x=0.9)
    opt = cal19_finite_key_rate([ETA_50DB], FiniteKeySettings(pulses=1e12))
    assert opt.key_rate_bits_per_pulse[0] >= fixed.key_rate_bits_per_pulse[0]
    assert 0.5 <= opt.basis_probability_p_x[0] < 1.0
    assert np.isfinite(opt.intensity_alpha_sq[0])
