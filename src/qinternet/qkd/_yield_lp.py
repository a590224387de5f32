"""The pieces every finite-decoy linear programme shares (PM, SNS, MDI and CAL19).

Each bounds photon-number yields ``Y_k in [0, 1]``, ``k <= S``, from decoy gains ``G_i``::

    G_i - tail_i <= sum_k P_ik Y_k <= G_i

with Poisson weights ``P_ik`` (:func:`poisson_weights`) and ``tail_i`` the weight above the
truncation. :func:`gain_constraints` writes these rows for :func:`scipy.optimize.linprog`:
each divided by a scale (the gains span 1e-8 to 1e-2) and relaxed by a relative
:data:`ROW_SLACK`; a lower row whose bound is not positive says nothing and is left out.
:func:`solve_box_lp` solves over the box ``[0, 1]`` (HiGHS) and never reports a failure as a
bound; :func:`yield_extremum` is its one-yield form.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
from scipy.optimize import linprog
from scipy.stats import poisson

from qinternet.errors import SolverError

__all__ = ["ROW_SLACK", "gain_constraints", "poisson_weights", "solve_box_lp", "yield_extremum"]

FloatArray = npt.NDArray[np.float64]

#: Relative slack of the (row-scaled) gain constraints (CAL19, [C]).
ROW_SLACK = 1e-9


def poisson_weights(mean: FloatArray, truncation_s: int) -> FloatArray:
    """Poisson probabilities ``P_k(mean)``, ``k = 0..S``: one row per mean, exactly
    ``(1, 0, ..., 0)`` at mean 0.

    >>> poisson_weights(np.array([0.0, 1.0]), 2).round(4).tolist()
    [[1.0, 0.0, 0.0], [0.3679, 0.3679, 0.1839]]
    """
    k = np.arange(truncation_s + 1)
    p = poisson.pmf(k[None, :], mean[:, None])
    return np.asarray(np.where(mean[:, None] == 0.0, (k[None, :] == 0).astype(np.float64), p),
                      dtype=np.float64)


def gain_constraints(rows: FloatArray, upper: FloatArray, lower: FloatArray,
                     scale: FloatArray) -> tuple[FloatArray, FloatArray]:
    """``(A_ub, b_ub)`` of ``rows Y <= upper`` and, where ``lower > 0``, ``rows Y >= lower``.

    Row ``i`` is divided by ``scale[i]``; the upper bounds are raised and the lower bounds
    lowered by the relative :data:`ROW_SLACK`.

    >>> a, b = gain_constraints(np.array([[1.0, 0.5]]), np.array([2.0]), np.array([1.0]),
    ...                         np.array([2.0]))
    >>> a.tolist(), (b / np.array([1.0 + ROW_SLACK, -(1.0 - ROW_SLACK)])).tolist()
    ([[0.5, 0.25], [-0.5, -0.25]], [1.0, 0.5])
    """
    keep = lower > 0.0
    a_ub = np.vstack([rows / scale[:, None], -rows[keep] / scale[keep, None]])
    b_ub = np.concatenate([upper * (1.0 + ROW_SLACK) / scale,
                           -lower[keep] * (1.0 - ROW_SLACK) / scale[keep]])
    return a_ub, b_ub


def solve_box_lp(cost: FloatArray, a_ub: Any, b_ub: FloatArray, failure: str) -> FloatArray:
    """Minimiser of ``cost . x`` over ``x in [0, 1]^n`` with ``a_ub x <= b_ub`` (HiGHS).

    ``a_ub`` may be dense or sparse. (CAL19's block LP calls :func:`scipy.optimize.linprog`
    itself: its tests replace that module's solver.) Raises :class:`SolverError` (status, then
    ``"{failure}: {message}"``) unless HiGHS reports an optimum.
    """
    res = linprog(cost, A_ub=a_ub, b_ub=b_ub, bounds=(0.0, 1.0), method="highs")
    if res.status != 0 or res.x is None:
        raise SolverError(str(res.status), f"{failure}: {res.message}")
    return np.asarray(res.x)


def yield_extremum(a_ub: FloatArray, b_ub: FloatArray, target: int, *, maximise: bool,
                   failure: str) -> float:
    """Minimum (or maximum) of the one variable ``x[target]`` under :func:`solve_box_lp`.

    >>> a, b = gain_constraints(np.array([[0.5, 0.5]]), np.array([0.3]), np.array([0.2]),
    ...                         np.array([0.3]))
    >>> round(yield_extremum(a, b, 0, maximise=False, failure="demo"), 6)
    0.0
    >>> round(yield_extremum(a, b, 0, maximise=True, failure="demo"), 6)
    0.6
    """
    cost = np.zeros(a_ub.shape[1])
    cost[target] = -1.0 if maximise else 1.0
    return float(solve_box_lp(cost, a_ub, b_ub, failure)[target])
