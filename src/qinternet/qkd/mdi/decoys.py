"""MDI-QKD with finite decoy sets (fixed or optimised; issue 15, item 1), asymptotic in N.

The infinite-decoy model of :mod:`qinternet.qkd.mdi` knows the single-photon-pair yield
``Y_11`` and phase error ``e_11^X`` exactly. With a finite decoy set (the same for both parties)
they are bounded by linear programs over photon-number yields, from the gains of every pair of
intensities in both bases:

- Z basis (key): ``Y_11^L = min Y_11`` subject to ``sum_nm P(n|mu_a) P(m|mu_b) Y_nm = Q_Z``;
- X basis (test): ``Y_11^{X,L}`` likewise and ``(eY)_11^U = max (eY)_11`` subject to the X
  error gains; ``e_11^U = (eY)_11^U / Y_11^{X,L}``;

(``Y_nm`` in [0, 1] for n, m <= S, the photon numbers above S bounded by the Poisson tail). The
key rate is ``R = mu^2 e^(-2 mu) Y_11^L [1 - h(e_11^U)] - Q_rect f h(E_rect)`` at the signal
intensity mu.

Gains of both bases come from one explicit device model, evaluated by averaging over the random
relative phase (a periodic integrand: the trapezoid rule with 64 nodes is exact to rounding for
these intensities): Alice's and Bob's phase-randomised coherent pulses (BB84 polarisations)
meet on Charlie's 50:50 beam splitter; a polarising beam splitter and two threshold detectors
(dark-count probability pd) sit on each output; a Bell state is announced when exactly two
detectors click in a psi^- pattern (c_H d_V, c_V d_H) or a psi^+ pattern (c_H c_V, d_H d_V). The
misalignment e_d swaps correct and wrong announcements with probability e_d, as in the
infinite-decoy model. In the Z basis this reproduces the closed forms ``Q_rect``, ``E_rect`` of
:func:`~qinternet.qkd.mdi.mdi_quantities` (tested to 1e-12), which is the check of the phase
average; the LP bounds contain the exact ``Y_11`` and ``e_11^X`` (tested).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from qinternet._validation import require_in_range
from qinternet.entropy import binary_entropy
from qinternet.errors import InvalidParameterError
from qinternet.qkd._inputs import (
    check_decoy_choice,
    decoy_set_parameters,
    fixed_decoy_set,
    key_rate_results,
    signal_and_decoys,
)
from qinternet.qkd._optimize import optimise_decoy_intensities
from qinternet.qkd._yield_lp import gain_constraints, poisson_weights, yield_extremum
from qinternet.qkd.mdi._model import MDIParams, mdi_quantities
from qinternet.qkd.options import KeyRateOptions
from qinternet.qkd.results import KeyRateResult, ParamValue

__all__ = [
    "MDIDecoyRate",
    "evaluate_finite_decoys",
    "mdi_basis_gains",
    "mdi_key_rate_finite_decoys",
    "mdi_optimised_decoys",
]

FloatArray = npt.NDArray[np.float64]

#: Photon-number truncation S of the yield LPs.
TRUNCATION_S = 6
#: Trapezoid nodes of the relative-phase average.
_PHASE_NODES = 64
#: Smallest decoy and largest signal intensity the optimiser considers (mean photon numbers).
_MIN_DECOY, _MU_MAX = 1e-4, 1.5

_PSI_MINUS = ((0, 3), (1, 2))  # detector indices (c_H, c_V, d_H, d_V)
_PSI_PLUS = ((0, 1), (2, 3))


@dataclass(frozen=True, slots=True, kw_only=True)
class MDIDecoyRate:
    """MDI-QKD key rate with finite decoys at one transmissivity."""

    #: Key rate in bits per pulse pair (0 when no key).
    key_rate_bits_per_pulse: float
    #: Signal intensity mu of each party.
    intensity_mu: float
    #: Decoy intensities (the same set for both parties).
    decoys: tuple[float, ...]
    #: Lower bound on the single-photon-pair yield (Z basis).
    yield_y11_lower: float
    #: Upper bound on the single-photon-pair phase error e_11^X.
    phase_error_e11_upper: float
    #: Z-basis gain Q_rect and error rate E_rect of the signal.
    gain_q_rect: float
    qber_e_rect: float


def mdi_basis_gains(
    arm_transmissivity: float, intensity_a: npt.ArrayLike, intensity_b: npt.ArrayLike,
    params: MDIParams, basis: str,
) -> tuple[FloatArray, FloatArray]:
    """Gain Q and error gain E*Q of MDI-QKD in one basis, by phase averaging (see module doc).

    Parameters
    ----------
    arm_transmissivity : float
        eta of each arm *including* Charlie's detector efficiency (symmetric relay).
    intensity_a, intensity_b : array_like
        Mean photon numbers of Alice's and Bob's pulses (broadcast together).
    params : MDIParams
        pd and e_d are used.
    basis : {"Z", "X"}
        Rectilinear (key) or diagonal (test) basis.

    Returns
    -------
    gain, error_gain : ndarray
        Probability of an announced Bell state per pulse pair, averaged over the bits of both
        parties, and the probability of an announced state with a bit error.

    Raises
    ------
    InvalidParameterError
        If ``basis`` is not "Z" or "X".

    References
    ----------
    .. [1] H.-K. Lo, M. Curty, B. Qi, PRL 108, 130503 (2012), arXiv:1109.1473 (protocol) [R];
       F. Xu, M. Curty, B. Qi, H.-K. Lo, NJP 15, 113007 (2013), arXiv:1305.6965 (model with
       threshold detectors and e_d) [R]; phase average and click patterns [D], checked against
       the closed forms of :func:`~qinternet.qkd.mdi.mdi_quantities` in the Z basis.
    """
    if basis not in ("Z", "X"):
        raise InvalidParameterError("basis", basis, "must be 'Z' or 'X'")
    ma, mb = np.broadcast_arrays(np.asarray(intensity_a, dtype=np.float64),
                                 np.asarray(intensity_b, dtype=np.float64))
    a = np.sqrt(arm_transmissivity * ma)[..., None]
    b = np.sqrt(arm_transmissivity * mb)[..., None]
    phi = 2.0 * math.pi * np.arange(_PHASE_NODES) / _PHASE_NODES
    pd = params.dark_count
    s = 1.0 / math.sqrt(2.0)
    # Polarisation amplitudes (H, V) of each bit value: Z: H / V; X: +45 / -45.
    pols = {"Z": ((1.0, 0.0), (0.0, 1.0)), "X": ((s, s), (s, -s))}[basis]
    gain = np.zeros(ma.shape)
    wrong = np.zeros(ma.shape)
    for bit_a, pa in enumerate(pols):
        for bit_b, pb in enumerate(pols):
            field_b = b * np.exp(1j * phi)
            # Output ports c = (A + B)/sqrt2, d = (A - B)/sqrt2, then H / V.
            amps = [(a * pa[0] + field_b * pb[0]) * s, (a * pa[1] + field_b * pb[1]) * s,
                    (a * pa[0] - field_b * pb[0]) * s, (a * pa[1] - field_b * pb[1]) * s]
            silent = [(1.0 - pd) * np.exp(-np.abs(x) ** 2) for x in amps]
            click = [-np.expm1(-np.abs(x) ** 2) + pd * np.exp(-np.abs(x) ** 2) for x in amps]

            def pattern(i: int, j: int, click: list[FloatArray] = click,
                        silent: list[FloatArray] = silent) -> FloatArray:
                k, m = (t for t in range(4) if t not in (i, j))
                return np.asarray(click[i] * click[j] * silent[k] * silent[m])

            minus = (pattern(*_PSI_MINUS[0]) + pattern(*_PSI_MINUS[1])).mean(axis=-1)
            plus = (pattern(*_PSI_PLUS[0]) + pattern(*_PSI_PLUS[1])).mean(axis=-1)
            gain += (minus + plus) / 4.0
            if basis == "Z":  # psi^+- both mean "bits differ"; same bits is an error
                err = minus + plus if bit_a == bit_b else 0.0 * minus
            else:  # psi^+ : bits equal, psi^- : bits differ
                err = minus if bit_a == bit_b else plus
            wrong += err / 4.0
    e_d = params.misalignment
    return gain, (1.0 - e_d) * wrong + e_d * (gain - wrong)


def _bound(target_index: int, rows: FloatArray, values: FloatArray, tail: FloatArray,
           maximise: bool, context: str) -> float:
    """min or max of one yield variable subject to ``rows Y in [values - tail, values]``."""
    a_ub, b_ub = gain_constraints(rows, values, values - tail,
                                  np.where(values > 0.0, values, rows.max(axis=1)))
    value = yield_extremum(a_ub, b_ub, target_index, maximise=maximise,
                           failure=f"MDI decoy LP failed ({context})")
    return min(max(value, 0.0), 1.0)


def mdi_key_rate_finite_decoys(
    channel_transmissivity: float,
    intensity: float,
    decoys: Sequence[float],
    params: MDIParams | None = None,
) -> MDIDecoyRate:
    """Asymptotic MDI-QKD rate with a finite decoy set (LP bounds on Y_11 and e_11^X).

    Parameters
    ----------
    channel_transmissivity : float
        Whole Alice-Bob fibre transmissivity in [0, 1], detector not included (each arm
        ``eta_d sqrt(channel)``).
    intensity : float
        Signal mean photon number mu of each party (key rounds, Z basis), > 0.
    decoys : sequence of float
        Decoy intensities (>= 0, distinct from each other and from mu), both parties; the LPs
        use every pair of {mu} + decoys in both bases.
    params : MDIParams, optional
        Device parameters (default: the Xu et al. set).

    Returns
    -------
    MDIDecoyRate

    Raises
    ------
    InvalidParameterError
        On out-of-range inputs.
    SolverError
        If an LP fails (never reported as a zero rate).

    Notes
    -----
    ``R = mu^2 e^(-2mu) Y_11^L [1 - h(e_11^U)] - Q_rect f h(E_rect)`` (module docstring).

    References
    ----------
    .. [1] H.-K. Lo, M. Curty, B. Qi, PRL 108, 130503 (2012) (rate, decoy estimation) [R];
       F. Xu, M. Curty, B. Qi, H.-K. Lo, NJP 15, 113007 (2013) (finite decoys) [R]; LP form
       as for CAL19 (``_cal19_decoy_lp``) [C].

    Examples
    --------
    50 km, mu = 0.3, decoys {0, 0.05}: below the infinite-decoy rate at the same mu.

    >>> from qinternet.qkd.mdi._model import mdi_key_rate
    >>> r = mdi_key_rate_finite_decoys(0.1, 0.3, (0.0, 0.05))
    >>> bool(0 < r.key_rate_bits_per_pulse < float(mdi_key_rate(0.1, 0.3)))
    True
    """
    p = MDIParams() if params is None else params
    eta = require_in_range("channel_transmissivity", channel_transmissivity, 0.0, 1.0)
    levels, dec = signal_and_decoys(intensity, decoys)
    mu = float(levels[0])
    arm = p.detector_efficiency * math.sqrt(eta)
    pn = poisson_weights(levels, TRUNCATION_S)
    rows = np.einsum("ai,bj->abij", pn, pn).reshape(levels.size ** 2, -1)
    inside = pn.sum(axis=1)
    tail = np.clip(1.0 - np.outer(inside, inside).ravel(), 0.0, 1.0)
    grid_a, grid_b = np.meshgrid(levels, levels, indexing="ij")
    q_z, _ = mdi_basis_gains(arm, grid_a.ravel(), grid_b.ravel(), p, "Z")
    q_x, eq_x = mdi_basis_gains(arm, grid_a.ravel(), grid_b.ravel(), p, "X")
    target = 1 * (TRUNCATION_S + 1) + 1
    ctx = f"eta = {eta!r}, mu = {mu!r}, decoys {dec}"
    y11 = _bound(target, rows, q_z, tail, False, ctx)
    y11_x = _bound(target, rows, q_x, tail, False, ctx)
    ey11 = _bound(target, rows, eq_x, tail, True, ctx)
    e11 = min(ey11 / y11_x, 0.5) if y11_x > 0.0 else 0.5
    signal = mdi_quantities(arm, arm, mu, mu, p)
    q_rect, e_rect = float(signal.gain_q_rect), float(signal.qber_e_rect)
    rate = (mu * mu * math.exp(-2.0 * mu) * y11 * (1.0 - float(binary_entropy(e11)))
            - q_rect * p.ec_efficiency * float(binary_entropy(min(e_rect, 0.5))))
    return MDIDecoyRate(key_rate_bits_per_pulse=max(rate, 0.0), intensity_mu=mu, decoys=dec,
                        yield_y11_lower=y11, phase_error_e11_upper=e11, gain_q_rect=q_rect,
                        qber_e_rect=e_rect)


def mdi_optimised_decoys(
    channel_transmissivity: npt.ArrayLike,
    decoy_count: int | None,
    params: MDIParams | None = None,
    *,
    intensity: float | None = None,
    decoys: Sequence[float] | None = None,
) -> list[MDIDecoyRate]:
    """MDI-QKD with finite decoys along an array, intensities optimised per point.

    Parameters
    ----------
    channel_transmissivity : array_like
        1-d array of whole-fibre transmissivities (detector not included).
    decoy_count : int or None
        N >= 2: the vacuum plus N - 1 decoys optimised in [1e-4, mu); ``None``: ``decoys``
        fixed (then only mu is optimised, unless ``intensity`` fixes it too).
    params : MDIParams, optional
        Device parameters.
    intensity : float, optional
        Fixed signal intensity mu.
    decoys : sequence of float, optional
        Fixed decoy set (with ``decoy_count = None``).

    Returns
    -------
    list of MDIDecoyRate
        One per transmissivity.

    Raises
    ------
    InvalidParameterError
        If neither or both of ``decoy_count`` and ``decoys`` are given, or ``decoy_count < 2``.

    Notes
    -----
    Nelder-Mead on log mu and the logarithms of the decoys (bounded), from the best of the
    previous point's optimum and a small grid (warm start along the array); never below the
    rate of its start point.

    References
    ----------
    .. [1] Lo, Curty, Qi, PRL 108, 130503 (2012); Xu, Curty, Qi, Lo, NJP 15, 113007 (2013)
       (decoy intensities optimised per distance) [R].
    """
    p = MDIParams() if params is None else params
    check_decoy_choice(decoy_count, decoys, "mdi")
    eta = np.atleast_1d(np.asarray(channel_transmissivity, dtype=np.float64))
    k = 0 if decoy_count is None else decoy_count - 1

    def rate_at(e: float, mu: float, dec: tuple[float, ...]) -> MDIDecoyRate:
        return mdi_key_rate_finite_decoys(e, mu, dec, p)

    def no_key(mu: float, dec: tuple[float, ...]) -> MDIDecoyRate:
        return MDIDecoyRate(key_rate_bits_per_pulse=0.0, intensity_mu=mu, decoys=dec,
                            yield_y11_lower=0.0, phase_error_e11_upper=0.5, gain_q_rect=0.0,
                            qber_e_rect=0.5)

    seeds: list[FloatArray] = []
    mu_seeds = [intensity] if intensity is not None else [0.2, 0.4, 0.7]
    grid = [0.01, 0.05, 0.1]
    for mu0 in mu_seeds:
        head = [] if intensity is not None else [math.log(mu0)]
        if k == 0:
            seeds.append(np.array(head))
        elif k > len(grid):
            seeds.append(np.array(head + np.log(np.geomspace(0.005, 0.2, k)).tolist()))
        else:
            for j in range(len(grid) - k + 1):
                seeds.append(np.array(head + [math.log(v) for v in grid[j:j + k]]))
    bounds = ([] if intensity is not None else [(math.log(1e-3), math.log(_MU_MAX))]) + [
        (math.log(_MIN_DECOY), math.log(_MU_MAX))] * k
    return optimise_decoy_intensities(eta, rate_at, no_key, intensity=intensity, decoys=decoys,
                                      seeds=seeds, bounds=bounds, no_key_at_start=True)


def evaluate_finite_decoys(eta_ch: FloatArray, options: KeyRateOptions, params: MDIParams
                           ) -> list[KeyRateResult]:
    """``mdi --decoys v1,v2,...`` or ``--decoys N``: one :class:`KeyRateResult` per point.

    Parameters
    ----------
    eta_ch : ndarray
        1-d whole-fibre transmissivities (detector not included).
    options : KeyRateOptions
        ``decoys`` (fixed) or ``decoy_count`` (optimised), ``intensity`` (mu, optimised when
        None).
    params : MDIParams
        Device parameters.

    Returns
    -------
    list of KeyRateResult
        qber = E_rect, phase_error_rate = the LP upper bound on e_11^X.

    Raises
    ------
    InvalidParameterError
        On invalid decoy sets.

    References
    ----------
    .. [1] Lo, Curty, Qi, PRL 108, 130503 (2012); Xu, Curty, Qi, Lo, NJP 15, 113007 (2013) [R].
    """
    fixed = fixed_decoy_set(options, 5.0)
    best = mdi_optimised_decoys(eta_ch, options.decoy_count, params,
                                intensity=options.intensity, decoys=fixed)
    parameters: list[dict[str, ParamValue]] = [{
        **decoy_set_parameters(r.decoys, fixed is not None),
        "dark_count_probability": params.dark_count,
        "misalignment_e_d": params.misalignment,
        "arm_transmissivity": params.detector_efficiency * math.sqrt(float(eta_ch[i])),
        "gain_q_rect": r.gain_q_rect,
        "yield_y11_lower": r.yield_y11_lower,
        "truncation_s": TRUNCATION_S,
    } for i, r in enumerate(best)]
    return key_rate_results(
        "mdi", eta_ch, np.array([r.key_rate_bits_per_pulse for r in best]),
        np.array([r.qber_e_rect for r in best]),
        np.array([r.phase_error_e11_upper for r in best]), parameters,
        ("finite decoys: Y_11 and e_11^X bounded by decoy-state LPs over the gains "
         "of both bases (after Lo-Curty-Qi 2012; Xu-Curty-Qi-Lo 2013)",),
        detector_efficiency=params.detector_efficiency, ec_efficiency=params.ec_efficiency,
        intensity=np.array([r.intensity_mu for r in best]),
        intensity_optimised=options.intensity is None)
