"""SNS TF-QKD facade: ``evaluate`` and ``SPEC`` of ``qinternet keyrate sns``.

Sending-or-not-sending twin-field QKD (Wang, Yu, Hu, PRA 98, 062323 (2018)). Dispatches to the
infinite-decoy model (``_sns_model``: the rate formula [R] with the toolkit's single-photon
terms, labelled in every result's ``notes``) or to the finite decoy sets
(:mod:`qinternet.qkd.tf.sns_decoys`); both import ``_sns_model`` only, never this module.

Conventions: ``evaluate`` and :func:`sns_key_rate` take the Alice–Bob channel transmissivity
(detector *not* included) and fold in the detector efficiency; :func:`sns_terms` takes the total
``eta = channel * detector_efficiency``; each arm has ``t = sqrt(eta)``; rates are secret bits
per pulse pair, with ``p_Z -> 1``.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from qinternet._validation import require_in_range
from qinternet.constants import DEFAULT_ATTENUATION_DB_PER_KM
from qinternet.qkd._inputs import key_rate_results, relay_inputs, relay_parameters
from qinternet.qkd._optimize import maximise_1d, maximise_2d
from qinternet.qkd.options import KeyRateOptions, ProtocolSpec
from qinternet.qkd.results import KeyRateResult, ParamValue
from qinternet.qkd.tf._sns_model import (
    EPSILON_BOUNDS,
    MODEL_NOTE,
    MU_Z_BOUNDS,
    SnsTerms,
    sns_key_rate,
    sns_terms,
)
from qinternet.qkd.tf.sns_decoys import evaluate_finite_decoys

__all__ = ["SPEC", "SnsTerms", "evaluate", "sns_key_rate", "sns_terms"]

FloatArray = npt.NDArray[np.float64]


def evaluate(channel_transmissivity: npt.ArrayLike, options: KeyRateOptions) -> list[KeyRateResult]:
    """SNS key rate per channel transmissivity, optimising ``epsilon`` (and ``mu_z``).

    Parameters
    ----------
    channel_transmissivity : array_like
        1-d array of Alice–Bob channel transmissivities (detector not included), in [0, 1].
    options : KeyRateOptions
        ``detector_efficiency`` (default 1) multiplies the channel; ``dark_count`` is pd per
        detector per pulse (default 1e-8); ``misalignment`` is e_d (default 0.02);
        ``ec_efficiency`` f (default 1.16); ``intensity`` fixes mu_z (epsilon still optimised;
        both optimised when None). ``decoys`` (fixed finite set) or ``decoy_count`` (N >= 2:
        the vacuum and N - 1 decoys optimised per point): decoy bounds of
        :mod:`qinternet.qkd.tf.sns_decoys`; both None: infinite decoys. ``pulses`` must be None.

    Returns
    -------
    list of KeyRateResult
        One per transmissivity; ``qber`` = E_Z, ``phase_error_rate`` = e_1^ph; rate 0.0 beyond
        the maximum distance.

    Raises
    ------
    InvalidParameterError
        For bad or unsupported options (named by their CLI option).
    SolverError
        If the optimiser fails.

    References
    ----------
    .. [1] Wang, Yu, Hu, PRA 98, 062323 (2018) [R]; the toolkit's optimiser (2-D
       log-grid then Nelder–Mead); reference cases XPROT-* [C].
    """
    channel, dev, finite = relay_inputs(channel_transmissivity, options, "sns")
    if finite:
        return evaluate_finite_decoys(channel, options, dev)
    eta = channel * dev.detector_efficiency
    kwargs = {"dark_count": dev.dark_count, "misalignment": dev.misalignment,
              "ec_efficiency": dev.ec_efficiency}
    if options.intensity is None:
        eps_opt, mu_opt, _ = maximise_2d(
            lambda e, x, y: sns_terms(e, x, y, **kwargs).key_rate, eta, EPSILON_BOUNDS,
            MU_Z_BOUNDS, n_grid=(32, 24),
        )
    else:
        mu_fixed = require_in_range("intensity", options.intensity, 0.0, np.inf,
                                    low_inclusive=False, high_inclusive=False)
        eps_opt, _ = maximise_1d(
            lambda e, x: sns_terms(e, x, mu_fixed, **kwargs).key_rate, eta, *EPSILON_BOUNDS,
            n_grid=52,
        )
        mu_opt = np.full(eta.shape, mu_fixed)
    terms = sns_terms(eta, eps_opt, mu_opt, **kwargs)
    rates = np.maximum(terms.key_rate, 0.0) + 0.0  # + 0.0 turns -0.0 into 0.0
    parameters: list[dict[str, ParamValue]] = [{
        **relay_parameters(float(eta[i]), dev),
        "decoys": "infinite",
        "sending_probability_epsilon": float(eps_opt[i]),
        "gain_s_z": float(terms.gain_z[i]),
        "single_photon_yield_s1": float(terms.single_photon_yield[i]),
    } for i in range(channel.size)]
    return key_rate_results("sns", channel, rates, terms.qber_z, terms.phase_error_rate,
                            parameters, (MODEL_NOTE,),
                            detector_efficiency=dev.detector_efficiency,
                            ec_efficiency=dev.ec_efficiency, intensity=mu_opt,
                            intensity_optimised=options.intensity is None)


SPEC = ProtocolSpec(
    name="sns",
    evaluate=evaluate,
    default_attenuation_db_per_km=DEFAULT_ATTENUATION_DB_PER_KM,
    relay=True,
    help=(
        "Sending-or-not-sending TF-QKD (Wang-Yu-Hu 2018), asymptotic, toolkit "
        "single-photon model; rate per pulse pair. Each arm has sqrt(eta) with eta = channel x "
        "--detector-efficiency (default 1). --dark-count: pd per detector per pulse (1e-8); "
        "--misalignment: e_d (0.02); --ec-efficiency: f (1.16); --intensity: signal mu_z "
        "(sending probability still optimised; both optimised when omitted). --decoys: "
        "infinite (default), v1,v2,... fixed X-window intensities (include 0) or a count "
        "N >= 2 (vacuum + N-1 decoys optimised per point); s_1 and e_1^ph then bounded by "
        "decoy-state LPs (Wang-Yu-Hu 2018, Yu et al. 2019). --pulses and --phase-mismatch "
        "unsupported. qber = E_Z, phase_error_rate = e_1^ph (bound with finite decoys)."
    ),
    supports_finite_decoys=True,
    supports_decoy_optimisation=True,
    intensity_symbol="mu_z",
)
