"""Input plumbing of every key-rate module: transmissivity arrays, PLOB, option checks.

One module for all protocol families (BB84, MDI, twin field). Errors name the
:class:`~qinternet.qkd.options.KeyRateOptions` *field* (``dark_count``), never a CLI flag; the
CLI re-labels them as its options (``--dark-count``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

from qinternet._validation import require_in_range
from qinternet.errors import InvalidParameterError
from qinternet.qkd.options import KeyRateOptions
from qinternet.qkd.results import KeyRateResult, ParamValue

__all__ = [
    "RelayDeviceParams",
    "channel_transmissivity_1d",
    "channel_transmissivity_array",
    "check_decoy_choice",
    "decoy_set_parameters",
    "decoy_values",
    "fixed_decoy_set",
    "key_rate_results",
    "pick",
    "plob_with_unit_eta",
    "reject_decoy_count_and_basis",
    "reject_finite_decoys",
    "reject_finite_key",
    "reject_unsupported",
    "relay_inputs",
    "relay_parameters",
    "resolve_relay_devices",
    "signal_and_decoys",
    "transmittance_array",
    "validate_devices",
]

FloatArray = npt.NDArray[np.float64]


def channel_transmissivity_array(
    channel_transmissivity: npt.ArrayLike, name: str = "channel_transmissivity"
) -> FloatArray:
    """Validate a 1-d array of transmissivities in [0, 1] (1 = no fibre) and return it.

    >>> channel_transmissivity_array([1.0, 0.5]).tolist()
    [1.0, 0.5]
    """
    eta = np.atleast_1d(np.asarray(channel_transmissivity, dtype=np.float64))
    if eta.ndim != 1:
        raise InvalidParameterError(name, eta.shape, "must be a 1-d array of transmissivities")
    bad = ~((eta >= 0.0) & (eta <= 1.0))
    if np.any(bad):
        require_in_range(name, float(eta[bad][0]), 0.0, 1.0)
    return eta


def channel_transmissivity_1d(channel_transmissivity: npt.ArrayLike) -> FloatArray:
    """:func:`channel_transmissivity_array` with the short shape message ("must be 1-d") of
    the BB84 decoy optimiser and CAL19.

    >>> channel_transmissivity_1d(0.5).tolist()
    [0.5]
    """
    channel = np.atleast_1d(np.asarray(channel_transmissivity, dtype=np.float64))
    if channel.ndim != 1:
        raise InvalidParameterError("channel_transmissivity", channel.shape, "must be 1-d")
    return channel_transmissivity_array(channel)


def transmittance_array(eta: npt.ArrayLike, name: str = "eta") -> FloatArray:
    """Validate transmittances in [0, 1] of any shape (scalars give 0-d arrays)."""
    arr = np.asarray(eta, dtype=np.float64)
    channel_transmissivity_array(arr.ravel(), name)
    return arr


def plob_with_unit_eta(eta: npt.ArrayLike) -> FloatArray:
    """PLOB bound ``-log2(1 - eta)`` in bits per use, ``inf`` at eta = 1 (zero length).

    The one PLOB helper of the key-rate modules: the value of
    :func:`qinternet.channels.capacities.plob_bound`, which refuses eta = 1.

    >>> plob_with_unit_eta(np.array([0.01, 1.0])).round(10).tolist()
    [0.0144995697, inf]
    """
    with np.errstate(divide="ignore"):
        return np.asarray(-np.log1p(-np.asarray(eta, dtype=np.float64)) / np.log(2.0),
                          dtype=np.float64)


def key_rate_results(
    protocol: str,
    channel_transmissivity: FloatArray,
    rates: FloatArray,
    qber: FloatArray,
    phase_error_rate: FloatArray,
    parameters: list[dict[str, ParamValue]],
    notes: tuple[str, ...] = (),
    *,
    detector_efficiency: float,
    ec_efficiency: float,
    intensity: FloatArray,
    intensity_optimised: bool,
) -> list[KeyRateResult]:
    """One :class:`KeyRateResult` per channel transmissivity, PLOB of the channel filled in.

    The arrays (``intensity`` too) share one length; ``parameters[i]`` are the protocol's
    extras at point ``i``.
    """
    plob = plob_with_unit_eta(channel_transmissivity)
    return [
        KeyRateResult(
            protocol=protocol,
            channel_transmissivity=float(channel_transmissivity[i]),
            key_rate_bits_per_pulse=float(rates[i]),
            plob_bits_per_pulse=float(plob[i]),
            qber=float(qber[i]),
            phase_error_rate=float(phase_error_rate[i]),
            detector_efficiency=detector_efficiency,
            ec_efficiency=ec_efficiency,
            intensity=float(intensity[i]),
            intensity_optimised=intensity_optimised,
            parameters=parameters[i],
            notes=notes,
        )
        for i in range(channel_transmissivity.size)
    ]


def pick(value: float | None, default: float) -> float:
    """``default`` where an option is ``None`` ("the protocol's reference value")."""
    return default if value is None else value


@dataclass(frozen=True, slots=True, kw_only=True)
class RelayDeviceParams:
    """Resolved device parameters of a symmetric relay protocol (defaults filled in)."""

    #: Detector efficiency folded into the channel (dimensionless).
    detector_efficiency: float
    #: Dark-count probability per detector per pulse.
    dark_count: float
    #: Misalignment error probability e_d.
    misalignment: float
    #: Error-correction inefficiency f >= 1.
    ec_efficiency: float

    def keywords(self) -> dict[str, float]:
        """The four fields as the keyword arguments of the relay rate functions."""
        return {"detector_efficiency": self.detector_efficiency, "dark_count": self.dark_count,
                "misalignment": self.misalignment, "ec_efficiency": self.ec_efficiency}


def resolve_relay_devices(
    options: KeyRateOptions,
    *,
    detector_efficiency: float,
    dark_count: float,
    misalignment: float,
    ec_efficiency: float,
) -> RelayDeviceParams:
    """Fill in defaults and validate the device options, naming the option field on error."""
    eta_d = require_in_range("detector_efficiency",
                             pick(options.detector_efficiency, detector_efficiency), 0.0, 1.0,
                             low_inclusive=False)
    pd, e_d, f = validate_devices(dark_count=pick(options.dark_count, dark_count),
                                  misalignment=pick(options.misalignment, misalignment),
                                  ec_efficiency=pick(options.ec_efficiency, ec_efficiency))
    return RelayDeviceParams(
        detector_efficiency=eta_d, dark_count=pd, misalignment=e_d, ec_efficiency=f
    )


def validate_devices(
    *, dark_count: float, misalignment: float, ec_efficiency: float
) -> tuple[float, float, float]:
    """Check the detector and error-correction parameters shared by the key-rate models.

    Dark-count probability pd in [0, 1), misalignment e_d in [0, 1/2] and error-correction
    inefficiency f >= 1; errors name ``dark_count``, ``misalignment``, ``ec_efficiency``.
    Returns ``(pd, e_d, f)`` as floats.

    >>> validate_devices(dark_count=1e-8, misalignment=0.02, ec_efficiency=1.16)
    (1e-08, 0.02, 1.16)
    """
    pd = require_in_range("dark_count", dark_count, 0.0, 1.0, high_inclusive=False)
    e_d = require_in_range("misalignment", misalignment, 0.0, 0.5)
    f = require_in_range("ec_efficiency", ec_efficiency, 1.0, math.inf, high_inclusive=False)
    return pd, e_d, f


def relay_parameters(eta_total: float, dev: RelayDeviceParams) -> dict[str, float | bool]:
    """The ``parameters`` entries every symmetric twin-field relay reports, in their order.

    ``eta_total`` is the Alice-Bob transmissivity with the detector (each arm its square root);
    the detector and error-correction efficiencies are fields of :class:`KeyRateResult`.

    >>> dev = RelayDeviceParams(detector_efficiency=1.0, dark_count=1e-8, misalignment=0.02,
    ...                         ec_efficiency=1.16)
    >>> relay_parameters(1e-4, dev)["arm_transmissivity"]
    0.01
    """
    return {
        "total_transmissivity": eta_total,
        "arm_transmissivity": float(np.sqrt(eta_total)),
        "dark_count_probability": dev.dark_count,
        "misalignment_e_d": dev.misalignment,
    }


def reject_decoy_count_and_basis(options: KeyRateOptions, protocol: str) -> None:
    """Raise if ``decoy_count`` or ``key_basis_probability`` is set for a protocol without them.

    The infinite-decoy models (mdi, sns, pm, adaptive-mdi) have no decoy intensities to
    optimise and no basis bias (their asymptotic sifting is already ignored)."""
    if options.decoy_count is not None:
        raise InvalidParameterError(
            "decoys", options.decoy_count,
            f"must be 'infinite' for {protocol} (its model has infinite decoys only; an "
            "optimised finite decoy set is not supported)",
        )
    if options.key_basis_probability is not None:
        raise InvalidParameterError(
            "key_basis_probability", options.key_basis_probability,
            f"is not supported by {protocol} (asymptotic model: the basis choice is ignored)",
        )


def reject_finite_decoys(options: KeyRateOptions, protocol: str) -> None:
    """Raise if ``options.decoys`` is a finite decoy set for a protocol that has none."""
    reject_decoy_count_and_basis(options, protocol)
    if options.decoys is not None:
        raise InvalidParameterError(
            "decoys",
            ",".join(f"{v:g}" for v in options.decoys),
            f"must be 'infinite' for {protocol} (finite decoy sets are not supported)",
        )


def reject_finite_key(options: KeyRateOptions, protocol: str) -> None:
    """Raise if ``options.pulses`` (finite key) is set for a protocol without finite key."""
    if options.pulses is not None:
        raise InvalidParameterError(
            "pulses", options.pulses, f"is not supported for {protocol} (asymptotic model only)"
        )


def reject_unsupported(options: KeyRateOptions, protocol: str, *, phase_mismatch: bool) -> None:
    """Raise for the options an asymptotic infinite-decoy relay protocol does not support."""
    reject_finite_decoys(options, protocol)
    if options.pulses is not None:
        raise InvalidParameterError(
            "pulses", options.pulses, f"is not supported by {protocol} (asymptotic only)"
        )
    if phase_mismatch and options.phase_mismatch not in (None, 0.0):
        raise InvalidParameterError(
            "phase_mismatch", options.phase_mismatch, f"is not supported by {protocol}"
        )


def check_decoy_choice(decoy_count: int | None, decoys: Sequence[float] | None,
                       protocol: str) -> None:
    """Raise unless exactly one of ``decoy_count`` (an integer >= 2) and ``decoys`` is given.

    The finite-decoy optimisers (pm, sns, mdi) either optimise the vacuum and
    ``decoy_count - 1`` decoys per point or keep the fixed set ``decoys``; errors name
    ``decoy_count``.
    """
    if (decoy_count is None) == (decoys is None):
        raise InvalidParameterError("decoy_count", decoy_count,
                                    "exactly one of decoy_count and decoys must be given")
    if decoy_count is not None and (isinstance(decoy_count, bool)
                                    or not isinstance(decoy_count, int) or decoy_count < 2):
        raise InvalidParameterError("decoy_count", decoy_count,
                                    f"must be an integer >= 2 for {protocol} (vacuum + weak)")


def decoy_values(decoys: Sequence[float], high: float) -> tuple[float, ...]:
    """A non-empty decoy set as floats, each in ``[0, high]`` (errors name ``decoys``).

    >>> decoy_values([0, 0.1], 5.0)
    (0.0, 0.1)
    """
    values = tuple(float(d) for d in decoys)
    if not values:
        raise InvalidParameterError("decoys", decoys, "must contain at least one intensity")
    for d in values:
        require_in_range("decoys", d, 0.0, high)
    return values


def signal_and_decoys(intensity: float,
                      decoys: Sequence[float]) -> tuple[FloatArray, tuple[float, ...]]:
    """``([mu, *decoys], decoys)`` of a finite-decoy rate: mu in (0, 5] (``intensity``), the
    decoys in [0, 5] (:func:`decoy_values`), all distinct (errors name ``decoys``).

    >>> signal_and_decoys(0.5, [0, 0.1])
    (array([0.5, 0. , 0.1]), (0.0, 0.1))
    """
    mu = require_in_range("intensity", intensity, 0.0, 5.0, low_inclusive=False)
    dec = decoy_values(decoys, 5.0)
    levels = np.array((mu, *dec))
    if len(set(levels.tolist())) != levels.size:
        raise InvalidParameterError("decoys", dec, "must be distinct and differ from the signal")
    return levels, dec


def fixed_decoy_set(options: KeyRateOptions,
                    high: float | None = None) -> tuple[float, ...] | None:
    """``options.decoys`` as floats (None: optimised or infinite decoys), checked for a signal.

    Each decoy in ``[0, high]`` when ``high`` is given, the decoys distinct and none equal to a
    fixed ``options.intensity`` (errors name ``decoys`` and ``intensity``).
    """
    if options.decoys is None:
        return None
    fixed = tuple(float(v) for v in options.decoys)
    if high is not None:
        for d in fixed:
            require_in_range("decoys", d, 0.0, high)
    if len(set(fixed)) != len(fixed):
        raise InvalidParameterError("decoys", ",".join(f"{v:g}" for v in fixed),
                                    "must be distinct intensities")
    if options.intensity is not None and options.intensity in fixed:
        raise InvalidParameterError("intensity", options.intensity,
                                    "must differ from every decoy")
    return fixed


def decoy_set_parameters(decoys: Sequence[float], fixed: bool) -> dict[str, ParamValue]:
    """The ``decoys`` and ``decoys_optimised`` entries of a finite-decoy result.

    >>> decoy_set_parameters((0.0, 0.0123456789), fixed=False)
    {'decoys': 'optimised: 0,0.0123457', 'decoys_optimised': True}
    """
    label = ",".join(f"{v:.6g}" for v in decoys)
    return {"decoys": label if fixed else "optimised: " + label, "decoys_optimised": not fixed}


def relay_inputs(channel_transmissivity: npt.ArrayLike, options: KeyRateOptions,
                 protocol: str) -> tuple[FloatArray, RelayDeviceParams, bool]:
    """The start of the pm and sns evaluators: (channel array, devices, finite decoys?).

    Rejects finite key and a phase mismatch (and, through :func:`reject_unsupported`, the
    basis probability), resolves the twin-field devices with their defaults (detector 1, pd
    1e-8, e_d 0.02, f 1.16) and validates the channel; the third entry says whether
    ``decoys`` or ``decoy_count`` asks for finite decoys.
    """
    finite = options.decoys is not None or options.decoy_count is not None
    reject_unsupported(replace(options, decoys=None, decoy_count=None) if finite else options,
                       protocol, phase_mismatch=True)
    dev = resolve_relay_devices(options, detector_efficiency=1.0, dark_count=1e-8,
                                misalignment=0.02, ec_efficiency=1.16)
    return channel_transmissivity_array(channel_transmissivity), dev, finite

