"""Entropy functions shared by all models (base-2 logarithms, 0 log 0 = 0).

Notation (fixed by ``spec/channels.md`` §1): ``binary_entropy`` is H2, ``shannon_entropy`` is H,
``bosonic_entropy`` is g(x), the entropy of a thermal state of mean photon number x.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from qinternet.constants import LN2

__all__ = ["binary_entropy", "bosonic_entropy", "shannon_entropy"]


def xlogy(x: npt.ArrayLike, y: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """``x * ln(y)`` with ``0 * ln(0) = 0`` (as scipy.special.xlogy, without importing scipy)."""
    xa = np.asarray(x, dtype=np.float64)
    ya = np.asarray(y, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = xa * np.log(ya)
    return np.asarray(np.where(xa == 0.0, 0.0, out), dtype=np.float64)


def binary_entropy(p: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """Binary entropy ``H2(p) = -p log2 p - (1-p) log2(1-p)`` in bits, with H2(0) = H2(1) = 0.

    Parameters
    ----------
    p : array_like
        Probabilities in [0, 1] (not validated: inner function).

    Returns
    -------
    ndarray of float
        H2(p) in bits, same shape as ``p``.

    References
    ----------
    .. [1] C. E. Shannon, "A mathematical theory of communication", Bell Syst. Tech. J. 27, 379
       (1948); notation of ``spec/channels.md`` §1.

    Examples
    --------
    >>> float(binary_entropy(0.5))
    1.0
    >>> float(binary_entropy(0.0))
    0.0
    """
    x = np.asarray(p, dtype=np.float64)
    h = -(xlogy(x, x) + xlogy(1.0 - x, 1.0 - x)) / LN2
    return np.asarray(h + 0.0, dtype=np.float64)  # + 0.0 turns -0.0 into 0.0


def shannon_entropy(probabilities: npt.ArrayLike, axis: int = -1) -> npt.NDArray[np.float64]:
    """Shannon entropy ``H({p_k}) = -sum_k p_k log2 p_k`` in bits along ``axis``.

    References
    ----------
    .. [1] C. E. Shannon, Bell Syst. Tech. J. 27, 379 (1948).

    Examples
    --------
    >>> float(shannon_entropy([0.25, 0.25, 0.25, 0.25]))
    2.0
    """
    x = np.asarray(probabilities, dtype=np.float64)
    return np.asarray(-np.sum(xlogy(x, x), axis=axis) / LN2 + 0.0, dtype=np.float64)


def bosonic_entropy(mean_photons: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """Entropy ``g(x) = (x+1) log2(x+1) - x log2 x`` of a thermal state, in bits; g(0) = 0.

    Evaluated as ``[log1p(x) + x log1p(1/x)] / ln 2`` for x >= 1 (no cancellation for large x)
    and ``[(1+x) log1p(x) - x ln x] / ln 2`` below (safe for tiny x).

    References
    ----------
    .. [1] S. Pirandola et al., "Advances in quantum cryptography", Adv. Opt. Photon. 12, 1012
       (2020), arXiv:1906.01645, Eq. (168) (written h(x) there) [V].

    Examples
    --------
    >>> round(float(bosonic_entropy(1.0)), 12)
    2.0
    >>> float(bosonic_entropy(0.0))
    0.0
    """
    x = np.asarray(mean_photons, dtype=np.float64)
    big = np.maximum(x, 1.0)  # x >= 1: the log1p(1/x) form has no cancellation
    small = np.minimum(x, 1.0)  # x < 1: (1+x) log1p(x) - x log x, safe for subnormal x
    val_big = np.log1p(big) + big * np.log1p(1.0 / big)
    val_small = (1.0 + small) * np.log1p(small) - xlogy(small, small)
    return np.asarray(np.where(x >= 1.0, val_big, val_small) / LN2, dtype=np.float64)
