"""Where batches run: in process (serial), or on dask.distributed (local cluster or scheduler).

An executor is anything with the :class:`Executor` protocol, so tests and other back-ends can
plug in. Batches are independent: each yields its rows whatever ran it, and a failed batch is
reported as an exception object (the caller turns it into error rows).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from types import TracebackType
from typing import Any, Protocol

from qinternet.errors import InvalidParameterError

__all__ = ["DaskExecutor", "Executor", "Job", "SerialExecutor"]

#: ``(task key, arguments)`` of one batch.
Job = tuple[str, tuple[Any, ...]]


class Executor(Protocol):
    """Runs ``fn(*args)`` for each job and yields ``(job index, result or exception)`` in
    completion order."""

    #: Number of batches that run at once (used to size the batches).
    workers: int
    #: One line, e.g. ``"local dask cluster, 2 workers"``.
    description: str

    def __enter__(self) -> Executor: ...

    def __exit__(self, kind: type[BaseException] | None, err: BaseException | None,
                 tb: TracebackType | None) -> None: ...

    def run(self, fn: Callable[..., Any], jobs: Sequence[Job]
            ) -> Iterator[tuple[int, Any]]: ...


class SerialExecutor:
    """Runs the batches one after the other in this process (``--workers 1``)."""

    def __init__(self) -> None:
        self.workers = 1
        self.description = "serial, in process"

    def __enter__(self) -> SerialExecutor:
        return self

    def __exit__(self, kind: type[BaseException] | None, err: BaseException | None,
                 tb: TracebackType | None) -> None:
        return None

    def run(self, fn: Callable[..., Any], jobs: Sequence[Job]) -> Iterator[tuple[int, Any]]:
        """Yield each job's result in order (a raising job yields its exception)."""
        for i, (_, args) in enumerate(jobs):
            try:
                result = fn(*args)
            except Exception as err:
                result = err
            yield i, result


class DaskExecutor:
    """Runs batches on dask.distributed.

    Parameters
    ----------
    workers : int, optional
        Start a ``LocalCluster`` of this many single-threaded worker processes on loopback.
    scheduler : str, optional
        Address of an existing scheduler (``tcp://HOST:PORT``); exactly one of the two.
    connect_timeout_s : float
        How long to wait for the scheduler, s.
    """

    def __init__(self, *, workers: int | None = None, scheduler: str | None = None,
                 connect_timeout_s: float = 20.0) -> None:
        if (workers is None) == (scheduler is None):
            raise InvalidParameterError("workers/scheduler", "both" if workers else "neither",
                                        "give exactly one of the two")
        if workers is not None and workers < 1:
            raise InvalidParameterError("workers", workers, "must be an integer >= 1")
        if scheduler is not None and "://" not in scheduler:
            raise InvalidParameterError("scheduler", scheduler,
                                        "must be an address such as tcp://10.0.0.5:8786")
        self._n = workers
        self._address = scheduler
        self._timeout = connect_timeout_s
        self._cluster: Any = None
        self._client: Any = None
        self._depth = 0
        self.workers = workers or 1
        self.description = (f"local dask cluster, {workers} workers" if workers
                            else f"dask scheduler {scheduler}")

    def __enter__(self) -> DaskExecutor:
        """Start (or connect to) the cluster; nested ``with`` blocks share it, so one cluster
        can run several sweeps."""
        from distributed import Client, LocalCluster

        self._depth += 1
        if self._client is not None:
            return self
        if self._n is not None:
            self._cluster = LocalCluster(
                n_workers=self._n, threads_per_worker=1, processes=True, host="127.0.0.1",
                dashboard_address=":0", worker_dashboard_address=None,
                silence_logs=logging.ERROR)
            self._client = Client(self._cluster)
        else:
            try:
                self._client = Client(self._address, timeout=self._timeout)
            except (OSError, TimeoutError) as err:
                self._depth -= 1
                raise InvalidParameterError(
                    "scheduler", self._address,
                    f"cannot be reached ({type(err).__name__}: {' '.join(str(err).split())})"
                ) from None
            count = len(self._client.scheduler_info().get("workers", {}))
            self.workers = max(count, 1)
            self.description = f"dask scheduler {self._address}, {count} workers"
        return self

    def __exit__(self, kind: type[BaseException] | None, err: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._depth = max(self._depth - 1, 0)
        if self._depth:
            return
        if self._client is not None:
            self._client.close()
        if self._cluster is not None:
            self._cluster.close()
        self._client = self._cluster = None

    @property
    def client(self) -> Any:
        """The ``distributed.Client`` (inside the ``with`` block)."""
        return self._client

    def run(self, fn: Callable[..., Any], jobs: Sequence[Job]) -> Iterator[tuple[int, Any]]:
        """Submit every job (its content-hashed key as dask key); yield results as they come."""
        from distributed import as_completed

        if self._client is None:
            raise RuntimeError("use DaskExecutor in a with block")
        futures = [self._client.submit(fn, *args, key=key, pure=False) for key, args in jobs]
        index = {f.key: i for i, f in enumerate(futures)}
        try:
            for future in as_completed(futures):
                try:
                    result = future.result()
                except Exception as err:  # KilledWorker, lost scheduler, ...
                    result = err
                i = index[future.key]
                future.release()
                yield i, result
        finally:
            for future in futures:
                future.release()
