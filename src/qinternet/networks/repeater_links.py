"""Repeater chains as network links: a link's rate is the chain's delivered rate at its clock.

A link ``(u, v, key)`` that gets a repeater chain is modelled by the chain's *delivered* rate:
one end-to-end link (ebit) every ``E[T]`` attempts of the chain's clock, i.e.
``1 / E[T]`` ebits per attempt times ``clock_rate_hz`` attempts per second. In the LP the link
gets ``upper = lower = 1 / E[T]`` ebits per use and a budget of ``clock_rate_hz`` uses per
second (usage model U3, :meth:`~qinternet.networks.usage.Usage.budget`); every other link keeps
its capacities per use with the budget ``clock_rate_hz`` of the plain links. The bounds are then
in ebits per second. For a repeater link ``upper`` is the protocol's delivered rate, not a
capacity bound of the fibre: the result answers "what does this backbone deliver if these links
get these repeaters".

The chain is described by any result with ``mean_waiting_time_steps`` (a
:class:`~qinternet.repeaters.results.RepeaterChainResult` or
:class:`~qinternet.repeaters.results.GeneralChainResult`), so this module does not depend on
:mod:`qinternet.repeaters`.

References
----------
.. [1] S. Bäuml, K. Azuma, G. Kato, D. Elkouss, Commun. Phys. 3, 55 (2020) (network LPs with
   per-link rates) [V, abstract]; budget usage model of spec network_bounds.md.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from qinternet._validation import require_int, require_positive
from qinternet.errors import InvalidParameterError
from qinternet.networks.network import Network
from qinternet.networks.usage import Usage

__all__ = ["ChainRate", "RepeaterLink", "apply_repeater_links"]


class ChainRate(Protocol):
    """What a network link needs from a repeater-chain result."""

    @property
    def mean_waiting_time_steps(self) -> float:
        """Mean delivery time of one end-to-end link, in attempts of the chain's clock."""


@dataclass(frozen=True, slots=True, kw_only=True)
class RepeaterLink:
    """A network link ``(u, v, key)`` served by a repeater chain running at ``clock_rate_hz``.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> link = RepeaterLink(u="A", v="B", chain=SimpleNamespace(mean_waiting_time_steps=50.0),
    ...                     clock_rate_hz=1e4)
    >>> link.ebits_per_attempt, link.delivered_ebits_per_s
    (0.02, 200.0)
    """

    #: One end node (id or name as in the network).
    u: str
    #: The other end node.
    v: str
    #: Chain result (anything with ``mean_waiting_time_steps``).
    chain: ChainRate
    #: Attempts per second of the chain (its time step is 1 / clock_rate_hz), in Hz.
    clock_rate_hz: float
    #: Key among parallel links between u and v.
    key: int = 0

    def __post_init__(self) -> None:
        require_positive("clock_rate_hz", self.clock_rate_hz)
        require_int("key", self.key, minimum=0)
        mean = float(self.chain.mean_waiting_time_steps)
        if not (math.isfinite(mean) and mean >= 1.0):
            raise InvalidParameterError("mean_waiting_time_steps", mean,
                                        "must be a finite number >= 1 (steps)")

    @property
    def ebits_per_attempt(self) -> float:
        """Delivered ebits per attempt of the chain's clock, 1 / E[T]."""
        return 1.0 / float(self.chain.mean_waiting_time_steps)

    @property
    def delivered_ebits_per_s(self) -> float:
        """Delivered ebits per second, clock_rate_hz / E[T]."""
        return self.clock_rate_hz * self.ebits_per_attempt


def apply_repeater_links(network: Network, repeater_links: Sequence[RepeaterLink], *,
                         clock_rate_hz: float) -> tuple[Network, Usage]:
    """The network with some links served by repeater chains, and its budget usage model.

    Parameters
    ----------
    network : Network
        The backbone.
    repeater_links : sequence of RepeaterLink
        Links to replace (matched by end nodes, either order, and ``key``).
    clock_rate_hz : float
        Uses per second of every other (plain) link, in Hz.

    Returns
    -------
    network : Network
        Same nodes; repeater links with ``upper = lower = 1 / E[T]`` ebits per use and no
        channel model.
    usage : Usage
        ``Usage.budget`` with the chains' clock rates on repeater links and ``clock_rate_hz``
        elsewhere: LP rates are in ebits per second.

    Raises
    ------
    InvalidParameterError
        If a repeater link joins nodes without a link of that key, or a link is given twice.

    References
    ----------
    .. [1] Module references.

    Examples
    --------
    >>> import networkx as nx
    >>> from types import SimpleNamespace
    >>> g = nx.MultiGraph()
    >>> _ = g.add_edge("A", "B", transmissivity=0.5)
    >>> net, usage = apply_repeater_links(
    ...     Network.from_networkx(g),
    ...     [RepeaterLink(u="B", v="A", chain=SimpleNamespace(mean_waiting_time_steps=4.0),
    ...                   clock_rate_hz=1e3)], clock_rate_hz=1e9)
    >>> net.links[0].upper_ebits_per_use, usage.link_budgets
    (0.25, (1000.0,))
    """
    clock = require_positive("clock_rate_hz", clock_rate_hz)
    budgets = [clock] * len(network.links)
    links = list(network.links)
    done: set[int] = set()
    for rl in repeater_links:
        try:
            a, b = network.node_index(rl.u), network.node_index(rl.v)
        except InvalidParameterError:
            raise InvalidParameterError("repeater link", (rl.u, rl.v),
                                        "joins a node that is not in the network") from None
        match = [i for i, link in enumerate(network.links)
                 if {network.link_end_indices(i)[0], network.link_end_indices(i)[1]} == {a, b}
                 and link.key == rl.key]
        if not match:
            raise InvalidParameterError("repeater link", (rl.u, rl.v, rl.key),
                                        "has no link of that key in the network")
        i = match[0]
        if i in done:
            raise InvalidParameterError("repeater link", (rl.u, rl.v, rl.key), "is given twice")
        done.add(i)
        rate = rl.ebits_per_attempt
        links[i] = dataclasses.replace(links[i], channel=None, upper_ebits_per_use=rate,
                                       lower_ebits_per_use=rate)
        budgets[i] = float(rl.clock_rate_hz)
    new = dataclasses.replace(network, links=tuple(links))
    return new, Usage.budget(budgets)
