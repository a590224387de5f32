"""Waiting time, delivered Bell-diagonal state and key rate of a :class:`RepeaterChain`."""

from __future__ import annotations

import math

import numpy as np

from qinternet._validation import require_int
from qinternet.errors import InvalidParameterError
from qinternet.repeaters.bell_diagonal import (
    bb84_key_fraction_bell,
    bell_from_correlators,
    six_state_key_fraction_bell,
)
from qinternet.repeaters.chain import (
    DEFAULT_MAX_TRUNCATION_STEPS,
    DEFAULT_MIN_COVERAGE,
    DEFAULT_TARGET_COVERAGE,
    DEFAULT_WARN_COVERAGE,
    _check_analysis_options,
    _warn_low_coverage,
    automatic_window_cap,
    coverage_saturated,
)
from qinternet.repeaters.general_chain import RepeaterChain, link_distributions
from qinternet.repeaters.keyrate import EntropyBase, KeyProtocol
from qinternet.repeaters.results import GeneralChainResult
from qinternet.repeaters.swap_tree import Distill, Swap, TreeNode

__all__ = [
    "analyze_repeater_chain",
    "mean_lower_bound_steps",
    "mean_upper_bound_steps",
    "state_key_fractions",
]

#: The automatic window is refused up front when the mean's lower bound exceeds the cap by this.
_REFUSE_FACTOR = 4.0


def mean_lower_bound_steps(chain: RepeaterChain) -> float | None:
    """Lower bound of the mean waiting time for chains without cut-offs (None with cut-offs):
    ``E[max(T_A, T_B)] >= max(E[T_A], E[T_B])`` per join and every failed swap restarts, so a
    swap divides by ``p_swap``; an elementary link needs ``1/p_gen`` on average.

    Examples
    --------
    >>> from qinternet.repeaters.general_chain import ChainSegment
    >>> ch = RepeaterChain(segments=(ChainSegment(p_gen=0.1), ChainSegment(p_gen=0.2)),
    ...                    p_swap=0.5)
    >>> mean_lower_bound_steps(ch)
    20.0
    """
    cuts = (chain.cutoff_steps, chain.werner_cutoff, chain.run_time_cutoff_steps)
    if any(v is not None for c in cuts for v in (c if isinstance(c, tuple) else (c,))):
        return None

    def bound(node: TreeNode) -> float:
        if isinstance(node, int):
            return 1.0 / chain.segments[node].p_gen
        if isinstance(node, Swap):
            return max(bound(node.left), bound(node.right)) / chain.p_swap
        assert isinstance(node, Distill)
        return max(bound(node.first), bound(node.second))
    return bound(chain.tree)


def mean_upper_bound_steps(chain: RepeaterChain) -> float:
    """Upper bound of the mean waiting time without cut-offs: ``E[max] <= E[T_A] + E[T_B]``
    per join, divided by the success probability (``p_swap``; 1/2 for distillation of
    non-negative correlators). Generalises Brand et al.'s ``(2/a)^n / p``.

    References
    ----------
    .. [1] S. Brand, T. Coopmans, D. Elkouss, arXiv:1912.07688, ``mean_upper_bound`` of the
       public code (equal segments) [V, impl]; unequal segments [D].

    Examples
    --------
    >>> from qinternet.repeaters.general_chain import ChainSegment
    >>> ch = RepeaterChain(segments=(ChainSegment(p_gen=0.1),) * 2, p_swap=0.5)
    >>> mean_upper_bound_steps(ch)          # (2/a)/p
    40.0
    """
    def bound(node: TreeNode) -> float:
        if isinstance(node, int):
            return 1.0 / chain.segments[node].p_gen
        if isinstance(node, Swap):
            return (bound(node.left) + bound(node.right)) / chain.p_swap
        assert isinstance(node, Distill)
        return 2.0 * (bound(node.first) + bound(node.second))
    return bound(chain.tree)


def state_key_fractions(chi: tuple[float, float, float], entropy_base: EntropyBase = "2"
                        ) -> tuple[float, float]:
    """BB84 ``1 - h(e_Z) - h(e_X)`` and six-state ``1 - H(lambda)`` fractions of a state
    with correlators ``chi`` (both clipped at 0).

    References
    ----------
    .. [1] spec repeaters.md §4 (Werner case) [R, standard]; Bell-diagonal QBERs
       e_Z = (1 - chi_Z)/2, e_X = (1 - chi_X)/2 [D].

    Examples
    --------
    >>> from qinternet.repeaters.keyrate import bb84_key_fraction
    >>> bb, _ = state_key_fractions((0.9, 0.9, 0.9))
    >>> abs(bb - float(bb84_key_fraction(0.9))) < 1e-15
    True
    """
    bb84 = float(bb84_key_fraction_bell((1.0 - chi[2]) / 2.0, (1.0 - chi[0]) / 2.0,
                                        entropy_base=entropy_base))
    six = float(six_state_key_fraction_bell(bell_from_correlators(chi),
                                            entropy_base=entropy_base))
    return bb84, six


def _window(chain: RepeaterChain, truncation_steps: int | None, target: float, cap: int
            ) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray, np.ndarray], int, float]:
    if truncation_steps is not None:
        pmf, comps = link_distributions(chain, truncation_steps)
        return pmf, comps, truncation_steps, min(float(pmf.sum()), 1.0)
    bound = mean_upper_bound_steps(chain)
    t_len = min(max(64, 1 << math.ceil(math.log2(4.0 * bound + 1.0))), cap)
    previous: float | None = None
    while True:
        pmf, comps = link_distributions(chain, t_len)
        coverage = min(float(pmf.sum()), 1.0)
        if coverage >= target or t_len >= cap or coverage_saturated(previous, coverage):
            return pmf, comps, t_len, coverage
        previous = coverage
        t_len = min(2 * t_len, cap)


def analyze_repeater_chain(
    chain: RepeaterChain,
    *,
    truncation_steps: int | None = None,
    key_protocol: KeyProtocol = "bb84",
    target_coverage: float = DEFAULT_TARGET_COVERAGE,
    warn_coverage: float = DEFAULT_WARN_COVERAGE,
    min_coverage: float = DEFAULT_MIN_COVERAGE,
    max_truncation_steps: int = DEFAULT_MAX_TRUNCATION_STEPS,
) -> GeneralChainResult:
    """Waiting time, delivered state, QBERs and key rates of a heterogeneous repeater chain.

    Parameters
    ----------
    chain : RepeaterChain
        Segments, swap tree, cut-offs, memories (times in steps).
    truncation_steps : int, optional
        Window length in steps. Default: automatic, from a power of two above 4 times
        :func:`mean_upper_bound_steps`, doubling until ``target_coverage``.
    key_protocol : {"bb84", "six-state"}
        Protocol of ``secret_key_rate_bits_per_step``.
    target_coverage, warn_coverage, min_coverage : float
        As in :func:`~qinternet.repeaters.chain.analyze_chain`.
    max_truncation_steps : int
        Cap of the automatic window, in steps.

    Returns
    -------
    GeneralChainResult
        Means (steps), average delivered state (Werner parameter, fidelity, Bell coefficients,
        QBERs in Z and X), key rates in bits per step (log2).

    Raises
    ------
    InvalidParameterError
        On bad parameters or a coverage below ``min_coverage``.

    Warns
    -----
    QinternetWarning
        If the coverage is below ``warn_coverage``.

    Notes
    -----
    ``E[T] = sum t P(t) / sum P(t)``; ``chi_k = sum P chi_k / sum P``; BB84 rate
    ``max(0, 1 - h(e_Z) - h(e_X)) / E[T]`` with ``e_Z = (1 - chi_Z)/2``, ``e_X = (1 - chi_X)/2``;
    six-state ``max(0, 1 - H(lambda)) / E[T]``. For Werner chains these are the formulas of
    :func:`~qinternet.repeaters.chain.analyze_chain`.

    References
    ----------
    .. [1] B. Li, T. Coopmans, D. Elkouss, arXiv:2005.04946, code @ c9245ed [V, impl].
    .. [2] S. Brand, T. Coopmans, D. Elkouss, arXiv:1912.07688 [V, abstract].

    Examples
    --------
    >>> from qinternet.repeaters.general_chain import ChainSegment
    >>> ch = RepeaterChain(segments=(ChainSegment(p_gen=0.1),) * 2, p_swap=0.5)
    >>> round(analyze_repeater_chain(ch).mean_waiting_time_steps, 9)   # repeaters.json W2
    29.473684211
    """
    cap = automatic_window_cap(_check_analysis_options(
        key_protocol, target_coverage, min_coverage, warn_coverage, max_truncation_steps))
    if truncation_steps is not None:
        truncation_steps = require_int("truncation_steps", truncation_steps, minimum=2)
    else:
        lower = mean_lower_bound_steps(chain)
        if lower is not None and lower > _REFUSE_FACTOR * cap:
            raise InvalidParameterError(
                "max_truncation_steps", cap,
                f"is too small for this chain: the mean waiting time is at least {lower:.3g} "
                f"steps, far more than the automatic window cap of {cap} steps")
    pmf, comps, t_len, coverage = _window(chain, truncation_steps, target_coverage, cap)
    if coverage < min_coverage:
        name = "truncation_steps" if truncation_steps is not None else "max_truncation_steps"
        raise InvalidParameterError(
            name, t_len, f"must be larger: the truncation window covers only {coverage:.6g} "
            f"of the waiting-time distribution (< min_coverage {min_coverage:g})")
    _warn_low_coverage(t_len, coverage, warn_coverage)
    return result_from_distributions(chain, pmf, comps, t_len, coverage, key_protocol)


def result_from_distributions(
    chain: RepeaterChain, pmf: np.ndarray, comps: tuple[np.ndarray, np.ndarray, np.ndarray],
    t_len: int, coverage: float, key_protocol: KeyProtocol,
) -> GeneralChainResult:
    """Assemble the result from the distributions (no validation)."""
    times = np.arange(t_len, dtype=np.float64)
    mass = float(pmf.sum())
    mean_t = float(np.dot(times, pmf) / mass)
    chi = tuple(float(min(max(c.sum() / mass, -1.0), 1.0)) for c in comps)
    chi3 = (chi[0], chi[1], chi[2])
    mean_w = (chi3[0] + chi3[1] + chi3[2]) / 3.0
    bb84, six = state_key_fractions(chi3)
    wp = (comps[0] + comps[1] + comps[2]) / 3.0
    werner_t = np.full(t_len, np.nan)
    ok = pmf > 1e-8 * float(pmf.max())
    werner_t[ok] = wp[ok] / pmf[ok]
    bell = bell_from_correlators(chi3)
    ops: list[str] = []

    def walk(node: TreeNode, seen: set[str]) -> None:
        if isinstance(node, int):
            return
        text = repr(node)
        if isinstance(node, Swap):
            walk(node.left, seen)
            walk(node.right, seen)
            op = "swap"
        else:
            walk(node.first, seen)
            walk(node.second, seen)
            op = f"distill:{node.protocol}"
        if text not in seen:
            seen.add(text)
            ops.append(op)
    walk(chain.tree, set())
    mem, wc, rt = chain.cutoff_steps, chain.werner_cutoff, chain.run_time_cutoff_steps
    assert isinstance(mem, tuple) and isinstance(wc, tuple) and isinstance(rt, tuple)
    return GeneralChainResult(
        protocol=tuple(ops),
        swap_tree=chain.tree_text,
        levels=chain.levels,
        segments=len(chain.segments),
        p_gen=tuple(s.p_gen for s in chain.segments),
        p_swap=chain.p_swap,
        werner_w0=tuple(s.werner_w0 if s.bell_diagonal is None else sum(s.correlators) / 3.0
                        for s in chain.segments),
        coherence_time_steps=chain.coherence_time_steps,
        dephasing_time_steps=chain.dephasing_time_steps,
        cutoff_steps=mem,
        werner_cutoff=wc,
        run_time_cutoff_steps=rt,
        truncation_steps=t_len,
        coverage=coverage,
        mean_waiting_time_steps=mean_t,
        mean_waiting_time_lower_bound_steps=coverage * mean_t + (1.0 - coverage) * t_len,
        mean_werner=mean_w,
        mean_fidelity=(1.0 + 3.0 * mean_w) / 4.0,
        mean_bell_diagonal=(float(bell[0]), float(bell[1]), float(bell[2]), float(bell[3])),
        qber_z=(1.0 - chi3[2]) / 2.0,
        qber_x=(1.0 - chi3[0]) / 2.0,
        key_protocol=key_protocol,
        secret_key_rate_bits_per_step=(bb84 if key_protocol == "bb84" else six) / mean_t,
        secret_key_rate_bb84_bits_per_step=bb84 / mean_t,
        secret_key_rate_six_state_bits_per_step=six / mean_t,
        bb84_key_fraction=bb84,
        six_state_key_fraction=six,
        delivery_rate_per_step=1.0 / mean_t,
        waiting_time_pmf=pmf,
        werner_by_time=werner_t,
    )
