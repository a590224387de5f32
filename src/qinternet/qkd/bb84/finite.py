"""Finite-key decoy-state BB84: Lim, Curty, Walenta, Xu, Zbinden, PRA 89, 022307 (2014).

Three intensities ``mu1 > mu2 + mu3``, ``mu2 > mu3 >= 0`` sent with probabilities
``p1, p2, p3``; both parties choose the X basis (key) with probability ``q_x``, Z (test) with
``1 - q_x``. From the expected detection and error counts of ``N`` pulses the key length is
(Lim et al. 2014, [V, full text])::

    (1) l = floor( s_X0 + s_X1 - s_X1 h(phi_X) - lambda_EC - 6 log2(21/eps_sec) - log2(2/eps_cor) )
    (2) s_X0 >= tau_0 (mu2 n-_X,mu3 - mu3 n+_X,mu2)/(mu2 - mu3)
        n+-_X,k = (e^k/p_k) [n_X,k +- sqrt((n_X/2) ln(21/eps_sec))],  tau_n = sum_k e^-k k^n p_k/n!
    (3) s_X1 >= tau_1 mu1 [n-_X,mu2 - n+_X,mu3 - (mu2^2-mu3^2)/mu1^2 (n+_X,mu1 - s_X0/tau_0)]
               / [mu1 (mu2 - mu3) - mu2^2 + mu3^2]                          (same for Z)
    (4) v_Z1 <= tau_1 (m+_Z,mu2 - m-_Z,mu3)/(mu2 - mu3)
    (5) phi_X <= v_Z1/s_Z1 + gamma(eps_sec, v_Z1/s_Z1, s_Z1, s_X1)

with lambda_EC = f n_X h(m_X/n_X) and the secrecy ``eps_sec = kappa * l`` (secrecy per key bit
``kappa``), solved as a fixed point. Device model of the paper's simulations (detection
probability D_k, after-pulses, error probability e_k), see :func:`lim2014_expected_counts`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

from qinternet._validation import require_positive
from qinternet.errors import InvalidParameterError
from qinternet.qkd._inputs import channel_transmissivity_array, plob_with_unit_eta
from qinternet.qkd._optimize import nelder_mead_scaled
from qinternet.qkd.bb84._lim2014_model import (
    FINITE_KEY_MODEL,
    LIM2014_SIMULATION,
    Lim2014Counts,
    Lim2014Params,
    Lim2014Settings,
    fixed_point_length,
    key_length_raw,
    lim2014_asymptotic_rate,
    lim2014_expected_counts,
    lim2014_key_length,
)
from qinternet.qkd.bb84._model import params_from_options
from qinternet.qkd.options import KeyRateOptions
from qinternet.qkd.results import KeyRateResult

__all__ = [
    "LIM2014_SIMULATION",
    "Lim2014Counts",
    "Lim2014KeyRate",
    "Lim2014Params",
    "Lim2014Settings",
    "evaluate_finite_key",
    "lim2014_asymptotic_rate",
    "lim2014_expected_counts",
    "lim2014_key_length",
    "lim2014_key_rate",
]

# --- optimisation over the settings ------------------------------------------------------


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x)) if x > -700 else 0.0


def _logit(p: float) -> float:
    return math.log(p / (1.0 - p))


@dataclass(frozen=True, slots=True)
class _Free:
    """Which settings are free; fixed values when not."""

    mu1: float | None
    decoys: tuple[float, float] | None
    mu3_default: float
    #: Optimise mu3 too (``decoy_count = 2``): z gets a 6th component.
    mu3_free: bool = False
    #: Fixed basis bias q_x (``key_basis_probability``); None = optimised.
    q_x: float | None = None

    @property
    def active(self) -> list[int]:
        """Components of z the optimiser moves (q_x drops out when fixed)."""
        idx = [0, 1, 2, 3, 4] if self.q_x is None else [1, 2, 3, 4]
        return [*idx, 5] if self.mu3_free else idx


#: Upper end of the optimised weakest decoy mu3 (mean photon number) with ``decoy_count = 2``.
_MU3_MAX = 0.05


def _settings_from(z: npt.NDArray[np.float64], free: _Free) -> Lim2014Settings:
    """Unconstrained vector -> valid settings (sigmoids keep every constraint strict)."""
    q_x = 0.0001 + 0.9998 * _sigmoid(z[0]) if free.q_x is None else free.q_x
    e1, e2 = math.exp(min(z[1], 50.0)), math.exp(min(z[2], 50.0))
    p1, p2 = e1 / (1.0 + e1 + e2), e2 / (1.0 + e1 + e2)
    p1, p2 = min(max(p1, 1e-6), 0.999), min(max(p2, 1e-6), 0.999)
    if p1 + p2 >= 1.0 - 1e-6:
        p2 = 1.0 - 1e-6 - p1
    if free.decoys is not None:
        mu2, mu3 = free.decoys
    else:
        mu3 = _MU3_MAX * _sigmoid(z[5]) if free.mu3_free else free.mu3_default
        top = 1.5 if free.mu1 is None else free.mu1 - mu3
        mu2 = mu3 + (top - mu3) * (0.001 + 0.998 * _sigmoid(z[3]))
    if free.mu1 is not None:
        mu1 = free.mu1
    else:
        mu1 = mu2 + mu3 + (1.5 - mu2 - mu3) * (0.001 + 0.998 * _sigmoid(z[4]))
    return Lim2014Settings(mu1=mu1, mu2=mu2, mu3=mu3, p1=p1, p2=p2, q_x=q_x)


def _z_from(q_x: float, p1: float, p2: float, mu2: float, mu1: float, free: _Free) -> (
    npt.NDArray[np.float64]
):
    """Inverse of :func:`_settings_from` for candidate starting points."""
    mu3 = free.mu3_default if free.decoys is None else free.decoys[1]
    if free.q_x is not None:
        q_x = free.q_x
    p3 = 1.0 - p1 - p2
    top = 1.5 if free.mu1 is None else free.mu1 - mu3
    frac2 = min(max((mu2 - mu3) / (top - mu3), 0.002), 0.998)
    frac1 = min(max((mu1 - mu2 - mu3) / (1.5 - mu2 - mu3), 0.002), 0.998)
    return np.array([
        _logit(min(max((q_x - 0.0001) / 0.9998, 1e-6), 1 - 1e-6)),
        math.log(p1 / p3), math.log(p2 / p3),
        _logit((frac2 - 0.001) / 0.998), _logit((frac1 - 0.001) / 0.998),
        *([_logit(min(max(mu3 / _MU3_MAX, 1e-9), 1 - 1e-9))] if free.mu3_free else []),
    ])


def _candidate_starts(free: _Free) -> list[npt.NDArray[np.float64]]:
    """Coarse grid of settings (q_x, p1, p2, mu2, mu1) used to seed Nelder-Mead."""
    out = []
    for q_x in (0.3, 0.5, 0.7, 0.85, 0.95) if free.q_x is None else (free.q_x,):
        for p1 in (0.3, 0.5, 0.7):
            for share in (0.3, 0.6):
                p2 = (1.0 - p1) * share
                for mu2 in (0.05, 0.1, 0.2):
                    for mu1 in (0.3, 0.5, 0.7):
                        out.append(_z_from(q_x, p1, p2, mu2, mu1, free))
    return out


#: Relative tolerance on the rate at which Nelder-Mead stops (see :func:`polish_nelder_mead`).
NELDER_MEAD_RELATIVE_FATOL = 1e-12
#: Safety cap on Nelder-Mead iterations (typical runs need 250-400).
NELDER_MEAD_MAXITER = 2000


def polish_nelder_mead(
    objective: Callable[[npt.NDArray[np.float64]], float], z0: npt.NDArray[np.float64]
) -> tuple[npt.NDArray[np.float64], float]:
    """Nelder-Mead from ``z0`` on the objective scaled to O(1) at ``z0``.

    The rates are 1e-3 to 1e-8 bits per pulse, so an *absolute* stopping tolerance on them is
    either meaningless or below the floating-point resolution. With the former
    ``fatol = 1e-18`` the stop test compared rounding noise: whether it ever passed depended
    on digits of the inputs as far out as the 7th of the background yield, and the runs that
    missed it went on to the 4000-iteration cap (26 000 evaluations, 2.3 s per start instead
    of 0.06 s; issue 15). Scaling by ``|objective(z0)|`` makes the tolerance relative. From a
    no-key start (positive penalty) a loose, capped search for a key comes first.
    """
    start = objective(z0)
    if start > 0.0:
        # No key at the start: the objective is the no-key penalty, and the search is only
        # for *some* key. A loose search first (a tight one on the penalty plateau ran to
        # the iteration cap beyond the maximum distance); polish only if it finds a key.
        z1, val = _nelder_mead_scaled(objective, z0, start, 1e-6, NELDER_MEAD_PENALTY_MAXITER)
        if not val < 0.0:
            return z1, val
        z0, start = z1, val
    return _nelder_mead_scaled(objective, z0, start, NELDER_MEAD_RELATIVE_FATOL,
                               NELDER_MEAD_MAXITER)


#: Iteration cap of the loose search for a key from a no-key start (typically 100-300).
NELDER_MEAD_PENALTY_MAXITER = 600


def _nelder_mead_scaled(
    objective: Callable[[npt.NDArray[np.float64]], float], z0: npt.NDArray[np.float64],
    start: float, fatol: float, maxiter: int,
) -> tuple[npt.NDArray[np.float64], float]:
    return nelder_mead_scaled(objective, z0, scale=start, fatol=fatol, xatol=1e-7,
                              maxiter=maxiter)


@dataclass(frozen=True, slots=True, kw_only=True)
class Lim2014KeyRate:
    """Optimised Lim et al. 2014 key rate at one transmissivity (:func:`lim2014_key_rate`)."""

    #: Key rate l / N in secret bits per pulse (>= 0).
    key_rate_bits_per_pulse: float
    #: Upper bound phi_X on the phase-error rate of the key basis (Eq. (5)).
    phase_error_rate: float
    #: Bit-error rate E_X of the key (X) basis.
    qber: float
    #: The optimal intensities, probabilities and basis bias.
    settings: Lim2014Settings
    #: The optimiser's unconstrained vector (``start`` of a warm-started next call).
    start_vector: npt.NDArray[np.float64]
    #: Number of pulses N used (given, or derived from ``block_size_n_x``).
    pulses: float


def lim2014_key_rate(
    channel_transmissivity: float,
    params: Lim2014Params,
    *,
    pulses: float | None = None,
    block_size_n_x: float | None = None,
    intensity: float | None = None,
    decoys: tuple[float, float] | None = None,
    mu3: float = 2e-4,
    start: npt.NDArray[np.float64] | None = None,
    optimise_mu3: bool = False,
    key_basis_probability: float | None = None,
) -> Lim2014KeyRate:
    """Optimised Lim et al. 2014 key rate at one transmissivity.

    Parameters
    ----------
    channel_transmissivity : float
        Alice–Bob channel transmissivity, detector not included (the model's
        eta_sys = eta_Bob * channel, eta_Bob = ``params.detector_efficiency``).
    params : Lim2014Params
        Device and security parameters.
    pulses : float, optional
        N, number of pulses sent; exactly one of ``pulses`` and ``block_size_n_x``.
    block_size_n_x : float, optional
        Post-processing block size n_X (expected X-basis detections), as in the paper's plots;
        then N = n_X / (q_x^2 sum_k p_k R_k) depends on the optimised settings.
    intensity : float, optional
        Fixed signal intensity mu1 (optimised when None).
    decoys : tuple of two floats, optional
        Fixed (mu2, mu3) (any order); default mu3 = ``mu3`` and mu2 optimised.
    mu3 : float
        Weakest decoy when ``decoys`` is None (paper: 2e-4).
    start : ndarray, optional
        Warm start (the unconstrained vector returned by a previous call with the same
        ``optimise_mu3``).
    optimise_mu3 : bool
        Optimise the weakest decoy mu3 in (0, 0.05) as well (``--decoys 2``: both decoys
        optimised); ``mu3`` is then only the start value. Ignored with fixed ``decoys``.
    key_basis_probability : float, optional
        Fixed basis bias q_x in (0, 1) (biased basis choice); ``None`` optimises it.

    Returns
    -------
    Lim2014KeyRate
        Key rate in bits per pulse (``l / N``, >= 0), phi_X, E_X, the optimal settings, the
        optimiser's vector (for warm starts) and the N used.

    Raises
    ------
    InvalidParameterError
        On invalid sizes, intensities or decoys.

    References
    ----------
    .. [1] C. C. W. Lim et al., PRA 89, 022307 (2014), arXiv:1311.7129, Eqs. (1)-(5) and the
       parameter optimisation of Sec. V [V, full text].
    """
    if (pulses is None) == (block_size_n_x is None):
        raise InvalidParameterError(
            "pulses", pulses, "exactly one of pulses and block_size_n_x must be given"
        )
    size = require_positive("pulses" if pulses is not None else "block_size_n_x",
                            pulses if pulses is not None else block_size_n_x)  # type: ignore[arg-type]
    if decoys is not None:
        d = sorted(float(v) for v in decoys)
        if len(d) != 2 or d[0] < 0 or not d[1] > d[0]:
            raise InvalidParameterError(
                "decoys", ",".join(f"{v:g}" for v in decoys),
                "must be two distinct intensities mu2 > mu3 >= 0 for the finite-key model",
            )
        fixed_decoys: tuple[float, float] | None = (d[1], d[0])
        if intensity is not None and not intensity > d[0] + d[1]:
            raise InvalidParameterError(
                "intensity", intensity, f"must exceed the sum of the decoys ({d[0] + d[1]:g})"
            )
    else:
        fixed_decoys = None
        if intensity is not None and not intensity > 3.0 * mu3:
            raise InvalidParameterError("intensity", intensity, f"must exceed {3 * mu3:g}")
    if key_basis_probability is not None and not 0.0 < key_basis_probability < 1.0:
        raise InvalidParameterError("key_basis_probability", key_basis_probability,
                                    "must be in (0, 1) for the finite-key model")
    free = _Free(mu1=intensity, decoys=fixed_decoys, mu3_default=mu3,
                 mu3_free=optimise_mu3 and fixed_decoys is None, q_x=key_basis_probability)

    def n_pulses(settings: Lim2014Settings) -> float:
        if pulses is not None:
            return size
        unit = lim2014_expected_counts(channel_transmissivity, 1.0, settings, params)
        return size / sum(unit.n_x)

    def negative_rate(z: npt.NDArray[np.float64]) -> float:
        settings = _settings_from(z, free)
        n = n_pulses(settings)
        counts = lim2014_expected_counts(channel_transmissivity, n, settings, params)
        raw, _, _ = key_length_raw(
            counts, settings, params, params.secrecy_per_bit * max(sum(counts.n_x), 1.0)
        )
        # Positive key: minimise -l/N. No key: a positive penalty in bits per block, so the
        # optimiser climbs towards l > 0 instead of inflating N (which shrinks -l/N to 0).
        return -raw / n if raw > 0 else -raw / size

    def polish(z0: npt.NDArray[np.float64]) -> tuple[npt.NDArray[np.float64], float]:
        active = free.active
        if len(active) == z0.size:
            return polish_nelder_mead(negative_rate, z0)

        def on_active(y: npt.NDArray[np.float64]) -> float:
            z = z0.copy()
            z[active] = y
            return negative_rate(z)

        y, val = polish_nelder_mead(on_active, z0[active])
        z = z0.copy()
        z[active] = y
        return z, val

    candidates = _candidate_starts(free)
    best_z, best_val = (candidates[0], math.inf) if start is None else polish(start)
    if not best_val < 0.0:  # no warm start, or it found no key: seed from the coarse grid
        ranked = sorted(candidates, key=negative_rate)
        for z0 in ranked[:2]:
            z, val = polish(z0)
            if val < best_val:
                best_z, best_val = z, val
    settings = _settings_from(best_z, free)
    n = n_pulses(settings)
    counts = lim2014_expected_counts(channel_transmissivity, n, settings, params)
    length, phi, qber = fixed_point_length(counts, settings, params)
    return Lim2014KeyRate(key_rate_bits_per_pulse=length / n, phase_error_rate=phi, qber=qber,
                          settings=settings, start_vector=best_z, pulses=n)


def evaluate_finite_key(
    channel_transmissivity: npt.ArrayLike, options: KeyRateOptions
) -> list[KeyRateResult]:
    """``bb84-decoy --pulses N``: Lim et al. 2014 finite-key rate at each transmissivity.

    Parameters
    ----------
    channel_transmissivity : array_like
        1-d array of fibre transmissivities (detector not included).
    options : KeyRateOptions
        ``pulses`` = N (>= 1e3); ``detector_efficiency`` = eta_Bob (default 0.045);
        ``dark_count`` = Y0 = 2 p_dc as in the asymptotic model (default 1.7e-6);
        ``misalignment`` = e_mis (0.033); ``ec_efficiency`` = f (1.22); ``intensity`` = mu1
        (optimised when None); ``decoys`` = (mu2, mu3) fixed (default: mu3 = 2e-4, mu2
        optimised); ``decoy_count = 2``: mu2 and mu3 both optimised; ``key_basis_probability``
        = q_x fixed (biased basis choice; optimised when None). The intensity probabilities
        are always optimised (warm-started along the array).

    Returns
    -------
    list of KeyRateResult
        Rate in bits per pulse (l / N), qber = E_X, phase_error_rate = phi_X (Eq. (5)).

    Raises
    ------
    InvalidParameterError
        On invalid options.

    References
    ----------
    .. [1] C. C. W. Lim et al., PRA 89, 022307 (2014), arXiv:1311.7129 [V, full text].
    """
    pulses = require_positive("pulses", options.pulses)  # type: ignore[arg-type]
    if pulses < 1e3:
        raise InvalidParameterError("pulses", options.pulses, "must be >= 1000")
    base = params_from_options(replace(options, pulses=None))
    params = Lim2014Params(
        detector_efficiency=base.detector_efficiency,
        dark_count=base.background_yield / 2.0,
        misalignment=base.misalignment,
        ec_efficiency=base.ec_efficiency,
    )
    decoys = None
    if options.decoys is not None:
        if len(options.decoys) != 2:
            raise InvalidParameterError(
                "decoys", ",".join(f"{v:g}" for v in options.decoys),
                "must be 'infinite' or two intensities mu2,mu3 for the finite-key model",
            )
        decoys = (options.decoys[0], options.decoys[1])
    if options.decoy_count is not None and options.decoy_count != 2:
        raise InvalidParameterError(
            "decoys", options.decoy_count,
            "must be 2 (two decoys mu2, mu3 optimised) or two fixed intensities for the "
            "finite-key model")
    optimise_mu3 = options.decoy_count == 2
    q_x = options.key_basis_probability
    if q_x is not None and not q_x < 1.0:
        raise InvalidParameterError("key_basis_probability", q_x,
                                    "must be < 1 with --pulses (the test basis needs rounds)")
    eta_ch = channel_transmissivity_array(channel_transmissivity)
    plob = plob_with_unit_eta(eta_ch)
    out: list[KeyRateResult] = []
    start: npt.NDArray[np.float64] | None = None
    for i, eta in enumerate(eta_ch):
        best = lim2014_key_rate(
            float(eta), params, pulses=pulses, intensity=options.intensity, decoys=decoys,
            start=start, optimise_mu3=optimise_mu3, key_basis_probability=q_x,
        )
        rate, phi, qber, settings = (best.key_rate_bits_per_pulse, best.phase_error_rate,
                                     best.qber, best.settings)
        if rate > 0:
            start = best.start_vector
        out.append(
            KeyRateResult(
                protocol="bb84-decoy",
                channel_transmissivity=float(eta),
                key_rate_bits_per_pulse=float(rate),
                plob_bits_per_pulse=float(plob[i]),
                qber=float(qber),
                phase_error_rate=float(phi),
                detector_efficiency=params.detector_efficiency,
                ec_efficiency=params.ec_efficiency,
                intensity=settings.mu1,
                intensity_optimised=options.intensity is None,
                parameters={
                    "finite_key_model": FINITE_KEY_MODEL,
                    "pulses": pulses,
                    "intensity_mu2": settings.mu2,
                    "intensity_mu3": settings.mu3,
                    "probability_p1": settings.p1,
                    "probability_p2": settings.p2,
                    "basis_probability_q_x": settings.q_x,
                    "basis_probability_optimised": q_x is None,
                    "decoys": ("optimised mu2, mu3" if optimise_mu3 else
                               "optimised mu2, mu3 = 2e-4") if decoys is None else
                    ",".join(f"{v:g}" for v in decoys),
                    "decoys_optimised": decoys is None,
                    "dark_count_probability": params.dark_count,
                    "misalignment_e_d": params.misalignment,
                    "afterpulse_probability": params.afterpulse,
                    "secrecy_per_bit_kappa": params.secrecy_per_bit,
                    "epsilon_cor": params.epsilon_cor,
                    "total_transmissivity": params.detector_efficiency * float(eta),
                },
                notes=(f"finite key: {FINITE_KEY_MODEL}",),
            )
        )
    return out
