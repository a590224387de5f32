"""Deferred events (``apply(..., reallocate=False)``) and reallocation on a second engine.

Two ways agree: the same trace applied immediately and deferred gives the same outcome,
floors and shed floors at every event, and the deferred engine's allocation, recomputed on a
second engine from its snapshot, equals the immediate one's to the LP's resolution.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_engine import random_events, small_network

from qinternet.controller import Controller, event_from_dict, random_trace, replay
from qinternet.errors import InvalidParameterError
from qinternet.networks import load_network


def _rates_agree(a: dict[str, float], b: dict[str, float], scale: float) -> None:
    assert set(a) == set(b)
    for k in a:
        assert a[k] == pytest.approx(b[k], rel=1e-6, abs=1e-9 * scale), k


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10_000), count=st.integers(4, 14))
def test_deferred_decides_like_immediate_and_reallocates_alike(seed: int, count: int) -> None:
    net = small_network(seed)
    now, later, shadow = Controller(net), Controller(net), Controller(net)
    for ev in random_events(seed, net, count):
        try:
            a = now.apply_dict(ev)
        except InvalidParameterError:
            with pytest.raises(InvalidParameterError):
                later.apply_dict(ev)
            continue
        b = later.apply(event_from_dict(ev), reallocate=False)
        assert b.deferred and later.pending and b.diff == {}
        assert (a.outcome, a.reason.split(";")[0]) == (b.outcome, b.reason.split(";")[0])
        assert set(a.degraded) == set(b.degraded)
        assert later.floors == now.floors
        state = later.snapshot()
        shadow.load_state(state)
        shadow.reallocate()
        later.adopt(shadow.allocation, state.seq)
        assert not later.pending
        _rates_agree(later.allocation.rates, now.allocation.rates, 1.0)
        assert later.allocation.floors == now.allocation.floors


def test_adopt_of_an_older_snapshot_stays_pending_and_drops_removed_demands() -> None:
    net = small_network(7)
    ctl, shadow = Controller(net), Controller(net)
    names = net.node_names
    for i, (u, v) in enumerate([(0, 1), (1, 2), (0, 2)]):
        ctl.apply(event_from_dict({"op": "add_demand", "id": f"d{i}",
                                   "endpoints": [names[u], names[v]]}), reallocate=False)
    state = ctl.snapshot()
    shadow.load_state(state)
    r = shadow.reallocate()
    assert r.event == {"op": "reallocate"} and r.seq == 2 and set(r.diff) == {"d0", "d1", "d2"}
    assert r not in shadow.log
    ctl.apply(event_from_dict({"op": "remove_demand", "id": "d1"}), reallocate=False)
    ctl.apply(event_from_dict({"op": "add_demand", "id": "d3",
                               "endpoints": [names[1], names[2]]}), reallocate=False)
    ctl.adopt(shadow.allocation, state.seq)
    assert ctl.pending
    assert set(ctl.allocation.rates) == {"d0", "d2"}
    assert set(ctl.allocation.routes) == {"d0", "d2"}
    state = ctl.snapshot()
    shadow.load_state(state)
    shadow.reallocate()
    ctl.adopt(shadow.allocation, state.seq)
    assert not ctl.pending and set(ctl.allocation.rates) == {"d0", "d2", "d3"}
    cold = ctl.cold_copy()
    _rates_agree(ctl.allocation.rates, cold.allocation.rates, 1.0)


def test_state_of_another_network_is_refused() -> None:
    a, b = Controller(small_network(1)), Controller(load_network("topohub:sndlib/abilene"))
    with pytest.raises(InvalidParameterError, match="state"):
        b.load_state(a.snapshot())


def test_deferred_replay_on_a_real_backbone_matches_immediate() -> None:
    """SNDlib geant, seeded trace with failures and floors: deferred replay (one reallocation
    at the end, on a second engine) gives the immediate run's outcomes and rates."""
    net = load_network("topohub:sndlib/geant")
    trace = random_trace(net, 40, seed=2, demands=10, group_fraction=0.1, floor_fraction=0.5)
    now = replay(net, trace)
    later = replay(net, trace, reallocate=False)
    assert [d.outcome for d in later.log] == [d.outcome for d in now.log]
    assert later.pending and later.floors == now.floors
    shadow = Controller(net)
    state = later.snapshot()
    shadow.load_state(state)
    shadow.reallocate()
    later.adopt(shadow.allocation, state.seq)
    scale = max(now.nominal_lower)
    for k, r in now.allocation.rates.items():
        assert later.allocation.rates[k] == pytest.approx(r, rel=1e-6, abs=1e-7 * scale), k


def test_an_allocation_comes_back_from_json_bit_for_bit() -> None:
    import json

    from qinternet.controller import Allocation

    net = load_network("topohub:sndlib/abilene")
    ctl = replay(net, random_trace(net, 12, seed=3, demands=6, group_fraction=0.3))
    a = ctl.allocation
    assert Allocation.from_dict(json.loads(json.dumps(a.to_dict()))) == a


def test_flow_admission_beside_served_routes_is_a_true_certificate() -> None:
    """A deferred pair floor is admitted by a maximum flow beside the guarded floors'
    served routes (no LP); the floors then pass the route master's own feasibility LP, and a
    floor above what the LP allows is still rejected by the LP with its certificate."""
    net = load_network("topohub:sndlib/geant")
    ctl, shadow = Controller(net), Controller(net)
    names = net.node_names

    def widest(a: int, b: int) -> float:
        from qinternet.networks.single_pair import widest_path

        return float(widest_path(net.link_arrays("lower"), a, b).value)

    f_a, f_b = 0.3 * widest(0, 5), 0.3 * widest(1, 6)
    first = ctl.apply(event_from_dict({"op": "add_demand", "id": "a",
                                       "endpoints": [names[0], names[5]], "floor": f_a}),
                      reallocate=False)
    assert first.outcome == "admitted" and first.admission == "flow"  # nothing to guard
    state = ctl.snapshot()
    shadow.load_state(state)
    shadow.reallocate()
    ctl.adopt(shadow.allocation, state.seq)
    second = ctl.apply(event_from_dict({"op": "add_demand", "id": "b",
                                        "endpoints": [names[1], names[6]], "floor": f_b}),
                       reallocate=False)
    assert second.outcome == "admitted" and second.admission == "flow"
    assert ctl._floors_feasible()
    too_much = ctl.apply(event_from_dict({"op": "add_demand", "id": "c",
                                          "endpoints": [names[0], names[5]],
                                          "floor": 100 * widest(0, 5)}), reallocate=False)
    assert too_much.outcome.startswith("rejected") and too_much.counter_offer is not None
