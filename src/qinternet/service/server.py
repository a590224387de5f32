"""Start-up helpers shared by ``qinternet serve`` and the tests: open the store, set the
initial network, create the first operator, run uvicorn."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from qinternet.errors import InvalidParameterError
from qinternet.networks.io import TOPOHUB_PREFIX
from qinternet.service._core import Service
from qinternet.service._store import open_store

__all__ = ["build_service", "init_operator", "run", "topology_source"]


def topology_source(topology: str) -> dict[str, Any]:
    """The stored form of a ``--topology``: a topohub key, or a file's content (so that a
    restart does not depend on the file)."""
    if topology.startswith(TOPOHUB_PREFIX):
        return {"topohub": topology}
    path = Path(topology)
    if not path.is_file():
        raise InvalidParameterError("topology", topology, "is not a readable file or "
                                    "topohub:KEY")
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")
    return {"suffix": path.suffix.lower(), "text": text}


def build_service(db: str, *, topology: str | None = None, policy: str = "maxmin",
                  allocator: str = "thread") -> Service:
    """Open ``db`` and rebuild the service from it; ``topology`` is loaded when the store has
    no network yet (a stored network is kept: replace it with ``PUT /network``).
    ``allocator``: where background reallocations run ("thread" or "process")."""
    service = Service(open_store(db), policy=policy, allocator=allocator)
    if topology is not None and service.ctl is None:
        service.set_network(topology_source(topology))
    return service


def init_operator(db: str, name: str = "operator") -> tuple[str, str]:
    """Create an operator in ``db``; ``(id, token)`` (the token is not stored)."""
    service = Service(open_store(db))
    try:
        row, token = service.create_client(name, scope="operator", max_priority=1000)
    finally:
        service.store.close()
    return row.id, token


def run(service: Service, *, host: str = "127.0.0.1", port: int = 8000,
        log_level: str = "warning") -> None:
    """Serve ``service`` with uvicorn until interrupted."""
    import uvicorn

    from qinternet.service.app import create_app

    uvicorn.run(create_app(service), host=host, port=port, log_level=log_level,
                access_log=False, timeout_graceful_shutdown=2)
