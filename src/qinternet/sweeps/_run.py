"""Run a sweep: skip what is done, batch the rest, run it on an executor, write every batch."""

from __future__ import annotations

import hashlib
import json
import math
import os
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from qinternet.errors import InvalidParameterError
from qinternet.sweeps._executors import Executor, Job, SerialExecutor
from qinternet.sweeps._registry import get_computation
from qinternet.sweeps._spec import Point, SweepSpec, canonical
from qinternet.sweeps._store import (
    LOST_PREFIX,
    MANIFEST,
    atomic_write_bytes,
    clean_temporary,
    completed_keys,
    part_files,
    read_manifest,
    schema,
    write_part,
)
from qinternet.sweeps._worker import _one_line, package_version, run_batch

__all__ = ["BATCHES_PER_WORKER", "MAX_BATCH_SIZE", "SweepSummary", "batch_size_for",
           "run_sweep"]

#: Automatic batch size: about this many batches per worker (progress and load balance) ...
BATCHES_PER_WORKER = 16
#: ... but never more points per batch than this (a batch is one Parquet file).
MAX_BATCH_SIZE = 512

Progress = Callable[[int, int], None]


@dataclass(frozen=True, slots=True, kw_only=True)
class SweepSummary:
    """What a run did (``qinternet sweep --json`` prints :meth:`to_dict`)."""

    #: Results folder.
    out_dir: str
    #: Computation name.
    computation: str
    #: Points in the spec.
    points: int
    #: Points already in the folder (skipped by ``resume``).
    skipped: int
    #: Points computed by this run.
    computed: int
    #: Rows of this run with status ok / error.
    ok: int
    errors: int
    #: Points of ``errors`` whose whole batch failed (worker lost; ``error`` starts with
    #: ``batch failed:``): ``resume`` computes them again.
    lost: int
    #: Batches (Parquet files) written by this run, and their size.
    batches: int
    batch_size: int
    #: Where it ran.
    executor: str
    #: Wall time of the run, s.
    wall_time_s: float

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict."""
        return {"out_dir": self.out_dir, "computation": self.computation,
                "points": self.points, "skipped": self.skipped, "computed": self.computed,
                "ok": self.ok, "errors": self.errors, "lost": self.lost, "batches": self.batches,
                "batch_size": self.batch_size, "executor": self.executor,
                "wall_time_s": self.wall_time_s}


def batch_size_for(points: int, workers: int) -> int:
    """Automatic batch size: about :data:`BATCHES_PER_WORKER` batches per worker, at most
    :data:`MAX_BATCH_SIZE` points each.

    >>> batch_size_for(200, 1), batch_size_for(200, 2), batch_size_for(10**6, 2)
    (13, 7, 512)
    """
    return max(1, min(MAX_BATCH_SIZE, math.ceil(points / (workers * BATCHES_PER_WORKER))))


def _batch_id(points: Sequence[Point]) -> str:
    return hashlib.sha256("".join(p.key for p in points).encode()).hexdigest()[:20]


#: Lock file of a results folder: held (``flock``) by the run writing into it; the kernel
#: releases it when that process dies, even by ``kill -9``.
LOCK = ".lock"


@contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """Hold the folder's lock, refusing a second run into the same folder."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX: no lock
        yield
        return
    with open(folder / LOCK, "a+b") as fh:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise InvalidParameterError("out_dir", str(folder), "is being written by another "
                                        "running sweep (one run per folder)") from None
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def _prepare(spec: SweepSpec, folder: Path, resume: bool) -> set[str]:
    """Check the folder, remove stale temporary files; return the keys already done."""
    has_manifest = (folder / MANIFEST).exists()
    if not resume:
        if has_manifest or part_files(folder):
            raise InvalidParameterError(
                "out_dir", str(folder), "already holds sweep results: pass resume (--resume) to "
                "complete them, or choose another folder")
        clean_temporary(folder)
        return set()
    if has_manifest:
        old = read_manifest(folder, "out_dir").get("computation")
        if old != spec.computation:
            raise InvalidParameterError(
                "out_dir", str(folder), f"holds results of computation {old!r}, not "
                f"{spec.computation!r}: resume needs the same computation")
    clean_temporary(folder)
    return completed_keys(folder)


def _write_manifest(spec: SweepSpec, folder: Path) -> None:
    data = {"format": "qinternet-sweep/1", "computation": spec.computation,
            "spec": spec.to_dict(), "qinternet_version": package_version(),
            "written_utc": datetime.now(UTC).isoformat(timespec="seconds")}
    atomic_write_bytes(folder / MANIFEST, json.dumps(data, indent=1, allow_nan=False).encode())


def _row(point: Point, values: dict[str, Any], spec: SweepSpec) -> dict[str, Any]:
    row: dict[str, Any] = {"point_index": point.index}
    for name in spec.inputs:
        value = point.inputs[name]
        if spec.kind(name) == "json":
            value = None if value is None else json.dumps(canonical(value),
                                                          separators=(",", ":"))
        row[name] = value
    row["zip_index"] = point.zip_index
    row["sample_index"] = point.sample_index
    row["seed"] = point.seed
    row.update(values)
    return row


def _failed_rows(batch: Sequence[Point], err: BaseException) -> list[dict[str, Any]]:
    message = _one_line(f"{LOST_PREFIX} {type(err).__name__}: {err}")
    return [{"task_key": p.key, "status": "error", "error": message, "wall_time_s": None,
             "warnings": None, "qinternet_version": None} for p in batch]


def run_sweep(spec: SweepSpec, out_dir: str | os.PathLike[str], *,
              executor: Executor | None = None, resume: bool = False,
              batch_size: int | None = None, progress: Progress | None = None) -> SweepSummary:
    """Compute every point of ``spec`` into ``out_dir`` (one Parquet file per batch).

    Parameters
    ----------
    spec : SweepSpec
        A validated spec (:func:`~qinternet.sweeps.load_spec`).
    out_dir : str or Path
        Results folder (created if needed). It must not hold results unless ``resume``.
    executor : Executor, optional
        Where batches run (default :class:`SerialExecutor`); entered and exited here.
    resume : bool
        Compute only the points whose task key is not in ``out_dir`` yet.
    batch_size : int, optional
        Points per batch (default :func:`batch_size_for`).
    progress : callable, optional
        ``progress(done, total)`` after each batch (points of this run).

    Returns
    -------
    SweepSummary

    Raises
    ------
    InvalidParameterError
        ``out_dir`` unusable, holding results without ``resume``, holding results of
        another computation, or being written by another run; a bad ``batch_size``.

    Notes
    -----
    A point that fails is a row with ``status = "error"`` and the message; a batch whose
    worker died more often than dask allows gives error rows starting with ``batch failed:``.
    Rows never depend on the executor or the batch size (each point is computed alone, with
    its own seed).
    """
    if batch_size is not None and batch_size < 1:
        raise InvalidParameterError("batch_size", batch_size, "must be an integer >= 1")
    start = time.perf_counter()
    folder = Path(out_dir).expanduser()
    computation = get_computation(spec.computation)
    if folder.exists() and not folder.is_dir():
        raise InvalidParameterError("out_dir", str(folder), "is an existing file, not a folder")
    folder.mkdir(parents=True, exist_ok=True)
    with _locked(folder):
        done = _prepare(spec, folder, resume)
        todo = [p for p in spec.points if p.key not in done]
        _write_manifest(spec, folder)
        table_schema = schema(spec, computation)
        runner = executor if executor is not None else SerialExecutor()
        ok = errors = batches = lost = 0
        size = 1
        with runner:
            size = batch_size or batch_size_for(len(todo), runner.workers)
            groups = [todo[i:i + size] for i in range(0, len(todo), size)]
            jobs: list[Job] = [
                (f"qinternet-sweep-{_batch_id(g)}",
                 (spec.computation, [(p.key, dict(p.inputs), p.seed) for p in g]))
                for g in groups]
            finished = 0
            if progress is not None:
                progress(0, len(todo))
            for i, result in runner.run(run_batch, jobs):
                group = groups[i]
                values = result if isinstance(result, list) else _failed_rows(group, result)
                lost += 0 if isinstance(result, list) else len(group)
                rows = [_row(p, v, spec) for p, v in zip(group, values, strict=True)]
                write_part(folder, _batch_id(group), rows, table_schema)
                batches += 1
                finished += len(group)
                ok += sum(r["status"] == "ok" for r in rows)
                errors += sum(r["status"] != "ok" for r in rows)
                if progress is not None:
                    progress(finished, len(todo))
    return SweepSummary(out_dir=str(folder), computation=spec.computation,
                        points=len(spec.points), skipped=len(spec.points) - len(todo),
                        computed=len(todo), ok=ok, errors=errors, lost=lost, batches=batches,
                        batch_size=size, executor=runner.description,
                        wall_time_s=time.perf_counter() - start)
