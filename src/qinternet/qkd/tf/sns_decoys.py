"""SNS TF-QKD with finite decoy sets, fixed or optimised (issue 15, item 1).

In the sending-or-not-sending protocol (Wang, Yu, Hu 2018) the key comes from the Z windows; the
decoy windows ("X windows") send phase-randomised coherent states of intensities ``nu`` from a
finite set that contains the vacuum. Two kinds of decoy data bound the single-photon terms of
the key rate ``R = 2 eps (1-eps) mu_z e^{-mu_z} s_1 [1 - h(e_1^ph)] - f S_Z h(E_Z)``:

- one party sends ``nu``, the other the vacuum: the gain ``S_nu = sum_k P_k(nu) s_k`` gives a
  *lower* bound on the single-photon yield ``s_1``;
- both send ``nu`` with matching phases (the "X1 windows"): the error gain
  ``T_nu = sum_k P_k(2 nu) t_k`` gives an *upper* bound on the single-photon error yield
  ``t_1``, and ``e_1^ph <= t_1^U / s_1^L``.

Two routes, cross-checked in the tests: the closed forms of the SNS papers for the vacuum and two
decoys ``0 < mu_1 < mu_2`` (``method="analytic"``), and a linear programme over the
photon-number yields ``s_k, t_k in [0, 1]``, ``k <= S``, for any decoy set (``method="lp"``).

The "observed" gains are those of the toolkit channel model of :mod:`qinternet.qkd.tf.sns` (each
arm ``sqrt(eta)``, a 50:50 beam splitter, two threshold detectors with dark-count probability
pd; in the X1 windows a fraction ``e_d`` of the light goes to the wrong detector, the phase
window is taken as vanishing). Its photon-number yields are exactly the toolkit's infinite-decoy
``s_1`` and ``e_1 s_1``, so with ever weaker decoys the finite-decoy rate approaches the
infinite-decoy one from below.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
from scipy.optimize import minimize

from qinternet._validation import require_in_range
from qinternet.entropy import binary_entropy
from qinternet.errors import InvalidParameterError
from qinternet.qkd._inputs import (
    RelayDeviceParams,
    channel_transmissivity_array,
    check_decoy_choice,
    decoy_set_parameters,
    decoy_values,
    key_rate_results,
    relay_parameters,
    validate_devices,
)
from qinternet.qkd._optimize import maximise_1d, maximise_2d
from qinternet.qkd._yield_lp import gain_constraints, poisson_weights, yield_extremum
from qinternet.qkd.options import KeyRateOptions
from qinternet.qkd.results import KeyRateResult, ParamValue
from qinternet.qkd.tf._sns_model import EPSILON_BOUNDS, MODEL_NOTE, MU_Z_BOUNDS, sns_terms
from qinternet.qkd.tf._transmittance import check_detector_efficiency, total_transmittance

__all__ = [
    "SnsDecoyBounds",
    "SnsDecoyRate",
    "evaluate_finite_decoys",
    "sns_decoy_bounds",
    "sns_decoy_gains",
    "sns_key_rate_finite_decoys",
    "sns_optimised_decoys",
]

FloatArray = npt.NDArray[np.float64]

#: Photon-number truncation S of the yield LPs.
TRUNCATION_S = 12
#: Smallest and largest optimised decoy intensity.
DECOY_BOUNDS = (1e-4, 1.0)
#: Note carried by every finite-decoy SNS result.
FINITE_DECOY_NOTE = ("finite decoys: s_1 bounded below from one-sided decoy gains, t_1 = e_1 s_1 "
                     "above from phase-matched X1-window error gains (Wang-Yu-Hu 2018; Yu et al. "
                     "2019), by LP over the photon-number yields")
_SCALE_FLOOR = 1e-12
_MAX_DECOY = 5.0


@dataclass(frozen=True, slots=True, kw_only=True)
class SnsDecoyBounds:
    """Decoy-state bounds on the single-photon terms of SNS at one transmittance."""

    #: Lower bound on the single-photon yield s_1 (may be <= 0: no key).
    single_photon_yield_lower: float
    #: Upper bound on the single-photon error yield t_1 = e_1^ph s_1.
    single_photon_error_yield_upper: float
    #: Upper bound on the phase-error rate e_1^ph = t_1^U / s_1^L, clamped to [0, 1/2].
    phase_error_upper: float


@dataclass(frozen=True, slots=True, kw_only=True)
class SnsDecoyRate:
    """SNS rate with finite decoys at one transmittance."""

    #: Key rate in bits per pulse pair (0 when no key).
    key_rate_bits_per_pulse: float
    #: Sending probability epsilon of the Z windows.
    sending_probability: float
    #: Signal intensity mu_z of a sending pulse.
    intensity_mu_z: float
    #: Decoy intensities of the X windows (both parties).
    decoys: tuple[float, ...]
    #: The decoy bounds used.
    bounds: SnsDecoyBounds
    #: Gain S_Z and bit-error rate E_Z of the Z windows.
    gain_z: float
    qber_z: float


def sns_decoy_gains(
    eta: npt.ArrayLike,
    intensity: npt.ArrayLike,
    *,
    dark_count: float = 1e-8,
    misalignment: float = 0.02,
) -> tuple[FloatArray, FloatArray]:
    """Decoy-window gains of the toolkit SNS channel: one-sided ``S_nu`` and X1 error ``T_nu``.

    Parameters
    ----------
    eta : array_like
        Overall Alice-Bob transmittance including detector efficiency (each arm sqrt(eta)).
    intensity : array_like
        Decoy intensity ``nu`` of the sending party (broadcast against ``eta``).
    dark_count, misalignment : float
        pd per detector per pulse and the wrong-detector fraction e_d of the X1 windows.

    Returns
    -------
    (S_nu, T_nu) : tuple of ndarray
        ``S_nu``: probability that exactly one detector clicks when one party sends ``nu`` and
        the other the vacuum (``S_0 = 2 pd (1 - pd)``). ``T_nu``: probability that only the
        wrong detector clicks when both send ``nu`` with matched phases
        (``T_0 = pd (1 - pd) = S_0 / 2``).

    Notes
    -----
    With ``t = sqrt(eta)``, ``x = t nu`` and ``M = 2 x``::

        S_nu = 2 [1 - (1-pd) e^{-x/2}] (1-pd) e^{-x/2}
        T_nu = (1-pd) e^{-M (1-e_d)} [1 - (1-pd) e^{-M e_d}]

    (the one-sided term of :func:`~qinternet.qkd.tf.sns.sns_terms`; the wrong-port term as in
    the toolkit PM model). Their photon-number yields (Poisson thinning) are
    ``s_k = sum_j Bin(j; k, t) y_j`` with ``y_0 = 2 pd (1-pd)``, ``y_j = 2^{1-j} (1-pd)``, and
    ``t_k = sum_j Bin(j; k, t) z_j`` with ``z_0 = pd (1-pd)``, ``z_j = e_d^j (1-pd)``; in
    particular ``s_1`` and ``t_1`` are the toolkit's ``s_1`` and ``e_1 s_1``.

    References
    ----------
    .. [1] X.-B. Wang, Z.-W. Yu, X.-L. Hu, PRA 98, 062323 (2018), arXiv:1805.09222: decoy
       windows and X1 windows of SNS [R]; the detector model is the toolkit's [C].
    """
    e = np.asarray(eta, dtype=np.float64)
    nu = np.asarray(intensity, dtype=np.float64)
    pd = float(dark_count)
    log_keep = math.log1p(-pd)
    x = np.sqrt(e) * nu
    no_click_half = np.exp(log_keep - 0.5 * x)
    one_sided = 2.0 * (-np.expm1(log_keep - 0.5 * x)) * no_click_half
    m = 2.0 * x
    error = np.exp(log_keep - m * (1.0 - misalignment)) * (-np.expm1(log_keep - m * misalignment))
    return (np.asarray(one_sided, dtype=np.float64), np.asarray(error, dtype=np.float64))


def _levels(decoys: Sequence[float]) -> FloatArray:
    dec = decoy_values(decoys, _MAX_DECOY)
    if len(set(dec)) != len(dec):
        raise InvalidParameterError("decoys", ",".join(f"{v:g}" for v in dec),
                                    "must be distinct intensities")
    if max(dec) <= 0.0:
        raise InvalidParameterError("decoys", ",".join(f"{v:g}" for v in dec),
                                    "must contain at least one positive intensity")
    return np.array(sorted(dec))


def _yield_lp(weights: FloatArray, gains: FloatArray, target: int, sense: int,
              what: str) -> float:
    """Min (sense = +1) or max (sense = -1) of y_target over y_k in [0, 1], k <= S, with
    ``gains_i - tail_i <= sum_k weights_ik y_k <= gains_i`` (rows scaled by the gain)."""
    tail = np.clip(1.0 - weights.sum(axis=1), 0.0, 1.0)
    # Rows in units of their gain, floored so that no coefficient exceeds 1e12 (HiGHS refuses
    # huge coefficients; a vanishing gain then pins the yields to about 1e-12 of their weight).
    scale = np.maximum(gains, _SCALE_FLOOR * weights.max(axis=1))
    a_ub, b_ub = gain_constraints(weights, gains, gains - tail, scale)
    return yield_extremum(a_ub, b_ub, target, maximise=sense < 0,
                          failure=f"SNS decoy LP ({what}) failed")


def sns_decoy_bounds(
    eta: float,
    decoys: Sequence[float],
    *,
    dark_count: float = 1e-8,
    misalignment: float = 0.02,
    method: Literal["lp", "analytic"] = "lp",
) -> SnsDecoyBounds:
    """Decoy-state bounds on ``s_1`` and ``t_1 = e_1^ph s_1`` of SNS from a finite decoy set.

    Parameters
    ----------
    eta : float
        Overall Alice-Bob transmittance including detector efficiency, in [0, 1].
    decoys : sequence of float
        Distinct X-window intensities, at least one positive (the vacuum should be among them).
    dark_count, misalignment : float
        pd per detector per pulse and e_d.
    method : {"lp", "analytic"}
        ``"lp"``: one LP per bound over ``s_k, t_k in [0, 1]``, ``k <= 12``, with every decoy
        (one-sided gains for ``s_1``, X1 error gains for ``t_1``). ``"analytic"``: the closed
        forms of the SNS papers; needs exactly ``{0, mu_1, mu_2}`` and uses ``mu_1`` alone
        for ``t_1``.

    Returns
    -------
    SnsDecoyBounds

    Raises
    ------
    InvalidParameterError
        On out-of-range inputs or a decoy set the method cannot use.
    SolverError
        If an LP fails.

    Notes
    -----
    The closed forms, with ``S_0`` the vacuum gain and ``0 < mu_1 < mu_2``::

        s_1^L = [mu_2^2 e^{mu_1} S_{mu_1} - mu_1^2 e^{mu_2} S_{mu_2} - (mu_2^2 - mu_1^2) S_0]
                / [mu_1 mu_2 (mu_2 - mu_1)]
        t_1^U = [T_{mu_1} - e^{-2 mu_1} S_0 / 2] / [2 mu_1 e^{-2 mu_1}]

    (the three-intensity decoy bound on one-sided sources and the X1-window bound, dropping
    the ``k >= 3`` resp. ``k >= 2`` terms, which have the safe sign). The LP is never looser
    (it also uses ``s_k, t_k <= 1``, and every decoy).

    References
    ----------
    .. [1] X.-B. Wang, Z.-W. Yu, X.-L. Hu, PRA 98, 062323 (2018), arXiv:1805.09222 [R].
    .. [2] Z.-W. Yu, X.-L. Hu, C. Jiang, H. Xu, X.-B. Wang, "Sending-or-not-sending twin-field
       quantum key distribution in practice", Sci. Rep. 9, 3080 (2019), arXiv:1810.04045:
       the bounds on <s_1> and <e_1^ph> [R] (recalled; the paper's body was not read).
    .. [3] X. Ma, B. Qi, Y. Zhao, H.-K. Lo, PRA 72, 012326 (2005): the three-intensity form.

    Examples
    --------
    >>> b = sns_decoy_bounds(1e-5, (0.0, 0.05, 0.2), method="analytic")
    >>> bool(0.0 < b.single_photon_yield_lower < 10 ** -2.5)
    True
    """
    e = require_in_range("eta", eta, 0.0, 1.0)
    levels = _levels(decoys)
    pd = require_in_range("dark_count", dark_count, 0.0, 1.0, high_inclusive=False)
    e_d = require_in_range("misalignment", misalignment, 0.0, 0.5)
    s_gain, t_gain = sns_decoy_gains(e, levels, dark_count=pd, misalignment=e_d)
    s0 = 2.0 * pd * (1.0 - pd)
    if method == "analytic":
        if levels.size != 3 or levels[0] != 0.0:
            raise InvalidParameterError("decoys", ",".join(f"{v:g}" for v in levels),
                                        "must be {0, mu_1, mu_2} for the analytic bounds")
        m1, m2 = float(levels[1]), float(levels[2])
        s1 = ((m2**2 * math.exp(m1) * float(s_gain[1]) - m1**2 * math.exp(m2) * float(s_gain[2])
               - (m2**2 - m1**2) * s0) / (m1 * m2 * (m2 - m1)))
        t1 = (float(t_gain[1]) - math.exp(-2.0 * m1) * s0 / 2.0) / (2.0 * m1 * math.exp(-2.0 * m1))
    elif method == "lp":
        s1 = _yield_lp(poisson_weights(levels, TRUNCATION_S), s_gain, 1, 1,
                       f"s_1, eta = {e!r}, decoys {levels}")
        t1 = _yield_lp(poisson_weights(2.0 * levels, TRUNCATION_S), t_gain, 1, -1,
                       f"t_1, eta = {e!r}, decoys {levels}")
    else:
        raise InvalidParameterError("method", method, "must be 'lp' or 'analytic'")
    t1 = max(t1, 0.0) + 0.0  # + 0.0 turns -0.0 into 0.0
    e1 = min(t1 / s1, 0.5) if s1 > 0.0 else 0.5
    return SnsDecoyBounds(single_photon_yield_lower=s1, single_photon_error_yield_upper=t1,
                          phase_error_upper=e1)


def _rate_from_bounds(eta: npt.ArrayLike, epsilon: npt.ArrayLike, mu_z: npt.ArrayLike,
                      s1: npt.ArrayLike, e1: npt.ArrayLike, *, dark_count: float,
                      misalignment: float, ec_efficiency: float) -> FloatArray:
    """Unclamped SNS rate with the decoy bounds in place of the toolkit's s_1 and e_1."""
    terms = sns_terms(eta, epsilon, mu_z, dark_count=dark_count, misalignment=misalignment,
                      ec_efficiency=ec_efficiency)
    eps = np.asarray(epsilon, dtype=np.float64)
    mu = np.asarray(mu_z, dtype=np.float64)
    s1_pos = np.maximum(np.asarray(s1, dtype=np.float64), 0.0)
    single = 2.0 * eps * (1.0 - eps) * mu * np.exp(-mu) * s1_pos
    ec = ec_efficiency * terms.gain_z * binary_entropy(np.clip(terms.qber_z, 0.0, 1.0))
    return np.asarray(single * (1.0 - binary_entropy(np.clip(e1, 0.0, 0.5))) - ec,
                      dtype=np.float64)


def sns_key_rate_finite_decoys(
    channel_transmissivity: float,
    epsilon: float,
    mu_z: float,
    decoys: Sequence[float],
    *,
    detector_efficiency: float = 1.0,
    dark_count: float = 1e-8,
    misalignment: float = 0.02,
    ec_efficiency: float = 1.16,
    method: Literal["lp", "analytic"] = "lp",
) -> SnsDecoyRate:
    """Asymptotic SNS key rate with a finite decoy set at fixed ``epsilon`` and ``mu_z``.

    Parameters
    ----------
    channel_transmissivity : float
        Alice-Bob channel transmissivity, detector *not* included, in [0, 1]; the model's
        ``eta = channel_transmissivity * detector_efficiency``, each arm sqrt(eta).
    epsilon : float
        Sending probability of the Z windows, in [0, 1].
    mu_z : float
        Signal intensity of a sending pulse, > 0.
    decoys : sequence of float
        X-window decoy intensities (see :func:`sns_decoy_bounds`).
    detector_efficiency : float
        Detector efficiency folded into the channel, in (0, 1]. Default 1.
    dark_count, misalignment, ec_efficiency : float
        pd per detector per pulse, e_d, f.
    method : {"lp", "analytic"}
        How the decoy bounds are computed (:func:`sns_decoy_bounds`).

    Returns
    -------
    SnsDecoyRate

    Raises
    ------
    InvalidParameterError
        On out-of-range inputs.
    SolverError
        If an LP fails.

    Notes
    -----
    ``R = 2 eps (1-eps) mu_z e^{-mu_z} s_1^L [1 - h(e_1^U)] - f S_Z h(E_Z)`` with ``S_Z``,
    ``E_Z`` of :func:`~qinternet.qkd.tf.sns.sns_terms` (the Z windows are unchanged; p_Z -> 1).

    References
    ----------
    .. [1] Wang, Yu, Hu, PRA 98, 062323 (2018), arXiv:1805.09222 [R]; Yu, Hu, Jiang, Xu,
       Wang, Sci. Rep. 9, 3080 (2019), arXiv:1810.04045 [R].

    Examples
    --------
    >>> from qinternet.qkd.tf.sns import sns_key_rate
    >>> r = sns_key_rate_finite_decoys(1e-5, 0.04, 0.46, (0.0, 0.01, 0.05))
    >>> bool(0 < r.key_rate_bits_per_pulse
    ...      < float(sns_key_rate(1e-5, epsilon=0.04, mu_z=0.46)[()]))
    True
    """
    eta = (require_in_range("channel_transmissivity", channel_transmissivity, 0.0, 1.0)
           * check_detector_efficiency(detector_efficiency))
    eps = require_in_range("epsilon", epsilon, 0.0, 1.0)
    mu = require_in_range("mu_z", mu_z, 0.0, np.inf, low_inclusive=False, high_inclusive=False)
    f = require_in_range("ec_efficiency", ec_efficiency, 1.0, np.inf, high_inclusive=False)
    bounds = sns_decoy_bounds(eta, decoys, dark_count=dark_count, misalignment=misalignment,
                              method=method)
    terms = sns_terms(eta, eps, mu, dark_count=dark_count, misalignment=misalignment,
                      ec_efficiency=f)
    rate = float(_rate_from_bounds(eta, eps, mu, bounds.single_photon_yield_lower,
                                   bounds.phase_error_upper, dark_count=dark_count,
                                   misalignment=misalignment, ec_efficiency=f)[()])
    return SnsDecoyRate(key_rate_bits_per_pulse=max(rate, 0.0) + 0.0, sending_probability=eps,
                        intensity_mu_z=mu, decoys=tuple(float(v) for v in decoys),
                        bounds=bounds, gain_z=float(terms.gain_z), qber_z=float(terms.qber_z))


def _signal_optimum(eta: FloatArray, s1: FloatArray, e1: FloatArray, intensity: float | None,
                    kwargs: dict[str, float]) -> tuple[FloatArray, FloatArray, FloatArray]:
    """(epsilon, mu_z, unclamped rate) maximising the rate at fixed decoy bounds, per point.

    The optimisers take one array of problems; it is the index of the point, so that each
    problem finds its own transmittance and bounds."""
    index = np.arange(eta.size, dtype=np.float64)

    def at(i: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
        j = i.astype(np.int64)
        return eta[j], s1[j], e1[j]

    if intensity is None:
        def rate2(i: FloatArray, x: FloatArray, y: FloatArray) -> FloatArray:
            e, s, p = at(i)
            return _rate_from_bounds(e, x, y, s, p, **kwargs)

        return maximise_2d(rate2, index, EPSILON_BOUNDS, MU_Z_BOUNDS, n_grid=(32, 24))

    def rate1(i: FloatArray, x: FloatArray) -> FloatArray:
        e, s, p = at(i)
        return _rate_from_bounds(e, x, intensity, s, p, **kwargs)

    eps_o, r_o = maximise_1d(rate1, index, *EPSILON_BOUNDS, n_grid=52)
    return eps_o, np.full(eta.shape, float(intensity)), r_o


def _result(eta: float, eps: float, mu: float, decoys: tuple[float, ...], bounds: SnsDecoyBounds,
            kwargs: dict[str, float]) -> SnsDecoyRate:
    terms = sns_terms(eta, eps, mu, **kwargs)
    rate = float(_rate_from_bounds(eta, eps, mu, bounds.single_photon_yield_lower,
                                   bounds.phase_error_upper, **kwargs)[()])
    return SnsDecoyRate(key_rate_bits_per_pulse=max(rate, 0.0) + 0.0, sending_probability=eps,
                        intensity_mu_z=mu, decoys=decoys, bounds=bounds,
                        gain_z=float(terms.gain_z), qber_z=float(terms.qber_z))


def sns_optimised_decoys(
    channel_transmissivity: npt.ArrayLike,
    decoy_count: int | None,
    *,
    detector_efficiency: float = 1.0,
    dark_count: float = 1e-8,
    misalignment: float = 0.02,
    ec_efficiency: float = 1.16,
    intensity: float | None = None,
    decoys: Sequence[float] | None = None,
) -> list[SnsDecoyRate]:
    """SNS with finite decoys along an array: epsilon, mu_z (and the decoys) optimised per point.

    Parameters
    ----------
    channel_transmissivity : array_like
        1-d Alice-Bob channel transmissivities, detector *not* included, in [0, 1]; the
        model's ``eta = channel_transmissivity * detector_efficiency``.
    decoy_count : int or None
        N >= 2: the vacuum and N - 1 decoys in [1e-4, 1] optimised per point (warm-started
        from the previous point); ``None``: ``decoys`` fixed.
    detector_efficiency : float
        Detector efficiency folded into the channel, in (0, 1]. Default 1.
    dark_count, misalignment, ec_efficiency : float
        Devices.
    intensity : float, optional
        Fixed signal intensity mu_z (epsilon still optimised); both optimised when None.
    decoys : sequence of float, optional
        Fixed decoy set (with ``decoy_count = None``).

    Returns
    -------
    list of SnsDecoyRate

    Raises
    ------
    InvalidParameterError
        If neither or both of ``decoy_count`` and ``decoys`` are given, or ``decoy_count < 2``.
    SolverError
        If an LP or the optimiser fails.

    Notes
    -----
    The decoy bounds do not depend on (epsilon, mu_z), so the optimisation alternates: the
    decoys by Nelder-Mead (log intensities, LP bounds) at fixed (epsilon, mu_z), then
    (epsilon, mu_z) by grid and Nelder-Mead at fixed bounds, until the rate stops improving
    (at most three rounds; each step never lowers the rate). Without statistical fluctuations
    weaker decoys give tighter bounds, so the optimiser drives the decoys towards the lower
    end of their range (it is not imposed).

    References
    ----------
    .. [1] Wang, Yu, Hu, PRA 98, 062323 (2018) [R]; Yu et al., Sci. Rep. 9, 3080 (2019) [R].
    """
    check_decoy_choice(decoy_count, decoys, "sns")
    etas = total_transmittance(channel_transmissivity_array(channel_transmissivity),
                               detector_efficiency)
    if intensity is not None:
        require_in_range("intensity", intensity, 0.0, np.inf, low_inclusive=False,
                         high_inclusive=False)
    validate_devices(dark_count=dark_count, misalignment=misalignment,
                     ec_efficiency=ec_efficiency)
    kwargs = {"dark_count": float(dark_count), "misalignment": float(misalignment),
              "ec_efficiency": float(ec_efficiency)}
    if decoys is not None:
        fixed = tuple(float(v) for v in decoys)
        _levels(fixed)
        bounds = [sns_decoy_bounds(float(e), fixed, dark_count=dark_count,
                                   misalignment=misalignment) for e in etas]
        s1 = np.array([b.single_photon_yield_lower for b in bounds])
        e1 = np.array([b.phase_error_upper for b in bounds])
        eps_o, mu_o, _ = _signal_optimum(etas, s1, e1, intensity, kwargs)
        return [_result(float(etas[i]), float(eps_o[i]), float(mu_o[i]), fixed, bounds[i],
                        kwargs) for i in range(etas.size)]
    assert decoy_count is not None
    k = decoy_count - 1
    # Start of (epsilon, mu_z): the infinite-decoy optimum (toolkit s_1, e_1) at every point.
    exact = sns_terms(etas, 0.5, 1.0, **kwargs)
    eps_all, mu_all, _ = _signal_optimum(etas, exact.single_photon_yield,
                                         exact.phase_error_rate, intensity, kwargs)
    log_bounds = [(math.log(DECOY_BOUNDS[0]), math.log(DECOY_BOUNDS[1]))] * k
    # Seeds: moderate decoys, weak decoys, and decoys packed just above the floor (where the
    # asymptotic optimum lies; the grid of seeds is compared, not assumed).
    floor = DECOY_BOUNDS[0]
    seeds = [np.log(np.geomspace(lo, hi, k)) for lo, hi in
             ((1e-3, 0.05), (floor, 1e-3), (floor * 1.01, floor * 1.01 ** k))]
    out: list[SnsDecoyRate] = []
    start: FloatArray | None = None
    for i, e in enumerate(etas):
        e_f = float(e)

        def decoy_set(x: FloatArray) -> tuple[float, ...] | None:
            dec = (0.0, *sorted(math.exp(v) for v in x))
            return dec if len(set(dec)) == len(dec) else None

        def bounds_of(x: FloatArray, e_f: float = e_f) -> SnsDecoyBounds | None:
            dec = decoy_set(x)
            return None if dec is None else sns_decoy_bounds(e_f, dec, dark_count=dark_count,
                                                    misalignment=misalignment)

        eps, mu = float(eps_all[i]), float(mu_all[i])

        def rate_at(x: FloatArray, eps: float, mu: float, e_f: float = e_f) -> float:
            b = bounds_of(x)
            if b is None:
                return -1.0
            return float(_rate_from_bounds(e_f, eps, mu, b.single_photon_yield_lower,
                                           b.phase_error_upper, **kwargs)[()])

        candidates = seeds if start is None else [start, *seeds]
        x = max(candidates, key=lambda c: rate_at(c, eps, mu))
        best = rate_at(x, eps, mu)
        for _ in range(3):
            scale = abs(best) or 1.0

            def objective(y: FloatArray, eps: float = eps, mu: float = mu,
                          scale: float = scale) -> float:
                return -rate_at(y, eps, mu) / scale

            res = minimize(objective, x, method="Nelder-Mead", bounds=log_bounds,
                           options={"xatol": 1e-3, "fatol": 1e-7, "maxiter": 600})
            if -float(res.fun) * scale > best:
                x = np.asarray(res.x, dtype=np.float64)
            b = bounds_of(x)
            assert b is not None
            eps_n, mu_n, _ = _signal_optimum(
                np.array([e_f]), np.array([b.single_photon_yield_lower]),
                np.array([b.phase_error_upper]), intensity, kwargs)
            new = rate_at(x, float(eps_n[0]), float(mu_n[0]))
            if new > rate_at(x, eps, mu):
                eps, mu = float(eps_n[0]), float(mu_n[0])
            improved = rate_at(x, eps, mu)
            done = improved <= best + 1e-7 * abs(best)
            best = max(best, improved)
            if done:
                break
        b = bounds_of(x)
        dec = decoy_set(x)
        assert b is not None and dec is not None
        result = _result(e_f, eps, mu, dec, b, kwargs)
        out.append(result)
        if result.key_rate_bits_per_pulse > 0.0:
            start = x
    return out


def evaluate_finite_decoys(channel: FloatArray, options: KeyRateOptions,
                           dev: RelayDeviceParams) -> list[KeyRateResult]:
    """``sns --decoys v1,v2,...`` or ``--decoys N``: one :class:`KeyRateResult` per point.

    Parameters
    ----------
    channel : ndarray
        1-d channel transmissivities (detector not included).
    options : KeyRateOptions
        ``decoys`` (fixed) or ``decoy_count`` (optimised); ``intensity`` (mu_z).
    dev : RelayDeviceParams
        Resolved devices.

    Returns
    -------
    list of KeyRateResult
        qber = E_Z, phase_error_rate = the decoy bound on e_1^ph.

    Raises
    ------
    InvalidParameterError
        On invalid decoy sets (named after the option field, as the rest of ``sns``).

    References
    ----------
    .. [1] Wang, Yu, Hu, PRA 98, 062323 (2018) [R]; Yu et al., Sci. Rep. 9, 3080 (2019) [R].
    """
    fixed = None if options.decoys is None else tuple(float(v) for v in options.decoys)
    eta = channel * dev.detector_efficiency
    best = sns_optimised_decoys(channel, options.decoy_count, **dev.keywords(),
                                intensity=options.intensity, decoys=fixed)
    parameters: list[dict[str, ParamValue]] = [{
        **relay_parameters(float(eta[i]), dev),
        **decoy_set_parameters(r.decoys, fixed is not None),
        "sending_probability_epsilon": r.sending_probability,
        "gain_s_z": r.gain_z,
        "single_photon_yield_s1": r.bounds.single_photon_yield_lower,
        "truncation_s": TRUNCATION_S,
    } for i, r in enumerate(best)]
    return key_rate_results(
        "sns", channel, np.array([r.key_rate_bits_per_pulse for r in best]),
        np.array([r.qber_z for r in best]),
        np.array([r.bounds.phase_error_upper for r in best]), parameters,
        (MODEL_NOTE, FINITE_DECOY_NOTE), detector_efficiency=dev.detector_efficiency,
        ec_efficiency=dev.ec_efficiency, intensity=np.array([r.intensity_mu_z for r in best]),
        intensity_optimised=options.intensity is None)
