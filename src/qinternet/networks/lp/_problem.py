"""Validated, scaled LP input shared by the lower- and upper-bound solvers.

Spec: ``network_bounds.md`` §1.3 (usage models), §5.1 (objectives), §11 (scaling).

Usage models reduce to two cases inside the LPs:

- flooding (U2) and budget (U3): fixed link capacities ``cap_e = c_e`` resp. ``u_e c_e`` (a
  larger ``p_e`` never hurts, so ``p_e = u_e`` at an optimum);
- frequency (U1): variables ``p_e >= 0`` with ``sum_e p_e <= 1`` and ``load_e <= p_e c_e``.

Capacities are divided by a reference value (the largest widest-path value over the demands, the
smallest for WORST) so that the optimum is O(1): HiGHS silently returns wrong optima for
capacities of 1e-7 and below (spec §11).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import igraph as ig
import numpy as np
import numpy.typing as npt

from qinternet.errors import InvalidParameterError
from qinternet.networks.lp._arrays import LinkArrays
from qinternet.networks.usage import Usage

__all__ = ["Objective", "Problem", "prepare"]

Objective = Literal["total", "worst", "weighted"]

_OBJECTIVES = ("total", "worst", "weighted")


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
    if objective not in _OBJECTIVES:
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


def _widest_values(
    n: int, tail: npt.NDArray[np.int64], head: npt.NDArray[np.int64],
    cap: npt.NDArray[np.float64], usable: npt.NDArray[np.bool_],
    demands: tuple[tuple[int, ...], ...],
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.int64]]:
    """Bottleneck (widest-tree) value of each demand and the component of each node."""
    ids = np.flatnonzero(usable)
    g = ig.Graph(n=n, edges=list(zip(tail[ids].tolist(), head[ids].tolist(), strict=True)))
    component = np.asarray(g.connected_components().membership, dtype=np.int64)
    if ids.size == 0:
        return np.zeros(len(demands)), component
    forest = g.spanning_tree(weights=(-cap[ids]).tolist(), return_tree=False)
    f_ids = ids[np.asarray(forest, dtype=np.int64)]
    t = ig.Graph(n=n, edges=list(zip(tail[f_ids].tolist(), head[f_ids].tolist(), strict=True)))
    wid = np.zeros(len(demands))
    for j, d in enumerate(demands):
        if not np.all(component[list(d)] == component[d[0]]):
            continue
        paths = t.get_shortest_paths(d[0], to=list(d[1:]), output="epath")
        used = np.unique(np.concatenate([np.asarray(p, dtype=np.int64) for p in paths]))
        wid[j] = float(cap[f_ids[used]].min())
    return wid, component


def prepare(
    links: LinkArrays,
    demands: Sequence[Sequence[int]],
    usage: Usage,
    objective: str,
    weights: Sequence[float] | None,
) -> Problem:
    """Validate the inputs, apply the usage model and scale capacities to O(1)."""
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
    usable = (cap > 0) & (tail != head)
    wid, component = _widest_values(n, tail, head, cap, usable, dem)
    # the scale follows the demands that count in the objective (weight / ratio > 0): a
    # zero-weight demand with a much larger value must not push the optimum below tolerance
    positive = wid[(wid > 0) & (coeffs > 0)]
    if positive.size == 0:
        positive = wid[wid > 0]
    if positive.size == 0:
        scale = float(cap.max()) if np.any(cap > 0) else 1.0
    elif objective == "worst":
        scale = float(positive.min())
    else:
        scale = float(positive.max())
    if not math.isfinite(scale) or scale <= 0:
        scale = 1.0
    return Problem(
        num_nodes=n, tail=tail, head=head, capacity=cap / scale, usable=usable,
        frequency=usage.model == "frequency", scale=scale, demands=dem,
        objective=objective,  # type: ignore[arg-type]
        coeffs=coeffs, component=component,
    )
