"""Shared base of the channel models: the ``Channel`` protocol and the bounds mixin."""

from __future__ import annotations

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
        """True when upper == lower (the capacity is known)."""
        ...

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary with the CLI keys."""
        ...


def _agree(upper: float, lower: float) -> bool:
    return abs(upper - lower) <= _EXACT_RTOL * max(1.0, abs(upper))


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
        """True exactly when the capacity is known (upper and lower bounds coincide)."""
        return self._distillable_instance() or _agree(
            self.upper_ebits_per_use, self.lower_ebits_per_use
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict with the CLI keys (model, upper/lower ebits per use, exact)."""
        return {
            "model": self.model,
            "upper_ebits_per_use": self.upper_ebits_per_use,
            "lower_ebits_per_use": self.lower_ebits_per_use,
            "exact": self.exact,
        }
