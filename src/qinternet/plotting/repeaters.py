"""Plots of repeater chains: waiting-time distribution, Werner parameter, key rate vs PLOB."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from qinternet.plotting import require_matplotlib
from qinternet.repeaters.results import RepeaterChainResult

__all__ = ["plot_chain_distributions", "plot_key_rate_vs_plob"]


def _time_unit(max_s: float) -> tuple[str, float]:
    """A readable time unit for values up to ``max_s`` seconds: (name, seconds per unit)."""
    for name, size in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6), ("ns", 1e-9)):
        if max_s >= 10 * size or name == "ns":
            return name, size
    return "s", 1.0  # pragma: no cover


def plot_chain_distributions(
    result: RepeaterChainResult,
    path: Path,
    *,
    quantile: float = 0.9999,
    attempt_time_s: float | None = None,
) -> Any:
    """Two panels against time: the waiting-time pmf P(t) and the Werner parameter W(t).

    The time axis is in steps (elementary-link attempts), or in seconds (ms, µs, ...) when
    ``attempt_time_s`` gives the duration of one step (physical mode). It stops where the
    cumulative probability reaches ``quantile``; the pmf panel uses a log scale when it spans
    more than three decades. The title states every chain parameter. Saves to ``path``.
    """
    plt = require_matplotlib()
    pmf = result.waiting_time_pmf
    cdf = np.cumsum(pmf)
    reach = cdf >= quantile * cdf[-1]
    stop = int(np.argmax(reach)) + 1 if reach.any() else pmf.size
    stop = max(stop, 8)
    steps = np.arange(stop)
    if attempt_time_s is None:
        scale, unit = 1.0, "steps"
        x_label = "delivery time t (steps = elementary-link attempts)"
        y_prob = "P(T = t) (probability per step)"
    else:
        unit, size = _time_unit(stop * attempt_time_s)
        scale = attempt_time_s / size
        x_label = (f"delivery time t ({unit}; one step = one attempt = "
                   f"{attempt_time_s * 1e6:.4g} µs)")
        y_prob = "P(T = t) (probability per step)"
    t = steps * scale
    fig, (ax_p, ax_w) = plt.subplots(2, 1, figsize=(8.5, 7.0), sharex=True)
    ax_p.plot(t, pmf[:stop], lw=1.2)
    positive = pmf[:stop][pmf[:stop] > 0]
    if positive.size and positive.max() / positive.min() > 1e3:
        ax_p.set_yscale("log")
    mean = result.mean_waiting_time_steps
    ax_p.axvline(mean * scale, color="C3", ls="--",
                 label=f"mean waiting time {mean * scale:.4g} {unit}"
                 + ("" if attempt_time_s is None else f" ({mean:.4g} steps)"))
    ax_p.set_ylabel(y_prob)
    cut = ", ".join("none" if c is None else str(c) for c in result.cutoff_steps) or "none"
    coherence = ("infinite" if result.coherence_time_steps is None
                 else f"{result.coherence_time_steps:.4g} steps")
    if attempt_time_s is not None and result.coherence_time_steps is not None:
        coherence += f" = {result.coherence_time_steps * attempt_time_s:.4g} s"
    fig.suptitle(
        f"Nested repeater chain: {result.segments} segments ({result.levels} levels), "
        f"p_gen = {result.p_gen:.4g}, p_swap = {result.p_swap:g}, w0 = {result.werner_w0:g}\n"
        f"link coherence time {coherence}, cut-offs [{cut}] steps, window coverage "
        f"{result.coverage:.6g}",
        fontsize=10,
    )
    ax_p.legend(fontsize=8)
    ax_p.grid(True, alpha=0.3)
    ax_w.plot(t, result.werner_by_time[:stop], lw=1.2, color="C1")
    ax_w.axhline(result.mean_werner, color="C3", ls="--",
                 label=f"Werner parameter of the average state {result.mean_werner:.4g} "
                 f"(fidelity {result.mean_fidelity:.4g})")
    ax_w.set_xlabel(x_label)
    ax_w.set_ylabel("Werner parameter W(t) (dimensionless)")
    ax_w.legend(fontsize=8)
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
    footnote: str = "",
) -> Any:
    """Key rates in bits per second (label -> values) against total distance, log scale.

    ``footnote`` (for example the clock rates behind each per-second curve and the device
    parameters) is printed under the axes so that the figure stands on its own. Saves to
    ``path``.
    """
    plt = require_matplotlib()
    lines = [line for para in footnote.splitlines() for line in textwrap.wrap(para, 110)]
    foot_in = 0.17 * len(lines) + (0.2 if lines else 0.0)
    fig, ax = plt.subplots(figsize=(8.5, 5.0 + foot_in))
    x = np.asarray(total_length_km, dtype=float)
    for label, values in curves.items():
        y = np.asarray(values, dtype=float)
        mask = y > 0
        ax.semilogy(x[mask], y[mask], marker="o", label=label)
    ax.set_xlabel("total distance (km)")
    ax.set_ylabel("secret-key rate (bits per second)")
    ax.set_title("\n".join(textwrap.wrap(title, 80)), fontsize=10)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=7, loc="best")
    if lines:
        fig.text(0.01, 0.01, "\n".join(lines), fontsize=7, va="bottom", ha="left")
    fig.tight_layout(rect=(0.0, foot_in / (5.0 + foot_in), 1.0, 1.0))
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return fig
