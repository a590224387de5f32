"""Quantum-IP routing controller engine: admission with certificates, fair allocation and
warm re-solves as demands and links change (pure library; no HTTP).

- :class:`Controller` -- the engine: :meth:`Controller.apply` one event, get one
  :class:`Decision`.
- :class:`Demand` and the events (:class:`AddDemand`, :class:`RemoveDemand`,
  :class:`ChangeDemand`, :class:`LinkDown`, :class:`LinkUp`, :class:`DegradeLink`,
  :class:`NodeDown`, :class:`NodeUp`); :func:`event_from_dict` parses a trace line.
- :class:`Allocation`, :class:`Certificate`, :class:`Route` -- what a decision carries.
- :func:`replay` -- a fresh engine fed with a decision log reproduces its allocations.
- :func:`random_trace` -- seeded random event traces (arrivals, departures, failures).

Spec: ``controller.md``.
"""

from qinternet.controller.engine import Controller, EngineState, replay
from qinternet.controller.model import (
    OPS,
    AddDemand,
    ChangeDemand,
    DegradeLink,
    Demand,
    Event,
    LinkDown,
    LinkUp,
    NodeDown,
    NodeUp,
    RemoveDemand,
    event_from_dict,
)
from qinternet.controller.policy import POLICIES, Policy, jain_index
from qinternet.controller.records import OUTCOMES, Allocation, Certificate, Decision, Route
from qinternet.controller.trace import random_trace

__all__ = [
    "AddDemand",
    "Allocation",
    "Certificate",
    "ChangeDemand",
    "Controller",
    "Decision",
    "DegradeLink",
    "Demand",
    "EngineState",
    "Event",
    "LinkDown",
    "LinkUp",
    "NodeDown",
    "NodeUp",
    "OPS",
    "OUTCOMES",
    "POLICIES",
    "Policy",
    "RemoveDemand",
    "Route",
    "event_from_dict",
    "jain_index",
    "random_trace",
    "replay",
]
