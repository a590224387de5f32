"""``qinternet repeater`` for heterogeneous chains: per-segment lists, swap order, new cut-offs.

Used when ``--p-gen``, ``--werner`` or ``--segment-length-km`` hold several comma-separated
values, or when ``--swap-order``, ``--werner-cutoff``, ``--run-time-cutoff`` or
``--dephasing-time`` is given. The JSON keys of the nested chain are kept (``p_gen``,
``werner_w0`` and ``segment_length_km`` become per-segment lists) and the new quantities are
added. No physics here: parsing and library calls only.
"""

from __future__ import annotations

import math
import typing
import warnings
from collections.abc import Sequence
from typing import Any

from qinternet.cli._common import as_option
from qinternet.cli._repeater_options import RepeaterOptions
from qinternet.errors import InvalidParameterError
from qinternet.repeaters.general_analysis import analyze_repeater_chain
from qinternet.repeaters.general_chain import ChainSegment, RepeaterChain
from qinternet.repeaters.general_optimize import CutoffKind, optimize_chain_cutoffs
from qinternet.repeaters.physical import (
    attempt_time_s,
    coherence_time_steps,
    elementary_link_probability,
    link_coherence_time_s,
)
from qinternet.repeaters.physical_general import (
    physical_chain_dict,
    segment_lengths_from_positions,
)

__all__ = ["at_most_one", "finish", "link_time_steps", "parse_float_list", "run_general",
           "step_seconds"]

_NAMES = {
    "p_gen": "--p-gen", "p_swap": "--p-swap", "werner_w0": "--werner",
    "coherence_time_steps": "--coherence-time", "dephasing_time_steps": "--dephasing-time",
    "swap_order": "--swap-order", "cutoff_steps": "--cutoffs",
    "werner_cutoff": "--werner-cutoff", "run_time_cutoff_steps": "--run-time-cutoff",
    "truncation_steps": "--truncation-steps",
    "segment_length_km": "--segment-length-km", "attenuation_db_per_km": "--attenuation-db-per-km",
    "source_efficiency": "--source-efficiency", "detector_efficiency": "--detector-efficiency",
    "coherence_time_s": "--coherence-time-s", "memory_coherence_time_s":
    "--memory-coherence-time-s", "attempt_time_s": "--attempt-time-s",
    "bell_diagonal": "--bell-diagonal",
}


def _bell_states(text: str | None, n: int) -> list[tuple[float, ...] | None]:
    if text is None:
        return [None] * n
    groups = [parse_float_list("--bell-diagonal", g) for g in text.split(";")]
    if any(len(g) != 4 for g in groups):
        raise InvalidParameterError("--bell-diagonal", text,
                                    "must be four coefficients l_I,l_X,l_Y,l_Z per segment "
                                    "(segments separated by ';')")
    if len(groups) == 1:
        groups = groups * n
    if len(groups) != n:
        raise InvalidParameterError("--bell-diagonal", text,
                                    f"must give one state or one per segment ({n})")
    return [tuple(g) for g in groups]


def at_most_one(given: Sequence[tuple[str, float | None]]) -> None:
    """Refuse more than one of alternative options (``(option, value)``, None when absent)."""
    present = [(n, v) for n, v in given if v is not None]
    if len(present) > 1:
        raise InvalidParameterError("/".join(n for n, _ in present),
                                    "/".join(f"{v:g}" for _, v in present),
                                    "give at most one of these")


def link_time_steps(step_s: float | None, steps: tuple[str, float | None],
                    link_s: tuple[str, float | None],
                    qubit_s: tuple[str, float | None]) -> float | None:
    """A link time in steps from steps, link seconds or per-qubit seconds (at most one of the
    three ``(option, value)`` pairs given); seconds need the step duration ``step_s``."""
    at_most_one((steps, link_s, qubit_s))
    if steps[1] is not None:
        return float(steps[1])
    option, seconds = link_s
    if qubit_s[1] is not None:
        option = qubit_s[0]
        with as_option({"memory_coherence_time_s": option}):
            seconds = link_coherence_time_s(qubit_s[1])
    if seconds is None:
        return None
    if step_s is None:
        raise InvalidParameterError(option, link_s[1] if qubit_s[1] is None else qubit_s[1],
                                    "needs --clock-rate-hz, --attempt-time-s or "
                                    "--segment-length-km")
    with as_option({"coherence_time_s": option}):
        return coherence_time_steps(seconds, step_s)


def step_seconds(opts: RepeaterOptions, lengths: Sequence[float]) -> float | None:
    """Duration of one step in s: from ``--clock-rate-hz``, ``--attempt-time-s`` or else the
    slowest (longest) segment's attempt time; None without any of them."""
    if opts.clock_rate_hz is not None:
        return 1.0 / opts.clock_rate_hz
    if opts.attempt_time_s is not None:
        return float(opts.attempt_time_s)
    if lengths:
        heralding: Any = opts.heralding  # the library checks 'node' / 'midpoint'
        return max(attempt_time_s(length, heralding) for length in lengths)
    return None


def finish(data: dict[str, Any], opts: RepeaterOptions, optimum: Any,
           caught: Sequence[warnings.WarningMessage]) -> None:
    """Add the keys every ``repeater`` document ends with (window, optimum, warnings, plot)."""
    data["truncation"] = "automatic" if opts.truncation_steps is None else "fixed"
    if optimum is not None:
        data.update(optimum.to_dict())
    data["warnings"] = [" ".join(str(w.message).split()) for w in caught]
    data["plot"] = None


def parse_float_list(option: str, text: str) -> list[float]:
    """Comma-separated floats (``0.1,0.2``); errors name the option and echo the text."""
    values: list[float] = []
    for part in text.split(","):
        try:
            value = float(part.strip())
        except ValueError:
            raise InvalidParameterError(option, text, "must be a number or comma-separated "
                                        "numbers") from None
        if not math.isfinite(value):
            raise InvalidParameterError(option, text, "must be finite numbers")
        values.append(value)
    return values


def _level_values(option: str, text: str | None, kind: str) -> tuple[Any, ...] | Any | None:
    if text is None:
        return None
    out: list[Any] = []
    for part in (p.strip() for p in text.split(",")):
        if part.lower() in ("none", "inf", "-"):
            out.append(None)
            continue
        try:
            v = float(part)
        except ValueError:
            raise InvalidParameterError(option, text, "must be comma-separated numbers (or "
                                        "'none')") from None
        if kind == "int":
            if not v.is_integer() or v < 0:
                raise InvalidParameterError(option, text, "must be integers >= 0 (or 'none')")
            out.append(int(v))
        else:
            out.append(v)
    return out[0] if len(out) == 1 else tuple(out)


def _broadcast(lists: dict[str, list[float]], segments: int | None) -> int:
    lengths = {len(v) for v in lists.values() if len(v) > 1}
    if len(lengths) > 1:
        given = "/".join(f"{k} ({len(v)} values)" for k, v in lists.items() if len(v) > 1)
        raise InvalidParameterError(given.split(" ")[0], given,
                                    "must have the same number of values (one per segment)")
    n = lengths.pop() if lengths else None
    if segments is not None:
        if n is not None and n != segments:
            raise InvalidParameterError("--levels", int(math.log2(segments)),
                                        f"gives {segments} segments but {n} per-segment "
                                        "values were given (omit --levels with lists)")
        return segments
    if n is None:
        raise InvalidParameterError("--levels", "missing",
                                    "is required when --p-gen has a single value")
    return n


def run_general(opts: RepeaterOptions) -> dict[str, Any]:
    """Analyse (or optimise) the heterogeneous chain described by the CLI options."""
    if opts.distillation_rounds is not None:
        raise InvalidParameterError("--distillation-rounds", opts.distillation_rounds,
                                    "is available only for equal segments with --levels")
    if opts.plot is not None:
        raise InvalidParameterError("--plot", opts.plot,
                                    "is available only for the nested (equal-segment) chain")
    if opts.cutoff_kind not in ("memory", "fidelity", "run-time"):
        raise InvalidParameterError("--cutoff-kind", opts.cutoff_kind,
                                    "must be 'memory', 'fidelity' or 'run-time'")
    levels = opts.levels
    p_list = [] if opts.p_gen is None else parse_float_list("--p-gen", opts.p_gen)
    l_list = ([] if opts.segment_length_km is None
              else parse_float_list("--segment-length-km", opts.segment_length_km))
    if opts.node_positions_km is not None:
        if l_list or p_list:
            raise InvalidParameterError("--node-positions-km", opts.node_positions_km,
                                        "cannot be combined with --p-gen or "
                                        "--segment-length-km")
        with as_option({"node_positions_km": "--node-positions-km"}):
            l_list = list(segment_lengths_from_positions(
                parse_float_list("--node-positions-km", opts.node_positions_km)))
    if bool(p_list) == bool(l_list):
        raise InvalidParameterError("--p-gen/--segment-length-km/--node-positions-km",
                                    "both" if p_list else "neither",
                                    "exactly one must be given")
    w_list = parse_float_list("--werner", opts.werner)
    n = _broadcast({"--p-gen": p_list, "--segment-length-km": l_list, "--werner": w_list},
                   None if levels is None else 2**levels)
    if l_list:
        with as_option(_NAMES):
            p_list = [elementary_link_probability(
                length, opts.attenuation_db_per_km,
                source_efficiency=opts.source_efficiency,
                detector_efficiency=opts.detector_efficiency) for length in l_list]
    p_all = p_list * n if len(p_list) == 1 else p_list
    w_all = w_list * n if len(w_list) == 1 else w_list
    lengths = l_list * n if len(l_list) == 1 else l_list
    with as_option(_NAMES):   # one common clock: the slowest (longest) segment's attempt
        step_s = step_seconds(opts, lengths)
    coherence = link_time_steps(step_s, ("--coherence-time", opts.coherence_time),
                                ("--coherence-time-s", opts.coherence_time_s),
                                ("--memory-coherence-time-s", opts.memory_coherence_time_s))
    dephasing = link_time_steps(step_s, ("--dephasing-time", opts.dephasing_time),
                                ("--dephasing-time-s", opts.dephasing_time_s),
                                ("--memory-dephasing-time-s", opts.memory_dephasing_time_s))
    bells = _bell_states(opts.bell_diagonal, n)
    cut: Any = opts.cutoff
    if opts.cutoffs is not None:
        cut = _level_values("--cutoffs", opts.cutoffs, "int")
    with as_option(_NAMES):
        segments = tuple(ChainSegment(p_gen=p, werner_w0=w, bell_diagonal=b)  # type: ignore[arg-type]
                         for p, w, b in zip(p_all, w_all, bells, strict=True))
        chain = RepeaterChain(
            segments=segments, p_swap=opts.p_swap, coherence_time_steps=coherence,
            dephasing_time_steps=dephasing,
            swap_order=typing.cast(Any, opts.swap_order or "balanced"),  # parsed there
            cutoff_steps=cut,
            werner_cutoff=_level_values("--werner-cutoff", opts.werner_cutoff, "float"),
            run_time_cutoff_steps=_level_values("--run-time-cutoff", opts.run_time_cutoff,
                                                "int"),
        )
    try:
        return _compute(chain, opts, step_s, lengths)
    except InvalidParameterError as err:
        if err.name == "max_truncation_steps" and opts.truncation_steps is None:
            given = [n for n, v in (("--p-gen", opts.p_gen),
                                    ("--segment-length-km", opts.segment_length_km),
                                    ("--node-positions-km", opts.node_positions_km))
                     if v is not None]
            raise InvalidParameterError("/".join([*given, "--p-swap"]), "given",
                                        f"cannot be analysed: the automatic window {err.rule}; "
                                        "choose larger p_gen / p_swap, fewer segments or "
                                        "cut-offs") from None
        raise


def _compute(chain: RepeaterChain, opts: RepeaterOptions, step_s: float | None,
             lengths: list[float]) -> dict[str, Any]:
    with warnings.catch_warnings(record=True) as caught, as_option(_NAMES):
        warnings.simplefilter("always")
        optimum = None
        if opts.optimize_cutoff:
            kind = typing.cast(CutoffKind, opts.cutoff_kind)
            optimum = optimize_chain_cutoffs(chain, kind=kind, per_level=opts.per_level,
                                             key_protocol=opts.key_protocol)
            result = optimum.result
        else:
            result = analyze_repeater_chain(chain, truncation_steps=opts.truncation_steps,
                                            key_protocol=opts.key_protocol)
    if step_s is not None:
        data = physical_chain_dict(
            result, attempt_time_s=step_s, segment_lengths_km=lengths or None,
            attenuation_db_per_km=opts.attenuation_db_per_km if lengths else None)
    else:
        data = result.to_dict()
    finish(data, opts, optimum, caught)
    return data
