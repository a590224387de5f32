"""Minimum Steiner trees: exact Dreyfus–Wagner DP, a shortest-path heuristic, brute force.

Used as the pricing oracle of the Steiner-tree packing LP (spec ``network_bounds.md`` §6.1):
with link prices ``y_e >= 0`` the most profitable tree column of a group is a minimum-weight
Steiner tree. Multigraphs are priced by the cheapest parallel link of each node pair, and the
returned trees name link indices.

References
----------
S. E. Dreyfus, R. A. Wagner, "The Steiner problem in graphs", Networks 1, 195 (1971) [R].
H. Takahashi, A. Matsuyama, "An approximate solution for the Steiner problem in graphs",
Math. Japonica 24, 573 (1980) (shortest-path heuristic, ratio 2(1 - 1/m)) [R].
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from scipy.sparse.csgraph import dijkstra

__all__ = [
    "SteinerGraph",
    "enumerate_steiner_trees",
]

_NO_PRED = -9999


class SteinerGraph:
    """A fixed multigraph on which minimum Steiner trees are computed for varying link weights.

    Parameters
    ----------
    num_nodes : int
        Number of nodes.
    tail, head : ndarray of int
        Link endpoints.
    usable : ndarray of bool
        Links that may appear in a tree (others are ignored).
    """

    def __init__(
        self, num_nodes: int, tail: npt.NDArray[np.int64], head: npt.NDArray[np.int64],
        usable: npt.NDArray[np.bool_],
    ) -> None:
        self.n = int(num_nodes)
        self.ids = np.flatnonzero(usable & (tail != head))
        u = tail[self.ids]
        v = head[self.ids]
        self.lo = np.minimum(u, v)
        self.hi = np.maximum(u, v)
        self.key = self.lo * self.n + self.hi
        self._template: tuple[Any, ...] | None = None
        self.tail = tail
        self.head = head

    def _collapse(
        self, weights: npt.NDArray[np.float64]
    ) -> tuple[sp.csr_matrix, npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        """Symmetric csr of the cheapest parallel link per node pair; sorted keys -> link id.

        The csr's structure depends on the topology alone and is built once; each call only
        fills in the weights (the cheapest of each node pair's parallel links).
        """
        if self._template is None:
            order = np.argsort(self.key, kind="stable")
            keys = self.key[order]
            first = np.ones(keys.size, dtype=bool)
            first[1:] = keys[1:] != keys[:-1]
            starts = np.flatnonzero(first)
            sel = order[starts]
            lo, hi = self.lo[sel], self.hi[sel]
            g = len(sel)
            # data = group number + 1 marks where each pair's two entries land in the csr
            tag = np.concatenate([np.arange(1, g + 1), np.arange(1, g + 1)]).astype(np.float64)
            t = sp.csr_matrix((tag, (np.concatenate([lo, hi]), np.concatenate([hi, lo]))),
                              shape=(self.n, self.n))
            t.sort_indices()
            perm = t.data.astype(np.int64) - 1
            multi = bool((np.diff(np.append(starts, keys.size)) > 1).any())
            self._template = (order, starts, sel, perm, t.indices.copy(), t.indptr.copy(),
                              multi)
        order, starts, sel, perm, indices, indptr, multi = self._template
        w = np.maximum(weights[self.ids], 0.0)
        if multi:
            wsorted = w[order]
            ww = np.minimum.reduceat(wsorted, starts)
            # the cheapest link of each pair (first in link order among equal weights)
            best = np.lexsort((w, self.key))
            bk = self.key[best]
            firstb = np.ones(bk.size, dtype=bool)
            firstb[1:] = bk[1:] != bk[:-1]
            chosen = best[firstb]
        else:
            ww = w[sel]
            chosen = sel
        g = sp.csr_matrix((ww[perm], indices, indptr), shape=(self.n, self.n))
        return g, self.key[chosen], self.ids[chosen]

    def shortest_paths(
        self, weights: npt.NDArray[np.float64], pairs: Sequence[tuple[int, int]], *,
        bounds: Sequence[float] | None = None,
    ) -> list[tuple[float, tuple[int, ...], tuple[int, ...]] | None]:
        """Cheapest path of each ``(source, target)`` pair under link ``weights`` (>= 0).

        One multi-source Dijkstra (scipy, C) over the cheapest parallel link of each node
        pair, then each path from the predecessor arrays. Returns per pair ``(cost, link ids,
        nodes)`` or None when the target is unreachable or, with ``bounds``, when its distance
        is not below its bound (nodes farther than the largest bound are not settled).
        """
        out: list[tuple[float, tuple[int, ...], tuple[int, ...]] | None] = [None] * len(pairs)
        if not pairs:
            return out
        csr, keys, link_ids = self._collapse(weights)
        sources = sorted({int(u) for u, _ in pairs})
        row_of = {v: i for i, v in enumerate(sources)}
        limit = max(bounds) if bounds is not None else np.inf
        # the csr is symmetric: directed=True skips scipy's symmetrising copy
        dist, pred = dijkstra(csr, directed=True, indices=sources, return_predecessors=True,
                              limit=limit)
        found: list[tuple[int, list[int]]] = []
        for i, (src, dst) in enumerate(pairs):
            row, v = row_of[int(src)], int(dst)
            if v == src or pred[row, v] < 0 or (bounds is not None
                                                and dist[row, v] >= bounds[i]):
                continue
            pr = pred[row]
            nodes_rev = [v]
            while v != src:
                v = int(pr[v])
                nodes_rev.append(v)
            nodes_rev.reverse()
            found.append((i, nodes_rev))
        if not found:
            return out
        # every path's links in one lookup: (a, b) node steps -> the chosen parallel link
        a = np.fromiter((x for _, nd in found for x in nd[:-1]), dtype=np.int64)
        b = np.fromiter((x for _, nd in found for x in nd[1:]), dtype=np.int64)
        pos = np.searchsorted(keys, np.minimum(a, b) * self.n + np.maximum(a, b))
        all_links = link_ids[pos].tolist()
        costs = np.asarray(weights, dtype=np.float64)[link_ids[pos]].tolist()
        start = 0
        for i, nd in found:
            stop = start + len(nd) - 1
            links = tuple(all_links[start:stop])
            out[i] = (float(sum(costs[start:stop])), links, tuple(nd))
            start = stop
        return out

    def three_terminal_trees(
        self, terminals: Sequence[int], weights: npt.NDArray[np.float64], k: int = 1
    ) -> list[tuple[float, tuple[int, ...]]]:
        """Minimum Steiner trees of 3 terminals through the ``k`` best centres, cheapest first.

        A tree joining 3 terminals has at most one node of degree 3, so its cost is
        ``min_v sum_i d(t_i, v)``; the union of the paths from ``v`` to the terminals in one
        shortest-path tree rooted at ``v`` is such a tree. The first tree is exact, the
        others (next-best centres) are alternatives. Two Dijkstra calls in all (terminals,
        then the centres). Returns ``(cost, link ids)``; empty if the terminals are
        disconnected.
        """
        w = np.maximum(np.asarray(weights, dtype=np.float64), 0.0)
        csr, keys, link_ids = self._collapse(w)
        term = [int(t) for t in terminals]
        dist = dijkstra(csr, directed=True, indices=term)
        total = dist.sum(axis=0)
        order = [int(v) for v in np.argsort(total, kind="stable")[:k]
                 if np.isfinite(total[v])]
        if not order:
            return []
        _, pred = dijkstra(csr, directed=True, indices=order, return_predecessors=True)
        out: list[tuple[float, tuple[int, ...]]] = []
        for row, v in enumerate(order):
            pr = pred[row]
            a_nodes: list[int] = []
            b_nodes: list[int] = []
            for t in term:
                x = t
                while x != v:
                    p = int(pr[x])
                    a_nodes.append(p)
                    b_nodes.append(x)
                    x = p
            if not a_nodes:
                continue
            a = np.asarray(a_nodes, dtype=np.int64)
            b = np.asarray(b_nodes, dtype=np.int64)
            pos = np.searchsorted(keys, np.minimum(a, b) * self.n + np.maximum(a, b))
            # the paths of one shortest-path tree: already a tree, only non-terminal leaves
            # (possible through zero weights) to prune
            tree = self._cleanup(set(link_ids[pos].tolist()), term, w)
            if tree and all(t != tree for _, t in out):
                out.append((float(w[list(tree)].sum()), tree))
        return out

    def _link_of(self, keys: npt.NDArray[np.int64], link_ids: npt.NDArray[np.int64],
                 a: int, b: int) -> int:
        k = min(a, b) * self.n + max(a, b)
        pos = int(np.searchsorted(keys, k))
        return int(link_ids[pos])

    def _cleanup(self, links: set[int], terminals: Sequence[int],
                 weights: npt.NDArray[np.float64]) -> tuple[int, ...]:
        """Spanning tree of the union of links (cheapest first), then prune non-terminal leaves."""
        parent: dict[int, int] = {}

        def find(x: int) -> int:
            while parent.setdefault(x, x) != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        kept: list[int] = []
        for e in sorted(links, key=lambda e: (float(weights[e]), e)):
            a, b = find(int(self.tail[e])), find(int(self.head[e]))
            if a != b:
                parent[a] = b
                kept.append(e)
        term = set(terminals)
        tree = set(kept)
        while True:
            deg: dict[int, int] = {}
            for e in tree:
                for x in (int(self.tail[e]), int(self.head[e])):
                    deg[x] = deg.get(x, 0) + 1
            drop = {e for e in tree
                    if (deg[int(self.tail[e])] == 1 and int(self.tail[e]) not in term)
                    or (deg[int(self.head[e])] == 1 and int(self.head[e]) not in term)}
            if not drop:
                break
            tree -= drop
        return tuple(sorted(tree))

    def dreyfus_wagner(
        self, terminals: Sequence[int], weights: npt.NDArray[np.float64]
    ) -> tuple[float, tuple[int, ...]]:
        """Exact minimum Steiner tree (cost, link ids); ``(inf, ())`` if terminals disconnected.

        ``dp[D][v]`` = cheapest tree joining terminal subset D and node v; the step
        ``dp[D][v] = min_u dist(v, u) + g_D(u)`` is one Dijkstra from a super source joined to
        every u with weight ``g_D(u) = min_{D'} dp[D'][u] + dp[D\\D'][u]``. Cost
        O(3^m n + 2^m (|E| + n) log n).
        """
        w = np.maximum(np.asarray(weights, dtype=np.float64), 0.0)
        g, keys, link_ids = self._collapse(w)
        n = self.n
        term = [int(t) for t in terminals]
        root = term[-1]
        q_nodes = term[:-1]
        q = len(q_nodes)
        full = (1 << q) - 1
        dist1, pred1 = dijkstra(g, directed=True, indices=q_nodes, return_predecessors=True)
        dp: dict[int, npt.NDArray[np.float64]] = {}
        pred: dict[int, npt.NDArray[np.int32]] = {}
        split: dict[int, npt.NDArray[np.int64]] = {}
        for i in range(q):
            dp[1 << i] = dist1[i]
        gc = g.tocoo()
        base_r, base_c, base_d = gc.row, gc.col, gc.data
        src = np.full(n, n, dtype=base_r.dtype)
        nodes = np.arange(n, dtype=base_r.dtype)
        for mask in sorted(range(1, full + 1), key=lambda m: bin(m).count("1")):
            if mask & (mask - 1) == 0:
                continue
            low = mask & -mask
            best = np.full(n, np.inf)
            arg = np.zeros(n, dtype=np.int64)
            sub = (mask - 1) & mask
            while sub:
                if sub & low:
                    cand = dp[sub] + dp[mask ^ sub]
                    better = cand < best
                    best[better] = cand[better]
                    arg[better] = sub
                sub = (sub - 1) & mask
            fin = np.isfinite(best)
            aug = sp.csr_matrix(
                (np.concatenate([base_d, best[fin]]),
                 (np.concatenate([base_r, src[fin]]), np.concatenate([base_c, nodes[fin]]))),
                shape=(n + 1, n + 1),
            )
            d, p = dijkstra(aug, directed=True, indices=n, return_predecessors=True)
            dp[mask] = d[:n]
            pred[mask] = p[:n]
            split[mask] = arg
        cost = float(dp[full][root])
        if not np.isfinite(cost):
            return float("inf"), ()
        used: set[int] = set()
        stack = [(full, root)]
        while stack:
            mask, v = stack.pop()
            if mask & (mask - 1) == 0:
                i = mask.bit_length() - 1
                pr = pred1[i]
                while v != q_nodes[i]:
                    a = int(pr[v])
                    used.add(self._link_of(keys, link_ids, a, v))
                    v = a
                continue
            pr2 = pred[mask]
            while int(pr2[v]) != n:
                a = int(pr2[v])
                used.add(self._link_of(keys, link_ids, a, v))
                v = a
            s = int(split[mask][v])
            stack.append((s, v))
            stack.append((mask ^ s, v))
        tree = self._cleanup(used, term, w)
        return float(w[list(tree)].sum()) if tree else 0.0, tree

    def shortest_path_heuristic(
        self, terminals: Sequence[int], weights: npt.NDArray[np.float64]
    ) -> tuple[float, tuple[int, ...]]:
        """Shortest-path (Takahashi–Matsuyama) Steiner heuristic, ratio <= 2(1 - 1/m)."""
        w = np.maximum(np.asarray(weights, dtype=np.float64), 0.0)
        g, keys, link_ids = self._collapse(w)
        n = self.n
        term = [int(t) for t in terminals]
        in_tree = np.zeros(n, dtype=bool)
        in_tree[term[0]] = True
        remaining = set(term[1:])
        used: set[int] = set()
        gc = g.tocoo()
        while remaining:
            roots = np.flatnonzero(in_tree)
            aug = sp.csr_matrix(
                (np.concatenate([gc.data, np.zeros(roots.size)]),
                 (np.concatenate([gc.row, np.full(roots.size, n)]),
                  np.concatenate([gc.col, roots]))),
                shape=(n + 1, n + 1),
            )
            d, p = dijkstra(aug, directed=True, indices=n, return_predecessors=True)
            t = min(remaining, key=lambda x: (d[x], x))
            if not np.isfinite(d[t]):
                return float("inf"), ()
            v = t
            while int(p[v]) != n:
                a = int(p[v])
                used.add(self._link_of(keys, link_ids, a, v))
                in_tree[v] = True
                v = a
            in_tree[t] = True
            remaining -= set(np.flatnonzero(in_tree).tolist())
        tree = self._cleanup(used, term, w)
        return float(w[list(tree)].sum()) if tree else 0.0, tree


def _as_tree(edges: list[tuple[int, int]]) -> tuple[set[int], dict[int, int]] | None:
    """(nodes, degrees) if the edges form a forest without self-loops, else None."""
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        while parent.setdefault(x, x) != x:
            x = parent[x]
        return x

    deg: dict[int, int] = {}
    for a, b in edges:
        if a == b:
            return None
        deg[a] = deg.get(a, 0) + 1
        deg[b] = deg.get(b, 0) + 1
        ra, rb = find(a), find(b)
        if ra == rb:
            return None
        parent[ra] = rb
    return set(deg), deg


def enumerate_steiner_trees(
    tail: Sequence[int], head: Sequence[int], terminals: Sequence[int]
) -> list[tuple[int, ...]]:
    """All Steiner trees of ``terminals`` whose leaves are all terminals (brute force).

    Exponential in the number of links; for tests on graphs with at most ~15 links.

    Examples
    --------
    >>> len(enumerate_steiner_trees([0, 1, 0], [1, 2, 2], [0, 1, 2]))  # triangle
    3
    """
    m = len(tail)
    term = set(int(t) for t in terminals)
    out: list[tuple[int, ...]] = []
    for size in range(len(term) - 1, m + 1):
        for combo in itertools.combinations(range(m), size):
            tree = _as_tree([(int(tail[e]), int(head[e])) for e in combo])
            if tree is None:
                continue
            nodes, deg = tree
            if not term <= nodes or len(nodes) != size + 1:
                continue
            if any(d == 1 and x not in term for x, d in deg.items()):
                continue
            out.append(combo)
    return out
