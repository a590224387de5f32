"""Result type of every key-rate model."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["KeyRateResult"]

ParamValue = float | int | str | bool | None


@dataclass(frozen=True, slots=True, kw_only=True)
class KeyRateResult:
    """Key rate of one protocol at one channel transmissivity.

    ``to_dict`` gives the keys of the CLI ``--json`` contract (the CLI adds ``distance_km`` or
    ``loss_db`` and, with a clock rate, ``key_rate_bits_per_s``).
    """

    #: CLI name of the protocol (``"bb84-decoy"``, ``"mdi"``, ``"tf-cal19"``, ...).
    protocol: str
    #: Alice–Bob channel transmissivity, detector not included.
    channel_transmissivity: float
    #: Secret key rate in bits per pulse (per pulse pair for relay protocols); 0 when none.
    key_rate_bits_per_pulse: float
    #: PLOB bound -log2(1 - eta) of the channel (detector not included), bits per pulse.
    plob_bits_per_pulse: float
    #: Error rate of the key basis (see each protocol).
    qber: float
    #: Upper bound on the phase-error rate used in privacy amplification.
    phase_error_rate: float
    #: Detection efficiency used, in (0, 1]: Bob's whole detection (BB84), each detector at the
    #: relay (MDI, twin-field). Not part of ``channel_transmissivity`` nor of the PLOB bound.
    detector_efficiency: float
    #: Error-correction inefficiency f >= 1 used.
    ec_efficiency: float
    #: Signal intensity (mean photon number per pulse of each sender, the ``intensity`` option):
    #: mu (BB84, MDI, PM; mu1 with finite key), mu_z (SNS), |alpha|^2 (CAL19); None for a
    #: protocol without coherent-state signals (adaptive MDI).
    intensity: float | None
    #: True when ``intensity`` was optimised at this point (not fixed by the caller).
    intensity_optimised: bool
    #: The protocol's own extras (decoys, gains, yields, device parameters other than the
    #: fields above), one spelling across protocols (``total_transmissivity`` = channel x
    #: detector, ``arm_transmissivity``, ``dark_count_probability``, ``misalignment_e_d``).
    parameters: Mapping[str, ParamValue] = field(default_factory=dict)
    #: Labels such as ``"interim finite-key model FK-v0"`` or ``"restricted-attack"``.
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict (plain floats; NaN and infinities become None)."""
        return {
            "protocol": self.protocol,
            "key_rate_bits_per_pulse": _clean(self.key_rate_bits_per_pulse),
            "plob_bits_per_pulse": _clean(self.plob_bits_per_pulse),
            "qber": _clean(self.qber),
            "phase_error_rate": _clean(self.phase_error_rate),
            "channel_transmissivity": _clean(self.channel_transmissivity),
            "detector_efficiency": _clean(self.detector_efficiency),
            "ec_efficiency": _clean(self.ec_efficiency),
            "intensity": _clean(self.intensity),
            "intensity_optimised": self.intensity_optimised,
            "parameters": {k: _clean(v) for k, v in self.parameters.items()},
            "notes": list(self.notes),
        }


def _clean(value: Any) -> Any:
    if isinstance(value, bool) or value is None or isinstance(value, str | int):
        return value  # ints (counts such as the truncation S) stay ints in the JSON
    if isinstance(value, float):
        x = float(value)
        return x if math.isfinite(x) else None
    return value
