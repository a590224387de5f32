"""Physical front end for unequal segments: node positions, one common clock, PLOB comparison.

Segments of lengths ``L_i`` (or nodes at positions ``x_0 < x_1 < ...``) have
``p_gen,i = eta_s eta_d 10^(-alpha L_i / 10)`` (as :func:`elementary_link_probability`). The
discrete-time model needs one clock for all segments: one step lasts the attempt time of the
*longest* segment (``2 L_max / c_f`` for node heralding, ``L_max / c_f`` midpoint), unless a
clock rate is given. The repeaterless bound is PLOB of the whole fibre; the repeater-assisted
capacity of a linear chain is the smallest segment capacity ``min_i -log2(1 - eta_i)``
(equal segments: ``-log2(1 - eta^(1/N))``).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

from qinternet._validation import require_nonnegative, require_positive
from qinternet.channels.capacities import plob_bound
from qinternet.constants import DEFAULT_ATTENUATION_DB_PER_KM
from qinternet.errors import InvalidParameterError
from qinternet.repeaters.general_chain import ChainSegment
from qinternet.repeaters.physical import attempt_time_s, elementary_link_probability
from qinternet.repeaters.results import GeneralChainResult
from qinternet.units import fibre_transmissivity

__all__ = [
    "chain_capacity_bits_per_use",
    "common_attempt_time_s",
    "physical_chain_dict",
    "segment_lengths_from_positions",
    "segments_from_lengths",
]


def segment_lengths_from_positions(node_positions_km: Sequence[float]) -> tuple[float, ...]:
    """Segment lengths from increasing node positions along the fibre, in km.

    Raises
    ------
    InvalidParameterError
        If fewer than two positions are given or they do not increase strictly.

    Examples
    --------
    >>> segment_lengths_from_positions([0.0, 40.0, 95.0, 120.0])
    (40.0, 55.0, 25.0)
    """
    xs = [float(x) for x in node_positions_km]
    if len(xs) < 2 or any(b <= a for a, b in itertools.pairwise(xs)):
        raise InvalidParameterError("node_positions_km", tuple(xs),
                                    "must be at least two strictly increasing positions")
    return tuple(b - a for a, b in itertools.pairwise(xs))


def segments_from_lengths(
    segment_lengths_km: Sequence[float], attenuation_db_per_km: float =
    DEFAULT_ATTENUATION_DB_PER_KM, *, werner_w0: float = 1.0, source_efficiency: float = 1.0,
    detector_efficiency: float = 1.0,
) -> tuple[ChainSegment, ...]:
    """Chain segments of the given fibre lengths (p_gen from loss and efficiencies).

    References
    ----------
    .. [1] Azuma et al., AVS Quantum Sci. 3, 014101 (2021), arXiv:2012.06764 (heralded
       memory-photon links, p_gen = eta_0 eta_other) [R, standard].

    Examples
    --------
    >>> [round(s.p_gen, 6) for s in segments_from_lengths([50.0, 25.0])]
    [0.1, 0.316228]
    """
    return tuple(ChainSegment(p_gen=elementary_link_probability(
        length, attenuation_db_per_km, source_efficiency=source_efficiency,
        detector_efficiency=detector_efficiency), werner_w0=werner_w0)
        for length in segment_lengths_km)


def common_attempt_time_s(segment_lengths_km: Sequence[float], heralding: str = "node"
                          ) -> float:
    """One step of the common clock: the attempt time of the longest segment, in s.

    Examples
    --------
    >>> round(common_attempt_time_s([50.0, 20.0]) * 1e3, 6)
    0.489672
    """
    return max(attempt_time_s(length, heralding) for length in segment_lengths_km)  # type: ignore[arg-type]


def chain_capacity_bits_per_use(segment_lengths_km: Sequence[float],
                                attenuation_db_per_km: float = DEFAULT_ATTENUATION_DB_PER_KM
                                ) -> float:
    """Repeater-assisted capacity of a linear chain of pure-loss segments, bits per use.

    ``min_i -log2(1 - eta_i)``: the bottleneck segment (a cut of the linear network).

    References
    ----------
    .. [1] S. Pirandola, "End-to-end capacities of a quantum communication network", Commun.
       Phys. 2, 51 (2019), linear chains: minimum over the segments' PLOB capacities [R];
       equals :func:`~qinternet.repeaters.physical.repeater_capacity_bits_per_use` for equal
       segments (tested).

    Examples
    --------
    >>> round(chain_capacity_bits_per_use([100.0, 50.0]), 10)   # the 100 km segment
    0.0144995697
    """
    if not segment_lengths_km:
        raise InvalidParameterError("segment_lengths_km", (), "must not be empty")
    alpha = require_nonnegative("attenuation_db_per_km", attenuation_db_per_km)
    return min(float(plob_bound(fibre_transmissivity(require_positive("segment_length_km", x),
                                                     alpha)))
               for x in segment_lengths_km)


def physical_chain_dict(result: GeneralChainResult, *, attempt_time_s: float,
                        segment_lengths_km: Sequence[float] | None = None,
                        attenuation_db_per_km: float | None = None) -> dict[str, Any]:
    """The result's keys plus values in seconds and the PLOB comparison (CLI JSON keys of
    :meth:`~qinternet.repeaters.results.PhysicalChainResult.to_dict`; ``segment_length_km``
    is a per-segment list).

    Examples
    --------
    >>> from qinternet.repeaters.general_chain import RepeaterChain
    >>> from qinternet.repeaters.general_analysis import analyze_repeater_chain
    >>> r = analyze_repeater_chain(RepeaterChain(segments=segments_from_lengths([50, 25]),
    ...                                          p_swap=0.5))
    >>> d = physical_chain_dict(r, attempt_time_s=1e-3, segment_lengths_km=[50, 25])
    >>> d["total_length_km"], round(d["delivery_rate_ebits_per_s"] * d["mean_waiting_time_s"], 12)
    (75.0, 1.0)
    """
    dt = require_positive("attempt_time_s", attempt_time_s)
    out = result.to_dict()
    total = plob = capacity = alpha = None
    if segment_lengths_km:
        alpha = (DEFAULT_ATTENUATION_DB_PER_KM if attenuation_db_per_km is None
                 else float(attenuation_db_per_km))
        total = float(sum(segment_lengths_km))
        plob = float(plob_bound(fibre_transmissivity(total, alpha)))
        capacity = chain_capacity_bits_per_use(segment_lengths_km, alpha)
    rate = result.secret_key_rate_bits_per_step / dt
    out.update({
        "attempt_time_s": dt,
        "clock_rate_hz": 1.0 / dt,
        "coherence_time_s": (None if result.coherence_time_steps is None
                             else result.coherence_time_steps * dt),
        "dephasing_time_s": (None if result.dephasing_time_steps is None
                             else result.dephasing_time_steps * dt),
        "mean_waiting_time_s": result.mean_waiting_time_steps * dt,
        "delivery_rate_ebits_per_s": result.delivery_rate_per_step / dt,
        "secret_key_rate_bits_per_s": rate,
        "secret_key_rate_bb84_bits_per_s": result.secret_key_rate_bb84_bits_per_step / dt,
        "secret_key_rate_six_state_bits_per_s":
            result.secret_key_rate_six_state_bits_per_step / dt,
        "segment_length_km": None if not segment_lengths_km else [float(x) for x in
                                                                  segment_lengths_km],
        "total_length_km": total,
        "attenuation_db_per_km": alpha,
        "plob_bits_per_use": plob,
        "plob_bits_per_s": None if plob is None else plob / dt,
        "repeater_capacity_bits_per_use": capacity,
        "repeater_capacity_bits_per_s": None if capacity is None else capacity / dt,
        "plob_comparison_note": (
            f"PLOB per channel use is compared with the chain per time step at the chain's own "
            f"clock rate, {1.0 / dt:.4g} Hz (one attempt of the longest segment per step; a "
            "convention: modes versus time slots)"),
    })
    return out
