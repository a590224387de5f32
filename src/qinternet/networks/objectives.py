"""The objectives of the network LPs: one definition for the facade, the results and the LPs.

- ``total``: maximise the sum of the rates;
- ``worst``: maximise T with ``R_i >= d_i T`` (d = demand ratios, default 1: max-min fairness;
  other ratios: maximum concurrent flow);
- ``weighted``: maximise ``sum_i w_i R_i``.
"""

from __future__ import annotations

from typing import Final, Literal, get_args

__all__ = ["OBJECTIVES", "Objective"]

Objective = Literal["total", "worst", "weighted"]

#: The objective names, in documentation order.
OBJECTIVES: Final[tuple[str, ...]] = get_args(Objective)
