"""CAL19 finite key with the interim model FK-v0 (the toolkit's own, labelled interim).

**FK-v0 (interim)**: a regression model inspired by Currás-Lorenzo et al. 2021, *not* the finite-
key bound of Currás-Lorenzo et al., npj Quantum Inf. 7, 22 (2021), arXiv:1910.11407. Decoy counts
are taken equal to their expectations, inverted with Chernoff bounds, fed to the decoy LP of CAL19,
and the expected phase errors are turned into an upper bound on the actual number with a forward
Chernoff bound (a stand-in for Kato's inequality)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from qinternet._validation import require_in_range
from qinternet.qkd.finite_key import (
    fk_v0_key_length,
    forward_chernoff_upper,
    inverse_chernoff_bounds,
)
from qinternet.qkd.tf._cal19_decoy_lp import decoy_yield_upper_bounds
from qinternet.qkd.tf._cal19_model import (
    Cal19Device,
    Truncation,
    phase_error_upper_bound,
    x_basis_error_rate,
    x_basis_gain,
    z_basis_gain,
)

__all__ = ["DEFAULT_FK_DECOYS", "FiniteKeySettings", "fk_v0_rate", "fk_v0_yield_bounds"]

FloatArray = npt.NDArray[np.float64]

#: Decoy set of the FK-v0 reference cases (both parties), mean photon numbers.
DEFAULT_FK_DECOYS: tuple[float, ...] = (0.0, 0.02, 0.1, 0.5)


@dataclass(frozen=True, slots=True, kw_only=True)
class FiniteKeySettings:
    """Block size and security parameters of FK-v0 (the toolkit's defaults).

    References
    ----------
    .. [1] The toolkit's FK-v0 (interim, not Currás-Lorenzo et al. 2021) [C].

    Examples
    --------
    >>> FiniteKeySettings(pulses=0)
    Traceback (most recent call last):
    ...
    qinternet.errors.InvalidParameterError: pulses must be in [1, inf], got 0
    """

    #: Number of pulse pairs sent, N (>= 1).
    pulses: float
    #: Failure probability of each Chernoff bound (decoy counts and phase errors).
    epsilon_chernoff: float = 1e-10
    #: Correctness parameter epsilon_cor.
    epsilon_cor: float = 1e-15
    #: Privacy-amplification parameter epsilon_PA.
    epsilon_pa: float = 1e-10

    def __post_init__(self) -> None:
        require_in_range("pulses", self.pulses, 1.0, math.inf)
        for name in ("epsilon_chernoff", "epsilon_cor", "epsilon_pa"):
            require_in_range(name, getattr(self, name), 0.0, 1.0, low_inclusive=False,
                             high_inclusive=False)


def fk_v0_yield_bounds(
    eta: float,
    decoys: Sequence[float],
    device: Cal19Device,
    truncation_s: int,
    settings: FiniteKeySettings,
    p_x: float,
    *,
    shape: Truncation = "box",
) -> FloatArray:
    """FK-v0 steps 1-2: Chernoff intervals on the decoy gains, then the decoy-yield LP.

    Parameters
    ----------
    eta : float
        Overall transmittance (detector included).
    decoys : sequence of float
        Decoy intensities (same set for both parties, chosen uniformly).
    device : Cal19Device
        Device model.
    truncation_s : int
        Box size of the LP.
    settings : FiniteKeySettings
        Block size and epsilons.
    p_x : float
        Key-basis probability in (0, 1); the Z basis is used with ``1 - p_x`` by each party.
    shape : {"box", "triangle"}
        Truncation set of the targets.

    Returns
    -------
    ndarray
        ``(S+1, S+1)`` upper bounds on the yields (see :func:`decoy_yield_upper_bounds`).

    Raises
    ------
    SolverError
        If an LP fails.

    Notes
    -----
    ``n_ab = N p_Z^2 / |D|^2``, observed ``M_ab = n_ab G(mu_a, mu_b)``, and
    ``[G^L, G^U] = [E^L, E^U](M_ab) / n_ab`` (inverse Chernoff, epsilon = 1e-10).

    References
    ----------
    .. [1] The toolkit's FK-v0, steps 1-2 (interim, not Currás-Lorenzo et al. 2021) [C].
    """
    mu = np.asarray(decoys, dtype=np.float64)
    n_ab = settings.pulses * (1.0 - p_x) ** 2 / mu.size ** 2
    gains = z_basis_gain(eta, mu[:, None], mu[None, :], device)
    lower, upper = inverse_chernoff_bounds(n_ab * gains, settings.epsilon_chernoff)
    return decoy_yield_upper_bounds(eta, mu.tolist(), device, truncation_s,
                                    gains_upper=upper / n_ab, gains_lower=lower / n_ab,
                                    shape=shape)


def fk_v0_rate(
    eta: float,
    alpha_sq: npt.ArrayLike,
    yields_upper: FloatArray,
    device: Cal19Device,
    settings: FiniteKeySettings,
    p_x: float,
    *,
    shape: Truncation = "box",
    clamp: bool = True,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """FK-v0 steps 3-4: key rate, phase-error bound and bit-error rate.

    Parameters
    ----------
    eta : float
        Overall transmittance (detector included).
    alpha_sq : array_like
        Key-round mean photon number(s) per party.
    yields_upper : ndarray
        Output of :func:`fk_v0_yield_bounds`.
    device : Cal19Device
        Device model (f is ``device.ec_efficiency``).
    settings : FiniteKeySettings
        Block size and epsilons.
    p_x : float
        Key-basis probability.
    shape : {"box", "triangle"}
        Truncation set (must match the LP targets).
    clamp : bool, optional
        Clamp the rate at 0 (``False``: signed objective for the optimiser).

    Returns
    -------
    (ndarray, ndarray, ndarray)
        Key rate (bits per pulse pair), phase-error upper bound ``N_ph^U / M_X`` (clamped to
        1/2), bit-error rate ``e_X``.

    Raises
    ------
    None
        Inputs are trusted.

    Notes
    -----
    ``M_X = N p_X^2 p_X(1,0)``, ``E_ph = M_X e_Z`` (the CAL19 phase-error bound), ``N_ph^U = E_ph +
    (beta + sqrt(beta^2 + 8 beta E_ph))/2``, ``l`` from :func:`fk_v0_key_length`,
    ``R = l / N``.

    References
    ----------
    .. [1] The toolkit's FK-v0, steps 3-4 (interim, not Currás-Lorenzo et al. 2021) [C].
    """
    a2 = np.asarray(alpha_sq, dtype=np.float64)
    gain = x_basis_gain(eta, a2, device)
    e_x = x_basis_error_rate(eta, a2, device)
    e_z = phase_error_upper_bound(yields_upper, a2, gain, shape=shape)
    m_x = settings.pulses * p_x * p_x * gain
    e_ph = np.where(gain > 0.0, m_x * np.where(np.isfinite(e_z), e_z, 0.0), 0.0)
    n_ph = forward_chernoff_upper(e_ph, settings.epsilon_chernoff)
    length = fk_v0_key_length(m_x, n_ph, e_x, ec_efficiency=device.ec_efficiency,
                              epsilon_cor=settings.epsilon_cor, epsilon_pa=settings.epsilon_pa)
    rate = np.where(gain > 0.0, length / settings.pulses, -math.inf if not clamp else 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        e_ph_rate = np.where(m_x > 0.0, n_ph / np.where(m_x > 0.0, m_x, 1.0), 0.5)
    rate_out = np.maximum(rate, 0.0) if clamp else rate
    return np.asarray(rate_out), np.asarray(np.minimum(e_ph_rate, 0.5)), np.asarray(e_x)
