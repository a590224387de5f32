"""Multicommodity flow LPs for many pairs: the compact node-arc LP and the flow-based estimate.

Spec ``network_bounds.md`` §5.1 and §5.3. The node-arc LP ``MP(c, U, obj)`` is the textbook
formulation (2k|E| flow variables); :func:`~qinternet.networks.lp.lower_bound` solves the same LP
much faster by path column generation. ``MP(E_up, ...)`` is **not** an upper bound for three or
more pairs (flow-cut gap, reference case R7); :func:`flow_estimate` returns it clearly labelled.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

from qinternet.errors import InvalidParameterError
from qinternet.networks.lp._nodearc import solve_flow_lp
from qinternet.networks.lp._problem import Objective, prepare
from qinternet.networks.lp.arrays import LinkArrays
from qinternet.networks.lp.packing import lower_bound
from qinternet.networks.lp.solution import LPSolution
from qinternet.networks.usage import Usage

__all__ = ["flow_estimate", "multicommodity_flow_lp"]


def multicommodity_flow_lp(
    links: LinkArrays,
    pairs: Sequence[Sequence[int]],
    usage: Usage,
    *,
    objective: Objective = "worst",
    weights: Sequence[float] | None = None,
) -> LPSolution:
    """Node-arc multicommodity flow LP ``MP(c, U, obj)`` for pairs (scipy ``linprog``/HiGHS).

    The compact reference formulation; with ``c = R_lo`` its optimum is achievable. Same value
    as :func:`~qinternet.networks.lp.lower_bound` (path column generation), much slower on
    large instances. No routes are returned (no flow decomposition).

    Parameters
    ----------
    links : LinkArrays
        Network; ``capacity`` in ebits per use.
    pairs : sequence of (int, int)
        Node index pairs (s_i, t_i).
    usage : Usage
        Usage model.
    objective : {"worst", "total", "weighted"}
        Objective, as in :func:`~qinternet.networks.lp.lower_bound`.
    weights : sequence of float, optional
        Demand ratios (WORST) or weights (WEIGHTED).

    Returns
    -------
    LPSolution
        ``kind="lower"``, value in the usage model's unit, per-pair rates.

    Raises
    ------
    InvalidParameterError
        A demand is not a pair, or other malformed input.
    SolverError
        The LP did not solve to optimality.

    References
    ----------
    S. Bäuml, K. Azuma, G. Kato, D. Elkouss, Commun. Phys. 3, 55 (2020), arXiv:1809.03120 [R];
    spec ``network_bounds.md`` §5.1 [D].

    Examples
    --------
    >>> import numpy as np
    >>> links = LinkArrays(num_nodes=5, tail=np.array([0, 0, 0, 1, 1, 1]),
    ...                    head=np.array([2, 3, 4, 2, 3, 4]), capacity=np.ones(6))
    >>> sol = multicommodity_flow_lp(links, [(2, 3), (3, 4), (2, 4), (0, 1)], Usage.flooding())
    >>> round(sol.value, 9)  # reference case R7 (flow value)
    0.75
    """
    t0 = time.perf_counter()
    prob = prepare(links, pairs, usage, objective, weights)
    if any(len(d) != 2 for d in prob.demands):
        raise InvalidParameterError("pairs", list(pairs), "must all be pairs of two nodes")
    res = solve_flow_lp(prob, [(d[0], d[1], j) for j, d in enumerate(prob.demands)],
                        shared=True, what="multicommodity flow LP")
    return LPSolution(
        kind="lower", value=res.value, rates=tuple(float(r) for r in res.rates),
        link_usage=tuple(float(v) for v in res.usage) if res.usage is not None else None,
        method="node-arc multicommodity flow LP (scipy linprog, HiGHS)", lp_optimal=True,
        certified=False, status="Optimal", info={"time_s": time.perf_counter() - t0},
    )


def flow_estimate(
    links: LinkArrays,
    demands: Sequence[Sequence[int]],
    usage: Usage,
    *,
    objective: Objective = "worst",
    weights: Sequence[float] | None = None,
) -> LPSolution:
    """Flow-based ESTIMATE ``MP(E_up)``: the packing LP with upper capacities. NOT an upper bound.

    For three or more pairs the multicommodity flow can be strictly below the cut bound (flow-cut
    gap): reference case R7 has flow 0.75 and cut 1.0, and the capacity can exceed the flow value.
    The result has ``kind="upper"`` but ``certified=False``; use
    :func:`~qinternet.networks.lp.upper_bound` for a certified bound. For one or two pairs the
    value equals the cut bound (max-flow min-cut; Hu's two-commodity theorem [R]).

    Parameters
    ----------
    links : LinkArrays
        Network; ``capacity`` = E_up in ebits per use.
    demands : sequence of sequence of int
        Pairs and / or groups.
    usage : Usage
        Usage model.
    objective : {"worst", "total", "weighted"}
        Objective.
    weights : sequence of float, optional
        Demand ratios (WORST) or weights (WEIGHTED).

    Returns
    -------
    LPSolution
        ``kind="upper"``, ``certified=False``, method labelled as an estimate.

    Raises
    ------
    InvalidParameterError, SolverError
        As :func:`~qinternet.networks.lp.lower_bound`.

    References
    ----------
    Spec ``network_bounds.md`` §5.3 (flow-cut gap) [D]; T. C. Hu, Oper. Res. 11, 344 (1963) [R].

    Examples
    --------
    >>> import numpy as np
    >>> links = LinkArrays(num_nodes=5, tail=np.array([0, 0, 0, 1, 1, 1]),
    ...                    head=np.array([2, 3, 4, 2, 3, 4]), capacity=np.ones(6))
    >>> est = flow_estimate(links, [(2, 3), (3, 4), (2, 4), (0, 1)], Usage.flooding())
    >>> round(est.value, 9), est.certified
    (0.75, False)
    """
    sol = lower_bound(links, demands, usage, objective=objective, weights=weights)
    return LPSolution(
        kind="upper", value=sol.value, rates=sol.rates, routes=sol.routes,
        link_usage=sol.link_usage, link_duals=sol.link_duals,
        method="flow-based estimate MP(E_up): NOT a certified upper bound (flow-cut gap)",
        lp_optimal=sol.lp_optimal, certified=False, status=sol.status,
        iterations=sol.iterations, dual_objective=sol.dual_objective, info=dict(sol.info),
    )
