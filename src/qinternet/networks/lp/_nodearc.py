"""Compact node-arc flow LPs (scipy ``linprog`` / HiGHS), used as independent references.

One commodity = a flow of value ``rate[c]`` from ``s`` to ``t`` with two orientation variables
per usable link. Capacities are either shared by all commodities (multicommodity flow, spec §5.1)
or separate per commodity (Steiner-cut LP with m - 1 flows, spec §6.2; per-pair cuts §5.2 (a)).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from scipy.optimize import linprog

from qinternet.errors import SolverError
from qinternet.networks.lp._problem import Problem

__all__ = ["FlowLPResult", "solve_flow_lp"]


class FlowLPResult:
    """Optimum (original units) of a node-arc flow LP."""

    def __init__(self, value: float, rates: npt.NDArray[np.float64],
                 usage: npt.NDArray[np.float64] | None) -> None:
        self.value = value
        self.rates = rates
        self.usage = usage


def solve_flow_lp(prob: Problem, commodities: Sequence[tuple[int, int, int]], *,
                  shared: bool, what: str) -> FlowLPResult:
    """Solve the node-arc LP; commodity = (source, sink, index of its rate variable)."""
    ids = np.flatnonzero(prob.usable)
    mu = ids.size
    n = prob.num_nodes
    k = len(prob.demands)
    worst = prob.objective == "worst"
    nc = len(commodities)
    col_t = k
    p0 = k + (1 if worst else 0)
    f0 = p0 + (mu if prob.frequency else 0)
    n_cols = f0 + 2 * mu * nc
    cap = prob.capacity[ids]
    tail = prob.tail[ids]
    head = prob.head[ids]
    rows: list[npt.NDArray[np.int64]] = []
    cols: list[npt.NDArray[np.int64]] = []
    vals: list[npt.NDArray[np.float64]] = []
    eq_rows = 0
    # conservation: out - in - rate([v=s] - [v=t]) = 0 for each commodity and node
    ar = np.arange(mu, dtype=np.int64)
    for c, (s, t, rv) in enumerate(commodities):
        fw = f0 + 2 * mu * c + ar
        bw = fw + mu
        base = eq_rows
        rows += [base + tail, base + head, base + head, base + tail,
                 np.array([base + s, base + t])]
        cols += [fw, fw, bw, bw, np.array([rv, rv])]
        vals += [np.ones(mu), -np.ones(mu), np.ones(mu), -np.ones(mu), np.array([-1.0, 1.0])]
        eq_rows += n
    a_eq = sp.csr_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
                         shape=(eq_rows, n_cols))
    rows, cols, vals = [], [], []
    ub_rows = 0
    b_ub: list[npt.NDArray[np.float64]] = []
    groups = [list(range(nc))] if shared else [[c] for c in range(nc)]
    for grp in groups:
        for c in grp:
            fw = f0 + 2 * mu * c + ar
            rows += [ub_rows + ar, ub_rows + ar]
            cols += [fw, fw + mu]
            vals += [np.ones(mu), np.ones(mu)]
        if prob.frequency:
            rows.append(ub_rows + ar)
            cols.append(p0 + ar)
            vals.append(-cap)
            b_ub.append(np.zeros(mu))
        else:
            b_ub.append(cap.copy())
        ub_rows += mu
    if prob.frequency:
        rows.append(np.full(mu, ub_rows))
        cols.append(p0 + ar)
        vals.append(np.ones(mu))
        b_ub.append(np.ones(1))
        ub_rows += 1
    if worst:
        jj = np.arange(k, dtype=np.int64)
        rows += [ub_rows + jj, ub_rows + jj]
        cols += [np.full(k, col_t), jj]
        vals += [prob.coeffs.astype(np.float64), -np.ones(k)]
        b_ub.append(np.zeros(k))
        ub_rows += k
    a_ub = sp.csr_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
                         shape=(ub_rows, n_cols))
    cost = np.zeros(n_cols)
    if worst:
        cost[col_t] = -1.0
    else:
        cost[:k] = -prob.coeffs
    res = linprog(cost, A_ub=a_ub, b_ub=np.concatenate(b_ub), A_eq=a_eq, b_eq=np.zeros(eq_rows),
                  bounds=(0, None), method="highs")
    if res.status != 0:
        raise SolverError(str(res.status), f"{what}: {res.message}")
    x = res.x
    usage = None
    if prob.frequency:
        usage = np.zeros(prob.num_links)
        usage[ids] = x[p0:f0]
    return FlowLPResult(-float(res.fun) * prob.scale, x[:k] * prob.scale, usage)
