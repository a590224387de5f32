"""Phase-matching (PM) QKD, asymptotic, infinite decoys (toolkit misalignment model); finite
decoy sets in :mod:`qinternet.qkd.tf.pm_decoys`.

Ma, Zeng, Zhou, PRX 8, 031043 (2018), arXiv:1805.05538. Rate structure [R] (Ma-Zeng-Zhou 2018)
with the toolkit simplification: a fraction ``e_d`` of the arriving light goes to the wrong
port and the phase-slice mismatch error is ignored (labelled in every result's ``notes``).

Conventions: :func:`pm_key_rate` takes the Alice–Bob ``channel_transmissivity`` (detector *not*
included) and ``detector_efficiency``; the model functions (:func:`pm_terms`) take the total
``eta = channel * detector_efficiency`` (each arm ``t = sqrt(eta)``); rates are secret bits per
pulse pair.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.stats import binom, poisson

from qinternet._validation import require_in_range, require_int
from qinternet.entropy import binary_entropy
from qinternet.qkd._inputs import validate_devices
from qinternet.qkd.tf._transmittance import total_transmittance

__all__ = [
    "PmTerms",
    "pm_key_rate",
    "pm_phase_error_bound_fock",
    "pm_terms",
]

FloatArray = npt.NDArray[np.float64]

#: Label carried by every PM result.
MODEL_NOTE = (
    "toolkit misalignment model, phase-slice mismatch error ignored "
    "(rate formula of X. Ma, P. Zeng, H. Zhou, PRX 8, 031043 (2018))"
)
#: Default number of phase slices D.
DEFAULT_PHASE_SLICES = 16
#: Search interval of the optimiser for the intensity mu of each party.
MU_BOUNDS = (1e-6, 1.0)


@dataclass(frozen=True, slots=True, kw_only=True)
class PmTerms:
    """Gain, error rates and key rate of the PM toolkit model (arrays)."""

    #: Q_mu, probability of exactly one click per pulse pair.
    gain: FloatArray
    #: E_mu^Z, bit-error rate.
    qber_z: FloatArray
    #: Upper bound on E_mu^X (phase errors = even total photon number), clamped to [0, 1/2].
    phase_error_bound: FloatArray
    #: Unclamped key rate in bits per pulse pair.
    key_rate: FloatArray


def pm_terms(
    eta: npt.ArrayLike,
    mu: npt.ArrayLike,
    *,
    dark_count: float = 1e-8,
    misalignment: float = 0.02,
    ec_efficiency: float = 1.16,
    phase_slices: int = DEFAULT_PHASE_SLICES,
) -> PmTerms:
    """PM gain, error rates and unclamped key rate (closed form); inner function.

    Parameters
    ----------
    eta : array_like
        Overall transmittance including detector efficiency, in [0, 1] (each arm sqrt(eta)).
    mu : array_like
        Intensity of each party (mean photon number); broadcast against ``eta``.
    dark_count, misalignment, ec_efficiency : float
        pd per detector per pulse, e_d, and f.
    phase_slices : int
        Number D of phase slices (rate factor 2/D).

    Returns
    -------
    PmTerms
        Broadcast arrays; ``key_rate`` in bits per pulse pair (may be negative).

    Notes
    -----
    With ``t = sqrt(eta)``, ``M = 2 mu t``, ``e = e_d``::

        Q_c = (1-pd) e^{-M e} [1 - (1-pd) e^{-M(1-e)}]
        Q_w = (1-pd) e^{-M(1-e)} [1 - (1-pd) e^{-M e}]
        Q = Q_c + Q_w,  E^Z = Q_w / Q
        E^X <= 1 - sum_k q_{2k+1} = (Q + e^{-4 mu (1-t)} A) / (2Q)
        A = y_0 e^{-M} + (1-pd) e^{-M} [expm1(-M(1-e)) + expm1(-M e)],  y_0 = 2pd(1-pd)
        R = (2/D) Q [1 - f h(E^Z) - h(E^X)]

    The closed form of the odd-photon sum [D] follows from Poisson thinning: the total photon
    number 2 mu splits into j ~ Poisson(M) arriving and m ~ Poisson(2 mu (1-t)) lost photons,
    P(m even) = (1 + e^{-4 mu (1-t)})/2, and ``A = sum_j (-1)^j P_j(M) y_j``. It equals the
    truncated Fock sum of :func:`pm_phase_error_bound_fock` (checked in the tests).

    References
    ----------
    .. [1] Ma, Zeng, Zhou, PRX 8, 031043 (2018), arXiv:1805.05538 [R]; toolkit model and the
       closed forms, Ma-Zeng-Zhou 2018 [D].
    """
    eta_a = np.asarray(eta, dtype=np.float64)
    mu_a = np.asarray(mu, dtype=np.float64)
    pd = float(dark_count)
    e = float(misalignment)
    t = np.sqrt(eta_a)
    big_m = 2.0 * mu_a * t
    log_keep = np.log1p(-pd)
    q_c = np.exp(log_keep - big_m * e) * (-np.expm1(log_keep - big_m * (1.0 - e)))
    q_w = np.exp(log_keep - big_m * (1.0 - e)) * (-np.expm1(log_keep - big_m * e))
    gain = q_c + q_w
    alt = np.exp(-big_m) * (
        2.0 * pd * (1.0 - pd)
        + (1.0 - pd) * (np.expm1(-big_m * (1.0 - e)) + np.expm1(-big_m * e))
    )
    num_x = gain + np.exp(-4.0 * mu_a * (1.0 - t)) * alt
    shape = np.broadcast(gain, num_x).shape
    positive = gain > 0
    e_x = np.clip(np.divide(num_x, 2.0 * gain, out=np.full(shape, 0.5), where=positive), 0, 0.5)
    e_z = np.divide(q_w, gain, out=np.full(shape, 0.5), where=positive)
    rate = (2.0 / phase_slices) * gain * (
        1.0 - ec_efficiency * binary_entropy(e_z) - binary_entropy(e_x)
    )
    return PmTerms(
        gain=np.asarray(gain, dtype=np.float64),
        qber_z=np.asarray(e_z, dtype=np.float64),
        phase_error_bound=np.asarray(e_x, dtype=np.float64),
        key_rate=np.asarray(rate, dtype=np.float64),
    )


def pm_phase_error_bound_fock(
    eta: float, mu: float, *, dark_count: float, misalignment: float, n_max: int = 60
) -> tuple[float, float]:
    """PM gain and phase-error bound from the truncated Fock-basis sums (independent route).

    Returns ``(Q_mu, E^X bound)`` with ``Y_k = sum_j Bin(j; k, t) y_j``,
    ``y_0 = 2pd(1-pd)``, ``y_j = (1-pd)[(1-e_d)^j + e_d^j]``, ``q_k = P_k(2 mu) Y_k / Q_mu``
    and ``E^X <= 1 - sum_k q_{2k+1}``, summed to ``n_max`` photons.

    Parameters
    ----------
    eta : float
        Overall transmittance in [0, 1] (each arm sqrt(eta)).
    mu : float
        Intensity of each party (mean photon number), > 0.
    dark_count, misalignment : float
        pd per detector per pulse, and e_d.
    n_max : int
        Photon-number truncation (the Poisson tail beyond it is dropped).

    Returns
    -------
    tuple of float
        ``(Q_mu, E^X upper bound)``.

    References
    ----------
    .. [1] X. Ma, P. Zeng, H. Zhou, PRX 8, 031043 (2018), arXiv:1805.05538 — E^X bound [R];
       toolkit yields of Ma-Zeng-Zhou 2018 [D].
    """
    require_int("n_max", n_max, minimum=1)
    t = float(np.sqrt(eta))
    k = np.arange(n_max + 1)
    y = (1.0 - dark_count) * ((1.0 - misalignment) ** k + misalignment**k)
    y[0] = 2.0 * dark_count * (1.0 - dark_count)
    yields = np.array([float(np.sum(binom.pmf(np.arange(kk + 1), kk, t) * y[: kk + 1]))
                       for kk in k])
    weights = poisson.pmf(k, 2.0 * mu) * yields
    gain = float(np.sum(weights))
    odd = float(np.sum(weights[1::2]))
    return gain, 1.0 - odd / gain


def pm_key_rate(
    channel_transmissivity: npt.ArrayLike,
    *,
    mu: float,
    detector_efficiency: float = 1.0,
    dark_count: float = 1e-8,
    misalignment: float = 0.02,
    ec_efficiency: float = 1.16,
    phase_slices: int = DEFAULT_PHASE_SLICES,
) -> FloatArray:
    """Asymptotic PM-QKD key rate (infinite decoys) at a fixed intensity ``mu``.

    Parameters
    ----------
    channel_transmissivity : array_like
        Alice–Bob channel transmissivity, detector *not* included, in [0, 1]; the model's
        ``eta = channel_transmissivity * detector_efficiency``, each arm sqrt(eta).
    mu : float
        Intensity (mean photon number) of each party's coherent state, > 0.
    detector_efficiency : float
        Detector efficiency folded into the channel, in (0, 1]. Default 1.
    dark_count : float
        Dark-count probability per detector per pulse, in [0, 1).
    misalignment : float
        Fraction e_d of the arriving light sent to the wrong port, in [0, 1/2].
    ec_efficiency : float
        Error-correction inefficiency f >= 1.
    phase_slices : int
        Number D of phase slices (rate factor 2/D), >= 1.

    Returns
    -------
    ndarray of float
        Secret key rate in bits per pulse pair, ``max(R, 0)``.

    Raises
    ------
    InvalidParameterError
        If a parameter is out of range.

    Notes
    -----
    ``R = (2/D) Q_mu [1 - f h(E_mu^Z) - h(E_mu^X)]`` with ``E_mu^X <= 1 - sum_k q_{2k+1}``;
    closed forms in :func:`pm_terms`.

    References
    ----------
    .. [1] X. Ma, P. Zeng, H. Zhou, "Phase-matching quantum key distribution", PRX 8, 031043
       (2018), arXiv:1805.05538 — rate and phase-error bound [R]; toolkit misalignment model and
       closed forms (Ma-Zeng-Zhou 2018) [D]; reference case T3 [C].

    Examples
    --------
    Reference case T3 at 40 dB (rel 1e-6):

    >>> float(pm_key_rate(1e-4, mu=0.07)[()])
    5.283273e-05
    """
    eta_a = total_transmittance(channel_transmissivity, detector_efficiency)
    require_in_range("mu", mu, 0.0, np.inf, low_inclusive=False, high_inclusive=False)
    validate_devices(dark_count=dark_count, misalignment=misalignment, ec_efficiency=ec_efficiency)
    require_int("phase_slices", phase_slices, minimum=1)
    terms = pm_terms(eta_a, mu, dark_count=dark_count, misalignment=misalignment,
                     ec_efficiency=ec_efficiency, phase_slices=phase_slices)
    return np.asarray(np.maximum(terms.key_rate, 0.0), dtype=np.float64)
