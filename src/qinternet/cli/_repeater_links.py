"""``qinternet bounds --repeater-links FILE``: read repeater chains for network links (JSON).

The file holds a list of objects, one per link that gets a repeater chain::

    [{"u": "Berlin", "v": "Hamburg", "segment_lengths_km": [60, 75, 55, 100],
      "p_swap": 0.5, "werner": 0.99, "coherence_time_s": 0.05, "cutoff_steps": 40}]

Keys: ``u``, ``v``, optional ``key`` (parallel links); either ``p_gen`` (one value per
segment) with ``clock_rate_hz``, or ``segment_lengths_km`` (with optional
``attenuation_db_per_km``, ``clock_rate_hz``; default clock: one attempt of the longest segment,
node heralding); ``p_swap``; optional ``werner`` (one value or one per segment),
``coherence_time_steps`` or ``coherence_time_s``, ``dephasing_time_steps``, ``swap_order``,
``cutoff_steps``, ``werner_cutoff``, ``run_time_cutoff_steps``. No physics here.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from qinternet.errors import InvalidParameterError
from qinternet.networks.network import Network
from qinternet.networks.repeater_links import RepeaterLink, apply_repeater_links
from qinternet.networks.usage import Usage
from qinternet.repeaters.general_analysis import analyze_repeater_chain
from qinternet.repeaters.general_chain import ChainSegment, RepeaterChain
from qinternet.repeaters.physical_general import common_attempt_time_s, segments_from_lengths

__all__ = ["load_repeater_links"]

_KEYS = {"u", "v", "key", "p_gen", "segment_lengths_km", "attenuation_db_per_km",
         "clock_rate_hz", "p_swap", "werner", "coherence_time_steps", "coherence_time_s",
         "dephasing_time_steps", "swap_order", "cutoff_steps", "werner_cutoff",
         "run_time_cutoff_steps"}


def _chain_link(entry: dict[str, Any], where: str) -> tuple[RepeaterLink, dict[str, Any]]:
    unknown = set(entry) - _KEYS
    if unknown:
        raise InvalidParameterError(f"{where} key", sorted(unknown)[0], "is not a known key")
    for req in ("u", "v", "p_swap"):
        if req not in entry:
            raise InvalidParameterError(f"{where} {req}", None, "is required")
    lengths: Any = entry.get("segment_lengths_km")
    p_gen: Any = entry.get("p_gen")
    if (lengths is None) == (p_gen is None):
        raise InvalidParameterError(f"{where} p_gen/segment_lengths_km", "both" if lengths
                                    else "neither", "exactly one of the two must be given")
    werner = entry.get("werner", 1.0)
    count = len(lengths if lengths is not None else p_gen)
    w_list = list(werner) if isinstance(werner, list) else [werner] * count
    if len(w_list) != count:
        raise InvalidParameterError(f"{where} werner", werner, "must have one value per segment")
    clock = entry.get("clock_rate_hz")
    if lengths is not None:
        segs = tuple(ChainSegment(p_gen=s.p_gen, werner_w0=float(w)) for s, w in zip(
            segments_from_lengths(lengths, entry.get("attenuation_db_per_km", 0.2)), w_list,
            strict=True))
        if clock is None:
            clock = 1.0 / common_attempt_time_s(lengths)
    else:
        segs = tuple(ChainSegment(p_gen=float(p), werner_w0=float(w))
                     for p, w in zip(p_gen, w_list, strict=True))
        if clock is None:
            raise InvalidParameterError(f"{where} clock_rate_hz", None,
                                        "is required with p_gen")
    coherence = entry.get("coherence_time_steps")
    if "coherence_time_s" in entry:
        coherence = float(entry["coherence_time_s"]) * float(clock)
    chain = RepeaterChain(
        segments=segs, p_swap=entry["p_swap"], coherence_time_steps=coherence,
        dephasing_time_steps=entry.get("dephasing_time_steps"),
        swap_order=entry.get("swap_order", "balanced"),
        cutoff_steps=_tuple(entry.get("cutoff_steps")),
        werner_cutoff=_tuple(entry.get("werner_cutoff")),
        run_time_cutoff_steps=_tuple(entry.get("run_time_cutoff_steps")))
    result = analyze_repeater_chain(chain)
    link = RepeaterLink(u=str(entry["u"]), v=str(entry["v"]), key=int(entry.get("key", 0)),
                        chain=result, clock_rate_hz=float(clock))
    summary = {"u": link.u, "v": link.v, "key": link.key, "segments": len(segs),
               "swap_tree": result.swap_tree, "clock_rate_hz": link.clock_rate_hz,
               "mean_waiting_time_steps": result.mean_waiting_time_steps,
               "mean_werner": result.mean_werner,
               "delivered_ebits_per_s": link.delivered_ebits_per_s}
    return link, summary


def _tuple(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


def load_repeater_links(path: str, network: Network, clock_rate_hz: float
                        ) -> tuple[Network, Usage, list[dict[str, Any]]]:
    """Network with repeater links from ``path``, its budget usage and per-link summaries."""
    try:
        entries = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise InvalidParameterError("--repeater-links", path,
                                    f"must be a readable JSON file ({type(err).__name__})"
                                    ) from None
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise InvalidParameterError("--repeater-links", path, "must hold a list of objects")
    links, summaries = [], []
    for k, entry in enumerate(entries):
        link, summary = _chain_link(entry, f"--repeater-links entry {k}")
        links.append(link)
        summaries.append(summary)
    new, usage = apply_repeater_links(network, links, clock_rate_hz=clock_rate_hz)
    return new, usage, summaries
