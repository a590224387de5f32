"""Optimised finite decoy intensities (issue 15, item 1) and the biased basis choice (item 2).

``--decoys N`` (a count) asks for N decoy intensities chosen per point to maximise the key rate,
warm-started along the curve; ``--decoys v1,v2`` keeps them fixed. This module holds the
optimisers for asymptotic decoy BB84 (two decoys, Ma-Qi-Zhao-Lo bounds) and for CAL19 (a decoy
set with the vacuum plus N - 1 optimised intensities, yields bounded by the CAL19 LP), and the
sifting factor of efficient BB84 with a biased basis choice. The finite-key BB84 model
(:mod:`qinternet.qkd.bb84_finite`) optimises its decoys itself.

Asymptotically (no statistical fluctuations) the two-decoy bounds become exact as the decoys go
to zero, so the optimum puts the weaker decoy at the vacuum and the weak decoy at the lower end
of its range, :data:`MIN_DECOY_INTENSITY` (Ma, Qi, Zhao, Lo 2005, Sec. IV; the optimiser finds
this by itself, it is not imposed). Decoy optimisation is informative with a finite key, where
weak decoys cost statistics.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
from scipy.optimize import minimize

from qinternet._validation import require_in_range
from qinternet.errors import InvalidParameterError
from qinternet.qkd.bb84_decoy import (
    DecoyBB84Params,
    bb84_key_rate_infinite_decoys,
    bb84_key_rate_two_decoys,
)

__all__ = [
    "BB84DecoyOptimum",
    "MIN_DECOY_INTENSITY",
    "bb84_optimised_two_decoys",
    "cal19_optimised_decoys",
    "efficient_bb84_sifting_factor",
]

if TYPE_CHECKING:
    from qinternet.qkd.tf_cal19 import Cal19Curve, Cal19Device

FloatArray = npt.NDArray[np.float64]

#: Smallest weak-decoy intensity the optimisers consider (mean photon number). The asymptotic
#: two-decoy optimum sits at this floor (see the module docstring); 1e-4 is about what a 37 dB
#: intensity modulator gives below a 0.5 signal, and below the 0-km optimum (~9e-5 .. 5e-4) that
#: TNO's ``qkd_key_rate`` optimiser reaches with its own floor of 1e-8.
MIN_DECOY_INTENSITY = 1e-4
#: Largest signal intensity considered (as the infinite-decoy search of ``bb84_decoy``).
_MU_MAX = 1.5
#: Relative tolerance of the Nelder-Mead stop test (the objective is scaled to O(1)).
_FATOL = 1e-10
#: The same for CAL19, whose every evaluation solves the decoy LPs.
_CAL19_FATOL = 1e-6
#: Coarse log grid of decoy intensities whose subsets seed the CAL19 optimiser (cold start).
_CAL19_SEED_GRID = (0.002, 0.01, 0.03, 0.1, 0.3, 0.6, 1.0)


@dataclass(frozen=True, slots=True, kw_only=True)
class BB84DecoyOptimum:
    """Asymptotic two-decoy BB84 rates with the intensities optimised per point."""

    #: Key rate in secret bits per pulse (0 where no key).
    key_rate_bits_per_pulse: FloatArray
    #: Signal mean photon number mu.
    intensity_mu: FloatArray
    #: Weak decoy nu1 (mean photon number).
    decoy_nu1: FloatArray
    #: Weakest decoy nu2 (0 = vacuum).
    decoy_nu2: FloatArray


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


def _nelder_mead(objective: Callable[[FloatArray], float], x0: FloatArray,
                 bounds: Sequence[tuple[float, float]], *, fatol: float = _FATOL,
                 xatol: float = 1e-6) -> tuple[FloatArray, float]:
    """Bounded Nelder-Mead on ``objective`` scaled to O(1) at ``x0`` (relative tolerance)."""
    scale = abs(objective(x0))
    if not (math.isfinite(scale) and scale > 0.0):
        scale = 1.0
    res = minimize(lambda x: objective(x) / scale, x0, method="Nelder-Mead", bounds=bounds,
                   options={"xatol": xatol, "fatol": fatol, "maxiter": 2000})
    return np.asarray(res.x, dtype=np.float64), float(res.fun) * scale


def bb84_optimised_two_decoys(
    total_transmissivity: npt.ArrayLike,
    params: DecoyBB84Params | None = None,
    *,
    intensity: float | None = None,
    min_decoy_intensity: float = MIN_DECOY_INTENSITY,
) -> BB84DecoyOptimum:
    """Asymptotic two-decoy BB84 rate with (mu, nu1, nu2) optimised at each transmissivity.

    Parameters
    ----------
    total_transmissivity : array_like
        1-d array of eta = eta_Bob * eta_channel (detector included), in [0, 1].
    params : DecoyBB84Params, optional
        Device parameters (default: GYS).
    intensity : float, optional
        Fixed signal intensity mu (then only the decoys are optimised).
    min_decoy_intensity : float
        Lower end of the weak decoy nu1 (mean photon number, > 0); nu2 ranges over [0, nu1).

    Returns
    -------
    BB84DecoyOptimum
        Rates in bits per pulse and the optimal intensities per point.

    Raises
    ------
    InvalidParameterError
        On out-of-range inputs.

    Notes
    -----
    Nelder-Mead on (log mu, log nu1, nu2/nu1) within bounds and ``mu > nu1 + nu2``, maximising
    :func:`~qinternet.qkd.bb84_decoy.bb84_key_rate_two_decoys`; the first point starts from
    the infinite-decoy optimum of mu, each next one from the previous optimum. The result is
    never below the rate at the start point (a fixed decoy set), which the tests check on a
    grid of fixed sets.

    References
    ----------
    .. [1] X. Ma, B. Qi, Y. Zhao, H.-K. Lo, "Practical decoy state for quantum key
       distribution", PRA 72, 012326 (2005), arXiv:quant-ph/0503005, Sec. IV (two-decoy
       bounds; asymptotically optimal decoys tend to 0) [R].

    Examples
    --------
    GYS devices at 100 km (0.21 dB/km): within 2e-4 of the infinite-decoy optimum 1.7186e-5
    (reference case D-OPT-100km), weak decoy at the floor, weakest decoy at the vacuum:

    >>> opt = bb84_optimised_two_decoys([0.045 * 10 ** (-2.1)])
    >>> print(f"{opt.key_rate_bits_per_pulse[0]:.5g} {opt.decoy_nu1[0]:.3g} "
    ...       f"{opt.decoy_nu2[0] < 1e-8}")
    1.7184e-05 0.0001 True
    """
    p = DecoyBB84Params() if params is None else params
    eta = np.atleast_1d(np.asarray(total_transmissivity, dtype=np.float64))
    if eta.ndim != 1:
        raise InvalidParameterError("total_transmissivity", eta.shape, "must be 1-d")
    for value in eta:
        require_in_range("total_transmissivity", float(value), 0.0, 1.0)
    floor = require_in_range("min_decoy_intensity", min_decoy_intensity, 0.0, 0.5,
                             low_inclusive=False)
    if intensity is not None:
        require_in_range("intensity", intensity, 2.0 * floor, _MU_MAX, low_inclusive=False)
    n = eta.size
    rates, mus, nu1s, nu2s = (np.zeros(n) for _ in range(4))
    start: FloatArray | None = None
    for i, e in enumerate(eta):
        def rate(mu: float, nu1: float, nu2: float, e: float = float(e)) -> float:
            if not mu > nu1 + nu2:
                return -(nu1 + nu2 - mu) - 1e-300  # infeasible: below every admissible rate
            return float(bb84_key_rate_two_decoys(e, mu, (nu1, nu2), p))

        def unpack(x: FloatArray) -> tuple[float, float, float]:
            mu = float(intensity) if intensity is not None else math.exp(x[0])
            nu1 = math.exp(x[-2])
            return mu, nu1, float(x[-1]) * nu1

        def objective(x: FloatArray) -> float:
            return -rate(*unpack(x))

        if start is None:
            mu0 = intensity if intensity is not None else float(_infinite_optimum(e, p))
            nu1_0 = max(2.0 * floor, min(0.1, 0.2 * mu0))
            start = np.array([math.log(mu0), math.log(nu1_0), 0.0])
        x0 = start if intensity is None else start[1:]
        bounds = [(math.log(floor), math.log(0.5)), (0.0, 0.999)]
        if intensity is None:
            bounds.insert(0, (math.log(1e-3), math.log(_MU_MAX)))
        x, val = _nelder_mead(objective, x0, bounds)
        if -val < -objective(x0):  # never worse than the start
            x, val = x0, objective(x0)
        mus[i], nu1s[i], nu2s[i] = unpack(x)
        rates[i] = max(-val, 0.0)
        if rates[i] > 0.0:
            start = x if intensity is None else np.concatenate(([start[0]], x))
    return BB84DecoyOptimum(key_rate_bits_per_pulse=rates, intensity_mu=mus, decoy_nu1=nu1s,
                            decoy_nu2=nu2s)


def _infinite_optimum(eta: float, params: DecoyBB84Params) -> float:
    """Signal intensity maximising the infinite-decoy rate (a start point)."""
    grid = np.geomspace(1e-3, _MU_MAX, 61)
    values = bb84_key_rate_infinite_decoys(eta, grid, params)
    return float(grid[int(np.argmax(values))]) if np.max(values) > 0 else 0.5


def cal19_optimised_decoys(
    overall_transmissivity: npt.ArrayLike,
    decoy_count: int,
    *,
    device: Cal19Device | None = None,
    intensity_alpha_sq: float | None = None,
    max_decoy_intensity: float = 1.0,
) -> tuple[Cal19Curve, list[tuple[float, ...]]]:
    """CAL19 asymptotic rate with the vacuum plus ``decoy_count - 1`` optimised decoys.

    Parameters
    ----------
    overall_transmissivity : array_like
        1-d array of overall Alice-Bob transmittances (detector included).
    decoy_count : int
        Number of decoy intensities per party, >= 2 (the vacuum and ``decoy_count - 1``
        intensities optimised in [:data:`MIN_DECOY_INTENSITY`, ``max_decoy_intensity``]).
    device : Cal19Device, optional
        CAL19 device (default: the reference set).
    intensity_alpha_sq : float, optional
        Fixed key-round intensity alpha^2 (optimised when None, for every decoy set tried).
    max_decoy_intensity : float
        Upper end of the decoy intensities (mean photon number).

    Returns
    -------
    curve, decoy_sets
        A :class:`~qinternet.qkd.tf_cal19.Cal19Curve` (one point per transmittance) and the
        optimal decoy set of each point (the same set for both parties).

    Raises
    ------
    InvalidParameterError
        If ``decoy_count < 2`` or on out-of-range inputs.
    SolverError
        If a decoy LP fails.

    Notes
    -----
    Nelder-Mead on the logarithms of the positive decoys, each evaluation solving the CAL19
    decoy LPs (box S = 6) and optimising alpha^2, from the best of the previous point's
    optimum (warm start) and every subset of a coarse log grid (0.002 .. 1). Never below the
    rate of the start set (the tests check it against a grid of fixed sets).

    References
    ----------
    .. [1] M. Curty, K. Azuma, H.-K. Lo, npj Quantum Inf. 5, 64 (2019), arXiv:1807.07667
       (decoy LP, Sec. "Methods") [V, impl]; F. Grasselli, M. Curty, NJP 21, 073001 (2019),
       arXiv:1902.10034 (2 to 4 decoys; "four decoys already basically optimal") [V, abstract].
    """
    from qinternet.qkd.tf_cal19 import Cal19Curve, Cal19Device, cal19_key_rate

    dev = Cal19Device() if device is None else device
    if not isinstance(dev, Cal19Device):
        raise InvalidParameterError("device", type(dev).__name__, "must be a Cal19Device")
    if isinstance(decoy_count, bool) or not isinstance(decoy_count, int) or decoy_count < 2:
        raise InvalidParameterError("decoy_count", decoy_count,
                                    "must be an integer >= 2 for tf-cal19 (vacuum + weak)")
    top = require_in_range("max_decoy_intensity", max_decoy_intensity,
                           2.0 * MIN_DECOY_INTENSITY, 5.0)
    eta = np.atleast_1d(np.asarray(overall_transmissivity, dtype=np.float64))
    k = decoy_count - 1
    grid = [v for v in _CAL19_SEED_GRID if v <= top]
    seeds = [np.log(np.array(c)) for c in itertools.combinations(grid, k)]
    start: FloatArray | None = None
    bounds = [(math.log(MIN_DECOY_INTENSITY), math.log(top))] * k
    curves: list[Cal19Curve] = []
    sets: list[tuple[float, ...]] = []
    for e in eta:
        cache: dict[tuple[float, ...], Cal19Curve] = {}

        def decoys_of(x: FloatArray) -> tuple[float, ...]:
            return (0.0, *sorted(float(v) for v in np.exp(x)))

        def curve_of(x: FloatArray, e: float = float(e),
                     cache: dict[tuple[float, ...], Cal19Curve] = cache) -> Cal19Curve:
            key = tuple(np.round(x, 12))
            if key not in cache:
                dec = decoys_of(x)
                if len(set(dec)) != len(dec):  # two decoys merged: nudge apart
                    dec = tuple(d * (1.0 + 1e-6 * j) for j, d in enumerate(dec))
                cache[key] = cal19_key_rate([e], device=dev, decoys=dec,
                                            intensity_alpha_sq=intensity_alpha_sq)
            return cache[key]

        def objective(x: FloatArray) -> float:
            return -float(curve_of(x).key_rate_bits_per_pulse[0])

        # The rate is multimodal in the decoy set (a warm start can keep a local optimum that
        # another basin overtakes further along the curve): start from the best of the
        # previous optimum and every subset of a coarse grid.
        start = min(seeds if start is None else [start, *seeds], key=objective)
        # Each evaluation solves ~20 LPs: stop at 1e-6 relative in the rate and 1e-3 relative
        # in the intensities (the rate is flat near its optimum).
        x, val = _nelder_mead(objective, start, bounds, fatol=_CAL19_FATOL, xatol=1e-3)
        if objective(start) < val:
            x = start
        best = curve_of(x)
        curves.append(best)
        sets.append(decoys_of(x))
        if best.key_rate_bits_per_pulse[0] > 0:
            start = x
    merged = Cal19Curve(**{
        name: np.concatenate([getattr(c, name) for c in curves])
        for name in ("overall_transmissivity", "key_rate_bits_per_pulse", "intensity_alpha_sq",
                     "basis_probability_p_x", "qber", "phase_error_rate", "gain_x")
    })
    return merged, sets
