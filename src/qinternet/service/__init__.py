"""Controller service: the routing controller behind a durable HTTP API (extra ``service``).

- :func:`create_app` -- the FastAPI application over a :class:`Service`.
- :class:`Service` -- engine + store + tokens; decisions stay in the engine.
- :class:`Store`, :func:`open_store` -- SQLite (WAL, synchronous=FULL) or PostgreSQL.
- :func:`build_service`, :func:`init_operator`, :func:`run` -- what ``qinternet serve`` does.

Contract: README "Controller service".
"""

from qinternet.service._core import Service
from qinternet.service._errors import ServiceError
from qinternet.service._store import Store, open_store
from qinternet.service.app import create_app
from qinternet.service.server import build_service, init_operator, run

__all__ = [
    "Service",
    "ServiceError",
    "Store",
    "build_service",
    "create_app",
    "init_operator",
    "open_store",
    "run",
]
