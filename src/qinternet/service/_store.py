"""Durable store of the service: network, clients, demands and the accepted event log.

Two back ends share one schema and one code path: SQLite (a file; WAL journal,
``synchronous=FULL``) and PostgreSQL (``postgresql://...`` through psycopg). Every write is one
transaction; the service acknowledges a request only after :meth:`Store.commit` returned.
A single service process writes a store (it holds the engine's state in memory).
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qinternet.errors import InvalidParameterError

__all__ = ["ClientRow", "DemandRow", "Store", "open_store"]

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS clients (id TEXT PRIMARY KEY, name TEXT NOT NULL, "
    "scope TEXT NOT NULL, salt TEXT NOT NULL, digest TEXT NOT NULL, "
    "max_priority BIGINT NOT NULL, revoked BIGINT NOT NULL, created_s DOUBLE PRECISION NOT NULL)",
    "CREATE TABLE IF NOT EXISTS events (seq BIGINT PRIMARY KEY, epoch BIGINT NOT NULL, "
    "event TEXT NOT NULL, outcome TEXT NOT NULL, created_s DOUBLE PRECISION NOT NULL)",
    "CREATE TABLE IF NOT EXISTS demands (id TEXT PRIMARY KEY, client_id TEXT NOT NULL, "
    "idempotency_key TEXT, request TEXT NOT NULL, response TEXT NOT NULL, "
    "epoch BIGINT NOT NULL, add_seq BIGINT NOT NULL, remove_seq BIGINT, "
    "created_s DOUBLE PRECISION NOT NULL, UNIQUE (client_id, idempotency_key))",
)


@dataclass(frozen=True, slots=True, kw_only=True)
class ClientRow:
    """A client (or operator) as stored: its token only as salt + scrypt digest."""

    id: str
    name: str
    #: ``"operator"`` or ``"client"``.
    scope: str
    salt: str
    digest: str
    #: Highest demand priority the client may ask for.
    max_priority: int
    revoked: bool
    created_s: float


@dataclass(frozen=True, slots=True, kw_only=True)
class DemandRow:
    """A submitted demand: the request, the response it got, the log positions."""

    id: str
    client_id: str
    idempotency_key: str | None
    request: dict[str, Any]
    response: dict[str, Any]
    epoch: int
    add_seq: int
    remove_seq: int | None
    created_s: float


class Store:
    """A DB-API connection with the service's schema (use :func:`open_store`)."""

    def __init__(self, conn: Any, *, kind: str) -> None:
        self._conn = conn
        self.kind = kind
        self._lock = threading.RLock()
        with self.transaction() as cur:
            for stmt in _SCHEMA:
                cur.execute(stmt)

    # ---- plumbing --------------------------------------------------------------------------
    def _sql(self, sql: str) -> str:
        return sql.replace("?", "%s") if self.kind == "postgresql" else sql

    @contextmanager
    def transaction(self) -> Iterator[Any]:
        """A cursor inside one transaction, committed on exit (rolled back on error)."""
        with self._lock:
            cur = self._conn.cursor()
            try:
                if self.kind == "sqlite":
                    cur.execute("BEGIN IMMEDIATE")
                yield _Cursor(cur, self)
                self._conn.commit() if self.kind == "postgresql" else cur.execute("COMMIT")
            except BaseException:
                with contextlib.suppress(Exception):  # connection may be broken already
                    self._conn.rollback()
                raise
            finally:
                cur.close()

    def _all(self, sql: str, args: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self.transaction() as cur:
            cur.execute(sql, args)
            return list(cur.fetchall())

    def close(self) -> None:
        """Close the connection."""
        with self._lock:
            self._conn.close()

    # ---- reads -----------------------------------------------------------------------------
    def meta(self, key: str) -> str | None:
        """A value of the meta table (``network``, ``epoch``)."""
        rows = self._all("SELECT value FROM meta WHERE key = ?", (key,))
        return str(rows[0][0]) if rows else None

    def clients(self) -> list[ClientRow]:
        """Every client ever created (revoked ones included)."""
        rows = self._all("SELECT id, name, scope, salt, digest, max_priority, revoked, "
                         "created_s FROM clients ORDER BY created_s, id")
        return [ClientRow(id=r[0], name=r[1], scope=r[2], salt=r[3], digest=r[4],
                          max_priority=int(r[5]), revoked=bool(r[6]), created_s=float(r[7]))
                for r in rows]

    def demands(self, epoch: int) -> list[DemandRow]:
        """The demands submitted on the network of ``epoch``, in submission order."""
        rows = self._all("SELECT id, client_id, idempotency_key, request, response, epoch, "
                         "add_seq, remove_seq, created_s FROM demands WHERE epoch = ? "
                         "ORDER BY add_seq", (epoch,))
        return [DemandRow(id=r[0], client_id=r[1], idempotency_key=r[2],
                          request=json.loads(r[3]), response=json.loads(r[4]),
                          epoch=int(r[5]), add_seq=int(r[6]),
                          remove_seq=None if r[7] is None else int(r[7]),
                          created_s=float(r[8])) for r in rows]

    def events(self, epoch: int) -> list[tuple[int, dict[str, Any]]]:
        """``(seq, event)`` of the accepted events of ``epoch`` in log order (what the
        engine replays)."""
        rows = self._all("SELECT seq, event FROM events WHERE epoch = ? ORDER BY seq",
                         (epoch,))
        return [(int(r[0]), json.loads(r[1])) for r in rows]

    def next_seq(self) -> int:
        """The sequence number the next event gets."""
        rows = self._all("SELECT MAX(seq) FROM events")
        return 0 if rows[0][0] is None else int(rows[0][0]) + 1


class _Cursor:
    """A cursor that translates ``?`` placeholders for PostgreSQL and has the write helpers."""

    def __init__(self, cur: Any, store: Store) -> None:
        self._cur = cur
        self._store = store

    def execute(self, sql: str, args: Sequence[Any] = ()) -> None:
        self._cur.execute(self._store._sql(sql), tuple(args))

    def fetchall(self) -> list[tuple[Any, ...]]:
        return list(self._cur.fetchall())

    def set_meta(self, key: str, value: str) -> None:
        self.execute("DELETE FROM meta WHERE key = ?", (key,))
        self.execute("INSERT INTO meta (key, value) VALUES (?, ?)", (key, value))

    def add_client(self, row: ClientRow) -> None:
        self.execute("INSERT INTO clients (id, name, scope, salt, digest, max_priority, "
                     "revoked, created_s) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                     (row.id, row.name, row.scope, row.salt, row.digest, row.max_priority,
                      int(row.revoked), row.created_s))

    def revoke_client(self, ident: str) -> None:
        self.execute("UPDATE clients SET revoked = 1 WHERE id = ?", (ident,))

    def add_event(self, seq: int, epoch: int, event: dict[str, Any], outcome: str) -> None:
        self.execute("INSERT INTO events (seq, epoch, event, outcome, created_s) "
                     "VALUES (?, ?, ?, ?, ?)",
                     (seq, epoch, json.dumps(event, sort_keys=True), outcome, time.time()))

    def add_demand(self, row: DemandRow) -> None:
        self.execute("INSERT INTO demands (id, client_id, idempotency_key, request, response, "
                     "epoch, add_seq, remove_seq, created_s) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                     (row.id, row.client_id, row.idempotency_key,
                      json.dumps(row.request, sort_keys=True),
                      json.dumps(row.response, sort_keys=True), row.epoch, row.add_seq,
                      row.remove_seq, row.created_s))

    def remove_demand(self, ident: str, seq: int) -> None:
        self.execute("UPDATE demands SET remove_seq = ? WHERE id = ?", (seq, ident))


def open_store(db: str) -> Store:
    """Open (creating when absent) the store at ``db``: a file path (SQLite) or a
    ``postgresql://`` URL.

    Raises
    ------
    InvalidParameterError
        ``db`` cannot be opened (the message names it).
    """
    if db.startswith(("postgresql://", "postgres://")):
        try:
            import psycopg

            pg: Any = psycopg.connect(db, connect_timeout=10)
        except ImportError:
            raise InvalidParameterError("db", db, "needs psycopg: pip install "
                                        "'qinternet[service]'") from None
        except Exception as err:
            raise InvalidParameterError("db", _redact(db), "cannot be opened "
                                        f"({' '.join(str(err).split())})") from None
        return Store(pg, kind="postgresql")
    path = Path(db)
    if path.is_dir():
        raise InvalidParameterError("db", db, "is a directory; give a file path")
    if not path.parent.is_dir():
        raise InvalidParameterError("db", db, "is in a folder that does not exist")
    try:
        conn = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None,
                               timeout=30.0)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        return Store(conn, kind="sqlite")
    except sqlite3.Error as err:
        raise InvalidParameterError("db", db, f"cannot be opened ({err})") from None


def _redact(url: str) -> str:
    """``url`` without its password."""
    head, sep, tail = url.partition("@")
    if not sep or ":" not in head.split("//", 1)[-1]:
        return url
    scheme, _, cred = head.partition("//")
    return f"{scheme}//{cred.split(':', 1)[0]}:***@{tail}"
