"""``qinternet demo`` writes ``report.html``: every part in one self-contained page, checked
as text (numbers, embedded PNGs, no external reference) and rendered in chromium."""

from __future__ import annotations

import base64
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    from qinternet.cli.demo import run_demo

    out = tmp_path_factory.mktemp("demo")
    summary = run_demo(out, Console(quiet=True))
    return out, summary


def test_report_holds_every_part_with_its_numbers_and_plots(
        demo: tuple[Path, dict[str, Any]]) -> None:
    from qinternet.sweeps._report import _cell

    out, summary = demo
    report = out / "report.html"
    assert summary["report"] == str(report)
    text = report.read_text(encoding="utf-8")
    for part in ("channels", "networks", "qkd", "repeaters"):
        assert f"<section id='{part}'>" in text
    # each plot file is embedded byte for byte, and nothing else is referenced
    images = re.findall(r"src='data:image/png;base64,([A-Za-z0-9+/=]+)'", text)
    pngs = sorted(out.glob("*.png"))
    assert len(pngs) == 5
    assert sorted(base64.b64decode(i) for i in images) == sorted(p.read_bytes() for p in pngs)
    assert not re.search(r"(src|href)=['\"](?!data:|#)", text)
    # numbers of the JSON summary appear in the tables, as the sweep report prints them
    for value in (summary["channels"]["plob_ebits_per_use"][3],
                  summary["networks"]["results"][0]["upper"],
                  summary["qkd"]["protocols"]["mdi"]["maximum_distance_km"],
                  summary["repeaters"]["rows"][-1]["secret_key_rate_bits_per_s"]):
        assert f"<td>{_cell(value)}</td>" in text, value
    assert "bits per pulse pair" in text and "length_km" in text


def test_report_renders_in_chromium(demo: tuple[Path, dict[str, Any]], tmp_path: Path) -> None:
    sync_api = pytest.importorskip("playwright.sync_api", reason="needs playwright")
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip("no chromium binary (Debian package chromium; `make sysdeps` installs it)")
    out, _ = demo
    errors: list[str] = []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto((out / "report.html").as_uri())
            page.wait_for_load_state("load")
            loaded = page.evaluate("""() => [...document.images].map(
                i => [i.alt, i.complete, i.naturalWidth, i.getBoundingClientRect().width])""")
            assert len(loaded) == 5
            for alt, complete, natural, shown in loaded:
                assert complete and natural > 100 and 0 < shown <= 1280, alt
            assert page.evaluate("document.documentElement.scrollWidth") <= 1280
            assert page.locator("h2").count() == 4
            shot = tmp_path / "report.png"
            page.screenshot(path=str(shot), full_page=True)
            assert shot.stat().st_size > 10_000
        finally:
            browser.close()
    assert errors == []
