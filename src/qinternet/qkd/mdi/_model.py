"""Measurement-device-independent QKD (MDI-QKD), asymptotic: infinite decoys (finite decoy
sets: :mod:`qinternet.qkd.mdi.decoys`).

Model (Lo-Curty-Qi 2012): Alice and Bob send phase-randomised weak coherent pulses in BB84
polarisation states to an untrusted relay Charlie in the middle, who performs a Bell-state
measurement with two threshold detectors per output; key from the rectilinear (Z) basis::

    R = Q_11^Z [1 - h(e_11^X)] - Q_rect f h(E_rect),      Q_11 = mu_a mu_b e^(-mu_a - mu_b) Y_11

per pulse pair (basis sifting ignored asymptotically). Arm transmittances *include* the detector
efficiency: ``eta_a = eta_b = eta_d sqrt(eta_channel)`` (symmetric relay). A rate that is not
positive is returned as 0.0.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.special import i0e

from qinternet._validation import require_in_range
from qinternet.entropy import binary_entropy
from qinternet.qkd._inputs import validate_devices
from qinternet.qkd._special import SERIES_LIMIT, i0_minus_one
from qinternet.qkd.options import KeyRateOptions

FloatArray = npt.NDArray[np.float64]

__all__ = [
    "MDIParams",
    "MDIQuantities",
    "mdi_key_rate",
    "mdi_quantities",
]

#: Search interval of the optimised signal intensity mu (both parties).
MU_SEARCH = (1e-3, 2.0)
_E0 = 0.5


@dataclass(frozen=True, slots=True, kw_only=True)
class MDIParams:
    """Device parameters of MDI-QKD (defaults: Xu et al. 2013/2014 standard set [R]).

    Attributes
    ----------
    detector_efficiency : float
        eta_d, efficiency of Charlie's detectors, folded into each arm, in (0, 1]. Default 0.145.
    dark_count : float
        pd, dark-count probability per detector per pulse, in [0, 1). Default 3e-6.
    misalignment : float
        e_d, polarisation misalignment error probability, in [0, 1/2]. Default 0.015.
    ec_efficiency : float
        Error-correction inefficiency f >= 1. Default 1.16.
    """

    detector_efficiency: float = 0.145
    dark_count: float = 3e-6
    misalignment: float = 0.015
    ec_efficiency: float = 1.16

    def __post_init__(self) -> None:
        require_in_range("detector_efficiency", self.detector_efficiency, 0.0, 1.0,
                         low_inclusive=False)
        validate_devices(dark_count=self.dark_count, misalignment=self.misalignment,
                         ec_efficiency=self.ec_efficiency)


@dataclass(frozen=True, slots=True, kw_only=True)
class MDIQuantities:
    """Gains, error rates and single-photon-pair terms of MDI-QKD (arrays, one per input)."""

    #: Q_rect: probability of a successful Bell-state announcement per pulse pair (Z basis).
    gain_q_rect: FloatArray
    #: E_rect: error rate of the announced Z-basis events.
    qber_e_rect: FloatArray
    #: Y_11: yield of single-photon pairs.
    yield_y11: FloatArray
    #: e_11^X: phase-error rate of single-photon pairs (X-basis error rate).
    phase_error_e11_x: FloatArray
    #: Q_11 = mu_a mu_b exp(-mu_a - mu_b) Y_11.
    gain_q11: FloatArray


def mdi_quantities(
    arm_transmissivity_a: npt.ArrayLike,
    arm_transmissivity_b: npt.ArrayLike,
    intensity_a: npt.ArrayLike,
    intensity_b: npt.ArrayLike,
    params: MDIParams | None = None,
) -> MDIQuantities:
    """Z-basis gain and error rate and the single-photon-pair yield and phase error of MDI-QKD.

    Parameters
    ----------
    arm_transmissivity_a, arm_transmissivity_b : array_like
        eta_a, eta_b: transmittance of each arm *including* Charlie's detector efficiency.
    intensity_a, intensity_b : array_like
        Signal mean photon numbers mu_a, mu_b of Alice and Bob.
    params : MDIParams, optional
        pd and e_d are used (the detector efficiency is already in the arms).

    Returns
    -------
    MDIQuantities

    Notes
    -----
    With ``mu' = eta_a mu_a + eta_b mu_b``, ``x = sqrt(eta_a mu_a eta_b mu_b)/2``::

        Q_C = 2(1-pd)^2 e^(-mu'/2) [1 - (1-pd) e^(-eta_a mu_a/2)] [1 - (1-pd) e^(-eta_b mu_b/2)]
        Q_E = 2 pd (1-pd)^2 e^(-mu'/2) [I0(2x) - (1-pd) e^(-mu'/2)]
        Q_rect = Q_C + Q_E,   E_rect Q_rect = e_d Q_C + (1 - e_d) Q_E
        Y_11 = (1-pd)^2 [eta_a eta_b/2 + (2 eta_a + 2 eta_b - 3 eta_a eta_b) pd
                         + 4 (1-eta_a)(1-eta_b) pd^2]
        e_11^X Y_11 = e0 Y_11 - (e0 - e_d)(1-pd)^2 eta_a eta_b / 2

    I0 is evaluated as ``i0e(2x) e^(2x)`` combined with the exponent ``-mu'/2`` (no overflow);
    for ``2x < 1/2`` the Q_E bracket is ``e^(-mu'/2)[(I0(2x) - 1) - expm1(-mu'/2)
    + pd e^(-mu'/2)]`` with ``I0 - 1`` from its series (no cancellation at high loss).

    References
    ----------
    .. [1] X. Ma, M. Razavi, "Alternative schemes for measurement-device-independent quantum key
       distribution", PRA 86, 062319 (2012), arXiv:1204.4856 [R].
    .. [2] F. Xu, M. Curty, B. Qi, H.-K. Lo, "Practical aspects of measurement-device-independent
       quantum key distribution", NJP 15, 113007 (2013), arXiv:1305.6965, appendix [R; Q_C and
       Q_E re-derived, D].
    .. [3] Lo-Curty-Qi 2012, reference case M1 [C].

    Examples
    --------
    >>> q = mdi_quantities(0.145, 0.145, 0.5, 0.5)          # L = 0 (reference case M1)
    >>> print(f"{float(q.gain_q_rect):.7g} {float(q.yield_y11):.7g}")
    0.002358334 0.01051399
    """
    p = MDIParams() if params is None else params
    ea = np.asarray(arm_transmissivity_a, dtype=np.float64)
    eb = np.asarray(arm_transmissivity_b, dtype=np.float64)
    ma = np.asarray(intensity_a, dtype=np.float64)
    mb = np.asarray(intensity_b, dtype=np.float64)
    pd = p.dark_count
    one = 1.0 - pd
    mu_prime = ea * ma + eb * mb
    x = np.sqrt(ea * ma * eb * mb) / 2.0
    # 1 - (1-pd) e^-x = -expm1(-x) + pd e^-x: accurate when x = eta mu / 2 is tiny.
    q_c = (
        2.0 * one**2 * np.exp(-mu_prime / 2.0)
        * (-np.expm1(-ea * ma / 2.0) + pd * np.exp(-ea * ma / 2.0))
        * (-np.expm1(-eb * mb / 2.0) + pd * np.exp(-eb * mb / 2.0))
    )
    # e^(-mu'/2) I0(2x) = i0e(2x) e^(2x - mu'/2), and 2x <= mu'/2 (AM-GM): no overflow.
    # For small 2x (high loss) the bracket is e^(-mu'/2)[(I0(2x) - 1) - expm1(-mu'/2)
    # + pd e^(-mu'/2)], free of the cancellation of e^(-mu'/2) I0(2x) - e^(-mu').
    small = 2.0 * x < SERIES_LIMIT
    x_s = np.where(small, 2.0 * x, 0.0)
    half = np.where(small, mu_prime / 2.0, 0.0)
    bracket_small = np.exp(-half) * (i0_minus_one(x_s) - np.expm1(-half) + pd * np.exp(-half))
    bracket = np.where(
        small, bracket_small,
        i0e(2.0 * x) * np.exp(2.0 * x - mu_prime / 2.0) - one * np.exp(-mu_prime),
    )
    q_e = 2.0 * pd * one**2 * bracket
    q_rect = q_c + q_e
    err = p.misalignment * q_c + (1.0 - p.misalignment) * q_e
    # No announced event at all (pd = 0 and no light): no errors, E_rect := 0.
    e_rect = np.divide(err, q_rect, out=np.zeros(np.broadcast(err, q_rect).shape),
                       where=q_rect > 0)
    y11 = one**2 * (
        ea * eb / 2.0 + (2.0 * ea + 2.0 * eb - 3.0 * ea * eb) * pd
        + 4.0 * (1.0 - ea) * (1.0 - eb) * pd**2
    )
    num = _E0 * y11 - (_E0 - p.misalignment) * one**2 * ea * eb / 2.0
    # Y_11 = 0 (pd = 0 and no light): no single-photon information, e_11 := 1/2.
    e11 = np.divide(num, y11, out=np.full(np.broadcast(num, y11).shape, 0.5), where=y11 > 0)
    q11 = ma * mb * np.exp(-ma - mb) * y11
    return MDIQuantities(
        gain_q_rect=np.asarray(q_rect, dtype=np.float64),
        qber_e_rect=np.asarray(e_rect, dtype=np.float64),
        yield_y11=np.asarray(y11, dtype=np.float64),
        phase_error_e11_x=np.asarray(e11, dtype=np.float64),
        gain_q11=np.asarray(q11, dtype=np.float64),
    )


def mdi_key_rate(
    channel_transmissivity: npt.ArrayLike,
    intensity: npt.ArrayLike,
    params: MDIParams | None = None,
) -> FloatArray:
    """Asymptotic MDI-QKD key rate (symmetric relay, infinite decoys), bits per pulse pair.

    Parameters
    ----------
    channel_transmissivity : array_like
        Transmissivity of the whole Alice–Bob fibre, detector *not* included; each arm has
        ``sqrt(channel_transmissivity)`` and ``eta_a = eta_b = eta_d sqrt(channel)``.
    intensity : array_like
        Signal mean photon number mu of each party (mu_a = mu_b = mu).
    params : MDIParams, optional
        Device parameters; default: eta_d = 0.145, pd = 3e-6, e_d = 0.015, f = 1.16.

    Returns
    -------
    ndarray
        Key rate in secret bits per pulse pair (>= 0).

    Notes
    -----
    ``R = Q_11 [1 - h(e_11^X)] - Q_rect f h(E_rect)``, clamped at 0; see :func:`mdi_quantities`.

    References
    ----------
    .. [1] H.-K. Lo, M. Curty, B. Qi, "Measurement-device-independent quantum key distribution",
       PRL 108, 130503 (2012), arXiv:1109.1473, key-rate formula [R].
    .. [2] Lo-Curty-Qi 2012, reference cases M1-M3 [C].

    Examples
    --------
    >>> print(f"{float(mdi_key_rate(0.01, 0.5)):.7g}")    # 100 km at 0.2 dB/km (case M2)
    4.861043e-06
    """
    p = MDIParams() if params is None else params
    arm = p.detector_efficiency * np.sqrt(np.asarray(channel_transmissivity, dtype=np.float64))
    q = mdi_quantities(arm, arm, intensity, intensity, p)
    rate = q.gain_q11 * (1.0 - binary_entropy(np.clip(q.phase_error_e11_x, 0.0, 0.5))) - (
        q.gain_q_rect * p.ec_efficiency * binary_entropy(np.clip(q.qber_e_rect, 0.0, 0.5))
    )
    return np.asarray(np.maximum(rate, 0.0), dtype=np.float64)


def params_from_options(options: KeyRateOptions) -> MDIParams:
    """MDI device parameters from CLI-level options (``None`` fields -> defaults)."""
    base = MDIParams()
    return MDIParams(
        detector_efficiency=(
            base.detector_efficiency
            if options.detector_efficiency is None
            else options.detector_efficiency
        ),
        dark_count=base.dark_count if options.dark_count is None else options.dark_count,
        misalignment=base.misalignment if options.misalignment is None else options.misalignment,
        ec_efficiency=(
            base.ec_efficiency if options.ec_efficiency is None else options.ec_efficiency
        ),
    )
