"""Per-query conditioning of the network LPs: demand caps, objective scale, pruning, clipping.

Fibre capacities span 10 to 300 decades inside one real network (SNDlib abilene: 1.9e-44 to
3.2e-3 ebits per use; backbone world: 1.5e-154 to 7.3). HiGHS reads values above 1e20 as
infinite and drops matrix entries below 1e-9, so no LP may see raw capacities. For each query:

1. **Demand caps** ``u_j``: an upper bound on the rate of demand j alone, from a genuine cut.
   Flooding / budget: the smallest of the m_j - 1 minimum cuts t_1-t_i (its value is summed
   from the original capacities of the cut links, so it is a true cut whatever the max-flow's
   rounding). Frequency: ``min_i 1/L(t_1, t_i)`` with link lengths 1/c_e, the exact
   single-pair value under usage frequencies (spec ``network_bounds.md`` §8).
   Rows ``R_j <= u_j`` are implied by the cut LP, so adding them changes no optimum.
2. **Objective scale** V: WORST ``T_ub = min_j u_j / d_j``; TOTAL / WEIGHTED ``max_j q_j u_j``.
   Every LP works in units of V, so its optimum is O(1) (between about 1/(k m) and k).
3. **Rate caps**: WORST ``R_j <= d_j T_ub`` (does not change the optimal T: lowering a rate
   only relaxes the capacity rows), otherwise ``R_j <= u_j``. The total rate is then at most
   ``C = sum_j cap_j``, so **clipping** any link capacity at ``C`` is exact for fixed
   capacities (no cut through such a link can bind).
4. **Pruning**: links below ``PRUNE_REL * V`` (``PRUNE_REL_FREQUENCY * V`` under usage
   frequencies) cannot matter at the LP's precision. The lower
   bound drops them (dropping capacity keeps every route achievable; the value moves by at most
   their total). Upper bounds keep them certified: under flooding a cut row's right-hand side
   is a plain sum that includes them; under frequency their term ``p_e c_e <= c_e`` enters the
   row's right-hand side as a constant (certified slack, reported).
5. **Unlimited links** (frequency upper bound only): links above ``UNLIMITED_REL * m * C`` get a
   usage variable outside the budget (a relaxation, hence still a valid upper bound; the
   relative change is below ``1 / UNLIMITED_REL``; 1e9).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import igraph as ig
import numpy as np
import numpy.typing as npt

__all__ = ["PRUNE_REL", "PRUNE_REL_FREQUENCY", "UNLIMITED_REL", "Conditioning", "condition",
           "usable_graph", "widest_values"]

#: Links with capacity below ``PRUNE_REL * V`` (V = the objective's scale) are pruned.
PRUNE_REL = 1e-13
#: Usage frequencies: prune level. Capacities there are matrix coefficients (``sqrt(c_e)``),
#: not right-hand sides, and a range of 1e26 stalled HiGHS for minutes (backbone africa, 20
#: pairs: > 120 s in the first solve; 2 s with 1e-9 / 1e9). The slack stays certified.
PRUNE_REL_FREQUENCY = 1e-9
#: Frequency upper bound: links above ``UNLIMITED_REL * num_links * C`` get free usage.
UNLIMITED_REL = 1e9


@dataclass(frozen=True, slots=True, kw_only=True)
class Conditioning:
    """What one query's conditioning did (values in the LP's unit, unscaled)."""

    #: Scale V: every LP value is ``scale`` times its scaled optimum.
    scale: float
    #: Upper bound on each demand's rate on its own (a true cut value), per demand.
    demand_caps: tuple[float, ...]
    #: Rate cap per demand used in the LPs (WORST: d_j T_ub; else demand_caps).
    rate_caps: tuple[float, ...]
    #: Capacities below this were pruned.
    prune_threshold: float
    #: Capacities above this were clipped (fixed capacities) / made unlimited (frequency upper).
    clip_level: float
    #: Indices of pruned links.
    pruned: tuple[int, ...]
    #: Sum of the pruned links' capacities.
    pruned_capacity: float
    #: Indices of clipped (or unlimited) links.
    clipped: tuple[int, ...]


def usable_graph(n: int, tail: npt.NDArray[np.int64], head: npt.NDArray[np.int64],
                 usable: npt.NDArray[np.bool_]) -> ig.Graph:
    """igraph graph of the usable links (edge i = link ``flatnonzero(usable)[i]``)."""
    ids = np.flatnonzero(usable)
    return ig.Graph(n=n, edges=list(zip(tail[ids].tolist(), head[ids].tolist(), strict=True)))


def widest_values(
    g: ig.Graph, tail: npt.NDArray[np.int64], head: npt.NDArray[np.int64],
    cap: npt.NDArray[np.float64], usable: npt.NDArray[np.bool_],
    demands: Sequence[tuple[int, ...]],
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.int64]]:
    """Bottleneck (widest-tree) value of each demand and the component of each node."""
    ids = np.flatnonzero(usable)
    n = g.vcount()
    component = np.asarray(g.connected_components().membership, dtype=np.int64)
    if ids.size == 0:
        return np.zeros(len(demands)), component
    # maximum spanning forest: minimise the rank of -c (ranks avoid any overflow of 1/c)
    rank = np.argsort(np.argsort(-cap[ids], kind="stable"), kind="stable").astype(np.float64)
    forest = g.spanning_tree(weights=rank.tolist(), return_tree=False)
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


def _flooding_caps(g: ig.Graph, tail: npt.NDArray[np.int64], head: npt.NDArray[np.int64],
                   cap: npt.NDArray[np.float64], usable: npt.NDArray[np.bool_],
                   demands: Sequence[tuple[int, ...]],
                   wid: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    ids = np.flatnonzero(usable)
    n = g.vcount()
    c = cap[ids]
    m = max(int(ids.size), 1)
    out = np.zeros(len(demands))
    for j, d in enumerate(demands):
        if wid[j] <= 0:
            continue
        # relative to the demand's own scale: clipping at m * wid_j keeps every min cut (the
        # bottleneck cut has value <= m wid_j); links below 1e-18 wid_j are rounding noise
        rel = np.minimum(c / wid[j], float(m))
        best = math.inf
        for t in d[1:]:
            cut = g.st_mincut(d[0], t, capacity=rel.tolist())
            side = np.zeros(n, dtype=bool)
            side[cut.partition[0]] = True
            crossing = side[tail[ids]] != side[head[ids]]
            best = min(best, math.fsum(c[crossing].tolist()))
        out[j] = best
    return out


def _frequency_caps(g: ig.Graph, cap: npt.NDArray[np.float64], usable: npt.NDArray[np.bool_],
                    demands: Sequence[tuple[int, ...]],
                    wid: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    c = cap[np.flatnonzero(usable)]
    out = np.zeros(len(demands))
    for j, d in enumerate(demands):
        if wid[j] <= 0:
            continue
        with np.errstate(divide="ignore", over="ignore"):
            lengths = wid[j] / c  # relative lengths: O(1) on the widest route
        lengths = np.where(np.isfinite(lengths), lengths, 1e300)
        dist = np.asarray(g.distances(source=[d[0]], target=list(d[1:]),
                                      weights=lengths.tolist())[0], dtype=np.float64)
        worst = float(dist.max())
        out[j] = wid[j] / worst if math.isfinite(worst) and worst < 1e300 else 0.0
    return out


def condition(
    n: int, tail: npt.NDArray[np.int64], head: npt.NDArray[np.int64],
    cap: npt.NDArray[np.float64], usable: npt.NDArray[np.bool_],
    demands: Sequence[tuple[int, ...]], objective: str, coeffs: npt.NDArray[np.float64],
    *, frequency: bool,
) -> tuple[Conditioning, npt.NDArray[np.float64], npt.NDArray[np.int64]]:
    """Caps, scale, prune and clip levels of one query; also returns (widest values, components).

    ``cap`` are the effective per-use capacities (flooding: c_e; budget: u_e c_e).
    """
    g = usable_graph(n, tail, head, usable)  # built once for every step of the conditioning
    wid, component = widest_values(g, tail, head, cap, usable, demands)
    if frequency:
        caps = _frequency_caps(g, cap, usable, demands, wid)
    else:
        caps = _flooding_caps(g, tail, head, cap, usable, demands, wid)
    pos = coeffs > 0
    if objective == "worst":
        t_ub = float(np.min(caps[pos] / coeffs[pos])) if pos.any() else 0.0
        scale = t_ub
        rate_caps = np.minimum(caps, coeffs * t_ub)
    else:
        scale = float(np.max(coeffs * caps)) if pos.any() else 0.0
        rate_caps = caps.copy()
    if not (math.isfinite(scale) and scale > 0):
        scale = float(np.max(caps)) if np.any(caps > 0) else 1.0
    total = float(rate_caps.sum())
    clip = 2.0 * total if total > 0 else scale
    threshold = (PRUNE_REL_FREQUENCY if frequency else PRUNE_REL) * scale
    pruned = np.flatnonzero(usable & (cap < threshold))
    level = UNLIMITED_REL * max(int(usable.sum()), 1) * clip if frequency else clip
    clipped = np.flatnonzero(usable & (cap > level))
    cond = Conditioning(
        scale=scale, demand_caps=tuple(float(x) for x in caps),
        rate_caps=tuple(float(x) for x in rate_caps), prune_threshold=threshold,
        clip_level=level, pruned=tuple(int(e) for e in pruned),
        pruned_capacity=math.fsum(cap[pruned].tolist()),
        clipped=tuple(int(e) for e in clipped),
    )
    return cond, wid, component
