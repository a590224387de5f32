"""Seeded random event traces for the controller (arrivals, departures, failures, repairs).

A trace is a list of trace-line dicts (the contract of
:func:`~qinternet.controller.event_from_dict`), written one JSON object per line by
``qinternet controller trace``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from qinternet.errors import InvalidParameterError
from qinternet.networks.network import Network
from qinternet.networks.single_pair import widest_path

__all__ = ["random_trace"]


def random_trace(network: Network, num_events: int, *, seed: int = 0, demands: int = 20,
                 group_fraction: float = 0.1, floor_fraction: float = 0.3,
                 floor_level: float = 0.05) -> list[dict[str, Any]]:
    """A random event trace: first ``demands`` arrivals, then a mix of events.

    After the initial arrivals each event is an arrival (25 %), a departure (20 %), a link
    down (15 %), a link up (15 %, when a link is down), a degradation (15 %) or a restoration
    to full capacity (10 %). Groups have 3 or 4 endpoints. A ``floor_fraction`` of demands ask
    for a floor of ``floor_level`` times the widest-path rate between their first two
    endpoints on the lower capacities (so most floors are admissible, some not).

    Parameters
    ----------
    network : Network
        The topology (>= 2 nodes, >= 1 link).
    num_events : int
        Total number of events (initial arrivals included), >= 0.
    seed : int
        Seed of the generator (same seed, same trace).

    Examples
    --------
    >>> import networkx as nx
    >>> from qinternet.networks import Network
    >>> g = nx.cycle_graph(5)
    >>> nx.set_edge_attributes(g, 0.5, "transmissivity")
    >>> net = Network.from_networkx(g)
    >>> [ev["op"] for ev in random_trace(net, 4, seed=1, demands=2)][:2]
    ['add_demand', 'add_demand']
    """
    for name, value in (("num_events", num_events), ("demands", demands)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise InvalidParameterError(name, value, "must be an integer >= 0")
    for name, frac in (("group_fraction", group_fraction), ("floor_fraction", floor_fraction)):
        if not 0.0 <= frac <= 1.0:
            raise InvalidParameterError(name, frac, "must be in [0, 1]")
    n, m = network.num_nodes, len(network.links)
    if n < 2 or m < 1:
        raise InvalidParameterError("network", network.name, "needs >= 2 nodes and >= 1 link")
    rng = np.random.default_rng(seed)
    lower = network.link_arrays("lower")
    ids = [node.id for node in network.nodes]
    active: list[str] = []
    down: set[int] = set()
    out: list[dict[str, Any]] = []
    counter = 0

    def arrival() -> dict[str, Any]:
        nonlocal counter
        size = 2
        if n >= 3 and rng.random() < group_fraction:
            size = int(rng.integers(3, min(4, n) + 1))
        nodes = [int(v) for v in rng.choice(n, size=size, replace=False)]
        ev: dict[str, Any] = {"op": "add_demand", "id": f"d{counter}",
                              "endpoints": [ids[v] for v in nodes],
                              "weight": float(rng.choice([1.0, 1.0, 2.0])),
                              "priority": int(rng.choice([0, 0, 1])),
                              "owner": f"client{int(rng.integers(5))}"}
        if rng.random() < floor_fraction:
            width = widest_path(lower, nodes[0], nodes[1]).value
            if width > 0:
                ev["floor"] = float(floor_level * width * rng.uniform(0.5, 1.5))
        counter += 1
        active.append(ev["id"])
        return ev

    for i in range(num_events):
        if i < demands:
            out.append(arrival())
            continue
        u = rng.random()
        if u < 0.25 or not active:
            out.append(arrival())
        elif u < 0.45:
            gone = active.pop(int(rng.integers(len(active))))
            out.append({"op": "remove_demand", "id": gone})
        elif u < 0.60:
            e = int(rng.integers(m))
            down.add(e)
            out.append({"op": "link_down", "link": e})
        elif u < 0.75 and down:
            e = sorted(down)[int(rng.integers(len(down)))]
            down.discard(e)
            out.append({"op": "link_up", "link": e})
        elif u < 0.90:
            out.append({"op": "degrade_link", "link": int(rng.integers(m)),
                        "factor": float(np.round(rng.uniform(0.2, 0.9), 3))})
        else:
            out.append({"op": "degrade_link", "link": int(rng.integers(m)), "factor": 1.0})
    return out
