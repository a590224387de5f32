"""Write docs/dashboard.png: the operator dashboard at 1280x800 on SNDlib polska.

A fresh service (temporary SQLite store) with two clients and a few demands (pairs with and
without floors, a GHZ group, one floor no protocol can meet), one link degraded to half and
one link down; then chromium (Debian's package, through Playwright) opens the page, enters the
operator token and takes the screenshot.

    PYTHONPATH=src python scripts/dashboard_screenshot.py [OUT.png]
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

TOPOLOGY = "topohub:sndlib/polska"
DEMANDS = [
    ("alice", {"endpoints": ["Gdansk", "Krakow"], "floor": 2e-4}),
    ("alice", {"endpoints": ["Szczecin", "Rzeszow"]}),
    ("bob", {"endpoints": ["Warsaw", "Wroclaw"], "floor": 1e-4}),
    ("bob", {"endpoints": ["Poznan", "Bialystok", "Katowice"]}),
    ("alice", {"endpoints": ["Kolobrzeg", "Lodz"], "weight": 2.0}),
    ("bob", {"endpoints": ["Gdansk", "Rzeszow"], "floor": 0.01}),  # rejected: a cut proves it
]


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def main(out: Path) -> None:
    from playwright.sync_api import sync_playwright

    from qinternet.service import Service, open_store
    from qinternet.service.server import topology_source

    chromium = shutil.which("chromium")
    if chromium is None:
        sys.exit("no chromium binary (apt-get install -y chromium)")
    with tempfile.TemporaryDirectory(prefix="qinternet-shot-") as tmp:
        db = str(Path(tmp) / "shot.db")
        service = Service(open_store(db))
        _, op = service.create_client("noc", scope="operator", max_priority=10)
        tokens = {name: service.create_client(name, max_priority=1)[1]
                  for name in ("alice", "bob")}
        service.set_network(topology_source(TOPOLOGY))
        service.store.close()
        port = _port()
        url = f"http://127.0.0.1:{port}"
        proc = subprocess.Popen([sys.executable, "-m", "qinternet.cli.main", "serve", "--db",
                                 db, "--port", str(port)], env={**os.environ})
        try:
            for _ in range(600):
                try:
                    if httpx.get(url + "/healthz", timeout=1.0).status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.05)
            for who, body in DEMANDS:
                httpx.post(url + "/demands", json=body, timeout=60.0,
                           headers={"Authorization": f"Bearer {tokens[who]}"})
            auth = {"Authorization": f"Bearer {op}"}
            links = httpx.get(url + "/links", headers=auth).json()
            busiest = sorted(links, key=lambda x: (-x["utilisation"], x["id"]))
            httpx.patch(url + f"/links/{busiest[0]['id']}", json={"state": "down"},
                        headers=auth, timeout=60.0)
            httpx.patch(url + f"/links/{busiest[1]['id']}", json={"factor": 0.5},
                        headers=auth, timeout=60.0)
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=chromium)
                page = browser.new_page(viewport={"width": 1280, "height": 800})
                page.goto(url + "/")
                page.get_by_label("Operator token").fill(op)
                page.get_by_role("button", name="Connect").click()
                page.wait_for_selector("#live[data-state='on']")
                page.wait_for_function(
                    "n => document.querySelectorAll('#demand-table tbody tr').length === n",
                    arg=len(DEMANDS))
                page.screenshot(path=str(out))
                if os.environ.get("QINTERNET_SHOT_NARROW"):
                    page.set_viewport_size({"width": 390, "height": 844})
                    page.screenshot(path=os.environ["QINTERNET_SHOT_NARROW"], full_page=True)
                browser.close()
            state = httpx.get(url + "/dashboard/state", headers=auth).json()
            print(json.dumps({"screenshot": str(out), "down": busiest[0]["id"],
                              "degraded": busiest[1]["id"], "summary": state["summary"]}))
        finally:
            proc.terminate()
            proc.wait(timeout=30)


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs/dashboard.png"))
