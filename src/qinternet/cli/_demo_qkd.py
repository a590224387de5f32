"""Demo section: every registered QKD protocol against the PLOB bound over fibre distance."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from rich.console import Console

from qinternet.cli._common import print_table
from qinternet.cli._qkd_text import device_parameters, device_text, key_rate_axis_label
from qinternet.constants import DEFAULT_ATTENUATION_DB_PER_KM
from qinternet.qkd.analysis import refine_crossing_and_cutoff
from qinternet.qkd.options import KeyRateOptions
from qinternet.qkd.registry import PROTOCOLS
from qinternet.units import loss_db_to_transmissivity

__all__ = ["qkd_section"]

_GRID_KM = np.arange(0.0, 500.0 + 1e-9, 10.0)
_TABLE_KM = (50.0, 100.0, 200.0, 300.0, 400.0)


def qkd_section(output_dir: Path, console: Console) -> dict[str, Any]:
    """Key rate of each registered protocol (reference parameters, intensities optimised,
    infinite decoys) on 0-500 km of 0.2 dB/km fibre, with PLOB of the channel (detector not
    included), its crossing and the maximum reach; table at a few distances and a PNG plot."""
    alpha = DEFAULT_ATTENUATION_DB_PER_KM
    loss_db = alpha * _GRID_KM
    eta = loss_db_to_transmissivity(loss_db)
    options = KeyRateOptions()
    curves: dict[str, Any] = {}
    crossings: dict[str, float | None] = {}
    cutoffs: dict[str, float | None] = {}
    plob = None
    for name, spec in PROTOCOLS.items():
        results = spec.evaluate(eta, options)
        curves[name] = results
        cross, cut = refine_crossing_and_cutoff(spec, options, loss_db, results,
                                                tolerance_db=0.01)
        crossings[name] = None if cross is None else cross / alpha
        cutoffs[name] = None if cut is None else cut / alpha
        if plob is None:
            plob = [r.plob_bits_per_pulse for r in results]
    headers = ["protocol", *(f"{km:g} km" for km in _TABLE_KM), "beats PLOB from (km)",
               "max reach (km)"]
    index = [int(np.argmin(np.abs(_GRID_KM - km))) for km in _TABLE_KM]
    rows = []
    for name, results in curves.items():
        cross, cut = crossings[name], cutoffs[name]
        rows.append([
            name,
            *(f"{results[i].key_rate_bits_per_pulse:.3g}" for i in index),
            "-" if cross is None else f"{cross:.1f}",
            (f"> {_GRID_KM[-1]:g}" if results[-1].key_rate_bits_per_pulse > 0 else "-")
            if cut is None else f"{cut:.1f}",
        ])
    assert plob is not None
    rows.append(["PLOB (channel)", *(f"{plob[i]:.3g}" for i in index), "", ""])
    print_table(
        console,
        f"QKD key rates (bits per pulse, per pulse pair for the relay protocols; {alpha:g} "
        "dB/km; each protocol's reference device parameters)",
        headers, rows, left=1,
        caption="; ".join(f"{name}: {device_text(device_parameters(res))}"
                          for name, res in curves.items()),
    )

    path = output_dir / "qkd_protocols_vs_plob.png"
    from qinternet.plotting.qkd import plot_key_rates

    y_label, labels = key_rate_axis_label(list(PROTOCOLS.values()))
    plot_key_rates(
        _GRID_KM,
        {labels[name]: [r.key_rate_bits_per_pulse for r in res] for name, res in curves.items()},
        plob,
        path,
        x_label=f"Alice-Bob fibre length (km, {alpha:g} dB/km)",
        title="QKD protocols vs the repeaterless (PLOB) bound (intensities optimised, "
              "infinite decoys)",
        crossings={labels[k]: v for k, v in crossings.items()},
        cutoffs={labels[k]: v for k, v in cutoffs.items()},
        x_unit="km",
        y_label=y_label,
        parameters={labels[name]: device_text(device_parameters(res))
                    for name, res in curves.items()},
    )
    console.print(f"QKD comparison plot: {path}")
    return {
        "attenuation_db_per_km": alpha,
        "distance_km": _TABLE_KM,
        "plob_bits_per_pulse": [plob[i] for i in index],
        "protocols": {
            name: {
                "key_rate_unit": "bits per pulse pair" if PROTOCOLS[name].relay
                else "bits per pulse",
                "parameters": device_parameters(res),
                "key_rate_bits_per_pulse": [res[i].key_rate_bits_per_pulse for i in index],
                "plob_crossing_km": crossings[name],
                "maximum_distance_km": cutoffs[name],
            }
            for name, res in curves.items()
        },
        "plot": str(path),
    }
