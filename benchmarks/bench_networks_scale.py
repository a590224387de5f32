"""Network LPs at scale (issue 8, item 5): CPU and wall time against the naive node-arc LP.

Shapes (seeded, pure-loss fibre at 0.2 dB/km, PLOB capacities, flooding):

- 10,000-node Gabriel WAN, 100 pairs, WORST (target <= 10 s CPU);
- 1,000-node random geometric graph of mean degree 10, 100 pairs, TOTAL (target <= 3 s CPU);
- the same with mean degree 20 (target <= 10 s CPU);
- 100 nodes / 10 pairs and 300 nodes / 30 pairs against the naive node-arc LP (scipy HiGHS) in
  the same run: the ratio must be >= 1 (never slower), and the values equal.

Prints one row per case with CPU and wall seconds, ratios and whether the target is met. Run:
``.venv/bin/python benchmarks/bench_networks_scale.py [--skip-dense]``.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from functools import partial
from typing import Any

import numpy as np
from scipy.spatial import cKDTree

from bench_networks_lp import gabriel_network, random_pairs
from qinternet.channels.capacities import plob_bound
from qinternet.networks.lp import LinkArrays, lower_bound, multicommodity_flow_lp, upper_bound
from qinternet.networks.usage import Usage
from qinternet.units import fibre_transmissivity

FLOODING = Usage.flooding()


def geometric_network(num_nodes: int, mean_degree: float, seed: int,
                      side_km: float = 2000.0) -> LinkArrays:
    """Seeded random geometric graph in a square: links between points closer than r."""
    rng = np.random.default_rng(seed)
    pts = rng.uniform(0.0, side_km, size=(num_nodes, 2))
    r = side_km * np.sqrt(mean_degree / (np.pi * num_nodes))
    arr = np.array(sorted(cKDTree(pts).query_pairs(r)))
    length = np.linalg.norm(pts[arr[:, 0]] - pts[arr[:, 1]], axis=1)
    cap = plob_bound(fibre_transmissivity(np.maximum(length, 1.0)))
    return LinkArrays(num_nodes=num_nodes, tail=arr[:, 0].astype(np.int64),
                      head=arr[:, 1].astype(np.int64), capacity=np.asarray(cap, dtype=float))


def timed(fn: Callable[[], Any]) -> tuple[float, float, Any]:
    cpu, wall = time.process_time(), time.perf_counter()
    out = fn()
    return time.process_time() - cpu, time.perf_counter() - wall, out


def main() -> int:
    skip_dense = "--skip-dense" in sys.argv
    rows: list[tuple[str, float, float, str]] = []
    cases: list[tuple[str, LinkArrays, list[tuple[int, int]], Any, float]] = [
        ("10,000-node Gabriel, 100 pairs, worst", gabriel_network(10000, 2, 20000.0),
         random_pairs(10000, 100, 2), "worst", 10.0),
        ("1,000-node RGG deg 10, 100 pairs, total", geometric_network(1000, 10, 1),
         random_pairs(1000, 100, 1), "total", 3.0),
    ]
    if not skip_dense:
        cases.append(("1,000-node RGG deg 20, 100 pairs, total", geometric_network(1000, 20, 1),
                      random_pairs(1000, 100, 1), "total", 10.0))
    for name, links, pairs, objective, target in cases:
        cpu, wall, low = timed(partial(lower_bound, links, pairs, FLOODING, objective=objective))
        ucpu, uwall, up = timed(partial(upper_bound, links, pairs, FLOODING,
                                        objective=objective, attained=low.value))
        rows.append((f"{name}: lower ({low.iterations} rounds)", cpu, wall,
                     f"target <= {target:g} s CPU: {'met' if cpu <= target else 'MISSED'}"))
        rows.append((f"{name}: upper ({up.method_name})", ucpu, uwall,
                     f"upper/lower = {up.value / low.value:.4g}"))
    for n, k, seed in ((100, 10, 4), (300, 30, 5)):
        links = geometric_network(n, 8, seed, side_km=800.0)
        pairs = random_pairs(n, k, seed)
        for objective in ("worst", "total"):
            cpu, wall, low = timed(partial(lower_bound, links, pairs, FLOODING,
                                           objective=objective))
            ncpu, _, naive = timed(partial(multicommodity_flow_lp, links, pairs, FLOODING,
                                           objective=objective))
            rel = abs(low.value - naive.value) / max(abs(naive.value), 1e-300)
            rows.append((f"{n} nodes / {k} pairs, {objective}: column generation", cpu, wall,
                         f"naive node-arc LP {ncpu:.3f} s CPU: ratio {ncpu / cpu:.2f}x "
                         f"(>= 1 wanted), rel diff {rel:.1e}"))
    width = max(len(r[0]) for r in rows)
    print(f"{'case':<{width}}  {'cpu_s':>8}  {'wall_s':>8}  notes")
    for name, cpu, wall, note in rows:
        print(f"{name:<{width}}  {cpu:8.3f}  {wall:8.3f}  {note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
