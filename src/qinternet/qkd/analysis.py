"""Where a protocol beats the repeaterless bound and how far it reaches.

Both questions are answered the same way: evaluate the optimised key rate on a grid of channel
losses in **one** vectorised ``evaluate`` call, bracket the event between two neighbouring grid
points, then refine inside the bracket (Brent's method on ``log R - log PLOB`` for the crossing;
bisection on ``R > 0`` for the cut-off, whose rate has no sign change to follow).

Tolerance: the returned loss (distance) lies within ``tolerance_db`` (``tolerance_km``) of the
event *inside the bracketing grid interval*. An event narrower than the grid step (for example a
curve that touches PLOB twice between two grid points) can be missed; refine the grid then.
PLOB is that of the Alice–Bob **channel**, detector not included (``plob_bits_per_pulse`` of the
results), the demanding comparison.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np
import numpy.typing as npt
from scipy.optimize import brentq

from qinternet._validation import require_positive
from qinternet.errors import InvalidParameterError
from qinternet.qkd._inputs import plob_with_unit_eta
from qinternet.qkd.options import Evaluator, KeyRateOptions, ProtocolSpec
from qinternet.qkd.results import KeyRateResult
from qinternet.units import loss_db_to_transmissivity

__all__ = [
    "DEFAULT_LOSS_DB_GRID",
    "maximum_distance",
    "maximum_loss_db",
    "plob_crossing_distance",
    "plob_crossing_loss_db",
    "refine_crossing_and_cutoff",
]

FloatArray = npt.NDArray[np.float64]

#: Default search grid of channel losses (dB): 0 to 150 dB in 0.5 dB steps.
DEFAULT_LOSS_DB_GRID: FloatArray = np.linspace(0.0, 150.0, 301)


def _evaluator(protocol: ProtocolSpec | Evaluator) -> Evaluator:
    return protocol.evaluate if isinstance(protocol, ProtocolSpec) else protocol


def _grid(values: npt.ArrayLike | None, name: str) -> FloatArray:
    grid = DEFAULT_LOSS_DB_GRID if values is None else np.asarray(values, dtype=np.float64)
    if grid.ndim != 1 or grid.size < 2:
        raise InvalidParameterError(name, grid.shape, "must be a 1-d grid of at least 2 points")
    if not np.all(np.isfinite(grid)) or np.any(grid < 0) or np.any(np.diff(grid) <= 0):
        raise InvalidParameterError(name, "grid", "must be finite, >= 0 and strictly increasing")
    return grid


def _rates_at(evaluate: Evaluator, options: KeyRateOptions, loss_db: FloatArray) -> FloatArray:
    results = evaluate(loss_db_to_transmissivity(loss_db), options)
    return np.array([r.key_rate_bits_per_pulse for r in results], dtype=np.float64)


def _plob(loss_db: FloatArray) -> FloatArray:
    with np.errstate(divide="ignore"):
        return plob_with_unit_eta(loss_db_to_transmissivity(loss_db))


def refine_crossing_and_cutoff(
    protocol: ProtocolSpec | Evaluator,
    options: KeyRateOptions,
    loss_db: Sequence[float] | FloatArray,
    results: Sequence[KeyRateResult],
    *,
    tolerance_db: float = 1e-3,
) -> tuple[float | None, float | None]:
    """PLOB crossing and cut-off loss (dB) from results already evaluated on a loss grid.

    Parameters
    ----------
    protocol : ProtocolSpec or evaluator
        Used to evaluate extra points inside the bracketing grid interval.
    options : KeyRateOptions
        The options the ``results`` were computed with.
    loss_db : sequence of float
        Strictly increasing channel losses in dB (detector not included).
    results : sequence of KeyRateResult
        ``evaluate(10**(-loss_db/10), options)``.
    tolerance_db : float
        Width of the final bracket in dB (> 0).

    Returns
    -------
    crossing_db, cutoff_db : float or None
        Smallest loss where the rate reaches PLOB of the channel (the first grid loss if the
        rate is already above PLOB there; None if it never does on the grid) and the largest
        loss with a positive key rate (None if the rate is 0 on the whole grid or still
        positive at its last point).

    Raises
    ------
    InvalidParameterError
        On an invalid grid or tolerance.

    References
    ----------
    .. [1] Repeaterless bound: S. Pirandola, R. Laurenza, C. Ottaviani, L. Banchi, Nat. Commun.
       8, 15043 (2017), arXiv:1510.08863 [V]; the toolkit's procedure [D].
    """
    tol = require_positive("tolerance_db", tolerance_db)
    grid = _grid(loss_db, "loss_db")
    if len(results) != grid.size:
        raise InvalidParameterError("results", len(results), f"must have {grid.size} entries")
    evaluate = _evaluator(protocol)
    rates = np.array([r.key_rate_bits_per_pulse for r in results], dtype=np.float64)
    plob = np.array([r.plob_bits_per_pulse for r in results], dtype=np.float64)
    return (
        _crossing(evaluate, options, grid, rates, plob, tol),
        _cutoff(evaluate, options, grid, rates, tol),
    )


def _rate_one(evaluate: Evaluator, options: KeyRateOptions, loss: float) -> float:
    return float(_rates_at(evaluate, options, np.array([loss]))[0])


def _crossing(
    evaluate: Evaluator,
    options: KeyRateOptions,
    grid: FloatArray,
    rates: FloatArray,
    plob: FloatArray,
    tol: float,
) -> float | None:
    above = rates >= plob
    if not np.any(above):
        return None
    i = int(np.argmax(above))
    if i == 0:
        return float(grid[0])
    lo, hi = float(grid[i - 1]), float(grid[i])
    if rates[i - 1] > 0:
        # log R - log PLOB changes sign on [lo, hi] and is smooth where R > 0: Brent.
        def gap(loss: float) -> float:
            r = _rate_one(evaluate, options, loss)
            if r <= 0:
                return -np.inf
            return math.log(r) - math.log(float(_plob(np.array([loss]))[0]))

        try:
            return float(brentq(gap, lo, hi, xtol=tol, rtol=4 * np.finfo(float).eps))
        except ValueError:  # pragma: no cover - non-finite gap inside; fall back to bisection
            pass
    while hi - lo > tol:
        mid = 0.5 * (lo + hi)
        if _rate_one(evaluate, options, mid) >= float(_plob(np.array([mid]))[0]):
            hi = mid
        else:
            lo = mid
    return hi


def _cutoff(
    evaluate: Evaluator, options: KeyRateOptions, grid: FloatArray, rates: FloatArray, tol: float
) -> float | None:
    positive = rates > 0
    if not positive.any() or positive[-1]:
        return None
    i = int(np.flatnonzero(positive)[-1])
    lo, hi = float(grid[i]), float(grid[i + 1])
    while hi - lo > tol:
        mid = 0.5 * (lo + hi)
        if _rate_one(evaluate, options, mid) > 0:
            lo = mid
        else:
            hi = mid
    return lo


def _on_loss_grid(
    protocol: ProtocolSpec | Evaluator,
    options: KeyRateOptions | None,
    loss_db_grid: npt.ArrayLike | None,
    tolerance_db: float,
) -> tuple[float | None, float | None]:
    """(PLOB crossing, cut-off) in dB: the protocol on the loss grid, then refined."""
    grid = _grid(loss_db_grid, "loss_db_grid")
    opts = KeyRateOptions() if options is None else options
    evaluate = _evaluator(protocol)
    results = evaluate(loss_db_to_transmissivity(grid), opts)
    return refine_crossing_and_cutoff(evaluate, opts, grid, results, tolerance_db=tolerance_db)


def maximum_loss_db(
    protocol: ProtocolSpec | Evaluator,
    options: KeyRateOptions | None = None,
    *,
    loss_db_grid: npt.ArrayLike | None = None,
    tolerance_db: float = 1e-3,
) -> float | None:
    """Largest channel loss (dB) with a positive key rate.

    Parameters
    ----------
    protocol : ProtocolSpec or evaluator
        The protocol (e.g. ``qinternet.qkd.bb84_decoy.SPEC``).
    options : KeyRateOptions, optional
        Device and protocol options (default: the protocol's reference parameters).
    loss_db_grid : array_like, optional
        Increasing channel losses in dB (detector not included) searched first; default
        :data:`DEFAULT_LOSS_DB_GRID` (0-150 dB, step 0.5 dB).
    tolerance_db : float
        The result is within ``tolerance_db`` below the cut-off inside the bracket.

    Returns
    -------
    float or None
        Cut-off loss in dB; None if there is no key anywhere on the grid or still a key at its
        last point (no cut-off in the searched range).

    Raises
    ------
    InvalidParameterError
        On an invalid grid, tolerance or options.

    References
    ----------
    .. [1] The toolkit's procedure (grid, then bisection on R > 0) [D].

    Examples
    --------
    >>> from qinternet.qkd import bb84_decoy
    >>> round(maximum_loss_db(bb84_decoy.SPEC) / 0.21, 1)   # case D7: 142.17 +- 0.2 km
    142.2
    """
    return _on_loss_grid(protocol, options, loss_db_grid, tolerance_db)[1]


def plob_crossing_loss_db(
    protocol: ProtocolSpec | Evaluator,
    options: KeyRateOptions | None = None,
    *,
    loss_db_grid: npt.ArrayLike | None = None,
    tolerance_db: float = 1e-3,
) -> float | None:
    """Smallest channel loss (dB) at which the key rate reaches the PLOB bound of the channel.

    Parameters
    ----------
    protocol : ProtocolSpec or evaluator
        The protocol.
    options : KeyRateOptions, optional
        Device and protocol options.
    loss_db_grid : array_like, optional
        Increasing channel losses in dB searched first (default 0-150 dB, step 0.5 dB).
    tolerance_db : float
        Bracket width of the refinement (Brent's method on log R - log PLOB).

    Returns
    -------
    float or None
        Crossing loss in dB; None when the rate stays below PLOB on the whole grid (e.g. BB84
        and MDI-QKD, whose rates scale as eta with slope below 1/ln 2).

    Raises
    ------
    InvalidParameterError
        On an invalid grid, tolerance or options.

    References
    ----------
    .. [1] PLOB bound -log2(1 - eta): Pirandola et al., Nat. Commun. 8, 15043 (2017) [V];
       the toolkit's procedure [D].

    Examples
    --------
    >>> from qinternet.qkd import bb84_decoy
    >>> plob_crossing_loss_db(bb84_decoy.SPEC) is None     # BB84 never beats PLOB
    True
    """
    return _on_loss_grid(protocol, options, loss_db_grid, tolerance_db)[0]


def _distance_wrapper(
    func: Callable[..., float | None],
    protocol: ProtocolSpec | Evaluator,
    options: KeyRateOptions | None,
    attenuation_db_per_km: float | None,
    distance_km_grid: npt.ArrayLike | None,
    tolerance_km: float,
) -> float | None:
    if attenuation_db_per_km is None:
        if not isinstance(protocol, ProtocolSpec):
            raise InvalidParameterError(
                "attenuation_db_per_km", None, "must be given when protocol is a bare evaluator"
            )
        attenuation_db_per_km = protocol.default_attenuation_db_per_km
    a = require_positive("attenuation_db_per_km", attenuation_db_per_km)
    tol = require_positive("tolerance_km", tolerance_km)
    loss_grid = None if distance_km_grid is None else a * _grid(distance_km_grid, "distance_km")
    loss = func(protocol, options, loss_db_grid=loss_grid, tolerance_db=a * tol)
    return None if loss is None else loss / a


def maximum_distance(
    protocol: ProtocolSpec | Evaluator,
    options: KeyRateOptions | None = None,
    *,
    attenuation_db_per_km: float | None = None,
    distance_km_grid: npt.ArrayLike | None = None,
    tolerance_km: float = 1e-3,
) -> float | None:
    """Largest fibre length (km) with a positive key rate.

    Parameters
    ----------
    protocol : ProtocolSpec or evaluator
        The protocol.
    options : KeyRateOptions, optional
        Device and protocol options.
    attenuation_db_per_km : float, optional
        Fibre attenuation (dB/km); default: the protocol's (0.2 dB/km for every protocol).
    distance_km_grid : array_like, optional
        Increasing whole Alice–Bob fibre lengths (km) searched first; default: the loss grid
        0-150 dB divided by the attenuation.
    tolerance_km : float
        Bracket width of the final bisection in km.

    Returns
    -------
    float or None
        Maximum distance in km (None: no cut-off in the searched range).

    Raises
    ------
    InvalidParameterError
        On invalid grid, tolerance, attenuation or options.

    References
    ----------
    .. [1] The toolkit's procedure [D]; reference cases D7, D-VW-MAXDIST, M4 [C].

    Examples
    --------
    >>> from qinternet.qkd import mdi
    >>> round(maximum_distance(mdi.SPEC), 1)      # case M4: 231.99 +- 0.3 km
    232.0
    """
    return _distance_wrapper(
        maximum_loss_db, protocol, options, attenuation_db_per_km, distance_km_grid, tolerance_km
    )


def plob_crossing_distance(
    protocol: ProtocolSpec | Evaluator,
    options: KeyRateOptions | None = None,
    *,
    attenuation_db_per_km: float | None = None,
    distance_km_grid: npt.ArrayLike | None = None,
    tolerance_km: float = 1e-3,
) -> float | None:
    """Shortest fibre length (km) at which the key rate reaches PLOB of the channel.

    Parameters
    ----------
    protocol : ProtocolSpec or evaluator
        The protocol.
    options : KeyRateOptions, optional
        Device and protocol options.
    attenuation_db_per_km : float, optional
        Fibre attenuation (dB/km); default: the protocol's.
    distance_km_grid : array_like, optional
        Increasing fibre lengths (km) searched first; default: 0-150 dB over the attenuation.
    tolerance_km : float
        Bracket width of the refinement in km.

    Returns
    -------
    float or None
        Crossing distance in km, or None when the rate never reaches PLOB on the grid.

    Raises
    ------
    InvalidParameterError
        On invalid grid, tolerance, attenuation or options.

    References
    ----------
    .. [1] PLOB: Pirandola et al., Nat. Commun. 8, 15043 (2017) [V]; the toolkit's procedure

    Examples
    --------
    >>> from qinternet.qkd import mdi
    >>> plob_crossing_distance(mdi.SPEC) is None     # MDI-QKD never beats PLOB
    True
    """
    return _distance_wrapper(
        plob_crossing_loss_db, protocol, options, attenuation_db_per_km, distance_km_grid,
        tolerance_km,
    )
