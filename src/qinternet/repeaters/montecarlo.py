"""Seeded, vectorised Monte Carlo samplers of repeater chains (cross-checks of the exact algorithm).

* :func:`sample_nested_chain`: the nested protocol of
  :class:`~qinternet.repeaters.chain.NestedChain` (swaps, optional distillation, per-level
  cut-offs), vectorised over samples (the toolkit's sampler).
* :func:`sample_swap_asap_chain`: a time-stepped swap-as-soon-as-possible chain with per-node
  depolarizing memories and probabilistic swaps, vectorised over samples (the toolkit's sampler).
* :func:`swap_asap_werner_from_durations`: Avis's per-node rule (a = 1) for given segment times.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from qinternet._validation import (
    require_in_range,
    require_int,
    require_positive,
    require_probability,
)
from qinternet.errors import InvalidParameterError
from qinternet.repeaters.chain import NestedChain

__all__ = [
    "MonteCarloEstimate",
    "sample_nested_chain",
    "sample_swap_asap_chain",
    "swap_asap_werner_from_durations",
]

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class MonteCarloEstimate:
    """Sample means with their standard errors (sample std / sqrt(samples))."""

    #: Number of samples.
    samples: int
    #: Mean delivery time in steps.
    mean_waiting_time_steps: float
    #: Standard error of the mean delivery time, in steps.
    waiting_time_std_error_steps: float
    #: Mean Werner parameter (= Werner parameter of the average delivered state).
    mean_werner: float
    #: Standard error of the mean Werner parameter.
    werner_std_error: float
    #: Delivery times of the samples, in steps.
    waiting_times_steps: FloatArray
    #: Werner parameters of the delivered links.
    werners: FloatArray

    def to_dict(self) -> dict[str, float | int]:
        """Scalars only."""
        return {
            "samples": self.samples,
            "mean_waiting_time_steps": self.mean_waiting_time_steps,
            "waiting_time_std_error_steps": self.waiting_time_std_error_steps,
            "mean_werner": self.mean_werner,
            "werner_std_error": self.werner_std_error,
        }


def _estimate(times: FloatArray, werners: FloatArray) -> MonteCarloEstimate:
    n = times.size
    root = math.sqrt(n)
    return MonteCarloEstimate(
        samples=n,
        mean_waiting_time_steps=float(times.mean()),
        waiting_time_std_error_steps=float(times.std(ddof=1) / root) if n > 1 else math.inf,
        mean_werner=float(werners.mean()),
        werner_std_error=float(werners.std(ddof=1) / root) if n > 1 else math.inf,
        waiting_times_steps=times,
        werners=werners,
    )


def _sample_level(
    chain: NestedChain, k: int, size: int, x: float, rng: np.random.Generator
) -> tuple[FloatArray, FloatArray]:
    if k == 0:
        t0 = rng.geometric(chain.p_gen, size).astype(np.float64)
        return t0, np.full(size, float(chain.werner_w0))
    op = chain.protocol[k - 1]
    tau = chain.cutoffs[k - 1]
    elapsed = np.zeros(size)
    out_t = np.empty(size)
    out_w = np.empty(size)
    pending = np.arange(size)
    while pending.size:
        m = pending.size
        ta, wa = _sample_level(chain, k - 1, m, x, rng)
        tb, wb = _sample_level(chain, k - 1, m, x, rng)
        d = np.abs(ta - tb)
        passed = np.ones(m, dtype=bool) if tau is None else d <= tau
        duration = np.maximum(ta, tb) if tau is None else np.where(
            passed, np.maximum(ta, tb), np.minimum(ta, tb) + tau
        )
        elapsed[pending] += duration
        decay = x**d
        product = wa * wb * decay
        u = rng.random(m)
        if op == "swap":
            ok = passed & (u < chain.p_swap)
            w_new = product
        else:
            wa_dec = np.where(ta < tb, wa * decay, wa)
            wb_dec = np.where(tb < ta, wb * decay, wb)
            p_dist = 0.5 * (1.0 + product)
            ok = passed & (u < p_dist)
            w_new = (wa_dec + wb_dec + 4.0 * product) / (6.0 * p_dist)
        done = pending[ok]
        out_t[done] = elapsed[done]
        out_w[done] = w_new[ok]
        pending = pending[~ok]
    return out_t, out_w


def sample_nested_chain(chain: NestedChain, samples: int, *, seed: int) -> MonteCarloEstimate:
    """Monte Carlo estimate of the nested chain's mean waiting time and Werner parameter.

    Parameters
    ----------
    chain : NestedChain
        Chain parameters (times in steps).
    samples : int
        Number of delivered end-to-end links to sample (>= 2).
    seed : int
        Seed of ``numpy.random.default_rng``.

    Returns
    -------
    MonteCarloEstimate
        Means and standard errors (steps; dimensionless Werner parameter).

    Raises
    ------
    InvalidParameterError
        If ``samples`` < 2.

    References
    ----------
    .. [1] the toolkit's sampler (vectorised recursive sampler); the same model as
       BoxiLi/repeater-cut-off-optimization @ c9245ed [V, impl].

    Examples
    --------
    >>> est = sample_nested_chain(NestedChain(levels=1, p_gen=0.1, p_swap=1.0), 20000, seed=1)
    >>> abs(est.mean_waiting_time_steps - 14.7368) < 5 * est.waiting_time_std_error_steps
    True
    """
    n = require_int("samples", samples, minimum=2)
    rng = np.random.default_rng(seed)
    times, werners = _sample_level(chain, len(chain.protocol), n, chain.decay_per_step, rng)
    return _estimate(times, werners)


def swap_asap_werner_from_durations(
    segment_times_steps: npt.ArrayLike,
    node_coherence_time_steps: float | npt.ArrayLike,
    werner_w0: float = 1.0,
) -> FloatArray:
    """Werner parameter of a swap-asap chain with a = 1 given the segment generation times.

    ``W = w0^N prod_repeaters exp(-|d_{i+1} - d_i| / T_i) prod_ends exp(-(max d - d_end) / T_end)``.

    Parameters
    ----------
    segment_times_steps : array_like, shape (..., N)
        Generation times d_i of the N segments, in steps.
    node_coherence_time_steps : float or array_like of shape (N + 1,)
        Per-qubit memory coherence time T_i of each node (or one value), in steps.
    werner_w0 : float
        Werner parameter of fresh links.

    Returns
    -------
    ndarray
        Werner parameter(s) of the delivered link, shape ``(...)``.

    Raises
    ------
    InvalidParameterError
        On non-positive coherence times or inconsistent shapes.

    References
    ----------
    .. [1] G. Avis, QuantumNetworkRecipes.jl @ 8404d24, per-node rule [V, impl] (case F5).

    Examples
    --------
    >>> round(float(swap_asap_werner_from_durations([10, 20, 30, 20, 10], 300.0)), 12)
    0.765928338365
    """
    d = np.asarray(segment_times_steps, dtype=np.float64)
    n_seg = d.shape[-1]
    coh = np.broadcast_to(np.asarray(node_coherence_time_steps, dtype=np.float64), (n_seg + 1,))
    if np.any(~(coh > 0)):
        raise InvalidParameterError("node_coherence_time_steps", coh.tolist(), "must be > 0")
    w0 = require_probability("werner_w0", werner_w0)
    latest = d.max(axis=-1)
    exponent = (latest - d[..., 0]) / coh[0] + (latest - d[..., -1]) / coh[-1]
    if n_seg > 1:
        exponent = exponent + np.sum(np.abs(np.diff(d, axis=-1)) / coh[1:-1], axis=-1)
    return np.asarray(w0**n_seg * np.exp(-exponent), dtype=np.float64)


def sample_swap_asap_chain(
    *,
    segments: int,
    p_gen: float,
    p_swap: float,
    samples: int,
    seed: int,
    node_coherence_time_steps: float | None = None,
    werner_w0: float = 1.0,
    cutoff_steps: int | None = None,
    max_steps: int = 10**7,
) -> MonteCarloEstimate:
    """Monte Carlo of a swap-as-soon-as-possible chain (time-stepped, vectorised over samples).

    Every step: stored links decay (each stored qubit by ``exp(-1/T_node)``); with a cut-off,
    links whose older qubit has been stored for more than ``cutoff_steps`` are discarded; every
    free segment attempts generation (success ``p_gen``); then every repeater holding two links
    swaps (nodes processed left to right; success ``p_swap`` multiplies the Werner parameters,
    failure discards both links). The run ends when the two end nodes share a link. With two
    segments this is the nested protocol with the same cut-off (memoryless generation).

    Parameters
    ----------
    segments : int
        Number of segments N >= 1.
    p_gen : float
        Elementary-link success probability per step, in (0, 1].
    p_swap : float
        Swap success probability, in (0, 1].
    samples : int
        Number of end-to-end links (>= 2).
    seed : int
        Seed of ``numpy.random.default_rng``.
    node_coherence_time_steps : float, optional
        Per-qubit memory coherence time in steps at every node (None: no decoherence).
        A link stored on two such qubits has link coherence time ``T_node / 2``.
    werner_w0 : float
        Werner parameter of fresh links.
    cutoff_steps : int, optional
        Memory cut-off in steps (maximum storage time of a qubit); None = no cut-off.
    max_steps : int
        Safety cap on simulated steps.

    Returns
    -------
    MonteCarloEstimate
        Means and standard errors.

    Raises
    ------
    InvalidParameterError
        On bad parameters or if ``max_steps`` is reached.

    References
    ----------
    .. [1] the toolkit's sampler (swap-asap; Avis's per-node depolarizing memories,
       QuantumNetworkRecipes.jl @ 8404d24 [V, impl]).

    Examples
    --------
    >>> est = sample_swap_asap_chain(segments=2, p_gen=0.1, p_swap=1.0, samples=20000, seed=2,
    ...                              node_coherence_time_steps=200.0)
    >>> abs(est.mean_werner - 0.9134829944) < 5 * est.werner_std_error     # repeaters.json F4
    True
    """
    n_seg = require_int("segments", segments, minimum=1)
    p = require_in_range("p_gen", p_gen, 0.0, 1.0, low_inclusive=False)
    a = require_in_range("p_swap", p_swap, 0.0, 1.0, low_inclusive=False)
    n = require_int("samples", samples, minimum=2)
    w0 = require_probability("werner_w0", werner_w0)
    cap = require_int("max_steps", max_steps, minimum=1)
    tau = None if cutoff_steps is None else require_int("cutoff_steps", cutoff_steps, minimum=0)
    if node_coherence_time_steps is None:
        link_decay = 1.0
    else:
        link_decay = math.exp(-2.0 / require_positive("node_coherence_time_steps",
                                                      node_coherence_time_steps))
    rng = np.random.default_rng(seed)
    nodes = n_seg + 1
    right = np.full((n, nodes), -1, dtype=np.int64)
    left = np.full((n, nodes), -1, dtype=np.int64)
    w_right = np.zeros((n, nodes))
    born_right = np.zeros((n, nodes))  # creation step of the qubit holding the right link
    born_left = np.zeros((n, nodes))
    ids = np.arange(n)
    out_t = np.empty(n)
    out_w = np.empty(n)
    step = 0
    while ids.size:
        step += 1
        if step > cap:
            raise InvalidParameterError("max_steps", cap, "was reached before all deliveries")
        m = ids.size
        rows = np.arange(m)
        w_right *= np.where(right >= 0, link_decay, 1.0)
        if tau is not None:
            link_rows, link_left = np.nonzero(right >= 0)
            link_right = right[link_rows, link_left]
            oldest = np.minimum(born_right[link_rows, link_left], born_left[link_rows, link_right])
            old = step - oldest > tau
            right[link_rows[old], link_left[old]] = -1
            left[link_rows[old], link_right[old]] = -1
            w_right[link_rows[old], link_left[old]] = 0.0
        free = (right[:, :-1] < 0) & (left[:, 1:] < 0)
        new = free & (rng.random((m, n_seg)) < p)
        seg_rows, seg_idx = np.nonzero(new)
        right[seg_rows, seg_idx] = seg_idx + 1
        left[seg_rows, seg_idx + 1] = seg_idx
        w_right[seg_rows, seg_idx] = w0
        born_right[seg_rows, seg_idx] = step
        born_left[seg_rows, seg_idx + 1] = step
        for j in range(1, n_seg):
            both = (left[:, j] >= 0) & (right[:, j] >= 0)
            if not both.any():
                continue
            r = rows[both]
            lnode = left[r, j]
            rnode = right[r, j]
            success = rng.random(r.size) < a
            w_new = w_right[r, lnode] * w_right[r, j]
            right[r, lnode] = np.where(success, rnode, -1)
            left[r, rnode] = np.where(success, lnode, -1)
            # the outer qubits keep their creation steps (born_right[lnode], born_left[rnode])
            w_right[r, lnode] = np.where(success, w_new, 0.0)
            left[r, j] = -1
            right[r, j] = -1
            w_right[r, j] = 0.0
        done = right[:, 0] == n_seg
        if done.any():
            out_t[ids[done]] = step
            out_w[ids[done]] = w_right[done, 0]
            keep = ~done
            ids, right, left, w_right = ids[keep], right[keep], left[keep], w_right[keep]
            born_right, born_left = born_right[keep], born_left[keep]
    return _estimate(out_t, out_w)
