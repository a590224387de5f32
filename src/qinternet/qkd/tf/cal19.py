"""CAL19 twin-field QKD (Curty, Azuma, Lo 2019): asymptotic, finite-decoy and finite-key rates.

Facade over ``_cal19_model`` (gains, yields, phase-error bound), ``_cal19_decoy_lp`` (finite
decoys), ``_cal19_finite`` (interim finite key FK-v0) and ``_cal19_optimize``. Rates are in
secret bits per pulse *pair*. The rate functions take the Alice-Bob ``channel_transmissivity``
(detector *not* included) and ``detector_efficiency``; the model's eta (``Cal19Curve``'s
``overall_transmissivity``) is their product, each arm has its square root.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from qinternet._validation import require_in_range, require_int
from qinternet.constants import DEFAULT_ATTENUATION_DB_PER_KM
from qinternet.errors import InvalidParameterError
from qinternet.qkd._inputs import plob_with_unit_eta
from qinternet.qkd._optimize import maximise_log_grid, maximise_warm_scalar
from qinternet.qkd.finite_key import FK_V0_LABEL
from qinternet.qkd.options import KeyRateOptions, ProtocolSpec
from qinternet.qkd.results import KeyRateResult
from qinternet.qkd.tf._cal19_decoy_lp import decoy_yield_upper_bounds
from qinternet.qkd.tf._cal19_decoy_optimisation import cal19_optimised_decoys
from qinternet.qkd.tf._cal19_distance import cal19_max_loss_db, cal19_plob_crossing_loss_db
from qinternet.qkd.tf._cal19_finite import (
    DEFAULT_FK_DECOYS,
    FiniteKeySettings,
    fk_v0_rate,
    fk_v0_yield_bounds,
)
from qinternet.qkd.tf._cal19_model import (
    Cal19Device,
    cat_coefficient_sums,
    cat_coefficients,
    key_rate_from_rates,
    phase_error_upper_bound,
    x_basis_error_rate,
    x_basis_gain,
    z_basis_gain,
)
from qinternet.qkd.tf._cal19_rate import (
    ALPHA_SQ_BOUNDS,
    ALPHA_SQ_GRID_POINTS,
    DEFAULT_TRUNCATION,
    LOG_PZ_BOUNDS,
    MAX_ALPHA_SQ,
    Cal19Curve,
    cal19_key_rate,
    check_decoys,
    check_eta,
)
from qinternet.qkd.tf._cal19_yields import photon_number_yields

__all__ = [
    "ALPHA_SQ_BOUNDS",
    "Cal19Curve",
    "Cal19Device",
    "DEFAULT_FK_DECOYS",
    "FK_V0_NOTE",
    "FiniteKeySettings",
    "SPEC",
    "cal19_finite_key_rate",
    "cal19_key_rate",
    "cal19_max_loss_db",
    "cal19_plob_crossing_loss_db",
    "cat_coefficient_sums",
    "cat_coefficients",
    "decoy_yield_upper_bounds",
    "evaluate",
    "key_rate_from_rates",
    "phase_error_upper_bound",
    "photon_number_yields",
    "x_basis_error_rate",
    "x_basis_gain",
    "z_basis_gain",
]

FloatArray = npt.NDArray[np.float64]


def cal19_finite_key_rate(
    channel_transmissivity: npt.ArrayLike,
    settings: FiniteKeySettings,
    *,
    detector_efficiency: float = 1.0,
    device: Cal19Device | None = None,
    intensity_alpha_sq: float | None = None,
    basis_probability_p_x: float | None = None,
    decoys: Sequence[float] = DEFAULT_FK_DECOYS,
    truncation_s: int = DEFAULT_TRUNCATION["finite"],
) -> Cal19Curve:
    """Finite-key CAL19 rate with the **interim model FK-v0** (not Currás-Lorenzo et al. 2021).

    FK-v0 is inspired by, but **not**, the finite-key bound of Currás-Lorenzo et al. (2021): decoy
    counts are Chernoff-inverted expectations and the phase errors use a forward Chernoff bound in
    place of Kato's inequality (CAL19).

    Parameters
    ----------
    channel_transmissivity : array_like
        1-d array of Alice-Bob channel transmissivities in [0, 1], detector *not* included;
        the model's ``eta = channel_transmissivity * detector_efficiency``.
    settings : FiniteKeySettings
        Number of pulse pairs N and security parameters.
    detector_efficiency : float
        Detector efficiency folded into the channel, in (0, 1]. Default 1.
    device : Cal19Device, optional
        Device model.
    intensity_alpha_sq : float, optional
        Fixed alpha^2 per party; ``None`` optimises it for every p_X tried.
    basis_probability_p_x : float, optional
        Fixed key-basis probability in (0, 1); ``None`` optimises it (golden section on
        log10(1 - p_X), warm-started from the previous transmittance's optimum).
    decoys : sequence of float, optional
        Decoy set of both parties, chosen uniformly (default {0, 0.02, 0.1, 0.5}).
    truncation_s : int, optional
        Box truncation of the LP and the phase-error sum (default 5).

    Returns
    -------
    Cal19Curve
        Rates in bits per pulse pair; ``phase_error_rate`` is ``N_ph^U / M_X`` (clamped 1/2).

    Raises
    ------
    InvalidParameterError
        On out-of-range inputs.
    SolverError
        If a decoy LP fails.

    References
    ----------
    .. [1] CAL19 (FK-v0, [C]; cases K1, K2); inspired by G. Currás-Lorenzo et
       al., "Tight finite-key security for twin-field quantum key distribution", npj Quantum
       Inf. 7, 22 (2021), arXiv:1910.11407 (abstract [V]; formulas not verified).

    Examples
    --------
    K1-N1e12 (50 dB, p_X = 0.9, alpha^2 = 0.03; rel 1e-2):

    >>> c = cal19_finite_key_rate([1e-5], FiniteKeySettings(pulses=1e12),
    ...                           intensity_alpha_sq=0.03, basis_probability_p_x=0.9)
    >>> float(c.key_rate_bits_per_pulse[0])
    2.64...e-05
    """
    dev = Cal19Device() if device is None else device
    eta = check_eta(channel_transmissivity, detector_efficiency)
    if basis_probability_p_x is not None:
        require_in_range("basis_probability_p_x", basis_probability_p_x, 0.0, 1.0,
                         low_inclusive=False, high_inclusive=False)
    if intensity_alpha_sq is not None:
        require_in_range("intensity_alpha_sq", intensity_alpha_sq, 0.0, MAX_ALPHA_SQ,
                         low_inclusive=False)
    dec = check_decoys(decoys)
    s = require_int("truncation_s", truncation_s, 1)
    out: dict[str, list[float]] = {k: [] for k in ("a2", "px", "rate", "ex", "eph", "gain")}
    warm: float | None = None
    for e in eta:
        def best_alpha(p_x: float, e: float = float(e)) -> tuple[float, float, FloatArray]:
            yu = fk_v0_yield_bounds(e, dec, dev, s, settings, p_x)
            if intensity_alpha_sq is not None:
                r = fk_v0_rate(e, intensity_alpha_sq, yu, dev, settings, p_x, clamp=False)[0]
                return float(intensity_alpha_sq), float(r), yu

            def objective(a2: FloatArray) -> FloatArray:
                return fk_v0_rate(e, a2, yu, dev, settings, p_x, clamp=False)[0]

            a2, r = maximise_log_grid(objective, 1, *ALPHA_SQ_BOUNDS,
                                      grid_points=ALPHA_SQ_GRID_POINTS[1], iterations=24)
            return float(a2[0]), float(r[0]), yu

        if basis_probability_p_x is not None:
            p_x = float(basis_probability_p_x)
        else:
            u, _ = maximise_warm_scalar(lambda u: best_alpha(1.0 - 10.0 ** u)[1],
                                        *LOG_PZ_BOUNDS, start=warm, iterations=14)
            warm = u
            p_x = 1.0 - 10.0 ** u
        a2, _, yu = best_alpha(p_x)
        rate, eph, ex = fk_v0_rate(float(e), a2, yu, dev, settings, p_x)
        for key, val in (("a2", a2), ("px", p_x), ("rate", rate), ("ex", ex), ("eph", eph),
                         ("gain", x_basis_gain(float(e), a2, dev))):
            out[key].append(float(val))
    return Cal19Curve(
        overall_transmissivity=eta,
        key_rate_bits_per_pulse=np.asarray(out["rate"]),
        intensity_alpha_sq=np.asarray(out["a2"]),
        basis_probability_p_x=np.asarray(out["px"]),
        qber=np.asarray(out["ex"]),
        phase_error_rate=np.asarray(out["eph"]),
        gain_x=np.asarray(out["gain"]),
    )


_HELP = (
    "CAL19 twin-field QKD (Curty-Azuma-Lo, npj QI 5, 64 (2019)); rate in bits per pulse pair. "
    "--loss-db / --distance-km: whole Alice-Bob channel, the untrusted node in the middle (each "
    "arm sqrt(eta)); --detector-efficiency multiplies the channel (default 1, so the loss is the "
    "overall loss as in CAL19's plots); --dark-count: probability per detector per pulse "
    "(default 1e-8); --misalignment m: polarisation misalignment theta = 2 arcsin(sqrt(m)), the "
    "X-basis error floor (default 0.02); --phase-mismatch delta: phi = delta*pi (default 0); "
    "--ec-efficiency f (default 1.16); --intensity: alpha^2, key-round mean photon number per "
    "party (optimised in [1e-4, 0.3] when omitted); --decoys infinite (exact photon-number "
    "yields, truncation S = 8), v1,v2,... (same set for both parties, LP bounds, S = 6) or a "
    "count N >= 2 (the vacuum and N-1 intensities optimised per point, LP bounds; seconds per "
    "point); --key-basis-probability p_X: fixed with --pulses (default optimised); "
    "--pulses N: pulse pairs sent, finite key with the INTERIM model FK-v0 (not the bound of "
    "Currás-Lorenzo et al. 2021), "
    "p_X and alpha^2 optimised, decoys default 0,0.02,0.1,0.5, S = 5. Asymptotic p_X -> 1. "
    "PLOB is -log2(1-eta) of the channel, detector not included."
)

#: Note attached to every FK-v0 result.
FK_V0_NOTE = ("interim finite-key model FK-v0 (inspired by Currás-Lorenzo et al. 2021, not the "
              "paper's bound)")


def _opt(value: float | None, default: float) -> float:
    return default if value is None else float(value)


def evaluate(channel_transmissivity: npt.NDArray[np.float64],
             options: KeyRateOptions) -> list[KeyRateResult]:
    """CLI entry point: one :class:`KeyRateResult` per Alice-Bob channel transmissivity.

    Parameters
    ----------
    channel_transmissivity : ndarray
        1-d array of channel transmissivities in [0, 1], detector **not** included; the model
        uses ``eta = channel_transmissivity * detector_efficiency``.
    options : KeyRateOptions
        ``detector_efficiency`` (default 1), ``dark_count`` (pd per detector per pulse,
        default 1e-8), ``misalignment`` (m = X error floor, default 0.02), ``phase_mismatch``
        (delta, default 0), ``ec_efficiency`` (default 1.16), ``intensity`` (alpha^2, default
        optimised), ``decoys`` (None = infinite), ``decoy_count`` (N >= 2: the vacuum and N - 1
        intensities optimised per point by
        :func:`~qinternet.qkd.decoy_optimisation.cal19_optimised_decoys`; asymptotic only),
        ``pulses`` (None = asymptotic; otherwise FK-v0) and
        ``key_basis_probability`` (p_X, fixed; FK-v0 only, optimised when None).

    Returns
    -------
    list of KeyRateResult
        ``qber`` = e_X, ``phase_error_rate`` = e_Z bound, ``plob_bits_per_pulse`` =
        ``-log2(1 - channel eta)`` (detector not included; ``inf`` at eta = 1).

    Raises
    ------
    InvalidParameterError
        Naming the :class:`KeyRateOptions` field at fault.
    SolverError
        If a decoy LP fails.

    References
    ----------
    .. [1] Curty, Azuma, Lo, npj Quantum Inf. 5, 64 (2019), arXiv:1807.07667 [V, impl];
       CAL19.

    Examples
    --------
    C-KM-300 (300 km at 0.2 dB/km, f = 1.16; rel 1e-3):

    >>> r = evaluate(np.array([1e-6]), KeyRateOptions())[0]
    >>> round(r.key_rate_bits_per_pulse / r.plob_bits_per_pulse, 1)
    15.7
    """
    eta_ch = np.atleast_1d(np.asarray(channel_transmissivity, dtype=np.float64))
    if eta_ch.ndim != 1:
        raise InvalidParameterError("channel_transmissivity", eta_ch.shape, "must be 1-d")
    for value in eta_ch:
        require_in_range("channel_transmissivity", float(value), 0.0, 1.0)
    det = require_in_range("detector_efficiency", _opt(options.detector_efficiency, 1.0),
                           0.0, 1.0, low_inclusive=False)
    pd = require_in_range("dark_count", _opt(options.dark_count, 1e-8), 0.0, 1.0,
                          high_inclusive=False)
    mis = require_in_range("misalignment", _opt(options.misalignment, 0.02), 0.0, 0.5)
    delta = require_in_range("phase_mismatch", _opt(options.phase_mismatch, 0.0), -1.0, 1.0)
    f = require_in_range("ec_efficiency", _opt(options.ec_efficiency, 1.16), 1.0, 100.0)
    if options.intensity is not None:
        require_in_range("intensity", options.intensity, 0.0, MAX_ALPHA_SQ, low_inclusive=False)
    decoys = None if options.decoys is None else check_decoys(options.decoys)
    device = Cal19Device(dark_count_probability=pd, polarisation_misalignment=mis,
                         phase_mismatch=delta, ec_efficiency=f)
    notes: list[str] = []
    params: dict[str, float | int | str | bool | None] = {
        "dark_count_probability": pd,
        "polarisation_misalignment": mis, "polarisation_angle_theta_rad": device.theta_rad,
        "phase_mismatch_delta": delta, "phase_offset_phi_rad": math.pi * delta,
        "truncation": "box",
    }
    decoy_sets = None
    if options.pulses is None:
        if options.key_basis_probability is not None:
            raise InvalidParameterError("key_basis_probability", options.key_basis_probability,
                                        "needs --pulses for tf-cal19 (asymptotically p_X -> 1)")
        if options.decoy_count is not None:
            curve, decoy_sets = cal19_optimised_decoys(
                eta_ch, options.decoy_count, detector_efficiency=det, device=device,
                intensity_alpha_sq=options.intensity)
        else:
            curve = cal19_key_rate(eta_ch, detector_efficiency=det, device=device,
                                   intensity_alpha_sq=options.intensity, decoys=decoys)
        mode = "infinite" if decoys is None and decoy_sets is None else "lp"
        params.update(finite_key_model="asymptotic", pulses=None, basis_probability_optimised=False,
                      truncation_s=DEFAULT_TRUNCATION[mode])
        notes.append("asymptotic key rate, basis probability p_X -> 1")
    else:
        pulses = require_in_range("pulses", options.pulses, 1.0, math.inf)
        if options.decoy_count is not None:
            raise InvalidParameterError("decoys", options.decoy_count, "must be fixed "
                                        "intensities with --pulses for tf-cal19 (FK-v0)")
        if decoys is None:
            decoys = DEFAULT_FK_DECOYS
            notes.append("finite key needs a finite decoy set: using the FK-v0 reference set "
                         "0,0.02,0.1,0.5")
        settings = FiniteKeySettings(pulses=pulses)
        curve = cal19_finite_key_rate(eta_ch, settings, detector_efficiency=det, device=device,
                                      intensity_alpha_sq=options.intensity, decoys=decoys,
                                      basis_probability_p_x=options.key_basis_probability)
        params.update(finite_key_model=FK_V0_LABEL, pulses=pulses,
                      basis_probability_optimised=options.key_basis_probability is None,
                      truncation_s=DEFAULT_TRUNCATION["finite"],
                      epsilon_chernoff=settings.epsilon_chernoff,
                      epsilon_cor=settings.epsilon_cor, epsilon_pa=settings.epsilon_pa)
        notes.append(FK_V0_NOTE)
    params["decoys"] = "infinite" if decoys is None else ",".join(f"{d:g}" for d in decoys)
    params["decoys_optimised"] = decoy_sets is not None
    if decoys is not None or decoy_sets is not None:
        notes.append("finite decoys: each yield bounded by its own decoy-state LP (after M. "
                     "Curty, K. Azuma, H.-K. Lo, npj Quantum Inf. 5, 64 (2019))")
    plob = plob_with_unit_eta(eta_ch)
    results = []
    for i, e in enumerate(eta_ch):
        p = dict(params)
        p.update(total_transmissivity=float(e) * det,
                 basis_probability_p_x=float(curve.basis_probability_p_x[i]),
                 gain_x_per_pulse_pair=float(curve.gain_x[i]))
        if decoy_sets is not None:
            p["decoys"] = "optimised: " + ",".join(f"{d:.6g}" for d in decoy_sets[i])
        results.append(KeyRateResult(
            protocol="tf-cal19", channel_transmissivity=float(e),
            key_rate_bits_per_pulse=float(curve.key_rate_bits_per_pulse[i]),
            plob_bits_per_pulse=float(plob[i]), qber=float(curve.qber[i]),
            phase_error_rate=float(curve.phase_error_rate[i]), detector_efficiency=det,
            ec_efficiency=f, intensity=float(curve.intensity_alpha_sq[i]),
            intensity_optimised=options.intensity is None, parameters=p,
            notes=tuple(notes)))
    return results


#: Protocol specification used by the CLI registry.
SPEC = ProtocolSpec(
    name="tf-cal19",
    evaluate=evaluate,
    default_attenuation_db_per_km=DEFAULT_ATTENUATION_DB_PER_KM,
    relay=True,
    help=_HELP,
    supports_finite_decoys=True,
    supports_finite_key=True,
    supports_decoy_optimisation=True,
    supports_basis_probability=True,
    intensity_symbol="alpha_sq",
)
