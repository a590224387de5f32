"""Demo section: repeaterless bounds of optical fibre from 1 to 500 km."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from rich.console import Console
from rich.table import Table

from qinternet.channels.capacities import plob_bound, tgw_bound
from qinternet.constants import DEFAULT_ATTENUATION_DB_PER_KM
from qinternet.units import fibre_transmissivity

__all__ = ["channels_section"]

_TABLE_KM = (1.0, 10.0, 25.0, 50.0, 100.0, 150.0, 200.0, 300.0, 400.0, 500.0)


def channels_section(output_dir: Path, console: Console) -> dict[str, Any]:
    """Table and plot of PLOB, TGW and PLOB with one middle repeater against fibre length."""
    alpha = DEFAULT_ATTENUATION_DB_PER_KM
    km = np.asarray(_TABLE_KM)
    eta = fibre_transmissivity(km, alpha)
    plob = plob_bound(eta)
    tgw = tgw_bound(eta)
    middle = plob_bound(np.sqrt(eta))  # one middle repeater: each half has sqrt(eta)

    table = Table(
        title=f"Repeaterless bounds of optical fibre ({alpha:g} dB/km), ebits per channel use",
        caption="PLOB = exact two-way capacity; TGW = looser upper bound; "
        "middle = PLOB with one middle repeater (each half sqrt(eta))",
    )
    for col in ("length (km)", "eta", "PLOB", "TGW", "middle"):
        table.add_column(col, justify="right")
    for row in zip(km, eta, plob, tgw, middle, strict=True):
        table.add_row(f"{row[0]:g}", *(f"{v:.6g}" for v in row[1:]))
    console.print(table)

    grid = np.linspace(1.0, 500.0, 500)
    eta_grid = fibre_transmissivity(grid, alpha)
    path = output_dir / "fibre_bounds.png"
    from qinternet.plotting.channels import plot_fibre_bounds

    plot_fibre_bounds(
        grid,
        {
            "PLOB capacity -log2(1-η) (exact)": plob_bound(eta_grid),
            "TGW upper bound log2((1+η)/(1-η))": tgw_bound(eta_grid),
            "PLOB with 1 middle repeater -log2(1-√η)": plob_bound(np.sqrt(eta_grid)),
        },
        path,
        attenuation_db_per_km=alpha,
    )
    console.print(f"fibre bounds plot: {path}")
    return {
        "attenuation_db_per_km": alpha,
        "length_km": km.tolist(),
        "plob_ebits_per_use": plob.tolist(),
        "tgw_ebits_per_use": tgw.tolist(),
        "one_middle_repeater_ebits_per_use": middle.tolist(),
        "plot": str(path),
    }
