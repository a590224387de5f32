"""Key-rate-optimal cut-offs of a :class:`RepeaterChain`: memory, fidelity or run-time kind.

The same integer search as :func:`~qinternet.repeaters.optimize.optimize_cutoffs` (geometric
grid, shrinking bracket, exhaustive scan of the last dozen integers; per-level coordinate ascent
from the uniform optimum). Memory and run-time cut-offs are searched over integer steps in
``[0, T]`` (``T`` the automatic window of the chain without that cut-off); fidelity cut-offs over
``w_cut = k / 1000`` for integers ``k`` in ``[0, 1000]`` (resolution 1e-3). Every candidate is
evaluated by the exact algorithm; candidates that cannot be resolved (coverage below
``min_coverage`` within the cap) score 0. Cut-offs of the other kinds are kept as given.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, replace
from typing import Any, Literal

from qinternet.errors import InvalidParameterError, QinternetWarning
from qinternet.repeaters.general_analysis import analyze_repeater_chain
from qinternet.repeaters.general_chain import RepeaterChain
from qinternet.repeaters.keyrate import KeyProtocol
from qinternet.repeaters.optimize import _coordinate_ascent, _optimum_keys, _search_1d
from qinternet.repeaters.results import GeneralChainResult

__all__ = ["CutoffKind", "GeneralCutoffOptimum", "optimize_chain_cutoffs"]

#: Which cut-off is optimised.
CutoffKind = Literal["memory", "fidelity", "run-time"]

_FIELD = {"memory": "cutoff_steps", "fidelity": "werner_cutoff",
          "run-time": "run_time_cutoff_steps"}
_W_GRID = 1000


def _with(chain: RepeaterChain, field: str, values: Any) -> RepeaterChain:
    """``chain`` with the cut-off field ``field`` replaced (the tree kept)."""
    kwargs: dict[str, Any] = {field: values, "swap_order": chain.tree}
    return replace(chain, **kwargs)


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class GeneralCutoffOptimum:
    """Optimal cut-offs of one kind and the chain result there."""

    #: Kind optimised.
    kind: str
    #: Optimal value per level (steps, or Werner parameter for "fidelity"; None = none).
    cutoffs: tuple[int | float | None, ...]
    #: Key rate at the optimum, bits per step.
    secret_key_rate_bits_per_step: float
    #: Key rate without a cut-off of this kind, bits per step.
    no_cutoff_secret_key_rate_bits_per_step: float
    #: "uniform" or "per-level".
    mode: str
    #: Number of chain evaluations.
    evaluations: int
    #: Chain result at the optimum.
    result: GeneralChainResult

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready keys: the optimised values under ``optimal_cutoff_steps`` (memory and
        run-time cut-offs, steps) or ``optimal_cutoff_werner`` (fidelity cut-off, a Werner
        parameter), and ``optimized_cutoff_kind``."""
        key = "optimal_cutoff_werner" if self.kind == "fidelity" else "optimal_cutoff_steps"
        return _optimum_keys(self, list(self.cutoffs), cutoff_key=key,
                             optimized_cutoff_kind=self.kind)


def optimize_chain_cutoffs(
    chain: RepeaterChain,
    *,
    kind: CutoffKind = "memory",
    per_level: bool = False,
    key_protocol: KeyProtocol = "bb84",
    max_sweeps: int = 3,
) -> GeneralCutoffOptimum:
    """Cut-offs of one kind maximising the secret-key rate ``r / E[T]`` of a chain.

    Parameters
    ----------
    chain : RepeaterChain
        Chain; its cut-offs of ``kind`` are ignored, the other kinds kept.
    kind : {"memory", "fidelity", "run-time"}
        Cut-off to optimise.
    per_level : bool
        One value for every level (default) or one per level (coordinate ascent).
    key_protocol : {"bb84", "six-state"}
        Key rate maximised.
    max_sweeps : int
        Coordinate-ascent sweeps (per level only).

    Returns
    -------
    GeneralCutoffOptimum
        Optimal values, rates (bits per step) and the result at the optimum.

    Raises
    ------
    InvalidParameterError
        On an unknown ``kind`` or a chain without levels.

    Warns
    -----
    QinternetWarning
        If some candidates could not be resolved (scored 0).

    References
    ----------
    .. [1] B. Li, T. Coopmans, D. Elkouss, arXiv:2005.04946 (cut-off optimisation of the three
       kinds; differential evolution in the public code @ c9245ed, an integer search here)
       [V, impl].

    Examples
    --------
    >>> from qinternet.repeaters.general_chain import ChainSegment
    >>> ch = RepeaterChain(segments=(ChainSegment(p_gen=0.1, werner_w0=0.99),) * 2,
    ...                    p_swap=0.5, coherence_time_steps=30)
    >>> optimize_chain_cutoffs(ch).cutoffs            # repeaters.json K3 (log2)
    (4,)
    """
    if kind not in _FIELD:
        raise InvalidParameterError("kind", kind, "must be 'memory', 'fidelity' or 'run-time'")
    levels = chain.levels
    if levels == 0:
        raise InvalidParameterError("segments", len(chain.segments),
                                    "must be >= 2 to optimise cut-offs")
    field = _FIELD[kind]
    base = _with(chain, field, None)
    base_result = analyze_repeater_chain(base, key_protocol=key_protocol)
    hi = _W_GRID if kind == "fidelity" else base_result.truncation_steps
    # candidates whose waiting time needs far more than the chain without the cut-off are poor
    cap = max(1 << 16, 16 * base_result.truncation_steps)
    cache: dict[tuple[int | None, ...], float] = {}
    unresolved = 0

    def value(k: int | None) -> int | float | None:
        if k is None:
            return None
        return k / _W_GRID if kind == "fidelity" else k

    def objective(ks: tuple[int | None, ...]) -> float:
        nonlocal unresolved
        if ks in cache:
            return cache[ks]
        trial = _with(base, field, tuple(value(k) for k in ks))
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", QinternetWarning)
                rate = analyze_repeater_chain(trial, key_protocol=key_protocol,
                                              max_truncation_steps=cap
                                              ).secret_key_rate_bits_per_step
        except InvalidParameterError as err:
            if err.name in ("max_truncation_steps", "truncation_steps"):
                unresolved += 1     # needs a window beyond the cap
            rate = 0.0              # otherwise: the cut-offs reject every attempt

        rate = rate if rate == rate else 0.0   # NaN guard
        cache[ks] = rate
        return rate

    no_cut = base_result.secret_key_rate_bits_per_step
    cache[(None,) * levels] = no_cut
    k, rate = _search_1d(lambda t: objective((t,) * levels), hi, 40)
    best: tuple[int | None, ...] = (k,) * levels
    if per_level and levels > 1 and rate > 0.0:
        best, rate = _coordinate_ascent(objective, best, rate, hi, max_sweeps)
    if rate <= 0.0:
        best, rate = (None,) * levels, no_cut
    if unresolved:
        warnings.warn(f"{unresolved} cut-off candidates could not be resolved within the "
                      "window cap and were scored 0", QinternetWarning, stacklevel=2)
    values = tuple(value(k) for k in best)
    result = analyze_repeater_chain(_with(base, field, values), key_protocol=key_protocol)
    return GeneralCutoffOptimum(
        kind=kind, cutoffs=values,
        secret_key_rate_bits_per_step=result.secret_key_rate_bits_per_step,
        no_cutoff_secret_key_rate_bits_per_step=no_cut,
        mode="per-level" if per_level else "uniform", evaluations=len(cache), result=result)
