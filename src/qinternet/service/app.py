"""The FastAPI application: routes only (state and decisions in :class:`Service`)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from importlib import resources
from typing import Annotated, Any

from fastapi import Body, Depends, FastAPI, Header, Path, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from qinternet.errors import InvalidParameterError
from qinternet.service._core import Service
from qinternet.service._errors import ServiceError
from qinternet.service._models import (
    ClientCreate,
    ClientCreated,
    ClientOut,
    DashboardOut,
    DecisionOut,
    DemandCreate,
    DemandOut,
    ErrorOut,
    LinkOut,
    LinkPatch,
    NetworkOut,
)
from qinternet.service._store import ClientRow

__all__ = ["DASHBOARD_FILES", "MAX_BODY_BYTES", "MAX_NETWORK_BYTES", "create_app"]

#: Largest request body (bytes) except for ``PUT /network``.
MAX_BODY_BYTES = 64 * 1024
#: Largest ``PUT /network`` body (bytes).
MAX_NETWORK_BYTES = 16 * 1024 * 1024

_ERR: dict[str, Any] = {"model": ErrorOut}
_AUTH: dict[int | str, dict[str, Any]] = {401: _ERR, 403: _ERR, 413: _ERR, 422: _ERR}
#: The dashboard's files (package data: ``qinternet/service/static/``) and their types.
DASHBOARD_FILES = {"index.html": "text/html; charset=utf-8",
                   "app.js": "text/javascript; charset=utf-8",
                   "style.css": "text/css; charset=utf-8"}
#: Headers of the dashboard's files: no script, style or connection but our own.
_PAGE_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}
_bearer = HTTPBearer(auto_error=False, description="Authorization: Bearer TOKEN")


def _error(status: int, detail: str, field: str | None = None,
           headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"detail": " ".join(detail.split()), "field": field},
                        status_code=status, headers=headers)


class _BodyLimit:
    """Refuse request bodies over the limit with 413 (checked on the header and on the
    bytes actually received)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = MAX_NETWORK_BYTES if scope["path"] == "/network" else MAX_BODY_BYTES
        for key, value in scope.get("headers", []):
            if key == b"content-length":
                try:
                    too_big = int(value) > limit
                except ValueError:
                    too_big = False
                if too_big:
                    await _error(413, f"request body exceeds {limit} bytes",
                                 "body")(scope, receive, send)
                    return
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise _TooLargeError(limit)
            return message

        try:
            await self.app(scope, limited, send)
        except _TooLargeError as err:
            await _error(413, f"request body exceeds {err.limit} bytes",
                         "body")(scope, receive, send)


class _TooLargeError(Exception):
    def __init__(self, limit: int) -> None:
        super().__init__(limit)
        self.limit = limit


async def _principal(
    request: Request,
    creds: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> ClientRow:
    service: Service = request.app.state.service
    if creds is None or creds.scheme.lower() != "bearer":
        raise ServiceError(401, "Authorization", "missing bearer token "
                           "(header Authorization: Bearer TOKEN)")
    row = await asyncio.to_thread(service.authenticate, creds.credentials)
    if row is None:
        raise ServiceError(401, "Authorization", "invalid or revoked token")
    return row


async def _operator(who: Annotated[ClientRow, Depends(_principal)]) -> ClientRow:
    if who.scope != "operator":
        raise ServiceError(403, "Authorization", "this endpoint needs an operator token")
    return who


Principal = Annotated[ClientRow, Depends(_principal)]
Operator = Annotated[ClientRow, Depends(_operator)]
DemandId = Annotated[str, Path(min_length=1, max_length=64)]


def create_app(service: Service) -> FastAPI:
    """The HTTP API over ``service`` (contract: README "Controller service")."""
    app = FastAPI(title="qinternet controller", version="1",
                  description="Quantum-internet routing controller: admission with "
                  "certificates and fair allocation, per-client tokens.")
    app.state.service = service
    metrics = service.metrics

    @app.middleware("http")
    async def _count(request: Request,
                     call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        try:
            response = await call_next(request)
        except Exception:  # last resort: never a stack trace to the client
            response = _error(500, "internal error")
        route = request.scope.get("route")
        path = getattr(route, "path", "unmatched")
        metrics.requests.labels(request.method, path, str(response.status_code)).inc()
        return response

    app.add_middleware(_BodyLimit)

    @app.exception_handler(ServiceError)
    async def _service_error(request: Request, err: ServiceError) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if err.status == 401 else None
        return _error(err.status, err.detail, err.field, headers)

    @app.exception_handler(InvalidParameterError)
    async def _invalid(request: Request, err: InvalidParameterError) -> JSONResponse:
        return _error(422, str(err), err.name)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, err: RequestValidationError) -> JSONResponse:
        errors = err.errors()
        first = errors[0] if errors else {}
        loc = [str(x) for x in first.get("loc", ()) if x not in ("body", "query", "path",
                                                                  "header")]
        field = ".".join(loc) or "body"
        msg = str(first.get("msg", "invalid request"))
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        return _error(422, f"{field}: {msg}{more}", field)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, err: StarletteHTTPException) -> JSONResponse:
        return _error(err.status_code, str(err.detail))

    @app.exception_handler(Exception)
    async def _internal(request: Request, err: Exception) -> JSONResponse:
        return _error(500, f"internal error ({type(err).__name__})")

    # ---- routes ------------------------------------------------------------------------
    @app.get("/healthz", tags=["ops"])
    def healthz() -> dict[str, Any]:
        """Liveness: ``{"status": "ok", "network": bool, "epoch": int}`` (no token)."""
        return {"status": "ok", "network": service.ctl is not None, "epoch": service.epoch}

    static = resources.files("qinternet.service").joinpath("static")
    pages = {name: static.joinpath(name).read_bytes() for name in DASHBOARD_FILES}

    def page(name: str) -> Response:
        return Response(pages[name], media_type=DASHBOARD_FILES[name], headers=_PAGE_HEADERS)

    @app.get("/", include_in_schema=False)
    def dashboard_page() -> Response:
        """The operator dashboard (static page; it asks for the operator token)."""
        return page("index.html")

    @app.get("/static/{name}", include_in_schema=False)
    def dashboard_file(name: str) -> Response:
        if name not in DASHBOARD_FILES or name == "index.html":
            raise ServiceError(404, "name", f"no file {name!r}")
        return page(name)

    @app.get("/dashboard/state", tags=["operator"], responses={**_AUTH, 409: _ERR})
    def dashboard_state(who: Operator) -> DashboardOut:
        """What the dashboard draws, in one consistent read: nodes (positions when the
        network has them), links (state, utilisation, allocated rate), every demand with its
        owner, headline numbers and the latest decision records."""
        return service.dashboard()

    @app.get("/metrics", tags=["ops"], responses={**_AUTH, 200: {
        "content": {"text/plain": {"schema": {"type": "string"}}}}})
    def get_metrics(who: Operator) -> Response:
        """Prometheus text format (operator token)."""
        return Response(metrics.render(), media_type="text/plain; version=0.0.4")

    def network_out() -> NetworkOut:
        ctl = service.require_network()
        net = ctl.network
        return NetworkOut(name=net.name, num_nodes=net.num_nodes, num_links=int(ctl.tail.size),
                          epoch=service.epoch, nodes=list(net.node_names), unit=ctl.unit)

    @app.put("/network", tags=["operator"], responses={**_AUTH, 409: _ERR})
    def put_network(who: Operator,
                    body: Annotated[dict[str, Any], Body(
                        description="networkx node-link JSON (nodes + edges or links)")],
                    ) -> NetworkOut:
        """Upload or replace the network (a new epoch: the previous demands close)."""
        text = json.dumps(body)
        service.set_network({"suffix": ".json", "text": text})
        return network_out()

    @app.get("/network", tags=["client"], responses={**_AUTH, 409: _ERR})
    def get_network(who: Principal) -> NetworkOut:
        """The loaded network's name, size, node names and rate unit."""
        return network_out()

    @app.post("/clients", status_code=201, tags=["operator"], responses=_AUTH)
    def post_client(who: Operator, body: ClientCreate) -> ClientCreated:
        """Create a client; its token is in this response only."""
        row, token = service.create_client(body.name, scope=body.scope,
                                           max_priority=body.max_priority)
        return ClientCreated(id=row.id, name=row.name, scope=row.scope,
                             max_priority=row.max_priority, token=token)

    @app.get("/clients", tags=["operator"], responses=_AUTH)
    def get_clients(who: Operator) -> list[ClientOut]:
        """Every client (tokens are never shown again)."""
        return [ClientOut(id=c.id, name=c.name, scope=c.scope, max_priority=c.max_priority,
                          revoked=c.revoked, created_unix_s=c.created_s)
                for c in service.clients.values()]

    @app.delete("/clients/{ident}", tags=["operator"], responses={**_AUTH, 404: _ERR})
    def delete_client(who: Operator, ident: DemandId) -> ClientOut:
        """Revoke a client's token (its demands stay)."""
        c = service.revoke_client(ident)
        return ClientOut(id=c.id, name=c.name, scope=c.scope, max_priority=c.max_priority,
                         revoked=c.revoked, created_unix_s=c.created_s)

    @app.post("/demands", status_code=201, tags=["client"],
              responses={**_AUTH, 409: _ERR, 503: _ERR})
    def post_demand(
        who: Principal, body: DemandCreate, response: Response,
        idempotency_key: Annotated[str | None, Header(
            alias="Idempotency-Key", min_length=1, max_length=200,
            description="Retries with the same key return the first decision")] = None,
        wait: Annotated[bool, Query(description=(
            "Return only once the allocation includes the demand (rate and routes; at most "
            "30 s). Without it the answer comes with the admission decision and "
            "'allocation': 'pending'"))] = False,
    ) -> DemandOut:
        """Submit a demand; 201 with the engine's decision (admitted or rejected with a
        certificate / counter-offer). A repeated Idempotency-Key returns the same demand.
        An admitted floor is guaranteed at once; the rate above it follows from the
        background reallocation (``allocation``: ``pending``, then ``current``)."""
        out, created = service.submit(who, body, idempotency_key)
        if not created:
            response.headers["Idempotent-Replayed"] = "true"
        if wait and out.status == "active" and out.allocation == "pending":
            service.wait_allocated(out.id)
            with service.lock:
                out = service.demand_out(service.visible(who, out.id))
        return out

    @app.get("/demands", tags=["client"], responses=_AUTH)
    def get_demands(who: Principal, wait: Annotated[bool, Query(
            description="Return only once the allocation includes every decision so far "
            "(at most 30 s)")] = False) -> list[DemandOut]:
        """The caller's demands (an operator's: all)."""
        if wait:
            service.wait_allocated()
        return service.list_demands(who)

    @app.get("/demands/{ident}", tags=["client"], responses={**_AUTH, 404: _ERR, 409: _ERR})
    def get_demand(who: Principal, ident: DemandId, wait: Annotated[bool, Query(
            description="Return only once the allocation includes every decision so far "
            "(at most 30 s)")] = False) -> DemandOut:
        """One of the caller's demands: rate, floor, status, routes, bound, history."""
        if wait:
            with service.lock:
                service.visible(who, ident)
            service.wait_allocated()
        with service.lock:
            return service.demand_out(service.visible(who, ident))

    @app.delete("/demands/{ident}", tags=["client"],
                responses={**_AUTH, 404: _ERR, 409: _ERR, 503: _ERR})
    def delete_demand(who: Principal, ident: DemandId) -> DemandOut:
        """Cancel one of the caller's demands (repeating it is harmless)."""
        return service.cancel(who, ident)

    @app.get("/links", tags=["client"], responses={**_AUTH, 409: _ERR})
    def get_links(who: Principal) -> list[LinkOut]:
        """Link ids, endpoints, state, current capacities and utilisation."""
        return service.links()

    @app.patch("/links/{link_id}", tags=["operator"],
               responses={**_AUTH, 404: _ERR, 409: _ERR, 503: _ERR})
    def patch_link(who: Operator, link_id: Annotated[int, Path(ge=0, le=10**9)],
                   body: LinkPatch) -> DecisionOut:
        """Set a link down or up (``{"state": ...}``) or degraded (``{"factor": f}``)."""
        if (body.state is None) == (body.factor is None):
            raise ServiceError(422, "state", "give exactly one of 'state' and 'factor'")
        event: dict[str, Any] = ({"op": "degrade_link", "factor": body.factor}
                                 if body.factor is not None
                                 else {"op": f"link_{body.state}"})
        d, seq = service.link_event(link_id, event)
        return DecisionOut(seq=seq, op=str(d.event.get("op")), outcome=d.outcome,
                           reason=d.reason, solve_ms=d.solve_ms, degraded=sorted(d.degraded),
                           max_link_utilisation=d.allocation.max_link_utilisation)

    @app.get("/events", tags=["client"], responses={**_AUTH, 200: {
        "content": {"text/event-stream": {"schema": {"type": "string"}}}}})
    async def get_events(
        who: Principal, request: Request,
        max_events: Annotated[int | None, Query(
            ge=1, le=10**6, description="Close the stream after this many records")] = None,
    ) -> Response:
        """Server-Sent Events: one ``decision`` event (JSON) per decision, and one
        ``allocation`` event per background reallocation (the rates it moved); a client sees
        only records about its own demands, with only its own rates."""
        from sse_starlette.sse import EventSourceResponse

        sub = service.hub.subscribe(None if who.scope == "operator" else who.id)

        async def stream() -> AsyncIterator[dict[str, str]]:
            sent = 0
            try:
                yield {"event": "ready", "data": json.dumps({"epoch": service.epoch})}
                while max_events is None or sent < max_events:
                    try:
                        record = await asyncio.wait_for(sub.queue.get(), timeout=1.0)
                    except TimeoutError:
                        if await request.is_disconnected():
                            break
                        continue
                    sent += 1
                    yield {"event": record.get("kind", "decision"), "id": str(record["seq"]),
                           "data": json.dumps(record, allow_nan=False)}
            finally:
                service.hub.unsubscribe(sub)

        return EventSourceResponse(stream(), ping=15)

    return app
