"""CAL19 asymptotic rate with an optimised finite decoy set (``tf-cal19 --decoys N``).

A decoy set with the vacuum plus N - 1 intensities chosen per point to maximise the key rate,
yields bounded by the CAL19 LP, warm-started along the curve. Private part of the
:mod:`qinternet.qkd.tf.cal19` facade (it imports ``_cal19_rate``, never the facade).
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import numpy.typing as npt

from qinternet._validation import require_in_range
from qinternet.errors import InvalidParameterError
from qinternet.qkd._optimize import nelder_mead_scaled
from qinternet.qkd.bb84._decoy_optimisation import MIN_DECOY_INTENSITY
from qinternet.qkd.tf._cal19_model import Cal19Device
from qinternet.qkd.tf._cal19_rate import Cal19Curve, check_eta, key_rate_curve

__all__ = ["cal19_optimised_decoys"]

FloatArray = npt.NDArray[np.float64]

#: Relative tolerance of the Nelder-Mead stop test; every evaluation solves the decoy LPs.
_CAL19_FATOL = 1e-6
#: Coarse log grid of decoy intensities whose subsets seed the CAL19 optimiser (cold start).
_CAL19_SEED_GRID = (0.002, 0.01, 0.03, 0.1, 0.3, 0.6, 1.0)


def cal19_optimised_decoys(
    channel_transmissivity: npt.ArrayLike,
    decoy_count: int,
    *,
    detector_efficiency: float = 1.0,
    device: Cal19Device | None = None,
    intensity_alpha_sq: float | None = None,
    max_decoy_intensity: float = 1.0,
) -> tuple[Cal19Curve, list[tuple[float, ...]]]:
    """CAL19 asymptotic rate with the vacuum plus ``decoy_count - 1`` optimised decoys.

    Parameters
    ----------
    channel_transmissivity : array_like
        1-d array of Alice-Bob channel transmissivities in [0, 1], detector *not* included;
        the model's ``eta = channel_transmissivity * detector_efficiency``.
    detector_efficiency : float
        Detector efficiency folded into the channel, in (0, 1]. Default 1.
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
        A :class:`~qinternet.qkd.tf.cal19.Cal19Curve` (one point per transmittance) and the
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
    dev = Cal19Device() if device is None else device
    if not isinstance(dev, Cal19Device):
        raise InvalidParameterError("device", type(dev).__name__, "must be a Cal19Device")
    if isinstance(decoy_count, bool) or not isinstance(decoy_count, int) or decoy_count < 2:
        raise InvalidParameterError("decoy_count", decoy_count,
                                    "must be an integer >= 2 for tf-cal19 (vacuum + weak)")
    top = require_in_range("max_decoy_intensity", max_decoy_intensity,
                           2.0 * MIN_DECOY_INTENSITY, 5.0)
    eta = check_eta(channel_transmissivity, detector_efficiency)
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
                cache[key] = key_rate_curve(np.array([e]), device=dev, decoys=dec,
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
        x, val = nelder_mead_scaled(objective, start, scale=objective(start),
                                    fatol=_CAL19_FATOL, xatol=1e-3, maxiter=2000,
                                    bounds=bounds)
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
