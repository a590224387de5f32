"""Point-to-point channel models as frozen dataclasses, validated on construction.

Every model exposes ``upper_ebits_per_use``, ``lower_ebits_per_use`` (two-way assisted
capacities, ebits per channel use) and ``exact`` (true exactly when the two coincide, i.e. the
capacity is known), plus ``model`` (its CLI name) and ``to_dict()`` (the CLI JSON keys).
The bosonic models live in :mod:`qinternet.channels.bosonic`, the qubit/qudit ones in
:mod:`qinternet.channels.discrete`; this module gathers them and builds them by name.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from qinternet._validation import require_int
from qinternet.channels._base import Channel, _Bounds
from qinternet.channels.bosonic import (
    AdditiveNoiseChannel,
    AmplifierChannel,
    MultibandChannel,
    PureLossChannel,
    ThermalLossChannel,
    fibre_link,
)
from qinternet.channels.discrete import (
    AmplitudeDampingChannel,
    DephasingChannel,
    DepolarizingChannel,
    ErasureChannel,
    PauliChannel,
    QuditDephasingChannel,
)
from qinternet.errors import InvalidParameterError

__all__ = [
    "AdditiveNoiseChannel",
    "AmplifierChannel",
    "AmplitudeDampingChannel",
    "CHANNEL_MODELS",
    "Channel",
    "DephasingChannel",
    "DepolarizingChannel",
    "ErasureChannel",
    "MultibandChannel",
    "PauliChannel",
    "PureLossChannel",
    "QuditDephasingChannel",
    "ThermalLossChannel",
    "channel_from_params",
    "fibre_link",
]


_FACTORIES: dict[str, tuple[type[_Bounds], frozenset[str]]] = {
    "pure-loss": (PureLossChannel, frozenset({"transmissivity"})),
    "thermal-loss": (ThermalLossChannel, frozenset({"transmissivity", "mean_photons"})),
    "amplifier": (AmplifierChannel, frozenset({"gain", "mean_photons"})),
    "additive-noise": (AdditiveNoiseChannel, frozenset({"variance"})),
    "pauli": (PauliChannel, frozenset({"probabilities"})),
    "depolarizing": (DepolarizingChannel, frozenset({"p", "dimension"})),
    "dephasing": (DephasingChannel, frozenset({"p"})),
    "qudit-dephasing": (QuditDephasingChannel, frozenset({"phase_flip_probabilities"})),
    "erasure": (ErasureChannel, frozenset({"p", "dimension"})),
    "amplitude-damping": (AmplitudeDampingChannel, frozenset({"gamma"})),
    "multiband": (MultibandChannel, frozenset({"transmissivities", "bandwidth_uses_per_s"})),
}


#: CLI name -> model class: the registry of ``qinternet channel MODEL`` and of the network
#: loaders' ``channel`` attribute (the dataclass fields are the parameters).
CHANNEL_MODELS: Mapping[str, type[_Bounds]] = {name: cls for name, (cls, _) in _FACTORIES.items()}


def channel_from_params(model: str, params: Mapping[str, Any]) -> Channel:
    """Build a channel from its CLI model name and parameters (snake_case keys).

    Used by the network loaders for links with a ``channel`` attribute. List-valued parameters
    (``probabilities``) may be given as sequences or as comma-separated strings.

    Raises
    ------
    InvalidParameterError
        Unknown model, unknown or missing parameter, or a value outside its domain.

    Examples
    --------
    >>> channel_from_params("erasure", {"p": 0.25, "dimension": 3}).exact
    True
    """
    if model not in _FACTORIES:
        raise InvalidParameterError(
            "channel", model, "must be one of " + ", ".join(sorted(_FACTORIES))
        )
    cls, allowed = _FACTORIES[model]
    unknown = set(params) - allowed
    if unknown:
        name = sorted(unknown)[0]
        raise InvalidParameterError(
            name, params[name], f"is not a parameter of the {model} channel "
            f"(allowed: {', '.join(sorted(allowed))})"
        )
    kwargs: dict[str, Any] = {}
    for key, value in params.items():
        if key in {"probabilities", "phase_flip_probabilities", "transmissivities"}:
            if isinstance(value, str):
                try:
                    value = tuple(float(v) for v in value.split(","))
                except ValueError:
                    raise InvalidParameterError(
                        key, value, "must be a comma-separated list of numbers"
                    ) from None
            else:
                value = tuple(float(v) for v in value)
        elif key == "dimension":
            value = require_int(
                "dimension", _to_int(value) if isinstance(value, str) else value
            )
        else:
            try:
                value = float(value)
            except (TypeError, ValueError):
                raise InvalidParameterError(key, value, "must be a number") from None
        kwargs[key] = value
    try:
        return cls(**kwargs)
    except TypeError as err:  # missing required parameter
        missing = sorted(allowed - set(params))
        raise InvalidParameterError(
            missing[0] if missing else "channel", None, f"is required for the {model} channel"
        ) from err


def _to_int(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise InvalidParameterError("dimension", text, "must be an integer") from None
