"""Benchmark of the exact repeater-chain algorithm (issue 5, item 7).

Targets: 8 segments (3 levels) with per-level cut-offs and truncation T = 2*10^4 in <= 50 ms,
and at least 100x faster than a 10^6-sample Monte Carlo of the same chain (same process).
Chain: p_gen = 0.1, p_swap = 0.5, w0 = 0.98, link coherence time 400 steps, cut-offs (16, 31, 55)
(repeaters.json K6 / MC-5). Also reports the agreement of the two methods.

Run: ``.venv/bin/python benchmarks/bench_repeaters.py [--samples N]``; exits 1 if a target is
missed.
"""

from __future__ import annotations

import argparse
import sys
import time

from qinternet.repeaters import NestedChain, analyze_chain, sample_nested_chain

TARGET_EXACT_S = 0.050
TARGET_RATIO = 100.0
TRUNCATION = 20_000
REPEATS = 7


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--samples", type=int, default=1_000_000,
                        help="Monte Carlo samples (default 10^6, the issue's baseline).")
    args = parser.parse_args()
    chain = NestedChain(levels=3, p_gen=0.1, p_swap=0.5, werner_w0=0.98,
                        coherence_time_steps=400.0, cutoff_steps=(16, 31, 55))
    analyze_chain(chain, truncation_steps=TRUNCATION)  # warm-up (imports, FFT plans)
    times = []
    for _ in range(REPEATS):
        t0 = time.perf_counter()
        exact = analyze_chain(chain, truncation_steps=TRUNCATION)
        times.append(time.perf_counter() - t0)
    t_exact = min(times)
    t0 = time.perf_counter()
    mc = sample_nested_chain(chain, args.samples, seed=20260101)
    t_mc = time.perf_counter() - t0
    ratio = t_mc / t_exact
    z_t = (mc.mean_waiting_time_steps - exact.mean_waiting_time_steps) / (
        mc.waiting_time_std_error_steps)
    z_w = (mc.mean_werner - exact.mean_werner) / mc.werner_std_error

    print("Nested chain, 8 segments, cut-offs (16, 31, 55), t_coh 400, T = 2e4")
    print(f"{'method':<34}{'time (s)':>12}{'E[T] (steps)':>16}{'W':>12}")
    print(f"{'exact (FFT + O(T) join), best of 7':<34}{t_exact:>12.4f}"
          f"{exact.mean_waiting_time_steps:>16.4f}{exact.mean_werner:>12.6f}")
    print(f"{f'Monte Carlo, {args.samples:.0e} samples':<34}{t_mc:>12.3f}"
          f"{mc.mean_waiting_time_steps:>16.4f}{mc.mean_werner:>12.6f}")
    print(f"coverage {exact.coverage:.15f}; MC - exact: {z_t:+.2f} sigma (E[T]), "
          f"{z_w:+.2f} sigma (W)")
    print(f"speed-up exact vs Monte Carlo: {ratio:.0f}x (target >= {TARGET_RATIO:.0f}x); "
          f"exact time {1e3 * t_exact:.1f} ms (target <= {1e3 * TARGET_EXACT_S:.0f} ms)")
    ok = True
    if t_exact > TARGET_EXACT_S:
        print("FAIL: exact algorithm slower than 50 ms")
        ok = False
    if args.samples >= 1_000_000 and ratio < TARGET_RATIO:
        print("FAIL: speed-up below 100x")
        ok = False
    if abs(z_t) > 5 or abs(z_w) > 5:
        print("FAIL: Monte Carlo and exact differ by more than 5 sigma")
        ok = False
    print("OK" if ok else "TARGET MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
