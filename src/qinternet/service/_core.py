"""The service's state: the engine, the store and the bookkeeping between them.

All decisions are the engine's (:class:`qinternet.controller.Controller`); this layer
authenticates, checks ownership and allowances, persists every accepted event in the same
transaction as its demand row, and rebuilds the engine on start by replaying the log.

Two engines. The *deciding* engine applies every event deferred (admission test,
certificate, floors shed at once; see ``Controller.apply(..., reallocate=False)``), so a
request waits only for its admission decision and its commit. A background thread copies the
deciding engine's state (:meth:`Controller.snapshot`) into a second, warm *allocating* engine,
reallocates there without holding the service lock, and hands the allocation back
(:meth:`Controller.adopt`); events that arrive meanwhile are coalesced into the next round.
Decisions depend only on the state, never on when allocations were computed, so a restart
(replay of the log, deferred, then one reallocation) serves the same allocation as before.
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import json
import math
import secrets
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, Literal

from qinternet.controller import Allocation, Controller, Decision, event_from_dict, replay
from qinternet.errors import InvalidParameterError, QinternetError
from qinternet.networks import Network, load_network
from qinternet.service._allocator import ProcessAllocator
from qinternet.service._auth import (
    TokenHash,
    hash_secret,
    new_client_id,
    new_token,
    split_token,
    verify_secret,
)
from qinternet.service._errors import ServiceError
from qinternet.service._hub import EventHub
from qinternet.service._metrics import Metrics
from qinternet.service._models import (
    DashboardDemand,
    DashboardLink,
    DashboardNode,
    DashboardOut,
    DashboardSummary,
    DecisionRecord,
    DemandCreate,
    DemandOut,
    HistoryEntry,
    LinkOut,
    RouteOut,
)
from qinternet.service._store import ClientRow, DemandRow, Store

__all__ = ["Service", "decision_record", "network_from_source", "rebuild"]

_FLOOR_TOL = 1e-9
#: Under churn, the served allocation is stored at most this often (s); a current one always.
STORE_EVERY_S = 2.0
#: Longest a request waits for its allocation (``POST /demands?wait=true``), s.
WAIT_LIMIT_S = 30.0


def rebuild(network: Network, events: list[dict[str, Any]], *,
            policy: str = "maxmin") -> tuple[Controller, Controller]:
    """The deciding engine of a logged epoch (its events replayed deferred) and a fresh
    allocating engine whose allocation of that state it serves: an independent
    recomputation of what the service serves after those events."""
    ctl = replay(network, events, policy=policy, reallocate=False)  # type: ignore[arg-type]
    shadow = Controller(network, policy=policy)  # type: ignore[arg-type]
    _allocate_on(shadow, ctl)
    return ctl, shadow


def _allocate_on(shadow: Controller, ctl: Controller) -> Decision:
    """Reallocate ``ctl``'s current state on ``shadow`` and serve the result on ``ctl``
    (the caller holds whatever lock guards ``ctl``); the reallocation record."""
    state = ctl.snapshot()
    shadow.load_state(state)
    record = shadow.reallocate()
    ctl.adopt(record.allocation, state.seq)
    return record


def _allocation_body(epoch: int, seq: int, allocation: Allocation) -> str:
    """The stored form of an allocation (meta ``allocation``): epoch, events covered, data."""
    return json.dumps({"epoch": epoch, "seq": seq, "allocation": allocation.to_dict()})


def network_from_source(source: dict[str, Any]) -> Network:
    """Load a stored network source: ``{"topohub": KEY}`` or ``{"suffix": ".json", "text":
    ...}`` (the uploaded file's content)."""
    if "topohub" in source:
        return load_network(str(source["topohub"]))
    suffix = str(source.get("suffix", ".json"))
    with tempfile.TemporaryDirectory(prefix="qinternet-net-") as tmp:
        path = Path(tmp) / f"network{suffix}"
        path.write_text(str(source["text"]), encoding="utf-8")
        return load_network(path)


def _finite(x: float | None) -> float | None:
    return None if x is None or not math.isfinite(x) else float(x)


class Service:
    """One service instance over a :class:`Store` (thread-safe; one writer)."""

    def __init__(self, store: Store, *, policy: str = "maxmin",
                 allocator: str = "thread") -> None:
        if policy not in ("maxmin", "throughput"):
            raise InvalidParameterError("policy", policy, "must be 'maxmin' or 'throughput'")
        if allocator not in ("thread", "process"):
            raise InvalidParameterError("allocator", allocator,
                                        "must be 'thread' or 'process'")
        self.store = store
        self.policy = policy
        #: Where background reallocations run: "thread" (a second engine in this process)
        #: or "process" (in a child process: the request threads keep the GIL).
        self.allocator = allocator
        self._process: ProcessAllocator | None = None
        self._stored_at = 0.0
        self.lock = threading.RLock()
        #: Notified (with :attr:`lock`) whenever an allocation is adopted.
        self.settled = threading.Condition(self.lock)
        self.hub = EventHub()
        self.metrics = Metrics()
        self._cache_key = secrets.token_bytes(32)
        self._token_cache: dict[str, bytes] = {}
        self._wake = threading.Event()
        self._stop = False
        self._worker: threading.Thread | None = None
        #: Bumped by every :meth:`load`: an allocation computed before it is discarded.
        self.generation = 0
        #: The last reallocation's failure (None: the last one succeeded).
        self.allocation_error: str | None = None
        self.load()

    # ---- loading ---------------------------------------------------------------------------
    def load(self) -> None:
        """(Re)build everything from the store: clients, network, demands, engine by replay."""
        with self.lock:
            self.clients = {c.id: c for c in self.store.clients()}
            self.epoch = int(self.store.meta("epoch") or 0)
            raw = self.store.meta("network")
            self.network: Network | None = None
            self.ctl: Controller | None = None
            self.seqs: list[int] = []
            self.history: dict[str, list[int]] = {}
            self.generation += 1
            self._shadow: Controller | None = None
            self._source = json.loads(raw) if raw is not None else None
            if self._process is not None:
                self._process.close()
                self._process = None
            if self._source is not None:
                self.network = network_from_source(self._source)
                logged = self.store.events(self.epoch)
                self.ctl = replay(self.network, [e for _, e in logged],
                                  policy=self.policy,  # type: ignore[arg-type]
                                  reallocate=False)
                self.seqs = [s for s, _ in logged]
                self._serve_stored_allocation()
                for i, d in enumerate(self.ctl.log):
                    self._index(i, d)
            rows = self.store.demands(self.epoch)
            self.demands: dict[str, DemandRow] = {d.id: d for d in rows}
            self.owners = {d.id: d.client_id for d in rows}
            self.idempotency = {(d.client_id, d.idempotency_key): d.id for d in rows
                                if d.idempotency_key is not None}
            self.next_seq = self.store.next_seq()
            self._gauges()

    def _serve_stored_allocation(self) -> None:
        """After a replay: serve the stored allocation when it covers every logged event
        (the same rates and routes, bit for bit, as before the stop: a restart moves no
        route); otherwise compute it now and store it. Lock held."""
        ctl = self.ctl
        assert ctl is not None
        raw = self.store.meta("allocation")
        stored = json.loads(raw) if raw is not None else None
        if stored is not None and stored.get("epoch") == self.epoch \
                and stored.get("seq") == ctl.seq:
            ctl.adopt(Allocation.from_dict(stored["allocation"]), ctl.seq)
            return
        shadow = Controller(ctl.network, policy=self.policy)  # type: ignore[arg-type]
        record = _allocate_on(shadow, ctl)
        with self.store.transaction() as cur:
            cur.set_meta("allocation", _allocation_body(self.epoch, record.seq + 1,
                                                        record.allocation))
        self._shadow = shadow

    def _index(self, i: int, d: Decision) -> None:
        touched = set(d.diff) | set(d.degraded)
        ident = d.event.get("id")
        if isinstance(ident, str):
            touched.add(ident)
        for k in touched:
            self.history.setdefault(k, []).append(i)

    def _gauges(self) -> None:
        if self.ctl is None:
            return
        a = self.ctl.allocation
        util = [u for u in a.link_utilisation if math.isfinite(u)]
        self.metrics.max_utilisation.set(a.max_link_utilisation
                                         if math.isfinite(a.max_link_utilisation) else 0.0)
        self.metrics.mean_utilisation.set(sum(util) / len(util) if util else 0.0)
        self.metrics.active_demands.set(len(self.ctl.demands))

    # ---- clients and tokens ----------------------------------------------------------------
    def create_client(self, name: str, *, scope: str = "client",
                      max_priority: int = 0) -> tuple[ClientRow, str]:
        """A new client and its token (the token is not stored, only its scrypt hash)."""
        ident = new_client_id()
        token = new_token(ident)
        parts = split_token(token)
        assert parts is not None
        h = hash_secret(parts[1])
        row = ClientRow(id=ident, name=name, scope=scope, salt=h.salt, digest=h.digest,
                        max_priority=max_priority, revoked=False, created_s=time.time())
        with self.lock:
            with self.store.transaction() as cur:
                cur.add_client(row)
            self.clients[ident] = row
        return row, token

    def revoke_client(self, ident: str) -> ClientRow:
        with self.lock:
            row = self.clients.get(ident)
            if row is None:
                raise ServiceError(404, "id", f"no client {ident!r}")
            if not row.revoked:
                with self.store.transaction() as cur:
                    cur.revoke_client(ident)
                row = ClientRow(**{**_fields(row), "revoked": True})
                self.clients[ident] = row
            self._token_cache.pop(ident, None)
            return row

    def authenticate(self, token: str) -> ClientRow | None:
        """The client holding ``token`` (None: unknown, malformed or revoked)."""
        parts = split_token(token)
        if parts is None:
            return None
        row = self.clients.get(parts[0])
        if row is None or row.revoked:
            return None
        mac = hmac.new(self._cache_key, token.encode(), hashlib.sha256).digest()
        cached = self._token_cache.get(row.id)
        if cached is not None and hmac.compare_digest(cached, mac):
            return row
        if not verify_secret(parts[1], TokenHash(salt=row.salt, digest=row.digest)):
            return None
        with self.lock:
            if not self.clients[row.id].revoked:
                self._token_cache[row.id] = mac
        return row

    # ---- network ---------------------------------------------------------------------------
    def set_network(self, source: dict[str, Any]) -> Network:
        """Load ``source``, then start a new epoch on it (the previous epoch's demands
        close). Raises InvalidParameterError for a network that cannot be loaded."""
        network = network_from_source(source)
        Controller(network, policy=self.policy)  # type: ignore[arg-type]
        with self.lock:
            with self.store.transaction() as cur:
                cur.set_meta("network", json.dumps(source, sort_keys=True))
                cur.set_meta("epoch", str(self.epoch + 1))
            self.load()
        return network

    def require_network(self) -> Controller:
        if self.ctl is None:
            raise ServiceError(409, "network", "no network is loaded (PUT /network first)")
        return self.ctl

    # ---- decisions ---------------------------------------------------------------------------
    def _decide(self, event: dict[str, Any], write: Any) -> tuple[Decision, int]:
        """Apply ``event``; commit it (and ``write(cursor, seq, decision)``) in one
        transaction; on a store failure rebuild the engine from the store. Lock held."""
        ctl = self.require_network()
        try:
            decision = ctl.apply(event_from_dict(event), reallocate=False)
        except InvalidParameterError:
            raise
        except QinternetError as err:
            self.load()  # the engine's state is unknown after a solver failure
            raise ServiceError(503, None, f"the engine failed: {' '.join(str(err).split())}")\
                from None
        seq = self.next_seq
        try:
            with self.store.transaction() as cur:
                cur.add_event(seq, self.epoch, decision.event, decision.outcome)
                write(cur, seq, decision)
        except Exception as err:
            self.load()
            raise ServiceError(503, None, f"the store failed ({type(err).__name__}); the "
                               "request was not applied") from None
        self.next_seq += 1
        self.seqs.append(seq)
        self._index(len(ctl.log) - 1, decision)
        self.metrics.decision_seconds.observe(decision.solve_ms / 1e3)
        self.metrics.decisions.labels(decision.outcome).inc()
        self._kick()
        return decision, seq

    # ---- background reallocation -----------------------------------------------------------
    def _kick(self) -> None:
        """Ask the allocating thread for a new allocation (started on first use)."""
        if self._worker is None or not self._worker.is_alive():
            self._stop = False
            self._worker = threading.Thread(target=self._reallocate_loop, daemon=True,
                                            name="qinternet-reallocate")
            self._worker.start()
        self._wake.set()

    def close(self) -> None:
        """Stop the allocating thread (and process) and close the store."""
        self._stop = True
        self._wake.set()
        if self._worker is not None:
            self._worker.join(timeout=WAIT_LIMIT_S)
        if self._process is not None:
            self._process.close()
            self._process = None
        self.store.close()

    def _reallocate_loop(self) -> None:
        while True:
            self._wake.wait()
            self._wake.clear()
            if self._stop:
                return
            try:
                self.reallocate_once()
            except Exception as err:
                with self.lock:
                    self.allocation_error = f"{type(err).__name__}: {' '.join(str(err).split())}"
                    self._shadow = None
                    self.settled.notify_all()

    def reallocate_once(self) -> bool:
        """One round of the allocating thread (callable directly: tests, ``wait``): copy the
        state, reallocate on the allocating engine without the lock, adopt the result if
        no :meth:`load` came between. True when an allocation was adopted."""
        with self.lock:
            ctl = self.ctl
            if ctl is None or not ctl.pending:
                return False
            state = ctl.snapshot()
            generation, epoch = self.generation, self.epoch
            shadow = self._shadow
            process = self._process
            if self.allocator == "process" and (process is None or not process.alive):
                assert self._source is not None
                process = self._process = ProcessAllocator(self._source, self.policy)
        if process is not None:
            record = process.reallocate(state)
        else:
            if shadow is None:
                shadow = Controller(ctl.network, policy=self.policy)  # type: ignore[arg-type]
            shadow.load_state(state)
            record = shadow.reallocate()
        # stored when it is current (then before anyone is told: a restart serves it), and
        # under churn at most every STORE_EVERY_S (a restart recomputes what is newer);
        # ctl.seq only grows, so "current" at adoption implies "current" here
        body = None
        if ctl.seq == state.seq or time.monotonic() - self._stored_at >= STORE_EVERY_S:
            body = _allocation_body(epoch, state.seq, record.allocation)
        with self.lock:
            if generation != self.generation or self.ctl is not ctl:
                return False
            self._shadow = shadow
            if body is not None:
                with self.store.transaction() as cur:
                    cur.set_meta("allocation", body)
                self._stored_at = time.monotonic()
            ctl.adopt(record.allocation, state.seq)
            self.allocation_error = None
            self.metrics.reallocation_seconds.observe(record.solve_ms / 1e3)
            if ctl.pending:
                self._wake.set()
            seq = self.seqs[state.seq - 1] if 0 < state.seq <= len(self.seqs) else -1
            self._gauges()
            live = ctl.demands
            diff = {k: v for k, v in record.diff.items() if k in live}
            self.hub.publish(decision_record(
                dataclasses.replace(record, allocation=ctl.allocation, diff=diff), seq,
                kind="allocation"), dict(self.owners))
            self.settled.notify_all()
        return True

    def wait_allocated(self, ident: str | None = None, timeout: float = WAIT_LIMIT_S) -> bool:
        """Block until the served allocation includes every event so far (or, with
        ``ident``, until it includes that demand); False on timeout or failure."""
        deadline = time.monotonic() + timeout
        with self.lock:
            while True:
                ctl = self.ctl
                if ctl is None:
                    return True
                if not ctl.pending or (ident is not None and (
                        ident in ctl.allocation.rates or ident not in ctl.demands)):
                    return True
                left = deadline - time.monotonic()
                if left <= 0 or self.allocation_error is not None:
                    return False
                self._kick()
                self.settled.wait(min(left, 1.0))

    def _publish(self, decision: Decision, seq: int) -> None:
        self._gauges()
        self.hub.publish(decision_record(decision, seq), dict(self.owners))

    def submit(self, client: ClientRow, body: DemandCreate,
               idempotency_key: str | None) -> tuple[DemandOut, bool]:
        """Decide on a new demand; ``(demand, created)`` (False: an idempotent replay)."""
        request = body.model_dump()
        with self.lock:
            if idempotency_key is not None:
                known = self.idempotency.get((client.id, idempotency_key))
                if known is not None:
                    row = self.demands[known]
                    if row.request != request:
                        raise ServiceError(422, "Idempotency-Key",
                                           "was already used for a different request body")
                    return self.demand_out(row), False
            if body.priority > client.max_priority:
                raise ServiceError(403, "priority", f"priority {body.priority} exceeds this "
                                   f"client's allowance ({client.max_priority})")
            if body.cap is not None and body.floor > body.cap:
                raise ServiceError(422, "floor", f"floor {body.floor} exceeds cap {body.cap}")
            ident = "d" + secrets.token_hex(8)
            event: dict[str, Any] = {"op": "add_demand", "id": ident,
                                     "endpoints": list(body.endpoints), "weight": body.weight,
                                     "priority": body.priority, "floor": body.floor,
                                     "owner": client.id}
            if body.cap is not None:
                event["cap"] = body.cap
            holder: list[DemandRow] = []

            def write(cur: Any, seq: int, decision: Decision) -> None:
                response = {"outcome": decision.outcome, "reason": decision.reason,
                            "solve_ms": decision.solve_ms,
                            "upper_bound": _finite(decision.upper_bound),
                            "counter_offer": _finite(decision.counter_offer),
                            "certificate": (decision.certificate.to_dict()
                                            if decision.certificate else None)}
                row = DemandRow(id=ident, client_id=client.id, idempotency_key=idempotency_key,
                                request=request, response=response, epoch=self.epoch,
                                add_seq=seq, remove_seq=None, created_s=time.time())
                cur.add_demand(row)
                holder.append(row)

            decision, seq = self._decide(event, write)
            row = holder[0]
            self.demands[ident] = row
            self.owners[ident] = client.id
            if idempotency_key is not None:
                self.idempotency[(client.id, idempotency_key)] = ident
            self._publish(decision, seq)
            return self.demand_out(row), True

    def visible(self, client: ClientRow, ident: str) -> DemandRow:
        """The demand ``ident`` if ``client`` may see it (operators see all), else 404."""
        row = self.demands.get(ident)
        if row is None or (client.scope != "operator" and row.client_id != client.id):
            raise ServiceError(404, "id", f"no demand {ident!r}")
        return row

    def cancel(self, client: ClientRow, ident: str) -> DemandOut:
        with self.lock:
            row = self.visible(client, ident)
            ctl = self.require_network()
            if row.remove_seq is not None or ident not in ctl.demands:
                return self.demand_out(row)
            done: list[int] = []

            def write(cur: Any, seq: int, decision: Decision) -> None:
                cur.remove_demand(ident, seq)
                done.append(seq)

            decision, seq = self._decide({"op": "remove_demand", "id": ident}, write)
            row = DemandRow(**{**_fields(row), "remove_seq": done[0]})
            self.demands[ident] = row
            self._publish(decision, seq)
            return self.demand_out(row)

    def link_event(self, link_id: int, event: dict[str, Any]) -> tuple[Decision, int]:
        with self.lock:
            ctl = self.require_network()
            if not 0 <= link_id < ctl.tail.size:
                raise ServiceError(404, "id", f"no link {link_id} (ids are 0.."
                                   f"{ctl.tail.size - 1})")
            decision, seq = self._decide({**event, "link": link_id},
                                         lambda cur, seq, d: None)
            self._publish(decision, seq)
            return decision, seq

    # ---- views -----------------------------------------------------------------------------
    def demand_out(self, row: DemandRow) -> DemandOut:
        ctl = self.require_network()
        a = ctl.allocation
        ident = row.id
        cancelled = row.remove_seq is not None
        active = not cancelled and ident in ctl.demands
        status: Literal["active", "rejected", "cancelled"] = (
            "cancelled" if cancelled else ("active" if active else "rejected"))
        req = row.request
        floor = float(req.get("floor", 0.0))
        history = []
        for i in self.history.get(ident, []):
            d = ctl.log[i]
            history.append(HistoryEntry(seq=self.seqs[i], op=str(d.event.get("op")),
                                        outcome=d.outcome, reason=d.reason,
                                        rate=(None if d.deferred else
                                              float(d.allocation.rates.get(ident, 0.0)))))
        resp = row.response
        return DemandOut(
            id=ident, outcome=resp["outcome"], reason=resp["reason"], status=status,
            endpoints=list(req["endpoints"]),
            rate=float(a.rates.get(ident, 0.0)) if active else 0.0, floor=floor,
            allocation=("pending" if active and (ctl.pending or ident not in a.rates)
                        else "current"),
            floor_met=active and ctl.floors.get(ident, 0.0) >= floor * (1 - _FLOOR_TOL),
            weight=float(req.get("weight", 1.0)), priority=int(req.get("priority", 0)),
            cap=req.get("cap"), unit=a.unit,
            upper_bound=(_finite(a.bounds.get(ident)) if active else resp.get("upper_bound")),
            counter_offer=resp.get("counter_offer"), certificate=resp.get("certificate"),
            routes=[RouteOut(**r.to_dict()) for r in a.routes.get(ident, ())] if active else [],
            history=history, idempotency_key=row.idempotency_key, solve_ms=resp["solve_ms"],
            created_unix_s=row.created_s)

    def list_demands(self, client: ClientRow) -> list[DemandOut]:
        with self.lock:
            if self.ctl is None:
                return []
            return [self.demand_out(r) for r in self.demands.values()
                    if client.scope == "operator" or r.client_id == client.id]

    def links(self) -> list[LinkOut]:
        with self.lock:
            ctl = self.require_network()
            up, lo = ctl.capacities()
            util = ctl.allocation.link_utilisation
            net = ctl.network
            return [LinkOut(id=e, endpoints=[net.node_name(int(ctl.tail[e])),
                                             net.node_name(int(ctl.head[e]))],
                            state="down" if ctl.link_down[e] else "up",
                            factor=float(ctl.factor[e]), upper_capacity=float(up[e]),
                            lower_capacity=float(lo[e]),
                            utilisation=float(util[e]) if math.isfinite(util[e]) else 0.0)
                    for e in range(ctl.tail.size)]

    def dashboard(self, log_limit: int = 50) -> DashboardOut:
        """One consistent snapshot for the operator dashboard: nodes (with positions when
        the network has them), links with their allocated rate, every demand with its owner,
        the headline numbers of the epoch's log and its latest ``log_limit`` records."""
        from qinternet.cli.controller import summary

        with self.lock:
            ctl = self.require_network()
            net = ctl.network
            a = ctl.allocation
            load = [0.0] * int(ctl.tail.size)
            for routes in a.routes.values():
                for route in routes:
                    for e in set(route.links):
                        load[e] += route.rate
            links = [DashboardLink(**link.model_dump(), allocated_rate=load[link.id])
                     for link in self.links()]
            geographic = net.has_coordinates
            nodes = [DashboardNode(id=n.id, name=n.name,
                                   latitude=n.latitude if geographic else None,
                                   longitude=n.longitude if geographic else None)
                     for n in net.nodes]
            demands = []
            for row in self.demands.values():
                d = self.demand_out(row)
                owner = self.clients.get(row.client_id)
                demands.append(DashboardDemand(
                    id=d.id, endpoints=d.endpoints, owner=owner.name if owner else "?",
                    owner_id=row.client_id, priority=d.priority, weight=d.weight,
                    floor=d.floor, floor_met=d.floor_met, rate=d.rate,
                    upper_bound=d.upper_bound, status=d.status, outcome=d.outcome))
            s = summary(list(ctl.log))
            head = DashboardSummary(
                decisions=s["events"], admitted=s["admitted"], rejected=s["rejected"],
                degraded=s["degraded"], active_demands=len(ctl.demands),
                jain_index=a.jain_index, latency_ms_p50=s["latency_ms_p50"],
                latency_ms_p99=s["latency_ms_p99"],
                max_link_utilisation=_finite(a.max_link_utilisation))
            start = max(0, len(ctl.log) - log_limit)
            log = [DecisionRecord(**decision_record(ctl.log[i], self.seqs[i], rates=False))
                   for i in range(start, len(ctl.log))]
            return DashboardOut(name=net.name, unit=a.unit, epoch=self.epoch,
                                geographic=geographic, nodes=nodes, links=links,
                                demands=demands, summary=head, log=log)


def decision_record(decision: Decision, seq: int, *, rates: bool = True,
                    kind: str = "decision") -> dict[str, Any]:
    """The ``GET /events`` record of ``decision`` (``rates``: with every demand's rate).

    ``kind``: ``decision`` (one per event, in ``seq`` order; deferred, so ``diff`` is empty
    and ``rates`` are those served when it was decided) or ``allocation`` (a background
    reallocation: op ``reallocate``, ``seq`` the last event it includes, ``diff`` the rates
    it moved)."""
    ident = decision.event.get("id")
    record: dict[str, Any] = {
        "kind": kind,
        "seq": seq, "op": decision.event.get("op"), "outcome": decision.outcome,
        "reason": decision.reason, "demand": ident if isinstance(ident, str) else None,
        "solve_ms": decision.solve_ms,
        "diff": {k: [v[0], v[1]] for k, v in decision.diff.items()},
        "degraded": sorted(decision.degraded), "unit": decision.allocation.unit,
    }
    if rates:
        record["rates"] = dict(decision.allocation.rates)
    return record


def _fields(row: Any) -> dict[str, Any]:
    return {k: getattr(row, k) for k in row.__slots__}
