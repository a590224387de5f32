"""Network model: an undirected multigraph of quantum links, each with E_up and R_lo per use.

Parallel links between the same two nodes stay separate links (each keeps its own usage);
they are never merged. Nodes are identified by a string id and may carry a human-readable
name/label and geographic coordinates. Co-located nodes joined by a zero-length fibre link
are contracted into one node when a network is built from a graph (see
:meth:`Network.from_networkx`); the merged node still answers to every original id and name.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, TypeAlias

import numpy as np
import numpy.typing as npt

from qinternet._validation import require_nonnegative, require_positive
from qinternet.channels.models import Channel
from qinternet.constants import DEFAULT_ATTENUATION_DB_PER_KM
from qinternet.errors import InvalidParameterError
from qinternet.networks._physics import (
    MAX_UNAMPLIFIED_SPAN_KM,
    NEGLIGIBLE_CAPACITY_EBITS_PER_USE,
    great_circle_km,
    link_physics,
)
from qinternet.networks.certificates import (
    CutSetCertificate,
    MinCutCertificate,
    PotentialsCertificate,
)
from qinternet.networks.lp.arrays import LinkArrays

if TYPE_CHECKING:
    from qinternet.networks.results import NetworkBoundResult

__all__ = [
    "Bottleneck",
    "DEFAULT_DETOUR_FACTOR",
    "Link",
    "Network",
    "Node",
    "ZeroLength",
    "find_bottleneck",
    "undirected_multigraph",
]

#: Default ratio of fibre length to great-circle distance when lengths are estimated from
#: coordinates. 1.0 (the straight great-circle line) makes every estimated fibre as short as
#: possible, so capacities are over- rather than under-estimated: the upper bound stays an upper
#: bound for the real network; real fibre routes are typically 1.2-1.5 times longer.
DEFAULT_DETOUR_FACTOR = 1.0

#: What :meth:`Network.from_networkx` does with a zero-length fibre link: ``"contract"``
#: (merge its end nodes), ``"error"`` (refuse it) or a length in km (> 0) to use instead.
ZeroLength: TypeAlias = Literal["error", "contract"] | float

_LAT_KEYS = ("latitude", "Latitude", "lat")
_LON_KEYS = ("longitude", "Longitude", "lon", "lng")
_PHYSICS_KEYS = ("length_km", "transmissivity", "capacity_upper", "capacity_lower", "channel")
_NOT_FROM_LENGTH = ("transmissivity", "capacity_upper", "capacity_lower", "channel")
_EXAMPLES_IN_NOTES = 3


@dataclass(frozen=True, slots=True, kw_only=True)
class Node:
    """A network node."""

    #: Identifier (as a string), unique in the network.
    id: str
    #: Human-readable name or label (e.g. a city), or None.
    label: str | None = None
    #: Latitude in degrees (in [-90, 90]), or None when unknown.
    latitude: float | None = None
    #: Longitude in degrees (in [-180, 180]), or None when unknown.
    longitude: float | None = None
    #: Ids of the co-located nodes contracted into this one (zero-length links); each still
    #: resolves to this node in :meth:`Network.node_index`.
    merged_ids: tuple[str, ...] = ()
    #: Original names (labels) of all nodes contracted into this one, its own included; each
    #: resolves to this node in :meth:`Network.node_index`.
    merged_names: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for what, value, bound in (("latitude", self.latitude, 90.0),
                                   ("longitude", self.longitude, 180.0)):
            if value is not None and not (math.isfinite(value) and -bound <= value <= bound):
                raise InvalidParameterError(
                    f"{what} of node {self.id!r}", value, f"must be in [-{bound:g}, {bound:g}] "
                    "degrees"
                )

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
class Bottleneck:
    """The links that limit the certified upper bound of a result (see :func:`find_bottleneck`)."""

    #: ``"min cut"`` (one pair, flooding), ``"binding cuts"`` (cut LP: links of the cuts
    #: with positive dual value) or ``"shortest path"`` (one pair, frequency usage: links on
    #: a shortest path in the 1/E_up metric, where the potential certificate is tight).
    kind: str
    #: Link indices, ascending.
    links: tuple[int, ...]
    #: Source sides of the certifying cuts, as node names (empty for ``"shortest path"``).
    cuts: tuple[tuple[str, ...], ...] = ()


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
    #: What building the network changed or found: contracted zero-length links, ignored
    #: coordinates, links longer than an unamplified fibre span. Shown by ``qinternet bounds``.
    notes: tuple[str, ...] = ()
    _index: dict[str, int] = field(init=False, repr=False, compare=False)
    _aliases: dict[str, int] = field(init=False, repr=False, compare=False)
    _labels: dict[str, list[int]] = field(init=False, repr=False, compare=False)
    _tail: npt.NDArray[np.int64] = field(init=False, repr=False, compare=False)
    _head: npt.NDArray[np.int64] = field(init=False, repr=False, compare=False)
    _upper: npt.NDArray[np.float64] = field(init=False, repr=False, compare=False)
    _lower: npt.NDArray[np.float64] = field(init=False, repr=False, compare=False)
    _cache: dict[str, Any] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        index: dict[str, int] = {}
        aliases: dict[str, int] = {}
        labels: dict[str, list[int]] = {}
        for i, node in enumerate(self.nodes):
            if node.id in index:
                raise InvalidParameterError("nodes", node.id, "must have unique ids")
            index[node.id] = i
        for i, node in enumerate(self.nodes):
            for alias in node.merged_ids:
                if alias in index or alias in aliases:
                    raise InvalidParameterError(
                        f"merged_ids of node {node.id!r}", alias,
                        "must be unique among the node ids and merged ids",
                    )
                aliases[alias] = i
            for label in dict.fromkeys((node.label, *node.merged_names)):
                if label:
                    labels.setdefault(label, []).append(i)
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
        for name, value in (("_index", index), ("_aliases", aliases), ("_labels", labels),
                            ("_tail", tail), ("_head", head), ("_upper", upper),
                            ("_lower", lower), ("_cache", {})):
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

        Ids and names of nodes contracted into another one (co-located nodes, see
        :meth:`from_networkx`) resolve to the merged node.

        Raises
        ------
        InvalidParameterError
            No node has this id or name, or the name is shared by several nodes; the message
            lists close matches.
        """
        key = str(name_or_id)
        if key in self._index:
            return self._index[key]
        if key in self._aliases:
            return self._aliases[key]
        hits = self._labels.get(key)
        if hits is None:
            folded = [i for lab, idx in self._labels.items() if lab.casefold() == key.casefold()
                      for i in idx]
            hits = sorted(set(folded)) if folded else None
        if hits is not None and len(hits) == 1:
            return hits[0]
        if hits:
            ids = ", ".join(self.nodes[i].id for i in hits)
            raise InvalidParameterError(
                "node", key, f"is the name of several nodes (ids {ids}): use a node id"
            )
        choices = list(self._index) + list(self._aliases) + list(self._labels)
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

    def link_end_indices(self, index: int) -> tuple[int, int]:
        """Node indices of the two end nodes of link ``index``."""
        return (int(self._tail[index]), int(self._head[index]))

    def link_records(self) -> tuple[dict[str, Any], ...]:
        """One JSON-ready dict per link, in link order (the ``links`` list of ``--json``).

        Keys: ``index``, ``u`` and ``v`` (node ids), ``endpoints`` (the two node names),
        ``key`` (among parallel links), ``length_km`` (None when unknown),
        ``length_estimated``, ``channel`` (model name, None when capacities were given),
        ``upper_ebits_per_use`` (E_up) and ``lower_ebits_per_use`` (R_lo).
        """
        def record(link: Link) -> dict[str, Any]:
            return {
                "index": link.index, "u": link.u, "v": link.v,
                "endpoints": list(self.link_end_names(link.index)), "key": link.key,
                "length_km": link.length_km, "length_estimated": link.estimated_length,
                "channel": None if link.channel is None else link.channel.model,
                "upper_ebits_per_use": link.upper_ebits_per_use,
                "lower_ebits_per_use": link.lower_ebits_per_use,
            }

        records: tuple[dict[str, Any], ...] = self.cached(
            "records", lambda: tuple(record(link) for link in self.links)
        )
        return tuple(dict(r) for r in records)

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
        zero_length: ZeroLength = "contract",
    ) -> Network:
        """Build a network from a networkx graph (simple or multi).

        Every edge becomes one undirected link (an edge of a directed graph too: directions are
        ignored, so a -> b and b -> a give two parallel links; see
        :func:`undirected_multigraph`).

        Parameters
        ----------
        graph : networkx.Graph
            Nodes may carry ``name``/``label`` and ``latitude``/``longitude`` in degrees (also
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
        zero_length : {"contract", "error"} or float
            Fibre links of length 0 km (given, or estimated from identical coordinates) would
            have infinite capacity; they join co-located points of presence.
            ``"contract"`` (default): merge the end nodes of every such link into one node
            (the first node in node order keeps its id, coordinates and links; its label
            lists the distinct original names joined by ``" / "``; every original id and name
            still resolves in :meth:`node_index`); the zero-length links disappear, and so
            do other links between nodes that are merged. ``"error"``: refuse such a link
            (naming it). A number X > 0: give such links the length X km. Only links whose
            physics come from a length are concerned: a link with ``capacity_upper`` +
            ``capacity_lower``, ``channel`` or ``transmissivity`` is left as it is.

        Returns
        -------
        Network
            :attr:`notes` says how many links were contracted or lengthened, whether node
            coordinates were ignored, and how many links are longer than
            :data:`~qinternet.networks._physics.MAX_UNAMPLIFIED_SPAN_KM`.

        Raises
        ------
        InvalidParameterError
            A link without usable physics (named), bad attribute values, a zero-length link
            with ``zero_length="error"``, or missing or non-geographic coordinates when
            lengths are estimated (the message names the network and a node).

        Notes
        -----
        Coordinates outside [-90, 90] (latitude) x [-180, 180] (longitude) are not
        latitude/longitude (e.g. pixel positions of a drawing): when any node has such
        coordinates, the coordinates of every node are ignored (with a note) and lengths
        cannot be estimated from them.

        References
        ----------
        .. [1] S. Pirandola, Commun. Phys. 2, 51 (2019), arXiv:1905.12674: network as an
           undirected graph of channels [V, abstract]; review arXiv:1906.01645 Sec. XII.C [V].
        """
        detour = require_positive("detour_factor", detour_factor)
        alpha = (DEFAULT_ATTENUATION_DB_PER_KM if attenuation_db_per_km is None
                 else require_nonnegative("attenuation_db_per_km", attenuation_db_per_km))
        min_km = _zero_length_km(zero_length)
        multi = undirected_multigraph(graph)
        net_name = name if name is not None else str(multi.graph.get("name", "") or "")
        notes: list[str] = []
        nodes, bad_coords = _make_nodes(multi, net_name)
        if bad_coords is not None:
            notes.append(f"node coordinates ignored: {bad_coords}")
        by_id = {node.id: node for node in nodes}
        edges = []
        for u_raw, v_raw, attrs in multi.edges(data=True):
            u, v = str(u_raw), str(v_raw)
            estimate: float | None = None
            if estimate_lengths and not any(k in attrs for k in _PHYSICS_KEYS):
                where = f"link ({by_id[u].name!r}, {by_id[v].name!r})"
                estimate = _estimate_length(where, by_id[u], by_id[v], bad_coords) * detour
            edges.append((u, v, attrs, estimate, _fibre_length(attrs, estimate) == 0.0))
        num_zero = sum(zero for *_, zero in edges)
        rep = {node.id: node.id for node in nodes}
        if num_zero and zero_length == "contract":
            nodes, rep = _contract(nodes, [(u, v) for u, v, *_, zero in edges if zero])
            by_id = {node.id: node for node in nodes}
        links: list[Link] = []
        seen: dict[tuple[str, str], int] = {}
        dropped = 0
        for u_orig, v_orig, attrs, estimate, zero in edges:
            u, v = rep[u_orig], rep[v_orig]
            if u == v and (zero or u_orig != v_orig):
                dropped += not zero  # zero-length links are counted as contracted
                continue
            pair = (u, v) if u <= v else (v, u)
            key = seen.get(pair, 0)
            seen[pair] = key + 1
            label = f"link ({by_id[u].name!r}, {by_id[v].name!r}, key {key})"
            if zero and zero_length == "error":
                raise InvalidParameterError(
                    f"length_km of {label}", 0.0,
                    "must be > 0: a zero-length fibre link has infinite capacity (co-located "
                    "nodes?); zero_length='contract' merges its end nodes and a number gives "
                    "it that length in km (CLI --zero-length contract|min-km:X)",
                )
            if zero and min_km is not None:
                if estimate is None:
                    attrs = {**attrs, "length_km": min_km}
                else:
                    estimate = min_km
            phys = link_physics(label, attrs, attenuation_db_per_km=alpha, length_km=estimate)
            links.append(Link(index=len(links), u=u, v=v, key=key, channel=phys.channel,
                              upper_ebits_per_use=phys.upper_ebits_per_use,
                              lower_ebits_per_use=phys.lower_ebits_per_use,
                              length_km=phys.length_km, estimated_length=estimate is not None))
        if num_zero and zero_length == "contract":
            notes.append(_contract_note(num_zero, dropped, nodes))
        elif num_zero and min_km is not None:
            notes.append(f"{num_zero} zero-length link(s) (co-located nodes) given the minimum "
                         f"length {min_km:g} km (zero_length={min_km:g})")
        long_note = _long_link_note(links, by_id)
        if long_note:
            notes.append(long_note)
        return cls(nodes=tuple(nodes), links=tuple(links), name=net_name, notes=tuple(notes))


def undirected_multigraph(graph: Any) -> Any:
    """``graph`` as an undirected networkx MultiGraph with one edge per edge of ``graph``.

    Unlike ``nx.MultiGraph(graph)``, which merges the edges a -> b and b -> a of a directed
    graph into one edge (keeping only the attributes of one of them), every directed edge
    stays a separate (parallel) edge. An undirected multigraph is returned as it is.
    """
    import networkx as nx

    if isinstance(graph, nx.MultiGraph) and not graph.is_directed():
        return graph
    multi = nx.MultiGraph()
    multi.graph.update(graph.graph)
    multi.add_nodes_from(graph.nodes(data=True))
    for u, v, attrs in graph.edges(data=True):
        multi.add_edge(u, v, **attrs)
    return multi


def find_bottleneck(network: Network, result: NetworkBoundResult) -> Bottleneck | None:
    """The links that limit the certified upper bound of ``result`` on ``network``.

    Parameters
    ----------
    network : Network
        The network ``result`` was computed on.
    result : NetworkBoundResult
        Its certificate gives the bottleneck: a min cut (:class:`MinCutCertificate`: the links
        crossing the source side), binding cuts (:class:`CutSetCertificate`: links with a
        positive dual value), or potentials (:class:`PotentialsCertificate`, one pair under
        frequency usage: the links where the
        potential difference times E_up attains its maximum, i.e. the links of the shortest
        paths in the 1/E_up metric).

    Returns
    -------
    Bottleneck or None
        No links when the upper bound is 0 (the demands are disconnected). None when the
        certificate does not identify links (no certificate, no cut links or no positive dual
        value although the upper bound is positive, or potentials on a network whose node
        names are not unique).
    """
    cert = result.certificate
    if isinstance(cert, MinCutCertificate):
        side = cert.source_side
        if not cert.cut_links and result.upper > 0:
            return None
        return Bottleneck(kind="min cut", links=_cut_links(network, side, cert.cut_links),
                          cuts=(side,))
    if isinstance(cert, CutSetCertificate):
        duals = np.asarray(cert.link_duals, dtype=np.float64)
        if duals.size != len(network.links):
            return None
        top = float(duals.max(initial=0.0))
        if top <= 0 and result.upper > 0:
            return None  # no dual information: the binding links are unknown
        binding = np.flatnonzero(duals > 1e-9 * top) if top > 0 else np.array([], dtype=int)
        return Bottleneck(kind="binding cuts", links=tuple(int(e) for e in binding),
                          cuts=cert.cuts)
    if isinstance(cert, PotentialsCertificate):
        names = network.node_names
        if len(set(names)) != len(names) or len(result.demands) != 1:
            return None
        pots = dict(zip(cert.nodes, cert.potentials, strict=True))
        x = np.array([float(pots.get(n, math.nan)) for n in names])
        return Bottleneck(kind="shortest path",
                          links=_tight_path_links(network, x, names.index(result.demands[0][-1])))
    return None


def _tight_path_links(network: Network, x: npt.NDArray[np.float64], sink: int) -> tuple[
        int, ...]:
    """Links on shortest source-sink paths: tight for the potentials x = d(v) / d(sink)
    (|x_u - x_v| E_up maximal) and leading, through tight links, to the sink."""
    tail, head = network._tail, network._head
    with np.errstate(invalid="ignore"):
        slack = np.abs(x[tail] - x[head]) * network._upper
    slack = np.where(np.isfinite(slack), slack, 0.0)
    top = float(slack.max(initial=0.0))
    if top <= 0:
        return ()
    tight = np.flatnonzero(slack >= top * (1 - 1e-7))
    into: dict[int, list[tuple[int, int]]] = {}  # node -> (link, node one step closer to s)
    for e in tight.tolist():
        a, b = int(tail[e]), int(head[e])
        low, high = (a, b) if x[a] < x[b] else (b, a)
        into.setdefault(high, []).append((e, low))
    on_path: set[int] = set()
    stack, reached = [sink], {sink}
    while stack:
        v = stack.pop()
        for e, u in into.get(v, []):
            on_path.add(e)
            if u not in reached:
                reached.add(u)
                stack.append(u)
    return tuple(sorted(on_path))


def _cut_links(network: Network, side: tuple[str, ...],
               cut_links: tuple[tuple[str, str], ...]) -> tuple[int, ...]:
    """Link indices of a min cut given by the names of its source side (and its link names)."""
    names = network.node_names
    wanted = set(side)
    if len(set(names)) == len(names):
        inside = np.array([n in wanted for n in names], dtype=bool)
        crossing = inside[network._tail] != inside[network._head]
        return tuple(int(e) for e in np.flatnonzero(crossing))
    # Duplicate names: match the certificate's (name, name) pairs in link order.
    out: list[int] = []
    start = 0
    for pair in cut_links:
        for e in range(start, len(network.links)):
            if list(network.link_end_names(e)) == [str(p) for p in pair]:
                out.append(e)
                start = e + 1
                break
    return tuple(out)


def _zero_length_km(zero_length: ZeroLength) -> float | None:
    """The replacement length in km for zero-length links, or None (contract / error)."""
    if isinstance(zero_length, str):
        if zero_length not in ("contract", "error"):
            raise InvalidParameterError("zero_length", zero_length,
                                        "must be 'contract', 'error' or a length in km > 0")
        return None
    if isinstance(zero_length, bool):
        raise InvalidParameterError("zero_length", zero_length,
                                    "must be 'contract', 'error' or a length in km > 0")
    return require_positive("zero_length", zero_length)


def _fibre_length(attrs: Mapping[str, Any], estimate: float | None) -> float | None:
    """Length in km when the link's physics come from a length, else None (or unparsable)."""
    if any(k in attrs for k in _NOT_FROM_LENGTH):
        return None
    if "length_km" not in attrs:
        return estimate
    value = attrs["length_km"]
    if isinstance(value, bool):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None  # link_physics names the bad value


def _contract(nodes: list[Node], zero_links: list[tuple[str, str]]) -> tuple[
        list[Node], dict[str, str]]:
    """Merge the end nodes of zero-length links (union-find; the first node in order wins)."""
    order = {node.id: i for i, node in enumerate(nodes)}
    parent = {node.id: node.id for node in nodes}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for u, v in zero_links:
        a, b = find(u), find(v)
        if a != b:
            keep, gone = (a, b) if order[a] < order[b] else (b, a)
            parent[gone] = keep
    rep = {node.id: find(node.id) for node in nodes}
    members: dict[str, list[Node]] = {}
    for node in nodes:
        members.setdefault(rep[node.id], []).append(node)
    out = []
    for node in nodes:
        if rep[node.id] != node.id:
            continue
        group = members[node.id]
        if len(group) == 1:
            out.append(node)
            continue
        names = list(dict.fromkeys(n.name for n in group))
        labels = tuple(dict.fromkeys(n.label for n in group if n.label))
        out.append(Node(
            id=node.id, label=" / ".join(names) if len(names) > 1 else node.label,
            latitude=node.latitude, longitude=node.longitude,
            merged_ids=tuple(n.id for n in group[1:]) + tuple(
                i for n in group for i in n.merged_ids),
            merged_names=labels,
        ))
    return out, rep


def _contract_note(num_zero: int, dropped: int, nodes: list[Node]) -> str:
    merged = [n for n in nodes if n.merged_ids]
    examples = ", ".join(repr(n.name) for n in merged[:_EXAMPLES_IN_NOTES])
    more = ", ..." if len(merged) > _EXAMPLES_IN_NOTES else ""
    note = (f"{num_zero} zero-length link(s) contracted: {len(merged)} group(s) of co-located "
            f"nodes merged into one node each ({examples}{more}); demands may name any of "
            "the original nodes")
    if dropped:
        note += f"; {dropped} other link(s) between merged nodes dropped"
    return note


def _long_link_note(links: list[Link], by_id: Mapping[str, Node]) -> str | None:
    long = [link for link in links
            if link.length_km is not None and link.length_km > MAX_UNAMPLIFIED_SPAN_KM]
    if not long:
        return None
    worst = max(long, key=lambda link: link.length_km or 0.0)
    negligible = sum(link.upper_ebits_per_use < NEGLIGIBLE_CAPACITY_EBITS_PER_USE
                     for link in long)
    zero = sum(link.upper_ebits_per_use == 0.0 for link in long)
    note = (f"{len(long)} link(s) longer than {MAX_UNAMPLIFIED_SPAN_KM:g} km, the longest "
            f"fibre span a quantum signal crosses without amplification (longest: "
            f"{by_id[worst.u].name} - {by_id[worst.v].name}, {worst.length_km:.0f} km, E_up "
            f"{worst.upper_ebits_per_use:.3g} ebits per use); quantum signals cannot be "
            "amplified, so rates over such links are negligible without quantum repeaters")
    if negligible:
        note += (f"; {negligible} of them have E_up below "
                 f"{NEGLIGIBLE_CAPACITY_EBITS_PER_USE:g} ebits per use")
    if zero:
        note += f" ({zero} exactly 0: the transmissivity underflows)"
    return note


def _coordinate(node_id: str, attrs: Mapping[str, Any], keys: tuple[str, ...]) -> float | None:
    for key in keys:
        if key in attrs and attrs[key] is not None:
            value = attrs[key]
            try:
                if isinstance(value, bool):
                    raise TypeError
                return float(value)
            except (TypeError, ValueError):
                raise InvalidParameterError(
                    f"{key} of node {node_id!r}", value, "must be a number in degrees"
                ) from None
    return None


def _make_nodes(multi: Any, net_name: str) -> tuple[list[Node], str | None]:
    """Nodes of ``multi``; coordinates dropped when some node's are not latitude/longitude.

    Returns the nodes and, when coordinates were dropped, why (naming the network and a node).
    """
    raw = []
    bad: str | None = None
    for node_id, attrs in multi.nodes(data=True):
        ident = str(node_id)
        label = attrs.get("name", attrs.get("label"))
        label = None if label is None or str(label) == "" else str(label)
        lat, lon = _coordinate(ident, attrs, _LAT_KEYS), _coordinate(ident, attrs, _LON_KEYS)
        if bad is None and lat is not None and lon is not None and not (
                math.isfinite(lat) and math.isfinite(lon) and -90.0 <= lat <= 90.0
                and -180.0 <= lon <= 180.0):
            where = f" of network {net_name!r}" if net_name else ""
            bad = (f"node {label or ident!r}{where} has latitude {lat:g}, longitude {lon:g}, "
                   "outside [-90, 90] x [-180, 180] degrees, so the coordinates are not "
                   "latitude/longitude (pixel positions?)")
        raw.append((ident, label, lat, lon))
    nodes = [Node(id=i, label=lab, latitude=None if bad else lat,
                  longitude=None if bad else lon) for i, lab, lat, lon in raw]
    return nodes, bad


def _estimate_length(label: str, a: Node, b: Node, bad_coords: str | None) -> float:
    if bad_coords is not None:
        raise InvalidParameterError(
            label, f"{a.name} - {b.name}",
            f"has no usable physics and its length cannot be estimated: {bad_coords}",
        )
    if a.latitude is None or a.longitude is None or b.latitude is None or b.longitude is None:
        missing = a.id if a.latitude is None or a.longitude is None else b.id
        raise InvalidParameterError(
            label, missing,
            "has no usable physics and its length cannot be estimated: node has no "
            "latitude/longitude",
        )
    return great_circle_km(a.latitude, a.longitude, b.latitude, b.longitude)
