"""Independent re-implementation of the network LPs, compared with ``network_bounds``.

Nothing here calls the library's LP layer: the LPs are written again from the spec
(``network_bounds.md`` §4-§8) with ``scipy.optimize.linprog``:

- the multicommodity flow LP in node-arc form (pairs only), flooding and frequency usage;
- the tree-packing LP over *all* Steiner trees, found by brute-force enumeration of edge subsets
  (pairs are groups of two: their trees are the simple paths), pairs and groups mixed;
- the cut LP over *all* node bipartitions (exact MPCUT / group cut LP / SCUT).

They are compared with the facade on seeded random small multigraphs (parallel links, tiny
capacities from long fibre links, disconnected demands, mixed pairs and groups, weights), and
the routes of the facade are checked for consistency with the network and the rates.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest
from scipy.optimize import linprog

from qinternet.networks import Link, Network, NetworkBoundResult, Node, Usage, network_bounds

REL = 1e-7
ABS = 1e-12
_OPTS = {"primal_feasibility_tolerance": 1e-10, "dual_feasibility_tolerance": 1e-10}


def close(a: float, b: float, rel: float = REL, abs_: float = ABS) -> bool:
    return abs(a - b) <= rel * max(abs(a), abs(b)) + abs_


# ------------------------------------------------------------------------------------------
# Instances
# ------------------------------------------------------------------------------------------
@dataclass
class Instance:
    n: int
    edges: list[tuple[int, int]]
    up: np.ndarray
    lo: np.ndarray
    demands: list[tuple[int, ...]]

    def network(self) -> Network:
        nodes = tuple(Node(id=f"v{i}", label=f"City{i}" if i % 2 else None)
                      for i in range(self.n))
        links = []
        seen: dict[tuple[int, int], int] = {}
        for e, (a, b) in enumerate(self.edges):
            key = seen.get((min(a, b), max(a, b)), 0)
            seen[(min(a, b), max(a, b))] = key + 1
            links.append(Link(index=e, u=f"v{a}", v=f"v{b}", key=key,
                              upper_ebits_per_use=float(self.up[e]),
                              lower_ebits_per_use=float(self.lo[e])))
        return Network(nodes=nodes, links=tuple(links), name="random")

    def names(self) -> list[list[str]]:
        # odd nodes by their label, even nodes by their id: both must be accepted
        return [[f"City{v}" if v % 2 else f"v{v}" for v in d] for d in self.demands]


def random_instance(seed: int, *, groups: bool, n_max: int = 7) -> Instance:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(4, n_max + 1))
    edges: list[tuple[int, int]] = []
    order = rng.permutation(n - 1)  # a random tree on nodes 0..n-2; node n-1 maybe isolated
    for i in range(1, n - 1):
        edges.append((int(order[i]), int(order[rng.integers(0, i)])))
    isolated = rng.random() < 0.25
    if not isolated:
        edges.append((n - 1, int(rng.integers(0, n - 1))))
    m_target = min(len(edges) + int(rng.integers(1, 5)), 10)
    while len(edges) < m_target:
        a, b = (int(x) for x in rng.choice(n - 1 if isolated else n, 2, replace=False))
        edges.append((a, b))
    if rng.random() < 0.6 and edges:  # a parallel link
        edges[-1] = edges[int(rng.integers(0, len(edges) - 1))]
    m = len(edges)
    up = rng.uniform(0.05, 2.0, m)
    lo = up * np.where(rng.random(m) < 0.5, 1.0, rng.uniform(0.2, 1.0, m))
    kind = rng.random()
    if kind < 0.25:  # every link a long fibre link: all capacities tiny
        f = 10.0 ** rng.uniform(-10, -8)
        up, lo = up * f, lo * f
    elif kind < 0.45:  # a few long links among short ones
        tiny = rng.random(m) < 0.3
        f = 10.0 ** rng.uniform(-10, -8, m)
        up = np.where(tiny, up * f, up)
        lo = np.where(tiny, lo * f, lo)
    if rng.random() < 0.15:
        lo[int(rng.integers(0, m))] = 0.0  # a link with no achievable rate
    demands: list[tuple[int, ...]] = []
    for _ in range(int(rng.integers(1, 4))):
        demands.append(tuple(int(x) for x in rng.choice(n, 2, replace=False)))
    if groups:
        for _ in range(int(rng.integers(1, 3))):
            size = int(rng.integers(3, min(4, n) + 1))
            demands.append(tuple(int(x) for x in rng.choice(n, size, replace=False)))
        rng.shuffle(demands)
    return Instance(n=n, edges=edges, up=up, lo=lo, demands=demands)


# ------------------------------------------------------------------------------------------
# Independent LPs
# ------------------------------------------------------------------------------------------
def _objective_rows(k: int, n_var: int, objective: str, weights: Sequence[float] | None,
                    rate_col: Sequence[int], t_col: int | None,
                    a_ub: list[np.ndarray], b_ub: list[float]) -> np.ndarray:
    """Objective vector (minimised) and the WORST rows d_i T - R_i <= 0."""
    w = np.ones(k) if weights is None else np.asarray(weights, dtype=float)
    c = np.zeros(n_var)
    if objective == "worst":
        assert t_col is not None
        c[t_col] = -1.0
        for i in range(k):
            row = np.zeros(n_var)
            row[t_col] = w[i]
            row[rate_col[i]] = -1.0
            a_ub.append(row)
            b_ub.append(0.0)
    else:
        q = w if objective == "weighted" else np.ones(k)
        for i in range(k):
            c[rate_col[i]] = -q[i]
    return c


def _solve(c: np.ndarray, a_ub: list[np.ndarray], b_ub: list[float],
           a_eq: list[np.ndarray] | None = None, b_eq: list[float] | None = None) -> float:
    res = linprog(c, A_ub=np.array(a_ub) if a_ub else None, b_ub=b_ub or None,
                  A_eq=np.array(a_eq) if a_eq else None, b_eq=b_eq or None,
                  bounds=(0, None), method="highs", options=_OPTS)
    assert res.status == 0, res.message
    return float(-res.fun)


def _dijkstra(n: int, edges: Sequence[tuple[int, int]], cap: np.ndarray, s: int,
              widest: bool) -> np.ndarray:
    """Plain O(n^2) Dijkstra: lengths 1/c_e (shortest) or bottleneck values (widest)."""
    best = np.full(n, -np.inf if widest else np.inf)
    best[s] = np.inf if widest else 0.0
    done = np.zeros(n, dtype=bool)
    for _ in range(n):
        cand = np.where(done, -np.inf if widest else np.inf, best)
        u = int(np.argmax(cand) if widest else np.argmin(cand))
        if cand[u] == (-np.inf if widest else np.inf):
            break
        done[u] = True
        for e, (a, b) in enumerate(edges):
            if cap[e] <= 0 or u not in (a, b):
                continue
            v = b if a == u else a
            val = min(best[u], cap[e]) if widest else best[u] + 1.0 / cap[e]
            if (val > best[v]) if widest else (val < best[v]):
                best[v] = val
    return best


def value_reference(n: int, edges: Sequence[tuple[int, int]], cap: np.ndarray,
                    demands: Sequence[Sequence[int]], usage: str, objective: str) -> float:
    """A rate scale so that the LP optimum is O(1) (rescaling is mandatory with HiGHS, §11).

    Per demand, its best single route (flooding: widest-path bottleneck; frequency: 1 /
    shortest path with lengths 1/c_e); then the smallest (worst) or largest (total, weighted).
    """
    vals = []
    for d in demands:
        dist = _dijkstra(n, edges, cap, d[0], widest=usage == "flooding")
        per = [float(dist[t]) if usage == "flooding" else 1.0 / float(dist[t]) for t in d[1:]]
        v = min(per)
        if np.isfinite(v) and v > 0:
            vals.append(v)
    if not vals:
        return 1.0
    return min(vals) if objective == "worst" else max(vals)


class _CapModel:
    """Link capacity rows in units of ``ref``: flooding ``load_e <= c_e/ref``; frequency
    ``load_e <= q_e`` with ``sum_e (ref/c_e) q_e <= 1`` (q_e = p_e c_e / ref)."""

    def __init__(self, cap: np.ndarray, usage: str, ref: float) -> None:
        self.cap = cap
        self.freq = usage == "frequency"
        self.ref = ref
        self.usable = [e for e in range(len(cap)) if cap[e] > 0]
        self.n_extra = len(self.usable) if self.freq else 0

    def rows(self, loads: list[np.ndarray], col_q: int, a_ub: list[np.ndarray],
             b_ub: list[float]) -> None:
        for e, row in enumerate(loads):
            row = row.copy()
            if self.cap[e] <= 0:
                a_ub.append(row)
                b_ub.append(0.0)
            elif self.freq:
                row[col_q + self.usable.index(e)] = -1.0
                a_ub.append(row)
                b_ub.append(0.0)
            else:
                a_ub.append(row)
                b_ub.append(float(self.cap[e] / self.ref))
        if self.freq and loads:
            self.budget(len(loads[0]), col_q, a_ub, b_ub)

    def budget(self, n_var: int, col_q: int, a_ub: list[np.ndarray], b_ub: list[float]) -> None:
        row = np.zeros(n_var)
        for j, e in enumerate(self.usable):
            row[col_q + j] = self.ref / self.cap[e]
        a_ub.append(row)
        b_ub.append(1.0)


def node_arc_flow_lp(n: int, edges: Sequence[tuple[int, int]], cap: np.ndarray,
                     pairs: Sequence[Sequence[int]], usage: str, objective: str,
                     weights: Sequence[float] | None = None) -> float:
    """Spec §5.1 MP(c, U, obj) in node-arc form (orientation variables per commodity)."""
    ref = value_reference(n, edges, cap, pairs, usage, objective)
    model = _CapModel(cap, usage, ref)
    k, m = len(pairs), len(edges)
    col_f = 0  # f^i(e, +) at 2*(i*m + e), f^i(e, -) at 2*(i*m + e) + 1
    col_r = 2 * k * m
    col_q = col_r + k
    col_t = col_q + model.n_extra
    n_var = col_t + (1 if objective == "worst" else 0)
    a_ub: list[np.ndarray] = []
    b_ub: list[float] = []
    a_eq: list[np.ndarray] = []
    b_eq: list[float] = []
    for i, pair in enumerate(pairs):
        si, ti = pair[0], pair[1]
        for v in range(n):
            row = np.zeros(n_var)
            for e, (a, b) in enumerate(edges):
                base = col_f + 2 * (i * m + e)
                if a == v:
                    row[base] += 1.0
                    row[base + 1] -= 1.0
                if b == v:
                    row[base] -= 1.0
                    row[base + 1] += 1.0
            row[col_r + i] = -1.0 if v == si else (1.0 if v == ti else 0.0)
            a_eq.append(row)
            b_eq.append(0.0)
    loads = []
    for e in range(m):
        row = np.zeros(n_var)
        for i in range(k):
            row[col_f + 2 * (i * m + e)] = 1.0
            row[col_f + 2 * (i * m + e) + 1] = 1.0
        loads.append(row)
    model.rows(loads, col_q, a_ub, b_ub)
    c = _objective_rows(k, n_var, objective, weights, [col_r + i for i in range(k)],
                        col_t if objective == "worst" else None, a_ub, b_ub)
    return _solve(c, a_ub, b_ub, a_eq, b_eq) * ref


def _find(parent: Any, x: Any) -> Any:
    """Root of ``x`` in a union-find forest (list or dict of parents)."""
    while parent[x] != x:
        x = parent[x]
    return x


def steiner_trees(n: int, edges: Sequence[tuple[int, int]],
                  terminals: Sequence[int]) -> list[tuple[int, ...]]:
    """All Steiner trees (edge-index sets) spanning ``terminals`` whose leaves are terminals."""
    term = set(terminals)
    out = []
    for size in range(len(term) - 1, n):
        for subset in itertools.combinations(range(len(edges)), size):
            nodes: set[int] = set()
            deg: dict[int, int] = {}
            parent = list(range(n))
            acyclic = True
            for e in subset:
                a, b = edges[e]
                ra, rb = _find(parent, a), _find(parent, b)
                if ra == rb:
                    acyclic = False
                    break
                parent[ra] = rb
                nodes |= {a, b}
                deg[a] = deg.get(a, 0) + 1
                deg[b] = deg.get(b, 0) + 1
            if not acyclic or not term <= nodes or len(nodes) != size + 1:
                continue
            if any(d == 1 and v not in term for v, d in deg.items()):
                continue
            out.append(subset)
    return out


def tree_packing_lp(n: int, edges: Sequence[tuple[int, int]], cap: np.ndarray,
                    demands: Sequence[Sequence[int]], usage: str, objective: str,
                    weights: Sequence[float] | None = None) -> float:
    """Spec §6.1/§7: packing over ALL Steiner trees (paths for pairs), by enumeration."""
    ref = value_reference(n, edges, cap, demands, usage, objective)
    model = _CapModel(cap, usage, ref)
    k, m = len(demands), len(edges)
    trees = [(j, t) for j, d in enumerate(demands) for t in steiner_trees(n, edges, d)]
    col_x = 0
    col_r = len(trees)
    col_q = col_r + k
    col_t = col_q + model.n_extra
    n_var = col_t + (1 if objective == "worst" else 0)
    a_ub: list[np.ndarray] = []
    b_ub: list[float] = []
    a_eq: list[np.ndarray] = []
    b_eq: list[float] = []
    for j in range(k):  # r_j = sum of its trees
        row = np.zeros(n_var)
        for col, (jj, _) in enumerate(trees):
            if jj == j:
                row[col_x + col] = 1.0
        row[col_r + j] = -1.0
        a_eq.append(row)
        b_eq.append(0.0)
    loads = []
    for e in range(m):
        row = np.zeros(n_var)
        for col, (_, t) in enumerate(trees):
            if e in t:
                row[col_x + col] = 1.0
        loads.append(row)
    model.rows(loads, col_q, a_ub, b_ub)
    c = _objective_rows(k, n_var, objective, weights, [col_r + j for j in range(k)],
                        col_t if objective == "worst" else None, a_ub, b_ub)
    return _solve(c, a_ub, b_ub, a_eq, b_eq) * ref


def cut_lp(n: int, edges: Sequence[tuple[int, int]], cap: np.ndarray,
           demands: Sequence[Sequence[int]], usage: str, objective: str,
           weights: Sequence[float] | None = None) -> float:
    """Spec §5.2/§6.2/§7: the cut LP over ALL bipartitions (node 0 always outside S)."""
    ref = value_reference(n, edges, cap, demands, usage, objective)
    model = _CapModel(cap, usage, ref)
    k = len(demands)
    col_r = 0
    col_q = k
    col_t = col_q + model.n_extra
    n_var = col_t + (1 if objective == "worst" else 0)
    a_ub: list[np.ndarray] = []
    b_ub: list[float] = []
    for bits in range(1, 1 << (n - 1)):
        side = [False] + [bool(bits >> (v - 1) & 1) for v in range(1, n)]
        split = [j for j, d in enumerate(demands) if len({side[v] for v in d}) == 2]
        if not split:
            continue
        row = np.zeros(n_var)
        for j in split:
            row[col_r + j] = 1.0
        crossing = [e for e, (a, b) in enumerate(edges) if side[a] != side[b]]
        rhs = 0.0
        for e in crossing:
            if cap[e] <= 0:
                continue
            if model.freq:
                row[col_q + model.usable.index(e)] -= 1.0
            else:
                rhs += float(cap[e] / ref)
        a_ub.append(row)
        b_ub.append(rhs)
    if model.freq:
        model.budget(n_var, col_q, a_ub, b_ub)
    c = _objective_rows(k, n_var, objective, weights, [col_r + j for j in range(k)],
                        col_t if objective == "worst" else None, a_ub, b_ub)
    return _solve(c, a_ub, b_ub) * ref


# ------------------------------------------------------------------------------------------
# Route checks
# ------------------------------------------------------------------------------------------
def check_result(inst: Instance, net: Network, res: NetworkBoundResult, usage: str,
                 objective: str, weights: Sequence[float] | None) -> None:
    names = net.node_names
    k = len(inst.demands)
    assert res.lower <= res.upper * (1 + REL) + ABS
    assert res.upper_certified
    assert res.unit == ("ebits per network use" if usage == "flooding"
                        else "ebits per channel use")
    rates = np.asarray(res.rates)
    assert rates.shape == (k,) and np.all(rates >= -ABS)
    w = np.ones(k) if weights is None else np.asarray(weights)
    if objective == "total":
        achieved = float(rates.sum())
    elif objective == "weighted":
        achieved = float(np.dot(w, rates))
    else:
        achieved = float(np.min(rates / w))
    assert close(achieved, res.lower, rel=1e-6), (achieved, res.lower)
    # a node pair may be joined by parallel links: capacities add up per node pair
    pair_cap: dict[frozenset[str], float] = {}
    for e, (a, b) in enumerate(inst.edges):
        key = frozenset((names[a], names[b]))
        pair_cap[key] = pair_cap.get(key, 0.0) + float(inst.lo[e])
    load: dict[frozenset[str], float] = {}
    per_demand = np.zeros(k)
    for r in res.routes:
        i = r.demand
        assert r.rate > 0
        per_demand[i] += r.rate
        terms = {names[v] for v in inst.demands[i]}
        if len(inst.demands[i]) == 2:
            path = r.path
            assert path is not None
            assert {path[0], path[-1]} == terms and len(set(path)) == len(path)
            hops = list(itertools.pairwise(path))
        else:
            hops = [tuple(x) for x in r.tree or ()]
            nodes = {x for h in hops for x in h}
            assert terms <= nodes and len(nodes) == len(hops) + 1
            parent = {x: x for x in nodes}
            for a, b in hops:
                ra, rb = _find(parent, a), _find(parent, b)
                assert ra != rb, "tree has a cycle"
                parent[ra] = rb
        for a, b in hops:
            key = frozenset((a, b))
            assert key in pair_cap, f"route uses a missing link {a}-{b}"
            load[key] = load.get(key, 0.0) + r.rate
    for i in range(k):
        assert close(per_demand[i], rates[i], rel=1e-6, abs_=1e-15), (i, per_demand, rates)
    flows = np.asarray(res.link_flows)
    assert flows.shape == (len(inst.edges),)
    if usage == "flooding":
        for key, val in load.items():
            assert val <= pair_cap[key] * (1 + 1e-6) + 1e-15, (key, val, pair_cap[key])
        assert np.all(flows <= inst.lo * (1 + 1e-6) + 1e-15)
    else:
        assert res.link_usage is not None
        p = np.asarray(res.link_usage)
        assert np.all(p >= -1e-12) and p.sum() <= 1 + 1e-6
        assert np.all(flows <= p * inst.lo * (1 + 1e-6) + 1e-15)


# ------------------------------------------------------------------------------------------
# Tests
# ------------------------------------------------------------------------------------------
def _weights(seed: int, objective: str, k: int) -> list[float] | None:
    rng = np.random.default_rng(seed + 1000)
    if objective == "weighted":
        w = rng.uniform(0.0, 2.0, k)
        w[rng.random(k) < 0.2] = 0.0
        return [float(x) for x in w]
    if objective == "worst" and rng.random() < 0.5:
        return [float(x) for x in rng.uniform(0.5, 2.0, k)]
    return None


def _run(seed: int, groups: bool) -> None:
    inst = random_instance(seed, groups=groups)
    net = inst.network()
    for usage, objective in itertools.product(("flooding", "frequency"),
                                              ("total", "worst", "weighted")):
        w = _weights(seed, objective, len(inst.demands))
        u = Usage.flooding() if usage == "flooding" else Usage.frequency()
        res = network_bounds(net, inst.names(), usage=u, objective=objective,  # type: ignore[arg-type]
                             weights=w)
        lower = tree_packing_lp(inst.n, inst.edges, inst.lo, inst.demands, usage, objective, w)
        upper = cut_lp(inst.n, inst.edges, inst.up, inst.demands, usage, objective, w)
        ctx = (seed, usage, objective, inst.demands, res.lower, lower, res.upper, upper)
        assert close(res.lower, lower), ctx
        assert close(res.upper, upper), ctx
        if not groups:
            flow = node_arc_flow_lp(inst.n, inst.edges, inst.lo,
                                    [(d[0], d[1]) for d in inst.demands], usage, objective, w)
            assert close(flow, lower), (*ctx, flow)
        check_result(inst, net, res, usage, objective, w)


@pytest.mark.parametrize("seed", range(30))
def test_pairs_agree_with_independent_node_arc_path_and_cut_lps(seed: int) -> None:
    _run(seed, groups=False)


@pytest.mark.parametrize("seed", range(100, 125))
def test_pairs_and_groups_agree_with_brute_force_tree_and_cut_lps(seed: int) -> None:
    _run(seed, groups=True)


def test_steiner_enumeration_counts() -> None:
    """The brute-force enumerator reproduces the spec's Steiner-tree counts (§13)."""
    k4 = list(itertools.combinations(range(4), 2))
    assert len(steiner_trees(3, [(0, 1), (1, 2), (0, 2)], [0, 1, 2])) == 3
    assert len(steiner_trees(4, k4, [0, 1, 2, 3])) == 16
    assert len(steiner_trees(4, k4, [0, 1, 2])) == 10
    wheel = [(0, 1), (1, 2), (2, 3), (3, 0), (4, 0), (4, 1), (4, 2), (4, 3)]
    assert len(steiner_trees(5, wheel, [0, 1, 2])) == 19


def test_r7_gap_cut_lp_not_flow_lp() -> None:
    """R7 (K_{2,3}, four pairs, flooding, max-min): flow 0.75, cut 1.0, both independent."""
    edges = [(0, 2), (0, 3), (0, 4), (1, 2), (1, 3), (1, 4)]
    cap = np.ones(6)
    pairs: list[tuple[int, ...]] = [(2, 3), (3, 4), (2, 4), (0, 1)]
    assert close(node_arc_flow_lp(5, edges, cap, pairs, "flooding", "worst"), 0.75)
    assert close(tree_packing_lp(5, edges, cap, pairs, "flooding", "worst"), 0.75)
    assert close(cut_lp(5, edges, cap, pairs, "flooding", "worst"), 1.0)
    inst = Instance(n=5, edges=edges, up=cap, lo=cap, demands=list(pairs))
    res = network_bounds(inst.network(), inst.names())
    assert close(res.lower, 0.75) and close(res.upper, 1.0)
