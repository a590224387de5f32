"""Shared test helpers: reference-case loading and tolerance checks."""

from __future__ import annotations

import json
import math
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

DATA = Path(__file__).parent / "data"

# Hypothesis profile: bounded example counts so `make test` stays fast on 2 cores.
settings.register_profile(
    "qinternet", max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("qinternet")


@cache
def load_reference(name: str) -> dict[str, Any]:
    """Load ``tests/data/<name>.json`` (a copy of shared/reference, with citations)."""
    with (DATA / f"{name}.json").open() as fh:
        data: dict[str, Any] = json.load(fh)
    return data


def reference_cases(name: str, *, kind: str | None = "value", group: str | None = None,
                    prefix: str | None = None) -> list[Any]:
    """pytest params (id = case id) of the reference cases of ``name`` matching the filters."""
    out = []
    for case in load_reference(name)["cases"]:
        if kind is not None and case["kind"] != kind:
            continue
        if group is not None and case["group"] != group:
            continue
        if prefix is not None and not case["id"].startswith(prefix):
            continue
        marks = [pytest.mark.slow] if case.get("slow") else []
        out.append(pytest.param(case, id=case["id"], marks=marks))
    return out


def tolerance_for(case: dict[str, Any], key: str) -> tuple[float, float]:
    """(rel, abs) tolerance of ``key`` in ``case`` (``tolerance_by_key`` overrides)."""
    tol = dict(case.get("tolerance", {}))
    tol.update(case.get("tolerance_by_key", {}).get(key, {}))
    return float(tol.get("rel", 0.0)), float(tol.get("abs", 0.0))


def assert_matches(case: dict[str, Any], key: str, actual: float) -> None:
    """Assert ``actual`` matches ``case['expected'][key]`` within the case's tolerance."""
    expected = case["expected"][key]
    rel, abs_ = tolerance_for(case, key)
    if isinstance(expected, bool):
        assert actual is expected, f"{case['id']}:{key}: {actual} != {expected}"
        return
    assert math.isfinite(float(actual)), f"{case['id']}:{key}: got {actual}"
    err = abs(float(actual) - float(expected))
    assert err <= abs_ + rel * abs(float(expected)), (
        f"{case['id']}:{key}: actual {actual!r} vs expected {expected!r} "
        f"(|diff| {err:.3g} > abs {abs_:g} + rel {rel:g})"
    )
