"""Serial runs: one row per point (failures included), resume, lost batches, loaders."""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

import pyarrow.parquet as pq
import pytest
from sweeps_helpers import BOUNDS_SPEC, comparable

from qinternet.channels import plob_bound
from qinternet.errors import InvalidParameterError
from qinternet.sweeps import load, parse_spec, run_sweep, to_xarray
from qinternet.sweeps._executors import Job, SerialExecutor
from qinternet.sweeps._store import MANIFEST, part_files


def channel_spec(transmissivities: Sequence[float]) -> Any:
    return parse_spec({"computation": "channel",
                       "parameters": {"transmissivity": list(transmissivities)},
                       "fixed": {"model": "pure-loss"}})


def test_channel_rows_match_the_library(tmp_path: Path) -> None:
    etas = [0.01, 0.1, 0.5, 0.9]
    summary = run_sweep(channel_spec(etas), tmp_path / "out")
    assert (summary.points, summary.computed, summary.ok, summary.errors) == (4, 4, 4, 0)
    frame = load(tmp_path / "out")
    assert list(frame["transmissivity"]) == etas
    for eta, upper in zip(etas, frame["upper_ebits_per_use"], strict=True):
        assert upper == pytest.approx(plob_bound(eta), rel=1e-12)
    assert set(frame["status"]) == {"ok"} and frame["error"].isna().all()
    assert (frame["wall_time_s"] > 0).all()
    assert set(frame["qinternet_version"]) == {"0.1.0"}
    assert frame["seed"].notna().all()
    assert frame.attrs["dimensions"] == ["transmissivity"]


def test_failed_points_are_rows_with_the_message(tmp_path: Path) -> None:
    spec = parse_spec(__import__("tomllib").loads(BOUNDS_SPEC))
    summary = run_sweep(spec, tmp_path / "out")
    assert summary.points == summary.computed == 20
    assert (summary.ok, summary.errors, summary.lost) == (15, 5, 0)
    frame = load(tmp_path / "out")
    assert len(frame) == 20 and frame["task_key"].is_unique
    failed = frame[frame["status"] == "error"]
    assert set(zip(failed["nodes"], failed["random_pairs"], strict=True)) == {(3, 4)}
    assert failed["error"].str.contains("random_pairs must be at most 3").all()
    assert failed["upper_ebits_per_use"].isna().all()
    ok = frame[frame["status"] == "ok"]
    assert (ok["upper_ebits_per_use"] >= ok["lower_ebits_per_use"] - 1e-9).all()
    demands = ok["demands"].map(json.loads)
    assert (demands.map(len) == ok["random_pairs"]).all()
    # Seeds of the spec are used: same seed -> same topology, other seed -> another one.
    links = ok[ok["nodes"] == 30].groupby("seed")["network_links"].nunique()
    assert (links == 1).all()


def test_each_computation_runs(tmp_path: Path) -> None:
    specs = {
        "keyrate": {"computation": "keyrate", "parameters": {
            "protocol": ["bb84-decoy", "tf-cal19"], "distance_km": [0, 100]},
            "fixed": {"clock_rate_hz": 1e9}},
        "repeater": {"computation": "repeater", "parameters": {"cutoff": [10, 40]},
                     "fixed": {"levels": 1, "p_swap": 0.5, "p_gen": 0.2, "clock_rate_hz": 1e3}},
    }
    for name, data in specs.items():
        summary = run_sweep(parse_spec(data), tmp_path / name)
        frame = load(tmp_path / name)
        assert summary.ok == len(frame) == len(parse_spec(data).points), frame["error"].tolist()
    keys = load(tmp_path / "keyrate")
    assert (keys["key_rate_bits_per_s"] == keys["key_rate_bits_per_pulse"] * 1e9).all()
    tf = keys[keys["protocol"] == "tf-cal19"]
    assert tf["relay"].all() and (tf["key_rate_bits_per_pulse"] > 0).all()
    chains = load(tmp_path / "repeater")
    assert list(chains["secret_key_rate_bits_per_s"]) == pytest.approx(
        list(chains["secret_key_rate_bits_per_step"] * 1e3), rel=1e-12)
    assert chains["secret_key_rate_bits_per_step"].nunique() == 2


def test_existing_results_need_resume(tmp_path: Path) -> None:
    run_sweep(channel_spec([0.1]), tmp_path)
    with pytest.raises(InvalidParameterError, match="already holds sweep results"):
        run_sweep(channel_spec([0.1]), tmp_path)
    other = parse_spec({"computation": "keyrate", "fixed": {"protocol": "mdi", "loss_db": 1}})
    with pytest.raises(InvalidParameterError, match="holds results of computation 'channel'"):
        run_sweep(other, tmp_path, resume=True)


def test_resume_computes_only_missing_points(tmp_path: Path) -> None:
    run_sweep(channel_spec([0.1, 0.2]), tmp_path, batch_size=1)
    first = {p.name: p.stat().st_mtime_ns for p in part_files(tmp_path)}
    (tmp_path / ".tmp-123-left-by-a-killed-run.parquet").write_bytes(b"half a file")
    summary = run_sweep(channel_spec([0.1, 0.2, 0.3, 0.4]), tmp_path, resume=True,
                        batch_size=1)
    assert (summary.skipped, summary.computed) == (2, 2)
    parts = {p.name: p.stat().st_mtime_ns for p in part_files(tmp_path)}
    assert len(parts) == 4 and all(parts[name] == t for name, t in first.items())
    assert not list(tmp_path.glob(".tmp-*"))
    frame = load(tmp_path)
    assert list(frame["transmissivity"]) == [0.1, 0.2, 0.3, 0.4]
    done = run_sweep(channel_spec([0.1, 0.2, 0.3, 0.4]), tmp_path, resume=True)
    assert (done.computed, done.batches) == (0, 0)


class LosingExecutor(SerialExecutor):
    """Serial, but the first batch fails as a whole (as when dask gives up on a worker)."""

    def run(self, fn: Callable[..., Any], jobs: Sequence[Job]) -> Iterator[tuple[int, Any]]:
        for i, result in super().run(fn, jobs):
            yield i, (RuntimeError("KilledWorker: worker died 3 times") if i == 0 else result)

    def __exit__(self, kind: type[BaseException] | None, err: BaseException | None,
                 tb: TracebackType | None) -> None:
        return None


def test_lost_batches_are_rows_and_resume_recomputes_them(tmp_path: Path) -> None:
    spec = channel_spec([0.1, 0.2, 0.3])
    summary = run_sweep(spec, tmp_path, executor=LosingExecutor(), batch_size=2)
    assert (summary.ok, summary.errors, summary.lost) == (1, 2, 2)
    frame = load(tmp_path)
    assert frame["error"].iloc[:2].str.startswith("batch failed: RuntimeError").all()
    again = run_sweep(spec, tmp_path, resume=True)
    assert (again.skipped, again.computed, again.ok) == (1, 2, 2)
    frame = load(tmp_path)
    assert len(frame) == 3 and set(frame["status"]) == {"ok"}


def test_parts_are_complete_parquet_files_with_typed_columns(tmp_path: Path) -> None:
    run_sweep(channel_spec([0.1, 0.5]), tmp_path, batch_size=1)
    assert json.loads((tmp_path / MANIFEST).read_text())["computation"] == "channel"
    for part in part_files(tmp_path):
        table = pq.read_table(part)
        assert table.num_rows == 1
        assert str(table.schema.field("upper_ebits_per_use").type) == "double"
        assert str(table.schema.field("exact").type) == "bool"


def test_to_xarray_has_the_swept_parameters_as_dimensions(tmp_path: Path) -> None:
    spec = parse_spec({"computation": "keyrate",
                       "parameters": {"protocol": ["bb84-decoy", "mdi"],
                                      "loss_db": [1, 10, 20]},
                       "zip": {"misalignment": [0.01, 0.02], "ec_efficiency": [1.1, 1.2]}})
    run_sweep(spec, tmp_path)
    ds = to_xarray(tmp_path)
    assert dict(ds.sizes) == {"protocol": 2, "loss_db": 3, "zip_index": 2}
    rate = ds["key_rate_bits_per_pulse"].sel(protocol="mdi", loss_db=10.0, zip_index=1)
    frame = load(tmp_path)
    row = frame[(frame["protocol"] == "mdi") & (frame["loss_db"] == 10) &
                (frame["zip_index"] == 1)]
    assert float(rate) == float(row["key_rate_bits_per_pulse"].iloc[0])
    assert "misalignment" in ds.coords
    with pytest.raises(InvalidParameterError, match="do not identify the rows"):
        to_xarray(frame, dimensions=["protocol"])
    assert math.isfinite(float(ds["plob_bits_per_pulse"].max()))


def test_load_refuses_a_folder_without_results(tmp_path: Path) -> None:
    with pytest.raises(InvalidParameterError, match="holds no sweep results"):
        load(tmp_path)


def test_rows_do_not_depend_on_the_batch_size(tmp_path: Path) -> None:
    spec = parse_spec(__import__("tomllib").loads(BOUNDS_SPEC))
    run_sweep(spec, tmp_path / "a", batch_size=1)
    run_sweep(spec, tmp_path / "b", batch_size=7)
    assert comparable(load(tmp_path / "a")).equals(comparable(load(tmp_path / "b")))


def test_bounds_on_a_file_topology(tmp_path: Path) -> None:
    path = tmp_path / "line.json"
    path.write_text('{"nodes": [{"id": "A"}, {"id": "B"}, {"id": "C"}], "links": ['
                    '{"source": "A", "target": "B", "length_km": 50}, '
                    '{"source": "B", "target": "C", "length_km": 50}]}')
    spec = parse_spec({"computation": "bounds", "fixed": {"topology": str(path)},
                       "parameters": {"pair": [[["A", "B"]], [["A", "C"]]],
                                      "usage": ["flooding", "frequency"]}})
    run_sweep(spec, tmp_path / "out")
    frame = load(tmp_path / "out")
    assert set(frame["status"]) == {"ok"}
    flooding = frame[frame["usage"] == "flooding"].set_index("pair")
    # One 50 km fibre on the way: the PLOB bound of 50 km, whichever pair (A-C: two in series).
    for pair in ('[["A","B"]]', '[["A","C"]]'):
        assert flooding.loc[pair, "upper_ebits_per_use"] == pytest.approx(
            plob_bound(10 ** (-1.0)), rel=1e-9)


def test_fixed_inputs_are_scalar_coordinates(tmp_path: Path) -> None:
    run_sweep(channel_spec([0.1, 0.5]), tmp_path)
    ds = to_xarray(tmp_path)
    assert ds.coords["model"].ndim == 0 and str(ds.coords["model"].values) == "pure-loss"
    assert ds["upper_ebits_per_use"].dims == ("transmissivity",)


def test_rows_equal_the_cli_numbers(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A sweep row and the matching ``qinternet repeater`` / ``keyrate`` call agree."""
    from qinternet.cli.main import main

    chain = {"levels": 1, "p_swap": 0.5, "segment_length_km": 25.0,
             "memory_coherence_time_s": 1.0, "source_clock_rate_hz": 1e9,
             "distillation_rounds": [1, 0], "cutoffs": [20, "none"]}
    run_sweep(parse_spec({"computation": "repeater", "fixed": chain}), tmp_path / "r")
    row = load(tmp_path / "r").iloc[0]
    assert main(["repeater", "--levels", "1", "--p-swap", "0.5", "--segment-length-km", "25",
                 "--memory-coherence-time-s", "1", "--source-clock-rate-hz", "1e9",
                 "--distillation-rounds", "1,0", "--cutoffs", "20,none", "--json"]) == 0
    cli = json.loads(capsys.readouterr().out)
    for key in ("secret_key_rate_bits_per_s", "mean_waiting_time_steps", "mean_fidelity",
                "plob_bits_per_s_at_source_clock", "coverage"):
        assert row[key] == pytest.approx(cli[key], rel=1e-12), key
    run_sweep(parse_spec({"computation": "keyrate", "fixed": {
        "protocol": "tf-cal19", "distance_km": 200, "misalignment": 0.02}}), tmp_path / "k")
    row = load(tmp_path / "k").iloc[0]
    assert main(["keyrate", "tf-cal19", "--distance-km", "200", "--misalignment", "0.02",
                 "--json"]) == 0
    point = json.loads(capsys.readouterr().out)["points"][0]
    assert row["key_rate_bits_per_pulse"] == pytest.approx(point["key_rate_bits_per_pulse"],
                                                           rel=1e-9)


def test_one_run_per_folder(tmp_path: Path) -> None:
    import fcntl

    from qinternet.sweeps._run import LOCK

    with open(tmp_path / LOCK, "a+b") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)  # another run holds it
        with pytest.raises(InvalidParameterError, match="being written by another running"):
            run_sweep(channel_spec([0.1]), tmp_path)
    assert run_sweep(channel_spec([0.1]), tmp_path).ok == 1  # released: runs


def test_out_dir_must_be_a_folder(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(InvalidParameterError, match="is an existing file"):
        run_sweep(channel_spec([0.1]), tmp_path / "file")
