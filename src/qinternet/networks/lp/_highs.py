"""Thin HiGHS (highspy) wrapper: quiet instances, sparse model passing, status -> SolverError.

All LPs of :mod:`qinternet.networks.lp` are written as minimisations; maximisations minimise the
negated objective. Row duals follow HiGHS' convention for a minimisation: a binding ``<=`` row
has a dual ``<= 0``; the price of a link row is therefore ``y_e = -row_dual_e >= 0``.
"""

from __future__ import annotations

import os
import sys
import threading
import weakref
from dataclasses import dataclass
from typing import Any

import highspy
import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from qinternet.errors import SolverError

__all__ = [
    "INF",
    "HighsResult",
    "check_optimal",
    "new_highs",
    "pass_model",
    "read_result",
    "run_checked",
    "solve_lp",
]

#: HiGHS' infinity.
INF: float = float(highspy.kHighsInf)

#: Primal / dual feasibility tolerances used for every solve (problems are scaled to O(1)).
_FEAS_TOL = 1e-9

_banner_lock = threading.Lock()
_banner_done = False


def _construct() -> highspy.Highs:
    """Create a Highs instance; the first one of a process prints a banner on fd 1: silence it."""
    global _banner_done
    with _banner_lock:
        if _banner_done:
            return highspy.Highs()  # type: ignore[no-untyped-call]
        sys.stdout.flush()
        try:
            saved = os.dup(1)
        except OSError:  # no fd 1 (unusual embedding): accept the banner
            _banner_done = True
            return highspy.Highs()  # type: ignore[no-untyped-call]
        try:
            with open(os.devnull, "w") as devnull:
                os.dup2(devnull.fileno(), 1)
                h = highspy.Highs()  # type: ignore[no-untyped-call]
        finally:
            os.dup2(saved, 1)
            os.close(saved)
        _banner_done = True
        return h


def new_highs() -> highspy.Highs:
    """A silent HiGHS instance with tight feasibility tolerances and one thread."""
    h = _construct()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("primal_feasibility_tolerance", _FEAS_TOL)
    h.setOptionValue("dual_feasibility_tolerance", _FEAS_TOL)
    h.setOptionValue("threads", 1)
    return h


def check_optimal(h: highspy.Highs, what: str) -> None:
    """Raise :class:`SolverError` unless the last solve of ``h`` ended optimal."""
    status = h.getModelStatus()
    if status != highspy.HighsModelStatus.kOptimal:
        name = h.modelStatusToString(status)
        raise SolverError(name, f"{what}: HiGHS did not return an optimal solution")


#: Option sets tried in turn when a solve does not end optimal (numerical trouble on badly
#: scaled LPs, e.g. SNDlib links from 1e-21 to 1e-3 ebits per use): primal simplex, then no
#: internal scaling, then interior point with crossover, then HiGHS' defaults (presolve on,
#: dual simplex: a warm route master with presolve off and primal simplex ended "Unknown" on
#: SNDlib janos-us where the defaults solve it). A retry that ends optimal is a true
#: optimum; if none does, the first failure is reported.
_FALLBACKS: tuple[dict[str, str | int], ...] = (
    {"simplex_strategy": 4},
    {"simplex_strategy": 1, "simplex_scale_strategy": 0},
    {"solver": "ipm", "run_crossover": "on"},
    {"presolve": "on", "simplex_strategy": 1},
)


#: Per HiGHS instance: its options (of the fallback keys) before any fallback changed them.
_BASE_OPTIONS: weakref.WeakKeyDictionary[highspy.Highs, dict[str, Any]] = \
    weakref.WeakKeyDictionary()


def _option(h: highspy.Highs, key: str) -> Any:
    value = h.getOptionValue(key)
    # highspy returns (status, value) in some releases and the value in others
    return value[1] if isinstance(value, tuple) else value


def run_checked(h: highspy.Highs, what: str) -> None:
    """Run ``h``; on a non-optimal end retry from a cold start, first with the options in
    force, then with each of :data:`_FALLBACKS` (each on top of the options in force, not of
    the previous retry's), else raise SolverError.

    The option set that worked stays in force for later solves of ``h`` (column / constraint
    generation re-solves the same, slightly larger, LP).
    """
    h.run()
    status = h.getModelStatus()
    if status == highspy.HighsModelStatus.kOptimal:
        return
    keys = sorted({k for opts in _FALLBACKS for k in opts})
    # the caller's own options, recorded at the first failure: a fallback that worked earlier
    # stays in force, but the next failure starts again from the caller's options, never
    # from a pile of earlier fallbacks
    base = _BASE_OPTIONS.get(h)
    if base is None:
        base = {k: _option(h, k) for k in keys}
        _BASE_OPTIONS[h] = base
    for opts in ({}, *_FALLBACKS):
        for key in keys:
            h.setOptionValue(key, base[key])
        for key, value in opts.items():
            h.setOptionValue(key, value)
        h.clearSolver()
        h.run()
        if h.getModelStatus() == highspy.HighsModelStatus.kOptimal:
            return
    for key in keys:
        h.setOptionValue(key, base[key])
    h.clearSolver()
    raise SolverError(h.modelStatusToString(status),
                      f"{what}: HiGHS did not return an optimal solution")


@dataclass(frozen=True, slots=True)
class HighsResult:
    """Primal and dual solution of one LP (minimisation form)."""

    objective: float
    x: npt.NDArray[np.float64]
    row_dual: npt.NDArray[np.float64]
    col_dual: npt.NDArray[np.float64]
    iterations: int


def pass_model(
    h: highspy.Highs,
    cost: npt.NDArray[np.float64],
    a_matrix: sp.spmatrix | sp.sparray,
    row_lower: npt.NDArray[np.float64],
    row_upper: npt.NDArray[np.float64],
    col_lower: npt.NDArray[np.float64],
    col_upper: npt.NDArray[np.float64],
) -> None:
    """Load a minimisation LP ``min cost.x, row_lower <= A x <= row_upper`` into ``h``."""
    a = sp.csc_matrix(a_matrix)
    a.sort_indices()
    lp = highspy.HighsLp()
    lp.num_col_ = int(a.shape[1])
    lp.num_row_ = int(a.shape[0])
    lp.col_cost_ = np.asarray(cost, dtype=np.float64)
    lp.col_lower_ = np.asarray(col_lower, dtype=np.float64)
    lp.col_upper_ = np.asarray(col_upper, dtype=np.float64)
    lp.row_lower_ = np.asarray(row_lower, dtype=np.float64)
    lp.row_upper_ = np.asarray(row_upper, dtype=np.float64)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = a.indptr.astype(np.int32)
    lp.a_matrix_.index_ = a.indices.astype(np.int32)
    lp.a_matrix_.value_ = a.data.astype(np.float64)
    lp.a_matrix_.num_col_ = lp.num_col_
    lp.a_matrix_.num_row_ = lp.num_row_
    h.passModel(lp)


def read_result(h: highspy.Highs) -> HighsResult:
    """Primal/dual solution of the last (optimal) solve of ``h``."""
    sol = h.getSolution()
    info = h.getInfo()
    return HighsResult(
        objective=float(info.objective_function_value),
        x=np.asarray(sol.col_value, dtype=np.float64),
        row_dual=np.asarray(sol.row_dual, dtype=np.float64),
        col_dual=np.asarray(sol.col_dual, dtype=np.float64),
        iterations=int(info.simplex_iteration_count),
    )


def solve_lp(
    cost: npt.NDArray[np.float64],
    a_matrix: sp.spmatrix | sp.sparray,
    row_lower: npt.NDArray[np.float64],
    row_upper: npt.NDArray[np.float64],
    col_lower: npt.NDArray[np.float64],
    col_upper: npt.NDArray[np.float64],
    *,
    what: str,
) -> HighsResult:
    """Solve ``min cost.x  s.t.  row_lower <= A x <= row_upper, col_lower <= x <= col_upper``.

    Raises
    ------
    SolverError
        If HiGHS does not report an optimal solution (infeasible, unbounded, limits, ...).
    """
    h = new_highs()
    pass_model(h, cost, a_matrix, row_lower, row_upper, col_lower, col_upper)
    run_checked(h, what)
    return read_result(h)
