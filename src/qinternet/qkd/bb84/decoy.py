"""Decoy-state BB84 facade: ``evaluate`` and ``SPEC`` of ``qinternet keyrate bb84-decoy``.

Dispatches on the options to the asymptotic model (``_model``: infinite or two fixed decoys),
the per-point decoy optimiser (``_decoy_optimisation``, ``--decoys 2``) or the Lim et al. 2014
finite-key model (:mod:`qinternet.qkd.bb84.finite`, ``--pulses N``). The three import only
``_model`` and never this module, so there is no import circle.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from qinternet.constants import DEFAULT_ATTENUATION_DB_PER_KM
from qinternet.errors import InvalidParameterError
from qinternet.qkd._inputs import channel_transmissivity_array, plob_with_unit_eta
from qinternet.qkd._optimize import maximise_on_grid
from qinternet.qkd.bb84._decoy_optimisation import bb84_optimised_two_decoys
from qinternet.qkd.bb84._model import (
    GYS_ATTENUATION_DB_PER_KM,
    MU_SEARCH,
    DecoyBB84Params,
    bb84_gain_and_qber,
    bb84_key_rate_infinite_decoys,
    bb84_key_rate_two_decoys,
    bb84_single_photon_bounds_two_decoys,
    check_options,
    check_two_decoys,
    efficient_bb84_sifting_factor,
    gain_and_qber,
    key_rate_infinite_decoys,
    key_rate_two_decoys,
    params_from_options,
    single_photon_bounds_two_decoys,
    single_photon_exact,
    total_transmissivity,
)
from qinternet.qkd.bb84.finite import evaluate_finite_key
from qinternet.qkd.options import KeyRateOptions, ProtocolSpec
from qinternet.qkd.results import KeyRateResult

__all__ = [  # the asymptotic model is re-exported with its facade
    "DecoyBB84Params",
    "GYS_ATTENUATION_DB_PER_KM",
    "SPEC",
    "bb84_gain_and_qber",
    "bb84_key_rate_infinite_decoys",
    "bb84_key_rate_two_decoys",
    "bb84_single_photon_bounds_two_decoys",
    "efficient_bb84_sifting_factor",
    "evaluate",
    "params_from_options",
]

FloatArray = npt.NDArray[np.float64]


def evaluate(
    channel_transmissivity: npt.ArrayLike, options: KeyRateOptions | None = None
) -> list[KeyRateResult]:
    """Decoy-BB84 key rate at each Alice–Bob channel transmissivity (``SPEC.evaluate``).

    Parameters
    ----------
    channel_transmissivity : array_like
        1-d array of fibre transmissivities in [0, 1], detector *not* included
        (``eta = detector_efficiency * channel_transmissivity``).
    options : KeyRateOptions, optional
        ``detector_efficiency`` = eta_Bob, ``dark_count`` = background yield Y0,
        ``misalignment`` = e_det, ``ec_efficiency`` = f, ``intensity`` = mu (optimised on
        [1e-3, 1.5] when None, jointly for all transmissivities), ``decoys`` = None (infinite) or
        two intensities, ``decoy_count`` = 2 (both decoys and mu optimised per point,
        :func:`~qinternet.qkd.decoy_optimisation.bb84_optimised_two_decoys`),
        ``key_basis_probability`` = p (sifting factor p^2 + (1 - p)^2; default 1/2).
        ``pulses`` switches to the Lim et al. 2014 finite-key model
        (:mod:`qinternet.qkd.bb84_finite`).

    Returns
    -------
    list of KeyRateResult
        One per transmissivity: rate in bits per pulse, PLOB of the channel (detector not
        included), qber = E_mu, phase_error_rate = e1 (exact) or e1^U (two decoys).

    Raises
    ------
    InvalidParameterError
        On invalid options or combinations (named after the :class:`KeyRateOptions` field).

    References
    ----------
    .. [1] Lo, Ma, Chen, PRL 94, 230504 (2005); Ma, Qi, Zhao, Lo, PRA 72, 012326 (2005) [R];
       Lo-Ma-Chen 2005

    Examples
    --------
    >>> [r] = evaluate([10 ** (-0.21 * 100 / 10)], KeyRateOptions(intensity=0.48))
    >>> print(f"{r.key_rate_bits_per_pulse:.7g}")   # reference case D3
    1.718436e-05
    """
    opts = KeyRateOptions() if options is None else options
    if opts.pulses is not None:
        return evaluate_finite_key(channel_transmissivity, opts)
    check_options(opts)
    params = params_from_options(opts)
    eta_ch = channel_transmissivity_array(channel_transmissivity)
    eta = total_transmissivity(eta_ch, params)
    decoys = None if opts.decoys is None else check_two_decoys(opts.decoys)
    decoy_sets: list[tuple[float, float]] | None = None
    if opts.decoy_count is not None:
        if opts.decoy_count != 2:
            raise InvalidParameterError(
                "decoys", opts.decoy_count,
                "must be 2 (or 'infinite', or two fixed intensities) for asymptotic bb84-decoy")
        best = bb84_optimised_two_decoys(eta_ch, params, intensity=opts.intensity)
        decoy_sets = list(zip(best.decoy_nu1.tolist(), best.decoy_nu2.tolist(), strict=True))

    def rate_of(mu: FloatArray, eta_col: FloatArray) -> FloatArray:
        if decoys is None:
            return key_rate_infinite_decoys(eta_col, mu, params)
        return key_rate_two_decoys(eta_col, mu, decoys, params)

    if decoy_sets is not None:
        mu_opt, rates = best.intensity_mu, best.key_rate_bits_per_pulse
    elif opts.intensity is not None:
        mu_opt = np.full_like(eta, opts.intensity)
        rates = rate_of(mu_opt, eta)
    else:
        low = MU_SEARCH[0] if decoys is None else max(MU_SEARCH[0], 1.0001 * sum(decoys))
        mu_opt, rates = maximise_on_grid(
            lambda mu: rate_of(mu, eta[:, None]), eta.size, low, MU_SEARCH[1]
        )
    gain, qber = gain_and_qber(eta, mu_opt, params)
    if decoy_sets is not None:
        e1 = np.array([single_photon_bounds_two_decoys(e, m, d, params)[1]
                       for e, m, d in zip(eta, mu_opt, decoy_sets, strict=True)])
    elif decoys is None:
        _, e1 = single_photon_exact(eta, params)
    else:
        _, e1 = single_photon_bounds_two_decoys(eta, mu_opt, decoys, params)
    plob = plob_with_unit_eta(eta_ch)
    plob_det = plob_with_unit_eta(eta)
    decoy_label = "infinite" if decoys is None else ",".join(f"{v:g}" for v in decoys)
    out = []
    for i in range(eta.size):
        out.append(
            KeyRateResult(
                protocol="bb84-decoy",
                channel_transmissivity=float(eta_ch[i]),
                key_rate_bits_per_pulse=float(rates[i]),
                plob_bits_per_pulse=float(plob[i]),
                qber=float(qber[i]),
                phase_error_rate=float(min(max(e1[i], 0.0), 0.5)),
                detector_efficiency=params.detector_efficiency,
                ec_efficiency=params.ec_efficiency,
                intensity=float(mu_opt[i]),
                intensity_optimised=opts.intensity is None,
                parameters={
                    "decoys": decoy_label if decoy_sets is None else
                    "optimised: " + ",".join(f"{v:.6g}" for v in decoy_sets[i]),
                    "decoys_optimised": decoy_sets is not None,
                    "background_yield_y0": params.background_yield,
                    "misalignment_e_d": params.misalignment,
                    "sifting_factor_q": params.sifting_factor,
                    "key_basis_probability": opts.key_basis_probability or 0.5,
                    "total_transmissivity": float(eta[i]),
                    "plob_with_detector_bits_per_pulse": float(plob_det[i]),
                    "gain_q_mu": float(gain[i]),
                },
            )
        )
    return out


SPEC = ProtocolSpec(
    name="bb84-decoy",
    evaluate=evaluate,
    default_attenuation_db_per_km=DEFAULT_ATTENUATION_DB_PER_KM,
    relay=False,
    help=(
        "Decoy-state BB84 (Lo-Ma-Chen 2005; GYS parameter set). Rate in secret bits per pulse "
        "with standard sifting 1/2 unless --key-basis-probability p sets it to p^2 + (1-p)^2 "
        "(efficient BB84; with --pulses p = q_x is fixed instead of optimised). "
        "--distance-km: whole fibre, eta = 10^(-A L/10), "
        "A = 0.2 dB/km by default (the GYS experiment had 0.21); --detector-efficiency: "
        "Bob's whole detection efficiency eta_Bob (default 0.045), multiplying the channel; "
        "--dark-count: background yield Y0 per pulse, both detectors together (default "
        "1.7e-6); --misalignment: e_det (default 0.033); "
        "--ec-efficiency: f (default 1.22); --intensity: signal mu (optimised when omitted); "
        "--decoys: 'infinite' (exact single-photon yield), nu1,nu2 fixed (0,nu = vacuum + "
        "weak) or 2 (nu1, nu2 and mu optimised per point; asymptotically nu2 -> vacuum and "
        "nu1 -> its floor 1e-4); "
        "--pulses N: Lim et al. 2014 finite key (three intensities mu > nu1 + nu2, "
        "default decoys: nu1 optimised, nu2 = 2e-4; --decoys 2: both optimised; basis and "
        "intensity probabilities optimised). --phase-mismatch is not used. qber = E_mu, "
        "phase_error_rate = e1."
    ),
    supports_finite_decoys=True,
    supports_finite_key=True,
    supports_decoy_optimisation=True,
    supports_basis_probability=True,
)
