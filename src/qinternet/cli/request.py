"""``qinternet request``: talk to a running controller service from scripts.

``qinternet request --server URL --token T pair A B --floor R`` submits a pair demand;
``group A B C ...`` a GHZ group; ``list``, ``show ID`` and ``cancel ID`` read or cancel the
caller's demands. ``--json`` prints the service's demand object(s). A refusal by the service
exits 2 (4xx) or 1 (5xx, unreachable) with one line on stderr naming the field.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import Annotated, Any

import typer

from qinternet.cli._common import emit_json

__all__ = ["register"]


Floor = Annotated[float, typer.Option("--floor", min=0.0,
                                      help="Guaranteed rate (0: best effort).")]
Weight = Annotated[float, typer.Option("--weight", help="Fair-share weight (> 0).")]
Priority = Annotated[int, typer.Option("--priority", help="Priority class.")]
Cap = Annotated[float | None, typer.Option("--cap", help="Maximum rate.")]
Key = Annotated[str | None, typer.Option("--idempotency-key",
                                         help="Retry-safe key (default: random).")]
Json = Annotated[bool, typer.Option("--json", help="Print the service's JSON.")]



def _one_line(text: str) -> str:
    return " ".join(text.split())


def _run(ctx: typer.Context, action: Callable[[Any], Any], as_json: bool) -> None:
    from qinternet.client import ControllerClient, ControllerError, DemandStatus

    server, token = ctx.obj
    try:
        with ControllerClient(server, token) as client:
            result = action(client)
    except ControllerError as err:
        sys.stderr.write(f"qinternet: error: {_one_line(str(err))}\n")
        raise typer.Exit(2 if 400 <= err.status < 500 else 1) from None
    items = result if isinstance(result, list) else [result]
    if as_json:
        emit_json([d.raw for d in items] if isinstance(result, list) else result.raw)
        return
    for d in items:
        assert isinstance(d, DemandStatus)
        bound = "-" if d.upper_bound is None else f"{d.upper_bound:.6g}"
        line = (f"{d.id}  {d.outcome:<19} {d.status:<9} rate {d.rate:.6g} floor "
                f"{d.floor:.6g} bound {bound} {d.unit}  [{' '.join(d.endpoints)}]")
        if d.counter_offer is not None:
            line += f"  counter-offer {d.counter_offer:.6g}"
        print(line)


def register(app: typer.Typer) -> None:
    """Add the ``request`` command group to ``app``."""
    group = typer.Typer(help="Submit, list and cancel demands on a running service.",
                        no_args_is_help=True, rich_markup_mode=None)
    app.add_typer(group, name="request")

    @group.callback()
    def _options(
        ctx: typer.Context,
        server: Annotated[str, typer.Option(
            "--server", help="Service URL (or $QINTERNET_SERVER).")] = "",
        token: Annotated[str, typer.Option(
            "--token", help="Bearer token (or $QINTERNET_TOKEN).")] = "",
    ) -> None:
        """Talk to a controller service (qinternet serve)."""
        from qinternet.errors import InvalidParameterError

        server = server or os.environ.get("QINTERNET_SERVER", "http://127.0.0.1:8000")
        token = token or os.environ.get("QINTERNET_TOKEN", "")
        if not server.startswith(("http://", "https://")):
            raise InvalidParameterError("--server", server, "must be an http(s):// URL")
        if not token:
            raise InvalidParameterError("--token", "", "is required (or set QINTERNET_TOKEN)")
        ctx.obj = (server, token)

    def submit(ctx: typer.Context, nodes: list[str], floor: float, weight: float,
               priority: int, cap: float | None, key: str | None, as_json: bool) -> None:
        # a script wants the rate, not only the admission: wait for the allocation
        _run(ctx, lambda c: c.submit(nodes, floor=floor, weight=weight, priority=priority,
                                     cap=cap, idempotency_key=key, wait=True), as_json)

    @group.command("pair")
    def pair(ctx: typer.Context,
             a: Annotated[str, typer.Argument(metavar="A")],
             b: Annotated[str, typer.Argument(metavar="B")],
             floor: Floor = 0.0, weight: Weight = 1.0, priority: Priority = 0,
             cap: Cap = None, key: Key = None, as_json: Json = False) -> None:
        """Submit an entanglement demand between nodes A and B."""
        submit(ctx, [a, b], floor, weight, priority, cap, key, as_json)

    @group.command("group")
    def group_cmd(ctx: typer.Context,
                  nodes: Annotated[list[str], typer.Argument(metavar="NODE...")],
                  floor: Floor = 0.0, weight: Weight = 1.0, priority: Priority = 0,
                  cap: Cap = None, key: Key = None, as_json: Json = False) -> None:
        """Submit a GHZ demand among three or more nodes."""
        submit(ctx, nodes, floor, weight, priority, cap, key, as_json)

    @group.command("list")
    def list_cmd(ctx: typer.Context, as_json: Json = False) -> None:
        """List the caller's demands."""
        _run(ctx, lambda c: c.demands(), as_json)

    @group.command("show")
    def show(ctx: typer.Context, ident: Annotated[str, typer.Argument(metavar="ID")],
             as_json: Json = False) -> None:
        """Show one demand."""
        _run(ctx, lambda c: c.demand(ident), as_json)

    @group.command("cancel")
    def cancel(ctx: typer.Context, ident: Annotated[str, typer.Argument(metavar="ID")],
               as_json: Json = False) -> None:
        """Cancel one demand."""
        _run(ctx, lambda c: c.cancel(ident), as_json)
