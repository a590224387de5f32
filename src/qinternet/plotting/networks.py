"""Map of a network with the routes of a bound computation (``qinternet bounds --plot``).

Each demand has its own colour (legend: pair or GHZ group, with its rate); a link's line width
grows with the rate a demand sends over it (width legend in the result's unit); the links of
the bottleneck that limits the upper bound (min cut or binding cuts) are dashed in crimson.
Terminals are always labelled; on large networks only a few other, well-separated nodes are.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from qinternet.networks.network import Network, find_bottleneck
from qinternet.networks.results import NetworkBoundResult
from qinternet.plotting import require_matplotlib

__all__ = ["network_positions", "plot_network_bounds"]

_LABEL_ALL_NODES_UP_TO = 30
_EXTRA_LABELS = 12
#: Minimum distance between two labels, as a fraction of the plot's diagonal.
_LABEL_SPACING = 0.045
_MAX_WIDTH_PT = 7.0
_MIN_WIDTH_PT = 1.2
# tab10 without its red (the bottleneck colour) and grey (the idle links)
_DEMAND_COLOURS = ("tab:blue", "tab:orange", "tab:green", "tab:purple", "tab:brown",
                   "tab:pink", "tab:olive", "tab:cyan")
_CUT_COLOUR = "crimson"


def network_positions(network: Network, *, seed: int = 7) -> tuple[npt.NDArray[np.float64], bool]:
    """Node positions: (longitude, latitude) when every node has coordinates, else a
    spring layout with a fixed seed. Returns the (n, 2) array and whether it is geographic."""
    if network.has_coordinates:
        pos = np.array([[n.longitude, n.latitude] for n in network.nodes], dtype=np.float64)
        return pos, True
    import networkx as nx

    g = nx.Graph()
    g.add_nodes_from(range(network.num_nodes))
    for link in network.links:
        g.add_edge(*network.link_end_indices(link.index))
    layout = nx.spring_layout(g, seed=seed)
    return np.array([layout[i] for i in range(network.num_nodes)], dtype=np.float64), False


def _demand_flows(network: Network, result: NetworkBoundResult) -> npt.NDArray[np.float64]:
    """(demands, links) array of the rate each demand sends over each link."""
    flows = np.zeros((len(result.demands), len(network.links)))
    for col in result.columns:
        if 0 <= col.demand < len(result.demands):
            np.add.at(flows[col.demand], np.asarray(col.links, dtype=np.int64), col.rate)
    if not result.columns and len(result.demands) == 1 and len(result.link_flows) == len(
            network.links):
        flows[0] = np.asarray(result.link_flows, dtype=np.float64)
    return flows


def _labelled_nodes(pos: npt.NDArray[np.float64], terminals: list[int],
                    degree: npt.NDArray[np.int64]) -> list[int]:
    """Terminals, then (on large networks) a few high-degree nodes away from other labels."""
    n = len(pos)
    if n <= _LABEL_ALL_NODES_UP_TO:
        candidates = list(range(n))
        limit = n
    else:
        candidates = [int(i) for i in np.argsort(-degree, kind="stable")]
        limit = len(terminals) + _EXTRA_LABELS
    span = pos.max(axis=0) - pos.min(axis=0)
    scale = float(np.hypot(*span)) or 1.0
    chosen = list(terminals)
    for i in candidates:
        if len(chosen) >= limit:
            break
        if i in chosen:
            continue
        if chosen and np.min(np.hypot(*(pos[chosen] - pos[i]).T)) < _LABEL_SPACING * scale:
            continue
        chosen.append(i)
    return chosen


def plot_network_bounds(network: Network, result: NetworkBoundResult, path: Path) -> Any:
    """Draw ``network`` with the routes of ``result`` and save a PNG at ``path``.

    Idle links are light grey. Each demand's routes (the achievable, lower-bound solution) are
    drawn in the demand's colour, with a line width proportional to the rate the demand sends
    over the link (a width legend gives the scale in ``result.unit``); links used by several
    demands show side-by-side lines. The bottleneck of the upper bound (see
    :func:`~qinternet.networks.network.find_bottleneck`) is dashed in crimson. Terminals are
    large white markers with bold labels. The title names the network, objective, usage model
    and unit, and gives both bounds. Returns the matplotlib Figure.
    """
    plt = require_matplotlib()
    from matplotlib.collections import LineCollection
    from matplotlib.lines import Line2D

    pos, geographic = network_positions(network)
    m = len(network.links)
    ends = np.array([network.link_end_indices(e) for e in range(m)], dtype=np.int64).reshape(m, 2)
    segments = np.stack((pos[ends[:, 0]], pos[ends[:, 1]]), axis=1) if m else np.zeros((0, 2, 2))
    fig, ax = plt.subplots(figsize=(10, 7.5))
    ax.add_collection(LineCollection(list(segments), colors="0.82", linewidths=0.8, zorder=1))

    flows = _demand_flows(network, result)
    peak = float(flows.max(initial=0.0))
    span = pos.max(axis=0) - pos.min(axis=0) if len(pos) else np.ones(2)
    offset_unit = 0.004 * (float(np.hypot(*span)) or 1.0)
    handles: list[Any] = []
    users = (flows > 1e-9 * peak).sum(axis=0) if peak > 0 else np.zeros(m, dtype=int)
    slot = np.zeros(m, dtype=int)
    for d, demand in enumerate(result.demands):
        colour = _DEMAND_COLOURS[d % len(_DEMAND_COLOURS)]
        kind = "pair" if len(demand) == 2 else "GHZ group"
        joined = " - ".join(demand) if len(demand) == 2 else ", ".join(demand)
        handles.append(Line2D([], [], color=colour, lw=3,
                              label=f"{kind} {d}: {joined} (rate {result.rates[d]:.3g})"))
        if peak <= 0:
            continue
        used = np.flatnonzero(flows[d] > 1e-9 * peak)
        if used.size == 0:
            continue
        seg = segments[used].copy()
        direction = seg[:, 1] - seg[:, 0]
        norm = np.hypot(direction[:, 0], direction[:, 1])
        normal = np.stack((-direction[:, 1], direction[:, 0]), axis=1) / np.where(
            norm > 0, norm, 1.0)[:, None]
        shift = (slot[used] - (users[used] - 1) / 2.0) * offset_unit
        seg += (normal * shift[:, None])[:, None, :]
        slot[used] += 1
        widths = _MIN_WIDTH_PT + (_MAX_WIDTH_PT - _MIN_WIDTH_PT) * flows[d, used] / peak
        ax.add_collection(LineCollection(list(seg), colors=colour, linewidths=widths,
                                         alpha=0.85, zorder=2, capstyle="round"))

    bottleneck = find_bottleneck(network, result)
    if bottleneck is not None and bottleneck.links:
        cut = list(bottleneck.links)
        ax.add_collection(LineCollection(list(segments[cut]), colors=_CUT_COLOUR,
                                         linewidths=1.6, linestyles=(0, (4, 2)), zorder=3))
        what = {"min cut": "min cut", "binding cuts": "binding cut links",
                "shortest path": "binding links (shortest path)"}.get(bottleneck.kind,
                                                                     bottleneck.kind)
        handles.append(Line2D([], [], color=_CUT_COLOUR, lw=1.6, ls=(0, (4, 2)),
                              label=f"bottleneck of the upper bound: {what} "
                                    f"({len(cut)} link{'s' if len(cut) != 1 else ''})"))

    ax.scatter(pos[:, 0], pos[:, 1], s=10, c="0.35", zorder=4)
    terminals = list(dict.fromkeys(network.node_index(name) for d in result.demands
                                   for name in d))
    ax.scatter(pos[terminals, 0], pos[terminals, 1], s=90, c="white", zorder=5,
               edgecolors="black", linewidths=1.2)
    handles.append(Line2D([], [], ls="", marker="o", markersize=8, markerfacecolor="white",
                          markeredgecolor="black", label="demand terminal"))
    degree = np.bincount(ends.ravel(), minlength=network.num_nodes) if m else np.zeros(
        network.num_nodes, dtype=np.int64)
    for i in _labelled_nodes(pos, terminals, degree):
        bold = i in terminals
        ax.annotate(network.node_name(i), pos[i], fontsize=8 if bold else 6.5,
                    fontweight="bold" if bold else "normal", xytext=(4, 4),
                    textcoords="offset points", zorder=6,
                    bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none",
                          "alpha": 0.7})
    ax.autoscale()
    ax.margins(0.06)
    if geographic:
        ax.set_xlabel("longitude (degrees)")
        ax.set_ylabel("latitude (degrees)")
        mid_lat = float(np.mean(pos[:, 1]))
        ax.set_aspect(1.0 / max(float(np.cos(np.radians(mid_lat))), 0.1))
    else:  # spring layout: no axes, no distortion
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_aspect("equal")
    has_ghz = any(len(d) > 2 for d in result.demands)
    title = network.name or "network"
    ax.set_title(
        f"{title}: {result.objective} objective, {result.usage} usage"
        f"{' (pairs and GHZ groups)' if has_ghz and len(result.demands) > 1 else ''}"
        f"{' (GHZ group)' if has_ghz and len(result.demands) == 1 else ''}\n"
        f"lower {result.lower:.4g} / upper {result.upper:.4g} {result.unit}",
        fontsize=10,
    )
    first = ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.02, 1.0),
                      fontsize=7.5, title="demands (colour)", title_fontsize=8,
                      borderaxespad=0.0)
    ax.add_artist(first)
    legends = [first]
    if peak > 0:
        levels = [peak, peak / 2, peak / 10]
        width_handles = [
            Line2D([], [], color="0.3",
                   lw=_MIN_WIDTH_PT + (_MAX_WIDTH_PT - _MIN_WIDTH_PT) * lv / peak,
                   label=f"{lv:.3g}")
            for lv in levels
        ]
        legends.append(ax.legend(
            handles=width_handles, loc="lower left", bbox_to_anchor=(1.02, 0.0), fontsize=7.5,
            title=f"rate a demand sends over a link\n({result.unit})", title_fontsize=8,
            borderaxespad=0.0))
    fig.savefig(path, dpi=120, bbox_inches="tight", bbox_extra_artists=legends)
    plt.close(fig)
    return fig
