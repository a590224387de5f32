"""Network model: an undirected multigraph of quantum links, each with E_up and R_lo per use.

Parallel links between the same two nodes stay separate links (each keeps its own usage);
they are never merged. Nodes are identified by a string id and may carry a human-readable
name/label and geographic coordinates.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from qinternet._validation import require_nonnegative, require_positive
from qinternet.channels.models import Channel
from qinternet.constants import DEFAULT_ATTENUATION_DB_PER_KM
from qinternet.errors import InvalidParameterError
from qinternet.networks._physics import great_circle_km, link_physics
from qinternet.networks.lp._arrays import LinkArrays

__all__ = ["DEFAULT_DETOUR_FACTOR", "Link", "Network", "Node"]

#: Default ratio of fibre length to great-circle distance when lengths are estimated from
#: coordinates. 1.0 (the straight great-circle line) makes every estimated fibre as short as
#: possible, so capacities are over- rather than under-estimated: the upper bound stays an upper
#: bound for the real network; real fibre routes are typically 1.2-1.5 times longer.
DEFAULT_DETOUR_FACTOR = 1.0

_LAT_KEYS = ("latitude", "Latitude", "lat")
_LON_KEYS = ("longitude", "Longitude", "lon", "lng")


@dataclass(frozen=True, slots=True, kw_only=True)
class Node:
    """A network node."""

    #: Identifier (as a string), unique in the network.
    id: str
    #: Human-readable name or label (e.g. a city), or None.
    label: str | None = None
    #: Latitude in degrees, or None when unknown.
    latitude: float | None = None
    #: Longitude in degrees, or None when unknown.
    longitude: float | None = None

    @property
    def name(self) -> str:
        """The label when there is one, else the id (how results name the node)."""
        return self.label if self.label else self.id


@dataclass(frozen=True, slots=True, kw_only=True)
class Link:
    """An undirected quantum link between nodes ``u`` and ``v`` (node ids)."""

    #: Position of the link in :attr:`Network.links`.
    index: int
    #: One endpoint (node id).
    u: str
    #: Other endpoint (node id).
    v: str
    #: Key among parallel links between the same two nodes (0, 1, ...).
    key: int = 0
    #: Channel model, or None when the capacities were given directly.
    channel: Channel | None = None
    #: Upper bound E_up on the two-way capacity, ebits per use.
    upper_ebits_per_use: float
    #: Achievable rate R_lo, ebits per use.
    lower_ebits_per_use: float
    #: Fibre length in km, or None when unknown.
    length_km: float | None = None
    #: True when ``length_km`` was estimated from node coordinates.
    estimated_length: bool = False

    def __post_init__(self) -> None:
        if not (self.upper_ebits_per_use >= self.lower_ebits_per_use >= 0.0):
            raise InvalidParameterError(
                f"link ({self.u!r}, {self.v!r}, key {self.key})",
                (self.upper_ebits_per_use, self.lower_ebits_per_use),
                "must have upper >= lower >= 0 ebits per use",
            )

    @property
    def label(self) -> str:
        """How errors and notes name the link (by node ids)."""
        return f"link ({self.u!r}, {self.v!r}, key {self.key})"


@dataclass(frozen=True, slots=True, kw_only=True)
class Network:
    """Undirected multigraph of quantum links.

    Examples
    --------
    >>> import networkx as nx
    >>> g = nx.MultiGraph()
    >>> g.add_edge("A", "B", length_km=50.0)
    0
    >>> g.add_edge("A", "B", transmissivity=0.5)  # a parallel link stays separate
    1
    >>> net = Network.from_networkx(g)
    >>> len(net.links), round(net.links[0].upper_ebits_per_use, 10)
    (2, 0.1520030934)
    """

    #: Nodes in index order.
    nodes: tuple[Node, ...]
    #: Links in index order (``links[i].index == i``).
    links: tuple[Link, ...]
    #: Name of the network (e.g. the file or topohub key).
    name: str = ""
    _index: dict[str, int] = field(init=False, repr=False, compare=False)
    _labels: dict[str, list[int]] = field(init=False, repr=False, compare=False)
    _tail: npt.NDArray[np.int64] = field(init=False, repr=False, compare=False)
    _head: npt.NDArray[np.int64] = field(init=False, repr=False, compare=False)
    _upper: npt.NDArray[np.float64] = field(init=False, repr=False, compare=False)
    _lower: npt.NDArray[np.float64] = field(init=False, repr=False, compare=False)
    _cache: dict[str, Any] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        index: dict[str, int] = {}
        labels: dict[str, list[int]] = {}
        for i, node in enumerate(self.nodes):
            if node.id in index:
                raise InvalidParameterError("nodes", node.id, "must have unique ids")
            index[node.id] = i
            if node.label:
                labels.setdefault(node.label, []).append(i)
        m = len(self.links)
        tail = np.empty(m, dtype=np.int64)
        head = np.empty(m, dtype=np.int64)
        upper = np.empty(m, dtype=np.float64)
        lower = np.empty(m, dtype=np.float64)
        for i, link in enumerate(self.links):
            if link.index != i:
                raise InvalidParameterError("links", link.index, f"must be in index order ({i})")
            if link.u not in index or link.v not in index:
                raise InvalidParameterError(link.label, (link.u, link.v), "joins unknown nodes")
            tail[i], head[i] = index[link.u], index[link.v]
            upper[i], lower[i] = link.upper_ebits_per_use, link.lower_ebits_per_use
        for name, value in (("_index", index), ("_labels", labels), ("_tail", tail),
                            ("_head", head), ("_upper", upper), ("_lower", lower),
                            ("_cache", {})):
            object.__setattr__(self, name, value)

    @property
    def num_nodes(self) -> int:
        """Number of nodes."""
        return len(self.nodes)

    @property
    def lengths_estimated(self) -> bool:
        """True when at least one link length was estimated from coordinates."""
        return self.num_estimated_lengths > 0

    @property
    def num_estimated_lengths(self) -> int:
        """Number of links whose length was estimated from node coordinates."""
        count: int = self.cached(
            "num_estimated", lambda: sum(link.estimated_length for link in self.links)
        )
        return count

    @property
    def node_names(self) -> tuple[str, ...]:
        """Names used in results (label if any, else id), in node index order."""
        names: tuple[str, ...] = self.cached(
            "names", lambda: tuple(n.name for n in self.nodes)
        )
        return names

    @property
    def has_coordinates(self) -> bool:
        """True when every node has a latitude and a longitude."""
        return bool(self.nodes) and all(
            n.latitude is not None and n.longitude is not None for n in self.nodes
        )

    def node_index(self, name_or_id: str | int) -> int:
        """Index of the node with this id, or else with this unique name/label.

        Raises
        ------
        InvalidParameterError
            No node has this id or name, or the name is shared by several nodes; the message
            lists close matches.
        """
        key = str(name_or_id)
        if key in self._index:
            return self._index[key]
        hits = self._labels.get(key)
        if hits is None:
            folded = [i for lab, idx in self._labels.items() if lab.casefold() == key.casefold()
                      for i in idx]
            hits = folded if folded else None
        if hits is not None and len(hits) == 1:
            return hits[0]
        if hits:
            ids = ", ".join(self.nodes[i].id for i in hits)
            raise InvalidParameterError(
                "node", key, f"is the name of several nodes (ids {ids}): use a node id"
            )
        choices = list(self._index) + list(self._labels)
        close = difflib.get_close_matches(key, choices, n=3, cutoff=0.6)
        hint = f" (did you mean {', '.join(repr(c) for c in close)}?)" if close else ""
        where = f" {self.name!r}" if self.name else ""
        raise InvalidParameterError(
            "node", key, f"is not a node id or name of network{where}{hint}"
        )

    def node_name(self, index: int) -> str:
        """The name used in results for the node at ``index`` (label if any, else id)."""
        return self.node_names[index]

    def link_end_names(self, index: int) -> tuple[str, str]:
        """Names (label or id) of the two end nodes of link ``index``."""
        names = self.node_names
        return (names[int(self._tail[index])], names[int(self._head[index])])

    def cached(self, key: str, factory: Callable[[], Any]) -> Any:
        """Derived data computed once per network (e.g. the igraph graph of the topology)."""
        if key not in self._cache:
            self._cache[key] = factory()
        return self._cache[key]

    def link_arrays(self, which: Literal["upper", "lower"]) -> LinkArrays:
        """Integer arrays of the topology with E_up (``"upper"``) or R_lo (``"lower"``) values."""
        if which not in ("upper", "lower"):
            raise InvalidParameterError("which", which, "must be 'upper' or 'lower'")
        cap = self._upper if which == "upper" else self._lower
        return LinkArrays(num_nodes=self.num_nodes, tail=self._tail, head=self._head,
                          capacity=cap)

    @classmethod
    def from_networkx(
        cls,
        graph: Any,
        *,
        name: str | None = None,
        estimate_lengths: bool = False,
        detour_factor: float = DEFAULT_DETOUR_FACTOR,
        attenuation_db_per_km: float | None = None,
    ) -> Network:
        """Build a network from a networkx graph (simple or multi).

        Every edge becomes one undirected link (an edge of a directed graph too: directions are
        ignored, so a -> b and b -> a give two parallel links).

        Parameters
        ----------
        graph : networkx.Graph
            Nodes may carry ``name``/``label`` and ``latitude``/``longitude`` (also
            ``Latitude``/``Longitude``, ``lat``/``lon``); edges carry the physics attributes
            of :mod:`qinternet.networks._physics` (``length_km``, ``transmissivity``,
            ``capacity_upper`` + ``capacity_lower`` or ``channel`` + parameters).
        name : str, optional
            Network name (default: the graph's ``name`` attribute).
        estimate_lengths : bool
            For links without physics, estimate ``length_km`` as the great-circle distance of
            the end nodes times ``detour_factor``. Off by default: a link without physics is an
            error.
        detour_factor : float
            Fibre length / great-circle distance, > 0 (default 1.0).
        attenuation_db_per_km : float, optional
            Attenuation in dB/km for links that give a length but no attenuation (default 0.2).

        Returns
        -------
        Network

        Raises
        ------
        InvalidParameterError
            A link without usable physics (named), bad attribute values, or missing
            coordinates when lengths are estimated.

        References
        ----------
        .. [1] S. Pirandola, Commun. Phys. 2, 51 (2019), arXiv:1905.12674: network as an
           undirected graph of channels [V, abstract]; review arXiv:1906.01645 Sec. XII.C [V].
        """
        import networkx as nx

        detour = require_positive("detour_factor", detour_factor)
        alpha = (DEFAULT_ATTENUATION_DB_PER_KM if attenuation_db_per_km is None
                 else require_nonnegative("attenuation_db_per_km", attenuation_db_per_km))
        multi = nx.MultiGraph(graph) if not isinstance(graph, nx.MultiGraph) else graph
        nodes = tuple(_make_node(n, attrs) for n, attrs in multi.nodes(data=True))
        by_id = {node.id: node for node in nodes}
        links: list[Link] = []
        seen: dict[tuple[str, str], int] = {}
        for u_raw, v_raw, attrs in _edges(multi):
            u, v = str(u_raw), str(v_raw)
            pair = (u, v) if u <= v else (v, u)
            key = seen.get(pair, 0)
            seen[pair] = key + 1
            label = f"link ({by_id[u].name!r}, {by_id[v].name!r}, key {key})"
            estimate: float | None = None
            estimated = False
            if estimate_lengths and not _has_physics(attrs):
                estimate = _estimate_length(label, by_id[u], by_id[v]) * detour
                estimated = True
            phys = link_physics(label, attrs, attenuation_db_per_km=alpha, length_km=estimate)
            links.append(Link(index=len(links), u=u, v=v, key=key, channel=phys.channel,
                              upper_ebits_per_use=phys.upper_ebits_per_use,
                              lower_ebits_per_use=phys.lower_ebits_per_use,
                              length_km=phys.length_km, estimated_length=estimated))
        net_name = name if name is not None else str(multi.graph.get("name", "") or "")
        return cls(nodes=nodes, links=tuple(links), name=net_name)


def _edges(multi: Any) -> Iterable[tuple[Any, Any, Mapping[str, Any]]]:
    yield from multi.edges(data=True)


def _has_physics(attrs: Mapping[str, Any]) -> bool:
    return any(k in attrs for k in ("length_km", "transmissivity", "capacity_upper",
                                    "capacity_lower", "channel"))


def _coordinate(attrs: Mapping[str, Any], keys: tuple[str, ...]) -> float | None:
    for key in keys:
        if key in attrs and attrs[key] is not None:
            try:
                return float(attrs[key])
            except (TypeError, ValueError):
                raise InvalidParameterError(key, attrs[key], "must be a number in degrees") \
                    from None
    return None


def _make_node(node_id: Any, attrs: Mapping[str, Any]) -> Node:
    label = attrs.get("name", attrs.get("label"))
    return Node(
        id=str(node_id),
        label=None if label is None or str(label) == "" else str(label),
        latitude=_coordinate(attrs, _LAT_KEYS),
        longitude=_coordinate(attrs, _LON_KEYS),
    )


def _estimate_length(label: str, a: Node, b: Node) -> float:
    if a.latitude is None or a.longitude is None or b.latitude is None or b.longitude is None:
        missing = a.id if a.latitude is None or a.longitude is None else b.id
        raise InvalidParameterError(
            label, missing,
            "has no usable physics and its length cannot be estimated: node has no "
            "latitude/longitude",
        )
    return great_circle_km(a.latitude, a.longitude, b.latitude, b.longitude)
