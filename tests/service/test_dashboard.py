"""The operator dashboard in a real browser: Playwright driving Debian's ``chromium`` against
a real ``qinternet serve`` on a loopback port.

Skipped only when Playwright or the chromium binary is missing (``make sysdeps`` installs it).
"""

from __future__ import annotations

import json
import shutil
import struct
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from _svc_helpers import GEO_NETWORK, SMALL_NETWORK, ServerProcess

sync_api = pytest.importorskip("playwright.sync_api", reason="needs playwright (extra test)")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no chromium binary (Debian package "
                                "chromium; `make sysdeps` installs it)")

#: The page must show a change made through the API within this time (issue 12).
UPDATE_TIMEOUT_MS = 2000


@dataclass
class Server:
    url: str
    operator: str
    alice: str

    def call(self, method: str, path: str, token: str | None = None, **kw: Any) -> Any:
        r = httpx.request(method, self.url + path, timeout=30.0,
                          headers={"Authorization": f"Bearer {token or self.operator}"}, **kw)
        assert r.status_code < 300, r.text
        return r.json()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM)
        yield b
        b.close()


def _serve(tmp_path: Path, network: dict[str, Any]) -> Iterator[Server]:
    from qinternet.service import Service, open_store

    db = str(tmp_path / "dash.db")
    service = Service(open_store(db))
    _, op = service.create_client("ops", scope="operator", max_priority=10)
    _, alice = service.create_client("alice", max_priority=2)
    service.set_network({"suffix": ".json", "text": json.dumps(network)})
    service.store.close()
    with ServerProcess(db) as proc:
        yield Server(proc.url, op, alice)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    yield from _serve(tmp_path, SMALL_NETWORK)


@pytest.fixture
def geo_server(tmp_path: Path) -> Iterator[Server]:
    yield from _serve(tmp_path, GEO_NETWORK)


class Page:
    """A page with its console errors and uncaught exceptions recorded."""

    def __init__(self, browser: Any, width: int = 1280, height: int = 800) -> None:
        self.context = browser.new_context(viewport={"width": width, "height": height})
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error"
                     else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

    def open(self, server: Server, *, rows: int | None = None) -> Any:
        page = self.page
        page.goto(server.url + "/")
        page.get_by_label("Operator token").fill(server.operator)
        page.get_by_role("button", name="Connect").click()
        page.wait_for_selector("#live[data-state='on']", timeout=15000)
        page.wait_for_function("n => document.querySelectorAll('#map g.node').length === n",
                               arg=len(SMALL_NETWORK["nodes"]), timeout=15000)
        if rows is not None:
            page.wait_for_function(
                "n => document.querySelectorAll('#demand-table tbody tr').length === n",
                arg=rows, timeout=15000)
        return page

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def tab(browser: Any) -> Iterator[Page]:
    p = Page(browser)
    yield p
    p.close()


def _node_xy(page: Any, name: str) -> tuple[float, float]:
    c = page.locator(f"#map g.node[data-node='{name}'] circle")
    return float(c.get_attribute("cx")), float(c.get_attribute("cy"))


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    w, h = struct.unpack(">II", data[16:24])
    return int(w), int(h)


def _submit(server: Server) -> list[str]:
    ids = []
    for body in ({"endpoints": ["A", "D"], "floor": 0.05}, {"endpoints": ["B", "E"]},
                 {"endpoints": ["C", "F"], "weight": 2.0}):
        ids.append(server.call("POST", "/demands", server.alice, json=body)["id"])
    return ids


@pytest.mark.parametrize("geographic", [False, True], ids=["force-layout", "geographic"])
def test_page_loads_without_console_errors_and_maps_every_node(
        request: pytest.FixtureRequest, tab: Page, geographic: bool) -> None:
    server: Server = request.getfixturevalue("geo_server" if geographic else "server")
    network = GEO_NETWORK if geographic else SMALL_NETWORK
    page = tab.open(server)
    names = [n.get("label", n["id"]) for n in network["nodes"]]
    xy = {name: _node_xy(page, name) for name in names}
    assert len(xy) == page.locator("#map g.node").count() == len(names)
    for name, (x, y) in xy.items():  # every node is drawn inside the picture, labelled
        assert 0 <= x <= 800 and 0 <= y <= 520, name
        assert page.locator(f"#map g.node[data-node='{name}'] text").text_content() == name
    assert page.locator("#map path.link").count() == len(network["edges"])
    assert min(abs(xy[a][0] - xy[b][0]) + abs(xy[a][1] - xy[b][1])
               for a in names for b in names if a < b) > 20  # no two nodes on top
    kind = page.locator("#layout-kind").inner_text()
    if geographic:
        assert "geographic" in kind
        # north is up and east is right: against the latitudes and longitudes given
        for a in network["nodes"]:
            for b in network["nodes"]:
                if a["longitude"] < b["longitude"]:
                    assert xy[a["label"]][0] < xy[b["label"]][0]
                if a["latitude"] < b["latitude"]:
                    assert xy[a["label"]][1] > xy[b["label"]][1]
    else:
        assert "force" in kind
    assert page.locator("#net-name").inner_text().endswith("(epoch 1)")
    assert tab.errors == []


def test_link_down_through_the_api_shows_on_the_page_within_2_s(
        server: Server, tab: Page, tmp_path: Path) -> None:
    ids = _submit(server)
    page = tab.open(server, rows=len(ids))
    before = {d["id"]: d["rate"] for d in server.call("GET", "/demands?wait=true")}
    links = server.call("GET", "/links")
    busiest = max(links, key=lambda link: (link["utilisation"] * link["lower_capacity"],
                                           -link["id"]))["id"]
    path = page.locator(f"#map path.link[data-link='{busiest}']")
    assert path.get_attribute("data-state") == "up" and path.get_attribute(
        "stroke-dasharray") is None
    decision = server.call("PATCH", f"/links/{busiest}", json={"state": "down"})
    t0 = time.monotonic()
    # the failure is decided at once; the rates follow from the background reallocation
    after = {d["id"]: d["rate"] for d in server.call("GET", "/demands?wait=true")}
    assert any(abs(after[k] - before[k]) > 1e-9 for k in ids), "the failure moved no rate"
    page.wait_for_function(
        """([link, rates]) => {
            const p = document.querySelector(`#map path.link[data-link='${link}']`);
            if (!p || p.dataset.state !== 'down' || !p.getAttribute('stroke-dasharray'))
                return false;
            return Object.entries(rates).every(([id, rate]) => {
                const cell = document.querySelector(`tr[data-demand='${id}'] td.rate`);
                return cell && Math.abs(Number(cell.dataset.value) - rate)
                    <= 1e-12 * Math.max(1, Math.abs(rate));
            });
        }""", arg=[busiest, after], timeout=UPDATE_TIMEOUT_MS)
    shown_s = time.monotonic() - t0
    # the decision log shows the event, the headline its count
    assert page.locator(f"#log li[data-seq='{decision['seq']}']").inner_text().count(
        "link_down") == 1
    assert page.locator("#h-admitted").inner_text() == "3"
    for d in server.call("GET", "/demands"):  # the displayed text is the rate too
        cell = page.locator(f"tr[data-demand='{d['id']}'] td.rate")
        assert float(cell.inner_text()) == pytest.approx(d["rate"], rel=1e-3)
    # width grows with the allocated rate and the hue falls (green to red) with utilisation
    drawn = page.evaluate("""() => [...document.querySelectorAll('#map path.link')].map(p =>
        [Number(p.dataset.link), Number(p.getAttribute('stroke-width')),
         p.getAttribute('stroke')])""")
    state = server.call("GET", "/dashboard/state")["links"]
    up = {x["id"]: x for x in state if x["state"] == "up"}
    style = {ident: (width, stroke) for ident, width, stroke in drawn if ident in up}
    hue = {i: float(stroke[4:].split(",")[0]) for i, (_, stroke) in style.items()}
    for a in up:
        for b in up:
            if up[a]["allocated_rate"] > up[b]["allocated_rate"] + 1e-9:
                assert style[a][0] > style[b][0], (a, b)
            if up[a]["utilisation"] > up[b]["utilisation"] + 0.01:
                assert hue[a] < hue[b], (a, b)
    shot = tmp_path / "dashboard.png"
    page.screenshot(path=str(shot))
    assert _png_size(shot) == (1280, 800)
    print(f"page updated {shown_s:.3f} s after the PATCH returned; screenshot {shot}")
    assert tab.errors == []


def test_operator_actions_on_the_page_reach_the_api(server: Server, tab: Page) -> None:
    page = tab.open(server, rows=0)

    def link(ident: int) -> dict[str, Any]:
        return next(x for x in server.call("GET", "/links") if x["id"] == ident)

    def until(check: Any, what: str) -> None:
        deadline = time.monotonic() + 15
        while not check():
            assert time.monotonic() < deadline, what
            time.sleep(0.05)

    page.get_by_label("Link", exact=True).select_option("3")
    page.get_by_label("Degrade factor").fill("0.5")
    page.get_by_role("button", name="Degrade").click()
    until(lambda: link(3)["factor"] == 0.5, "degrade did not reach the API")
    page.get_by_role("button", name="Set down").click()
    until(lambda: link(3)["state"] == "down", "link down did not reach the API")
    page.wait_for_selector("#map path.link[data-link='3'][data-state='down']", timeout=5000)
    page.get_by_role("button", name="Set up").click()
    until(lambda: link(3)["state"] == "up", "link up did not reach the API")

    page.get_by_label("Endpoints").fill("A, D")
    page.get_by_label("Floor").fill("0.05")
    page.get_by_role("button", name="Add demand").click()
    until(lambda: len(server.call("GET", "/demands")) == 1, "the demand did not arrive")
    (made,) = server.call("GET", "/demands")
    assert made["endpoints"] == ["A", "D"] and made["floor"] == 0.05
    assert made["idempotency_key"]  # the page sends one, so a retry cannot duplicate it
    row = page.locator(f"tr[data-demand='{made['id']}']")
    row.wait_for(timeout=5000)
    assert "ops" in row.inner_text() and made["id"] in page.locator("#message").inner_text()
    page.get_by_role("button", name=f"Cancel demand {made['id']}").click()
    until(lambda: server.call("GET", f"/demands/{made['id']}")["status"] == "cancelled",
          "cancel did not reach the API")
    page.wait_for_selector(f"tr[data-demand='{made['id']}'][data-status='cancelled']",
                           timeout=5000)
    # the token is in no storage, cookie, field or URL
    kept = page.evaluate("""() => [localStorage.length, sessionStorage.length, document.cookie,
        document.getElementById('token-input').value, location.href]""")
    assert kept == [0, 0, "", "", server.url + "/"]
    assert server.operator not in page.content()
    assert tab.errors == []


def test_bad_input_is_reported_on_the_page(server: Server, tab: Page) -> None:
    page = tab.open(server, rows=0)
    page.get_by_label("Endpoints").fill("A, Nowhere")
    page.get_by_role("button", name="Add demand").click()
    msg = page.locator("#message[data-kind='error']")
    msg.wait_for(timeout=5000)
    assert "Nowhere" in msg.inner_text()
    tab.errors.clear()  # the 422 response itself is logged by the browser as a failed load
    page.goto(server.url + "/")
    page.get_by_label("Operator token").fill("qi_cnotaclient_secret")
    page.get_by_role("button", name="Connect").click()
    page.wait_for_selector("#message[data-kind='error']", timeout=5000)
    assert page.locator("#live").get_attribute("data-state") == "off"
    assert page.get_by_role("button", name="Add demand").is_disabled()
    assert page.get_by_role("button", name="Set down").is_disabled()


def test_layout_at_1280x800_and_on_a_narrow_screen(browser: Any, geo_server: Server) -> None:
    wide = Page(browser, 1280, 800)
    try:
        page = wide.open(geo_server)
        box = {s: page.locator(s).bounding_box() for s in (".map-panel", ".actions",
                                                           "#headline")}
        assert box[".map-panel"]["x"] + box[".map-panel"]["width"] <= box[".actions"]["x"]
        assert box["#headline"]["y"] + box["#headline"]["height"] < 800
        assert box[".map-panel"]["y"] < 800 and box[".actions"]["y"] < 800
        _accessible_names(page)
    finally:
        wide.close()
    narrow = Page(browser, 390, 844)
    try:
        page = narrow.open(geo_server)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        box = {s: page.locator(s).bounding_box() for s in ("#map", ".actions")}
        assert box["#map"]["width"] <= 390 and box[".actions"]["width"] <= 390
        assert box[".actions"]["y"] >= box["#map"]["y"] + box["#map"]["height"]  # stacked
        assert page.get_by_role("button", name="Set down").is_visible()
        assert narrow.errors == []
    finally:
        narrow.close()


def _accessible_names(page: Any) -> None:
    """Every control has a name: a <label>, an aria-label or its text."""
    unnamed = page.evaluate("""() => [...document.querySelectorAll('input, select, button')]
        .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label')
                     && !e.textContent.trim())
        .map(e => e.id || e.outerHTML)""")
    assert unnamed == []
