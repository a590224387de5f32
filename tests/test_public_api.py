"""The public API is a tested artefact: ``__all__`` lists exactly the documented public names."""

from __future__ import annotations

import importlib
import pkgutil
import re
from pathlib import Path

import pytest

import qinternet

API_DOC = Path(__file__).parents[1] / "docs" / "api.md"


def _public_modules() -> list[str]:
    names = ["qinternet"]
    for info in pkgutil.walk_packages(qinternet.__path__, "qinternet."):
        parts = info.name.split(".")
        if any(p.startswith("_") for p in parts) or parts[1] in {"cli", "plotting"}:
            continue
        names.append(info.name)
    return sorted(names)


@pytest.mark.parametrize("name", _public_modules())
def test_all_is_sorted_and_resolvable(name: str) -> None:
    module = importlib.import_module(name)
    exported = getattr(module, "__all__", None)
    assert exported is not None, f"{name} has no __all__"
    assert list(exported) == sorted(exported), f"{name}.__all__ is not sorted"
    for item in exported:
        assert hasattr(module, item), f"{name}.__all__ lists missing {item}"


def _documented() -> dict[str, list[str]]:
    """Parse docs/api.md: '## `module`' headings followed by '- `name`' bullets."""
    doc: dict[str, list[str]] = {}
    current = None
    for line in API_DOC.read_text().splitlines():
        head = re.match(r"^## `([\w.]+)`", line)
        if head:
            current = head.group(1)
            doc[current] = []
            continue
        item = re.match(r"^- `(\w+)`", line)
        if item and current is not None:
            doc[current].append(item.group(1))
    return doc


def test_docs_list_exactly_the_public_api() -> None:
    documented = _documented()
    for module_name, names in documented.items():
        module = importlib.import_module(module_name)
        assert sorted(names) == sorted(module.__all__), f"docs/api.md out of date: {module_name}"
    packages = [m for m in _public_modules() if m.count(".") <= 1
                and hasattr(importlib.import_module(m), "__path__")]
    for pkg in packages:
        assert pkg in documented, f"docs/api.md does not document package {pkg}"
