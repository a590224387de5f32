"""Solution types exchanged between the LP layer and the network facade.

Node and link identifiers here are integer indices into a :class:`LinkArrays`; the facade maps
them back to node names. Every solution keeps its columns (paths / trees) so that a later solve
can start from them (warm start for the routing controller).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

__all__ = ["LPSolution", "RouteColumn"]


@dataclass(frozen=True, slots=True, kw_only=True)
class RouteColumn:
    """One route carrying rate for one demand: a path (pairs) or a Steiner tree (groups)."""

    #: Index of the demand (position in the demand list given to the solver).
    demand: int
    #: Rate carried, in the unit of the solve (ebits per use of the usage model), >= 0.
    rate: float
    #: Link indices used by the route (each link at most once).
    links: tuple[int, ...]
    #: For a path: node indices from the demand's first to its second terminal; None for trees.
    nodes: tuple[int, ...] | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class LPSolution:
    """Optimum (or certified bound) of one network LP.

    For a lower bound (``kind == "lower"``) ``routes`` achieve ``rates``; for an upper bound
    (``kind == "upper"``) ``certificate`` holds the cut(s) / dual values proving it.
    """

    #: ``"lower"`` (achievable, flow / tree packing) or ``"upper"`` (cut-type LP).
    kind: Literal["lower", "upper"]
    #: Objective value (total, weighted sum, or worst-case T), in the usage model's unit.
    value: float
    #: Rate per demand in the order given (for upper bounds: the maximising rate vector).
    rates: tuple[float, ...]
    #: Routes with positive rate (lower bounds); empty for upper bounds.
    routes: tuple[RouteColumn, ...] = ()
    #: Usage frequencies / budgets p_e per link when p is a variable (frequency, budget); else None.
    link_usage: tuple[float, ...] | None = None
    #: Dual prices of the link capacity rows (the certificate of optimality / of the cut).
    link_duals: tuple[float, ...] = ()
    #: Cuts that certify an upper bound: each a tuple of node indices S (source side).
    cuts: tuple[tuple[int, ...], ...] = ()
    #: Human-readable method, e.g. "path column generation (exact pricing)",
    #: "exact cut LP (all 2^(n-1)-1 cuts)", "per-demand cut relaxation".
    method: str
    #: True when ``value`` is the proven optimum of the stated LP (False e.g. for a heuristic
    #: Steiner pricer, where the value is still a valid bound of its kind).
    lp_optimal: bool
    #: Upper bounds: True when ``value`` is a proven upper bound on the capacity.
    certified: bool
    #: Upper bounds: one of :data:`~qinternet.networks.lp.methods.UPPER_METHODS` ("" for
    #: lower bounds and estimates).
    method_name: str = ""
    #: Upper bounds: why the method is a relaxation ("" when exact).
    relaxation_reason: str = ""
    #: Solver status string (e.g. "Optimal").
    status: str
    #: Number of master-LP solves (column / constraint generation rounds).
    iterations: int = 1
    #: Dual objective of the (final) master LP, in the unit of ``value``: equal to ``value``
    #: at an LP optimum (strong duality), the check of the dual prices. None when the method
    #: reads no single master's duals (per-demand relaxation, node-arc flow LP).
    dual_objective: float | None = None
    #: Extra diagnostics (e.g. {"pricing": "dreyfus-wagner", "gap": 0.0}).
    info: dict[str, float | str | bool] = field(default_factory=dict)
