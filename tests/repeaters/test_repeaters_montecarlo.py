"""Exact algorithm = Monte Carlo (within 5 sigma), including distillation and swap-asap chains."""

from __future__ import annotations

import numpy as np
import pytest

from qinternet.errors import InvalidParameterError
from qinternet.repeaters import (
    NestedChain,
    analyze_chain,
    sample_nested_chain,
    sample_swap_asap_chain,
    swap_asap_werner_from_durations,
)
from qinternet.repeaters.closed_forms import max_geometric_mean, mean_waiting_time_two_segments

CHAINS = {
    "2seg-cut-decoh": dict(levels=1, p_gen=0.3, p_swap=0.7, werner_w0=0.95,
                           coherence_time_steps=20.0, cutoff_steps=2),
    "4seg-per-level": dict(levels=2, p_gen=0.25, p_swap=0.6, werner_w0=0.97,
                           coherence_time_steps=60.0, cutoff_steps=(4, 12)),
    "8seg-mixed": dict(levels=3, p_gen=0.5, p_swap=0.8, werner_w0=1.0,
                       coherence_time_steps=40.0, cutoff_steps=(None, 3, 9)),
    "distill-bottom-and-top": dict(levels=1, p_gen=0.3, p_swap=0.6, werner_w0=0.9,
                                   coherence_time_steps=30.0, cutoff_steps=(5, 8, None),
                                   distillation_rounds=(1, 1)),
    "distill-no-decoherence": dict(levels=1, p_gen=0.4, p_swap=0.9, werner_w0=0.8,
                                   distillation_rounds=(2, 0)),
}


@pytest.mark.parametrize("name", sorted(CHAINS))
def test_exact_equals_monte_carlo(name: str) -> None:
    chain = NestedChain(**CHAINS[name])  # type: ignore[arg-type]
    exact = analyze_chain(chain)
    est = sample_nested_chain(chain, 40_000, seed=123)
    assert abs(est.mean_waiting_time_steps - exact.mean_waiting_time_steps) < (
        5 * est.waiting_time_std_error_steps)
    assert abs(est.mean_werner - exact.mean_werner) < 5 * est.werner_std_error + 1e-12


def test_distillation_raises_fidelity_without_decoherence() -> None:
    plain = analyze_chain(NestedChain(levels=1, p_gen=0.4, p_swap=0.9, werner_w0=0.8))
    dist = analyze_chain(NestedChain(levels=1, p_gen=0.4, p_swap=0.9, werner_w0=0.8,
                                     distillation_rounds=(1, 0)))
    w = 0.8
    w_dist = (2 * w + 4 * w * w) / (6 * (1 + w * w) / 2)
    assert dist.mean_werner == pytest.approx(w_dist**2, rel=1e-12)
    assert dist.mean_werner > plain.mean_werner
    assert dist.mean_waiting_time_steps > plain.mean_waiting_time_steps


def test_monte_carlo_is_seeded() -> None:
    chain = NestedChain(levels=2, p_gen=0.2, p_swap=0.5, cutoff_steps=5)
    a = sample_nested_chain(chain, 2000, seed=5)
    b = sample_nested_chain(chain, 2000, seed=5)
    assert np.array_equal(a.waiting_times_steps, b.waiting_times_steps)
    assert a.to_dict()["samples"] == 2000


def test_swap_asap_two_segments_matches_k2() -> None:
    est = sample_swap_asap_chain(segments=2, p_gen=0.2, p_swap=0.5, samples=40_000, seed=9)
    exact = mean_waiting_time_two_segments(0.2, 0.5)
    assert abs(est.mean_waiting_time_steps - exact) < 5 * est.waiting_time_std_error_steps


def test_swap_asap_a1_matches_per_node_rule_on_sampled_times() -> None:
    """Time-stepped simulator vs Avis's closed per-node rule on independent geometric samples."""
    n_seg, p, t_node, w0 = 5, 0.15, 150.0, 0.97
    est = sample_swap_asap_chain(segments=n_seg, p_gen=p, p_swap=1.0, samples=40_000, seed=21,
                                 node_coherence_time_steps=t_node, werner_w0=w0)
    rng = np.random.default_rng(22)
    d = rng.geometric(p, size=(200_000, n_seg)).astype(float)
    ref = swap_asap_werner_from_durations(d, t_node, w0)
    sigma = np.hypot(est.werner_std_error, ref.std(ddof=1) / np.sqrt(ref.size))
    assert abs(est.mean_werner - ref.mean()) < 5 * sigma
    assert abs(est.mean_waiting_time_steps - max_geometric_mean(n_seg, p)) < (
        5 * est.waiting_time_std_error_steps)


def test_swap_asap_validation() -> None:
    with pytest.raises(InvalidParameterError, match="p_swap"):
        sample_swap_asap_chain(segments=2, p_gen=0.2, p_swap=0.0, samples=10, seed=1)
    with pytest.raises(InvalidParameterError, match="samples"):
        sample_nested_chain(NestedChain(levels=1, p_gen=0.5, p_swap=1.0), 1, seed=1)
    with pytest.raises(InvalidParameterError, match="node_coherence_time_steps"):
        swap_asap_werner_from_durations([1, 2], 0.0)


def test_swap_asap_two_segments_with_cutoff_equals_nested_k1() -> None:
    """Two segments: swap-asap with a memory cut-off is the nested level-1 protocol (K1)."""
    chain = NestedChain(levels=1, p_gen=0.1, p_swap=0.5, werner_w0=0.99,
                        coherence_time_steps=30.0, cutoff_steps=5)
    exact = analyze_chain(chain)
    est = sample_swap_asap_chain(segments=2, p_gen=0.1, p_swap=0.5, samples=40_000, seed=31,
                                 node_coherence_time_steps=60.0, werner_w0=0.99,
                                 cutoff_steps=5)
    assert abs(est.mean_waiting_time_steps - exact.mean_waiting_time_steps) < (
        5 * est.waiting_time_std_error_steps)
    assert abs(est.mean_werner - exact.mean_werner) < 5 * est.werner_std_error


def test_swap_asap_cutoff_trades_rate_for_fidelity() -> None:
    kw = dict(segments=4, p_gen=0.1, p_swap=0.8, samples=20_000, seed=3,
              node_coherence_time_steps=100.0)
    free = sample_swap_asap_chain(**kw)  # type: ignore[arg-type]
    cut = sample_swap_asap_chain(**kw, cutoff_steps=10)  # type: ignore[arg-type]
    assert cut.mean_werner > free.mean_werner + 5 * np.hypot(cut.werner_std_error,
                                                           free.werner_std_error)
    assert cut.mean_waiting_time_steps > free.mean_waiting_time_steps
