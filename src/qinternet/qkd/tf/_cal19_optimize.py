"""Vectorised and warm-started maximisation of CAL19 key rates over one parameter.

:func:`maximise_log_grid` maximises many independent unimodal objectives at once (one per
transmittance): a log-spaced grid first, then a golden-section search inside the bracket of the
best grid point, each iteration one numpy call for the whole array (a
bounded search on a wide bracket alone can fall onto the zero-rate plateau near the maximum
loss). :func:`maximise_warm_scalar` is the scalar variant for expensive objectives (finite key,
one LP set per evaluation), started from the previous grid point's optimum.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import numpy.typing as npt

__all__ = ["maximise_log_grid", "maximise_warm_scalar"]

FloatArray = npt.NDArray[np.float64]

_INV_PHI = (math.sqrt(5.0) - 1.0) / 2.0


def maximise_log_grid(
    objective: Callable[[FloatArray], FloatArray],
    n_problems: int,
    low: float,
    high: float,
    *,
    grid_points: int = 48,
    iterations: int = 48,
) -> tuple[FloatArray, FloatArray]:
    """Maximise ``n_problems`` unimodal objectives over ``x`` in [low, high] simultaneously.

    Parameters
    ----------
    objective : callable
        Maps an ``(n_problems, k)`` array of x values to ``(n_problems, k)`` objective values.
    n_problems : int
        Number of independent problems.
    low, high : float
        Bounds (> 0; the search runs in log x).
    grid_points : int, optional
        Size of the initial log grid.
    iterations : int, optional
        Golden-section iterations (bracket shrinks by 0.618 each).

    Returns
    -------
    (ndarray, ndarray)
        Maximiser and maximum per problem, shapes ``(n_problems,)``.

    Raises
    ------
    None

    References
    ----------
    .. [1] the toolkit's optimiser (log grid, then bounded one-dimensional search).

    Examples
    --------
    >>> x, f = maximise_log_grid(lambda x: -(np.log(x) - np.log([[0.04], [0.1]])) ** 2, 2,
    ...                          0.005, 0.3)
    >>> np.round(x, 6).tolist()
    [0.04, 0.1]
    """
    grid = np.geomspace(low, high, grid_points)
    values = objective(np.broadcast_to(grid, (n_problems, grid_points)).copy())
    best = np.argmax(values, axis=1)
    log_grid = np.log(grid)
    lo = log_grid[np.maximum(best - 1, 0)]
    hi = log_grid[np.minimum(best + 1, grid_points - 1)]
    c = hi - _INV_PHI * (hi - lo)
    d = lo + _INV_PHI * (hi - lo)
    fc = objective(np.exp(c)[:, None])[:, 0]
    fd = objective(np.exp(d)[:, None])[:, 0]
    for _ in range(iterations):
        left = fc >= fd  # the maximum lies in [lo, d], else in [c, hi]
        hi = np.where(left, d, hi)
        lo = np.where(left, lo, c)
        new_c = np.where(left, hi - _INV_PHI * (hi - lo), d)
        new_d = np.where(left, c, lo + _INV_PHI * (hi - lo))
        f_new = objective(np.exp(np.where(left, new_c, new_d))[:, None])[:, 0]
        fc, fd = np.where(left, f_new, fd), np.where(left, fc, f_new)
        c, d = new_c, new_d
    x_best = np.where(fc >= fd, c, d)
    f_best = np.maximum(fc, fd)
    grid_best = values[np.arange(n_problems), best]
    use_grid = grid_best > f_best
    return (np.where(use_grid, grid[best], np.exp(x_best)),
            np.where(use_grid, grid_best, f_best))


def maximise_warm_scalar(
    objective: Callable[[float], float],
    low: float,
    high: float,
    *,
    start: float | None = None,
    half_width: float = 0.25,
    grid_points: int = 10,
    iterations: int = 18,
) -> tuple[float, float]:
    """Maximise a unimodal scalar objective over [low, high], warm-started near ``start``.

    Parameters
    ----------
    objective : callable
        Scalar objective (expensive: one LP set per call).
    low, high : float
        Bounds of the (already transformed) variable.
    start : float, optional
        Optimum at the previous grid point; the search then starts in
        ``[start - half_width, start + half_width]`` and falls back to the full grid if the
        optimum sits on that bracket's edge.
    half_width : float, optional
        Half width of the warm bracket.
    grid_points : int, optional
        Size of the cold-start grid.
    iterations : int, optional
        Golden-section iterations.

    Returns
    -------
    (float, float)
        Maximiser and maximum.

    Raises
    ------
    None

    References
    ----------
    .. [1] the toolkit's optimiser; warm starts along the distance grid (issue 4, item 3).

    Examples
    --------
    >>> x, f = maximise_warm_scalar(lambda x: -(x - 0.3) ** 2, -1.0, 1.0, start=0.2)
    >>> round(x, 4)
    0.3
    """
    if start is not None:
        a = max(low, start - half_width)
        b = min(high, start + half_width)
        x, f = _golden(objective, a, b, iterations)
        on_edge = (x - a < 0.02 * (b - a) and a > low) or (b - x < 0.02 * (b - a) and b < high)
        if not on_edge:
            return x, f
    grid = np.linspace(low, high, grid_points)
    values = [objective(float(g)) for g in grid]
    i = int(np.argmax(values))
    a = float(grid[max(i - 1, 0)])
    b = float(grid[min(i + 1, grid_points - 1)])
    x, f = _golden(objective, a, b, iterations)
    if values[i] > f:
        return float(grid[i]), float(values[i])
    return x, f


def _golden(objective: Callable[[float], float], a: float, b: float,
            iterations: int) -> tuple[float, float]:
    c = b - _INV_PHI * (b - a)
    d = a + _INV_PHI * (b - a)
    fc, fd = objective(c), objective(d)
    for _ in range(iterations):
        if fc >= fd:
            b, d, fd = d, c, fc
            c = b - _INV_PHI * (b - a)
            fc = objective(c)
        else:
            a, c, fc = c, d, fd
            d = a + _INV_PHI * (b - a)
            fd = objective(d)
    return (c, fc) if fc >= fd else (d, fd)
