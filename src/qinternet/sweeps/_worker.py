"""What runs on a worker: evaluate a batch of points, one row per point, failures included."""

from __future__ import annotations

import json
import time
import warnings
from collections.abc import Sequence
from typing import Any

from qinternet.sweeps._registry import get_computation

__all__ = ["MAX_ERROR_CHARS", "package_version", "run_batch"]

#: Longest error message kept in a row.
MAX_ERROR_CHARS = 2000


def package_version() -> str:
    """Version of the qinternet that computes (the worker's, which may differ from the client's).

    >>> package_version().count(".") >= 1
    True
    """
    try:
        from importlib.metadata import version

        return version("qinternet")
    except Exception:  # pragma: no cover - running from a source tree without metadata
        from qinternet import __version__

        return __version__


def _one_line(text: str) -> str:
    return " ".join(text.split())[:MAX_ERROR_CHARS]


def _json(value: Any) -> str | None:
    return None if value is None else json.dumps(value, separators=(",", ":"), allow_nan=True)


def run_batch(computation: str, points: Sequence[tuple[str, dict[str, Any], int]]
              ) -> list[dict[str, Any]]:
    """Evaluate ``points`` (``(key, inputs, seed)`` each); return one row dict per point.

    A point that raises gives a row with ``status = "error"``, the error's type and message in
    ``error`` and empty outputs; warnings raised while computing are kept in ``warnings``.

    >>> rows = run_batch("channel", [("k", {"model": "pure-loss", "transmissivity": 0.5}, 0),
    ...                              ("e", {"model": "pure-loss", "transmissivity": 1.0}, 0)])
    >>> rows[0]["status"], round(rows[0]["upper_ebits_per_use"], 6), rows[1]["status"]
    ('ok', 1.0, 'error')
    """
    comp = get_computation(computation)
    version = package_version()
    rows: list[dict[str, Any]] = []
    for key, inputs, seed in points:
        start = time.perf_counter()
        row: dict[str, Any] = {"task_key": key, "status": "ok", "error": None}
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                values = comp.evaluate(inputs, seed)
            except Exception as err:
                values = {}
                row["status"] = "error"
                row["error"] = _one_line(f"{type(err).__name__}: {err}")
        for out in comp.outputs:
            value = values.get(out.name)
            row[out.name] = _json(value) if out.kind == "json" else value
        row["wall_time_s"] = time.perf_counter() - start
        row["warnings"] = _json(sorted({_one_line(str(w.message)) for w in caught})) \
            if caught else None
        row["qinternet_version"] = version
        rows.append(row)
    return rows
