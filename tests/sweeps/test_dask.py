"""Real dask.distributed runs on loopback: identical rows across backends, a worker killed
mid-run, the client killed mid-run (kill -9) and resumed."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import signal
import subprocess
import sys
import threading
import time
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.parquet as pq
import pytest
from distributed import Client, LocalCluster
from sweeps_helpers import BOUNDS_SPEC, comparable

from qinternet.cli.main import main
from qinternet.sweeps import DaskExecutor, load, parse_spec, run_sweep
from qinternet.sweeps._store import part_files

#: About 0.2 s per point on one core: long enough to kill something mid-run.
SLOW_SPEC = """
computation = "bounds"
[parameters]
seed = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23]
[fixed]
topology = "gabriel"
nodes = 200
random_pairs = 8
"""
SLOW_POINTS = 24


@pytest.fixture(scope="module")
def cluster() -> Iterator[LocalCluster]:
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=":0", worker_dashboard_address=None,
                      silence_logs=logging.ERROR) as local:
        yield local


@pytest.fixture(scope="module")
def slow_reference(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    out = tmp_path_factory.mktemp("slow-serial")
    run_sweep(parse_spec(tomllib.loads(SLOW_SPEC)), out)
    return comparable(load(out))


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, Any]:
    code = main(list(args))
    out, err = capsys.readouterr()
    assert code == 0, err
    data: dict[str, Any] = json.loads(out)
    return data


def test_serial_local_cluster_and_scheduler_give_identical_rows(
        tmp_path: Path, cluster: LocalCluster, capsys: pytest.CaptureFixture[str]) -> None:
    spec = tmp_path / "bounds.toml"
    spec.write_text(BOUNDS_SPEC)
    serial = cli(capsys, "sweep", str(spec), "--out", str(tmp_path / "serial"), "--json")
    local = cli(capsys, "sweep", str(spec), "--out", str(tmp_path / "local"), "--workers", "2",
                "--json")
    remote = cli(capsys, "sweep", str(spec), "--out", str(tmp_path / "remote"),
                 "--scheduler", cluster.scheduler_address, "--batch-size", "3", "--json")
    assert serial["executor"] == "serial, in process"
    assert local["executor"] == "local dask cluster, 2 workers"
    assert remote["executor"].startswith("dask scheduler tcp://127.0.0.1:")
    for summary in (serial, local, remote):
        assert (summary["points"], summary["ok"], summary["errors"]) == (20, 15, 5)
    reference = comparable(load(tmp_path / "serial"))
    for name in ("local", "remote"):
        pd.testing.assert_frame_equal(comparable(load(tmp_path / name)), reference)
    assert set(reference["status"]) == {"ok", "error"}


def test_a_worker_killed_mid_run_loses_nothing(tmp_path: Path, cluster: LocalCluster,
                                               slow_reference: pd.DataFrame) -> None:
    spec = parse_spec(tomllib.loads(SLOW_SPEC))
    started = threading.Event()
    outcome: dict[str, Any] = {}

    def progress(done: int, total: int) -> None:
        outcome["done"] = done
        if done >= 2:
            started.set()

    def sweep() -> None:
        try:
            outcome["summary"] = run_sweep(spec, tmp_path, batch_size=1, progress=progress,
                                           executor=DaskExecutor(
                                               scheduler=cluster.scheduler_address))
        except BaseException as err:  # pragma: no cover - reported below
            outcome["error"] = err
        finally:
            started.set()

    thread = threading.Thread(target=sweep)
    thread.start()
    assert started.wait(120)
    with Client(cluster.scheduler_address) as client:
        pids = client.run(os.getpid)
    done_at_kill = outcome["done"]
    os.kill(next(iter(pids.values())), signal.SIGKILL)
    thread.join(180)
    assert not thread.is_alive() and "error" not in outcome, outcome.get("error")
    assert done_at_kill < SLOW_POINTS
    summary = outcome["summary"]
    assert (summary.computed, summary.ok, summary.lost) == (SLOW_POINTS, SLOW_POINTS, 0)
    pd.testing.assert_frame_equal(comparable(load(tmp_path)), slow_reference)


def _wait_gone(pgid: int, timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.2)
    return False


def test_client_killed_mid_run_then_resumed(tmp_path: Path, slow_reference: pd.DataFrame,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    spec = tmp_path / "slow.toml"
    spec.write_text(SLOW_SPEC)
    out = tmp_path / "out"
    proc = subprocess.Popen(
        [sys.executable, "-m", "qinternet.cli.main", "sweep", str(spec), "--out", str(out),
         "--workers", "2", "--batch-size", "1", "--json"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while len(part_files(out)) < 2 and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(30)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)  # the cluster's processes, if any survived
        assert _wait_gone(proc.pid, 20), "processes of the killed sweep are still running"
        if proc.stderr:
            proc.stderr.close()
    written = part_files(out)
    assert 2 <= len(written) < SLOW_POINTS
    rows = sum(pq.read_table(p).num_rows for p in written)  # every part is a whole file
    assert rows == len(written)
    resumed = cli(capsys, "sweep", str(spec), "--out", str(out), "--resume", "--json")
    assert resumed["skipped"] == rows and resumed["computed"] == SLOW_POINTS - rows
    assert not list(out.glob(".tmp-*"))
    pd.testing.assert_frame_equal(comparable(load(out)), slow_reference)
