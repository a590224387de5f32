"""The optimisers of the key-rate modules (one module for every protocol family).

- :func:`maximise_on_grid` (BB84, MDI) and :func:`maximise_log_grid` (CAL19): many unimodal
  objectives at once, a grid pass then a vectorised golden section (in x, or in log x);
- :func:`maximise_warm_scalar` (CAL19 finite key): scalar golden section, warm-started;
- :func:`maximise_1d` / :func:`maximise_2d` (SNS, PM, original TF, adaptive MDI): a grid pass
  then bounded Brent / Nelder–Mead per point (scipy);
- :func:`nelder_mead_scaled` (decoy and finite-key optimisers): relative-tolerance Nelder–Mead;
- :func:`optimise_decoy_intensities` (PM and MDI finite decoys): that Nelder–Mead on the log
  intensities of a signal and a decoy set, point by point, warm-started;
- :func:`bisect_loss_db`: bisection of a loss at which a predicate turns true (PLOB crossings
  and maximum losses of the closed-form models).

Each keeps the exact arithmetic it had in its former module, so the rates do not change.


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
from typing import Protocol, TypeVar

import numpy as np
import numpy.typing as npt
from scipy.optimize import minimize, minimize_scalar

from qinternet.errors import InvalidParameterError, SolverError

__all__ = [
    "bisect_loss_db",
    "maximise_1d",
    "maximise_2d",
    "maximise_log_grid",
    "maximise_on_grid",
    "maximise_warm_scalar",
    "nelder_mead_scaled",
    "optimise_decoy_intensities",
]

FloatArray = npt.NDArray[np.float64]

class _DecoyRate(Protocol):
    @property
    def key_rate_bits_per_pulse(self) -> float: ...


_R = TypeVar("_R", bound=_DecoyRate)

_INV_PHI = (np.sqrt(5.0) - 1.0) / 2.0  # 1/golden ratio
_INV_PHI_FLOAT = (math.sqrt(5.0) - 1.0) / 2.0  # the same as a Python float (CAL19 searches)


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


def optimise_decoy_intensities(
    transmittances: FloatArray,
    rate_at: Callable[[float, float, tuple[float, ...]], _R],
    no_key: Callable[[float, tuple[float, ...]], _R],
    *,
    intensity: float | None,
    decoys: Sequence[float] | None,
    seeds: Sequence[FloatArray],
    bounds: Sequence[tuple[float, float]],
    no_key_at_start: bool = False,
) -> list[_R]:
    """Per transmittance, the finite-decoy rate maximised over the signal and decoy intensities.

    The variables are ``x = (log mu, log nu_1, ...)``: ``log mu`` only when ``intensity`` is
    None (else mu = ``intensity``), the logarithms of the decoys besides the vacuum only when
    ``decoys`` is None (then the set is ``(0, *sorted(exp))``; else ``decoys`` as given).
    ``rate_at(eta, mu, decoys)`` gives the rate; an optimised set with a decoy not below mu or
    two equal decoys, or an :class:`InvalidParameterError`, counts as no rate. Each point
    starts from the best of ``seeds`` and the previous point's optimum (once it had a key),
    then runs the bounded :func:`nelder_mead_scaled` (``xatol`` 1e-3, ``fatol`` 1e-6, 1000
    iterations), kept when no worse. Where no candidate has a rate, ``no_key(mu, decoys)``
    reports the intensities of the end point (of the start point with ``no_key_at_start``).
    """
    def unpack(x: FloatArray) -> tuple[float, tuple[float, ...]]:
        mu = float(intensity) if intensity is not None else math.exp(x[0])
        if decoys is not None:
            return mu, tuple(decoys)
        free = sorted(math.exp(v) for v in x[(0 if intensity is not None else 1):])
        return mu, (0.0, *free)

    def evaluate(e: float, x: FloatArray) -> _R | None:
        mu, dec = unpack(x)
        if decoys is None and (max(dec) >= mu or len(set(dec)) != len(dec)):
            return None  # optimised decoys must stay below the signal
        try:
            return rate_at(e, mu, dec)
        except InvalidParameterError:
            return None

    out: list[_R] = []
    start: FloatArray | None = None
    for e in transmittances:
        def objective(x: FloatArray, e: float = float(e)) -> float:
            r = evaluate(e, x)
            return 1.0 if r is None else -r.key_rate_bits_per_pulse

        x0 = min(seeds if start is None else [start, *seeds], key=objective)
        x = x0
        if x0.size:
            y, _ = nelder_mead_scaled(objective, x0, scale=objective(x0), fatol=1e-6,
                                      xatol=1e-3, maxiter=1000, bounds=bounds)
            if objective(y) <= objective(x0):
                x = y
        best = evaluate(float(e), x)
        if best is None:
            best = no_key(*unpack(x0 if no_key_at_start else x))
        out.append(best)
        if best.key_rate_bits_per_pulse > 0.0:
            start = x
    return out


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
    c = hi - _INV_PHI_FLOAT * (hi - lo)
    d = lo + _INV_PHI_FLOAT * (hi - lo)
    fc = objective(np.exp(c)[:, None])[:, 0]
    fd = objective(np.exp(d)[:, None])[:, 0]
    for _ in range(iterations):
        left = fc >= fd  # the maximum lies in [lo, d], else in [c, hi]
        hi = np.where(left, d, hi)
        lo = np.where(left, lo, c)
        new_c = np.where(left, hi - _INV_PHI_FLOAT * (hi - lo), d)
        new_d = np.where(left, c, lo + _INV_PHI_FLOAT * (hi - lo))
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
    c = b - _INV_PHI_FLOAT * (b - a)
    d = a + _INV_PHI_FLOAT * (b - a)
    fc, fd = objective(c), objective(d)
    for _ in range(iterations):
        if fc >= fd:
            b, d, fd = d, c, fc
            c = b - _INV_PHI_FLOAT * (b - a)
            fc = objective(c)
        else:
            a, c, fc = c, d, fd
            d = a + _INV_PHI_FLOAT * (b - a)
            fd = objective(d)
    return (c, fc) if fc >= fd else (d, fd)


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
