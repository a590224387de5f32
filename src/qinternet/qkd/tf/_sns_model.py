"""SNS twin-field QKD model: gains, error rates and the infinite-decoy rate (toolkit model).

Wang, Yu, Hu, PRA 98, 062323 (2018). The rate formula is [R] (Wang-Yu-Hu 2018); the
single-photon yield and phase-error terms are a **toolkit simplification** of the paper's
decoy-state estimates (labelled in every result's ``notes``).

Conventions: :func:`sns_key_rate` takes the Alice–Bob ``channel_transmissivity`` (detector *not*
included) and ``detector_efficiency``; the model function :func:`sns_terms` takes the total
``eta = channel * detector_efficiency`` (each arm ``t = sqrt(eta)``); rates are secret bits per
pulse pair, with ``p_Z -> 1``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.special import i0e

from qinternet._validation import require_in_range, require_probability
from qinternet.entropy import binary_entropy
from qinternet.qkd._inputs import validate_devices
from qinternet.qkd._special import SERIES_LIMIT, i0_minus_one
from qinternet.qkd.tf._transmittance import total_transmittance

__all__ = ["EPSILON_BOUNDS", "MODEL_NOTE", "MU_Z_BOUNDS", "SnsTerms", "sns_key_rate", "sns_terms"]

FloatArray = npt.NDArray[np.float64]

#: Label carried by every SNS result.
MODEL_NOTE = ("toolkit single-photon model on the rate formula of X.-B. Wang, Z.-W. Yu, X.-L. Hu, "
              "PRA 98, 062323 (2018)")
#: Search boxes of the optimiser: sending probability epsilon and signal intensity mu_z.
EPSILON_BOUNDS = (1e-6, 0.5)
MU_Z_BOUNDS = (1e-3, 2.0)


@dataclass(frozen=True, slots=True, kw_only=True)
class SnsTerms:
    """Gains and error rates of the SNS model (arrays broadcast from the inputs)."""

    #: S_Z, probability of an effective (one-click) Z event per pulse pair.
    gain_z: FloatArray
    #: E_Z, bit-error rate of the Z (key) events.
    qber_z: FloatArray
    #: s_1, single-photon yield (toolkit model).
    single_photon_yield: FloatArray
    #: e_1^ph, single-photon phase-error rate (toolkit model), clamped to [0, 1/2].
    phase_error_rate: FloatArray
    #: Unclamped key rate in bits per pulse pair (negative beyond the maximum distance).
    key_rate: FloatArray


def sns_terms(
    eta: npt.ArrayLike,
    epsilon: npt.ArrayLike,
    mu_z: npt.ArrayLike,
    *,
    dark_count: float = 1e-8,
    misalignment: float = 0.02,
    ec_efficiency: float = 1.16,
) -> SnsTerms:
    """SNS gains, error rates and the (unclamped) key rate; inner function, no validation.

    Parameters
    ----------
    eta : array_like
        Overall transmittance including detector efficiency, in [0, 1] (each arm sqrt(eta)).
    epsilon : array_like
        Sending probability, in [0, 1]; broadcast against ``eta`` and ``mu_z``.
    mu_z : array_like
        Signal intensity (mean photon number) of a sending pulse.
    dark_count, misalignment, ec_efficiency : float
        pd per detector per pulse, e_d, and f.

    Returns
    -------
    SnsTerms
        Broadcast arrays; ``key_rate`` in bits per pulse pair (may be negative).

    Notes
    -----
    With ``t = sqrt(eta)``, ``x = t mu_z`` and ``pd`` the dark-count probability::

        S_Z = (1-ε)² 2pd(1-pd) + 2ε(1-ε)·2[1-(1-pd)e^{-x/2}](1-pd)e^{-x/2}
              + ε²·2(1-pd)e^{-x}[I0(x) - (1-pd)e^{-x}]
        E_Z S_Z = (1-ε)² 2pd(1-pd) + ε²·(both-send term)
        s_1 = t(1-pd) + (1-t) 2pd(1-pd);  e_1 = [t(1-pd) e_d + (1-t) pd(1-pd)] / s_1
        R = 2ε(1-ε) μ_z e^{-μ_z} s_1 [1 - h(e_1)] - f S_Z h(E_Z)

    ``I0(x) e^{-x}`` is evaluated as ``i0e(x)`` (no overflow), and for ``x < 1/2`` the
    both-send bracket as ``e^{-x}[(I0(x) - 1) - expm1(-x)] + pd e^{-2x}`` (no cancellation at
    high loss).

    References
    ----------
    .. [1] Wang, Yu, Hu, PRA 98, 062323 (2018), arXiv:1805.09222 [R]; toolkit single-photon
       terms and the both-send Bessel term, Wang-Yu-Hu 2018 [C] (the tests check the Bessel
       term against a numerical phase average).
    """
    eta_a = np.asarray(eta, dtype=np.float64)
    eps = np.asarray(epsilon, dtype=np.float64)
    mu = np.asarray(mu_z, dtype=np.float64)
    pd = float(dark_count)
    t = np.sqrt(eta_a)
    x = t * mu
    log_keep = np.log1p(-pd)
    # One party sends: exactly one detector clicks, each sees x/2.
    no_click_half = np.exp(log_keep - 0.5 * x)
    one_sends = 2.0 * (-np.expm1(log_keep - 0.5 * x)) * no_click_half
    # Both send with independent random phases: average over the relative phase,
    # 2(1-pd)[e^-x I0(x) - (1-pd) e^-2x]. For small x (high loss) the bracket is
    # e^-x [(I0(x) - 1) - expm1(-x)] + pd e^-2x, free of the cancellation of i0e(x) - e^-2x.
    small = x < SERIES_LIMIT
    x_small = np.where(small, x, 0.0)
    bracket_small = (np.exp(-x_small) * (i0_minus_one(x_small) - np.expm1(-x_small))
                     + pd * np.exp(-2.0 * x_small))
    bracket = np.where(small, bracket_small, i0e(x) - (1.0 - pd) * np.exp(-2.0 * x))
    both_send = 2.0 * (1.0 - pd) * bracket
    neither = 2.0 * pd * (1.0 - pd)
    w_neither = (1.0 - eps) ** 2
    w_one = 2.0 * eps * (1.0 - eps)
    w_both = eps**2
    gain = w_neither * neither + w_one * one_sends + w_both * both_send
    errors = w_neither * neither + w_both * both_send
    qber = np.divide(errors, gain, out=np.full(np.broadcast(errors, gain).shape, 0.5),
                     where=gain > 0)
    s1 = t * (1.0 - pd) + (1.0 - t) * 2.0 * pd * (1.0 - pd)
    e1_num = t * (1.0 - pd) * misalignment + (1.0 - t) * pd * (1.0 - pd)
    e1 = np.divide(e1_num, s1, out=np.full(np.broadcast(e1_num, s1).shape, 0.5), where=s1 > 0)
    e1 = np.clip(e1, 0.0, 0.5)
    single = w_one * mu * np.exp(-mu) * s1
    rate = single * (1.0 - binary_entropy(e1)) - ec_efficiency * gain * binary_entropy(
        np.clip(qber, 0.0, 1.0)
    )
    return SnsTerms(
        gain_z=np.asarray(gain, dtype=np.float64),
        qber_z=np.asarray(qber, dtype=np.float64),
        single_photon_yield=np.asarray(s1, dtype=np.float64),
        phase_error_rate=np.asarray(e1, dtype=np.float64),
        key_rate=np.asarray(rate, dtype=np.float64),
    )


def sns_key_rate(
    channel_transmissivity: npt.ArrayLike,
    *,
    epsilon: float,
    mu_z: float,
    detector_efficiency: float = 1.0,
    dark_count: float = 1e-8,
    misalignment: float = 0.02,
    ec_efficiency: float = 1.16,
) -> FloatArray:
    """Asymptotic SNS key rate (infinite decoys) at fixed ``epsilon`` and ``mu_z``.

    Parameters
    ----------
    channel_transmissivity : array_like
        Alice–Bob channel transmissivity, detector *not* included, in [0, 1]; the model's
        ``eta = channel_transmissivity * detector_efficiency``, each arm has ``sqrt(eta)``.
    epsilon : float
        Sending probability in the Z windows, in [0, 1].
    mu_z : float
        Signal intensity (mean photon number) of a "sending" pulse, > 0.
    detector_efficiency : float
        Detector efficiency folded into the channel, in (0, 1]. Default 1.
    dark_count : float
        Dark-count probability per detector per pulse, in [0, 1).
    misalignment : float
        Single-photon interference misalignment error e_d, in [0, 1/2].
    ec_efficiency : float
        Error-correction inefficiency f >= 1.

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
    Formula in :func:`sns_terms`. The single-photon yield ``s_1`` and phase error ``e_1`` are
    the toolkit's own model, not the paper's decoy bounds.

    References
    ----------
    .. [1] X.-B. Wang, Z.-W. Yu, X.-L. Hu, "Twin-field quantum key distribution with large
       misalignment error", PRA 98, 062323 (2018), arXiv:1805.09222 — rate structure [R];
       toolkit single-photon terms (Wang-Yu-Hu 2018) [C]; reference case T2.

    Examples
    --------
    Reference case T2 (rel 1e-6):

    >>> float(sns_key_rate(1e-4, epsilon=0.04, mu_z=0.47)[()])
    8.84743e-05
    """
    eta_a = total_transmittance(channel_transmissivity, detector_efficiency)
    require_probability("epsilon", epsilon)
    require_in_range("mu_z", mu_z, 0.0, np.inf, low_inclusive=False, high_inclusive=False)
    validate_devices(dark_count=dark_count, misalignment=misalignment, ec_efficiency=ec_efficiency)
    terms = sns_terms(eta_a, epsilon, mu_z, dark_count=dark_count, misalignment=misalignment,
                      ec_efficiency=ec_efficiency)
    return np.asarray(np.maximum(terms.key_rate, 0.0), dtype=np.float64)
