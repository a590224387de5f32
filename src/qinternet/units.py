"""Explicit unit conversions (dB is never routed through a units library).

Conventions: lengths in km, attenuation in dB/km, loss in dB (positive = loss), frequencies in Hz,
times in s. A transmissivity (transmittance) is the linear power transmission in [0, 1].
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import overload

import numpy as np
import numpy.typing as npt

from qinternet._validation import require_nonnegative, require_probability
from qinternet.constants import DEFAULT_ATTENUATION_DB_PER_KM

__all__ = [
    "db_to_linear",
    "detector_transmissivity",
    "fibre_transmissivity",
    "linear_to_db",
    "loss_db_to_transmissivity",
    "transmissivity_to_loss_db",
]


def db_to_linear(value_db: float) -> float:
    """Convert a power ratio in dB to linear: ``10**(value_db / 10)``.

    >>> db_to_linear(20.0)
    100.0
    """
    return float(10.0 ** (float(value_db) / 10.0))


def linear_to_db(value: float) -> float:
    """Convert a positive linear power ratio to dB: ``10 log10(value)``.

    >>> linear_to_db(0.01)
    -20.0
    """
    return float(10.0 * np.log10(float(value)))


@overload
def loss_db_to_transmissivity(loss_db: float) -> float: ...


@overload
def loss_db_to_transmissivity(
    loss_db: npt.NDArray[np.float64] | Sequence[float],
) -> npt.NDArray[np.float64]: ...


def loss_db_to_transmissivity(
    loss_db: float | npt.NDArray[np.float64] | Sequence[float],
) -> float | npt.NDArray[np.float64]:
    """Transmissivity of a channel with ``loss_db`` dB of loss: ``10**(-loss_db / 10)``.

    A Python or numpy scalar gives a float; an array (or sequence) of losses gives an array of
    the same shape, computed elementwise by numpy. Every loss must be >= 0 (and finite).

    >>> loss_db_to_transmissivity(30.0)
    0.001
    >>> loss_db_to_transmissivity(np.array([0.0, 10.0, 20.0])).tolist()
    [1.0, 0.1, 0.01]
    """
    if np.ndim(loss_db) == 0 and not isinstance(loss_db, np.ndarray):
        loss = require_nonnegative("loss_db", loss_db)  # type: ignore[arg-type]
        return float(10.0 ** (-loss / 10.0))
    arr = np.asarray(loss_db, dtype=np.float64)
    bad = ~(np.isfinite(arr) & (arr >= 0.0))
    if np.any(bad):
        require_nonnegative("loss_db", float(arr[bad].flat[0]))
    return np.asarray(10.0 ** (-arr / 10.0), dtype=np.float64)


def transmissivity_to_loss_db(transmissivity: float) -> float:
    """Loss in dB of a channel of the given transmissivity in (0, 1].

    >>> transmissivity_to_loss_db(0.1)
    10.0
    """
    eta = require_probability("transmissivity", transmissivity)
    if eta == 0.0:
        return float("inf")
    return float(-10.0 * np.log10(eta))


def fibre_transmissivity(
    length_km: npt.ArrayLike,
    attenuation_db_per_km: float = DEFAULT_ATTENUATION_DB_PER_KM,
) -> npt.NDArray[np.float64]:
    """Transmissivity of optical fibre, ``eta = 10**(-attenuation_db_per_km * length_km / 10)``.

    Parameters
    ----------
    length_km : array_like
        Fibre length(s) in km, >= 0.
    attenuation_db_per_km : float
        Attenuation in dB/km (default 0.2, telecom fibre at 1550 nm), >= 0.

    Returns
    -------
    ndarray of float
        Transmissivity (same shape as ``length_km``).

    References
    ----------
    .. [1] S. Pirandola et al., "Advances in quantum cryptography", Adv. Opt. Photon. 12, 1012
       (2020), arXiv:1906.01645, Sec. XI (fibre loss convention) [V].

    Examples
    --------
    >>> float(fibre_transmissivity(50.0))
    0.1
    """
    alpha = require_nonnegative("attenuation_db_per_km", attenuation_db_per_km)
    length = np.asarray(length_km, dtype=np.float64)
    if not np.all(np.isfinite(length)) or np.any(length < 0):
        bad = length[~(np.isfinite(length) & (length >= 0))].ravel()[0]
        require_nonnegative("length_km", float(bad))
    return np.asarray(10.0 ** (-alpha * length / 10.0), dtype=np.float64)


def detector_transmissivity(
    transmissivity: float, detector_efficiency: float, insertion_loss_db: float = 0.0
) -> float:
    """Fold a detector efficiency and an insertion loss into a channel transmissivity.

    ``eta_total = transmissivity * detector_efficiency * 10**(-insertion_loss_db/10)``.

    References
    ----------
    .. [1] S. Pirandola et al., Adv. Opt. Photon. 12, 1012 (2020), arXiv:1906.01645: a detector
       of efficiency eta_det folded into the channel weakens PLOB to -log2(1 - eta_det eta) [V].

    >>> detector_transmissivity(0.5, 0.5)
    0.25
    """
    eta = require_probability("transmissivity", transmissivity)
    det = require_probability("detector_efficiency", detector_efficiency)
    ins = require_nonnegative("insertion_loss_db", insertion_loss_db)
    return float(eta * det * 10.0 ** (-ins / 10.0))
