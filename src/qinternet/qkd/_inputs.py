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
    "reject_decoy_count_and_basis",
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
