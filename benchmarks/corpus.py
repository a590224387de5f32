"""Real-network corpus: every topohub network through every query type, checked independently.

For each network (topohub's SNDlib, Topology Zoo, CAIDA and backbone sets, or files given on the
command line) with pure-loss fibre at 0.2 dB/km, seeded demands are drawn (far-apart and near
pairs: 1, 5 and 20; GHZ groups of 3 and 5; a mix of 3 pairs and a group of 3) and solved under
all three objectives and both usage models. Each answer is checked by routes that do not use the
library's LP layer:

- no exception (a ``SolverError`` is a failure), finite values, ``lower <= upper``;
- the routes of ``lower`` are feasible (per-link load <= R_lo, or the frequency budget) and
  reproduce the per-demand rates, and every route connects its demand;
- pairs only: ``lower`` equals an independent node-arc multicommodity flow LP (scipy HiGHS, its
  own scaling) and ``upper`` lies between that flow LP with E_up capacities and an independent
  per-pair cut relaxation (the claim "at least as tight as per-pair cuts"); with one or two
  pairs the flow and cut LPs coincide (Hu), so ``upper`` must equal the flow LP;
- one group: ``upper`` equals an independent Steiner-cut LP (m - 1 flows) when the method
  claims exactness; under frequency, a group of 3 has ``lower`` = 1 / (min Steiner tree cost),
  computed independently as the best star centre.

Run ``make corpus`` (all networks) or ``python benchmarks/corpus.py --sample`` (a few networks,
as ``make test`` does through ``tests/networks/test_corpus_sample.py``). Prints one row per
network and a summary table; exits 1 on any failure.
"""

from __future__ import annotations

import argparse
import itertools
import math
import os
import sys
import time
import traceback
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import numpy as np
import scipy.sparse as sp
from scipy.optimize import linprog

from qinternet.errors import QinternetError
from qinternet.networks import Network, Usage, load_network, network_bounds

#: Networks of the sample run by ``make test`` (small and large, all sources).
SAMPLE = ("sndlib/abilene", "sndlib/atlanta", "sndlib/ta2", "topozoo/Surfnet",
          "topozoo/Bellcanada", "caida/2024-08/9498")
#: Relative tolerance of value comparisons (LP outputs are solved to about 1e-9).
REL = 1e-6
OBJECTIVES = ("total", "worst", "weighted")
USAGES = ("flooding", "frequency")


def all_keys() -> list[str]:
    """Every real (non-synthetic) topohub network key, smallest file first."""
    import topohub

    root = os.path.join(os.path.dirname(topohub.__file__), "data")
    keys: list[tuple[int, str]] = []
    for dirpath, _, files in os.walk(root):
        rel = os.path.relpath(dirpath, root)
        if rel.startswith("gabriel"):
            continue
        keys += [(os.path.getsize(os.path.join(dirpath, f)),
                  f"{rel}/{f[:-5]}".replace(os.sep, "/")) for f in files if f.endswith(".json")]
    return [key for _, key in sorted(keys)]  # smallest first


# ------------------------------------------------------------------------------------------
# Demands
# ------------------------------------------------------------------------------------------
def _hops(net: Network) -> tuple[nx.Graph, dict[int, dict[int, int]] | None]:
    g = nx.Graph()
    g.add_nodes_from(range(net.num_nodes))
    up = net.link_arrays("upper")
    for a, b, c in zip(up.tail.tolist(), up.head.tolist(), up.capacity.tolist(), strict=True):
        if c > 0 and a != b:
            g.add_edge(a, b)
    return g, None


def _largest_component(g: nx.Graph) -> list[int]:
    return sorted(max(nx.connected_components(g), key=len))


def _pairs(g: nx.Graph, nodes: list[int], k: int, rng: np.random.Generator,
           far: bool) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    tries = 0
    while len(out) < k and tries < 50 * k:
        tries += 1
        s = int(rng.choice(nodes))
        dist = nx.single_source_shortest_path_length(g, s)
        cand = [v for v in nodes if v != s and v in dist]
        if not cand:
            continue
        if far:
            best = max(dist[v] for v in cand)
            pool = [v for v in cand if dist[v] >= max(1, best - 1)]
        else:
            pool = [v for v in cand if dist[v] <= 2]
        t = int(rng.choice(pool))
        pair = (min(s, t), max(s, t))
        if pair not in out:
            out.append(pair)
    return out


def _group(g: nx.Graph, nodes: list[int], m: int, rng: np.random.Generator) -> tuple[int, ...]:
    """Greedy farthest-point group of m nodes from a random start."""
    chosen = [int(rng.choice(nodes))]
    dmin = dict(nx.single_source_shortest_path_length(g, chosen[0]))
    while len(chosen) < min(m, len(nodes)):
        far = max((v for v in nodes if v not in chosen), key=lambda v: (dmin.get(v, -1), -v))
        chosen.append(far)
        for v, d in nx.single_source_shortest_path_length(g, far).items():
            dmin[v] = min(dmin.get(v, d), d)
    return tuple(chosen)


def queries(net: Network, seed: int) -> dict[str, list[tuple[int, ...]]]:
    """Seeded demand sets per query type (node indices)."""
    g, _ = _hops(net)
    nodes = _largest_component(g)
    rng = np.random.default_rng(seed)
    out: dict[str, list[tuple[int, ...]]] = {}
    if len(nodes) < 2:
        return out
    out["pair"] = list(_pairs(g, nodes, 1, rng, far=True))
    out["5 pairs far"] = list(_pairs(g, nodes, 5, rng, far=True))
    out["5 pairs near"] = list(_pairs(g, nodes, 5, rng, far=False))
    out["20 pairs"] = list(_pairs(g, nodes, 20, rng, far=True))
    if len(nodes) >= 3:
        out["group 3"] = [_group(g, nodes, 3, rng)]
        out["mixed"] = [*_pairs(g, nodes, 3, rng, far=True), _group(g, nodes, 3, rng)]
    if len(nodes) >= 5:
        out["group 5"] = [_group(g, nodes, 5, rng)]
    return {k: v for k, v in out.items() if v}


# ------------------------------------------------------------------------------------------
# Independent LPs (scipy linprog, own scaling; nothing from qinternet.networks.lp)
# ------------------------------------------------------------------------------------------
def _conditioned(cap: np.ndarray, ref: float, usage: str) -> np.ndarray:
    """Capacities in units of ``ref``, tiny ones (< 1e-13 ref) dropped, huge ones clipped."""
    with np.errstate(over="ignore"):
        c = cap / ref
    c = np.where(c < 1e-13, 0.0, c)
    return np.minimum(c, 1e12 if usage == "frequency" else 1e7)


def _widest(g: nx.Graph, s: int, t: int) -> float:
    """Bottleneck value of the widest s-t path (maximum spanning tree path)."""
    try:
        tree = nx.maximum_spanning_tree(g, weight="c")
        path = nx.shortest_path(tree, s, t)
    except (nx.NetworkXNoPath, nx.NodeNotFound):
        return 0.0
    return min(tree[a][b]["c"] for a, b in itertools.pairwise(path))


def independent_flow_lp(net: Network, which: str, pairs: Sequence[tuple[int, ...]],
                        usage: str, objective: str, weights: Sequence[float] | None,
                        separate: bool = False) -> float:
    """Node-arc multicommodity flow LP (shared capacities), or, with ``separate``, one flow per
    pair each with the full capacities (the per-pair cut relaxation)."""
    arr = net.link_arrays(which)  # type: ignore[arg-type]
    ok = (arr.capacity > 0) & (arr.tail != arr.head)
    tail, head, cap = arr.tail[ok], arr.head[ok], arr.capacity[ok]
    g = nx.Graph()
    for a, b, c in zip(tail.tolist(), head.tolist(), cap.tolist(), strict=True):
        if not g.has_edge(a, b) or g[a][b]["c"] < c:
            g.add_edge(a, b, c=c)
    wid = np.array([_widest(g, p[0], p[1]) if p[0] in g and p[1] in g else 0.0
                    for p in pairs])
    w = np.ones(len(pairs)) if weights is None or objective == "total" else np.asarray(weights)
    if objective == "worst":
        if np.any(wid[w > 0] == 0):
            return 0.0
        ref = float(np.min(wid[w > 0] / w[w > 0]))
    else:
        ref = float(np.max(wid * w)) if np.any(wid * w > 0) else 1.0
    if ref <= 0:
        return 0.0
    c = _conditioned(cap, ref, usage)
    keep = c > 0
    tail, head, c = tail[keep], head[keep], c[keep]
    m, n, k = c.size, net.num_nodes, len(pairs)
    freq = usage == "frequency"
    # columns: flows (k * 2m), rates (k), usage z_e = p_e sqrt(c_e) (m, frequency), T (worst)
    n_flow = 2 * m * k
    col_r = n_flow
    col_q = col_r + k
    col_t = col_q + (m if freq else 0)
    nv = col_t + (1 if objective == "worst" else 0)
    rows, cols, vals = [], [], []
    r = 0
    ar = np.arange(m)
    for i, (s, t) in enumerate(pairs):
        fw = 2 * m * i + ar
        bw = fw + m
        rows += [r + tail, r + head, r + head, r + tail, np.array([r + s, r + t])]
        cols += [fw, fw, bw, bw, np.array([col_r + i, col_r + i])]
        vals += [np.ones(m), -np.ones(m), np.ones(m), -np.ones(m), np.array([-1.0, 1.0])]
        r += n
    a_eq = sp.csr_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
                         shape=(r, nv))
    rows, cols, vals, b = [], [], [], []
    r = 0
    groups = [[i] for i in range(k)] if separate else [list(range(k))]
    for grp in groups:
        for i in grp:
            rows += [r + ar, r + ar]
            cols += [2 * m * i + ar, 2 * m * i + m + ar]
            vals += [np.ones(m), np.ones(m)]
        if freq:
            rows.append(r + ar)
            cols.append(col_q + ar)
            vals.append(-np.sqrt(c))
            b.append(np.zeros(m))
        else:
            b.append(c.copy())
        r += m
    if freq:  # usage z_e = p_e sqrt(c_e): sum_e p_e = sum_e z_e / sqrt(c_e) <= 1
        rows.append(np.full(m, r))
        cols.append(col_q + ar)
        vals.append(1.0 / np.sqrt(c))
        b.append(np.ones(1))
        r += 1
    if objective == "worst":
        ii = np.arange(k)
        rows += [r + ii, r + ii]
        cols += [np.full(k, col_t), col_r + ii]
        vals += [w.astype(float), -np.ones(k)]
        b.append(np.zeros(k))
        r += k
    a_ub = sp.csr_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
                         shape=(r, nv))
    cost = np.zeros(nv)
    if objective == "worst":
        cost[col_t] = -1.0
    else:
        cost[col_r:col_r + k] = -w
    res = linprog(cost, A_ub=a_ub, b_ub=np.concatenate(b), A_eq=a_eq, b_eq=np.zeros(a_eq.shape[0]),
                  bounds=(0, None), method="highs",
                  options={"primal_feasibility_tolerance": 1e-10,
                           "dual_feasibility_tolerance": 1e-10})
    if res.status != 0:
        raise RuntimeError(f"independent LP failed: {res.message}")
    return -float(res.fun) * ref


def frequency_pairs_lower(net: Network, pairs: Sequence[tuple[int, ...]], objective: str,
                          weights: Sequence[float] | None, which: str = "lower") -> float:
    """Usage-frequency flow LP for pairs in closed form: TOTAL / WEIGHTED ``max_j q_j / L_j``,
    WORST ``1 / sum_j d_j L_j``, with L_j the shortest path under lengths 1/R_lo (networkx
    Dijkstra on lengths relative to the largest capacity, so nothing overflows)."""
    arr = net.link_arrays(which)  # type: ignore[arg-type]
    ref = float(arr.capacity.max())
    g = nx.Graph()
    for a, b, c in zip(arr.tail.tolist(), arr.head.tolist(), arr.capacity.tolist(),
                       strict=True):
        if (c > 0 and a != b and ref / c < 1e300
                and (not g.has_edge(a, b) or g[a][b]["l"] > ref / c)):
            g.add_edge(a, b, l=ref / c)
    lengths = []
    for s, t in pairs:
        try:
            lengths.append(nx.dijkstra_path_length(g, s, t, weight="l") / ref)
        except (nx.NetworkXNoPath, nx.NodeNotFound):
            lengths.append(math.inf)
    q = [1.0] * len(pairs) if weights is None or objective == "total" else list(weights)
    if objective == "worst":
        total = math.fsum(d * length for d, length in zip(q, lengths, strict=True))
        return 0.0 if not math.isfinite(total) else 1.0 / total
    return max((w / length for w, length in zip(q, lengths, strict=True)
                if math.isfinite(length)), default=0.0)


def steiner_cut_lp(net: Network, group: tuple[int, ...], usage: str) -> float:
    """SCUT of one group: m - 1 flows t_1 -> t_j of value r, capacities not shared."""
    pairs = [(group[0], t) for t in group[1:]]
    # worst with the m-1 'pairs' sharing r and separate capacities = max r
    return independent_flow_lp(net, "upper", pairs, usage, "worst", None, separate=True)


def steiner3_frequency_lower(net: Network, group: tuple[int, ...]) -> float:
    """1 / (min Steiner tree cost with lengths 1/R_lo) for three terminals: the best star."""
    arr = net.link_arrays("lower")
    g = nx.Graph()
    g.add_nodes_from(range(net.num_nodes))
    for a, b, c in zip(arr.tail.tolist(), arr.head.tolist(), arr.capacity.tolist(),
                       strict=True):
        if c > 0 and a != b:
            length = 1.0 / c
            if not g.has_edge(a, b) or g[a][b]["l"] > length:
                g.add_edge(a, b, l=length)
    dists = [nx.single_source_dijkstra_path_length(g, t, weight="l") for t in group]
    best = min((sum(d[v] for d in dists) for v in range(net.num_nodes)
                if all(v in d for d in dists)), default=math.inf)
    return 0.0 if not math.isfinite(best) else 1.0 / best


# ------------------------------------------------------------------------------------------
# Checks
# ------------------------------------------------------------------------------------------
def _close(a: float, b: float, rel: float = REL) -> bool:
    return abs(a - b) <= rel * max(abs(a), abs(b)) + 1e-300


def check_routes(net: Network, demands: Sequence[tuple[int, ...]], res: Any,
                 usage: str) -> list[str]:
    """Routes feasible, rates reproduced, every route connects its demand."""
    errs: list[str] = []
    low = net.link_arrays("lower")
    load = np.zeros(low.num_links)
    per = np.zeros(len(demands))
    for col in res.columns:
        lk = np.asarray(col.links, dtype=np.int64)
        load[lk] += col.rate
        per[col.demand] += col.rate
        # connectivity of the route's links over the demand's terminals
        g = nx.Graph()
        g.add_edges_from(zip(low.tail[lk].tolist(), low.head[lk].tolist(), strict=True))
        terms = demands[col.demand]
        if not all(t in g for t in terms) or not nx.is_connected(g.subgraph(
                nx.node_connected_component(g, terms[0]))) or any(
                t not in nx.node_connected_component(g, terms[0]) for t in terms):
            errs.append(f"route of demand {col.demand} does not connect it")
    for j, (a, b) in enumerate(zip(per, res.rates, strict=True)):
        if not _close(a, b, 1e-7) and abs(a - b) > 1e-12 * max(res.rates, default=0.0):
            errs.append(f"demand {j}: routes carry {a:.6g}, rate {b:.6g}")
    if usage == "flooding":
        over = load > low.capacity * (1 + 1e-9) + 1e-300
        if np.any(over):
            e = int(np.flatnonzero(over)[0])
            errs.append(f"link {e} overloaded: {load[e]:.6g} > {low.capacity[e]:.6g}")
    else:
        use = load > 0
        if np.any(use & (low.capacity <= 0)):
            errs.append("route over a link with zero capacity")
        budget = float(np.sum(load[use] / low.capacity[use]))
        if budget > 1 + 1e-9:
            errs.append(f"frequency budget exceeded: {budget:.9g}")
    return errs


@dataclass
class Outcome:
    network: str
    query: str
    usage: str
    objective: str
    ok: bool
    errors: list[str] = field(default_factory=list)
    time_s: float = 0.0
    upper_exact: bool | None = None
    notes: list[str] = field(default_factory=list)


def run_query(net: Network, key: str, qname: str, demands: list[tuple[int, ...]],
              usage: str, objective: str, *, independent: bool) -> Outcome:
    weights = None
    if objective == "weighted":
        weights = [1.0 + (j % 3) for j in range(len(demands))]
    out = Outcome(key, qname, usage, objective, True)
    u = Usage.flooding() if usage == "flooding" else Usage.frequency()
    t0 = time.perf_counter()
    try:
        ids = [[net.nodes[v].id for v in d] for d in demands]
        res = network_bounds(net, ids, usage=u, objective=objective,  # type: ignore[arg-type]
                             weights=weights)
    except QinternetError as err:
        out.ok = False
        out.errors.append(f"{type(err).__name__}: {err}")
        out.time_s = time.perf_counter() - t0
        return out
    except Exception:  # a crash is a failure too
        out.ok = False
        out.errors.append("crash: " + traceback.format_exc(limit=3).replace("\n", " | "))
        return out
    out.time_s = time.perf_counter() - t0
    out.upper_exact = getattr(res, "upper_exact", None)
    errs = out.errors
    if not (math.isfinite(res.lower) and math.isfinite(res.upper)):
        errs.append("non-finite bound")
    if res.lower > res.upper * (1 + 1e-6) + 1e-300:
        errs.append(f"lower {res.lower:.9g} > upper {res.upper:.9g}")
    errs += check_routes(net, demands, res, usage)
    try:
        _independent_checks(net, demands, res, usage, objective, weights, independent, errs)
    except RuntimeError as err:
        out.notes.append(f"reference skipped: {err}")
    out.ok = not errs
    return out


def _independent_checks(net: Network, demands: list[tuple[int, ...]], res: Any, usage: str,
                        objective: str, weights: list[float] | None, independent: bool,
                        errs: list[str]) -> None:
    pairs_only = all(len(d) == 2 for d in demands)
    if independent and pairs_only and usage == "frequency":
        # closed form (one budget row): shortest paths with lengths 1/R_lo, via networkx
        ref_low = frequency_pairs_lower(net, demands, objective, weights)
        if not _close(res.lower, ref_low):
            errs.append(f"lower {res.lower:.9g} != closed form 1/L {ref_low:.9g}")
    if independent and pairs_only:
        ref_low = (res.lower if usage == "frequency"
                   else independent_flow_lp(net, "lower", demands, usage, objective, weights))
        if not _close(res.lower, ref_low):
            errs.append(f"lower {res.lower:.9g} != independent flow LP {ref_low:.9g}")
        flow_up = (frequency_pairs_lower(net, demands, objective, weights, "upper")
                   if usage == "frequency"
                   else independent_flow_lp(net, "upper", demands, usage, objective, weights))
        cut_up = independent_flow_lp(net, "upper", demands, usage, objective, weights,
                                     separate=True)
        if res.upper < flow_up * (1 - REL):
            errs.append(f"upper {res.upper:.9g} below the flow LP with E_up {flow_up:.9g}")
        if res.upper > cut_up * (1 + REL) and "looser than per-pair" not in res.upper_method:
            errs.append(f"upper {res.upper:.9g} looser than per-pair cuts {cut_up:.9g}")
        if len(demands) <= 2 and not _close(res.upper, flow_up):
            errs.append(f"upper {res.upper:.9g} != flow LP {flow_up:.9g} (Hu: k <= 2)")
    if independent and len(demands) == 1 and len(demands[0]) >= 3:
        scut = steiner_cut_lp(net, demands[0], usage)
        exact_claim = bool(res.upper_exact)
        if exact_claim and not _close(res.upper, scut):
            errs.append(f"upper {res.upper:.9g} claimed exact != Steiner-cut LP {scut:.9g}")
        if res.upper > scut * (1 + REL):
            errs.append(f"upper {res.upper:.9g} looser than the Steiner-cut LP {scut:.9g}")
        if usage == "frequency" and len(demands[0]) == 3:
            st = steiner3_frequency_lower(net, demands[0])
            w = 1.0 if weights is None else weights[0]
            expect = st if objective in ("total", "worst") else w * st
            if not _close(res.lower, expect):
                errs.append(f"lower {res.lower:.9g} != 1/min Steiner tree {expect:.9g}")


def stress_network(key: str) -> Network:
    """A topohub network refused for its pixel coordinates, with topohub's ``dist`` taken as km
    anyway: physically meaningless lengths (up to ~20,000 km per link, capacities down to
    1e-300 and below) that exercise the LP layer's dynamic-range handling."""
    import topohub

    data = topohub.get(key)
    g = nx.MultiGraph()
    for node in data["nodes"]:
        g.add_node(str(node["id"]), name=node.get("name"))
    for e in data["edges"]:
        g.add_edge(str(e["source"]), str(e["target"]), length_km=float(e["dist"]))
    return Network.from_networkx(g, name=key + " (stress: pixel lengths as km)")


def run_network(key: str, *, seed: int = 1, independent: bool = True,
                max_links_independent: int = 2500, verbose: bool = False
                ) -> tuple[list[Outcome], str | None]:
    """All queries on one network; returns the outcomes and a load note (or None)."""
    try:
        net = load_network(key if os.path.exists(key) else "topohub:" + key)
    except QinternetError as err:
        if os.path.exists(key) or "not longitude/latitude" not in str(err):
            return [], f"not loaded: {err}"
        net = stress_network(key)  # pixel maps: keep them as a dynamic-range stress test
    indep = independent and len(net.links) <= max_links_independent
    outs = []
    for qname, demands in queries(net, seed).items():
        for usage in USAGES:
            for objective in OBJECTIVES:
                if qname == "pair" and objective == "weighted":
                    continue
                outs.append(run_query(net, key, qname, demands, usage, objective,
                                      independent=indep))
                if verbose:
                    o = outs[-1]
                    print(f"    {qname} / {usage} / {objective}: {o.time_s:.2f} s "
                          f"{'ok' if o.ok else 'FAIL'}", flush=True)
    return outs, None


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("networks", nargs="*", help="topohub keys or files (default: all)")
    ap.add_argument("--sample", action="store_true", help="only the sample of make test")
    ap.add_argument("--no-independent", action="store_true",
                    help="skip the independent LP checks (faster)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("-v", "--verbose", action="store_true", help="one line per query")
    args = ap.parse_args(argv)
    keys = list(args.networks) or (list(SAMPLE) if args.sample else all_keys())
    total = fails = 0
    refused: list[tuple[str, str]] = []
    by_query: dict[str, list[int]] = {}
    t_all = time.perf_counter()
    for key in keys:
        t0 = time.perf_counter()
        outs, note = run_network(key, seed=args.seed, independent=not args.no_independent,
                                 verbose=args.verbose)
        if note:
            refused.append((key, note))
            print(f"{key:32s} {note}", flush=True)
            continue
        bad = [o for o in outs if not o.ok]
        total += len(outs)
        fails += len(bad)
        for o in outs:
            by_query.setdefault(o.query, [0, 0])[0] += 1
            by_query[o.query][1] += 0 if o.ok else 1
        print(f"{key:32s} {len(outs):3d} runs {len(bad):3d} failed "
              f"{time.perf_counter() - t0:7.1f} s", flush=True)
        for o in outs:
            for note in o.notes:
                print(f"    note {o.query} / {o.usage} / {o.objective}: {note}", flush=True)
        for o in bad:
            print(f"    FAIL {o.query} / {o.usage} / {o.objective}: {'; '.join(o.errors)}",
                  flush=True)
    print()
    print("| query | runs | failed |")
    print("|---|---|---|")
    for q, (n, f) in by_query.items():
        print(f"| {q} | {n} | {f} |")
    print(f"\n{len(keys) - len(refused)} networks, {total} runs, {fails} failed, "
          f"{len(refused)} not loaded, {time.perf_counter() - t_all:.0f} s")
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
