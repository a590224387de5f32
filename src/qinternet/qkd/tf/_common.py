"""Shared plumbing of the twin-field-type key-rate modules (SNS, PM, original TF, adaptive MDI).

Private: transmissivity validation, option resolution with CLI option names, PLOB with the
eta = 1 edge, and the optimisers (log-grid then bounded Brent; 2-D grid then Nelder–Mead),
and a bisection for PLOB crossings and maximum losses.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.optimize import minimize, minimize_scalar

from qinternet._validation import require_in_range
from qinternet.channels.capacities import plob_bound
from qinternet.errors import InvalidParameterError, SolverError
from qinternet.qkd._inputs import reject_decoy_count_and_basis
from qinternet.qkd.options import KeyRateOptions

__all__ = [
    "RelayDeviceParams",
    "as_transmissivity_array",
    "as_transmittance",
    "bisect_loss_db",
    "maximise_1d",
    "maximise_2d",
    "plob_or_inf",
    "reject_unsupported",
    "resolve_relay_devices",
]

FloatArray = npt.NDArray[np.float64]


def as_transmissivity_array(
    channel_transmissivity: npt.ArrayLike, name: str = "channel_transmissivity"
) -> FloatArray:
    """Validate a 1-d array of channel transmissivities in [0, 1]."""
    eta = np.atleast_1d(np.asarray(channel_transmissivity, dtype=np.float64))
    if eta.ndim != 1:
        raise InvalidParameterError(name, channel_transmissivity, "must be a 1-d array")
    bad = ~(np.isfinite(eta) & (eta >= 0.0) & (eta <= 1.0))
    if np.any(bad):
        raise InvalidParameterError(name, float(eta[bad][0]), "must be in [0, 1]")
    return eta


def as_transmittance(eta: npt.ArrayLike, name: str = "eta") -> FloatArray:
    """Validate transmittances in [0, 1] of any shape (scalars give 0-d arrays)."""
    arr = np.asarray(eta, dtype=np.float64)
    as_transmissivity_array(arr.ravel(), name)
    return arr


def plob_or_inf(channel_transmissivity: FloatArray) -> FloatArray:
    """PLOB bound ``-log2(1 - eta)`` with ``inf`` at eta = 1 (zero-length channel)."""
    eta = np.asarray(channel_transmissivity, dtype=np.float64)
    out = np.full(eta.shape, np.inf)
    finite = eta < 1.0
    out[finite] = plob_bound(eta[finite])
    return out


@dataclass(frozen=True, slots=True, kw_only=True)
class RelayDeviceParams:
    """Resolved device parameters of a symmetric relay protocol (CLI defaults filled in)."""

    #: Detector efficiency folded into the channel (dimensionless).
    detector_efficiency: float
    #: Dark-count probability per detector per pulse.
    dark_count: float
    #: Misalignment error probability e_d.
    misalignment: float
    #: Error-correction inefficiency f >= 1.
    ec_efficiency: float


def reject_unsupported(options: KeyRateOptions, protocol: str, *, phase_mismatch: bool) -> None:
    """Raise for options a protocol does not support (CLI option names)."""
    reject_decoy_count_and_basis(options, protocol)
    if options.decoys is not None:
        raise InvalidParameterError(
            "--decoys",
            ",".join(f"{v:g}" for v in options.decoys),
            f"must be 'infinite' for {protocol} (finite decoy sets are not supported)",
        )
    if options.pulses is not None:
        raise InvalidParameterError(
            "--pulses", options.pulses, f"is not supported by {protocol} (asymptotic only)"
        )
    if phase_mismatch and options.phase_mismatch not in (None, 0.0):
        raise InvalidParameterError(
            "--phase-mismatch", options.phase_mismatch, f"is not supported by {protocol}"
        )


def resolve_relay_devices(
    options: KeyRateOptions,
    *,
    detector_efficiency: float,
    dark_count: float,
    misalignment: float,
    ec_efficiency: float,
) -> RelayDeviceParams:
    """Fill in defaults and validate device options, naming the CLI option on error."""

    def pick(value: float | None, default: float) -> float:
        return default if value is None else value

    eta_d = require_in_range(
        "--detector-efficiency",
        pick(options.detector_efficiency, detector_efficiency),
        0.0,
        1.0,
        low_inclusive=False,
    )
    pd = require_in_range("--dark-count", pick(options.dark_count, dark_count), 0.0, 1.0,
                          high_inclusive=False)
    e_d = require_in_range("--misalignment", pick(options.misalignment, misalignment), 0.0, 0.5)
    f = require_in_range(
        "--ec-efficiency", pick(options.ec_efficiency, ec_efficiency), 1.0, math.inf,
        high_inclusive=False,
    )
    return RelayDeviceParams(
        detector_efficiency=eta_d, dark_count=pd, misalignment=e_d, ec_efficiency=f
    )


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
