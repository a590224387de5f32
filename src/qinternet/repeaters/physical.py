"""Physical front end of repeater chains: fibre segments, attempt time, coherence time in seconds.

Model (Azuma et al. 2021, a common convention, stated here): N = 2^n equal segments of length
L0; an elementary attempt succeeds with ``p_gen = source_efficiency * detector_efficiency *
10^(-alpha L0 / 10)`` (one photon crosses the whole segment and is heralded); one time step lasts
``2 L0 / c_f`` (node-to-node heralding: photon out, heralding signal back) or ``L0 / c_f``
(midpoint heralding station), or ``1 / clock_rate_hz`` if a clock rate is given. The same p_gen
is used for both heralding geometries (midpoint schemes with two photons or single-photon
interference differ). As in the chain model (Li et al. 2021), the classical communication of
swaps and cut-off decisions between repeaters takes no time (only the heralding round trip is in
a step), so waiting times in seconds are lower bounds for long segments. The PLOB bound of
the *whole* fibre (``N L0``, fibre loss only) is quoted per channel use and per second at the same
clock rate, one use per time step: comparing slots with modes is a convention.
"""

from __future__ import annotations

from typing import Literal

from qinternet._validation import (
    require_in_range,
    require_int,
    require_nonnegative,
    require_positive,
)
from qinternet.channels.capacities import plob_bound
from qinternet.constants import DEFAULT_ATTENUATION_DB_PER_KM, FIBRE_GROUP_VELOCITY_KM_PER_S
from qinternet.errors import InvalidParameterError
from qinternet.repeaters.results import PhysicalChainResult, RepeaterChainResult
from qinternet.units import fibre_transmissivity

__all__ = [
    "Heralding",
    "attempt_time_s",
    "coherence_time_steps",
    "elementary_link_probability",
    "link_coherence_time_s",
    "physical_result",
    "plob_bits_per_use",
    "repeater_capacity_bits_per_use",
]

#: Where the elementary link is heralded: "node" (round trip 2 L0 / c_f) or "midpoint" (L0 / c_f).
Heralding = Literal["node", "midpoint"]


def elementary_link_probability(
    segment_length_km: float,
    attenuation_db_per_km: float = DEFAULT_ATTENUATION_DB_PER_KM,
    *,
    source_efficiency: float = 1.0,
    detector_efficiency: float = 1.0,
) -> float:
    """Success probability per attempt of an elementary link, ``eta_s eta_d 10^(-alpha L0/10)``.

    Parameters
    ----------
    segment_length_km : float
        Segment length L0 in km (>= 0).
    attenuation_db_per_km : float
        Fibre attenuation alpha in dB/km (default 0.2).
    source_efficiency : float
        Probability that the memory emits a photon into the fibre, in (0, 1].
    detector_efficiency : float
        Heralding detector efficiency, in (0, 1].

    Returns
    -------
    float
        p_gen in (0, 1].

    Raises
    ------
    InvalidParameterError
        On negative length/attenuation or efficiencies outside (0, 1].

    References
    ----------
    .. [1] Azuma et al. 2021 (p_gen = eta_0 eta_other with eta_0 = eta^(1/N), memory-photon
       emission heralded at the neighbour) [R, standard]; K. Azuma et al., AVS Quantum Sci. 3,
       014101 (2021), arXiv:2012.06764 [V, abstract].

    Examples
    --------
    >>> round(elementary_link_probability(50.0, source_efficiency=0.9, detector_efficiency=0.8), 12)
    0.072
    """
    length = require_nonnegative("segment_length_km", segment_length_km)
    eta_s = require_in_range("source_efficiency", source_efficiency, 0.0, 1.0, low_inclusive=False)
    eta_d = require_in_range("detector_efficiency", detector_efficiency, 0.0, 1.0,
                             low_inclusive=False)
    eta = float(fibre_transmissivity(length, attenuation_db_per_km))
    p = eta_s * eta_d * eta
    if p <= 0.0:
        raise InvalidParameterError("segment_length_km", segment_length_km,
                                    "gives p_gen = 0 (underflow); use a shorter segment")
    return p


def attempt_time_s(segment_length_km: float, heralding: Heralding = "node") -> float:
    """Duration of one elementary attempt from fibre propagation, in s.

    ``2 L0 / c_f`` for node-to-node heralding, ``L0 / c_f`` for a midpoint station, with
    ``c_f`` = :data:`qinternet.constants.FIBRE_GROUP_VELOCITY_KM_PER_S`.

    Parameters
    ----------
    segment_length_km : float
        Segment length L0 in km (> 0).
    heralding : {"node", "midpoint"}
        Heralding geometry.

    Returns
    -------
    float
        Attempt time in s.

    Raises
    ------
    InvalidParameterError
        If the length is not positive or ``heralding`` is unknown.

    References
    ----------
    .. [1] Azuma et al. 2021: time slot L0/c_f (midpoint) or 2 L0/c_f (round trip) [R].

    Examples
    --------
    >>> round(attempt_time_s(50.0) * 1e3, 6)     # ms
    0.489672
    """
    length = require_positive("segment_length_km", segment_length_km)
    factors = {"node": 2.0, "midpoint": 1.0}
    if heralding not in factors:
        raise InvalidParameterError("heralding", heralding, "must be 'node' or 'midpoint'")
    return factors[heralding] * length / FIBRE_GROUP_VELOCITY_KM_PER_S


def link_coherence_time_s(memory_coherence_time_s: float) -> float:
    """Link coherence time from a per-qubit depolarizing memory time, ``T_q / 2`` (both qubits).

    Parameters
    ----------
    memory_coherence_time_s : float
        Per-qubit memory coherence time T_q in s (> 0).

    Returns
    -------
    float
        Coherence time of a stored link, in s.

    Raises
    ------
    InvalidParameterError
        If not positive.

    References
    ----------
    .. [1] Azuma et al. 2021: a link whose two qubits wait Δt decays by exp(-2Δt/T_q) [V, impl].

    Examples
    --------
    >>> link_coherence_time_s(1.0)
    0.5
    """
    return require_positive("memory_coherence_time_s", memory_coherence_time_s) / 2.0


def coherence_time_steps(coherence_time_s: float, attempt_time_s: float) -> float:
    """Convert a link coherence time in s into time steps (attempts).

    Parameters
    ----------
    coherence_time_s : float
        Link coherence time in s (> 0).
    attempt_time_s : float
        Duration of one step in s (> 0).

    Returns
    -------
    float
        Coherence time in steps.

    Raises
    ------
    InvalidParameterError
        If either value is not positive.

    References
    ----------
    .. [1] Azuma et al. 2021 (one step = one attempt) [V, impl].

    Examples
    --------
    >>> coherence_time_steps(0.5, 1e-3)
    500.0
    """
    t = require_positive("coherence_time_s", coherence_time_s)
    dt = require_positive("attempt_time_s", attempt_time_s)
    return t / dt


def plob_bits_per_use(
    total_length_km: float, attenuation_db_per_km: float = DEFAULT_ATTENUATION_DB_PER_KM
) -> float:
    """PLOB bound of the whole fibre, ``-log2(1 - eta)`` (secret) bits per channel use.

    Parameters
    ----------
    total_length_km : float
        End-to-end fibre length in km (> 0).
    attenuation_db_per_km : float
        Attenuation in dB/km.

    Returns
    -------
    float
        Bits per use.

    Raises
    ------
    InvalidParameterError
        If the length is not positive.

    References
    ----------
    .. [1] S. Pirandola, R. Laurenza, C. Ottaviani, L. Banchi, Nat. Commun. 8, 15043 (2017),
       arXiv:1510.08863, Eq. (19) [V] (via :func:`qinternet.channels.capacities.plob_bound`).

    Examples
    --------
    >>> round(plob_bits_per_use(100.0), 10)     # repeaters.json Q4
    0.0144995697
    """
    length = require_positive("total_length_km", total_length_km)
    return float(plob_bound(fibre_transmissivity(length, attenuation_db_per_km)))


def repeater_capacity_bits_per_use(
    total_length_km: float,
    segments: int,
    attenuation_db_per_km: float = DEFAULT_ATTENUATION_DB_PER_KM,
) -> float:
    """Repeater-assisted capacity of N equal pure-loss segments, ``-log2(1 - eta^(1/N))``.

    An upper bound on the secret-key rate per use of the chain (every segment used once) for
    any repeater protocol, in particular on the chain's key rate per time step.

    Parameters
    ----------
    total_length_km : float
        End-to-end fibre length in km (> 0).
    segments : int
        Number of equal segments N >= 1 (N - 1 repeaters).
    attenuation_db_per_km : float
        Attenuation in dB/km.

    Returns
    -------
    float
        Bits per use of the chain.

    Raises
    ------
    InvalidParameterError
        If the length is not positive or ``segments`` < 1.

    References
    ----------
    .. [1] S. Pirandola, "End-to-end capacities of a quantum communication network", Commun.
       Phys. 2, 51 (2019) [R]; S. Pirandola et al., Adv. Opt. Photon. 12, 1012 (2020),
       arXiv:1906.01645, Eq. (186) with N repeaters = N + 1 links [V].

    Examples
    --------
    >>> round(repeater_capacity_bits_per_use(200.0, 2), 10)   # one middle repeater, 100 km each
    0.0144995697
    """
    length = require_positive("total_length_km", total_length_km)
    n = require_int("segments", segments, minimum=1)
    eta_total = float(fibre_transmissivity(length, attenuation_db_per_km))
    return float(plob_bound(eta_total ** (1.0 / n)))


def physical_result(
    chain_result: RepeaterChainResult,
    *,
    attempt_time_s: float,
    segment_length_km: float | None = None,
    attenuation_db_per_km: float | None = None,
    source_clock_rate_hz: float | None = None,
) -> PhysicalChainResult:
    """Attach seconds and the PLOB comparison to a chain result.

    Parameters
    ----------
    chain_result : RepeaterChainResult
        Result in time steps.
    attempt_time_s : float
        Duration of one step in s (> 0).
    segment_length_km : float, optional
        Segment length in km; with it the PLOB bound of the whole fibre is reported.
    attenuation_db_per_km : float, optional
        Attenuation in dB/km (default 0.2 when a length is given).
    source_clock_rate_hz : float, optional
        Pulse rate (Hz, > 0) of a source sending straight through the whole fibre: PLOB is
        then also reported per second at that rate (``plob_bits_per_s_at_source_clock``), the
        fair repeaterless comparison for a fast source.

    Returns
    -------
    PhysicalChainResult
        Values in s, rates in bits per s, PLOB bits per use and per s at the chain's clock rate
        (and at the source clock rate when given).

    Raises
    ------
    InvalidParameterError
        On non-positive times or lengths.

    References
    ----------
    .. [1] Azuma et al. 2021 (comparison with repeaterless bounds, same clock rate) [R].

    Examples
    --------
    >>> from qinternet.repeaters.chain import NestedChain, analyze_chain
    >>> res = analyze_chain(NestedChain(levels=1, p_gen=0.1, p_swap=0.5))
    >>> round(physical_result(res, attempt_time_s=1e-3).mean_waiting_time_s, 9)
    0.029473684
    """
    dt = require_positive("attempt_time_s", attempt_time_s)
    source = (None if source_clock_rate_hz is None
              else require_positive("source_clock_rate_hz", source_clock_rate_hz))
    total = plob = alpha = capacity = None
    if segment_length_km is not None:
        length = require_positive("segment_length_km", segment_length_km)
        alpha = DEFAULT_ATTENUATION_DB_PER_KM if attenuation_db_per_km is None else float(
            require_nonnegative("attenuation_db_per_km", attenuation_db_per_km)
        )
        total = length * chain_result.segments
        plob = plob_bits_per_use(total, alpha)
        capacity = repeater_capacity_bits_per_use(total, chain_result.segments, alpha)
    return PhysicalChainResult(
        chain=chain_result,
        attempt_time_s=dt,
        segment_length_km=segment_length_km,
        total_length_km=total,
        attenuation_db_per_km=alpha,
        plob_bits_per_use=plob,
        repeater_capacity_bits_per_use=capacity,
        source_clock_rate_hz=source,
    )
