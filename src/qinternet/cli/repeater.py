"""``qinternet repeater``: waiting time, Werner parameter and key rate of a nested chain."""

from __future__ import annotations

import math
import typing
import warnings
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from qinternet.cli._common import (
    as_option,
    check_output_path,
    emit_json,
    make_console,
    option_names,
    parse_integer,
    progress_bar,
    show_progress,
)
from qinternet.cli._repeater_general import (
    at_most_one,
    finish,
    link_time_steps,
    parse_float_list,
    run_general,
    step_seconds,
)
from qinternet.cli._repeater_options import RepeaterOptions, command_signature
from qinternet.errors import InvalidParameterError
from qinternet.repeaters._budget import format_seconds, plan_window, require_window_fits
from qinternet.repeaters.chain import (
    DEFAULT_MIN_COVERAGE,
    DEFAULT_TARGET_COVERAGE,
    REFUSE_FACTOR,
    NestedChain,
    automatic_window_cap,
    check_automatic_window,
)
from qinternet.repeaters.optimize import analyze_or_optimize
from qinternet.repeaters.physical import elementary_link_probability, physical_result

__all__ = ["register"]

_OPTION_NAMES = option_names(
    "levels", "distillation_rounds", "p_gen", "p_swap", "truncation_steps", "segment_length_km",
    "attenuation_db_per_km", "source_efficiency", "detector_efficiency", "coherence_time_s",
    "memory_coherence_time_s", "attempt_time_s", "source_clock_rate_hz",
    werner_w0="--werner", coherence_time_steps="--coherence-time",
    max_truncation_steps="--truncation-steps", total_length_km="--segment-length-km",
    transmissivity="--attenuation-db-per-km")

_UNITS = {
    "p_gen": "probability per attempt",
    "p_swap": "probability",
    "werner_w0": "dimensionless",
    "coherence_time_steps": "steps",
    "truncation_steps": "steps",
    "coverage": "probability mass in window",
    "mean_waiting_time_steps": "steps",
    "mean_waiting_time_lower_bound_steps": "steps",
    "mean_werner": "dimensionless",
    "mean_fidelity": "dimensionless",
    "secret_key_rate_bits_per_step": "bits per step",
    "secret_key_rate_bb84_bits_per_step": "bits per step",
    "secret_key_rate_six_state_bits_per_step": "bits per step",
    "bb84_key_fraction": "bits per delivered link",
    "six_state_key_fraction": "bits per delivered link",
    "attempt_time_s": "s",
    "clock_rate_hz": "Hz",
    "coherence_time_s": "s",
    "mean_waiting_time_s": "s",
    "secret_key_rate_bits_per_s": "bits per s",
    "secret_key_rate_bb84_bits_per_s": "bits per s",
    "secret_key_rate_six_state_bits_per_s": "bits per s",
    "segment_length_km": "km",
    "source_efficiency": "probability",
    "detector_efficiency": "probability",
    "heralding": "attempt time from fibre",
    "total_length_km": "km",
    "attenuation_db_per_km": "dB/km",
    "plob_bits_per_use": "bits per channel use",
    "plob_bits_per_s": "bits per s at the chain clock",
    "source_clock_rate_hz": "Hz",
    "plob_bits_per_s_at_source_clock": "bits per s at the source clock",
    "repeater_capacity_bits_per_use": "bits per chain use",
    "repeater_capacity_bits_per_s": "bits per s at the chain clock",
    "optimized_secret_key_rate_bits_per_step": "bits per step",
    "no_cutoff_secret_key_rate_bits_per_step": "bits per step",
}


def _parse_rounds(text: str, levels: int) -> tuple[int, ...]:
    try:
        values = tuple(parse_integer("--distillation-rounds", p, minimum=0)
                       for p in text.split(","))
    except InvalidParameterError:
        raise InvalidParameterError("--distillation-rounds", text,
                                    "must be comma-separated integers >= 0") from None
    if len(values) != levels + 1:
        raise InvalidParameterError(
            "--distillation-rounds", text,
            f"must have levels + 1 = {levels + 1} comma-separated integers >= 0",
        )
    return values


def _parse_cutoffs(text: str, levels: int) -> tuple[int | None, ...]:
    values: list[int | None] = []
    for part in (p.strip() for p in text.split(",")):
        if part.lower() in ("none", "inf", "-"):
            values.append(None)
            continue
        try:
            values.append(parse_integer("--cutoffs", part, minimum=0))
        except InvalidParameterError:
            raise InvalidParameterError(
                "--cutoffs", text, "must be comma-separated integers >= 0 (or 'none')"
            ) from None
    if len(values) != levels:
        raise InvalidParameterError(
            "--cutoffs", text, f"must have one value per protocol step ({levels}: one per "
            "swap level, plus one per distillation round)"
        )
    return tuple(values)


def _exactly_one(names: str, a: object, b: object) -> None:
    if (a is None) == (b is None):
        raise InvalidParameterError(
            names, "both" if a is not None else "neither", "exactly one of the two must be given"
        )


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.8g}"
    if value is None:
        return "none"
    if isinstance(value, list):
        return ", ".join(_cell(v) for v in value) or "-"
    return str(value)


def _table(data: dict[str, Any], console: Console) -> None:
    """Quantity / value / unit table. Quantity names are never truncated (at 80 columns the
    unit column wraps instead), so no two rows can look alike."""
    kind = "Nested" if "swap_tree" not in data else f"Tree {data['swap_tree']}"
    table = Table(title=f"{kind} repeater chain: {data['segments']} segments "
                        f"({data['levels']} levels)")
    keys = [k for k in data if k not in ("plob_comparison_note", "warnings", "plot")]
    table.add_column("quantity", no_wrap=True, min_width=max(len(k) for k in keys))
    table.add_column("value", justify="right", no_wrap=True)
    table.add_column("unit", overflow="fold")
    for key in keys:
        table.add_row(key, _cell(data[key]), _UNITS.get(key, ""))
    console.print(table)
    if "plob_comparison_note" in data:
        console.print(f"note: {data['plob_comparison_note']}")
    for message in data.get("warnings", []):
        console.print(f"[yellow]warning:[/yellow] {message}")


def register(app: typer.Typer) -> None:
    """Add the ``repeater`` command to ``app`` (its options are the fields of
    :class:`~qinternet.cli._repeater_options.RepeaterOptions`)."""

    def repeater(**values: Any) -> None:
        """Nested repeater chain with memory cut-offs: waiting time, fidelity, key rate.

        One time step = one elementary-link attempt; links arrive after Geometric(p_gen)
        steps; a failed swap regenerates both halves. Key rate = r(W)/E[T] with the BB84
        fraction max(0, 1 - 2 h((1-W)/2)) (log2), W the Werner parameter of the average
        delivered state. Physical options add seconds and the PLOB bound per second at the
        chain's clock rate (comparing time slots with channel uses is a convention) and, with
        --source-clock-rate-hz, at a fast source's pulse rate; one step includes the heralding
        round trip (--heralding) but no classical communication for swaps, as in the model.
        Chains whose waiting time is far too long for the window are refused at once with
        the reason; long computations show a progress bar on stderr (not with --json or when
        stderr is not a terminal).
        """
        options = RepeaterOptions(**values)
        with as_option(_OPTION_NAMES):
            _run(options)

    signature = command_signature()
    repeater.__signature__ = signature  # type: ignore[attr-defined]
    repeater.__annotations__ = {p.name: p.annotation for p in signature.parameters.values()}
    app.command("repeater")(repeater)


def _run(opts: RepeaterOptions) -> None:
    """Validate, compute (one library call: analyse or optimise the chain), print."""
    if opts.heterogeneous:
        check_clocks(opts)
        _print(run_general(opts), opts.as_json, None)
        return
    request = _validate_nested(opts)
    _preflight(request)
    _print(_compute_nested(request), opts.as_json, request.plot_path)


def _print(data: dict[str, Any], as_json: bool, plot_path: Path | None) -> None:
    if as_json:
        emit_json(data)
        return
    console = make_console(100)
    _table(data, console)
    if plot_path is not None:
        console.print(f"plot written to {plot_path}")


@dataclass(frozen=True, slots=True, kw_only=True)
class _NestedRequest:
    """A validated request for the nested (equal-segment) chain."""

    options: RepeaterOptions
    chain: NestedChain
    #: Duration of one step in s (None: results in steps only).
    step_s: float | None
    #: Physical mode: the parsed segment length (p_gen is derived from it).
    segment_length_km: float | None
    plot_path: Path | None
    #: The chain-shaping options the user gave, parsed, for messages about slow chains.
    given: tuple[tuple[str, object], ...]


def _chain_error(request: _NestedRequest, rule: str) -> InvalidParameterError:
    """An error naming the options the user gave that make the chain too slow (never
    ``--truncation-steps`` unless it was given)."""
    return InvalidParameterError(
        "/".join(name for name, _ in request.given),
        "/".join(f"{v:g}" if isinstance(v, float) else str(v) for _, v in request.given), rule)


def check_clocks(opts: RepeaterOptions) -> None:
    """At most one of ``--clock-rate-hz`` / ``--attempt-time-s``; every clock finite and > 0
    (both chain paths: nested and heterogeneous)."""
    if opts.clock_rate_hz is not None and opts.attempt_time_s is not None:
        raise InvalidParameterError(
            "--clock-rate-hz/--attempt-time-s",
            f"{opts.clock_rate_hz:g}/{opts.attempt_time_s:g}", "give at most one of the two")
    for name, value in (("--attempt-time-s", opts.attempt_time_s),
                        ("--clock-rate-hz", opts.clock_rate_hz),
                        ("--source-clock-rate-hz", opts.source_clock_rate_hz)):
        if value is not None and not (math.isfinite(value) and value > 0):
            raise InvalidParameterError(name, value, "must be a finite number > 0")


def _check_combinations(opts: RepeaterOptions, levels: int, segment_length: float | None,
                        p_gen: float | None) -> None:
    """Refuse option combinations that contradict each other (the first one found)."""
    if levels < 0 or levels > 20:
        raise InvalidParameterError("--levels", levels, "must be an integer in [0, 20]")
    _exactly_one("--p-gen/--segment-length-km", p_gen, segment_length)
    if opts.cutoff is not None and opts.cutoffs is not None:
        raise InvalidParameterError("--cutoff/--cutoffs", f"{opts.cutoff}/{opts.cutoffs}",
                                    "give at most one of the two")
    if opts.cutoff is not None and opts.cutoff < 0:
        raise InvalidParameterError("--cutoff", opts.cutoff, "must be an integer >= 0")
    if opts.optimize_cutoff and (opts.cutoff is not None or opts.cutoffs is not None):
        fixed = (f"--cutoff {opts.cutoff}" if opts.cutoff is not None
                 else f"--cutoffs {opts.cutoffs}")
        raise InvalidParameterError("--optimize-cutoff", fixed,
                                    "cannot be combined with fixed cut-offs")
    if opts.per_level and not opts.optimize_cutoff:
        raise InvalidParameterError("--per-level", True, "needs --optimize-cutoff")
    at_most_one((("--coherence-time", opts.coherence_time),
                 ("--coherence-time-s", opts.coherence_time_s),
                 ("--memory-coherence-time-s", opts.memory_coherence_time_s)))
    check_clocks(opts)
    if opts.heralding not in ("node", "midpoint"):
        raise InvalidParameterError("--heralding", opts.heralding,
                                    "must be 'node' or 'midpoint'")
    if opts.source_clock_rate_hz is not None and segment_length is None:
        raise InvalidParameterError("--source-clock-rate-hz", opts.source_clock_rate_hz,
                                    "needs --segment-length-km (PLOB needs the fibre length)")


def _single(option: str, text: str | None) -> float | None:
    """The one number of a list option of the nested chain (None when not given)."""
    return None if text is None else parse_float_list(option, text)[0]


def _validate_nested(opts: RepeaterOptions) -> _NestedRequest:
    """Check every option of the nested chain and build it (errors name the option)."""
    if opts.levels is None:
        raise InvalidParameterError("--levels", "missing",
                                    "is required with a single --p-gen / --segment-length-km "
                                    "value (give comma lists for unequal segments)")
    levels = opts.levels
    p_gen = _single("--p-gen", opts.p_gen)
    segment_length = _single("--segment-length-km", opts.segment_length_km)
    werner = parse_float_list("--werner", opts.werner)[0]
    plot_path = None if opts.plot is None else check_output_path("--plot", opts.plot)
    _check_combinations(opts, levels, segment_length, p_gen)
    link_p = p_gen if segment_length is None else elementary_link_probability(
        segment_length, opts.attenuation_db_per_km,
        source_efficiency=opts.source_efficiency,
        detector_efficiency=opts.detector_efficiency,
    )
    step_s = step_seconds(opts, [] if segment_length is None else [segment_length])
    coherence = link_time_steps(step_s, ("--coherence-time", opts.coherence_time),
                                ("--coherence-time-s", opts.coherence_time_s),
                                ("--memory-coherence-time-s", opts.memory_coherence_time_s))
    rounds: tuple[int, ...] = ()
    if opts.distillation_rounds is not None:
        rounds = _parse_rounds(opts.distillation_rounds, levels)
    if opts.optimize_cutoff and levels + sum(rounds) == 0:
        raise InvalidParameterError("--levels", levels, "must be >= 1 with --optimize-cutoff")
    if levels + sum(rounds) == 0 and opts.cutoff is not None:
        raise InvalidParameterError(
            "--cutoff", opts.cutoff, "has no effect with --levels 0 (a single link is never "
            "stored waiting for a partner)")
    cut: int | tuple[int | None, ...] | None = opts.cutoff
    if opts.cutoffs is not None:
        cut = _parse_cutoffs(opts.cutoffs, levels + sum(rounds))
    chain = NestedChain(levels=levels, p_gen=typing.cast(float, link_p), p_swap=opts.p_swap,
                        werner_w0=werner, coherence_time_steps=coherence,
                        cutoff_steps=cut, distillation_rounds=rounds)
    given = tuple((name, value) for name, value in (
        ("--levels", levels), ("--p-gen", p_gen),
        ("--segment-length-km", segment_length), ("--p-swap", opts.p_swap),
        ("--cutoff", opts.cutoff), ("--cutoffs", opts.cutoffs),
        ("--distillation-rounds", opts.distillation_rounds)) if value is not None)
    return _NestedRequest(options=opts, chain=chain,
                          step_s=step_s, segment_length_km=segment_length, plot_path=plot_path,
                          given=given)


def _preflight(request: _NestedRequest) -> None:
    """Refuse at once what cannot finish: a window that does not fit into memory, or a chain
    whose waiting time needs a window far beyond the automatic cap."""
    opts, chain = request.options, request.chain
    base = replace(chain, cutoff_steps=None) if opts.optimize_cutoff else chain
    if opts.truncation_steps is not None:
        window = opts.truncation_steps
        with as_option({"truncation_steps": "--truncation-steps"}):
            require_window_fits("truncation_steps", window)
        plan = plan_window(chain, min_coverage=DEFAULT_MIN_COVERAGE,
                           target_coverage=DEFAULT_TARGET_COVERAGE)
        if not opts.optimize_cutoff and plan.window_for_min_coverage_steps > (
                REFUSE_FACTOR * window):
            raise InvalidParameterError(
                "--truncation-steps", window,
                f"is far too small for this chain: {plan.describe()} (coverage "
                f"{DEFAULT_MIN_COVERAGE:g})")
        if opts.optimize_cutoff:
            _preflight_automatic(base, request)
        return
    _preflight_automatic(base, request)


def _preflight_automatic(base: NestedChain, request: _NestedRequest) -> None:
    try:
        check_automatic_window(base)
    except InvalidParameterError:
        plan = plan_window(base, min_coverage=DEFAULT_MIN_COVERAGE,
                           target_coverage=DEFAULT_TARGET_COVERAGE)
        cap = automatic_window_cap()
        needed = plan.window_for_min_coverage_steps
        hint = ""
        if math.isfinite(needed) and not request.options.optimize_cutoff:
            window = 1 << max(1, math.ceil(math.log2(needed)))
            try:
                require_window_fits("truncation_steps", window)
            except InvalidParameterError:
                hint = (f"; a window of {window} steps does not fit into this machine's "
                        "memory either")
            else:
                hint = (f"; --truncation-steps {window} would run for about "
                        f"{format_seconds(plan.seconds(window))}")
        what = ("even without cut-offs (for --optimize-cutoff), " if base is not request.chain
                else "")
        raise _chain_error(
            request,
            f"cannot be analysed: {what}{plan.describe()}, far more than the automatic window "
            f"of at most {cap} steps{hint}; choose a larger p_gen / p_swap, fewer levels or "
            "larger cut-offs",
        ) from None


def _compute_nested(request: _NestedRequest) -> dict[str, Any]:
    opts = request.options
    bar = progress_bar(show_progress(opts.as_json), "repeater chain")
    try:
        with warnings.catch_warnings(record=True) as caught, bar as progress:
            warnings.simplefilter("always")
            result, optimum = analyze_or_optimize(
                request.chain, optimize_cutoff=opts.optimize_cutoff, per_level=opts.per_level,
                truncation_steps=opts.truncation_steps, key_protocol=opts.key_protocol,
                progress=progress)
    except InvalidParameterError as err:
        if err.name == "max_truncation_steps" and opts.truncation_steps is None:
            raise _chain_error(request, f"cannot be analysed: the automatic window {err.rule}"
                               ) from None
        raise
    step_s, segment_length = request.step_s, request.segment_length_km
    data: dict[str, Any]
    if step_s is not None:
        data = physical_result(
            result, attempt_time_s=step_s, segment_length_km=segment_length,
            attenuation_db_per_km=opts.attenuation_db_per_km if segment_length else None,
            source_clock_rate_hz=opts.source_clock_rate_hz,
        ).to_dict()
    else:
        data = result.to_dict()
    if segment_length is not None:  # echo every physical input (p_gen is derived from them)
        data.update(source_efficiency=opts.source_efficiency,
                    detector_efficiency=opts.detector_efficiency,
                    heralding=opts.heralding if step_s is not None and opts.clock_rate_hz
                    is None and opts.attempt_time_s is None else None)
    finish(data, opts, optimum, caught)
    if request.plot_path is not None:
        from qinternet.plotting.repeaters import plot_chain_distributions

        plot_chain_distributions(result, request.plot_path, attempt_time_s=step_s)
        data["plot"] = str(request.plot_path)
    return data
