"""Benchmark of ``qinternet sweep`` (issue 13, item 7).

(a) 200 network-LP points (``bounds`` on seeded 100-node Gabriel graphs, 5 random pairs each):
    serial in process against a 2-worker ``LocalCluster`` in the same run; target >= 1.7x on
    the 2-core machine (cluster start-up reported apart; both sides warmed up first).
(b) Per-task overhead for trivial points (``channel`` pure-loss, about 0.2 ms each): serial,
    2 workers with automatic batches, and 2 workers with one point per task.

Run: ``.venv/bin/python benchmarks/bench_sweeps.py``; exits 1 if the target of (a) is missed.
The machine may be shared: the load average is printed with the results.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

from qinternet.sweeps import DaskExecutor, SerialExecutor, load, parse_spec, run_sweep

TARGET_SPEEDUP = 1.7


def lp_spec(points: int, first_seed: int = 0) -> object:
    return parse_spec({"computation": "bounds",
                       "parameters": {"seed": list(range(first_seed, first_seed + points))},
                       "fixed": {"topology": "gabriel", "nodes": 100, "random_pairs": 5}})


def trivial_spec(points: int) -> object:
    return parse_spec({"computation": "channel",
                       "parameters": {"transmissivity": [i / (points + 1)
                                                         for i in range(1, points + 1)]},
                       "fixed": {"model": "pure-loss"}})


def cpu_seconds(executor: object) -> float:
    """CPU time consumed so far by whatever computes: this process, or the dask workers."""
    if isinstance(executor, DaskExecutor):
        return float(sum(executor.client.run(time.process_time).values()))
    return time.process_time()


def timed(spec: object, executor: object, folder: Path, batch_size: int | None = None
          ) -> tuple[float, float, int, float]:
    """(elapsed s, summed per-point wall s, tasks, CPU s of the computing processes)."""
    cpu = cpu_seconds(executor)
    start = time.perf_counter()
    summary = run_sweep(spec, folder, executor=executor, batch_size=batch_size)  # type: ignore[arg-type]
    elapsed = time.perf_counter() - start
    cpu = cpu_seconds(executor) - cpu
    assert summary.errors == 0, load(folder)["error"].dropna().head()
    return elapsed, float(load(folder)["wall_time_s"].sum()), summary.batches, cpu


def main() -> int:
    root = Path(tempfile.mkdtemp(prefix="bench-sweeps-"))
    load_before = os.getloadavg()
    serial = SerialExecutor()
    timed(lp_spec(4, 10_000), serial, root / "warm-serial")
    t_serial, c_serial, _, cpu_serial = timed(lp_spec(200), serial, root / "lp-serial")
    start = time.perf_counter()
    with DaskExecutor(workers=2) as cluster:
        startup = time.perf_counter() - start
        timed(lp_spec(4, 10_000), cluster, root / "warm-dask")
        t_dask, c_dask, tasks, cpu_dask = timed(lp_spec(200), cluster, root / "lp-dask")
        n = 2000
        t_triv_serial, c_triv_serial, b1, _ = timed(trivial_spec(n), serial, root / "t-serial")
        t_triv_auto, c_triv_auto, b2, _ = timed(trivial_spec(n), cluster, root / "t-auto")
        m = 400
        t_triv_one, c_triv_one, b3, _ = timed(trivial_spec(m), cluster, root / "t-one", 1)
    load_after = os.getloadavg()
    speedup = t_serial / t_dask
    print(f"(a) 200 network-LP points: serial {t_serial:.2f} s, 2 workers {t_dask:.2f} s "
          f"({tasks} tasks) -> {speedup:.2f}x (target >= {TARGET_SPEEDUP}x); cluster start-up "
          f"{startup:.2f} s (with it: {t_serial / (t_dask + startup):.2f}x); compute "
          f"{c_serial:.2f} s serial, {c_dask:.2f} s summed on the workers")
    print(f"    CPU: serial {cpu_serial:.2f} s ({cpu_serial / t_serial:.2f} cores obtained), "
          f"workers {cpu_dask:.2f} s ({cpu_dask / t_dask:.2f} cores obtained); CPU per point "
          f"{5 * cpu_serial:.1f} ms serial, {5 * cpu_dask:.1f} ms on the workers: on 2 free "
          f"cores the speed-up would be about {2 * cpu_serial / cpu_dask:.2f}x")
    print(f"(b) trivial points: serial {1e3 * t_triv_serial / n:.3f} ms/point "
          f"(compute {1e3 * c_triv_serial / n:.3f} ms, {b1} files); 2 workers, automatic "
          f"batches ({b2} tasks): {1e3 * t_triv_auto / n:.3f} ms/point, overhead "
          f"{1e3 * (2 * t_triv_auto - c_triv_auto) / b2:.1f} ms per task; 2 workers, one point "
          f"per task: {1e3 * t_triv_one / m:.2f} ms/point, overhead "
          f"{1e3 * (2 * t_triv_one - c_triv_one) / b3:.1f} ms per task")
    print(f"load average before {load_before[0]:.2f}, after {load_after[0]:.2f} "
          f"({os.cpu_count()} cores)")
    if speedup < TARGET_SPEEDUP:
        print(f"MISSED: speed-up {speedup:.2f}x < {TARGET_SPEEDUP}x")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
