"""Worker run *inside the separate TNO venv* by ``compare_tno_qkd.py`` (never imports qinternet).

Reads one JSON object on stdin (detector parameters, losses in dB, which estimates to run) and
prints one JSON object: per estimate and loss, TNO's optimised rate, intensities and the wall
time of ``optimize_rate``.
"""

from __future__ import annotations

import json
import sys
import time
import warnings


def main() -> int:
    from tno.quantum.communication.qkd_key_rate.quantum import standard_detector
    from tno.quantum.communication.qkd_key_rate.quantum.bb84 import (
        BB84AsymptoticKeyRateEstimate,
        BB84FiniteKeyRateEstimate,
        BB84FullyAsymptoticKeyRateEstimate,
    )

    warnings.simplefilter("ignore")
    job = json.load(sys.stdin)
    det = standard_detector.customise(
        dark_count_rate=job["dark_count_rate"],
        polarization_drift=job["polarization_drift_rad"],
        efficiency_party=job["efficiency_bob"],
    )
    makers = {
        "infinite": lambda: BB84FullyAsymptoticKeyRateEstimate(detector=det),
        "two-decoy": lambda: BB84AsymptoticKeyRateEstimate(detector=det, number_of_decoy=2),
        "finite": lambda: BB84FiniteKeyRateEstimate(
            detector=det, number_of_pulses=int(job["pulses"]), number_of_decoy=2),
    }
    out: dict[str, list[dict[str, object]]] = {}
    for name in job["estimates"]:
        rows = []
        for loss_db in job["losses_db"]:
            estimate = makers[name]()
            t0 = time.perf_counter()
            try:
                x, rate = estimate.optimize_rate(attenuation=loss_db)
                mu = [float(v) for v in x["mu"]]
                error = None
            except Exception as exc:  # TNO raises ValueError/OptimizationError for no key
                rate, mu, error = 0.0, [], f"{type(exc).__name__}: {exc}"[:120]
            rows.append({"loss_db": loss_db, "rate": float(rate), "mu": mu,
                         "seconds": time.perf_counter() - t0, "error": error})
        out[name] = rows
    json.dump(out, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
