"""Polynomial cut relaxations in compact flow form: per-pair cuts and Steiner-cut LPs.

Spec ``network_bounds.md`` §5.2 (a) and §6.2. Each demand j gets its own flows (m_j - 1 flows
t_1 -> t_i of value R_j for a group, one flow for a pair), each with the full capacities
``p_e E_up[e]`` (NOT shared between flows or demands), while the usage p and the objective are
common. For a single group this is exactly the Steiner-cut LP SCUT (every Steiner cut separates
t_1 from some t_i); for several demands it is a valid, generally looser, relaxation of the cut LP.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

from qinternet.networks.lp._nodearc import solve_flow_lp
from qinternet.networks.lp._problem import Objective, prepare
from qinternet.networks.lp.arrays import LinkArrays
from qinternet.networks.lp.solution import LPSolution
from qinternet.networks.usage import Usage

__all__ = ["per_demand_cut_relaxation"]


def per_demand_cut_relaxation(
    links: LinkArrays,
    demands: Sequence[Sequence[int]],
    usage: Usage,
    *,
    objective: Objective = "worst",
    weights: Sequence[float] | None = None,
) -> LPSolution:
    """Certified upper bound from per-demand cuts (compact LP with separate flows per demand).

    Parameters
    ----------
    links : LinkArrays
        Network; ``capacity`` = E_up in ebits per use.
    demands : sequence of sequence of int
        Pairs and / or groups (node indices).
    usage : Usage
        Usage model.
    objective : {"worst", "total", "weighted"}
        Objective, as in :func:`~qinternet.networks.lp.upper_bound`.
    weights : sequence of float, optional
        Demand ratios (WORST) or weights (WEIGHTED).

    Returns
    -------
    LPSolution
        ``kind="upper"``, ``certified=True``; for one group the Steiner-cut LP value SCUT.

    Raises
    ------
    InvalidParameterError
        Malformed input.
    SolverError
        The LP did not solve to optimality.

    References
    ----------
    S. Bäuml, K. Azuma, G. Kato, D. Elkouss, Commun. Phys. 3, 55 (2020), arXiv:1809.03120
    (Steiner-cut idea) [R]; spec ``network_bounds.md`` §5.2 (a), §6.2 (m - 1 flows) [D].

    Examples
    --------
    Triangle with unit capacities, GHZ on all three nodes (reference case R8-tri-U2):

    >>> import numpy as np
    >>> tri = LinkArrays(num_nodes=3, tail=np.array([0, 1, 0]), head=np.array([1, 2, 2]),
    ...                  capacity=np.ones(3))
    >>> round(per_demand_cut_relaxation(tri, [(0, 1, 2)], Usage.flooding()).value, 9)
    2.0
    """
    t0 = time.perf_counter()
    prob = prepare(links, demands, usage, objective, weights)
    commodities = [(d[0], t, j) for j, d in enumerate(prob.demands) for t in d[1:]]
    res = solve_flow_lp(prob, commodities, shared=False, what="per-demand cut relaxation")
    return LPSolution(
        kind="upper", value=res.value, rates=tuple(float(r) for r in res.rates),
        link_usage=tuple(float(v) for v in res.usage) if res.usage is not None else None,
        method="relaxation: per-demand cuts (a max-flow per pair, Steiner-cut LP with m-1 flows "
               "per group)",
        lp_optimal=True, certified=True, status="Optimal",
        method_name="steiner-cut-lp" if len(prob.demands) == 1 else "per-demand-cuts",
        relaxation_reason="" if len(prob.demands) == 1 else
        "asked for (method='per-demand-cuts'): no multi-demand cuts",
        info={"time_s": time.perf_counter() - t0},
    )
