"""``demo-output/report.html``: every demo section in one self-contained page.

The page is built from the JSON summary the sections return (the same numbers as
``qinternet demo --json``) and the PNG plots they wrote, embedded as base64: no external file,
script or CDN. Tables: a section's scalars as name/value rows, lists of equal length side by
side (one column per list, the key's unit in its name), lists of records as tables, nested
records (e.g. per protocol) as sub-sections.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from qinternet import __version__
from qinternet.sweeps._report import _STYLE, _cell
from qinternet.sweeps._store import atomic_write_bytes

__all__ = ["REPORT_NAME", "write_demo_report"]

#: File name of the report in the demo's output folder.
REPORT_NAME = "report.html"

_TITLES = {
    "channels": "Repeaterless bounds of optical fibre",
    "networks": "Network bounds on a real backbone (SNDlib germany50)",
    "qkd": "QKD protocols against the PLOB bound",
    "repeaters": "A repeater chain against PLOB",
}
_PLOT_KEYS = ("plot", "plots")
_EXTRA_STYLE = """
section { margin-bottom: 2em; }
th.key, td.key { text-align: left; }
figure { max-width: 100%; }
img { max-width: 100%; height: auto; border: 1px solid #ddd; }
.wide { max-width: 100%; overflow-x: auto; }
"""


def _esc(value: Any) -> str:
    return html.escape(_cell(value) if not isinstance(value, list | tuple) else
                       ", ".join(_cell(v) for v in value))


def _kv_table(items: Sequence[tuple[str, Any]]) -> str:
    rows = "".join(f"<tr><td class='key'>{html.escape(k)}</td><td>{_esc(v)}</td></tr>"
                   for k, v in items)
    return f"<table><thead><tr><th class='key'>name</th><th>value</th></tr></thead>" \
           f"<tbody>{rows}</tbody></table>"


def _columns_table(columns: Sequence[tuple[str, Sequence[Any]]]) -> str:
    head = "".join(f"<th>{html.escape(k)}</th>" for k, _ in columns)
    body = "".join("<tr>" + "".join(f"<td>{_esc(col[i])}</td>" for _, col in columns) + "</tr>"
                   for i in range(len(columns[0][1])))
    return (f"<div class='wide'><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody>"
            "</table></div>")


def _records_table(records: Sequence[Mapping[str, Any]]) -> str:
    keys: list[str] = []
    for r in records:
        keys += [k for k in r if k not in keys]
    return _columns_table([(k, [r.get(k) for r in records]) for k in keys])


def _image(path: Path) -> str:
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    name = html.escape(path.name)
    return (f"<figure><img alt='{name}' src='data:image/png;base64,{data}'>"
            f"<figcaption>{name}</figcaption></figure>")


def _body(data: Mapping[str, Any], level: int) -> str:
    """Tables of one (sub-)section's summary, plot paths left out."""
    scalars: list[tuple[str, Any]] = []
    by_length: dict[int, list[tuple[str, Sequence[Any]]]] = {}
    parts: list[str] = []
    for key, value in data.items():
        if key in _PLOT_KEYS:
            continue
        if isinstance(value, Mapping):
            parts.append(f"<h{level}>{html.escape(key)}</h{level}>"
                         f"{_body(value, min(level + 1, 6))}")
        elif isinstance(value, list) and value and all(isinstance(v, Mapping) for v in value):
            parts.append(f"<h{level}>{html.escape(key)}</h{level}>{_records_table(value)}")
        elif isinstance(value, list) and value and not any(isinstance(v, list | Mapping)
                                                           for v in value):
            by_length.setdefault(len(value), []).append((key, value))
        else:
            scalars.append((key, value))
    tables = [_kv_table(scalars)] if scalars else []
    tables += [_columns_table(cols) for cols in by_length.values()]
    return "".join(tables + parts)


def _plots(data: Mapping[str, Any]) -> list[Path]:
    out: list[Path] = []
    for key in _PLOT_KEYS:
        value = data.get(key)
        for item in (value if isinstance(value, list) else [value] if value else []):
            out.append(Path(str(item)))
    return out


def write_demo_report(summary: Mapping[str, Any], output_dir: Path) -> Path:
    """Write ``output_dir/report.html`` from the demo's JSON ``summary``; its path.

    Every section (each key of ``summary`` holding a mapping) becomes one part of the page
    with its tables and its plots embedded as base64 PNG.
    """
    sections = [(k, v) for k, v in summary.items() if isinstance(v, Mapping)]
    toc = "".join(f"<li><a href='#{html.escape(k)}'>{html.escape(_TITLES.get(k, k))}</a></li>"
                  for k, _ in sections)
    parts = []
    for key, data in sections:
        figures = "".join(_image(p) for p in _plots(data))
        parts.append(f"<section id='{html.escape(key)}'><h2>{html.escape(_TITLES.get(key, key))}"
                     f"</h2><div class='plots'>{figures}</div>{_body(data, 3)}</section>")
    title = "qinternet demo"
    page = (f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
            f"<meta name='viewport' content='width=device-width, initial-scale=1'>"
            f"<title>{title}</title><link rel='icon' href='data:,'>"
            f"<style>{_STYLE}{_EXTRA_STYLE}</style></head><body>"
            f"<h1>{title}</h1><p class='note'>qinternet {html.escape(__version__)}; the numbers "
            f"of <code>qinternet demo --json</code>, units in the names; plots embedded.</p>"
            f"<ol>{toc}</ol>{''.join(parts)}</body></html>")
    target = output_dir / REPORT_NAME
    atomic_write_bytes(target, page.encode("utf-8"))
    return target
