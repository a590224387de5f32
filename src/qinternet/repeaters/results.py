"""Result dataclasses of the repeater-chain computations (keys = the CLI ``--json`` contract)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = ["GeneralChainResult", "PhysicalChainResult", "RepeaterChainResult"]


def _num(x: float | None) -> float | None:
    if x is None:
        return None
    v = float(x)
    return v if math.isfinite(v) else None


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class RepeaterChainResult:
    """Waiting time, Werner parameter and key rate of a nested repeater chain.

    All times are in time steps (one step = one elementary-link attempt).
    """

    #: Operations of the chain, bottom up ("swap" or "distill"); 2^levels segments.
    protocol: tuple[str, ...]
    #: Number of swap (nesting) levels n.
    levels: int
    #: Elementary-link success probability per attempt.
    p_gen: float
    #: Swap success probability.
    p_swap: float
    #: Werner parameter of a fresh elementary link.
    werner_w0: float
    #: Link coherence time in steps (None = no decoherence).
    coherence_time_steps: float | None
    #: Memory cut-off per protocol step, in steps (None = no cut-off at that step).
    cutoff_steps: tuple[int | None, ...]
    #: Truncation window length T (the pmf lives on t = 0..T-1), in steps.
    truncation_steps: int
    #: Probability mass inside the truncation window, sum_t P(t) (1 for closed forms).
    coverage: float
    #: Conditional mean waiting time sum_t t P(t) / sum_t P(t), in steps.
    mean_waiting_time_steps: float
    #: Rigorous lower bound of the full-support mean, coverage * mean + (1 - coverage) * T.
    mean_waiting_time_lower_bound_steps: float
    #: Werner parameter of the average delivered state, sum_t P(t) W(t) / sum_t P(t).
    mean_werner: float
    #: Fidelity of the average delivered state, (1 + 3 mean_werner) / 4.
    mean_fidelity: float
    #: Key protocol used for ``secret_key_rate_bits_per_step`` ("bb84" or "six-state").
    key_protocol: str
    #: Secret-key rate of ``key_protocol`` in bits per step, r(W)/E[T] with log2.
    secret_key_rate_bits_per_step: float
    #: BB84 secret-key rate in bits per step.
    secret_key_rate_bb84_bits_per_step: float
    #: Six-state secret-key rate in bits per step.
    secret_key_rate_six_state_bits_per_step: float
    #: BB84 secret fraction of the average delivered state (bits per delivered link).
    bb84_key_fraction: float
    #: Six-state secret fraction of the average delivered state (bits per delivered link).
    six_state_key_fraction: float
    #: Waiting-time pmf P(t), t = 0..T-1 (not part of ``to_dict``).
    waiting_time_pmf: npt.NDArray[np.float64] = field(repr=False)
    #: Conditional Werner parameter W(t) = E[w | T = t]; NaN where P(t) < 1e-8 max P (round-off).
    werner_by_time: npt.NDArray[np.float64] = field(repr=False)

    @property
    def segments(self) -> int:
        """Number of elementary segments, 2^levels."""
        return int(2**self.levels)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready scalars (the CLI ``--json`` keys); arrays are omitted."""
        return _chain_keys(self, float(self.p_gen), float(self.werner_w0))


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class PhysicalChainResult:
    """A :class:`RepeaterChainResult` with its values in seconds and the PLOB comparison."""

    #: The chain result in time steps.
    chain: RepeaterChainResult
    #: Duration of one time step (one elementary-link attempt), in s.
    attempt_time_s: float
    #: Segment length in km (None when the chain was given by p_gen and a clock rate only).
    segment_length_km: float | None
    #: Total end-to-end length, segments * segment_length_km, in km (None if unknown).
    total_length_km: float | None
    #: Fibre attenuation in dB/km used for p_gen and PLOB (None if unknown).
    attenuation_db_per_km: float | None
    #: PLOB bound of the whole fibre, ebits (= secret bits) per channel use (None if unknown).
    plob_bits_per_use: float | None
    #: Repeater-assisted capacity of the equal-segment chain, -log2(1 - eta^(1/N)), bits per
    #: use of the chain (each segment used once per time step); None if unknown.
    repeater_capacity_bits_per_use: float | None = None
    #: Pulse rate of a photon source sending straight through the whole fibre, in Hz, for the
    #: second PLOB comparison (None: not requested). The chain's own clock is far slower (one
    #: heralded attempt per step), which flatters the chain against PLOB at the chain clock.
    source_clock_rate_hz: float | None = None

    @property
    def clock_rate_hz(self) -> float:
        """Attempts per second, 1 / attempt_time_s."""
        return 1.0 / self.attempt_time_s

    @property
    def mean_waiting_time_s(self) -> float:
        """Mean waiting time in s."""
        return self.chain.mean_waiting_time_steps * self.attempt_time_s

    @property
    def secret_key_rate_bits_per_s(self) -> float:
        """Secret-key rate of the chain's key protocol in bits per s."""
        return self.chain.secret_key_rate_bits_per_step / self.attempt_time_s

    @property
    def plob_bits_per_s(self) -> float | None:
        """PLOB bound per second at the chain's clock rate (one channel use per time step)."""
        if self.plob_bits_per_use is None:
            return None
        return self.plob_bits_per_use / self.attempt_time_s

    @property
    def plob_bits_per_s_at_source_clock(self) -> float | None:
        """PLOB bound per second at ``source_clock_rate_hz`` (one channel use per pulse)."""
        if self.plob_bits_per_use is None or self.source_clock_rate_hz is None:
            return None
        return self.plob_bits_per_use * self.source_clock_rate_hz

    @property
    def plob_comparison_note(self) -> str:
        """How the PLOB comparison is made, with the clock rates used."""
        note = (f"PLOB per channel use is compared with the chain per time step at the chain's "
                f"own clock rate, {self.clock_rate_hz:.4g} Hz (one elementary-link attempt per "
                "step; a convention: modes versus time slots)")
        if self.source_clock_rate_hz is not None and self.plob_bits_per_use is not None:
            note += (f"; at the source clock rate of {self.source_clock_rate_hz:.4g} Hz a "
                     "repeaterless link is bounded by PLOB x that rate = "
                     f"{self.plob_bits_per_s_at_source_clock:.4g} bits/s")
        else:
            note += ("; a source pulsing faster straight through the fibre is bounded by PLOB "
                     "times its own pulse rate, which can be far above PLOB at the chain clock")
        return note

    def to_dict(self) -> dict[str, Any]:
        """The chain's keys plus the physical-unit values."""
        out = self.chain.to_dict()
        out.update(
            {
                "attempt_time_s": float(self.attempt_time_s),
                "clock_rate_hz": float(self.clock_rate_hz),
                "coherence_time_s": _num(
                    None
                    if self.chain.coherence_time_steps is None
                    else self.chain.coherence_time_steps * self.attempt_time_s
                ),
                "mean_waiting_time_s": float(self.mean_waiting_time_s),
                "secret_key_rate_bits_per_s": float(self.secret_key_rate_bits_per_s),
                "secret_key_rate_bb84_bits_per_s": float(
                    self.chain.secret_key_rate_bb84_bits_per_step / self.attempt_time_s
                ),
                "secret_key_rate_six_state_bits_per_s": float(
                    self.chain.secret_key_rate_six_state_bits_per_step / self.attempt_time_s
                ),
                "segment_length_km": _num(self.segment_length_km),
                "total_length_km": _num(self.total_length_km),
                "attenuation_db_per_km": _num(self.attenuation_db_per_km),
                "plob_bits_per_use": _num(self.plob_bits_per_use),
                "plob_bits_per_s": _num(self.plob_bits_per_s),
                "repeater_capacity_bits_per_use": _num(self.repeater_capacity_bits_per_use),
                "repeater_capacity_bits_per_s": _num(
                    None if self.repeater_capacity_bits_per_use is None
                    else self.repeater_capacity_bits_per_use / self.attempt_time_s
                ),
                "source_clock_rate_hz": _num(self.source_clock_rate_hz),
                "plob_bits_per_s_at_source_clock": _num(self.plob_bits_per_s_at_source_clock),
                "plob_comparison_note": self.plob_comparison_note,
            }
        )
        return out


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class GeneralChainResult:
    """Waiting time, delivered state and key rate of a heterogeneous repeater chain.

    Times in steps (one step = one elementary-link attempt of the common clock). ``to_dict``
    has every key of :meth:`RepeaterChainResult.to_dict` (``p_gen`` and ``werner_w0`` are
    per-segment lists here) plus the keys of the new features.
    """

    #: Operations in evaluation order ("swap" or "distill:<protocol>"), distinct sub-trees once.
    protocol: tuple[str, ...]
    #: Swap tree as text, e.g. ``((0,1),2)``.
    swap_tree: str
    #: Height of the swap tree.
    levels: int
    #: Number of elementary segments.
    segments: int
    #: Success probability per attempt of each segment.
    p_gen: tuple[float, ...]
    #: Swap success probability.
    p_swap: float
    #: Werner parameter of each segment's fresh link (twirled value for Bell-diagonal inputs).
    werner_w0: tuple[float, ...]
    #: Depolarising link coherence time in steps (None = none).
    coherence_time_steps: float | None
    #: Dephasing link time in steps (None = none).
    dephasing_time_steps: float | None
    #: Memory cut-off per level, in steps (None = none).
    cutoff_steps: tuple[int | None, ...]
    #: Fidelity cut-off per level as a Werner parameter (None = none).
    werner_cutoff: tuple[float | None, ...]
    #: Run-time cut-off per level, in steps (None = none).
    run_time_cutoff_steps: tuple[int | None, ...]
    #: Truncation window length, in steps.
    truncation_steps: int
    #: Probability mass inside the window.
    coverage: float
    #: Conditional mean waiting time, in steps.
    mean_waiting_time_steps: float
    #: Lower bound of the full-support mean, in steps.
    mean_waiting_time_lower_bound_steps: float
    #: Werner parameter of the (twirled) average delivered state, (chi_X + chi_Y + chi_Z)/3.
    mean_werner: float
    #: Fidelity of the average delivered state, (1 + 3 mean_werner)/4.
    mean_fidelity: float
    #: Bell coefficients (Phi+, Psi+, Psi-, Phi-) of the average delivered state.
    mean_bell_diagonal: tuple[float, float, float, float]
    #: QBER in the Z basis, (1 - chi_Z)/2.
    qber_z: float
    #: QBER in the X basis, (1 - chi_X)/2.
    qber_x: float
    #: Key protocol of ``secret_key_rate_bits_per_step``.
    key_protocol: str
    #: Secret-key rate of ``key_protocol``, bits per step.
    secret_key_rate_bits_per_step: float
    #: BB84 key rate with the actual QBERs, bits per step.
    secret_key_rate_bb84_bits_per_step: float
    #: Six-state key rate, bits per step.
    secret_key_rate_six_state_bits_per_step: float
    #: BB84 secret fraction 1 - h(e_Z) - h(e_X) of the average state.
    bb84_key_fraction: float
    #: Six-state secret fraction 1 - H(lambda) of the average state.
    six_state_key_fraction: float
    #: Delivered links per step, 1 / mean_waiting_time_steps.
    delivery_rate_per_step: float
    #: Waiting-time pmf P(t) (not in ``to_dict``).
    waiting_time_pmf: npt.NDArray[np.float64] = field(repr=False)
    #: Werner parameter by delivery time W(t) (NaN where P(t) is round-off).
    werner_by_time: npt.NDArray[np.float64] = field(repr=False)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready scalars and lists (arrays omitted)."""
        return {
            **_chain_keys(self, [float(p) for p in self.p_gen],
                          [float(w) for w in self.werner_w0]),
            "swap_tree": self.swap_tree,
            "dephasing_time_steps": _num(self.dephasing_time_steps),
            "werner_cutoff": [None if w is None else float(w) for w in self.werner_cutoff],
            "run_time_cutoff_steps": list(self.run_time_cutoff_steps),
            "mean_bell_diagonal": [float(v) for v in self.mean_bell_diagonal],
            "qber_z": float(self.qber_z),
            "qber_x": float(self.qber_x),
            "delivery_rate_per_step": float(self.delivery_rate_per_step),
        }


def _chain_keys(result: RepeaterChainResult | GeneralChainResult, p_gen: Any,
                werner_w0: Any) -> dict[str, Any]:
    """The JSON keys every chain result reports, in contract order (per-segment ``p_gen`` and
    ``werner_w0`` are lists for a heterogeneous chain)."""
    return {
        "protocol": list(result.protocol),
        "levels": result.levels,
        "segments": result.segments,
        "p_gen": p_gen,
        "p_swap": float(result.p_swap),
        "werner_w0": werner_w0,
        "coherence_time_steps": _num(result.coherence_time_steps),
        "cutoff_steps": list(result.cutoff_steps),
        "truncation_steps": result.truncation_steps,
        "coverage": float(result.coverage),
        "mean_waiting_time_steps": float(result.mean_waiting_time_steps),
        "mean_waiting_time_lower_bound_steps": float(result.mean_waiting_time_lower_bound_steps),
        "mean_werner": float(result.mean_werner),
        "mean_fidelity": float(result.mean_fidelity),
        "key_protocol": result.key_protocol,
        "secret_key_rate_bits_per_step": float(result.secret_key_rate_bits_per_step),
        "secret_key_rate_bb84_bits_per_step": float(result.secret_key_rate_bb84_bits_per_step),
        "secret_key_rate_six_state_bits_per_step": float(
            result.secret_key_rate_six_state_bits_per_step),
        "bb84_key_fraction": float(result.bb84_key_fraction),
        "six_state_key_fraction": float(result.six_state_key_fraction),
    }
