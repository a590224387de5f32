"""Loaders: node-link JSON, GraphML, GML (Topology Zoo) and ``topohub:KEY`` into a Network.

Every loader returns an undirected multigraph: duplicate edges (common in Topology Zoo GML
files) become parallel links, never an error and never merged.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from qinternet.errors import InvalidParameterError
from qinternet.networks.network import DEFAULT_DETOUR_FACTOR, Network

__all__ = ["TOPOHUB_PREFIX", "load_network", "read_graph"]

#: Prefix selecting a topology shipped with the ``topohub`` package, e.g. ``topohub:sndlib/polska``.
TOPOHUB_PREFIX = "topohub:"

_SUFFIXES = {".json": "json", ".graphml": "graphml", ".xml": "graphml", ".gml": "gml"}


def load_network(
    source: str | Path,
    *,
    estimate_lengths: bool = False,
    detour_factor: float = DEFAULT_DETOUR_FACTOR,
    attenuation_db_per_km: float | None = None,
) -> Network:
    """Load a network from a file or from topohub.

    Parameters
    ----------
    source : str or Path
        A path ending in ``.json`` (networkx node-link data with an ``edges`` or ``links``
        list), ``.graphml``/``.xml`` or ``.gml``; or ``"topohub:KEY"`` with a key of the
        ``topohub`` repository such as ``"topohub:sndlib/germany50"`` or
        ``"topohub:topozoo/Abilene"`` (edge ``dist`` in km becomes ``length_km``; nodes get
        their city names and coordinates).
    estimate_lengths : bool
        Estimate missing link lengths from node latitude/longitude (great-circle distance
        times ``detour_factor``); results then note that lengths were estimated.
    detour_factor : float
        Fibre length / great-circle distance (> 0), default 1.0.
    attenuation_db_per_km : float, optional
        Fibre attenuation in dB/km for links without their own value (default 0.2).

    Returns
    -------
    Network

    Raises
    ------
    InvalidParameterError
        Missing or malformed file (the message names the file and the problem), unknown
        topohub key, or a link without usable physics.

    References
    ----------
    .. [1] S. Knight et al., "The Internet Topology Zoo", IEEE JSAC 29, 1765 (2011) (GML files
       with duplicate edges) [R]; topohub package (Topology Zoo, SNDlib, Gabriel graphs) [R].

    Examples
    --------
    >>> net = load_network("topohub:sndlib/polska")
    >>> net.num_nodes, len(net.links), net.node_name(net.node_index("Gdansk"))
    (12, 18, 'Gdansk')
    """
    graph, name = read_graph(source)
    return Network.from_networkx(
        graph, name=name, estimate_lengths=estimate_lengths, detour_factor=detour_factor,
        attenuation_db_per_km=attenuation_db_per_km,
    )


def read_graph(source: str | Path) -> tuple[Any, str]:
    """Read ``source`` into a networkx MultiGraph (undirected) and a display name."""
    import networkx as nx

    text = str(source)
    if text.startswith(TOPOHUB_PREFIX):
        return _read_topohub(text[len(TOPOHUB_PREFIX):]), text
    path = Path(source)
    if not path.is_file():
        raise InvalidParameterError("topology", text, "is not an existing file or topohub:KEY")
    kind = _SUFFIXES.get(path.suffix.lower())
    if kind is None:
        raise InvalidParameterError(
            "topology", text, "must end in .json, .graphml, .xml or .gml (or be topohub:KEY)"
        )
    try:
        if kind == "json":
            graph = _read_json(path)
        elif kind == "graphml":
            graph = nx.read_graphml(path, force_multigraph=True)
        else:
            graph = _read_gml(path)
    except InvalidParameterError:
        raise
    except Exception as err:  # any parser failure is a malformed file
        raise InvalidParameterError(
            "topology", text, f"is not a valid {kind.upper()} file ({_one_line(err)})"
        ) from None
    if graph.number_of_nodes() == 0:
        raise InvalidParameterError("topology", text, "has no nodes")
    return nx.MultiGraph(graph), path.stem


def _one_line(err: BaseException) -> str:
    msg = " ".join(str(err).split()) or type(err).__name__
    return msg if len(msg) <= 200 else msg[:197] + "..."


def _read_json(path: Path) -> Any:
    import networkx as nx

    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or "nodes" not in data:
        raise ValueError("expected a node-link object with 'nodes' and 'edges' (or 'links')")
    if "edges" in data and "links" in data:
        raise ValueError("has both 'edges' and 'links' lists; keep one")
    key = "links" if "links" in data else "edges"
    data = dict(data)
    data.setdefault(key, [])
    data["multigraph"] = True  # duplicate edges become parallel links
    data["directed"] = False
    return nx.node_link_graph(data, edges=key)


_GRAPH_OPEN = re.compile(r"^\s*graph\s*\[", re.MULTILINE)
_MULTIGRAPH_LINE = re.compile(r"^\s*multigraph\s+\d+\s*$", re.MULTILINE)


def _read_gml(path: Path) -> Any:
    """GML as a multigraph, even when the file omits ``multigraph 1`` (Topology Zoo files)."""
    import networkx as nx

    text = path.read_text(encoding="utf-8", errors="replace")
    match = _GRAPH_OPEN.search(text)
    if match is None:
        raise ValueError("no 'graph [' block")
    text = _MULTIGRAPH_LINE.sub("", text)
    text = text[: match.end()] + "\n  multigraph 1" + text[match.end():]
    # label="id": keep GML ids as node ids (Topology Zoo labels are not always unique); the
    # label survives as a node attribute and can be used to name nodes.
    return nx.parse_gml(text, label="id")


def _read_topohub(key: str) -> Any:
    import networkx as nx

    try:
        import topohub
    except ImportError:  # pragma: no cover - topohub is a dependency
        raise InvalidParameterError(
            "topology", TOPOHUB_PREFIX + key, "needs the topohub package: pip install topohub"
        ) from None
    try:
        data = topohub.get(key)
    except (KeyError, FileNotFoundError, OSError, ValueError):
        raise InvalidParameterError(
            "topology", TOPOHUB_PREFIX + key,
            "is not a topohub key (examples: topohub:sndlib/germany50, topohub:topozoo/Abilene, "
            "topohub:gabriel/25/0)",
        ) from None
    data = dict(data)
    data["multigraph"] = True
    data["directed"] = False
    graph = nx.node_link_graph(data, edges="edges")
    geographic = not key.startswith("gabriel/")  # Gabriel graphs have synthetic positions
    for _, attrs in graph.nodes(data=True):
        pos = attrs.get("pos")
        if geographic and pos is not None and len(pos) == 2:
            # topohub stores (longitude, latitude) in degrees
            attrs["longitude"], attrs["latitude"] = float(pos[0]), float(pos[1])
    for _, _, attrs in graph.edges(data=True):
        if "dist" in attrs and "length_km" not in attrs:
            attrs["length_km"] = float(attrs["dist"])
    return graph
