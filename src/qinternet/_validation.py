"""Boundary validation helpers: each raises :class:`InvalidParameterError` naming the value."""

from __future__ import annotations

import math
from collections.abc import Sequence

from qinternet.errors import InvalidParameterError

__all__ = [
    "require_finite",
    "require_in_range",
    "require_int",
    "require_int_bounds",
    "require_nonnegative",
    "require_positive",
    "require_probability",
    "require_probability_vector",
]


def require_finite(name: str, value: float) -> float:
    """Return ``value`` as float if it is a finite real number, else raise.

    >>> require_finite("x", 2)
    2.0
    """
    if isinstance(value, bool):
        raise InvalidParameterError(name, value, "must be a number")
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise InvalidParameterError(name, value, "must be a number") from None
    if not math.isfinite(x):
        raise InvalidParameterError(name, value, "must be finite")
    return x


def require_nonnegative(name: str, value: float) -> float:
    """Return ``value`` if it is finite and >= 0.

    >>> require_nonnegative("length_km", -0.2)
    Traceback (most recent call last):
    ...
    qinternet.errors.InvalidParameterError: length_km must be >= 0, got -0.2
    """
    x = require_finite(name, value)
    if x < 0:
        raise InvalidParameterError(name, value, "must be >= 0")
    return x


def require_positive(name: str, value: float) -> float:
    """Return ``value`` if it is finite and > 0."""
    x = require_finite(name, value)
    if x <= 0:
        raise InvalidParameterError(name, value, "must be > 0")
    return x


def require_in_range(
    name: str,
    value: float,
    low: float,
    high: float,
    *,
    low_inclusive: bool = True,
    high_inclusive: bool = True,
    why: str = "",
) -> float:
    """Return ``value`` if it lies in the interval given by ``low``/``high``.

    ``why`` is appended to the message in parentheses, e.g. ``"capacity is infinite at 1"``.

    >>> require_in_range("transmissivity", 1.0, 0.0, 1.0, high_inclusive=False,
    ...                  why="capacity is infinite at 1")
    Traceback (most recent call last):
    ...
    qinternet.errors.InvalidParameterError: transmissivity must be in [0, 1) (...), got 1.0
    """
    x = require_finite(name, value)
    ok_low = x >= low if low_inclusive else x > low
    ok_high = x <= high if high_inclusive else x < high
    if not (ok_low and ok_high):
        interval = (
            ("[" if low_inclusive else "(")
            + f"{_fmt(low)}, {_fmt(high)}"
            + ("]" if high_inclusive else ")")
        )
        rule = f"must be in {interval}" + (f" ({why})" if why else "")
        raise InvalidParameterError(name, value, rule)
    return x


def require_probability(name: str, value: float) -> float:
    """Return ``value`` if it is a probability in [0, 1].

    >>> require_probability("p", 1.5)
    Traceback (most recent call last):
    ...
    qinternet.errors.InvalidParameterError: p must be in [0, 1], got 1.5
    """
    return require_in_range(name, value, 0.0, 1.0)


def require_int(name: str, value: object, minimum: int | None = None) -> int:
    """Return ``value`` if it is an integer (not bool; integral floats accepted) >= ``minimum``.

    >>> require_int("dimension", 3.0, minimum=2)
    3
    """
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidParameterError(name, value, "must be an integer")
    return require_int_bounds(name, value, value, minimum=minimum)


def require_int_bounds(name: str, value: object, number: int, *, minimum: int | None = None,
                       maximum: int | None = None) -> int:
    """Return the integer ``number`` if it lies in ``[minimum, maximum]`` (None: unbounded).

    ``value`` is what the user gave (echoed in the error), ``number`` its integer reading.

    >>> require_int_bounds("--levels", "21", 21, maximum=20)
    Traceback (most recent call last):
    ...
    qinternet.errors.InvalidParameterError: --levels must be an integer <= 20, got '21'
    """
    if minimum is not None and number < minimum:
        raise InvalidParameterError(name, value, f"must be an integer >= {minimum}")
    if maximum is not None and number > maximum:
        raise InvalidParameterError(name, value, f"must be an integer <= {maximum}")
    return number


def require_probability_vector(
    name: str, values: Sequence[float], *, length: int | None = None, atol: float = 1e-9
) -> tuple[float, ...]:
    """Return ``values`` as a tuple if they are probabilities summing to 1 within ``atol``.

    >>> require_probability_vector("probabilities", [0.5, 0.5, 0.1], length=3)
    Traceback (most recent call last):
    ...
    qinternet.errors.InvalidParameterError: probabilities must sum to 1 (within 1e-09), got (...)
    """
    vals = tuple(require_finite(name, v) for v in values)
    if length is not None and len(vals) != length:
        raise InvalidParameterError(name, vals, f"must have exactly {length} entries")
    if any(v < 0 for v in vals):
        raise InvalidParameterError(name, vals, "must be non-negative")
    if abs(sum(vals) - 1.0) > atol:
        raise InvalidParameterError(name, vals, f"must sum to 1 (within {atol:g})")
    return vals


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else repr(x)
