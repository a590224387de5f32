"""Units of the service layer: tokens, store, event views, client transport seam."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from qinternet.service._auth import hash_secret, new_token, split_token, verify_secret
from qinternet.service._hub import _client_view


def test_token_hash_round_trip_and_salting() -> None:
    token = new_token("cabc")
    ident, secret = split_token(token) or ("", "")
    assert ident == "cabc"
    h1, h2 = hash_secret(secret), hash_secret(secret)
    assert h1.salt != h2.salt and h1.digest != h2.digest
    assert verify_secret(secret, h1) and verify_secret(secret, h2)
    assert not verify_secret(secret + "x", h1)
    assert split_token("nope") is None and split_token("qi_onlyid") is None


def test_store_rejects_bad_paths(tmp_path: Path) -> None:
    from qinternet.errors import InvalidParameterError
    from qinternet.service import open_store

    with pytest.raises(InvalidParameterError, match="db"):
        open_store(str(tmp_path))
    with pytest.raises(InvalidParameterError, match="folder"):
        open_store(str(tmp_path / "missing" / "x.db"))
    store = open_store(str(tmp_path / "x.db"))
    mode = store._all("PRAGMA journal_mode")[0][0]
    sync = store._all("PRAGMA synchronous")[0][0]
    assert (mode, sync) == ("wal", 2)  # 2 = FULL
    store.close()


def test_client_view_hides_other_clients() -> None:
    record = {"seq": 3, "op": "add_demand", "demand": "d2", "reason": "d2 admitted",
              "rates": {"d1": 0.5, "d2": 0.5}, "diff": {"d1": [1.0, 0.5], "d2": [0, 0.5]},
              "degraded": []}
    owners = {"d1": "alice", "d2": "bob"}
    alice = _client_view(record, owners, "alice")
    assert alice is not None and alice["demand"] is None and "d2" not in str(alice)
    assert _client_view(record, owners, "carol") is None
    bob = _client_view(record, owners, "bob")
    assert bob is not None and bob["rates"] == {"d2": 0.5}


def test_controller_client_maps_errors_and_results() -> None:
    from qinternet.client import ControllerClient, ControllerError

    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.url.path == "/demands/missing":
            return httpx.Response(404, json={"detail": "no demand 'missing'", "field": "id"})
        return httpx.Response(201, json={
            "id": "d1", "outcome": "admitted", "reason": "ok", "status": "active",
            "endpoints": ["A", "B"], "rate": 0.5, "floor": 0.1, "floor_met": True,
            "unit": "ebits per network use", "upper_bound": 1.0, "routes": [], "history": [],
            "idempotency_key": "k"})

    with ControllerClient("http://svc", "tok", transport=httpx.MockTransport(handler)) as c:
        d = c.submit(["A", "B"], floor=0.1)
        assert (d.id, d.rate, d.endpoints) == ("d1", 0.5, ("A", "B"))
        assert seen[0].headers["Authorization"] == "Bearer tok"
        assert seen[0].headers["Idempotency-Key"]
        with pytest.raises(ControllerError) as err:
            c.demand("missing")
    assert err.value.status == 404 and err.value.field == "id"


def test_core_import_stays_light() -> None:
    import subprocess
    import sys

    code = ("import sys, qinternet, qinternet.client, qinternet.cli.main; "
            "print(sorted(m for m in ('fastapi', 'uvicorn', 'httpx', 'psycopg') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=60, check=True).stdout.strip()
    assert out == "[]"
