"""Phase-matching QKD with finite decoy sets (fixed or optimised; issue 15, item 1).

Ma, Zeng, Zhou (2018) bound the phase error by the odd-photon-number fractions of the signal,
``E^X <= 1 - sum_k q_{2k+1}``, ``q_k = P_k(2 mu) Y_k / Q_mu`` (P_k Poisson: the total photon
number of the two pulses is Poisson(2 mu)). Infinite decoys know every ``Y_k``; with a finite
decoy set (phase-randomised pulses of intensities nu per party) lower bounds on ``Y_1, Y_3,
Y_5`` follow from one LP each over ``Y_k in [0, 1]``, ``k <= S``::

    Q_nu - tail(nu) <= sum_k P_k(2 nu) Y_k <= Q_nu        for nu in {mu} + decoys

(the gains of the toolkit model :func:`~qinternet.qkd.pm.pm_terms`), and
``E^X <= 1 - q_1^L - q_3^L - q_5^L``. The rate is ``(2/D) Q_mu [1 - f h(E^Z) - h(E^X)]``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from qinternet._validation import require_in_range
from qinternet.entropy import binary_entropy
from qinternet.qkd._inputs import (
    RelayDeviceParams,
    channel_transmissivity_array,
    check_decoy_choice,
    decoy_set_parameters,
    fixed_decoy_set,
    key_rate_results,
    relay_parameters,
    signal_and_decoys,
    validate_devices,
)
from qinternet.qkd._optimize import optimise_decoy_intensities
from qinternet.qkd._yield_lp import gain_constraints, poisson_weights, yield_extremum
from qinternet.qkd.options import KeyRateOptions
from qinternet.qkd.results import KeyRateResult, ParamValue
from qinternet.qkd.tf._pm_model import DEFAULT_PHASE_SLICES, MODEL_NOTE, pm_terms
from qinternet.qkd.tf._transmittance import check_detector_efficiency, total_transmittance

__all__ = ["PmDecoyRate", "evaluate_finite_decoys", "pm_key_rate_finite_decoys",
           "pm_optimised_decoys"]

FloatArray = npt.NDArray[np.float64]

#: Photon-number truncation S of the yield LP (total photon number of both pulses).
TRUNCATION_S = 12
#: Odd photon numbers whose yields are bounded.
_ODD_TARGETS = (1, 3, 5)
_MIN_DECOY = 1e-4


@dataclass(frozen=True, slots=True, kw_only=True)
class PmDecoyRate:
    """PM-QKD rate with finite decoys at one transmittance."""

    #: Key rate in bits per pulse pair (0 when no key).
    key_rate_bits_per_pulse: float
    #: Signal intensity mu of each party.
    intensity_mu: float
    #: Decoy intensities (both parties).
    decoys: tuple[float, ...]
    #: Upper bound on the phase-error rate E^X.
    phase_error_bound: float
    #: Gain Q_mu and bit-error rate E^Z of the signal.
    gain: float
    qber_z: float


def pm_key_rate_finite_decoys(
    channel_transmissivity: float,
    mu: float,
    decoys: Sequence[float],
    *,
    detector_efficiency: float = 1.0,
    dark_count: float = 1e-8,
    misalignment: float = 0.02,
    ec_efficiency: float = 1.16,
    phase_slices: int = DEFAULT_PHASE_SLICES,
) -> PmDecoyRate:
    """Asymptotic PM-QKD rate with a finite decoy set (LP lower bounds on Y_1, Y_3, Y_5).

    Parameters
    ----------
    channel_transmissivity : float
        Alice-Bob channel transmissivity, detector *not* included, in [0, 1]; the model's
        ``eta = channel_transmissivity * detector_efficiency``, each arm sqrt(eta).
    mu : float
        Signal intensity of each party, > 0.
    decoys : sequence of float
        Decoy intensities of each party (>= 0, distinct, different from mu).
    detector_efficiency : float
        Detector efficiency folded into the channel, in (0, 1]. Default 1.
    dark_count, misalignment, ec_efficiency : float
        pd per detector per pulse, e_d, f.
    phase_slices : int
        Number of phase slices D (rate factor 2/D).

    Returns
    -------
    PmDecoyRate

    Raises
    ------
    InvalidParameterError
        On out-of-range inputs.
    SolverError
        If an LP fails (never reported as a zero rate).

    References
    ----------
    .. [1] X. Ma, P. Zeng, H. Zhou, PRX 8, 031043 (2018), arXiv:1805.05538: phase error from
       the odd photon-number fractions, decoy estimation of q_1, q_3 [R]; LP form as for CAL19
       [C].

    Examples
    --------
    >>> r = pm_key_rate_finite_decoys(1e-5, 0.07, (0.0, 0.01, 0.03))
    >>> from qinternet.qkd.tf._pm_model import pm_key_rate
    >>> bool(0 < r.key_rate_bits_per_pulse < float(pm_key_rate(1e-5, mu=0.07)[()]))
    True
    """
    e = (require_in_range("channel_transmissivity", channel_transmissivity, 0.0, 1.0)
         * check_detector_efficiency(detector_efficiency))
    validate_devices(dark_count=dark_count, misalignment=misalignment,
                     ec_efficiency=ec_efficiency)
    return _finite_decoys_rate(e, mu, decoys, dark_count=dark_count, misalignment=misalignment,
                               ec_efficiency=ec_efficiency, phase_slices=phase_slices)


def _finite_decoys_rate(e: float, mu: float, decoys: Sequence[float], *, dark_count: float,
                        misalignment: float, ec_efficiency: float,
                        phase_slices: int) -> PmDecoyRate:
    """:func:`pm_key_rate_finite_decoys` at the total transmittance ``e`` (detector in)."""
    levels, dec = signal_and_decoys(mu, decoys)
    m = float(levels[0])

    def terms(x: npt.ArrayLike) -> object:
        return pm_terms(e, x, dark_count=dark_count, misalignment=misalignment,
                        ec_efficiency=ec_efficiency, phase_slices=phase_slices)

    p = poisson_weights(2.0 * levels, TRUNCATION_S)
    gains = np.asarray(terms(levels).gain, dtype=np.float64)  # type: ignore[attr-defined]
    tail = np.clip(1.0 - p.sum(axis=1), 0.0, 1.0)
    a_ub, b_ub = gain_constraints(p, gains, gains - tail,
                                  np.where(gains > 0.0, gains, p.max(axis=1)))
    odd = 0.0
    for target in _ODD_TARGETS:
        low_yield = yield_extremum(a_ub, b_ub, target, maximise=False, failure=(
            f"PM decoy LP failed (eta = {e!r}, mu = {m!r}, decoys {dec})"))
        odd += float(p[0, target]) * max(low_yield, 0.0)
    signal = terms(m)
    q_mu = float(signal.gain)  # type: ignore[attr-defined]
    e_z = float(signal.qber_z)  # type: ignore[attr-defined]
    e_x = min(max(1.0 - odd / q_mu, 0.0), 0.5) if q_mu > 0 else 0.5
    rate = (2.0 / phase_slices) * q_mu * (1.0 - ec_efficiency * float(binary_entropy(e_z))
                                          - float(binary_entropy(e_x)))
    return PmDecoyRate(key_rate_bits_per_pulse=max(rate, 0.0) + 0.0, intensity_mu=m,
                       decoys=dec, phase_error_bound=e_x, gain=q_mu, qber_z=e_z)


def pm_optimised_decoys(
    channel_transmissivity: npt.ArrayLike,
    decoy_count: int | None,
    *,
    detector_efficiency: float = 1.0,
    dark_count: float = 1e-8,
    misalignment: float = 0.02,
    ec_efficiency: float = 1.16,
    intensity: float | None = None,
    decoys: Sequence[float] | None = None,
) -> list[PmDecoyRate]:
    """PM-QKD with finite decoys along an array, intensities optimised per point.

    Parameters
    ----------
    channel_transmissivity : array_like
        1-d Alice-Bob channel transmissivities, detector *not* included, in [0, 1]; the
        model's ``eta = channel_transmissivity * detector_efficiency``.
    decoy_count : int or None
        N >= 2: the vacuum and N - 1 decoys in [1e-4, mu) optimised; ``None``: ``decoys`` fixed.
    detector_efficiency : float
        Detector efficiency folded into the channel, in (0, 1]. Default 1.
    dark_count, misalignment, ec_efficiency : float
        Devices.
    intensity : float, optional
        Fixed signal intensity (optimised in [1e-3, 1] when None).
    decoys : sequence of float, optional
        Fixed decoy set (with ``decoy_count = None``).

    Returns
    -------
    list of PmDecoyRate

    Raises
    ------
    InvalidParameterError
        If neither or both of ``decoy_count`` and ``decoys`` are given, or ``decoy_count < 2``.

    References
    ----------
    .. [1] X. Ma, P. Zeng, H. Zhou, PRX 8, 031043 (2018), arXiv:1805.05538 [R].
    """
    check_decoy_choice(decoy_count, decoys, "pm")
    etas = total_transmittance(channel_transmissivity_array(channel_transmissivity),
                               detector_efficiency)
    k = 0 if decoy_count is None else decoy_count - 1
    n_mu = 0 if intensity is not None else 1

    def rate_at(e: float, mu: float, dec: tuple[float, ...]) -> PmDecoyRate:
        return _finite_decoys_rate(e, mu, dec, dark_count=dark_count, misalignment=misalignment,
                                   ec_efficiency=ec_efficiency, phase_slices=DEFAULT_PHASE_SLICES)

    def no_key(mu: float, dec: tuple[float, ...]) -> PmDecoyRate:
        return PmDecoyRate(key_rate_bits_per_pulse=0.0, intensity_mu=mu, decoys=dec,
                           phase_error_bound=0.5, gain=0.0, qber_z=0.5)

    seeds = []
    for mu0 in ([intensity] if intensity is not None else [0.03, 0.07, 0.15]):
        head = [] if intensity is not None else [math.log(mu0)]
        tail = np.log(np.geomspace(0.05 * mu0, 0.5 * mu0, k)).tolist() if k else []
        seeds.append(np.array(head + tail))
    bounds = [(math.log(1e-3), math.log(1.0))] * n_mu + [
        (math.log(_MIN_DECOY), math.log(1.0))] * k
    return optimise_decoy_intensities(etas, rate_at, no_key, intensity=intensity,
                                      decoys=decoys, seeds=seeds, bounds=bounds)


def evaluate_finite_decoys(channel: FloatArray, options: KeyRateOptions,
                           dev: RelayDeviceParams) -> list[KeyRateResult]:
    """``pm --decoys v1,v2,...`` or ``--decoys N``: one :class:`KeyRateResult` per point.

    Parameters
    ----------
    channel : ndarray
        1-d channel transmissivities (detector not included).
    options : KeyRateOptions
        ``decoys`` (fixed) or ``decoy_count`` (optimised); ``intensity`` (mu).
    dev : RelayDeviceParams
        Resolved devices.

    Returns
    -------
    list of KeyRateResult
        qber = E^Z, phase_error_rate = the LP-based E^X bound.

    Raises
    ------
    InvalidParameterError
        On invalid decoy sets (named after the CLI option, as the rest of ``pm``).

    References
    ----------
    .. [1] Ma, Zeng, Zhou, PRX 8, 031043 (2018) [R].
    """
    fixed = fixed_decoy_set(options, 5.0)  # as mdi and sns: a decoy out of range is an error
    eta = channel * dev.detector_efficiency
    best = pm_optimised_decoys(channel, options.decoy_count, **dev.keywords(),
                               intensity=options.intensity, decoys=fixed)
    parameters: list[dict[str, ParamValue]] = [{
        **relay_parameters(float(eta[i]), dev),
        **decoy_set_parameters(r.decoys, fixed is not None),
        "phase_slices_d": DEFAULT_PHASE_SLICES,
        "gain_q_mu": r.gain, "truncation_s": TRUNCATION_S,
    } for i, r in enumerate(best)]
    return key_rate_results(
        "pm", channel, np.array([r.key_rate_bits_per_pulse for r in best]),
        np.array([r.qber_z for r in best]), np.array([r.phase_error_bound for r in best]),
        parameters, (MODEL_NOTE, "finite decoys: Y_1, Y_3, Y_5 bounded by decoy-state LPs "
                     "(after Ma-Zeng-Zhou 2018)"),
        detector_efficiency=dev.detector_efficiency, ec_efficiency=dev.ec_efficiency,
        intensity=np.array([r.intensity_mu for r in best]),
        intensity_optimised=options.intensity is None)
