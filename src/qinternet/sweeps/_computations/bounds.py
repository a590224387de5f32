"""``computation = "bounds"``: certified upper and achievable lower network bounds.

Parameters are the options of ``qinternet bounds`` plus topology generators and sampled
demands:

- ``topology``: a node-link ``.json`` / ``.graphml`` / ``.gml`` file, ``topohub:KEY``, or a
  generator, ``gabriel`` or ``random-geometric``, with ``nodes``, ``area_km`` (side of the
  square, default 1000 km) and, for ``random-geometric``, ``radius_km``; the point's ``seed``
  places the nodes.
- Demands: ``pair = [["A", "B"], ...]`` (like ``--pair A B``, repeatable), ``group = [["A",
  "B", "C"], ...]`` (like ``--group``) and ``random_pairs = K`` (K distinct node pairs drawn
  with the point's ``seed``); at least one of them. Sampled pairs come after the given ones.

``*_ebits_per_use`` are per *network* use with ``usage = "flooding"`` and per *channel* use
with ``usage = "frequency"`` (the ``usage`` column says which).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from qinternet.errors import InvalidParameterError
from qinternet.sweeps._computation import (
    Output,
    Parameter,
    boolean,
    choice,
    computation,
    integer,
    name_lists,
    number,
    numbers,
    text,
)
from qinternet.sweeps._topologies import (
    GENERATORS,
    generated_network,
    loaded_network,
    sample_pairs,
)

__all__ = ["COMPUTATION", "TOPOLOGY_PARAMETERS", "check_topology", "network_of"]

#: Default side of the square of generated topologies, km.
DEFAULT_AREA_KM = 1000.0

_FILE_SUFFIXES = (".json", ".graphml", ".xml", ".gml")

#: Parameters naming the topology (shared with the ``controller`` computation).
TOPOLOGY_PARAMETERS: tuple[Parameter, ...] = (
    text("topology", "file, topohub:KEY, or generator 'gabriel' / 'random-geometric'"),
    integer("nodes", "number of nodes of a generated topology", minimum=2, maximum=100_000),
    number("area_km", "side of the square of a generated topology, km", minimum=0.0,
           strict_minimum=True),
    number("radius_km", "link radius of a random-geometric topology, km", minimum=0.0,
           strict_minimum=True),
    boolean("estimate_lengths", "estimate missing link lengths from node coordinates"),
    number("detour_factor", "fibre length / great-circle distance", minimum=0.0,
           strict_minimum=True),
    number("attenuation_db_per_km", "attenuation of links without their own, dB/km",
           minimum=0.0, strict_minimum=True),
    text("zero_length", "zero-length links: contract, error or min-km:X"),
)

_PARAMETERS: tuple[Parameter, ...] = (
    *TOPOLOGY_PARAMETERS,
    name_lists("pair", "pairs of nodes, [[\"A\", \"B\"], ...]", size=2),
    name_lists("group", "GHZ groups of >= 2 nodes, [[\"A\", \"B\", \"C\"], ...]"),
    integer("random_pairs", "number of node pairs sampled with the point's seed", minimum=1),
    choice("usage", "flooding (per network use) or frequency (per channel use)",
           ("flooding", "frequency")),
    choice("objective", "worst (max-min), total or weighted", ("worst", "total", "weighted")),
    numbers("weights", "one weight per demand", minimum=0.0),
    number("clock_rate_hz", "uses per second: adds *_ebits_per_s", minimum=0.0,
           strict_minimum=True),
)

_OUTPUTS = (
    Output(name="lower_ebits_per_use", kind="float",
           help="achievable objective value (lower bound), ebits per use (see usage)"),
    Output(name="upper_ebits_per_use", kind="float",
           help="certified upper bound on the objective, ebits per use (see usage)"),
    Output(name="lower_ebits_per_s", kind="float",
           help="lower bound times clock_rate_hz, ebits per s (empty without clock rate)"),
    Output(name="upper_ebits_per_s", kind="float",
           help="upper bound times clock_rate_hz, ebits per s (empty without clock rate)"),
    Output(name="upper_certified", kind="bool", help="the upper bound is proven"),
    Output(name="rates_ebits_per_use", kind="json",
           help="achievable rate of each demand, ebits per use (list)"),
    Output(name="demands", kind="json", help="the demands solved, node names (list of lists)"),
    Output(name="network_nodes", kind="int", help="number of nodes of the network"),
    Output(name="network_links", kind="int", help="number of links of the network"),
    Output(name="upper_method", kind="str", help="computation that gave the upper bound"),
    Output(name="lower_method", kind="str", help="computation that gave the lower bound"),
)


def _zero_length(value: str) -> str | float:
    word = value.strip().lower()
    if word in ("contract", "error"):
        return word
    try:
        km = float(word.removeprefix("min-km:"))
    except ValueError:
        km = -1.0
    if not km > 0:
        raise InvalidParameterError("zero_length", value,
                                    "must be 'contract', 'error' or 'min-km:X' with X > 0 km")
    return km


def network_of(point: Mapping[str, Any], seed: int) -> Any:
    """The network of a point (generated with ``seed``, or loaded; cached per process)."""
    topology = point["topology"]
    attenuation = point.get("attenuation_db_per_km")
    if topology in GENERATORS:
        return generated_network(topology, point["nodes"],
                                 point.get("area_km", DEFAULT_AREA_KM), point.get("radius_km"),
                                 seed, attenuation)
    return loaded_network(topology, point.get("estimate_lengths", False),
                          point.get("detour_factor", 1.0), attenuation,
                          _zero_length(point.get("zero_length", "contract")))


def check_topology(point: Mapping[str, Any]) -> bool:
    """Check the topology parameters of a point; return whether the topology is generated."""
    topology = point.get("topology")
    if topology is None:
        raise InvalidParameterError("topology", None, "is required (a file, topohub:KEY, "
                                    "'gabriel' or 'random-geometric')")
    generated = topology in GENERATORS
    if generated:
        if "nodes" not in point:
            raise InvalidParameterError("nodes", None, f"is required with topology {topology!r}")
        if (topology == "random-geometric") != ("radius_km" in point):
            raise InvalidParameterError(
                "radius_km", point.get("radius_km"),
                "is required with topology 'random-geometric' and only applies to it")
        for key in ("estimate_lengths", "detour_factor", "zero_length"):
            if key in point:
                raise InvalidParameterError(key, point[key], "does not apply to a generated "
                                            "topology")
    else:
        for key in ("nodes", "area_km", "radius_km"):
            if key in point:
                raise InvalidParameterError(key, point[key], "only applies to a generated "
                                            "topology ('gabriel' or 'random-geometric')")
        if not topology.startswith("topohub:"):
            path = Path(topology).expanduser()
            if path.suffix.lower() not in _FILE_SUFFIXES:
                raise InvalidParameterError(
                    "topology", topology, "must be a .json, .graphml or .gml file, topohub:KEY, "
                    "'gabriel' or 'random-geometric'")
            if not path.is_file():
                raise InvalidParameterError("topology", topology, "is not an existing file")
        elif not topology.removeprefix("topohub:"):
            raise InvalidParameterError("topology", topology, "must name a key after topohub:")
    if "zero_length" in point:
        _zero_length(point["zero_length"])
    return generated


def _check(point: Mapping[str, Any]) -> None:
    generated = check_topology(point)
    if not any(k in point for k in ("pair", "group", "random_pairs")):
        raise InvalidParameterError("pair/group/random_pairs", None,
                                    "at least one demand is required")
    if "weights" in point:
        count = len(point.get("pair", ())) + len(point.get("group", ())) + point.get(
            "random_pairs", 0)
        if len(point["weights"]) != count:
            raise InvalidParameterError("weights", list(point["weights"]),
                                        f"must have one weight per demand ({count})")
    if generated:
        for key in ("pair", "group"):
            for demand in point.get(key, ()):
                for name in demand:
                    if not (name.isdigit() and int(name) < point["nodes"]):
                        raise InvalidParameterError(
                            key, [list(d) for d in point[key]],
                            f"names node {name!r}; generated nodes are named 0..nodes-1")
    else:
        _check_loaded(point)


def _check_loaded(point: Mapping[str, Any]) -> None:
    """Load a file / topohub topology (once per process: cached) and resolve every named node,
    so that a typo in a node name stops the sweep before it runs."""
    try:
        network = network_of(point, 0)
    except InvalidParameterError as err:
        raise InvalidParameterError("topology", point["topology"],
                                    f"cannot be loaded: {err}") from None
    for key in ("pair", "group"):
        for demand in point.get(key, ()):
            for name in demand:
                try:
                    network.node_index(name)
                except InvalidParameterError as err:
                    raise InvalidParameterError(
                        key, [list(d) for d in point[key]],
                        f"names a node that {point['topology']!r} does not have: "
                        f"{err}") from None


def _demands(network: Any, point: Mapping[str, Any], seed: int) -> list[list[str]]:
    demands = [list(d) for d in point.get("pair", ())] + [list(d) for d in point.get("group", ())]
    if "random_pairs" in point:
        demands += sample_pairs(network, point["random_pairs"], seed)
    return demands


def _evaluate(point: Mapping[str, Any], seed: int) -> dict[str, Any]:
    from qinternet.networks import Usage, network_bounds

    network = network_of(point, seed)
    demands = _demands(network, point, seed)
    usage = Usage.frequency() if point.get("usage") == "frequency" else Usage.flooding()
    result = network_bounds(network, demands, usage=usage,
                            objective=point.get("objective", "worst"),
                            weights=point.get("weights"))
    clock = point.get("clock_rate_hz")
    return {
        "lower_ebits_per_use": float(result.lower),
        "upper_ebits_per_use": float(result.upper),
        "lower_ebits_per_s": None if clock is None else float(result.lower) * clock,
        "upper_ebits_per_s": None if clock is None else float(result.upper) * clock,
        "upper_certified": bool(result.upper_certified),
        "rates_ebits_per_use": [float(r) for r in result.rates],
        "demands": [list(d) for d in result.demands],
        "network_nodes": len(network.nodes),
        "network_links": len(network.links),
        "upper_method": str(result.upper_method),
        "lower_method": str(result.lower_method),
    }


#: The ``bounds`` computation.
COMPUTATION = computation(
    "bounds", "certified upper and achievable lower network bounds (qinternet bounds)",
    parameters=_PARAMETERS, outputs=_OUTPUTS, check=_check, evaluate=_evaluate)
