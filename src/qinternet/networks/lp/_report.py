"""Diagnostics shared by the LP solvers: what the query's conditioning did, as plain info."""

from __future__ import annotations

from qinternet.networks.lp._problem import Problem

__all__ = ["conditioning_info"]


def conditioning_info(prob: Problem) -> dict[str, float | str | bool]:
    """``info`` entries describing the scale, pruned and clipped links of ``prob``."""
    cond = prob.conditioning
    return {
        "scale": cond.scale,
        "pruned_links": len(cond.pruned),
        "pruned_capacity": cond.pruned_capacity,
        "prune_threshold": cond.prune_threshold,
        "clipped_links": len(cond.clipped),
        "clip_level": cond.clip_level,
    }
