"""Optimisers of the twin-field-type key-rate modules (SNS, PM, original TF, adaptive MDI).

Private: log-grid then bounded Brent (1-d), 2-d grid then Nelder–Mead, and a bisection for PLOB
crossings and maximum losses. Input validation and option resolution are in
:mod:`qinternet.qkd._inputs`, shared with every protocol family.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import numpy.typing as npt
from scipy.optimize import minimize, minimize_scalar

from qinternet.errors import InvalidParameterError, SolverError

__all__ = ["bisect_loss_db", "maximise_1d", "maximise_2d"]

FloatArray = npt.NDArray[np.float64]


def maximise_1d(
    rate: Callable[[FloatArray, FloatArray], FloatArray],
    eta: FloatArray,
    low: float,
    high: float,
    *,
    n_grid: int = 40,
    xatol: float = 1e-7,
) -> tuple[FloatArray, FloatArray]:
    """Maximise ``rate(eta, x)`` over ``x`` in ``[low, high]`` for each ``eta``.

    A log-spaced grid is evaluated for all ``eta`` at once (vectorised); each point is then
    refined by a bounded Brent search in ``log x`` on the bracket between the neighbours of its
    best grid point. Returns ``(x_opt, rate_opt)``; the rate is the unclamped
    objective (it may be negative beyond the maximum distance). Raises ``SolverError`` if Brent
    does not converge.
    """
    grid = np.geomspace(low, high, n_grid)
    values = rate(eta[:, None], grid[None, :])
    best = np.argmax(values, axis=1)
    x_opt = grid[best].astype(np.float64)
    r_opt = values[np.arange(eta.size), best].astype(np.float64)
    log_grid = np.log(grid)
    for i, e in enumerate(eta):
        j = int(best[i])
        lo = log_grid[max(j - 1, 0)]
        hi = log_grid[min(j + 1, n_grid - 1)]
        scale = abs(float(r_opt[i])) or 1.0
        e_arr = np.asarray([e])

        def objective(u: float, e_arr: FloatArray = e_arr, scale: float = scale) -> float:
            return -float(rate(e_arr, np.asarray([math.exp(u)]))[0]) / scale

        res = minimize_scalar(
            objective, bounds=(lo, hi), method="bounded", options={"xatol": xatol}
        )
        if not res.success:
            raise SolverError(str(res.status), f"bounded Brent search failed: {res.message}")
        value = -float(res.fun) * scale
        if value > r_opt[i]:
            x_opt[i] = math.exp(float(res.x))
            r_opt[i] = value
    return x_opt, r_opt


def maximise_2d(
    rate: Callable[[FloatArray, FloatArray, FloatArray], FloatArray],
    eta: FloatArray,
    bounds_x: tuple[float, float],
    bounds_y: tuple[float, float],
    *,
    n_grid: tuple[int, int] = (24, 24),
    xatol: float = 1e-4,
    fatol: float = 1e-8,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Maximise ``rate(eta, x, y)`` over a box for each ``eta``.

    A coarse log-grid (vectorised over all ``eta``) gives a start; the previous point's optimum
    is used instead when it is better (warm start along the array). Nelder–Mead in
    ``(log x, log y)`` with the box as bounds refines it (``xatol`` in log units, ``fatol``
    relative to the start value: the rate is then accurate to about 1e-8 relative). Returns
    ``(x_opt, y_opt, rate_opt)`` (unclamped objective). Raises ``SolverError`` if Nelder–Mead
    does not converge.
    """
    gx = np.geomspace(*bounds_x, n_grid[0])
    gy = np.geomspace(*bounds_y, n_grid[1])
    values = rate(eta[:, None, None], gx[None, :, None], gy[None, None, :])
    flat = values.reshape(eta.size, -1)
    best = np.argmax(flat, axis=1)
    ix, iy = np.unravel_index(best, (n_grid[0], n_grid[1]))
    x_opt = gx[ix].astype(np.float64)
    y_opt = gy[iy].astype(np.float64)
    r_opt = flat[np.arange(eta.size), best].astype(np.float64)
    log_bounds = [(math.log(bounds_x[0]), math.log(bounds_x[1])),
                  (math.log(bounds_y[0]), math.log(bounds_y[1]))]
    prev: tuple[float, float] | None = None
    for i, e in enumerate(eta):
        e_arr = np.asarray([e])
        start = (float(x_opt[i]), float(y_opt[i]))
        if prev is not None:
            r_prev = float(rate(e_arr, np.asarray([prev[0]]), np.asarray([prev[1]]))[0])
            if r_prev > r_opt[i]:
                start, r_opt[i] = prev, r_prev
        scale = abs(float(r_opt[i])) or 1.0

        def objective(u: FloatArray, e_arr: FloatArray = e_arr, scale: float = scale) -> float:
            return -float(
                rate(e_arr, np.asarray([math.exp(u[0])]), np.asarray([math.exp(u[1])]))[0]
            ) / scale

        res = minimize(
            objective,
            np.log(np.asarray(start)),
            method="Nelder-Mead",
            bounds=log_bounds,
            options={"xatol": xatol, "fatol": fatol, "maxiter": 4000, "maxfev": 8000},
        )
        if not res.success:
            raise SolverError(str(res.status), f"Nelder-Mead failed: {res.message}")
        value = -float(res.fun) * scale
        if value > r_opt[i]:
            x_opt[i], y_opt[i] = math.exp(float(res.x[0])), math.exp(float(res.x[1]))
            r_opt[i] = value
        else:
            x_opt[i], y_opt[i] = start
        prev = (float(x_opt[i]), float(y_opt[i]))
    return x_opt, y_opt, r_opt


def bisect_loss_db(
    predicate: Callable[[float], bool], low_db: float, high_db: float, *, tol_db: float = 1e-3
) -> float:
    """Smallest loss in dB (to ``tol_db``) at which ``predicate`` turns true, by bisection.

    ``predicate(low_db)`` must be false and ``predicate(high_db)`` true; raises
    ``InvalidParameterError`` otherwise (no crossing in the interval).
    """
    if predicate(low_db) or not predicate(high_db):
        raise InvalidParameterError(
            "loss_db interval", (low_db, high_db), "must bracket exactly one change"
        )
    lo, hi = low_db, high_db
    while hi - lo > tol_db:
        mid = 0.5 * (lo + hi)
        if predicate(mid):
            hi = mid
        else:
            lo = mid
    return 0.5 * (lo + hi)
