"""``qinternet bounds --json`` is byte-identical to its output before routes and certificates
became typed (issue 8 item 7): every certificate kind (min cut, zero cut, potentials, cuts), path
and tree routes, duplicate node names, a disconnected pair, both usage models, all objectives.

The expected stdout was captured once from the main branch at commit b1f1175 (the untyped
dicts) into ``tests/data/bounds_json_golden.json``; only ``time_s`` (wall clock) is masked.
Regenerate (``python tests/cli/test_cli_bounds_golden.py`` with the package importable) only
for a deliberate change of a computed number.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import sys
from pathlib import Path
from typing import Any

import pytest

from qinternet.cli.main import main

GOLDEN = Path(__file__).parents[1] / "data" / "bounds_json_golden.json"
_TIME = re.compile(r'"time_s": [0-9.eE+-]+')


def _golden() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(GOLDEN.read_text())
    return data


def _stdout(topology: str, args: list[str], graphs: dict[str, Any], tmp: Path) -> str:
    if topology in graphs:
        path = tmp / f"{topology}.json"
        path.write_text(json.dumps(graphs[topology]))
        topology = str(path)
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        code = main(["bounds", topology, *args, "--json"])
    assert code == 0
    return buf.getvalue().rstrip("\n")


def _masked(text: str) -> str:
    assert len(_TIME.findall(text)) == 1
    return _TIME.sub('"time_s": 0', text)


CASES = _golden()["cases"]


@pytest.mark.parametrize("case", CASES, ids=[c["case"] for c in CASES])
def test_bounds_json_is_byte_identical_to_the_untyped_version(
        case: dict[str, Any], tmp_path: Path) -> None:
    got = _stdout(case["topology"], case["args"], _golden()["graphs"], tmp_path)
    assert _masked(got) == _masked(case["stdout"])


def test_golden_cases_cover_every_certificate_and_route_kind() -> None:
    """The comparison above is only as good as its cases: every kind must occur."""
    outputs = [json.loads(c["stdout"]) for c in CASES]
    kinds = {o["certificate"]["type"] for o in outputs}
    assert kinds == {"min_cut", "potentials", "cuts"}
    assert any(o["certificate"].get("cut_links") == [] for o in outputs)  # zero cut
    shapes = {key for o in outputs for r in o["routes"] for key in r if key in ("path", "tree")}
    assert shapes == {"path", "tree"}
    assert any(o["routes"] == [] for o in outputs)


def _regenerate() -> None:  # pragma: no cover - run by hand
    import tempfile

    data = _golden()
    with tempfile.TemporaryDirectory() as tmp:
        for case in data["cases"]:
            case["stdout"] = _stdout(case["topology"], case["args"], data["graphs"], Path(tmp))
    GOLDEN.write_text(json.dumps(data, indent=1) + "\n")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(_regenerate())
