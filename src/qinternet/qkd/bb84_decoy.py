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
from qinternet.constants import DEFAULT_ATTENUATION_DB_PER_KM
from qinternet.entropy import binary_entropy
from qinternet.errors import InvalidParameterError
from qinternet.qkd._inputs import channel_transmissivity_array, plob_with_unit_eta
from qinternet.qkd._optimize import maximise_on_grid
from qinternet.qkd.options import KeyRateOptions, ProtocolSpec
from qinternet.qkd.results import KeyRateResult

__all__ = [
    "DecoyBB84Params",
    "GYS_ATTENUATION_DB_PER_KM",
    "SPEC",
    "bb84_gain_and_qber",
    "bb84_key_rate_infinite_decoys",
    "bb84_key_rate_two_decoys",
    "bb84_single_photon_bounds_two_decoys",
    "evaluate",
    "params_from_options",
]

FloatArray = npt.NDArray[np.float64]

#: Fibre attenuation of the GYS experiment (dB/km). Only the reference cases use it; the CLI
#: default is the project-wide ``DEFAULT_ATTENUATION_DB_PER_KM`` (0.2 dB/km), as for every
#: protocol, so that ``keyrate bb84-decoy`` and ``keyrate compare`` agree.
GYS_ATTENUATION_DB_PER_KM = 0.21

_MU_SEARCH = (1e-3, 1.5)  # search interval of the optimised signal intensity

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
    total_transmissivity: npt.ArrayLike, intensity: npt.ArrayLike, params: DecoyBB84Params
) -> tuple[FloatArray, FloatArray]:
    """Gain Q_mu and QBER E_mu of weak coherent pulses of mean photon number ``intensity``.

    Parameters
    ----------
    total_transmissivity : array_like
        eta = eta_Bob * eta_channel, detector *included* (dimensionless).
    intensity : array_like
        Mean photon number mu >= 0 (broadcast against ``total_transmissivity``).
    params : DecoyBB84Params
        Background yield Y0 and misalignment e_det are used.

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
    >>> q, e = bb84_gain_and_qber(0.045 * 10 ** (-2.1), 0.48, DecoyBB84Params())   # 100 km
    >>> print(f"{float(q):.7g} {float(e):.6g}")   # reference case D5 (tests/data/qkd.json)
    0.0001732602 0.0375821
    """
    eta = np.asarray(total_transmissivity, dtype=np.float64)
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
    total_transmissivity: npt.ArrayLike,
    intensity: npt.ArrayLike,
    params: DecoyBB84Params | None = None,
) -> FloatArray:
    """Asymptotic decoy-BB84 key rate with infinitely many decoys (exact Y1 and e1).

    Parameters
    ----------
    total_transmissivity : array_like
        eta = eta_Bob * eta_channel in [0, 1], detector *included*.
    intensity : array_like
        Signal mean photon number mu > 0 (broadcast against ``total_transmissivity``).
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
    >>> r = bb84_key_rate_infinite_decoys(0.045 * 10 ** (-0.21 * 50 / 10), 0.48)
    >>> print(f"{float(r):.7g}")   # reference case D2 (50 km)
    0.0002225952
    """
    p = DecoyBB84Params() if params is None else params
    eta = np.asarray(total_transmissivity, dtype=np.float64)
    mu = np.asarray(intensity, dtype=np.float64)
    gain, qber = bb84_gain_and_qber(eta, mu, p)
    y1, e1 = _single_photon_exact(eta, p)
    q1 = y1 * mu * np.exp(-mu)
    return _rate(gain, qber, q1, e1, p)


def _single_photon_exact(eta: FloatArray, p: DecoyBB84Params) -> tuple[FloatArray, FloatArray]:
    """Exact Y1 = Y0 + eta - Y0 eta and e1 = (e0 Y0 + e_det eta)/Y1 (e1 = 1/2 when Y1 = 0)."""
    y1 = np.asarray(p.background_yield + eta - p.background_yield * eta, dtype=np.float64)
    num = _E0 * p.background_yield + p.misalignment * eta
    e1 = np.divide(num, y1, out=np.full(np.broadcast(num, y1).shape, 0.5), where=y1 > 0)
    return y1, np.asarray(e1, dtype=np.float64)


def bb84_single_photon_bounds_two_decoys(
    total_transmissivity: npt.ArrayLike,
    intensity: npt.ArrayLike,
    decoys: tuple[float, float],
    params: DecoyBB84Params | None = None,
) -> tuple[FloatArray, FloatArray]:
    """Lower bound on Y1 and upper bound on e1 from two decoys ``nu1 > nu2 >= 0``.

    Parameters
    ----------
    total_transmissivity : array_like
        eta = eta_Bob * eta_channel, detector included.
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
    nu1, nu2 = _check_two_decoys(decoys)
    eta = np.asarray(total_transmissivity, dtype=np.float64)
    mu = np.asarray(intensity, dtype=np.float64)
    if np.any(mu <= nu1 + nu2):
        raise InvalidParameterError(
            "intensity", float(np.min(mu)), f"must exceed the sum of the decoys ({nu1 + nu2:g})"
        )
    q_mu, _ = bb84_gain_and_qber(eta, mu, p)
    q1, e_1 = bb84_gain_and_qber(eta, nu1, p)
    q2, e_2 = bb84_gain_and_qber(eta, nu2, p)
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
    total_transmissivity: npt.ArrayLike,
    intensity: npt.ArrayLike,
    decoys: tuple[float, float],
    params: DecoyBB84Params | None = None,
) -> FloatArray:
    """Asymptotic decoy-BB84 key rate with two decoys (vacuum + weak when one of them is 0).

    Parameters
    ----------
    total_transmissivity : array_like
        eta = eta_Bob * eta_channel, detector included.
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
    >>> r = bb84_key_rate_two_decoys(0.045 * 10 ** (-2.1), 0.48, (0.0, 0.05))
    >>> print(f"{float(r):.7g}")   # reference case D4 (100 km, vacuum + weak)
    1.602005e-05
    """
    p = DecoyBB84Params() if params is None else params
    eta = np.asarray(total_transmissivity, dtype=np.float64)
    mu = np.asarray(intensity, dtype=np.float64)
    y1, e1 = bb84_single_photon_bounds_two_decoys(eta, mu, decoys, p)
    gain, qber = bb84_gain_and_qber(eta, mu, p)
    return _rate(gain, qber, mu * np.exp(-mu) * y1, e1, p)


def _check_two_decoys(decoys: tuple[float, ...]) -> tuple[float, float]:
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


def params_from_options(options: KeyRateOptions) -> DecoyBB84Params:
    """Decoy-BB84 device parameters from CLI-level options (``None`` fields -> GYS defaults)."""
    _check_options(options)
    base = DecoyBB84Params()
    sifting = base.sifting_factor
    if options.key_basis_probability is not None:
        from qinternet.qkd.decoy_optimisation import efficient_bb84_sifting_factor

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


def _check_options(options: KeyRateOptions) -> None:
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


def evaluate(
    channel_transmissivity: npt.ArrayLike, options: KeyRateOptions | None = None
) -> list[KeyRateResult]:
    """Decoy-BB84 key rate at each Alice–Bob channel transmissivity (``SPEC.evaluate``).

    Parameters
    ----------
    channel_transmissivity : array_like
        1-d array of fibre transmissivities in [0, 1], detector *not* included
        (``eta = detector_efficiency * channel_transmissivity``).
    options : KeyRateOptions, optional
        ``detector_efficiency`` = eta_Bob, ``dark_count`` = background yield Y0,
        ``misalignment`` = e_det, ``ec_efficiency`` = f, ``intensity`` = mu (optimised on
        [1e-3, 1.5] when None, jointly for all transmissivities), ``decoys`` = None (infinite) or
        two intensities, ``decoy_count`` = 2 (both decoys and mu optimised per point,
        :func:`~qinternet.qkd.decoy_optimisation.bb84_optimised_two_decoys`),
        ``key_basis_probability`` = p (sifting factor p^2 + (1 - p)^2; default 1/2).
        ``pulses`` switches to the Lim et al. 2014 finite-key model
        (:mod:`qinternet.qkd.bb84_finite`).

    Returns
    -------
    list of KeyRateResult
        One per transmissivity: rate in bits per pulse, PLOB of the channel (detector not
        included), qber = E_mu, phase_error_rate = e1 (exact) or e1^U (two decoys).

    Raises
    ------
    InvalidParameterError
        On invalid options or combinations (named after the :class:`KeyRateOptions` field).

    References
    ----------
    .. [1] Lo, Ma, Chen, PRL 94, 230504 (2005); Ma, Qi, Zhao, Lo, PRA 72, 012326 (2005) [R];
       Lo-Ma-Chen 2005

    Examples
    --------
    >>> [r] = evaluate([10 ** (-0.21 * 100 / 10)], KeyRateOptions(intensity=0.48))
    >>> print(f"{r.key_rate_bits_per_pulse:.7g}")   # reference case D3
    1.718436e-05
    """
    opts = KeyRateOptions() if options is None else options
    if opts.pulses is not None:
        from qinternet.qkd.bb84_finite import evaluate_finite_key

        return evaluate_finite_key(channel_transmissivity, opts)
    _check_options(opts)
    params = params_from_options(opts)
    eta_ch = channel_transmissivity_array(channel_transmissivity)
    eta = params.detector_efficiency * eta_ch
    decoys = None if opts.decoys is None else _check_two_decoys(opts.decoys)
    decoy_sets: list[tuple[float, float]] | None = None
    if opts.decoy_count is not None:
        if opts.decoy_count != 2:
            raise InvalidParameterError(
                "decoys", opts.decoy_count,
                "must be 2 (or 'infinite', or two fixed intensities) for asymptotic bb84-decoy")
        from qinternet.qkd.decoy_optimisation import bb84_optimised_two_decoys

        best = bb84_optimised_two_decoys(eta, params, intensity=opts.intensity)
        decoy_sets = list(zip(best.decoy_nu1.tolist(), best.decoy_nu2.tolist(), strict=True))

    def rate_of(mu: FloatArray, eta_col: FloatArray) -> FloatArray:
        if decoys is None:
            return bb84_key_rate_infinite_decoys(eta_col, mu, params)
        return bb84_key_rate_two_decoys(eta_col, mu, decoys, params)

    if decoy_sets is not None:
        mu_opt, rates = best.intensity_mu, best.key_rate_bits_per_pulse
    elif opts.intensity is not None:
        mu_opt = np.full_like(eta, opts.intensity)
        rates = rate_of(mu_opt, eta)
    else:
        low = _MU_SEARCH[0] if decoys is None else max(_MU_SEARCH[0], 1.0001 * sum(decoys))
        mu_opt, rates = maximise_on_grid(
            lambda mu: rate_of(mu, eta[:, None]), eta.size, low, _MU_SEARCH[1]
        )
    gain, qber = bb84_gain_and_qber(eta, mu_opt, params)
    if decoy_sets is not None:
        e1 = np.array([bb84_single_photon_bounds_two_decoys(e, m, d, params)[1]
                       for e, m, d in zip(eta, mu_opt, decoy_sets, strict=True)])
    elif decoys is None:
        _, e1 = _single_photon_exact(eta, params)
    else:
        _, e1 = bb84_single_photon_bounds_two_decoys(eta, mu_opt, decoys, params)
    plob = plob_with_unit_eta(eta_ch)
    plob_det = plob_with_unit_eta(eta)
    decoy_label = "infinite" if decoys is None else ",".join(f"{v:g}" for v in decoys)
    out = []
    for i in range(eta.size):
        out.append(
            KeyRateResult(
                protocol="bb84-decoy",
                channel_transmissivity=float(eta_ch[i]),
                key_rate_bits_per_pulse=float(rates[i]),
                plob_bits_per_pulse=float(plob[i]),
                qber=float(qber[i]),
                phase_error_rate=float(min(max(e1[i], 0.0), 0.5)),
                parameters={
                    "intensity_mu": float(mu_opt[i]),
                    "intensity_optimised": opts.intensity is None,
                    "decoys": decoy_label if decoy_sets is None else
                    "optimised: " + ",".join(f"{v:.6g}" for v in decoy_sets[i]),
                    "decoys_optimised": decoy_sets is not None,
                    "detector_efficiency_eta_bob": params.detector_efficiency,
                    "background_yield_y0": params.background_yield,
                    "misalignment_e_det": params.misalignment,
                    "ec_efficiency_f": params.ec_efficiency,
                    "sifting_factor_q": params.sifting_factor,
                    "key_basis_probability": opts.key_basis_probability or 0.5,
                    "total_transmissivity": float(eta[i]),
                    "eta_includes_detector": True,
                    "plob_includes_detector": False,
                    "plob_with_detector_bits_per_pulse": float(plob_det[i]),
                    "gain_q_mu": float(gain[i]),
                },
            )
        )
    return out


SPEC = ProtocolSpec(
    name="bb84-decoy",
    evaluate=evaluate,
    default_attenuation_db_per_km=DEFAULT_ATTENUATION_DB_PER_KM,
    relay=False,
    help=(
        "Decoy-state BB84 (Lo-Ma-Chen 2005; GYS parameter set). Rate in secret bits per pulse "
        "with standard sifting 1/2 unless --key-basis-probability p sets it to p^2 + (1-p)^2 "
        "(efficient BB84; with --pulses p = q_x is fixed instead of optimised). "
        "--distance-km: whole fibre, eta = 10^(-A L/10), "
        "A = 0.2 dB/km by default (the GYS experiment had 0.21); --detector-efficiency: "
        "Bob's whole detection efficiency eta_Bob (default 0.045), multiplying the channel; "
        "--dark-count: background yield Y0 per pulse, both detectors together (default "
        "1.7e-6); --misalignment: e_det (default 0.033); "
        "--ec-efficiency: f (default 1.22); --intensity: signal mu (optimised when omitted); "
        "--decoys: 'infinite' (exact single-photon yield), nu1,nu2 fixed (0,nu = vacuum + "
        "weak) or 2 (nu1, nu2 and mu optimised per point; asymptotically nu2 -> vacuum and "
        "nu1 -> its floor 1e-4); "
        "--pulses N: Lim et al. 2014 finite key (three intensities mu > nu1 + nu2, "
        "default decoys: nu1 optimised, nu2 = 2e-4; --decoys 2: both optimised; basis and "
        "intensity probabilities optimised). --phase-mismatch is not used. qber = E_mu, "
        "phase_error_rate = e1."
    ),
    supports_finite_decoys=True,
    supports_finite_key=True,
    supports_decoy_optimisation=True,
    supports_basis_probability=True,
)
