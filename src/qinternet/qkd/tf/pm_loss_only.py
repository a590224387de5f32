"""Loss-only analytic PM-type key rate (Lin & Lütkenhaus 2018; Primaatmaja et al. 2019).

A pure-loss channel, ideal detectors (efficiency 1, no dark counts), no misalignment,
infinitely many test states. :func:`loss_only_key_rate` takes the Alice–Bob
``channel_transmissivity`` (= the model's ``eta``, the detector being ideal; each arm
``sqrt(eta)``); rates are bits per pulse pair.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from qinternet._validation import require_in_range
from qinternet.channels.capacities import plob_bound
from qinternet.entropy import binary_entropy
from qinternet.qkd._inputs import transmittance_array
from qinternet.qkd._optimize import bisect_loss_db, maximise_1d
from qinternet.units import loss_db_to_transmissivity

__all__ = [
    "loss_only_key_rate",
    "loss_only_optimal",
    "loss_only_phase_error",
    "loss_only_plob_crossing_db",
]

FloatArray = npt.NDArray[np.float64]

#: Search interval of the intensity mu of each party.
MU_BOUNDS = (1e-3, 2.0)


def loss_only_phase_error(eta: npt.ArrayLike, mu: npt.ArrayLike) -> FloatArray:
    """Phase-error rate ``e_ph = (1 - e^{-4 mu (1 - sqrt eta)} e^{-2 mu sqrt eta}) / 2``.

    Inner function (no validation); broadcasts ``eta`` against ``mu``.

    Parameters
    ----------
    eta : array_like
        Overall transmittance in [0, 1] (each arm sqrt(eta)).
    mu : array_like
        Intensity of each party (mean photon number).

    Returns
    -------
    ndarray of float
        Phase-error rate (dimensionless, in [0, 1/2]).

    References
    ----------
    .. [1] Lin & Lütkenhaus, PRA 98, 042332 (2018); Primaatmaja et al., PRA 99, 062332 (2019),
       Eq. (15) as quoted by a public SDP reproduction [V, impl] (Ma-Zeng-Zhou 2018).
    """
    t = np.sqrt(np.asarray(eta, dtype=np.float64))
    m = np.asarray(mu, dtype=np.float64)
    return np.asarray(0.5 * (1.0 - np.exp(-4.0 * m * (1.0 - t) - 2.0 * m * t)), dtype=np.float64)


def _rate(eta: npt.ArrayLike, mu: npt.ArrayLike) -> FloatArray:
    t = np.sqrt(np.asarray(eta, dtype=np.float64))
    m = np.asarray(mu, dtype=np.float64)
    gain = -np.expm1(-2.0 * m * t)
    return np.asarray(gain * (1.0 - binary_entropy(loss_only_phase_error(eta, mu))),
                      dtype=np.float64)


def loss_only_key_rate(channel_transmissivity: npt.ArrayLike, mu: float) -> FloatArray:
    """Loss-only PM-type key rate ``R = (1 - e^{-2 mu sqrt eta}) [1 - h(e_ph)]``.

    Parameters
    ----------
    channel_transmissivity : array_like
        Alice–Bob channel transmissivity in [0, 1]; detector ideal (efficiency 1, no noise),
        so ``eta = channel_transmissivity`` (each arm sqrt(eta)).
    mu : float
        Intensity (mean photon number) of each party, > 0.

    Returns
    -------
    ndarray of float
        Key rate in bits per pulse pair, ``max(R, 0)``.

    Raises
    ------
    InvalidParameterError
        If ``channel_transmissivity`` is outside [0, 1] or ``mu <= 0``.

    Notes
    -----
    ``e_ph`` from :func:`loss_only_phase_error`. It coincides with the PM toolkit model of
    :mod:`qinternet.qkd.pm` at pd = 0, e_d = 0 and D = 2 (the odd-photon bound reduces to
    the same ``e_ph``), which the tests check.

    References
    ----------
    .. [1] J. Lin, N. Lütkenhaus, "Simple security analysis of phase-matching measurement-device-
       independent quantum key distribution", PRA 98, 042332 (2018), arXiv:1807.03466.
    .. [2] I. W. Primaatmaja et al., "Versatile security analysis of measurement-device-independent
       quantum key distribution", PRA 99, 062332 (2019), arXiv:1902.01668, Eq. (15) as quoted by
       a public SDP reproduction [V, impl]; values of case T1 [C].

    Examples
    --------
    Reference case T1 at 20 dB, mu = 0.1 (rel 1e-6):

    >>> float(loss_only_key_rate(0.01, 0.1)[()])
    0.007333013
    """
    eta_a = transmittance_array(channel_transmissivity, "channel_transmissivity")
    require_in_range("mu", mu, 0.0, math.inf, low_inclusive=False, high_inclusive=False)
    return np.asarray(np.maximum(_rate(eta_a, mu), 0.0), dtype=np.float64)


def loss_only_optimal(eta: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Loss-only rate with ``mu`` optimised (log-grid then bounded Brent), per ``eta``.

    Parameters
    ----------
    eta : array_like
        1-d array (or scalar) of overall transmittances in [0, 1].

    Returns
    -------
    (mu_opt, rate) : tuple of ndarray
        Optimal intensity and key rate (bits per pulse pair, >= 0).

    Raises
    ------
    SolverError
        If the bounded search fails.

    References
    ----------
    .. [1] As :func:`loss_only_key_rate`; case T1-OPT (mu_opt about 0.115) [C].

    Examples
    --------
    >>> mu, r = loss_only_optimal([1e-3])
    >>> round(float(r[0]), 6)   # XPROT-30dB, LL column (rel 1e-3)
    0.002286
    """
    eta_a = transmittance_array(np.atleast_1d(np.asarray(eta, dtype=np.float64)))
    mu_opt, rate = maximise_1d(_rate, eta_a, *MU_BOUNDS)
    return mu_opt, np.maximum(rate, 0.0)


def loss_only_plob_crossing_db(low_db: float = 1.0, high_db: float = 60.0) -> float:
    """Overall loss in dB above which the optimised loss-only rate beats PLOB(eta).

    Parameters
    ----------
    low_db, high_db : float
        Bracket in dB; the rate must be below PLOB at ``low_db`` and above it at ``high_db``.

    Returns
    -------
    float
        Crossing loss in dB (bisection to 1e-3 dB).

    Raises
    ------
    InvalidParameterError
        If the bracket does not contain a crossing.

    References
    ----------
    .. [1] As :func:`loss_only_key_rate`; case T1-OPT (25.95 dB) [C].

    Examples
    --------
    >>> round(loss_only_plob_crossing_db(), 2)   # T1-OPT (abs 0.05 dB)
    25.95
    """

    def beats(loss_db: float) -> bool:
        eta = loss_db_to_transmissivity(loss_db)
        return bool(loss_only_optimal([eta])[1][0] > float(plob_bound(eta)))

    return bisect_loss_db(beats, low_db, high_db)
