"""Reference cases R3-R9 of tests/data/networks.json on the LP layer (LinkArrays level)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from conftest import assert_matches, load_reference, reference_cases
from qinternet.channels.capacities import plob_bound
from qinternet.networks.lp import (
    LinkArrays,
    flow_estimate,
    lower_bound,
    multicommodity_flow_lp,
    per_demand_cut_relaxation,
    upper_bound,
)
from qinternet.networks.lp._steiner import enumerate_steiner_trees
from qinternet.networks.lp.methods import EXACT_UPPER_METHODS
from qinternet.networks.usage import Usage
from qinternet.units import fibre_transmissivity


def reference_links(name: str) -> tuple[LinkArrays, LinkArrays, dict[str, int]]:
    """(upper-capacity links, lower-capacity links, node index) of a reference graph."""
    graph = load_reference("networks")["graphs"][name]
    index = {str(node["id"]): i for i, node in enumerate(graph["nodes"])}
    tail, head, upper, lower = [], [], [], []
    for edge in graph["edges"]:
        tail.append(index[str(edge["source"])])
        head.append(index[str(edge["target"])])
        if "capacity_upper" in edge:
            upper.append(float(edge["capacity_upper"]))
            lower.append(float(edge["capacity_lower"]))
            continue
        if "transmissivity" in edge:
            eta = float(edge["transmissivity"])
        else:
            eta = float(fibre_transmissivity(edge["length_km"],
                                             edge.get("attenuation_db_per_km", 0.2)))
        upper.append(float(plob_bound(eta)))
        lower.append(float(plob_bound(eta)))
    t = np.array(tail, dtype=np.int64)
    h = np.array(head, dtype=np.int64)
    n = len(index)
    return (LinkArrays(num_nodes=n, tail=t, head=h, capacity=np.array(upper)),
            LinkArrays(num_nodes=n, tail=t, head=h, capacity=np.array(lower)), index)


def _setup(case: dict[str, Any]) -> tuple[LinkArrays, LinkArrays, list[tuple[int, ...]], Usage,
                                          dict[str, Any]]:
    inp = case["inputs"]
    up, lo, index = reference_links(inp["graph"])
    raw = inp.get("pairs", []) + inp.get("groups", [])
    demands = [tuple(index[str(v)] for v in d) for d in raw]
    usage = Usage.flooding() if inp["usage"] == "flooding" else Usage.frequency()
    kwargs: dict[str, Any] = {"objective": inp["objective"]}
    if "weights" in inp:
        kwargs["weights"] = inp["weights"]
    if "demand_ratios" in inp:
        kwargs["weights"] = inp["demand_ratios"]
    return up, lo, demands, usage, kwargs


CASES = [c for g in ("R3", "R4", "R5", "R6", "R7", "R8", "R9")
         for c in reference_cases("networks", group=g)]


@pytest.mark.parametrize("case", CASES)
def test_reference_lower_and_upper(case: dict[str, Any]) -> None:
    up, lo, demands, usage, kwargs = _setup(case)
    low = lower_bound(lo, demands, usage, **kwargs)
    upp = upper_bound(up, demands, usage, **kwargs)
    assert_matches(case, "lower", low.value)
    assert_matches(case, "upper", upp.value)
    assert upp.certified and upp.kind == "upper"
    assert upp.lp_optimal and upp.method_name in EXACT_UPPER_METHODS
    assert low.kind == "lower" and low.lp_optimal
    # the routes reproduce the rates and respect the capacities
    rates = np.zeros(len(demands))
    load = np.zeros(lo.num_links)
    for r in low.routes:
        rates[r.demand] += r.rate
        load[list(r.links)] += r.rate
    np.testing.assert_allclose(rates, low.rates, rtol=1e-12, atol=0)
    if usage.model == "flooding":
        assert np.all(load <= lo.capacity * (1 + 1e-12))
    else:
        assert float(np.sum(load[lo.capacity > 0] / lo.capacity[lo.capacity > 0])) <= 1 + 1e-12
    if "rates" in case["expected"]:
        np.testing.assert_allclose(low.rates, case["expected"]["rates"], rtol=1e-7, atol=1e-9)
    # LP duality: primal value = dual objective (both LPs)
    assert low.dual_objective == pytest.approx(low.value, rel=1e-7, abs=1e-12)
    assert upp.dual_objective == pytest.approx(upp.value, rel=1e-7, abs=1e-12)


@pytest.mark.parametrize("case", reference_cases("networks", group="R7"))
def test_r7_flow_is_not_reported_as_upper(case: dict[str, Any]) -> None:
    up, _, demands, usage, kwargs = _setup(case)
    est = flow_estimate(up, demands, usage, **kwargs)
    node_arc = multicommodity_flow_lp(up, demands, usage, **kwargs)
    upp = upper_bound(up, demands, usage, **kwargs)
    assert_matches(case, "flow_lp_with_upper_capacities", est.value)
    assert_matches(case, "flow_lp_with_upper_capacities", node_arc.value)
    assert not est.certified
    assert "NOT" in est.method
    assert upp.value > est.value * (1 + 1e-3)  # the flow-cut gap is real here
    assert_matches(case, "upper", upp.value)


@pytest.mark.parametrize("factor", [1e-7, 1e-9])
@pytest.mark.parametrize("case", reference_cases("networks", group="R7")
                         + reference_cases("networks", group="R8", prefix="R8-tri"))
def test_tiny_capacities_are_rescaled(case: dict[str, Any], factor: float) -> None:
    up, lo, demands, usage, kwargs = _setup(case)
    low = lower_bound(lo.with_capacity(lo.capacity * factor), demands, usage, **kwargs)
    upp = upper_bound(up.with_capacity(up.capacity * factor), demands, usage, **kwargs)
    assert low.value == pytest.approx(case["expected"]["lower"] * factor, rel=1e-7)
    assert upp.value == pytest.approx(case["expected"]["upper"] * factor, rel=1e-7)


@pytest.mark.parametrize("case", reference_cases("networks", group="R8"))
def test_r8_steiner_tree_count_and_scut(case: dict[str, Any]) -> None:
    up, _lo, demands, usage, _ = _setup(case)
    trees = enumerate_steiner_trees(up.tail.tolist(), up.head.tolist(), demands[0])
    assert_matches(case, "steiner_tree_count", len(trees))
    # the compact Steiner-cut LP (m - 1 flows) gives the same upper bound
    scut = per_demand_cut_relaxation(up, demands, usage, objective="total")
    assert_matches(case, "upper", scut.value)
