"""Vectorised bounded maximisation of key rates over one free parameter.

Key rates are unimodal and flat near their optimum in the intensity, but a
bounded search on a wide bracket alone can wander onto the zero-rate plateau near the maximum
distance. :func:`maximise_on_grid` therefore evaluates a log-spaced grid first (for every
transmissivity at once), brackets the best grid point by its neighbours and then runs a
golden-section search in all brackets simultaneously: one numpy call per iteration for the whole
distance array, instead of one scalar optimiser per point.

Used by ``bb84_decoy`` and ``mdi``; other protocol modules may import it (no dependency on them).
:func:`nelder_mead_scaled` is the one multi-dimensional polish (bounded or not) of the decoy and
finite-key optimisers: Nelder-Mead on the objective divided by its size at the start, so that
the stopping tolerance is relative for rates of 1e-3 to 1e-8 bits per pulse.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np
import numpy.typing as npt
from scipy.optimize import minimize

__all__ = ["maximise_on_grid", "nelder_mead_scaled"]

FloatArray = npt.NDArray[np.float64]

_INV_PHI = (np.sqrt(5.0) - 1.0) / 2.0  # 1/golden ratio


def maximise_on_grid(
    objective: Callable[[FloatArray], FloatArray],
    n_problems: int,
    low: float,
    high: float,
    *,
    grid_points: int = 48,
    iterations: int = 60,
    log_grid: bool = True,
) -> tuple[FloatArray, FloatArray]:
    """Maximise ``n_problems`` unimodal functions of one variable on ``[low, high]`` at once.

    Parameters
    ----------
    objective : callable
        ``objective(x)`` with ``x`` of shape ``(n_problems, k)`` returns the objective values of
        shape ``(n_problems, k)``; row ``i`` is problem ``i`` (for example one transmissivity).
    n_problems : int
        Number of independent problems (rows).
    low, high : float
        Search interval, ``0 < low < high`` when ``log_grid``.
    grid_points : int
        Number of grid points of the first (global) pass.
    iterations : int
        Golden-section iterations; the bracket shrinks by 0.618 per iteration (60 iterations:
        about 3e-13 of its initial width).
    log_grid : bool
        Log-spaced (default) or linearly spaced grid.

    Returns
    -------
    x_opt, f_opt : ndarray
        Maximiser and maximum of each problem, shape ``(n_problems,)``. Where the objective is
        constant (e.g. the zero-rate plateau) the best grid point is returned.

    Notes
    -----
    The grid pass makes the result robust to flat plateaus; the refinement is exact for unimodal
    functions within the bracket formed by the neighbours of the best grid point.

    Examples
    --------
    >>> import numpy as np
    >>> x, f = maximise_on_grid(lambda x: -(x - np.array([[0.3], [0.5]])) ** 2, 2, 0.01, 1.0)
    >>> np.round(x, 8).tolist(), np.round(f, 12).tolist()
    ([0.3, 0.5], [0.0, 0.0])
    """
    grid = (
        np.geomspace(low, high, grid_points) if log_grid else np.linspace(low, high, grid_points)
    )
    values = objective(np.broadcast_to(grid, (n_problems, grid_points)))
    best = np.argmax(values, axis=1)
    best_x = grid[best]
    best_f = values[np.arange(n_problems), best]
    a = grid[np.maximum(best - 1, 0)][:, None]
    b = grid[np.minimum(best + 1, grid_points - 1)][:, None]
    c = b - _INV_PHI * (b - a)
    d = a + _INV_PHI * (b - a)
    fc = objective(c)
    fd = objective(d)
    for _ in range(iterations):
        left = fc >= fd  # the maximum lies in [a, d]: drop (d, b]; else drop [a, c)
        b = np.where(left, d, b)
        a = np.where(left, a, c)
        # One new interior point per row: c' on the left, d' on the right (golden-section reuse).
        x_new = np.where(left, b - _INV_PHI * (b - a), a + _INV_PHI * (b - a))
        f_new = objective(x_new)
        c, d, fc, fd = (
            np.where(left, x_new, d),
            np.where(left, c, x_new),
            np.where(left, f_new, fd),
            np.where(left, fc, f_new),
        )
    x_ref = ((a + b) / 2.0)[:, 0]
    f_ref = objective(x_ref[:, None])[:, 0]
    better = f_ref > best_f
    return np.where(better, x_ref, best_x), np.where(better, f_ref, best_f)


def nelder_mead_scaled(
    objective: Callable[[FloatArray], float],
    x0: FloatArray,
    *,
    scale: float,
    fatol: float,
    xatol: float,
    maxiter: int,
    bounds: Sequence[tuple[float, float]] | None = None,
) -> tuple[FloatArray, float]:
    """Minimise ``objective`` by (bounded) Nelder-Mead on ``objective / |scale|`` from ``x0``.

    ``scale`` is the objective's size at the start (a non-finite or zero scale counts as 1), so
    ``fatol`` is a tolerance relative to it. Returns the minimiser and the *unscaled* minimum.

    >>> x, f = nelder_mead_scaled(lambda x: float((x[0] - 2.0) ** 2 + 1.0), np.array([0.0]),
    ...                           scale=5.0, fatol=1e-12, xatol=1e-8, maxiter=500)
    >>> round(float(x[0]), 6), round(f, 9)
    (2.0, 1.0)
    """
    size = abs(scale)
    if not (math.isfinite(size) and size > 0.0):
        size = 1.0
    res = minimize(lambda x: objective(x) / size, x0, method="Nelder-Mead", bounds=bounds,
                   options={"xatol": xatol, "fatol": fatol, "maxiter": maxiter})
    return np.asarray(res.x, dtype=np.float64), float(res.fun) * size
