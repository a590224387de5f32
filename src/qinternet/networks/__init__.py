"""Quantum networks: model, loaders and LP bounds for pairs and GHZ groups.

- :class:`Network`, :class:`Node`, :class:`Link`: undirected multigraph of quantum links.
- :func:`load_network`: node-link JSON, GraphML, GML (Topology Zoo) or ``topohub:KEY``.
- :data:`Objective`, :data:`OBJECTIVES`: the LP objectives ``total``, ``worst``, ``weighted``.
- :class:`Usage`: usage models ``flooding`` / ``frequency`` / ``budget`` with their units.
- :func:`network_bounds`: certified upper bound and achievable lower bound with routes
  (:data:`BOUND_METHODS`: ``method="auto"`` or ``"per-demand-cuts"``).
- :class:`NetworkBoundResult`: the result (``to_dict()`` = ``qinternet bounds --json``).
- :class:`Route`: one route of the lower bound (a path or a Steiner tree).
- :class:`MinCutCertificate`, :class:`PotentialsCertificate`, :class:`CutSetCertificate`
  (:data:`UpperCertificate`): the certificate of the upper bound.
- :func:`max_flow_min_cut`, :func:`widest_path`, :func:`harmonic_path`: single-pair tools.
- :func:`decompose_flow`: flow decomposition into paths.
"""

from qinternet.networks.bounds import BOUND_METHODS, network_bounds
from qinternet.networks.certificates import (
    CutSetCertificate,
    MinCutCertificate,
    PotentialsCertificate,
    Route,
    UpperCertificate,
)
from qinternet.networks.io import load_network
from qinternet.networks.network import Link, Network, Node
from qinternet.networks.objectives import OBJECTIVES, Objective
from qinternet.networks.results import NetworkBoundResult
from qinternet.networks.routes import PathRoute, decompose_flow
from qinternet.networks.single_pair import harmonic_path, max_flow_min_cut, widest_path
from qinternet.networks.usage import Usage

__all__ = [
    "BOUND_METHODS",
    "CutSetCertificate",
    "Link",
    "MinCutCertificate",
    "Network",
    "NetworkBoundResult",
    "Node",
    "OBJECTIVES",
    "Objective",
    "PathRoute",
    "PotentialsCertificate",
    "Route",
    "UpperCertificate",
    "Usage",
    "decompose_flow",
    "harmonic_path",
    "load_network",
    "max_flow_min_cut",
    "network_bounds",
    "widest_path",
]
