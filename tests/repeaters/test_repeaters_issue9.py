"""Issue 9 (items 4, 5): window estimates, up-front refusal, memory bounds, progress, round-off.

The exact algorithm's cost is set by its truncation window; these tests pin that the window is
estimated before computing (refusing hopeless chains at once), that it is bounded by memory,
that progress is reported, and that long windows do not bias the means through FFT round-off.
"""

from __future__ import annotations

import itertools
import math
import time

import numpy as np
import pytest

from qinternet.errors import InvalidParameterError
from qinternet.repeaters import NestedChain, analyze_chain, optimize_cutoffs, window_distributions
from qinternet.repeaters._budget import (
    BYTES_PER_WINDOW_STEP,
    max_window_steps,
    plan_window,
    require_window_fits,
)
from qinternet.repeaters.chain import (
    DEFAULT_MIN_COVERAGE,
    DEFAULT_TARGET_COVERAGE,
    REFUSE_FACTOR,
    check_automatic_window,
    coverage_saturated,
)
from qinternet.repeaters.closed_forms import (
    level1_mean_waiting_time,
    mean_waiting_time_four_segments,
    mean_waiting_time_upper_bound,
)


def _plan(chain: NestedChain):  # type: ignore[no-untyped-def]
    return plan_window(chain, min_coverage=DEFAULT_MIN_COVERAGE,
                       target_coverage=DEFAULT_TARGET_COVERAGE)


# grid points whose window fits a unit test (a filtered list, not skips that cannot fail)
POINTS = [
    (levels, p, a, tau)
    for levels, p, a, tau in itertools.product([1, 2, 3], [0.5, 0.1, 0.02], [1.0, 0.5],
                                               [None, 0, 3, 30])
    if _plan(NestedChain(levels=levels, p_gen=p, p_swap=a, cutoff_steps=tau)
             ).window_for_target_steps <= 2e5
]


@pytest.mark.parametrize(("levels", "p", "a", "tau"), POINTS)
def test_window_estimate_is_within_the_refusal_margin_of_the_measured_window(
        levels: int, p: float, a: float, tau: int | None) -> None:
    chain = NestedChain(levels=levels, p_gen=p, p_swap=a, cutoff_steps=tau)
    plan = _plan(chain)
    pmf, _, t_len, _ = window_distributions(chain)
    q99 = int(np.searchsorted(np.cumsum(pmf), DEFAULT_MIN_COVERAGE)) + 1
    ratio = plan.window_for_min_coverage_steps / q99
    assert 1.0 / REFUSE_FACTOR < ratio < REFUSE_FACTOR
    mean = float(np.dot(np.arange(t_len), pmf) / pmf.sum())
    if plan.mean_lower_bound_steps is not None:  # rigorous without cut-offs
        assert plan.mean_lower_bound_steps <= mean * (1 + 1e-12)
        assert mean <= mean_waiting_time_upper_bound(levels, p, a) * (1 + 1e-12)


def test_estimate_is_exact_for_two_segments_and_close_for_four() -> None:
    for tau in (0, 5, None):
        plan = _plan(NestedChain(levels=1, p_gen=0.1, p_swap=0.5, cutoff_steps=tau))
        assert plan.mean_estimate_steps == pytest.approx(
            level1_mean_waiting_time(0.1, 0.5, tau), rel=1e-3 if tau is None else 1e-12)
    plan = _plan(NestedChain(levels=2, p_gen=0.1, p_swap=0.5))
    assert plan.mean_estimate_steps == pytest.approx(
        mean_waiting_time_four_segments(0.1, 0.5), rel=0.05)


@pytest.mark.parametrize("chain", [
    NestedChain(levels=20, p_gen=0.001, p_swap=0.5),
    NestedChain(levels=3, p_gen=0.1, p_swap=0.5, cutoff_steps=0),
    NestedChain(levels=1, p_gen=1e-9, p_swap=0.5),
    NestedChain(levels=10, p_gen=0.01, p_swap=0.5, cutoff_steps=1000),
])
def test_hopeless_chains_are_refused_before_computing(chain: NestedChain) -> None:
    start = time.perf_counter()
    with pytest.raises(InvalidParameterError, match="too small for this chain") as info:
        analyze_chain(chain)
    assert info.value.name == "max_truncation_steps"
    with pytest.raises(InvalidParameterError):
        check_automatic_window(chain)
    assert time.perf_counter() - start < 2.0


def test_optimisation_is_refused_when_even_the_chain_without_cutoff_is_hopeless() -> None:
    chain = NestedChain(levels=6, p_gen=1e-4, p_swap=0.5, werner_w0=0.99,
                        coherence_time_steps=1e5)
    start = time.perf_counter()
    with pytest.raises(InvalidParameterError, match="too small for this chain"):
        optimize_cutoffs(chain, per_level=True)
    assert time.perf_counter() - start < 2.0


def test_protocol_depth_is_bounded_by_double_precision() -> None:
    # 30 + 30 rounds around one swap: the CDF is squared 61 times and the window's mass (1e-37 at
    # 2^22 steps) was lost to round-off after a long run; now refused on construction.
    with pytest.raises(InvalidParameterError, match="at most 39 rounds") as info:
        NestedChain(levels=1, p_gen=0.5, p_swap=0.5, distillation_rounds=(30, 30))
    assert info.value.name == "distillation_rounds"
    NestedChain(levels=1, p_gen=0.5, p_swap=0.5, distillation_rounds=(20, 19))


def test_windows_are_bounded_by_the_memory() -> None:
    limit = max_window_steps()
    assert limit * BYTES_PER_WINDOW_STEP < 2**50  # a finite, machine-sized bound
    with pytest.raises(InvalidParameterError, match="memory") as info:
        require_window_fits("truncation_steps", 99_999_999_999)
    assert info.value.name == "truncation_steps"
    with pytest.raises(InvalidParameterError, match="must be at most"):
        analyze_chain(NestedChain(levels=1, p_gen=0.5, p_swap=0.5),
                      truncation_steps=99_999_999_999)


def test_progress_is_reported_to_completion() -> None:
    calls: list[tuple[str, float, float]] = []
    analyze_chain(NestedChain(levels=3, p_gen=0.05, p_swap=0.5),
                  progress=lambda d, done, total: calls.append((d, done, total)))
    assert calls and calls[-1][1] == calls[-1][2]
    assert all(0 <= done <= total * (1 + 1e-12) for _, done, total in calls)
    seen: list[float] = []
    optimize_cutoffs(NestedChain(levels=1, p_gen=0.1, p_swap=0.5, werner_w0=0.99,
                                 coherence_time_steps=30),
                     progress=lambda d, done, total: seen.append(done))
    assert len(seen) > 10


def test_deep_trivial_chain_is_fast_and_exact() -> None:
    # p_gen = p_swap = 1: every link at t = 1. The old first window (8 (2/a)^n / p, capped at
    # 2^22) took about 40 s and returned E[T] = 1.09 through accumulated FFT round-off.
    start = time.perf_counter()
    res = analyze_chain(NestedChain(levels=20, p_gen=1.0, p_swap=1.0))
    assert time.perf_counter() - start < 10.0
    assert res.mean_waiting_time_steps == pytest.approx(1.0, abs=1e-12)
    assert res.truncation_steps <= 1024


def test_long_explicit_window_does_not_bias_the_mean() -> None:
    # Clipping only negative round-off at 0 biased sum_t t P(t) upwards (1.0000014 here).
    res = analyze_chain(NestedChain(levels=10, p_gen=1.0, p_swap=1.0), truncation_steps=2**18)
    assert res.mean_waiting_time_steps == pytest.approx(1.0, abs=1e-12)
    deep = NestedChain(levels=12, p_gen=0.9, p_swap=0.99)
    small = analyze_chain(deep)
    large = analyze_chain(deep, truncation_steps=2**16)
    assert large.mean_waiting_time_steps == pytest.approx(small.mean_waiting_time_steps,
                                                          rel=1e-11)


def test_doubling_stops_when_the_coverage_saturates_at_round_off() -> None:
    assert coverage_saturated(1 - 2.6e-9, 1 - 2.6e-9)
    assert not coverage_saturated(None, 1 - 2.6e-9)
    assert not coverage_saturated(1e-25, 1e-20)  # far from covered: keep doubling
    res = analyze_chain(NestedChain(levels=20, p_gen=0.9, p_swap=0.99))
    assert res.truncation_steps <= 4096 and res.coverage > 1 - 1e-6
    assert math.isfinite(res.mean_waiting_time_steps)
