"""``computation = "repeater"``: waiting time, Werner parameter and key rate of a nested chain.

Parameters are options of ``qinternet repeater`` (dashes as underscores): ``levels``,
``p_swap``, exactly one of ``p_gen`` and ``segment_length_km`` (physical mode, with
``attenuation_db_per_km``, ``source_efficiency``, ``detector_efficiency``, ``heralding``),
``cutoff`` (one cut-off in steps for every level), ``coherence_time`` (steps) or
``coherence_time_s``, ``werner``, ``truncation_steps``, ``six_state``, ``optimize_cutoff``,
``per_level``, ``clock_rate_hz`` / ``attempt_time_s``, ``cutoffs`` (per protocol step, e.g.
``[16, 31, "none"]``), ``distillation_rounds``, ``memory_coherence_time_s`` and
``source_clock_rate_hz``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from qinternet.errors import InvalidParameterError
from qinternet.sweeps._computation import (
    Output,
    Parameter,
    boolean,
    choice,
    computation,
    integer,
    number,
)

__all__ = ["COMPUTATION"]

def _cutoffs(where: str, value: Any) -> tuple[int | None, ...]:
    rule = "must be a list of cut-offs in steps (integers >= 0) or \"none\", e.g. [16, 31]"
    if not isinstance(value, list | tuple) or not value:
        raise InvalidParameterError(where, value, rule)
    out: list[int | None] = []
    for item in value:
        if isinstance(item, str) and item.lower() == "none":
            out.append(None)
        elif isinstance(item, int) and not isinstance(item, bool) and item >= 0:
            out.append(item)
        else:
            raise InvalidParameterError(where, value, rule)
    return tuple(out)


def _rounds(where: str, value: Any) -> tuple[int, ...]:
    if not isinstance(value, list | tuple) or not value or any(
            isinstance(v, bool) or not isinstance(v, int) or v < 0 for v in value):
        raise InvalidParameterError(where, value, "must be a list of integers >= 0")
    return tuple(value)


_PARAMETERS: tuple[Parameter, ...] = (
    integer("levels", "nesting levels n (2^n segments)", minimum=0, maximum=20),
    number("p_swap", "entanglement-swap success probability in (0, 1]", minimum=0.0,
           maximum=1.0, strict_minimum=True),
    number("p_gen", "elementary-link success probability per attempt in (0, 1]", minimum=0.0,
           maximum=1.0, strict_minimum=True),
    number("segment_length_km", "physical mode: segment length in km", minimum=0.0,
           strict_minimum=True),
    number("attenuation_db_per_km", "fibre attenuation in dB/km (physical mode)", minimum=0.0),
    number("source_efficiency", "memory-to-fibre emission efficiency in (0, 1]", minimum=0.0,
           maximum=1.0, strict_minimum=True),
    number("detector_efficiency", "heralding detector efficiency in (0, 1]", minimum=0.0,
           maximum=1.0, strict_minimum=True),
    choice("heralding", "attempt time from fibre: node (2 L0/c) or midpoint (L0/c)",
           ("node", "midpoint")),
    integer("cutoff", "memory cut-off in steps at every level", minimum=0),
    Parameter(name="cutoffs", kind="json", coerce=_cutoffs,
              help="per-step cut-offs in steps, bottom level first, \"none\" for none"),
    Parameter(name="distillation_rounds", kind="json", coerce=_rounds,
              help="BBPSSW rounds before swap level 1..n and after the last swap"),
    number("coherence_time", "link coherence time in steps", minimum=0.0, strict_minimum=True),
    number("coherence_time_s", "link coherence time in s", minimum=0.0, strict_minimum=True),
    number("memory_coherence_time_s", "per-qubit memory coherence time in s (link: half)",
           minimum=0.0, strict_minimum=True),
    number("werner", "Werner parameter w0 of a fresh link in [0, 1]", minimum=0.0, maximum=1.0),
    integer("truncation_steps", "truncation window in steps (default automatic)", minimum=2),
    boolean("six_state", "report the six-state key rate as secret_key_rate_*"),
    boolean("optimize_cutoff", "find the cut-off maximising the key rate"),
    boolean("per_level", "with optimize_cutoff: one cut-off per level"),
    number("clock_rate_hz", "attempts per second (sets the time step)", minimum=0.0,
           strict_minimum=True),
    number("attempt_time_s", "duration of one attempt in s", minimum=0.0, strict_minimum=True),
    number("source_clock_rate_hz", "physical mode: pulse rate of a source through the whole "
           "fibre, Hz", minimum=0.0, strict_minimum=True),
)

_OUTPUTS = (
    Output(name="elementary_link_probability", kind="float",
           help="p_gen used (derived from the fibre in physical mode)"),
    Output(name="window_steps", kind="int", help="truncation window used, steps"),
    Output(name="coverage", kind="float", help="probability mass inside the window"),
    Output(name="mean_waiting_time_steps", kind="float", help="mean waiting time, steps"),
    Output(name="mean_werner", kind="float", help="mean Werner parameter of delivered links"),
    Output(name="mean_fidelity", kind="float", help="mean fidelity of delivered links"),
    Output(name="secret_key_rate_bits_per_step", kind="float",
           help="secret-key rate (BB84, or six-state with six_state), bits per step"),
    Output(name="secret_key_rate_bb84_bits_per_step", kind="float",
           help="BB84 secret-key rate, bits per step"),
    Output(name="secret_key_rate_six_state_bits_per_step", kind="float",
           help="six-state secret-key rate, bits per step"),
    Output(name="attempt_time_s", kind="float", help="duration of one step, s (physical mode)"),
    Output(name="mean_waiting_time_s", kind="float", help="mean waiting time, s"),
    Output(name="secret_key_rate_bits_per_s", kind="float", help="secret-key rate, bits per s"),
    Output(name="plob_bits_per_use", kind="float",
           help="PLOB bound of the whole fibre, bits per channel use (physical mode)"),
    Output(name="plob_bits_per_s_at_source_clock", kind="float",
           help="PLOB bound times source_clock_rate_hz, bits per s"),
    Output(name="optimal_cutoff_steps", kind="json",
           help="optimised cut-offs, steps (with optimize_cutoff)"),
)


def _chain(point: Mapping[str, Any]) -> tuple[Any, float | None]:
    from qinternet.repeaters.chain import NestedChain
    from qinternet.repeaters.physical import (
        attempt_time_s,
        coherence_time_steps,
        elementary_link_probability,
        link_coherence_time_s,
    )

    for key in ("levels", "p_swap"):
        if key not in point:
            raise InvalidParameterError(key, None, "is required")
    if ("p_gen" in point) == ("segment_length_km" in point):
        raise InvalidParameterError("p_gen/segment_length_km",
                                    "both" if "p_gen" in point else "neither",
                                    "exactly one of the two must be given")
    for a, b in (("clock_rate_hz", "attempt_time_s"), ("cutoff", "cutoffs")):
        if a in point and b in point:
            raise InvalidParameterError(f"{a}/{b}", "both", "give at most one of the two")
    times = [k for k in ("coherence_time", "coherence_time_s", "memory_coherence_time_s")
             if k in point]
    if len(times) > 1:
        raise InvalidParameterError("/".join(times), "all", "give at most one of these")
    if point.get("per_level") and not point.get("optimize_cutoff"):
        raise InvalidParameterError("per_level", True, "needs optimize_cutoff = true")
    for key in ("cutoff", "cutoffs"):
        if point.get("optimize_cutoff") and key in point:
            raise InvalidParameterError(key, point[key], "cannot be combined with optimize_cutoff")
    if point.get("optimize_cutoff") and point["levels"] == 0:
        raise InvalidParameterError("levels", 0, "must be >= 1 with optimize_cutoff")
    length = point.get("segment_length_km")
    if length is None:
        for key in ("attenuation_db_per_km", "source_efficiency", "detector_efficiency",
                    "heralding", "source_clock_rate_hz"):
            if key in point:
                raise InvalidParameterError(key, point[key], "needs segment_length_km")
        p_gen = point["p_gen"]
    else:
        p_gen = elementary_link_probability(
            length, point.get("attenuation_db_per_km", 0.2),
            source_efficiency=point.get("source_efficiency", 1.0),
            detector_efficiency=point.get("detector_efficiency", 1.0))
    step_s: float | None = None
    if "clock_rate_hz" in point:
        step_s = 1.0 / point["clock_rate_hz"]
    elif "attempt_time_s" in point:
        step_s = point["attempt_time_s"]
    elif length is not None:
        step_s = attempt_time_s(length, point.get("heralding", "node"))
    coherence = point.get("coherence_time")
    link_s = point.get("coherence_time_s")
    if "memory_coherence_time_s" in point:
        link_s = link_coherence_time_s(point["memory_coherence_time_s"])
    if link_s is not None:
        if step_s is None:
            name = times[0]
            raise InvalidParameterError(name, point[name], "needs clock_rate_hz, attempt_time_s "
                                        "or segment_length_km")
        coherence = coherence_time_steps(link_s, step_s)
    rounds = tuple(point.get("distillation_rounds", ()))
    if rounds and len(rounds) != point["levels"] + 1:
        raise InvalidParameterError("distillation_rounds", list(rounds),
                                    f"must have levels + 1 = {point['levels'] + 1} entries")
    cutoffs = point.get("cutoffs")
    steps = point["levels"] + sum(rounds)
    if cutoffs is not None and len(cutoffs) != steps:
        raise InvalidParameterError("cutoffs", list(cutoffs), f"must have one value per "
                                    f"protocol step ({steps}: one per swap level, plus one "
                                    "per distillation round)")
    chain = NestedChain(levels=point["levels"], p_gen=p_gen, p_swap=point["p_swap"],
                        werner_w0=point.get("werner", 1.0), coherence_time_steps=coherence,
                        cutoff_steps=point.get("cutoff", cutoffs), distillation_rounds=rounds)
    return chain, step_s


def _check(point: Mapping[str, Any]) -> None:
    _chain(point)


def _evaluate(point: Mapping[str, Any], seed: int) -> dict[str, Any]:
    from qinternet.repeaters.chain import check_automatic_window
    from qinternet.repeaters.keyrate import KeyProtocol
    from qinternet.repeaters.optimize import analyze_or_optimize
    from qinternet.repeaters.physical import physical_result

    chain, step_s = _chain(point)
    protocol: KeyProtocol = "six-state" if point.get("six_state") else "bb84"
    window = point.get("truncation_steps")
    optimize = bool(point.get("optimize_cutoff"))
    if optimize:
        check_automatic_window(replace(chain, cutoff_steps=None))
    elif window is None:
        check_automatic_window(chain)
    result, optimum = analyze_or_optimize(chain, optimize_cutoff=optimize,
                                          per_level=point.get("per_level", False),
                                          truncation_steps=window, key_protocol=protocol)
    optimal = None if optimum is None else list(optimum.cutoff_steps)
    out: dict[str, Any] = {
        "elementary_link_probability": float(chain.p_gen),
        "window_steps": int(result.truncation_steps),
        "coverage": float(result.coverage),
        "mean_waiting_time_steps": float(result.mean_waiting_time_steps),
        "mean_werner": float(result.mean_werner),
        "mean_fidelity": float(result.mean_fidelity),
        "secret_key_rate_bits_per_step": float(result.secret_key_rate_bits_per_step),
        "secret_key_rate_bb84_bits_per_step": float(result.secret_key_rate_bb84_bits_per_step),
        "secret_key_rate_six_state_bits_per_step":
            float(result.secret_key_rate_six_state_bits_per_step),
        "attempt_time_s": None, "mean_waiting_time_s": None, "secret_key_rate_bits_per_s": None,
        "plob_bits_per_use": None, "plob_bits_per_s_at_source_clock": None,
        "optimal_cutoff_steps": optimal,
    }
    if step_s is not None:
        length = point.get("segment_length_km")
        physical = physical_result(
            result, attempt_time_s=step_s, segment_length_km=length,
            attenuation_db_per_km=point.get("attenuation_db_per_km", 0.2) if length else None,
            source_clock_rate_hz=point.get("source_clock_rate_hz"))
        out.update(attempt_time_s=float(step_s),
                   mean_waiting_time_s=float(physical.mean_waiting_time_s),
                   secret_key_rate_bits_per_s=float(physical.secret_key_rate_bits_per_s),
                   plob_bits_per_use=None if physical.plob_bits_per_use is None
                   else float(physical.plob_bits_per_use),
                   plob_bits_per_s_at_source_clock=None
                   if physical.plob_bits_per_s_at_source_clock is None
                   else float(physical.plob_bits_per_s_at_source_clock))
    return out


#: The ``repeater`` computation.
COMPUTATION = computation(
    "repeater", "nested repeater chain with memory cut-offs (qinternet repeater)",
    parameters=_PARAMETERS, outputs=_OUTPUTS, check=_check, evaluate=_evaluate)
