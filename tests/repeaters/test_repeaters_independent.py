"""Independent review ("two ways agree") of the nested repeater-chain implementation.

Everything the library is compared with here is re-implemented in this file from the issue text
(issue 5, CLI contract and model definition) and the spec ``repeaters.md`` (§1, §2, §4, §5, §10),
without calling the library's internals:

* ``_brute_chain``: exact computation on a window by enumerating *all pairs* of input arrival
  times (O(T^2)), applying the cut-off rule literally (an attempt passes iff |tA - tB| <= tau and
  lasts max(tA, tB); otherwise it ends after min(tA, tB) + tau and both inputs restart; the
  partner may arrive beyond the window, whose mass is 1 - window mass), a swap that succeeds with
  p_swap (failure restarts both halves) and decoherence wA wB exp(-|tA - tB| / t_coh); the
  restarts are summed by the direct renewal recursion P(t) = s(t) + sum_u r(u) P(t - u) (no FFT).
* ``_mc_chain``: a pure-Python, event-by-event recursive Monte Carlo (``random.Random``, seeded).
* closed forms of spec §5 typed in again (K2, K4, E[max of N geometrics], level-1 cut-off forms).
* BB84 and six-state key fractions with ``math.log2``.
* the physical front end (p_gen, attempt time 2 L0 / c_f, coherence seconds -> steps, PLOB per s).

All parameter points differ from the reference cases in ``repeaters.json``.
"""

from __future__ import annotations

import json
import math
import random
import warnings
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest

from qinternet.cli.main import main
from qinternet.errors import QinternetWarning
from qinternet.repeaters import (
    NestedChain,
    RepeaterChainResult,
    analyze_chain,
    chain_distributions,
    optimize_cutoffs,
)

FloatArray = npt.NDArray[np.float64]

# ---------------------------------------------------------------------------------------------
# Independent implementations
# ---------------------------------------------------------------------------------------------


def _h2(q: float) -> float:
    if q <= 0.0 or q >= 1.0:
        return 0.0
    return -q * math.log2(q) - (1.0 - q) * math.log2(1.0 - q)


def _bb84(w: float) -> float:
    return max(0.0, 1.0 - 2.0 * _h2((1.0 - w) / 2.0))


def _six_state(w: float) -> float:
    lam = ((1.0 + 3.0 * w) / 4.0,) + ((1.0 - w) / 4.0,) * 3
    entropy = -sum(v * math.log2(v) for v in lam if v > 0.0)
    return max(0.0, 1.0 - entropy)


def _brute_attempt(
    pmf: FloatArray, wp: FloatArray, tau: int | None, x: float, op: str
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """All-pairs enumeration of one attempt of a swap or distillation step.

    Returns (passing pmf, failing pmf, Werner-weighted product of the passing pair, and the
    BBPSSW numerator sum over passing pairs of P P (wA' + wB' + 4 wA wB x^d) / 6, with only the
    earlier link decayed: wA' = wA x^d if tA < tB).
    """
    t_len = pmf.size
    tail = max(0.0, 1.0 - float(pmf.sum()))  # partner arrives at or beyond the window
    passing = np.zeros(t_len)
    failing = np.zeros(t_len)
    werner = np.zeros(t_len)
    distilled = np.zeros(t_len)
    ta, tb = np.meshgrid(np.arange(t_len), np.arange(t_len), indexing="ij")
    d = np.abs(ta - tb)
    decay = x ** d.astype(np.float64)
    prob = np.outer(pmf, pmf)
    wprod = np.outer(wp, wp) * decay
    ok = np.ones_like(d, dtype=bool) if tau is None else d <= tau
    longer = np.maximum(ta, tb)
    np.add.at(passing, longer[ok], prob[ok])
    np.add.at(werner, longer[ok], wprod[ok])
    if op == "distill":
        wa_early = np.where(ta < tb, decay, 1.0) * np.outer(wp, pmf)
        wb_early = np.where(tb < ta, decay, 1.0) * np.outer(pmf, wp)
        np.add.at(distilled, longer[ok], ((wa_early + wb_early + 4.0 * wprod) / 6.0)[ok])
    if tau is not None:
        bad = ~ok
        end = np.minimum(ta, tb)[bad] + tau
        inside = end < t_len
        np.add.at(failing, end[inside], prob[bad][inside])
        # partner beyond the window: |d| > tau iff the early link arrived before T - tau
        for t_early in range(max(0, t_len - tau - 1)):
            failing[t_early + tau] += 2.0 * pmf[t_early] * tail
    return passing, failing, werner, distilled


def _renewal(success: FloatArray, restart: FloatArray) -> FloatArray:
    """Solve f(t) = success(t) + sum_{u=1}^{t} restart(u) f(t - u) directly (restart(0) = 0)."""
    assert restart[0] == 0.0
    out = np.zeros(success.size)
    for t in range(success.size):
        out[t] = success[t] + float(np.dot(restart[1 : t + 1], out[t - 1 :: -1][:t]))
    return out


def _brute_chain(
    levels: int,
    p: float,
    a: float,
    w0: float,
    t_coh: float | None,
    cutoffs: tuple[int | None, ...],
    t_len: int,
    ops: tuple[str, ...] | None = None,
) -> tuple[FloatArray, FloatArray]:
    """(P(t), P(t) W(t)) of the nested chain on t = 0..t_len-1 by brute force.

    ``ops`` (bottom up, "swap" or "distill"; default ``levels`` swaps) has one cut-off each.
    A distillation attempt succeeds with (1 + wA wB x^d)/2, which is linear in the Werner
    parameters, so carrying (P, P W) stays exact.
    """
    x = 1.0 if t_coh is None else math.exp(-1.0 / t_coh)
    pmf = np.array([0.0] + [p * (1.0 - p) ** (t - 1) for t in range(1, t_len)])
    wp = w0 * pmf
    for op, tau in zip(ops or ("swap",) * levels, cutoffs, strict=True):
        passing, failing, werner, distilled = _brute_attempt(pmf, wp, tau, x, op)
        if op == "swap":
            success, restart, wsuccess = a * passing, failing + (1.0 - a) * passing, a * werner
        else:
            success = 0.5 * (passing + werner)
            restart = failing + 0.5 * (passing - werner)
            wsuccess = distilled
        pmf = _renewal(success, restart)
        wp = _renewal(wsuccess, restart)
    return pmf, wp


def _means(pmf: FloatArray, wp: FloatArray) -> tuple[float, float, float]:
    mass = float(pmf.sum())
    return mass, float(np.arange(pmf.size) @ pmf) / mass, float(wp.sum()) / mass


def _mc_chain(
    levels: int,
    p: float,
    a: float,
    w0: float,
    t_coh: float | None,
    cutoffs: tuple[int | None, ...],
    samples: int,
    seed: int,
    ops: tuple[str, ...] | None = None,
) -> tuple[list[float], list[float]]:
    """Pure-Python event-by-event Monte Carlo of the nested protocol (delivery time, Werner)."""
    rng = random.Random(seed)
    log_q = math.log1p(-p) if p < 1.0 else -math.inf
    steps = ops or ("swap",) * levels

    def geometric() -> int:
        if p >= 1.0:
            return 1
        return 1 + int(math.log(1.0 - rng.random()) / log_q)

    def deliver(level: int) -> tuple[int, float]:
        if level == 0:
            return geometric(), w0
        tau = cutoffs[level - 1]
        clock = 0
        while True:
            ta, wa = deliver(level - 1)
            tb, wb = deliver(level - 1)
            gap = abs(ta - tb)
            if tau is not None and gap > tau:
                clock += min(ta, tb) + tau  # early link discarded, both inputs restart
                continue
            clock += max(ta, tb)
            decay = 1.0 if t_coh is None else math.exp(-gap / t_coh)
            if ta < tb:
                wa *= decay
            else:
                wb *= decay
            if steps[level - 1] == "swap":
                if rng.random() < a:
                    return clock, wa * wb
                continue  # swap failed: both halves regenerate
            p_dist = (1.0 + wa * wb) / 2.0
            if rng.random() < p_dist:
                return clock, (wa + wb + 4.0 * wa * wb) / (6.0 * p_dist)

    times, werners = [], []
    for _ in range(samples):
        t, w = deliver(len(steps))
        times.append(float(t))
        werners.append(w)
    return times, werners


def _k2(p: float, a: float) -> float:
    return (3.0 - 2.0 * p) / (a * p * (2.0 - p))


def _k4(p: float, a: float) -> float:
    num = (4 * a**2 * p**6 - 10 * a**2 * p**5 + 6 * a**2 * p**4 - 20 * a * p**5 + 72 * a * p**4
           - 93 * a * p**3 + 53 * a * p**2 - 10 * a * p - 4 * a + 24 * p**4 - 108 * p**3
           + 186 * p**2 - 153 * p + 54)
    den = (a**2 * p * (p - 2) * (a * p**2 - a * p - 2 * p + 3)
           * (a * p**3 - 4 * p**2 + 6 * p - 4))
    return num / den


def _max_geometric(n: int, p: float) -> float:
    q = 1.0 - p
    return math.fsum((-1) ** (k + 1) * math.comb(n, k) / (1.0 - q**k) for k in range(1, n + 1))


def _level1(p: float, a: float, w0: float, t_coh: float | None,
            tau: int | None) -> tuple[float, float]:
    """Spec §5.2: E[T1] and E[W1] with cut-off tau (None: no cut-off)."""
    q = 1.0 - p
    x = 1.0 if t_coh is None else math.exp(-1.0 / t_coh)
    if tau is None:
        mean_w = w0**2 * p * (1 + q * x) / ((2 - p) * (1 - q * x))
        return _k2(p, a), mean_w

    def prob_gap(k: int) -> float:
        return p / (2 - p) if k == 0 else 2 * p * q**k / (2 - p)

    p_pass = (p + 2 * q * (1 - q**tau)) / (2 - p)
    attempt = (1 / (p * (2 - p)) + sum(k * prob_gap(k) for k in range(1, tau + 1))
               + tau * (1 - p_pass))
    mean_w = w0**2 * sum(prob_gap(k) * x**k for k in range(tau + 1)) / p_pass
    return attempt / (a * p_pass), mean_w


def _quiet_analyze(chain: NestedChain, **kwargs: Any) -> RepeaterChainResult:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", QinternetWarning)
        return analyze_chain(chain, **kwargs)


# ---------------------------------------------------------------------------------------------
# Parameter points (none of them is a reference case)
# ---------------------------------------------------------------------------------------------

#: (levels, p_gen, p_swap, w0, t_coh, cut-offs per level, window for the brute force)
BRUTE_POINTS = [
    pytest.param(1, 0.23, 0.71, 0.93, 17.5, (3,), 400, id="n1-tau3"),
    pytest.param(1, 0.37, 1.0, 0.97, None, (0,), 300, id="n1-tau0-nodecay"),
    pytest.param(1, 0.05, 0.42, 0.995, 80.0, (None,), 2200, id="n1-nocut-smallp"),
    pytest.param(1, 1.0, 0.33, 0.9, 3.0, (0,), 200, id="n1-p1"),
    pytest.param(2, 0.31, 0.64, 0.96, 40.0, (2, 7), 700, id="n2-tau2-7"),
    pytest.param(2, 0.45, 0.83, 1.0, 25.0, (None, 4), 500, id="n2-none-4"),
    pytest.param(2, 0.62, 0.58, 0.92, 11.0, (1, None), 500, id="n2-1-none"),
    pytest.param(2, 0.27, 0.9, 0.985, 150.0, (None, None), 600, id="n2-nocut"),
]


@pytest.mark.parametrize(("levels", "p", "a", "w0", "t_coh", "cuts", "t_len"), BRUTE_POINTS)
def test_pmf_and_means_equal_brute_force(levels: int, p: float, a: float, w0: float,
                                         t_coh: float | None, cuts: tuple[int | None, ...],
                                         t_len: int) -> None:
    ref_pmf, ref_wp = _brute_chain(levels, p, a, w0, t_coh, cuts, t_len)
    chain = NestedChain(levels=levels, p_gen=p, p_swap=a, werner_w0=w0,
                        coherence_time_steps=t_coh, cutoff_steps=cuts)
    pmf, wp = chain_distributions(chain, t_len)
    assert np.max(np.abs(pmf - ref_pmf)) < 1e-14
    assert np.max(np.abs(wp - ref_wp)) < 1e-14
    mass, mean_t, mean_w = _means(ref_pmf, ref_wp)
    assert mass > 1.0 - 1e-12  # window large enough for the means
    res = analyze_chain(chain)
    assert res.coverage > 1.0 - 1e-12
    assert res.mean_waiting_time_steps == pytest.approx(mean_t, rel=1e-10)
    assert res.mean_werner == pytest.approx(mean_w, rel=1e-10)
    assert res.mean_fidelity == pytest.approx((1 + 3 * mean_w) / 4, rel=1e-10)
    assert res.secret_key_rate_bb84_bits_per_step == pytest.approx(_bb84(mean_w) / mean_t,
                                                                   rel=1e-8, abs=1e-15)
    assert res.secret_key_rate_six_state_bits_per_step == pytest.approx(
        _six_state(mean_w) / mean_t, rel=1e-8, abs=1e-15)
    # W(t) where P(t) is not round-off dominated
    m = min(t_len, res.truncation_steps)
    ok = ref_pmf[:m] > 1e-6 * ref_pmf.max()
    ref_w = ref_wp[:m][ok] / ref_pmf[:m][ok]
    assert np.allclose(res.werner_by_time[:m][ok], ref_w, rtol=1e-9, atol=0.0)


@pytest.mark.parametrize(
    ("p", "a"), [(0.17, 0.61), (0.83, 0.29), (0.003, 0.9), (0.5, 1.0), (1.0, 0.47)]
)
def test_two_and_four_segment_closed_forms(p: float, a: float) -> None:
    one = analyze_chain(NestedChain(levels=1, p_gen=p, p_swap=a))
    two = analyze_chain(NestedChain(levels=2, p_gen=p, p_swap=a))
    assert one.mean_waiting_time_steps == pytest.approx(_k2(p, a), rel=1e-9)
    assert two.mean_waiting_time_steps == pytest.approx(_k4(p, a), rel=1e-9)
    assert one.mean_werner == pytest.approx(1.0, abs=1e-12)


def test_k4_closed_form_equals_brute_force() -> None:
    # the spec's K4 polynomial against the all-pairs brute force (independent of the library)
    for p, a in ((0.4, 0.55), (0.7, 0.95)):
        pmf, wp = _brute_chain(2, p, a, 1.0, None, (None, None), 400)
        _, mean_t, _ = _means(pmf, wp)
        assert mean_t == pytest.approx(_k4(p, a), rel=1e-10)


@pytest.mark.parametrize(("levels", "p"), [(1, 0.21), (2, 0.07), (3, 0.35), (4, 0.6)])
def test_unit_swap_is_max_of_geometrics(levels: int, p: float) -> None:
    res = analyze_chain(NestedChain(levels=levels, p_gen=p, p_swap=1.0))
    assert res.mean_waiting_time_steps == pytest.approx(_max_geometric(2**levels, p), rel=1e-9)


@pytest.mark.parametrize(
    ("p", "a", "w0", "t_coh", "tau"),
    [
        (0.13, 0.77, 0.96, 22.0, 2),
        (0.02, 0.35, 0.9, 700.0, 45),
        (0.6, 0.5, 0.99, 4.0, 0),
        (0.3, 1.0, 1.0, 9.0, 11),
        (0.08, 0.66, 0.97, 55.0, None),
        (0.9, 0.2, 0.85, 1.5, 1),
    ],
)
def test_level1_cutoff_closed_forms(p: float, a: float, w0: float, t_coh: float,
                                    tau: int | None) -> None:
    mean_t, mean_w = _level1(p, a, w0, t_coh, tau)
    res = analyze_chain(NestedChain(levels=1, p_gen=p, p_swap=a, werner_w0=w0,
                                    coherence_time_steps=t_coh, cutoff_steps=tau))
    assert res.mean_waiting_time_steps == pytest.approx(mean_t, rel=1e-9)
    assert res.mean_werner == pytest.approx(mean_w, rel=1e-9)
    assert res.secret_key_rate_bits_per_step == pytest.approx(_bb84(mean_w) / mean_t,
                                                              rel=1e-7, abs=1e-15)


def test_level1_closed_forms_equal_brute_force() -> None:
    # spec §5.2 against the brute force: two independent routes that do not use the library
    for p, a, w0, t_coh, tau in ((0.13, 0.77, 0.96, 22.0, 2), (0.3, 1.0, 1.0, 9.0, 11)):
        pmf, wp = _brute_chain(1, p, a, w0, t_coh, (tau,), 1200)
        _, mean_t, mean_w = _means(pmf, wp)
        ref_t, ref_w = _level1(p, a, w0, t_coh, tau)
        assert mean_t == pytest.approx(ref_t, rel=1e-10)
        assert mean_w == pytest.approx(ref_w, rel=1e-10)


@pytest.mark.parametrize(
    ("p", "a", "w0", "t_coh", "cuts", "samples", "seed"),
    [
        pytest.param(0.45, 0.75, 0.97, 60.0, (3, 6, 12), 40000, 11, id="n3-cuts"),
        pytest.param(0.3, 0.9, 0.99, 120.0, (None, None, None), 30000, 12, id="n3-nocut"),
    ],
)
def test_three_levels_equal_pure_python_monte_carlo(p: float, a: float, w0: float, t_coh: float,
                                                    cuts: tuple[int | None, ...], samples: int,
                                                    seed: int) -> None:
    times, werners = _mc_chain(3, p, a, w0, t_coh, cuts, samples, seed)
    res = analyze_chain(NestedChain(levels=3, p_gen=p, p_swap=a, werner_w0=w0,
                                    coherence_time_steps=t_coh, cutoff_steps=cuts))
    t_arr, w_arr = np.array(times), np.array(werners)
    sigma_t = t_arr.std(ddof=1) / math.sqrt(samples)
    sigma_w = w_arr.std(ddof=1) / math.sqrt(samples)
    assert abs(t_arr.mean() - res.mean_waiting_time_steps) < 5 * sigma_t
    assert abs(w_arr.mean() - res.mean_werner) < 5 * sigma_w
    # distribution: P(T <= t) at the quartiles of the exact pmf (binomial 5 sigma)
    cdf = np.cumsum(res.waiting_time_pmf)
    for q in (0.25, 0.5, 0.75):
        t_q = int(np.searchsorted(cdf, q))
        exact = float(cdf[t_q])
        freq = float(np.mean(t_arr <= t_q))
        assert abs(freq - exact) < 5 * math.sqrt(exact * (1 - exact) / samples)


@pytest.mark.parametrize(
    ("rounds", "cuts", "p", "a", "w0", "t_coh", "t_len"),
    [
        pytest.param((1, 0), (2, 6), 0.4, 0.7, 0.9, 20.0, 500, id="distill-then-swap"),
        pytest.param((0, 1), (None, 3), 0.5, 0.8, 0.95, 15.0, 500, id="swap-then-distill"),
        pytest.param((2, 0), (None, 1, None), 0.6, 1.0, 0.85, 40.0, 400, id="two-rounds"),
    ],
)
def test_distillation_equals_brute_force_and_monte_carlo(
    rounds: tuple[int, ...], cuts: tuple[int | None, ...], p: float, a: float, w0: float,
    t_coh: float, t_len: int
) -> None:
    chain = NestedChain(levels=1, p_gen=p, p_swap=a, werner_w0=w0, coherence_time_steps=t_coh,
                        cutoff_steps=cuts, distillation_rounds=rounds)
    ops = chain.protocol
    assert ops.count("distill") == sum(rounds)
    ref_pmf, ref_wp = _brute_chain(1, p, a, w0, t_coh, cuts, t_len, ops)
    pmf, wp = chain_distributions(chain, t_len)
    assert np.max(np.abs(pmf - ref_pmf)) < 1e-14
    assert np.max(np.abs(wp - ref_wp)) < 1e-14
    mass, mean_t, mean_w = _means(ref_pmf, ref_wp)
    assert mass > 1.0 - 1e-12
    res = analyze_chain(chain)
    assert res.mean_waiting_time_steps == pytest.approx(mean_t, rel=1e-10)
    assert res.mean_werner == pytest.approx(mean_w, rel=1e-10)
    samples = 20000
    times, werners = _mc_chain(1, p, a, w0, t_coh, cuts, samples, 7, ops)
    t_arr, w_arr = np.array(times), np.array(werners)
    assert abs(t_arr.mean() - mean_t) < 5 * t_arr.std(ddof=1) / math.sqrt(samples)
    assert abs(w_arr.mean() - mean_w) < 5 * w_arr.std(ddof=1) / math.sqrt(samples)


def test_time_resolved_werner_equals_brute_force_three_levels() -> None:
    # 3 levels with per-level cut-offs (brute force still exact on a short window)
    cuts = (2, 5, None)
    pmf_ref, wp_ref = _brute_chain(3, 0.55, 0.8, 0.98, 30.0, cuts, 260)
    chain = NestedChain(levels=3, p_gen=0.55, p_swap=0.8, werner_w0=0.98,
                        coherence_time_steps=30.0, cutoff_steps=cuts)
    pmf, wp = chain_distributions(chain, 260)
    assert np.max(np.abs(pmf - pmf_ref)) < 1e-14
    assert np.max(np.abs(wp - wp_ref)) < 1e-14


# ---------------------------------------------------------------------------------------------
# CLI JSON against the library and the independent formulas
# ---------------------------------------------------------------------------------------------


def _cli_json(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, Any]:
    code = main(["repeater", *args, "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    data: dict[str, Any] = json.loads(out)
    return data


def test_cli_json_matches_independent_values(capsys: pytest.CaptureFixture[str]) -> None:
    p, a, w0, t_coh, tau = 0.13, 0.77, 0.96, 22.0, 2
    mean_t, mean_w = _level1(p, a, w0, t_coh, tau)
    for six in (False, True):
        extra = ["--six-state"] if six else []
        data = _cli_json(capsys, "--levels", "1", "--p-gen", str(p), "--p-swap", str(a),
                         "--werner", str(w0), "--coherence-time", str(t_coh),
                         "--cutoff", str(tau), *extra)
        assert data["mean_waiting_time_steps"] == pytest.approx(mean_t, rel=1e-9)
        assert data["mean_werner"] == pytest.approx(mean_w, rel=1e-9)
        fraction = _six_state(mean_w) if six else _bb84(mean_w)
        assert data["secret_key_rate_bits_per_step"] == pytest.approx(fraction / mean_t,
                                                                      rel=1e-7)
        assert data["coverage"] > 1 - 1e-12
        assert data["coverage"] <= 1.0


def test_cli_physical_front_end(capsys: pytest.CaptureFixture[str]) -> None:
    # 4 segments of 37.5 km, alpha 0.17 dB/km, source 0.8, detector 0.9; link coherence 3 ms
    seg_km, alpha, eta_s, eta_d, t_coh_s = 37.5, 0.17, 0.8, 0.9, 3e-3
    c_fibre_km_per_s = 299_792.458 / 1.468
    p = eta_s * eta_d * 10 ** (-alpha * seg_km / 10)
    step_s = 2 * seg_km / c_fibre_km_per_s  # heralding round trip node -> node
    t_coh = t_coh_s / step_s
    data = _cli_json(capsys, "--levels", "2", "--p-swap", "0.6",
                     "--segment-length-km", str(seg_km), "--attenuation-db-per-km", str(alpha),
                     "--source-efficiency", str(eta_s), "--detector-efficiency", str(eta_d),
                     "--coherence-time-s", str(t_coh_s), "--werner", "0.99", "--cutoff", "40")
    assert data["p_gen"] == pytest.approx(p, rel=1e-12)
    assert data["attempt_time_s"] == pytest.approx(step_s, rel=1e-12)
    assert data["clock_rate_hz"] == pytest.approx(1 / step_s, rel=1e-12)
    assert data["coherence_time_steps"] == pytest.approx(t_coh, rel=1e-12)
    assert data["coherence_time_s"] == pytest.approx(t_coh_s, rel=1e-12)
    res = analyze_chain(NestedChain(levels=2, p_gen=p, p_swap=0.6, werner_w0=0.99,
                                    coherence_time_steps=t_coh, cutoff_steps=40))
    assert data["mean_waiting_time_steps"] == pytest.approx(res.mean_waiting_time_steps, rel=1e-9)
    assert data["mean_waiting_time_s"] == pytest.approx(res.mean_waiting_time_steps * step_s,
                                                        rel=1e-9)
    rate = _bb84(res.mean_werner) / res.mean_waiting_time_steps
    assert data["secret_key_rate_bits_per_step"] == pytest.approx(rate, rel=1e-7)
    assert data["secret_key_rate_bits_per_s"] == pytest.approx(rate / step_s, rel=1e-7)
    eta_total = 10 ** (-alpha * 4 * seg_km / 10)
    plob = -math.log2(1 - eta_total)
    assert data["total_length_km"] == pytest.approx(4 * seg_km)
    assert data["plob_bits_per_use"] == pytest.approx(plob, rel=1e-12)
    assert data["plob_bits_per_s"] == pytest.approx(plob / step_s, rel=1e-12)
    capacity = -math.log2(1 - eta_total ** 0.25)
    assert data["repeater_capacity_bits_per_use"] == pytest.approx(capacity, rel=1e-12)
    # midpoint heralding halves the step; an explicit clock rate overrides both
    mid = _cli_json(capsys, "--levels", "2", "--p-swap", "0.6", "--segment-length-km",
                    str(seg_km), "--heralding", "midpoint")
    assert mid["attempt_time_s"] == pytest.approx(seg_km / c_fibre_km_per_s, rel=1e-12)
    clk = _cli_json(capsys, "--levels", "1", "--p-gen", "0.2", "--p-swap", "0.5",
                    "--clock-rate-hz", "2.5e4", "--coherence-time-s", "0.004")
    assert clk["coherence_time_steps"] == pytest.approx(100.0, rel=1e-12)
    assert clk["mean_waiting_time_s"] == pytest.approx(_k2(0.2, 0.5) / 2.5e4, rel=1e-9)
    # attempt time given directly; per-qubit memory time T_q -> link coherence T_q / 2
    mem = _cli_json(capsys, "--levels", "1", "--p-gen", "0.2", "--p-swap", "0.5",
                    "--attempt-time-s", "4e-5", "--memory-coherence-time-s", "0.008")
    assert mem["clock_rate_hz"] == pytest.approx(2.5e4, rel=1e-12)
    assert mem["coherence_time_steps"] == pytest.approx(100.0, rel=1e-12)
    assert mem["mean_werner"] == pytest.approx(clk["mean_werner"], rel=1e-12)
    for bad in (["--memory-coherence-time-s", "0.008"],
                ["--attempt-time-s", "0"],
                ["--attempt-time-s", "1e-3", "--clock-rate-hz", "10"]):
        code = main(["repeater", "--levels", "1", "--p-gen", "0.2", "--p-swap", "0.5", *bad,
                     "--json"])
        out, err = capsys.readouterr()
        assert code == 2
        assert out == ""
        assert len(err.strip().splitlines()) == 1
        assert bad[0] in err


# ---------------------------------------------------------------------------------------------
# Cut-off optimiser against exhaustive scans (rates by the independent key fraction)
# ---------------------------------------------------------------------------------------------


def _scan_rate(levels: int, p: float, a: float, w0: float, t_coh: float,
               cuts: tuple[int | None, ...]) -> float:
    res = _quiet_analyze(NestedChain(levels=levels, p_gen=p, p_swap=a, werner_w0=w0,
                                     coherence_time_steps=t_coh, cutoff_steps=cuts))
    return _bb84(res.mean_werner) / res.mean_waiting_time_steps


def test_optimizer_one_level_not_beaten_by_scan() -> None:
    p, a, w0, t_coh = 0.07, 0.63, 0.985, 45.0
    best = optimize_cutoffs(NestedChain(levels=1, p_gen=p, p_swap=a, werner_w0=w0,
                                        coherence_time_steps=t_coh))
    scan = {t: _scan_rate(1, p, a, w0, t_coh, (t,)) for t in range(0, 121)}
    scan_best = max(scan.values())
    assert scan_best > 0.0
    assert best.secret_key_rate_bits_per_step >= scan_best * (1 - 1e-7)
    assert best.cutoff_steps[0] == max(scan, key=lambda t: scan[t])


def test_optimizer_two_levels_not_beaten_by_scan() -> None:
    p, a, w0, t_coh = 0.35, 0.7, 0.99, 60.0
    chain = NestedChain(levels=2, p_gen=p, p_swap=a, werner_w0=w0, coherence_time_steps=t_coh)
    uniform = optimize_cutoffs(chain)
    scan_u = {t: _scan_rate(2, p, a, w0, t_coh, (t, t)) for t in range(0, 31)}
    assert max(scan_u.values()) > 0.0
    assert uniform.secret_key_rate_bits_per_step >= max(scan_u.values()) * (1 - 1e-7)
    per_level = optimize_cutoffs(chain, per_level=True)
    scan_p = {(t1, t2): _scan_rate(2, p, a, w0, t_coh, (t1, t2))
              for t1 in range(0, 13) for t2 in range(0, 25)}
    assert per_level.secret_key_rate_bits_per_step >= max(scan_p.values()) * (1 - 1e-7)
    assert per_level.secret_key_rate_bits_per_step >= uniform.secret_key_rate_bits_per_step
    # the reported optimum is a true rate of the reported cut-offs
    assert per_level.secret_key_rate_bits_per_step == pytest.approx(
        _scan_rate(2, p, a, w0, t_coh, per_level.cutoff_steps), rel=1e-7)


def test_optimizer_reports_true_rate_when_search_window_is_capped() -> None:
    # Regression: with candidates cut short by max_truncation_steps the optimiser used to report
    # the conditional-window rate of its choice (8.973e-4 for tau = 50, above the true optimum
    # 8.803e-4 at tau = 39) while its own ``result`` said 8.585e-4.
    chain = NestedChain(levels=1, p_gen=0.01, p_swap=0.5, werner_w0=0.98,
                        coherence_time_steps=300.0)
    with pytest.warns(QinternetWarning, match="max_truncation_steps"):
        capped = optimize_cutoffs(chain, max_truncation_steps=2**11)
    res = capped.result
    true_rate = _bb84(res.mean_werner) / res.mean_waiting_time_steps
    assert capped.secret_key_rate_bits_per_step == pytest.approx(true_rate, rel=1e-9)
    scan = max(_scan_rate(1, 0.01, 0.5, 0.98, 300.0, (t,)) for t in range(30, 60))
    assert capped.secret_key_rate_bits_per_step <= scan * (1 + 1e-9)
    assert optimize_cutoffs(chain).secret_key_rate_bits_per_step == pytest.approx(scan, rel=1e-7)


@pytest.mark.slow
def test_optimizer_long_waiting_times_two_levels() -> None:
    # Regression: the search window cap used to be 2^20 < the analysis cap 2^22; here every
    # candidate tau <= 4 was scored 0 (coverage < 0.99 at 2^20) and the optimiser returned
    # tau = 5 (3.18e-7 bits/step) although tau = 4 gives 4.85e-7.
    p, a, w0, t_coh = 0.01241, 0.644, 0.9866, 46.31
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", QinternetWarning)
        best = optimize_cutoffs(NestedChain(levels=2, p_gen=p, p_swap=a, werner_w0=w0,
                                            coherence_time_steps=t_coh))
        scan = max(_scan_rate(2, p, a, w0, t_coh, (t, t)) for t in range(4, 8))
    assert best.secret_key_rate_bits_per_step >= scan * (1 - 1e-7)
