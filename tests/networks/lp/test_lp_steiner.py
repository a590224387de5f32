"""Minimum Steiner trees: Dreyfus-Wagner = brute force; heuristic within its ratio; counts."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qinternet.networks.lp._steiner import SteinerGraph, enumerate_steiner_trees

K4 = ([0, 0, 0, 1, 1, 2], [1, 2, 3, 2, 3, 3])
W4 = ([0, 0, 0, 0, 1, 2, 3, 4], [1, 2, 3, 4, 2, 3, 4, 1])  # hub 0, rim 1-2-3-4-1


@pytest.mark.parametrize(
    ("edges", "terminals", "count"),
    [
        (([0, 1, 0], [1, 2, 2]), [0, 1, 2], 3),
        (K4, [0, 1, 2, 3], 16),
        (K4, [0, 1, 2], 10),
        (W4, [1, 2, 3], 19),
        (W4, [1, 3], 9),
    ],
    ids=["triangle", "K4-all", "K4-abc", "W4-abc", "W4-ac"],
)
def test_steiner_tree_counts(edges: tuple[list[int], list[int]], terminals: list[int],
                             count: int) -> None:
    assert len(enumerate_steiner_trees(edges[0], edges[1], terminals)) == count


def _random_graph(seed: int) -> tuple[int, np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(3, 7))
    pairs = [(a, b) for a, b in itertools.combinations(range(n), 2) if rng.random() < 0.6]
    pairs += [pairs[0]] if pairs and rng.random() < 0.3 else []  # sometimes a parallel link
    if not pairs:
        pairs = [(0, 1)]
    tail = np.array([p[0] for p in pairs], dtype=np.int64)
    head = np.array([p[1] for p in pairs], dtype=np.int64)
    w = rng.choice([0.0, 0.5, 1.0, 2.0, 3.5], size=tail.size)
    return n, tail, head, w


def _brute_min(tail: np.ndarray, head: np.ndarray, terminals: list[int],
               w: np.ndarray) -> float:
    trees = enumerate_steiner_trees(tail.tolist(), head.tolist(), terminals)
    return min((float(w[list(t)].sum()) for t in trees), default=float("inf"))


@settings(max_examples=40)
@given(seed=st.integers(0, 10**6), m=st.integers(2, 4))
def test_dreyfus_wagner_equals_brute_force(seed: int, m: int) -> None:
    n, tail, head, w = _random_graph(seed)
    terminals = list(np.random.default_rng(seed + 1).permutation(n)[: min(m, n)])
    g = SteinerGraph(n, tail, head, np.ones(tail.size, dtype=bool))
    cost, tree = g.dreyfus_wagner(terminals, w)
    best = _brute_min(tail, head, terminals, w)
    assert cost == pytest.approx(best, abs=1e-12)
    if np.isfinite(best):
        # the tree is a genuine Steiner tree with the stated cost
        assert tree in {tuple(sorted(t)) for t in enumerate_steiner_trees(
            tail.tolist(), head.tolist(), terminals)} or _is_steiner_tree(tail, head, tree,
                                                                           terminals)
        assert float(w[list(tree)].sum()) == pytest.approx(cost, abs=1e-12)
        h_cost, h_tree = g.shortest_path_heuristic(terminals, w)
        assert _is_steiner_tree(tail, head, h_tree, terminals)
        assert best - 1e-12 <= h_cost <= 2 * (1 - 1 / len(terminals)) * best + 1e-12
    else:
        assert tree == ()


def _is_steiner_tree(tail: np.ndarray, head: np.ndarray, tree: tuple[int, ...],
                     terminals: list[int]) -> bool:
    nodes = {int(tail[e]) for e in tree} | {int(head[e]) for e in tree}
    if len(nodes) != len(tree) + 1 or not set(terminals) <= nodes:
        return False
    parent = {v: v for v in nodes}

    def find(x: int) -> int:
        while parent[x] != x:
            x = parent[x]
        return x

    for e in tree:
        a, b = find(int(tail[e])), find(int(head[e]))
        if a == b:
            return False
        parent[a] = b
    return True


def test_dreyfus_wagner_disconnected_terminals() -> None:
    g = SteinerGraph(4, np.array([0, 2]), np.array([1, 3]), np.ones(2, dtype=bool))
    assert g.dreyfus_wagner([0, 1, 3], np.ones(2)) == (float("inf"), ())


def test_multigraph_uses_cheapest_parallel_link() -> None:
    g = SteinerGraph(3, np.array([0, 0, 1]), np.array([1, 1, 2]), np.ones(3, dtype=bool))
    cost, tree = g.dreyfus_wagner([0, 1, 2], np.array([2.0, 0.5, 1.0]))
    assert cost == pytest.approx(1.5)
    assert tree == (1, 2)


@settings(max_examples=40)
@given(seed=st.integers(0, 10**6), k=st.integers(1, 4))
def test_three_terminal_trees_first_is_exact(seed: int, k: int) -> None:
    """The centre formula's first tree costs the brute-force minimum; all are Steiner trees
    whose stated cost is their weight, cheapest first, without repeats."""
    n, tail, head, w = _random_graph(seed)
    terminals = [int(t) for t in np.random.default_rng(seed + 2).permutation(n)[:3]]
    g = SteinerGraph(n, tail, head, np.ones(tail.size, dtype=bool))
    trees = g.three_terminal_trees(terminals, w, k)
    best = _brute_min(tail, head, terminals, w)
    if not np.isfinite(best):
        assert trees == []
        return
    assert 1 <= len(trees) <= k
    assert trees[0][0] == pytest.approx(best, abs=1e-12)
    assert len({t for _, t in trees}) == len(trees)
    for cost, tree in trees:
        assert _is_steiner_tree(tail, head, tree, terminals)
        assert float(w[list(tree)].sum()) == pytest.approx(cost, abs=1e-12)


def test_three_terminal_trees_disconnected() -> None:
    g = SteinerGraph(4, np.array([0, 2]), np.array([1, 3]), np.ones(2, dtype=bool))
    assert g.three_terminal_trees([0, 1, 3], np.ones(2), 3) == []
