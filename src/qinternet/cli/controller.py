"""``qinternet controller trace|run``: random event traces and controller runs over them.

``trace TOPOLOGY --events N --seed S`` prints one JSON event per line (the trace contract of
:func:`qinternet.controller.event_from_dict`). ``run TOPOLOGY TRACE`` feeds the trace to the
engine and prints per-event decisions and a summary; ``--json`` prints one object with
``unit``, ``policy``, ``events`` and ``summary``. A bad trace line (malformed JSON, unknown
field value, unknown node or link) exits 2 naming the line number and field; nothing is printed
on stdout then.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import typer

from qinternet.cli._common import (
    check_output_path,
    emit_json,
    integer_parser,
    make_console,
    print_table,
)
from qinternet.errors import InvalidParameterError

__all__ = ["load_trace", "register", "summary"]

_MAX_ROWS_SHOWN = 60


def load_trace(path: Path) -> list[tuple[int, dict[str, Any]]]:
    """Parse and validate every line of a JSON-lines trace: ``(line number, event dict)``.

    Blank lines and lines starting with ``#`` are skipped.

    Raises
    ------
    InvalidParameterError
        Named ``line N: FIELD`` (``line N`` for malformed JSON).
    """
    from qinternet.controller import event_from_dict

    if not path.is_file():
        raise InvalidParameterError("TRACE", str(path), "is not a readable file")
    out: list[tuple[int, dict[str, Any]]] = []
    with path.open(encoding="utf-8") as fh:
        for no, line in enumerate(fh, start=1):
            text = line.strip()
            if not text or text.startswith("#"):
                continue
            try:
                obj = json.loads(text)
            except json.JSONDecodeError as err:
                raise InvalidParameterError(f"line {no}", text[:60],
                                            f"is not valid JSON ({err.msg})") from None
            try:
                event_from_dict(obj)
            except InvalidParameterError as err:
                raise InvalidParameterError(f"line {no}: {err.name}", err.value,
                                            err.rule) from None
            out.append((no, obj))
    return out


def summary(decisions: list[Any]) -> dict[str, Any]:
    """Latency percentiles (ms), outcome counts, final Jain index and utilisation."""
    ms = np.array([d.solve_ms for d in decisions], dtype=np.float64)
    counts: dict[str, int] = {}
    for d in decisions:
        counts[d.outcome] = counts.get(d.outcome, 0) + 1
    last = decisions[-1].allocation if decisions else None
    return {
        "latency_ms_p50": float(np.percentile(ms, 50)) if ms.size else 0.0,
        "latency_ms_p99": float(np.percentile(ms, 99)) if ms.size else 0.0,
        "latency_ms_max": float(ms.max()) if ms.size else 0.0,
        "events": len(decisions),
        "admitted": counts.get("admitted", 0),
        "rejected": counts.get("rejected_infeasible", 0) + counts.get("rejected_unroutable", 0),
        "rejected_infeasible": counts.get("rejected_infeasible", 0),
        "rejected_unroutable": counts.get("rejected_unroutable", 0),
        "degraded": counts.get("degraded", 0),
        "applied": counts.get("applied", 0),
        "active_demands": len(last.rates) if last else 0,
        "jain_index": last.jain_index if last else 1.0,
        "max_link_utilisation": last.max_link_utilisation if last else 0.0,
        "objective": last.objective if last else 0.0,
        "objective_upper_bound": last.objective_upper_bound if last else 0.0,
    }


def _load(topology: str) -> Any:
    from qinternet.cli._common import as_option
    from qinternet.networks import load_network

    with as_option({"topology": "TOPOLOGY"}):
        return load_network(topology)


def register(app: typer.Typer) -> None:
    """Add the ``controller`` command group to ``app``."""
    group = typer.Typer(help="Routing controller: random event traces and runs over them.",
                        no_args_is_help=True, rich_markup_mode=None)
    app.add_typer(group, name="controller")

    @group.command("trace")
    def trace(
        topology: Annotated[str, typer.Argument(
            metavar="TOPOLOGY", help="Node-link .json, .graphml or .gml file, or topohub:KEY.")],
        events: Annotated[int, typer.Option(
            "--events", help="Number of events.",
            parser=integer_parser("--events", minimum=0))] = 100,
        seed: Annotated[int, typer.Option(
            "--seed", help="Random seed.", parser=integer_parser("--seed", minimum=0))] = 0,
        demands: Annotated[int, typer.Option(
            "--demands", help="Initial arrivals (the first events).",
            parser=integer_parser("--demands", minimum=0))] = 20,
        group_fraction: Annotated[float, typer.Option(
            "--group-fraction", min=0.0, max=1.0,
            help="Share of arrivals that are GHZ groups (3-4 nodes).")] = 0.1,
        as_json: Annotated[bool, typer.Option(
            "--json", help="Print one JSON array instead of JSON lines.")] = False,
    ) -> None:
        """Print a seeded random event trace (one JSON object per line)."""
        from qinternet.controller import random_trace

        network = _load(topology)
        lines = random_trace(network, events, seed=seed, demands=demands,
                             group_fraction=group_fraction)
        if as_json:
            emit_json(lines)
            return
        for ev in lines:
            print(json.dumps(ev))

    @group.command("run")
    def run(
        topology: Annotated[str, typer.Argument(
            metavar="TOPOLOGY", help="Node-link .json, .graphml or .gml file, or topohub:KEY.")],
        trace_file: Annotated[Path, typer.Argument(
            metavar="TRACE", help="JSON-lines event trace (see 'controller trace').")],
        policy: Annotated[str, typer.Option(
            "--policy", help="maxmin (weighted lexicographic max-min) or throughput.")
        ] = "maxmin",
        as_json: Annotated[bool, typer.Option(
            "--json", help="Print one JSON object (events and summary).")] = False,
        plot: Annotated[Path | None, typer.Option(
            "--plot", help="Write a PNG of each demand's rate over events vs its bound.")
        ] = None,
    ) -> None:
        """Run the controller over a trace: one decision per event, then a summary."""
        from qinternet.controller import POLICIES, Controller, event_from_dict

        if policy not in POLICIES:
            raise InvalidParameterError("--policy", policy, "must be 'maxmin' or 'throughput'")
        plot_path = check_output_path("--plot", plot) if plot is not None else None
        network = _load(topology)
        lines = load_trace(trace_file)
        ctl = Controller(network, policy=policy)
        decisions = []
        for no, obj in lines:
            try:
                decisions.append(ctl.apply(event_from_dict(obj)))
            except InvalidParameterError as err:
                raise InvalidParameterError(f"line {no}: {err.name}", err.value,
                                            err.rule) from None
        summ = summary(decisions)
        if plot_path is not None:
            from qinternet.plotting.controller import plot_controller_run

            plot_controller_run(decisions, plot_path)
        if as_json:
            emit_json({"unit": ctl.unit, "policy": policy, "network": network.name,
                       "events": [d.to_dict() for d in decisions], "summary": summ})
            return
        console = make_console(120)
        rows = []
        shown = decisions if len(decisions) <= _MAX_ROWS_SHOWN else decisions[-_MAX_ROWS_SHOWN:]
        for d in shown:
            a = d.allocation
            rows.append([str(d.seq), str(d.event.get("op")), d.outcome, f"{d.solve_ms:.1f}",
                         str(len(a.rates)), f"{a.objective:.4g}",
                         f"{a.objective_upper_bound:.4g}"
                         if math.isfinite(a.objective_upper_bound) else "-",
                         f"{a.max_link_utilisation:.3f}", d.reason[:60]])
        if len(decisions) > len(shown):
            console.print(f"(first {len(decisions) - len(shown)} events not shown; use --json)")
        obj_name = "min R/w" if policy == "maxmin" else "sum w R"
        print_table(console, f"controller decisions ({ctl.unit})",
                    ["seq", "op", "outcome", "solve ms", "active", obj_name, "bound",
                     "max util", "reason"], rows)
        console.print(
            f"latency p50 {summ['latency_ms_p50']:.1f} ms, p99 {summ['latency_ms_p99']:.1f} ms; "
            f"admitted {summ['admitted']}, rejected {summ['rejected']} "
            f"(infeasible {summ['rejected_infeasible']}, unroutable "
            f"{summ['rejected_unroutable']}), degraded {summ['degraded']}; "
            f"Jain index {summ['jain_index']:.3f}; max link utilisation "
            f"{summ['max_link_utilisation']:.3f}")
        if plot_path is not None:
            console.print(f"plot: {plot_path}")
