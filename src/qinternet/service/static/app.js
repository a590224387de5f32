// qinternet operator dashboard: plain JS + SVG, no framework, no network access but this
// server. The operator token lives only in the `token` variable below (never in storage,
// cookies or the URL). All decisions are the server's; this page only draws and calls the API.
"use strict";

(function () {
  const SVG_NS = "http://www.w3.org/2000/svg";
  const W = 800, H = 520, PAD = 40;
  const LOG_KEEP = 200;

  let token = null;          // the operator token (memory only)
  let streamAbort = null;    // AbortController of the /events reader
  let state = null;          // last GET /dashboard/state
  let layoutKey = null;      // network the cached positions belong to
  let positions = {};        // node name -> [x, y] in the SVG's coordinates
  let log = [];              // decision records, oldest first (deduplicated by seq)
  let refreshTimer = null;
  let refreshing = false, refreshAgain = false;

  const $ = (id) => document.getElementById(id);

  // ---- small DOM helpers (text is always set as text: names come from uploaded data) ----
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v !== null && v !== undefined) node.setAttribute(k, String(v));
    }
    for (const c of children) node.append(c);
    return node;
  }
  function svg(tag, attrs) {
    const node = document.createElementNS(SVG_NS, tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, String(v));
    return node;
  }
  function fmt(x, digits) {
    if (x === null || x === undefined || !Number.isFinite(x)) return "–";
    if (x === 0) return "0";
    const p = Number(x).toPrecision(digits || 4);
    return String(Number(p));
  }
  function say(text, isError) {
    const m = $("message");
    m.textContent = text;
    m.dataset.kind = isError ? "error" : "info";
  }

  // ---- API -------------------------------------------------------------------------------
  async function api(method, path, body, extraHeaders) {
    const headers = Object.assign({ Authorization: "Bearer " + token }, extraHeaders || {});
    const init = { method, headers };
    if (body !== undefined) {
      headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    const r = await fetch(path, init);
    let data = null;
    try { data = await r.json(); } catch (e) { data = null; }
    if (!r.ok) {
      const detail = data && data.detail ? data.detail : r.status + " " + r.statusText;
      const err = new Error(detail);
      err.status = r.status;
      throw err;
    }
    return data;
  }

  function scheduleRefresh(delayMs) {
    if (refreshTimer !== null) return;
    refreshTimer = setTimeout(() => { refreshTimer = null; refresh(); }, delayMs || 0);
  }

  async function refresh() {
    if (token === null) return;
    if (refreshing) { refreshAgain = true; return; }
    refreshing = true;
    try {
      const s = await api("GET", "/dashboard/state");
      if (token === null) return;
      state = s;
      mergeLog(s.log);
      render();
    } catch (err) {
      if (err.status === 409) say("No network is loaded yet (PUT /network).", true);
      else if (err.status === 401 || err.status === 403) { disconnect(); say(err.message, true); }
      else say("Could not read the state: " + err.message, true);
    } finally {
      refreshing = false;
      if (refreshAgain) { refreshAgain = false; scheduleRefresh(0); }
    }
  }

  // ---- live events: fetch streaming (EventSource cannot send the Authorization header) ----
  async function openStream() {
    const ctrl = new AbortController();
    streamAbort = ctrl;
    setLive("connecting", "connecting…");
    try {
      const r = await fetch("/events", {
        headers: { Authorization: "Bearer " + token, Accept: "text/event-stream" },
        signal: ctrl.signal,
      });
      if (!r.ok) {
        let detail = r.status + "";
        try { detail = (await r.json()).detail; } catch (e) { /* keep the status */ }
        throw Object.assign(new Error(detail), { status: r.status });
      }
      const reader = r.body.getReader();
      const decoder = new TextDecoder();
      let buffer = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true }).replace(/\r\n?/g, "\n");
        let cut;
        while ((cut = buffer.indexOf("\n\n")) >= 0) {
          handleEvent(buffer.slice(0, cut));
          buffer = buffer.slice(cut + 2);
        }
      }
      throw new Error("the stream ended");
    } catch (err) {
      if (ctrl.signal.aborted || streamAbort !== ctrl) return;
      if (err.status === 401 || err.status === 403) {
        disconnect();
        say(err.message, true);
        return;
      }
      setLive("off", "disconnected: retrying in 2 s");
      setTimeout(() => { if (streamAbort === ctrl && token !== null) openStream(); }, 2000);
    }
  }

  function handleEvent(block) {
    let kind = "message";
    const data = [];
    for (const line of block.split("\n")) {
      if (line.startsWith(":")) continue;               // comment / ping
      const i = line.indexOf(":");
      const field = i < 0 ? line : line.slice(0, i);
      const value = i < 0 ? "" : line.slice(i + 1).replace(/^ /, "");
      if (field === "event") kind = value;
      else if (field === "data") data.push(value);
    }
    if (kind === "ready") {
      setLive("on", "live");
      scheduleRefresh(0);   // the state after the stream is open: nothing falls in between
    } else if (kind === "decision" && data.length) {
      const record = JSON.parse(data.join("\n"));
      mergeLog([record]);
      renderLog();
      scheduleRefresh(0);
    } else if (kind === "allocation") {
      scheduleRefresh(0);   // a background reallocation moved rates: redraw, no log line
    }
  }

  function mergeLog(records) {
    const seen = new Set(log.map((r) => r.seq));
    for (const r of records) if (!seen.has(r.seq)) { log.push(r); seen.add(r.seq); }
    log.sort((a, b) => a.seq - b.seq);
    if (log.length > LOG_KEEP) log = log.slice(log.length - LOG_KEEP);
  }

  function setLive(kind, text) {
    const live = $("live");
    live.dataset.state = kind;
    live.textContent = text;
  }

  // ---- layout ----------------------------------------------------------------------------
  function geographicLayout(nodes) {
    const lat0 = nodes.reduce((s, n) => s + n.latitude, 0) / nodes.length;
    const k = Math.cos(lat0 * Math.PI / 180);
    const raw = nodes.map((n) => [n.longitude * k, -n.latitude]);
    return fit(nodes, raw);
  }

  // Fruchterman-Reingold spring layout from a circle (deterministic).
  function forceLayout(nodes, links) {
    const n = nodes.length;
    const index = new Map(nodes.map((node, i) => [node.name, i]));
    const p = nodes.map((_, i) => [Math.cos(2 * Math.PI * i / n), Math.sin(2 * Math.PI * i / n)]);
    if (n < 3) return fit(nodes, p);
    const edges = links.map((l) => [index.get(l.endpoints[0]), index.get(l.endpoints[1])])
      .filter((e) => e[0] !== undefined && e[1] !== undefined && e[0] !== e[1]);
    const k = Math.sqrt(4 / n);
    const iterations = n > 300 ? 60 : n > 100 ? 150 : 300;
    let temp = 0.2;
    for (let it = 0; it < iterations; it++) {
      const d = p.map(() => [0, 0]);
      for (let i = 0; i < n; i++) {
        for (let j = i + 1; j < n; j++) {
          let dx = p[i][0] - p[j][0], dy = p[i][1] - p[j][1];
          let dist2 = dx * dx + dy * dy;
          if (dist2 < 1e-9) { dx = 1e-3 * (i - j); dy = 1e-3; dist2 = dx * dx + dy * dy; }
          const f = (k * k) / dist2;
          d[i][0] += dx * f; d[i][1] += dy * f; d[j][0] -= dx * f; d[j][1] -= dy * f;
        }
      }
      for (const [a, b] of edges) {
        const dx = p[a][0] - p[b][0], dy = p[a][1] - p[b][1];
        const dist = Math.sqrt(dx * dx + dy * dy) + 1e-9;
        const f = dist / k;
        d[a][0] -= dx * f; d[a][1] -= dy * f; d[b][0] += dx * f; d[b][1] += dy * f;
      }
      for (let i = 0; i < n; i++) {
        const len = Math.sqrt(d[i][0] * d[i][0] + d[i][1] * d[i][1]) + 1e-12;
        const step = Math.min(len, temp);
        p[i][0] += d[i][0] / len * step; p[i][1] += d[i][1] / len * step;
      }
      temp *= 0.985;
    }
    return fit(nodes, p);
  }

  function fit(nodes, raw) {
    let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
    for (const [x, y] of raw) { x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y); }
    const sx = (W - 2 * PAD) / Math.max(x1 - x0, 1e-9), sy = (H - 2 * PAD) / Math.max(y1 - y0, 1e-9);
    const s = Math.min(sx, sy);
    const ox = (W - s * (x1 - x0)) / 2, oy = (H - s * (y1 - y0)) / 2;
    const out = {};
    nodes.forEach((node, i) => { out[node.name] = [ox + s * (raw[i][0] - x0), oy + s * (raw[i][1] - y0)]; });
    return out;
  }

  // ---- drawing ---------------------------------------------------------------------------
  function utilColour(u) {
    const x = Math.max(0, Math.min(1, u));
    return "hsl(" + Math.round(120 * (1 - x)) + ",70%,38%)";
  }

  function render() {
    if (!state) return;
    const unit = state.unit;
    $("net-name").textContent = "· " + (state.name || "network") + " (epoch " + state.epoch + ")";
    for (const span of document.querySelectorAll(".unit-name")) span.textContent = unit;
    const key = state.name + "/" + state.epoch + "/" + state.nodes.length;
    if (key !== layoutKey) {
      positions = state.geographic ? geographicLayout(state.nodes) : forceLayout(state.nodes, state.links);
      layoutKey = key;
    }
    $("layout-kind").textContent = state.geographic
      ? "(geographic: longitude / latitude)" : "(force layout: no node positions)";
    renderHeadline();
    renderMap();
    renderLinkSelect();
    renderDemands();
    renderLog();
    const names = $("node-names");
    if (names.childElementCount !== state.nodes.length) {
      names.replaceChildren(...state.nodes.map((n) => el("option", { value: n.name })));
    }
  }

  function renderHeadline() {
    const s = state.summary;
    $("h-admitted").textContent = String(s.admitted);
    $("h-rejected").textContent = String(s.rejected);
    $("h-active").textContent = String(s.active_demands);
    $("h-jain").textContent = fmt(s.jain_index, 3);
    $("h-p50").textContent = fmt(s.latency_ms_p50, 3);
    $("h-p99").textContent = fmt(s.latency_ms_p99, 3);
    $("h-util").textContent = s.max_link_utilisation === null ? "–" : fmt(100 * s.max_link_utilisation, 3);
  }

  function renderMap() {
    const map = $("map");
    const maxRate = Math.max(0, ...state.links.map((l) => l.allocated_rate));
    $("legend-max-rate").textContent = fmt(maxRate) + " " + state.unit;
    const linkLayer = svg("g", { class: "links" });
    const pairCount = new Map();
    for (const l of state.links) {
      const a = positions[l.endpoints[0]], b = positions[l.endpoints[1]];
      if (!a || !b) continue;
      const pair = [l.endpoints[0], l.endpoints[1]].sort().join("\u0000");
      const k = pairCount.get(pair) || 0;
      pairCount.set(pair, k + 1);
      // parallel links bow out alternately on either side
      const bend = k === 0 ? 0 : (k % 2 ? 1 : -1) * Math.ceil(k / 2) * 14;
      const mx = (a[0] + b[0]) / 2, my = (a[1] + b[1]) / 2;
      const dx = b[0] - a[0], dy = b[1] - a[1], len = Math.hypot(dx, dy) || 1;
      const cx = mx - dy / len * bend, cy = my + dx / len * bend;
      const down = l.state === "down";
      const width = 1.5 + (maxRate > 0 ? 8 * l.allocated_rate / maxRate : 0);
      const path = svg("path", {
        d: "M" + a[0].toFixed(1) + " " + a[1].toFixed(1) + " Q" + cx.toFixed(1) + " " + cy.toFixed(1) +
           " " + b[0].toFixed(1) + " " + b[1].toFixed(1),
        class: "link" + (down ? " down" : ""), "data-link": l.id, "data-state": l.state,
        stroke: down ? "#888" : utilColour(l.utilisation),
        "stroke-width": down ? 3 : width.toFixed(2), fill: "none",
      });
      if (down) path.setAttribute("stroke-dasharray", "6 4");
      const title = svg("title");
      title.textContent = "link " + l.id + ": " + l.endpoints.join(" – ") + ", " + l.state +
        (l.factor !== 1 ? " (degraded ×" + fmt(l.factor) + ")" : "") +
        "; utilisation " + fmt(100 * l.utilisation, 3) + " %; allocated " +
        fmt(l.allocated_rate) + " " + state.unit + "; lower capacity " +
        fmt(l.lower_capacity) + " " + state.unit;
      path.append(title);
      path.addEventListener("click", () => { $("link-select").value = String(l.id); });
      linkLayer.append(path);
    }
    const nodeLayer = svg("g", { class: "nodes" });
    const dense = state.nodes.length > 60;
    for (const n of state.nodes) {
      const p = positions[n.name];
      if (!p) continue;
      const g = svg("g", { class: "node", "data-node": n.name });
      g.append(svg("circle", { cx: p[0].toFixed(1), cy: p[1].toFixed(1), r: dense ? 3 : 6 }));
      const label = svg("text", { x: (p[0] + 8).toFixed(1), y: (p[1] - 6).toFixed(1) });
      label.textContent = n.name;
      if (dense) label.setAttribute("class", "small");
      const title = svg("title");
      title.textContent = n.name + (n.latitude !== null ? " (" + fmt(n.latitude) + "° N, " + fmt(n.longitude) + "° E)" : "");
      g.append(title, label);
      nodeLayer.append(g);
    }
    map.replaceChildren(linkLayer, nodeLayer);
  }

  function renderLinkSelect() {
    const sel = $("link-select");
    const keep = sel.value;
    sel.replaceChildren(...state.links.map((l) => el("option", { value: l.id },
      l.id + ": " + l.endpoints.join(" – ") + " (" + l.state +
      (l.factor !== 1 ? ", ×" + fmt(l.factor) : "") + ", " + fmt(100 * l.utilisation, 3) + " %)")));
    if (keep !== "" && state.links.some((l) => String(l.id) === keep)) sel.value = keep;
  }

  function renderDemands() {
    const body = $("demand-table").tBodies[0];
    const order = { active: 0, rejected: 1, cancelled: 2 };
    const rows = [...state.demands].sort((a, b) => (order[a.status] - order[b.status]) ||
      (b.priority - a.priority) || a.id.localeCompare(b.id));
    body.replaceChildren(...rows.map((d) => {
      const cancel = d.status === "active"
        ? el("button", { type: "button", class: "cancel", "aria-label": "Cancel demand " + d.id }, "Cancel")
        : "";
      if (cancel) cancel.addEventListener("click", () => act(() => api("DELETE", "/demands/" + encodeURIComponent(d.id)), "cancelled " + d.id));
      const rate = el("td", { class: "num rate", "data-value": d.rate }, fmt(d.rate));
      const floor = el("td", { class: "num floor", "data-value": d.floor }, fmt(d.floor));
      if (d.status === "active" && d.floor > 0 && !d.floor_met) floor.classList.add("unmet");
      return el("tr", { "data-demand": d.id, "data-status": d.status },
        el("td", { class: "mono" }, d.id),
        el("td", {}, d.endpoints.join(d.endpoints.length > 2 ? ", " : " – ")),
        el("td", { title: d.owner_id }, d.owner),
        el("td", { class: "num" }, String(d.priority)),
        floor, rate,
        el("td", { class: "num bound", "data-value": d.upper_bound === null ? "" : d.upper_bound }, fmt(d.upper_bound)),
        el("td", { class: "status " + d.status }, d.status + (d.status === "active" && d.floor > 0 && !d.floor_met ? " (floor shed)" : "")),
        el("td", {}, cancel));
    }));
  }

  function renderLog() {
    const list = $("log");
    const items = log.slice().reverse().map((r) => {
      const changed = Object.keys(r.diff || {}).length;
      const li = el("li", { "data-seq": r.seq, class: "outcome-" + r.outcome },
        el("span", { class: "mono" }, "#" + r.seq), " ",
        el("strong", {}, r.op), r.demand ? " " + r.demand : "", " → ",
        el("span", { class: "outcome" }, r.outcome),
        " (" + fmt(r.solve_ms, 3) + " ms, " + changed + " rate" + (changed === 1 ? "" : "s") + " changed)");
      if (r.reason) li.append(el("div", { class: "reason" }, r.reason));
      return li;
    });
    list.replaceChildren(...items);
  }

  // ---- operator actions ----------------------------------------------------------------
  async function act(call, done) {
    try {
      const out = await call();
      say(typeof done === "function" ? done(out) : done, false);
      scheduleRefresh(0);
      return out;
    } catch (err) {
      say(err.message, true);
      return null;
    }
  }

  function selectedLink() {
    const v = $("link-select").value;
    return v === "" ? null : Number(v);
  }

  function linkAction(body, what) {
    const id = selectedLink();
    if (id === null) { say("choose a link first", true); return; }
    act(() => api("PATCH", "/links/" + id, body),
      (d) => "link " + id + " " + what + ": " + d.outcome + (d.degraded.length ? " (floors shed: " + d.degraded.join(", ") + ")" : ""));
  }

  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    const b = new Uint8Array(16);
    crypto.getRandomValues(b);
    return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  }

  function submitDemand(ev) {
    ev.preventDefault();
    const endpoints = $("demand-endpoints").value.split(",").map((s) => s.trim()).filter((s) => s);
    const body = {
      endpoints,
      floor: Number($("demand-floor").value || 0),
      priority: Math.trunc(Number($("demand-priority").value || 0)),
      weight: Number($("demand-weight").value || 1),
    };
    act(() => api("POST", "/demands", body, { "Idempotency-Key": newKey() }),
      (d) => "demand " + d.id + ": " + d.outcome + ", rate " + fmt(d.rate) + " " + d.unit +
        (d.reason ? " (" + d.reason + ")" : ""));
  }

  function setEnabled(on) {
    $("link-actions").disabled = !on;
    $("demand-actions").disabled = !on;
    $("disconnect-button").hidden = !on;
    $("connect-button").hidden = on;
    $("token-input").disabled = on;
  }

  function connect(ev) {
    ev.preventDefault();
    const input = $("token-input");
    const value = input.value.trim();
    input.value = "";                  // not kept in the DOM either
    if (!value) return;
    disconnect();
    token = value;
    setEnabled(true);
    say("", false);
    openStream();
  }

  function disconnect() {
    token = null;
    if (streamAbort) { const c = streamAbort; streamAbort = null; c.abort(); }
    state = null; log = []; layoutKey = null;
    setEnabled(false);
    setLive("off", "not connected");
  }

  document.addEventListener("DOMContentLoaded", () => {
    $("connect-form").addEventListener("submit", connect);
    $("disconnect-button").addEventListener("click", () => { disconnect(); say("disconnected", false); });
    $("link-down").addEventListener("click", () => linkAction({ state: "down" }, "set down"));
    $("link-up").addEventListener("click", () => linkAction({ state: "up" }, "set up"));
    $("link-degrade").addEventListener("click", () =>
      linkAction({ factor: Number($("degrade-factor").value) }, "degraded"));
    $("demand-form").addEventListener("submit", submitDemand);
    setEnabled(false);
  });
})();
