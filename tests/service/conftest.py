"""Fixtures of the service tests (skipped as a whole without the ``service`` extra)."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi", reason="needs the service extra")

from _svc_helpers import SMALL_NETWORK


@dataclass
class Api:
    """A TestClient over a fresh service with an operator and two clients."""

    http: Any
    service: Any
    db: str
    operator: dict[str, str]
    alice: dict[str, str]
    bob: dict[str, str]
    alice_id: str
    bob_id: str


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture(autouse=True)
def _cheap_scrypt(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests hash with scrypt n = 2**10 (the stored digest records its cost)."""
    monkeypatch.setattr("qinternet.service._auth.SCRYPT_N", 2**10)


@pytest.fixture
def api(tmp_path: Path) -> Iterator[Api]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient
    from qinternet.service import Service, create_app, open_store

    db = str(tmp_path / "svc.db")
    service = Service(open_store(db))
    _, op = service.create_client("ops", scope="operator", max_priority=10)
    a, ta = service.create_client("alice", max_priority=2)
    b, tb = service.create_client("bob")
    with TestClient(create_app(service)) as http:
        r = http.put("/network", json=SMALL_NETWORK, headers=_auth(op))
        assert r.status_code == 200, r.text
        yield Api(http, service, db, _auth(op), _auth(ta), _auth(tb), a.id, b.id)
    service.store.close()
