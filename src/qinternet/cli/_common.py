"""Helpers shared by the CLI commands: JSON output, option parsing, error conventions.

Conventions (see ``cli/main.py``): a command raises :class:`InvalidParameterError` with the
*option* name (``"--length-km"``) for bad input; ``main()`` turns it into exit status 2 and one
line on stderr. Library errors that name a parameter are re-labelled with :func:`as_option`.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from qinternet.errors import InvalidParameterError

__all__ = ["as_option", "emit_json", "json_ready", "parse_float_list", "parse_range"]


def json_ready(obj: Any) -> Any:
    """Recursively convert numpy scalars/arrays and tuples to plain JSON types (NaN/inf -> None)."""
    try:
        import numpy as np
    except ImportError:  # pragma: no cover
        np = None  # type: ignore[assignment]
    if isinstance(obj, dict):
        return {str(k): json_ready(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [json_ready(v) for v in obj]
    if np is not None and isinstance(obj, np.ndarray):
        return [json_ready(v) for v in obj.tolist()]
    if np is not None and isinstance(obj, np.generic):
        obj = obj.item()
    if isinstance(obj, bool) or obj is None or isinstance(obj, str | int):
        return obj
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    return obj


def emit_json(obj: Any) -> None:
    """Print exactly one JSON document on stdout."""
    print(json.dumps(json_ready(obj), allow_nan=False))


def parse_float_list(option: str, text: str, *, length: int | None = None) -> tuple[float, ...]:
    """Parse ``"a,b,c"`` into floats, raising a one-line error naming ``option``.

    >>> parse_float_list("--probabilities", "0.7,0.1,0.1,0.1", length=4)
    (0.7, 0.1, 0.1, 0.1)
    """
    parts = [p.strip() for p in text.split(",")]
    try:
        values = tuple(float(p) for p in parts)
    except ValueError:
        raise InvalidParameterError(
            option, text, "must be a comma-separated list of numbers"
        ) from None
    if any(not math.isfinite(v) for v in values):
        raise InvalidParameterError(option, text, "must contain finite numbers only")
    if length is not None and len(values) != length:
        raise InvalidParameterError(
            option, text, f"must have exactly {length} comma-separated numbers"
        )
    return values


def parse_range(option: str, text: str) -> tuple[float, ...]:
    """Parse ``"START:STOP:STEP"`` (STOP included when on the grid) or a single number.

    >>> parse_range("--distance-km", "0:100:50")
    (0.0, 50.0, 100.0)
    >>> parse_range("--loss-db", "0:0.3:0.1")
    (0.0, 0.1, 0.2, 0.3)
    >>> parse_range("--distance-km", "25")
    (25.0,)
    """
    if ":" not in text:
        return parse_float_list(option, text, length=1)
    parts = text.split(":")
    if len(parts) != 3:
        raise InvalidParameterError(option, text, "must be a number or START:STOP:STEP")
    start, stop, step = parse_float_list(option, ",".join(parts), length=3)
    if step <= 0:
        raise InvalidParameterError(option, text, "must have STEP > 0")
    if stop < start:
        raise InvalidParameterError(option, text, "must have STOP >= START")
    n = math.floor((stop - start) / step + 1e-9)
    if n > 100_000:
        raise InvalidParameterError(option, text, "must have at most 100000 points")
    # Round away float noise (0.30000000000000004 -> 0.3) at 12 significant digits.
    values = [float(f"{start + i * step:.12g}") for i in range(n + 1)]
    if abs(values[-1] - stop) <= 1e-9 * max(1.0, abs(stop)):
        values[-1] = stop
    return tuple(values)


@contextmanager
def as_option(mapping: dict[str, str]) -> Iterator[None]:
    """Re-label library :class:`InvalidParameterError` names as CLI option names.

    >>> with as_option({"length_km": "--length-km"}):
    ...     raise InvalidParameterError("length_km", -1.0, "must be >= 0")
    Traceback (most recent call last):
    ...
    qinternet.errors.InvalidParameterError: --length-km must be >= 0, got -1.0
    """
    try:
        yield
    except InvalidParameterError as err:
        if err.name in mapping:
            raise InvalidParameterError(mapping[err.name], err.value, err.rule) from None
        raise
