"""The master LP of the cut-type upper bounds, held in one HiGHS instance and grown by rows.

Spec ``network_bounds.md`` §1.4, §5.2, §6.2, §7. Columns: rates R_j (bounded by the demand caps
of the query's conditioning, rows they imply anyway), T (WORST), and under usage frequencies the
usage of each link. Every cut row is a true cut constraint
``sum_{j split by S} R_j <= sum_{e in delta(S)} p_e E_up[e]``, so any subset of rows gives a valid
upper bound.

Fixed capacities (flooding, budget): a cut row's right-hand side is the plain sum of its links'
(clipped) capacities, tiny links included.

Usage frequencies: the usage variable of a normal link is ``z_e = p_e sqrt(c_e)`` (geometric
column scaling: cut rows get ``-sqrt(c_e)``, the budget row ``1/sqrt(c_e)``); an *unlimited*
link (above the clip level) gets ``q_e = p_e c_e`` in [0, clip] outside the budget (a
relaxation); a *pruned* link (below the prune threshold) contributes its largest possible term
``c_e`` (p_e <= 1) to the right-hand side as a constant (certified slack). With ``compact``, each
demand j also gets m_j - 1 flows t_1 -> t_i of value R_j with these capacities (not shared): the
per-demand cuts (a max-flow per pair, the Steiner-cut LP per group) hold exactly in every solve.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from qinternet.networks.lp._highs import INF, new_highs, pass_model, run_checked
from qinternet.networks.lp._problem import Problem

__all__ = ["CutMaster"]


class CutMaster:
    """Cut LP (minimisation of the negated objective) with lazily added cut rows."""

    def __init__(self, prob: Problem, *, compact: bool = False) -> None:
        self.prob = prob
        k = self.k = len(prob.demands)
        self.worst = prob.objective == "worst"
        self.freq = prob.frequency
        usable = prob.usable
        self.usable = np.flatnonzero(usable)
        # link classes (frequency only): normal (z), unlimited (q), pruned (constant)
        if self.freq:
            self.normal = np.flatnonzero(usable & ~prob.pruned & ~prob.clipped)
            self.unlimited = np.flatnonzero(usable & prob.clipped)
            self.const = np.flatnonzero(usable & prob.pruned)
        else:
            self.normal = np.zeros(0, dtype=np.int64)
            self.unlimited = np.zeros(0, dtype=np.int64)
            self.const = self.usable
        self.col_T = k if self.worst else -1
        self.z0 = k + (1 if self.worst else 0)
        self.q0 = self.z0 + self.normal.size
        n_cols = self.q0 + self.unlimited.size
        self.root = np.sqrt(prob.capacity[self.normal])
        # column of each link's usage term: coefficient and column (-1: constant)
        self.use_col = np.full(prob.num_links, -1, dtype=np.int64)
        self.use_coef = np.zeros(prob.num_links)
        self.use_col[self.normal] = self.z0 + np.arange(self.normal.size)
        self.use_coef[self.normal] = self.root
        self.use_col[self.unlimited] = self.q0 + np.arange(self.unlimited.size)
        self.use_coef[self.unlimited] = 1.0
        self.const_cap = np.zeros(prob.num_links)
        self.const_cap[self.const] = prob.capacity[self.const]
        rows_i: list[int] = []
        cols_i: list[int] = []
        vals: list[float] = []
        row_lo: list[float] = []
        row_hi: list[float] = []
        n_rows = 0
        self.budget_row = -1
        if self.freq:
            self.budget_row = n_rows
            rows_i += [n_rows] * self.normal.size
            cols_i += list(range(self.z0, self.q0))
            vals += (1.0 / self.root).tolist()
            row_lo.append(-INF)
            row_hi.append(1.0)
            n_rows += 1
        if self.worst:
            for j in range(k):
                rows_i += [n_rows, n_rows]
                cols_i += [self.col_T, j]
                vals += [float(prob.coeffs[j]), -1.0]
                row_lo.append(-INF)
                row_hi.append(0.0)
                n_rows += 1
        cost = np.zeros(n_cols)
        if self.worst:
            cost[self.col_T] = -1.0
        else:
            cost[:k] = -prob.coeffs
        col_hi = np.full(n_cols, INF)
        col_hi[:k] = prob.rate_cap
        if self.worst:
            col_hi[self.col_T] = 1.0  # T <= T_ub = the scale
        col_hi[self.q0:] = prob.clip
        a = sp.csc_matrix((vals, (rows_i, cols_i)), shape=(n_rows, n_cols))
        self.h = new_highs()
        pass_model(self.h, cost, a, np.array(row_lo), np.array(row_hi), np.zeros(n_cols), col_hi)
        self.n_cols = n_cols
        if compact:
            self._add_compact_flows()
        self.n_base_rows = self.h.getNumRow()
        self.split_flows: set[frozenset[int]] = set()
        #: Row index of each cut in :attr:`cuts`.
        self.cut_rows: list[int] = []
        self.cuts: list[npt.NDArray[np.bool_]] = []
        self.seen: set[bytes] = set()
        self.term = [np.asarray(d, dtype=np.int64) for d in prob.demands]

    def _add_flow(self, ends: npt.NDArray[np.int64], end_cols: npt.NDArray[np.int64],
                  end_signs: npt.NDArray[np.float64], n_supply: int = 0,
                  value_row: tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]] | None = None
                  ) -> None:
        """Add one flow over the usable links with the links' own capacities.

        Columns: f(v->w), f(w->v) per usable link, then ``n_supply`` supply variables.
        Rows: conservation ``out - in + sum sign * x_col = 0`` at every node, where
        ``(ends[i], end_cols[i], end_signs[i])`` adds ``sign * x_col`` at node ``ends[i]``
        (``end_cols`` >= 0 are absolute columns, < 0 mean supply variable ``-1 - col``);
        capacity ``f+ + f- - coef * use <= const`` per link (the link's usage term); and, with
        ``value_row = (cols, vals)``, one defining row ``sum vals * x_cols = 0`` (same column
        convention).
        """
        prob = self.prob
        n = prob.num_nodes
        ids = self.usable
        mu = ids.size
        tail, head = prob.tail[ids], prob.head[ids]
        ar = np.arange(mu, dtype=np.int64)
        c0 = self.h.getNumCol()
        r0 = self.h.getNumRow()
        n_cols = 2 * mu + n_supply
        self.h.addCols(n_cols, np.zeros(n_cols), np.zeros(n_cols), np.full(n_cols, INF), 0,
                       np.zeros(n_cols, dtype=np.int32), np.zeros(0, dtype=np.int32),
                       np.zeros(0))
        fw = c0 + ar
        bw = c0 + mu + ar

        def absolute(cols: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
            return np.where(cols >= 0, cols, c0 + 2 * mu - 1 - cols)

        rows = [r0 + tail, r0 + head, r0 + head, r0 + tail, r0 + ends]
        cols = [fw, fw, bw, bw, absolute(end_cols)]
        vals = [np.ones(mu), -np.ones(mu), np.ones(mu), -np.ones(mu), end_signs]
        rc = r0 + n
        has = self.use_col[ids] >= 0
        rows += [rc + ar, rc + ar, rc + ar[has]]
        cols += [fw, bw, self.use_col[ids][has]]
        vals += [np.ones(mu), np.ones(mu), -self.use_coef[ids][has]]
        n_new = n + mu
        lo = [np.zeros(n), np.full(mu, -INF)]
        hi = [np.zeros(n), self.const_cap[ids]]
        if value_row is not None:
            vcols, vvals = value_row
            rows.append(np.full(vcols.size, rc + mu))
            cols.append(absolute(vcols))
            vals.append(vvals)
            n_new += 1
            lo.append(np.zeros(1))
            hi.append(np.zeros(1))
        m = sp.csr_matrix((np.concatenate(vals), (np.concatenate(rows) - r0,
                                                  np.concatenate(cols))),
                          shape=(n_new, self.h.getNumCol()))
        self.h.addRows(n_new, np.concatenate(lo), np.concatenate(hi), int(m.nnz),
                       m.indptr[:-1].astype(np.int32), m.indices.astype(np.int32),
                       m.data.astype(np.float64))

    def _add_compact_flows(self) -> None:
        """One flow t_1 -> t_i of value R_j per demand j and terminal t_i (own capacities)."""
        for j, d in enumerate(self.prob.demands):
            for t in d[1:]:
                # out - in - R_j ([v = t_1] - [v = t_i]) = 0
                self._add_flow(np.array([d[0], t], dtype=np.int64),
                               np.array([j, j], dtype=np.int64), np.array([-1.0, 1.0]))

    def split_key(self, inside: npt.NDArray[np.bool_]) -> frozenset[int]:
        """The terminal split of a node mask, as the side without the largest terminal."""
        terms = sorted({int(v) for d in self.prob.demands for v in d})
        x = frozenset(v for v in terms if inside[v])
        return x if terms[-1] not in x else frozenset(terms) - x

    def add_split_flow(self, inside: npt.NDArray[np.bool_]) -> bool:
        """Make the terminal split (X, T - X) exact: a flow from X to T - X of value
        ``sum_{j split by X} R_j`` with the links' own capacities (frequency: their usage
        terms). By max-flow min-cut this equals every cut row of that split, whatever p.

        ``inside`` is a node mask whose terminals are X. Returns False when the split splits
        no demand or already has its flow.
        """
        terms = sorted({int(v) for d in self.prob.demands for v in d})
        key = self.split_key(inside)
        if not key or len(key) == len(terms) or key in self.split_flows:
            return False
        split = self.split(inside)
        if not split.any():
            return False
        self.split_flows.add(key)
        src = [v for v in terms if inside[v]]
        dst = [v for v in terms if not inside[v]]
        ns = len(src) + len(dst)
        supply = -1 - np.arange(ns, dtype=np.int64)  # supply variable i of this flow
        # conservation: out - in - s_v [v in X] + t_v [v in T - X] = 0
        signs = np.concatenate([-np.ones(len(src)), np.ones(len(dst))])
        # value: sum_{v in X} s_v - sum_{j split} R_j = 0
        js = np.flatnonzero(split).astype(np.int64)
        value = (np.concatenate([supply[: len(src)], js]),
                 np.concatenate([np.ones(len(src)), -np.ones(js.size)]))
        self._add_flow(np.array(src + dst, dtype=np.int64), supply, signs, n_supply=ns,
                       value_row=value)
        return True

    def split(self, side: npt.NDArray[np.bool_]) -> npt.NDArray[np.bool_]:
        """Which demands the cut with source side ``side`` splits."""
        return np.array([bool(side[t].any() and not side[t].all()) for t in self.term])

    def add(self, sides: list[npt.NDArray[np.bool_]]) -> int:
        """Add the cut rows of ``sides`` (duplicates and cuts splitting nothing are skipped)."""
        prob = self.prob
        starts: list[int] = []
        idx: list[int] = []
        vals: list[float] = []
        hi: list[float] = []
        added = 0
        for side in sides:
            s = side if not side[-1] else ~side
            key = np.packbits(s).tobytes()
            if key in self.seen:
                continue
            split = self.split(s)
            if not split.any():
                continue
            self.seen.add(key)
            self.cuts.append(s)
            crossing = self.usable[s[prob.tail[self.usable]] != s[prob.head[self.usable]]]
            starts.append(len(idx))
            idx += np.flatnonzero(split).tolist()
            vals += [1.0] * int(split.sum())
            if self.freq:
                var = crossing[self.use_col[crossing] >= 0]
                idx += self.use_col[var].tolist()
                vals += (-self.use_coef[var]).tolist()
                hi.append(float(self.const_cap[crossing].sum()))
            else:
                hi.append(float(prob.capacity[crossing].sum()))
            added += 1
        if added:
            nr = self.h.getNumRow()
            self.cut_rows.extend(range(nr, nr + added))
            self.h.addRows(added, np.full(added, -INF), np.array(hi), len(idx),
                           np.array(starts, dtype=np.int32), np.array(idx, dtype=np.int32),
                           np.array(vals))
        return added

    def solve(self) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64],
                             npt.NDArray[np.float64], float]:
        """Return (rates R, link capacity vector p_e c_e, row duals, objective value)."""
        run_checked(self.h, "cut LP (upper bound)")
        sol = self.h.getSolution()
        x = np.asarray(sol.col_value, dtype=np.float64)
        dual = np.asarray(sol.row_dual, dtype=np.float64)
        capvec = np.zeros(self.prob.num_links)
        if self.freq:
            has = self.use_col >= 0
            capvec[has] = np.maximum(x[self.use_col[has]], 0.0) * self.use_coef[has]
            capvec += self.const_cap
        else:
            capvec[self.usable] = self.prob.capacity[self.usable]
        obj = -float(self.h.getInfo().objective_function_value)
        return np.maximum(x[: self.k], 0.0), capvec, dual, obj

    def usage(self, capvec: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        """Usage p_e per link (frequency): variable links p = term / c_e; pruned links 0."""
        p = np.zeros(self.prob.num_links)
        var = self.use_col >= 0
        p[var] = capvec[var] / self.prob.capacity[var]
        return p

    def dual_values(self) -> tuple[float, float]:
        """(dual objective, certified slack of the pruned links) of the last solve, scaled.

        The dual objective, in the maximisation's sign, is ``-(sum_i y_i b_i + sum_j d_j u_j)``
        over the active row and column bounds. The slack is the part of it that comes from the
        constant right-hand sides of pruned links (frequency only): ``sum_i |y_i| b_i`` over the
        cut and compact-flow capacity rows. One read of the LP serves both.
        """
        sol = self.h.getSolution()
        lp = self.h.getLp()
        y = np.asarray(sol.row_dual, dtype=np.float64)
        d = np.asarray(sol.col_dual, dtype=np.float64)
        rl = np.asarray(lp.row_lower_, dtype=np.float64)
        ru = np.asarray(lp.row_upper_, dtype=np.float64)
        cl = np.asarray(lp.col_lower_, dtype=np.float64)
        cu = np.asarray(lp.col_upper_, dtype=np.float64)
        rb = np.where(y < 0, ru, np.where(y > 0, rl, 0.0))
        cb = np.where(d < 0, cu, np.where(d > 0, cl, 0.0))
        rb = np.where(np.abs(rb) >= INF, 0.0, rb)
        cb = np.where(np.abs(cb) >= INF, 0.0, cb)
        dual_obj = -float(np.dot(y, rb) + np.dot(d, cb))
        slack = 0.0
        if self.freq and self.const.size:
            lo = self.budget_row + 1 + (self.k if self.worst else 0)
            hi = ru[lo:]
            finite = hi < INF
            slack = float(np.dot(np.abs(y[lo:])[finite], hi[finite]))
        return dual_obj, slack
