"""Nested repeater chains with memory cut-offs: waiting time, Werner parameter, secret-key rate.

Public surface:

* :class:`NestedChain` – chain parameters (levels, p_gen, p_swap, w0, coherence time, cut-offs,
  optional distillation); :func:`analyze_chain` – exact algorithm, returns
  :class:`RepeaterChainResult`; :func:`chain_distributions`, :func:`window_distributions`,
  :func:`join_attempt` – the pmf-level building blocks.
* :func:`optimize_cutoffs` – key-rate-optimal cut-offs (uniform or per level),
  :class:`CutoffOptimum`; :func:`analyze_or_optimize` – the chain as given or at its optimum.
* :func:`sample_nested_chain`, :func:`sample_swap_asap_chain`,
  :func:`swap_asap_werner_from_durations`, :class:`MonteCarloEstimate` – Monte Carlo cross-checks.
* :func:`bb84_key_fraction`, :func:`six_state_key_fraction`, :func:`key_fraction`,
  :func:`key_fraction_threshold`, :func:`secret_key_rate` – key fractions (log2).
* :func:`elementary_link_probability`, :func:`attempt_time_s`, :func:`coherence_time_steps`,
  :func:`link_coherence_time_s`, :func:`plob_bits_per_use`,
  :func:`repeater_capacity_bits_per_use`, :func:`physical_result`,
  :class:`PhysicalChainResult` – physical front end.
* :class:`RepeaterChain`, :class:`ChainSegment`, :func:`analyze_repeater_chain`,
  :class:`GeneralChainResult` – heterogeneous chains (unequal segments, any swap tree,
  :class:`Swap` / :class:`Distill` nodes, memory / fidelity / run-time cut-offs per level,
  Bell-diagonal states with depolarising and dephasing memories);
  :func:`optimize_chain_cutoffs`, :class:`GeneralCutoffOptimum` – their cut-off optimiser;
  :func:`sample_repeater_chain`, :class:`GeneralMonteCarloEstimate` – their Monte Carlo;
  :func:`segments_from_lengths`, :func:`segment_lengths_from_positions`,
  :func:`chain_capacity_bits_per_use` – their physical front end.
* :mod:`qinternet.repeaters.bell_diagonal` – correlators, swap, BBPSSW / DEJMPS, key fractions.
* :mod:`qinternet.repeaters.closed_forms` – closed forms used as test oracles.
"""

from __future__ import annotations

from qinternet.repeaters.chain import (
    NestedChain,
    analyze_chain,
    chain_distributions,
    join_attempt,
    window_distributions,
)
from qinternet.repeaters.general_analysis import analyze_repeater_chain
from qinternet.repeaters.general_chain import ChainSegment, RepeaterChain
from qinternet.repeaters.general_montecarlo import (
    GeneralMonteCarloEstimate,
    sample_repeater_chain,
)
from qinternet.repeaters.general_optimize import GeneralCutoffOptimum, optimize_chain_cutoffs
from qinternet.repeaters.keyrate import (
    bb84_key_fraction,
    key_fraction,
    key_fraction_threshold,
    secret_key_rate,
    six_state_key_fraction,
)
from qinternet.repeaters.montecarlo import (
    MonteCarloEstimate,
    sample_nested_chain,
    sample_swap_asap_chain,
    swap_asap_werner_from_durations,
)
from qinternet.repeaters.optimize import CutoffOptimum, analyze_or_optimize, optimize_cutoffs
from qinternet.repeaters.physical import (
    attempt_time_s,
    coherence_time_steps,
    elementary_link_probability,
    link_coherence_time_s,
    physical_result,
    plob_bits_per_use,
    repeater_capacity_bits_per_use,
)
from qinternet.repeaters.physical_general import (
    chain_capacity_bits_per_use,
    segment_lengths_from_positions,
    segments_from_lengths,
)
from qinternet.repeaters.results import (
    GeneralChainResult,
    PhysicalChainResult,
    RepeaterChainResult,
)
from qinternet.repeaters.swap_tree import Distill, Swap

__all__ = [
    "ChainSegment",
    "CutoffOptimum",
    "Distill",
    "GeneralChainResult",
    "GeneralCutoffOptimum",
    "GeneralMonteCarloEstimate",
    "MonteCarloEstimate",
    "NestedChain",
    "PhysicalChainResult",
    "RepeaterChain",
    "RepeaterChainResult",
    "Swap",
    "analyze_chain",
    "analyze_or_optimize",
    "analyze_repeater_chain",
    "attempt_time_s",
    "bb84_key_fraction",
    "chain_capacity_bits_per_use",
    "chain_distributions",
    "coherence_time_steps",
    "elementary_link_probability",
    "join_attempt",
    "key_fraction",
    "key_fraction_threshold",
    "link_coherence_time_s",
    "optimize_chain_cutoffs",
    "optimize_cutoffs",
    "physical_result",
    "plob_bits_per_use",
    "repeater_capacity_bits_per_use",
    "sample_nested_chain",
    "sample_repeater_chain",
    "sample_swap_asap_chain",
    "secret_key_rate",
    "segment_lengths_from_positions",
    "segments_from_lengths",
    "six_state_key_fraction",
    "swap_asap_werner_from_durations",
    "window_distributions",
]
