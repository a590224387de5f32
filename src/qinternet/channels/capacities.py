"""Two-way capacities and bounds of point-to-point channels, in ebits per channel use.

Every function validates its inputs (raising :class:`~qinternet.errors.InvalidParameterError`)
and evaluates the formula in a numerically stable form (``spec/channels.md`` §4).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import numpy.typing as npt

from qinternet._validation import (
    require_in_range,
    require_int,
    require_nonnegative,
    require_positive,
    require_probability,
    require_probability_vector,
)
from qinternet.constants import LN2
from qinternet.entropy import binary_entropy, bosonic_entropy, shannon_entropy
from qinternet.errors import InvalidParameterError

__all__ = [
    "additive_noise_lower",
    "additive_noise_upper",
    "amplifier_lower",
    "amplifier_upper",
    "amplitude_damping_coherent_information",
    "amplitude_damping_lower",
    "amplitude_damping_rci",
    "amplitude_damping_upper",
    "dephasing_capacity",
    "depolarizing_lower",
    "depolarizing_upper",
    "erasure_capacity",
    "multiband_capacity",
    "pauli_lower",
    "pauli_upper",
    "plob_bound",
    "qudit_dephasing_capacity",
    "tgw_bound",
    "thermal_loss_lower",
    "thermal_loss_upper",
]


def _transmissivity_array(transmissivity: npt.ArrayLike) -> npt.NDArray[np.float64]:
    eta = np.asarray(transmissivity, dtype=np.float64)
    bad = ~(np.isfinite(eta) & (eta >= 0.0) & (eta < 1.0))
    if np.any(bad):
        value = float(eta[bad].ravel()[0]) if eta.ndim else float(eta)
        raise InvalidParameterError(
            "transmissivity", value, "must be in [0, 1) (capacity is infinite at 1)"
        )
    return eta


def plob_bound(transmissivity: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """PLOB two-way capacity of a pure-loss channel, ``-log2(1 - eta)`` ebits per use.

    Upper and lower bounds coincide (reverse coherent information), so this is the exact
    two-way quantum, entanglement, secret-key and private capacity of the pure-loss channel.
    Evaluated as ``-log1p(-eta)/ln 2``, accurate to machine precision at eta = 1e-10 (500 km).

    Parameters
    ----------
    transmissivity : array_like
        eta in [0, 1).

    Returns
    -------
    ndarray of float
        Capacity in ebits per channel use.

    Raises
    ------
    InvalidParameterError
        If any eta is outside [0, 1).

    References
    ----------
    .. [1] S. Pirandola, R. Laurenza, C. Ottaviani, L. Banchi, "Fundamental limits of repeaterless
       quantum communications", Nat. Commun. 8, 15043 (2017), arXiv:1510.08863, Eq. (19) [V].
    .. [2] S. Pirandola et al., Adv. Opt. Photon. 12, 1012 (2020), arXiv:1906.01645, Eqs. (132),
       (134), (135), (175) [V].

    Examples
    --------
    >>> round(float(plob_bound(0.01)), 10)   # 100 km of 0.2 dB/km fibre
    0.0144995697
    """
    eta = _transmissivity_array(transmissivity)
    return np.asarray(-np.log1p(-eta) / LN2, dtype=np.float64)


def tgw_bound(transmissivity: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """Takeoka–Guha–Wilde (squashed entanglement) upper bound ``log2((1+eta)/(1-eta))``.

    An upper bound only (about twice PLOB at high loss), never the capacity.

    References
    ----------
    .. [1] M. Takeoka, S. Guha, M. M. Wilde, "Fundamental rate-loss tradeoff for optical quantum
       key distribution", Nat. Commun. 5, 5235 (2014), arXiv:1504.06390 [V, abstract].
    .. [2] S. Pirandola et al., Adv. Opt. Photon. 12, 1012 (2020), arXiv:1906.01645, Eq. (133) [V].

    Examples
    --------
    >>> round(float(tgw_bound(0.01)), 11)
    0.02885486267
    """
    eta = _transmissivity_array(transmissivity)
    return np.asarray((np.log1p(eta) - np.log1p(-eta)) / LN2, dtype=np.float64)


def _check_thermal(transmissivity: float, mean_photons: float) -> tuple[float, float]:
    eta = require_in_range(
        "transmissivity", transmissivity, 0.0, 1.0, high_inclusive=False,
        why="capacity is infinite at 1",
    )
    nbar = require_nonnegative("mean_photons", mean_photons)
    return eta, nbar


def thermal_loss_upper(transmissivity: float, mean_photons: float) -> float:
    """PLOB upper bound of a thermal-loss channel, ebits per use.

    ``-log2[(1-eta) eta^nbar] - g(nbar)`` for ``nbar < eta/(1-eta)``, else 0 (entanglement
    breaking). Stable form ``(-log1p(-eta) - nbar ln eta)/ln 2 - g(nbar)``.

    References
    ----------
    .. [1] S. Pirandola, R. Laurenza, C. Ottaviani, L. Banchi, Nat. Commun. 8, 15043 (2017),
       Eq. (23) [V].
    .. [2] S. Pirandola et al., Adv. Opt. Photon. 12, 1012 (2020), Eq. (167) [V].

    Examples
    --------
    >>> round(thermal_loss_upper(0.5, 0.1), 10)
    0.6165533144
    """
    eta, nbar = _check_thermal(transmissivity, mean_photons)
    if eta == 0.0 or nbar >= eta / (1.0 - eta):
        return 0.0
    if nbar == 0.0:
        return float(-np.log1p(-eta) / LN2)
    value = (-np.log1p(-eta) - nbar * np.log(eta)) / LN2 - float(bosonic_entropy(nbar))
    return max(float(value), 0.0)


def thermal_loss_lower(transmissivity: float, mean_photons: float) -> float:
    """Reverse-coherent-information lower bound of a thermal-loss channel, clipped at 0.

    ``max(0, -log2(1-eta) - g(nbar))`` ebits per use.

    References
    ----------
    .. [1] S. Pirandola, R. Laurenza, C. Ottaviani, L. Banchi, Nat. Commun. 8, 15043 (2017),
       Eq. (24) [R: not re-checked against the paper].

    Examples
    --------
    >>> round(thermal_loss_lower(0.5, 0.1), 10)
    0.5165533144
    """
    eta, nbar = _check_thermal(transmissivity, mean_photons)
    value = -np.log1p(-eta) / LN2 - float(bosonic_entropy(nbar))
    return max(float(value), 0.0)


def _check_amplifier(gain: float, mean_photons: float) -> tuple[float, float]:
    g = require_finite_gain(gain)
    nbar = require_nonnegative("mean_photons", mean_photons)
    return g, nbar


def require_finite_gain(gain: float) -> float:
    """Validate an amplifier gain G > 1 (G = 1 is the identity channel: infinite capacity)."""
    g = require_positive("gain", gain)
    if g <= 1.0:
        raise InvalidParameterError("gain", gain, "must be > 1 (capacity is infinite at 1)")
    return g


def amplifier_upper(gain: float, mean_photons: float = 0.0) -> float:
    """Upper bound for a (noisy) phase-insensitive amplifier of gain G, ebits per use.

    Quantum-limited (nbar = 0): exact ``-log2(1 - 1/G)``. Noisy: ``log2(G^(nbar+1)/(G-1))
    - g(nbar)`` for ``nbar < 1/(G-1)``, else 0; stable form ``(-log1p(-1/G) + nbar ln G)/ln 2
    - g(nbar)``.

    References
    ----------
    .. [1] S. Pirandola, R. Laurenza, C. Ottaviani, L. Banchi, Nat. Commun. 8, 15043 (2017),
       Eqs. (26), (28) [V].
    .. [2] S. Pirandola et al., Adv. Opt. Photon. 12, 1012 (2020), Eqs. (170), (177) [V].

    Examples
    --------
    >>> amplifier_upper(2.0)
    1.0
    >>> round(amplifier_upper(2.0, 0.5), 10)
    0.1225562489
    """
    g, nbar = _check_amplifier(gain, mean_photons)
    if nbar >= 1.0 / (g - 1.0):
        return 0.0
    value = (-np.log1p(-1.0 / g) + nbar * np.log(g)) / LN2 - float(bosonic_entropy(nbar))
    return max(float(value), 0.0)


def amplifier_lower(gain: float, mean_photons: float = 0.0) -> float:
    """Lower bound ``max(0, log2(G/(G-1)) - g(nbar))`` for an amplifier, ebits per use.

    References
    ----------
    .. [1] S. Pirandola, R. Laurenza, C. Ottaviani, L. Banchi, Nat. Commun. 8, 15043 (2017),
       Eq. (28) for nbar = 0 [V]; the noisy lower bound is [R: not re-checked].

    Examples
    --------
    >>> amplifier_lower(2.0)
    1.0
    """
    g, nbar = _check_amplifier(gain, mean_photons)
    value = -np.log1p(-1.0 / g) / LN2 - float(bosonic_entropy(nbar))
    return max(float(value), 0.0)


def additive_noise_upper(variance: float) -> float:
    """Upper bound ``(xi-1)/ln 2 - log2 xi`` for xi < 1 (else 0) of additive Gaussian noise.

    References
    ----------
    .. [1] S. Pirandola, R. Laurenza, C. Ottaviani, L. Banchi, Nat. Commun. 8, 15043 (2017),
       Eq. (29) [V].
    .. [2] S. Pirandola et al., Adv. Opt. Photon. 12, 1012 (2020), Eq. (171) [V].

    Examples
    --------
    >>> round(additive_noise_upper(0.1), 10)
    2.0235025581
    """
    xi = require_positive("variance", variance)
    if xi >= 1.0:
        return 0.0
    return max(float((xi - 1.0) / LN2 - np.log2(xi)), 0.0)


def additive_noise_lower(variance: float) -> float:
    """Lower bound ``max(0, -1/ln 2 - log2 xi)`` of additive Gaussian noise, ebits per use.

    References
    ----------
    .. [1] S. Pirandola, R. Laurenza, C. Ottaviani, L. Banchi, Nat. Commun. 8, 15043 (2017)
       [R: lower bound not re-checked against the paper].

    Examples
    --------
    >>> round(additive_noise_lower(0.1), 9)
    1.879233054
    """
    xi = require_positive("variance", variance)
    return max(float(-1.0 / LN2 - np.log2(xi)), 0.0)


def pauli_upper(probabilities: Sequence[float]) -> float:
    """PLOB upper bound of a qubit Pauli channel: ``1 - H2(p_max)`` if p_max >= 1/2, else 0.

    Parameters
    ----------
    probabilities : sequence of 4 floats
        (p0, p1, p2, p3): no error, X, Y, Z; non-negative, summing to 1 within 1e-9.

    References
    ----------
    .. [1] S. Pirandola, R. Laurenza, C. Ottaviani, L. Banchi, Nat. Commun. 8, 15043 (2017),
       Eq. (33) [V].
    .. [2] S. Pirandola et al., Adv. Opt. Photon. 12, 1012 (2020), Eqs. (165)-(166) [V].

    Examples
    --------
    >>> round(pauli_upper([0.9, 0.1, 0.0, 0.0]), 10)
    0.5310044064
    """
    probs = require_probability_vector("probabilities", probabilities, length=4)
    p_max = max(probs)
    if p_max < 0.5:
        return 0.0
    return max(float(1.0 - binary_entropy(p_max)), 0.0)


def pauli_lower(probabilities: Sequence[float]) -> float:
    """Hashing lower bound ``max(0, 1 - H({p_k}))`` of a qubit Pauli channel.

    References
    ----------
    .. [1] C. H. Bennett, D. P. DiVincenzo, J. A. Smolin, W. K. Wootters, Phys. Rev. A 54, 3824
       (1996) (hashing) [R: not re-checked].

    Examples
    --------
    >>> pauli_lower([0.25, 0.25, 0.25, 0.25])
    0.0
    """
    probs = require_probability_vector("probabilities", probabilities, length=4)
    return max(float(1.0 - shannon_entropy(probs)), 0.0)


def _isotropic_fidelity(p: float, dimension: int) -> float:
    d2 = dimension * dimension
    return 1.0 - p * (d2 - 1) / d2


def depolarizing_upper(p: float, dimension: int = 2) -> float:
    """Upper bound for the depolarizing channel ``rho -> (1-p) rho + p I/d``, ebits per use.

    With ``F = 1 - p (d^2-1)/d^2``: ``log2 d - H2(F) - (1-F) log2(d-1)`` if F >= 1/d, else 0
    (relative entropy of entanglement of the isotropic Choi state). For d = 2 this is the
    Pauli bound ``1 - H2(3p/4)`` for p <= 2/3.

    References
    ----------
    .. [1] S. Pirandola, R. Laurenza, C. Ottaviani, L. Banchi, Nat. Commun. 8, 15043 (2017),
       Eq. (33) with p_max = 1 - 3p/4 (qubit) [V/D].
    .. [2] E. M. Rains, "Bound on distillable entanglement", Phys. Rev. A 60, 179 (1999):
       REE of isotropic states (qudit case) [R: not re-checked].

    Examples
    --------
    >>> round(depolarizing_upper(0.1), 10)
    0.6156884559
    """
    pp = require_probability("p", p)
    d = require_int("dimension", dimension, minimum=2)
    f = _isotropic_fidelity(pp, d)
    if f < 1.0 / d:
        return 0.0
    value = np.log2(d) - float(binary_entropy(f)) - (1.0 - f) * np.log2(d - 1)
    return max(float(value), 0.0)


def depolarizing_lower(p: float, dimension: int = 2) -> float:
    """Hashing lower bound ``max(0, log2 d - H2(F) - (1-F) log2(d^2-1))`` for depolarizing.

    References
    ----------
    .. [1] C. H. Bennett, D. P. DiVincenzo, J. A. Smolin, W. K. Wootters, Phys. Rev. A 54, 3824
       (1996) (hashing bound); ``spec/channels.md`` §3.7 [D].

    Examples
    --------
    >>> round(depolarizing_lower(0.1), 10)
    0.4968162683
    """
    pp = require_probability("p", p)
    d = require_int("dimension", dimension, minimum=2)
    f = _isotropic_fidelity(pp, d)
    value = np.log2(d) - float(binary_entropy(f)) - (1.0 - f) * np.log2(d * d - 1)
    return max(float(value), 0.0)


def dephasing_capacity(p: float) -> float:
    """Exact two-way capacity ``1 - H2(p)`` of the qubit dephasing channel, ebits per use.

    Convention ``rho -> (1-p) rho + p Z rho Z``; symmetric under p -> 1 - p.

    References
    ----------
    .. [1] S. Pirandola, R. Laurenza, C. Ottaviani, L. Banchi, Nat. Commun. 8, 15043 (2017),
       Eq. (39) [V].
    .. [2] S. Pirandola et al., Adv. Opt. Photon. 12, 1012 (2020), Eq. (178) [V].

    Examples
    --------
    >>> round(dephasing_capacity(0.1), 10)
    0.5310044064
    """
    pp = require_probability("p", p)
    return max(float(1.0 - binary_entropy(pp)), 0.0)


def qudit_dephasing_capacity(phase_flip_probabilities: Sequence[float]) -> float:
    """Exact capacity ``log2 d - H({P_i})`` of the qudit dephasing channel (d = len(P)).

    References
    ----------
    .. [1] S. Pirandola, R. Laurenza, C. Ottaviani, L. Banchi, Nat. Commun. 8, 15043 (2017),
       Eq. (41) [V].
    .. [2] S. Pirandola et al., Adv. Opt. Photon. 12, 1012 (2020), Eq. (179) [V].

    Examples
    --------
    >>> round(qudit_dephasing_capacity([0.9, 0.1]), 10)
    0.5310044064
    """
    probs = require_probability_vector("phase_flip_probabilities", phase_flip_probabilities)
    if len(probs) < 2:
        raise InvalidParameterError(
            "phase_flip_probabilities", probs, "must have at least 2 entries (d >= 2)"
        )
    return max(float(np.log2(len(probs)) - shannon_entropy(probs)), 0.0)


def erasure_capacity(p: float, dimension: int = 2) -> float:
    """Exact capacity ``(1-p) log2 d`` of the qudit erasure channel, ebits per use.

    References
    ----------
    .. [1] S. Pirandola, R. Laurenza, C. Ottaviani, L. Banchi, Nat. Commun. 8, 15043 (2017),
       Eq. (44) [V].
    .. [2] S. Pirandola et al., Adv. Opt. Photon. 12, 1012 (2020), Eq. (180) [V].

    Examples
    --------
    >>> erasure_capacity(0.25)
    0.75
    """
    pp = require_probability("p", p)
    d = require_int("dimension", dimension, minimum=2)
    return float((1.0 - pp) * np.log2(d))


def amplitude_damping_upper(gamma: float) -> float:
    """Upper bound ``min(1, -log2 gamma)`` for amplitude damping with damping probability gamma.

    Amplitude damping is a pure-loss channel of transmissivity 1 - gamma restricted to the
    vacuum/one-photon subspace, so PLOB bounds it; a qubit channel also has capacity <= 1.

    References
    ----------
    .. [1] S. Pirandola, R. Laurenza, C. Ottaviani, L. Banchi, Nat. Commun. 8, 15043 (2017),
       Eq. (19) applied to eta = 1 - gamma; ``spec/channels.md`` §3.10 [D].

    Examples
    --------
    >>> round(amplitude_damping_upper(0.9), 10)
    0.1520030934
    """
    g = require_probability("gamma", gamma)
    if g == 0.0:
        return 1.0
    return min(1.0, float(-np.log2(g)))


def _maximise_on_unit_interval(
    f: Callable[[npt.NDArray[np.float64]], npt.NDArray[np.float64]],
) -> tuple[float, float]:
    """Maximise ``f(x)`` over x in (0, 1): coarse grid, then bounded Brent around the best node."""
    grid = np.linspace(0.0, 1.0, 2001)
    values = f(grid)
    k = int(np.argmax(values))
    lo = grid[max(k - 1, 0)]
    hi = grid[min(k + 1, grid.size - 1)]
    from scipy.optimize import minimize_scalar  # deferred: keeps `import qinternet` light

    res = minimize_scalar(
        lambda x: -float(f(np.asarray(x, dtype=np.float64))),
        bounds=(lo, hi),
        method="bounded",
        options={"xatol": 1e-12},
    )
    best_x, best_v = float(grid[k]), float(values[k])
    if -float(res.fun) > best_v:
        best_x, best_v = float(res.x), -float(res.fun)
    return max(best_v, 0.0), best_x


def amplitude_damping_rci(gamma: float) -> tuple[float, float]:
    """Reverse coherent information ``max_x [H2(x) - H2(gamma x)]`` and its maximiser x.

    Returns
    -------
    (float, float)
        The RCI in ebits per use (achievable with two-way communication) and the optimal input
        population x of |1>.

    References
    ----------
    .. [1] R. García-Patrón, S. Pirandola, S. Lloyd, J. H. Shapiro, "Reverse coherent
       information", Phys. Rev. Lett. 102, 210501 (2009) [R]; ``spec/channels.md`` §3.10.

    Examples
    --------
    >>> value, x = amplitude_damping_rci(0.5)
    >>> round(value, 8), round(x, 3)
    (0.2715533, 0.293)
    """
    g = require_probability("gamma", gamma)
    return _maximise_on_unit_interval(
        lambda x: binary_entropy(x) - binary_entropy(g * x)
    )


def amplitude_damping_coherent_information(gamma: float) -> float:
    """One-way coherent information ``max_x [H2((1-gamma) x) - H2(gamma x)]`` (0 for gamma >= 1/2).

    References
    ----------
    .. [1] V. Giovannetti, R. Fazio, "Information-capacity description of spin-chain
       correlations", Phys. Rev. A 71, 032314 (2005) (quantum capacity of amplitude damping) [R];
       ``spec/channels.md`` §3.10.

    Examples
    --------
    >>> round(amplitude_damping_coherent_information(0.1), 8)
    0.70941826
    """
    g = require_probability("gamma", gamma)
    if g >= 0.5:
        return 0.0
    value, _ = _maximise_on_unit_interval(
        lambda x: binary_entropy((1.0 - g) * x) - binary_entropy(g * x)
    )
    return value


def amplitude_damping_lower(gamma: float) -> float:
    """Lower bound ``max(RCI, Q)`` for amplitude damping, ebits per use.

    References
    ----------
    .. [1] ``spec/channels.md`` §3.10: both the reverse coherent information (García-Patrón et
       al., PRL 102, 210501 (2009)) and the one-way coherent information are achievable [R].

    Examples
    --------
    >>> round(amplitude_damping_lower(0.1), 8)
    0.73008467
    """
    rci, _ = amplitude_damping_rci(gamma)
    return max(rci, amplitude_damping_coherent_information(gamma))


def multiband_capacity(transmissivities: npt.ArrayLike, bandwidth: float = 1.0) -> float:
    """Exact capacity ``-bandwidth * sum_i log2(1 - eta_i)`` of parallel pure-loss bands.

    With ``bandwidth`` W in channel uses per second the result is in ebits per second; with
    W = 1 it is ebits per use of the whole multiband channel.

    References
    ----------
    .. [1] S. Pirandola et al., Adv. Opt. Photon. 12, 1012 (2020), Eq. (176) [V].

    Examples
    --------
    >>> round(multiband_capacity([0.5, 0.5]), 12)
    2.0
    """
    w = require_positive("bandwidth", bandwidth)
    eta = _transmissivity_array(np.atleast_1d(np.asarray(transmissivities, dtype=np.float64)))
    return float(w * np.sum(-np.log1p(-eta) / LN2))
