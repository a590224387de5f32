"""Prometheus metrics of one service instance (its own registry)."""

from __future__ import annotations

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    disable_created_metrics,
    generate_latest,
)

__all__ = ["Metrics"]

disable_created_metrics()  # type: ignore[no-untyped-call]


class Metrics:
    """Request counts, decision latency, decision outcomes, utilisation and demand gauges."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter("qinternet_http_requests", "HTTP requests by route and status",
                                ["method", "route", "status"], registry=self.registry)
        self.decision_seconds = Histogram(
            "qinternet_decision_seconds", "Engine decision time per event (s)",
            buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
                     10.0), registry=self.registry)
        self.reallocation_seconds = Histogram(
            "qinternet_reallocation_seconds", "Background reallocation time per round (s)",
            buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
                     10.0, 30.0), registry=self.registry)
        self.decisions = Counter("qinternet_decisions", "Decisions by outcome", ["outcome"],
                                 registry=self.registry)
        self.max_utilisation = Gauge("qinternet_max_link_utilisation",
                                     "Largest link utilisation (load / lower capacity)",
                                     registry=self.registry)
        self.mean_utilisation = Gauge("qinternet_mean_link_utilisation",
                                      "Mean link utilisation", registry=self.registry)
        self.active_demands = Gauge("qinternet_active_demands", "Demands in the allocation",
                                    registry=self.registry)

    def render(self) -> bytes:
        """The Prometheus text exposition."""
        return bytes(generate_latest(self.registry))
