"""Benchmark of the CAL19 twin-field key rate (issue 4, item 5).

Target: an optimised CAL19 curve (alpha^2 optimised per point, infinite decoys, S = 8) of 100
distances (5 .. 500 km at 0.2 dB/km, f = 1.16, pd = 1e-8, 2 % misalignment) in <= 2 s through
``tf_cal19.SPEC.evaluate`` (the CLI path).

Baseline, same run, same grid: a straightforward per-point implementation in pure Python (math
module loops for the yields, cat sums and phase-error bound; a 40-point log grid plus
``scipy.optimize.minimize_scalar(method="bounded")`` per point; no vectorisation, no warm start).
Both must agree to rel 1e-4 on every positive rate (the optimum is flat, so optimiser tolerances
move the rate by far less). Finite decoys {0, 0.02, 0.1, 0.5} (S = 6) are timed too, against a
baseline of one ``linprog`` call per target yield on every 10th grid point (time extrapolated to
100 points); the FK-v0 finite key (N = 1e12) is timed per point for information (no target).
The fast routes are timed best of 3 (the machine is shared).

Run: ``.venv/bin/python benchmarks/bench_qkd_cal19.py``; exits 1 if the 2 s target is missed or
the two routes disagree.
"""

from __future__ import annotations

import math
import sys
import time

import numpy as np
from scipy.optimize import linprog, minimize_scalar
from scipy.stats import poisson

from qinternet.qkd._cal19_model import z_basis_gain
from qinternet.qkd.options import KeyRateOptions
from qinternet.qkd.tf_cal19 import SPEC, Cal19Device, cal19_key_rate

TARGET_S = 2.0
REPEATS = 3
DISTANCES_KM = np.linspace(5.0, 500.0, 100)
DECOYS = (0.0, 0.02, 0.1, 0.5)
PD, MIS, F = 1e-8, 0.02, 1.16


def h2(x: float) -> float:
    if x <= 0.0 or x >= 1.0:
        return 0.0
    return -x * math.log2(x) - (1.0 - x) * math.log2(1.0 - x)


def scalar_yields(eta: float, s: int, cos_theta: float, pd: float) -> list[list[float]]:
    t = math.sqrt(eta)
    pc = [[sum(math.comb(a, j) * math.comb(b, j) * cos_theta ** (2 * j)
               for j in range(min(a, b) + 1)) / 2.0 ** (a + b) for b in range(s + 1)]
          for a in range(s + 1)]
    out = [[0.0] * (s + 1) for _ in range(s + 1)]
    for na in range(s + 1):
        for nb in range(s + 1):
            acc = pd * (1.0 - t) ** (na + nb)
            for ka in range(na + 1):
                ba = math.comb(na, ka) * t ** ka * (1.0 - t) ** (na - ka)
                for kb in range(nb + 1):
                    if ka == 0 and kb == 0:
                        continue
                    acc += ba * math.comb(nb, kb) * t ** kb * (1.0 - t) ** (nb - kb) * pc[ka][kb]
            out[na][nb] = (1.0 - pd) * acc
    return out


def scalar_rate(eta: float, a2: float, y: list[list[float]], omega: float, pd: float,
                f: float) -> float:
    g = math.sqrt(eta) * a2
    gain = (1 - pd) * math.exp(-g) * (math.cosh(g * omega) - (1 - pd) * math.exp(-g))
    em, ep, e1 = math.exp(-g * omega), math.exp(g * omega), (1 - pd) * math.exp(-g)
    ex = (em - e1) / (em + ep - 2 * e1)
    c = [math.exp(-a2 / 2 + n * math.log(a2) / 2 - math.lgamma(n + 1) / 2) for n in range(120)]
    s = len(y) - 1
    total = 0.0
    for j in (0, 1):
        full = sum(c[n] for n in range(j, 120, 2))
        inner = covered = 0.0
        for na in range(j, s + 1, 2):
            for nb in range(j, s + 1, 2):
                inner += c[na] * c[nb] * math.sqrt(y[na][nb])
                covered += c[na] * c[nb]
        total += (inner + full * full - covered) ** 2
    ez = min(total / gain, 0.5)
    return max(2 * gain * (1 - h2(ez) - f * h2(ex)), 0.0)


def baseline_point(eta: float, y: list[list[float]]) -> float:
    omega = 1.0 - 2.0 * MIS
    grid = np.geomspace(0.005, 0.3, 40)
    vals = [scalar_rate(eta, float(a), y, omega, PD, F) for a in grid]
    i = int(np.argmax(vals))
    lo, hi = math.log(grid[max(i - 1, 0)]), math.log(grid[min(i + 1, 39)])
    res = minimize_scalar(lambda u: -scalar_rate(eta, math.exp(u), y, omega, PD, F),
                          bounds=(lo, hi), method="bounded", options={"xatol": 1e-8})
    return max(-float(res.fun), vals[i])


def lp_yields_per_target(eta: float, s: int) -> list[list[float]]:
    """One linprog per target (the straightforward route), rows scaled by their gain."""
    dev = Cal19Device(dark_count_probability=PD, polarisation_misalignment=MIS)
    mu = np.array(DECOYS)
    n = np.arange(s + 1)
    p = np.where(mu[:, None] == 0, (n == 0).astype(float), poisson.pmf(n, mu[:, None]))
    rows = np.einsum("ai,bj->abij", p, p).reshape(len(mu) ** 2, -1)
    g = z_basis_gain(eta, mu[:, None], mu[None, :], dev).ravel()
    tail = 1.0 - np.outer(p.sum(1), p.sum(1)).ravel()
    low = g - tail
    a_ub = np.vstack([rows / g[:, None], -rows[low > 0] / g[low > 0, None]])
    b_ub = np.concatenate([np.full(g.size, 1 + 1e-9), -low[low > 0] * (1 - 1e-9) / g[low > 0]])
    out = [[1.0] * (s + 1) for _ in range(s + 1)]
    for na in range(s + 1):
        for nb in range(na % 2, s + 1, 2):
            cost = np.zeros((s + 1) ** 2)
            cost[na * (s + 1) + nb] = -1.0
            res = linprog(cost, A_ub=a_ub, b_ub=b_ub, bounds=(0, 1), method="highs")
            if res.status != 0:
                raise RuntimeError(res.message)
            out[na][nb] = -float(res.fun)
    return out


def main() -> int:
    eta = 10.0 ** (-0.2 * DISTANCES_KM / 10.0)
    opts = KeyRateOptions()
    SPEC.evaluate(eta[:3], opts)  # import/JIT-free warm-up of numpy/scipy code paths

    t_fast = t_lib = math.inf
    for _ in range(REPEATS):  # best of REPEATS: the machine is shared
        t0 = time.perf_counter()
        fast = SPEC.evaluate(eta, opts)
        t_fast = min(t_fast, time.perf_counter() - t0)
        t0 = time.perf_counter()
        lib = cal19_key_rate(eta)
        t_lib = min(t_lib, time.perf_counter() - t0)
    fast_rates = np.array([r.key_rate_bits_per_pulse for r in fast])

    t0 = time.perf_counter()
    base_rates = np.array([baseline_point(float(e), scalar_yields(float(e), 8, 1 - 2 * MIS, PD))
                           for e in eta])
    t_base = time.perf_counter() - t0

    pos = base_rates > 0
    rel = np.abs(fast_rates[pos] - base_rates[pos]) / base_rates[pos]
    agree = bool(np.all(rel <= 1e-4)) and bool(np.all(fast_rates[~pos] <= 1e-12))
    agree = agree and bool(np.allclose(lib.key_rate_bits_per_pulse, fast_rates, rtol=1e-12))

    dec_opts = KeyRateOptions(decoys=DECOYS)
    t0 = time.perf_counter()
    fast_lp = SPEC.evaluate(eta, dec_opts)
    t_lp = time.perf_counter() - t0
    sub = slice(0, None, 10)
    t0 = time.perf_counter()
    base_lp = []
    for e in eta[sub]:
        y = lp_yields_per_target(float(e), 6)
        base_lp.append(baseline_point(float(e), y))
    t_lp_base = (time.perf_counter() - t0) * (eta.size / eta[sub].size)
    lp_fast = np.array([r.key_rate_bits_per_pulse for r in fast_lp])[sub]
    lp_base = np.array(base_lp)
    lp_pos = lp_base > 0
    lp_rel = np.abs(lp_fast[lp_pos] - lp_base[lp_pos]) / lp_base[lp_pos]
    agree_lp = bool(np.all(lp_rel <= 1e-4)) and bool(np.all(lp_fast[~lp_pos] <= 1e-12))

    fk_eta = eta[20:70:10]
    t0 = time.perf_counter()
    SPEC.evaluate(fk_eta, KeyRateOptions(pulses=1e12))
    t_fk = (time.perf_counter() - t0) / fk_eta.size

    print("CAL19 optimised curve, 100 distances 5-500 km (alpha^2 optimised per point)")
    print(f"{'route':<48}{'time [s]':>10}{'ratio':>10}")
    print(f"{'infinite decoys: SPEC.evaluate (vectorised)':<48}{t_fast:>10.3f}{1.0:>10.1f}")
    print(f"{'infinite decoys: cal19_key_rate (library)':<48}{t_lib:>10.3f}"
          f"{t_lib / t_fast:>10.1f}")
    print(f"{'infinite decoys: per-point pure-Python baseline':<48}{t_base:>10.3f}"
          f"{t_base / t_fast:>10.1f}")
    print(f"{'issue 4 reference: 0.17 s/point x 100':<48}{17.0:>10.3f}{17.0 / t_fast:>10.1f}")
    print(f"{'finite decoys (4): SPEC.evaluate (block LP)':<48}{t_lp:>10.3f}{1.0:>10.1f}")
    print(f"{'finite decoys (4): one LP per target (extrap.)':<48}{t_lp_base:>10.3f}"
          f"{t_lp_base / t_lp:>10.1f}")
    print(f"{'FK-v0 finite key N = 1e12 (p_X, alpha^2 opt.) /pt':<48}{t_fk:>10.3f}{'-':>10}")
    print(f"max rel. difference, infinite decoys: {rel.max():.2e} over {pos.sum()} points;"
          f" finite decoys: {lp_rel.max():.2e} over {lp_pos.sum()} points")
    ok = t_fast <= TARGET_S and agree and agree_lp
    print(f"target {TARGET_S} s for 100 distances: {'met' if t_fast <= TARGET_S else 'MISSED'};"
          f" rates agree: {agree and agree_lp}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
