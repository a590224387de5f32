"""Invariants of the network LPs, checked against independent brute-force formulations."""

from __future__ import annotations

import itertools
from typing import Any

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from qinternet.errors import InvalidParameterError, SolverError
from qinternet.networks.lp import (
    LinkArrays,
    lower_bound,
    multicommodity_flow_lp,
    per_demand_cut_relaxation,
    upper_bound,
)
from qinternet.networks.lp._highs import solve_lp
from qinternet.networks.lp._steiner import enumerate_steiner_trees
from qinternet.networks.usage import Usage

OBJECTIVES = ["total", "worst", "weighted"]


def random_links(seed: int, n_min: int = 3, n_max: int = 6, p: float = 0.6) -> LinkArrays:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(n_min, n_max + 1))
    pairs = [(a, b) for a, b in itertools.combinations(range(n), 2) if rng.random() < p]
    if not pairs:
        pairs = [(0, 1)]
    if rng.random() < 0.3:
        pairs.append(pairs[0])  # parallel link
    cap = rng.choice([0.5, 1.0, 2.0, 3.0], size=len(pairs))
    return LinkArrays(num_nodes=n, tail=np.array([a for a, _ in pairs], dtype=np.int64),
                      head=np.array([b for _, b in pairs], dtype=np.int64), capacity=cap)


def random_demands(seed: int, n: int, k_max: int = 3, groups: bool = True) -> list[tuple[int, ...]]:
    rng = np.random.default_rng(seed + 7)
    k = int(rng.integers(1, k_max + 1))
    out = []
    for _ in range(k):
        pair = not groups or n < 3 or rng.random() < 0.6
        size = 2 if pair else int(rng.integers(3, min(n, 4) + 1))
        out.append(tuple(int(v) for v in rng.permutation(n)[:size]))
    return out


def usage_of(name: str) -> Usage:
    return Usage.flooding() if name == "flooding" else Usage.frequency()


def brute_cut_lp(links: LinkArrays, demands: list[tuple[int, ...]], usage: Usage,
                 objective: str, weights: list[float] | None) -> float:
    """MPCUT / group cut LP with every bipartition written out (scipy linprog)."""
    n, m, k = links.num_nodes, links.num_links, len(demands)
    freq = usage.model == "frequency"
    worst = objective == "worst"
    q = np.ones(k) if weights is None or objective == "total" else np.asarray(weights, float)
    nv = k + (1 if worst else 0) + (m if freq else 0)
    p0 = k + (1 if worst else 0)
    rows, rhs = [], []
    for bits in itertools.product([False, True], repeat=n - 1):
        side = np.array([*bits, False])
        if not side.any():
            continue
        split = [bool(side[list(d)].any() and not side[list(d)].all()) for d in demands]
        if not any(split):
            continue
        cross = side[links.tail] != side[links.head]
        row = np.zeros(nv)
        row[:k] = split
        if freq:
            row[p0:] = -(cross * links.capacity)
            rhs.append(0.0)
        else:
            rhs.append(float(links.capacity[cross].sum()))
        rows.append(row)
    if freq:
        row = np.zeros(nv)
        row[p0:] = 1
        rows.append(row)
        rhs.append(1.0)
    c = np.zeros(nv)
    if worst:
        for j in range(k):
            row = np.zeros(nv)
            row[k] = q[j]
            row[j] = -1
            rows.append(row)
            rhs.append(0.0)
        c[k] = -1
    else:
        c[:k] = -q
    res = linprog(c, A_ub=np.array(rows), b_ub=np.array(rhs), bounds=(0, None), method="highs")
    assert res.status == 0
    return -float(res.fun)


def brute_tree_packing(links: LinkArrays, group: tuple[int, ...], usage: Usage) -> float:
    """Fractional Steiner-tree packing with every Steiner tree enumerated."""
    trees = enumerate_steiner_trees(links.tail.tolist(), links.head.tolist(), group)
    if not trees:
        return 0.0
    m, nt = links.num_links, len(trees)
    a = np.zeros((m, nt))
    for i, t in enumerate(trees):
        a[list(t), i] = 1
    if usage.model == "flooding":
        res = linprog(-np.ones(nt), A_ub=a, b_ub=links.capacity, bounds=(0, None), method="highs")
    else:  # p_e variables, load_e <= c_e p_e, sum p <= 1
        a_ub = np.block([[a, -np.diag(links.capacity)],
                         [np.zeros((1, nt)), np.ones((1, m))]])
        b_ub = np.concatenate([np.zeros(m), [1.0]])
        res = linprog(np.concatenate([-np.ones(nt), np.zeros(m)]), A_ub=a_ub, b_ub=b_ub,
                      bounds=(0, None), method="highs")
    assert res.status == 0
    return -float(res.fun)


def brute_steiner_cut(links: LinkArrays, group: tuple[int, ...], usage: Usage) -> float:
    """SCUT by enumerating every Steiner cut."""
    return brute_cut_lp(links, [group], usage, "total", None)


@settings(max_examples=30)
@given(seed=st.integers(0, 10**6), objective=st.sampled_from(OBJECTIVES),
       usage=st.sampled_from(["flooding", "frequency"]))
def test_exact_cut_lp_equals_brute_force(seed: int, objective: str, usage: str) -> None:
    links = random_links(seed)
    demands = random_demands(seed, links.num_nodes)
    weights = list(np.random.default_rng(seed).choice([0.5, 1.0, 2.0], size=len(demands)))
    sol = upper_bound(links, demands, usage_of(usage), objective=objective, weights=weights)
    ref = brute_cut_lp(links, demands, usage_of(usage), objective, weights)
    assert sol.value == pytest.approx(ref, rel=1e-7, abs=1e-9)
    assert sol.certified and sol.lp_optimal
    assert sol.dual_objective == pytest.approx(sol.value, rel=1e-7, abs=1e-9)
    # the relaxation (no enumeration) is never below the exact cut LP
    relax = upper_bound(links, demands, usage_of(usage), objective=objective, weights=weights,
                        exact_max_nodes=1)
    assert relax.value >= ref * (1 - 1e-7) - 1e-9
    assert relax.certified
    if len(demands) == 1:
        assert relax.value == pytest.approx(ref, rel=1e-7, abs=1e-9)


@settings(max_examples=30)
@given(seed=st.integers(0, 10**6), objective=st.sampled_from(OBJECTIVES),
       usage=st.sampled_from(["flooding", "frequency"]))
def test_lower_le_upper(seed: int, objective: str, usage: str) -> None:
    up = random_links(seed)
    rng = np.random.default_rng(seed + 3)
    lo = up.with_capacity(up.capacity * rng.uniform(0.2, 1.0, size=up.num_links))
    demands = random_demands(seed, up.num_nodes)
    low = lower_bound(lo, demands, usage_of(usage), objective=objective)
    upp = upper_bound(up, demands, usage_of(usage), objective=objective)
    assert low.value <= upp.value * (1 + 1e-9) + 1e-12
    assert low.dual_objective == pytest.approx(low.value, rel=1e-7, abs=1e-9)


@settings(max_examples=25)
@given(seed=st.integers(0, 10**6), objective=st.sampled_from(OBJECTIVES),
       usage=st.sampled_from(["flooding", "frequency"]))
def test_column_generation_equals_node_arc_lp(seed: int, objective: str, usage: str) -> None:
    links = random_links(seed, n_max=7)
    demands = random_demands(seed, links.num_nodes, k_max=4, groups=False)
    weights = list(np.random.default_rng(seed).choice([0.5, 1.0, 2.0], size=len(demands)))
    cg = lower_bound(links, demands, usage_of(usage), objective=objective, weights=weights)
    na = multicommodity_flow_lp(links, demands, usage_of(usage), objective=objective,
                                weights=weights)
    assert cg.value == pytest.approx(na.value, rel=1e-7, abs=1e-9)
    assert cg.lp_optimal
    for r in cg.routes:  # paths run from the first to the second terminal
        assert r.nodes is not None
        assert (r.nodes[0], r.nodes[-1]) == demands[r.demand]


@settings(max_examples=25)
@given(seed=st.integers(0, 10**6), usage=st.sampled_from(["flooding", "frequency"]))
def test_tree_packing_scut_and_gap(seed: int, usage: str) -> None:
    links = random_links(seed, n_min=4)
    m = int(np.random.default_rng(seed).integers(3, min(links.num_nodes, 4) + 1))
    group = tuple(int(v) for v in np.random.default_rng(seed + 1).permutation(links.num_nodes)[:m])
    u = usage_of(usage)
    tree = lower_bound(links, [group], u, objective="total")
    assert tree.value == pytest.approx(brute_tree_packing(links, group, u), rel=1e-7, abs=1e-9)
    scut = brute_steiner_cut(links, group, u)
    compact = per_demand_cut_relaxation(links, [group], u, objective="total")
    assert compact.value == pytest.approx(scut, rel=1e-7, abs=1e-9)
    assert upper_bound(links, [group], u, objective="total").value == pytest.approx(
        scut, rel=1e-7, abs=1e-9)
    assert tree.value <= scut * (1 + 1e-9) + 1e-12
    assert scut <= (2 - 2 / m) * tree.value * (1 + 1e-9) + 1e-12


@settings(max_examples=25)
@given(seed=st.integers(0, 10**6))
def test_single_pair_and_two_terminal_group_equal_max_flow(seed: int) -> None:
    links = random_links(seed)
    g = nx.Graph()
    g.add_nodes_from(range(links.num_nodes))
    for a, b, c in zip(links.tail, links.head, links.capacity, strict=True):
        if g.has_edge(a, b):
            g[a][b]["capacity"] += c
        else:
            g.add_edge(int(a), int(b), capacity=float(c))
    s, t = 0, links.num_nodes - 1
    ref = nx.maximum_flow_value(g, s, t) if nx.has_path(g, s, t) else 0.0
    for objective in ("total", "worst"):
        assert lower_bound(links, [(s, t)], Usage.flooding(), objective=objective).value == (
            pytest.approx(ref, rel=1e-9, abs=1e-12))
        assert upper_bound(links, [(s, t)], Usage.flooding(), objective=objective).value == (
            pytest.approx(ref, rel=1e-9, abs=1e-12))


@settings(max_examples=20)
@given(seed=st.integers(0, 10**6), objective=st.sampled_from(["total", "worst"]),
       usage=st.sampled_from(["flooding", "frequency"]))
def test_two_pairs_flow_equals_cut(seed: int, objective: str, usage: str) -> None:
    """Hu's two-commodity theorem: for k <= 2 pairs the flow LP equals the cut LP."""
    links = random_links(seed)
    rng = np.random.default_rng(seed + 5)
    demands = [tuple(int(v) for v in rng.permutation(links.num_nodes)[:2]) for _ in range(2)]
    if demands[0] == demands[1] or demands[0] == demands[1][::-1]:
        demands = demands[:1]
    # Hu's theorem is for integral-capacity half-integral flows in undirected graphs; the LP
    # values coincide
    low = lower_bound(links, demands, usage_of(usage), objective=objective)
    upp = upper_bound(links, demands, usage_of(usage), objective=objective)
    assert low.value == pytest.approx(upp.value, rel=1e-7, abs=1e-9)


@settings(max_examples=20)
@given(seed=st.integers(0, 10**6))
def test_frequency_closed_forms(seed: int) -> None:
    """U1 closed forms of spec section 8: 1/L, max q/L, 1/sum d L, 1/ST(1/c)."""
    links = random_links(seed, n_min=4)
    g = nx.MultiGraph()
    g.add_nodes_from(range(links.num_nodes))
    for a, b, c in zip(links.tail, links.head, links.capacity, strict=True):
        g.add_edge(int(a), int(b), length=1.0 / c)
    rng = np.random.default_rng(seed + 11)
    pairs = [tuple(int(v) for v in rng.permutation(links.num_nodes)[:2]) for _ in range(3)]
    if not all(nx.has_path(g, a, b) for a, b in pairs):
        return
    lengths = np.array([nx.shortest_path_length(g, a, b, weight="length") for a, b in pairs])
    q = np.array([1.0, 2.0, 0.5])
    u = Usage.frequency()
    assert lower_bound(links, pairs, u, objective="weighted", weights=q).value == pytest.approx(
        float(np.max(q / lengths)), rel=1e-9)
    assert lower_bound(links, pairs, u, objective="worst", weights=q).value == pytest.approx(
        1.0 / float(np.sum(q * lengths)), rel=1e-9)
    group = tuple(int(v) for v in rng.permutation(links.num_nodes)[:3])
    trees = enumerate_steiner_trees(links.tail.tolist(), links.head.tolist(), group)
    if trees:
        st_cost = min(float(np.sum(1.0 / links.capacity[list(t)])) for t in trees)
        assert lower_bound(links, [group], u, objective="total").value == pytest.approx(
            1.0 / st_cost, rel=1e-9)


def test_budget_usage_equals_flooding_with_scaled_capacities() -> None:
    links = random_links(3, n_min=5)
    budgets = np.linspace(1.0, 3.0, links.num_links)
    demands = [(0, links.num_nodes - 1), (1, 2)]
    a = lower_bound(links, demands, Usage.budget(budgets), objective="total")
    b = lower_bound(links.with_capacity(links.capacity * budgets), demands, Usage.flooding(),
                    objective="total")
    assert a.value == pytest.approx(b.value, rel=1e-9)
    c = upper_bound(links, demands, Usage.budget(budgets), objective="total")
    d = upper_bound(links.with_capacity(links.capacity * budgets), demands, Usage.flooding(),
                    objective="total")
    assert c.value == pytest.approx(d.value, rel=1e-9)


def _grid(n: int, cap: float = 1.0) -> LinkArrays:
    g = nx.convert_node_labels_to_integers(nx.grid_2d_graph(n, n))
    e = np.array(list(g.edges()), dtype=np.int64)
    rng = np.random.default_rng(n)
    return LinkArrays(num_nodes=g.number_of_nodes(), tail=e[:, 0], head=e[:, 1],
                      capacity=cap * rng.uniform(0.5, 2.0, size=len(e)))


def test_warm_start_gives_same_value_in_fewer_rounds() -> None:
    links = _grid(8)
    rng = np.random.default_rng(1)
    pairs = [tuple(int(v) for v in rng.permutation(64)[:2]) for _ in range(12)]
    cold = lower_bound(links, pairs, Usage.flooding(), objective="total")
    warm = lower_bound(links, pairs, Usage.flooding(), objective="total", warm_start=cold.routes)
    assert warm.value == pytest.approx(cold.value, rel=1e-9)
    assert warm.iterations < cold.iterations
    assert cold.iterations > 1


def test_large_graph_uses_relaxation_and_stays_above_lower() -> None:
    links = _grid(5)  # 25 nodes > exact limit, 12 terminals > EXACT_SPLIT_MAX_TERMINALS
    pairs = [(0, 24), (4, 20), (2, 22), (10, 14), (1, 23), (5, 19)]
    upp = upper_bound(links, pairs, Usage.flooding(), objective="total")
    low = lower_bound(links, pairs, Usage.flooding(), objective="total")
    assert upp.method_name == "cut-lp-relaxation" and upp.certified and not upp.lp_optimal
    assert upp.method.startswith("relaxation:") and "distinct terminals" in upp.relaxation_reason
    assert low.value <= upp.value * (1 + 1e-9)
    for objective in ("total", "worst"):  # frequency: compact per-demand flows + split flows
        upp_f = upper_bound(links, pairs, Usage.frequency(), objective=objective)
        low_f = lower_bound(links, pairs, Usage.frequency(), objective=objective)
        assert upp_f.certified and upp_f.method_name == "cut-lp-relaxation"
        assert low_f.value <= upp_f.value * (1 + 1e-9)
        assert upp_f.dual_objective == pytest.approx(upp_f.value, rel=1e-7)
    single = upper_bound(links, [(0, 12, 24)], Usage.frequency(), objective="total")
    assert single.method_name == "steiner-cut-lp" and single.lp_optimal
    assert single.value == pytest.approx(
        per_demand_cut_relaxation(links, [(0, 12, 24)], Usage.frequency(), objective="total").value,
        rel=1e-7)


@pytest.mark.parametrize("usage", [Usage.flooding(), Usage.frequency()])
@pytest.mark.parametrize("objective", ["total", "worst"])
def test_terminal_split_separation_equals_full_enumeration(usage: Usage, objective: str) -> None:
    """Few terminals on a larger graph: exact separation by one min cut per terminal split
    gives the same cut LP as enumerating all 2^15 - 1 bipartitions of the 4x4 grid."""
    links = _grid(4)
    demands = [(0, 15), (3, 12), (5, 10, 6)]
    full = upper_bound(links, demands, usage, objective=objective)  # type: ignore[arg-type]
    split = upper_bound(links, demands, usage, objective=objective,  # type: ignore[arg-type]
                        exact_max_nodes=0)
    assert full.method_name == "cut-lp-enumeration" and full.lp_optimal
    assert split.method_name == "cut-lp-terminal-splits" and split.lp_optimal
    assert split.value == pytest.approx(full.value, rel=1e-7)


def test_heuristic_pricer_is_flagged_and_achievable() -> None:
    links = _grid(4)
    group = (0, 3, 12, 15, 5)
    exact = lower_bound(links, [group], Usage.flooding(), objective="total")
    heur = lower_bound(links, [group], Usage.flooding(), objective="total", max_exact_terminals=3)
    assert exact.lp_optimal and not heur.lp_optimal
    assert "heuristic" in heur.method
    assert heur.value <= exact.value * (1 + 1e-9)
    assert heur.value > 0


def test_disconnected_demand_has_rate_zero() -> None:
    links = LinkArrays(num_nodes=5, tail=np.array([0, 1, 3]), head=np.array([1, 2, 4]),
                       capacity=np.array([1.0, 2.0, 1.0]))
    demands = [(0, 2), (0, 4), (1, 2, 3)]
    tot = lower_bound(links, demands, Usage.flooding(), objective="total")
    assert tot.rates[1] == 0.0 and tot.rates[2] == 0.0
    assert tot.value == pytest.approx(1.0)
    assert lower_bound(links, demands, Usage.flooding(), objective="worst").value == 0.0
    assert upper_bound(links, demands, Usage.flooding(), objective="worst").value == pytest.approx(
        0.0, abs=1e-12)
    assert upper_bound(links, demands, Usage.flooding(), objective="total").value == pytest.approx(
        1.0)


@pytest.mark.parametrize(
    ("demands", "kwargs"),
    [
        ([(0, 0)], {}),
        ([(0, 9)], {}),
        ([(0,)], {}),
        ([], {}),
        ([(0, 1)], {"objective": "best"}),
        ([(0, 1), (1, 2)], {"objective": "weighted", "weights": [1.0]}),
        ([(0, 1)], {"objective": "worst", "weights": [0.0]}),
        ([(0, 1)], {"objective": "weighted", "weights": [-1.0]}),
    ],
)
def test_bad_input_raises(demands: list[tuple[int, ...]], kwargs: dict[str, Any]) -> None:
    links = LinkArrays(num_nodes=3, tail=np.array([0, 1]), head=np.array([1, 2]),
                       capacity=np.array([1.0, 1.0]))
    with pytest.raises(InvalidParameterError):
        lower_bound(links, demands, Usage.flooding(), **kwargs)
    with pytest.raises(InvalidParameterError):
        upper_bound(links, demands, Usage.flooding(), **kwargs)


def test_bad_links_and_warm_start_raise() -> None:
    bad = LinkArrays(num_nodes=2, tail=np.array([0]), head=np.array([1]),
                     capacity=np.array([-1.0]))
    with pytest.raises(InvalidParameterError):
        lower_bound(bad, [(0, 1)], Usage.flooding())
    links = LinkArrays(num_nodes=3, tail=np.array([0, 1]), head=np.array([1, 2]),
                       capacity=np.array([1.0, 1.0]))
    from qinternet.networks.lp import RouteColumn
    with pytest.raises(InvalidParameterError):
        lower_bound(links, [(0, 2)], Usage.flooding(),
                    warm_start=[RouteColumn(demand=0, rate=1.0, links=(0,))])


def test_failed_lp_raises_solver_error() -> None:
    # x >= 1 and x <= 0: infeasible
    with pytest.raises(SolverError):
        solve_lp(np.array([1.0]), np.array([[1.0]]), np.array([1.0]), np.array([2.0]),
                 np.array([0.0]), np.array([0.0]), what="infeasible test LP")


@settings(max_examples=15)
@given(seed=st.integers(0, 10**6), objective=st.sampled_from(["total", "worst"]))
def test_relaxation_between_exact_cut_lp_and_per_demand_cuts(seed: int, objective: str) -> None:
    """Min-cut + local-search separation: exact <= relaxation <= per-pair cut relaxation."""
    links = random_links(seed, n_min=6, n_max=8, p=0.5)
    demands = random_demands(seed, links.num_nodes, k_max=4)
    u = Usage.flooding()
    exact = upper_bound(links, demands, u, objective=objective)
    relax = upper_bound(links, demands, u, objective=objective, exact_max_nodes=1)
    per_demand = per_demand_cut_relaxation(links, demands, u, objective=objective)
    assert exact.value <= relax.value * (1 + 1e-9) + 1e-12
    assert relax.value <= per_demand.value * (1 + 1e-9) + 1e-12


@settings(max_examples=12)
@given(seed=st.integers(0, 10**6), objective=st.sampled_from(OBJECTIVES))
def test_dense_networks_column_generation_equals_node_arc_lp(seed: int, objective: str) -> None:
    """Mean degree >= 6: the congestion-priced extra columns are offered every round; the
    value is still the LP optimum and the routes still fit the capacities."""
    links = random_links(seed, n_min=9, n_max=11, p=0.85)
    assert 2 * links.num_links >= 6 * links.num_nodes
    rng = np.random.default_rng(seed + 11)
    demands = [tuple(int(v) for v in rng.choice(links.num_nodes, 2, replace=False))
               for _ in range(int(rng.integers(3, 7)))]
    u = Usage.flooding()
    cg = lower_bound(links, demands, u, objective=objective)
    na = multicommodity_flow_lp(links, demands, u, objective=objective)
    assert cg.value == pytest.approx(na.value, rel=1e-7, abs=1e-9)
    assert cg.lp_optimal
    loads = np.zeros(links.num_links)
    for r in cg.routes:
        loads[list(r.links)] += r.rate
    assert np.all(loads <= links.capacity * (1 + 1e-12))
