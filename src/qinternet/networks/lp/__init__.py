"""Network linear programs: achievable rates and certified upper bounds for pairs and groups.

- :func:`lower_bound` -- path / Steiner-forest packing LP by column generation (achievable).
- :func:`upper_bound` -- cut LP (exact by enumeration, or a valid relaxation), certified.
- :func:`flow_estimate` -- flow LP with upper capacities: an ESTIMATE, not an upper bound.
- :func:`multicommodity_flow_lp` -- compact node-arc flow LP (reference / baseline).
- :func:`per_demand_cut_relaxation` -- per-pair cuts + Steiner-cut LP (m - 1 flows) per group.
- :class:`RouteMaster`, :class:`CutPool` -- the same LPs kept warm across changes (link
  capacities, demands, rate bounds, objectives): the routing controller's layer.
- :class:`LinkArrays`, :class:`LPSolution`, :class:`RouteColumn` -- data exchanged with callers.
- :data:`UPPER_METHODS`, :data:`EXACT_UPPER_METHODS`, :data:`UpperMethod` -- the fixed names of
  the upper-bound methods, their prose, and which of them are exact.

Spec: ``network_bounds.md`` §5-§11.
"""

from __future__ import annotations

from qinternet.networks.lp.arrays import LinkArrays
from qinternet.networks.lp.cuts import upper_bound
from qinternet.networks.lp.incremental import (
    CutPool,
    CutPoolSolution,
    InfeasibleRatesError,
    RouteMaster,
    RouteSolution,
)
from qinternet.networks.lp.methods import EXACT_UPPER_METHODS, UPPER_METHODS, UpperMethod
from qinternet.networks.lp.multi_pair import flow_estimate, multicommodity_flow_lp
from qinternet.networks.lp.packing import lower_bound
from qinternet.networks.lp.relaxations import per_demand_cut_relaxation
from qinternet.networks.lp.solution import LPSolution, RouteColumn

__all__ = [
    "CutPool",
    "CutPoolSolution",
    "EXACT_UPPER_METHODS",
    "InfeasibleRatesError",
    "LPSolution",
    "LinkArrays",
    "RouteColumn",
    "RouteMaster",
    "RouteSolution",
    "UPPER_METHODS",
    "UpperMethod",
    "flow_estimate",
    "lower_bound",
    "multicommodity_flow_lp",
    "per_demand_cut_relaxation",
    "upper_bound",
]
