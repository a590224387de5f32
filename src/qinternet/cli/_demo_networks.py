"""Demo section: bounds on a real backbone, SNDlib germany50 (shipped by topohub).

Link lengths are the ``dist`` values (km) of topohub's germany50 graph; fibre at 0.2 dB/km.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

__all__ = ["networks_section"]

_TOPOLOGY = "topohub:sndlib/germany50"
_PAIRS = (("Berlin", "Muenchen"), ("Hamburg", "Stuttgart"), ("Koeln", "Dresden"))
_GROUP = ("Berlin", "Hamburg", "Muenchen")


def networks_section(output_dir: Path, console: Console) -> dict[str, Any]:
    """City-pair bounds under both usage models, one GHZ group, and the flow plot."""
    from qinternet.networks import Usage, load_network, network_bounds
    from qinternet.plotting.networks import plot_network_bounds

    net = load_network(_TOPOLOGY)
    usages = (("flooding", Usage.flooding()), ("frequency", Usage.frequency()))
    table = Table(title=f"SNDlib germany50 ({net.num_nodes} nodes, {len(net.links)} fibre "
                        "links, 0.2 dB/km): bounds per demand")
    for col in ("demand", "usage", "upper", "lower", "single path (upper)", "unit"):
        table.add_column(col, justify="left" if col in ("demand", "usage", "unit") else "right")
    rows: list[dict[str, Any]] = []
    plotted = None
    for pair in _PAIRS:
        for name, usage in usages:
            res = network_bounds(net, [pair], usage=usage, objective="total")
            if plotted is None:
                plotted = res
            table.add_row(" - ".join(pair), name, f"{res.upper:.4g}", f"{res.lower:.4g}",
                          f"{res.single_path_upper:.4g}", res.unit)
            rows.append({"demand": list(pair), "usage": name, "upper": res.upper,
                         "lower": res.lower, "single_path_upper": res.single_path_upper,
                         "unit": res.unit, "routes": len(res.routes)})
    group_results = []
    for name, usage in usages:
        res = network_bounds(net, [_GROUP], usage=usage, objective="total")
        table.add_row("GHZ " + " - ".join(_GROUP), name, f"{res.upper:.4g}", f"{res.lower:.4g}",
                      "-", res.unit)
        group_results.append(res)
        rows.append({"demand": list(_GROUP), "usage": name, "upper": res.upper,
                     "lower": res.lower, "upper_method": res.upper_method,
                     "unit": res.unit, "trees": len(res.routes)})
    console.print(table)
    assert plotted is not None
    pair_png = output_dir / "network_pair_flows.png"
    plot_network_bounds(net, plotted, pair_png)
    group_png = output_dir / "network_ghz_trees.png"
    plot_network_bounds(net, group_results[0], group_png)
    console.print(f"network plots: {pair_png}, {group_png}")
    return {"topology": _TOPOLOGY, "nodes": net.num_nodes, "links": len(net.links),
            "results": rows, "plots": [str(pair_png), str(group_png)]}
