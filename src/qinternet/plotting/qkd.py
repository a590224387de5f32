"""Plot of QKD key rates against distance or loss with the PLOB line (no physics here)."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from qinternet.plotting import require_matplotlib

__all__ = ["plot_key_rates"]


def _log_interp(x: float, xs: npt.NDArray[np.float64], ys: npt.NDArray[np.float64]) -> float:
    """Interpolate a positive curve at ``x`` in log space (NaN where undefined)."""
    ok = np.isfinite(ys) & (ys > 0)
    if ok.sum() < 2:
        return float("nan")
    return float(np.exp(np.interp(x, xs[ok], np.log(ys[ok]))))


def plot_key_rates(
    x: npt.ArrayLike,
    curves: Mapping[str, npt.ArrayLike],
    plob_bits_per_pulse: npt.ArrayLike,
    path: Path,
    *,
    x_label: str,
    title: str,
    plob_label: str = ("PLOB bound -log2(1-η) of the channel, bits per channel use (detector "
                       "not included)"),
    crossings: Mapping[str, float | None] | None = None,
    cutoffs: Mapping[str, float | None] | None = None,
    x_unit: str = "",
    y_label: str = "secret key rate (bits per pulse)",
    parameters: Mapping[str, str] | None = None,
) -> Any:
    """Draw key rates (bits per pulse) of several protocols and PLOB on a log scale; save PNG.

    Parameters
    ----------
    x : array_like
        Distance in km or loss in dB (say which in ``x_label``).
    curves : mapping
        Protocol label -> key rate in bits per pulse (zeros are not drawn on the log scale).
    plob_bits_per_pulse : array_like
        PLOB bound on the same transmissivity as the protocols.
    path : Path
        Output PNG file.
    x_label, title : str
        Axis label (with unit) and title.
    plob_label : str
        Legend entry of the PLOB line; it must say whether the detector is included.
    crossings, cutoffs : mapping, optional
        Protocol label -> x of the PLOB crossing / of the maximum reach (None: not in range);
        drawn as a marker on the PLOB line and as a dotted vertical line.
    x_unit : str
        Unit appended to the crossing / reach values in the legend (``"km"`` or ``"dB"``).
    y_label : str
        Axis label of the key rate with its unit (say "per pulse pair" for relay protocols).
    parameters : mapping, optional
        Protocol label -> text of the device parameters used; printed under the axes so that
        the figure states its inputs on its own.

    Returns
    -------
    matplotlib.figure.Figure
    """
    plt = require_matplotlib()
    xs = np.asarray(x, dtype=np.float64)
    plob = np.asarray(plob_bits_per_pulse, dtype=np.float64)
    notes = [f"{label}: {text}" for label, text in (parameters or {}).items() if text]
    wrapped = [line for note in notes for line in textwrap.wrap(note, 150)]
    foot_in = 0.17 * len(wrapped) + (0.25 if wrapped else 0.0)
    fig, ax = plt.subplots(figsize=(11, 5.5 + foot_in))
    finite_plob = np.where(np.isfinite(plob) & (plob > 0), plob, np.nan)
    marker = "o" if xs.size < 3 else None  # one or two points: a line alone would be invisible
    ax.semilogy(xs, finite_plob, color="black", linewidth=2, label=plob_label, marker=marker)
    for label, values in curves.items():
        ys = np.asarray(values, dtype=np.float64)
        (line,) = ax.semilogy(xs, np.where(ys > 0, ys, np.nan), label=label, marker=marker)
        colour = line.get_color()
        cross = (crossings or {}).get(label)
        if cross is not None:
            y = _log_interp(cross, xs, finite_plob)
            text = f"{label} beats PLOB from {cross:.4g} {x_unit}".rstrip()
            ax.plot([cross], [y], marker="o", markersize=8, color=colour, markeredgecolor="k",
                    linestyle="none", label=text)
        cut = (cutoffs or {}).get(label)
        if cut is not None:
            ax.axvline(cut, color=colour, linestyle=":", linewidth=1.2,
                       label=f"{label} maximum reach {cut:.4g} {x_unit}".rstrip())
    ax.set_xlabel(x_label)
    ax.set_ylabel(y_label)
    ax.set_title(title)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0.0)
    bottom = foot_in / (5.5 + foot_in)
    if wrapped:
        fig.text(0.01, 0.01, "device parameters (defaults included)\n" + "\n".join(wrapped),
                 fontsize=7, va="bottom", ha="left", family="monospace")
    fig.tight_layout(rect=(0.0, bottom, 1.0, 1.0))
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return fig
