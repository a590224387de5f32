"""A self-contained HTML report of a results folder (``qinternet report DIR``).

One plot per swept parameter and numeric output (PNG embedded as base64, no external file or
CDN), log scales where the positive values span more than two decades, then the tables:
status counts, failed points, and the results.
"""

from __future__ import annotations

import base64
import html
import io
import math
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qinternet.errors import InvalidParameterError

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["MAX_LINES", "MAX_TABLE_ROWS", "numeric_outputs", "swept_parameters", "write_report"]

#: Rows of the results table shown in the page (the Parquet files hold them all).
MAX_TABLE_ROWS = 500
#: Largest number of lines (one per combination of the other swept parameters) per plot.
MAX_LINES = 12
#: Ratio max/min of positive values from which an axis is drawn on a log scale.
LOG_SPAN = 100.0

_META = {"point_index", "task_key", "status", "error", "seed", "wall_time_s", "warnings",
         "qinternet_version", "zip_index", "sample_index"}


def swept_parameters(frame: pd.DataFrame) -> list[str]:
    """Inputs that take more than one value in ``frame`` (in column order)."""
    inputs = frame.attrs.get("inputs") or []
    return [c for c in inputs if c in frame.columns and frame[c].nunique(dropna=True) > 1]


def numeric_outputs(frame: pd.DataFrame) -> list[str]:
    """Output columns with at least one finite number (booleans and text excluded)."""
    import pandas as pd

    inputs = set(frame.attrs.get("inputs") or [])
    out = []
    for c in frame.columns:
        if c in _META or c in inputs:
            continue
        col = frame[c]
        if pd.api.types.is_bool_dtype(col) or not pd.api.types.is_numeric_dtype(col):
            continue
        values = pd.to_numeric(col, errors="coerce").astype(float)
        if values.notna().any() and values.map(math.isfinite).any():
            out.append(c)
    return out


def _log_scale(values: Any) -> bool:
    positive = [float(v) for v in values if v is not None and math.isfinite(float(v))
                and float(v) > 0]
    return len(positive) >= 2 and max(positive) / min(positive) > LOG_SPAN


def _is_numeric(frame: pd.DataFrame, column: str) -> bool:
    import pandas as pd

    col = frame[column]
    return pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col)


def _figure_png(fig: Any) -> str:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=90, bbox_inches="tight")
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _plot(frame: pd.DataFrame, x: str, y: str, others: list[str]) -> str:
    """One PNG (base64) of ``y`` against ``x``: a line per combination of ``others``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    data = frame[frame["status"] == "ok"]
    fig, ax = plt.subplots(figsize=(6.0, 3.8))
    numeric_x = _is_numeric(data, x)
    categories = sorted(map(str, data[x].dropna().unique()))
    groups = list(data.groupby(others, dropna=False, sort=True)) if others else [((), data)]
    if len(groups) > MAX_LINES:
        groups = [(("all points",), data)]
        scatter = True
    else:
        scatter = False
    for label, group in groups:
        group = group.sort_values(x, kind="stable")
        xs = group[x] if numeric_x else group[x].astype(str).map(categories.index)
        name = ", ".join(f"{k}={v}" for k, v in zip(others, label, strict=False)) \
            if others and not scatter else None
        if scatter or not numeric_x:
            ax.plot(xs, group[y], "o", ms=4, alpha=0.8, label=name)
        else:
            ax.plot(xs, group[y], "o-", ms=3, lw=1.2, label=name)
    if not numeric_x:
        ax.set_xticks(range(len(categories)), categories, rotation=30, ha="right")
    if numeric_x and _log_scale(data[x]) and (data[x] > 0).all():
        ax.set_xscale("log")
    if _log_scale(data[y]):
        ax.set_yscale("log")
    ax.set_xlabel(x)
    ax.set_ylabel(y)
    ax.grid(True, which="both", alpha=0.3)
    if any(name for name in ax.get_legend_handles_labels()[1]):
        ax.legend(fontsize=7, loc="best")
    try:
        return _figure_png(fig)
    finally:
        plt.close(fig)


def _table(frame: pd.DataFrame, limit: int) -> str:
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    body = []
    for row in frame.head(limit).itertuples(index=False):
        cells = "".join(f"<td>{html.escape(_cell(v))}</td>" for v in row)
        body.append(f"<tr>{cells}</tr>")
    more = "" if len(frame) <= limit else (
        f"<p class='note'>First {limit} of {len(frame)} rows; the Parquet files hold all.</p>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>{more}"


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return "" if math.isnan(value) else f"{value:.6g}"
    return str(value)


_STYLE = """
body { font-family: sans-serif; margin: 2em; color: #222; }
table { border-collapse: collapse; font-size: 0.8em; margin: 0.5em 0 1.5em 0; }
th, td { border: 1px solid #ccc; padding: 2px 6px; text-align: right; }
th { background: #f0f0f0; }
.plots { display: flex; flex-wrap: wrap; gap: 1em; }
.plots figure { margin: 0; }
.note { color: #666; font-size: 0.85em; }
"""


def write_report(folder: str | os.PathLike[str], out: str | os.PathLike[str]) -> dict[str, Any]:
    """Write a self-contained HTML report of a results folder.

    Parameters
    ----------
    folder : str or Path
        A results folder (:func:`~qinternet.sweeps.run_sweep`).
    out : str or Path
        The HTML file to write (atomically).

    Returns
    -------
    dict
        ``{"report", "rows", "ok", "errors", "plots", "swept", "outputs"}``.

    Raises
    ------
    InvalidParameterError
        The folder holds no sweep results.
    """
    from qinternet.sweeps._store import atomic_write_bytes, load

    frame = load(folder)
    swept = swept_parameters(frame)
    outputs = numeric_outputs(frame)
    ok = int((frame["status"] == "ok").sum()) if len(frame) else 0
    failed = frame[frame["status"] != "ok"] if len(frame) else frame
    figures = []
    for x in swept:
        others = [p for p in swept if p != x]
        for y in outputs:
            png = _plot(frame, x, y, others)
            caption = html.escape(f"{y} vs {x}")
            figures.append(f"<figure><img alt='{caption}' src='data:image/png;base64,{png}'>"
                           f"<figcaption>{caption}</figcaption></figure>")
    computation = html.escape(str(frame.attrs.get("computation")))
    title = f"qinternet sweep: {computation} ({len(frame)} points)"
    status = frame.groupby("status").size().reset_index(name="rows") if len(frame) else frame
    sections = [
        f"<h1>{title}</h1>",
        f"<p>Folder <code>{html.escape(str(Path(folder)))}</code>; swept: "
        f"{html.escape(', '.join(swept) or 'nothing')}. Units are in the column names.</p>",
        "<h2>Plots</h2>",
        f"<div class='plots'>{''.join(figures)}</div>" if figures else
        "<p class='note'>No plot: no swept parameter with a numeric output.</p>",
        "<h2>Status</h2>", _table(status, 10),
    ]
    if len(failed):
        sections += ["<h2>Failed points</h2>",
                     _table(failed[[c for c in ("point_index", *swept, "error")
                                    if c in failed.columns]], MAX_TABLE_ROWS)]
    shown = [c for c in frame.columns if c not in ("task_key", "warnings")]
    sections += ["<h2>Results</h2>", _table(frame[shown], MAX_TABLE_ROWS)]
    page = (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{title}</title>"
            f"<style>{_STYLE}</style></head><body>{''.join(sections)}</body></html>")
    target = Path(out).expanduser()
    if not target.parent.is_dir():
        raise InvalidParameterError("out", os.fspath(out), "must be in an existing folder")
    atomic_write_bytes(target, page.encode("utf-8"))
    return {"report": str(target), "rows": len(frame), "ok": ok, "errors": len(frame) - ok,
            "plots": len(figures), "swept": swept, "outputs": outputs}
