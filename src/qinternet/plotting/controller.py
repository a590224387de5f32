"""Rates over events of a controller run against their certified bounds (``--plot``)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from qinternet.controller.records import Decision
from qinternet.plotting import require_matplotlib

__all__ = ["plot_controller_run"]

_MAX_DEMANDS = 8


def plot_controller_run(decisions: Sequence[Decision], path: str | Path) -> Any:
    """Each demand's allocated rate (solid) and certified bound (dotted) per event, for the
    demands active longest (at most 8), on a log scale; floors as dashes. Returns the figure."""
    plt = require_matplotlib()
    life: dict[str, int] = {}
    for d in decisions:
        for k in d.allocation.rates:
            life[k] = life.get(k, 0) + 1
    shown = sorted(life, key=lambda k: (-life[k], k))[:_MAX_DEMANDS]
    fig, ax = plt.subplots(figsize=(9, 5))
    unit = decisions[0].allocation.unit if decisions else ""
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for i, k in enumerate(shown):
        c = colours[i % len(colours)]
        xs = [d.seq for d in decisions if k in d.allocation.rates]
        rate = [d.allocation.rates[k] for d in decisions if k in d.allocation.rates]
        bound = [d.allocation.bounds.get(k, math.nan) for d in decisions
                 if k in d.allocation.rates]
        floor = [d.allocation.floors.get(k, math.nan) for d in decisions
                 if k in d.allocation.rates]
        ax.plot(xs, [r if r > 0 else math.nan for r in rate], color=c, lw=1.6, label=k)
        ax.plot(xs, [b if math.isfinite(b) and b > 0 else math.nan for b in bound], color=c,
                lw=1.0, ls=":")
        ax.plot(xs, floor, color=c, lw=0.8, ls="--")
    ax.set_yscale("log")
    ax.set_xlabel("event")
    ax.set_ylabel(f"rate ({unit})")
    ax.set_title("allocated rate (solid), certified bound (dotted), floor (dashed)")
    if shown:
        ax.legend(fontsize=8, ncol=2, loc="lower left")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    return fig
