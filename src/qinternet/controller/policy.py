"""Allocation policies on the warm route master: weighted lexicographic max-min, throughput.

Spec ``controller.md`` (allocation policy). Both serve priority classes in strict order, highest
first; a class's rates are fixed before the next class is served; admitted floors are hard lower
bounds throughout and caps upper bounds.

Max-min (progressive filling): for the unfrozen demands U of the class, one LP
``max t s.t. R_i >= w_i t (i in U)`` (floors, caps, fixed rates as bounds; ``t`` at most the
next cap breakpoint). A demand whose level row has a positive dual is blocked at this level:
by complementary slackness every optimal solution, hence every allocation keeping the others at
the level, has ``R_i = w_i t*`` -- so freezing it is exact, and since the duals of the level rows
sum to 1/w > 0, each level freezes at least one demand. Demands at their cap are frozen at it.

Given the :class:`~qinternet.controller.filling.Filling` of the previous allocation, the levels
that a change leaves standing are kept without an LP and filling resumes at the first level the
change touches (:mod:`qinternet.controller.filling`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import scipy.sparse as sp

from qinternet.controller.filling import Filling, Level
from qinternet.errors import InvalidParameterError
from qinternet.networks.lp.incremental import InfeasibleRatesError, RouteMaster, RouteSolution

__all__ = ["POLICIES", "Policy", "PolicyResult", "allocate"]

Policy = Literal["maxmin", "throughput"]
POLICIES: tuple[Policy, ...] = ("maxmin", "throughput")

#: A frozen rate may move down by this relative amount inside later LPs (never up: the
#: slack would go to other demands and differ between warm and cold solves). Bands the LP
#: cannot hold to its feasibility tolerance are absorbed by the master's phase 1. (A wider
#: band is not a tolerance but a transfer: 1e-7 of a demand at 3.6 went to one of 5e-12.)
_FREEZE_REL = 1e-12
#: A class's held total (throughput policy) may move down by this relative amount in later
#: LPs: its value is read from an LP solved to HiGHS' 1e-9 tolerance, so holding it to 1e-12
#: can leave the next class's LP infeasible (SNDlib janos-us, from scratch as well as warm).
_SUM_REL = 1e-9
#: A frozen value short by at most this (relative) is LP round-off, not infeasibility.
_ROUNDOFF_REL = 1e-6
#: Positive dual threshold (dimensionless prices of level rows, scaled LP).
_DUAL_TOL = 1e-9
#: A demand is blocked at a level when its row's share of the level's dual price (shares
#: sum to 1, :meth:`RouteMaster.level_shares`) exceeds this. Missing a blocked demand with a
#: smaller share costs one more LP (the next level cannot rise above it and freezes it then);
#: freezing on a raw dual above ``_DUAL_TOL`` froze demands on round-off (geant: a demand of
#: scale 8e-10 frozen at 8e-16 with share 1.5e-16).
_SHARE_TOL = 1e-9


@dataclass(frozen=True, slots=True, kw_only=True)
class PolicyResult:
    """Rates of every demand and the last master solution (its routes)."""

    rates: dict[str, float]
    solution: RouteSolution
    #: Number of LPs solved (levels, or classes for throughput).
    lps: int
    #: The max-min levels (None for throughput), for the next call's ``memo``.
    filling: Filling | None = None
    #: Levels taken from ``memo`` without an LP.
    kept_levels: int = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class Spec:
    """What the policy needs of a demand (controller units)."""

    weight: float
    priority: int
    floor: float
    cap: float


#: The wider band of :func:`allocate`'s ``robust`` mode (frozen values jointly infeasible with
#: a floor by the LP's tolerance, while the floors alone are feasible).
_ROBUST_REL = 1e-7


def _freeze(master: RouteMaster, key: str, value: float, spec: Spec,
            band: float = _FREEZE_REL) -> None:
    hi = min(max(value, 0.0), spec.cap)
    master.set_bounds(key, lower=hi * (1.0 - band), upper=hi)


def allocate(master: RouteMaster, specs: Mapping[str, Spec], policy: Policy = "maxmin", *,
             memo: Filling | None = None, robust: bool = False) -> PolicyResult:
    """Allocate rates to every live demand of ``master`` by ``policy``.

    ``memo`` is the :attr:`PolicyResult.filling` of an earlier max-min call on the same master:
    the levels that stand after what changed since (link capacities, one demand added or
    removed) are reused without an LP; anything else is solved from the first level.

    ``robust`` lets frozen max-min values give way by 1e-7 (relative) instead of 1e-12: the
    retry when the floors alone are feasible but the filling came out infeasible (values
    jointly too high by the LP's tolerance).

    On return the master's bounds are reset to the floors and caps (``lower = floor``,
    ``upper = cap``), so the next call starts from the same state whatever happened here.

    Raises
    ------
    InfeasibleRatesError
        The floors cannot all be met (the caller sheds floors and calls again).
    """
    if policy not in POLICIES:
        raise InvalidParameterError("policy", policy, "must be 'maxmin' or 'throughput'")
    for key, s in specs.items():
        master.set_bounds(key, lower=s.floor, upper=s.cap)
    try:
        if policy == "maxmin":
            if robust:
                return _maxmin(master, specs, None, _ROBUST_REL)
            if memo is not None:
                try:
                    return _maxmin(master, specs, memo)
                except InfeasibleRatesError:
                    # floors are shed only on the verdict of a fresh filling: reused levels
                    # hold values to the LP's tolerance, which must not decide feasibility
                    for key, s in specs.items():
                        master.set_bounds(key, lower=s.floor, upper=s.cap)
            return _maxmin(master, specs, None)
        return _throughput(master, specs)
    finally:
        for key, s in specs.items():
            master.set_bounds(key, lower=s.floor, upper=s.cap)


def _classes(specs: Mapping[str, Spec]) -> list[list[str]]:
    by: dict[int, list[str]] = {}
    for key in sorted(specs):
        by.setdefault(specs[key].priority, []).append(key)
    return [by[c] for c in sorted(by, reverse=True)]


def _bounded(s: Spec) -> bool:
    """Whether the demand's rate row has a nonzero bound (a floor or a cap): only then can
    its dual enter the dual objective (a dual on the implied bound ``R >= 0`` multiplies 0)."""
    return s.floor > 0.0 or math.isfinite(s.cap)


def _spec_tuple(s: Spec) -> tuple[float, int, float, float]:
    return (s.weight, s.priority, s.floor, s.cap)


def _maxmin(master: RouteMaster, specs: Mapping[str, Spec], memo: Filling | None,
            band: float = _FREEZE_REL) -> PolicyResult:
    rates: dict[str, float] = {}
    lps = 0
    last: RouteSolution | None = None
    terminals = {k: master.terminals[master.slot[k]] for k in specs}
    levels: list[Level] = []
    reuse = None
    if memo is not None:
        reuse = memo.reuse(capacity=master.cap, terminals=terminals,
                           specs={k: _spec_tuple(s) for k, s in specs.items()},
                           tail=master.tail, head=master.head, num_nodes=master.n,
                           scales={k: master.dscale[master.slot[k]] for k in specs})
    for members in _classes(specs):
        while True:
            # earlier levels that apply to the demands frozen so far and stand: no LP
            while reuse is not None and (old := reuse.take(rates)) is not None:
                for k in old.frozen:
                    rates[k] = reuse.memo.values[k]
                    _freeze(master, k, rates[k], specs[k], band)
                levels.append(old)
            unfrozen = [k for k in members if k not in rates]
            if not unfrozen:
                break
            breakpoint_t = min(specs[k].cap / specs[k].weight for k in unfrozen)
            sol = _solve_frozen(master, specs, rates, band,
                                level={k: specs[k].weight for k in unfrozen},
                                level_max=breakpoint_t, routes=False)
            lps += 1
            last = sol
            t = sol.level
            duals = master.level_duals()
            shares = master.level_shares()
            at_cap = math.isfinite(breakpoint_t) and t >= breakpoint_t * (1.0 - 1e-9)
            frozen = []
            for k in unfrozen:
                s = specs[k]
                target = max(s.floor, min(s.cap, s.weight * t))
                if shares.get(k, 0.0) > _SHARE_TOL or (at_cap and s.weight * t >= s.cap
                                                      * (1.0 - 1e-9)):
                    frozen.append((k, target))
            if not frozen:
                # numerically flat duals: the LP optimum is a level nobody exceeds alone;
                # freeze every demand at the level (never loop)
                frozen = [(k, max(specs[k].floor, min(specs[k].cap, specs[k].weight * t)))
                          for k in unfrozen]
            for k, value in frozen:
                rates[k] = value
                _freeze(master, k, value, specs[k], band)
            bound = master.rate_duals()
            theta = {k: bound.get(k, 0.0) + duals.get(k, 0.0) for k in specs}
            levels.append(Level(
                priority=specs[members[0]].priority, level=t,
                frozen=tuple(k for k, _ in frozen),
                # a rate-row dual enters the dual objective only through a nonzero bound: a
                # floor, a cap, or a frozen value
                dual_keys=frozenset(k for k in specs if duals.get(k, 0.0) > _DUAL_TOL
                                    or (abs(bound.get(k, 0.0)) > _DUAL_TOL
                                        and (_bounded(specs[k]) or k in rates))),
                binding=sol.link_prices * master.rho > _DUAL_TOL,
                prices=np.asarray(sol.link_prices, dtype=np.float64),
                theta={k: v for k, v in theta.items() if v > _DUAL_TOL},
                load=np.asarray(sol.link_load, dtype=np.float64)))
    # every demand fixed: one feasibility solve gives the routes
    last = _solve_frozen(master, specs, rates, band)
    lps += 1
    keys = tuple(sorted(specs))
    row = {k: i for i, k in enumerate(keys)}
    ri, ci, vi = [], [], []
    for key, cols in last.routes.items():
        for col in cols:
            ri += [row[str(key)]] * len(col.links)
            ci += list(col.links)
            vi += [col.rate] * len(col.links)
    route_load = sp.csr_matrix((vi, (ri, ci)), shape=(len(keys), master.m))
    filling = Filling(levels=tuple(levels), values=dict(rates), capacity=master.cap.copy(),
                      specs={k: _spec_tuple(s) for k, s in specs.items()},
                      terminals=terminals, keys=keys,
                      final_rates=np.array([float(last.rates.get(k, 0.0)) for k in keys]),
                      route_load=route_load)
    return PolicyResult(rates=_delivered(last, rates), solution=last, lps=lps,
                        filling=filling, kept_levels=reuse.taken if reuse is not None else 0)


def _solve_frozen(master: RouteMaster, specs: Mapping[str, Spec], frozen: dict[str, float],
                  band: float = _FREEZE_REL, **kw: Any) -> RouteSolution:
    """``master.solve(**kw)``; when only frozen values (not floors) are short by LP
    round-off (at most 1e-6 of their value), lower those values by the shortfall and retry:
    the levels were computed to the LP's tolerance, so they may be jointly infeasible by as
    much. A real shortfall (a floor) propagates."""
    for _ in range(5):
        try:
            return master.solve(**kw)
        except InfeasibleRatesError as err:
            # a frozen value that is not a floor can always be lowered (the level LPs that
            # set it were feasible, so a shortfall is numerical); a floor's shortfall beyond
            # round-off is real and propagates (the engine sheds floors)
            fixable = {k: v for k, v in err.deficit.items()
                       if isinstance(k, str) and k in frozen
                       and (specs[k].floor == 0.0
                            or (v <= _ROUNDOFF_REL * max(frozen[k], 1e-300)
                                and frozen[k] - v >= specs[k].floor * (1.0 - 1e-9)))}
            if len(fixable) != len(err.deficit):
                raise
            for k, v in fixable.items():
                frozen[k] = max(frozen[k] - 2.0 * v, specs[k].floor)
                _freeze(master, k, frozen[k], specs[k], band)
    return master.solve(**kw)


def _delivered(sol: RouteSolution, target: Mapping[str, float]) -> dict[str, float]:
    """The rates the routes deliver (exactly feasible), keyed like ``target``."""
    out = {}
    for k in target:
        r = float(sol.rates.get(k, 0.0))
        out[k] = r
    return out


def _throughput(master: RouteMaster, specs: Mapping[str, Spec]) -> PolicyResult:
    """Lexicographic over classes: each class's weighted total is maximised and then held
    (a row ``sum w R >= value``, not the individual rates: a class's optimum need not be
    unique, and its choice must not cost a lower class)."""
    lps = 0
    rows: list[int] = []
    try:
        for members in _classes(specs):
            weights = {k: specs[k].weight for k in members}
            sol = master.solve(rates=weights, routes=False)
            lps += 1
            value = sum(weights[k] * float(sol.rates.get(k, 0.0)) for k in members)
            rows.append(master.add_sum_bound(weights, value * (1.0 - _SUM_REL)))
        # one final solve delivers the routes: the highest class's total again (all held)
        top = _classes(specs)[0] if specs else []
        last = master.solve(rates={k: specs[k].weight for k in top})
        lps += 1
    finally:
        for row in rows:
            master.remove_sum_bound(row)
    return PolicyResult(rates={k: float(last.rates.get(k, 0.0)) for k in specs},
                        solution=last, lps=lps)


def jain_index(values: Sequence[float]) -> float:
    """Jain's fairness index ``(sum x)^2 / (n sum x^2)`` (1 = equal; 1.0 when all are 0).

    References
    ----------
    R. Jain, D.-M. Chiu, W. Hawe, "A quantitative measure of fairness and discrimination for
    resource allocation in shared computer systems", DEC-TR-301 (1984), arXiv:cs/9809099, Eq. 1.
    """
    x = np.asarray(values, dtype=np.float64)
    if x.size == 0:
        return 1.0
    sq = float(np.dot(x, x))
    return 1.0 if sq == 0.0 else float(x.sum() ** 2 / (x.size * sq))
