"""``GET /dashboard/state`` and the dashboard's static files, over a TestClient.

Each number of the snapshot is checked against another route to it: link loads against the
engine's utilisation, headline numbers against the demands' own records and Jain's formula,
owners against ``GET /clients``."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
from _svc_helpers import GEO_NETWORK, SMALL_NETWORK

from conftest import Api


def _state(api: Api) -> dict[str, Any]:
    r = api.http.get("/dashboard/state", headers=api.operator)
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


def _load_demands(api: Api) -> list[str]:
    ids = []
    for who, body in ((api.alice, {"endpoints": ["A", "D"], "floor": 0.1}),
                      (api.bob, {"endpoints": ["B", "E", "F"]}),
                      (api.alice, {"endpoints": ["A", "C"], "floor": 50.0}),  # rejected
                      (api.bob, {"endpoints": ["C", "F"], "weight": 2.0})):
        r = api.http.post("/demands", json=body, headers=who)
        assert r.status_code == 201, r.text
        ids.append(r.json()["id"])
    assert api.service.wait_allocated()  # the background reallocation has caught up
    return ids


def test_page_and_its_files_are_served_with_a_strict_policy(api: Api) -> None:
    page = api.http.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "connect-src 'self'" in csp and "http" not in csp
    for name, kind in (("app.js", "text/javascript"), ("style.css", "text/css")):
        r = api.http.get(f"/static/{name}")
        assert r.status_code == 200 and r.headers["content-type"].startswith(kind)
        assert f"/static/{name}" in page.text
    for bad in ("index.html", "../app.py", "nope.js"):
        r = api.http.get(f"/static/{bad}")
        assert r.status_code == 404 and r.json()["detail"]
    # nothing is fetched from elsewhere, and the token is never put in storage
    js = api.http.get("/static/app.js").text
    for text in (page.text, js, api.http.get("/static/style.css").text):
        assert "http://" not in text.replace("http://www.w3.org/2000/svg", "")
        assert "https://" not in text
    for api_name in ("localStorage", "sessionStorage", "document.cookie", "indexedDB"):
        assert api_name not in js


def test_dashboard_paths_are_not_in_the_api_schema_except_the_state(api: Api) -> None:
    paths = api.http.get("/openapi.json").json()["paths"]
    assert "/dashboard/state" in paths and "/" not in paths
    assert not any(p.startswith("/static") for p in paths)


def test_state_before_any_demand(api: Api) -> None:
    s = _state(api)
    assert s["geographic"] is False
    assert [n["name"] for n in s["nodes"]] == [n["id"] for n in SMALL_NETWORK["nodes"]]
    assert all(n["latitude"] is None and n["longitude"] is None for n in s["nodes"])
    assert len(s["links"]) == len(SMALL_NETWORK["edges"]) and s["demands"] == []
    assert s["summary"]["decisions"] == 0 and s["log"] == []
    assert s["summary"]["jain_index"] == 1.0


def test_links_carry_the_routes_rates_and_match_the_engines_utilisation(api: Api) -> None:
    _load_demands(api)
    s = _state(api)
    links = {link["id"]: link for link in s["links"]}
    for plain in api.http.get("/links", headers=api.operator).json():  # the same links
        assert {k: links[plain["id"]][k] for k in plain} == plain
    # flooding: utilisation = load / lower capacity (the engine's own figure)
    for link in s["links"]:
        assert math.isclose(link["allocated_rate"],
                            link["utilisation"] * link["lower_capacity"],
                            rel_tol=1e-9, abs_tol=1e-12), link
    # and the loads are the sums over the demands' routes as GET /demands reports them
    load = dict.fromkeys(links, 0.0)
    for d in api.http.get("/demands", headers=api.operator).json():
        for route in d["routes"]:
            for e in set(route["links"]):
                load[e] += route["rate"]
    assert all(math.isclose(load[e], links[e]["allocated_rate"], rel_tol=1e-12, abs_tol=1e-15)
               for e in links)
    assert any(v > 0 for v in load.values())


def test_demands_owners_and_headline_numbers(api: Api) -> None:
    ids = _load_demands(api)
    s = _state(api)
    names = {c["id"]: c["name"] for c in api.http.get("/clients", headers=api.operator).json()}
    listed = {d["id"]: d for d in api.http.get("/demands", headers=api.operator).json()}
    assert sorted(d["id"] for d in s["demands"]) == sorted(ids)
    for d in s["demands"]:
        ref = listed[d["id"]]
        assert names[d["owner_id"]] == d["owner"]
        for key in ("endpoints", "priority", "floor", "rate", "upper_bound", "status",
                    "outcome", "floor_met", "weight"):
            assert d[key] == ref[key], key
    assert {d["owner"] for d in s["demands"]} == {"alice", "bob"}
    head = s["summary"]
    outcomes = [listed[i]["outcome"] for i in ids]
    assert head["decisions"] == len(ids)
    assert head["admitted"] == outcomes.count("admitted") == 3
    assert head["rejected"] == sum(o.startswith("rejected") for o in outcomes) == 1
    assert head["active_demands"] == 3
    # Jain's index of the weighted rates R_i / w_i of the active demands
    rates = np.array([listed[i]["rate"] / listed[i]["weight"] for i in ids
                      if listed[i]["status"] == "active"])
    assert math.isclose(head["jain_index"], rates.sum() ** 2 / (rates.size * (rates**2).sum()),
                        rel_tol=1e-12)
    solve = [listed[i]["solve_ms"] for i in ids]  # every event so far is a demand
    assert math.isclose(head["latency_ms_p50"], float(np.median(solve)), rel_tol=1e-12)
    assert min(solve) <= head["latency_ms_p99"] <= max(solve)
    assert [r["demand"] for r in s["log"]] == ids
    assert [r["seq"] for r in s["log"]] == sorted(r["seq"] for r in s["log"])


def test_link_down_shows_in_state_and_log(api: Api) -> None:
    _load_demands(api)
    before = _state(api)
    busiest = max(before["links"], key=lambda link: (link["allocated_rate"], -link["id"]))
    r = api.http.patch(f"/links/{busiest['id']}", json={"state": "down"}, headers=api.operator)
    assert r.status_code == 200, r.text
    assert api.service.wait_allocated()
    after = _state(api)
    link = next(x for x in after["links"] if x["id"] == busiest["id"])
    assert link["state"] == "down" and link["allocated_rate"] == 0.0
    assert after["log"][-1]["op"] == "link_down" and after["log"][-1]["seq"] == r.json()["seq"]
    assert after["summary"]["decisions"] == before["summary"]["decisions"] + 1
    # the reallocation moved the rates of the demands that used the link, and only theirs
    was = {d["id"]: d["rate"] for d in before["demands"]}
    now = {d["id"]: d["rate"] for d in after["demands"]}
    used = {d["id"] for d in before["demands"] for link in [busiest] if d["rate"] > 0}
    assert used and any(now[k] != was[k] for k in used)
    assert all(d["allocation"] == "current" for d in api.http.get(
        "/demands", headers=api.operator).json())


def test_geographic_network_positions(api: Api) -> None:
    r = api.http.put("/network", json=GEO_NETWORK, headers=api.operator)
    assert r.status_code == 200, r.text
    s = _state(api)
    assert s["geographic"] is True
    want = {n["id"]: (n["latitude"], n["longitude"]) for n in GEO_NETWORK["nodes"]}
    assert {n["id"]: (n["latitude"], n["longitude"]) for n in s["nodes"]} == want


def test_state_needs_a_network(api: Api) -> None:
    from fastapi.testclient import TestClient

    from qinternet.service import Service, create_app, open_store

    service = Service(open_store(str(Path(api.db).with_name("empty.db"))))
    _, op = service.create_client("ops", scope="operator")

    with TestClient(create_app(service)) as http:
        r = http.get("/dashboard/state", headers={"Authorization": f"Bearer {op}"})
        assert r.status_code == 409 and r.json()["field"] == "network"
        assert http.get("/").status_code == 200  # the page itself needs neither
    service.store.close()
