"""Benchmark: optimised finite decoy intensities (issue 15, item 1) against brute-force grids.

For each protocol the optimiser (``--decoys N``, warm-started along the curve) must reach at
least the best rate of a brute-force grid search over the same intensities (same run, same
points), and the script prints both times and their ratio:

- bb84-decoy, two decoys, 15 distances 0..140 km (GYS, 0.21 dB/km): grid of 40 signal x 12 weak
  decoy x 5 weakest-decoy values (2400 closed-form evaluations per point, vectorised);
- tf-cal19, vacuum + one decoy (``--decoys 2``), 3 losses 30/50/70 dB: grid of 12 decoys, each
  with alpha^2 optimised (12 LP evaluations per point);
- mdi, vacuum + one decoy, signal fixed at 0.4, 3 distances: grid of 12 decoys.

Run: ``.venv/bin/python benchmarks/bench_qkd_decoys.py``; exits 1 if an optimised rate is more
than 1e-9 (relative) below its grid's best.
"""

from __future__ import annotations

import itertools
import sys
import time

import numpy as np

from qinternet.qkd.bb84_decoy import bb84_key_rate_two_decoys
from qinternet.qkd.decoy_optimisation import bb84_optimised_two_decoys, cal19_optimised_decoys
from qinternet.qkd.mdi_decoys import mdi_key_rate_finite_decoys, mdi_optimised_decoys
from qinternet.qkd.tf_cal19 import cal19_key_rate


def bb84() -> tuple[float, float, float]:
    eta = 10.0 ** (-0.021 * np.arange(0.0, 141.0, 10.0))  # channel; eta_Bob 0.045 folded in
    t0 = time.perf_counter()
    opt = bb84_optimised_two_decoys(eta).key_rate_bits_per_pulse
    t_opt = time.perf_counter() - t0
    mus = np.geomspace(0.05, 1.2, 40)
    nu1s = np.geomspace(1e-4, 0.3, 12)
    t0 = time.perf_counter()
    best = np.zeros(eta.size)
    for nu1, frac in itertools.product(nu1s, (0.0, 0.01, 0.1, 0.3, 0.6)):
        nu2 = frac * nu1
        ok = mus > 1.0001 * (nu1 + nu2)
        rates = bb84_key_rate_two_decoys(eta[:, None], mus[ok][None, :], (nu1, nu2))
        best = np.maximum(best, rates.max(axis=1))
    t_grid = time.perf_counter() - t0
    return t_opt, t_grid, float(np.min(opt / np.where(best > 0, best, np.inf) - 1.0))


def cal19() -> tuple[float, float, float]:
    eta = 10.0 ** (-np.array([30.0, 50.0, 70.0]) / 10.0)
    t0 = time.perf_counter()
    curve, _ = cal19_optimised_decoys(eta, 2)
    t_opt = time.perf_counter() - t0
    t0 = time.perf_counter()
    best = np.zeros(eta.size)
    for v in np.geomspace(0.01, 1.0, 12):
        best = np.maximum(best, cal19_key_rate(eta, decoys=(0.0, float(v))).key_rate_bits_per_pulse)
    t_grid = time.perf_counter() - t0
    return t_opt, t_grid, float(np.min(curve.key_rate_bits_per_pulse / best - 1.0))


def mdi() -> tuple[float, float, float]:
    eta = 10.0 ** (-0.02 * np.array([0.0, 50.0, 100.0]))
    t0 = time.perf_counter()
    opt = np.array([r.key_rate_bits_per_pulse
                    for r in mdi_optimised_decoys(eta, 2, intensity=0.4)])
    t_opt = time.perf_counter() - t0
    t0 = time.perf_counter()
    best = np.array([max(mdi_key_rate_finite_decoys(float(e), 0.4, (0.0, float(v)))
                         .key_rate_bits_per_pulse for v in np.geomspace(1e-4, 0.3, 12))
                     for e in eta])
    t_grid = time.perf_counter() - t0
    return t_opt, t_grid, float(np.min(opt / best - 1.0))


def main() -> int:
    ok = True
    print(f"{'protocol':<12} {'optimised (s)':>14} {'grid (s)':>9} {'grid/opt':>9} "
          f"{'min(opt/grid - 1)':>18}")
    for name, run in (("bb84-decoy", bb84), ("tf-cal19", cal19), ("mdi", mdi)):
        t_opt, t_grid, gain = run()
        print(f"{name:<12} {t_opt:>14.3f} {t_grid:>9.3f} {t_grid / t_opt:>9.2f} {gain:>18.3e}")
        if gain < -1e-9:
            print(f"FAIL: {name} optimiser below its grid")
            ok = False
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
