"""Plot of a network with the flows of a bound computation (link width proportional to flow)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from qinternet.networks.network import Network
from qinternet.networks.results import NetworkBoundResult
from qinternet.plotting import require_matplotlib

__all__ = ["network_positions", "plot_network_bounds"]

_LABEL_ALL_NODES_UP_TO = 60


def network_positions(network: Network, *, seed: int = 7) -> tuple[np.ndarray, bool]:
    """Node positions: (longitude, latitude) when every node has coordinates, else a
    spring layout with a fixed seed. Returns the (n, 2) array and whether it is geographic."""
    if network.has_coordinates:
        pos = np.array([[n.longitude, n.latitude] for n in network.nodes], dtype=np.float64)
        return pos, True
    import networkx as nx

    g = nx.Graph()
    g.add_nodes_from(range(network.num_nodes))
    for link in network.links:
        g.add_edge(network.node_index(link.u), network.node_index(link.v))
    layout = nx.spring_layout(g, seed=seed)
    return np.array([layout[i] for i in range(network.num_nodes)], dtype=np.float64), False


def plot_network_bounds(network: Network, result: NetworkBoundResult, path: Path) -> Any:
    """Draw ``network`` with the flows of ``result.link_flows`` and save a PNG at ``path``.

    Links are grey; links carrying flow in the achievable (lower-bound) solution are drawn in
    colour with a width proportional to their flow. Demand terminals are highlighted. The title
    gives the bounds with their unit. Returns the matplotlib Figure.
    """
    plt = require_matplotlib()
    from matplotlib.collections import LineCollection

    pos, geographic = network_positions(network)
    arrays = network.link_arrays("upper")
    segments = np.stack((pos[arrays.tail], pos[arrays.head]), axis=1)
    fig, ax = plt.subplots(figsize=(8, 7))
    ax.add_collection(LineCollection(list(segments), colors="0.8", linewidths=0.8, zorder=1))
    flows = np.asarray(result.link_flows, dtype=np.float64)
    if flows.size == len(network.links) and flows.max(initial=0.0) > 0:
        used = flows > 1e-9 * flows.max()
        widths = 1.0 + 6.0 * flows[used] / flows.max()
        ax.add_collection(LineCollection(list(segments[used]), colors="tab:blue", linewidths=widths,
                                         alpha=0.8, zorder=2))
    ax.scatter(pos[:, 0], pos[:, 1], s=12, c="0.3", zorder=3)
    terminals = sorted({network.node_index(name) for d in result.demands for name in d})
    ax.scatter(pos[terminals, 0], pos[terminals, 1], s=80, c="tab:red", zorder=4,
               edgecolors="black", linewidths=0.6, label="demand terminals")
    labelled = (range(network.num_nodes) if network.num_nodes <= _LABEL_ALL_NODES_UP_TO
                else terminals)
    for i in labelled:
        weight = "bold" if i in terminals else "normal"
        ax.annotate(network.node_name(i), pos[i], fontsize=7, fontweight=weight,
                    xytext=(3, 3), textcoords="offset points", zorder=5)
    ax.autoscale()
    if geographic:
        ax.set_xlabel("longitude (degrees)")
        ax.set_ylabel("latitude (degrees)")
        mid_lat = float(np.mean(pos[:, 1]))
        ax.set_aspect(1.0 / max(np.cos(np.radians(mid_lat)), 0.1))
    else:
        ax.set_xticks([])
        ax.set_yticks([])
    title = network.name or "network"
    ax.set_title(
        f"{title}: {result.objective} objective, {result.usage} usage\n"
        f"lower {result.lower:.4g} / upper {result.upper:.4g} {result.unit}"
        " (link width ∝ flow)",
        fontsize=10,
    )
    ax.legend(loc="best", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return fig
