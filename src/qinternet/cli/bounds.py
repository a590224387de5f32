"""``qinternet bounds TOPOLOGY (--pair A B)... (--group A B C ...)...``: network bounds.

``--pair`` takes two node names and ``--group`` any number (>= 2) of them, so both are parsed
here from the raw arguments (click options cannot take a variable number of values);
``--group A,B,C`` is accepted as well. The help lists them in a "Demands" section.

Failures: bad input exits 2 with one line on stderr; a solver failure (or any unexpected
error while solving) exits 1 with one line on stderr; never a traceback. Python warnings
raised while solving become notes of the result (so stderr stays one line at most).
"""

from __future__ import annotations

import dataclasses
import math
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.table import Table
from typer.core import TyperCommand

from qinternet.cli._common import as_option, check_output_path, emit_json, parse_float_list
from qinternet.errors import InvalidParameterError, QinternetError, SolverError

if TYPE_CHECKING:
    from qinternet.networks.network import ZeroLength
    from qinternet.networks.results import NetworkBoundResult

__all__ = ["parse_demands", "parse_zero_length", "register"]

_MAX_ROUTES_SHOWN = 40
_MAX_BOTTLENECK_LINKS_SHOWN = 20

_DEMAND_HELP = [
    ("--pair A B", "A pair of nodes (Bell pairs / bipartite key); repeatable. Nodes are named "
                   "by id or unique name (label), case-insensitive."),
    ("--group A B C ...", "A group of 2 or more nodes (GHZ states / conference key); "
                          "repeatable; also --group A,B,C. Demands keep their order (demand 0, "
                          "1, ...) across --pair and --group."),
]


class _BoundsCommand(TyperCommand):
    """``bounds`` with ``--pair``/``--group`` (parsed by hand) listed in its help."""

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        pieces: list[str] = super().collect_usage_pieces(ctx)
        return [*pieces, "(--pair A B | --group A B C ...)..."]

    def format_options(self, ctx: Any, formatter: Any) -> None:
        with formatter.section("Demands (at least one)"):
            formatter.write_dl(_DEMAND_HELP)
        super().format_options(ctx, formatter)


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


def parse_zero_length(text: str) -> ZeroLength:
    """``--zero-length``: ``contract``, ``error``, ``min-km:X`` or ``X`` (km, > 0).

    >>> parse_zero_length("contract"), parse_zero_length("min-km:0.5"), parse_zero_length("2")
    ('contract', 0.5, 2.0)
    """
    word = text.strip().lower()
    if word == "contract":
        return "contract"
    if word == "error":
        return "error"
    number = word.removeprefix("min-km:")
    try:
        km = float(number)
    except ValueError:
        km = math.nan
    if not (math.isfinite(km) and km > 0):
        raise InvalidParameterError(
            "--zero-length", text, "must be 'contract', 'error' or 'min-km:X' with a length "
            "X > 0 in km"
        )
    return km


def _link_name(result_dict: dict[str, Any], e: int) -> str:
    rec = result_dict["links"][e]
    u, v = rec["endpoints"]
    key = f" #{rec['key']}" if rec["key"] else ""
    return f"{u} - {v}{key}"


def _table(result: NetworkBoundResult, data: dict[str, Any], clock_rate_hz: float | None,
           console: Console) -> None:
    unit = result.unit
    table = Table(title=f"Network bounds ({result.usage} usage, {result.objective} objective)")
    table.add_column("quantity")
    table.add_column("value", justify="right")
    table.add_column("unit")
    table.add_row("upper bound (certified)" if result.upper_certified else "upper estimate",
                  f"{result.upper:.6g}", unit)
    table.add_row("lower bound (achievable)", f"{result.lower:.6g}", unit)
    if clock_rate_hz is not None:
        table.add_row("upper bound x clock rate", f"{data['upper_ebits_per_s']:.6g}",
                      "ebits per second")
        table.add_row("lower bound x clock rate", f"{data['lower_ebits_per_s']:.6g}",
                      "ebits per second")
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
    if clock_rate_hz is not None:
        rates.add_column("ebits per second", justify="right")
    for i, (demand, rate) in enumerate(zip(result.demands, result.rates, strict=True)):
        kind = "pair" if len(demand) == 2 else "GHZ group"
        row = [str(i), f"{kind}: {' - '.join(demand)}", f"{rate:.6g}"]
        if clock_rate_hz is not None:
            row.append(f"{data['rates_ebits_per_s'][i]:.6g}")
        rates.add_row(*row)
    console.print(rates)
    _bottleneck_table(data, console)
    if result.routes:
        routes = Table(title=f"Routes achieving the lower bound ({unit})")
        routes.add_column("demand", justify="right")
        routes.add_column("rate", justify="right")
        routes.add_column("path / tree")
        for r in result.routes[:_MAX_ROUTES_SHOWN]:
            shape = (" - ".join(r.path) if r.path is not None
                     else ", ".join(f"{u}-{v}" for u, v in r.tree or ()))
            routes.add_row(str(r.demand), f"{r.rate:.6g}", shape)
        console.print(routes)
        if len(result.routes) > _MAX_ROUTES_SHOWN:
            console.print(f"... {len(result.routes) - _MAX_ROUTES_SHOWN} more routes (use --json)")
    for note in result.notes:
        console.print(f"note: {note}")


def _bottleneck_table(data: dict[str, Any], console: Console) -> None:
    neck = data.get("bottleneck")
    if neck is None:
        return
    what = {"min cut": "min cut", "binding cuts": "links of the binding cuts (dual > 0)",
            "shortest path": "binding links: shortest path in the 1/E_up metric"}[neck["type"]]
    table = Table(title=f"Bottleneck of the upper bound: {what}")
    table.add_column("link", justify="right")
    table.add_column("endpoints")
    table.add_column("length km", justify="right")
    table.add_column("E_up ebits/use", justify="right")
    table.add_column("flow", justify="right")
    for e in neck["links"][:_MAX_BOTTLENECK_LINKS_SHOWN]:
        rec = data["links"][e]
        length = "" if rec["length_km"] is None else f"{rec['length_km']:.4g}"
        flow = "" if rec["flow"] is None else f"{rec['flow']:.4g}"
        table.add_row(str(e), _link_name(data, e), length, f"{rec['upper_ebits_per_use']:.4g}",
                      flow)
    if not neck["links"]:
        table.add_row("-", "none: the upper bound is 0 (the demands are disconnected)", "",
                      "", "")
    console.print(table)
    if len(neck["links"]) > _MAX_BOTTLENECK_LINKS_SHOWN:
        console.print(f"... {len(neck['links']) - _MAX_BOTTLENECK_LINKS_SHOWN} more bottleneck "
                      "links (use --json)")


def _check_distinct(network: Any, option: str, members: list[str]) -> None:
    """Each name must be a node; two names merged into one node (co-located) are refused.

    A name repeated verbatim is left to :func:`network_bounds` (it names ``--pair/--group``).
    """
    seen: dict[int, str] = {}
    for m in members:
        i = network.node_index(m)
        if i in seen and seen[i] != m and network.nodes[i].merged_ids:
            raise InvalidParameterError(
                option, " ".join(members),
                f"names one node twice: {seen[i]!r} and {m!r} are merged into "
                f"{network.node_name(i)!r} by contracting zero-length links (co-located "
                "nodes); use --zero-length min-km:X to keep them apart",
            )
        seen.setdefault(i, m)


def _solve(network: Any, names: list[list[str]], usage: str, objective: str,
           weights: tuple[float, ...] | None, usage_model: Any = None) -> Any:
    """``network_bounds`` with warnings turned into notes and any crash into a SolverError."""
    from qinternet.networks import Usage, network_bounds

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            with as_option({"weights": "--weights", "demands": "--pair/--group",
                            "objective": "--objective"}):
                result = network_bounds(
                    network, names,
                    usage=usage_model if usage_model is not None else (
                        Usage.flooding() if usage == "flooding" else Usage.frequency()),
                    objective=objective,  # type: ignore[arg-type]
                    weights=weights,
                )
        except QinternetError:
            raise
        except Exception as err:  # never a traceback: report it as a failed computation
            message = " ".join(str(err).split()) or type(err).__name__
            raise SolverError(type(err).__name__,
                              f"network bounds computation failed: {message}") from None
    extra = tuple(dict.fromkeys(f"warning: {w.message}" for w in caught))
    return dataclasses.replace(result, notes=(*network.notes, *result.notes, *extra))


def register(app: typer.Typer) -> None:
    """Add the ``bounds`` command to ``app``."""

    @app.command(
        "bounds",
        cls=_BoundsCommand,
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
        zero_length: Annotated[str, typer.Option(
            "--zero-length", metavar="contract|error|min-km:X",
            help="Fibre links of length 0 km (co-located nodes): contract merges their end "
                 "nodes (a demand may name either; default), error refuses them, min-km:X "
                 "gives them X km.")] = "contract",
        clock_rate_hz: Annotated[float | None, typer.Option(
            "--clock-rate-hz", help="Uses per second (network uses under flooding, channel "
                                    "uses under frequency): adds rates in ebits per second "
                                    "(JSON: *_ebits_per_s).")] = None,
        as_json: Annotated[bool, typer.Option(
            "--json", help="Print one JSON object instead of tables.")] = False,
        plot: Annotated[Path | None, typer.Option(
            "--plot", help="Write a PNG of the network with the flows.")] = None,
        repeater_links: Annotated[str | None, typer.Option(
            "--repeater-links", help="JSON file of links that get repeater chains (see "
                                     "docs/repeaters.md); needs --clock-rate-hz (uses per "
                                     "second of the other links); bounds in ebits per second."
        )] = None,
    ) -> None:
        """Certified upper and achievable lower bounds for pairs (--pair A B, repeatable) and
        GHZ groups (--group A B C ..., repeatable) on a quantum network."""
        from qinternet.networks import load_network

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
        if clock_rate_hz is not None and not (math.isfinite(clock_rate_hz)
                                              and clock_rate_hz > 0):
            raise InvalidParameterError("--clock-rate-hz", clock_rate_hz, "must be > 0")
        zero = parse_zero_length(zero_length)
        if plot is not None:  # the file actually written (".png" added when no suffix)
            plot = check_output_path("--plot", plot)
        w = None
        if weights is not None:
            w = parse_float_list("--weights", weights, length=len(demands))
        with as_option({"topology": "TOPOLOGY", "detour_factor": "--detour-factor",
                        "attenuation_db_per_km": "--attenuation-db-per-km",
                        "zero_length": "--zero-length"}):
            network = load_network(top, estimate_lengths=estimate_lengths,
                                   detour_factor=detour_factor,
                                   attenuation_db_per_km=attenuation_db_per_km,
                                   zero_length=zero)
        names: list[list[str]] = []
        for option, members in demands:
            with as_option({"node": option}):
                _check_distinct(network, option, members)
            names.append(members)
        chains: list[dict[str, Any]] | None = None
        usage_model = None
        if repeater_links is not None:
            from qinternet.cli._repeater_links import load_repeater_links

            if usage != "flooding":
                raise InvalidParameterError("--usage", usage, "cannot be combined with "
                                            "--repeater-links (the budget model is used)")
            if clock_rate_hz is None:
                raise InvalidParameterError("--repeater-links", repeater_links,
                                            "needs --clock-rate-hz (uses per second of the "
                                            "plain links)")
            network, usage_model, chains = load_repeater_links(repeater_links, network,
                                                               clock_rate_hz)
        result = _solve(network, names, usage, objective, w, usage_model)
        data = result.to_dict(network)
        if chains is not None:
            data["repeater_links"] = chains
        elif clock_rate_hz is not None:
            data["clock_rate_hz"] = float(clock_rate_hz)
            data["lower_ebits_per_s"] = result.lower * clock_rate_hz
            data["upper_ebits_per_s"] = result.upper * clock_rate_hz
            data["rates_ebits_per_s"] = [r * clock_rate_hz for r in result.rates]
        if plot is not None:
            data["plot"] = str(plot)
            from qinternet.plotting.networks import plot_network_bounds

            try:
                plot_network_bounds(network, result, plot)
            except OSError as err:
                raise InvalidParameterError("--plot", str(plot),
                                            f"cannot be written ({err.strerror or err})") from None
        if as_json:
            emit_json(data)
            return
        console = Console()
        _table(result, data, None if chains is not None else clock_rate_hz, console)
        if plot is not None:
            console.print(f"plot: {plot}")
