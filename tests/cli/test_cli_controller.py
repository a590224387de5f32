"""CLI contract of ``qinternet controller trace|run``: JSON keys, per-line errors, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qinternet.cli.main import main

TOPOLOGY = "topohub:sndlib/abilene"
EVENT_KEYS = {"op", "outcome", "reason", "solve_ms", "rates", "floors", "max_link_utilisation"}
OUTCOMES = {"admitted", "rejected_infeasible", "rejected_unroutable", "applied", "degraded"}


def _run(capsys: pytest.CaptureFixture[str], argv: list[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def trace(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    code, out, err = _run(capsys, ["controller", "trace", TOPOLOGY, "--events", "25",
                                   "--seed", "3", "--demands", "6"])
    assert code == 0, err
    lines = out.strip().splitlines()
    assert len(lines) == 25 and all(json.loads(x)["op"] for x in lines)
    path = tmp_path / "trace.jsonl"
    path.write_text(out)
    return path


def test_run_json_contract(trace: Path, capsys: pytest.CaptureFixture[str],
                           tmp_path: Path) -> None:
    plot = tmp_path / "rates.png"
    code, out, err = _run(capsys, ["controller", "run", TOPOLOGY, str(trace), "--json",
                                   "--plot", str(plot)])
    assert code == 0, err
    data = json.loads(out)
    assert data["unit"] == "ebits per network use" and data["policy"] == "maxmin"
    assert len(data["events"]) == 25
    for ev in data["events"]:
        assert set(ev) >= EVENT_KEYS
        assert ev["outcome"] in OUTCOMES
        for k, f in ev["floors"].items():
            assert ev["rates"][k] >= f * (1 - 1e-7)
        if ev["outcome"].startswith("rejected"):
            assert {"upper_bound", "counter_offer"} <= set(ev)
    summ = data["summary"]
    assert {"latency_ms_p50", "latency_ms_p99", "admitted", "rejected", "jain_index"} <= set(summ)
    assert summ["admitted"] == sum(ev["outcome"] == "admitted" for ev in data["events"])
    assert plot.stat().st_size > 0


def test_run_is_reproducible_and_throughput_policy(trace: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    first = json.loads(_run(capsys, ["controller", "run", TOPOLOGY, str(trace), "--json"])[1])
    again = json.loads(_run(capsys, ["controller", "run", TOPOLOGY, str(trace), "--json"])[1])
    assert [e["rates"] for e in first["events"]] == [e["rates"] for e in again["events"]]
    code, out, err = _run(capsys, ["controller", "run", TOPOLOGY, str(trace), "--policy",
                                   "throughput"])
    assert code == 0, err
    assert "latency p50" in out


@pytest.mark.parametrize(("line", "named"), [
    ("{not json", "line 2"),
    ('{"op": "add_demand", "id": "x", "endpoints": ["1", "Nowhere"]}', "line 2: endpoints"),
    ('{"op": "add_demand", "id": "x", "endpoints": ["1", "2"], "floor": -1}', "line 2: floor"),
    ('{"op": "degrade_link", "link": 0, "factor": 2}', "line 2: factor"),
    ('{"op": "link_down", "link": 999}', "line 2: link"),
    ('{"op": "fly"}', "line 2: op"),
])
def test_bad_trace_line_exits_2_naming_line_and_field(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], line: str, named: str) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"op": "add_demand", "id": "a", "endpoints": ["1", "2"]}\n' + line + "\n")
    code, out, err = _run(capsys, ["controller", "run", TOPOLOGY, str(path), "--json"])
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1 and named in err and "Traceback" not in err


def test_missing_trace_and_bad_policy(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(capsys, ["controller", "run", TOPOLOGY, str(tmp_path / "none.jsonl")])
    assert code == 2 and "TRACE" in err
    code, _, err = _run(capsys, ["controller", "run", TOPOLOGY, str(tmp_path / "x"), "--policy",
                                 "fifo"])
    assert code == 2 and "--policy" in err
