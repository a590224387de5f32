"""Every case of tests/data/repeaters.json (W, F, K, Q, FIG4, SWAP, MC groups)."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest

from conftest import assert_matches, load_reference, reference_cases
from qinternet.errors import QinternetWarning
from qinternet.repeaters import (
    NestedChain,
    analyze_chain,
    bb84_key_fraction,
    key_fraction_threshold,
    optimize_cutoffs,
    plob_bits_per_use,
    sample_nested_chain,
    sample_swap_asap_chain,
    secret_key_rate,
    six_state_key_fraction,
    swap_asap_werner_from_durations,
)
from qinternet.repeaters.closed_forms import mean_waiting_time_upper_bound, three_halves_rule
from qinternet.units import fibre_transmissivity

CASE_IDS = {c["id"] for c in load_reference("repeaters")["cases"]}


def _chain(inputs: dict[str, Any], **overrides: Any) -> NestedChain:
    cutoff = inputs.get("cutoff_steps")
    kw: dict[str, Any] = {
        "levels": inputs["levels"],
        "p_gen": inputs["p_gen"],
        "p_swap": inputs["p_swap"],
        "werner_w0": inputs.get("werner_w0", 1.0),
        "coherence_time_steps": inputs.get("coherence_time_steps"),
        "cutoff_steps": tuple(cutoff) if isinstance(cutoff, list) else cutoff,
    }
    kw.update(overrides)
    return NestedChain(**kw)


def _analyze(chain: NestedChain, **kw: Any) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", QinternetWarning)
        return analyze_chain(chain, **kw)


# ---------------------------------------------------------------- W: waiting times
@pytest.mark.parametrize(
    "case",
    [c for c in reference_cases("repeaters", group="W")
     if c.id not in ("W14", "W16")],
)
def test_mean_waiting_time(case: dict[str, Any]) -> None:
    result = _analyze(_chain(case["inputs"]))
    assert result.coverage > 1 - 1e-11
    assert_matches(case, "mean_waiting_time_steps", result.mean_waiting_time_steps)


@pytest.mark.parametrize("case", reference_cases("repeaters", prefix="W14"))
def test_w14_upper_bound(case: dict[str, Any]) -> None:
    inp = case["inputs"]
    exp = case["expected"]
    for i, levels in enumerate(inp["levels_list"]):
        mean = _analyze(NestedChain(levels=levels, p_gen=inp["p_gen"], p_swap=inp["p_swap"]))
        bound = mean_waiting_time_upper_bound(levels, inp["p_gen"], inp["p_swap"])
        assert mean.mean_waiting_time_steps <= bound
        rel, _ = 1e-4, 0
        assert abs(mean.mean_waiting_time_steps - exp["mean_waiting_time_steps_list"][i]) <= (
            rel * exp["mean_waiting_time_steps_list"][i] + 5e-4)
        assert abs(bound - exp["upper_bound_steps_list"][i]) <= (
            2e-4 * exp["upper_bound_steps_list"][i] + 5e-3)


@pytest.mark.parametrize("case", reference_cases("repeaters", prefix="W16"))
def test_w16_three_halves_rule_is_only_an_approximation(case: dict[str, Any]) -> None:
    inp = case["inputs"]
    approx = three_halves_rule(inp["levels"], inp["p_gen"], inp["p_swap"])
    exact = _analyze(_chain(inp)).mean_waiting_time_steps
    assert_matches(case, "three_halves_rule_steps", approx)
    assert_matches(case, "mean_waiting_time_steps", exact)
    assert approx / exact - 1 == pytest.approx(0.114, abs=0.002)


@pytest.mark.parametrize("p_gen", [0.03, 0.2, 0.5, 0.9, 1.0])
def test_w15_cdf_one_level_a1(p_gen: float) -> None:
    assert "W15" in CASE_IDS
    res = _analyze(NestedChain(levels=1, p_gen=p_gen, p_swap=1.0), truncation_steps=2000)
    t = np.arange(2000)
    expected = (1.0 - (1.0 - p_gen) ** t) ** 2
    assert np.max(np.abs(np.cumsum(res.waiting_time_pmf) - expected)) < 1e-14


# ---------------------------------------------------------------- F: Werner parameter
@pytest.mark.parametrize("levels", [0, 1, 2, 3])
@pytest.mark.parametrize(("p_gen", "p_swap", "w0"), [(0.1, 0.5, 0.97), (0.6, 0.9, 0.8),
                                                     (0.05, 1.0, 0.99)])
def test_f1_no_decoherence_constant_werner(levels: int, p_gen: float, p_swap: float,
                                           w0: float) -> None:
    assert "F1" in CASE_IDS
    res = _analyze(NestedChain(levels=levels, p_gen=p_gen, p_swap=p_swap, werner_w0=w0,
                               cutoff_steps=None))
    target = w0 ** (2**levels)
    pmf = res.waiting_time_pmf
    well = pmf > 1e-3 * pmf.max()
    assert np.all(np.abs(res.werner_by_time[well] - target) < 1e-12)
    defined = ~np.isnan(res.werner_by_time)
    assert np.all(np.abs(res.werner_by_time[defined] - target) < 1e-6)
    assert res.mean_werner == pytest.approx(target, abs=1e-12)


@pytest.mark.parametrize("case", [c for c in reference_cases("repeaters", group="F")
                                  if c.id in ("F2", "F3a", "F3b")])
def test_mean_werner(case: dict[str, Any]) -> None:
    res = _analyze(_chain(case["inputs"]))
    assert_matches(case, "mean_werner", res.mean_werner)


@pytest.mark.parametrize("case", reference_cases("repeaters", prefix="F4", kind="property"))
def test_f4_swap_asap_two_segments_equals_nested(case: dict[str, Any]) -> None:
    inp = case["inputs"]
    est = sample_swap_asap_chain(segments=2, p_gen=inp["p_gen"], p_swap=inp["p_swap"],
                                 samples=60_000, seed=4,
                                 node_coherence_time_steps=inp["node_coherence_time_steps"])
    exact = _analyze(NestedChain(levels=1, p_gen=inp["p_gen"], p_swap=inp["p_swap"],
                                 coherence_time_steps=inp["node_coherence_time_steps"] / 2))
    assert_matches(case, "mean_werner", exact.mean_werner)
    assert abs(est.mean_werner - case["expected"]["mean_werner"]) < 5 * est.werner_std_error


@pytest.mark.parametrize("case", reference_cases("repeaters", prefix="F5"))
def test_f5_avis_per_node_rule(case: dict[str, Any]) -> None:
    inp = case["inputs"]
    w = swap_asap_werner_from_durations(inp["segment_durations_steps"],
                                        inp["node_coherence_time_steps"], inp["werner_w0"])
    assert_matches(case, "mean_werner", float(w))


@pytest.mark.parametrize("case", reference_cases("repeaters", prefix="F6"))
def test_f6_truncated_tutorial(case: dict[str, Any]) -> None:
    chain = _chain(case["inputs"])
    with pytest.warns(QinternetWarning, match="conditional mean"):
        res = analyze_chain(chain, truncation_steps=case["inputs"]["truncation_steps"])
    assert_matches(case, "coverage", res.coverage)
    assert_matches(case, "mean_fidelity", res.mean_fidelity)
    full = _analyze(chain)
    assert full.coverage > 1 - 1e-11
    assert_matches(case, "mean_fidelity_full_support", full.mean_fidelity)


# ---------------------------------------------------------------- K: cut-offs and key rates
@pytest.mark.parametrize("case", reference_cases("repeaters", prefix="K1"))
def test_k1_level1_cutoff(case: dict[str, Any]) -> None:
    res = _analyze(_chain(case["inputs"]))
    assert_matches(case, "mean_waiting_time_steps", res.mean_waiting_time_steps)
    assert_matches(case, "mean_werner", res.mean_werner)


@pytest.mark.parametrize("case", reference_cases("repeaters", prefix="K2"))
def test_k2_key_rates(case: dict[str, Any]) -> None:
    res = _analyze(_chain(case["inputs"]))
    assert_matches(case, "secret_key_rate_bits_per_step", res.secret_key_rate_bits_per_step)
    assert_matches(case, "secret_key_rate_six_state_bits_per_step",
                   res.secret_key_rate_six_state_bits_per_step)
    legacy = secret_key_rate(res.mean_werner, res.mean_waiting_time_steps, entropy_base="e")
    assert_matches(case, "secret_key_rate_ln_legacy", legacy)


@pytest.mark.parametrize("case", reference_cases("repeaters", prefix="K3"))
def test_k3_optimal_cutoff(case: dict[str, Any]) -> None:
    chain = _chain(case["inputs"], cutoff_steps=None)
    best = optimize_cutoffs(chain)
    assert_matches(case, "optimal_cutoff_steps", best.cutoff_steps[0])
    assert_matches(case, "secret_key_rate_bits_per_step", best.secret_key_rate_bits_per_step)
    assert_matches(case, "secret_key_rate_bits_per_step",
                   best.result.secret_key_rate_bits_per_step)
    legacy = optimize_cutoffs(chain, entropy_base="e")
    assert_matches(case, "optimal_cutoff_steps_ln_legacy", legacy.cutoff_steps[0])
    assert_matches(case, "secret_key_rate_ln_legacy", legacy.secret_key_rate_bits_per_step)
    # exhaustive scan agrees with the search
    rates = [_analyze(_chain(case["inputs"], cutoff_steps=t)).secret_key_rate_bits_per_step
             for t in range(0, 40)]
    assert int(np.argmax(rates)) == best.cutoff_steps[0]


@pytest.mark.parametrize("case", reference_cases("repeaters", prefix="K4"))
def test_k4_cutoff_vs_none(case: dict[str, Any]) -> None:
    inp = case["inputs"]
    for i, cutoff in enumerate(inp["cutoff_steps_list"]):
        res = _analyze(_chain(inp, cutoff_steps=cutoff))
        for key, attr in (("mean_waiting_time_steps_list", "mean_waiting_time_steps"),
                          ("mean_fidelity_list", "mean_fidelity")):
            expected = case["expected"][key][i]
            assert abs(getattr(res, attr) - expected) <= 1e-7 * abs(expected)


@pytest.mark.parametrize("case", reference_cases("repeaters", prefix="K5"))
def test_k5_key_rates_and_optimum(case: dict[str, Any]) -> None:
    chain = _chain(case["inputs"])
    best = optimize_cutoffs(chain)
    assert_matches(case, "optimal_cutoff_steps", best.cutoff_steps[0])
    assert_matches(case, "secret_key_rate_bits_per_step", best.secret_key_rate_bits_per_step)
    assert_matches(case, "secret_key_rate_no_cutoff_bits_per_step",
                   _analyze(chain).secret_key_rate_bits_per_step)
    legacy = _analyze(_chain(case["inputs"], cutoff_steps=64))
    assert_matches(case, "secret_key_rate_ln_legacy_cutoff64",
                   secret_key_rate(legacy.mean_werner, legacy.mean_waiting_time_steps,
                                   entropy_base="e"))


@pytest.mark.parametrize("case", reference_cases("repeaters", prefix="K6"))
def test_k6_per_level_cutoffs(case: dict[str, Any]) -> None:
    res = _analyze(_chain(case["inputs"]))
    assert_matches(case, "mean_waiting_time_steps", res.mean_waiting_time_steps)
    assert_matches(case, "mean_werner", res.mean_werner)
    assert_matches(case, "secret_key_rate_bits_per_step", res.secret_key_rate_bits_per_step)
    assert_matches(case, "secret_key_rate_ln_legacy",
                   secret_key_rate(res.mean_werner, res.mean_waiting_time_steps,
                                   entropy_base="e"))


@pytest.mark.parametrize("case", reference_cases("repeaters", prefix="K7"))
def test_k7_tutorial_uniform_cutoff(case: dict[str, Any]) -> None:
    res = _analyze(_chain(case["inputs"]))
    assert res.coverage > 1 - 1e-11
    assert_matches(case, "mean_waiting_time_steps", res.mean_waiting_time_steps)


# ---------------------------------------------------------------- Q: key fractions, bounds
@pytest.mark.parametrize("case", reference_cases("repeaters", prefix="Q1"))
def test_q1_bb84_fraction(case: dict[str, Any]) -> None:
    got = bb84_key_fraction(case["inputs"]["werner_list"])
    for g, e in zip(got, case["expected"]["bb84_fraction_list"], strict=True):
        assert abs(g - e) <= 1e-9


@pytest.mark.parametrize("case", reference_cases("repeaters", prefix="Q2"))
def test_q2_six_state_fraction(case: dict[str, Any]) -> None:
    got = six_state_key_fraction(case["inputs"]["werner_list"])
    for g, e in zip(got, case["expected"]["six_state_fraction_list"], strict=True):
        assert abs(g - e) <= 1e-9


@pytest.mark.parametrize("case", reference_cases("repeaters", prefix="Q3"))
def test_q3_thresholds(case: dict[str, Any]) -> None:
    w_bb84 = key_fraction_threshold("bb84")
    w_six = key_fraction_threshold("six-state")
    assert_matches(case, "bb84_werner_threshold", w_bb84)
    assert_matches(case, "bb84_qber_threshold", (1 - w_bb84) / 2)
    assert_matches(case, "six_state_werner_threshold", w_six)
    assert_matches(case, "six_state_qber_threshold", (1 - w_six) / 2)
    assert_matches(case, "bb84_werner_threshold_ln_legacy",
                   key_fraction_threshold("bb84", entropy_base="e"))


@pytest.mark.parametrize("case", reference_cases("repeaters", prefix="Q4"))
def test_q4_plob_tgw(case: dict[str, Any]) -> None:
    from qinternet.channels.capacities import tgw_bound

    inp, exp = case["inputs"], case["expected"]
    for i, km in enumerate(inp["length_km_list"]):
        plob = plob_bits_per_use(km, inp["attenuation_db_per_km"])
        tgw = float(tgw_bound(fibre_transmissivity(km, inp["attenuation_db_per_km"])))
        assert abs(plob - exp["plob_bits_per_use_list"][i]) <= 5e-8 * exp[
            "plob_bits_per_use_list"][i]
        assert abs(tgw - exp["tgw_bits_per_use_list"][i]) <= 5e-8 * exp[
            "tgw_bits_per_use_list"][i]


# ---------------------------------------------------------------- FIG4 (slow)
@pytest.mark.parametrize("case", reference_cases("repeaters", group="FIG4"))
def test_fig4(case: dict[str, Any]) -> None:
    inp = case["inputs"]
    chain = _chain(inp)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = analyze_chain(chain, truncation_steps=inp["truncation_steps"])
    warned = any(issubclass(w.category, QinternetWarning) for w in caught)
    assert warned == (res.coverage < 1 - 1e-6)
    assert_matches(case, "coverage", res.coverage)
    assert_matches(case, "mean_werner", res.mean_werner)
    if "mean_waiting_time_steps" in case["expected"]:
        assert_matches(case, "mean_waiting_time_steps", res.mean_waiting_time_steps)
    if "secret_key_rate_bits_per_step" in case["expected"]:
        assert_matches(case, "secret_key_rate_bits_per_step", res.secret_key_rate_bits_per_step)
        assert_matches(case, "secret_key_rate_ln_legacy",
                       secret_key_rate(res.mean_werner, res.mean_waiting_time_steps,
                                       entropy_base="e"))


# ---------------------------------------------------------------- SWAP and MC
@pytest.mark.parametrize("case", reference_cases("repeaters", group="SWAP", kind="property"))
def test_swap_asap_beats_nested(case: dict[str, Any]) -> None:
    inp, exp = case["inputs"], case["expected"]
    nested = _analyze(NestedChain(levels=2, p_gen=inp["p_gen"], p_swap=inp["p_swap"],
                                  coherence_time_steps=inp["coherence_time_steps"]))
    asap = sample_swap_asap_chain(segments=inp["segments"], p_gen=inp["p_gen"],
                                  p_swap=inp["p_swap"], samples=120_000, seed=7,
                                  node_coherence_time_steps=inp["node_coherence_time_steps"])
    assert abs(nested.mean_werner - exp["mean_werner_nested"]) <= 1e-3
    assert abs(asap.mean_werner - exp["mean_werner_swap_asap"]) <= 1e-3
    assert asap.mean_werner > nested.mean_werner + 10 * asap.werner_std_error
    # a = 1: both protocols wait for the max of the segment times
    assert abs(asap.mean_waiting_time_steps - nested.mean_waiting_time_steps) < (
        5 * asap.waiting_time_std_error_steps)


_MC_SAMPLES = {"MC-1": 200_000, "MC-2": 100_000, "MC-3": 100_000, "MC-4": 100_000,
               "MC-5": 25_000}


@pytest.mark.parametrize("case", reference_cases("repeaters", group="MC", kind="property"))
def test_monte_carlo_agrees_with_exact(case: dict[str, Any]) -> None:
    """Exact values match the case; MC (fewer samples than the case, for test time) within 5σ."""
    inp = case["inputs"]
    chain = _chain(inp)
    exact = _analyze(chain)
    est = sample_nested_chain(chain, _MC_SAMPLES[case["id"]], seed=11)
    assert_matches(case, "mean_waiting_time_steps", exact.mean_waiting_time_steps)
    assert abs(est.mean_waiting_time_steps - exact.mean_waiting_time_steps) < (
        5 * est.waiting_time_std_error_steps)
    if "mean_werner" in case["expected"]:
        assert_matches(case, "mean_werner", exact.mean_werner)
        assert abs(est.mean_werner - exact.mean_werner) < 5 * est.werner_std_error


def test_every_case_is_covered() -> None:
    covered_prefixes = ("W", "F", "K", "Q", "FIG4", "SWAP", "MC")
    assert all(cid.startswith(covered_prefixes) for cid in CASE_IDS)
