"""Asymptotic two-decoy BB84 with the intensities (mu, nu1, nu2) optimised per point.

``--decoys 2`` for ``bb84-decoy``. Asymptotically (no statistical fluctuations) the two-decoy
bounds become exact as the decoys go to zero, so the optimum puts the weaker decoy at the vacuum
and the weak decoy at the lower end of its range, :data:`MIN_DECOY_INTENSITY` (Ma, Qi, Zhao, Lo
2005, Sec. IV; the optimiser finds this by itself, it is not imposed).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from qinternet._validation import require_in_range
from qinternet.qkd._inputs import channel_transmissivity_1d
from qinternet.qkd._optimize import nelder_mead_scaled
from qinternet.qkd.bb84._model import (
    DecoyBB84Params,
    key_rate_infinite_decoys,
    key_rate_two_decoys,
    total_transmissivity,
)

__all__ = ["BB84DecoyOptimum", "MIN_DECOY_INTENSITY", "bb84_optimised_two_decoys"]

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


def bb84_optimised_two_decoys(
    channel_transmissivity: npt.ArrayLike,
    params: DecoyBB84Params | None = None,
    *,
    intensity: float | None = None,
    min_decoy_intensity: float = MIN_DECOY_INTENSITY,
) -> BB84DecoyOptimum:
    """Asymptotic two-decoy BB84 rate with (mu, nu1, nu2) optimised at each transmissivity.

    Parameters
    ----------
    channel_transmissivity : array_like
        1-d array of Alice–Bob channel transmissivities in [0, 1], detector not included
        (the model's eta = eta_Bob * channel, eta_Bob = ``params.detector_efficiency``).
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

    >>> opt = bb84_optimised_two_decoys([10 ** (-2.1)])
    >>> print(f"{opt.key_rate_bits_per_pulse[0]:.5g} {opt.decoy_nu1[0]:.3g} "
    ...       f"{opt.decoy_nu2[0] < 1e-8}")
    1.7184e-05 0.0001 True
    """
    p = DecoyBB84Params() if params is None else params
    eta = total_transmissivity(channel_transmissivity_1d(channel_transmissivity), p)
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
            return float(key_rate_two_decoys(e, mu, (nu1, nu2), p))

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
        x, val = nelder_mead_scaled(objective, x0, scale=objective(x0), fatol=_FATOL,
                                    xatol=1e-6, maxiter=2000, bounds=bounds)
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
    values = key_rate_infinite_decoys(eta, grid, params)
    return float(grid[int(np.argmax(values))]) if np.max(values) > 0 else 0.5
