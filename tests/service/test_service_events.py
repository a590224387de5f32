"""``GET /events`` on a real server: decision records as SSE, each client sees only its own."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import Any

import httpx
from _svc_helpers import SMALL_NETWORK, ServerProcess


def _read(url: str, headers: dict[str, str], n: int, out: list[dict[str, Any]],
          ready: threading.Event) -> None:
    with httpx.stream("GET", url + f"/events?max_events={n}", headers=headers,
                      timeout=httpx.Timeout(20.0)) as r:
        kind = ""
        for line in r.iter_lines():
            if line.startswith("event:"):
                kind = line[6:].strip()
            elif line.startswith("data:"):
                if kind == "ready":
                    ready.set()
                elif kind == "decision":
                    out.append(json.loads(line[5:]))


def test_each_client_sees_only_its_own_records(tmp_path: Path) -> None:
    from qinternet.client import ControllerClient
    from qinternet.service import Service, open_store

    db = str(tmp_path / "events.db")
    service = Service(open_store(db))
    _, op = service.create_client("ops", scope="operator")
    _, ta = service.create_client("alice")
    _, tb = service.create_client("bob")
    service.set_network({"suffix": ".json", "text": json.dumps(SMALL_NETWORK)})
    service.store.close()
    with ServerProcess(db) as server:
        got: dict[str, list[dict[str, Any]]] = {"op": [], "alice": [], "bob": []}
        threads = []
        for who, tok, n in (("op", op, 4), ("alice", ta, 3), ("bob", tb, 1)):
            ready = threading.Event()
            t = threading.Thread(target=_read, args=(
                server.url, {"Authorization": f"Bearer {tok}"}, n, got[who], ready))
            t.start()
            assert ready.wait(10)
            threads.append(t)
        alice = ControllerClient(server.url, ta)
        bob = ControllerClient(server.url, tb)
        d1 = alice.submit(["A", "D"], floor=0.1)
        d2 = alice.submit(["A", "C"], floor=99.0)
        d3 = bob.submit(["B", "F"])  # moves alice's rate: alice sees it without bob's data
        ControllerClient(server.url, op).set_link(0, factor=0.8)
        for t in threads:
            t.join(20)
        assert not any(t.is_alive() for t in threads)
        assert [r["demand"] for r in got["op"]] == [d1.id, d2.id, d3.id, None]
        assert [r["outcome"] for r in got["op"][:2]] == ["admitted", "rejected_infeasible"]
        assert [r["demand"] for r in got["alice"]][:2] == [d1.id, d2.id]
        for r in got["alice"]:
            assert set(r["rates"]) <= {d1.id, d2.id} and d3.id not in json.dumps(r)
        assert [r["demand"] for r in got["bob"]] == [d3.id]
        assert set(got["bob"][0]["rates"]) == {d3.id}
        for c in (alice, bob):
            c.close()
        time.sleep(0.1)
