"""Restarting a real server (SIGTERM and SIGKILL) serves the same allocation, bit for bit
(the stored one: a restart moves no route), and it equals a cold recomputation from the log."""

from __future__ import annotations

import json
import signal
from pathlib import Path

import httpx
import pytest
from _svc_helpers import SMALL_NETWORK, ServerProcess


def _setup(db: str) -> tuple[dict[str, str], dict[str, str]]:
    from qinternet.service import Service, open_store

    service = Service(open_store(db))
    _, op = service.create_client("ops", scope="operator")
    _, alice = service.create_client("alice", max_priority=1)
    service.set_network({"suffix": ".json", "text": json.dumps(SMALL_NETWORK)})
    service.store.close()
    return ({"Authorization": f"Bearer {op}"}, {"Authorization": f"Bearer {alice}"})


def _snapshot(url: str, op: dict[str, str]) -> tuple[object, object]:
    demands = httpx.get(url + "/demands?wait=true", headers=op).json()
    assert all(d["allocation"] == "current" for d in demands)
    keep = ("id", "status", "rate", "floor_met", "routes", "upper_bound", "history")
    links = httpx.get(url + "/links", headers=op).json()
    return [{k: d[k] for k in keep} for d in demands], links


def test_restart_serves_the_same_allocation(tmp_path: Path) -> None:
    db = str(tmp_path / "durable.db")
    op, alice = _setup(db)
    with ServerProcess(db) as server:
        url = server.url
        ids = []
        for body in [{"endpoints": ["A", "D"], "floor": 0.2},
                     {"endpoints": ["B", "E"], "weight": 2.0},
                     {"endpoints": ["A", "C", "E"]},
                     {"endpoints": ["C", "F"], "floor": 0.1, "priority": 1},
                     {"endpoints": ["A", "B"], "floor": 99.0},
                     {"endpoints": ["D", "F"], "cap": 0.05}]:
            r = httpx.post(url + "/demands", json=body, headers=alice)
            assert r.status_code == 201, r.text
            ids.append(r.json()["id"])
        assert httpx.patch(url + "/links/6", json={"factor": 0.5},
                           headers=op).status_code == 200
        assert httpx.patch(url + "/links/1", json={"state": "down"},
                           headers=op).status_code == 200
        assert httpx.delete(url + f"/demands/{ids[1]}", headers=alice).status_code == 200
        before = _snapshot(url, op)
        assert len(before[0]) == 6  # type: ignore[arg-type]
    for sig in (signal.SIGTERM, signal.SIGKILL):
        with ServerProcess(db) as server:
            assert _snapshot(server.url, op) == before
            server.kill(sig)


def test_restart_matches_an_independent_replay_of_the_log(tmp_path: Path) -> None:
    import sqlite3

    from qinternet.service._core import network_from_source, rebuild

    db = str(tmp_path / "replay.db")
    op, alice = _setup(db)
    with ServerProcess(db) as server:
        for ends in (["A", "D"], ["B", "F"], ["C", "E"]):
            httpx.post(server.url + "/demands", json={"endpoints": ends, "floor": 0.05},
                       headers=alice)
        httpx.patch(server.url + "/links/0", json={"state": "down"}, headers=op)
        served = {d["id"]: d["rate"] for d in
                  httpx.get(server.url + "/demands?wait=true", headers=op).json()}
    conn = sqlite3.connect(db)
    try:
        events = [json.loads(e) for (e,) in conn.execute("SELECT event FROM events ORDER BY seq")]
    finally:
        conn.close()
    net = network_from_source({"suffix": ".json", "text": json.dumps(SMALL_NETWORK)})
    ctl, _ = rebuild(net, events)  # an independent, cold recomputation from the log
    assert set(served) == set(ctl.allocation.rates)
    for k, rate in served.items():
        assert rate == pytest.approx(ctl.allocation.rates[k], rel=1e-9, abs=1e-12), k
    assert len(events) == 4
