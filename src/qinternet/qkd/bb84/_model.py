"""Decoy-state BB84, asymptotic: infinite decoys (GLLP + Lo–Ma–Chen) and two decoys.

Model (Lo-Ma-Chen 2005) with the Gobby–Yuan–Shields (GYS) parameter set as defaults::

    eta   = eta_Bob * eta_channel              (eta_Bob: Bob's whole detection efficiency)
    Q_mu  = Y0 + 1 - exp(-eta mu)              E_mu Q_mu = e0 Y0 + e_det (1 - exp(-eta mu))
    Y1    = Y0 + eta - Y0 eta                  e1 = (e0 Y0 + e_det eta) / Y1,  Q1 = Y1 mu e^-mu
    R     = q { Q1 [1 - h(e1)] - Q_mu f h(E_mu) }      (q = 1/2: standard BB84 sifting)

Two decoys ``nu1 > nu2 >= 0`` (``nu2 = 0``: vacuum + weak decoy) replace Y1, e1 by the
Ma–Qi–Zhao–Lo lower/upper bounds. Rates are in secret bits per pulse sent by Alice; a rate that
is not positive is returned as 0.0 (no key), never as an error.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from qinternet._validation import require_in_range, require_positive
from qinternet.entropy import binary_entropy
from qinternet.errors import InvalidParameterError
from qinternet.qkd.options import KeyRateOptions

__all__ = [
    "DecoyBB84Params",
    "GYS_ATTENUATION_DB_PER_KM",
    "bb84_gain_and_qber",
    "bb84_key_rate_infinite_decoys",
    "bb84_key_rate_two_decoys",
    "bb84_single_photon_bounds_two_decoys",
    "efficient_bb84_sifting_factor",
    "params_from_options",
]

FloatArray = npt.NDArray[np.float64]

#: Fibre attenuation of the GYS experiment (dB/km). Only the reference cases use it; the CLI
#: default is the project-wide ``DEFAULT_ATTENUATION_DB_PER_KM`` (0.2 dB/km), as for every
#: protocol, so that ``keyrate bb84-decoy`` and ``keyrate compare`` agree.
GYS_ATTENUATION_DB_PER_KM = 0.21

#: Search interval of the optimised signal intensity mu.
MU_SEARCH = (1e-3, 1.5)

_REFERENCES = (
    "H.-K. Lo, X. Ma, K. Chen, PRL 94, 230504 (2005), arXiv:quant-ph/0411004 [R]; "
    "X. Ma, B. Qi, Y. Zhao, H.-K. Lo, PRA 72, 012326 (2005), arXiv:quant-ph/0503005 [R]; "
    "GYS parameters: C. Gobby, Z. Yuan, A. Shields, APL 84, 3762 (2004) [V, impl]"
)


@dataclass(frozen=True, slots=True, kw_only=True)
class DecoyBB84Params:
    """Device parameters of decoy BB84 (defaults: the GYS set of Lo-Ma-Chen 2005).

    Attributes
    ----------
    detector_efficiency : float
        eta_Bob, Bob's whole detection efficiency (optics and detectors), in (0, 1]. Default 0.045.
    background_yield : float
        Y0, probability of a click with no signal photon (both detectors together) per pulse,
        in [0, 1). Default 1.7e-6.
    misalignment : float
        e_det, probability that a detected photon hits the wrong detector, in [0, 1/2].
        Default 0.033.
    ec_efficiency : float
        Error-correction inefficiency f >= 1. Default 1.22.
    sifting_factor : float
        q, fraction of pulses kept after basis sifting, in (0, 1]. Default 1/2 (standard BB84).
    """

    detector_efficiency: float = 0.045
    background_yield: float = 1.7e-6
    misalignment: float = 0.033
    ec_efficiency: float = 1.22
    sifting_factor: float = 0.5

    def __post_init__(self) -> None:
        require_in_range("detector_efficiency", self.detector_efficiency, 0.0, 1.0,
                         low_inclusive=False)
        require_in_range("background_yield", self.background_yield, 0.0, 1.0,
                         high_inclusive=False)
        require_in_range("misalignment", self.misalignment, 0.0, 0.5)
        require_in_range("ec_efficiency", self.ec_efficiency, 1.0, np.inf, high_inclusive=False)
        require_in_range("sifting_factor", self.sifting_factor, 0.0, 1.0, low_inclusive=False)


_E0 = 0.5  # error rate of background (random) clicks


def bb84_gain_and_qber(
    channel_transmissivity: npt.ArrayLike, intensity: npt.ArrayLike, params: DecoyBB84Params
) -> tuple[FloatArray, FloatArray]:
    """Gain Q_mu and QBER E_mu of weak coherent pulses of mean photon number ``intensity``.

    Parameters
    ----------
    channel_transmissivity : array_like
        Alice–Bob channel transmissivity, detector *not* included; the model's
        eta = eta_Bob * channel with eta_Bob = ``params.detector_efficiency``.
    intensity : array_like
        Mean photon number mu >= 0 (broadcast against ``channel_transmissivity``).
    params : DecoyBB84Params
        eta_Bob, background yield Y0 and misalignment e_det are used.

    Returns
    -------
    gain, qber : ndarray
        Q_mu (detection probability per pulse) and E_mu (error rate of detected pulses).

    Notes
    -----
    ``Q_mu = Y0 + 1 - exp(-eta mu)``, ``E_mu Q_mu = e0 Y0 + e_det (1 - exp(-eta mu))``, e0 = 1/2.

    References
    ----------
    .. [1] H.-K. Lo, X. Ma, K. Chen, PRL 94, 230504 (2005), arXiv:quant-ph/0411004; model as in
       X. Ma, B. Qi, Y. Zhao, H.-K. Lo, PRA 72, 012326 (2005), Eqs. (2)-(3) [R; V, impl].

    Examples
    --------
    >>> q, e = bb84_gain_and_qber(10 ** (-2.1), 0.48, DecoyBB84Params())   # 100 km
    >>> print(f"{float(q):.7g} {float(e):.6g}")   # reference case D5 (tests/data/qkd.json)
    0.0001732602 0.0375821
    """
    return gain_and_qber(total_transmissivity(channel_transmissivity, params), intensity, params)


def total_transmissivity(channel_transmissivity: npt.ArrayLike,
                         params: DecoyBB84Params) -> FloatArray:
    """eta = eta_Bob * channel: the transmissivity the model's formulas take (detector in)."""
    return np.asarray(params.detector_efficiency * np.asarray(channel_transmissivity,
                                                              dtype=np.float64),
                      dtype=np.float64)


def gain_and_qber(eta_total: npt.ArrayLike, intensity: npt.ArrayLike, params: DecoyBB84Params
                  ) -> tuple[FloatArray, FloatArray]:
    """:func:`bb84_gain_and_qber` at the total transmissivity eta (detector included)."""
    eta = np.asarray(eta_total, dtype=np.float64)
    mu = np.asarray(intensity, dtype=np.float64)
    clicks = -np.expm1(-eta * mu)
    gain = params.background_yield + clicks
    errors = _E0 * params.background_yield + params.misalignment * clicks
    # No clicks at all (Y0 = 0 and vacuum): no errors either; define E = 0 instead of 0/0.
    qber = np.divide(errors, gain, out=np.zeros(np.broadcast(errors, gain).shape), where=gain > 0)
    return np.asarray(gain, dtype=np.float64), np.asarray(qber, dtype=np.float64)


def _rate(
    gain: FloatArray, qber: FloatArray, q1: FloatArray, e1: FloatArray, params: DecoyBB84Params
) -> FloatArray:
    """GLLP rate q{Q1[1 - h(e1)] - Q f h(E)}, clamped at 0 (e1 clamped to [0, 1/2])."""
    e1c = np.clip(e1, 0.0, 0.5)
    q1c = np.maximum(q1, 0.0)
    rate = params.sifting_factor * (
        q1c * (1.0 - binary_entropy(e1c))
        - gain * params.ec_efficiency * binary_entropy(np.clip(qber, 0.0, 0.5))
    )
    return np.asarray(np.maximum(rate, 0.0), dtype=np.float64)


def bb84_key_rate_infinite_decoys(
    channel_transmissivity: npt.ArrayLike,
    intensity: npt.ArrayLike,
    params: DecoyBB84Params | None = None,
) -> FloatArray:
    """Asymptotic decoy-BB84 key rate with infinitely many decoys (exact Y1 and e1).

    Parameters
    ----------
    channel_transmissivity : array_like
        Alice–Bob channel transmissivity in [0, 1], detector *not* included (the model's
        eta = eta_Bob * channel, eta_Bob = ``params.detector_efficiency``).
    intensity : array_like
        Signal mean photon number mu > 0 (broadcast against ``channel_transmissivity``).
    params : DecoyBB84Params, optional
        Device parameters; default: the GYS set.

    Returns
    -------
    ndarray
        Key rate in secret bits per pulse (>= 0; 0 means no key).

    Notes
    -----
    ``R = q{Q1 [1 - h(e1)] - Q_mu f h(E_mu)}`` with ``Y1 = Y0 + eta - Y0 eta``,
    ``e1 = (e0 Y0 + e_det eta)/Y1``, ``Q1 = Y1 mu e^-mu``.

    References
    ----------
    .. [1] H.-K. Lo, X. Ma, K. Chen, "Decoy state quantum key distribution", PRL 94, 230504
       (2005), arXiv:quant-ph/0411004, GLLP rate with infinite decoys [R].
    .. [2] D. Gottesman, H.-K. Lo, N. Lütkenhaus, J. Preskill, QIC 4, 325 (2004) (GLLP) [R].
    .. [3] Lo-Ma-Chen 2005, reference cases D1-D3 [C].

    Examples
    --------
    >>> r = bb84_key_rate_infinite_decoys(10 ** (-0.21 * 50 / 10), 0.48)
    >>> print(f"{float(r):.7g}")   # reference case D2 (50 km)
    0.0002225952
    """
    p = DecoyBB84Params() if params is None else params
    return key_rate_infinite_decoys(total_transmissivity(channel_transmissivity, p), intensity, p)


def key_rate_infinite_decoys(eta_total: npt.ArrayLike, intensity: npt.ArrayLike,
                             p: DecoyBB84Params) -> FloatArray:
    """:func:`bb84_key_rate_infinite_decoys` at the total transmissivity (detector included)."""
    eta = np.asarray(eta_total, dtype=np.float64)
    mu = np.asarray(intensity, dtype=np.float64)
    gain, qber = gain_and_qber(eta, mu, p)
    y1, e1 = single_photon_exact(eta, p)
    q1 = y1 * mu * np.exp(-mu)
    return _rate(gain, qber, q1, e1, p)


def single_photon_exact(eta: FloatArray, p: DecoyBB84Params) -> tuple[FloatArray, FloatArray]:
    """Exact Y1 = Y0 + eta - Y0 eta and e1 = (e0 Y0 + e_det eta)/Y1 (e1 = 1/2 when Y1 = 0)."""
    y1 = np.asarray(p.background_yield + eta - p.background_yield * eta, dtype=np.float64)
    num = _E0 * p.background_yield + p.misalignment * eta
    e1 = np.divide(num, y1, out=np.full(np.broadcast(num, y1).shape, 0.5), where=y1 > 0)
    return y1, np.asarray(e1, dtype=np.float64)


def bb84_single_photon_bounds_two_decoys(
    channel_transmissivity: npt.ArrayLike,
    intensity: npt.ArrayLike,
    decoys: tuple[float, float],
    params: DecoyBB84Params | None = None,
) -> tuple[FloatArray, FloatArray]:
    """Lower bound on Y1 and upper bound on e1 from two decoys ``nu1 > nu2 >= 0``.

    Parameters
    ----------
    channel_transmissivity : array_like
        Alice–Bob channel transmissivity, detector not included (eta = eta_Bob * channel).
    intensity : array_like
        Signal mean photon number mu, with ``mu > nu1 + nu2``.
    decoys : tuple of two floats
        Decoy intensities (any order); ``0`` gives the vacuum + weak decoy method.
    params : DecoyBB84Params, optional
        Device parameters; default: GYS.

    Returns
    -------
    y1_lower, e1_upper : ndarray
        ``Y1^L`` (may be <= 0 where no key can be shown) and ``e1^U``.

    Notes
    -----
    With ``Y0^L = max[(nu1 Q_nu2 e^nu2 - nu2 Q_nu1 e^nu1)/(nu1 - nu2), 0]``::

        Y1^L = mu / (mu nu1 - mu nu2 - nu1^2 + nu2^2)
               * [Q_nu1 e^nu1 - Q_nu2 e^nu2 - (nu1^2 - nu2^2)/mu^2 (Q_mu e^mu - Y0^L)]
        e1^U = (E_nu1 Q_nu1 e^nu1 - E_nu2 Q_nu2 e^nu2) / ((nu1 - nu2) Y1^L)

    For ``nu2 = 0`` (``Q_0 = Y0``, ``E_0 Q_0 = e0 Y0``) this is exactly the vacuum + weak form
    of Lo-Ma-Chen 2005, ``Y1^L = mu/(mu nu - nu^2) [Q_nu e^nu - Q_mu e^mu nu^2/mu^2
    - (mu^2 - nu^2)/mu^2 Y0]`` [D: algebraic identity, checked in the tests].

    Raises
    ------
    InvalidParameterError
        If the decoys are not ``nu1 > nu2 >= 0`` with ``nu1 + nu2 < mu``.

    References
    ----------
    .. [1] X. Ma, B. Qi, Y. Zhao, H.-K. Lo, "Practical decoy state for quantum key distribution",
       PRA 72, 012326 (2005), arXiv:quant-ph/0503005, Sec. IV (vacuum + weak decoy and general
       two-decoy estimates) [R; vacuum + weak form V, impl].
    """
    p = DecoyBB84Params() if params is None else params
    return single_photon_bounds_two_decoys(total_transmissivity(channel_transmissivity, p),
                                           intensity, decoys, p)


def single_photon_bounds_two_decoys(
    eta_total: npt.ArrayLike, intensity: npt.ArrayLike, decoys: tuple[float, float],
    p: DecoyBB84Params,
) -> tuple[FloatArray, FloatArray]:
    """:func:`bb84_single_photon_bounds_two_decoys` at the total transmissivity eta."""
    nu1, nu2 = check_two_decoys(decoys)
    eta = np.asarray(eta_total, dtype=np.float64)
    mu = np.asarray(intensity, dtype=np.float64)
    if np.any(mu <= nu1 + nu2):
        raise InvalidParameterError(
            "intensity", float(np.min(mu)), f"must exceed the sum of the decoys ({nu1 + nu2:g})"
        )
    q_mu, _ = gain_and_qber(eta, mu, p)
    q1, e_1 = gain_and_qber(eta, nu1, p)
    q2, e_2 = gain_and_qber(eta, nu2, p)
    w1 = q1 * np.exp(nu1)
    w2 = q2 * np.exp(nu2)
    y0_lower = np.maximum((nu1 * w2 - nu2 * w1) / (nu1 - nu2), 0.0)
    y1_lower = (
        mu / (mu * nu1 - mu * nu2 - nu1**2 + nu2**2)
        * (w1 - w2 - (nu1**2 - nu2**2) / mu**2 * (q_mu * np.exp(mu) - y0_lower))
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        e1_upper = np.where(
            y1_lower > 0, (e_1 * w1 - e_2 * w2) / ((nu1 - nu2) * y1_lower), 0.5
        )
    return np.asarray(y1_lower, dtype=np.float64), np.asarray(e1_upper, dtype=np.float64)


def bb84_key_rate_two_decoys(
    channel_transmissivity: npt.ArrayLike,
    intensity: npt.ArrayLike,
    decoys: tuple[float, float],
    params: DecoyBB84Params | None = None,
) -> FloatArray:
    """Asymptotic decoy-BB84 key rate with two decoys (vacuum + weak when one of them is 0).

    Parameters
    ----------
    channel_transmissivity : array_like
        Alice–Bob channel transmissivity, detector not included (eta = eta_Bob * channel).
    intensity : array_like
        Signal mean photon number mu > nu1 + nu2.
    decoys : tuple of two floats
        Decoy intensities, e.g. ``(0.0, 0.05)``.
    params : DecoyBB84Params, optional
        Device parameters; default: GYS.

    Returns
    -------
    ndarray
        Key rate in secret bits per pulse (>= 0).

    Raises
    ------
    InvalidParameterError
        On an invalid decoy set (see :func:`bb84_single_photon_bounds_two_decoys`).

    Notes
    -----
    ``R = q{Q1^L [1 - h(e1^U)] - Q_mu f h(E_mu)}``, ``Q1^L = mu e^-mu Y1^L``.

    References
    ----------
    .. [1] X. Ma, B. Qi, Y. Zhao, H.-K. Lo, PRA 72, 012326 (2005), arXiv:quant-ph/0503005,
       Sec. IV [R]; Lo-Ma-Chen 2005, reference cases D4, D-VW-0km, D-VW-50km [C].

    Examples
    --------
    >>> r = bb84_key_rate_two_decoys(10 ** (-2.1), 0.48, (0.0, 0.05))
    >>> print(f"{float(r):.7g}")   # reference case D4 (100 km, vacuum + weak)
    1.602005e-05
    """
    p = DecoyBB84Params() if params is None else params
    return key_rate_two_decoys(total_transmissivity(channel_transmissivity, p), intensity,
                               decoys, p)


def key_rate_two_decoys(eta_total: npt.ArrayLike, intensity: npt.ArrayLike,
                        decoys: tuple[float, float], p: DecoyBB84Params) -> FloatArray:
    """:func:`bb84_key_rate_two_decoys` at the total transmissivity (detector included)."""
    eta = np.asarray(eta_total, dtype=np.float64)
    mu = np.asarray(intensity, dtype=np.float64)
    y1, e1 = single_photon_bounds_two_decoys(eta, mu, decoys, p)
    gain, qber = gain_and_qber(eta, mu, p)
    return _rate(gain, qber, mu * np.exp(-mu) * y1, e1, p)


def check_two_decoys(decoys: tuple[float, ...]) -> tuple[float, float]:
    values = tuple(float(v) for v in decoys)
    if len(values) != 2:
        raise InvalidParameterError(
            "decoys", ",".join(f"{v:g}" for v in values),
            "must be 'infinite' or two intensities nu1,nu2 (e.g. 0,0.05 for vacuum + weak)",
        )
    nu1, nu2 = max(values), min(values)
    if not (np.isfinite(nu1) and nu2 >= 0 and nu1 > nu2):
        raise InvalidParameterError(
            "decoys", ",".join(f"{v:g}" for v in values),
            "must be two distinct finite intensities >= 0",
        )
    return nu1, nu2



def efficient_bb84_sifting_factor(key_basis_probability: float) -> float:
    """Sifted fraction ``q = p^2 + (1 - p)^2`` of BB84 with a biased basis choice.

    Parameters
    ----------
    key_basis_probability : float
        Probability p in (0, 1] with which Alice and Bob (independently) choose the X basis;
        both bases give key, each with its own error estimate.

    Returns
    -------
    float
        Fraction of pulses with matching bases; 1/2 for the standard p = 1/2, -> 1 as p -> 1.

    Raises
    ------
    InvalidParameterError
        If p is outside (0, 1].

    References
    ----------
    .. [1] H.-K. Lo, H. F. Chau, M. Ardehali, "Efficient quantum key distribution scheme and a
       proof of its unconditional security", J. Cryptology 18, 133 (2005),
       arXiv:quant-ph/0011056: matching-basis probability p^2 + (1 - p)^2 with separate error
       rates per basis [R].

    Examples
    --------
    >>> efficient_bb84_sifting_factor(0.5), efficient_bb84_sifting_factor(0.9)
    (0.5, 0.82)
    """
    p = require_in_range("key_basis_probability", key_basis_probability, 0.0, 1.0,
                         low_inclusive=False)
    return float(round(p * p + (1.0 - p) * (1.0 - p), 15))


def params_from_options(options: KeyRateOptions) -> DecoyBB84Params:
    """Decoy-BB84 device parameters from CLI-level options (``None`` fields -> GYS defaults)."""
    check_options(options)
    base = DecoyBB84Params()
    sifting = base.sifting_factor
    if options.key_basis_probability is not None:
        sifting = efficient_bb84_sifting_factor(options.key_basis_probability)
    return DecoyBB84Params(
        detector_efficiency=_pick(options.detector_efficiency, base.detector_efficiency),
        background_yield=_pick(options.dark_count, base.background_yield),
        misalignment=_pick(options.misalignment, base.misalignment),
        ec_efficiency=_pick(options.ec_efficiency, base.ec_efficiency),
        sifting_factor=sifting,
    )


def _pick(value: float | None, default: float) -> float:
    return default if value is None else value


def check_options(options: KeyRateOptions) -> None:
    """Reject options that have no meaning for bb84-decoy."""
    if options.phase_mismatch is not None and options.phase_mismatch != 0:
        raise InvalidParameterError(
            "phase_mismatch", options.phase_mismatch,
            "is not used by bb84-decoy (the model has no phase reference)",
        )
    # Validate under the option names (the CLI maps them to --dark-count etc.).
    if options.dark_count is not None:
        require_in_range("dark_count", options.dark_count, 0.0, 1.0, high_inclusive=False)
    if options.misalignment is not None:
        require_in_range("misalignment", options.misalignment, 0.0, 0.5)
    if options.ec_efficiency is not None:
        require_in_range("ec_efficiency", options.ec_efficiency, 1.0, np.inf,
                         high_inclusive=False)
    if options.intensity is not None:
        require_positive("intensity", options.intensity)
    if options.detector_efficiency is not None:
        require_in_range("detector_efficiency", options.detector_efficiency, 0.0, 1.0,
                         low_inclusive=False)

