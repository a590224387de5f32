"""PM-QKD facade: ``evaluate`` and ``SPEC`` of ``qinternet keyrate pm``.

Dispatches to the infinite-decoy model (``_pm_model``) or to the finite decoy sets
(:mod:`qinternet.qkd.tf.pm_decoys`); both import ``_pm_model`` only, never this module.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from qinternet._validation import require_in_range
from qinternet.constants import DEFAULT_ATTENUATION_DB_PER_KM
from qinternet.qkd._inputs import key_rate_results, relay_inputs, relay_parameters
from qinternet.qkd._optimize import maximise_1d
from qinternet.qkd.options import KeyRateOptions, ProtocolSpec
from qinternet.qkd.results import KeyRateResult, ParamValue
from qinternet.qkd.tf._pm_model import (
    DEFAULT_PHASE_SLICES,
    MODEL_NOTE,
    MU_BOUNDS,
    PmTerms,
    pm_key_rate,
    pm_phase_error_bound_fock,
    pm_terms,
)
from qinternet.qkd.tf.pm_decoys import evaluate_finite_decoys

__all__ = [
    "PmTerms",
    "SPEC",
    "evaluate",
    "pm_key_rate",
    "pm_phase_error_bound_fock",
    "pm_terms",
]

FloatArray = npt.NDArray[np.float64]


def evaluate(channel_transmissivity: npt.ArrayLike, options: KeyRateOptions) -> list[KeyRateResult]:
    """PM key rate per channel transmissivity, optimising ``mu`` unless fixed.

    Parameters
    ----------
    channel_transmissivity : array_like
        1-d array of Alice–Bob channel transmissivities (detector not included), in [0, 1].
    options : KeyRateOptions
        ``detector_efficiency`` (default 1) multiplies the channel; ``dark_count`` pd per
        detector per pulse (1e-8); ``misalignment`` e_d (0.02); ``ec_efficiency`` f (1.16);
        ``intensity`` fixes mu (optimised when None). ``decoys`` (fixed finite set) or
        ``decoy_count`` (N >= 2, optimised per point): LP decoy bounds of
        :mod:`qinternet.qkd.tf.pm_decoys`. ``pulses`` must be None. D = 16 phase slices.

    Returns
    -------
    list of KeyRateResult
        ``qber`` = E_mu^Z, ``phase_error_rate`` = the E_mu^X bound; rate 0.0 beyond the
        maximum distance.

    Raises
    ------
    InvalidParameterError
        For bad or unsupported options (CLI option names).
    SolverError
        If the optimiser fails.

    References
    ----------
    .. [1] Ma, Zeng, Zhou, PRX 8, 031043 (2018) [R]; the toolkit's optimiser (log-grid
       then bounded Brent); reference cases XPROT-* [C].
    """
    channel, dev, finite = relay_inputs(channel_transmissivity, options, "pm")
    if finite:
        return evaluate_finite_decoys(channel, options, dev)
    eta = channel * dev.detector_efficiency
    def terms_at(e: FloatArray, m: FloatArray) -> PmTerms:
        return pm_terms(e, m, dark_count=dev.dark_count, misalignment=dev.misalignment,
                        ec_efficiency=dev.ec_efficiency, phase_slices=DEFAULT_PHASE_SLICES)

    if options.intensity is None:
        mu_opt, _ = maximise_1d(lambda e, m: terms_at(e, m).key_rate, eta, *MU_BOUNDS,
                               n_grid=56)
    else:
        mu_fixed = require_in_range("intensity", options.intensity, 0.0, np.inf,
                                    low_inclusive=False, high_inclusive=False)
        mu_opt = np.full(eta.shape, mu_fixed)
    terms = terms_at(eta, mu_opt)
    rates = np.maximum(terms.key_rate, 0.0) + 0.0  # + 0.0 turns -0.0 into 0.0
    parameters: list[dict[str, ParamValue]] = [{
        **relay_parameters(float(eta[i]), dev),
        "decoys": "infinite",
        "phase_slices_d": DEFAULT_PHASE_SLICES,
        "gain_q_mu": float(terms.gain[i]),
    } for i in range(channel.size)]
    return key_rate_results("pm", channel, rates, terms.qber_z, terms.phase_error_bound,
                            parameters, (MODEL_NOTE,),
                            detector_efficiency=dev.detector_efficiency,
                            ec_efficiency=dev.ec_efficiency, intensity=mu_opt,
                            intensity_optimised=options.intensity is None)


SPEC = ProtocolSpec(
    name="pm",
    evaluate=evaluate,
    default_attenuation_db_per_km=DEFAULT_ATTENUATION_DB_PER_KM,
    relay=True,
    help=(
        "Phase-matching QKD (Ma-Zeng-Zhou 2018), asymptotic, infinite decoys, D = 16 phase "
        "slices, toolkit misalignment model (phase-slice mismatch ignored); rate per pulse "
        "pair. Each arm has sqrt(eta) with eta = channel x --detector-efficiency (default 1). "
        "--dark-count: pd per detector per pulse (1e-8); --misalignment: e_d (0.02); "
        "--ec-efficiency: f (1.16); --intensity: mu of each party (optimised when omitted). "
        "--decoys: infinite (default), v1,v2,... fixed or a count N >= 2 (vacuum + N-1 "
        "decoys and mu optimised per point; Y_1, Y_3, Y_5 bounded by LPs); --pulses and "
        "--phase-mismatch unsupported. qber = E_mu^Z, phase_error_rate = E_mu^X bound."
    ),
    supports_finite_decoys=True,
    supports_decoy_optimisation=True,
)
