"""Exact (up to truncation) waiting time and Werner parameter of nested repeater chains.

Model (Li-Coopmans-Elkouss 2021, the cut-off paper's public code [V, impl]): one time step = one
elementary-link attempt; elementary links arrive after Geometric(p_gen) steps on {1, 2, ...};
a swap level waits for two independent links of the level below; with memory cut-off tau an
attempt *passes* iff ``|tA - tB| <= tau`` (duration ``max(tA, tB)``), otherwise it *fails* after
``min(tA, tB) + tau`` and both inputs restart; a passing pair is swapped with success probability
``p_swap`` (failure restarts the level) and yields ``wA wB exp(-|tA - tB| / t_coh)``.
Optional BBPSSW distillation steps replace the swap by a distillation attempt with success
probability ``(1 + wA' wB)/2`` (the earlier link decayed first).

Algorithm (B. Li, T. Coopmans, D. Elkouss, IEEE Trans. Quantum Eng. 2, 1 (2021); S. Brand,
T. Coopmans, D. Elkouss, IEEE JSAC 38, 619 (2020)): per level the O(T) windowed join step
(:func:`join_attempt`) followed by the geometric sums over restarts evaluated in Fourier space
(zero padding to a fast FFT length >= 2T, i.e. 5-smooth instead of a power of two).
The pmf and the Werner-weighted pmf ``P(t) W(t)`` are carried on the window t = 0..T-1; the
probability mass inside the window is the *coverage*.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from qinternet._validation import (
    require_in_range,
    require_int,
    require_positive,
    require_probability,
)
from qinternet.errors import InvalidParameterError, QinternetWarning
from qinternet.repeaters._budget import (
    format_seconds,
    max_window_steps,
    plan_window,
    require_window_fits,
)
from qinternet.repeaters._join import join_attempt, level_step
from qinternet.repeaters.keyrate import KeyProtocol, key_fraction
from qinternet.repeaters.results import RepeaterChainResult

__all__ = [
    "DEFAULT_MAX_TRUNCATION_STEPS",
    "DEFAULT_MIN_COVERAGE",
    "DEFAULT_TARGET_COVERAGE",
    "DEFAULT_WARN_COVERAGE",
    "MAX_PROTOCOL_STEPS",
    "NestedChain",
    "Progress",
    "REFUSE_FACTOR",
    "analyze_chain",
    "automatic_window_cap",
    "chain_distributions",
    "check_automatic_window",
    "coverage_saturated",
    "join_attempt",
    "window_distributions",
]

#: Automatic truncation doubles the window until the coverage reaches this value.
DEFAULT_TARGET_COVERAGE = 1.0 - 1e-12
#: Below this coverage a :class:`QinternetWarning` says that the mean is truncation-sensitive.
DEFAULT_WARN_COVERAGE = 1.0 - 1e-6
#: Below this coverage the means are not trusted at all: :class:`InvalidParameterError` is raised.
DEFAULT_MIN_COVERAGE = 0.99
#: Cap of the automatic truncation window, in steps.
DEFAULT_MAX_TRUNCATION_STEPS = 2**22

#: The automatic window is refused up front when the estimated window for ``min_coverage``
#: exceeds the cap by this factor (the estimate is within a factor 3.5 of the measured window
#: over the tested chains, see ``_budget``), so refused chains could not have succeeded.
REFUSE_FACTOR = 4.0
#: Largest number of protocol steps (swap levels plus distillation rounds). Every step joins two
#: links, which squares the delivery-time CDF, so a round-off deficit of ~1e-16 grows like
#: 2^steps: beyond about 40 steps the distribution cannot be resolved in double precision.
MAX_PROTOCOL_STEPS = 40

FloatArray = npt.NDArray[np.float64]

#: Progress callback ``progress(description, done, total)`` (work in arbitrary equal units).
Progress = Callable[[str, float, float], None]


def _normalize_cutoffs(value: object, n_steps: int) -> tuple[int | None, ...]:
    if value is None:
        return (None,) * n_steps
    if isinstance(value, int | float) and not isinstance(value, bool):
        tau = require_int("cutoff_steps", value, minimum=0)
        return (tau,) * n_steps
    if isinstance(value, Sequence) and not isinstance(value, str):
        if len(value) != n_steps:
            raise InvalidParameterError(
                "cutoff_steps", tuple(value), f"must have one entry per level ({n_steps})"
            )
        return tuple(None if v is None else require_int("cutoff_steps", v, minimum=0)
                     for v in value)
    raise InvalidParameterError("cutoff_steps", value, "must be an integer, a list or None")


@dataclass(frozen=True, slots=True, kw_only=True)
class NestedChain:
    """Parameters of a nested (doubling) repeater chain with memory cut-offs.

    Raises ``InvalidParameterError`` on construction for probabilities outside (0, 1] (p_gen,
    p_swap), w0 outside [0, 1], non-positive coherence times or negative / mis-sized cut-offs.

    References
    ----------
    .. [1] B. Li, T. Coopmans, D. Elkouss, "Efficient optimization of cut-offs in quantum repeater
       chains" (title [V] via the README of BoxiLi/repeater-cut-off-optimization; arXiv id
       2005.04946 [R]), parameter dict of the public code @ c9245ed [V, impl].
    .. [2] C. H. Bennett et al., PRL 76, 722 (1996) (BBPSSW); Werner-parameter form checked
       here algebraically for equal inputs [D].

    Examples
    --------
    >>> NestedChain(levels=2, p_gen=0.1, p_swap=0.5, cutoff_steps=10).cutoff_steps
    (10, 10)
    """

    #: Number of swap (nesting) levels n >= 0; the chain has 2^n segments.
    levels: int
    #: Elementary-link success probability per attempt, in (0, 1].
    p_gen: float
    #: Entanglement-swap success probability, in (0, 1].
    p_swap: float
    #: Werner parameter of a fresh elementary link, in [0, 1].
    werner_w0: float = 1.0
    #: Coherence time of a stored *link* in steps (> 0); None (or inf) = no decoherence.
    coherence_time_steps: float | None = None
    #: Memory cut-off in steps: an int for every protocol step, a per-step tuple, or None.
    cutoff_steps: int | tuple[int | None, ...] | None = None
    #: Optional BBPSSW distillation rounds: entry k (k = 0..levels) is the number of rounds
    #: applied before swap level k+1 (k = levels: after the last swap). Empty = none.
    distillation_rounds: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        levels = require_int("levels", self.levels, minimum=0)
        if levels > 20:
            raise InvalidParameterError("levels", self.levels, "must be <= 20")
        object.__setattr__(self, "levels", levels)
        for name in ("p_gen", "p_swap"):
            value = require_in_range(name, getattr(self, name), 0.0, 1.0, low_inclusive=False)
            object.__setattr__(self, name, value)
        object.__setattr__(self, "werner_w0", require_probability("werner_w0", self.werner_w0))
        t_coh = self.coherence_time_steps
        if t_coh is not None:
            if isinstance(t_coh, int | float) and t_coh == math.inf:
                object.__setattr__(self, "coherence_time_steps", None)
            else:
                object.__setattr__(self, "coherence_time_steps",
                                   require_positive("coherence_time_steps", t_coh))
        rounds = tuple(self.distillation_rounds)
        if rounds:
            if len(rounds) != self.levels + 1:
                raise InvalidParameterError(
                    "distillation_rounds", rounds, f"must have levels + 1 = {self.levels + 1} "
                    "entries"
                )
            for r in rounds:
                require_int("distillation_rounds", r, minimum=0)
            if levels + sum(int(r) for r in rounds) > MAX_PROTOCOL_STEPS:
                raise InvalidParameterError(
                    "distillation_rounds", rounds,
                    f"must have at most {MAX_PROTOCOL_STEPS - levels} rounds in total with "
                    f"{levels} levels (at most {MAX_PROTOCOL_STEPS} protocol steps: each squares "
                    "the delivery-time CDF, so round-off grows like 2^steps)")
        object.__setattr__(self, "distillation_rounds", rounds)
        object.__setattr__(
            self, "cutoff_steps", _normalize_cutoffs(self.cutoff_steps, len(self.protocol))
        )

    @property
    def protocol(self) -> tuple[str, ...]:
        """Operations bottom up, each "swap" or "distill"."""
        rounds = self.distillation_rounds or (0,) * (self.levels + 1)
        ops: list[str] = []
        for k, r in enumerate(rounds):
            ops.extend(["distill"] * int(r))
            if k < self.levels:
                ops.append("swap")
        return tuple(ops)

    @property
    def cutoffs(self) -> tuple[int | None, ...]:
        """Cut-off per protocol step (normalised tuple)."""
        assert isinstance(self.cutoff_steps, tuple)
        return self.cutoff_steps

    @property
    def decay_per_step(self) -> float:
        """x = exp(-1 / coherence_time_steps) (1 without decoherence)."""
        t = self.coherence_time_steps
        return 1.0 if t is None or math.isinf(t) else math.exp(-1.0 / t)

    @property
    def segments(self) -> int:
        """Number of elementary segments, 2^levels."""
        return int(2**self.levels)


def chain_distributions(
    chain: NestedChain, truncation_steps: int, *, progress: Progress | None = None
) -> tuple[FloatArray, FloatArray]:
    """Waiting-time pmf P(t) and Werner-weighted pmf P(t) W(t) on t = 0..T-1.

    Parameters
    ----------
    chain : NestedChain
        Chain parameters.
    truncation_steps : int
        Window length T in steps (>= 2), at most what the available memory holds.
    progress : callable, optional
        ``progress(description, done, total)`` after each protocol step (done/total in
        protocol steps).

    Returns
    -------
    pmf : ndarray
        P(t) (sums to the coverage).
    werner_weighted : ndarray
        P(t) W(t).

    Raises
    ------
    InvalidParameterError
        If ``truncation_steps`` is not an integer >= 2 or needs more memory than available.

    References
    ----------
    .. [1] S. Brand, T. Coopmans, D. Elkouss, IEEE JSAC 38, 619 (2020), arXiv:1912.07688
       (deterministic algorithm) [V, abstract]; B. Li, T. Coopmans, D. Elkouss,
       arXiv:2005.04946, code @ c9245ed (cut-offs, ``iterative_convolution``) [V, impl];
       Li-Coopmans-Elkouss 2021

    Examples
    --------
    >>> pmf, wp = chain_distributions(NestedChain(levels=1, p_gen=0.5, p_swap=1.0), 64)
    >>> round(float(pmf[1]), 12)          # both links at t = 1: p^2
    0.25
    """
    t_len = require_int("truncation_steps", truncation_steps, minimum=2)
    require_window_fits("truncation_steps", t_len)
    p = chain.p_gen
    t = np.arange(t_len, dtype=np.float64)
    pmf = np.zeros(t_len)
    pmf[1:] = p * np.exp((t[1:] - 1.0) * math.log1p(-p)) if p < 1.0 else (t[1:] == 1.0)
    wp = chain.werner_w0 * pmf
    x = chain.decay_per_step
    total = len(chain.protocol)
    for k, (op, cutoff) in enumerate(zip(chain.protocol, chain.cutoffs, strict=True)):
        pmf, wp = level_step(pmf, wp, op, cutoff, x, chain.p_swap)
        if progress is not None:
            progress(f"window {t_len} steps, level {k + 1}/{total}", k + 1, total)
    return pmf, wp


def automatic_window_cap(max_truncation_steps: int = DEFAULT_MAX_TRUNCATION_STEPS) -> int:
    """Cap of the automatic window: ``max_truncation_steps``, or less if memory is short."""
    return max(2, min(max_truncation_steps, max_window_steps()))


def check_automatic_window(
    chain: NestedChain,
    *,
    max_truncation_steps: int = DEFAULT_MAX_TRUNCATION_STEPS,
    min_coverage: float = DEFAULT_MIN_COVERAGE,
    target_coverage: float = DEFAULT_TARGET_COVERAGE,
) -> None:
    """Refuse at once a chain whose waiting time cannot fit into the automatic window.

    Raises
    ------
    InvalidParameterError
        Named ``max_truncation_steps``, if the estimated window for ``min_coverage`` exceeds
        :data:`REFUSE_FACTOR` times the cap (see :func:`automatic_window_cap`).

    Examples
    --------
    >>> check_automatic_window(NestedChain(levels=3, p_gen=1e-9, p_swap=0.5))
    Traceback (most recent call last):
    ...
    qinternet.errors.InvalidParameterError: max_truncation_steps is too small for this chain: ...
    """
    cap = automatic_window_cap(require_int("max_truncation_steps", max_truncation_steps,
                                           minimum=2))
    plan = plan_window(chain, min_coverage=min_coverage, target_coverage=target_coverage)
    if plan.window_for_min_coverage_steps > REFUSE_FACTOR * cap:
        raise InvalidParameterError(
            "max_truncation_steps", cap,
            f"is too small for this chain: {plan.describe()} (coverage {min_coverage:g}), "
            f"far more than the automatic window cap of {cap} steps; a window that long would "
            f"take about {format_seconds(plan.seconds(plan.window_for_min_coverage_steps))}",
        )


def window_distributions(
    chain: NestedChain,
    *,
    truncation_steps: int | None = None,
    target_coverage: float = DEFAULT_TARGET_COVERAGE,
    max_truncation_steps: int = DEFAULT_MAX_TRUNCATION_STEPS,
    progress: Progress | None = None,
) -> tuple[FloatArray, FloatArray, int, float]:
    """P(t), P(t) W(t), window length and coverage, choosing the window automatically.

    With ``truncation_steps`` None the window starts at a power of two above ``8 (2/a)^n / p``
    and doubles until the coverage reaches ``target_coverage``, stops growing (round-off, see
    :func:`coverage_saturated`) or hits the cap (``max_truncation_steps``, lowered when the
    available memory cannot hold it).
    No coverage check is made here (see :func:`analyze_chain`).

    Parameters
    ----------
    chain : NestedChain
        Chain parameters.
    truncation_steps : int, optional
        Fixed window length in steps.
    target_coverage : float
        Coverage at which doubling stops.
    max_truncation_steps : int
        Cap of the automatic window, in steps.
    progress : callable, optional
        ``progress(description, done, total)``; work counted in window steps times protocol
        steps, the total growing if more doublings than estimated are needed.

    Returns
    -------
    pmf, werner_weighted : ndarray
        As in :func:`chain_distributions`.
    truncation_steps : int
        Window length used.
    coverage : float
        sum_t P(t), clipped to at most 1 (round-off).

    Raises
    ------
    InvalidParameterError
        If a window length is not an integer >= 2 or does not fit into memory.

    References
    ----------
    .. [1] B. Li, T. Coopmans, D. Elkouss, IEEE Trans. Quantum Eng. 2, 1 (2021),
       arXiv:2005.04946 (truncation and its coverage check, public code @ c9245ed).

    Examples
    --------
    >>> _, _, t_len, cov = window_distributions(NestedChain(levels=1, p_gen=0.5, p_swap=1.0))
    >>> t_len, cov > 1 - 1e-12
    (64, True)
    """
    levels = max(len(chain.protocol), 1)
    if truncation_steps is not None:
        t_len = require_int("truncation_steps", truncation_steps, minimum=2)
        pmf, wp = chain_distributions(chain, t_len, progress=progress)
        return pmf, wp, t_len, min(float(pmf.sum()), 1.0)
    cap = automatic_window_cap(require_int("max_truncation_steps", max_truncation_steps,
                                           minimum=2))
    t_len = min(_initial_truncation(chain), cap)
    coverage: float | None = None
    done = 0.0
    total = float(t_len * levels)
    if progress is not None:
        plan = plan_window(chain, min_coverage=DEFAULT_MIN_COVERAGE,
                           target_coverage=target_coverage)
        expected = t_len
        while expected < min(cap, plan.window_for_target_steps):
            expected = min(2 * expected, cap)
            total += expected * levels
    while True:
        step = None
        if progress is not None:
            base = done

            def step(desc: str, k: float, n: float, base: float = base, t: int = t_len,
                     total: float = total) -> None:
                progress(desc, base + t * k * levels / max(n, 1.0), total)

        pmf, wp = chain_distributions(chain, t_len, progress=step)
        done += t_len * levels
        previous, coverage = coverage, min(float(pmf.sum()), 1.0)
        if coverage >= target_coverage or t_len >= cap or coverage_saturated(previous, coverage):
            if progress is not None:
                progress(f"window {t_len} steps: coverage {coverage:.3g}", total, total)
            return pmf, wp, t_len, coverage
        t_len = min(2 * t_len, cap)
        total = max(total, done + t_len * levels)


def coverage_saturated(previous: float | None, coverage: float) -> bool:
    """Whether doubling the window stopped paying: the coverage is already high (above
    ``DEFAULT_WARN_COVERAGE``) and the missing mass did not shrink. Deep chains lose about
    2^n round-off units of mass (every swap level squares the CDF), so 1 - 1e-12 can be out of
    reach in double precision; doubling further would only cost time.

    >>> coverage_saturated(1 - 2.6e-9, 1 - 2.6e-9), coverage_saturated(1 - 1e-7, 1 - 1e-11)
    (True, False)
    """
    if previous is None or coverage < DEFAULT_WARN_COVERAGE:
        return False
    return (1.0 - coverage) > 0.5 * (1.0 - previous)


def _initial_truncation(chain: NestedChain) -> int:
    """First window of the automatic doubling: a power of two above ``8 (2/a)^n / p`` (8 times
    the upper bound of the mean without cut-off), or above twice the estimated window for the
    target coverage when that is smaller. The bound alone grows like 2^n even when the mean does
    not (a = 1: E[T] ~ H_N / p); an oversized window costs time and accumulates FFT round-off
    (``levels 20, p_gen 1, p_swap 1`` gave E[T] = 1.09 instead of 1 on 2^22 steps)."""
    n_swap = chain.protocol.count("swap")
    n_dist = chain.protocol.count("distill")
    bound = (2.0 / chain.p_swap) ** n_swap * 4.0**n_dist / chain.p_gen
    by_bound = max(64, 1 << math.ceil(math.log2(8.0 * bound + 1.0)))
    plan = plan_window(chain, min_coverage=DEFAULT_MIN_COVERAGE,
                       target_coverage=DEFAULT_TARGET_COVERAGE)
    estimate = plan.window_for_target_steps
    if not math.isfinite(estimate):
        return by_bound
    return min(by_bound, max(64, 1 << math.ceil(math.log2(2.0 * estimate + 1.0))))


def analyze_chain(
    chain: NestedChain,
    *,
    truncation_steps: int | None = None,
    key_protocol: KeyProtocol = "bb84",
    target_coverage: float = DEFAULT_TARGET_COVERAGE,
    warn_coverage: float = DEFAULT_WARN_COVERAGE,
    min_coverage: float = DEFAULT_MIN_COVERAGE,
    max_truncation_steps: int = DEFAULT_MAX_TRUNCATION_STEPS,
    progress: Progress | None = None,
) -> RepeaterChainResult:
    """Waiting time, Werner parameter, fidelity and secret-key rate of a nested chain.

    Parameters
    ----------
    chain : NestedChain
        Chain parameters (probabilities per attempt, times in steps).
    truncation_steps : int, optional
        Window length T in steps. Default: automatic, starting from a power of two above
        ``8 (2/a)^n / p`` and doubling until the coverage reaches ``target_coverage`` or
        ``max_truncation_steps`` is reached.
    key_protocol : {"bb84", "six-state"}
        Protocol of ``secret_key_rate_bits_per_step`` (both rates are always reported).
    target_coverage : float
        Coverage at which automatic truncation stops doubling (default 1 - 1e-12).
    warn_coverage : float
        Below this coverage a :class:`QinternetWarning` is emitted (default 1 - 1e-6): the
        reported mean is the conditional mean on the window and underestimates the full mean.
    min_coverage : float
        Below this coverage the means cannot be trusted and an error is raised (default 0.99).
    max_truncation_steps : int
        Cap of the automatic window (default 2^22; lowered when the available memory cannot
        hold it).
    progress : callable, optional
        ``progress(description, done, total)`` while the distributions are computed.

    Returns
    -------
    RepeaterChainResult
        Means in steps, Werner parameter and fidelity of the average delivered state, BB84 and
        six-state key rates in bits per step, coverage, and the arrays P(t), W(t).

    Raises
    ------
    InvalidParameterError
        On bad parameters, or (name ``truncation_steps`` / ``max_truncation_steps``) if the
        coverage stays below ``min_coverage``. With the automatic window this is decided up
        front, before any computation, when the estimated window exceeds the cap by far
        (:func:`check_automatic_window`); a window that does not fit into the available memory
        is refused up front too.

    Warns
    -----
    QinternetWarning
        If the coverage is below ``warn_coverage``.

    Notes
    -----
    ``E[T] = sum_t t P(t) / sum_t P(t)``; ``W = sum_t P(t) W(t) / sum_t P(t)``;
    ``F = (1 + 3 W)/4``; key rate ``r(W)/E[T]`` with ``r`` the BB84 fraction
    ``max(0, 1 - 2 h((1-W)/2))`` (log2) or the six-state fraction. The lower bound
    ``coverage * E[T] + (1 - coverage) * T`` of the full-support mean is reported too.

    References
    ----------
    .. [1] S. Brand, T. Coopmans, D. Elkouss, arXiv:1912.07688 [V, abstract].
    .. [2] B. Li, T. Coopmans, D. Elkouss, arXiv:2005.04946, code @ c9245ed [V, impl]
       (coverage, W, F, key rate with log2).

    Examples
    --------
    >>> r = analyze_chain(NestedChain(levels=1, p_gen=0.1, p_swap=0.5))
    >>> round(r.mean_waiting_time_steps, 9)     # K2 = (3-2p)/(a p (2-p)), repeaters.json W2
    29.473684211
    """
    cap = _check_analysis_options(key_protocol, target_coverage, min_coverage, warn_coverage,
                                  max_truncation_steps)
    if truncation_steps is not None:
        t_len = require_int("truncation_steps", truncation_steps, minimum=2)
        require_window_fits("truncation_steps", t_len)
        limit_name, limit_value = "truncation_steps", t_len
    else:
        check_automatic_window(chain, max_truncation_steps=cap, min_coverage=min_coverage,
                               target_coverage=target_coverage)
        limit_name, limit_value = "max_truncation_steps", automatic_window_cap(cap)
    pmf, wp, t_len, coverage = window_distributions(
        chain, truncation_steps=truncation_steps, target_coverage=target_coverage,
        max_truncation_steps=cap, progress=progress,
    )
    if coverage < min_coverage:
        raise InvalidParameterError(
            limit_name, limit_value,
            f"must be larger: the truncation window covers only {coverage:.6g} of the "
            f"waiting-time distribution (< min_coverage {min_coverage:g}), so the means "
            "cannot be trusted",
        )
    _warn_low_coverage(t_len, coverage, warn_coverage)
    return _result(chain, pmf, wp, t_len, coverage, key_protocol)


def _check_analysis_options(key_protocol: str, target_coverage: float, min_coverage: float,
                            warn_coverage: float, max_truncation_steps: int) -> int:
    """Check the options every chain analysis takes; returns ``max_truncation_steps``."""
    if key_protocol not in ("bb84", "six-state"):
        raise InvalidParameterError("key_protocol", key_protocol, "must be 'bb84' or 'six-state'")
    require_in_range("target_coverage", target_coverage, 0.0, 1.0, low_inclusive=False)
    require_in_range("min_coverage", min_coverage, 0.0, 1.0)
    require_in_range("warn_coverage", warn_coverage, 0.0, 1.0)
    return require_int("max_truncation_steps", max_truncation_steps, minimum=2)


def _warn_low_coverage(t_len: int, coverage: float, warn_coverage: float) -> None:
    """Warn (at the caller of the public analysis) when the window misses mass."""
    if coverage < warn_coverage:
        warnings.warn(
            f"truncation window of {t_len} steps covers {coverage:.9g} of the waiting-time "
            "distribution: the reported mean is the conditional mean on the window",
            QinternetWarning,
            stacklevel=3,
        )


def _result(
    chain: NestedChain,
    pmf: FloatArray,
    wp: FloatArray,
    t_len: int,
    coverage: float,
    key_protocol: KeyProtocol,
) -> RepeaterChainResult:
    times = np.arange(t_len, dtype=np.float64)
    mass = float(pmf.sum())
    mean_t = float(np.dot(times, pmf) / mass)
    mean_w = float(min(max(wp.sum() / mass, 0.0), 1.0))
    bb84 = float(key_fraction(mean_w, "bb84"))
    six = float(key_fraction(mean_w, "six-state"))
    werner_t = np.full(t_len, np.nan)
    ok = pmf > 1e-8 * float(pmf.max())  # FFT round-off: W(t) error ~ 1e-16 max(P) / P(t)
    werner_t[ok] = wp[ok] / pmf[ok]
    rate_bb84 = bb84 / mean_t
    rate_six = six / mean_t
    return RepeaterChainResult(
        protocol=chain.protocol,
        levels=chain.levels,
        p_gen=chain.p_gen,
        p_swap=chain.p_swap,
        werner_w0=chain.werner_w0,
        coherence_time_steps=chain.coherence_time_steps,
        cutoff_steps=chain.cutoffs,
        truncation_steps=t_len,
        coverage=coverage,
        mean_waiting_time_steps=mean_t,
        mean_waiting_time_lower_bound_steps=coverage * mean_t + (1.0 - coverage) * t_len,
        mean_werner=mean_w,
        mean_fidelity=(1.0 + 3.0 * mean_w) / 4.0,
        key_protocol=key_protocol,
        secret_key_rate_bits_per_step=rate_bb84 if key_protocol == "bb84" else rate_six,
        secret_key_rate_bb84_bits_per_step=rate_bb84,
        secret_key_rate_six_state_bits_per_step=rate_six,
        bb84_key_fraction=bb84,
        six_state_key_fraction=six,
        waiting_time_pmf=pmf,
        werner_by_time=werner_t,
    )
