"""Fork server: imports the service once, then per stdin line ``PORT DB`` forks a child that
serves DB on 127.0.0.1:PORT and prints the child's pid. Ends at EOF (killing no one: the
test SIGKILLs each child it started). Used by the crash test."""

from __future__ import annotations

import contextlib
import os
import signal
import sys

import uvicorn  # noqa: F401  (imported before forking)

from qinternet.service import build_service, run
from qinternet.service.app import create_app  # noqa: F401


def main() -> None:
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped automatically
    print("ready", flush=True)
    children: list[int] = []
    for line in sys.stdin:
        port, db = line.split(maxsplit=1)
        pid = os.fork()
        if pid == 0:
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            try:
                run(build_service(db.strip()), port=int(port), log_level="error")
            finally:
                os._exit(0)
        children.append(pid)
        print(pid, flush=True)
    for pid in children:  # at EOF: stop any child still running (the test's own servers)
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


if __name__ == "__main__":
    main()
