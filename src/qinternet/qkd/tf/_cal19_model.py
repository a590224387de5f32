"""CAL19 twin-field QKD: device model, gains, photon-number yields and the phase-error bound.

All functions are vectorised with numpy broadcasting. ``eta`` is always the **overall**
Alice-Bob transmittance used by the model (fibre x detector efficiency); each arm has
``sqrt(eta)``. Intensities are mean photon numbers per party per pulse.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
from scipy.special import gammaln

from qinternet._validation import require_finite, require_in_range
from qinternet.entropy import binary_entropy
from qinternet.qkd._special import i0_minus_one

__all__ = [
    "Cal19Device",
    "Truncation",
    "cat_coefficient_sums",
    "cat_coefficients",
    "key_rate_from_rates",
    "phase_error_upper_bound",
    "truncation_mask",
    "x_basis_error_rate",
    "x_basis_gain",
    "z_basis_gain",
]

FloatArray = npt.NDArray[np.float64]
Truncation = Literal["box", "triangle"]

#: Number of Fock terms used for the untruncated cat-coefficient sums (ample for alpha^2 <= 5).
_CAT_TERMS = 120


@dataclass(frozen=True, slots=True, kw_only=True)
class Cal19Device:
    """Device and channel imperfections of the CAL19 simulation model (CAL19).

    Defaults are the CAL19 reference parameter set (pd = 1e-8, 2 % polarisation
    misalignment, no phase mismatch, f = 1.16).

    References
    ----------
    .. [1] Curty, Azuma, Lo, npj Quantum Inf. 5, 64 (2019), arXiv:1807.07667 (simulation
       model; theta_A = -theta_B = arcsin(sqrt(m)), phi = delta pi) [V, impl]; CAL19

    Examples
    --------
    >>> dev = Cal19Device()
    >>> round(dev.cos_theta, 12), round(dev.omega, 12)
    (0.96, 0.96)
    """

    #: Dark-count probability per detector per pulse (dimensionless, in [0, 1)).
    dark_count_probability: float = 1e-8
    #: Polarisation misalignment m in [0, 1/2]: theta = 2 arcsin(sqrt(m)); the X error floor.
    polarisation_misalignment: float = 0.02
    #: Phase mismatch delta; the phase offset is phi = delta * pi (dimensionless, in [-1, 1]).
    phase_mismatch: float = 0.0
    #: Error-correction inefficiency f >= 1 (leakage f h(e_X) per sifted bit).
    ec_efficiency: float = 1.16

    def __post_init__(self) -> None:
        require_in_range("dark_count_probability", self.dark_count_probability, 0.0, 1.0,
                         high_inclusive=False)
        require_in_range("polarisation_misalignment", self.polarisation_misalignment, 0.0, 0.5)
        require_in_range("phase_mismatch", self.phase_mismatch, -1.0, 1.0)
        require_finite("ec_efficiency", self.ec_efficiency)
        require_in_range("ec_efficiency", self.ec_efficiency, 1.0, math.inf,
                         why="f = 1 is the Shannon limit")

    @property
    def theta_rad(self) -> float:
        """Relative polarisation angle theta = theta_A - theta_B = 2 arcsin(sqrt(m)) (radians)."""
        return 2.0 * math.asin(math.sqrt(self.polarisation_misalignment))

    @property
    def cos_theta(self) -> float:
        """cos(theta) = 1 - 2m (exact, so m is the X-basis error floor)."""
        return 1.0 - 2.0 * self.polarisation_misalignment

    @property
    def omega(self) -> float:
        """Omega = cos(phi) cos(theta), the interference visibility of the X basis."""
        return math.cos(math.pi * self.phase_mismatch) * self.cos_theta


def x_basis_gain(eta: npt.ArrayLike, alpha_sq: npt.ArrayLike, device: Cal19Device) -> FloatArray:
    """Probability ``p_X(1,0)`` of the click pattern (k_c, k_d) = (1, 0) in X-X rounds.

    Parameters
    ----------
    eta : array_like
        Overall Alice-Bob transmittance (fibre x detector efficiency), in [0, 1]; each arm has
        ``sqrt(eta)``.
    alpha_sq : array_like
        Key-round mean photon number alpha^2 per party (photons per pulse), > 0.
    device : Cal19Device
        Dark counts, misalignment and phase mismatch.

    Returns
    -------
    ndarray
        ``p_X(1,0) = p_X(0,1)`` (probability per pulse pair), broadcast over the inputs.

    Raises
    ------
    None
        Inputs are trusted (validated by the public facade).

    Notes
    -----
    With ``gamma = sqrt(eta) alpha^2`` and ``Omega = cos(phi) cos(theta)``:
    ``p_X(1,0) = (1-pd) e^{-gamma} [cosh(gamma Omega) - (1-pd) e^{-gamma}]``, the same as
    ``1/2 (1-pd)(e^{-gamma Omega} + e^{gamma Omega}) e^{-gamma} - (1-pd)^2 e^{-2 gamma}``.

    References
    ----------
    .. [1] M. Curty, K. Azuma, H.-K. Lo, "Simple security proof of twin-field type quantum key
       distribution protocol", npj Quantum Inf. 5, 64 (2019), arXiv:1807.07667, Eqs. (27)-(30)
       (arXiv v2 numbering) [V, impl]; CAL19

    Examples
    --------
    C1 of ``qkd.json`` (40 dB, alpha^2 = 0.04, rel 1e-6):

    >>> float(x_basis_gain(1e-4, 0.04, Cal19Device()))
    0.0003998438...
    """
    pd = device.dark_count_probability
    gamma = np.sqrt(np.asarray(eta, dtype=np.float64)) * np.asarray(alpha_sq, dtype=np.float64)
    e = np.exp(-gamma)
    # cosh(g W) - (1-pd) e^{-g} = 2 sinh^2(g W / 2) + (1 - e^{-g}) + pd e^{-g}: no cancellation
    bracket = 2.0 * np.sinh(0.5 * gamma * device.omega) ** 2 - np.expm1(-gamma) + pd * e
    return np.asarray((1.0 - pd) * e * bracket)


def x_basis_error_rate(eta: npt.ArrayLike, alpha_sq: npt.ArrayLike,
                       device: Cal19Device) -> FloatArray:
    """Bit-error rate ``e_X`` of the sifted X-basis key (outcome (1,0) or (0,1)).

    Parameters
    ----------
    eta : array_like
        Overall Alice-Bob transmittance (detector included), in [0, 1].
    alpha_sq : array_like
        Key-round mean photon number per party, > 0.
    device : Cal19Device
        Dark counts, misalignment and phase mismatch.

    Returns
    -------
    ndarray
        ``e_X`` in [0, 1/2]; 1/2 where no click can happen (pd = 0 and eta = 0).

    Raises
    ------
    None
        Inputs are trusted.

    Notes
    -----
    ``e_X = [e^{-gamma Omega} - (1-pd) e^{-gamma}] / [e^{-gamma Omega} + e^{gamma Omega}
    - 2 (1-pd) e^{-gamma}]``; ``e_X -> (1 - Omega)/2`` as gamma -> 0 with pd = 0.

    References
    ----------
    .. [1] Curty, Azuma, Lo, npj Quantum Inf. 5, 64 (2019), arXiv:1807.07667, Eq. (31)
       (arXiv v2 numbering) [V, impl]; CAL19

    Examples
    --------
    >>> round(float(x_basis_error_rate(1e-4, 0.04, Cal19Device())), 6)
    0.020004
    """
    pd = device.dark_count_probability
    gamma = np.sqrt(np.asarray(eta, dtype=np.float64)) * np.asarray(alpha_sq, dtype=np.float64)
    # Both numerator and denominator divided by e^{-gamma}, with expm1 (no cancellation):
    # e_X = [expm1(g(1-W)) + pd] / [expm1(g(1-W)) + expm1(g(1+W)) + 2 pd].
    u = np.expm1(gamma * (1.0 - device.omega))
    v = np.expm1(gamma * (1.0 + device.omega))
    num = u + pd
    den = u + v + 2.0 * pd
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.where(den > 0.0, num / np.where(den > 0.0, den, 1.0), 0.5)
    return np.asarray(np.clip(out, 0.0, 0.5))


def z_basis_gain(eta: npt.ArrayLike, mu_a: npt.ArrayLike, mu_b: npt.ArrayLike,
                 device: Cal19Device) -> FloatArray:
    """Z-basis gain ``p_Z(1,0 | mu_A, mu_B)`` of phase-randomised coherent states.

    Parameters
    ----------
    eta : array_like
        Overall Alice-Bob transmittance (detector included), in [0, 1].
    mu_a, mu_b : array_like
        Decoy intensities (mean photon numbers) of Alice and Bob, >= 0.
    device : Cal19Device
        Dark counts and polarisation misalignment (phase mismatch is irrelevant here: the
        global phase is randomised).

    Returns
    -------
    ndarray
        Probability of the click pattern (1, 0) per pulse pair.

    Raises
    ------
    None
        Inputs are trusted.

    Notes
    -----
    With ``a = mu_A sqrt(eta)``, ``b = mu_B sqrt(eta)``:
    ``p_Z = (1-pd)[pd e^{-(a+b)} + e^{-(a+b)/2} I0(sqrt(ab) cos theta) - e^{-(a+b)}]``,
    evaluated as ``(1-pd) e^{-s/2}[(I0(x) - 1) - expm1(-s/2) + pd e^{-s/2}]`` (s = a + b,
    ``I0 - 1`` by its power series below x = 1/2, else from ``i0e``) so that no cancellation
    occurs at high loss.

    References
    ----------
    .. [1] Curty, Azuma, Lo, npj Quantum Inf. 5, 64 (2019), arXiv:1807.07667, Eqs. (32)-(33)
       (arXiv v2 numbering) [V, impl]; CAL19

    Examples
    --------
    C0b of ``qkd.json`` (rel 1e-7):

    >>> dev = Cal19Device(dark_count_probability=1e-6)
    >>> float(z_basis_gain(1e-3, 0.1, 0.2, dev))
    0.0047153627...
    """
    pd = device.dark_count_probability
    t = np.sqrt(np.asarray(eta, dtype=np.float64))
    a = np.asarray(mu_a, dtype=np.float64) * t
    b = np.asarray(mu_b, dtype=np.float64) * t
    x = np.sqrt(a * b) * abs(device.cos_theta)
    half = 0.5 * (a + b)
    eh = np.exp(-half)
    # e^{-s/2} [(I0(x) - 1) - expm1(-s/2) + pd e^{-s/2}]: I0 - 1 by its series for small x.
    i0_minus_1 = i0_minus_one(x)
    return np.asarray((1.0 - pd) * eh * (i0_minus_1 - np.expm1(-half) + pd * eh))


def cat_coefficients(alpha_sq: npt.ArrayLike, n_max: int) -> tuple[FloatArray, FloatArray]:
    """Even and odd cat-state coefficients ``c_n^(0)``, ``c_n^(1)`` for n = 0..n_max.

    Parameters
    ----------
    alpha_sq : array_like
        Key-round mean photon number alpha^2 > 0.
    n_max : int
        Largest photon number.

    Returns
    -------
    (ndarray, ndarray)
        Each of shape ``alpha_sq.shape + (n_max+1,)``: ``c_n = e^{-alpha^2/2} alpha^n /
        sqrt(n!)`` on even (j = 0) or odd (j = 1) n, zero elsewhere.

    Raises
    ------
    None
        Inputs are trusted.

    Notes
    -----
    Source replacement: ``(|alpha> + |-alpha>)/2 = sum_n c_n^(0) |n>`` and
    ``(|alpha> - |-alpha>)/2 = sum_n c_n^(1) |n>``.

    References
    ----------
    .. [1] Curty, Azuma, Lo, npj Quantum Inf. 5, 64 (2019), arXiv:1807.07667, Eqs. (12)-(13)
       (arXiv v2 numbering) [V, impl]; CAL19

    Examples
    --------
    >>> c0, c1 = cat_coefficients(0.04, 3)
    >>> [round(float(x), 6) for x in c0], [round(float(x), 6) for x in c1]
    ([0.980199, 0.0, 0.027724, 0.0], [0.0, 0.19604, 0.0, 0.003201])
    """
    a2 = np.asarray(alpha_sq, dtype=np.float64)[..., None]
    n = np.arange(n_max + 1)
    c = np.exp(-0.5 * a2 + 0.5 * n * np.log(a2) - 0.5 * gammaln(n + 1))
    even = (n % 2 == 0)
    return np.asarray(np.where(even, c, 0.0)), np.asarray(np.where(even, 0.0, c))


def cat_coefficient_sums(alpha_sq: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Untruncated sums ``sum_n c_n^(0)`` and ``sum_n c_n^(1)`` (120 Fock terms).

    Parameters
    ----------
    alpha_sq : array_like
        Key-round mean photon number alpha^2 in (0, 5].

    Returns
    -------
    (ndarray, ndarray)
        The two sums, shaped like ``alpha_sq``.

    Raises
    ------
    None
        Inputs are trusted.

    References
    ----------
    .. [1] Curty, Azuma, Lo, npj Quantum Inf. 5, 64 (2019), arXiv:1807.07667, Eq. (22)
       (arXiv v2 numbering) [V, impl]; CAL19 (case C-CAT, [C]).

    Examples
    --------
    C-CAT (alpha^2 = 0.04, abs 1e-6):

    >>> s0, s1 = cat_coefficient_sums(0.04)
    >>> round(float(s0), 6), round(float(s1), 6)
    (1.008245, 0.19927)
    """
    c0, c1 = cat_coefficients(alpha_sq, _CAT_TERMS)
    return np.asarray(c0.sum(axis=-1)), np.asarray(c1.sum(axis=-1))


def truncation_mask(truncation_s: int, parity: int, shape: Truncation = "box") -> FloatArray:
    """0/1 mask of the set ``S_j`` of (nA, nB) pairs, both of parity j, inside the truncation.

    Parameters
    ----------
    truncation_s : int
        S: the box nA, nB <= S, or the triangle nA + nB <= S.
    parity : int
        j = 0 (both even) or 1 (both odd).
    shape : {"box", "triangle"}
        Truncation shape.

    Returns
    -------
    ndarray
        Shape (S+1, S+1).

    Raises
    ------
    None
        Inputs are trusted.

    References
    ----------
    .. [1] CAL19 (matching-truncation rule; [D]).

    Examples
    --------
    >>> int(truncation_mask(4, 1).sum()), int(truncation_mask(4, 1, "triangle").sum())
    (4, 3)
    """
    n = np.arange(truncation_s + 1)
    par = (n[:, None] % 2 == parity) & (n[None, :] % 2 == parity)
    inside = (n[:, None] + n[None, :] <= truncation_s) if shape == "triangle" else True
    return np.asarray(par & inside, dtype=np.float64)


def phase_error_upper_bound(yields_upper: npt.ArrayLike, alpha_sq: npt.ArrayLike,
                            gain_x: npt.ArrayLike, *,
                            shape: Truncation = "box") -> FloatArray:
    """Upper bound on the phase-error rate ``e_Z`` of the (1,0) (or (0,1)) X-basis key.

    Parameters
    ----------
    yields_upper : array_like
        Upper bounds ``Y^U_{nA,nB}`` on the photon-number yields of the same outcome, shape
        ``(..., S+1, S+1)``; only same-parity entries inside the truncation are read.
    alpha_sq : array_like
        Key-round mean photon number per party; broadcast against ``yields_upper[..., 0, 0]``.
    gain_x : array_like
        ``p_X(1,0)`` at the same transmittance and alpha^2 (probability per pulse pair).
    shape : {"box", "triangle"}
        Truncation set S_j (box nA, nB <= S or triangle nA + nB <= S). The inner sum and the
        tail term Delta_j always use the **same** set.

    Returns
    -------
    ndarray
        ``e_Z`` upper bound (not clamped; may exceed 1/2 where no key is possible); ``inf``
        where ``gain_x`` is 0.

    Raises
    ------
    None
        Inputs are trusted.

    Notes
    -----
    ``e_Z <= (1/p_X(1,0)) sum_{j=0,1} [sum_{S_j} c_nA^(j) c_nB^(j) sqrt(Y^U) + Delta_j]^2``
    with ``Delta_j = (sum_n c_n^(j))^2 - sum_{S_j} c_nA^(j) c_nB^(j)`` (untruncated pairs
    bounded with Y <= 1).

    References
    ----------
    .. [1] Curty, Azuma, Lo, npj Quantum Inf. 5, 64 (2019), arXiv:1807.07667, Eqs. (20)-(22)
       (arXiv v2 numbering) [V, impl]; matching truncation: CAL19

    Examples
    --------
    C1 (40 dB, alpha^2 = 0.04, box S = 8, abs 1e-6):

    >>> from qinternet.qkd.tf._cal19_yields import photon_number_yields
    >>> dev = Cal19Device()
    >>> y = photon_number_yields(1e-4, 8, dev)
    >>> round(float(phase_error_upper_bound(y, 0.04, x_basis_gain(1e-4, 0.04, dev))), 6)
    0.121814
    """
    y = np.asarray(yields_upper, dtype=np.float64)
    s = y.shape[-1] - 1
    a2 = np.asarray(alpha_sq, dtype=np.float64)
    gx = np.asarray(gain_x, dtype=np.float64)
    sq = np.sqrt(np.clip(y, 0.0, 1.0))
    c = cat_coefficients(a2, s)
    sums = cat_coefficient_sums(a2)
    total = np.zeros(np.broadcast_shapes(a2.shape, y.shape[:-2], gx.shape))
    for j in (0, 1):
        mask = truncation_mask(s, j, shape)
        cj = c[j]
        inner = np.einsum("...a,...ab,...b->...", cj, sq * mask, cj)
        covered = np.einsum("...a,ab,...b->...", cj, mask, cj)
        delta = sums[j] ** 2 - covered
        total = total + (inner + delta) ** 2
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.asarray(np.where(gx > 0.0, total / np.where(gx > 0.0, gx, 1.0), np.inf))


def key_rate_from_rates(gain_x: npt.ArrayLike, e_x: npt.ArrayLike, e_z: npt.ArrayLike,
                        ec_efficiency: float, p_x: float = 1.0, *,
                        clamp: bool = True) -> FloatArray:
    """Asymptotic CAL19 key rate from the X gain, bit-error and phase-error rates.

    Parameters
    ----------
    gain_x : array_like
        ``p_X(1,0) = p_X(0,1)`` (probability per pulse pair).
    e_x : array_like
        Bit-error rate of the sifted key.
    e_z : array_like
        Phase-error upper bound (clamped to 1/2 before the entropy).
    ec_efficiency : float
        Error-correction inefficiency f >= 1.
    p_x : float, optional
        Basis-choice probability of the key basis (1 asymptotically).
    clamp : bool, optional
        Return ``max(R, 0)`` (default); ``False`` returns the signed value (used as a smooth
        optimisation objective beyond the maximum distance).

    Returns
    -------
    ndarray
        Secret key rate in bits per pulse pair.

    Raises
    ------
    None
        Inputs are trusted.

    Notes
    -----
    ``R = p_X^2 sum_{(1,0),(0,1)} p_X(kc,kd) [1 - h(e_Z) - f h(e_X)] = 2 p_X^2 p_X(1,0)
    [1 - h(e_Z) - f h(e_X)]``.

    References
    ----------
    .. [1] Curty, Azuma, Lo, npj Quantum Inf. 5, 64 (2019), arXiv:1807.07667, Eqs. (17)-(19)
       (arXiv v2 numbering) [V, impl structure]; the p_X^2 and f factors are [R]; CAL19

    Examples
    --------
    >>> float(key_rate_from_rates(1e-3, 0.0, 0.0, 1.16))
    0.002
    """
    gx = np.asarray(gain_x, dtype=np.float64)
    ez = np.minimum(np.asarray(e_z, dtype=np.float64), 0.5)
    r = 2.0 * p_x * p_x * gx * (1.0 - binary_entropy(ez) - ec_efficiency * binary_entropy(e_x))
    return np.asarray(np.maximum(r, 0.0) if clamp else r)

