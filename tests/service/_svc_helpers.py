"""Shared helpers of the service tests: a small network, real server processes on loopback."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

#: A 6-node network: a ring with two chords (transmissivities give capacities ~0.4-1.0).
SMALL_NETWORK: dict[str, Any] = {
    "nodes": [{"id": n} for n in "ABCDEF"],
    "edges": [{"source": u, "target": v, "transmissivity": t} for u, v, t in [
        ("A", "B", 0.5), ("B", "C", 0.5), ("C", "D", 0.4), ("D", "E", 0.5), ("E", "F", 0.6),
        ("F", "A", 0.5), ("A", "D", 0.3), ("B", "E", 0.35)]],
}

#: The same network with geographic positions (six German cities, degrees).
GEO_NETWORK: dict[str, Any] = {
    "nodes": [{"id": n, "label": city, "latitude": lat, "longitude": lon}
              for n, city, lat, lon in [
                  ("A", "Berlin", 52.52, 13.40), ("B", "Hamburg", 53.55, 9.99),
                  ("C", "Koeln", 50.94, 6.96), ("D", "Muenchen", 48.14, 11.58),
                  ("E", "Frankfurt", 50.11, 8.68), ("F", "Leipzig", 51.34, 12.37)]],
    "edges": SMALL_NETWORK["edges"],
}

ZYGOTE = Path(__file__).with_name("_zygote.py")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_ready(url: str, timeout_s: float = 30.0, proc: subprocess.Popen[Any] | None = None
               ) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            if httpx.get(url + "/healthz", timeout=1.0).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.02)
    raise TimeoutError(f"{url} did not come up in {timeout_s} s")


class ServerProcess:
    """``qinternet serve`` in a subprocess on a free loopback port."""

    def __init__(self, db: str, *, topology: str | None = None) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        cmd = [sys.executable, "-m", "qinternet.cli.main", "serve", "--db", db,
               "--port", str(self.port)]
        if topology:
            cmd += ["--topology", topology]
        env = {**os.environ, "OPENBLAS_NUM_THREADS": "1"}
        self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                     env=env)
        try:
            wait_ready(self.url, proc=self.proc)
        except BaseException:
            self.kill()
            raise

    def kill(self, sig: int = signal.SIGKILL) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        self.proc.wait(timeout=30)
        if self.proc.stderr is not None:
            self.proc.stderr.close()

    def __enter__(self) -> ServerProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.kill()


class Zygote:
    """A process that has imported the service once and forks a fresh server per start, so
    that a test can SIGKILL and restart a server many times without paying the imports."""

    def __init__(self) -> None:
        env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
        self.proc = subprocess.Popen([sys.executable, str(ZYGOTE)], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True, env=env)
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if line.strip() != "ready":
            raise RuntimeError(f"zygote did not start: {line!r}")

    def spawn(self, db: str) -> tuple[int, str]:
        """A server on ``db``; ``(pid, url)`` once it answers."""
        assert self.proc.stdin is not None and self.proc.stdout is not None
        port = free_port()
        self.proc.stdin.write(f"{port} {db}\n")
        self.proc.stdin.flush()
        pid = int(self.proc.stdout.readline())
        url = f"http://127.0.0.1:{port}"
        wait_ready(url)
        return pid, url

    def close(self) -> None:
        if self.proc.poll() is None:
            assert self.proc.stdin is not None
            self.proc.stdin.close()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc.stdout is not None:
            self.proc.stdout.close()
