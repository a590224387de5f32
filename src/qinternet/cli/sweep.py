"""``qinternet sweep SPEC.toml``: run a parameter sweep serially or on dask.distributed.

The spec is validated whole before anything runs (exit 2 naming the key). Results go to
``--out DIR`` (default: the spec's name without ``.toml`` plus ``-results``), one Parquet file
per batch; ``--resume`` computes only the points missing from ``DIR``. Failed points are rows
with ``status = "error"``; the exit status is 0 when every point has a row, 1 when a batch
failed as a whole (rerun with ``--resume``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from qinternet.cli._common import as_option, emit_json, integer_parser
from qinternet.errors import InvalidParameterError

__all__ = ["register"]


def _progress_bar(enabled: bool) -> Any:
    """A rich progress bar with rate and ETA on stderr, or None."""
    if not enabled:
        return None
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TaskProgressColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    class _Rate(TextColumn):
        def render(self, task: Any) -> Any:
            from rich.text import Text

            speed = task.finished_speed or task.speed
            return Text("" if speed is None else f"{speed:.3g} points/s")

    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TaskProgressColumn(), _Rate(""), TimeElapsedColumn(), TextColumn("ETA"),
                    TimeRemainingColumn(), console=Console(stderr=True))


def register(app: typer.Typer) -> None:
    """Add the ``sweep`` command to ``app``."""

    @app.command("sweep")
    def sweep(
        spec_path: Annotated[str, typer.Argument(
            metavar="SPEC.toml", help="Sweep spec: computation, [parameters], [zip], [random], "
                                      "[fixed] (see the README).")],
        out: Annotated[str | None, typer.Option(
            "--out", help="Results folder (default: SPEC-results next to the spec).")] = None,
        workers: Annotated[int | None, typer.Option(
            "--workers", help="1: serial in process (default); N: a local dask cluster of N "
                              "worker processes.",
            parser=integer_parser("--workers", minimum=1, maximum=1024))] = None,
        scheduler: Annotated[str | None, typer.Option(
            "--scheduler", help="Address of a running dask scheduler, tcp://HOST:PORT.")
        ] = None,
        resume: Annotated[bool, typer.Option(
            "--resume", help="Compute only the points missing from --out.")] = False,
        batch_size: Annotated[int | None, typer.Option(
            "--batch-size", help="Points per task (default: about 16 tasks per worker, at "
                                 "most 512 points).",
            parser=integer_parser("--batch-size", minimum=1))] = None,
        as_json: Annotated[bool, typer.Option(
            "--json", help="Print one JSON summary instead of text.")] = False,
    ) -> None:
        """Run a sweep (channel, bounds, keyrate, repeater or controller) into Parquet files."""
        import sys

        from qinternet.sweeps import DaskExecutor, SerialExecutor, load_spec, run_sweep

        if workers is not None and scheduler is not None:
            raise InvalidParameterError("--workers/--scheduler", f"{workers}/{scheduler}",
                                        "give at most one of the two")
        spec = load_spec(spec_path)
        folder = Path(out) if out is not None else Path(spec_path).with_suffix("").with_name(
            Path(spec_path).with_suffix("").name + "-results")
        with as_option({"workers": "--workers", "scheduler": "--scheduler",
                        "out_dir": "--out", "batch_size": "--batch-size"}):
            if scheduler is not None:
                executor: Any = DaskExecutor(scheduler=scheduler)
            elif workers is not None and workers > 1:
                executor = DaskExecutor(workers=workers)
            else:
                executor = SerialExecutor()
            bar = _progress_bar(not as_json and sys.stderr.isatty())
            if bar is None:
                summary = run_sweep(spec, folder, executor=executor, resume=resume,
                                    batch_size=batch_size)
            else:
                with bar:
                    task = bar.add_task(f"sweep {spec.computation}", total=None)

                    def update(done: int, total: int) -> None:
                        bar.update(task, completed=done, total=total)

                    summary = run_sweep(spec, folder, executor=executor, resume=resume,
                                        batch_size=batch_size, progress=update)
        data = summary.to_dict()
        if as_json:
            emit_json(data)
        else:
            print(f"{summary.computed} points computed ({summary.ok} ok, {summary.errors} "
                  f"errors), {summary.skipped} already done, in {summary.wall_time_s:.3g} s "
                  f"({summary.executor}); results in {summary.out_dir}")
        if summary.lost:
            sys.stderr.write(f"qinternet: error: {summary.lost} points were lost with their "
                             "batch (worker lost); rerun with --resume\n")
            raise typer.Exit(1)

