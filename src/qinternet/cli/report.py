"""``qinternet report DIR --out report.html``: self-contained HTML report of a sweep."""

from __future__ import annotations

from typing import Annotated

import typer

from qinternet.cli._common import as_option, check_output_path, emit_json

__all__ = ["register"]


def register(app: typer.Typer) -> None:
    """Add the ``report`` command to ``app``."""

    @app.command("report")
    def report(
        folder: Annotated[str, typer.Argument(metavar="DIR",
                                              help="Results folder of qinternet sweep.")],
        out: Annotated[str, typer.Option(
            "--out", help="HTML file to write (plots embedded, no external files).")
        ] = "report.html",
        as_json: Annotated[bool, typer.Option(
            "--json", help="Print one JSON summary instead of text.")] = False,
    ) -> None:
        """Plots of every output against every swept parameter, and the tables, in one page."""
        from qinternet.sweeps import write_report
        from qinternet.sweeps._store import read_manifest

        read_manifest(folder, "DIR")
        target = check_output_path("--out", out, (".html", ".htm"))
        with as_option({"folder": "DIR", "out": "--out"}):
            summary = write_report(folder, target)
        if as_json:
            emit_json(summary)
        else:
            print(f"report of {summary['rows']} points ({summary['errors']} errors), "
                  f"{summary['plots']} plots: {summary['report']}")
