"""What a sweepable computation is: typed parameters, typed outputs, a check and an evaluator.

A :class:`Computation` is plain data: the sweep machinery never needs to know which library
function it calls. Adding a computation is one module that builds a :class:`Computation` and one
line in :data:`qinternet.sweeps._registry.COMPUTATIONS`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from qinternet._validation import require_int_bounds
from qinternet.errors import InvalidParameterError

__all__ = [
    "Computation",
    "Kind",
    "Output",
    "Parameter",
    "boolean",
    "choice",
    "computation",
    "integer",
    "name_lists",
    "number",
    "numbers",
    "text",
]

#: Storage kind of a value: Parquet type float64 / int64 / string / bool; ``"json"`` values
#: (lists) are stored as compact JSON text so that every column stays hashable and tidy.
Kind = Literal["float", "int", "str", "bool", "json"]

Coerce = Callable[[str, Any], Any]


@dataclass(frozen=True, slots=True, kw_only=True)
class Parameter:
    """One input of a computation (named like the CLI option, dashes as underscores)."""

    #: Name, e.g. ``"distance_km"``.
    name: str
    #: Storage kind of the value.
    kind: Kind
    #: ``coerce(where, value) -> value``: checks the type and domain of one value and returns
    #: it in canonical form (ints as floats for ``float``); raises ``InvalidParameterError``
    #: naming ``where`` (the spec key, e.g. ``"parameters.distance_km"``).
    coerce: Coerce
    #: One line: meaning and unit.
    help: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Output:
    """One output column of a computation (unit in the name)."""

    #: Column name, e.g. ``"key_rate_bits_per_pulse"``.
    name: str
    #: Storage kind of the value (None is allowed for every kind: a missing value).
    kind: Kind
    #: One line: meaning and unit.
    help: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Computation:
    """A sweepable computation.

    ``check(point)`` validates a whole point (combinations of parameters) cheaply, before
    anything runs, raising ``InvalidParameterError`` named after the *parameter*; the sweep
    relabels it with the spec key. ``evaluate(point, seed)`` returns one value per output
    (a dict keyed by output name) and may raise anything: the sweep records the failure as an
    error row.
    """

    #: Name used as ``computation = "..."`` in a spec.
    name: str
    #: One line for the documentation.
    help: str
    #: Accepted parameters by name.
    parameters: Mapping[str, Parameter]
    #: Output columns, in order.
    outputs: tuple[Output, ...]
    #: Whole-point validation (cheap, no heavy computation).
    check: Callable[[Mapping[str, Any]], None]
    #: ``evaluate(point, seed) -> {output name: value}``.
    evaluate: Callable[[Mapping[str, Any], int], dict[str, Any]]
    #: Whether ``evaluate`` is deterministic given the point and the seed (all built-ins are).
    deterministic: bool = True
    #: Extra notes for the documentation.
    notes: tuple[str, ...] = field(default=())


def computation(name: str, help: str, *, parameters: Sequence[Parameter],
                outputs: Sequence[Output], check: Callable[[Mapping[str, Any]], None],
                evaluate: Callable[[Mapping[str, Any], int], dict[str, Any]],
                deterministic: bool = True, notes: tuple[str, ...] = ()) -> Computation:
    """A :class:`Computation` from its parameters in order (keyed by name here).

    Raises
    ------
    ValueError
        If two parameters share a name (a programming error in the computation's module).
    """
    by_name = {p.name: p for p in parameters}
    if len(by_name) != len(parameters):
        raise ValueError(f"computation {name!r} declares a parameter name twice")
    return Computation(name=name, help=help, parameters=by_name, outputs=tuple(outputs),
                       check=check, evaluate=evaluate, deterministic=deterministic,
                       notes=notes)


def _finite(where: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidParameterError(where, value, "must be a number")
    x = float(value)
    if not math.isfinite(x):
        raise InvalidParameterError(where, value, "must be a finite number")
    return x


def number(name: str, help: str, *, minimum: float | None = None,
           maximum: float | None = None, strict_minimum: bool = False) -> Parameter:
    """A float parameter in ``[minimum, maximum]`` (``(minimum, ...`` with ``strict_minimum``).

    >>> number("distance_km", "km", minimum=0).coerce("parameters.distance_km", 50)
    50.0
    >>> number("distance_km", "km", minimum=0).coerce("parameters.distance_km", -5)
    Traceback (most recent call last):
    ...
    qinternet.errors.InvalidParameterError: parameters.distance_km must be >= 0, got -5
    """

    def coerce(where: str, value: Any) -> float:
        x = _finite(where, value)
        if minimum is not None and (x <= minimum if strict_minimum else x < minimum):
            raise InvalidParameterError(where, value,
                                        f"must be {'>' if strict_minimum else '>='} {minimum:g}")
        if maximum is not None and x > maximum:
            raise InvalidParameterError(where, value, f"must be <= {maximum:g}")
        return x

    return Parameter(name=name, kind="float", coerce=coerce, help=help)


def integer(name: str, help: str, *, minimum: int | None = None,
            maximum: int | None = None) -> Parameter:
    """An integer parameter (integral floats such as ``1e6`` accepted)."""

    def coerce(where: str, value: Any) -> int:
        x = _finite(where, value)
        if x != int(x):
            raise InvalidParameterError(where, value, "must be an integer")
        return require_int_bounds(where, value, int(x), minimum=minimum, maximum=maximum)

    return Parameter(name=name, kind="int", coerce=coerce, help=help)


def choice(name: str, help: str, choices: tuple[str, ...]) -> Parameter:
    """A string parameter among ``choices``."""

    def coerce(where: str, value: Any) -> str:
        if not isinstance(value, str) or value not in choices:
            raise InvalidParameterError(where, value, "must be one of " + ", ".join(choices))
        return value

    return Parameter(name=name, kind="str", coerce=coerce, help=help)


def text(name: str, help: str) -> Parameter:
    """A non-empty string parameter."""

    def coerce(where: str, value: Any) -> str:
        if not isinstance(value, str) or not value.strip():
            raise InvalidParameterError(where, value, "must be a non-empty string")
        return value

    return Parameter(name=name, kind="str", coerce=coerce, help=help)


def boolean(name: str, help: str) -> Parameter:
    """A boolean parameter (TOML ``true`` / ``false``)."""

    def coerce(where: str, value: Any) -> bool:
        if not isinstance(value, bool):
            raise InvalidParameterError(where, value, "must be true or false")
        return value

    return Parameter(name=name, kind="bool", coerce=coerce, help=help)


def numbers(name: str, help: str, *, minimum: float | None = None,
            words: tuple[str, ...] = ()) -> Parameter:
    """A list of floats (stored as JSON text), or one of ``words`` (e.g. ``"infinite"``)."""

    def coerce(where: str, value: Any) -> tuple[float, ...] | str:
        if isinstance(value, str) and value in words:
            return value
        if not isinstance(value, list | tuple) or not value:
            extra = f" or one of {', '.join(words)}" if words else ""
            raise InvalidParameterError(where, value, f"must be a non-empty list of numbers{extra}")
        out = tuple(_finite(where, v) for v in value)
        if minimum is not None and min(out) < minimum:
            raise InvalidParameterError(where, value, f"must contain numbers >= {minimum:g}")
        return out

    return Parameter(name=name, kind="json", coerce=coerce, help=help)


def name_lists(name: str, help: str, *, size: int | None = None) -> Parameter:
    """A list of node-name lists, e.g. ``[["A", "B"], ["C", "D"]]`` (JSON text in the results).

    Integers are accepted as node names (generated topologies name their nodes 0..N-1).
    """

    def coerce(where: str, value: Any) -> tuple[tuple[str, ...], ...]:
        rule = (f"must be a list of lists of {size} node names, e.g. [[\"A\", \"B\"]]" if size
                else "must be a list of lists of >= 2 node names, e.g. [[\"A\", \"B\", \"C\"]]")
        if not isinstance(value, list | tuple) or not value:
            raise InvalidParameterError(where, value, rule)
        out = []
        for item in value:
            if not isinstance(item, list | tuple) or any(
                    isinstance(n, bool) or not isinstance(n, str | int) for n in item):
                raise InvalidParameterError(where, value, rule)
            if (size is not None and len(item) != size) or len(item) < 2:
                raise InvalidParameterError(where, value, rule)
            out.append(tuple(str(n) for n in item))
        return tuple(out)

    return Parameter(name=name, kind="json", coerce=coerce, help=help)
