"""Helpers shared by the nested and the heterogeneous chain: restart sums, per-level ascent."""

from __future__ import annotations

import numpy as np
import pytest

from qinternet.repeaters._join import restart_sums
from qinternet.repeaters.optimize import _coordinate_ascent


def _geometric_attempt(p: float, n: int) -> tuple[np.ndarray, np.ndarray]:
    """One attempt per step: success p, else restart (both after one step)."""
    success, restart = np.zeros(n), np.zeros(n)
    success[1], restart[1] = p, 1.0 - p
    return success, restart


# p = 1e-3 on 64 steps covers 6 %: the tilted sums keep the wrap-around to ~e^-16 = 1e-7
@pytest.mark.parametrize(("p", "rtol"), [(0.5, 1e-9), (0.1, 1e-9), (1e-3, 1e-6)])
def test_restart_sums_give_the_geometric_distribution(p: float, rtol: float) -> None:
    n = 64
    success, restart = _geometric_attempt(p, n)
    pmf, (same, half) = restart_sums(success, restart, [success, 0.5 * success])
    t = np.arange(n)
    exact = np.where(t >= 1, p * (1.0 - p) ** np.maximum(t - 1, 0), 0.0)
    np.testing.assert_allclose(pmf, exact, rtol=rtol, atol=1e-15)
    np.testing.assert_allclose(same, pmf, rtol=1e-9, atol=1e-15)
    np.testing.assert_allclose(half, 0.5 * pmf, rtol=1e-9, atol=1e-15)
    assert pmf[0] == 0.0 and same[0] == 0.0 and np.all(pmf >= 0.0)


def test_restart_sums_leave_signed_weights_unclamped() -> None:
    success, restart = _geometric_attempt(0.5, 32)
    pmf, (negative,) = restart_sums(success, restart, [-success])
    np.testing.assert_allclose(negative, -pmf, rtol=1e-12, atol=1e-15)


def test_coordinate_ascent_improves_one_level_at_a_time() -> None:
    target = (3, 12, None)     # None (no cut-off) counts as 1000 steps

    def objective(cutoffs: tuple[int | None, ...]) -> float:
        return 2000.0 - sum(abs((1000 if c is None else c) - (1000 if t is None else t))
                            for c, t in zip(cutoffs, target, strict=True))

    start = (5, 5, 5)
    best, rate = _coordinate_ascent(objective, start, objective(start), 20, sweeps=3)
    assert rate == objective(best) > objective(start)
    assert best[2] is None and best[0] <= 5 <= best[1]  # type: ignore[operator]


def test_coordinate_ascent_keeps_an_optimum() -> None:
    best, rate = _coordinate_ascent(lambda c: 1.0, (4, 4), 1.0, 20, sweeps=3)
    assert best == (4, 4) and rate == 1.0
