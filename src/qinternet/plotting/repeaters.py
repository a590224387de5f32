"""Plots of repeater chains: waiting-time distribution, Werner parameter, key rate vs PLOB."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from qinternet.plotting import require_matplotlib
from qinternet.repeaters.results import RepeaterChainResult

__all__ = ["plot_chain_distributions", "plot_key_rate_vs_plob"]


def plot_chain_distributions(
    result: RepeaterChainResult,
    path: Path,
    *,
    quantile: float = 0.9999,
) -> Any:
    """Two panels against time (steps): the waiting-time pmf P(t) and the Werner parameter W(t).

    The time axis stops where the cumulative probability reaches ``quantile``; the pmf panel
    uses a log scale when it spans more than three decades. Saves a PNG to ``path``.
    """
    plt = require_matplotlib()
    pmf = result.waiting_time_pmf
    cdf = np.cumsum(pmf)
    reach = cdf >= quantile * cdf[-1]
    stop = int(np.argmax(reach)) + 1 if reach.any() else pmf.size
    stop = max(stop, 8)
    t = np.arange(stop)
    fig, (ax_p, ax_w) = plt.subplots(2, 1, figsize=(7.5, 6.5), sharex=True)
    ax_p.plot(t, pmf[:stop], lw=1.2)
    positive = pmf[:stop][pmf[:stop] > 0]
    if positive.size and positive.max() / positive.min() > 1e3:
        ax_p.set_yscale("log")
    ax_p.axvline(result.mean_waiting_time_steps, color="C3", ls="--",
                 label=f"mean {result.mean_waiting_time_steps:.4g} steps")
    ax_p.set_ylabel("P(T = t) (probability per step)")
    cut = ", ".join("none" if c is None else str(c) for c in result.cutoff_steps) or "none"
    ax_p.set_title(
        f"{result.segments} segments, p_gen={result.p_gen:g}, p_swap={result.p_swap:g}, "
        f"cut-offs [{cut}] (coverage {result.coverage:.6g})"
    )
    ax_p.legend()
    ax_p.grid(True, alpha=0.3)
    ax_w.plot(t, result.werner_by_time[:stop], lw=1.2, color="C1")
    ax_w.axhline(result.mean_werner, color="C3", ls="--",
                 label=f"mean Werner parameter {result.mean_werner:.4g}")
    ax_w.set_xlabel("delivery time t (steps = elementary-link attempts)")
    ax_w.set_ylabel("Werner parameter W(t) (dimensionless)")
    ax_w.legend()
    ax_w.grid(True, alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return fig


def plot_key_rate_vs_plob(
    total_length_km: Sequence[float],
    curves: dict[str, Sequence[float]],
    path: Path,
    *,
    title: str,
) -> Any:
    """Key rates in bits per second (label -> values) against total distance, log scale; PNG."""
    plt = require_matplotlib()
    fig, ax = plt.subplots(figsize=(7.5, 4.5))
    x = np.asarray(total_length_km, dtype=float)
    for label, values in curves.items():
        y = np.asarray(values, dtype=float)
        mask = y > 0
        ax.semilogy(x[mask], y[mask], marker="o", label=label)
    ax.set_xlabel("total distance (km)")
    ax.set_ylabel("secret-key rate (bits per second)")
    ax.set_title(title)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return fig
