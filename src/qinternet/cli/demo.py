"""``qinternet demo``: the main jobs of the toolkit on built-in data.

Each section is a function ``(output_dir, console) -> dict`` that prints a rich table (to the
given console, which is silenced under ``--json``), writes its plot into ``output_dir`` and
returns a JSON-ready summary (including the paths of the files it wrote). Then
``report.html`` gathers every section (tables and embedded plots) in one page.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from qinternet.cli._common import check_output_dir, check_output_path, emit_json, make_console
from qinternet.cli._demo_channels import channels_section
from qinternet.cli._demo_networks import networks_section
from qinternet.cli._demo_qkd import qkd_section
from qinternet.cli._demo_repeaters import repeaters_section
from qinternet.cli._demo_report import REPORT_NAME, write_demo_report

__all__ = ["SECTIONS", "register", "run_demo"]

Section = Callable[[Path, Console], dict[str, Any]]

#: Demo sections in display order: (key in the JSON output, function).
SECTIONS: tuple[tuple[str, Section], ...] = (
    ("channels", channels_section),
    ("networks", networks_section),
    ("qkd", qkd_section),
    ("repeaters", repeaters_section),
)

#: Files the sections write into the output folder (checked before anything is computed).
OUTPUT_FILES = (
    "fibre_bounds.png",
    "network_pair_flows.png",
    "network_ghz_trees.png",
    "qkd_protocols_vs_plob.png",
    "repeater_key_rate_vs_plob.png",
    REPORT_NAME,
)


def run_demo(output_dir: Path, console: Console) -> dict[str, Any]:
    """Run every section, writing files into ``output_dir``; return the JSON summary.

    The folder (created when missing) and every file to be written are checked first, so a
    bad ``--output-dir`` fails at once instead of after the computations.
    """
    folder = check_output_dir("--output-dir", output_dir)
    for name in OUTPUT_FILES:
        check_output_path("--output-dir", folder / name, suffixes=(Path(name).suffix,))
    summary: dict[str, Any] = {"output_dir": str(output_dir)}
    for key, section in SECTIONS:
        summary[key] = section(output_dir, console)
    summary["report"] = str(write_demo_report(summary, output_dir))
    console.print(f"report with every part: {summary['report']}")
    return summary


def register(app: typer.Typer) -> None:
    """Add the ``demo`` command to ``app``."""

    @app.command("demo")
    def demo(
        output_dir: Annotated[
            str, typer.Option("--output-dir", help="Folder for the plots (created if missing; "
                              "checked before computing).")
        ] = "demo-output",
        as_json: Annotated[
            bool, typer.Option("--json", help="Print one JSON document instead of tables.")
        ] = False,
    ) -> None:
        """Show the main jobs on built-in data: fibre bounds table and plot, and more; writes
        the plots and report.html (every part in one page) into the output folder."""
        # Tables need ~120 columns; keep that width when stdout is not a terminal (CI, pipes).
        console = make_console(120, quiet=as_json)
        if not output_dir.strip():
            check_output_dir("--output-dir", output_dir)  # refuses the empty name
        summary = run_demo(Path(output_dir), console)
        if as_json:
            emit_json(summary)
        else:
            console.print(f"\nPlots written to [bold]{output_dir}/[/bold]")
