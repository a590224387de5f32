"""Measurement-device-independent QKD (MDI-QKD), asymptotic: infinite decoys (finite decoy
sets: :mod:`qinternet.qkd.mdi_decoys`).

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

from qinternet._validation import require_in_range, require_positive
from qinternet.constants import DEFAULT_ATTENUATION_DB_PER_KM
from qinternet.entropy import binary_entropy
from qinternet.qkd._inputs import (
    channel_transmissivity_array,
    plob_with_unit_eta,
    reject_finite_decoys,
    reject_finite_key,
)
from qinternet.qkd._optimize import maximise_on_grid
from qinternet.qkd._special import SERIES_LIMIT, i0_minus_one
from qinternet.qkd.options import KeyRateOptions, ProtocolSpec
from qinternet.qkd.results import KeyRateResult

__all__ = [
    "MDIParams",
    "MDIQuantities",
    "SPEC",
    "evaluate",
    "mdi_key_rate",
    "mdi_quantities",
]

FloatArray = npt.NDArray[np.float64]

_MU_SEARCH = (1e-3, 2.0)
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
        require_in_range("dark_count", self.dark_count, 0.0, 1.0, high_inclusive=False)
        require_in_range("misalignment", self.misalignment, 0.0, 0.5)
        require_in_range("ec_efficiency", self.ec_efficiency, 1.0, np.inf, high_inclusive=False)


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


def evaluate(
    channel_transmissivity: npt.ArrayLike, options: KeyRateOptions | None = None
) -> list[KeyRateResult]:
    """MDI-QKD key rate at each Alice–Bob channel transmissivity (``SPEC.evaluate``).

    Parameters
    ----------
    channel_transmissivity : array_like
        1-d array of whole-fibre transmissivities in [0, 1], detector not included.
    options : KeyRateOptions, optional
        ``detector_efficiency`` = eta_d (per arm), ``dark_count`` = pd per detector per pulse,
        ``misalignment`` = e_d, ``ec_efficiency`` = f, ``intensity`` = mu of each party
        (optimised on [1e-3, 2] when None), ``decoys`` (fixed finite set) or ``decoy_count``
        (N >= 2 optimised per point): LP decoy bounds of :mod:`qinternet.qkd.mdi_decoys`.
        Finite key and a phase mismatch are not supported.

    Returns
    -------
    list of KeyRateResult
        qber = E_rect (Z basis), phase_error_rate = e_11^X; PLOB of the whole channel.

    Raises
    ------
    InvalidParameterError
        On invalid or unsupported options (named after the :class:`KeyRateOptions` field).

    References
    ----------
    .. [1] Lo, Curty, Qi, PRL 108, 130503 (2012); Xu, Curty, Qi, Lo, NJP 15, 113007 (2013) [R];
       Lo-Curty-Qi 2012

    Examples
    --------
    >>> [r] = evaluate([1e-4], KeyRateOptions(intensity=0.5))     # 200 km (case M3)
    >>> print(f"{r.key_rate_bits_per_pulse:.7g} {r.qber:.6f} {r.phase_error_rate:.6f}")
    2.069071e-08 0.030606 0.022904
    """
    opts = KeyRateOptions() if options is None else options
    if opts.key_basis_probability is not None:
        reject_finite_decoys(opts, "mdi")  # names key_basis_probability
    reject_finite_key(opts, "mdi")
    if opts.phase_mismatch is not None and opts.phase_mismatch != 0:
        from qinternet.errors import InvalidParameterError

        raise InvalidParameterError(
            "phase_mismatch", opts.phase_mismatch, "is not used by mdi (polarisation encoding)"
        )
    if opts.intensity is not None:
        require_positive("intensity", opts.intensity)
    params = params_from_options(opts)
    eta_ch = channel_transmissivity_array(channel_transmissivity)
    if opts.decoys is not None or opts.decoy_count is not None:
        from qinternet.qkd.mdi_decoys import evaluate_finite_decoys

        return evaluate_finite_decoys(eta_ch, opts, params)
    if opts.intensity is not None:
        mu = np.full_like(eta_ch, opts.intensity)
        rates = mdi_key_rate(eta_ch, mu, params)
    else:
        mu, rates = maximise_on_grid(
            lambda m: mdi_key_rate(eta_ch[:, None], m, params), eta_ch.size, *_MU_SEARCH
        )
    arm = params.detector_efficiency * np.sqrt(eta_ch)
    q = mdi_quantities(arm, arm, mu, mu, params)
    plob = plob_with_unit_eta(eta_ch)
    plob_det = plob_with_unit_eta(params.detector_efficiency**2 * eta_ch)
    return [
        KeyRateResult(
            protocol="mdi",
            channel_transmissivity=float(eta_ch[i]),
            key_rate_bits_per_pulse=float(rates[i]),
            plob_bits_per_pulse=float(plob[i]),
            qber=float(q.qber_e_rect[i]),
            phase_error_rate=float(q.phase_error_e11_x[i]),
            parameters={
                "intensity_mu": float(mu[i]),
                "intensity_optimised": opts.intensity is None,
                "decoys": "infinite",
                "detector_efficiency_eta_d": params.detector_efficiency,
                "dark_count_pd": params.dark_count,
                "misalignment_e_d": params.misalignment,
                "ec_efficiency_f": params.ec_efficiency,
                "arm_transmissivity": float(arm[i]),
                "eta_includes_detector": True,
                "plob_includes_detector": False,
                "plob_with_detector_bits_per_pulse": float(plob_det[i]),
                "gain_q_rect": float(q.gain_q_rect[i]),
                "yield_y11": float(q.yield_y11[i]),
            },
        )
        for i in range(eta_ch.size)
    ]


SPEC = ProtocolSpec(
    name="mdi",
    evaluate=evaluate,
    default_attenuation_db_per_km=DEFAULT_ATTENUATION_DB_PER_KM,
    relay=True,
    help=(
        "MDI-QKD with infinite decoys (Lo-Curty-Qi 2012; channel model Ma-Razavi 2012 / "
        "Xu-Curty-Qi-Lo 2013). Rate in secret bits per pulse pair; untrusted relay in the "
        "middle, each arm has sqrt(eta) of the channel. --distance-km: whole Alice-Bob fibre "
        "(A = 0.2 dB/km by default; each arm L/2); --loss-db: whole channel loss; "
        "--detector-efficiency: eta_d of the relay's detectors, on each arm (default 0.145); "
        "--dark-count: pd per detector per pulse (default 3e-6); --misalignment: e_d (default "
        "0.015); --ec-efficiency: f (default 1.16); --intensity: signal mu of each party "
        "(optimised when omitted). --decoys: infinite (default), v1,v2,... fixed (both "
        "parties; Y_11 and e_11^X bounded by LPs over both bases' gains, mu optimised) or a "
        "count N >= 2 (vacuum + N-1 decoys and mu optimised per point; about 1 s per point "
        "per optimised decoy); no --pulses, no --phase-mismatch. "
        "qber = E_rect (Z basis), phase_error_rate = e_11^X (its upper bound with finite decoys)."
    ),
    supports_finite_decoys=True,
    supports_finite_key=False,
    supports_decoy_optimisation=True,
)
