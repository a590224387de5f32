"""``computation = "controller"``: trace statistics of the routing controller (runs only where
:mod:`qinternet.controller` exists)."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("qinternet.controller")

from qinternet.sweeps import load, parse_spec, run_sweep

TIMINGS = ["wall_time_s", "latency_ms_p50", "latency_ms_p99", "latency_ms_max"]


def test_controller_statistics_over_seeded_traces(tmp_path: Path) -> None:
    spec = parse_spec({"computation": "controller",
                       "parameters": {"seed": [0, 1], "policy": ["maxmin", "throughput"]},
                       "fixed": {"topology": "gabriel", "nodes": 12, "area_km": 200,
                                 "events": 30, "demands": 6}})
    summary = run_sweep(spec, tmp_path / "a")
    frame = load(tmp_path / "a")
    assert summary.ok == len(frame) == 4, frame["error"].tolist()
    events = frame[["admitted", "rejected", "degraded", "applied"]].sum(axis=1)
    assert (events <= 30).all() and (frame["admitted"] >= 1).all()
    assert ((frame["jain_index"] > 0) & (frame["jain_index"] <= 1 + 1e-9)).all()
    assert (frame["objective_ebits_per_use"]
            <= frame["objective_upper_bound_ebits_per_use"] * (1 + 1e-9) + 1e-12).all()
    assert (frame["latency_ms_max"] >= frame["latency_ms_p50"]).all()
    run_sweep(spec, tmp_path / "b")  # same seeds, same statistics (timings aside)
    assert load(tmp_path / "b").drop(columns=TIMINGS).equals(frame.drop(columns=TIMINGS))
