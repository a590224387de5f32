"""Benchmark of the network LP layer (issue 3, item 7 (b) and (c)).

(b) max-min (WORST) lower bound for 100 pairs on a 1 000-node WAN-like graph (seeded random
    Gabriel graph, pure-loss fibre links, PLOB capacities) in <= 10 s; baseline: the naive
    node-arc multicommodity LP through scipy's HiGHS on a smaller instance, equal values to 1e-6.
(c) GHZ lower bound (Steiner-tree packing, exact Dreyfus-Wagner pricing) on a 200-node graph with
    6 terminals: exact LP optimum in <= 10 s.

Run: ``.venv/bin/python benchmarks/bench_networks_lp.py``; exits 1 if a target is missed.
"""

from __future__ import annotations

import sys
import time

import numpy as np
from scipy.spatial import Delaunay, cKDTree

from qinternet.channels.capacities import plob_bound
from qinternet.networks.lp import LinkArrays, lower_bound, multicommodity_flow_lp, upper_bound
from qinternet.networks.usage import Usage
from qinternet.units import fibre_transmissivity

REPEATS = 3


def gabriel_network(num_nodes: int, seed: int, side_km: float) -> LinkArrays:
    """Seeded random Gabriel graph in a square of ``side_km``; PLOB capacities of the fibres."""
    rng = np.random.default_rng(seed)
    pts = rng.uniform(0.0, side_km, size=(num_nodes, 2))
    tri = Delaunay(pts)
    edges = set()
    for simplex in tri.simplices:
        for a, b in ((0, 1), (1, 2), (0, 2)):
            u, v = sorted((int(simplex[a]), int(simplex[b])))
            edges.add((u, v))
    arr = np.array(sorted(edges))
    mid = 0.5 * (pts[arr[:, 0]] + pts[arr[:, 1]])
    radius = 0.5 * np.linalg.norm(pts[arr[:, 0]] - pts[arr[:, 1]], axis=1)
    dist, _ = cKDTree(pts).query(mid, k=1)
    keep = dist >= radius * (1 - 1e-12)
    arr = arr[keep]
    length = 2 * radius[keep]
    cap = plob_bound(fibre_transmissivity(length))
    return LinkArrays(num_nodes=num_nodes, tail=arr[:, 0].astype(np.int64),
                      head=arr[:, 1].astype(np.int64), capacity=np.asarray(cap, dtype=float))


def random_pairs(num_nodes: int, k: int, seed: int) -> list[tuple[int, int]]:
    rng = np.random.default_rng(seed + 1)
    out: set[tuple[int, int]] = set()
    while len(out) < k:
        a, b = (int(x) for x in rng.choice(num_nodes, size=2, replace=False))
        out.add((a, b))
    return sorted(out)


def timed(fn, repeats: int = REPEATS):  # type: ignore[no-untyped-def]
    best = float("inf")
    result = None
    for _ in range(repeats):
        t = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t)
    return best, result


def main() -> int:
    ok = True
    rows = []
    # (b) baseline instance where the naive LP finishes
    links_s = gabriel_network(500, seed=7, side_km=4000.0)
    pairs_s = random_pairs(500, 50, seed=7)
    t_cg_s, cg_s = timed(lambda: lower_bound(links_s, pairs_s, Usage.flooding()))
    t_na_s, na_s = timed(lambda: multicommodity_flow_lp(links_s, pairs_s, Usage.flooding()), 1)
    rel = abs(cg_s.value - na_s.value) / max(abs(na_s.value), 1e-300)
    rows.append(("(b) 500 nodes / 50 pairs WORST: column generation", t_cg_s, cg_s.value, ""))
    rows.append(("(b) 500 nodes / 50 pairs WORST: naive node-arc LP", t_na_s, na_s.value,
                 f"speed-up {t_na_s / t_cg_s:.1f}x, rel diff {rel:.1e}"))
    ok &= rel <= 1e-6
    # (b) target instance
    links_b = gabriel_network(1000, seed=11, side_km=6000.0)
    pairs_b = random_pairs(1000, 100, seed=11)
    t_b, sol_b = timed(lambda: lower_bound(links_b, pairs_b, Usage.flooding()))
    rows.append(("(b) 1000 nodes / 100 pairs WORST: lower bound", t_b, sol_b.value,
                 f"{sol_b.iterations} rounds, target <= 10 s"))
    ok &= t_b <= 10.0 and sol_b.lp_optimal
    links_d = gabriel_network(1000, seed=3, side_km=1000.0)  # short, high-capacity links
    pairs_d = random_pairs(1000, 100, seed=3)
    t_d, sol_d = timed(lambda: lower_bound(links_d, pairs_d, Usage.flooding()), 1)
    rows.append(("(b, info) 1000 nodes in 1000 km / 100 pairs WORST: lower", t_d, sol_d.value,
                 f"{sol_d.iterations} rounds (denser capacities; not a target)"))
    t_bu, up_b = timed(lambda: upper_bound(links_b, pairs_b, Usage.flooding()), 1)
    rows.append(("(b') 1000 nodes / 100 pairs WORST: upper bound (relaxation)", t_bu, up_b.value,
                 "lower <= upper: " + str(sol_b.value <= up_b.value * (1 + 1e-9))))
    ok &= sol_b.value <= up_b.value * (1 + 1e-9)
    # (c) GHZ
    links_c = gabriel_network(200, seed=5, side_km=1500.0)
    rng = np.random.default_rng(5)
    group = tuple(int(x) for x in rng.choice(200, size=6, replace=False))
    t_c, sol_c = timed(lambda: lower_bound(links_c, [group], Usage.flooding()))
    rows.append(("(c) 200 nodes, GHZ 6 terminals: tree packing (exact DW)", t_c, sol_c.value,
                 f"{sol_c.iterations} rounds, lp_optimal={sol_c.lp_optimal}, target <= 10 s"))
    ok &= t_c <= 10.0 and sol_c.lp_optimal
    width = max(len(r[0]) for r in rows)
    print(f"{'case':<{width}}  {'time_s':>8}  {'value (ebits/use)':>18}  notes")
    for name, t, v, note in rows:
        print(f"{name:<{width}}  {t:8.3f}  {v:18.10g}  {note}")
    print("targets met" if ok else "TARGET MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
