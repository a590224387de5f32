"""SIGKILL the server at random moments during a stream of submissions (>= 50 times):
every acknowledged demand is there exactly once, nothing unacknowledged is half there."""

from __future__ import annotations

import contextlib
import json
import os
import random
import signal
import sqlite3
import threading
import time
from pathlib import Path

import httpx
import pytest
from _svc_helpers import SMALL_NETWORK, Zygote

KILLS = 50
NODES = "ABCDEF"


def test_sigkill_during_submissions_loses_and_duplicates_nothing(tmp_path: Path) -> None:
    from qinternet.controller import Allocation
    from qinternet.service import Service, open_store
    from qinternet.service._core import network_from_source, rebuild

    db = str(tmp_path / "crash.db")
    service = Service(open_store(db))
    _, token = service.create_client("alice")
    service.set_network({"suffix": ".json", "text": json.dumps(SMALL_NETWORK)})
    service.store.close()
    auth = {"Authorization": f"Bearer {token}"}
    rng = random.Random(11)
    acked: dict[str, str] = {}  # idempotency key -> demand id
    sent: set[str] = set()
    in_flight: tuple[str, dict[str, object]] | None = None
    counter = 0
    zygote = Zygote()
    deadline = time.monotonic() + 150
    try:
        for life in range(KILLS):
            assert time.monotonic() < deadline, "crash test over its time budget"
            pid, url = zygote.spawn(db)
            killer = threading.Timer(rng.uniform(0.01, 0.12),
                                     lambda p=pid: os.kill(p, signal.SIGKILL))
            # even lives: the kill is timed from the start (it may hit the start-up or the
            # first request); odd lives: from the first acknowledgement, so that every other
            # life acknowledges at least one demand however slowly a loaded machine serves
            armed = life % 2 == 0
            if armed:
                killer.start()
            with httpx.Client(base_url=url, headers=auth, timeout=5.0) as http:
                while True:
                    if in_flight is None:
                        a, b = rng.sample(NODES, 2)
                        body: dict[str, object] = {"endpoints": [a, b],
                                                   "floor": rng.choice([0.0, 0.0, 0.05, 0.4])}
                        in_flight = (f"k{counter}", body)
                        counter += 1
                    key, body = in_flight
                    sent.add(key)
                    try:
                        r = http.post("/demands", json=body, headers={"Idempotency-Key": key})
                    except httpx.TransportError:
                        break  # killed: retry the same key after the restart
                    assert r.status_code == 201, r.text
                    ident = r.json()["id"]
                    assert acked.setdefault(key, ident) == ident, "a retry made a new demand"
                    in_flight = None
                    if not armed:
                        armed = True
                        killer.start()
            if armed:
                killer.join()
            else:  # the connection failed before any acknowledgement: end this life here
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
        pid, url = zygote.spawn(db)
        try:
            listed = httpx.get(url + "/demands", headers=auth, timeout=30).json()
        finally:
            os.kill(pid, signal.SIGKILL)
    finally:
        zygote.close()
    by_key: dict[str, list[str]] = {}
    for d in listed:
        by_key.setdefault(d["idempotency_key"], []).append(d["id"])
    print(f"crash test: {KILLS} SIGKILLs, {len(sent)} keys sent, {len(acked)} acknowledged, "
          f"{len(listed)} demands stored")
    assert len(acked) >= KILLS // 2, f"too few acknowledgements ({len(acked)})"
    for key, ident in acked.items():
        assert by_key.get(key) == [ident], f"acknowledged {key} -> {ident}: {by_key.get(key)}"
    assert all(len(v) == 1 for v in by_key.values())
    assert set(by_key) <= sent
    # nothing half there: every demand row has its event and every event its demand row,
    # and the served rates are the replay of the log
    conn = sqlite3.connect(db)
    try:
        events = [json.loads(e) for (e,) in conn.execute("SELECT event FROM events ORDER BY seq")]
        rows = dict(conn.execute("SELECT id, add_seq FROM demands"))
        (stored,) = conn.execute("SELECT value FROM meta WHERE key = 'allocation'").fetchone()
    finally:
        conn.close()
    assert sorted(e["id"] for e in events) == sorted(rows) == sorted(d["id"] for d in listed)
    # the served allocation is the stored one (whole, of the whole log), and it equals a
    # cold recomputation from the log
    assert all(d["allocation"] == "current" for d in listed)
    stored = json.loads(stored)
    assert stored["seq"] == len(events)
    kept = Allocation.from_dict(stored["allocation"])
    served = {d["id"]: d["rate"] for d in listed if d["status"] == "active"}
    assert served == kept.rates
    ctl, _ = rebuild(network_from_source({"suffix": ".json", "text": json.dumps(SMALL_NETWORK)}),
                     events)
    assert set(served) == set(ctl.allocation.rates)
    for k, rate in served.items():
        assert rate == pytest.approx(ctl.allocation.rates[k], rel=1e-9, abs=1e-12), k
