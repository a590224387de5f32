"""CAL19 photon-number yields ``Y_{nA,nB}`` in the Fock basis (after CAL19, [D])."""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt
from scipy.special import gammaln

from qinternet.qkd.tf._cal19_model import Cal19Device

__all__ = ["photon_number_yields"]

FloatArray = npt.NDArray[np.float64]


def _binomial_matrix(t: FloatArray, n_max: int) -> FloatArray:
    """``B[..., n, k] = C(n, k) t^k (1-t)^(n-k)`` for k <= n (0 above the diagonal)."""
    n = np.arange(n_max + 1)
    logc = gammaln(n[:, None] + 1) - gammaln(n[None, :] + 1) - gammaln(
        np.maximum(n[:, None] - n[None, :], 0) + 1)
    k = n[None, :]
    m = np.maximum(n[:, None] - n[None, :], 0)
    tt = t[..., None, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        pow_t = np.where(k == 0, 1.0, tt ** k)
        pow_1t = np.where(m == 0, 1.0, (1.0 - tt) ** m)
    out = np.exp(logc) * pow_t * pow_1t
    return np.asarray(np.where(n[None, :] <= n[:, None], out, 0.0))


def _all_to_c_probability(k_max: int, cos_theta: float) -> FloatArray:
    """``P_c[kA, kB]``: all kA + kB arriving photons leave through port c (HOM-type term)."""
    k = np.arange(k_max + 1)
    out = np.zeros((k_max + 1, k_max + 1))
    c2 = cos_theta * cos_theta
    for ka in k:
        for kb in k:
            s = sum(math.comb(int(ka), j) * math.comb(int(kb), j) * c2 ** j
                    for j in range(min(ka, kb) + 1))
            out[ka, kb] = s * 2.0 ** (-(int(ka) + int(kb)))
    return out


def photon_number_yields(eta: npt.ArrayLike, truncation_s: int,
                         device: Cal19Device) -> FloatArray:
    """Photon-number yields ``Y_{nA,nB} = p_Z(1,0 | nA, nB)`` for 0 <= nA, nB <= S.

    Parameters
    ----------
    eta : array_like
        Overall Alice-Bob transmittance(s) (detector included), in [0, 1].
    truncation_s : int
        Largest photon number S per party (box 0..S).
    device : Cal19Device
        Dark counts and polarisation misalignment.

    Returns
    -------
    ndarray
        Shape ``eta.shape + (S+1, S+1)``: probability of the click pattern (1, 0) given nA
        photons from Alice and nB from Bob.

    Raises
    ------
    None
        Inputs are trusted.

    Notes
    -----
    With ``t = sqrt(eta)``: ``Y = (1-pd)[pd (1-t)^{nA+nB} + sum_{(kA,kB) != (0,0)}
    Bin(kA; nA, t) Bin(kB; nB, t) P_c(kA, kB)]`` and ``P_c(kA, kB) = 2^{-(kA+kB)}
    sum_j C(kA, j) C(kB, j) cos^{2j} theta``. The (0, 0) term is excluded explicitly, so the
    dark-count floor is not computed by cancellation. Poisson-averaging Y reproduces
    :func:`z_basis_gain` (case C0b).

    References
    ----------
    .. [1] Curty, Azuma, Lo, npj Quantum Inf. 5, 64 (2019), arXiv:1807.07667, Eqs. (34)-(35)
       (arXiv v2 numbering) [V, impl]; Fock-basis form derived for this toolkit [D].

    Examples
    --------
    C0 of ``qkd.json`` (eta = 1e-4, rel 1e-7):

    >>> from qinternet.qkd.tf._cal19_model import Cal19Device
    >>> y = photon_number_yields(1e-4, 8, Cal19Device())
    >>> float(y[1, 1]), float(y[2, 2])
    (0.0099480497..., 0.0196447413...)
    """
    t = np.sqrt(np.asarray(eta, dtype=np.float64))
    pd = device.dark_count_probability
    b = _binomial_matrix(t, truncation_s)
    pc = _all_to_c_probability(truncation_s, device.cos_theta)
    pc[0, 0] = 0.0
    q = (1.0 - t)[..., None] ** np.arange(truncation_s + 1)
    signal = np.einsum("...ak,kl,...bl->...ab", b, pc, b)
    dark = pd * q[..., :, None] * q[..., None, :]
    return np.asarray((1.0 - pd) * (dark + signal))
