"""Usage models of a network: how often each link may be used per unit of rate.

- ``flooding`` (U2): every link is used once per network use; rates in ebits per network use
  (Pirandola's multi-path setting).
- ``frequency`` (U1): usage frequencies p_e >= 0 with sum_e p_e <= 1; rates in ebits per channel
  use (the Azuma–Mizutani–Lo setting).
- ``budget`` (U3, Python API only): 0 <= p_e <= u_e with u_e the uses per second of link e (its
  clock rate); rates in ebits per second.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import numpy.typing as npt

from qinternet._validation import require_nonnegative
from qinternet.errors import InvalidParameterError

__all__ = ["Usage", "UsageModel"]

UsageModel = Literal["flooding", "frequency", "budget"]

_UNITS: dict[str, str] = {
    "flooding": "ebits per network use",
    "frequency": "ebits per channel use",
    "budget": "ebits per second",
}


@dataclass(frozen=True, slots=True, kw_only=True)
class Usage:
    """A usage model.

    Examples
    --------
    >>> Usage.flooding().unit
    'ebits per network use'
    >>> Usage.frequency().unit
    'ebits per channel use'
    >>> Usage.budget([1e9, 2e9]).link_budgets
    (1000000000.0, 2000000000.0)
    """

    #: ``"flooding"`` (U2), ``"frequency"`` (U1) or ``"budget"`` (U3).
    model: UsageModel
    #: Budget model only: maximum uses per second of each link, in link order.
    link_budgets: tuple[float, ...] | None = field(default=None)

    def __post_init__(self) -> None:
        if self.model not in _UNITS:
            raise InvalidParameterError(
                "usage", self.model, "must be one of 'flooding', 'frequency', 'budget'"
            )
        if self.model == "budget":
            if self.link_budgets is None:
                raise InvalidParameterError(
                    "link_budgets", None, "must be given for the budget usage model"
                )
            for b in self.link_budgets:
                require_nonnegative("link_budgets", b)
        elif self.link_budgets is not None:
            raise InvalidParameterError(
                "link_budgets", self.link_budgets, f"must be None for usage {self.model!r}"
            )

    @classmethod
    def flooding(cls) -> Usage:
        """U2: each link used once per network use."""
        return cls(model="flooding")

    @classmethod
    def frequency(cls) -> Usage:
        """U1: usage frequencies summing to at most 1."""
        return cls(model="frequency")

    @classmethod
    def budget(cls, uses_per_s: npt.ArrayLike) -> Usage:
        """U3: per-link budgets ``uses_per_s`` (clock rates in uses per second, link order)."""
        arr = np.asarray(uses_per_s, dtype=np.float64).ravel()
        return cls(model="budget", link_budgets=tuple(float(x) for x in arr))

    @property
    def unit(self) -> str:
        """Unit string of every rate computed under this usage model."""
        return _UNITS[self.model]
