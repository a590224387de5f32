"""Reference cases of networks.json (R1-MR, R3, R3-eta, R4, R5 single pair; R6-R9 via the LP)."""

from __future__ import annotations

from typing import Any

import networkx as nx
import pytest

from conftest import assert_matches, load_reference, reference_cases
from qinternet.networks import Network, Usage, network_bounds
from qinternet.networks.results import CONTRACT_KEYS

REF = load_reference("networks")


def _network(name: str) -> Network:
    graph = nx.node_link_graph(REF["graphs"][name], edges="edges")
    return Network.from_networkx(graph, name=name)


def _usage(case: dict[str, Any]) -> Usage:
    inputs = case["inputs"]
    return Usage.flooding() if inputs["usage"] == "flooding" else Usage.frequency()


def _solve(case: dict[str, Any]) -> Any:
    inputs = case["inputs"]
    demands = inputs.get("pairs", []) + inputs.get("groups", [])
    weights = inputs.get("weights", inputs.get("demand_ratios"))
    return network_bounds(_network(inputs["graph"]), demands, usage=_usage(case),
                          objective=inputs["objective"], weights=weights)


def _check(case: dict[str, Any], res: Any) -> None:
    # The CLI contract wins over the reference file's longer U1 unit string.
    expected_unit = case["expected"]["unit"]
    assert res.unit == expected_unit.removesuffix(" (network total)")
    for key in ("lower", "upper", "single_path_upper", "single_path_lower"):
        if key in case["expected"]:
            assert_matches(case, key, getattr(res, key))
    assert res.upper_certified is case["expected"]["upper_certified"]
    if "rates" in case["expected"]:
        for i, r in enumerate(case["expected"]["rates"]):
            rel, abs_ = 1e-7, 1e-9
            assert abs(res.rates[i] - r) <= abs_ + rel * abs(r)
    out = res.to_dict()
    assert set(CONTRACT_KEYS) <= set(out)


SINGLE = [p for g in ("R1", "R3", "R4", "R5") for p in reference_cases("networks", group=g)]


@pytest.mark.parametrize("case", SINGLE)
def test_single_pair_reference_case(case: dict[str, Any]) -> None:
    res = _solve(case)
    _check(case, res)
    assert res.single_path_lower is not None and res.single_path_upper is not None
    # routes achieve the lower bound
    assert sum(r.rate for r in res.routes) == pytest.approx(res.rates[0], rel=1e-9)


MULTI = [p for g in ("R6", "R7", "R8", "R9") for p in reference_cases("networks", group=g)]


@pytest.mark.parametrize("case", MULTI)
def test_lp_reference_case_through_facade(case: dict[str, Any]) -> None:
    res = _solve(case)
    _check(case, res)
    # R7: the flow LP with upper capacities must never be reported as the upper bound.
    flow_up = case["expected"].get("flow_lp_with_upper_capacities")
    if flow_up is not None and flow_up < case["expected"]["upper"]:
        assert res.upper > flow_up * (1 + 1e-6)
    for route in res.routes:
        assert (route.path is None) != (route.tree is None)
