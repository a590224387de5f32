"""Truncation and coverage handling: warnings, errors, bounds and automatic windows."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qinternet.errors import InvalidParameterError, QinternetWarning
from qinternet.repeaters import NestedChain, analyze_chain, window_distributions

CHAIN = NestedChain(levels=2, p_gen=0.05, p_swap=0.5, werner_w0=0.99,
                    coherence_time_steps=200.0, cutoff_steps=30)


def test_automatic_window_reaches_target_coverage() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error", QinternetWarning)
        res = analyze_chain(CHAIN)
    assert res.coverage >= 1 - 1e-12
    assert res.coverage <= 1.0
    assert res.mean_waiting_time_lower_bound_steps == pytest.approx(
        res.mean_waiting_time_steps, rel=1e-9)


def test_short_window_warns_and_reports_conditional_mean() -> None:
    full = analyze_chain(CHAIN)
    with pytest.warns(QinternetWarning, match="covers"):
        short = analyze_chain(CHAIN, truncation_steps=2500)
    assert 0.99 < short.coverage < 1 - 1e-6
    # the conditional mean underestimates; the lower bound is a true lower bound
    assert short.mean_waiting_time_steps < full.mean_waiting_time_steps
    assert short.mean_waiting_time_lower_bound_steps <= full.mean_waiting_time_steps
    assert short.mean_waiting_time_lower_bound_steps > short.mean_waiting_time_steps


def test_too_short_window_raises_instead_of_returning_a_mean() -> None:
    with pytest.raises(InvalidParameterError, match="truncation_steps must be larger"):
        analyze_chain(CHAIN, truncation_steps=100)


def test_cap_too_small_raises() -> None:
    with pytest.raises(InvalidParameterError, match="max_truncation_steps"):
        analyze_chain(CHAIN, max_truncation_steps=128)


def test_min_coverage_can_be_relaxed_explicitly() -> None:
    with pytest.warns(QinternetWarning):
        res = analyze_chain(CHAIN, truncation_steps=300, min_coverage=0.0)
    assert res.coverage < 0.99


@settings(max_examples=15)
@given(t_len=st.integers(700, 3000))
def test_window_values_do_not_depend_on_window_length(t_len: int) -> None:
    """P(t) on a shorter window equals the prefix of a longer one (causality + no aliasing)."""
    long_pmf, long_wp, _, _ = window_distributions(CHAIN, truncation_steps=8192)
    pmf, wp, _, cov = window_distributions(CHAIN, truncation_steps=t_len)
    # wrap-around of the FFT geometric sums is damped by e^-16 (exponential tilting)
    np.testing.assert_allclose(pmf, long_pmf[:t_len], rtol=0, atol=1e-9)
    np.testing.assert_allclose(wp, long_wp[:t_len], rtol=0, atol=1e-9)
    assert cov == pytest.approx(long_pmf[:t_len].sum(), abs=1e-8)


@settings(max_examples=20)
@given(levels=st.integers(0, 3), p=st.floats(0.05, 1.0), a=st.floats(0.3, 1.0),
       w0=st.floats(0.0, 1.0), tau=st.none() | st.integers(0, 20), t_coh=st.floats(1.0, 1e3))
def test_invariants(levels: int, p: float, a: float, w0: float, tau: int | None,
                    t_coh: float) -> None:
    chain = NestedChain(levels=levels, p_gen=p, p_swap=a, werner_w0=w0,
                        coherence_time_steps=t_coh, cutoff_steps=tau)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", QinternetWarning)
        try:
            res = analyze_chain(chain, max_truncation_steps=2**16)
        except InvalidParameterError:
            return  # window cap too small for this very slow chain: raised, never a number
    assert 0.99 <= res.coverage <= 1.0
    w = res.werner_by_time[~np.isnan(res.werner_by_time)]
    assert np.all(w <= w0 ** (2**levels) + 1e-7)
    assert np.all(res.waiting_time_pmf >= 0)
    assert 0.0 <= res.mean_werner <= w0 ** (2**levels) + 1e-12
    assert res.mean_fidelity == pytest.approx((1 + 3 * res.mean_werner) / 4)
