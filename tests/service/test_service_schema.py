"""schemathesis against ``/openapi.json``: generated requests (valid and invalid) never get
a 5xx, and every response conforms to the schema (status, content type, body).

The ``positive_data_acceptance`` check is left out: a schema-valid body can still name a node
the network does not have (a 422 naming the field is the right answer then)."""

from __future__ import annotations

import json
import tempfile
import warnings
from pathlib import Path
from typing import Any

import pytest

schemathesis = pytest.importorskip("schemathesis")
from _svc_helpers import SMALL_NETWORK  # noqa: E402
from hypothesis import HealthCheck, given, settings  # noqa: E402

MAX_EXAMPLES = 30


def _schema() -> tuple[Any, dict[str, str], Any]:
    from qinternet.service import Service, _auth, create_app, open_store

    old, _auth.SCRYPT_N = _auth.SCRYPT_N, 2**10
    tmp = tempfile.TemporaryDirectory(prefix="qinternet-schema-")
    try:
        service = Service(open_store(str(Path(tmp.name) / "schema.db")))
        tokens = {"operator": service.create_client("ops", scope="operator")[1],
                  "client": service.create_client("alice", max_priority=1)[1]}
        service.set_network({"suffix": ".json", "text": json.dumps(SMALL_NETWORK)})
    finally:
        _auth.SCRYPT_N = old
    return schemathesis.openapi.from_asgi("/openapi.json", create_app(service)), tokens, tmp


def _operations() -> list[Any]:
    schema = _SCHEMA[0]
    return [r.ok() for r in schema.get_all_operations() if r.ok().path != "/events"]


_SCHEMA = _schema()


@pytest.mark.parametrize("operation", _operations(), ids=lambda op: op.label)
def test_api_conforms_to_its_schema(operation: Any) -> None:
    _, tokens, _ = _SCHEMA
    who = "client" if operation.path.startswith("/demands") else "operator"
    headers = {"Authorization": f"Bearer {tokens[who]}"}

    @given(case=operation.as_strategy())
    @settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    def check(case: Any) -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            case.call_and_validate(headers=headers, excluded_checks=[
                schemathesis.checks.positive_data_acceptance])

    check()
