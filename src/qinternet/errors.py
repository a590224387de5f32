"""The qinternet exception tree.

::

    QinternetError                      base of every error raised on purpose by qinternet
    ├── InvalidParameterError(ValueError)   bad user input; names the parameter and value
    ├── InfeasibleError                     a well-posed problem with no feasible point
    ├── SolverError(RuntimeError)           an LP / optimiser failed; carries status + message
    └── UnitError(TypeError)                a quantity in the wrong unit or of the wrong kind

    QinternetWarning(UserWarning)       suspicious but legal input; emitted with stacklevel=2

All exceptions keep their fields, build the message in ``__str__`` and pickle (a worker process of
a sweep must be able to re-raise them in the parent).
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "InfeasibleError",
    "InvalidParameterError",
    "QinternetError",
    "QinternetWarning",
    "SolverError",
    "UnitError",
]


class QinternetError(Exception):
    """Base class of all qinternet errors."""


class InvalidParameterError(QinternetError, ValueError):
    """A parameter is outside its domain.

    Parameters
    ----------
    name : str
        Name of the offending parameter (as the caller spelled it, e.g. ``"length_km"``).
    value : object
        The offending value.
    rule : str
        What the value must satisfy, e.g. ``"must be >= 0"``.

    Examples
    --------
    >>> err = InvalidParameterError("length_km", -1.0, "must be >= 0")
    >>> str(err)
    'length_km must be >= 0, got -1.0'
    >>> isinstance(err, ValueError)
    True
    """

    def __init__(self, name: str, value: Any, rule: str) -> None:
        super().__init__(name, value, rule)
        self.name = name
        self.value = value
        self.rule = rule

    def __str__(self) -> str:
        return f"{self.name} {self.rule}, got {self.value!r}"


class InfeasibleError(QinternetError):
    """A well-posed problem has no feasible point (for example contradictory constraints)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class SolverError(QinternetError, RuntimeError):
    """A numerical solver (LP, optimiser) did not return a trustworthy optimum.

    Parameters
    ----------
    status : str
        Solver status (e.g. HiGHS model status name).
    message : str
        Human-readable explanation.

    Examples
    --------
    >>> import pickle
    >>> err = pickle.loads(pickle.dumps(SolverError("Infeasible", "max-flow LP")))
    >>> str(err)
    'max-flow LP (solver status: Infeasible)'
    """

    def __init__(self, status: str, message: str) -> None:
        super().__init__(status, message)
        self.status = status
        self.message = message

    def __str__(self) -> str:
        return f"{self.message} (solver status: {self.status})"


class UnitError(QinternetError, TypeError):
    """A quantity was given in an unsupported unit or of the wrong kind."""

    def __init__(self, name: str, unit: str, expected: str) -> None:
        super().__init__(name, unit, expected)
        self.name = name
        self.unit = unit
        self.expected = expected

    def __str__(self) -> str:
        return f"{self.name} has unit {self.unit!r}, expected {self.expected}"


class QinternetWarning(UserWarning):
    """Suspicious but legal input or a result with reduced accuracy."""
