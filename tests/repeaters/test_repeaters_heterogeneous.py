"""Issue 14: heterogeneous chains, cut-off kinds, Bell-diagonal memories (exact vs independent).

Independent routes: closed forms for two unequal segments (geometric difference distribution),
an O(T^2) brute-force join, the seeded Monte Carlo sampler (|MC - exact| < 5 sigma), and the
nested-chain algorithm of ``chain.py`` for the Werner special case.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qinternet.errors import InvalidParameterError
from qinternet.repeaters._pair_join import LevelPolicy, PairJoin
from qinternet.repeaters.chain import NestedChain, analyze_chain, chain_distributions
from qinternet.repeaters.general_analysis import analyze_repeater_chain, mean_upper_bound_steps
from qinternet.repeaters.general_chain import (
    ChainSegment,
    RepeaterChain,
    chain_from_nested,
    link_distributions,
)
from qinternet.repeaters.general_montecarlo import sample_repeater_chain
from qinternet.repeaters.general_optimize import optimize_chain_cutoffs
from qinternet.repeaters.physical import repeater_capacity_bits_per_use
from qinternet.repeaters.physical_general import (
    chain_capacity_bits_per_use,
    segment_lengths_from_positions,
)
from qinternet.repeaters.swap_tree import Distill, Swap

S = ChainSegment
SIGMAS = 5.0


def two_segment_closed_form(p1: float, p2: float, a: float, tau: int | None, x: float,
                            w1: float, w2: float) -> tuple[float, float]:
    """E[T] and W of two unequal geometric segments with memory cut-off tau [D].

    min(tA, tB) ~ Geom(1 - q1 q2) is independent of D = tB - tA, with
    P(D = k) = p1 p2 q2^k / (1 - q1 q2) (k >= 0) and P(D = -k) = p1 p2 q1^k / (1 - q1 q2)
    (k >= 1). One attempt lasts min + min(|D|, tau) and passes iff |D| <= tau; Wald.
    """
    q1, q2 = 1 - p1, 1 - p2
    z = 1 - q1 * q2
    k = np.arange(20000)
    pd = p1 * p2 * q2**k / z + np.where(k > 0, p1 * p2 * q1**k / z, 0.0)
    t = len(k) if tau is None else tau
    p_pass = pd[: t + 1].sum()
    mean_t = (1 / z + np.sum(pd * np.minimum(k, t))) / (a * p_pass)
    mean_w = w1 * w2 * np.sum(pd[: t + 1] * x ** k[: t + 1]) / p_pass
    return float(mean_t), float(mean_w)


@pytest.mark.parametrize(("p1", "p2", "a", "tau", "t_coh"), [
    (0.1, 0.3, 0.5, None, None), (0.1, 0.3, 0.5, 5, 30.0), (0.05, 0.2, 0.8, 12, 40.0),
    (0.3, 0.02, 1.0, 0, 10.0)])
def test_two_unequal_segments_closed_form(p1: float, p2: float, a: float, tau: int | None,
                                          t_coh: float | None) -> None:
    ch = RepeaterChain(segments=(S(p_gen=p1, werner_w0=0.97), S(p_gen=p2, werner_w0=0.9)),
                       p_swap=a, coherence_time_steps=t_coh, cutoff_steps=tau)
    r = analyze_repeater_chain(ch)
    x = 1.0 if t_coh is None else math.exp(-1 / t_coh)
    mean_t, mean_w = two_segment_closed_form(p1, p2, a, tau, x, 0.97, 0.9)
    assert r.mean_waiting_time_steps == pytest.approx(mean_t, rel=1e-9)
    assert r.mean_werner == pytest.approx(mean_w, rel=1e-9)


def test_two_unequal_segments_no_cutoff_mean_of_max() -> None:
    # a = 1: E[max] = 1/p1 + 1/p2 - 1/(1 - q1 q2)
    p1, p2 = 0.07, 0.4
    r = analyze_repeater_chain(RepeaterChain(segments=(S(p_gen=p1), S(p_gen=p2)), p_swap=1.0))
    expected = 1 / p1 + 1 / p2 - 1 / (1 - (1 - p1) * (1 - p2))
    assert r.mean_waiting_time_steps == pytest.approx(expected, rel=1e-10)


def test_run_time_cutoff_two_segments_closed_form() -> None:
    # attempt = min(max(tA, tB), rt), passes iff max <= rt: E[T] = E[attempt] / (a P_pass)
    p1, p2, a, rt = 0.1, 0.25, 0.6, 15
    ch = RepeaterChain(segments=(S(p_gen=p1), S(p_gen=p2)), p_swap=a, run_time_cutoff_steps=rt)
    t = np.arange(rt)
    cdf = (1 - (1 - p1) ** t) * (1 - (1 - p2) ** t)
    attempt = float(np.sum(1 - cdf))
    p_pass = (1 - (1 - p1) ** rt) * (1 - (1 - p2) ** rt)
    r = analyze_repeater_chain(ch)
    assert r.mean_waiting_time_steps == pytest.approx(attempt / (a * p_pass), rel=1e-10)


def brute_force_join(pa: np.ndarray, wa: np.ndarray, pb: np.ndarray, wb: np.ndarray,
                     policy: LevelPolicy, t_coh: float) -> tuple[np.ndarray, ...]:
    """O(T^2) enumeration of the Li-Coopmans-Elkouss cut-off rules (public code)."""
    n = pa.size
    passing, fail, u = np.zeros(n), np.zeros(n), np.zeros(n)
    ww_a = np.where(pa > 0, wa / np.where(pa > 0, pa, 1), 0)
    ww_b = np.where(pb > 0, wb / np.where(pb > 0, pb, 1), 0)
    mem = math.inf if policy.memory_steps is None else policy.memory_steps
    rt = math.inf if policy.run_time_steps is None else policy.run_time_steps
    for ta in range(1, n):
        for tb in range(1, n):
            m = pa[ta] * pb[tb]
            if m == 0:
                continue
            (s, we), (t, wl) = sorted([(ta, ww_a[ta]), (tb, ww_b[tb])], key=lambda v: v[0])
            if ta == tb:
                we, wl = ww_a[ta], ww_b[tb]
            wc = policy.werner_cutoff
            tau = mem
            if wc is not None and we >= wc:
                tau = min(tau, math.floor(t_coh * math.log(we / wc)))
            if wc is not None and (we < wc or (ta == tb and wl < wc)):
                dur, ok = s, False
            elif t - s > tau:
                dur, ok = s + tau, False
            elif wc is not None and wl < wc:
                dur, ok = t, False
            else:
                dur, ok = t, True
            if dur > rt:
                dur, ok = rt, False
            if dur >= n:
                continue
            if ok:
                passing[dur] += m
                u[dur] += m * ww_a[ta] * ww_b[tb] * math.exp(-abs(ta - tb) / t_coh)
            else:
                fail[int(dur)] += m
    return passing, fail, u


@pytest.mark.parametrize("policy", [
    LevelPolicy(memory_steps=6), LevelPolicy(werner_cutoff=0.8),
    LevelPolicy(run_time_steps=20), LevelPolicy(memory_steps=9, werner_cutoff=0.85,
                                                run_time_steps=30)])
def test_pair_join_matches_brute_force(policy: LevelPolicy) -> None:
    # window long enough that mass beyond it (which the O(T) join counts) is below 1e-15
    n, t_coh = 200, 25.0
    t = np.arange(n)
    pa = np.where(t > 0, 0.2 * 0.8 ** (t - 1.0), 0.0)
    pb = np.where(t > 0, 0.16 * 0.84 ** (t - 1.0), 0.0)
    wa = pa * (0.97 - 0.004 * t)        # time-dependent W(t), crosses the threshold
    wb = pb * (0.92 - 0.001 * t)
    x = math.exp(-1 / t_coh)
    join = PairJoin(pa, (wa, wa, wa), pb, (wb, wb, wb), (x, x, x), policy)
    ref_pass, ref_fail, ref_u = brute_force_join(pa, wa, pb, wb, policy, t_coh)
    np.testing.assert_allclose(join.passing, ref_pass, atol=1e-15)
    np.testing.assert_allclose(join.cross(wa, x, wb, x), ref_u, atol=1e-15)
    np.testing.assert_allclose(join.fail, ref_fail, atol=1e-14)


NESTED = [
    NestedChain(levels=1, p_gen=0.1, p_swap=0.5),
    NestedChain(levels=3, p_gen=0.1, p_swap=0.5, werner_w0=0.98, coherence_time_steps=400,
                cutoff_steps=(16, 31, 55)),
    NestedChain(levels=2, p_gen=0.2, p_swap=0.7, werner_w0=0.95, coherence_time_steps=50,
                cutoff_steps=5, distillation_rounds=(1, 0, 1)),
    # window / t_coh = 1365, past the exp overflow (~709) of growing-exponential cumsums
    NestedChain(levels=2, p_gen=0.05, p_swap=0.5, werner_w0=0.99, coherence_time_steps=3.0,
                cutoff_steps=4),
]


@pytest.mark.parametrize("nested", NESTED)
def test_werner_special_case_equals_nested_algorithm(nested: NestedChain) -> None:
    p0, w0 = chain_distributions(nested, 4096)
    p1, (w1, w2, w3) = link_distributions(chain_from_nested(nested), 4096)
    np.testing.assert_allclose(p1, p0, atol=1e-14)
    np.testing.assert_allclose(w1, w0, atol=1e-14)
    assert w1 is w2 is w3                 # Werner chains carry one array
    old = analyze_chain(nested)
    new = analyze_repeater_chain(chain_from_nested(nested))
    for key in ("mean_waiting_time_steps", "mean_werner", "secret_key_rate_bits_per_step",
                "secret_key_rate_six_state_bits_per_step", "coverage"):
        assert getattr(new, key) == pytest.approx(getattr(old, key), rel=1e-11), key


def test_bell_diagonal_input_with_equal_correlators_is_werner() -> None:
    w = 0.9
    bell = ((1 + 3 * w) / 4, (1 - w) / 4, (1 - w) / 4, (1 - w) / 4)
    a = RepeaterChain(segments=(S(p_gen=0.2, werner_w0=w), S(p_gen=0.1, werner_w0=w)),
                      p_swap=0.5, coherence_time_steps=40.0, cutoff_steps=10)
    b = RepeaterChain(segments=(S(p_gen=0.2, bell_diagonal=bell),
                                S(p_gen=0.1, bell_diagonal=bell)),
                      p_swap=0.5, coherence_time_steps=40.0, cutoff_steps=10)
    ra, rb = analyze_repeater_chain(a), analyze_repeater_chain(b)
    assert rb.mean_werner == pytest.approx(ra.mean_werner, abs=1e-14)
    assert rb.secret_key_rate_bits_per_step == pytest.approx(ra.secret_key_rate_bits_per_step,
                                                             rel=1e-12)


def test_dephasing_memory_keeps_z_qber_and_beats_depolarising_model() -> None:
    segs = (S(p_gen=0.1), S(p_gen=0.15), S(p_gen=0.12))
    deph = analyze_repeater_chain(RepeaterChain(segments=segs, p_swap=0.5,
                                                dephasing_time_steps=60.0))
    assert deph.qber_z == pytest.approx(0.0, abs=1e-13)
    assert deph.qber_x > 0.05
    # the same Werner-parameter loss modelled as depolarising has QBER in both bases
    depol = analyze_repeater_chain(RepeaterChain(segments=segs, p_swap=0.5,
                                                 coherence_time_steps=60.0 * 1.5))
    assert depol.qber_z > 0.01
    assert deph.secret_key_rate_bits_per_step > 0.0


def mc_agrees(chain: RepeaterChain, samples: int, seed: int) -> None:
    exact = analyze_repeater_chain(chain)
    mc = sample_repeater_chain(chain, samples, seed=seed)
    assert abs(mc.mean_waiting_time_steps - exact.mean_waiting_time_steps) < (
        SIGMAS * mc.waiting_time_std_error_steps)
    for k, q in enumerate(("qber_x", "qber_z")):
        chi_exact = 1 - 2 * getattr(exact, q)
        idx = 0 if k == 0 else 2
        err = max(mc.correlator_std_errors[idx], 1e-12)
        assert abs(mc.mean_correlators[idx] - chi_exact) < SIGMAS * err + 1e-12


MC_CASES = {
    "unequal-balanced-memory": RepeaterChain(
        segments=(S(p_gen=0.1, werner_w0=0.99), S(p_gen=0.3, werner_w0=0.97),
                  S(p_gen=0.2, werner_w0=0.98)), p_swap=0.6, coherence_time_steps=80.0,
        cutoff_steps=(6, 20)),
    "sequential-run-time": RepeaterChain(
        segments=(S(p_gen=0.3), S(p_gen=0.2), S(p_gen=0.25), S(p_gen=0.4)), p_swap=0.8,
        coherence_time_steps=60.0, swap_order="sequential", run_time_cutoff_steps=(12, 20, 30)),
    "fidelity-level1": RepeaterChain(
        segments=(S(p_gen=0.15, werner_w0=0.99), S(p_gen=0.1, werner_w0=0.95)), p_swap=0.5,
        coherence_time_steps=30.0, werner_cutoff=0.8),
    "dephasing-explicit-tree": RepeaterChain(
        segments=(S(p_gen=0.2), S(p_gen=0.3), S(p_gen=0.25)), p_swap=0.7,
        coherence_time_steps=200.0, dephasing_time_steps=50.0, swap_order="(0,(1,2))",
        cutoff_steps=15),
    "dejmps-unequal-links": RepeaterChain(
        segments=(S(p_gen=0.3, bell_diagonal=(0.9, 0.02, 0.03, 0.05)),), p_swap=1.0,
        coherence_time_steps=100.0, dephasing_time_steps=80.0,
        swap_order=Distill(0, 0, "dejmps"), cutoff_steps=10),
    "bbpssw-then-swap": RepeaterChain(
        segments=(S(p_gen=0.4, werner_w0=0.9), S(p_gen=0.3, werner_w0=0.85)), p_swap=0.9,
        coherence_time_steps=100.0, swap_order=Swap(Distill(0, 0), 1), cutoff_steps=(8, 12)),
}


MC_CASES["distill-unequal-links-tree-text"] = RepeaterChain(
    segments=(S(p_gen=0.3, werner_w0=0.93), S(p_gen=0.2, werner_w0=0.9)), p_swap=0.7,
    coherence_time_steps=50.0, swap_order="d((0,1),(d(0,0),1))", cutoff_steps=(10, 15, 25))
MC_CASES["dejmps-unequal-bell-links"] = RepeaterChain(
    segments=(S(p_gen=0.35, bell_diagonal=(0.88, 0.02, 0.04, 0.06)),
              S(p_gen=0.25, bell_diagonal=(0.92, 0.05, 0.01, 0.02))),
    p_swap=0.8, coherence_time_steps=150.0, dephasing_time_steps=60.0,
    swap_order="dejmps((0,1),(dejmps(0,0),1))", cutoff_steps=12, werner_cutoff=(None, 0.5, None))
MC_CASES["fidelity-every-level-delivery-time-rule"] = RepeaterChain(
    segments=(S(p_gen=0.1, werner_w0=0.99), S(p_gen=0.2, werner_w0=0.98),
              S(p_gen=0.15, werner_w0=0.99), S(p_gen=0.3, werner_w0=0.98)), p_swap=0.6,
    coherence_time_steps=60.0, werner_cutoff=(0.85, 0.75))


@pytest.mark.parametrize("name", sorted(MC_CASES))
def test_exact_matches_monte_carlo(name: str) -> None:
    mc_agrees(MC_CASES[name], 60000, seed=14)


def test_fidelity_cutoff_never_joins_links_below_threshold() -> None:
    segs = (S(p_gen=0.1, werner_w0=0.99), S(p_gen=0.2, werner_w0=0.97),
            S(p_gen=0.15, werner_w0=0.99), S(p_gen=0.3, werner_w0=0.98))
    w_cut = (0.9, 0.8)
    ch = RepeaterChain(segments=segs, p_swap=0.6, coherence_time_steps=100.0,
                       werner_cutoff=w_cut)
    # per-sample rule: no individual link below the threshold ever enters a join
    mc = sample_repeater_chain(ch, 20000, seed=3, fidelity_rule="sample")
    for level, threshold in enumerate(w_cut):
        assert mc.min_input_werner_by_level[level] >= threshold - 1e-12
    # delivery-time rule (exact algorithm): elementary inputs are deterministic, so level 1
    # holds per sample too; above it the rule holds for W(s), the state given delivery time
    mc = sample_repeater_chain(ch, 20000, seed=3)
    assert mc.min_input_werner_by_level[0] >= w_cut[0] - 1e-12
    # and the exact join carries no mass from pairs whose decayed early link is below it
    n = 256
    p = np.where(np.arange(n) > 0, 0.1 * 0.9 ** (np.arange(n) - 1.0), 0.0)
    w = 0.95 * p
    x = math.exp(-1 / 40.0)
    join = PairJoin(p, (w, w, w), p, (w, w, w), (x, x, x), LevelPolicy(werner_cutoff=0.9))
    allowed = math.floor(40.0 * math.log(0.95 / 0.9))
    assert np.all(join.passing[1:] > 0)
    # with the cut-off every passing pair has |tA - tB| <= allowed: same as a memory cut-off
    mem = PairJoin(p, (w, w, w), p, (w, w, w), (x, x, x), LevelPolicy(memory_steps=allowed))
    np.testing.assert_allclose(join.passing, mem.passing, atol=1e-16)
    np.testing.assert_allclose(join.cross(w, x, w, x), mem.cross(w, x, w, x), atol=1e-16)


def test_fidelity_cutoff_above_every_state_is_refused() -> None:
    ch = RepeaterChain(segments=(S(p_gen=0.1, werner_w0=0.9),) * 2, p_swap=0.5,
                       werner_cutoff=0.95)
    with pytest.raises(InvalidParameterError, match="werner_cutoff"):
        analyze_repeater_chain(ch)


def test_seven_unequal_segments_with_cutoffs_mc() -> None:
    segs = tuple(S(p_gen=p, werner_w0=w) for p, w in zip(
        [0.1, 0.2, 0.15, 0.3, 0.12, 0.25, 0.18], [0.99, 0.98, 0.99, 0.97, 0.99, 0.98, 0.99],
        strict=True))
    ch = RepeaterChain(segments=segs, p_swap=0.6, coherence_time_steps=500.0,
                       cutoff_steps=40, werner_cutoff=0.6, run_time_cutoff_steps=3000)
    r = analyze_repeater_chain(ch, truncation_steps=20000)
    assert r.levels == 3 and r.segments == 7 and r.coverage > 1 - 1e-9
    mc = sample_repeater_chain(ch, 20000, seed=7, truncation_steps=20000)
    assert abs(mc.mean_waiting_time_steps - r.mean_waiting_time_steps) < (
        SIGMAS * mc.waiting_time_std_error_steps)
    assert abs(mc.mean_werner - r.mean_werner) < SIGMAS * mc.werner_std_error


def test_optimiser_kinds_beat_no_cutoff_and_match_scan() -> None:
    segs = (S(p_gen=0.1, werner_w0=0.99), S(p_gen=0.2, werner_w0=0.98))
    ch = RepeaterChain(segments=segs, p_swap=0.5, coherence_time_steps=40.0)
    for kind in ("memory", "fidelity", "run-time"):
        opt = optimize_chain_cutoffs(ch, kind=kind)
        assert opt.secret_key_rate_bits_per_step >= opt.no_cutoff_secret_key_rate_bits_per_step
        assert opt.secret_key_rate_bits_per_step > 0
    # exhaustive scan of the memory cut-off agrees with the search
    opt = optimize_chain_cutoffs(ch, kind="memory")
    scan = max(analyze_repeater_chain(RepeaterChain(segments=segs, p_swap=0.5,
                                                    coherence_time_steps=40.0,
                                                    cutoff_steps=tau)
                                      ).secret_key_rate_bits_per_step for tau in range(0, 60))
    assert opt.secret_key_rate_bits_per_step == pytest.approx(scan, rel=1e-12)


def test_optimiser_reproduces_k3_through_general_chain() -> None:
    ch = RepeaterChain(segments=(S(p_gen=0.1, werner_w0=0.99),) * 2, p_swap=0.5,
                       coherence_time_steps=30.0)
    assert optimize_chain_cutoffs(ch).cutoffs == (4,)


def test_capacity_of_equal_segments_matches_nested_formula() -> None:
    assert chain_capacity_bits_per_use([50.0] * 4) == pytest.approx(
        repeater_capacity_bits_per_use(200.0, 4), rel=1e-12)
    assert segment_lengths_from_positions([0, 30, 80]) == (30.0, 50.0)


@pytest.mark.parametrize(("kwargs", "name"), [
    (dict(swap_order="((0,1)"), "swap_order"),
    (dict(cutoff_steps=(1, 2, 3)), "cutoff_steps"),
    (dict(werner_cutoff=1.5), "werner_cutoff"),
    (dict(run_time_cutoff_steps=-1), "run_time_cutoff_steps"),
    (dict(dephasing_time_steps=-2.0), "dephasing_time_steps"),
    (dict(p_swap=0.0), "p_swap"),
])
def test_bad_chain_parameters_name_the_field(kwargs: dict[str, object], name: str) -> None:
    base: dict[str, object] = dict(segments=(S(p_gen=0.1),) * 3, p_swap=0.5)
    base.update(kwargs)
    with pytest.raises(InvalidParameterError, match=name):
        RepeaterChain(**base)  # type: ignore[arg-type]


def test_distillation_of_different_spans_is_refused() -> None:
    with pytest.raises(InvalidParameterError, match="same segments"):
        RepeaterChain(segments=(S(p_gen=0.1),) * 2, p_swap=0.5,
                      swap_order=Distill(Swap(0, 1), 0))


@pytest.mark.parametrize("order", ["balanced", "sequential", "(0,((1,2),3))"])
def test_any_tree_with_perfect_swaps_is_the_max_of_the_segments(order: str) -> None:
    # p_swap = 1, no cut-off: every tree delivers at max_i T_i, E = sum_t (1 - prod_i F_i(t))
    ps = (0.1, 0.25, 0.05, 0.4)
    ch = RepeaterChain(segments=tuple(S(p_gen=p) for p in ps), p_swap=1.0, swap_order=order)
    t = np.arange(0, 4000)
    cdf = np.prod([1 - (1 - p) ** t for p in ps], axis=0)
    assert analyze_repeater_chain(ch).mean_waiting_time_steps == pytest.approx(
        float(np.sum(1 - cdf)), rel=1e-10)


@settings(max_examples=25, deadline=None)
@given(ps=st.lists(st.floats(0.05, 1.0), min_size=2, max_size=4),
       ws=st.lists(st.floats(0.5, 1.0), min_size=4, max_size=4),
       a=st.floats(0.3, 1.0), tau=st.one_of(st.none(), st.integers(0, 30)),
       t_coh=st.one_of(st.none(), st.floats(5.0, 500.0)),
       sequential=st.booleans())
def test_invariants_of_random_unequal_chains(ps: list[float], ws: list[float], a: float,
                                             tau: int | None, t_coh: float | None,
                                             sequential: bool) -> None:
    segs = tuple(S(p_gen=p, werner_w0=w) for p, w in zip(ps, ws, strict=False))
    ch = RepeaterChain(segments=segs, p_swap=a, coherence_time_steps=t_coh, cutoff_steps=tau,
                       swap_order="sequential" if sequential else "balanced")
    r = analyze_repeater_chain(ch)
    assert r.coverage <= 1.0
    assert r.mean_werner <= math.prod(s.werner_w0 for s in segs) + 1e-12
    ok = ~np.isnan(r.werner_by_time)
    # W(t) = PW/P carries FFT round-off ~1e-16 max(P)/P(t), up to ~1e-8 where P >= 1e-8 max P
    assert np.all(r.werner_by_time[ok] <= math.prod(s.werner_w0 for s in segs) + 1e-6)
    if tau is None:
        assert r.mean_waiting_time_steps <= mean_upper_bound_steps(ch) * (1 + 1e-12)


def test_sample_fidelity_rule_differs_from_delivery_time_rule_above_level_one() -> None:
    # documented modelling difference (docs/repeaters.md): judging each link by its own
    # Werner parameter rejects more at level 2 than judging by W(s)
    ch = RepeaterChain(segments=(S(p_gen=0.1, werner_w0=0.99), S(p_gen=0.2, werner_w0=0.98),
                                 S(p_gen=0.15, werner_w0=0.99), S(p_gen=0.3, werner_w0=0.98)),
                       p_swap=0.6, coherence_time_steps=60.0, werner_cutoff=(None, 0.8))
    exact = analyze_repeater_chain(ch)
    sample = sample_repeater_chain(ch, 40000, seed=5, fidelity_rule="sample")
    same = sample_repeater_chain(ch, 40000, seed=5)
    assert abs(same.mean_waiting_time_steps - exact.mean_waiting_time_steps) < (
        SIGMAS * same.waiting_time_std_error_steps)
    assert sample.mean_waiting_time_steps - exact.mean_waiting_time_steps > (
        SIGMAS * sample.waiting_time_std_error_steps)
    assert sample.min_input_werner_by_level[1] >= 0.8 - 1e-12
