"""Helpers of the sweep tests: frames compared without timing columns, shared specs."""

from __future__ import annotations

import pandas as pd

#: Columns that legitimately differ between two runs of the same point.
TIMING = ["wall_time_s"]


def comparable(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows in point order without timing columns (for equality across backends)."""
    return frame.drop(columns=TIMING).sort_values("point_index").reset_index(drop=True)


#: A deterministic network-LP sweep with failing points: 3-node Gabriel graphs have only 3
#: node pairs, so random_pairs = 4 fails in the library (at run time, not in validation).
BOUNDS_SPEC = """
computation = "bounds"
[parameters]
nodes = [3, 30]
seed = [0, 1, 2, 3, 4]
random_pairs = [1, 4]
[fixed]
topology = "gabriel"
area_km = 300
"""
