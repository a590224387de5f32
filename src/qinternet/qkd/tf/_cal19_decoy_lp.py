"""CAL19 finite decoy sets: upper bounds on photon-number yields by linear programming.

For every target pair (nA, nB) of the phase-error sum, ``Y_{nA,nB}`` is maximised over all
yield vectors in ``[0, 1]^{(S+1)^2}`` compatible with the decoy gains (CAL19).
The individual maximisations share their constraint matrix, so they are solved as **one**
block-diagonal LP (one block per target): the optimum of a separable sum is the sum of the
individual optima, and each block's optimum is that target's individual bound. Rows are divided
by their gain (values span 1e-8 .. 1e-2) and given a relative slack of 1e-9.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from scipy.optimize import linprog

from qinternet.errors import SolverError
from qinternet.qkd._yield_lp import ROW_SLACK, gain_constraints, poisson_weights
from qinternet.qkd.tf._cal19_model import Cal19Device, Truncation, truncation_mask, z_basis_gain

__all__ = ["ROW_SLACK", "decoy_yield_upper_bounds", "target_pairs"]

FloatArray = npt.NDArray[np.float64]



def target_pairs(truncation_s: int, shape: Truncation = "box") -> list[tuple[int, int]]:
    """Same-parity pairs (nA, nB) of the phase-error sum inside the truncation set.

    >>> len(target_pairs(6)), len(target_pairs(5))
    (25, 18)
    """
    mask = truncation_mask(truncation_s, 0, shape) + truncation_mask(truncation_s, 1, shape)
    return [(int(a), int(b)) for a, b in zip(*np.nonzero(mask), strict=True)]


def decoy_yield_upper_bounds(
    eta: float,
    decoys: Sequence[float],
    device: Cal19Device,
    truncation_s: int,
    *,
    gains_upper: npt.ArrayLike | None = None,
    gains_lower: npt.ArrayLike | None = None,
    shape: Truncation = "box",
    use_symmetry: bool = True,
) -> FloatArray:
    """LP upper bounds ``Y^U_{nA,nB}`` on the photon-number yields from finite decoy gains.

    Parameters
    ----------
    eta : float
        Overall Alice-Bob transmittance (detector included) in [0, 1]; used for the model
        gains ``G = p_Z(1,0 | mu_A, mu_B)`` and for the row scaling.
    decoys : sequence of float
        Decoy intensities (mean photon numbers, >= 0), the same set for both parties.
    device : Cal19Device
        Dark counts and misalignment of the model gains.
    truncation_s : int
        Box 0..S of yield variables (both parities).
    gains_upper, gains_lower : array_like, optional
        ``(D, D)`` arrays of upper / lower bounds on the gains (finite key, Chernoff
        intervals); default: the model gains (asymptotic, "observed = expected").
    shape : {"box", "triangle"}
        Truncation set of the targets (same as the phase-error sum).
    use_symmetry : bool, optional
        When the gain bounds are symmetric under exchanging Alice and Bob (always true for the
        model gains with one decoy set), the feasible set is invariant under ``Y -> Y^T``, so
        ``max Y_{ab} = max Y_{ba}`` and only targets with ``nA <= nB`` are solved.

    Returns
    -------
    ndarray
        ``(S+1, S+1)`` array; target entries hold the LP maxima, all others 1 (trivial bound).

    Raises
    ------
    SolverError
        If HiGHS does not report an optimal solution (never mapped silently to Y = 1).

    Notes
    -----
    For every decoy pair: ``sum P(nA|mu_A) P(nB|mu_B) Y <= G^U`` and
    ``sum P P Y >= G^L - (1 - sum_box P P)``; Poisson P. Rows are divided by the model gain
    and relaxed by a relative 1e-9.

    References
    ----------
    .. [1] Curty, Azuma, Lo, npj Quantum Inf. 5, 64 (2019), arXiv:1807.07667 (decoy method)
       [R]; LP formulation and row scaling: CAL19 [C].

    Examples
    --------
    >>> from qinternet.qkd.tf._cal19_yields import photon_number_yields
    >>> y = decoy_yield_upper_bounds(1e-5, [0.0, 0.02, 0.1, 0.5], Cal19Device(), 6)
    >>> bool(y[1, 1] >= photon_number_yields(1e-5, 6, Cal19Device())[1, 1])
    True
    """
    mu = np.asarray(decoys, dtype=np.float64)
    p = poisson_weights(mu, truncation_s)  # (D, S+1)
    n_dec = mu.size
    rows = np.einsum("ai,bj->abij", p, p).reshape(n_dec * n_dec, -1)  # (D^2, V)
    inside = p.sum(axis=1)
    tail = np.clip(1.0 - np.outer(inside, inside).ravel(), 0.0, 1.0)
    model = z_basis_gain(eta, mu[:, None], mu[None, :], device).ravel()
    g_up = model if gains_upper is None else np.asarray(gains_upper, dtype=np.float64).ravel()
    g_lo = model if gains_lower is None else np.asarray(gains_lower, dtype=np.float64).ravel()
    block_a, block_b = gain_constraints(rows, g_up, g_lo - tail,
                                        np.where(model > 0.0, model, rows.max(axis=1)))
    all_targets = target_pairs(truncation_s, shape)
    symmetric = use_symmetry and bool(
        np.array_equal(g_up.reshape(n_dec, n_dec), g_up.reshape(n_dec, n_dec).T)
        and np.array_equal(g_lo.reshape(n_dec, n_dec), g_lo.reshape(n_dec, n_dec).T))
    targets = [t for t in all_targets if t[0] <= t[1]] if symmetric else all_targets
    n_var = (truncation_s + 1) ** 2
    k = len(targets)
    a_ub = sp.kron(sp.identity(k, format="csr"), sp.csr_matrix(block_a), format="csr")
    b_ub = np.tile(block_b, k)
    cost = np.zeros(k * n_var)
    flat = [t[0] * (truncation_s + 1) + t[1] for t in targets]
    cost[np.arange(k) * n_var + np.asarray(flat)] = -1.0
    res = linprog(cost, A_ub=a_ub, b_ub=b_ub, bounds=(0.0, 1.0), method="highs")
    if res.status != 0 or res.x is None:
        raise SolverError(
            str(res.status),
            f"CAL19 decoy-yield LP failed at eta = {eta!r} with decoys {tuple(mu.tolist())}: "
            f"{res.message}",
        )
    x = np.asarray(res.x).reshape(k, n_var)
    out = np.ones((truncation_s + 1, truncation_s + 1))
    for i, (na, nb) in enumerate(targets):
        out[na, nb] = min(max(x[i, flat[i]], 0.0), 1.0)
        if symmetric:
            out[nb, na] = out[na, nb]
    return out
