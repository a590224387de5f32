"""Load benchmark of the controller service (issue 11, item 6).

Starts ``qinternet serve`` on loopback (SQLite store in a temporary folder), loads a network
with standing demands, then C concurrent clients each send R ``POST /demands`` (random pairs,
best effort or with a small floor; each demand is cancelled by its client after it was
decided, so the active set stays near the standing demands). Reports throughput and the
p50/p99 latency of ``POST /demands`` and checks that no request was lost or duplicated
(every acknowledged idempotency key is stored exactly once).

Run: ``.venv/bin/python benchmarks/bench_service.py [--topology topohub:gabriel/500/0]
[--standing 100] [--clients 50] [--requests 200]``. The default is a quick configuration on
a 40-node network; the issue's configuration is
``--topology topohub:gabriel/500/0 --standing 100 --clients 50 --requests 200``. A POST is
answered after its admission decision and commit; the allocation follows in background rounds
(reported: rounds, events coalesced per round, time per round). Timings are printed, never
asserted; exits 1 if a request was lost or duplicated.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
import numpy as np


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _metric(text: str, name: str) -> float:
    for line in text.splitlines():
        if line.startswith(name + " ") or line.startswith(name + "{"):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--topology", default="topohub:gabriel/40/0")
    ap.add_argument("--standing", type=int, default=20)
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--requests", type=int, default=4)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--allocator", default="process", choices=("process", "thread"),
                    help="where the server runs its background reallocations")
    ap.add_argument("--think-ms", type=float, default=0.0,
                    help="mean think time of each client between requests (exponential; "
                    "0: closed loop, each client sends its next request at once)")
    args = ap.parse_args()

    from qinternet.service import Service, open_store
    from qinternet.service._models import DemandCreate
    from qinternet.service.server import topology_source

    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory(prefix="qinternet-bench-") as tmp:
        db = str(Path(tmp) / "bench.db")
        t0 = time.perf_counter()
        service = Service(open_store(db))
        _, op = service.create_client("ops", scope="operator")
        service.set_network(topology_source(args.topology))
        assert service.network is not None
        nodes = list(service.network.node_names)
        owner, _ = service.create_client("standing")
        for _ in range(args.standing):
            service.submit(owner, DemandCreate(endpoints=rng.sample(nodes, 2)), None)
        tokens = [service.create_client(f"c{i}")[1] for i in range(args.clients)]
        service.wait_allocated(timeout=3600)
        service.close()
        print(f"setup: {len(nodes)} nodes, {args.standing} standing demands, "
              f"{time.perf_counter() - t0:.1f} s")

        port = _free_port()
        url = f"http://127.0.0.1:{port}"
        t0 = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "qinternet.cli.main", "serve",
                                 "--db", db, "--port", str(port),
                                 "--allocator", args.allocator],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                env={**os.environ, "OPENBLAS_NUM_THREADS": "1"})
        try:
            while True:
                try:
                    if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    if proc.poll() is not None or time.perf_counter() - t0 > 3600:
                        print("server did not start")
                        return 1
                    time.sleep(0.1)
            print(f"server start (replay of the log): {time.perf_counter() - t0:.1f} s")
            latencies: list[float] = []
            warm: list[float] = []  # all but each client's first request (token verification)
            deletes: list[float] = []
            acked: dict[str, str] = {}
            errors: list[str] = []
            lock = threading.Lock()

            def client(i: int) -> None:
                r = random.Random(args.seed * 1000 + i)
                with httpx.Client(base_url=url, timeout=3600,
                                  headers={"Authorization": f"Bearer {tokens[i]}"}) as http:
                    for j in range(args.requests):
                        if args.think_ms > 0:
                            time.sleep(r.expovariate(1e3 / args.think_ms))
                        key = f"c{i}-{j}"
                        body = {"endpoints": r.sample(nodes, 2),
                                "floor": r.choice([0.0, 0.0, 1e-4])}
                        t = time.perf_counter()
                        resp = http.post("/demands", json=body,
                                         headers={"Idempotency-Key": key})
                        dt = time.perf_counter() - t
                        with lock:
                            if resp.status_code != 201:
                                errors.append(f"{resp.status_code} {resp.text[:100]}")
                                continue
                            latencies.append(dt)
                            if j > 0:
                                warm.append(dt)
                            acked[key] = resp.json()["id"]
                        t = time.perf_counter()
                        http.delete(f"/demands/{resp.json()['id']}")
                        with lock:
                            deletes.append(time.perf_counter() - t)

            t0 = time.perf_counter()
            threads = [threading.Thread(target=client, args=(i,)) for i in range(args.clients)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            wall = time.perf_counter() - t0
            t0 = time.perf_counter()
            stored = httpx.get(url + "/demands?wait=true",
                               headers={"Authorization": f"Bearer {op}"}, timeout=3600).json()
            settle = time.perf_counter() - t0
            metrics = httpx.get(url + "/metrics", headers={"Authorization": f"Bearer {op}"},
                                timeout=60).text
            rounds = _metric(metrics, "qinternet_reallocation_seconds_count")
            spent = _metric(metrics, "qinternet_reallocation_seconds_sum")
        finally:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
    ms = np.array(latencies) * 1e3
    total = args.clients * args.requests
    keys = [d["idempotency_key"] for d in stored if d["idempotency_key"] is not None]
    lost = [k for k in acked if k not in keys]
    dup = len(keys) - len(set(keys))
    print(f"{args.clients} clients x {args.requests} POST /demands (+ a DELETE each) on "
          f"{len(nodes)} nodes with {args.standing} standing demands"
          + (f", think time {args.think_ms:g} ms" if args.think_ms > 0 else ", closed loop")
          + f", {args.allocator} allocator")
    print(f"  POST /demands: p50 {np.percentile(ms, 50):.1f} ms, p99 "
          f"{np.percentile(ms, 99):.1f} ms, max {ms.max():.1f} ms")
    wm = np.array(warm) * 1e3
    if wm.size:
        print(f"  POST /demands after each client's first (its token verified once, scrypt): "
              f"p50 {np.percentile(wm, 50):.1f} ms, p99 {np.percentile(wm, 99):.1f} ms, "
              f"max {wm.max():.1f} ms")
    dm = np.array(deletes) * 1e3
    print(f"  DELETE /demands/ID: p50 {np.percentile(dm, 50):.1f} ms, p99 "
          f"{np.percentile(dm, 99):.1f} ms")
    print(f"  background reallocations: {rounds:.0f} rounds (coalescing "
          f"{2 * len(latencies) / max(rounds, 1):.1f} events each), mean "
          f"{1e3 * spent / max(rounds, 1):.0f} ms; allocation current {settle:.2f} s after "
          "the last request")
    print(f"  throughput: {2 * len(latencies) / wall:.1f} requests/s "
          f"({len(latencies) / wall:.1f} POST/s), wall {wall:.1f} s")
    print(f"  acknowledged {len(acked)}/{total}, errors {len(errors)}, lost {len(lost)}, "
          f"duplicated {dup}")
    for e in errors[:5]:
        print("  error:", e)
    return 1 if lost or dup or len(acked) != total else 0


if __name__ == "__main__":
    sys.exit(main())
