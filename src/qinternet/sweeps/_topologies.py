"""Seeded topology generators and demand sampling for ``computation = "bounds"``.

``random-geometric``: ``nodes`` points uniform in a square of side ``area_km``, a fibre link
(length = Euclidean distance in km) between every two points closer than ``radius_km``.
``gabriel``: the Gabriel graph of such points (an edge iff the disc with the edge as diameter
holds no other point; planar and connected). Nodes are named ``"0"`` ... ``"N-1"``.

Randomness: ``numpy.random.SeedSequence(seed).spawn(2)`` gives one stream for the positions and
one for the sampled demands, so changing the demands never moves the nodes.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from qinternet.networks import Network

__all__ = ["GENERATORS", "generated_network", "loaded_network", "sample_pairs"]

#: Names of the generators accepted as ``topology``.
GENERATORS = ("gabriel", "random-geometric")


def _streams(seed: int) -> tuple[Any, Any]:
    import numpy as np

    positions, demands = np.random.SeedSequence(seed).spawn(2)
    return np.random.default_rng(positions), np.random.default_rng(demands)


def _edges_random_geometric(xy: Any, radius_km: float) -> list[tuple[int, int]]:
    from scipy.spatial import cKDTree

    pairs = cKDTree(xy).query_pairs(radius_km, output_type="ndarray")
    return sorted((int(i), int(j)) for i, j in pairs)


def _edges_gabriel(xy: Any) -> list[tuple[int, int]]:
    import numpy as np
    from scipy.spatial import Delaunay, cKDTree

    n = len(xy)
    if n == 2:
        return [(0, 1)]
    candidates: set[tuple[int, int]] = set()
    for simplex in Delaunay(xy).simplices:
        a, b, c = (int(v) for v in simplex)
        for i, j in ((a, b), (b, c), (a, c)):
            candidates.add((min(i, j), max(i, j)))
    tree = cKDTree(xy)
    edges = []
    for i, j in sorted(candidates):
        mid = (xy[i] + xy[j]) / 2.0
        r = float(np.linalg.norm(xy[i] - xy[j])) / 2.0
        inside = [k for k in tree.query_ball_point(mid, r * (1.0 - 1e-12)) if k not in (i, j)]
        if not inside:
            edges.append((i, j))
    return edges


@lru_cache(maxsize=64)
def generated_network(generator: str, nodes: int, area_km: float, radius_km: float | None,
                      seed: int, attenuation_db_per_km: float | None) -> Network:
    """The seeded network of ``generator`` (cached: points of a sweep share topologies).

    >>> net = generated_network("gabriel", 20, 500.0, None, 1, None)
    >>> len(net.nodes), len(net.links) >= 19
    (20, True)
    """
    import networkx as nx
    import numpy as np

    from qinternet.networks import Network

    rng, _ = _streams(seed)
    xy = rng.uniform(0.0, area_km, size=(nodes, 2))
    if generator == "gabriel":
        edges = _edges_gabriel(xy)
    else:
        assert radius_km is not None
        edges = _edges_random_geometric(xy, radius_km)
    graph = nx.Graph(name=f"{generator}-{nodes}-{area_km:g}km-seed{seed}")
    graph.add_nodes_from(str(i) for i in range(nodes))
    for i, j in edges:
        length = max(float(np.linalg.norm(xy[i] - xy[j])), 1e-6)
        graph.add_edge(str(i), str(j), length_km=length)
    return Network.from_networkx(graph, attenuation_db_per_km=attenuation_db_per_km)


@lru_cache(maxsize=16)
def loaded_network(source: str, estimate_lengths: bool, detour_factor: float,
                   attenuation_db_per_km: float | None, zero_length: str | float) -> Network:
    """:func:`qinternet.networks.load_network`, cached per worker process."""
    from qinternet.networks import load_network

    return load_network(source, estimate_lengths=estimate_lengths, detour_factor=detour_factor,
                        attenuation_db_per_km=attenuation_db_per_km,
                        zero_length=zero_length)  # type: ignore[arg-type]


def sample_pairs(network: Network, count: int, seed: int) -> list[list[str]]:
    """``count`` distinct unordered node pairs drawn uniformly (demand stream of ``seed``).

    >>> net = generated_network("gabriel", 10, 100.0, None, 3, None)
    >>> sample_pairs(net, 2, 3) == sample_pairs(net, 2, 3)
    True
    """
    from qinternet.errors import InvalidParameterError

    n = len(network.nodes)
    total = n * (n - 1) // 2
    if count > total:
        raise InvalidParameterError("random_pairs", count,
                                    f"must be at most {total} (node pairs of the network)")
    _, rng = _streams(seed)
    flat = rng.choice(total, size=count, replace=False)
    pairs = []
    for k in sorted(int(x) for x in flat):
        # k -> (i, j), i < j, in row-major order of the upper triangle.
        i = 0
        while k >= n - 1 - i:
            k -= n - 1 - i
            i += 1
        j = i + 1 + k
        pairs.append([network.nodes[i].id, network.nodes[j].id])
    return pairs
