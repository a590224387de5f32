"""One level of the nested recursion: O(T) join step and FFT geometric sums (Li et al. 2021)."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import scipy.fft as sfft
from scipy.signal import lfilter

__all__ = ["join_attempt", "level_step", "restart_sums"]

FloatArray = npt.NDArray[np.float64]

#: Exponential tilt over one FFT period (wrap-around damped by e^-_TILT).
_TILT = 16.0
#: Tilting is used when a level's window mass is below 1 - this value.
_TILT_BELOW_COVERAGE = 1e-6
#: Entries below this fraction of the largest (times the un-tilting factor) are FFT round-off.
_ROUNDOFF_FLOOR = 0.5 * float(np.finfo(np.float64).eps)


def join_attempt(
    pmf: FloatArray,
    werner_weighted: FloatArray,
    cutoff_steps: int | None,
    decay_per_step: float,
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """One attempt of a level: join two independent links of the level below (O(T)).

    Parameters
    ----------
    pmf : ndarray
        P(t), delivery-time pmf of the level below on t = 0..T-1.
    werner_weighted : ndarray
        P(t) W(t) of the level below.
    cutoff_steps : int or None
        Memory cut-off tau in steps (None: no cut-off).
    decay_per_step : float
        x = exp(-1 / t_coh) in (0, 1].

    Returns
    -------
    pass_pmf : ndarray
        P's(t): probability that the attempt passes with duration t.
    fail_pmf : ndarray
        P'f(t): probability that the attempt fails (cut-off) with duration t.
    werner_pass : ndarray
        U(t) = sum over passing pairs with max = t of P P W W x^|d| (product of decayed w's).
    werner_sum_pass : ndarray
        V(t) = sum over passing pairs with max = t of P P (w_early x^|d| + w_late) (used by
        distillation).

    References
    ----------
    .. [1] Li-Coopmans-Elkouss 2021, O(T) formulas [D]; join of the cut-off paper's public code
       BoxiLi/repeater-cut-off-optimization @ c9245ed [V, impl]. The windowed sum
       S(t) = sum_{s=t-tau}^{t} P(s) W(s) x^(t-s) is evaluated as G(t) - x^(tau+1) G(t-tau-1)
       with the stable recursion G(t) = x G(t-1) + P(t) W(t) (no growing exponentials).

    Examples
    --------
    >>> P = np.array([0.0, 0.5, 0.25, 0.125])
    >>> ps, pf, u, v = join_attempt(P, P, 0, 1.0)
    >>> ps.tolist(), pf.tolist()
    ([0.0, 0.25, 0.0625, 0.015625], [0.0, 0.5, 0.125, 0.03125])
    """
    n = pmf.size
    cdf = np.cumsum(pmf)
    if cutoff_steps is None or cutoff_steps + 1 >= n:
        window = cdf
        window_before = cdf - pmf
        fail = np.zeros(n)
    else:
        lag = cutoff_steps + 1
        cdf_lag = np.zeros(n)
        cdf_lag[lag:] = cdf[:-lag]
        window = cdf - cdf_lag
        window_before = cdf - pmf - cdf_lag
        fail = np.zeros(n)
        survival = np.maximum(1.0 - cdf, 0.0)
        fail[cutoff_steps:] = 2.0 * pmf[: n - cutoff_steps] * survival[cutoff_steps:]
    passing = pmf * (window + window_before)
    x = float(decay_per_step)
    g = np.asarray(lfilter([1.0], [1.0, -x], werner_weighted), dtype=np.float64)
    if cutoff_steps is None or cutoff_steps + 1 >= n:
        s = g
    else:
        lag = cutoff_steps + 1
        s = g.copy()
        s[lag:] -= x**lag * g[:-lag]
    u = werner_weighted * (2.0 * s - werner_weighted)
    v = 2.0 * pmf * s + 2.0 * werner_weighted * window_before
    return passing, fail, u, v


def _sums(success: FloatArray, restart: FloatArray, weighted: list[FloatArray], size: int,
          tilt: FloatArray | None) -> tuple[FloatArray, list[FloatArray]]:
    n = success.size
    if tilt is not None:
        success, restart = success * tilt, restart * tilt
        weighted = [w * tilt for w in weighted]
    denom = 1.0 - sfft.rfft(restart, size)
    pmf = np.asarray(sfft.irfft(sfft.rfft(success, size) / denom, size)[:n], dtype=np.float64)
    outs = [np.asarray(sfft.irfft(sfft.rfft(w, size) / denom, size)[:n], dtype=np.float64)
            for w in weighted]
    if tilt is not None:
        pmf = pmf / tilt
        outs = [o / tilt for o in outs]
    return pmf, outs


def restart_sums(success: FloatArray, restart: FloatArray, weighted: list[FloatArray]
                 ) -> tuple[FloatArray, list[FloatArray]]:
    """Geometric sums over restarted attempts, ``F[success] / (1 - F[restart])``, of the pmf and
    of every weighted array (same kernel), with the FFT round-off handling.

    The pmf is returned >= 0 with round-off noise and ``t = 0`` zeroed; the weighted arrays are
    zeroed at the same places but not clamped (each caller knows their sign).
    """
    n = success.size
    size = sfft.next_fast_len(2 * n, real=True)
    pmf, outs = _sums(success, restart, weighted, size, None)
    tilt: FloatArray | None = None
    if pmf.sum() < 1.0 - _TILT_BELOW_COVERAGE:
        # Poor coverage: the circular wrap-around of the infinite geometric series (about the
        # squared tail mass) matters. Exponential tilting t -> r^t with r^size = e^-_TILT
        # commutes with convolution and damps it by e^-_TILT; un-tilting amplifies round-off
        # at t = n by at most e^(_TILT / 2), so it is used only when it pays.
        tilt = np.exp(-(_TILT / size) * np.arange(n))
        pmf, outs = _sums(success, restart, weighted, size, tilt)
    # FFT round-off floor: entries below it are noise of either sign. Clipping only the negative
    # ones at 0 would bias the tail upwards, and on long windows sum_t t P(t) picks that bias up
    # (2^22 steps, 20 levels: E[T] = 1.09 instead of 1); entries below the floor are zeroed.
    floor = _ROUNDOFF_FLOOR * float(np.max(np.abs(pmf), initial=0.0))
    noise = pmf < (floor if tilt is None else floor / tilt)
    pmf[noise] = 0.0
    pmf = np.maximum(pmf, 0.0)
    pmf[0] = 0.0
    for o in outs:
        o[noise] = 0.0
        o[0] = 0.0
    return pmf, outs


def level_step(
    pmf: FloatArray,
    wp: FloatArray,
    op: str,
    cutoff: int | None,
    x: float,
    p_swap: float,
) -> tuple[FloatArray, FloatArray]:
    """(P, P W) of level k+1 from level k: join step, then the geometric sums over restarts.

    A swap step succeeds with ``p_swap`` (failure and cut-off failures restart the level); a
    distillation step succeeds with ``(1 + wA' wB)/2`` and yields ``(wA' + wB + 4 wA' wB)/(6 p)``.
    Sums over restarts: ``F[P'] = F[success] / (1 - F[restart])`` (same kernel for P W).
    """
    passing, fail, u, v = join_attempt(pmf, wp, cutoff, x)
    if op == "swap":
        success = p_swap * passing
        restart = fail + (1.0 - p_swap) * passing
        werner_success = p_swap * u
    else:  # distill: success probability (1 + wA' wB)/2, output (wA' + wB + 4 wA' wB)/(6 p)
        success = 0.5 * (passing + u)
        restart = fail + 0.5 * (passing - u)
        werner_success = (v + 4.0 * u) / 6.0
    new_pmf, (new_wp,) = restart_sums(success, restart, [werner_success])
    new_wp = np.maximum(new_wp, 0.0)
    return new_pmf, new_wp
