"""Input plumbing shared by the key-rate modules: transmissivity arrays, PLOB, option checks."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from qinternet._validation import require_in_range
from qinternet.errors import InvalidParameterError
from qinternet.qkd.options import KeyRateOptions

__all__ = [
    "channel_transmissivity_array",
    "plob_with_unit_eta",
    "reject_finite_decoys",
    "reject_finite_key",
]

FloatArray = npt.NDArray[np.float64]


def channel_transmissivity_array(channel_transmissivity: npt.ArrayLike) -> FloatArray:
    """Validate a 1-d array of channel transmissivities in [0, 1] (1 = no fibre) and return it.

    >>> channel_transmissivity_array([1.0, 0.5]).tolist()
    [1.0, 0.5]
    """
    eta = np.atleast_1d(np.asarray(channel_transmissivity, dtype=np.float64))
    if eta.ndim != 1:
        raise InvalidParameterError(
            "channel_transmissivity", eta.shape, "must be a 1-d array of transmissivities"
        )
    for value in eta:
        if not (0.0 <= value <= 1.0):
            require_in_range("channel_transmissivity", float(value), 0.0, 1.0)
    return eta


def plob_with_unit_eta(eta: FloatArray) -> FloatArray:
    """PLOB bound ``-log2(1 - eta)`` in bits per use, ``inf`` at eta = 1 (zero length).

    >>> plob_with_unit_eta(np.array([0.01, 1.0])).round(10).tolist()
    [0.0144995697, inf]
    """
    with np.errstate(divide="ignore"):
        return np.asarray(-np.log1p(-eta) / np.log(2.0), dtype=np.float64)


def reject_finite_decoys(options: KeyRateOptions, protocol: str) -> None:
    """Raise if ``options.decoys`` is a finite decoy set for a protocol that has none."""
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
