"""Plots of qinternet results (extra ``[plot]``: needs matplotlib).

Every function takes results and returns the matplotlib ``Figure``; nothing here computes physics.
"""

from __future__ import annotations

from typing import Any

from qinternet.errors import QinternetError

__all__ = ["require_matplotlib"]


def require_matplotlib() -> Any:
    """Import matplotlib with the non-interactive Agg backend, or explain how to install it."""
    try:
        import matplotlib
    except ImportError as err:  # pragma: no cover - depends on the environment
        raise QinternetError(
            "plotting needs matplotlib: pip install 'qinternet[plot]'"
        ) from err
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt
