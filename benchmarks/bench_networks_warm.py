"""Benchmark of the warm incremental LPs (network-LP issue, item 6).

500-node Gabriel WAN (seeded, pure-loss fibre, PLOB capacities; upper values 1.3x the lower
ones), 100 pairs, max-min (`worst`), flooding. After a cold build of ``RouteMaster`` (lower) and
``CutPool`` (upper), 40 random single-link changes (down, halved, restored); after each, both
bounds are re-solved warm. Baseline in the same run: the cold ``lower_bound`` and
``upper_bound`` calls of the same state. Warm lower values are checked against the cold ones
(equal to 1e-9); the warm upper value is a certified bound >= the warm lower one.

Run: ``.venv/bin/python benchmarks/bench_networks_warm.py``. Timings are printed, not asserted;
exits 1 if a warm value disagrees with its cold solve.
"""

from __future__ import annotations

import sys
import time

import numpy as np

from qinternet.networks.lp import CutPool, RouteMaster, lower_bound, upper_bound
from qinternet.networks.usage import Usage

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from bench_networks_lp import gabriel_network, random_pairs

CHANGES = 40


def main() -> int:
    links = gabriel_network(500, seed=7, side_km=2000.0)
    pairs = random_pairs(500, 100, seed=7)
    up = links.capacity * 1.3
    level = {i: 1.0 for i in range(len(pairs))}
    t = time.perf_counter()
    rm = RouteMaster(links.num_nodes, links.tail, links.head, links.capacity)
    cp = CutPool(links.num_nodes, links.tail, links.head, up)
    for i, p in enumerate(pairs):
        rm.add_demand(i, p)
        cp.add_demand(i, p)
    rm.solve(level=level)
    cp.solve(level=level)
    build_s = time.perf_counter() - t
    rng = np.random.default_rng(1)
    lower = links.capacity.copy()
    upper = up.copy()
    warm_ms: list[float] = []
    cold_ms: list[float] = []
    worst = 0.0
    ok = True
    for _ in range(CHANGES):
        e = int(rng.integers(links.num_links))
        f = float(rng.choice([0.0, 0.5, 1.0]))
        lower[e] = links.capacity[e] * f
        upper[e] = up[e] * f
        t = time.perf_counter()
        rm.set_capacity([e], [lower[e]])
        cp.set_capacity([e], [upper[e]])
        low = rm.solve(level=level, routes=False).level
        high = cp.solve(level=level).value
        warm_ms.append((time.perf_counter() - t) * 1e3)
        t = time.perf_counter()
        cold_low = lower_bound(links.with_capacity(lower), pairs, Usage.flooding()).value
        cold_high = upper_bound(links.with_capacity(upper), pairs, Usage.flooding()).value
        cold_ms.append((time.perf_counter() - t) * 1e3)
        worst = max(worst, abs(low - cold_low) / max(cold_low, 1e-300))
        if high < low * (1 - 1e-9) or worst > 1e-9:
            ok = False
        del cold_high
    ratio = [c / w for w, c in zip(warm_ms, cold_ms, strict=True)]
    print("warm incremental LPs: 500-node Gabriel WAN, 100 pairs, worst, flooding, "
          f"{CHANGES} single-link changes")
    print(f"  cold build (both bounds): {build_s:.2f} s")
    print(f"  warm re-solve, both bounds: p50 {np.percentile(warm_ms, 50):.1f} ms, p90 "
          f"{np.percentile(warm_ms, 90):.1f} ms, max {max(warm_ms):.1f} ms (target <= 30 ms)")
    print(f"  cold lower_bound + upper_bound of the same state: p50 "
          f"{np.percentile(cold_ms, 50):.0f} ms; cold/warm ratio p50 {np.median(ratio):.1f}x")
    print(f"  warm lower = cold lower to {worst:.1e} (relative)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
