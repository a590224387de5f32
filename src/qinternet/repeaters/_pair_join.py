"""Joining two *different* links with memory, fidelity and run-time cut-offs (O(T) per term).

Generalises :func:`qinternet.repeaters._join.join_attempt` (two copies of one link) to two
independent links A and B with their own delivery-time pmfs ``P_A``, ``P_B`` and weighted arrays
``P(t) c(t)`` (``c`` a correlator of the Bell-diagonal state, the Werner parameter for Werner
states). One attempt draws ``(tA, tB)``; the earlier link (time ``s``) may wait at most
``tau(s)`` steps, the later one (time ``t``) must be acceptable on arrival (Li-Coopmans-Elkouss
rules of the public code, ``memory_cut_off`` / ``fidelity_cut_off`` / ``run_time_cut_off``):

* memory cut-off ``tau_mem``: ``tau(s) = tau_mem``;
* fidelity cut-off ``w_cut``: a link whose Werner parameter ``W(s) < w_cut`` is discarded on
  arrival (``tau(s) = -1``; as the later link it makes the attempt fail at ``t``); otherwise it may
  wait until its decayed Werner parameter would drop below ``w_cut``,
  ``tau(s) = floor(t_coh ln(W(s) / w_cut))`` for a depolarising memory (largest integer wait in
  general). ``W(s)`` is the algorithm's Werner parameter of a link delivered at ``s`` (the
  conditional mean over histories), as in the public code;
* run-time cut-off ``rt``: any attempt not finished by ``rt`` fails at ``rt``.

Outcomes: pass at ``t`` (duration ``t``), fail at ``s + tau(s)`` (the early link times out), at
``s`` (early link bad), at ``t`` (late link bad), or at ``rt``.

References
----------
.. [1] B. Li, T. Coopmans, D. Elkouss, "Efficient optimization of cut-offs in quantum repeater
   chains", IEEE Trans. Quantum Eng. 2, 1 (2021), arXiv:2005.04946; cut-off rules of the public
   code BoxiLi/repeater-cut-off-optimization @ c9245ed (``protocol_units.py``) [V, impl].
   O(T) range-sum formulas derived here and checked against an O(T^2) brute force [D].
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.signal import lfilter

from qinternet.repeaters._join import restart_sums

__all__ = ["LevelPolicy", "PairJoin", "sum_restarts"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]



@dataclass(frozen=True, slots=True)
class LevelPolicy:
    """Cut-offs of one level (None = that cut-off is absent)."""

    memory_steps: int | None = None
    werner_cutoff: float | None = None
    run_time_steps: int | None = None


def _max_wait(
    pmf: FloatArray, comps: tuple[FloatArray, FloatArray, FloatArray],
    decays: tuple[float, float, float], w_cut: float, n: int,
) -> IntArray:
    """Largest wait d with decayed Werner parameter >= w_cut; -1 if already below (per t)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        chi = [np.where(pmf > 0.0, c / np.where(pmf > 0.0, pmf, 1.0), 0.0) for c in comps]
    w = (chi[0] + chi[1] + chi[2]) / 3.0
    tau = np.full(pmf.size, -1, dtype=np.int64)
    good = w >= w_cut
    if decays[0] == decays[1] == decays[2]:
        x = decays[0]
        if x >= 1.0 or w_cut <= 0.0:
            tau[good] = n
        else:
            t_coh = -1.0 / math.log(x)
            with np.errstate(divide="ignore"):
                d = np.floor(t_coh * np.log(w[good] / w_cut))
            tau[good] = np.minimum(d, n).astype(np.int64)
        return tau
    # general Pauli memory: bisection on the integer wait (decayed w is non-increasing for
    # non-negative correlators)
    lo = np.zeros(pmf.size, dtype=np.int64)
    hi = np.full(pmf.size, n, dtype=np.int64)

    def decayed(d: IntArray) -> FloatArray:
        return np.asarray((chi[0] * decays[0] ** d + chi[1] * decays[1] ** d
                           + chi[2] * decays[2] ** d) / 3.0, dtype=np.float64)

    ok_hi = decayed(hi) >= w_cut
    while True:
        active = (hi - lo > 1) & ~ok_hi
        if not active.any():
            break
        mid = (lo + hi) // 2
        ok = decayed(mid) >= w_cut
        lo = np.where(active & ok, mid, lo)
        hi = np.where(active & ~ok, mid, hi)
    tau[good] = np.where(ok_hi, hi, lo)[good]
    return tau


class _Side:
    """Per-link quantities: reach ``tau(s)``, acceptance on arrival, CDF."""

    def __init__(self, pmf: FloatArray, comps: tuple[FloatArray, FloatArray, FloatArray],
                 decays: tuple[float, float, float], policy: LevelPolicy) -> None:
        n = pmf.size
        self.pmf = pmf
        self.n = n
        self.cdf = np.cumsum(pmf)
        self.survival = np.maximum(1.0 - self.cdf, 0.0)
        mem = policy.memory_steps
        if policy.werner_cutoff is None:
            self.const_tau: int | None = n if mem is None else min(int(mem), n)
            self.tau = np.full(n, self.const_tau, dtype=np.int64)
            self.accept: FloatArray | None = None
        else:
            tau = _max_wait(pmf, comps, decays, float(policy.werner_cutoff), n)
            if mem is not None:
                tau = np.where(tau >= 0, np.minimum(tau, int(mem)), tau)
            self.const_tau = None
            self.tau = tau
            self.accept = (tau >= 0).astype(np.float64)
        self.good = self.tau >= 0

    def window(self, f: FloatArray, x: float) -> FloatArray:
        """S(t) = sum over s with s <= t <= s + tau(s), tau(s) >= 0 of f(s) x^(t-s)."""
        n = self.n
        if self.const_tau is not None:
            lag = self.const_tau + 1
            if x == 1.0:
                g = np.cumsum(f)
            else:
                g = np.asarray(lfilter([1.0], [1.0, -x], f), dtype=np.float64)
            if lag >= n:
                return g
            s = g.copy()
            s[lag:] -= (x**lag) * g[:-lag]
            return s
        ends = np.arange(n) + self.tau + 1
        keep = self.good & (ends < n)
        removal = np.bincount(ends[keep], weights=f[keep] * x ** (self.tau[keep] + 1.0),
                              minlength=n)[:n]
        source = np.where(self.good, f, 0.0) - removal
        if x == 1.0:
            return np.cumsum(source)
        return np.asarray(lfilter([1.0], [1.0, -x], source), dtype=np.float64)


class PairJoin:
    """One attempt of a level joining links A and B: pass / fail pmfs and weighted sums.

    ``cross(fa, xa, fb, xb)`` is ``sum over passing pairs with max(tA, tB) = t`` of
    ``fa(tA) fb(tB)`` with the earlier link's array decayed by its factor per waited step
    (``fa = P_A c_A`` etc.; ``fa = P_A`` with ``xa = 1`` for the probability itself).
    """

    def __init__(self, pmf_a: FloatArray, comps_a: tuple[FloatArray, FloatArray, FloatArray],
                 pmf_b: FloatArray, comps_b: tuple[FloatArray, FloatArray, FloatArray],
                 decays: tuple[float, float, float], policy: LevelPolicy) -> None:
        self.a = _Side(pmf_a, comps_a, decays, policy)
        self.b = _Side(pmf_b, comps_b, decays, policy)
        self.n = pmf_a.size
        self.rt = policy.run_time_steps
        self._cache: dict[tuple[int, float, int, float], FloatArray] = {}
        self._keep: list[FloatArray] = []
        self.passing = self.cross(pmf_a, 1.0, pmf_b, 1.0)
        self.fail = self._fail()
        if self.rt is not None and self.rt < self.n:
            rt = int(self.rt)
            done = float(self.passing[: rt + 1].sum() + self.fail[: rt + 1].sum())
            self.fail[rt + 1:] = 0.0
            self.fail[rt] += max(1.0 - done, 0.0)

    def _fail(self) -> FloatArray:
        a, b, n = self.a, self.b, self.n
        fail = np.zeros(n)
        for early, late in ((a, b), (b, a)):
            s = np.arange(n)
            # early link times out at s + tau(s) (partner strictly later than that)
            end = s + early.tau
            ok = early.good & (end < n)
            fail += np.bincount(end[ok], weights=early.pmf[ok] * late.survival[end[ok]],
                                minlength=n)[:n]
            # early link rejected on arrival: fails at s (partner strictly later)
            bad = ~early.good
            fail[bad] += early.pmf[bad] * late.survival[bad]
        if a.accept is not None and b.accept is not None:
            # late link rejected on arrival while the early one still waits
            reach_a = a.window(a.pmf, 1.0) - np.where(a.good, a.pmf, 0.0)
            reach_b = b.window(b.pmf, 1.0) - np.where(b.good, b.pmf, 0.0)
            fail += (1.0 - b.accept) * b.pmf * reach_a + (1.0 - a.accept) * a.pmf * reach_b
            fail += a.pmf * b.pmf * (1.0 - a.accept * b.accept)  # simultaneous arrival
        return fail

    def cross(self, fa: FloatArray, xa: float, fb: FloatArray, xb: float) -> FloatArray:
        key = (id(fa), xa, id(fb), xb)
        hit = self._cache.get(key)
        if hit is not None:
            return hit
        a, b = self.a, self.b
        s_b = b.window(fb, xb)                        # B early or simultaneous, A late at t
        s_a = a.window(fa, xa) - np.where(a.good, fa, 0.0)   # A strictly early, B late at t
        if a.accept is None:
            out = fa * s_b + fb * s_a
        else:
            assert b.accept is not None
            out = a.accept * fa * s_b + b.accept * fb * s_a
        if self.rt is not None and self.rt < self.n:
            out = out.copy()
            out[int(self.rt) + 1:] = 0.0
        self._cache[key] = out
        self._keep.extend((fa, fb))   # keep the keyed arrays alive (ids stay unique)
        return out


def sum_restarts(success: FloatArray, restart: FloatArray, weighted: list[FloatArray]
                 ) -> tuple[FloatArray, list[FloatArray]]:
    """Geometric sums over restarted attempts in Fourier space, ``F[success] / (1 - F[restart])``
    for the pmf and every weighted array (same kernel), with the round-off handling of
    :func:`qinternet.repeaters._join.level_step` (exponential tilt when coverage is poor, FFT
    round-off floor). Weighted arrays that are the same object are transformed once.

    References
    ----------
    .. [1] B. Li, T. Coopmans, D. Elkouss, arXiv:2005.04946, ``iterative_convolution`` of the
       public code @ c9245ed [V, impl].
    """
    unique: list[FloatArray] = []
    index: list[int] = []
    for w in weighted:
        for k, u in enumerate(unique):
            if u is w:
                index.append(k)
                break
        else:
            index.append(len(unique))
            unique.append(w)
    pmf, outs = restart_sums(success, restart, unique)
    # correlators may be negative for Bell-diagonal states; |P c| <= P bounds round-off
    outs = [np.clip(o, -pmf, pmf) for o in outs]
    return pmf, [outs[k] for k in index]
