"""Bad input raises InvalidParameterError naming the parameter."""

from __future__ import annotations

from typing import Any

import pytest

from qinternet.errors import InvalidParameterError
from qinternet.repeaters import (
    NestedChain,
    analyze_chain,
    attempt_time_s,
    bb84_key_fraction,
    coherence_time_steps,
    elementary_link_probability,
    key_fraction,
    optimize_cutoffs,
    secret_key_rate,
)
from qinternet.repeaters import closed_forms as cf

GOOD: dict[str, Any] = {"levels": 2, "p_gen": 0.1, "p_swap": 0.5}


@pytest.mark.parametrize(
    ("override", "name"),
    [
        ({"levels": -1}, "levels"),
        ({"levels": 2.5}, "levels"),
        ({"levels": 21}, "levels"),
        ({"p_gen": 0.0}, "p_gen"),
        ({"p_gen": 1.2}, "p_gen"),
        ({"p_gen": float("nan")}, "p_gen"),
        ({"p_swap": 0.0}, "p_swap"),
        ({"p_swap": -0.1}, "p_swap"),
        ({"werner_w0": 1.01}, "werner_w0"),
        ({"coherence_time_steps": 0.0}, "coherence_time_steps"),
        ({"coherence_time_steps": -5.0}, "coherence_time_steps"),
        ({"cutoff_steps": -1}, "cutoff_steps"),
        ({"cutoff_steps": 2.5}, "cutoff_steps"),
        ({"cutoff_steps": (1, 2, 3)}, "cutoff_steps"),
        ({"cutoff_steps": "5"}, "cutoff_steps"),
        ({"distillation_rounds": (1,)}, "distillation_rounds"),
        ({"distillation_rounds": (1, -1, 0)}, "distillation_rounds"),
    ],
)
def test_chain_rejects(override: dict[str, Any], name: str) -> None:
    with pytest.raises(InvalidParameterError) as err:
        NestedChain(**{**GOOD, **override})
    assert err.value.name == name


def test_analyze_rejects() -> None:
    chain = NestedChain(**GOOD)
    with pytest.raises(InvalidParameterError, match="truncation_steps"):
        analyze_chain(chain, truncation_steps=1)
    with pytest.raises(InvalidParameterError, match="key_protocol"):
        analyze_chain(chain, key_protocol="e91")  # type: ignore[arg-type]
    with pytest.raises(InvalidParameterError, match="target_coverage"):
        analyze_chain(chain, target_coverage=1.5)
    with pytest.raises(InvalidParameterError, match="levels"):
        optimize_cutoffs(NestedChain(levels=0, p_gen=0.5, p_swap=1.0))


def test_keyrate_and_physical_reject() -> None:
    with pytest.raises(InvalidParameterError, match="werner"):
        bb84_key_fraction(1.5)
    with pytest.raises(InvalidParameterError, match="protocol"):
        key_fraction(0.9, "b92")  # type: ignore[arg-type]
    with pytest.raises(InvalidParameterError, match="entropy_base"):
        bb84_key_fraction(0.9, entropy_base="10")  # type: ignore[arg-type]
    with pytest.raises(InvalidParameterError, match="mean_waiting_time_steps"):
        secret_key_rate(0.9, 0.0)
    with pytest.raises(InvalidParameterError, match="segment_length_km"):
        elementary_link_probability(-1.0)
    with pytest.raises(InvalidParameterError, match="detector_efficiency"):
        elementary_link_probability(10.0, detector_efficiency=0.0)
    with pytest.raises(InvalidParameterError, match="heralding"):
        attempt_time_s(10.0, "satellite")  # type: ignore[arg-type]
    with pytest.raises(InvalidParameterError, match="attempt_time_s"):
        coherence_time_steps(1.0, 0.0)
    with pytest.raises(InvalidParameterError, match="p_swap"):
        cf.mean_waiting_time_two_segments(0.5, 0.0)
    with pytest.raises(InvalidParameterError, match="cutoff_steps"):
        cf.level1_pass_probability(0.5, -2)
