"""The allocating engine in a child process, so that reallocation does not hold the GIL the
request threads need.

The parent sends an :class:`~qinternet.controller.EngineState` (a snapshot of the deciding
engine) through a pipe; the child, which keeps one warm
:class:`~qinternet.controller.Controller` over the same network, loads it, reallocates and
sends the reallocation record back. The child ends when the pipe closes (the parent stopped
or was killed), so it never outlives the service.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
import threading
from multiprocessing.connection import Connection
from typing import Any

from qinternet.controller import Controller, Decision, EngineState
from qinternet.errors import SolverError

__all__ = ["ProcessAllocator"]


#: Scheduling niceness of the allocating child: under CPU contention the request threads
#: (admission decisions, commits) run first and the background reallocation takes what is left.
ALLOCATOR_NICENESS = 10


def _serve(conn: Connection, source: dict[str, Any], policy: str) -> None:
    from qinternet.service._core import network_from_source

    with contextlib.suppress(OSError, AttributeError):  # no os.nice (Windows) or not allowed
        os.nice(ALLOCATOR_NICENESS)
    network = network_from_source(source)
    engine = Controller(network, policy=policy)  # type: ignore[arg-type]
    while True:
        try:
            state = conn.recv()
        except (EOFError, OSError):
            return
        if state is None:
            return
        try:
            engine.load_state(state)
            conn.send(("ok", engine.reallocate()))
        except Exception as err:
            engine = Controller(network, policy=policy)  # type: ignore[arg-type]
            conn.send(("error", f"{type(err).__name__}: {' '.join(str(err).split())}"))


class ProcessAllocator:
    """One child process holding a warm allocating engine over ``source``'s network."""

    def __init__(self, source: dict[str, Any], policy: str) -> None:
        ctx = mp.get_context("spawn")
        self._conn, child = ctx.Pipe()
        self._proc = ctx.Process(target=_serve, args=(child, source, policy), daemon=True,
                                 name="qinternet-allocator")
        self._proc.start()
        child.close()
        self._lock = threading.Lock()

    def reallocate(self, state: EngineState) -> Decision:
        """The reallocation record of ``state`` (blocks; the GIL is free meanwhile).

        Raises
        ------
        SolverError
            The child's engine failed (it starts again cold), or the child died.
        """
        with self._lock:
            try:
                self._conn.send(state)
                kind, value = self._conn.recv()
            except (EOFError, OSError, BrokenPipeError) as err:
                raise SolverError("allocator", f"the allocating process ended ({err!r})") \
                    from None
        if kind != "ok":
            raise SolverError("allocator", str(value))
        assert isinstance(value, Decision)
        return value

    @property
    def alive(self) -> bool:
        return self._proc.is_alive()

    def close(self) -> None:
        """Stop the child (it also stops by itself when this process ends)."""
        with contextlib.suppress(OSError, BrokenPipeError):
            self._conn.send(None)
        self._conn.close()
        self._proc.join(timeout=5)
        if self._proc.is_alive():
            self._proc.kill()
            self._proc.join(timeout=5)
