"""The fixed set of upper-bound methods, each with its prose (``NetworkBoundResult.upper_method``).

An *exact* method returns the optimum of the full cut LP of the query (every node bipartition a
row); a relaxation returns the optimum over a subset of the rows, which is still a proven upper
bound, only possibly looser. Every relaxation includes, by construction, the per-demand cuts: a
minimum cut per pair and the Steiner-cut LP per group.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Literal

__all__ = ["EXACT_UPPER_METHODS", "UPPER_METHODS", "UpperMethod"]

UpperMethod = Literal[
    "min-cut", "harmonic-path", "zero-cut", "steiner-cut-lp", "cut-lp-enumeration",
    "cut-lp-terminal-splits", "cut-lp-attained", "cut-lp-relaxation", "per-demand-cuts",
]

#: Prose of each upper-bound method.
UPPER_METHODS = MappingProxyType({
    "min-cut": "exact: minimum cut of the single pair (max-flow = min-cut)",
    "harmonic-path": "exact: 1 / shortest path with lengths 1/E_up (single pair under usage "
                     "frequencies; certificate: node potentials)",
    "zero-cut": "exact: a demand that counts is split by a cut of capacity 0",
    "steiner-cut-lp": "exact cut LP of a single demand (per-demand cuts: min cut / Steiner-cut "
                      "LP with m - 1 flows)",
    "cut-lp-enumeration": "exact cut LP (constraint generation, exact separation over all "
                          "node bipartitions)",
    "cut-lp-terminal-splits": "exact cut LP (constraint generation, exact separation by one "
                              "minimum cut per split of the terminal set)",
    "cut-lp-attained": "exact cut LP (rows by separation; their optimum equals a value attained "
                       "by the multicommodity flow / tree-packing LP with the same capacities, "
                       "and flow <= cut LP <= any relaxation of it)",
    "cut-lp-relaxation": "relaxation: cut LP over the per-demand cuts (a min cut per pair, the "
                         "Steiner-cut LP per group; see the reason for the one exception) and "
                         "the multi-demand cuts found by heuristic separation; a proven upper "
                         "bound, maybe not tight",
    "per-demand-cuts": "relaxation: the per-demand cuts alone (a max-flow per pair, the "
                       "Steiner-cut LP with m - 1 flows per group; network_bounds(method="
                       "'per-demand-cuts')); a proven upper bound, fast, looser than the cut LP "
                       "with three or more demands",
})

#: Methods whose value is the optimum of the full cut LP.
EXACT_UPPER_METHODS = frozenset({
    "min-cut", "harmonic-path", "zero-cut", "steiner-cut-lp", "cut-lp-enumeration",
    "cut-lp-terminal-splits", "cut-lp-attained",
})
