"""``qinternet channel MODEL``: two-way capacity bounds of one point-to-point channel."""

from __future__ import annotations

import dataclasses
import inspect
import typing
from collections.abc import Callable
from typing import Annotated, Any

import typer
from rich.table import Table

from qinternet.channels import models
from qinternet.channels.models import CHANNEL_MODELS, Channel
from qinternet.cli._common import (
    as_option,
    emit_json,
    integer_parser,
    make_console,
    option_names,
    parse_float_list,
)
from qinternet.constants import DEFAULT_ATTENUATION_DB_PER_KM
from qinternet.errors import InvalidParameterError

__all__ = ["register"]

JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON object instead of a table.")]

_OPTION_NAMES = option_names(
    "transmissivity", "length_km", "attenuation_db_per_km", "mean_photons", "gain", "variance",
    "p", "dimension", "gamma", "probabilities", "phase_flip_probabilities", "transmissivities",
    "bandwidth_uses_per_s")


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
    "phase_flip_probabilities": "probabilities (0 .. d-1 phase flips)",
    "transmissivities": "dimensionless (eta per band)",
    "bandwidth_uses_per_s": "channel uses per second",
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


#: Help of each generated command (the model's one-line summary).
_COMMAND_HELP = {
    "thermal-loss": "Thermal-loss channel: PLOB upper bound and reverse-coherent-information "
                    "lower bound.",
    "amplifier": "Phase-insensitive amplifier (quantum-limited when --mean-photons is 0).",
    "additive-noise": "Additive Gaussian noise channel.",
    "depolarizing": "Depolarizing channel rho -> (1-p) rho + p I/d (isotropic Choi-state "
                    "bounds).",
    "dephasing": "Qubit dephasing channel (exact capacity 1 - H2(p)).",
    "qudit-dephasing": "Qudit dephasing channel (exact capacity log2 d - H(p)).",
    "erasure": "Qudit erasure channel (exact capacity (1-p) log2 d).",
    "amplitude-damping": "Amplitude damping: upper min(1, -log2 gamma), lower max(RCI, coherent "
                         "information).",
    "pauli": "Qubit Pauli channel: PLOB upper bound and hashing lower bound.",
    "multiband": "Parallel pure-loss bands: sum of the PLOB capacities (exact); per second with "
                 "--bandwidth-uses-per-s.",
}

#: Help of each option: (model, field) first, then the field alone.
_OPTION_HELP = {
    ("thermal-loss", "transmissivity"): "Transmissivity eta in [0, 1).",
    ("thermal-loss", "mean_photons"): "Thermal photon number nbar >= 0.",
    ("amplifier", "mean_photons"): "Thermal photon number nbar >= 0 (0 = quantum limited).",
    ("depolarizing", "p"): "p in [0, 1]: rho -> (1-p) rho + p I/d.",
    ("dephasing", "p"): "p in [0, 1]: rho -> (1-p) rho + p Z rho Z.",
    ("erasure", "p"): "Erasure probability p in [0, 1].",
    "gain": "Gain G > 1.",
    "variance": "Noise variance xi > 0.",
    "gamma": "Damping probability gamma in [0, 1] (eta = 1 - gamma).",
    "probabilities": "p0,p1,p2,p3 (no error, X, Y, Z), summing to 1.",
    "phase_flip_probabilities": "p0,p1,...,p(d-1): probabilities of 0..d-1 phase flips "
                                "(d >= 2 entries), summing to 1.",
    "transmissivities": "eta1,eta2,...: transmissivity of each band, each in [0, 1).",
    "bandwidth_uses_per_s": "Channel uses per second of each band (> 0).",
}

#: Fixed length of a list-valued field (None: any length the model accepts).
_LIST_LENGTH = {"probabilities": 4}


def _option(model: str, field: dataclasses.Field[Any], hint: Any) -> inspect.Parameter:
    """The typer option of one dataclass field (``--field-name``), required without default."""
    help_text = _OPTION_HELP.get((model, field.name), _OPTION_HELP.get(field.name, ""))
    default = inspect.Parameter.empty if field.default is dataclasses.MISSING else field.default
    if field.name == "dimension":
        annotation: Any = DimensionOpt
    elif typing.get_origin(hint) is tuple:
        annotation = Annotated[str, typer.Option(help=help_text)]
    else:
        annotation = Annotated[float, typer.Option(help=help_text)]
    return inspect.Parameter(field.name, inspect.Parameter.KEYWORD_ONLY, default=default,
                             annotation=annotation)


def _channel_command(model: str, cls: type[Channel]) -> Callable[..., None]:
    """A ``channel MODEL`` command whose options are the fields of the model's dataclass."""
    hints = typing.get_type_hints(cls)
    fields = [f for f in dataclasses.fields(cls) if f.init]  # type: ignore[arg-type]
    lists = {f.name for f in fields if typing.get_origin(hints[f.name]) is tuple}

    def command(as_json: bool = False, **values: Any) -> None:
        with as_option(_OPTION_NAMES):
            kwargs = {
                name: parse_float_list("--" + name.replace("_", "-"), value,
                                       length=_LIST_LENGTH.get(name))
                if name in lists else value
                for name, value in values.items()
            }
            ch = cls(**kwargs)
        _report(ch, as_json)

    params = [_option(model, f, hints[f.name]) for f in fields]
    params.append(inspect.Parameter("as_json", inspect.Parameter.KEYWORD_ONLY, default=False,
                                    annotation=JsonOpt))
    command.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
    command.__annotations__ = {p.name: p.annotation for p in params}
    command.__doc__ = _COMMAND_HELP[model]
    command.__name__ = model.replace("-", "_")
    return command


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

    for model, cls in CHANNEL_MODELS.items():
        if model != "pure-loss":  # by transmissivity or by fibre length, above
            group.command(model)(_channel_command(model, cls))
