"""``qinternet keyrate PROTOCOL``: secret-key rates of QKD protocols against PLOB.

``keyrate`` is a command group with one subcommand per protocol of
:data:`qinternet.qkd.registry.PROTOCOLS` (generated at registration time, so protocols appear as
soon as they are registered) plus ``compare``. Every subcommand takes the same options; their
meaning per protocol is in that protocol's ``--help`` (``ProtocolSpec.help``).

- ``--distance-km L`` (or ``START:STOP:STEP``): whole Alice–Bob fibre, channel transmissivity
  ``10**(-A L / 10)`` with A from ``--attenuation-db-per-km`` or the protocol's default; relay
  protocols put the node in the middle (each arm ``sqrt``).
- ``--loss-db X`` (or a range): whole Alice–Bob channel loss; transmissivity ``10**(-X/10)``.
- ``plob_bits_per_pulse`` is ``-log2(1 - eta)`` of the channel, detector not included.

``--json`` prints one object of the same shape for every protocol, for one point or a range,
and for ``compare``: ``axis`` (``distance_km`` or ``loss_db``), ``attenuation_db_per_km``
(None with ``--loss-db``), ``key_rate_unit``, ``clock_rate_hz``, ``parameters`` (per protocol:
the device parameters used, defaults included), ``points`` (one object per protocol and axis
value with ``key_rate_bits_per_pulse``, ``plob_bits_per_pulse``, ``qber``, ``phase_error_rate``
and every parameter of that point), ``notes`` and ``plot``; a single protocol adds
``protocol``, ``compare`` adds ``protocols`` and ``summary`` (PLOB crossing, maximum reach).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import typer
from rich.console import Console
from typer.core import TyperGroup

from qinternet.cli._common import (
    PLOT_SUFFIXES,
    as_option,
    check_output_path,
    emit_json,
    make_console,
    parse_float_list,
    parse_range,
    print_table,
    progress_bar,
    show_progress,
)
from qinternet.cli._qkd_text import device_parameters as _device_parameters
from qinternet.cli._qkd_text import device_text as _device_text
from qinternet.cli._qkd_text import key_rate_axis_label
from qinternet.constants import DEFAULT_ATTENUATION_DB_PER_KM
from qinternet.errors import InvalidParameterError, SolverError
from qinternet.qkd.analysis import refine_crossing_and_cutoff
from qinternet.qkd.bb84 import Lim2014Params
from qinternet.qkd.options import KeyRateOptions, ProtocolSpec
from qinternet.qkd.registry import PROTOCOLS, get_protocol
from qinternet.qkd.results import KeyRateResult
from qinternet.units import loss_db_to_transmissivity

__all__ = ["register"]

#: Library parameter names -> CLI option names (for one-line error messages).
_OPTION_NAMES = {
    "detector_efficiency": "--detector-efficiency",
    "dark_count": "--dark-count",
    "misalignment": "--misalignment",
    "phase_mismatch": "--phase-mismatch",
    "ec_efficiency": "--ec-efficiency",
    "intensity": "--intensity",
    "decoys": "--decoys",
    "pulses": "--pulses",
    "decoy_count": "--decoys",
    "key_basis_probability": "--key-basis-probability",
    "channel_transmissivity": "--loss-db/--distance-km",
    "attenuation_db_per_km": "--attenuation-db-per-km",
}

LossOpt = Annotated[
    str | None,
    typer.Option("--loss-db", help="Whole Alice-Bob channel loss in dB: X or START:STOP:STEP."),
]
DistanceOpt = Annotated[
    str | None,
    typer.Option(
        "--distance-km",
        help="Whole Alice-Bob fibre length in km: L or START:STOP:STEP (STOP included).",
    ),
]
AttenuationOpt = Annotated[
    float | None,
    typer.Option(
        "--attenuation-db-per-km",
        help=f"Fibre attenuation in dB/km with --distance-km (default "
        f"{DEFAULT_ATTENUATION_DB_PER_KM:g}, as for every protocol).",
    ),
]
DetectorOpt = Annotated[
    float | None,
    typer.Option("--detector-efficiency", help="Detector efficiency in (0, 1] (see protocol)."),
]
DarkOpt = Annotated[
    float | None,
    typer.Option(
        "--dark-count",
        help="Dark-count probability per detector per pulse (bb84-decoy: background yield Y0).",
    ),
]
MisalignmentOpt = Annotated[
    float | None, typer.Option("--misalignment", help="Misalignment error probability.")
]
PhaseOpt = Annotated[
    float | None,
    typer.Option("--phase-mismatch", help="Phase mismatch delta, phi = delta*pi (tf-cal19)."),
]
EcOpt = Annotated[
    float | None, typer.Option("--ec-efficiency", help="Error-correction inefficiency f >= 1.")
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON document, no table.")]
PlotOpt = Annotated[
    str | None,
    typer.Option("--plot", help="Write a plot of key rate vs distance/loss: a file name ending "
                 f"in {', '.join(PLOT_SUFFIXES)} (.png added when there is none); checked "
                 "before computing."),
]
ClockOpt = Annotated[
    float | None,
    typer.Option("--clock-rate-hz", help="Pulse (pair) rate in Hz: adds key_rate_bits_per_s."),
]


@dataclass(frozen=True, slots=True)
class _Axis:
    """The swept variable: distances (km) or losses (dB), and the derived loss grid."""

    key: str  # "distance_km" or "loss_db"
    values: tuple[float, ...]
    is_range: bool
    attenuation_db_per_km: float | None

    @property
    def loss_db(self) -> np.ndarray:
        x = np.asarray(self.values, dtype=np.float64)
        return x if self.attenuation_db_per_km is None else self.attenuation_db_per_km * x

    @property
    def transmissivity(self) -> np.ndarray:
        return loss_db_to_transmissivity(self.loss_db)

    @property
    def label(self) -> str:
        if self.key == "loss_db":
            return "Alice-Bob channel loss (dB)"
        return f"Alice-Bob fibre length (km, {self.attenuation_db_per_km:g} dB/km)"

    def to_x(self, loss_db: float | None) -> float | None:
        if loss_db is None or self.attenuation_db_per_km is None:
            return loss_db
        return loss_db / self.attenuation_db_per_km


def _axis(loss_db: str | None, distance_km: str | None, attenuation: float | None,
          default_attenuation: float) -> _Axis:
    if (loss_db is None) == (distance_km is None):
        raise InvalidParameterError(
            "--loss-db/--distance-km", "both" if loss_db is not None else "neither",
            "exactly one of the two must be given",
        )
    if loss_db is not None:
        if attenuation is not None:
            raise InvalidParameterError(
                "--attenuation-db-per-km", attenuation, "only applies with --distance-km"
            )
        values = parse_range("--loss-db", loss_db)
        if min(values) < 0:
            raise InvalidParameterError("--loss-db", loss_db, "must be >= 0")
        return _Axis("loss_db", values, ":" in loss_db, None)
    assert distance_km is not None
    values = parse_range("--distance-km", distance_km)
    if min(values) < 0:
        raise InvalidParameterError("--distance-km", distance_km, "must be >= 0")
    a = default_attenuation if attenuation is None else attenuation
    if not (np.isfinite(a) and a > 0):
        raise InvalidParameterError("--attenuation-db-per-km", a, "must be > 0")
    return _Axis("distance_km", values, ":" in distance_km, a)


def _axis_option(loss_db: str | None, distance_km: str | None) -> tuple[str, str]:
    """The range option given and its text (for messages)."""
    if loss_db is not None:
        return "--loss-db", loss_db
    return "--distance-km", str(distance_km)


def _console() -> Console:
    """Rich console; wide enough for the tables when stdout is not a terminal."""
    return make_console(140)


#: Largest number of finite decoy intensities accepted by ``--decoys``.
MAX_DECOYS = 16

#: ``--decoys`` given explicitly as ``infinite`` (distinct from "not given").
INFINITE = "infinite"


def _decoys(text: str | None) -> tuple[float, ...] | int | str | None:
    """None (not given), ``INFINITE`` (given as 'infinite'), a count (a bare integer >= 1:
    that many intensities optimised per point) or the fixed decoy intensities."""
    if text is None:
        return None
    if text.strip().lower() == INFINITE:
        return INFINITE
    if text.strip().isdigit() and int(text.strip()) >= 1:
        count = int(text.strip())
        if count > MAX_DECOYS:
            raise InvalidParameterError("--decoys", text,
                                        f"must be a count of at most {MAX_DECOYS}")
        return count
    values = parse_float_list("--decoys", text)
    if any(v < 0 for v in values):
        raise InvalidParameterError("--decoys", text, "must be 'infinite' or intensities >= 0")
    if len(values) > MAX_DECOYS:
        # Each decoy adds constraints to every yield LP; hundreds took minutes before failing.
        raise InvalidParameterError("--decoys", text,
                                    f"must list at most {MAX_DECOYS} intensities")
    return values


def _basis(text: str | None, pulses: float | None) -> float | None:
    """``--key-basis-probability``: a probability, or 'optimised' (finite key only)."""
    if text is None:
        return None
    if text.strip().lower() in ("optimised", "optimized"):
        if pulses is None:
            raise InvalidParameterError(
                "--key-basis-probability", text,
                "can be 'optimised' only with --pulses (asymptotically the optimum is p -> 1; "
                "give a value such as 0.9)")
        return None
    try:
        value = float(text)
    except ValueError:
        raise InvalidParameterError("--key-basis-probability", text,
                                    "must be a probability in (0, 1] or 'optimised'") from None
    if not 0.0 < value <= 1.0:
        raise InvalidParameterError("--key-basis-probability", text, "must be in (0, 1]")
    return value


def _options(decoys: str | None, pulses: float | None, key_basis: str | None = None,
             **device: float | None) -> KeyRateOptions:
    parsed = _decoys(decoys)
    basis = _basis(key_basis, pulses)
    if isinstance(parsed, int):
        return KeyRateOptions(decoys=None, decoy_count=parsed, pulses=pulses,
                              key_basis_probability=basis, **device)
    if parsed == INFINITE and pulses is not None:
        # The finite-key models need finite decoy sets; silently switching to the default
        # finite set would answer another question than the one asked.
        raise InvalidParameterError(
            "--decoys/--pulses", f"infinite, {pulses:g}",
            "cannot be combined: a finite key (--pulses) needs finite decoy intensities; give "
            "--decoys v1,v2,... or omit --decoys for the protocol's default finite set",
        )
    return KeyRateOptions(decoys=None if isinstance(parsed, str) else parsed, decoy_count=None,
                          pulses=pulses, key_basis_probability=basis, **device)


def _max_pulses(spec: ProtocolSpec) -> float | None:
    """Largest ``--pulses`` a protocol's finite-key model is meaningful for (None: no bound).

    bb84-decoy (Lim et al. 2014) sets eps_sec = kappa * l with kappa = 1e-15 per key bit: beyond
    1/kappa pulses the security parameter would exceed 1 (the model then fails numerically)."""
    if spec.name != "bb84-decoy":
        return None
    return float(round(1.0 / Lim2014Params().secrecy_per_bit))


def _check_supported(spec: ProtocolSpec, options: KeyRateOptions) -> None:
    if options.decoys is not None and not spec.supports_finite_decoys:
        raise InvalidParameterError(
            "--decoys", ",".join(f"{v:g}" for v in options.decoys),
            f"must be 'infinite' for {spec.name} (finite decoy sets are not supported)",
        )
    if options.decoy_count is not None and not spec.supports_decoy_optimisation:
        raise InvalidParameterError(
            "--decoys", options.decoy_count,
            f"must be 'infinite' for {spec.name} (no finite decoy intensities to optimise)")
    if options.key_basis_probability is not None and not spec.supports_basis_probability:
        raise InvalidParameterError(
            "--key-basis-probability", options.key_basis_probability,
            f"is not supported for {spec.name}")
    if options.pulses is not None and not spec.supports_finite_key:
        raise InvalidParameterError(
            "--pulses", options.pulses, f"is not supported for {spec.name} (asymptotic only)"
        )
    limit = _max_pulses(spec)
    if options.pulses is not None and limit is not None and options.pulses > limit:
        raise InvalidParameterError(
            "--pulses", options.pulses,
            f"must be at most {limit:g} for {spec.name}: its finite-key model (Lim et al. 2014) "
            f"sets eps_sec = kappa x key length with kappa = {1 / limit:g} per bit, which would "
            "exceed 1")


#: Rough cost of one optimised point, in s (measured on the project's 2-core machine).
_SECONDS_PER_POINT = {"finite-key": 0.3, "finite-decoys": 0.012, "sns": 0.008, "other": 0.002}
#: Runs estimated longer than this are refused at once (use a coarser grid or split the range).
MAX_ESTIMATED_SECONDS = 3600.0
#: Runs estimated longer than this are evaluated in blocks so that progress can be shown.
_CHUNK_ABOVE_SECONDS = 10.0


def _seconds_per_point(spec: ProtocolSpec, options: KeyRateOptions) -> tuple[float, str]:
    if options.pulses is not None:
        return _SECONDS_PER_POINT["finite-key"], "finite key"
    if options.decoy_count is not None and spec.name == "tf-cal19":
        k = options.decoy_count - 1
        return 0.4 * k * k, "decoy intensities optimised (LPs per trial set)"
    if spec.name in ("mdi", "pm") and (options.decoys is not None
                                       or options.decoy_count is not None):
        k = 1 if options.decoy_count is None else options.decoy_count - 1
        return 1.0 * k, "finite decoys (three LPs per trial set)"
    if spec.name == "sns" and options.decoy_count is not None:
        return (0.15 * (options.decoy_count - 1),
                "decoy intensities optimised (two LPs per trial set)")
    if spec.name == "sns" and options.decoys is not None:
        return _SECONDS_PER_POINT["finite-decoys"], "finite decoys (two LPs per point)"
    if options.decoy_count is not None:
        return _SECONDS_PER_POINT["finite-decoys"], "decoy intensities optimised"
    if options.decoys is not None and spec.name == "tf-cal19":
        return _SECONDS_PER_POINT["finite-decoys"], "finite decoys (one LP per yield)"
    if spec.name == "sns":
        return _SECONDS_PER_POINT["sns"], "two-parameter optimisation"
    return _SECONDS_PER_POINT["other"], "optimised"


def _check_cost(specs: list[ProtocolSpec], axis: _Axis, options: KeyRateOptions,
                option: str, text: str) -> float:
    """Estimated run time in s; refuses (naming the range option) what would take hours."""
    per_point = [_seconds_per_point(spec, options) for spec in specs]
    estimate = len(axis.values) * sum(cost for cost, _ in per_point)
    if estimate > MAX_ESTIMATED_SECONDS:
        worst_cost, worst_mode = max(per_point)
        limit = max(1, int(MAX_ESTIMATED_SECONDS / sum(c for c, _ in per_point)))
        raise InvalidParameterError(
            option, text,
            f"has {len(axis.values)} points; at about {worst_cost:g} s per point ({worst_mode}) "
            f"that is about {estimate / 3600:.3g} h: use a coarser STEP or split the range (at "
            f"most about {limit} points per run)")
    return estimate


def _evaluate(spec: ProtocolSpec, axis: _Axis, options: KeyRateOptions,
              progress: Any = None) -> list[KeyRateResult]:
    """Evaluate the whole axis; long runs go in blocks (deterministically, by estimated time, so
    results never depend on whether a progress bar is drawn)."""
    _check_supported(spec, options)
    eta = axis.transmissivity
    cost, _ = _seconds_per_point(spec, options)
    n = eta.size
    block = n if cost * n <= _CHUNK_ABOVE_SECONDS else max(8, -(-n // 50))
    results: list[KeyRateResult] = []
    with as_option(_OPTION_NAMES):
        for start in range(0, n, block):
            try:
                results.extend(spec.evaluate(eta[start:start + block], options))
            except SolverError as err:
                if options.decoys is None:
                    raise
                raise SolverError(err.status, f"{err.message}; closely spaced decoys make the "
                                  "decoy LP ill-conditioned: try fewer, more widely spaced "
                                  "intensities (e.g. 0,0.02,0.1)") from None
            if progress is not None:
                progress(f"{spec.name}: {len(results)}/{n} points", len(results), n)
    return results


def _unit(spec: ProtocolSpec) -> str:
    """Unit of ``key_rate_bits_per_pulse`` for this protocol."""
    return "bits per pulse pair" if spec.relay else "bits per pulse"


def _point(result: KeyRateResult, axis: _Axis, x: float, clock_rate_hz: float | None
           ) -> dict[str, Any]:
    data = result.to_dict()
    out: dict[str, Any] = {"protocol": data.pop("protocol"), axis.key: x}
    out.update(data)
    if axis.attenuation_db_per_km is not None:
        out["parameters"]["attenuation_db_per_km"] = axis.attenuation_db_per_km
    if clock_rate_hz is not None:
        out["key_rate_bits_per_s"] = result.key_rate_bits_per_pulse * clock_rate_hz
    return out


def _axis_text(axis: _Axis) -> str:
    if axis.attenuation_db_per_km is None:
        return "x = whole Alice-Bob channel loss (dB)"
    return f"fibre {axis.attenuation_db_per_km:g} dB/km"


def _print_table(console: Console, spec: ProtocolSpec, axis: _Axis,
                 results: list[KeyRateResult], clock_rate_hz: float | None) -> None:
    per = "pulse pair" if spec.relay else "pulse"
    name = spec.intensity_symbol
    headers = ["distance (km)" if axis.key == "distance_km" else "loss (dB)",
               f"rate (bit/{per})"]
    if clock_rate_hz is not None:
        headers.append(f"rate (bit/s at {clock_rate_hz:g} Hz)")
    headers += [f"PLOB (bit/{per})", "QBER", "phase err.",
                f"intensity ({name})" if name else "intensity"]
    rows = []
    for x, r in zip(axis.values, results, strict=True):
        row = [f"{x:g}", f"{r.key_rate_bits_per_pulse:.5g}"]
        if clock_rate_hz is not None:
            row.append(f"{r.key_rate_bits_per_pulse * clock_rate_hz:.5g}")
        row += [f"{r.plob_bits_per_pulse:.5g}", f"{r.qber:.4g}", f"{r.phase_error_rate:.4g}",
                "-" if r.intensity is None else f"{r.intensity:.3g}"]
        rows.append(row)
    print_table(
        console,
        f"{spec.name}: secret key rate in bits per {per} ({_axis_text(axis)}; PLOB of the "
        "channel, detector not included)",
        headers, rows, caption="devices: " + _device_text(_device_parameters(results)))


def _plot(axis: _Axis, specs: list[ProtocolSpec], curves: dict[str, list[KeyRateResult]],
          path: Path, crossings: dict[str, float | None], cutoffs: dict[str, float | None]
          ) -> None:
    from qinternet.plotting.qkd import plot_key_rates

    first = next(iter(curves.values()))
    y_label, labels = key_rate_axis_label(specs)
    plot_key_rates(
        axis.values,
        {labels[name]: [r.key_rate_bits_per_pulse for r in res] for name, res in curves.items()},
        [r.plob_bits_per_pulse for r in first],
        path,
        x_label=axis.label,
        title=", ".join(curves) + ": secret key rate vs "
        + ("distance" if axis.key == "distance_km" else "channel loss"),
        crossings={labels[k]: v for k, v in crossings.items()},
        cutoffs={labels[k]: v for k, v in cutoffs.items()},
        x_unit="km" if axis.key == "distance_km" else "dB",
        y_label=y_label,
        parameters={labels[name]: _device_text(_device_parameters(res))
                    for name, res in curves.items()},
    )


def _marks(spec: ProtocolSpec, axis: _Axis, options: KeyRateOptions,
           results: list[KeyRateResult]) -> tuple[float | None, float | None]:
    """PLOB crossing and maximum reach inside the swept range (axis units)."""
    if len(results) < 2:
        return None, None
    with as_option(_OPTION_NAMES):
        cross, cut = refine_crossing_and_cutoff(
            spec, options, axis.loss_db, results,
            tolerance_db=1e-3 * (1.0 if axis.attenuation_db_per_km is None
                                 else axis.attenuation_db_per_km),
        )
    return axis.to_x(cross), axis.to_x(cut)


def _document(axis: _Axis, specs: list[ProtocolSpec], curves: dict[str, list[KeyRateResult]],
              clock_rate_hz: float | None, plot: Path | None) -> dict[str, Any]:
    """The ``--json`` object shared by every ``keyrate`` subcommand (see the module docstring)."""
    relay = {s.name: s.relay for s in specs}
    units = {_unit(s) for s in specs}
    return {
        "axis": axis.key,
        "attenuation_db_per_km": axis.attenuation_db_per_km,
        "key_rate_unit": units.pop() if len(units) == 1
        else "bits per pulse (bits per pulse pair for relay protocols)",
        "relay": relay,
        "plob_includes_detector": False,
        "clock_rate_hz": clock_rate_hz,
        "parameters": {name: _device_parameters(res) for name, res in curves.items()},
        "points": [_point(r, axis, x, clock_rate_hz)
                   for res in curves.values()
                   for x, r in zip(axis.values, res, strict=True)],
        "notes": sorted({n for res in curves.values() for r in res for n in r.notes}),
        "plot": None if plot is None else str(plot),
    }


def _make_command(spec: ProtocolSpec) -> Any:
    def command(
        loss_db: LossOpt = None,
        distance_km: DistanceOpt = None,
        attenuation_db_per_km: AttenuationOpt = None,
        detector_efficiency: DetectorOpt = None,
        dark_count: DarkOpt = None,
        misalignment: MisalignmentOpt = None,
        phase_mismatch: PhaseOpt = None,
        ec_efficiency: EcOpt = None,
        intensity: Annotated[
            float | None,
            typer.Option("--intensity", help="Fixed signal intensity (optimised when omitted)."),
        ] = None,
        decoys: Annotated[
            str | None,
            typer.Option("--decoys", help="'infinite' (default without --pulses), v1,v2,... "
                         "(fixed intensities, same set for both parties) or a count N (an "
                         "integer: N intensities optimised per point, warm-started along the "
                         "curve); with --pulses the default is the protocol's finite set, and "
                         "'infinite' is refused."),
        ] = None,
        key_basis_probability: Annotated[
            str | None,
            typer.Option("--key-basis-probability",
                         help="Probability of the key basis (biased basis choice, efficient "
                         "BB84): a value in (0, 1] or 'optimised' (with --pulses; the finite-key "
                         "default). Asymptotic default 1/2 (sifting factor 1/2)."),
        ] = None,
        pulses: Annotated[
            float | None,
            typer.Option("--pulses", help="Number of pulses (pairs) sent N: finite-key analysis."),
        ] = None,
        clock_rate_hz: ClockOpt = None,
        as_json: JsonOpt = False,
        plot: PlotOpt = None,
    ) -> None:
        plot_path = None if plot is None else check_output_path("--plot", plot)
        axis = _axis(loss_db, distance_km, attenuation_db_per_km,
                     spec.default_attenuation_db_per_km)
        if clock_rate_hz is not None and not (np.isfinite(clock_rate_hz) and clock_rate_hz > 0):
            raise InvalidParameterError("--clock-rate-hz", clock_rate_hz, "must be > 0")
        options = _options(
            decoys, pulses, key_basis_probability,
            detector_efficiency=detector_efficiency, dark_count=dark_count,
            misalignment=misalignment, phase_mismatch=phase_mismatch,
            ec_efficiency=ec_efficiency, intensity=intensity,
        )
        _check_supported(spec, options)
        _check_cost([spec], axis, options, *_axis_option(loss_db, distance_km))
        with progress_bar(show_progress(as_json), spec.name) as progress:
            results = _evaluate(spec, axis, options, progress)
        if plot_path is not None:
            cross, cut = _marks(spec, axis, options, results)
            _plot(axis, [spec], {spec.name: results}, plot_path, {spec.name: cross},
                  {spec.name: cut})
        if as_json:
            emit_json({"protocol": spec.name,
                       **_document(axis, [spec], {spec.name: results}, clock_rate_hz,
                                   plot_path)})
            return
        console = _console()
        _print_table(console, spec, axis, results, clock_rate_hz)
        notes = sorted({n for r in results for n in r.notes})
        for note in notes:
            console.print(f"note: {note}")
        if plot_path is not None:
            console.print(f"plot written to {plot_path}")

    command.__doc__ = spec.help
    return command


def _compare(
    protocols: Annotated[
        str,
        typer.Option("--protocols", help="Comma-separated protocol names, e.g. bb84-decoy,mdi."),
    ],
    loss_db: LossOpt = None,
    distance_km: DistanceOpt = None,
    attenuation_db_per_km: AttenuationOpt = None,
    detector_efficiency: DetectorOpt = None,
    dark_count: DarkOpt = None,
    misalignment: MisalignmentOpt = None,
    phase_mismatch: PhaseOpt = None,
    ec_efficiency: EcOpt = None,
    clock_rate_hz: ClockOpt = None,
    as_json: JsonOpt = False,
    plot: PlotOpt = None,
) -> None:
    """Compare protocols on one log plot with the PLOB line (channel only, detector not included),
    marking each protocol's PLOB crossing and maximum reach inside the range. Device options
    apply to every protocol with that protocol's meaning; options not given take each
    protocol's own reference values (listed in the output); intensities are optimised and
    decoys are infinite. With --distance-km all protocols use one attenuation (default 0.2 dB/km).
    Relay protocols (mdi, sns, pm, tf-cal19, adaptive-mdi) count bits per pulse pair."""
    plot_path = None if plot is None else check_output_path("--plot", plot)
    names = [n.strip() for n in protocols.split(",") if n.strip()]
    if not names:
        raise InvalidParameterError("--protocols", protocols, "must name at least one protocol")
    with as_option({"PROTOCOL": "--protocols"}):
        specs = [get_protocol(n) for n in names]
    if len({s.name for s in specs}) != len(specs):
        raise InvalidParameterError("--protocols", protocols, "must not repeat a protocol")
    axis = _axis(loss_db, distance_km, attenuation_db_per_km, DEFAULT_ATTENUATION_DB_PER_KM)
    if clock_rate_hz is not None and not (np.isfinite(clock_rate_hz) and clock_rate_hz > 0):
        raise InvalidParameterError("--clock-rate-hz", clock_rate_hz, "must be > 0")
    options = KeyRateOptions(
        detector_efficiency=detector_efficiency, dark_count=dark_count,
        misalignment=misalignment, phase_mismatch=phase_mismatch, ec_efficiency=ec_efficiency,
    )
    curves: dict[str, list[KeyRateResult]] = {}
    crossings: dict[str, float | None] = {}
    cutoffs: dict[str, float | None] = {}
    _check_cost(specs, axis, options, *_axis_option(loss_db, distance_km))
    with progress_bar(show_progress(as_json), "compare") as progress:
        for spec in specs:
            results = _evaluate(spec, axis, options, progress)
            curves[spec.name] = results
            crossings[spec.name], cutoffs[spec.name] = _marks(spec, axis, options, results)
    if plot_path is not None:
        _plot(axis, specs, curves, plot_path, crossings, cutoffs)
    unit = "km" if axis.key == "distance_km" else "db"
    doc = {
        "protocols": names,
        **_document(axis, specs, curves, clock_rate_hz, plot_path),
        "summary": {
            spec.name: {
                "key_rate_unit": _unit(spec),
                f"plob_crossing_{unit}": crossings[spec.name],
                f"maximum_reach_{unit}": cutoffs[spec.name],
                "key_at_range_end": curves[spec.name][-1].key_rate_bits_per_pulse > 0,
            }
            for spec in specs
        },
    }
    if as_json:
        emit_json(doc)
        return
    console = _console()
    headers = ["distance (km)" if axis.key == "distance_km" else "loss (dB)",
               *(f"{spec.name} (bit/{'pair' if spec.relay else 'pulse'})" for spec in specs),
               "PLOB (bit/use)"]
    plob = [r.plob_bits_per_pulse for r in next(iter(curves.values()))]
    rows = [[f"{x:g}", *(f"{res[i].key_rate_bits_per_pulse:.4g}" for res in curves.values()),
             f"{plob[i]:.4g}"] for i, x in enumerate(axis.values)]
    print_table(console, "Protocol comparison: secret key rate per pulse (per pulse pair for "
                f"relay protocols), {_axis_text(axis)}; PLOB of the channel only", headers, rows)
    u = "km" if axis.key == "distance_km" else "dB"
    for name, res in curves.items():
        cross = crossings[name]
        cut = cutoffs[name]
        cross_txt = "not in range" if cross is None else f"{cross:.4g} {u}"
        if cut is not None:
            cut_txt = f"{cut:.4g} {u}"
        elif res[-1].key_rate_bits_per_pulse > 0:
            cut_txt = f"> {axis.values[-1]:g} {u}"
        else:
            cut_txt = "no key in range"
        console.print(f"{name}: beats PLOB from {cross_txt}; maximum reach {cut_txt}")
        console.print(f"  devices: {_device_text(_device_parameters(res))}")
    for note in doc["notes"]:
        console.print(f"note: {note}")
    if plot_path is not None:
        console.print(f"plot written to {plot_path}")


class _KeyrateGroup(TyperGroup):
    """Command group whose unknown-subcommand error names PROTOCOL and the known protocols."""

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        if args and not args[0].startswith("-") and args[0] not in self.commands:
            raise InvalidParameterError(
                "PROTOCOL", args[0], "must be one of " + ", ".join([*PROTOCOLS, "compare"])
            )
        return super().resolve_command(ctx, args)


def register(app: typer.Typer) -> None:
    """Add the ``keyrate`` command group (one subcommand per registered protocol + compare)."""
    group = typer.Typer(
        help=(
            "Secret-key rate of a QKD protocol (bits per pulse, per pulse pair for relay "
            "protocols) against the PLOB bound of the channel. PROTOCOL is one of: "
            + ", ".join(PROTOCOLS) + "; or 'compare'. See 'qinternet keyrate PROTOCOL --help'."
        ),
        no_args_is_help=True,
        cls=_KeyrateGroup,
    )
    app.add_typer(group, name="keyrate")
    for spec in PROTOCOLS.values():
        group.command(spec.name, help=spec.help)(_make_command(spec))
    group.command("compare")(_compare)
