"""Validated, scaled LP input shared by the lower- and upper-bound solvers.

Spec: ``network_bounds.md`` §1.3 (usage models), §5.1 (objectives), §11 (scaling).

Usage models reduce to two cases inside the LPs:

- flooding (U2) and budget (U3): fixed link capacities ``cap_e = c_e`` resp. ``u_e c_e`` (a
  larger ``p_e`` never hurts, so ``p_e = u_e`` at an optimum);
- frequency (U1): variables ``p_e >= 0`` with ``sum_e p_e <= 1`` and ``load_e <= p_e c_e``.

Capacities are conditioned per query (:mod:`~qinternet.networks.lp._conditioning`): divided by
the objective's scale so that the optimum is O(1), with tiny links pruned and huge ones clipped
(HiGHS silently returns wrong optima for capacities of 1e-7 and below, spec §11, and reads
values above 1e20 as infinite).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from qinternet.errors import InvalidParameterError
from qinternet.networks.lp._conditioning import Conditioning, condition, usable_graph
from qinternet.networks.lp.arrays import LinkArrays
from qinternet.networks.objectives import OBJECTIVES, Objective
from qinternet.networks.usage import Usage

__all__ = ["Objective", "Problem", "prepare"]


#: Largest scaled capacity stored (well below HiGHS' infinity, 1e20, after any clipping).
_MAX_SCALED = 1e300


@dataclass(frozen=True, slots=True, kw_only=True)
class Problem:
    """Validated LP input (capacities already scaled by ``scale``)."""

    num_nodes: int
    tail: npt.NDArray[np.int64]
    head: npt.NDArray[np.int64]
    #: Effective capacity per link divided by ``scale`` (flooding: c_e, budget: u_e c_e).
    capacity: npt.NDArray[np.float64]
    #: Links that can carry rate (capacity > 0 and not a self-loop).
    usable: npt.NDArray[np.bool_]
    #: True under the frequency model (p variables with sum p <= 1).
    frequency: bool
    #: Reference value: every LP value is ``scale`` times the scaled optimum.
    scale: float
    demands: tuple[tuple[int, ...], ...]
    objective: Objective
    #: q_i (total: ones; weighted: weights) or d_i (worst: demand ratios).
    coeffs: npt.NDArray[np.float64]
    #: Connected component of each node in the graph of usable links.
    component: npt.NDArray[np.int64]
    #: Rate cap per demand (scaled): implied by the cut LP, it bounds every LP's rates.
    rate_cap: npt.NDArray[np.float64]
    #: Links below the prune threshold (lower LPs: unusable; upper LPs: certified slack).
    pruned: npt.NDArray[np.bool_]
    #: Links above the clip level (fixed capacities: clipped; frequency upper: unlimited).
    clipped: npt.NDArray[np.bool_]
    #: Clip level (scaled).
    clip: float
    #: The query's conditioning (unscaled values, for reports).
    conditioning: Conditioning

    @property
    def num_links(self) -> int:
        return int(self.tail.shape[0])

    def connected(self, j: int) -> bool:
        """True when all terminals of demand ``j`` are in one component of usable links."""
        comps = self.component[list(self.demands[j])]
        return bool(np.all(comps == comps[0]))


def _validate_links(links: LinkArrays) -> None:
    n = links.num_nodes
    if not isinstance(n, int | np.integer) or n < 0:
        raise InvalidParameterError("links.num_nodes", n, "must be an integer >= 0")
    tail = np.asarray(links.tail)
    head = np.asarray(links.head)
    cap = np.asarray(links.capacity, dtype=np.float64)
    if tail.shape != head.shape or tail.shape != cap.shape or tail.ndim != 1:
        raise InvalidParameterError(
            "links", (tail.shape, head.shape, cap.shape),
            "must have tail, head, capacity of equal length",
        )
    if tail.size and (min(tail.min(), head.min()) < 0 or max(tail.max(), head.max()) >= n):
        raise InvalidParameterError("links", "endpoints", f"must be node indices in [0, {n})")
    if not np.all(np.isfinite(cap)) or np.any(cap < 0):
        bad = cap[~(np.isfinite(cap) & (cap >= 0))][0]
        raise InvalidParameterError("links.capacity", float(bad), "must be finite and >= 0")


def _validate_demands(demands: Sequence[Sequence[int]], n: int) -> tuple[tuple[int, ...], ...]:
    out: list[tuple[int, ...]] = []
    if len(demands) == 0:
        raise InvalidParameterError("demands", list(demands), "must contain at least one demand")
    for d in demands:
        nodes = tuple(int(v) for v in d)
        if len(nodes) < 2 or len(set(nodes)) != len(nodes):
            raise InvalidParameterError("demands", list(d), "must each have >= 2 distinct nodes")
        if min(nodes) < 0 or max(nodes) >= n:
            raise InvalidParameterError("demands", list(d), f"must be node indices in [0, {n})")
        out.append(nodes)
    return tuple(out)


def _coefficients(
    objective: str, weights: Sequence[float] | None, k: int
) -> npt.NDArray[np.float64]:
    if objective not in OBJECTIVES:
        raise InvalidParameterError(
            "objective", objective, "must be 'total', 'worst' or 'weighted'"
        )
    if objective == "total" or weights is None:
        return np.ones(k)
    w = np.asarray(weights, dtype=np.float64).ravel()
    if w.shape != (k,):
        raise InvalidParameterError(
            "weights", list(weights), f"must have one value per demand ({k})"
        )
    if not np.all(np.isfinite(w)) or np.any(w < 0):
        raise InvalidParameterError("weights", list(weights), "must be finite and >= 0")
    if objective == "worst" and not np.any(w > 0):
        raise InvalidParameterError("weights", list(weights), "must have a positive demand ratio")
    return w


def prepare(
    links: LinkArrays,
    demands: Sequence[Sequence[int]],
    usage: Usage,
    objective: str,
    weights: Sequence[float] | None,
    *,
    kind: Literal["lower", "upper"] = "upper",
) -> Problem:
    """Validate the inputs, apply the usage model and condition the query (scale, prune, clip).

    ``kind="lower"`` (achievable LPs) drops pruned links; ``kind="upper"`` keeps them (the cut
    LPs account for them exactly or as certified slack). Fixed capacities (flooding, budget) are
    clipped at the exact clip level of :mod:`~qinternet.networks.lp._conditioning` in both.
    """
    _validate_links(links)
    n = int(links.num_nodes)
    tail = np.asarray(links.tail, dtype=np.int64)
    head = np.asarray(links.head, dtype=np.int64)
    cap = np.asarray(links.capacity, dtype=np.float64).copy()
    dem = _validate_demands(demands, n)
    coeffs = _coefficients(objective, weights, len(dem))
    if not isinstance(usage, Usage):
        raise InvalidParameterError("usage", usage, "must be a qinternet.networks.usage.Usage")
    if usage.model == "budget":
        budgets = np.asarray(usage.link_budgets, dtype=np.float64)
        if budgets.shape != cap.shape:
            raise InvalidParameterError(
                "link_budgets", len(budgets), f"must have one value per link ({cap.size})"
            )
        cap = cap * budgets
    frequency = usage.model == "frequency"
    usable = (cap > 0) & (tail != head)
    cond, _, component = condition(n, tail, head, cap, usable, dem, objective, coeffs,
                                   frequency=frequency)
    scale = cond.scale
    pruned = np.zeros(cap.shape, dtype=bool)
    pruned[list(cond.pruned)] = True
    clipped = np.zeros(cap.shape, dtype=bool)
    clipped[list(cond.clipped)] = True
    with np.errstate(over="ignore"):
        scaled = np.minimum(cap / scale, _MAX_SCALED)
    clip = min(cond.clip_level / scale, _MAX_SCALED)
    if not frequency:
        scaled = np.minimum(scaled, clip)
    if kind == "lower" and pruned.any() and not frequency:  # the U1 closed form needs no pruning
        usable = usable & ~pruned
        g = usable_graph(n, tail, head, usable)
        component = np.asarray(g.connected_components().membership, dtype=np.int64)
    return Problem(
        num_nodes=n, tail=tail, head=head, capacity=scaled, usable=usable,
        frequency=frequency, scale=scale, demands=dem,
        objective=objective,  # type: ignore[arg-type]
        coeffs=coeffs, component=component,
        rate_cap=np.asarray(cond.rate_caps) / scale, pruned=pruned, clipped=clipped,
        clip=clip, conditioning=cond,
    )
