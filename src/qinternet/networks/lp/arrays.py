"""Integer-indexed link arrays: the seam between the network model and the LP solvers."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = ["LinkArrays"]


@dataclass(frozen=True, slots=True, kw_only=True)
class LinkArrays:
    """An undirected multigraph as arrays; link ``e`` joins ``tail[e]`` and ``head[e]``.

    Nodes are ``0 .. num_nodes-1``. Parallel links stay separate entries (each keeps its own
    usage variable). ``capacity`` is the per-use value of each link in ebits per use: the upper
    values E_up for an upper-bound LP, the lower values R_lo for an achievable LP.
    """

    #: Number of nodes.
    num_nodes: int
    #: One endpoint of each link, shape (m,), int64.
    tail: npt.NDArray[np.int64]
    #: Other endpoint of each link, shape (m,), int64.
    head: npt.NDArray[np.int64]
    #: Capacity of each link in ebits per use, shape (m,), float64, >= 0.
    capacity: npt.NDArray[np.float64]

    @property
    def num_links(self) -> int:
        """Number of links (parallel links counted separately)."""
        return int(self.tail.shape[0])

    def with_capacity(self, capacity: npt.NDArray[np.float64]) -> LinkArrays:
        """The same topology with other capacities (e.g. upper instead of lower values)."""
        return LinkArrays(
            num_nodes=self.num_nodes, tail=self.tail, head=self.head,
            capacity=np.asarray(capacity, dtype=np.float64),
        )
