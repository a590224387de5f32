"""Cut-off optimisation: search = exhaustive scan; per level >= uniform >= no cut-off."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qinternet.errors import QinternetWarning
from qinternet.repeaters import NestedChain, analyze_chain, optimize_cutoffs


@settings(max_examples=8)
@given(p=st.floats(0.05, 0.6), a=st.floats(0.4, 1.0), w0=st.floats(0.95, 1.0),
       t_coh=st.floats(10.0, 200.0))
def test_uniform_search_equals_exhaustive_scan_one_level(p: float, a: float, w0: float,
                                                         t_coh: float) -> None:
    chain = NestedChain(levels=1, p_gen=p, p_swap=a, werner_w0=w0, coherence_time_steps=t_coh)
    best = optimize_cutoffs(chain, max_cutoff_steps=150)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", QinternetWarning)
        scan = [analyze_chain(NestedChain(levels=1, p_gen=p, p_swap=a, werner_w0=w0,
                                          coherence_time_steps=t_coh, cutoff_steps=t))
                .secret_key_rate_bits_per_step for t in range(151)]
    no_cut = analyze_chain(chain).secret_key_rate_bits_per_step
    # the search windows stop at coverage 1 - 1e-10 (analyze_chain: 1 - 1e-12)
    assert best.secret_key_rate_bits_per_step == pytest.approx(max(max(scan), no_cut),
                                                               rel=1e-7, abs=1e-15)
    assert best.secret_key_rate_bits_per_step >= best.no_cutoff_secret_key_rate_bits_per_step
    if best.secret_key_rate_bits_per_step > 0:
        assert best.result.secret_key_rate_bits_per_step == pytest.approx(
            best.secret_key_rate_bits_per_step, rel=1e-7)


def test_per_level_at_least_uniform() -> None:
    chain = NestedChain(levels=2, p_gen=0.1, p_swap=0.5, werner_w0=0.99,
                        coherence_time_steps=400.0)
    uni = optimize_cutoffs(chain)
    per = optimize_cutoffs(chain, per_level=True)
    assert uni.cutoff_steps[0] == uni.cutoff_steps[1]
    assert per.secret_key_rate_bits_per_step >= uni.secret_key_rate_bits_per_step
    assert uni.secret_key_rate_bits_per_step > uni.no_cutoff_secret_key_rate_bits_per_step
    # per-level optimum is a coordinate-wise local maximum
    for level in range(2):
        for delta in (-1, 1):
            trial = list(per.cutoff_steps)
            assert trial[level] is not None
            trial[level] += delta
            rate = analyze_chain(NestedChain(levels=2, p_gen=0.1, p_swap=0.5, werner_w0=0.99,
                                             coherence_time_steps=400.0,
                                             cutoff_steps=tuple(trial)))
            assert rate.secret_key_rate_bits_per_step <= per.secret_key_rate_bits_per_step * (
                1 + 1e-9)
    assert per.to_dict()["optimization_mode"] == "per-level"


def test_no_key_anywhere_returns_zero_without_cutoff() -> None:
    chain = NestedChain(levels=2, p_gen=0.1, p_swap=0.5, werner_w0=0.9)  # w0^4 < BB84 threshold
    best = optimize_cutoffs(chain)
    assert best.secret_key_rate_bits_per_step == 0.0
    assert best.cutoff_steps == (None, None)


def test_six_state_objective_at_least_bb84() -> None:
    chain = NestedChain(levels=1, p_gen=0.1, p_swap=0.5, werner_w0=0.99,
                        coherence_time_steps=30.0)
    six = optimize_cutoffs(chain, key_protocol="six-state")
    bb84 = optimize_cutoffs(chain)
    assert six.secret_key_rate_bits_per_step >= bb84.secret_key_rate_bits_per_step
    assert np.isclose(six.result.secret_key_rate_bits_per_step,
                      six.secret_key_rate_bits_per_step)
