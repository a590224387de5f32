"""What a chain analysis will cost before it runs: window length, memory and time estimates.

The exact algorithm carries arrays of ``T`` steps (the truncation window); its memory grows
linearly and its time as ``T log T`` per protocol step. Whether a window suffices depends on the
waiting-time distribution, which is what the algorithm computes, so the window is *estimated*
up front from the mean waiting time:

* without cut-offs the mean has rigorous bounds, ``E[T_n] >= max_k E[max of 2^k Geom(p)] /
  a^(n-k)`` (each failed swap restarts its level, so ``E[T_{k+1}] >= E[T_k] / a``; the maximum of
  ``N`` geometric times dominates the maximum of ``N`` exponentials, ``H_N / -ln(1-p)``) and
  ``E[T_n] <= (2/a)^n / p`` (Brand et al.);
* the estimate itself follows the mean and the spread level by level: the maximum of two inputs
  of mean ``mu`` and standard deviation ``s`` has mean about ``mu + s/2`` and variance between
  ``s^2`` and ``1.25 s^2`` (exact for exponential inputs, the 3/2 rule of Sangouard et al.; the
  maximum of two Gumbel variables is Gumbel again), a swap that succeeds with probability ``a`` is a
  geometric sum of such attempts, and a cut-off level uses the exact two-segment mean of Li,
  Coopmans & Elkouss for geometric inputs of the same mean (exact at the first level; a level
  with a small cut-off is a geometric sum of attempts, hence nearly geometric itself);
* the window that holds a fraction ``c`` of the distribution is about
  ``mu (1 + cv (ln(1/(1-c)) - 1))`` (the quantile of an exponential for ``cv = 1``).

These estimates decide only whether to *start*; results always carry their measured coverage.

References
----------
.. [1] S. Brand, T. Coopmans, D. Elkouss, "Efficient computation of the waiting time and
   fidelity in quantum repeater chains", IEEE J. Sel. Areas Commun. 38, 619 (2020),
   arXiv:1912.07688 (upper bound (2/a)^n / p).
.. [2] B. Li, T. Coopmans, D. Elkouss, "Efficient optimization of cut-offs in quantum repeater
   chains", IEEE Trans. Quantum Eng. 2, 1 (2021), arXiv:2005.04946 (two-segment mean with a
   cut-off).
.. [3] N. Sangouard, C. Simon, H. de Riedmatten, N. Gisin, Rev. Mod. Phys. 83, 33 (2011)
   (3/2 rule).
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

from qinternet.errors import InvalidParameterError

if TYPE_CHECKING:
    from qinternet.repeaters.chain import NestedChain

__all__ = [
    "BYTES_PER_WINDOW_STEP",
    "SECONDS_PER_WINDOW_STEP",
    "WindowPlan",
    "available_memory_bytes",
    "format_bytes",
    "format_seconds",
    "max_window_steps",
    "plan_window",
    "require_window_fits",
]

#: Peak memory of the exact algorithm per window step (measured about 260 B; margin included).
BYTES_PER_WINDOW_STEP = 320
#: Time per window step and protocol step (measured 0.3-0.7 microseconds on a 2-core machine).
SECONDS_PER_WINDOW_STEP = 6e-7
#: Fraction of the available memory a window may use.
_MEMORY_FRACTION = 0.5
#: Fallback when the available memory cannot be read (bytes).
_FALLBACK_MEMORY_BYTES = 4 * 2**30


def available_memory_bytes() -> int:
    """Memory available to a new allocation, in bytes (MemAvailable on Linux)."""
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return int(os.sysconf("SC_AVPHYS_PAGES")) * int(os.sysconf("SC_PAGE_SIZE"))
    except (AttributeError, OSError, ValueError):  # pragma: no cover - non-POSIX
        return _FALLBACK_MEMORY_BYTES


def max_window_steps() -> int:
    """Longest truncation window this machine's available memory can hold, in steps."""
    return max(2, int(_MEMORY_FRACTION * available_memory_bytes() / BYTES_PER_WINDOW_STEP))


def format_bytes(n: float) -> str:
    """``1.5 GiB``-style text.

    >>> format_bytes(3 * 2**30)
    '3 GiB'
    """
    for unit, size in (("TiB", 2**40), ("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if n >= size:
            return f"{n / size:.3g} {unit}"
    return f"{n:.0f} B"


def format_seconds(s: float) -> str:
    """``about 3 min``-style text.

    >>> format_seconds(90.0), format_seconds(2e7)
    ('1.5 min', '231 days')
    """
    for unit, size in (("years", 3.15e7), ("days", 86400.0), ("h", 3600.0), ("min", 60.0)):
        if s >= size:
            return f"{s / size:.3g} {unit}"
    return f"{s:.2g} s"


def require_window_fits(name: str, steps: int) -> None:
    """Raise :class:`InvalidParameterError` if a window of ``steps`` does not fit in memory."""
    limit = max_window_steps()
    if steps > limit:
        raise InvalidParameterError(
            name, steps,
            f"must be at most {limit} steps on this machine (a window of {steps} steps needs "
            f"about {format_bytes(steps * BYTES_PER_WINDOW_STEP)} of memory, "
            f"{format_bytes(available_memory_bytes())} are available)",
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class WindowPlan:
    """Estimated size and cost of analysing one chain (see the module docstring)."""

    #: Rigorous lower bound of the mean waiting time in steps (chains without cut-off only).
    mean_lower_bound_steps: float | None
    #: Estimated mean waiting time in steps.
    mean_estimate_steps: float
    #: Estimated coefficient of variation of the waiting time (dimensionless).
    cv_estimate: float
    #: Estimated window (steps) holding ``min_coverage`` of the distribution.
    window_for_min_coverage_steps: float
    #: Estimated window (steps) holding ``target_coverage`` of the distribution.
    window_for_target_steps: float
    #: Protocol steps (swap and distillation levels) of the chain.
    protocol_steps: int

    def seconds(self, window_steps: float) -> float:
        """Estimated time of one evaluation on a window of ``window_steps``, in s."""
        return SECONDS_PER_WINDOW_STEP * max(self.protocol_steps, 1) * window_steps

    def describe(self) -> str:
        """One sentence: the mean waiting time (bound and estimate) and the window needed."""
        bound = ("" if self.mean_lower_bound_steps is None
                 else f"at least {self.mean_lower_bound_steps:.3g} steps, ")
        return (f"the mean waiting time is {bound}about {self.mean_estimate_steps:.3g} steps "
                f"(estimate), so the exact analysis needs a window of about "
                f"{self.window_for_min_coverage_steps:.3g} steps")


def _harmonic_lower(n: int) -> float:
    """A lower bound of the harmonic number H_n (exact sum for small n)."""
    if n <= 64:
        return math.fsum(1.0 / k for k in range(1, n + 1))
    return math.log(n + 1.0) + 0.5772156649 - 1.0 / (2.0 * n)  # H_n >= ln n + gamma + 1/(2n+1)


def _two_segment_mean(p: float, a: float, tau: int) -> float:
    """Mean of two segments with cut-off tau for Geometric(p) inputs (Li et al.), stable for
    tiny p (the closed form of :func:`~qinternet.repeaters.closed_forms.level1_mean_waiting_time`
    cancels catastrophically there)."""
    p = min(max(p, 1e-300), 1.0)
    q = 1.0 - p
    one_minus_qt = -math.expm1(tau * math.log1p(-p)) if p < 1.0 else 1.0
    p_pass = (p + 2.0 * q * one_minus_qt) / (2.0 - p)
    if p * tau < 1e-4:
        s = tau * (tau + 1.0) / 2.0  # sum_{k<=tau} k q^k with q^k ~ 1
    else:
        qt = 1.0 - one_minus_qt
        s = q * (1.0 - (tau + 1.0) * qt + tau * qt * q) / (p * p)
    attempt = 1.0 / (p * (2.0 - p)) + 2.0 * p * s / (2.0 - p) + tau * (1.0 - p_pass)
    return attempt / (a * p_pass)


def plan_window(chain: NestedChain, *, min_coverage: float, target_coverage: float) -> WindowPlan:
    """Estimate the mean waiting time and the window needed for ``chain`` (no computation).

    Parameters
    ----------
    chain : NestedChain
        Chain parameters.
    min_coverage, target_coverage : float
        Coverages (in (0, 1)) whose windows are estimated.

    Returns
    -------
    WindowPlan
        Bounds and estimates in steps.

    Examples
    --------
    >>> from qinternet.repeaters.chain import NestedChain
    >>> plan = plan_window(NestedChain(levels=1, p_gen=0.1, p_swap=0.5),
    ...                    min_coverage=0.99, target_coverage=1 - 1e-12)
    >>> round(plan.mean_lower_bound_steps, 3), round(plan.mean_estimate_steps, 1)  # exact 29.47
    (20.0, 29.5)
    """
    p, a = chain.p_gen, chain.p_swap
    ops = chain.protocol
    mean = 1.0 / p
    var = (1.0 - p) / (p * p)
    for op, tau in zip(ops, chain.cutoffs, strict=True):
        succ = a if op == "swap" else 0.5 * (1.0 + chain.werner_w0**2)
        sd = math.sqrt(max(var, 0.0))
        cv = sd / mean
        e_max = mean + 0.5 * sd
        var_max = var * (1.0 + 0.25 * min(cv, 1.0) ** 2)  # exponential 1.25, Gumbel 1
        new_mean = e_max / succ
        new_var = var_max / succ + (1.0 - succ) / succ**2 * e_max**2
        if tau is not None:
            restart = _two_segment_mean(1.0 / mean, succ, int(tau))
            if restart > new_mean:  # restarts dominate: a geometric sum, nearly geometric
                new_mean, new_var = restart, restart * restart
        mean, var = new_mean, new_var
        if not math.isfinite(mean) or mean > 1e300:
            mean, var = math.inf, math.inf
            break
    cv = 1.0 if not math.isfinite(mean) else min(math.sqrt(max(var, 0.0)) / mean, 1.0)

    lower: float | None = None
    if all(t is None for t in chain.cutoffs) and "distill" not in ops:
        rate = -math.log1p(-p) if p < 1.0 else math.inf
        n = chain.levels
        bounds = [1.0 / (p * a**n)]
        for k in range(1, n + 1):
            if rate < math.inf:
                bounds.append(_harmonic_lower(2**k) / rate / a ** (n - k))
        lower = max(bounds)
        mean = max(mean, lower)

    def window(coverage: float) -> float:
        if not math.isfinite(mean):
            return math.inf
        return mean * (1.0 + cv * (math.log(1.0 / (1.0 - coverage)) - 1.0))

    return WindowPlan(
        mean_lower_bound_steps=lower,
        mean_estimate_steps=mean,
        cv_estimate=cv,
        window_for_min_coverage_steps=window(min_coverage),
        window_for_target_steps=window(target_coverage),
        protocol_steps=len(ops),
    )
