"""``qinternet repeater``: waiting time, Werner parameter and key rate of a nested chain."""

from __future__ import annotations

import math
import warnings
from dataclasses import replace
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from qinternet.cli._common import (
    PLOT_SUFFIXES,
    as_option,
    check_output_path,
    emit_json,
    integer_parser,
    make_console,
    parse_integer,
    progress_bar,
    show_progress,
)
from qinternet.cli._repeater_general import GENERAL_TRIGGERS, parse_float_list, run_general
from qinternet.constants import DEFAULT_ATTENUATION_DB_PER_KM
from qinternet.errors import InvalidParameterError
from qinternet.repeaters._budget import format_seconds, plan_window, require_window_fits
from qinternet.repeaters.chain import (
    DEFAULT_MIN_COVERAGE,
    DEFAULT_TARGET_COVERAGE,
    REFUSE_FACTOR,
    NestedChain,
    analyze_chain,
    automatic_window_cap,
    check_automatic_window,
)
from qinternet.repeaters.keyrate import KeyProtocol
from qinternet.repeaters.optimize import CutoffOptimum, optimize_cutoffs
from qinternet.repeaters.physical import (
    attempt_time_s,
    coherence_time_steps,
    elementary_link_probability,
    link_coherence_time_s,
    physical_result,
)
from qinternet.repeaters.results import RepeaterChainResult

__all__ = ["register"]

_OPTION_NAMES = {
    "levels": "--levels",
    "distillation_rounds": "--distillation-rounds",
    "p_gen": "--p-gen",
    "p_swap": "--p-swap",
    "werner_w0": "--werner",
    "coherence_time_steps": "--coherence-time",
    "truncation_steps": "--truncation-steps",
    "max_truncation_steps": "--truncation-steps",
    "segment_length_km": "--segment-length-km",
    "attenuation_db_per_km": "--attenuation-db-per-km",
    "source_efficiency": "--source-efficiency",
    "detector_efficiency": "--detector-efficiency",
    "coherence_time_s": "--coherence-time-s",
    "memory_coherence_time_s": "--memory-coherence-time-s",
    "attempt_time_s": "--attempt-time-s",
    "total_length_km": "--segment-length-km",
    "transmissivity": "--attenuation-db-per-km",
    "source_clock_rate_hz": "--source-clock-rate-hz",
}

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
    """Add the ``repeater`` command to ``app``."""

    @app.command("repeater")
    def repeater(
        p_swap: Annotated[float, typer.Option(help="Entanglement-swap success probability.")],
        levels: Annotated[int | None, typer.Option(
            help="Nesting levels n of the doubling protocol (2^n segments), 0..20. Needed "
                 "with a single --p-gen / --segment-length-km value; omit it with lists.",
            parser=integer_parser("--levels", minimum=0, maximum=20))] = None,
        p_gen: Annotated[str | None, typer.Option(
            help="Elementary-link success probability per attempt in (0, 1]; one value per "
                 "segment as a comma list (0.1,0.2,0.15 is a 3-segment chain), or one value "
                 "with --levels. Alternative: --segment-length-km.")] = None,
        cutoff: Annotated[int | None, typer.Option(
            help="Memory cut-off TAU in steps at every level: an attempt passes iff "
                 "|tA - tB| <= TAU, else it ends after min(tA, tB) + TAU and both inputs "
                 "restart. Default: no cut-off.",
            parser=integer_parser("--cutoff", minimum=0))] = None,
        cutoffs: Annotated[str | None, typer.Option(
            help="Per-level cut-offs in steps, bottom level first, e.g. 16,31,55 "
                 "('none' for no cut-off at a level).")] = None,
        distillation_rounds: Annotated[str | None, typer.Option(
            help="Optional BBPSSW distillation: levels+1 integers k0,...,kn = rounds before "
                 "swap level 1..n and after the last swap (then --cutoffs needs one value "
                 "per protocol step).")] = None,
        coherence_time: Annotated[float | None, typer.Option(
            help="Coherence time of a stored link in steps: a swap gives "
                 "wA wB exp(-|tA - tB| / T). Default: infinite.")] = None,
        werner: Annotated[str, typer.Option(
            help="Werner parameter w0 of a fresh elementary link, in [0, 1]; a comma list "
                 "gives one value per segment.")] = "1.0",
        swap_order: Annotated[str | None, typer.Option(
            help="Swap tree: 'balanced' (default), 'sequential' (left to right) or explicit, "
                 "e.g. '((0,1),2)' with segment indices from 0.")] = None,
        werner_cutoff: Annotated[str | None, typer.Option(
            help="Fidelity cut-off as a Werner parameter: a stored link is discarded when its "
                 "decayed Werner parameter would drop below it; one value or one per level.")
        ] = None,
        run_time_cutoff: Annotated[str | None, typer.Option(
            help="Run-time cut-off in steps: a level's attempt not finished by then restarts; "
                 "one value or one per level.")] = None,
        dephasing_time: Annotated[float | None, typer.Option(
            help="Dephasing time of a stored link in steps (Z errors: X-basis QBER grows, "
                 "Z-basis QBER does not); the state is then Bell-diagonal.")] = None,
        bell_diagonal: Annotated[str | None, typer.Option(
            help="Bell-diagonal fresh links instead of Werner: coefficients of Phi+, Psi+, "
                 "Psi-, Phi- (errors I, X, Y, Z) as l_I,l_X,l_Y,l_Z; per segment separated by "
                 "';'. Overrides --werner.")] = None,
        dephasing_time_s: Annotated[float | None, typer.Option(
            help="Dephasing time of a stored link in s (needs a clock, like "
                 "--coherence-time-s). Alternative to --dephasing-time.")] = None,
        memory_dephasing_time_s: Annotated[float | None, typer.Option(
            help="Per-qubit memory dephasing time T2 in s; the link dephasing time is T2 / 2 "
                 "(both qubits dephase).")] = None,
        cutoff_kind: Annotated[str, typer.Option(
            help="With --optimize-cutoff on a heterogeneous chain: 'memory', 'fidelity' or "
                 "'run-time'.")] = "memory",
        optimize_cutoff: Annotated[bool, typer.Option(
            "--optimize-cutoff",
            help="Find the cut-off maximising the key rate (one value for all levels).")] = False,
        per_level: Annotated[bool, typer.Option(
            "--per-level", help="With --optimize-cutoff: optimise one cut-off per level.")
        ] = False,
        six_state: Annotated[bool, typer.Option(
            "--six-state",
            help="Report (and optimise) the six-state key rate as secret_key_rate_* instead "
                 "of BB84 (both are always in the JSON).")] = False,
        truncation_steps: Annotated[int | None, typer.Option(
            help="Truncation window in steps (1e6 accepted), at most what the memory holds. "
                 "Default: automatic (doubles until the coverage is 1 - 1e-12, at most 2^22; "
                 "chains needing far more are refused at once).",
            parser=integer_parser("--truncation-steps", minimum=2))] = None,
        segment_length_km: Annotated[str | None, typer.Option(
            help="Physical mode: segment length in km (a comma list gives unequal segments; "
                 "the common step is then the longest segment's attempt time); "
                 "p_gen = source eff. x detector eff. x "
                 "10^(-alpha L0/10); the attempt time is 2 L0 / c_fibre (see --heralding) "
                 "unless --clock-rate-hz is given; PLOB of the whole fibre is reported.")
        ] = None,
        node_positions_km: Annotated[str | None, typer.Option(
            help="Physical mode: node positions along the fibre in km, comma-separated and "
                 "increasing (0,40,95,120 is 3 segments of 40, 55, 25 km); alternative to "
                 "--segment-length-km.")] = None,
        attenuation_db_per_km: Annotated[float, typer.Option(
            help="Fibre attenuation in dB/km (physical mode).")] = DEFAULT_ATTENUATION_DB_PER_KM,
        source_efficiency: Annotated[float, typer.Option(
            help="Memory-to-fibre photon emission efficiency in (0, 1] (physical mode).")
        ] = 1.0,
        detector_efficiency: Annotated[float, typer.Option(
            help="Heralding detector efficiency in (0, 1] (physical mode).")] = 1.0,
        heralding: Annotated[str, typer.Option(
            help="Attempt time from fibre: 'node' (2 L0 / c_fibre, round trip) or 'midpoint' "
                 "(L0 / c_fibre).")] = "node",
        clock_rate_hz: Annotated[float | None, typer.Option(
            help="Attempts per second; sets the time step 1/rate (overrides the fibre "
                 "attempt time). Enables results in seconds with --p-gen.")] = None,
        attempt_time_s: Annotated[float | None, typer.Option(
            help="Duration of one attempt (time step) in s; alternative to --clock-rate-hz "
                 "(overrides the fibre attempt time).")] = None,
        coherence_time_s: Annotated[float | None, typer.Option(
            help="Link coherence time in s (half the per-qubit memory time); needs "
                 "--clock-rate-hz, --attempt-time-s or --segment-length-km. Alternative to "
                 "--coherence-time.")
        ] = None,
        memory_coherence_time_s: Annotated[float | None, typer.Option(
            help="Per-qubit (depolarizing) memory coherence time T_q in s; the link coherence "
                 "time is T_q / 2 (both qubits decay). Alternative to --coherence-time-s.")
        ] = None,
        source_clock_rate_hz: Annotated[float | None, typer.Option(
            help="Physical mode: pulse rate in Hz of a source sending straight through the "
                 "whole fibre; adds PLOB per second at that rate (the chain's own clock is one "
                 "heralded attempt per step, often only kHz).")] = None,
        plot: Annotated[str | None, typer.Option(
            help="Write the waiting-time distribution and W(t) (time in s in physical mode) to "
                 f"a file ending in {', '.join(PLOT_SUFFIXES)} (.png added when there is "
                 "none); checked before computing.")] = None,
        as_json: Annotated[bool, typer.Option(
            "--json", help="Print one JSON document instead of a table.")] = False,
    ) -> None:
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
        with as_option(_OPTION_NAMES):
            _run(locals())


#: Options that shape the waiting time, in the order they are named in messages.
_CHAIN_OPTIONS = (
    ("--levels", "levels"), ("--p-gen", "p_gen"), ("--segment-length-km", "segment_length_km"),
    ("--p-swap", "p_swap"), ("--cutoff", "cutoff"), ("--cutoffs", "cutoffs"),
    ("--distillation-rounds", "distillation_rounds"),
)


def _chain_error(opts: dict[str, Any], rule: str) -> InvalidParameterError:
    """An error naming the options the user gave that make the chain too slow (never
    ``--truncation-steps`` unless it was given)."""
    given = [(name, opts[key]) for name, key in _CHAIN_OPTIONS if opts[key] is not None]
    return InvalidParameterError(
        "/".join(name for name, _ in given),
        "/".join(f"{v:g}" if isinstance(v, float) else str(v) for _, v in given), rule)


def _preflight(chain: NestedChain, opts: dict[str, Any]) -> None:
    """Refuse at once what cannot finish: a window that does not fit into memory, or a chain
    whose waiting time needs a window far beyond the automatic cap."""
    base = replace(chain, cutoff_steps=None) if opts["optimize_cutoff"] else chain
    if opts["truncation_steps"] is not None:
        window = opts["truncation_steps"]
        with as_option({"truncation_steps": "--truncation-steps"}):
            require_window_fits("truncation_steps", window)
        plan = plan_window(chain, min_coverage=DEFAULT_MIN_COVERAGE,
                           target_coverage=DEFAULT_TARGET_COVERAGE)
        if not opts["optimize_cutoff"] and plan.window_for_min_coverage_steps > (
                REFUSE_FACTOR * window):
            raise InvalidParameterError(
                "--truncation-steps", window,
                f"is far too small for this chain: {plan.describe()} (coverage "
                f"{DEFAULT_MIN_COVERAGE:g})")
        if opts["optimize_cutoff"]:
            _preflight_automatic(base, chain, opts)
        return
    _preflight_automatic(base, chain, opts)


def _preflight_automatic(base: NestedChain, chain: NestedChain, opts: dict[str, Any]) -> None:
    try:
        check_automatic_window(base)
    except InvalidParameterError:
        plan = plan_window(base, min_coverage=DEFAULT_MIN_COVERAGE,
                           target_coverage=DEFAULT_TARGET_COVERAGE)
        cap = automatic_window_cap()
        needed = plan.window_for_min_coverage_steps
        hint = ""
        if math.isfinite(needed) and not opts["optimize_cutoff"]:
            window = 1 << max(1, math.ceil(math.log2(needed)))
            try:
                require_window_fits("truncation_steps", window)
            except InvalidParameterError:
                hint = (f"; a window of {window} steps does not fit into this machine's "
                        "memory either")
            else:
                hint = (f"; --truncation-steps {window} would run for about "
                        f"{format_seconds(plan.seconds(window))}")
        what = "even without cut-offs (for --optimize-cutoff), " if base is not chain else ""
        raise _chain_error(
            opts,
            f"cannot be analysed: {what}{plan.describe()}, far more than the automatic window "
            f"of at most {cap} steps{hint}; choose a larger p_gen / p_swap, fewer levels or "
            "larger cut-offs",
        ) from None


def _is_general(opts: dict[str, Any]) -> bool:
    """Whether the options describe a heterogeneous chain (lists or new features)."""
    lists = any(opts[key] is not None and "," in str(opts[key])
                for key in ("p_gen", "segment_length_km", "werner"))
    return lists or any(opts[key] is not None for key in GENERAL_TRIGGERS)


def _run(opts: dict[str, Any]) -> None:
    if _is_general(opts):
        general = run_general(opts)
        if opts["as_json"]:
            emit_json(general)
        else:
            _table(general, make_console(100))
        return
    if opts["levels"] is None:
        raise InvalidParameterError("--levels", "missing",
                                    "is required with a single --p-gen / --segment-length-km "
                                    "value (give comma lists for unequal segments)")
    for key, option in (("p_gen", "--p-gen"), ("segment_length_km", "--segment-length-km"),
                        ("werner", "--werner")):
        if opts[key] is not None:
            opts[key] = parse_float_list(option, opts[key])[0]
    plot_path = None if opts["plot"] is None else check_output_path("--plot", opts["plot"])
    levels = opts["levels"]
    if levels < 0 or levels > 20:
        raise InvalidParameterError("--levels", levels, "must be an integer in [0, 20]")
    _exactly_one("--p-gen/--segment-length-km", opts["p_gen"], opts["segment_length_km"])
    if opts["cutoff"] is not None and opts["cutoffs"] is not None:
        raise InvalidParameterError("--cutoff/--cutoffs", f"{opts['cutoff']}/{opts['cutoffs']}",
                                    "give at most one of the two")
    if opts["cutoff"] is not None and opts["cutoff"] < 0:
        raise InvalidParameterError("--cutoff", opts["cutoff"], "must be an integer >= 0")
    if opts["optimize_cutoff"] and (opts["cutoff"] is not None or opts["cutoffs"] is not None):
        fixed = (f"--cutoff {opts['cutoff']}" if opts["cutoff"] is not None
                 else f"--cutoffs {opts['cutoffs']}")
        raise InvalidParameterError("--optimize-cutoff", fixed,
                                    "cannot be combined with fixed cut-offs")
    if opts["per_level"] and not opts["optimize_cutoff"]:
        raise InvalidParameterError("--per-level", True, "needs --optimize-cutoff")
    given = [(name, opts[key]) for name, key in (("--coherence-time", "coherence_time"),
                                                  ("--coherence-time-s", "coherence_time_s"),
                                                  ("--memory-coherence-time-s",
                                                   "memory_coherence_time_s"))
             if opts[key] is not None]
    if len(given) > 1:
        raise InvalidParameterError("/".join(n for n, _ in given),
                                    "/".join(f"{v:g}" for _, v in given),
                                    "give at most one of these")
    if opts["clock_rate_hz"] is not None and opts["attempt_time_s"] is not None:
        raise InvalidParameterError(
            "--clock-rate-hz/--attempt-time-s",
            f"{opts['clock_rate_hz']:g}/{opts['attempt_time_s']:g}", "give at most one of the two")
    for name, key in (("--attempt-time-s", "attempt_time_s"), ("--clock-rate-hz", "clock_rate_hz"),
                      ("--source-clock-rate-hz", "source_clock_rate_hz")):
        value = opts[key]
        if value is not None and not (math.isfinite(value) and value > 0):
            raise InvalidParameterError(name, value, "must be a finite number > 0")
    if opts["heralding"] not in ("node", "midpoint"):
        raise InvalidParameterError("--heralding", opts["heralding"],
                                    "must be 'node' or 'midpoint'")
    if opts["source_clock_rate_hz"] is not None and opts["segment_length_km"] is None:
        raise InvalidParameterError("--source-clock-rate-hz", opts["source_clock_rate_hz"],
                                    "needs --segment-length-km (PLOB needs the fibre length)")

    segment_length = opts["segment_length_km"]
    p_gen = opts["p_gen"]
    if segment_length is not None:
        p_gen = elementary_link_probability(
            segment_length, opts["attenuation_db_per_km"],
            source_efficiency=opts["source_efficiency"],
            detector_efficiency=opts["detector_efficiency"],
        )
    step_s: float | None = None
    if opts["clock_rate_hz"] is not None:
        step_s = 1.0 / opts["clock_rate_hz"]
    elif opts["attempt_time_s"] is not None:
        step_s = float(opts["attempt_time_s"])
    elif segment_length is not None:
        step_s = attempt_time_s(segment_length, opts["heralding"])
    coherence = opts["coherence_time"]
    link_s, link_option = opts["coherence_time_s"], "--coherence-time-s"
    if opts["memory_coherence_time_s"] is not None:
        link_option = "--memory-coherence-time-s"
        with as_option({"memory_coherence_time_s": link_option}):
            link_s = link_coherence_time_s(opts["memory_coherence_time_s"])
    if link_s is not None:
        if step_s is None:
            raise InvalidParameterError(
                link_option, opts["coherence_time_s"] if opts["memory_coherence_time_s"] is None
                else opts["memory_coherence_time_s"],
                "needs --clock-rate-hz, --attempt-time-s or --segment-length-km")
        with as_option({"coherence_time_s": link_option}):
            coherence = coherence_time_steps(link_s, step_s)
    rounds: tuple[int, ...] = ()
    if opts["distillation_rounds"] is not None:
        rounds = _parse_rounds(opts["distillation_rounds"], levels)
    if opts["optimize_cutoff"] and levels + sum(rounds) == 0:
        raise InvalidParameterError("--levels", levels, "must be >= 1 with --optimize-cutoff")
    if levels + sum(rounds) == 0 and opts["cutoff"] is not None:
        raise InvalidParameterError(
            "--cutoff", opts["cutoff"], "has no effect with --levels 0 (a single link is never "
            "stored waiting for a partner)")
    cut: int | tuple[int | None, ...] | None = opts["cutoff"]
    if opts["cutoffs"] is not None:
        cut = _parse_cutoffs(opts["cutoffs"], levels + sum(rounds))
    protocol: KeyProtocol = "six-state" if opts["six_state"] else "bb84"
    chain = NestedChain(levels=levels, p_gen=p_gen, p_swap=opts["p_swap"],
                        werner_w0=opts["werner"], coherence_time_steps=coherence,
                        cutoff_steps=cut, distillation_rounds=rounds)
    _preflight(chain, opts)
    bar = progress_bar(show_progress(opts["as_json"]), "repeater chain")
    try:
        with warnings.catch_warnings(record=True) as caught, bar as progress:
            warnings.simplefilter("always")
            optimum: CutoffOptimum | None = None
            if opts["optimize_cutoff"]:
                optimum = optimize_cutoffs(chain, per_level=opts["per_level"],
                                           key_protocol=protocol, progress=progress)
                result: RepeaterChainResult = optimum.result
                if opts["truncation_steps"] is not None:
                    result = analyze_chain(replace(chain, cutoff_steps=optimum.cutoff_steps),
                                           truncation_steps=opts["truncation_steps"],
                                           key_protocol=protocol, progress=progress)
            else:
                result = analyze_chain(chain, truncation_steps=opts["truncation_steps"],
                                       key_protocol=protocol, progress=progress)
    except InvalidParameterError as err:
        if err.name == "max_truncation_steps" and opts["truncation_steps"] is None:
            raise _chain_error(opts, f"cannot be analysed: the automatic window {err.rule}"
                               ) from None
        raise
    data: dict[str, Any]
    if step_s is not None:
        data = physical_result(
            result, attempt_time_s=step_s, segment_length_km=segment_length,
            attenuation_db_per_km=opts["attenuation_db_per_km"] if segment_length else None,
            source_clock_rate_hz=opts["source_clock_rate_hz"],
        ).to_dict()
    else:
        data = result.to_dict()
    if segment_length is not None:  # echo every physical input (p_gen is derived from them)
        data.update(source_efficiency=opts["source_efficiency"],
                    detector_efficiency=opts["detector_efficiency"],
                    heralding=opts["heralding"] if step_s is not None and opts["clock_rate_hz"]
                    is None and opts["attempt_time_s"] is None else None)
    if opts["truncation_steps"] is None:
        data["truncation"] = "automatic"
    else:
        data["truncation"] = "fixed"
    if optimum is not None:
        data.update(optimum.to_dict())
    data["warnings"] = [" ".join(str(w.message).split()) for w in caught]
    data["plot"] = None
    if plot_path is not None:
        from qinternet.plotting.repeaters import plot_chain_distributions

        plot_chain_distributions(result, plot_path, attempt_time_s=step_s)
        data["plot"] = str(plot_path)
    if opts["as_json"]:
        emit_json(data)
    else:
        console = make_console(100)
        _table(data, console)
        if plot_path is not None:
            console.print(f"plot written to {plot_path}")
