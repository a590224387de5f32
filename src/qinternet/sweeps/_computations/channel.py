"""``computation = "channel"``: two-way capacity bounds of one point-to-point channel.

Parameters are those of ``qinternet channel MODEL`` (``model`` is the MODEL argument);
``pure-loss`` takes ``transmissivity`` or ``length_km`` (+ ``attenuation_db_per_km``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from qinternet.errors import InvalidParameterError
from qinternet.sweeps._computation import (
    Output,
    Parameter,
    choice,
    computation,
    integer,
    number,
    numbers,
)

__all__ = ["COMPUTATION"]

#: Models of ``qinternet channel``.
MODELS = ("pure-loss", "thermal-loss", "amplifier", "additive-noise", "depolarizing",
          "dephasing", "erasure", "amplitude-damping", "pauli")

_PARAMETERS: tuple[Parameter, ...] = (
    choice("model", "channel model (the MODEL of `qinternet channel MODEL`)", MODELS),
    number("transmissivity", "transmissivity eta in [0, 1)", minimum=0.0, maximum=1.0),
    number("length_km", "pure-loss fibre length in km (> 0)", minimum=0.0, strict_minimum=True),
    number("attenuation_db_per_km", "fibre attenuation in dB/km (with length_km)",
           minimum=0.0),
    number("mean_photons", "thermal photon number nbar >= 0", minimum=0.0),
    number("gain", "amplifier gain G > 1", minimum=1.0, strict_minimum=True),
    number("variance", "additive noise variance xi > 0", minimum=0.0, strict_minimum=True),
    number("p", "depolarizing / dephasing / erasure probability in [0, 1]", minimum=0.0,
           maximum=1.0),
    integer("dimension", "Hilbert-space dimension d >= 2", minimum=2, maximum=2**31),
    number("gamma", "amplitude-damping probability in [0, 1]", minimum=0.0, maximum=1.0),
    numbers("probabilities", "Pauli probabilities p0, pX, pY, pZ (summing to 1)", minimum=0.0),
)

_OUTPUTS = (
    Output(name="upper_ebits_per_use", kind="float",
           help="upper bound on the two-way capacity, ebits per channel use"),
    Output(name="lower_ebits_per_use", kind="float",
           help="achievable rate (lower bound), ebits per channel use"),
    Output(name="exact", kind="bool", help="true when the capacity is known (bounds meet)"),
)


def _build(point: Mapping[str, Any]) -> Any:
    from qinternet.channels.models import channel_from_params, fibre_link

    if "model" not in point:
        raise InvalidParameterError("model", None, "is required (e.g. \"pure-loss\")")
    model = point["model"]
    params = {k: v for k, v in point.items() if k not in ("model", "seed")}
    if model == "pure-loss" and "length_km" in params:
        if "transmissivity" in params:
            raise InvalidParameterError("transmissivity/length_km", "both",
                                        "give exactly one of the two")
        return fibre_link(params.pop("length_km"), **params)
    if "attenuation_db_per_km" in params:
        raise InvalidParameterError("attenuation_db_per_km", params["attenuation_db_per_km"],
                                    "only applies to model pure-loss with length_km")
    return channel_from_params(model, params)


def _check(point: Mapping[str, Any]) -> None:
    _build(point)  # cheap: constructing a model validates it


def _evaluate(point: Mapping[str, Any], seed: int) -> dict[str, Any]:
    channel = _build(point)
    return {"upper_ebits_per_use": float(channel.upper_ebits_per_use),
            "lower_ebits_per_use": float(channel.lower_ebits_per_use),
            "exact": bool(channel.exact)}


#: The ``channel`` computation.
COMPUTATION = computation(
    "channel", "two-way capacity bounds of a point-to-point channel (qinternet channel)",
    parameters=_PARAMETERS, outputs=_OUTPUTS, check=_check, evaluate=_evaluate)
