"""``GET /events`` on a real server: decision records as SSE, each client sees only its own."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import Any

import httpx
from _svc_helpers import SMALL_NETWORK, ServerProcess


def _read(url: str, headers: dict[str, str], decisions: int, allocations: int,
          out: list[dict[str, Any]], ready: threading.Event) -> None:
    """Collect records (``decision`` and ``allocation`` events, tagged by ``kind``) until
    ``decisions`` decisions and ``allocations`` allocation records arrived."""
    with httpx.stream("GET", url + "/events", headers=headers,
                      timeout=httpx.Timeout(20.0)) as r:
        kind = ""
        for line in r.iter_lines():
            if line.startswith("event:"):
                kind = line[6:].strip()
            elif line.startswith("data:"):
                if kind == "ready":
                    ready.set()
                elif kind in ("decision", "allocation"):
                    record = json.loads(line[5:])
                    assert record["kind"] == kind
                    out.append(record)
                n = [x["kind"] for x in out]
                if n.count("decision") >= decisions and n.count("allocation") >= allocations:
                    return


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
        for who, tok, n in (("op", op, 4), ("alice", ta, 2), ("bob", tb, 1)):
            ready = threading.Event()
            t = threading.Thread(target=_read, args=(
                server.url, {"Authorization": f"Bearer {tok}"}, n, 1, got[who], ready))
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
        decided = {who: [r for r in rs if r["kind"] == "decision"] for who, rs in got.items()}
        moved = {who: [r for r in rs if r["kind"] == "allocation"] for who, rs in got.items()}
        assert [r["demand"] for r in decided["op"]] == [d1.id, d2.id, d3.id, None]
        assert [r["outcome"] for r in decided["op"][:2]] == ["admitted",
                                                              "rejected_infeasible"]
        assert [r["seq"] for r in decided["op"]] == sorted(r["seq"] for r in decided["op"])
        assert [r["demand"] for r in decided["alice"]] == [d1.id, d2.id]
        for r in got["alice"]:
            assert set(r["rates"]) <= {d1.id, d2.id} and d3.id not in json.dumps(r)
        for r in got["bob"]:
            assert set(r["rates"]) <= {d3.id} and d1.id not in json.dumps(r)
        assert [r["demand"] for r in decided["bob"]] == [d3.id]
        # the background reallocations report the rates they moved, each to its owner only
        assert moved["alice"] and all(set(r["diff"]) <= {d1.id} for r in moved["alice"])
        assert moved["bob"] and any(d3.id in r["diff"] for r in moved["bob"])
        assert all(r["op"] == "reallocate" and r["demand"] is None for r in moved["op"])
        for c in (alice, bob):
            c.close()
        time.sleep(0.1)
