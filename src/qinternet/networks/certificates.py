"""Routes and upper-bound certificates of a network bound: frozen, plain data only in ``to_dict``.

:class:`~qinternet.networks.results.NetworkBoundResult` carries its routes as :class:`Route`
and the certificate of its upper bound as one of :class:`MinCutCertificate` (one pair),
:class:`PotentialsCertificate` (one pair under usage frequencies) or :class:`CutSetCertificate`
(several demands or a group). Each ``to_dict()`` gives the object of the
``qinternet bounds --json`` contract (``routes`` entries, ``certificate``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Literal, Union

from qinternet.errors import InvalidParameterError

__all__ = [
    "CertificateKind",
    "CutSetCertificate",
    "MinCutCertificate",
    "PotentialsCertificate",
    "Route",
    "UpperCertificate",
]

#: The ``"type"`` of each certificate in JSON.
CertificateKind = Literal["min_cut", "potentials", "cuts"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Route:
    """One route achieving part of the lower bound: a path (pairs) or a Steiner tree (groups).

    Exactly one of :attr:`path` and :attr:`tree` is set.
    """

    #: Index of the demand (position in ``NetworkBoundResult.demands``).
    demand: int
    #: Rate carried, in the result's unit (``NetworkBoundResult.unit``), >= 0.
    rate: float
    #: Link indices used (along the path for paths; each link at most once).
    links: tuple[int, ...]
    #: Node names from the demand's first to its second node (paths); None for trees.
    path: tuple[str, ...] | None = None
    #: Links of the Steiner tree as (name, name) end pairs, in the order of :attr:`links`
    #: (trees); None for paths.
    tree: tuple[tuple[str, str], ...] | None = None

    def __post_init__(self) -> None:
        if (self.path is None) == (self.tree is None):
            raise InvalidParameterError("path/tree", (self.path, self.tree),
                                        "exactly one of path and tree must be given")
        if self.path is not None and len(self.path) != len(self.links) + 1:
            raise InvalidParameterError("path", self.path,
                                        f"must have one node more than links ({len(self.links)})")
        if self.tree is not None and len(self.tree) != len(self.links):
            raise InvalidParameterError("tree", self.tree,
                                        f"must have one entry per link ({len(self.links)})")

    @property
    def kind(self) -> Literal["path", "tree"]:
        """``"path"`` or ``"tree"``."""
        return "path" if self.path is not None else "tree"

    def to_dict(self) -> dict[str, Any]:
        """``{"demand", "rate", "path": [names]}`` or ``{"demand", "rate", "tree": [[u, v]]}``
        (link ids are not part of the JSON)."""
        out: dict[str, Any] = {"demand": self.demand, "rate": self.rate}
        if self.path is not None:
            out["path"] = list(self.path)
        else:
            out["tree"] = [list(e) for e in self.tree or ()]
        return out


@dataclass(frozen=True, slots=True, kw_only=True)
class MinCutCertificate:
    """A minimum cut proving the upper bound of one pair: its capacity equals the bound.

    With no cut links the cut has capacity 0 (no path with positive E_up joins the pair).
    """

    kind: ClassVar[CertificateKind] = "min_cut"
    #: Node names on the source side S of the cut (in the order the solver gave them).
    source_side: tuple[str, ...]
    #: The links crossing the cut as (name, name) end pairs, in link order.
    cut_links: tuple[tuple[str, str], ...]

    def to_dict(self) -> dict[str, Any]:
        """``{"type": "min_cut", "source_side": [names], "cut_links": [[u, v], ...]}``."""
        return {"type": self.kind, "source_side": list(self.source_side),
                "cut_links": [list(p) for p in self.cut_links]}


@dataclass(frozen=True, slots=True, kw_only=True)
class PotentialsCertificate:
    """Node potentials x_v in [0, 1] proving the upper bound of one pair under usage frequencies.

    x_v = d(v) / d(t) with d the shortest-path distance from the source in lengths 1/E_up,
    clipped to [0, 1]: every level set {x < theta} is a source-sink cut, and averaging the cut
    bound over theta uniform in (0, 1] gives the bound.
    """

    kind: ClassVar[CertificateKind] = "potentials"
    #: Node names, in node order (entry ``i`` names entry ``i`` of :attr:`potentials`).
    nodes: tuple[str, ...]
    #: Potential of each node, in node order (dimensionless).
    potentials: tuple[float, ...]

    def __post_init__(self) -> None:
        if len(self.nodes) != len(self.potentials):
            raise InvalidParameterError("potentials", len(self.potentials),
                                        f"must have one entry per node ({len(self.nodes)})")

    def to_dict(self) -> dict[str, Any]:
        """``{"type": "potentials", "potentials": {name: x}}`` (a repeated name keeps the value
        of its last node)."""
        return {"type": self.kind,
                "potentials": dict(zip(self.nodes, self.potentials, strict=True))}


@dataclass(frozen=True, slots=True, kw_only=True)
class CutSetCertificate:
    """The binding cuts of the cut LP and the dual value of each link (several demands, groups).

    ``link_duals[e]`` is the sum of the dual values of the binding cuts crossing link e, so
    ``sum_e p_e E_up[e] link_duals[e]`` is the cut LP's dual objective.
    """

    kind: ClassVar[CertificateKind] = "cuts"
    #: Source sides S of the cuts, as node names.
    cuts: tuple[tuple[str, ...], ...]
    #: Dual value of each link, in link order (empty when the method gives none).
    link_duals: tuple[float, ...]

    def to_dict(self) -> dict[str, Any]:
        """``{"type": "cuts", "cuts": [[names], ...], "link_duals": [...]}``."""
        return {"type": self.kind, "cuts": [list(c) for c in self.cuts],
                "link_duals": list(self.link_duals)}


#: Any certificate of an upper bound (``Union`` keeps a plain entry in docs/api.md).
UpperCertificate = Union[MinCutCertificate, PotentialsCertificate, CutSetCertificate]  # noqa: UP007
