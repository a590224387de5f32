"""``qinternet channel MODEL``: two-way capacity bounds of one point-to-point channel."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.table import Table

from qinternet.channels import models
from qinternet.channels.models import Channel
from qinternet.cli._common import (
    as_option,
    emit_json,
    integer_parser,
    make_console,
    parse_float_list,
)
from qinternet.constants import DEFAULT_ATTENUATION_DB_PER_KM
from qinternet.errors import InvalidParameterError

__all__ = ["register"]

JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON object instead of a table.")]

_OPTION_NAMES = {
    "transmissivity": "--transmissivity",
    "length_km": "--length-km",
    "attenuation_db_per_km": "--attenuation-db-per-km",
    "mean_photons": "--mean-photons",
    "gain": "--gain",
    "variance": "--variance",
    "p": "--p",
    "dimension": "--dimension",
    "gamma": "--gamma",
    "probabilities": "--probabilities",
}


#: Unit (or meaning) of every input echoed by a channel model.
_PLAIN_UNITS = {
    "length_km": "km",
    "attenuation_db_per_km": "dB/km",
    "transmissivity": "dimensionless (eta)",
    "mean_photons": "thermal photons (nbar)",
    "gain": "dimensionless (G)",
    "variance": "shot-noise units (xi)",
    "p": "probability",
    "dimension": "Hilbert-space dimension",
    "gamma": "probability (damping)",
    "probabilities": "probabilities (p0, pX, pY, pZ)",
}

#: Largest ``--dimension``: the depolarizing bounds evaluate log2(d^2 - 1) with d^2 in 64-bit
#: integer arithmetic, so d^2 must stay below 2^63.
MAX_DIMENSION = 2**31

DimensionOpt = Annotated[int, typer.Option(
    help="Dimension d, an integer in [2, 2^31] (1e3 accepted).",
    parser=integer_parser("--dimension", minimum=2, maximum=MAX_DIMENSION))]


def _report(channel: Channel, as_json: bool, extra: dict[str, Any] | None = None) -> None:
    data = channel.to_dict()
    if extra:
        data.update(extra)
    if as_json:
        emit_json(data)
        return
    table = Table(title=f"{data['model']} channel: two-way capacity (ebits per channel use)")
    table.add_column("quantity")
    table.add_column("value", justify="right")
    table.add_column("unit")
    for key, value in data.items():
        if key == "model":
            continue
        if key.endswith("_ebits_per_use"):
            table.add_row(key.removesuffix("_ebits_per_use").replace("_", " "),
                          f"{value:.10g}", "ebits per channel use")
        elif isinstance(value, bool):
            status = ("capacity known (distillable family)" if value
                      else "bounds only (not a distillable family)")
            table.add_row(key, str(value).lower(), status)
        elif isinstance(value, int | float):
            table.add_row(key, f"{value:.10g}", _PLAIN_UNITS.get(key, "dimensionless"))
        elif isinstance(value, list):
            table.add_row(key, ",".join(f"{v:.10g}" for v in value),
                          _PLAIN_UNITS.get(key, "dimensionless"))
    make_console(100).print(table)


def register(app: typer.Typer) -> None:
    """Add the ``channel`` command group to ``app``."""
    group = typer.Typer(
        help="Two-way capacity bounds of a point-to-point channel (ebits per channel use).",
        no_args_is_help=True,
    )
    app.add_typer(group, name="channel")

    @group.command("pure-loss")
    def pure_loss(
        transmissivity: Annotated[
            float | None, typer.Option(help="Transmissivity eta in [0, 1).")
        ] = None,
        length_km: Annotated[float | None, typer.Option(help="Fibre length in km (> 0).")] = None,
        attenuation_db_per_km: Annotated[
            float, typer.Option(help="Fibre attenuation in dB/km (with --length-km).")
        ] = DEFAULT_ATTENUATION_DB_PER_KM,
        as_json: JsonOpt = False,
    ) -> None:
        """Pure-loss channel / optical fibre: PLOB capacity (exact) and the TGW bound."""
        with as_option(_OPTION_NAMES):
            if (transmissivity is None) == (length_km is None):
                raise InvalidParameterError(
                    "--transmissivity/--length-km",
                    "both" if transmissivity is not None else "neither",
                    "exactly one of the two must be given",
                )
            extra: dict[str, Any] = {}
            if length_km is not None:
                if length_km <= 0:
                    raise InvalidParameterError(
                        "--length-km", length_km, "must be > 0 (capacity is infinite at 0 km)"
                    )
                ch: Channel = models.fibre_link(length_km, attenuation_db_per_km)
                extra = {"length_km": length_km, "attenuation_db_per_km": attenuation_db_per_km}
            else:
                assert transmissivity is not None
                ch = models.PureLossChannel(transmissivity=transmissivity)
        _report(ch, as_json, extra)

    @group.command("thermal-loss")
    def thermal_loss(
        transmissivity: Annotated[float, typer.Option(help="Transmissivity eta in [0, 1).")],
        mean_photons: Annotated[float, typer.Option(help="Thermal photon number nbar >= 0.")],
        as_json: JsonOpt = False,
    ) -> None:
        """Thermal-loss channel: PLOB upper bound and reverse-coherent-information lower bound."""
        with as_option(_OPTION_NAMES):
            ch = models.ThermalLossChannel(transmissivity=transmissivity, mean_photons=mean_photons)
        _report(ch, as_json)

    @group.command("amplifier")
    def amplifier(
        gain: Annotated[float, typer.Option(help="Gain G > 1.")],
        mean_photons: Annotated[
            float, typer.Option(help="Thermal photon number nbar >= 0 (0 = quantum limited).")
        ] = 0.0,
        as_json: JsonOpt = False,
    ) -> None:
        """Phase-insensitive amplifier (quantum-limited when --mean-photons is 0)."""
        with as_option(_OPTION_NAMES):
            ch = models.AmplifierChannel(gain=gain, mean_photons=mean_photons)
        _report(ch, as_json)

    @group.command("additive-noise")
    def additive_noise(
        variance: Annotated[float, typer.Option(help="Noise variance xi > 0.")],
        as_json: JsonOpt = False,
    ) -> None:
        """Additive Gaussian noise channel."""
        with as_option(_OPTION_NAMES):
            ch = models.AdditiveNoiseChannel(variance=variance)
        _report(ch, as_json)

    @group.command("depolarizing")
    def depolarizing(
        p: Annotated[float, typer.Option("--p", help="p in [0, 1]: rho -> (1-p) rho + p I/d.")],
        dimension: DimensionOpt = 2,
        as_json: JsonOpt = False,
    ) -> None:
        """Depolarizing channel rho -> (1-p) rho + p I/d (isotropic Choi-state bounds)."""
        with as_option(_OPTION_NAMES):
            ch = models.DepolarizingChannel(p=p, dimension=dimension)
        _report(ch, as_json)

    @group.command("dephasing")
    def dephasing(
        p: Annotated[float, typer.Option("--p", help="p in [0, 1]: rho -> (1-p) rho + p Z rho Z.")],
        as_json: JsonOpt = False,
    ) -> None:
        """Qubit dephasing channel (exact capacity 1 - H2(p))."""
        with as_option(_OPTION_NAMES):
            ch = models.DephasingChannel(p=p)
        _report(ch, as_json)

    @group.command("erasure")
    def erasure(
        p: Annotated[float, typer.Option("--p", help="Erasure probability p in [0, 1].")],
        dimension: DimensionOpt = 2,
        as_json: JsonOpt = False,
    ) -> None:
        """Qudit erasure channel (exact capacity (1-p) log2 d)."""
        with as_option(_OPTION_NAMES):
            ch = models.ErasureChannel(p=p, dimension=dimension)
        _report(ch, as_json)

    @group.command("amplitude-damping")
    def amplitude_damping(
        gamma: Annotated[
            float, typer.Option(help="Damping probability gamma in [0, 1] (eta = 1 - gamma).")
        ],
        as_json: JsonOpt = False,
    ) -> None:
        """Amplitude damping: upper min(1, -log2 gamma), lower max(RCI, coherent information)."""
        with as_option(_OPTION_NAMES):
            ch = models.AmplitudeDampingChannel(gamma=gamma)
        _report(ch, as_json)

    @group.command("pauli")
    def pauli(
        probabilities: Annotated[
            str, typer.Option(help="p0,p1,p2,p3 (no error, X, Y, Z), summing to 1.")
        ],
        as_json: JsonOpt = False,
    ) -> None:
        """Qubit Pauli channel: PLOB upper bound and hashing lower bound."""
        with as_option(_OPTION_NAMES):
            values = parse_float_list("--probabilities", probabilities, length=4)
            ch = models.PauliChannel(probabilities=values)  # type: ignore[arg-type]
        _report(ch, as_json)
