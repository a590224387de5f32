"""The typed options of ``qinternet repeater`` and the helpers shared by its two chain paths."""

from __future__ import annotations

import dataclasses
import inspect

import pytest

from qinternet.cli._repeater_general import at_most_one, link_time_steps, step_seconds
from qinternet.cli._repeater_options import RepeaterOptions, command_signature
from qinternet.errors import InvalidParameterError


def test_signature_is_generated_from_the_fields_in_order() -> None:
    params = list(command_signature().parameters.values())
    assert [p.name for p in params] == [f.name for f in dataclasses.fields(RepeaterOptions)]
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in params)
    assert params[0].name == "p_swap" and params[0].default is inspect.Parameter.empty
    assert {p.name: p.default for p in params}["werner"] == "1.0"


def test_options_are_frozen() -> None:
    opts = RepeaterOptions(p_swap=0.5)
    with pytest.raises(dataclasses.FrozenInstanceError):
        opts.p_swap = 0.6  # type: ignore[misc]


@pytest.mark.parametrize(("values", "heterogeneous"), [
    ({"levels": 2, "p_gen": "0.1"}, False),
    ({"p_gen": "0.1,0.2"}, True),
    ({"segment_length_km": "20,30"}, True),
    ({"levels": 1, "p_gen": "0.1", "werner": "0.9,0.8"}, True),
    ({"levels": 1, "p_gen": "0.1", "swap_order": "sequential"}, True),
    ({"levels": 1, "p_gen": "0.1", "dephasing_time_s": 1.0}, True),
])
def test_heterogeneous_path_selection(values: dict[str, object], heterogeneous: bool) -> None:
    assert RepeaterOptions(p_swap=0.5, **values).heterogeneous is heterogeneous  # type: ignore[arg-type]


def test_key_protocol() -> None:
    assert RepeaterOptions(p_swap=0.5).key_protocol == "bb84"
    assert RepeaterOptions(p_swap=0.5, six_state=True).key_protocol == "six-state"


def test_step_seconds_prefers_clock_then_attempt_time_then_longest_segment() -> None:
    assert step_seconds(RepeaterOptions(p_swap=0.5, clock_rate_hz=1e3), [10.0]) == 1e-3
    assert step_seconds(RepeaterOptions(p_swap=0.5, attempt_time_s=2e-3), [10.0]) == 2e-3
    assert step_seconds(RepeaterOptions(p_swap=0.5), []) is None
    one, two = (step_seconds(RepeaterOptions(p_swap=0.5), [km]) for km in (10.0, 30.0))
    assert one is not None and two is not None
    assert step_seconds(RepeaterOptions(p_swap=0.5), [10.0, 30.0, 20.0]) == two
    assert two == pytest.approx(3 * one)


def test_link_time_steps_from_steps_link_or_qubit_seconds() -> None:
    none = ("--coherence-time", None)
    assert link_time_steps(None, ("--coherence-time", 30.0), ("--coherence-time-s", None),
                           ("--memory-coherence-time-s", None)) == 30.0
    assert link_time_steps(1e-3, none, ("--coherence-time-s", 0.03),
                           ("--memory-coherence-time-s", None)) == pytest.approx(30.0)
    # both qubits decay: the link time is half the per-qubit time
    assert link_time_steps(1e-3, none, ("--coherence-time-s", None),
                           ("--memory-coherence-time-s", 0.06)) == pytest.approx(30.0)
    assert link_time_steps(None, none, ("--coherence-time-s", None),
                           ("--memory-coherence-time-s", None)) is None


def test_link_time_steps_errors_name_the_option() -> None:
    with pytest.raises(InvalidParameterError, match="--memory-coherence-time-s needs"):
        link_time_steps(None, ("--coherence-time", None), ("--coherence-time-s", None),
                        ("--memory-coherence-time-s", 0.5))
    with pytest.raises(InvalidParameterError) as err:
        link_time_steps(1e-3, ("--dephasing-time", 3.0), ("--dephasing-time-s", 1.0),
                        ("--memory-dephasing-time-s", None))
    assert str(err.value) == ("--dephasing-time/--dephasing-time-s give at most one of these, "
                              "got '3/1'")


def test_at_most_one_ignores_absent_options() -> None:
    at_most_one((("--a", None), ("--b", 2.0), ("--c", None)))
    with pytest.raises(InvalidParameterError, match="--a/--c"):
        at_most_one((("--a", 1.0), ("--b", None), ("--c", 2.5)))
