"""``network_bounds(method=...)``: the per-demand-cut relaxation is certified and never below
the exact cut LP of ``auto``; bad methods are refused by name."""

from __future__ import annotations

import networkx as nx
import pytest

from qinternet.errors import InvalidParameterError
from qinternet.networks import BOUND_METHODS, Network, network_bounds
from qinternet.networks.lp import EXACT_UPPER_METHODS, UPPER_METHODS


def _grid() -> Network:
    g = nx.grid_2d_graph(3, 3)
    h = nx.MultiGraph()
    for (a, b), (c, d) in g.edges():
        h.add_edge(f"{a}{b}", f"{c}{d}", transmissivity=0.5 + 0.05 * (a + b + c))
    return Network.from_networkx(h)


@pytest.mark.parametrize("objective", ["worst", "total"])
def test_per_demand_cuts_is_a_looser_certified_bound(objective: str) -> None:
    net = _grid()
    demands = [("00", "22"), ("02", "20"), ("01", "21")]
    auto = network_bounds(net, demands, objective=objective)
    cuts = network_bounds(net, demands, objective=objective, method="per-demand-cuts")
    assert auto.upper_method_name in EXACT_UPPER_METHODS
    assert cuts.upper_method_name == "per-demand-cuts" and not cuts.upper_exact
    assert "per-demand-cuts" in UPPER_METHODS and cuts.upper_relaxation_reason
    assert cuts.upper >= auto.upper * (1 - 1e-9)
    assert auto.upper >= auto.lower * (1 - 1e-9)
    assert cuts.lower == pytest.approx(auto.lower, rel=1e-9)


def test_bad_method_named() -> None:
    assert BOUND_METHODS == ("auto", "per-demand-cuts")
    with pytest.raises(InvalidParameterError, match="method"):
        network_bounds(_grid(), [("00", "22"), ("02", "20")], method="exact")  # type: ignore[arg-type]
