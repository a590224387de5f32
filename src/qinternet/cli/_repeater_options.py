"""The options of ``qinternet repeater``: one frozen, typed object instead of 33 loose values.

:class:`RepeaterOptions` holds what the user typed (lists and trees still as text); its field
annotations *are* the typer options, so the command's signature is generated from the fields
(:func:`command_signature`) and the option list exists once.
"""

import dataclasses
import inspect
import typing
from dataclasses import dataclass
from typing import Annotated

import typer

from qinternet.cli._common import PLOT_SUFFIXES, integer_parser
from qinternet.constants import DEFAULT_ATTENUATION_DB_PER_KM
from qinternet.repeaters.keyrate import KeyProtocol

__all__ = ["GENERAL_TRIGGERS", "RepeaterOptions", "command_signature"]

#: Options that select the heterogeneous-chain path when given.
GENERAL_TRIGGERS = ("swap_order", "werner_cutoff", "run_time_cutoff", "dephasing_time",
                    "node_positions_km", "bell_diagonal", "dephasing_time_s",
                    "memory_dephasing_time_s")


@dataclass(frozen=True, slots=True, kw_only=True)
class RepeaterOptions:
    """The raw values of every ``qinternet repeater`` option (field ``x_y`` is ``--x-y``)."""

    p_swap: Annotated[float, typer.Option(help="Entanglement-swap success probability.")]
    levels: Annotated[int | None, typer.Option(
        help="Nesting levels n of the doubling protocol (2^n segments), 0..20. Needed "
             "with a single --p-gen / --segment-length-km value; omit it with lists.",
        parser=integer_parser("--levels", minimum=0, maximum=20))] = None
    p_gen: Annotated[str | None, typer.Option(
        help="Elementary-link success probability per attempt in (0, 1]; one value per "
             "segment as a comma list (0.1,0.2,0.15 is a 3-segment chain), or one value "
             "with --levels. Alternative: --segment-length-km.")] = None
    cutoff: Annotated[int | None, typer.Option(
        help="Memory cut-off TAU in steps at every level: an attempt passes iff "
             "|tA - tB| <= TAU, else it ends after min(tA, tB) + TAU and both inputs "
             "restart. Default: no cut-off.",
        parser=integer_parser("--cutoff", minimum=0))] = None
    cutoffs: Annotated[str | None, typer.Option(
        help="Per-level cut-offs in steps, bottom level first, e.g. 16,31,55 "
             "('none' for no cut-off at a level).")] = None
    distillation_rounds: Annotated[str | None, typer.Option(
        help="Optional BBPSSW distillation: levels+1 integers k0,...,kn = rounds before "
             "swap level 1..n and after the last swap (then --cutoffs needs one value "
             "per protocol step).")] = None
    coherence_time: Annotated[float | None, typer.Option(
        help="Coherence time of a stored link in steps: a swap gives "
             "wA wB exp(-|tA - tB| / T). Default: infinite.")] = None
    werner: Annotated[str, typer.Option(
        help="Werner parameter w0 of a fresh elementary link, in [0, 1]; a comma list "
             "gives one value per segment.")] = "1.0"
    swap_order: Annotated[str | None, typer.Option(
        help="Swap tree: 'balanced' (default), 'sequential' (left to right) or explicit, "
             "e.g. '((0,1),2)' with segment indices from 0.")] = None
    werner_cutoff: Annotated[str | None, typer.Option(
        help="Fidelity cut-off as a Werner parameter: a stored link is discarded when its "
             "decayed Werner parameter would drop below it; one value or one per level.")
    ] = None
    run_time_cutoff: Annotated[str | None, typer.Option(
        help="Run-time cut-off in steps: a level's attempt not finished by then restarts; "
             "one value or one per level.")] = None
    dephasing_time: Annotated[float | None, typer.Option(
        help="Dephasing time of a stored link in steps (Z errors: X-basis QBER grows, "
             "Z-basis QBER does not); the state is then Bell-diagonal.")] = None
    bell_diagonal: Annotated[str | None, typer.Option(
        help="Bell-diagonal fresh links instead of Werner: coefficients of Phi+, Psi+, "
             "Psi-, Phi- (errors I, X, Y, Z) as l_I,l_X,l_Y,l_Z; per segment separated by "
             "';'. Overrides --werner.")] = None
    dephasing_time_s: Annotated[float | None, typer.Option(
        help="Dephasing time of a stored link in s (needs a clock, like "
             "--coherence-time-s). Alternative to --dephasing-time.")] = None
    memory_dephasing_time_s: Annotated[float | None, typer.Option(
        help="Per-qubit memory dephasing time T2 in s; the link dephasing time is T2 / 2 "
             "(both qubits dephase).")] = None
    cutoff_kind: Annotated[str, typer.Option(
        help="With --optimize-cutoff on a heterogeneous chain: 'memory', 'fidelity' or "
             "'run-time'.")] = "memory"
    optimize_cutoff: Annotated[bool, typer.Option(
        "--optimize-cutoff",
        help="Find the cut-off maximising the key rate (one value for all levels).")] = False
    per_level: Annotated[bool, typer.Option(
        "--per-level", help="With --optimize-cutoff: optimise one cut-off per level.")
    ] = False
    six_state: Annotated[bool, typer.Option(
        "--six-state",
        help="Report (and optimise) the six-state key rate as secret_key_rate_* instead "
             "of BB84 (both are always in the JSON).")] = False
    truncation_steps: Annotated[int | None, typer.Option(
        help="Truncation window in steps (1e6 accepted), at most what the memory holds. "
             "Default: automatic (doubles until the coverage is 1 - 1e-12, at most 2^22; "
             "chains needing far more are refused at once).",
        parser=integer_parser("--truncation-steps", minimum=2))] = None
    segment_length_km: Annotated[str | None, typer.Option(
        help="Physical mode: segment length in km (a comma list gives unequal segments; "
             "the common step is then the longest segment's attempt time); "
             "p_gen = source eff. x detector eff. x "
             "10^(-alpha L0/10); the attempt time is 2 L0 / c_fibre (see --heralding) "
             "unless --clock-rate-hz is given; PLOB of the whole fibre is reported.")
    ] = None
    node_positions_km: Annotated[str | None, typer.Option(
        help="Physical mode: node positions along the fibre in km, comma-separated and "
             "increasing (0,40,95,120 is 3 segments of 40, 55, 25 km); alternative to "
             "--segment-length-km.")] = None
    attenuation_db_per_km: Annotated[float, typer.Option(
        help="Fibre attenuation in dB/km (physical mode).")] = DEFAULT_ATTENUATION_DB_PER_KM
    source_efficiency: Annotated[float, typer.Option(
        help="Memory-to-fibre photon emission efficiency in (0, 1] (physical mode).")
    ] = 1.0
    detector_efficiency: Annotated[float, typer.Option(
        help="Heralding detector efficiency in (0, 1] (physical mode).")] = 1.0
    heralding: Annotated[str, typer.Option(
        help="Attempt time from fibre: 'node' (2 L0 / c_fibre, round trip) or 'midpoint' "
             "(L0 / c_fibre).")] = "node"
    clock_rate_hz: Annotated[float | None, typer.Option(
        help="Attempts per second; sets the time step 1/rate (overrides the fibre "
             "attempt time). Enables results in seconds with --p-gen.")] = None
    attempt_time_s: Annotated[float | None, typer.Option(
        help="Duration of one attempt (time step) in s; alternative to --clock-rate-hz "
             "(overrides the fibre attempt time).")] = None
    coherence_time_s: Annotated[float | None, typer.Option(
        help="Link coherence time in s (half the per-qubit memory time); needs "
             "--clock-rate-hz, --attempt-time-s or --segment-length-km. Alternative to "
             "--coherence-time.")
    ] = None
    memory_coherence_time_s: Annotated[float | None, typer.Option(
        help="Per-qubit (depolarizing) memory coherence time T_q in s; the link coherence "
             "time is T_q / 2 (both qubits decay). Alternative to --coherence-time-s.")
    ] = None
    source_clock_rate_hz: Annotated[float | None, typer.Option(
        help="Physical mode: pulse rate in Hz of a source sending straight through the "
             "whole fibre; adds PLOB per second at that rate (the chain's own clock is one "
             "heralded attempt per step, often only kHz).")] = None
    plot: Annotated[str | None, typer.Option(
        help="Write the waiting-time distribution and W(t) (time in s in physical mode) to "
             f"a file ending in {', '.join(PLOT_SUFFIXES)} (.png added when there is "
             "none); checked before computing.")] = None
    as_json: Annotated[bool, typer.Option(
        "--json", help="Print one JSON document instead of a table.")] = False

    @property
    def heterogeneous(self) -> bool:
        """Whether the options describe a heterogeneous chain (lists or its own features)."""
        lists = any(value is not None and "," in value
                    for value in (self.p_gen, self.segment_length_km, self.werner))
        return lists or any(getattr(self, name) is not None for name in GENERAL_TRIGGERS)

    @property
    def key_protocol(self) -> KeyProtocol:
        """The key protocol reported as ``secret_key_rate_*``."""
        return "six-state" if self.six_state else "bb84"


def command_signature() -> inspect.Signature:
    """The keyword-only signature of the typer command: one parameter per field, in order."""
    hints = typing.get_type_hints(RepeaterOptions, include_extras=True)
    return inspect.Signature([
        inspect.Parameter(f.name, inspect.Parameter.KEYWORD_ONLY, annotation=hints[f.name],
                          default=(inspect.Parameter.empty if f.default is dataclasses.MISSING
                                   else f.default))
        for f in dataclasses.fields(RepeaterOptions)
    ])

