"""Heterogeneous repeater chains: unequal segments, any swap tree, three cut-off kinds, Bell states.

Generalises the nested chain of :mod:`qinternet.repeaters.chain` (same time model: one step =
one elementary attempt; a failed swap or cut-off restarts the whole sub-tree below it) to

* segments with their own ``p_gen`` and initial state (Werner parameter or four Bell-diagonal
  coefficients);
* any swap tree (:mod:`qinternet.repeaters.swap_tree`), including distillation (BBPSSW or
  DEJMPS) of two different links over the same span;
* per level: a memory cut-off (steps), a fidelity cut-off (Werner parameter ``w_cut``) and a
  run-time cut-off (steps), see :mod:`qinternet.repeaters._pair_join`;
* depolarising *and* dephasing memories: the state is carried as the three correlators
  ``P(t) chi_k(t)`` of a Bell-diagonal state (:mod:`qinternet.repeaters.bell_diagonal`); for
  Werner inputs, depolarising memories and BBPSSW the three coincide and one array is carried
  (the Werner algorithm).

Identical sub-trees (same segment parameters, same shape) are computed once, so a homogeneous
``2^n``-segment chain costs ``n`` joins as in the nested algorithm.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from qinternet._validation import (
    require_in_range,
    require_int,
    require_positive,
    require_probability,
    require_probability_vector,
)
from qinternet.errors import InvalidParameterError
from qinternet.repeaters._pair_join import LevelPolicy, PairJoin, sum_restarts
from qinternet.repeaters.bell_diagonal import (
    BBPSSW_FORMS,
    DEJMPS_FORMS,
    correlators_from_bell,
)
from qinternet.repeaters.swap_tree import (
    Distill,
    Swap,
    SwapOrder,
    TreeNode,
    check_tree,
    format_tree,
    parse_tree,
    tree_height,
)

__all__ = [
    "ChainSegment",
    "RepeaterChain",
    "chain_from_nested",
    "link_distributions",
    "subtree_distributions",
    "subtree_key",
]

FloatArray = npt.NDArray[np.float64]
Comps = tuple[FloatArray, FloatArray, FloatArray]


@dataclass(frozen=True, slots=True, kw_only=True)
class ChainSegment:
    """One elementary segment: generation probability per step and the fresh link's state.

    Examples
    --------
    >>> ChainSegment(p_gen=0.1, werner_w0=0.95).correlators
    (0.95, 0.95, 0.95)
    """

    #: Success probability per attempt, in (0, 1].
    p_gen: float
    #: Werner parameter of a fresh link, in [0, 1] (ignored when ``bell_diagonal`` is given).
    werner_w0: float = 1.0
    #: Bell coefficients (Phi+, Psi+, Psi-, Phi-) = errors (I, X, Y, Z) of a fresh link, or None.
    bell_diagonal: tuple[float, float, float, float] | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "p_gen", require_in_range("p_gen", self.p_gen, 0.0, 1.0,
                                                           low_inclusive=False))
        object.__setattr__(self, "werner_w0", require_probability("werner_w0", self.werner_w0))
        if self.bell_diagonal is not None:
            lam = require_probability_vector("bell_diagonal", tuple(self.bell_diagonal),
                                             length=4)
            object.__setattr__(self, "bell_diagonal", (lam[0], lam[1], lam[2], lam[3]))

    @property
    def correlators(self) -> tuple[float, float, float]:
        """``(chi_X, chi_Y, chi_Z)`` of a fresh link."""
        if self.bell_diagonal is None:
            return (self.werner_w0,) * 3
        return correlators_from_bell(self.bell_diagonal)


def _per_level(name: str, value: object, levels: int, kind: str) -> tuple[object, ...]:
    if value is None:
        return (None,) * levels
    if isinstance(value, Sequence) and not isinstance(value, str):
        if len(value) != levels:
            raise InvalidParameterError(name, tuple(value),
                                        f"must have one entry per level ({levels})")
        items: tuple[object, ...] = tuple(value)
    else:
        items = (value,) * levels
    out: list[object] = []
    for v in items:
        if v is None:
            out.append(None)
        elif kind == "int":
            out.append(require_int(name, v, minimum=0))
        else:
            out.append(require_probability(name, v))   # type: ignore[arg-type]
    return tuple(out)


@dataclass(frozen=True, slots=True, kw_only=True)
class RepeaterChain:
    """A repeater chain of any number of (unequal) segments with a swap tree and cut-offs.

    Raises ``InvalidParameterError`` on construction for bad probabilities, times, cut-offs or
    trees (naming the field).

    References
    ----------
    .. [1] B. Li, T. Coopmans, D. Elkouss, IEEE Trans. Quantum Eng. 2, 1 (2021),
       arXiv:2005.04946 (model, cut-off kinds; public code @ c9245ed with
       ``join_links_compatible`` for unequal links) [V, impl].
    .. [2] S. Brand, T. Coopmans, D. Elkouss, IEEE JSAC 38, 619 (2020), arXiv:1912.07688
       (nested chains with distillation) [V, abstract].

    Examples
    --------
    >>> ch = RepeaterChain(segments=(ChainSegment(p_gen=0.1), ChainSegment(p_gen=0.2),
    ...                              ChainSegment(p_gen=0.15)), p_swap=0.5, swap_order="sequential")
    >>> ch.tree_text, ch.levels
    ('((0,1),2)', 2)
    """

    #: Elementary segments, left to right.
    segments: tuple[ChainSegment, ...]
    #: Swap success probability, in (0, 1].
    p_swap: float
    #: Depolarising coherence time of a stored link in steps (None = no depolarisation).
    coherence_time_steps: float | None = None
    #: Dephasing time of a stored link in steps (None = no dephasing): chi_X, chi_Y decay.
    dephasing_time_steps: float | None = None
    #: "balanced", "sequential" or an explicit tree (:mod:`qinternet.repeaters.swap_tree`).
    swap_order: SwapOrder = "balanced"
    #: Memory cut-off per level in steps (one int for all levels, a per-level tuple, or None).
    cutoff_steps: int | tuple[int | None, ...] | None = None
    #: Fidelity cut-off per level as a Werner parameter (one value, a tuple, or None).
    werner_cutoff: float | tuple[float | None, ...] | None = None
    #: Run-time cut-off per level in steps (one int, a tuple, or None).
    run_time_cutoff_steps: int | tuple[int | None, ...] | None = None
    #: Resolved swap tree (set on construction).
    tree: TreeNode = field(init=False)

    def __post_init__(self) -> None:
        segs = tuple(self.segments)
        if not segs or not all(isinstance(s, ChainSegment) for s in segs):
            raise InvalidParameterError("segments", segs, "must be a non-empty tuple of "
                                        "ChainSegment")
        object.__setattr__(self, "segments", segs)
        object.__setattr__(self, "p_swap", require_in_range("p_swap", self.p_swap, 0.0, 1.0,
                                                            low_inclusive=False))
        for name in ("coherence_time_steps", "dephasing_time_steps"):
            t = getattr(self, name)
            if t is not None:
                value = math.inf if t == math.inf else require_positive(name, t)
                object.__setattr__(self, name, None if value == math.inf else value)
        order = self.swap_order
        if isinstance(order, str):
            tree = parse_tree(order, len(segs))
        else:
            check_tree(order, len(segs))
            tree = order
        object.__setattr__(self, "tree", tree)
        n = tree_height(tree)
        object.__setattr__(self, "cutoff_steps",
                           _per_level("cutoff_steps", self.cutoff_steps, n, "int"))
        object.__setattr__(self, "werner_cutoff",
                           _per_level("werner_cutoff", self.werner_cutoff, n, "float"))
        object.__setattr__(self, "run_time_cutoff_steps",
                           _per_level("run_time_cutoff_steps", self.run_time_cutoff_steps, n,
                                      "int"))

    @property
    def levels(self) -> int:
        """Height of the swap tree (0 for a single segment)."""
        return tree_height(self.tree)

    @property
    def tree_text(self) -> str:
        """The swap tree as text, e.g. ``((0,1),2)``."""
        return format_tree(self.tree)

    @property
    def policies(self) -> tuple[LevelPolicy, ...]:
        """Cut-offs of each level 1..levels."""
        mem, wc, rt = self.cutoff_steps, self.werner_cutoff, self.run_time_cutoff_steps
        assert isinstance(mem, tuple) and isinstance(wc, tuple) and isinstance(rt, tuple)
        return tuple(LevelPolicy(memory_steps=m, werner_cutoff=w, run_time_steps=r)
                     for m, w, r in zip(mem, wc, rt, strict=True))

    @property
    def decays(self) -> tuple[float, float, float]:
        """Per-step factors of the correlators (chi_X, chi_Y, chi_Z) of a stored link."""
        dep = 1.0 if self.coherence_time_steps is None else math.exp(
            -1.0 / self.coherence_time_steps)
        deph = 1.0 if self.dephasing_time_steps is None else math.exp(
            -1.0 / self.dephasing_time_steps)
        return (dep * deph, dep * deph, dep)

    @property
    def isotropic(self) -> bool:
        """True when every state stays Werner (the three correlators coincide)."""
        if self.dephasing_time_steps is not None:
            return False
        if any(len(set(s.correlators)) > 1 for s in self.segments):
            return False
        return not _has_dejmps(self.tree)


def _has_dejmps(node: TreeNode) -> bool:
    if isinstance(node, int):
        return False
    if isinstance(node, Swap):
        return _has_dejmps(node.left) or _has_dejmps(node.right)
    return node.protocol == "dejmps" or _has_dejmps(node.first) or _has_dejmps(node.second)


def chain_from_nested(nested: object) -> RepeaterChain:
    """The :class:`RepeaterChain` equal to a :class:`~qinternet.repeaters.chain.NestedChain`.

    Examples
    --------
    >>> from qinternet.repeaters.chain import NestedChain
    >>> chain_from_nested(NestedChain(levels=2, p_gen=0.1, p_swap=0.5)).tree_text
    '((0,1),(2,3))'
    """
    from qinternet.repeaters.chain import NestedChain

    if not isinstance(nested, NestedChain):
        raise InvalidParameterError("nested", type(nested).__name__, "must be a NestedChain")
    seg = ChainSegment(p_gen=nested.p_gen, werner_w0=nested.werner_w0)
    counter = iter(range(nested.segments))
    rounds = nested.distillation_rounds or (0,) * (nested.levels + 1)

    def build(level: int) -> TreeNode:
        """Tree of the protocol up to swap level ``level`` (inclusive distillation after)."""
        if level == 0:
            node: TreeNode = next(counter)
        else:
            left = build(level - 1)
            node = Swap(left, build(level - 1))
        for _ in range(int(rounds[level])):
            node = Distill(node, node)
        return node

    tree = build(nested.levels)
    return RepeaterChain(segments=(seg,) * nested.segments, p_swap=nested.p_swap,
                         coherence_time_steps=nested.coherence_time_steps, swap_order=tree,
                         cutoff_steps=nested.cutoffs)


@dataclass(slots=True)
class _Link:
    pmf: FloatArray
    comps: Comps


def _elementary(seg: ChainSegment, n: int) -> _Link:
    p = seg.p_gen
    t = np.arange(n, dtype=np.float64)
    pmf = np.zeros(n)
    pmf[1:] = p * np.exp((t[1:] - 1.0) * math.log1p(-p)) if p < 1.0 else (t[1:] == 1.0)
    chi = seg.correlators
    if chi[0] == chi[1] == chi[2]:
        w = chi[0] * pmf
        return _Link(pmf, (w, w, w))
    return _Link(pmf, (chi[0] * pmf, chi[1] * pmf, chi[2] * pmf))


def subtree_key(chain: RepeaterChain, node: TreeNode) -> object:
    """Hashable key of a sub-tree: equal for sub-trees with equal segments and shape."""
    if isinstance(node, int):
        return chain.segments[node]
    if isinstance(node, Swap):
        return ("s", subtree_key(chain, node.left), subtree_key(chain, node.right))
    return ("d", node.protocol, subtree_key(chain, node.first),
            subtree_key(chain, node.second))


_key = subtree_key


def _require_success(success: FloatArray, policy: LevelPolicy) -> None:
    """A level whose attempts can never succeed (cut-offs reject every pair) has no delivery."""
    if float(success.sum()) > 0.0:
        return
    names = [(n, v) for n, v in (("werner_cutoff", policy.werner_cutoff),
                                 ("run_time_cutoff_steps", policy.run_time_steps),
                                 ("cutoff_steps", policy.memory_steps)) if v is not None]
    name, value = names[0] if names else ("p_swap", None)
    raise InvalidParameterError(name, value, "rejects every attempt of a level: the chain never "
                                "delivers a link")


def _swap(a: _Link, b: _Link, policy: LevelPolicy, decays: tuple[float, float, float],
          p_swap: float) -> _Link:
    join = PairJoin(a.pmf, a.comps, b.pmf, b.comps, decays, policy)
    u = tuple(join.cross(a.comps[k], decays[k], b.comps[k], decays[k]) for k in range(3))
    success = p_swap * join.passing
    _require_success(success, policy)
    restart = join.fail + (1.0 - p_swap) * join.passing
    weighted = [p_swap * u[0]] if u[0] is u[1] is u[2] else [p_swap * c for c in u]
    pmf, outs = sum_restarts(success, restart, weighted)
    if len(outs) == 1:
        return _Link(pmf, (outs[0], outs[0], outs[0]))
    return _Link(pmf, (outs[0], outs[1], outs[2]))


def _distill(a: _Link, b: _Link, policy: LevelPolicy, decays: tuple[float, float, float],
             protocol: str) -> _Link:
    join = PairJoin(a.pmf, a.comps, b.pmf, b.comps, decays, policy)
    fa = (a.pmf, *a.comps)
    fb = (b.pmf, *b.comps)
    xs = (1.0, *decays)
    forms = BBPSSW_FORMS if protocol == "bbpssw" else DEJMPS_FORMS
    cache: dict[tuple[int, int], FloatArray] = {}

    def form(mat: npt.NDArray[np.float64]) -> FloatArray:
        total = np.zeros(a.pmf.size)
        for i in range(4):
            for j in range(4):
                c = float(mat[i, j])
                if c != 0.0:
                    if (i, j) not in cache:
                        cache[(i, j)] = join.cross(fa[i], xs[i], fb[j], xs[j])
                    total = total + c * cache[(i, j)]
        return total

    success = form(forms[0])
    _require_success(success, policy)
    restart = join.fail + (join.passing - success)
    outs_w = [form(forms[1][k]) for k in range(3)]
    iso = protocol == "bbpssw"
    pmf, outs = sum_restarts(success, restart, [outs_w[0]] if iso else outs_w)
    if iso:
        return _Link(pmf, (outs[0], outs[0], outs[0]))
    return _Link(pmf, (outs[0], outs[1], outs[2]))


def link_distributions(chain: RepeaterChain, truncation_steps: int
                       ) -> tuple[FloatArray, tuple[FloatArray, FloatArray, FloatArray]]:
    """Delivery-time pmf ``P(t)`` and correlator-weighted pmfs ``P(t) chi_k(t)`` of the chain.

    Parameters
    ----------
    chain : RepeaterChain
        Chain parameters.
    truncation_steps : int
        Window length T in steps (>= 2).

    Returns
    -------
    pmf : ndarray
        P(t) on t = 0..T-1 (sums to the coverage).
    weighted : tuple of 3 ndarrays
        ``P(t) chi_X(t)``, ``P(t) chi_Y(t)``, ``P(t) chi_Z(t)`` (one shared array for Werner
        chains; then each equals ``P(t) W(t)``).

    Raises
    ------
    InvalidParameterError
        If ``truncation_steps`` is not an integer >= 2.

    References
    ----------
    .. [1] B. Li, T. Coopmans, D. Elkouss, arXiv:2005.04946 (join step and geometric sums,
       public code @ c9245ed) [V, impl]; unequal links and Bell-diagonal correlators [D].

    Examples
    --------
    >>> ch = RepeaterChain(segments=(ChainSegment(p_gen=0.5),) * 2, p_swap=1.0)
    >>> pmf, _ = link_distributions(ch, 64)
    >>> round(float(pmf[1]), 12)
    0.25
    """
    pmf, comps = subtree_distributions(chain, truncation_steps)[subtree_key(chain, chain.tree)]
    return pmf, comps


def subtree_distributions(chain: RepeaterChain, truncation_steps: int
                          ) -> dict[object, tuple[FloatArray, Comps]]:
    """``(P, (P chi_X, P chi_Y, P chi_Z))`` of every distinct sub-tree, by :func:`subtree_key`
    (see :func:`link_distributions`; used by the Monte Carlo's delivery-time fidelity rule)."""
    from qinternet.repeaters._budget import require_window_fits

    n = require_int("truncation_steps", truncation_steps, minimum=2)
    require_window_fits("truncation_steps", n)
    decays = chain.decays
    policies = chain.policies
    memo: dict[object, _Link] = {}

    def evaluate(node: TreeNode) -> tuple[_Link, int]:
        key = _key(chain, node)
        if isinstance(node, int):
            if key not in memo:
                memo[key] = _elementary(chain.segments[node], n)
            return memo[key], 0
        children = (node.left, node.right) if isinstance(node, Swap) else (node.first,
                                                                            node.second)
        (a, ha), (b, hb) = evaluate(children[0]), evaluate(children[1])
        level = max(ha, hb) + 1
        if key not in memo:
            policy = policies[level - 1]
            if isinstance(node, Swap):
                memo[key] = _swap(a, b, policy, decays, chain.p_swap)
            else:
                memo[key] = _distill(a, b, policy, decays, node.protocol)
        return memo[key], level

    evaluate(chain.tree)
    return {k: (v.pmf, v.comps) for k, v in memo.items()}
