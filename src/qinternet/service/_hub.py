"""Fan-out of decision records to Server-Sent-Events subscribers (each sees its own)."""

from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass
from typing import Any

__all__ = ["EventHub", "Subscription"]

#: Records kept per slow subscriber before the oldest are dropped.
QUEUE_LIMIT = 1000


@dataclass(eq=False, slots=True)
class Subscription:
    """One stream: the client it belongs to (None: an operator, who sees everything)."""

    client_id: str | None
    queue: asyncio.Queue[dict[str, Any]]
    loop: asyncio.AbstractEventLoop


class EventHub:
    """Thread-safe publisher: the engine thread publishes, event-loop streams consume."""

    def __init__(self) -> None:
        self._subs: list[Subscription] = []
        self._lock = threading.Lock()

    def subscribe(self, client_id: str | None) -> Subscription:
        sub = Subscription(client_id, asyncio.Queue(QUEUE_LIMIT), asyncio.get_running_loop())
        with self._lock:
            self._subs.append(sub)
        return sub

    def unsubscribe(self, sub: Subscription) -> None:
        with self._lock:
            if sub in self._subs:
                self._subs.remove(sub)

    @property
    def num_subscribers(self) -> int:
        with self._lock:
            return len(self._subs)

    def publish(self, record: dict[str, Any], owners: dict[str, str]) -> None:
        """Send ``record`` to the operators whole, and to each client whose demands it
        touches with only that client's demands (``owners``: demand id -> client id)."""
        with self._lock:
            subs = list(self._subs)
        for sub in subs:
            view = record if sub.client_id is None else _client_view(record, owners,
                                                                      sub.client_id)
            if view is not None:
                sub.loop.call_soon_threadsafe(_put, sub.queue, view)


def _put(queue: asyncio.Queue[dict[str, Any]], item: dict[str, Any]) -> None:
    if queue.full():
        queue.get_nowait()
    queue.put_nowait(item)


def _client_view(record: dict[str, Any], owners: dict[str, str],
                 client_id: str) -> dict[str, Any] | None:
    mine = {k for k, v in owners.items() if v == client_id}
    changed = (set(record["diff"]) | set(record["degraded"])) & mine
    demand = record.get("demand")
    if demand not in mine and not changed:
        return None
    view = {**record,
            "rates": {k: v for k, v in record["rates"].items() if k in mine},
            "diff": {k: v for k, v in record["diff"].items() if k in mine},
            "degraded": [k for k in record["degraded"] if k in mine]}
    if demand is not None and demand not in mine:  # another client's demand moved ours
        view.update(demand=None, reason="another client's demand changed the allocation")
    return view
