"""``qinternet repeater``: waiting time, Werner parameter and key rate of a nested chain."""

from __future__ import annotations

import warnings
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from qinternet.cli._common import as_option, emit_json
from qinternet.constants import DEFAULT_ATTENUATION_DB_PER_KM
from qinternet.errors import InvalidParameterError
from qinternet.repeaters.chain import NestedChain, analyze_chain
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
    "total_length_km": "km",
    "attenuation_db_per_km": "dB/km",
    "plob_bits_per_use": "bits per channel use",
    "plob_bits_per_s": "bits per s (same clock rate)",
    "repeater_capacity_bits_per_use": "bits per chain use",
    "repeater_capacity_bits_per_s": "bits per s (same clock rate)",
    "optimized_secret_key_rate_bits_per_step": "bits per step",
    "no_cutoff_secret_key_rate_bits_per_step": "bits per step",
}


def _parse_rounds(text: str, levels: int) -> tuple[int, ...]:
    try:
        values = tuple(int(p.strip()) for p in text.split(","))
    except ValueError:
        raise InvalidParameterError("--distillation-rounds", text,
                                    "must be comma-separated integers >= 0") from None
    if len(values) != levels + 1 or any(v < 0 for v in values):
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
            value = int(part)
        except ValueError:
            raise InvalidParameterError(
                "--cutoffs", text, "must be comma-separated integers >= 0 (or 'none')"
            ) from None
        if value < 0:
            raise InvalidParameterError("--cutoffs", text, "must contain integers >= 0")
        values.append(value)
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


def _table(data: dict[str, Any], console: Console) -> None:
    table = Table(title=f"Nested repeater chain: {data['segments']} segments "
                        f"({data['levels']} levels)")
    table.add_column("quantity")
    table.add_column("value", justify="right")
    table.add_column("unit")
    for key, value in data.items():
        if key in ("plob_comparison_note", "warnings"):
            continue
        if isinstance(value, float):
            table.add_row(key, f"{value:.8g}", _UNITS.get(key, ""))
        elif value is None:
            table.add_row(key, "none", _UNITS.get(key, ""))
        else:
            table.add_row(key, str(value), _UNITS.get(key, ""))
    console.print(table)
    if "plob_comparison_note" in data:
        console.print(f"note: {data['plob_comparison_note']}")
    for message in data.get("warnings", []):
        console.print(f"[yellow]warning:[/yellow] {message}")


def register(app: typer.Typer) -> None:
    """Add the ``repeater`` command to ``app``."""

    @app.command("repeater")
    def repeater(
        levels: Annotated[int, typer.Option(
            help="Nesting levels n of the doubling protocol (2^n segments), 0..20.")],
        p_swap: Annotated[float, typer.Option(help="Entanglement-swap success probability.")],
        p_gen: Annotated[float | None, typer.Option(
            help="Elementary-link success probability per attempt in (0, 1]. "
                 "Alternative: --segment-length-km.")] = None,
        cutoff: Annotated[int | None, typer.Option(
            help="Memory cut-off TAU in steps at every level: an attempt passes iff "
                 "|tA - tB| <= TAU, else it ends after min(tA, tB) + TAU and both inputs "
                 "restart. Default: no cut-off.")] = None,
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
        werner: Annotated[float, typer.Option(
            help="Werner parameter w0 of a fresh elementary link, in [0, 1].")] = 1.0,
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
            help="Truncation window in steps. Default: automatic (doubles until the "
                 "coverage is 1 - 1e-12, at most 2^22).")] = None,
        segment_length_km: Annotated[float | None, typer.Option(
            help="Physical mode: segment length in km; p_gen = source eff. x detector eff. x "
                 "10^(-alpha L0/10); the attempt time is 2 L0 / c_fibre (see --heralding) "
                 "unless --clock-rate-hz is given; PLOB of the whole fibre is reported.")
        ] = None,
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
        plot: Annotated[Path | None, typer.Option(
            help="Write a PNG with the waiting-time distribution and W(t).")] = None,
        as_json: Annotated[bool, typer.Option(
            "--json", help="Print one JSON document instead of a table.")] = False,
    ) -> None:
        """Nested repeater chain with memory cut-offs: waiting time, fidelity, key rate.

        One time step = one elementary-link attempt; links arrive after Geometric(p_gen)
        steps; a failed swap regenerates both halves. Key rate = r(W)/E[T] with the BB84
        fraction max(0, 1 - 2 h((1-W)/2)) (log2), W the Werner parameter of the average
        delivered state. Physical options add seconds and the PLOB bound per second at the
        same clock rate (comparing time slots with channel uses is a convention); one step
        includes the heralding round trip (--heralding) but no classical communication for
        swaps, as in the model.
        """
        with as_option(_OPTION_NAMES):
            _run(locals())


def _run(opts: dict[str, Any]) -> None:
    levels = opts["levels"]
    if levels < 0 or levels > 20:
        raise InvalidParameterError("--levels", levels, "must be an integer in [0, 20]")
    _exactly_one("--p-gen/--segment-length-km", opts["p_gen"], opts["segment_length_km"])
    if opts["cutoff"] is not None and opts["cutoffs"] is not None:
        raise InvalidParameterError("--cutoff/--cutoffs", "both", "give at most one of the two")
    if opts["cutoff"] is not None and opts["cutoff"] < 0:
        raise InvalidParameterError("--cutoff", opts["cutoff"], "must be an integer >= 0")
    if opts["optimize_cutoff"] and (opts["cutoff"] is not None or opts["cutoffs"] is not None):
        raise InvalidParameterError("--optimize-cutoff", "with --cutoff/--cutoffs",
                                    "cannot be combined with fixed cut-offs")
    if opts["per_level"] and not opts["optimize_cutoff"]:
        raise InvalidParameterError("--per-level", True, "needs --optimize-cutoff")
    given = [name for name, key in (("--coherence-time", "coherence_time"),
                                     ("--coherence-time-s", "coherence_time_s"),
                                     ("--memory-coherence-time-s", "memory_coherence_time_s"))
             if opts[key] is not None]
    if len(given) > 1:
        raise InvalidParameterError("/".join(given), "all", "give at most one of these")
    if opts["clock_rate_hz"] is not None and opts["attempt_time_s"] is not None:
        raise InvalidParameterError("--clock-rate-hz/--attempt-time-s", "both",
                                    "give at most one of the two")
    if opts["attempt_time_s"] is not None and not opts["attempt_time_s"] > 0:
        raise InvalidParameterError("--attempt-time-s", opts["attempt_time_s"], "must be > 0")
    if opts["heralding"] not in ("node", "midpoint"):
        raise InvalidParameterError("--heralding", opts["heralding"],
                                    "must be 'node' or 'midpoint'")
    if opts["clock_rate_hz"] is not None and not opts["clock_rate_hz"] > 0:
        raise InvalidParameterError("--clock-rate-hz", opts["clock_rate_hz"], "must be > 0")

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
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        optimum: CutoffOptimum | None = None
        if opts["optimize_cutoff"]:
            optimum = optimize_cutoffs(chain, per_level=opts["per_level"], key_protocol=protocol)
            result: RepeaterChainResult = optimum.result
            if opts["truncation_steps"] is not None:
                result = analyze_chain(replace(chain, cutoff_steps=optimum.cutoff_steps),
                                       truncation_steps=opts["truncation_steps"],
                                       key_protocol=protocol)
        else:
            result = analyze_chain(chain, truncation_steps=opts["truncation_steps"],
                                   key_protocol=protocol)
    data: dict[str, Any]
    if step_s is not None:
        data = physical_result(
            result, attempt_time_s=step_s, segment_length_km=segment_length,
            attenuation_db_per_km=opts["attenuation_db_per_km"] if segment_length else None,
        ).to_dict()
    else:
        data = result.to_dict()
    if optimum is not None:
        data.update(optimum.to_dict())
    data["warnings"] = [" ".join(str(w.message).split()) for w in caught]
    if opts["plot"] is not None:
        from qinternet.plotting.repeaters import plot_chain_distributions

        plot_chain_distributions(result, opts["plot"])
        data["plot"] = str(opts["plot"])
    if opts["as_json"]:
        emit_json(data)
    else:
        _table(data, Console())
