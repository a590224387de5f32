"""Plot of the repeaterless bounds of optical fibre against distance."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from qinternet.plotting import require_matplotlib

__all__ = ["plot_fibre_bounds"]


def plot_fibre_bounds(
    length_km: npt.NDArray[np.float64],
    curves: dict[str, npt.NDArray[np.float64]],
    path: Path,
    *,
    attenuation_db_per_km: float,
) -> Any:
    """Draw ``curves`` (label -> ebits per use) against ``length_km`` on a log scale; save PNG."""
    plt = require_matplotlib()
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for label, values in curves.items():
        ax.semilogy(length_km, values, label=label)
    ax.set_xlabel("fibre length (km)")
    ax.set_ylabel("two-way assisted capacity (ebits per channel use)")
    ax.set_title(f"Repeaterless bounds of optical fibre ({attenuation_db_per_km:g} dB/km)")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return fig
