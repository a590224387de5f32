"""Incremental progressive filling: levels a change leaves standing are reused, and the result
equals a cold solve and the independent lexicographic max-min reference (``test_engine``)."""

from __future__ import annotations

from typing import Any

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_engine import random_events, reference_lexmaxmin, small_network

from qinternet.controller import Controller
from qinternet.controller.filling import fit_load, fit_route
from qinternet.networks import Network


def _line() -> Network:
    """A - B - C - D with capacities 1, 2, 3 ebits per use (transmissivities 1/2, 3/4, 7/8)."""
    g = nx.MultiGraph()
    for u, v, eta in [("A", "B", 0.5), ("B", "C", 0.75), ("C", "D", 0.875)]:
        g.add_edge(u, v, transmissivity=eta)
    return Network.from_networkx(g)


def _add(ctl: Controller, ident: str, a: str, b: str, **kw: Any) -> Any:
    return ctl.apply_dict({"op": "add_demand", "id": ident, "endpoints": [a, b], **kw})


def _agrees(ctl: Controller) -> None:
    cold = ctl.cold_copy()
    ref = reference_lexmaxmin(ctl)
    for k, r in ctl.allocation.rates.items():
        assert cold.allocation.rates[k] == pytest.approx(r, rel=1e-9, abs=1e-12)
        assert r == pytest.approx(ref[k], rel=1e-6, abs=1e-9)


def test_removal_keeps_the_levels_below_the_removed_demand() -> None:
    ctl = Controller(_line())
    for ident, a, b in [("x", "A", "B"), ("y", "B", "C"), ("z", "C", "D")]:
        _add(ctl, ident, a, b)
    assert ctl.allocation.rates == pytest.approx({"x": 1.0, "y": 2.0, "z": 3.0})
    d = ctl.apply_dict({"op": "remove_demand", "id": "z"})
    # levels t = 1 (x) and t = 2 (y) stand; only the routes are solved again
    assert (d.levels_reused, d.lps) == (2, 1)
    _agrees(ctl)
    d = ctl.apply_dict({"op": "remove_demand", "id": "x"})
    assert d.levels_reused == 0  # x was frozen at the first level
    _agrees(ctl)


def _net(links: list[tuple[str, str, float]]) -> Network:
    """Links given by PLOB capacity in ebits per use (transmissivity 1 - 2^-c)."""
    g = nx.MultiGraph()
    for u, v, c in links:
        g.add_edge(u, v, transmissivity=1.0 - 2.0 ** -c)
    return Network.from_networkx(g)


def test_removal_recomputes_a_later_level_its_frozen_rate_bound() -> None:
    # levels: x (A-B, 1) and j (C-D-E, C-D 1) at t = 1, w (F-G, 1.2) at 1.2, z (D-E, 2.5) at
    # 1.5 because j's frozen rate takes 1 of D-E. Without j, the LP at j's old level freezes
    # w, which matches the frozen set before z's old level -- but j's bound priced that level,
    # so it is solved again (z: 2.5), not reused
    ctl = Controller(_net([("A", "B", 1.0), ("C", "D", 1.0), ("D", "E", 2.5),
                           ("F", "G", 1.2)]))
    for ident, a, b in [("x", "A", "B"), ("j", "C", "E"), ("w", "F", "G"), ("z", "D", "E")]:
        _add(ctl, ident, a, b)
    assert ctl.allocation.rates == pytest.approx({"x": 1.0, "j": 1.0, "w": 1.2, "z": 1.5})
    ctl.apply_dict({"op": "remove_demand", "id": "j"})
    assert ctl.allocation.rates == pytest.approx({"x": 1.0, "w": 1.2, "z": 2.5})
    _agrees(ctl)


def test_addition_keeps_the_levels_it_fits_under() -> None:
    ctl = Controller(_line())
    for ident, a, b in [("x", "A", "B"), ("y", "B", "C"), ("z", "C", "D")]:
        _add(ctl, ident, a, b)
    # w on C-D fits beside z at the level t = 1 (1 + 1 <= 3) but not at t = 2 (2 + 2 > 3);
    # after z and w are frozen at 1.5, no earlier level has that frozen set: y's is solved
    d = _add(ctl, "w", "C", "D")
    assert (d.levels_reused, d.lps) == (1, 3)
    assert ctl.allocation.rates == pytest.approx({"x": 1.0, "y": 2.0, "z": 1.5, "w": 1.5})
    _agrees(ctl)


def test_capacity_increase_recomputes_from_the_level_it_binds() -> None:
    ctl = Controller(_line())
    for ident, a, b in [("x", "A", "B"), ("y", "B", "C"), ("z", "C", "D")]:
        _add(ctl, ident, a, b)
    ctl.apply_dict({"op": "degrade_link", "link": ["B", "C"], "factor": 0.5})
    assert ctl.allocation.rates["y"] == pytest.approx(1.0)
    # back up: B-C binds the level of y (the second), which is solved again: y gets 2, not 1,
    # so z's old level (solved with y at 1) cannot be rejoined either; the first stands
    d = ctl.apply_dict({"op": "degrade_link", "link": ["B", "C"], "factor": 1.0})
    assert (d.levels_reused, d.lps) == (1, 3)
    assert ctl.allocation.rates == pytest.approx({"x": 1.0, "y": 2.0, "z": 3.0})
    _agrees(ctl)


def test_link_up_from_zero_is_priced_not_trusted() -> None:
    # A - B - C with a bypass A - C that is down: the levels were solved without it, and
    # its row has no price; bringing it up must raise the rate (a route through it prices out)
    g = nx.MultiGraph()
    for u, v, eta in [("A", "B", 0.5), ("B", "C", 0.5), ("A", "C", 0.75)]:
        g.add_edge(u, v, transmissivity=eta)
    ctl = Controller(Network.from_networkx(g))
    ctl.apply_dict({"op": "link_down", "link": ["A", "C"]})
    _add(ctl, "x", "A", "C")
    assert ctl.allocation.rates["x"] == pytest.approx(1.0)
    ctl.apply_dict({"op": "link_up", "link": ["A", "C"]})
    assert ctl.allocation.rates["x"] == pytest.approx(3.0)
    _agrees(ctl)


def test_capacity_decrease_keeps_levels_whose_point_still_fits() -> None:
    ctl = Controller(_line())
    for ident, a, b in [("x", "A", "B"), ("y", "B", "C"), ("z", "C", "D")]:
        _add(ctl, ident, a, b)
    # C-D from 3 to 1.5: the levels t = 1 and t = 2 (z at 1, then 2 > 1.5) -- the first stands
    d = ctl.apply_dict({"op": "degrade_link", "link": ["C", "D"], "factor": 0.5})
    assert d.levels_reused == 1
    assert ctl.allocation.rates == pytest.approx({"x": 1.0, "y": 2.0, "z": 1.5})
    _agrees(ctl)


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 100_000), count=st.integers(4, 12))
def test_reused_levels_give_the_reference_allocation(seed: int, count: int) -> None:
    net = small_network(seed)
    ctl = Controller(net)
    for ev in random_events(seed, net, count):
        ctl.apply_dict(ev)
        ref = reference_lexmaxmin(ctl)
        big = max(ctl.allocation.rates.values(), default=0.0)
        for k, r in ctl.allocation.rates.items():
            assert r == pytest.approx(ref[k], rel=1e-6, abs=1e-9 * max(big, 1.0)), (k, ev)


def test_fit_route_and_fit_load() -> None:
    # square 0-1-3, 0-2-3: each side 0.5 wide
    t = np.array([0, 0, 1, 2])
    h = np.array([1, 2, 3, 3])
    res = np.full(4, 0.5)
    assert fit_route(4, t, h, res, (0, 3), 0.5) is not None
    assert fit_route(4, t, h, res, (0, 3), 0.6) is None
    load = fit_load(4, t, h, res, (0, 3), 0.9)
    assert load is not None and load.sum() == pytest.approx(1.8)  # 0.45 on each of 4 links
    assert np.all(load <= res + 1e-12)
    assert fit_load(4, t, h, res, (0, 3), 1.01) is None
    # a group gets one tree: 3 terminals joined by links of residual >= rate
    tree = fit_route(4, t, h, np.array([1.0, 1.0, 1.0, 0.1]), (1, 2, 3), 0.5)
    assert tree is not None and set(tree.tolist()) == {0, 1, 2}
