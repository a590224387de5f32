"""Shared base of the channel models: the ``Channel`` protocol and the bounds mixin."""

from __future__ import annotations

import dataclasses
from typing import Any, ClassVar, Protocol, runtime_checkable

__all__ = ["Channel"]

#: Relative tolerance under which upper and lower bounds count as equal (``exact``).
_EXACT_RTOL = 1e-12


@runtime_checkable
class Channel(Protocol):
    """What every channel model provides."""

    @property
    def model(self) -> str:
        """CLI name of the model."""
        ...

    @property
    def upper_ebits_per_use(self) -> float:
        """Upper bound on the two-way capacity, ebits per use."""
        ...

    @property
    def lower_ebits_per_use(self) -> float:
        """Achievable two-way rate, ebits per use."""
        ...

    @property
    def exact(self) -> bool:
        """True for the distillable families, where upper == lower by theorem."""
        ...

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary with the CLI keys."""
        ...


def _agree(upper: float, lower: float) -> bool:
    """Whether two bound values agree numerically (used by tests, never for ``exact``)."""
    return abs(upper - lower) <= _EXACT_RTOL * max(1.0, abs(upper))


def _echo(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


class _Bounds:
    """Mixin: ``exact`` and ``to_dict`` from the two bounds."""

    __slots__ = ()
    model: ClassVar[str]
    #: True for the distillable families, where the bounds coincide by theorem.
    _distillable: ClassVar[bool] = False

    @property
    def upper_ebits_per_use(self) -> float:  # pragma: no cover - overridden
        raise NotImplementedError

    @property
    def lower_ebits_per_use(self) -> float:  # pragma: no cover - overridden
        raise NotImplementedError

    def _distillable_instance(self) -> bool:
        """True when this instance is distillable (bounds coincide by theorem)."""
        return self._distillable

    @property
    def exact(self) -> bool:
        """True exactly for the distillable families (the bounds coincide by theorem).

        Never inferred from the two numbers: an upper and a lower bound that agree to 12 digits
        by numerical coincidence (e.g. additive noise of variance 1e-300) are not a theorem.
        """
        return self._distillable_instance()

    def inputs(self) -> dict[str, Any]:
        """The model's input parameters (dataclass fields), JSON-ready (tuples as lists)."""
        model: Any = self  # every concrete model is a dataclass
        return {f.name: _echo(getattr(self, f.name)) for f in dataclasses.fields(model)
                if f.init and not f.name.startswith("_")}

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict: model, upper/lower ebits per use, exact, then every input."""
        out: dict[str, Any] = {
            "model": self.model,
            "upper_ebits_per_use": self.upper_ebits_per_use,
            "lower_ebits_per_use": self.lower_ebits_per_use,
            "exact": self.exact,
        }
        for key, value in self.inputs().items():
            out.setdefault(key, value)
        return out


class _ExactCapacity(_Bounds):
    """Mixin of the distillable families: one capacity, upper = lower bound by theorem.

    A model implements ``_capacity()``; both bounds return it and ``exact`` is True.
    """

    __slots__ = ()
    _distillable: ClassVar[bool] = True

    def _capacity(self) -> float:  # pragma: no cover - overridden
        raise NotImplementedError

    @property
    def upper_ebits_per_use(self) -> float:
        """The two-way capacity (exact: equal to the lower bound)."""
        return self._capacity()

    @property
    def lower_ebits_per_use(self) -> float:
        """The two-way capacity (exact: equal to the upper bound)."""
        return self._capacity()
