"""The controller on real backbones: random traces, warm allocation = cold solve at every event.

For each topohub backbone (0.2 dB/km pure-loss fibre, capacities spanning tens of decades), a
seeded random trace (arrivals with floors and groups, departures, failures, degradations) is run
through one :class:`~qinternet.controller.Controller`; after every event a cold engine in the
same state (``Controller.cold_copy()``) is solved from scratch and the rates compared.

Run: ``.venv/bin/python benchmarks/controller_backbones.py [--events N] [--seeds K]``.
Prints one line per trace (latency p50/max, levels reused, largest difference relative to each
demand's rate and to what the LP resolves); exits 1 when a difference exceeds what the LP resolves
for that demand: 1e-6 of its own scale (its widest-path rate), or 1e-7 of the nominal capacity
of the widest full link (HiGHS' 1e-9 tolerance on that link's row, times 100 for the rows a
route crosses: an absolute resolution, below which rates of demands sharing links with far
larger ones are round-off).
"""

from __future__ import annotations

import argparse
import sys

import numpy as np

from qinternet.controller import Controller, random_trace
from qinternet.networks import load_network

NETWORKS = (
    "topohub:sndlib/abilene", "topohub:sndlib/geant", "topohub:sndlib/cost266",
    "topohub:sndlib/germany50", "topohub:sndlib/nobel-eu", "topohub:sndlib/janos-us",
    "topohub:topozoo/Surfnet", "topohub:topozoo/Ulaknet", "topohub:topozoo/TataNld",
    "topohub:caida/2024-08/9498", "topohub:backbone/europe",
)


#: HiGHS' feasibility tolerance (1e-9) on a link row scaled by the link's nominal capacity,
#: times 100: the slack of every row on a route adds up (routes on backbone/europe run over
#: 50-100 links; measured there: 1.01e-8 of the widest full link).
_RESOLVE = 1e-7


def run(name: str, seed: int, events: int) -> tuple[bool, str]:
    net = load_network(name)
    demands = 10 + seed * 5
    trace = random_trace(net, demands + events, seed=seed, demands=demands,
                         group_fraction=0.1)
    ctl = Controller(net)
    ms: list[float] = []
    reused = 0
    worst_rel = worst_scaled = 0.0
    rates = below = 0
    for ev in trace:
        d = ctl.apply_dict(ev)
        ms.append(d.solve_ms)
        reused += d.levels_reused
        cold = ctl.cold_copy()
        big = max(d.allocation.rates.values(), default=0.0)
        full = [e for e in range(ctl.master.m)
                if min(a.link_utilisation[e] for a in (d.allocation, cold.allocation))
                >= 1.0 - 1e-6]
        floor = _RESOLVE * float(ctl.master.rho[full].max(initial=0.0))
        for k, r in d.allocation.rates.items():
            c = cold.allocation.rates[k]
            worst_rel = max(worst_rel, abs(r - c) / max(abs(c), 1e-9 * big, 1e-300))
            # what the LP can resolve: 1e-6 of the demand's own scale, or HiGHS' 1e-9
            # feasibility tolerance (x100) on the row of the widest full link, scaled by its
            # nominal capacity: a link row holds its load only to that, and the slack moves
            # on, at the same absolute size, to every demand sharing links with the ones on
            # it (janos-us: a 2.5e-19 sliver on a link full at 2.3e-10 went to one pair or,
            # through it, to another)
            resolution = max(1e-6 * ctl.master.dscale[ctl.master.slot[k]], floor)
            rates += 1
            below += 0.0 < max(r, c) < floor
            worst_scaled = max(worst_scaled, abs(r - c) / resolution)
    ok = worst_scaled <= 1.0
    line = (f"{name:28s} seed {seed}: {len(trace)} events, p50 {np.percentile(ms, 50):6.1f} ms, "
            f"max {max(ms):7.1f} ms, levels reused {reused:4d}, warm-cold {worst_rel:.1e} of "
            f"the rate, {worst_scaled:.1e} of the resolution ({below} of {rates} positive rates "
            f"below it) {'ok' if ok else 'FAIL'}")
    return ok, line


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=40)
    parser.add_argument("--seeds", type=int, default=2)
    args = parser.parse_args()
    ok = True
    for name in NETWORKS:
        for seed in range(args.seeds):
            good, line = run(name, seed, args.events)
            ok &= good
            print(line, flush=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
