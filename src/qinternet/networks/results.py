"""Result of a network bound computation (the ``qinternet bounds --json`` contract)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from qinternet.errors import InvalidParameterError
from qinternet.networks.certificates import CutSetCertificate, Route, UpperCertificate
from qinternet.networks.lp.methods import EXACT_UPPER_METHODS
from qinternet.networks.lp.solution import RouteColumn
from qinternet.networks.objectives import Objective
from qinternet.networks.usage import UsageModel

if TYPE_CHECKING:
    from qinternet.networks.network import Network

__all__ = ["CONTRACT_KEYS", "NetworkBoundResult", "Objective"]

#: Keys of :meth:`NetworkBoundResult.to_dict` fixed by the CLI contract (issue 3).
CONTRACT_KEYS = (
    "usage", "unit", "objective", "lower", "upper", "upper_certified", "rates", "routes",
    "single_path_lower", "single_path_upper",
)


def _plain(x: float | None) -> float | None:
    if x is None:
        return None
    x = float(x)
    return x if math.isfinite(x) else None


@dataclass(frozen=True, slots=True, kw_only=True)
class NetworkBoundResult:
    """Upper and lower bounds on the rates a network can deliver to its demands.

    ``lower`` and ``upper`` are objective values (sum of rates for ``total``, sum of
    ``w_i R_i`` for ``weighted``, the common level T with R_i >= d_i T for ``worst``) in
    :attr:`unit`. ``rates`` are achievable per-demand rates (the ``lower`` solution).
    """

    #: Usage model name: ``"flooding"``, ``"frequency"`` or ``"budget"``.
    usage: UsageModel
    #: Unit of every rate and bound, e.g. ``"ebits per network use"``.
    unit: str
    #: ``"total"``, ``"worst"`` or ``"weighted"``.
    objective: Objective
    #: Demands as node names (2 names: a pair; 3 or more: a GHZ / conference-key group).
    demands: tuple[tuple[str, ...], ...]
    #: Weights used (weighted: q_i; worst: demand ratios d_i; total: all 1).
    weights: tuple[float, ...]
    #: Achievable objective value (flow / tree-packing LP with R_lo).
    lower: float
    #: Proven upper bound on the objective (cut-type LP with E_up).
    upper: float
    #: True when ``upper`` is a proven upper bound (always, on the default path).
    upper_certified: bool
    #: Which cut-type computation gave ``upper`` (exact cut LP, min cut, or a relaxation).
    upper_method: str
    #: Which computation gave ``lower``.
    lower_method: str
    #: True when ``lower`` is the optimum of its LP (False e.g. for a heuristic Steiner pricer).
    lower_lp_optimal: bool
    #: Achievable rate of each demand, in order, in :attr:`unit`.
    rates: tuple[float, ...]
    #: Routes achieving ``rates`` (a path or a Steiner tree each), by demand.
    routes: tuple[Route, ...]
    #: Best single route with R_lo (single pair only, else None).
    single_path_lower: float | None = None
    #: Best single route with E_up (single pair only, else None).
    single_path_upper: float | None = None
    #: Certificate of ``upper``: a min cut or potentials (one pair), or cuts with link dual
    #: values (several demands, groups); None when there is none (``{}`` in ``to_dict``).
    certificate: UpperCertificate | None = None
    #: Flow carried by each link in the ``lower`` solution (link order of the network).
    link_flows: tuple[float, ...] = ()
    #: Usage p_e of each link in the ``lower`` solution (None under flooding, where p_e = 1).
    link_usage: tuple[float, ...] | None = None
    #: Solver status of the computations (e.g. ``"optimal"``).
    solver_status: str = "optimal"
    #: Wall-clock time of the solve in seconds (model building excluded).
    time_s: float = 0.0
    #: True when some link lengths were estimated from node coordinates (see ``notes``).
    lengths_estimated: bool = False
    #: Explanations: estimated lengths, demands without a path, relaxations used, ...
    notes: tuple[str, ...] = ()
    #: Name of the upper-bound method, one of :data:`~qinternet.networks.lp.methods.UPPER_METHODS`.
    upper_method_name: str = ""
    #: Why ``upper`` is a relaxation ("" when exact).
    upper_relaxation_reason: str = ""
    #: What the query's conditioning did: scale, pruned links and their certified slack, clipped
    #: links (values in :attr:`unit`).
    conditioning: dict[str, Any] = field(default_factory=dict)
    #: Routes as link-index columns, to warm-start a later solve (not part of ``to_dict``).
    columns: tuple[RouteColumn, ...] = field(default=(), repr=False, compare=False)

    def __post_init__(self) -> None:
        if len(self.rates) != len(self.demands):
            raise InvalidParameterError("rates", self.rates, "must have one entry per demand")
        if not (math.isfinite(self.lower) and math.isfinite(self.upper)):
            raise InvalidParameterError("lower/upper", (self.lower, self.upper), "must be finite")

    @property
    def upper_exact(self) -> bool:
        """True when ``upper`` is the optimum of the full cut LP (not only a valid relaxation):
        derived from :attr:`upper_method_name`."""
        return self.upper_method_name in EXACT_UPPER_METHODS

    @property
    def gap(self) -> float:
        """``upper / lower`` (inf when lower is 0 and upper is not; 1 when both are 0)."""
        if self.lower > 0:
            return self.upper / self.lower
        return 1.0 if self.upper == 0 else math.inf

    def to_dict(self, network: Network | None = None) -> dict[str, Any]:
        """JSON-ready dict: the CLI contract keys first, then diagnostics.

        Contract keys: ``usage``, ``unit``, ``objective``, ``lower``, ``upper``,
        ``upper_certified``, ``rates``, ``routes``, ``single_path_lower``,
        ``single_path_upper`` (None unless the demand is a single pair). Extra keys:
        ``demands``, ``weights``, ``upper_method`` (prose), ``upper_method_name`` (one of
        :data:`~qinternet.networks.lp.methods.UPPER_METHODS`), ``upper_exact``,
        ``upper_relaxation_reason``, ``conditioning``, ``lower_method``, ``lower_lp_optimal``,
        ``certificate``, ``link_flows``, ``link_usage``, ``solver_status``, ``time_s``,
        ``lengths_estimated``, ``notes``.

        With the ``network`` the result was computed on, two more keys name the links:
        ``links``, one object per link in link order (entry ``i`` describes entry ``i`` of
        ``link_flows``, ``link_usage`` and ``certificate.link_duals``), with the keys of
        :meth:`Network.link_records` plus ``flow`` (carried in the ``lower`` solution, in
        :attr:`unit`), ``usage`` (p_e, None under flooding), ``dual`` (None when the
        certificate has no link duals) and ``in_bottleneck``; and ``bottleneck``
        (``{"type", "links", "cuts"}``: link indices and cut source sides limiting ``upper``,
        see :func:`~qinternet.networks.network.find_bottleneck`; None when unknown).
        """
        out: dict[str, Any] = {
            "usage": self.usage,
            "unit": self.unit,
            "objective": self.objective,
            "lower": float(self.lower) + 0.0,  # + 0.0: never print -0.0
            "upper": float(self.upper) + 0.0,
            "upper_certified": bool(self.upper_certified),
            "rates": [float(r) + 0.0 for r in self.rates],
            "routes": [r.to_dict() for r in self.routes],
            "single_path_lower": _plain(self.single_path_lower),
            "single_path_upper": _plain(self.single_path_upper),
            "demands": [list(d) for d in self.demands],
            "weights": [float(w) for w in self.weights],
            "upper_method": self.upper_method,
            "upper_method_name": self.upper_method_name,
            "upper_exact": bool(self.upper_exact),
            "upper_relaxation_reason": self.upper_relaxation_reason,
            "conditioning": dict(self.conditioning),
            "lower_method": self.lower_method,
            "lower_lp_optimal": bool(self.lower_lp_optimal),
            "certificate": {} if self.certificate is None else self.certificate.to_dict(),
            "link_flows": [float(x) for x in self.link_flows],
            "link_usage": None if self.link_usage is None else [float(x)
                                                                 for x in self.link_usage],
            "solver_status": self.solver_status,
            "time_s": float(self.time_s),
            "lengths_estimated": bool(self.lengths_estimated),
            "notes": list(self.notes),
        }
        if network is not None:
            out.update(self._link_dict(network))
        return out

    def _link_dict(self, network: Network) -> dict[str, Any]:
        from qinternet.networks.network import find_bottleneck

        if self.link_flows and len(self.link_flows) != len(network.links):
            raise InvalidParameterError(
                "network", network.name or "network",
                f"must be the network of this result ({len(self.link_flows)} links, not "
                f"{len(network.links)})",
            )
        bottleneck = find_bottleneck(network, self)
        binding = set(bottleneck.links) if bottleneck is not None else set()
        duals = (self.certificate.link_duals
                 if isinstance(self.certificate, CutSetCertificate) else None)
        links = []
        for rec in network.link_records():
            i = rec["index"]
            rec["flow"] = float(self.link_flows[i]) + 0.0 if self.link_flows else None
            rec["usage"] = None if self.link_usage is None else float(self.link_usage[i])
            rec["dual"] = (float(duals[i]) + 0.0 if duals is not None
                           and len(duals) == len(network.links) else None)
            rec["in_bottleneck"] = i in binding
            links.append(rec)
        return {
            "links": links,
            "bottleneck": None if bottleneck is None else {
                "type": bottleneck.kind, "links": list(bottleneck.links),
                "cuts": [list(c) for c in bottleneck.cuts],
            },
        }
