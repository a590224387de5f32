"""The fundamental cuts of a Gomory–Hu tree, shared by the cut separators."""

from __future__ import annotations

from collections.abc import Sequence

import igraph as ig
import numpy as np
import numpy.typing as npt

__all__ = ["fundamental_cuts"]


def fundamental_cuts(graph: ig.Graph, capacity: Sequence[float]) -> npt.NDArray[np.bool_]:
    """Node sides of the n - 1 fundamental cuts of the Gomory–Hu tree of ``graph``.

    Parameters
    ----------
    graph : igraph.Graph
        Undirected graph on the nodes 0..n-1.
    capacity : sequence of float
        Capacity of each edge of ``graph``, in edge order.

    Returns
    -------
    numpy.ndarray of bool
        One row per tree edge, in breadth-first order from node 0: the nodes on the child's
        side of that edge (each row a minimum cut between the edge's two end nodes).
    """
    n = graph.vcount()
    tree = graph.gomory_hu_tree(capacity=list(capacity))
    order, _, parent = tree.bfs(0)
    sides = np.zeros((n, n), dtype=bool)
    sides[np.arange(n), np.arange(n)] = True
    for v in reversed(order[1:]):
        p = parent[v]
        if p >= 0 and p != v:
            sides[p] |= sides[v]
    keep = np.array([v for v in order[1:] if parent[v] >= 0 and parent[v] != v], dtype=np.int64)
    return sides[keep]
