"""Benchmark (issue 14): heterogeneous chains against the nested algorithm, in the same run.

* Old cases: the nested 8-segment chain with cut-offs through the existing algorithm
  (``chain_distributions``, the baseline) and through the general tree algorithm
  (``link_distributions``); the ratio shows the cost of the generality.
* New case: 7 unequal segments (balanced and sequential trees) with memory, fidelity and
  run-time cut-offs at every level, T = 2e4 (target <= 100 ms).
Timings: best of 7. Not a pass/fail test.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from qinternet.repeaters.chain import NestedChain, chain_distributions
from qinternet.repeaters.general_chain import (
    ChainSegment,
    RepeaterChain,
    chain_from_nested,
    link_distributions,
)

T = 20_000
TARGET_S = 0.100


def best_of(fn: Callable[[], object], repeats: int = 7) -> float:
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def main() -> int:
    nested = NestedChain(levels=3, p_gen=0.1, p_swap=0.5, werner_w0=0.98,
                         coherence_time_steps=400, cutoff_steps=(16, 31, 55))
    general = chain_from_nested(nested)
    t_old = best_of(lambda: chain_distributions(nested, T))
    t_new = best_of(lambda: link_distributions(general, T))
    print(f"Old case: nested 8 segments, cut-offs (16, 31, 55), T = {T}")
    print(f"  baseline chain_distributions      {t_old * 1e3:8.1f} ms")
    print(f"  general link_distributions        {t_new * 1e3:8.1f} ms   ratio {t_new / t_old:.2f}")
    segs = tuple(ChainSegment(p_gen=p, werner_w0=w) for p, w in zip(
        [0.1, 0.2, 0.15, 0.3, 0.12, 0.25, 0.18], [0.99, 0.98, 0.99, 0.97, 0.99, 0.98, 0.99],
        strict=True))
    ok = True
    print(f"New case: 7 unequal segments, memory 40 + fidelity 0.6 + run-time 3000 cut-offs, "
          f"T = {T}")
    for order in ("balanced", "sequential"):
        chain = RepeaterChain(segments=segs, p_swap=0.6, coherence_time_steps=500.0,
                              swap_order=order, cutoff_steps=40, werner_cutoff=0.6,
                              run_time_cutoff_steps=3000)
        t = best_of(lambda chain=chain: link_distributions(chain, T))
        print(f"  {order:<10} ({chain.levels} levels)           {t * 1e3:8.1f} ms   "
              f"target <= {TARGET_S * 1e3:.0f} ms, ratio to target {t / TARGET_S:.2f}")
        ok = ok and t <= TARGET_S
    print("OK" if ok else "TARGET MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
