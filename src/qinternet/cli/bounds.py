"""``qinternet bounds TOPOLOGY (--pair A B)... (--group A B C ...)...``: network bounds.

``--pair`` takes two node names and ``--group`` any number (>= 2) of them, so both are parsed
here from the raw arguments (click options cannot take a variable number of values);
``--group A,B,C`` is accepted as well.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from qinternet.cli._common import as_option, emit_json, parse_float_list
from qinternet.errors import InvalidParameterError

__all__ = ["parse_demands", "register"]

_MAX_ROUTES_SHOWN = 40


def parse_demands(tokens: list[str]) -> tuple[str | None, list[tuple[str, list[str]]]]:
    """Split raw tokens into the TOPOLOGY argument and ``(option, names)`` demands.

    >>> parse_demands(["net.json", "--pair", "A", "B", "--group", "A", "B", "C"])
    ('net.json', [('--pair', ['A', 'B']), ('--group', ['A', 'B', 'C'])])
    >>> parse_demands(["net.json", "--group", "A,B,C"])
    ('net.json', [('--group', ['A', 'B', 'C'])])
    """
    topology: str | None = None
    demands: list[tuple[str, list[str]]] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok in ("--pair", "--group") or tok.startswith(("--pair=", "--group=")):
            option, _, inline = tok.partition("=")
            names: list[str] = [inline] if inline else []
            i += 1
            while i < len(tokens) and not tokens[i].startswith("--"):
                if option == "--pair" and len(names) == 2:
                    break
                names.append(tokens[i])
                i += 1
            if len(names) == 1 and "," in names[0]:
                names = [n.strip() for n in names[0].split(",")]
            if option == "--pair" and len(names) != 2:
                raise InvalidParameterError(option, " ".join(names), "needs exactly two node names")
            if len(names) < 2:
                raise InvalidParameterError(option, " ".join(names),
                                            "needs at least two node names")
            demands.append((option, names))
            continue
        if tok.startswith("-"):
            raise InvalidParameterError(tok, tok, "is not an option of 'qinternet bounds'")
        if topology is not None:
            raise InvalidParameterError(
                "TOPOLOGY", tok, f"must be given once (already {topology!r}); node names go "
                "after --pair/--group"
            )
        topology = tok
        i += 1
    return topology, demands


def _table(result: Any, console: Console) -> None:
    unit = result.unit
    table = Table(title=f"Network bounds ({result.usage} usage, {result.objective} objective)")
    table.add_column("quantity")
    table.add_column("value", justify="right")
    table.add_column("unit")
    table.add_row("upper bound (certified)" if result.upper_certified else "upper estimate",
                  f"{result.upper:.6g}", unit)
    table.add_row("lower bound (achievable)", f"{result.lower:.6g}", unit)
    if result.single_path_upper is not None:
        table.add_row("single path, upper", f"{result.single_path_upper:.6g}", unit)
        table.add_row("single path, lower", f"{result.single_path_lower:.6g}", unit)
    table.add_row("upper method", result.upper_method, "")
    table.add_row("lower method", result.lower_method, "")
    table.add_row("time", f"{result.time_s:.3g}", "s")
    console.print(table)
    rates = Table(title=f"Achievable rate per demand ({unit})")
    rates.add_column("#", justify="right")
    rates.add_column("demand")
    rates.add_column("rate", justify="right")
    for i, (demand, rate) in enumerate(zip(result.demands, result.rates, strict=True)):
        kind = "pair" if len(demand) == 2 else "group"
        rates.add_row(str(i), f"{kind}: {' - '.join(demand)}", f"{rate:.6g}")
    console.print(rates)
    if result.routes:
        routes = Table(title=f"Routes achieving the lower bound ({unit})")
        routes.add_column("demand", justify="right")
        routes.add_column("rate", justify="right")
        routes.add_column("path / tree")
        for r in result.routes[:_MAX_ROUTES_SHOWN]:
            shape = (" - ".join(r["path"]) if "path" in r
                     else ", ".join(f"{u}-{v}" for u, v in r["tree"]))
            routes.add_row(str(r["demand"]), f"{r['rate']:.6g}", shape)
        console.print(routes)
        if len(result.routes) > _MAX_ROUTES_SHOWN:
            console.print(f"... {len(result.routes) - _MAX_ROUTES_SHOWN} more routes (use --json)")
    for note in result.notes:
        console.print(f"note: {note}")


def register(app: typer.Typer) -> None:
    """Add the ``bounds`` command to ``app``."""

    @app.command(
        "bounds",
        context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
    )
    def bounds(
        ctx: typer.Context,
        topology: Annotated[str, typer.Argument(
            metavar="TOPOLOGY",
            help="Node-link .json, .graphml or .gml file, or topohub:KEY "
                 "(e.g. topohub:sndlib/germany50).",
        )],
        usage: Annotated[str, typer.Option(
            "--usage", help="flooding (ebits per network use) or frequency (ebits per channel "
                            "use).")] = "flooding",
        objective: Annotated[str, typer.Option(
            "--objective", help="worst (max-min), total or weighted.")] = "worst",
        weights: Annotated[str | None, typer.Option(
            "--weights", help="w1,w2,...: one per demand (weighted: weights; worst: demand "
                              "ratios; total: ignored).")] = None,
        estimate_lengths: Annotated[bool, typer.Option(
            "--estimate-lengths", help="Estimate missing link lengths from node coordinates "
                                       "(great-circle distance times --detour-factor).")] = False,
        detour_factor: Annotated[float, typer.Option(
            "--detour-factor", help="Fibre length / great-circle distance.")] = 1.0,
        attenuation_db_per_km: Annotated[float | None, typer.Option(
            "--attenuation-db-per-km", help="Fibre attenuation for links without their own "
                                            "(default 0.2).")] = None,
        as_json: Annotated[bool, typer.Option(
            "--json", help="Print one JSON object instead of tables.")] = False,
        plot: Annotated[Path | None, typer.Option(
            "--plot", help="Write a PNG of the network with the flows.")] = None,
    ) -> None:
        """Certified upper and achievable lower bounds for pairs (--pair A B, repeatable) and
        GHZ groups (--group A B C ..., repeatable) on a quantum network."""
        from qinternet.networks import Usage, load_network, network_bounds

        top, demands = parse_demands([topology, *ctx.args])
        if top is None:
            raise InvalidParameterError("TOPOLOGY", None, "is required (a file or topohub:KEY)")
        if not demands:
            raise InvalidParameterError("--pair/--group", None,
                                        "at least one demand is required")
        if usage not in ("flooding", "frequency"):
            raise InvalidParameterError("--usage", usage, "must be 'flooding' or 'frequency'")
        if objective not in ("total", "worst", "weighted"):
            raise InvalidParameterError("--objective", objective,
                                        "must be 'total', 'worst' or 'weighted'")
        w = None
        if weights is not None:
            w = parse_float_list("--weights", weights, length=len(demands))
        with as_option({"topology": "TOPOLOGY", "detour_factor": "--detour-factor",
                        "attenuation_db_per_km": "--attenuation-db-per-km"}):
            network = load_network(top, estimate_lengths=estimate_lengths,
                                   detour_factor=detour_factor,
                                   attenuation_db_per_km=attenuation_db_per_km)
        names: list[list[str]] = []
        for option, members in demands:
            with as_option({"node": option}):
                for m in members:
                    network.node_index(m)
            names.append(members)
        with as_option({"weights": "--weights", "demands": "--pair/--group",
                        "objective": "--objective"}):
            result = network_bounds(
                network, names,
                usage=Usage.flooding() if usage == "flooding" else Usage.frequency(),
                objective=objective,  # type: ignore[arg-type]
                weights=w,
            )
        if plot is not None:
            from qinternet.plotting.networks import plot_network_bounds

            plot_network_bounds(network, result, plot)
        if as_json:
            emit_json(result.to_dict())
            return
        console = Console()
        _table(result, console)
        if plot is not None:
            console.print(f"plot: {plot}")
