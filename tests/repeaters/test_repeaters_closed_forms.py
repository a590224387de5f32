"""Closed forms of spec repeaters.md §5 against the exact algorithm at random parameter points."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qinternet.errors import QinternetWarning
from qinternet.repeaters import NestedChain, analyze_chain, join_attempt
from qinternet.repeaters import closed_forms as cf

probs = st.floats(0.02, 1.0)
swaps = st.floats(0.2, 1.0)


def _mean_t(**kw: object) -> float:
    with warnings.catch_warnings():
        warnings.simplefilter("error", QinternetWarning)
        return analyze_chain(NestedChain(**kw)).mean_waiting_time_steps  # type: ignore[arg-type]


@given(p=probs, a=swaps)
def test_two_segments_k2(p: float, a: float) -> None:
    assert _mean_t(levels=1, p_gen=p, p_swap=a) == pytest.approx(
        cf.mean_waiting_time_two_segments(p, a), rel=1e-9)


@settings(max_examples=25)
@given(p=st.floats(0.05, 1.0), a=swaps)
def test_four_segments_k4(p: float, a: float) -> None:
    assert _mean_t(levels=2, p_gen=p, p_swap=a) == pytest.approx(
        cf.mean_waiting_time_four_segments(p, a), rel=1e-9)


@settings(max_examples=20)
@given(p=st.floats(0.05, 1.0), levels=st.integers(0, 4))
def test_a1_is_max_of_geometrics(p: float, levels: int) -> None:
    assert _mean_t(levels=levels, p_gen=p, p_swap=1.0) == pytest.approx(
        cf.max_geometric_mean(2**levels, p), rel=1e-9)


@settings(max_examples=20)
@given(a=st.floats(0.5, 1.0), levels=st.integers(0, 2), tau=st.none() | st.integers(2, 8))
def test_identity_p1_extra_level(a: float, levels: int, tau: int | None) -> None:
    """Nested chain with p_gen = 1 and n+1 levels = chain with p_gen = a and n levels (W13)."""
    lhs = _mean_t(levels=levels + 1, p_gen=1.0, p_swap=a,
                  cutoff_steps=None if tau is None else (0,) + (tau,) * levels)
    rhs = _mean_t(levels=levels, p_gen=a, p_swap=a, cutoff_steps=tau)
    assert lhs == pytest.approx(rhs, rel=1e-9)


@given(p=probs, a=swaps, tau=st.integers(0, 40), w0=st.floats(0.5, 1.0),
       t_coh=st.floats(2.0, 500.0))
def test_level1_cutoff_closed_forms(p: float, a: float, tau: int, w0: float,
                                    t_coh: float) -> None:
    res = analyze_chain(NestedChain(levels=1, p_gen=p, p_swap=a, werner_w0=w0,
                                    coherence_time_steps=t_coh, cutoff_steps=tau))
    assert res.mean_waiting_time_steps == pytest.approx(
        cf.level1_mean_waiting_time(p, a, tau), rel=1e-9)
    assert res.mean_werner == pytest.approx(cf.level1_mean_werner(p, w0, t_coh, tau), rel=1e-9)


@given(p=probs, a=swaps, w0=st.floats(0.5, 1.0), t_coh=st.floats(2.0, 500.0))
def test_level1_no_cutoff_werner(p: float, a: float, w0: float, t_coh: float) -> None:
    res = analyze_chain(NestedChain(levels=1, p_gen=p, p_swap=a, werner_w0=w0,
                                    coherence_time_steps=t_coh))
    assert res.mean_werner == pytest.approx(cf.level1_mean_werner(p, w0, t_coh), rel=1e-9)


@given(p=st.floats(0.05, 0.95), tau=st.integers(0, 30))
def test_pass_probability_matches_direct_sum(p: float, tau: int) -> None:
    q = 1 - p
    direct = p / (2 - p) + sum(2 * p * q**k / (2 - p) for k in range(1, tau + 1))
    assert cf.level1_pass_probability(p, tau) == pytest.approx(direct, rel=1e-12)


@settings(max_examples=20)
@given(p=st.floats(0.05, 1.0), a=swaps, levels=st.integers(1, 3))
def test_upper_bound_and_three_halves(p: float, a: float, levels: int) -> None:
    mean = _mean_t(levels=levels, p_gen=p, p_swap=a)
    assert mean <= cf.mean_waiting_time_upper_bound(levels, p, a) * (1 + 1e-12)
    assert cf.three_halves_rule(levels, p, a) > 0


def _brute_join(pmf: np.ndarray, wp: np.ndarray, tau: int | None, x: float) -> tuple[
        np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    n = pmf.size
    ps, pf, u, v = (np.zeros(n) for _ in range(4))
    total = 1.0
    for ta in range(n):
        for tb in range(n):
            d = abs(ta - tb)
            prob = pmf[ta] * pmf[tb]
            if tau is None or d <= tau:
                t = max(ta, tb)
                ps[t] += prob
                u[t] += wp[ta] * wp[tb] * x**d
                early_a = ta < tb
                wa = wp[ta] * (x**d if early_a else 1.0)
                wb = wp[tb] * (x**d if tb < ta else 1.0)
                v[t] += wa * pmf[tb] + wb * pmf[ta]
            else:
                t = min(ta, tb) + tau
                if t < n:
                    pf[t] += prob
    # failing pairs whose late partner lies beyond the window (survival term)
    cdf = np.cumsum(pmf)
    if tau is not None:
        for t in range(n):
            if t + tau < n:
                beyond = total - cdf[-1]
                pf[t + tau] += 2 * pmf[t] * beyond
    return ps, pf, u, v


@settings(max_examples=30)
@given(
    raw=st.lists(st.floats(0.0, 1.0, allow_subnormal=False), min_size=3, max_size=25),
    wraw=st.lists(st.floats(0.0, 1.0), min_size=26, max_size=26),
    tau=st.none() | st.integers(0, 30),
    x=st.floats(0.5, 1.0),
    tail=st.floats(0.0, 0.3),
)
def test_join_matches_quadratic_brute_force(raw: list[float], wraw: list[float],
                                            tau: int | None, x: float, tail: float) -> None:
    pmf = np.array([0.0, *raw])
    if pmf.sum() < 1e-6:  # (near-)empty draws would overflow the normalisation below
        pmf[1] = 1.0
    pmf *= (1 - tail) / pmf.sum()
    wp = pmf * np.array(wraw[: pmf.size])
    got = join_attempt(pmf, wp, tau, x)
    want = _brute_join(pmf, wp, tau, x)
    for g, w in zip(got, want, strict=True):
        assert np.all(np.isfinite(g)) and np.all(np.isfinite(w))
        np.testing.assert_allclose(g, w, rtol=0, atol=1e-14)


def test_closed_form_examples_pin_reference_numbers() -> None:
    assert cf.mean_waiting_time_two_segments(0.1, 1.0) == pytest.approx(14.736842105263158,
                                                                         rel=1e-12)
    assert cf.mean_waiting_time_four_segments(0.01, 0.5) == pytest.approx(864.8820943974671,
                                                                            rel=1e-10)
    assert cf.level1_mean_werner(0.1, 0.99, 30, 5) == pytest.approx(0.90430968869563, rel=1e-12)
    assert math.isclose(cf.max_geometric_mean(1, 0.25), 4.0)
