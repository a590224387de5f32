"""Parallel-link groups of a topology (links sorted by node pair), cached per topology."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from qinternet.networks.lp.arrays import LinkArrays

__all__ = ["ParallelGroups", "simple_structure"]


@dataclass(frozen=True, slots=True)
class ParallelGroups:
    """Links grouped by node pair: ``order[starts[g]:ends[g]]`` are the links of group g."""

    order: npt.NDArray[np.int64]
    starts: npt.NDArray[np.int64]
    ends: npt.NDArray[np.int64]
    keys: npt.NDArray[np.int64]
    lo: npt.NDArray[np.int64]
    hi: npt.NDArray[np.int64]


_SIMPLE_CACHE: list[tuple[Any, Any, ParallelGroups]] = []


def simple_structure(arrays: LinkArrays) -> ParallelGroups:
    """Parallel-link groups of the topology, cached for the last topologies seen."""
    for tail, head, st in _SIMPLE_CACHE:
        if tail is arrays.tail and head is arrays.head:
            return st
    lo = np.minimum(arrays.tail, arrays.head)
    hi = np.maximum(arrays.tail, arrays.head)
    key = lo * np.int64(max(arrays.num_nodes, 1)) + hi
    order = np.argsort(key, kind="stable")
    sorted_key = key[order]
    first = np.ones(sorted_key.shape[0], dtype=bool)
    first[1:] = sorted_key[1:] != sorted_key[:-1]
    starts = np.flatnonzero(first)
    ends = np.append(starts[1:], sorted_key.shape[0])
    st = ParallelGroups(order=order, starts=starts, ends=ends, keys=sorted_key[starts],
                        lo=lo[order[starts]], hi=hi[order[starts]])
    _SIMPLE_CACHE.insert(0, (arrays.tail, arrays.head, st))  # strong refs: ids cannot recycle
    del _SIMPLE_CACHE[4:]
    return st
