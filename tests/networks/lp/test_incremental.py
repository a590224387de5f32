"""Warm incremental LPs (RouteMaster, CutPool): warm = cold after every change, bounds ordered,
infeasible rate bounds detected, bad input refused."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_lp_properties import random_demands, random_links

from qinternet.errors import InvalidParameterError
from qinternet.networks.lp import (
    CutPool,
    InfeasibleRatesError,
    LinkArrays,
    RouteMaster,
    lower_bound,
    upper_bound,
)
from qinternet.networks.usage import Usage

FLOODING = Usage.flooding()


def _cold_worst(links: LinkArrays, cap: np.ndarray, demands: list[tuple[int, ...]]) -> float:
    return lower_bound(links.with_capacity(cap), demands, FLOODING).value


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), steps=st.integers(1, 6))
def test_warm_equals_cold_after_every_change(seed: int, steps: int) -> None:
    links = random_links(seed, 4, 7)
    demands = random_demands(seed, links.num_nodes, k_max=4)
    rng = np.random.default_rng(seed)
    cap = links.capacity.copy()
    up = cap * (1.0 + rng.random(cap.size))
    rm = RouteMaster(links.num_nodes, links.tail, links.head, cap)
    cp = CutPool(links.num_nodes, links.tail, links.head, up)
    live: dict[int, tuple[int, ...]] = {}
    for i, d in enumerate(demands):
        rm.add_demand(i, d)
        cp.add_demand(i, d)
        live[i] = d
    next_key = len(demands)
    for _ in range(steps):
        op = rng.integers(3)
        if op == 0:
            e = int(rng.integers(cap.size))
            f = float(rng.choice([0.0, 0.5, 2.0]))
            cap[e] *= f
            up[e] *= f
            rm.set_capacity([e], [cap[e]])
            cp.set_capacity([e], [up[e]])
        elif op == 1 and len(live) > 1:
            key = sorted(live)[int(rng.integers(len(live)))]
            rm.remove_demand(key)
            cp.remove_demand(key)
            del live[key]
        else:
            d = random_demands(seed + next_key, links.num_nodes, k_max=1)[0]
            rm.add_demand(next_key, d)
            cp.add_demand(next_key, d)
            live[next_key] = d
            next_key += 1
        keys = sorted(live)
        level = {k: 1.0 for k in keys}
        warm = rm.solve(level=level)
        cold = _cold_worst(links, cap, [live[k] for k in keys])
        assert warm.level == pytest.approx(cold, rel=1e-9, abs=1e-12)
        if warm.level > 0:
            # the level rows' shares of the level's price: the dual constraint of the level
            assert sum(rm.level_shares().values()) == pytest.approx(1.0, rel=1e-6)
        # routes respect every capacity and reproduce the rates
        assert np.all(warm.link_load <= cap * (1 + 1e-12) + 1e-15)
        for k in keys:
            assert sum(r.rate for r in warm.routes[k]) == pytest.approx(warm.rates[k], rel=1e-12)
        # the pool's value is an upper bound: above the achievable level on the lower values,
        # and above the exact cut LP optimum never below it (it is a relaxation)
        bound = cp.solve(level=level).value
        exact = upper_bound(links.with_capacity(up), [live[k] for k in keys], FLOODING)
        assert bound >= warm.level * (1 - 1e-9) - 1e-12
        if exact.lp_optimal:
            assert bound >= exact.value * (1 - 1e-9) - 1e-12


def test_total_objective_matches_cold() -> None:
    links = random_links(5, 6, 6)
    demands = random_demands(5, links.num_nodes, k_max=3, groups=False)
    rm = RouteMaster(links.num_nodes, links.tail, links.head, links.capacity)
    for i, d in enumerate(demands):
        rm.add_demand(i, d)
    warm = rm.solve(rates={i: 1.0 for i in range(len(demands))})
    cold = lower_bound(links, demands, FLOODING, objective="total")
    assert warm.objective == pytest.approx(cold.value, rel=1e-9)


def test_infeasible_lower_bound_detected_and_recovered() -> None:
    # path 0-1-2 with capacities 1 and 2: the pair (0, 2) carries at most 1
    rm = RouteMaster(3, [0, 1], [1, 2], [1.0, 2.0])
    rm.add_demand("a", (0, 2), lower=0.9)
    assert rm.solve(rates={"a": 1.0}).rates["a"] == pytest.approx(1.0)
    rm.set_bounds("a", lower=1.5)
    with pytest.raises(InfeasibleRatesError) as err:
        rm.solve(rates={"a": 1.0})
    assert err.value.deficit["a"] == pytest.approx(0.5)
    assert pickle.loads(pickle.dumps(err.value)).deficit == err.value.deficit
    rm.set_capacity([0], [3.0])   # the bottleneck is upgraded: feasible again
    assert rm.solve(rates={"a": 1.0}).rates["a"] == pytest.approx(2.0)


def test_floor_with_level_and_cap() -> None:
    # two pairs share link 1-2 (capacity 2): floors and caps shape the level
    rm = RouteMaster(4, [0, 1, 2], [1, 2, 3], [5.0, 2.0, 5.0])
    rm.add_demand("x", (0, 3), lower=1.5)
    rm.add_demand("y", (1, 2))
    sol = rm.solve(level={"x": 1.0, "y": 1.0})
    assert sol.rates["x"] >= 1.5 * (1 - 1e-9)
    assert sol.level == pytest.approx(0.5)
    # y (on the shared link, above x's floor) is what blocks the level, not x
    shares = rm.level_shares()
    assert shares["y"] == pytest.approx(1.0, rel=1e-9)
    assert shares["x"] == pytest.approx(0.0, abs=1e-12)
    rm.set_bounds("x", upper=0.4)
    with pytest.raises(InvalidParameterError, match="upper"):
        rm.set_bounds("x", lower=1.0, upper=0.5)


def test_bad_input_named() -> None:
    with pytest.raises(InvalidParameterError, match="capacity"):
        RouteMaster(2, [0], [1], [-1.0])
    rm = RouteMaster(2, [0], [1], [1.0])
    with pytest.raises(InvalidParameterError, match="terminals"):
        rm.add_demand("a", (0, 0))
    with pytest.raises(InvalidParameterError, match="links"):
        rm.set_capacity([3], [1.0])
    with pytest.raises(InvalidParameterError, match="demand key"):
        rm.remove_demand("nope")
    rm.add_demand("a", (0, 1))
    with pytest.raises(InvalidParameterError, match="already"):
        rm.add_demand("a", (0, 1))
    with pytest.raises(InvalidParameterError, match="level weight"):
        rm.solve(level={"a": 0.0})
