"""Special functions evaluated without cancellation at high loss (private helpers)."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from scipy.special import i0e

__all__ = ["SERIES_LIMIT", "i0_minus_one"]

FloatArray = npt.NDArray[np.float64]

#: Below this argument ``I0(x) - 1`` is summed from its power series (10 terms: exact to
#: double precision, since (x^2/4)^11 / (11!)^2 < 1e-28 there).
SERIES_LIMIT = 0.5


def i0_minus_one(x: npt.ArrayLike) -> FloatArray:
    """``I0(x) - 1`` for ``0 <= x < SERIES_LIMIT`` without cancellation (power series).

    Parameters
    ----------
    x : array_like
        Argument, dimensionless; entries ``>= SERIES_LIMIT`` are evaluated as
        ``i0e(x) e^x - 1`` (there is no cancellation there; may overflow for x > 700, so callers
        use their own closed form for large x).

    Returns
    -------
    ndarray
        ``I0(x) - 1 = sum_{k >= 1} (x^2/4)^k / (k!)^2``.

    References
    ----------
    .. [1] M. Abramowitz, I. Stegun, Handbook of Mathematical Functions, Eq. 9.6.12 (series of
       I0) [V: standard].

    Examples
    --------
    >>> float(i0_minus_one(1e-6))        # x^2/4 to double precision
    2.5e-13
    """
    arr = np.asarray(x, dtype=np.float64)
    q = 0.25 * arr * arr
    series = np.zeros_like(q)
    term = np.ones_like(q)
    for k in range(1, 11):
        term = term * q / (k * k)
        series = series + term
    with np.errstate(over="ignore"):
        direct = i0e(arr) * np.exp(np.minimum(arr, 700.0)) - 1.0
    return np.asarray(np.where(arr < SERIES_LIMIT, series, direct), dtype=np.float64)
