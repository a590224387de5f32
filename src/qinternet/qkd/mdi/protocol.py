"""MDI-QKD facade: ``evaluate`` and ``SPEC`` of ``qinternet keyrate mdi``.

Dispatches to the infinite-decoy model (``_model``) or to the finite decoy sets
(:mod:`qinternet.qkd.mdi.decoys`); both import ``_model`` only, never this module.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from qinternet._validation import require_positive
from qinternet.constants import DEFAULT_ATTENUATION_DB_PER_KM
from qinternet.errors import InvalidParameterError
from qinternet.qkd._inputs import (
    channel_transmissivity_array,
    key_rate_results,
    plob_with_unit_eta,
    reject_finite_decoys,
    reject_finite_key,
)
from qinternet.qkd._optimize import maximise_on_grid
from qinternet.qkd.mdi._model import MU_SEARCH, mdi_key_rate, mdi_quantities, params_from_options
from qinternet.qkd.mdi.decoys import evaluate_finite_decoys
from qinternet.qkd.options import KeyRateOptions, ProtocolSpec
from qinternet.qkd.results import KeyRateResult, ParamValue

__all__ = ["SPEC", "evaluate"]

FloatArray = npt.NDArray[np.float64]


def evaluate(
    channel_transmissivity: npt.ArrayLike, options: KeyRateOptions | None = None
) -> list[KeyRateResult]:
    """MDI-QKD key rate at each Alice–Bob channel transmissivity (``SPEC.evaluate``).

    Parameters
    ----------
    channel_transmissivity : array_like
        1-d array of whole-fibre transmissivities in [0, 1], detector not included.
    options : KeyRateOptions, optional
        ``detector_efficiency`` = eta_d (per arm), ``dark_count`` = pd per detector per pulse,
        ``misalignment`` = e_d, ``ec_efficiency`` = f, ``intensity`` = mu of each party
        (optimised on [1e-3, 2] when None), ``decoys`` (fixed finite set) or ``decoy_count``
        (N >= 2 optimised per point): LP decoy bounds of :mod:`qinternet.qkd.mdi.decoys`.
        Finite key and a phase mismatch are not supported.

    Returns
    -------
    list of KeyRateResult
        qber = E_rect (Z basis), phase_error_rate = e_11^X; PLOB of the whole channel.

    Raises
    ------
    InvalidParameterError
        On invalid or unsupported options (named after the :class:`KeyRateOptions` field).

    References
    ----------
    .. [1] Lo, Curty, Qi, PRL 108, 130503 (2012); Xu, Curty, Qi, Lo, NJP 15, 113007 (2013) [R];
       Lo-Curty-Qi 2012

    Examples
    --------
    >>> [r] = evaluate([1e-4], KeyRateOptions(intensity=0.5))     # 200 km (case M3)
    >>> print(f"{r.key_rate_bits_per_pulse:.7g} {r.qber:.6f} {r.phase_error_rate:.6f}")
    2.069071e-08 0.030606 0.022904
    """
    opts = KeyRateOptions() if options is None else options
    if opts.key_basis_probability is not None:
        reject_finite_decoys(opts, "mdi")  # names key_basis_probability
    reject_finite_key(opts, "mdi")
    if opts.phase_mismatch is not None and opts.phase_mismatch != 0:
        raise InvalidParameterError(
            "phase_mismatch", opts.phase_mismatch, "is not used by mdi (polarisation encoding)"
        )
    if opts.intensity is not None:
        require_positive("intensity", opts.intensity)
    params = params_from_options(opts)
    eta_ch = channel_transmissivity_array(channel_transmissivity)
    if opts.decoys is not None or opts.decoy_count is not None:
        return evaluate_finite_decoys(eta_ch, opts, params)
    if opts.intensity is not None:
        mu = np.full_like(eta_ch, opts.intensity)
        rates = mdi_key_rate(eta_ch, mu, params)
    else:
        mu, rates = maximise_on_grid(
            lambda m: mdi_key_rate(eta_ch[:, None], m, params), eta_ch.size, *MU_SEARCH
        )
    arm = params.detector_efficiency * np.sqrt(eta_ch)
    q = mdi_quantities(arm, arm, mu, mu, params)
    plob_det = plob_with_unit_eta(params.detector_efficiency**2 * eta_ch)
    parameters: list[dict[str, ParamValue]] = [{
        "decoys": "infinite",
        "dark_count_probability": params.dark_count,
        "misalignment_e_d": params.misalignment,
        "arm_transmissivity": float(arm[i]),
        "plob_with_detector_bits_per_pulse": float(plob_det[i]),
        "gain_q_rect": float(q.gain_q_rect[i]),
        "yield_y11": float(q.yield_y11[i]),
    } for i in range(eta_ch.size)]
    return key_rate_results("mdi", eta_ch, rates, q.qber_e_rect, q.phase_error_e11_x, parameters,
                            detector_efficiency=params.detector_efficiency,
                            ec_efficiency=params.ec_efficiency, intensity=mu,
                            intensity_optimised=opts.intensity is None)

SPEC = ProtocolSpec(
    name="mdi",
    evaluate=evaluate,
    default_attenuation_db_per_km=DEFAULT_ATTENUATION_DB_PER_KM,
    relay=True,
    help=(
        "MDI-QKD with infinite decoys (Lo-Curty-Qi 2012; channel model Ma-Razavi 2012 / "
        "Xu-Curty-Qi-Lo 2013). Rate in secret bits per pulse pair; untrusted relay in the "
        "middle, each arm has sqrt(eta) of the channel. --distance-km: whole Alice-Bob fibre "
        "(A = 0.2 dB/km by default; each arm L/2); --loss-db: whole channel loss; "
        "--detector-efficiency: eta_d of the relay's detectors, on each arm (default 0.145); "
        "--dark-count: pd per detector per pulse (default 3e-6); --misalignment: e_d (default "
        "0.015); --ec-efficiency: f (default 1.16); --intensity: signal mu of each party "
        "(optimised when omitted). --decoys: infinite (default), v1,v2,... fixed (both "
        "parties; Y_11 and e_11^X bounded by LPs over both bases' gains, mu optimised) or a "
        "count N >= 2 (vacuum + N-1 decoys and mu optimised per point; about 1 s per point "
        "per optimised decoy); no --pulses, no --phase-mismatch. "
        "qber = E_rect (Z basis), phase_error_rate = e_11^X (its upper bound with finite decoys)."
    ),
    supports_finite_decoys=True,
    supports_finite_key=False,
    supports_decoy_optimisation=True,
)
