"""Helpers shared by the CLI commands: JSON output, option parsing, error conventions.

Conventions (see ``cli/main.py``): a command raises :class:`InvalidParameterError` with the
*option* name (``"--length-km"``) for bad input; ``main()`` turns it into exit status 2 and one
line on stderr. Library errors that name a parameter are re-labelled with :func:`as_option`.
"""

from __future__ import annotations

import json
import math
import os
import sys
import tempfile
import textwrap
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from rich.console import Console

from qinternet._validation import require_int_bounds
from qinternet.errors import InvalidParameterError

__all__ = [
    "PLOT_SUFFIXES",
    "as_option",
    "check_output_dir",
    "check_output_path",
    "emit_json",
    "make_console",
    "integer_parser",
    "json_ready",
    "option_names",
    "parse_float_list",
    "parse_integer",
    "parse_range",
    "print_table",
    "progress_bar",
    "show_progress",
]

#: File extensions accepted by ``--plot`` (matplotlib writes them without extra packages).
PLOT_SUFFIXES: tuple[str, ...] = (".png", ".pdf", ".svg")


def json_ready(obj: Any) -> Any:
    """Recursively convert numpy scalars/arrays and tuples to plain JSON types (NaN/inf -> None)."""
    try:
        import numpy as np
    except ImportError:  # pragma: no cover
        np = None  # type: ignore[assignment]
    if isinstance(obj, dict):
        return {str(k): json_ready(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [json_ready(v) for v in obj]
    if np is not None and isinstance(obj, np.ndarray):
        return [json_ready(v) for v in obj.tolist()]
    if np is not None and isinstance(obj, np.generic):
        obj = obj.item()
    if isinstance(obj, bool) or obj is None or isinstance(obj, str | int):
        return obj
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    return obj


def make_console(width_when_piped: int, *, quiet: bool = False) -> Console:
    """A rich Console on stdout: the terminal's width (or ``$COLUMNS`` when set), else
    ``width_when_piped`` columns so that piped tables are not squeezed to 80."""
    width = None if sys.stdout.isatty() or os.environ.get("COLUMNS") else width_when_piped
    return Console(width=width, quiet=quiet)


def emit_json(obj: Any) -> None:
    """Print exactly one JSON document on stdout."""
    print(json.dumps(json_ready(obj), allow_nan=False))


def parse_float_list(option: str, text: str, *, length: int | None = None) -> tuple[float, ...]:
    """Parse ``"a,b,c"`` into floats, raising a one-line error naming ``option``.

    >>> parse_float_list("--probabilities", "0.7,0.1,0.1,0.1", length=4)
    (0.7, 0.1, 0.1, 0.1)
    """
    parts = [p.strip() for p in text.split(",")]
    try:
        values = tuple(float(p) for p in parts)
    except ValueError:
        raise InvalidParameterError(
            option, text, "must be a comma-separated list of numbers"
        ) from None
    if any(not math.isfinite(v) for v in values):
        raise InvalidParameterError(option, text, "must contain finite numbers only")
    if length is not None and len(values) != length:
        raise InvalidParameterError(
            option, text, f"must have exactly {length} comma-separated numbers"
        )
    return values


def parse_range(option: str, text: str) -> tuple[float, ...]:
    """Parse ``"START:STOP:STEP"`` (STOP included when on the grid) or a single number.

    >>> parse_range("--distance-km", "0:100:50")
    (0.0, 50.0, 100.0)
    >>> parse_range("--loss-db", "0:0.3:0.1")
    (0.0, 0.1, 0.2, 0.3)
    >>> parse_range("--distance-km", "25")
    (25.0,)
    """
    if ":" not in text:
        if "," in text:
            raise InvalidParameterError(option, text, "must be a number or START:STOP:STEP "
                                        "(one value or a grid, not a list)")
        return parse_float_list(option, text, length=1)
    parts = text.split(":")
    if len(parts) != 3:
        raise InvalidParameterError(option, text, "must be a number or START:STOP:STEP")
    start, stop, step = parse_float_list(option, ",".join(parts), length=3)
    if step <= 0:
        raise InvalidParameterError(option, text, "must have STEP > 0")
    if stop < start:
        raise InvalidParameterError(option, text, "must have STOP >= START")
    n = math.floor((stop - start) / step + 1e-9)
    if n > 100_000:
        raise InvalidParameterError(option, text, "must have at most 100000 points")
    # Round away float noise (0.30000000000000004 -> 0.3) at 12 significant digits.
    values = [float(f"{start + i * step:.12g}") for i in range(n + 1)]
    if abs(values[-1] - stop) <= 1e-9 * max(1.0, abs(stop)):
        values[-1] = stop
    return tuple(values)


def option_names(*names: str, **renamed: str) -> dict[str, str]:
    """Library parameter name -> CLI option: ``--`` and the name with dashes, unless renamed.

    >>> option_names("length_km", werner_w0="--werner")
    {'length_km': '--length-km', 'werner_w0': '--werner'}
    """
    return {**{name: "--" + name.replace("_", "-") for name in names}, **renamed}


@contextmanager
def as_option(mapping: dict[str, str]) -> Iterator[None]:
    """Re-label library :class:`InvalidParameterError` names as CLI option names.

    >>> with as_option({"length_km": "--length-km"}):
    ...     raise InvalidParameterError("length_km", -1.0, "must be >= 0")
    Traceback (most recent call last):
    ...
    qinternet.errors.InvalidParameterError: --length-km must be >= 0, got -1.0
    """
    try:
        yield
    except InvalidParameterError as err:
        if err.name in mapping:
            raise InvalidParameterError(mapping[err.name], err.value, err.rule) from None
        raise


def parse_integer(option: str, text: str, *, minimum: int | None = None,
                  maximum: int | None = None) -> int:
    """Parse an integer option, accepting integral floats such as ``1e9``; errors echo the value.

    >>> parse_integer("--levels", "3"), parse_integer("--truncation-steps", "1e6")
    (3, 1000000)
    >>> parse_integer("--levels", "2.5")
    Traceback (most recent call last):
    ...
    qinternet.errors.InvalidParameterError: --levels must be an integer (e.g. 3 or 1e6), got '2.5'
    """
    raw = text.strip().replace("_", "")
    try:
        number = Decimal(raw)
    except InvalidOperation:
        number = Decimal("NaN")
    # Integral decimals only (1e9, 1000, 1.0e3); exact for any size (no float rounding).
    if not number.is_finite() or number != number.to_integral_value() or len(raw) > 400:
        raise InvalidParameterError(option, text, "must be an integer (e.g. 3 or 1e6)")
    if number.adjusted() > 18:  # beyond 10^19 nothing is meaningful (and int() would be slow)
        rule = f"must be an integer <= {maximum}" if maximum is not None else "is too large"
        raise InvalidParameterError(option, text, rule)
    return require_int_bounds(option, text, int(number), minimum=minimum, maximum=maximum)


def integer_parser(option: str, *, minimum: int | None = None,
                   maximum: int | None = None) -> Callable[[str], int]:
    """A typer ``parser=`` for an integer option (see :func:`parse_integer`)."""

    def parse(text: str | int) -> int:
        if isinstance(text, int):  # typer passes defaults through the parser as well
            return text
        try:
            return parse_integer(option, text, minimum=minimum, maximum=maximum)
        except InvalidParameterError as err:
            import typer  # the CLI edge only; typer prefixes "Invalid value for '--x':"

            raise typer.BadParameter(f"{err.rule}, got {text!r}") from None

    return parse


def _probe_writable_dir(option: str, shown: str, folder: Path) -> None:
    """Raise unless a file can be created in the existing folder ``folder``."""
    try:
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".qinternet-write-test-"):
            pass
    except OSError as err:
        reason = err.strerror or type(err).__name__
        raise InvalidParameterError(
            option, shown, f"cannot be written: folder {str(folder)!r} is not writable ({reason})"
        ) from None


def check_output_path(option: str, path: str | os.PathLike[str],
                      suffixes: Sequence[str] = PLOT_SUFFIXES) -> Path:
    """Check BEFORE computing that an output file can be written; return the path to write.

    Refuses (``InvalidParameterError`` naming ``option`` and the value) an empty name, an
    existing folder, a missing or non-folder parent, an unwritable place and an extension not
    in ``suffixes``. A name without extension gets ``suffixes[0]`` appended, so the returned
    path is the file that will really be written (print that one). Nothing is created.

    >>> check_output_path("--plot", "curve")
    PosixPath('curve.png')
    >>> check_output_path("--plot", "")
    Traceback (most recent call last):
    ...
    qinternet.errors.InvalidParameterError: --plot must be a file name such as plot.png, got ''
    >>> check_output_path("--plot", "rates.jpg")
    Traceback (most recent call last):
    ...
    qinternet.errors.InvalidParameterError: --plot must end in .png, .pdf or .svg, got 'rates.jpg'
    """
    text = os.fspath(path)
    example = f"plot{suffixes[0]}" if suffixes else "out"
    if not text.strip():
        raise InvalidParameterError(option, text, f"must be a file name such as {example}")
    target = Path(text).expanduser()
    if text.endswith(("/", os.sep)) or target.is_dir():
        raise InvalidParameterError(option, text,
                                    f"is a folder; give a file name such as {example}")
    if suffixes:
        allowed = tuple(s.lower() for s in suffixes)
        suffix = target.suffix.lower()
        if suffix == "":
            target = target.with_name(target.name + suffixes[0])
        elif suffix not in allowed:
            listed = ", ".join(allowed[:-1]) + (" or " if len(allowed) > 1 else "") + allowed[-1]
            raise InvalidParameterError(option, text, f"must end in {listed}")
    parent = target.parent
    if not parent.exists():
        raise InvalidParameterError(option, text,
                                    f"cannot be written: folder {str(parent)!r} does not exist")
    if not parent.is_dir():
        raise InvalidParameterError(option, text,
                                    f"cannot be written: {str(parent)!r} is not a folder")
    if target.exists() and not os.access(target, os.W_OK):
        raise InvalidParameterError(option, text, "cannot be written: the file is read-only")
    _probe_writable_dir(option, text, parent)
    return target


def check_output_dir(option: str, path: str | os.PathLike[str]) -> Path:
    """Check BEFORE computing that ``path`` is (or can be created as) a writable folder.

    Creates the folder (and missing parents) when absent; refuses, naming ``option`` and the
    value, an empty name, an existing file, a place where folders cannot be created and an
    unwritable folder.

    >>> check_output_dir("--output-dir", "")
    Traceback (most recent call last):
    ...
    qinternet.errors.InvalidParameterError: --output-dir must be a folder name, got ''
    """
    text = os.fspath(path)
    if not text.strip():
        raise InvalidParameterError(option, text, "must be a folder name")
    folder = Path(text).expanduser()
    if folder.exists() and not folder.is_dir():
        raise InvalidParameterError(option, text, "is an existing file, not a folder")
    if not folder.exists():
        for ancestor in folder.parents:
            if ancestor.exists():
                if not ancestor.is_dir():
                    raise InvalidParameterError(
                        option, text, f"cannot be created: {str(ancestor)!r} is a file")
                break
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            reason = err.strerror or type(err).__name__
            raise InvalidParameterError(option, text, f"cannot be created ({reason})") from None
    _probe_writable_dir(option, text, folder)
    return folder


@contextmanager
def progress_bar(enabled: bool, label: str) -> Iterator[Callable[[str, float, float], None] | None]:
    """A transient rich progress bar on stderr yielding ``update(description, done, total)``, or
    None when disabled (the commands disable it with ``--json`` and when stderr is no terminal).
    """
    if not enabled:
        yield None
        return
    from rich.progress import (
        BarColumn,
        Progress,
        TaskProgressColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    bar = Progress(TextColumn("{task.description}"), BarColumn(), TaskProgressColumn(),
                   TimeElapsedColumn(), TimeRemainingColumn(), console=Console(stderr=True),
                   transient=True)
    with bar:
        task = bar.add_task(label, total=1.0)

        def update(description: str, done: float, total: float) -> None:
            bar.update(task, description=description, completed=done,
                       total=max(total, done, 1e-300))

        yield update


def show_progress(as_json: bool) -> bool:
    """Whether a progress bar may be drawn: not with ``--json``, only when stderr is a TTY."""
    return not as_json and sys.stderr.isatty()


def print_table(console: Console, title: str, headers: Sequence[str], rows: Sequence[Sequence[str]],
                *, caption: str | None = None, keep: int = 1, left: int = 0) -> None:
    """Print a table whose cells are never truncated: headers may wrap, values never do, and a
    table too wide for the console is split into several tables (the first ``keep`` columns,
    e.g. the distance, repeated in each), instead of cutting numbers to ``0.0025…``. The first
    ``left`` columns are left-aligned (names), the others right-aligned (numbers).
    """
    from rich.table import Table

    # A column is as wide as its longest value and its header's longest word (rich measures
    # text by words even when it may fold them).
    widths = [max([len(r[i]) for r in rows] + [len(w) for w in headers[i].split()])
              for i in range(len(headers))]
    natural = [max([len(r[i]) for r in rows] + [len(headers[i])]) for i in range(len(headers))]
    if sum(w + 3 for w in natural) + 1 <= console.width:
        widths = natural  # everything fits on one line per header

    def build(columns: Sequence[int], part: str) -> Table:
        table = Table(title=title + part, caption=caption)
        for i in columns:
            # Headers pre-wrapped to the column width: rich then never has to collapse columns.
            header = "\n".join(textwrap.wrap(headers[i], widths[i])) or headers[i]
            table.add_column(header, justify="left" if i < left else "right",
                             min_width=widths[i], overflow="fold")
        for r in rows:
            table.add_row(*(r[i] for i in columns))
        return table

    def needed(columns: Sequence[int]) -> int:  # cell widths + 2 padding + 1 border each
        return sum(widths[i] + 3 for i in columns) + 1

    fixed = list(range(keep))
    rest = list(range(keep, len(headers)))
    size = len(rest)
    while size > 1 and needed(fixed + rest[:size]) > console.width:
        size -= 1
    groups = [rest[i:i + size] for i in range(0, len(rest), max(size, 1))] or [[]]
    tables = [build(fixed + g, "" if len(groups) == 1 else f" ({k + 1}/{len(groups)})")
              for k, g in enumerate(groups)]
    for table in tables:
        console.print(table)
