"""The HTTP contract of issue 11 over a TestClient (no sockets)."""

from __future__ import annotations

import math

import pytest
from _svc_helpers import SMALL_NETWORK

from conftest import Api
from qinternet.controller import Controller
from qinternet.networks import Network
from qinternet.service._core import network_from_source


def _engine() -> Controller:
    net: Network = network_from_source({"suffix": ".json", "text": __import__("json").dumps(
        SMALL_NETWORK)})
    return Controller(net)


def test_healthz_needs_no_token(api: Api) -> None:
    r = api.http.get("/healthz")
    assert r.status_code == 200 and r.json()["network"] is True


def test_post_demand_returns_the_engines_decision(api: Api) -> None:
    r = api.http.post("/demands?wait=true", json={"endpoints": ["A", "D"], "floor": 0.2},
                      headers=api.alice)
    assert r.status_code == 201, r.text
    body = r.json()
    ref = _engine()
    d = ref.apply_dict({"op": "add_demand", "id": body["id"], "endpoints": ["A", "D"],
                        "floor": 0.2})
    assert body["outcome"] == d.outcome == "admitted"
    assert body["allocation"] == "current"
    assert body["rate"] == pytest.approx(d.allocation.rates[body["id"]], rel=1e-9)
    assert body["status"] == "active" and body["floor_met"] is True
    assert body["routes"] and body["unit"] == "ebits per network use"
    assert body["upper_bound"] >= body["rate"]


def test_post_answers_with_the_admission_and_the_allocation_follows(api: Api) -> None:
    """Without ``wait`` the answer carries the admission decision (floor guaranteed) and
    the allocation follows from the background reallocation."""
    first = api.http.post("/demands", json={"endpoints": ["A", "D"], "floor": 0.2},
                          headers=api.alice).json()
    assert first["outcome"] == "admitted" and first["floor_met"] is True
    assert first["allocation"] in ("pending", "current")
    if first["allocation"] == "pending":
        assert first["rate"] == 0.0 and first["routes"] == []
        assert first["history"][0]["rate"] is None  # decided before its allocation
    now = api.http.get(f"/demands/{first['id']}?wait=true", headers=api.alice).json()
    assert now["allocation"] == "current" and now["rate"] >= 0.2 * (1 - 1e-9)
    assert sum(r["rate"] for r in now["routes"]) == pytest.approx(now["rate"], rel=1e-9)
    assert api.service.metrics.reallocation_seconds._sum.get() > 0


def test_infeasible_floor_is_rejected_with_certificate_and_counter_offer(api: Api) -> None:
    r = api.http.post("/demands", json={"endpoints": ["A", "C"], "floor": 50.0},
                      headers=api.alice)
    assert r.status_code == 201
    body = r.json()
    assert body["outcome"] == "rejected_infeasible" and body["status"] == "rejected"
    cert = body["certificate"]
    assert cert["capacity"] < cert["requested"]
    assert math.isclose(sum(cert["link_capacities"]), cert["capacity"], rel_tol=1e-12)
    assert 0 < body["counter_offer"] <= body["upper_bound"] * (1 + 1e-9)
    assert body["upper_bound"] < 50.0
    # the counter-offer is admitted
    r2 = api.http.post("/demands", json={"endpoints": ["A", "C"],
                                         "floor": body["counter_offer"] * 0.999},
                       headers=api.alice)
    assert r2.json()["outcome"] == "admitted"


def test_group_demand_and_listing(api: Api) -> None:
    r = api.http.post("/demands", json={"endpoints": ["A", "C", "E"], "weight": 2.0},
                      headers=api.alice)
    assert r.status_code == 201 and r.json()["outcome"] == "admitted"
    listed = api.http.get("/demands", headers=api.alice).json()
    assert [d["id"] for d in listed] == [r.json()["id"]]
    one = api.http.get(f"/demands/{r.json()['id']}?wait=true", headers=api.alice).json()
    assert one["rate"] > 0 and one["history"][0]["op"] == "add_demand"


def test_idempotency_key_makes_retries_safe(api: Api) -> None:
    h = {**api.alice, "Idempotency-Key": "k-1"}
    r1 = api.http.post("/demands", json={"endpoints": ["A", "D"]}, headers=h)
    r2 = api.http.post("/demands", json={"endpoints": ["A", "D"]}, headers=h)
    assert r1.status_code == r2.status_code == 201
    assert r1.json()["id"] == r2.json()["id"]
    assert r2.headers.get("Idempotent-Replayed") == "true"
    assert len(api.http.get("/demands", headers=api.alice).json()) == 1
    r3 = api.http.post("/demands", json={"endpoints": ["A", "E"]}, headers=h)
    assert r3.status_code == 422 and r3.json()["field"] == "Idempotency-Key"
    # the same key of another client is another demand
    r4 = api.http.post("/demands", json={"endpoints": ["A", "D"]},
                       headers={**api.bob, "Idempotency-Key": "k-1"})
    assert r4.json()["id"] != r1.json()["id"]


def test_cancel_frees_capacity_and_is_repeatable(api: Api) -> None:
    a = api.http.post("/demands", json={"endpoints": ["A", "D"]}, headers=api.alice).json()
    b = api.http.post("/demands", json={"endpoints": ["A", "D"]}, headers=api.bob).json()
    before = api.http.get(f"/demands/{b['id']}?wait=true", headers=api.bob).json()["rate"]
    r = api.http.delete(f"/demands/{a['id']}", headers=api.alice)
    assert r.status_code == 200 and r.json()["status"] == "cancelled"
    after = api.http.get(f"/demands/{b['id']}?wait=true", headers=api.bob).json()["rate"]
    assert after > before
    assert api.http.delete(f"/demands/{a['id']}", headers=api.alice).json()["status"] == \
        "cancelled"


def test_priority_allowance(api: Api) -> None:
    r = api.http.post("/demands", json={"endpoints": ["A", "D"], "priority": 3},
                      headers=api.alice)
    assert r.status_code == 403 and r.json()["field"] == "priority"
    assert api.http.post("/demands", json={"endpoints": ["A", "D"], "priority": 2},
                         headers=api.alice).status_code == 201


def test_links_list_and_patch(api: Api) -> None:
    links = api.http.get("/links", headers=api.alice).json()
    assert [x["id"] for x in links] == list(range(8))
    assert links[0]["endpoints"] == ["A", "B"] and links[0]["state"] == "up"
    d = api.http.post("/demands?wait=true", json={"endpoints": ["A", "B"], "floor": 0.5},
                      headers=api.alice).json()
    r = api.http.patch("/links/0", json={"state": "down"}, headers=api.operator)
    assert r.status_code == 200 and r.json()["op"] == "link_down"
    assert api.http.get("/links", headers=api.operator).json()[0]["state"] == "down"
    now = api.http.get(f"/demands/{d['id']}?wait=true", headers=api.alice).json()
    assert now["rate"] < d["rate"]
    # the history holds the decisions about the demand (the rate moves are SSE records)
    assert now["history"][0]["op"] == "add_demand"
    r = api.http.patch("/links/0", json={"factor": 0.5}, headers=api.operator)
    assert r.status_code == 200 and r.json()["op"] == "degrade_link"
    r = api.http.patch("/links/0", json={"state": "up"}, headers=api.operator)
    up = api.http.get("/links", headers=api.operator).json()[0]
    assert up["state"] == "up" and math.isclose(up["factor"], 0.5)
    assert api.http.patch("/links/99", json={"state": "up"},
                          headers=api.operator).status_code == 404
    bad = api.http.patch("/links/0", json={"state": "up", "factor": 0.5},
                         headers=api.operator)
    assert bad.status_code == 422 and bad.json()["field"] == "state"


def test_bad_requests_name_the_field(api: Api) -> None:
    cases = [
        ({"endpoints": ["A"]}, "endpoints"),
        ({"endpoints": ["A", "Z"]}, "endpoints"),
        ({"endpoints": ["A", "A"]}, "endpoints"),
        ({"endpoints": ["A", "B"], "floor": -1}, "floor"),
        ({"endpoints": ["A", "B"], "floor": "x"}, "floor"),
        ({"endpoints": ["A", "B"], "weight": 0}, "weight"),
        ({"endpoints": ["A", "B"], "cap": 0.1, "floor": 0.2}, "floor"),
        ({"endpoints": ["A", "B"], "colour": "red"}, "colour"),
        ({}, "endpoints"),
    ]
    for body, field in cases:
        r = api.http.post("/demands", json=body, headers=api.alice)
        assert r.status_code == 422, (body, r.text)
        assert r.json()["field"] == field, (body, r.json())
        assert field in r.json()["detail"]
    r = api.http.post("/demands", content=b"{not json", headers={
        **api.alice, "Content-Type": "application/json"})
    assert r.status_code == 422 and "Traceback" not in r.text
    assert api.http.get("/demands", headers=api.alice).json() == []


def test_body_size_limit(api: Api) -> None:
    from qinternet.service.app import MAX_BODY_BYTES

    big = b'{"endpoints": ["A", "B"], "pad": "' + b"x" * MAX_BODY_BYTES + b'"}'
    r = api.http.post("/demands", content=big, headers={
        **api.alice, "Content-Type": "application/json"})
    assert r.status_code == 413 and r.json()["field"] == "body"


def test_bad_network_upload_is_422_and_keeps_the_old_one(api: Api) -> None:
    for body in ({"nodes": [{"id": "A"}], "edges": [{"source": "A", "target": "Q"}]},
                 {"edges": []}, {"nodes": "x"}):
        r = api.http.put("/network", json=body, headers=api.operator)
        assert r.status_code == 422, r.text
        assert r.json()["detail"]
    assert api.http.get("/network", headers=api.alice).json()["num_nodes"] == 6


def test_network_replacement_starts_a_new_epoch(api: Api) -> None:
    api.http.post("/demands", json={"endpoints": ["A", "D"]}, headers=api.alice)
    r = api.http.put("/network", json=SMALL_NETWORK, headers=api.operator)
    assert r.json()["epoch"] == 2
    assert api.http.get("/demands", headers=api.alice).json() == []


def test_clients_create_list_revoke(api: Api) -> None:
    r = api.http.post("/clients", json={"name": "carol"}, headers=api.operator)
    assert r.status_code == 201
    token = r.json()["token"]
    h = {"Authorization": f"Bearer {token}"}
    assert api.http.get("/demands", headers=h).status_code == 200
    listed = api.http.get("/clients", headers=api.operator).json()
    assert "token" not in listed[0] and {c["name"] for c in listed} >= {"carol", "alice"}
    assert api.http.delete(f"/clients/{r.json()['id']}",
                           headers=api.operator).json()["revoked"] is True
    assert api.http.get("/demands", headers=h).status_code == 401
    assert api.http.delete("/clients/nope", headers=api.operator).status_code == 404


def test_tokens_are_stored_only_as_salted_hashes(api: Api) -> None:
    import sqlite3

    r = api.http.post("/clients", json={"name": "dave"}, headers=api.operator)
    token = r.json()["token"]
    conn = sqlite3.connect(api.db)
    try:
        dump = "\n".join(conn.iterdump())
    finally:
        conn.close()
    secret = token.split("_", 2)[2]  # qi_<hex id>_<secret>; the secret may hold "_"
    assert secret not in dump and token not in dump
    rows = api.service.store.clients()
    assert len({c.salt for c in rows}) == len(rows)


def test_metrics_text(api: Api) -> None:
    api.http.post("/demands", json={"endpoints": ["A", "D"]}, headers=api.alice)
    api.http.post("/demands", json={"endpoints": ["A", "C"], "floor": 50}, headers=api.alice)
    text = api.http.get("/metrics", headers=api.operator).text
    assert 'qinternet_decisions_total{outcome="admitted"} 1.0' in text
    assert 'qinternet_decisions_total{outcome="rejected_infeasible"} 1.0' in text
    assert "qinternet_decision_seconds_bucket" in text
    assert 'route="/demands"' in text and 'status="201"' in text
    assert "qinternet_max_link_utilisation" in text


def test_openapi_schema_has_the_contract(api: Api) -> None:
    schema = api.http.get("/openapi.json").json()
    paths = schema["paths"]
    for path, methods in {"/network": ["put"], "/clients": ["post"],
                          "/clients/{ident}": ["delete"], "/demands": ["post", "get"],
                          "/demands/{ident}": ["get", "delete"],
                          "/links/{link_id}": ["patch"], "/links": ["get"],
                          "/events": ["get"], "/metrics": ["get"], "/healthz": ["get"]}.items():
        for m in methods:
            assert m in paths[path], (path, m)
    props = schema["components"]["schemas"]["DemandCreate"]["properties"]
    assert set(props) == {"endpoints", "floor", "weight", "priority", "cap"}
