"""The options of ``qinternet repeater``: one frozen, typed object instead of 33 loose values.

:class:`RepeaterOptions` holds what the user typed (lists and trees still as text). The typer
command's signature is generated from its fields (:func:`command_signature`) with the help,
integer parsers and flag spellings of the tables below, so the option list exists once.
"""

import dataclasses
import inspect
import typing
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

import typer

from qinternet.cli._common import PLOT_SUFFIXES, integer_parser
from qinternet.constants import DEFAULT_ATTENUATION_DB_PER_KM
from qinternet.repeaters.keyrate import KeyProtocol

__all__ = ["GENERAL_TRIGGERS", "RepeaterOptions", "command_signature"]

#: Options that select the heterogeneous-chain path when given.
GENERAL_TRIGGERS = ("swap_order", "werner_cutoff", "run_time_cutoff", "dephasing_time",
                    "node_positions_km", "bell_diagonal", "dephasing_time_s",
                    "memory_dephasing_time_s")


#: Help of every option (its field name).
_HELP: dict[str, str] = {
    "p_swap": "Entanglement-swap success probability.",
    "levels": (
        "Nesting levels n of the doubling protocol (2^n segments), 0..20. Needed "
        "with a single --p-gen / --segment-length-km value; omit it with lists."),
    "p_gen": (
        "Elementary-link success probability per attempt in (0, 1]; one value per "
        "segment as a comma list (0.1,0.2,0.15 is a 3-segment chain), or one value "
        "with --levels. Alternative: --segment-length-km."),
    "cutoff": (
        "Memory cut-off TAU in steps at every level: an attempt passes iff "
        "|tA - tB| <= TAU, else it ends after min(tA, tB) + TAU and both inputs "
        "restart. Default: no cut-off."),
    "cutoffs": (
        "Per-level cut-offs in steps, bottom level first, e.g. 16,31,55 "
        "('none' for no cut-off at a level)."),
    "distillation_rounds": (
        "Optional BBPSSW distillation: levels+1 integers k0,...,kn = rounds before "
        "swap level 1..n and after the last swap (then --cutoffs needs one value "
        "per protocol step)."),
    "coherence_time": (
        "Coherence time of a stored link in steps: a swap gives "
        "wA wB exp(-|tA - tB| / T). Default: infinite."),
    "werner": (
        "Werner parameter w0 of a fresh elementary link, in [0, 1]; a comma list "
        "gives one value per segment."),
    "swap_order": (
        "Swap tree: 'balanced' (default), 'sequential' (left to right) or explicit, "
        "e.g. '((0,1),2)' with segment indices from 0."),
    "werner_cutoff": (
        "Fidelity cut-off as a Werner parameter: a stored link is discarded when its "
        "decayed Werner parameter would drop below it; one value or one per level."),
    "run_time_cutoff": (
        "Run-time cut-off in steps: a level's attempt not finished by then restarts; "
        "one value or one per level."),
    "dephasing_time": (
        "Dephasing time of a stored link in steps (Z errors: X-basis QBER grows, "
        "Z-basis QBER does not); the state is then Bell-diagonal."),
    "bell_diagonal": (
        "Bell-diagonal fresh links instead of Werner: coefficients of Phi+, Psi+, "
        "Psi-, Phi- (errors I, X, Y, Z) as l_I,l_X,l_Y,l_Z; per segment separated by "
        "';'. Overrides --werner."),
    "dephasing_time_s": (
        "Dephasing time of a stored link in s (needs a clock, like "
        "--coherence-time-s). Alternative to --dephasing-time."),
    "memory_dephasing_time_s": (
        "Per-qubit memory dephasing time T2 in s; the link dephasing time is T2 / 2 "
        "(both qubits dephase)."),
    "cutoff_kind": (
        "With --optimize-cutoff on a heterogeneous chain: 'memory', 'fidelity' or "
        "'run-time'."),
    "optimize_cutoff": "Find the cut-off maximising the key rate (one value for all levels).",
    "per_level": "With --optimize-cutoff: optimise one cut-off per level.",
    "six_state": (
        "Report (and optimise) the six-state key rate as secret_key_rate_* instead "
        "of BB84 (both are always in the JSON)."),
    "truncation_steps": (
        "Truncation window in steps (1e6 accepted), at most what the memory holds. "
        "Default: automatic (doubles until the coverage is 1 - 1e-12, at most 2^22; "
        "chains needing far more are refused at once)."),
    "segment_length_km": (
        "Physical mode: segment length in km (a comma list gives unequal segments; "
        "the common step is then the longest segment's attempt time); "
        "p_gen = source eff. x detector eff. x "
        "10^(-alpha L0/10); the attempt time is 2 L0 / c_fibre (see --heralding) "
        "unless --clock-rate-hz is given; PLOB of the whole fibre is reported."),
    "node_positions_km": (
        "Physical mode: node positions along the fibre in km, comma-separated and "
        "increasing (0,40,95,120 is 3 segments of 40, 55, 25 km); alternative to "
        "--segment-length-km."),
    "attenuation_db_per_km": "Fibre attenuation in dB/km (physical mode).",
    "source_efficiency": "Memory-to-fibre photon emission efficiency in (0, 1] (physical mode).",
    "detector_efficiency": "Heralding detector efficiency in (0, 1] (physical mode).",
    "heralding": (
        "Attempt time from fibre: 'node' (2 L0 / c_fibre, round trip) or 'midpoint' "
        "(L0 / c_fibre)."),
    "clock_rate_hz": (
        "Attempts per second; sets the time step 1/rate (overrides the fibre "
        "attempt time). Enables results in seconds with --p-gen."),
    "attempt_time_s": (
        "Duration of one attempt (time step) in s; alternative to --clock-rate-hz "
        "(overrides the fibre attempt time)."),
    "coherence_time_s": (
        "Link coherence time in s (half the per-qubit memory time); needs "
        "--clock-rate-hz, --attempt-time-s or --segment-length-km. Alternative to "
        "--coherence-time."),
    "memory_coherence_time_s": (
        "Per-qubit (depolarizing) memory coherence time T_q in s; the link coherence "
        "time is T_q / 2 (both qubits decay). Alternative to --coherence-time-s."),
    "source_clock_rate_hz": (
        "Physical mode: pulse rate in Hz of a source sending straight through the "
        "whole fibre; adds PLOB per second at that rate (the chain's own clock is one "
        "heralded attempt per step, often only kHz)."),
    "plot": (
        "Write the waiting-time distribution and W(t) (time in s in physical mode) to "
        f"a file ending in {', '.join(PLOT_SUFFIXES)} (.png added when there is "
        "none); checked before computing."),
    "as_json": "Print one JSON document instead of a table.",
}

#: Integer options: parsed at the edge, integral floats such as ``1e6`` accepted.
_PARSERS: dict[str, Callable[[str], int]] = {
    "levels": integer_parser("--levels", minimum=0, maximum=20),
    "cutoff": integer_parser("--cutoff", minimum=0),
    "truncation_steps": integer_parser("--truncation-steps", minimum=2),
}

#: Flags spelled other than ``--field-name`` (and without a ``--no-`` form).
_FLAGS: dict[str, str] = {
    "optimize_cutoff": "--optimize-cutoff",
    "per_level": "--per-level",
    "six_state": "--six-state",
    "as_json": "--json",
}


@dataclass(frozen=True, slots=True, kw_only=True)
class RepeaterOptions:
    """The raw values of every ``qinternet repeater`` option (field ``x_y`` is ``--x-y``;
    comma lists, trees and Bell coefficients still as text)."""

    p_swap: float
    levels: int | None = None
    p_gen: str | None = None
    cutoff: int | None = None
    cutoffs: str | None = None
    distillation_rounds: str | None = None
    coherence_time: float | None = None
    werner: str = "1.0"
    swap_order: str | None = None
    werner_cutoff: str | None = None
    run_time_cutoff: str | None = None
    dephasing_time: float | None = None
    bell_diagonal: str | None = None
    dephasing_time_s: float | None = None
    memory_dephasing_time_s: float | None = None
    cutoff_kind: str = "memory"
    optimize_cutoff: bool = False
    per_level: bool = False
    six_state: bool = False
    truncation_steps: int | None = None
    segment_length_km: str | None = None
    node_positions_km: str | None = None
    attenuation_db_per_km: float = DEFAULT_ATTENUATION_DB_PER_KM
    source_efficiency: float = 1.0
    detector_efficiency: float = 1.0
    heralding: str = "node"
    clock_rate_hz: float | None = None
    attempt_time_s: float | None = None
    coherence_time_s: float | None = None
    memory_coherence_time_s: float | None = None
    source_clock_rate_hz: float | None = None
    plot: str | None = None
    as_json: bool = False

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
    """The keyword-only signature of the typer command: one option per field, in field order
    (``--field-name`` unless :data:`_FLAGS` spells it otherwise)."""
    hints = typing.get_type_hints(RepeaterOptions)
    params = []
    for f in dataclasses.fields(RepeaterOptions):
        decls = (_FLAGS[f.name],) if f.name in _FLAGS else ()
        option: Any = typer.Option(*decls, help=_HELP[f.name], parser=_PARSERS.get(f.name))
        default = inspect.Parameter.empty if f.default is dataclasses.MISSING else f.default
        params.append(inspect.Parameter(f.name, inspect.Parameter.KEYWORD_ONLY, default=default,
                                        annotation=Annotated[hints[f.name], option]))
    return inspect.Signature(params)
