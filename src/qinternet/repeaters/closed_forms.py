"""Closed forms for nested repeater chains, used as test oracles (derivations marked [D]).

Notation: p = p_gen, a = p_swap, q = 1 - p, time in attempts; n nesting levels, N = 2^n segments.
"""

from __future__ import annotations

import math

from qinternet._validation import (
    require_in_range,
    require_int,
    require_positive,
    require_probability,
)

__all__ = [
    "level1_mean_waiting_time",
    "level1_mean_werner",
    "level1_pass_probability",
    "max_geometric_mean",
    "mean_waiting_time_four_segments",
    "mean_waiting_time_two_segments",
    "mean_waiting_time_upper_bound",
    "three_halves_rule",
]


def _p(p_gen: float) -> float:
    return require_in_range("p_gen", p_gen, 0.0, 1.0, low_inclusive=False)


def _a(p_swap: float) -> float:
    return require_in_range("p_swap", p_swap, 0.0, 1.0, low_inclusive=False)


def mean_waiting_time_two_segments(p_gen: float, p_swap: float) -> float:
    """Mean waiting time of 2 segments without cut-off, ``(3 - 2p) / (a p (2 - p))`` steps.

    Parameters
    ----------
    p_gen : float
        Elementary-link success probability per attempt, in (0, 1].
    p_swap : float
        Swap success probability, in (0, 1].

    Returns
    -------
    float
        E[T] in steps (attempts).

    Raises
    ------
    InvalidParameterError
        If a probability is outside (0, 1].

    References
    ----------
    .. [1] derived for this toolkit, K2 [D: Markov chain; the public cut-off tutorial uses the same
       analytical result, BoxiLi/repeater-cut-off-optimization @ c9245ed [V, impl]].

    Examples
    --------
    >>> round(mean_waiting_time_two_segments(0.01, 0.5), 10)     # repeaters.json W3
    299.4974874372
    """
    p, a = _p(p_gen), _a(p_swap)
    return (3.0 - 2.0 * p) / (a * p * (2.0 - p))


def mean_waiting_time_four_segments(p_gen: float, p_swap: float) -> float:
    """Mean waiting time of 4 segments (2 nested levels) without cut-off (case K4).

    Parameters
    ----------
    p_gen : float
        Elementary-link success probability per attempt, in (0, 1].
    p_swap : float
        Swap success probability, in (0, 1].

    Returns
    -------
    float
        E[T] in steps.

    Raises
    ------
    InvalidParameterError
        If a probability is outside (0, 1].

    References
    ----------
    .. [1] derived for this toolkit, K4 (Markov chain with sympy, agrees with the convolution
       algorithm to 1e-12) [D]. E. Shchukin, F. Schmidt, P. van Loock, arXiv:1710.06214 give
       four-segment formulas too (not compared) [R].

    Examples
    --------
    >>> round(mean_waiting_time_four_segments(1.0, 0.5), 12)      # repeaters.json W9: 16/3
    5.333333333333
    """
    p, a = _p(p_gen), _a(p_swap)
    num = (
        4 * a**2 * p**6 - 10 * a**2 * p**5 + 6 * a**2 * p**4 - 20 * a * p**5 + 72 * a * p**4
        - 93 * a * p**3 + 53 * a * p**2 - 10 * a * p - 4 * a + 24 * p**4 - 108 * p**3
        + 186 * p**2 - 153 * p + 54
    )
    den = (
        a**2 * p * (p - 2) * (a * p**2 - a * p - 2 * p + 3) * (a * p**3 - 4 * p**2 + 6 * p - 4)
    )
    return num / den


def max_geometric_mean(segments: int, p_gen: float) -> float:
    """Mean of the maximum of N i.i.d. Geometric(p) times (any nesting with a = 1, no cut-off).

    ``E[max] = sum_{k=1}^{N} (-1)^(k+1) C(N, k) / (1 - q^k)``.

    Parameters
    ----------
    segments : int
        Number of segments N >= 1 (the alternating sum loses accuracy for N above ~30).
    p_gen : float
        Success probability per attempt, in (0, 1].

    Returns
    -------
    float
        E[max] in steps.

    Raises
    ------
    InvalidParameterError
        If ``segments`` is not an integer in [1, 30] or ``p_gen`` outside (0, 1].

    References
    ----------
    .. [1] derived for this toolkit (a = 1, any N) [D].

    Examples
    --------
    >>> round(max_geometric_mean(8, 0.1), 9)       # repeaters.json W10
    26.295784368
    """
    n = require_int("segments", segments, minimum=1)
    if n > 30:
        require_in_range("segments", n, 1, 30, why="alternating sum loses precision")
    q = 1.0 - _p(p_gen)
    return math.fsum((-1) ** (k + 1) * math.comb(n, k) / (1.0 - q**k) for k in range(1, n + 1))


def mean_waiting_time_upper_bound(levels: int, p_gen: float, p_swap: float) -> float:
    """Upper bound ``E[T_n] <= (2/a)^n / p`` of the nested chain without cut-off, in steps.

    Parameters
    ----------
    levels : int
        Nesting levels n >= 0.
    p_gen : float
        Elementary-link success probability, in (0, 1].
    p_swap : float
        Swap success probability, in (0, 1].

    Returns
    -------
    float
        The bound in steps.

    Raises
    ------
    InvalidParameterError
        On invalid parameters.

    References
    ----------
    .. [1] Brand's ``mean_upper_bound``, sebastiaanbrand/waiting-time-quantum-repeater-chains
       @ ec34e00 [V, impl]; reference case W14.

    Examples
    --------
    >>> round(mean_waiting_time_upper_bound(2, 0.1, 0.9), 2)
    49.38
    """
    n = require_int("levels", levels, minimum=0)
    return (2.0 / _a(p_swap)) ** n / _p(p_gen)


def three_halves_rule(levels: int, p_gen: float, p_swap: float) -> float:
    """The "3/2 rule" approximation ``(3/2)^n / (p a^n)`` (NOT exact; a labelled comparator).

    Parameters
    ----------
    levels : int
        Nesting levels n >= 0.
    p_gen : float
        Elementary-link success probability, in (0, 1].
    p_swap : float
        Swap success probability, in (0, 1].

    Returns
    -------
    float
        Approximate E[T] in steps (exact only for n = 1, a = 1, p -> 0).

    Raises
    ------
    InvalidParameterError
        On invalid parameters.

    References
    ----------
    .. [1] N. Sangouard, C. Simon, H. de Riedmatten, N. Gisin, Rev. Mod. Phys. 83, 33 (2011)
       [R]; reference case W16 (+11 % at p = 0.1, a = 0.5, n = 3).

    Examples
    --------
    >>> three_halves_rule(3, 0.1, 0.5)
    270.0...
    """
    n = require_int("levels", levels, minimum=0)
    return 1.5**n / (_p(p_gen) * _a(p_swap) ** n)


def level1_pass_probability(p_gen: float, cutoff_steps: int) -> float:
    """Probability that two i.i.d. Geometric(p) links satisfy ``|tA - tB| <= tau``.

    ``P_pass = [p + 2 q (1 - q^tau)] / (2 - p)``.

    Parameters
    ----------
    p_gen : float
        Elementary-link success probability, in (0, 1].
    cutoff_steps : int
        Cut-off tau >= 0 in steps.

    Returns
    -------
    float
        P_pass.

    Raises
    ------
    InvalidParameterError
        On invalid parameters.

    References
    ----------
    .. [1] derived for this toolkit [D].

    Examples
    --------
    >>> round(level1_pass_probability(0.5, 0), 12)      # P(tA = tB) = p / (2 - p)
    0.333333333333
    """
    p = _p(p_gen)
    tau = require_int("cutoff_steps", cutoff_steps, minimum=0)
    q = 1.0 - p
    return (p + 2.0 * q * (1.0 - q**tau)) / (2.0 - p)


def level1_mean_waiting_time(p_gen: float, p_swap: float, cutoff_steps: int | None) -> float:
    """Mean waiting time of 2 segments with cut-off tau (Wald's identity), in steps.

    ``E[T1] = [1/(p(2-p)) + sum_{k=1}^{tau} k P(|D|=k) + tau (1 - P_pass)] / (a P_pass)`` with
    ``P(|D|=k) = 2 p q^k / (2-p)``; without cut-off it is :func:`mean_waiting_time_two_segments`.

    Parameters
    ----------
    p_gen : float
        Elementary-link success probability, in (0, 1].
    p_swap : float
        Swap success probability, in (0, 1].
    cutoff_steps : int or None
        Cut-off tau >= 0 in steps (None: no cut-off).

    Returns
    -------
    float
        E[T1] in steps.

    Raises
    ------
    InvalidParameterError
        On invalid parameters.

    References
    ----------
    .. [1] derived for this toolkit [D] (case K1).

    Examples
    --------
    >>> round(level1_mean_waiting_time(0.1, 0.5, 5), 9)      # repeaters.json K1
    41.50234495
    """
    p, a = _p(p_gen), _a(p_swap)
    if cutoff_steps is None:
        return mean_waiting_time_two_segments(p, a)
    tau = require_int("cutoff_steps", cutoff_steps, minimum=0)
    q = 1.0 - p
    p_pass = level1_pass_probability(p, tau)
    # sum_{k=1}^{tau} k q^k in closed form
    s = q * (1.0 - (tau + 1) * q**tau + tau * q ** (tau + 1)) / (1.0 - q) ** 2 if q > 0 else 0.0
    mean_d = 2.0 * p * s / (2.0 - p)
    attempt = 1.0 / (p * (2.0 - p)) + mean_d + tau * (1.0 - p_pass)
    return attempt / (a * p_pass)


def level1_mean_werner(
    p_gen: float,
    werner_w0: float,
    coherence_time_steps: float | None,
    cutoff_steps: int | None = None,
) -> float:
    """Mean Werner parameter of 2 segments (any a), ``w0^2 E[x^|D| | |D| <= tau]``.

    ``E[W1] = w0^2 sum_{k=0}^{tau} P(|D|=k) x^k / P_pass``, x = exp(-1/t_coh); without cut-off
    ``w0^2 p (1 + q x) / ((2 - p)(1 - q x))``.

    Parameters
    ----------
    p_gen : float
        Elementary-link success probability, in (0, 1].
    werner_w0 : float
        Werner parameter of fresh links, in [0, 1].
    coherence_time_steps : float or None
        Link coherence time in steps (None: no decoherence).
    cutoff_steps : int or None
        Cut-off tau >= 0 in steps (None: no cut-off).

    Returns
    -------
    float
        Werner parameter of the average delivered state.

    Raises
    ------
    InvalidParameterError
        On invalid parameters.

    References
    ----------
    .. [1] derived for this toolkit [D] (cases F2, K1).

    Examples
    --------
    >>> round(level1_mean_werner(0.1, 1.0, 100.0), 12)       # repeaters.json F2
    0.913482994401
    """
    p = _p(p_gen)
    w0 = require_probability("werner_w0", werner_w0)
    if coherence_time_steps is None or math.isinf(coherence_time_steps):
        x = 1.0
    else:
        x = math.exp(-1.0 / require_positive("coherence_time_steps", coherence_time_steps))
    q = 1.0 - p
    if cutoff_steps is None:
        if q * x >= 1.0:
            return w0**2
        return w0**2 * p * (1.0 + q * x) / ((2.0 - p) * (1.0 - q * x))
    tau = require_int("cutoff_steps", cutoff_steps, minimum=0)
    qx = q * x
    geometric = tau if qx == 1.0 else qx * (1.0 - qx**tau) / (1.0 - qx)  # sum_{k=1}^{tau} (qx)^k
    weighted = (p + 2.0 * p * geometric) / (2.0 - p)
    return w0**2 * weighted / level1_pass_probability(p, tau)
