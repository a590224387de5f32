"""Device and protocol options shared by every key-rate model (the CLI's ``keyrate`` options)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from qinternet.errors import InvalidParameterError
from qinternet.qkd.results import KeyRateResult

__all__ = ["Evaluator", "KeyRateOptions", "ProtocolSpec"]


@dataclass(frozen=True, slots=True, kw_only=True)
class KeyRateOptions:
    """Options of one key-rate evaluation. ``None`` means "the protocol's reference default"
    (for ``intensity``: optimised; for ``decoys``: infinite decoys; for ``pulses``: asymptotic).

    Each protocol module documents the meaning of every field for that protocol (for example
    ``dark_count`` is the background yield Y0 for ``bb84-decoy`` and the dark-count probability
    per detector per pulse for the relay protocols). Protocols validate the fields they use and
    raise :class:`~qinternet.errors.InvalidParameterError` for unsupported combinations.
    """

    #: Detector efficiency folded into the channel (dimensionless, in (0, 1]).
    detector_efficiency: float | None = None
    #: Dark-count probability per detector per pulse (bb84-decoy: background yield Y0).
    dark_count: float | None = None
    #: Misalignment error probability (bb84 e_det, mdi e_d, tf-cal19 X-basis error floor).
    misalignment: float | None = None
    #: Phase mismatch delta; phi = delta * pi (tf-cal19).
    phase_mismatch: float | None = None
    #: Error-correction inefficiency f >= 1.
    ec_efficiency: float | None = None
    #: Fixed signal intensity (mean photon number); ``None`` = optimised.
    intensity: float | None = None
    #: Finite decoy intensities; ``None`` = infinite decoys (exact photon-number yields).
    decoys: tuple[float, ...] | None = None
    #: Number of pulses (pairs) sent, for finite-key analysis; ``None`` = asymptotic.
    pulses: float | None = None
    #: Number of finite decoy intensities to *optimise* per point (``--decoys N``); exclusive
    #: with ``decoys`` (fixed values). ``None`` = use ``decoys`` as given.
    decoy_count: int | None = None
    #: Probability of the key basis (biased basis choice, efficient BB84); ``None`` = the
    #: protocol's default (1/2 for asymptotic bb84-decoy, optimised with ``pulses``).
    key_basis_probability: float | None = None

    def __post_init__(self) -> None:
        if self.decoy_count is not None:
            if isinstance(self.decoy_count, bool) or not isinstance(self.decoy_count, int) \
                    or self.decoy_count < 1:
                raise InvalidParameterError("decoy_count", self.decoy_count,
                                            "must be an integer >= 1")
            if self.decoys is not None:
                raise InvalidParameterError(
                    "decoy_count", self.decoy_count,
                    "cannot be combined with fixed decoy intensities (decoys)")
        if self.key_basis_probability is not None:
            p = self.key_basis_probability
            if not (isinstance(p, int | float) and 0.0 < p <= 1.0):
                raise InvalidParameterError("key_basis_probability", p, "must be in (0, 1]")


Evaluator = Callable[["npt.NDArray[np.float64]", KeyRateOptions], "list[KeyRateResult]"]


@dataclass(frozen=True, slots=True, kw_only=True)
class ProtocolSpec:
    """What the CLI needs to know about one protocol module (each module exposes ``SPEC``)."""

    #: CLI name, e.g. ``"tf-cal19"``.
    name: str
    #: ``evaluate(channel_transmissivity, options) -> list[KeyRateResult]``: one result per
    #: entry of the 1-d array of Alice–Bob channel transmissivities (detector not included),
    #: optimising free parameters with warm starts along the array.
    evaluate: Evaluator
    #: Fibre attenuation used with ``--distance-km`` when the user gives none (dB/km).
    default_attenuation_db_per_km: float
    #: Whether the untrusted node sits in the middle (each arm has sqrt(eta)).
    relay: bool
    #: One paragraph for ``--help``: the meaning of every option for this protocol, defaults.
    help: str
    #: Whether ``--decoys v1,v2,...`` (finite decoy sets) is supported.
    supports_finite_decoys: bool = False
    #: Whether ``--pulses N`` (finite key) is supported.
    supports_finite_key: bool = False
    #: Whether ``--decoys N`` (a count: intensities optimised per point) is supported.
    supports_decoy_optimisation: bool = False
    #: Whether ``--key-basis-probability`` (biased basis choice) is supported.
    supports_basis_probability: bool = False
    #: Symbol of :attr:`KeyRateResult.intensity` in tables (``"mu"``, ``"mu_z"``,
    #: ``"alpha_sq"``); None when the protocol has no signal intensity.
    intensity_symbol: str | None = "mu"
