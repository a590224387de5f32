"""The PostgreSQL store (``--db postgresql://...``) against a real server that this test
starts on loopback in a temporary folder (skipped only when no server binary is installed)."""

from __future__ import annotations

import glob
import json
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from _svc_helpers import SMALL_NETWORK, ServerProcess, free_port


def _bindir() -> Path | None:
    found = shutil.which("pg_ctl")
    if found:
        return Path(os.path.realpath(found)).parent
    dirs = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    return Path(dirs[-1]).parent if dirs else None


def _as_owner(cmd: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: run it as ``nobody`` then."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "nobody", "--", *cmd]
    return cmd


@pytest.fixture(scope="module")
def pg_url() -> Iterator[str]:
    pytest.importorskip("psycopg")
    bindir = _bindir()
    if bindir is None:
        pytest.skip("no PostgreSQL server binary (Debian package postgresql)")
    tmp = tempfile.mkdtemp(prefix="qinternet-pg-")
    data = os.path.join(tmp, "data")
    if os.geteuid() == 0:
        shutil.chown(tmp, "nobody")
    port = free_port()
    subprocess.run(_as_owner([str(bindir / "initdb"), "-D", data, "-U", "postgres",
                              "--auth=trust", "--no-sync", "-E", "UTF8"]),
                   check=True, capture_output=True, timeout=120)
    subprocess.run(_as_owner([str(bindir / "pg_ctl"), "-D", data, "-l",
                              os.path.join(tmp, "log"), "-w", "-t", "60", "-o",
                              f"-c listen_addresses=127.0.0.1 -p {port} "
                              f"-c unix_socket_directories={tmp} -c fsync=on", "start"]),
                   check=True, capture_output=True, timeout=120)
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(_as_owner([str(bindir / "pg_ctl"), "-D", data, "-m", "immediate",
                                  "-w", "stop"]), capture_output=True, timeout=60)
        shutil.rmtree(tmp, ignore_errors=True)


def test_postgres_store_survives_a_sigkill(pg_url: str) -> None:
    from qinternet.service import Service, open_store

    service = Service(open_store(pg_url))
    _, op = service.create_client("ops", scope="operator")
    _, alice = service.create_client("alice")
    service.set_network({"suffix": ".json", "text": json.dumps(SMALL_NETWORK)})
    service.store.close()
    h = {"Authorization": f"Bearer {alice}"}
    with ServerProcess(pg_url) as server:
        ids = [httpx.post(server.url + "/demands", json={"endpoints": e, "floor": 0.05},
                          headers={**h, "Idempotency-Key": "-".join(e)}).json()["id"]
               for e in (["A", "D"], ["B", "E"], ["C", "F"])]
        httpx.patch(server.url + "/links/2", json={"state": "down"},
                    headers={"Authorization": f"Bearer {op}"})
        before = httpx.get(server.url + "/demands?wait=true", headers=h).json()
        server.kill()  # SIGKILL
    time.sleep(0.1)
    with ServerProcess(pg_url) as server:
        after = httpx.get(server.url + "/demands", headers=h).json()
        again = httpx.post(server.url + "/demands", json={"endpoints": ["A", "D"],
                                                           "floor": 0.05},
                           headers={**h, "Idempotency-Key": "A-D"}).json()
    assert [d["id"] for d in after] == ids
    assert [(d["rate"], d["status"], d["history"]) for d in after] == [
        (d["rate"], d["status"], d["history"]) for d in before]
    assert again["id"] == ids[0]


def test_postgres_url_that_cannot_connect_names_db() -> None:
    pytest.importorskip("psycopg")
    from qinternet.errors import InvalidParameterError
    from qinternet.service import open_store

    with pytest.raises(InvalidParameterError) as err:
        open_store(f"postgresql://u:secret@127.0.0.1:{free_port()}/x")
    assert err.value.name == "db" and "secret" not in str(err.value)
