"""Adaptive MDI-QKD with multiplexing (all-photonic intercity QKD), **interim** model.

Azuma, Tamaki, Munro, Nat. Commun. 6, 10171 (2015); Trényi, Azuma, Curty, NJP 21, 113052
(2019), arXiv:1908.04539. Only the papers' abstracts were checked; the rate
structure is [R] and the multi-photon error model below is this toolkit's own **interim**
model, labelled as such in every result.

Interim model (per round; Alice and Bob are symmetric):

1. Alice sends ``M`` modes to the middle node C through an arm of transmittance ``t = sqrt(eta)``
   (channel only). A mode carries ``n`` photons with probability ``p_n`` (the *user source*;
   ideal single photons: ``p_1 = 1``), so ``k`` photons arrive with
   ``P(k) = sum_n p_n Bin(k; n, t)``.
2. C heralds each mode by a linear-optics Bell measurement (success ``p_BSM = 1/2``) of the
   arriving light with one half of a locally generated entangled pair; the pair source emits
   ``m`` pairs with probability ``q_m`` (the *pair source*; ideal Bell pairs: ``q_1 = 1``).
   The herald fires with probability ``p_BSM * P(at least two clicks)``, each of the
   ``k + m`` photons being detected with efficiency ``eta_d`` and each of the 4 detectors
   adding a dark click with probability ``pd``. Only ``k = m = 1`` with both photons detected
   and no dark click is a *good* herald; every other herald is *bad* (tagged: it yields no key
   and its bits are random, error 1/2).
3. Heralded Alice modes are paired adaptively with heralded Bob modes; the final Bell
   measurement succeeds with ``p_fin = p_BSM eta_d^2``. With ``N_A, N_B ~ Bin(M, P_H)``::

       R = (1/M) E[min(N_A, N_B)] p_fin [ w^2 (1 - h(e_d)) - f h(E) ],   E = w^2 e_d + (1 - w^2)/2

   where ``w = P_G / P_H`` is the good fraction of heralds and ``e_d`` the error of good pairs
   (bit and phase). ``E[min] = sum_{k>=1} P(N_A >= k) P(N_B >= k)``.

Consequences [D, within this model]: for ideal sources ``P_H = p_BSM eta_d^2 t`` and, with
``M P_H >> 1``, ``R -> P_H p_fin [...]`` scales as ``sqrt(eta)``; with ``M = 1``,
``R <= P_H^2 p_fin <= eta/8 < PLOB``. A pair source with ``q_2 > 0`` has a false-herald floor
``~ p_BSM q_2 eta_d^2`` that does not fall with loss, so ``w ~ t q_1 / q_2`` and the rate is
``O(eta)`` at best; for thermal (SPDC) statistics ``q_2 / q_1 = x/(1+x)`` gives
``R <= p_fin p_BSM eta_d^2 eta / (1 + x) <= eta/4 < PLOB`` for every loss, mean pair number
and ``M`` (ideal single-photon users) — the toolkit analogue of Trényi et al.'s conclusion that
parametric down-conversion sources cannot beat the repeaterless bound. The source condition is
explored with :func:`high_loss_rate_coefficient` (``c > 1/ln 2`` is necessary; roughly
``q_2 / q_1^2 < 0.17`` for ideal detectors).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.stats import binom

from qinternet._validation import require_in_range, require_int
from qinternet.constants import DEFAULT_ATTENUATION_DB_PER_KM
from qinternet.entropy import binary_entropy
from qinternet.qkd._inputs import (
    channel_transmissivity_array,
    plob_with_unit_eta,
    reject_unsupported,
    resolve_relay_devices,
    validate_devices,
)
from qinternet.qkd.mdi._photon_sources import (
    PhotonNumberSource,
    ideal_bell_pair_source,
    ideal_single_photon_source,
    poisson_source,
    spdc_thermal_source,
)
from qinternet.qkd.options import KeyRateOptions, ProtocolSpec
from qinternet.qkd.results import KeyRateResult

__all__ = [
    "AdaptiveMdiRate",
    "PhotonNumberSource",
    "SPEC",
    "adaptive_mdi_rate",
    "evaluate",
    "expected_min_binomial",
    "high_loss_rate_coefficient",
    "ideal_bell_pair_source",
    "ideal_single_photon_source",
    "poisson_source",
    "spdc_thermal_source",
]

FloatArray = npt.NDArray[np.float64]

#: Label carried by every adaptive-MDI result.
MODEL_NOTE = (
    "interim model: adaptive MDI-QKD multi-photon/herald error model is the toolkit's own, "
    "not from Azuma et al. 2015 / Trenyi et al. 2019"
)
#: Success probability of a linear-optics Bell measurement.
P_BSM_LINEAR_OPTICS = 0.5
#: Number of multiplexed modes per round used by the CLI.
DEFAULT_MODES = 1000


def expected_min_binomial(modes: int, probability: npt.ArrayLike) -> FloatArray:
    """``E[min(N_A, N_B)]`` for independent ``N_A, N_B ~ Bin(M, p)``.

    Uses ``E[min] = sum_{k=1}^{M} P(N >= k)^2``; for large ``M`` only the window of
    +-12 standard deviations around the mean is summed (terms below it are 1 to < 1e-30).

    Parameters
    ----------
    modes : int
        Number ``M`` of trials (multiplexed modes), >= 1.
    probability : array_like
        Success probability ``p`` per mode, in [0, 1].

    Returns
    -------
    ndarray of float
        Expected number of adaptively paired modes, one entry per ``p``.

    Raises
    ------
    InvalidParameterError
        If ``modes`` is not a positive integer.

    References
    ----------
    .. [1] Azuma-Tamaki-Munro 2015 (rate structure [R]); tail-sum identity for the minimum of two
       independent non-negative integer variables (standard) [D].

    Examples
    --------
    >>> float(expected_min_binomial(1, 0.3)[0])   # = p^2 for one mode
    0.09
    """
    m = require_int("modes", modes, minimum=1)
    probs = np.atleast_1d(np.asarray(probability, dtype=np.float64))
    out = np.empty(probs.shape)
    for i, p in enumerate(probs.ravel()):
        mean = m * p
        sd = math.sqrt(m * p * (1.0 - p))
        k_lo = max(1, int(mean - 12.0 * sd - 10.0))
        k_hi = min(m, int(mean + 12.0 * sd + 10.0) + 1)
        k = np.arange(k_lo, k_hi + 1)
        out.ravel()[i] = (k_lo - 1) + float(np.sum(binom.sf(k - 1, m, p) ** 2))
    return out


def _at_least_two_clicks(n_photons: FloatArray, eta_d: float, pd: float) -> FloatArray:
    """P(detected photons + dark clicks >= 2), photons detected independently (eta_d)."""
    no_photon = (1.0 - eta_d) ** n_photons
    one_photon = n_photons * eta_d * (1.0 - eta_d) ** np.maximum(n_photons - 1, 0)
    no_dark = (1.0 - pd) ** 4
    one_dark = 4.0 * pd * (1.0 - pd) ** 3
    return np.asarray(1.0 - no_photon * no_dark - no_photon * one_dark - one_photon * no_dark,
                      dtype=np.float64)


@dataclass(frozen=True, slots=True, kw_only=True)
class AdaptiveMdiRate:
    """Interim adaptive-MDI rate and its ingredients at one transmittance."""

    #: Secret key rate in bits per mode pair (per channel use), >= 0.
    key_rate_bits_per_mode: float
    #: P_H, heralding probability of one mode.
    herald_probability: float
    #: w = P_G / P_H, fraction of heralds that are good (single photon, single pair).
    good_herald_fraction: float
    #: E, bit-error rate of the sifted key.
    qber: float
    #: e_d, phase-error rate of good pairs (used in privacy amplification).
    phase_error_rate: float
    #: E[min(N_A, N_B)] / M, paired heralds per mode.
    paired_fraction: float


def adaptive_mdi_rate(
    channel_transmissivity: float,
    *,
    modes: int,
    user_source: PhotonNumberSource | None = None,
    pair_source: PhotonNumberSource | None = None,
    detector_efficiency: float = 1.0,
    dark_count: float = 0.0,
    misalignment: float = 0.0,
    ec_efficiency: float = 1.16,
    p_bsm: float = P_BSM_LINEAR_OPTICS,
) -> AdaptiveMdiRate:
    """Interim adaptive MDI-QKD key rate per mode pair at a channel transmissivity.

    Parameters
    ----------
    channel_transmissivity : float
        Alice–Bob channel transmissivity eta in [0, 1], detectors *not* included (they enter
        through ``detector_efficiency``); each arm sqrt(eta).
    modes : int
        Number ``M`` of multiplexed modes per party per round, >= 1.
    user_source : PhotonNumberSource, optional
        Photon-number distribution of Alice's and Bob's sources (default: ideal single photons).
    pair_source : PhotonNumberSource, optional
        Pair-number distribution of C's entangled-pair sources used for heralding (default:
        ideal Bell pairs).
    detector_efficiency : float
        Efficiency ``eta_d`` of every detector at C, in (0, 1].
    dark_count : float
        Dark-count probability per detector per mode, in [0, 1).
    misalignment : float
        Error rate ``e_d`` of good pairs (bit and phase), in [0, 1/2].
    ec_efficiency : float
        Error-correction inefficiency ``f >= 1``.
    p_bsm : float
        Bell-measurement success probability (1/2 for linear optics), in (0, 1].

    Returns
    -------
    AdaptiveMdiRate
        Rate in bits per mode pair (per channel use) and its ingredients.

    Raises
    ------
    InvalidParameterError
        If a parameter is out of range.

    Notes
    -----
    The model is described in the module docstring. It is an **interim** toolkit model: the
    papers' equations and their source inequality were not available.

    References
    ----------
    .. [1] K. Azuma, K. Tamaki, W. J. Munro, "All-photonic intercity quantum key distribution",
       Nat. Commun. 6, 10171 (2015) [V, abstract]; rate structure [R].
    .. [2] R. Trényi, K. Azuma, M. Curty, "Beating the repeaterless bound with adaptive
       measurement-device-independent quantum key distribution", NJP 21, 113052 (2019),
       arXiv:1908.04539 [V, abstract]; herald/multi-photon error model: toolkit interim [D].

    Examples
    --------
    Ideal sources and one mode: ``R = p_fin P_H^2 (1 - 0)`` with ``P_H = t/2``:

    >>> r = adaptive_mdi_rate(0.01, modes=1)
    >>> round(r.key_rate_bits_per_mode, 10)   # 0.5 * (0.1 / 2)**2
    0.00125
    """
    eta = require_in_range("channel_transmissivity", channel_transmissivity, 0.0, 1.0)
    m = require_int("modes", modes, minimum=1)
    eta_d = require_in_range("detector_efficiency", detector_efficiency, 0.0, 1.0,
                             low_inclusive=False)
    pd, e_d, f = validate_devices(dark_count=dark_count, misalignment=misalignment,
                                  ec_efficiency=ec_efficiency)
    p_bsm = require_in_range("p_bsm", p_bsm, 0.0, 1.0, low_inclusive=False)
    user = user_source or ideal_single_photon_source()
    pair = pair_source or ideal_bell_pair_source()

    t = math.sqrt(eta)
    p_n = np.asarray(user.probabilities)
    n = np.arange(p_n.size)
    k = np.arange(p_n.size)
    # P(k arrive) = sum_n p_n Bin(k; n, t)
    arrive = np.sum(p_n[None, :] * binom.pmf(k[:, None], n[None, :], t), axis=1)
    q_m = np.asarray(pair.probabilities)
    m_pairs = np.arange(q_m.size)
    total = (k[:, None] + m_pairs[None, :]).astype(np.float64)
    herald = p_bsm * float(np.sum(arrive[:, None] * q_m[None, :]
                                  * _at_least_two_clicks(total, eta_d, pd)))
    good = p_bsm * float(arrive[1] if arrive.size > 1 else 0.0) * pair.p(1) * eta_d**2 \
        * (1.0 - pd) ** 4
    w = min(good / herald, 1.0) if herald > 0.0 else 0.0  # P_G <= P_H up to rounding
    qber = min(max(w**2 * e_d + 0.5 * (1.0 - w**2), 0.0), 0.5)
    p_fin = p_bsm * eta_d**2
    paired = float(expected_min_binomial(m, herald)[0]) / m if herald > 0.0 else 0.0
    bracket = w**2 * (1.0 - float(binary_entropy(e_d))) - f * float(binary_entropy(qber))
    rate = max(paired * p_fin * bracket, 0.0) + 0.0  # + 0.0 turns -0.0 into 0.0
    return AdaptiveMdiRate(
        key_rate_bits_per_mode=rate,
        herald_probability=herald,
        good_herald_fraction=w,
        qber=qber,
        phase_error_rate=e_d,
        paired_fraction=paired,
    )


def high_loss_rate_coefficient(
    pair_source: PhotonNumberSource,
    *,
    detector_efficiency: float = 1.0,
    p_bsm: float = P_BSM_LINEAR_OPTICS,
) -> float:
    """Source figure of merit of the interim model: ``c`` with ``R <= c eta / (1 - sqrt(eta))``.

    For ideal single-photon users and any ``M``, dark-count probability and misalignment, the
    interim rate obeys ``R <= p_fin P_G^2 / P_H`` with ``P_G = p_BSM eta_d^2 t q_1`` and
    ``P_H >= p_BSM (1 - t) F_0``, where ``F_0 = sum_m q_m P(>= 2 of m photons detected)`` is the
    false-herald floor of the pair source (lost user photon). Hence ``R <= c eta / (1 - t)``
    with ``c = p_fin p_BSM eta_d^4 q_1^2 / F_0`` (``inf`` when ``F_0 = 0``, e.g. ideal Bell
    pairs). Since ``PLOB >= eta / ln 2``, ``c > 1/ln 2`` is a **necessary** condition on the
    pair source for beating PLOB at high loss in this model; thermal (SPDC) statistics give
    ``c <= 1/(4(1 + x)) < 1/ln 2``.

    Parameters
    ----------
    pair_source : PhotonNumberSource
        Pair-number distribution ``q_m`` of the node's entangled-pair sources.
    detector_efficiency : float
        ``eta_d`` of the node's detectors, in (0, 1].
    p_bsm : float
        Bell-measurement success probability, in (0, 1].

    Returns
    -------
    float
        ``c`` (dimensionless; ``inf`` when the source has no multi-pair component).

    Raises
    ------
    InvalidParameterError
        If a parameter is out of range.

    References
    ----------
    .. [1] Trényi, Azuma, Curty, NJP 21, 113052 (2019), arXiv:1908.04539 [V, abstract]: there
       are necessary conditions on the sources' photon-number statistics (their inequality
       was not seen; this coefficient is the interim model's analogue) [D].

    Examples
    --------
    >>> high_loss_rate_coefficient(ideal_bell_pair_source())
    inf
    >>> round(high_loss_rate_coefficient(spdc_thermal_source(0.01)), 4)  # <= 1/(4 * 1.01)
    0.2451
    """
    eta_d = require_in_range("detector_efficiency", detector_efficiency, 0.0, 1.0,
                             low_inclusive=False)
    p_bsm = require_in_range("p_bsm", p_bsm, 0.0, 1.0, low_inclusive=False)
    q = np.asarray(pair_source.probabilities)
    m = np.arange(q.size, dtype=np.float64)
    floor = float(np.sum(q * _at_least_two_clicks(m, eta_d, 0.0)))
    if floor <= 0.0:
        return math.inf
    p_fin = p_bsm * eta_d**2
    return p_fin * p_bsm * eta_d**4 * pair_source.p(1) ** 2 / floor


def evaluate(channel_transmissivity: npt.ArrayLike, options: KeyRateOptions) -> list[KeyRateResult]:
    """Interim adaptive-MDI rate per channel transmissivity (CLI entry point).

    Parameters
    ----------
    channel_transmissivity : array_like
        1-d array of Alice–Bob channel transmissivities in [0, 1]; each arm sqrt(eta).
    options : KeyRateOptions
        ``detector_efficiency``: eta_d of every detector at the middle node (default 1, not
        folded into the channel); ``dark_count``: pd per detector per mode (default 1e-8);
        ``misalignment``: e_d of good pairs (default 0.01); ``ec_efficiency``: f (1.16);
        ``intensity``: mean pair number x of thermal (SPDC) pair sources at the node (omitted:
        ideal Bell pairs). Users send ideal single photons; M = 1000 modes. ``decoys``,
        ``pulses`` and ``phase_mismatch`` are unsupported.

    Returns
    -------
    list of KeyRateResult
        Rate per mode pair; ``qber`` = E, ``phase_error_rate`` = e_d of good pairs.

    Raises
    ------
    InvalidParameterError
        For bad or unsupported options (CLI option names).

    References
    ----------
    .. [1] As :func:`adaptive_mdi_rate` (interim model).
    """
    reject_unsupported(options, "adaptive-mdi", phase_mismatch=True)
    dev = resolve_relay_devices(options, detector_efficiency=1.0, dark_count=1e-8,
                                misalignment=0.01, ec_efficiency=1.16)
    if options.intensity is None:
        pair = ideal_bell_pair_source()
    else:
        x = require_in_range("intensity", options.intensity, 0.0, math.inf,
                             low_inclusive=False, high_inclusive=False)
        pair = spdc_thermal_source(x)
    user = ideal_single_photon_source()
    channel = channel_transmissivity_array(channel_transmissivity)
    plob = plob_with_unit_eta(channel)
    results = []
    for i, eta in enumerate(channel):
        r = adaptive_mdi_rate(
            float(eta), modes=DEFAULT_MODES, user_source=user, pair_source=pair,
            detector_efficiency=dev.detector_efficiency, dark_count=dev.dark_count,
            misalignment=dev.misalignment, ec_efficiency=dev.ec_efficiency,
        )
        results.append(KeyRateResult(
            protocol="adaptive-mdi",
            channel_transmissivity=float(eta),
            key_rate_bits_per_pulse=r.key_rate_bits_per_mode,
            plob_bits_per_pulse=float(plob[i]),
            qber=r.qber,
            phase_error_rate=r.phase_error_rate,
            detector_efficiency=dev.detector_efficiency,
            ec_efficiency=dev.ec_efficiency,
            intensity=None,  # ideal single-photon users; --intensity is the pair mean number
            intensity_optimised=False,
            parameters={
                "arm_channel_transmissivity": math.sqrt(float(eta)),
                "dark_count_probability": dev.dark_count,
                "misalignment_e_d": dev.misalignment,
                "modes_m": DEFAULT_MODES,
                "p_bsm": P_BSM_LINEAR_OPTICS,
                "user_source": user.label,
                "pair_source": pair.label,
                "pair_mean_number": options.intensity,
                "pair_p2_over_p1_squared": pair.multi_to_single_ratio,
                "herald_probability": r.herald_probability,
                "good_herald_fraction": r.good_herald_fraction,
                "paired_fraction": r.paired_fraction,
            },
            notes=(MODEL_NOTE,),
        ))
    return results


SPEC = ProtocolSpec(
    name="adaptive-mdi",
    evaluate=evaluate,
    default_attenuation_db_per_km=DEFAULT_ATTENUATION_DB_PER_KM,
    relay=True,
    help=(
        "Adaptive MDI-QKD with multiplexing (Azuma-Tamaki-Munro 2015; Trenyi-Azuma-Curty 2019), "
        "INTERIM toolkit error model; rate per mode pair, M = 1000 modes per round, users send "
        "ideal single photons, each arm sqrt(eta) of the channel. --intensity: mean pair "
        "number of thermal (SPDC) entangled-pair sources at the node (omitted: ideal Bell "
        "pairs); --detector-efficiency: every detector at the node (1, not folded into eta); "
        "--dark-count: pd per detector per mode (1e-8); --misalignment: error e_d of good "
        "pairs (0.01); --ec-efficiency: f (1.16). --decoys, --pulses and --phase-mismatch "
        "unsupported. qber = sifted-key error E, phase_error_rate = e_d."
    ),
    intensity_symbol=None,
)
