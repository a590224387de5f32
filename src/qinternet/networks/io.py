"""Loaders: node-link JSON, GraphML, GML (Topology Zoo) and ``topohub:KEY`` into a Network.

Every loader returns an undirected multigraph: duplicate edges (common in Topology Zoo GML
files, and the two directions a -> b, b -> a of a directed file) become parallel links,
never an error and never merged. Every loader refuses a broken topology instead of repairing
it silently: an edge naming an undeclared node (no phantom node is created), two nodes with
the same id, or a node without an id is an error naming the edge or the id. Text is decoded
as UTF-8 (a byte-order mark is ignored) and, when that fails, as Latin-1 (the encoding of
many Topology Zoo GML files).
"""

from __future__ import annotations

import json
import math
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from qinternet.errors import InvalidParameterError
from qinternet.networks.network import (
    DEFAULT_DETOUR_FACTOR,
    Network,
    ZeroLength,
    undirected_multigraph,
)

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
    zero_length: ZeroLength = "contract",
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
    zero_length : {"contract", "error"} or float
        What to do with fibre links of length 0 km (co-located points of presence; 75
        Topology Zoo networks of topohub have them): ``"contract"`` (default) merges their
        end nodes, ``"error"`` refuses them, a number X > 0 gives them the length X km. See
        :meth:`Network.from_networkx`.

    Returns
    -------
    Network
        With :attr:`Network.notes` saying what loading changed or found (contracted links,
        ignored coordinates, links longer than an unamplified fibre span).

    Raises
    ------
    InvalidParameterError
        Missing or malformed file (the message names the file and the problem: an edge to an
        undeclared node, a duplicate node id, ...), unknown topohub key, a topohub network
        whose node positions are not longitude/latitude (its ``dist`` values are then not
        km), or a link without usable physics.

    Notes
    -----
    topohub computes every ``dist`` of its Topology Zoo and SNDlib networks with the
    haversine formula from the node positions ``pos`` = (longitude, latitude), so ``dist`` is
    only a length in km when the positions are geographic. Twelve SNDlib networks of topohub
    1.5 store drawing positions instead: ``atlanta``, ``di-yuan``, ``france``, ``giul39``,
    ``newyork``, ``norway``, ``pioro40``, ``sun``, ``ta1``, ``ta2`` and ``zib54`` have pixel
    coordinates up to 716 (outside [-180, 180] x [-90, 90]; their "lengths" are 500-19600 km
    per link) and ``india35`` has whole-number grid positions in 0..49 that are not in India.
    Loading them is refused (naming a node and its position): their capacities would be
    meaningless (most underflow to exactly 0). A position counts as non-geographic when any
    node lies outside [-180, 180] x [-90, 90] or when every node of the network has
    whole-degree coordinates (no genuine topohub network does). Gabriel graphs
    (``gabriel/N/S``) are planar by construction; their ``dist`` is the Euclidean distance in
    the generator's units (mean node spacing about 100), used as km.

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
        attenuation_db_per_km=attenuation_db_per_km, zero_length=zero_length,
    )


def read_graph(source: str | Path) -> tuple[Any, str]:
    """Read ``source`` into a networkx MultiGraph (undirected) and a display name.

    Raises
    ------
    InvalidParameterError
        Named ``"topology"``: the file is missing, has an unknown suffix, does not parse, has
        no nodes, declares a node id twice or has an edge to an undeclared node.
    """
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
            graph = _read_graphml(path)
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
    # Directed files (GraphML edgedefault="directed", GML "directed 1"): a -> b and b -> a
    # stay two parallel links (nx.MultiGraph(graph) would merge them into one).
    return undirected_multigraph(graph), path.stem


def _one_line(err: BaseException) -> str:
    msg = " ".join(str(err).split()) or type(err).__name__
    return msg if len(msg) <= 200 else msg[:197] + "..."


def _decode(raw: bytes) -> str:
    """UTF-8 (without a byte-order mark) first, then Latin-1 (which decodes any byte)."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def _check_node_link(data: dict[str, Any], key: str) -> dict[str, Any]:
    """Node-link data with every node id declared once and every edge end declared.

    Ids are compared as strings (how :class:`Network` names nodes), so an edge may name node
    ``1`` as ``"1"``; edge ends are rewritten to the declared id. Raises ValueError naming the
    node or edge.
    """
    nodes = data["nodes"]
    edges = data[key]
    if not isinstance(nodes, list) or not isinstance(edges, list):
        raise ValueError(f"'nodes' and '{key}' must be lists")
    declared: dict[str, Any] = {}
    for i, node in enumerate(nodes):
        if not isinstance(node, dict) or "id" not in node:
            raise ValueError(f"node #{i} has no 'id'")
        ident = node["id"]
        if isinstance(ident, dict | list) or ident is None:
            raise ValueError(f"node #{i} has id {ident!r}; ids must be strings or numbers")
        if str(ident) in declared:
            raise ValueError(f"node id {str(ident)!r} is declared twice (nodes #"
                             f"{list(declared).index(str(ident))} and #{i})")
        declared[str(ident)] = ident
    fixed = []
    for i, edge in enumerate(edges):
        if not isinstance(edge, dict) or "source" not in edge or "target" not in edge:
            raise ValueError(f"edge #{i} needs a 'source' and a 'target'")
        ends = (edge["source"], edge["target"])
        for end in ends:
            if str(end) not in declared:
                raise ValueError(
                    f"edge #{i} ({ends[0]!r} - {ends[1]!r}) names node {end!r}, which is not "
                    "declared in 'nodes'"
                )
        fixed.append({**edge, "source": declared[str(ends[0])],
                      "target": declared[str(ends[1])]})
    return {**data, key: fixed}


def _read_json(path: Path) -> Any:
    import networkx as nx

    data = json.loads(_decode(path.read_bytes()))
    if not isinstance(data, dict) or "nodes" not in data:
        raise ValueError("expected a node-link object with 'nodes' and 'edges' (or 'links')")
    if "edges" in data and "links" in data:
        raise ValueError("has both 'edges' and 'links' lists; keep one")
    key = "links" if "links" in data else "edges"
    data = dict(data)
    data.setdefault(key, [])
    data = _check_node_link(data, key)
    data["multigraph"] = True  # duplicate edges become parallel links
    data["directed"] = False
    return nx.node_link_graph(data, edges=key)


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _read_graphml(path: Path) -> Any:
    """GraphML with the checks networkx does not make (it merges duplicate node ids and
    creates a node for an edge end that was never declared)."""
    import networkx as nx

    raw = path.read_bytes()
    try:
        root = ET.fromstring(raw)
        text: str | bytes = raw
    except ET.ParseError:
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError:  # Latin-1 bytes without an encoding declaration
            text = re.sub(r"^\s*<\?xml[^>]*\?>", "", raw.decode("latin-1"))
            root = ET.fromstring(text)
        else:
            raise
    declared: set[str] = set()
    for element in root.iter():
        if _local(element.tag) == "node":
            ident = element.get("id")
            if ident is None:
                raise ValueError("a <node> has no 'id'")
            if ident in declared:
                raise ValueError(f"node id {ident!r} is declared twice")
            declared.add(ident)
    for i, element in enumerate(e for e in root.iter() if _local(e.tag) == "edge"):
        ends = (element.get("source"), element.get("target"))
        name = f"edge #{i}" + (f" (id {element.get('id')!r})" if element.get("id") else "")
        for end in ends:
            if end is None:
                raise ValueError(f"{name} needs a 'source' and a 'target'")
            if end not in declared:
                raise ValueError(f"{name} ({ends[0]!r} - {ends[1]!r}) names node {end!r}, "
                                 "which is not declared")
    if isinstance(text, bytes):
        return nx.read_graphml(path, force_multigraph=True)
    return nx.parse_graphml(text, force_multigraph=True)


_GRAPH_OPEN = re.compile(r"^\s*graph\s*\[", re.MULTILINE)
_MULTIGRAPH_LINE = re.compile(r"^\s*multigraph\s+\d+\s*$", re.MULTILINE)


def _read_gml(path: Path) -> Any:
    """GML as a multigraph, even when the file omits ``multigraph 1`` (Topology Zoo files).

    networkx itself refuses duplicate node ids and edges to undeclared nodes (naming them).
    """
    import networkx as nx

    text = _decode(path.read_bytes())
    match = _GRAPH_OPEN.search(text)
    if match is None:
        raise ValueError("no 'graph [' block")
    text = _MULTIGRAPH_LINE.sub("", text)
    text = text[: match.end()] + "\n  multigraph 1" + text[match.end():]
    # label="id": keep GML ids as node ids (Topology Zoo labels are not always unique); the
    # label survives as a node attribute and can be used to name nodes.
    return nx.parse_gml(text, label="id")


def _non_geographic(data: dict[str, Any]) -> tuple[str, tuple[float, float], str] | None:
    """A node whose ``pos`` shows the positions are not (longitude, latitude), and why."""
    points = []
    for node in data["nodes"]:
        pos = node.get("pos")
        if pos is None or len(pos) != 2:
            continue
        lon, lat = float(pos[0]), float(pos[1])
        name = str(node.get("name", node.get("id")))
        if not (math.isfinite(lon) and math.isfinite(lat)
                and -180.0 <= lon <= 180.0 and -90.0 <= lat <= 90.0):
            return name, (lon, lat), "outside [-180, 180] x [-90, 90] (pixel coordinates?)"
        points.append((name, (lon, lat)))
    if len(points) >= 4 and all(x.is_integer() and y.is_integer() for _, (x, y) in points):
        name, pos = points[0]
        return name, pos, (f"one of {len(points)} positions that are all whole numbers "
                           "(grid or pixel positions, not longitude/latitude)")
    return None


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
    data.setdefault("edges", [])
    try:
        data = _check_node_link(data, "edges")
    except ValueError as err:
        raise InvalidParameterError("topology", TOPOHUB_PREFIX + key, str(err)) from None
    geographic = not key.startswith("gabriel/")  # Gabriel graphs have synthetic positions
    if geographic:
        bad = _non_geographic(data)
        if bad is not None:
            node, (lon, lat), why = bad
            dists = [float(e["dist"]) for e in data["edges"] if "dist" in e]
            span = (f" (they range from {min(dists):.0f} to {max(dists):.0f} per link)"
                    if dists else "")
            raise InvalidParameterError(
                "topology", TOPOHUB_PREFIX + key,
                f"has node positions that are not longitude/latitude: node {node!r} is at "
                f"position ({lon:g}, {lat:g}), {why}; topohub computes the link lengths "
                "'dist' from these positions with the haversine formula, so they are not "
                f"km{span}; refusing them (give length_km per link in a file instead)",
            )
    data["multigraph"] = True
    data["directed"] = False
    graph = nx.node_link_graph(data, edges="edges")
    for _, attrs in graph.nodes(data=True):
        pos = attrs.get("pos")
        if geographic and pos is not None and len(pos) == 2:
            # topohub stores (longitude, latitude) in degrees
            attrs["longitude"], attrs["latitude"] = float(pos[0]), float(pos[1])
    for _, _, attrs in graph.edges(data=True):
        if "dist" in attrs and "length_km" not in attrs:
            attrs["length_km"] = float(attrs["dist"])
    return graph
