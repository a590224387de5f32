"""``qinternet serve``: the controller service (HTTP API; needs the ``service`` extra).

``--init-operator`` creates an operator in the store, prints its token once on stdout and
exits (``--json``: ``{"id", "token"}``). Otherwise the service starts on ``--host``/``--port``
with the store ``--db`` (an SQLite file, created on first start, or ``postgresql://...``);
``--topology`` is loaded when the store has no network yet.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from qinternet.cli._common import emit_json
from qinternet.errors import InvalidParameterError

__all__ = ["register"]

_HINT = "the service needs its extra: pip install 'qinternet[service]'"


def _require_extra() -> None:
    try:
        import fastapi  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError:
        raise InvalidParameterError("serve", "missing dependencies", _HINT) from None


def register(app: typer.Typer) -> None:
    """Add the ``serve`` command to ``app``."""

    @app.command("serve")
    def serve(
        db: Annotated[str, typer.Option(
            "--db", help="SQLite file (created when absent) or postgresql://URL.")
        ] = "qinternet.db",
        host: Annotated[str, typer.Option("--host", help="Address to bind.")] = "127.0.0.1",
        port: Annotated[int, typer.Option("--port", min=0, max=65535,
                                          help="TCP port.")] = 8000,
        topology: Annotated[str | None, typer.Option(
            "--topology", help="Network loaded when the store has none: node-link .json, "
            ".graphml, .gml or topohub:KEY.")] = None,
        policy: Annotated[str, typer.Option(
            "--policy", help="Allocation policy: maxmin or throughput.")] = "maxmin",
        allocator: Annotated[str, typer.Option(
            "--allocator", help="Where background reallocations run: process (a child "
            "process, so that requests keep the interpreter) or thread.")] = "process",
        init_operator: Annotated[bool, typer.Option(
            "--init-operator", help="Create an operator, print its token once and exit.")
        ] = False,
        as_json: Annotated[bool, typer.Option(
            "--json", help="Print one JSON object (the token, or the address served).")
        ] = False,
    ) -> None:
        """Run the controller service (HTTP API with per-client tokens)."""
        if policy not in ("maxmin", "throughput"):
            raise InvalidParameterError("--policy", policy, "must be maxmin or throughput")
        if allocator not in ("process", "thread"):
            raise InvalidParameterError("--allocator", allocator, "must be process or thread")
        _require_extra()
        from qinternet.service.server import build_service, run
        from qinternet.service.server import init_operator as make_operator

        if init_operator:
            ident, token = make_operator(db)
            if as_json:
                emit_json({"id": ident, "token": token})
            else:
                print(token)
            return
        service = build_service(db, topology=topology, policy=policy, allocator=allocator)
        url = f"http://{host}:{port}"
        if as_json:
            emit_json({"url": url, "epoch": service.epoch,
                       "network": service.network.name if service.network else None})
        else:
            sys.stderr.write(f"qinternet: serving {url} (epoch {service.epoch})\n")
        sys.stdout.flush()
        run(service, host=host, port=port)
