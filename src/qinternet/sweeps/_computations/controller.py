"""``computation = "controller"``: statistics of the routing controller over a random trace.

Registered only when :mod:`qinternet.controller` is importable. Parameters: the topology
parameters of ``bounds`` (file, ``topohub:KEY`` or a seeded generator), the options of
``qinternet controller trace`` (``events``, ``demands``, ``group_fraction``; the point's
``seed`` seeds the trace) and of ``qinternet controller run`` (``policy``). Outputs are the
run's summary: outcome counts, final fairness and utilisation, objective and its certified
upper bound (ebits per network use), and decision latencies in ms (timings: they vary
between runs, everything else is deterministic).
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any

from qinternet.sweeps._computation import Output, Parameter, choice, computation, integer, number
from qinternet.sweeps._computations.bounds import TOPOLOGY_PARAMETERS, check_topology, network_of

__all__ = ["COMPUTATION"]

_PARAMETERS: tuple[Parameter, ...] = (
    *TOPOLOGY_PARAMETERS,
    integer("events", "number of events of the trace (initial arrivals included)", minimum=0),
    integer("demands", "initial arrivals (the first events)", minimum=0),
    number("group_fraction", "share of arrivals that are GHZ groups (3-4 nodes)", minimum=0.0,
           maximum=1.0),
    choice("policy", "maxmin (weighted lexicographic max-min) or throughput",
           ("maxmin", "throughput")),
)

_COUNTS = ("admitted", "rejected", "rejected_infeasible", "rejected_unroutable", "degraded",
           "applied", "active_demands")
_LATENCIES = ("latency_ms_p50", "latency_ms_p99", "latency_ms_max")

_OUTPUTS = (
    *(Output(name=name, kind="int", help=f"number of events {name.replace('_', ' ')}"
             if name != "active_demands" else "demands active after the last event")
      for name in _COUNTS),
    Output(name="jain_index", kind="float", help="Jain fairness index of the final rates"),
    Output(name="max_link_utilisation", kind="float",
           help="largest link utilisation of the final allocation"),
    Output(name="objective_ebits_per_use", kind="float",
           help="final objective, ebits per network use"),
    Output(name="objective_upper_bound_ebits_per_use", kind="float",
           help="certified upper bound on the final objective, ebits per network use"),
    Output(name="latency_ms_p50", kind="float", help="median decision time, ms (timing)"),
    Output(name="latency_ms_p99", kind="float", help="99th percentile decision time, ms"),
    Output(name="latency_ms_max", kind="float", help="longest decision time, ms (timing)"),
)


def _check(point: Mapping[str, Any]) -> None:
    check_topology(point)


def _evaluate(point: Mapping[str, Any], seed: int) -> dict[str, Any]:
    from qinternet.cli.controller import summary

    ctl_mod = importlib.import_module("qinternet.controller")
    network = network_of(point, seed)
    trace = ctl_mod.random_trace(network, point.get("events", 100), seed=seed,
                                 demands=point.get("demands", 20),
                                 group_fraction=point.get("group_fraction", 0.1))
    controller = ctl_mod.Controller(network, policy=point.get("policy", "maxmin"))
    decisions = [controller.apply(ctl_mod.event_from_dict(line)) for line in trace]
    stats = summary(decisions)
    last = decisions[-1].allocation if decisions else None
    bound = None if last is None else last.objective_upper_bound
    return {
        **{name: stats[name] for name in _COUNTS},
        "jain_index": float(stats["jain_index"]),
        "max_link_utilisation": float(stats["max_link_utilisation"]),
        "objective_ebits_per_use": float(stats["objective"]),
        "objective_upper_bound_ebits_per_use": None if bound is None else float(bound),
        **{name: stats[name] for name in _LATENCIES},
    }


#: The ``controller`` computation (trace statistics).
COMPUTATION = computation(
    "controller", "routing controller over a seeded random trace: outcomes, fairness, latency",
    parameters=_PARAMETERS, outputs=_OUTPUTS, check=_check, evaluate=_evaluate,
    deterministic=False,
    notes=("latency_ms_* are timings; every other output is deterministic",))
