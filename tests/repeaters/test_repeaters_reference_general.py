"""Every nested-chain value case of repeaters.json (W, F, K, MC groups) through the general
tree algorithm of issue 14 (Werner special case: same reference numbers)."""

from __future__ import annotations

import warnings
from typing import Any

import pytest

from conftest import assert_matches, reference_cases
from qinternet.errors import QinternetWarning
from qinternet.repeaters import ChainSegment, RepeaterChain, analyze_repeater_chain
from qinternet.repeaters.swap_tree import balanced_tree

KEYS = ("mean_waiting_time_steps", "mean_werner", "secret_key_rate_bits_per_step",
        "secret_key_rate_six_state_bits_per_step", "coverage", "mean_fidelity")


def _general(inputs: dict[str, Any]) -> RepeaterChain:
    cutoff = inputs.get("cutoff_steps")
    n = 2 ** inputs["levels"]
    return RepeaterChain(
        segments=(ChainSegment(p_gen=inputs["p_gen"],
                               werner_w0=inputs.get("werner_w0", 1.0)),) * n,
        p_swap=inputs["p_swap"], coherence_time_steps=inputs.get("coherence_time_steps"),
        swap_order=balanced_tree(n),
        cutoff_steps=tuple(cutoff) if isinstance(cutoff, list) else cutoff)


CASES = [c for g in ("W", "F", "K") for c in reference_cases("repeaters", group=g)
         if "levels" in c.values[0]["inputs"]
         and any(k in c.values[0]["expected"] for k in KEYS)
         and "optimal_cutoff_steps" not in c.values[0]["expected"]]   # optimiser cases below


@pytest.mark.parametrize("case", [c for c in reference_cases("repeaters", group="K")
                                  if "optimal_cutoff_steps" in c.values[0]["expected"]])
def test_reference_optimum_through_general_optimiser(case: dict[str, Any]) -> None:
    from qinternet.repeaters import optimize_chain_cutoffs

    inputs = dict(case["inputs"])
    inputs.pop("cutoff_steps", None)
    opt = optimize_chain_cutoffs(_general(inputs))
    assert_matches(case, "secret_key_rate_bits_per_step", opt.secret_key_rate_bits_per_step)
    expected = case["expected"]["optimal_cutoff_steps"]
    assert list(opt.cutoffs) == (expected if isinstance(expected, list)
                                 else [expected] * len(opt.cutoffs))


@pytest.mark.parametrize("case", CASES)
def test_reference_case_through_general_algorithm(case: dict[str, Any]) -> None:
    inputs = case["inputs"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", QinternetWarning)
        result = analyze_repeater_chain(_general(inputs),
                                        truncation_steps=inputs.get("truncation_steps"))
    checked = 0
    for key in KEYS:
        if key in case["expected"]:
            assert_matches(case, key, getattr(result, key))
            checked += 1
    assert checked > 0
