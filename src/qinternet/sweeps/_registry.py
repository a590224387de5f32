"""Registry of sweepable computations.

Adding a computation: write ``_computations/NAME.py`` exposing ``COMPUTATION`` (a
:class:`~qinternet.sweeps._computation.Computation`) and add it to ``_BUILTIN``. The
``controller`` computation (trace statistics) is registered only when
:mod:`qinternet.controller` is importable; otherwise a spec naming it gets a clear error.
"""

from __future__ import annotations

import importlib.util

from qinternet.errors import InvalidParameterError
from qinternet.sweeps._computation import Computation
from qinternet.sweeps._computations import bounds, channel, keyrate, repeater

__all__ = ["COMPUTATIONS", "get_computation"]

_BUILTIN: tuple[Computation, ...] = (
    bounds.COMPUTATION,
    channel.COMPUTATION,
    keyrate.COMPUTATION,
    repeater.COMPUTATION,
)

#: Computations named by the sweep contract that this version cannot run, with the reason.
_PLANNED: dict[str, str] = {}

if importlib.util.find_spec("qinternet.controller") is not None:
    from qinternet.sweeps._computations import controller

    _BUILTIN = (*_BUILTIN, controller.COMPUTATION)
else:  # pragma: no cover - depends on the installed version
    _PLANNED["controller"] = ("needs the routing controller (qinternet.controller), not in "
                              "this version")

#: Name -> computation.
COMPUTATIONS: dict[str, Computation] = {c.name: c for c in _BUILTIN}


def get_computation(name: str, where: str = "computation") -> Computation:
    """The computation called ``name``; ``InvalidParameterError`` naming ``where`` otherwise.

    >>> get_computation("keyrate").name
    'keyrate'
    >>> get_computation("nope")
    Traceback (most recent call last):
    ...
    qinternet.errors.InvalidParameterError: computation must be one of bounds, channel, ...
    """
    if isinstance(name, str) and name in COMPUTATIONS:
        return COMPUTATIONS[name]
    if isinstance(name, str) and name in _PLANNED:
        raise InvalidParameterError(where, name, f"is not available: {_PLANNED[name]}")
    raise InvalidParameterError(where, name, "must be one of " + ", ".join(sorted(COMPUTATIONS)))
