"""Text shared by the QKD outputs (``keyrate`` and the demo): device parameters and units."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from qinternet.qkd.options import ProtocolSpec
from qinternet.qkd.results import KeyRateResult

__all__ = ["device_parameters", "device_text", "key_rate_axis_label"]

#: Parameter-name prefixes of the device (and protocol-setting) parameters that are echoed in
#: table captions, plot footnotes and the top-level ``parameters`` of the JSON.
_DEVICE_PREFIXES = (
    "background_yield", "dark_count", "misalignment",
    "polarisation_misalignment", "phase_mismatch", "sifting_factor",
    "afterpulse", "modes_m", "p_bsm", "phase_slices", "user_source", "pair_source", "decoys",
    "pulses", "finite_key_model",
)


def device_parameters(results: Sequence[KeyRateResult]) -> dict[str, Any]:
    """The device parameters used (defaults resolved), from the first point."""
    first = results[0].to_dict()
    extras = {k: v for k, v in first["parameters"].items()
              if k.startswith(_DEVICE_PREFIXES) and v is not None}
    return {"detector_efficiency": first["detector_efficiency"], **extras,
            "ec_efficiency": first["ec_efficiency"]}


def device_text(params: dict[str, Any]) -> str:
    """``name value, ...`` of :func:`device_parameters`.

    >>> device_text({"dark_count_probability": 3e-06, "decoys": "infinite"})
    'dark_count_probability 3e-06, decoys infinite'
    """
    def fmt(v: Any) -> str:
        return f"{v:g}" if isinstance(v, float) and not isinstance(v, bool) else str(v)

    return ", ".join(f"{k} {fmt(v)}" for k, v in params.items())


def key_rate_axis_label(specs: Sequence[ProtocolSpec]) -> tuple[str, dict[str, str]]:
    """Key-rate axis label with its unit and legend labels (relay protocols: per pulse pair)."""
    relay = [s.name for s in specs if s.relay]
    if not relay:
        label = "secret key rate (bits per pulse)"
    elif len(relay) == len(specs):
        label = "secret key rate (bits per pulse pair)"
    else:
        label = "secret key rate (bits per pulse; per pulse pair for relay protocols)"
    mixed = 0 < len(relay) < len(specs)
    names = {s.name: s.name + (" (per pulse pair)" if s.relay and mixed else "") for s in specs}
    return label, names
