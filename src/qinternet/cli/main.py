"""Entry point of the ``qinternet`` command.

Every command module exposes ``register(app)``; this module wires them and owns the single
error handler: bad input (click usage errors and :class:`InvalidParameterError`) exits with
status 2 and exactly one line on stderr, never a usage banner or a traceback.
"""

from __future__ import annotations

import functools
import importlib
import os
import sys
from collections.abc import Callable, Sequence
from types import ModuleType
from typing import Annotated

import typer

from qinternet.errors import InfeasibleError, InvalidParameterError, QinternetError, SolverError

__all__ = ["build_app", "main"]


def _loader(name: str) -> Callable[[], ModuleType]:
    """A loader of the command module ``qinternet.cli.<name>`` (imported when called)."""
    return functools.partial(importlib.import_module, f"qinternet.cli.{name}")


#: Command name -> loader of its module (imported only when the command runs, so that
#: ``qinternet channel ...`` does not pay for importing the QKD or network stacks).
COMMANDS: dict[str, Callable[[], ModuleType]] = {
    name: _loader(name)
    for name in ("bounds", "channel", "controller", "demo", "keyrate", "repeater", "report",
                 "request", "serve", "sweep")
}


def build_app(command: str | None = None) -> typer.Typer:
    """The typer application with ``command`` registered (all commands when None/unknown)."""
    app = typer.Typer(
        name="qinternet",
        help="Design the quantum internet: channel capacities, network bounds, QKD and "
        "repeaters.",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,
    )

    @app.callback()
    def _root(
        version: Annotated[bool, typer.Option(
            "--version", help="Print the qinternet version and exit.", is_eager=True,
            callback=_print_version)] = False,
    ) -> None:
        """Design the quantum internet: channel capacities, network bounds, QKD, repeaters."""

    loaders = [COMMANDS[command]] if command in COMMANDS else list(COMMANDS.values())
    for load in loaders:
        load().register(app)
    return app


def version_text() -> str:
    """``qinternet X.Y.Z`` from the installed distribution (the package's own when not installed).

    >>> version_text().startswith("qinternet ")
    True
    """
    try:
        from importlib.metadata import version

        number = version("qinternet")
    except Exception:  # pragma: no cover - running from a source tree without metadata
        from qinternet import __version__ as number
    return f"qinternet {number}"


def _print_version(value: bool) -> None:
    if value:
        print(version_text())
        raise typer.Exit(0)


def _one_line(message: str) -> str:
    return " ".join(message.split()) or "invalid input"


def _raw_value(args: Sequence[str], opts: Sequence[str]) -> str | None:
    """The text the user gave for an option (``--x v`` or ``--x=v``), last occurrence wins."""
    found: str | None = None
    for i, arg in enumerate(args):
        for opt in opts:
            if arg == opt and i + 1 < len(args):
                found = args[i + 1]
            elif arg.startswith(opt + "="):
                found = arg[len(opt) + 1:]
    return found


def _usage_message(err: Exception, args: Sequence[str]) -> str:
    """One line for a click usage error; a bad value is always echoed."""
    message = _one_line(err.format_message())  # type: ignore[attr-defined]
    param = getattr(err, "param", None)
    opts = list(getattr(param, "opts", []) or [])
    if type(err).__name__ == "BadParameter" and opts:
        raw = _raw_value(args, opts)
        if raw is not None and repr(raw) not in message:
            message = f"{message}, got {raw!r}"
    return message


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns (and exits with) the process exit status."""
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        app = build_app(next((a for a in args if not a.startswith("-")), None))
        result = app(args=args, prog_name="qinternet", standalone_mode=False)
    except typer.Exit as err:
        code = int(err.exit_code)
    except (typer.Abort, KeyboardInterrupt):
        sys.stderr.write("qinternet: aborted\n")
        code = 130
    except typer.TyperException as err:
        ctx = getattr(err, "ctx", None)
        if type(err).__name__ == "NoArgsIsHelpError" and ctx is not None:
            print(ctx.get_help())
            code = 0
        else:
            # Usage errors (unknown command/option, bad value, missing option): one line.
            sys.stderr.write(f"qinternet: error: {_usage_message(err, args)}\n")
            code = 2
    except InvalidParameterError as err:
        sys.stderr.write(f"qinternet: error: {_one_line(str(err))}\n")
        code = 2
    except (SolverError, InfeasibleError) as err:
        sys.stderr.write(f"qinternet: solver error: {_one_line(str(err))}\n")
        code = 1
    except QinternetError as err:
        sys.stderr.write(f"qinternet: error: {_one_line(str(err))}\n")
        code = 1
    except MemoryError:
        sys.stderr.write("qinternet: error: out of memory (reduce the problem size)\n")
        code = 1
    except OSError as err:
        # Output paths are checked before computing; this catches what no check can foresee
        # (disk full, a folder removed meanwhile, an unreadable input file).
        where = f": {err.filename}" if getattr(err, "filename", None) else ""
        sys.stderr.write(f"qinternet: error: {_one_line(err.strerror or str(err))}{where}\n")
        code = 1
    except Exception as err:  # last resort: one line, no traceback (QINTERNET_DEBUG=1 shows it)
        if os.environ.get("QINTERNET_DEBUG"):
            raise
        sys.stderr.write(f"qinternet: internal error ({type(err).__name__}: "
                         f"{_one_line(str(err))}); please report it with the command line "
                         "(QINTERNET_DEBUG=1 shows the traceback)\n")
        code = 1
    else:
        code = int(result) if isinstance(result, int) else 0
    sys.stdout.flush()
    if argv is None:
        sys.exit(code)
    return code


if __name__ == "__main__":  # pragma: no cover
    main()
