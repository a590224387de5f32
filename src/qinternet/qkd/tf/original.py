"""Original twin-field QKD (Lucamarini, Yuan, Dynes, Shields 2018): **restricted-attack** model.

Historical comparator only. Wang–Yu–Hu (2018) showed that the original protocol's later phase
announcement invalidates the standard decoy formulas, so its rate rests on a restricted
security analysis: every result carries a ``"restricted-attack"`` note. The paper's own
rate formula was not available to the toolkit's authors; the toolkit model below is
[R]/toolkit and only reproduces the paper's qualitative claims.

Toolkit model (per pulse pair; ``eta`` overall, each arm ``t = sqrt(eta)``):

- Both parties send phase-randomised coherent states of intensity ``mu`` with one of ``M``
  global phase slices and a random basis; rounds with matching slices (1/M) and bases (1/2)
  are kept: rate factor ``1/(2M)``.
- After matching, gain ``Q_mu`` and bit error ``E_mu`` are those of the PM toolkit model
  (:func:`qinternet.qkd.pm.pm_terms`: a fraction ``e_d`` of the light exits the wrong port;
  the in-slice phase mismatch is ignored).
- Single-photon term (total photon number Poisson(2 mu), restricted attack: phase error =
  bit error of single-photon events)::

      Q_1 = 2 mu e^{-2 mu} Y_1,   Y_1 = (1 - t) 2pd(1 - pd) + t (1 - pd)
      e_1 = [(1 - t) pd (1 - pd) + t (1 - pd) e_d] / Y_1
      R = (1 / (2M)) [ Q_1 (1 - h(e_1)) - f Q_mu h(E_mu) ]
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from qinternet._validation import require_in_range, require_int
from qinternet.entropy import binary_entropy
from qinternet.qkd._inputs import (
    channel_transmissivity_array,
    key_rate_results,
    validate_devices,
)
from qinternet.qkd._optimize import maximise_1d
from qinternet.qkd.results import KeyRateResult, ParamValue
from qinternet.qkd.tf._pm_model import pm_terms
from qinternet.qkd.tf._transmittance import total_transmittance

__all__ = ["RESTRICTED_ATTACK_NOTE", "lucamarini2018_evaluate", "lucamarini2018_key_rate"]

FloatArray = npt.NDArray[np.float64]

#: Flag carried by every result of this module.
RESTRICTED_ATTACK_NOTE = (
    "restricted-attack: original TF-QKD (Lucamarini et al. 2018) security analysis covers a "
    "restricted class of attacks; toolkit rate model, not the paper's formula"
)
#: Default number of global phase slices M.
DEFAULT_PHASE_SLICES = 16
#: Search interval of the intensity of each party.
MU_BOUNDS = (1e-4, 2.0)


def _rate(eta: npt.ArrayLike, mu: npt.ArrayLike, *, dark_count: float, misalignment: float,
          ec_efficiency: float, phase_slices: int) -> tuple[FloatArray, FloatArray, FloatArray]:
    eta_a = np.asarray(eta, dtype=np.float64)
    mu_a = np.asarray(mu, dtype=np.float64)
    pd = dark_count
    t = np.sqrt(eta_a)
    terms = pm_terms(eta_a, mu_a, dark_count=pd, misalignment=misalignment,
                     ec_efficiency=ec_efficiency, phase_slices=2)
    y1 = (1.0 - t) * 2.0 * pd * (1.0 - pd) + t * (1.0 - pd)
    e1_num = (1.0 - t) * pd * (1.0 - pd) + t * (1.0 - pd) * misalignment
    e1 = np.clip(np.divide(e1_num, y1, out=np.full(np.broadcast(e1_num, y1).shape, 0.5),
                           where=y1 > 0), 0.0, 0.5)
    q1 = 2.0 * mu_a * np.exp(-2.0 * mu_a) * y1
    rate = (q1 * (1.0 - binary_entropy(e1))
            - ec_efficiency * terms.gain * binary_entropy(terms.qber_z)) / (2.0 * phase_slices)
    return np.asarray(rate, dtype=np.float64), terms.qber_z, np.asarray(e1, dtype=np.float64)


def lucamarini2018_key_rate(
    channel_transmissivity: npt.ArrayLike,
    *,
    mu: float,
    detector_efficiency: float = 1.0,
    dark_count: float = 1e-8,
    misalignment: float = 0.02,
    ec_efficiency: float = 1.16,
    phase_slices: int = DEFAULT_PHASE_SLICES,
) -> FloatArray:
    """Restricted-attack key rate of the original TF-QKD at fixed intensity (toolkit model).

    Parameters
    ----------
    channel_transmissivity : array_like
        Alice–Bob channel transmissivity, detector *not* included, in [0, 1]; the model's
        ``eta = channel_transmissivity * detector_efficiency``, each arm sqrt(eta).
    mu : float
        Intensity (mean photon number) of each party, > 0.
    detector_efficiency : float
        Detector efficiency folded into the channel, in (0, 1]. Default 1.
    dark_count : float
        Dark-count probability per detector per pulse, in [0, 1).
    misalignment : float
        Interference misalignment e_d, in [0, 1/2].
    ec_efficiency : float
        Error-correction inefficiency f >= 1.
    phase_slices : int
        Number M of global phase slices (16 in the paper's discussion [R]).

    Returns
    -------
    ndarray of float
        Key rate in bits per pulse pair, ``max(R, 0)``, valid only against restricted attacks.

    Raises
    ------
    InvalidParameterError
        If a parameter is out of range.

    Notes
    -----
    Model in the module docstring. It scales as ``sqrt(eta)`` (one photon crosses one arm).

    References
    ----------
    .. [1] M. Lucamarini, Z. L. Yuan, J. F. Dynes, A. J. Shields, "Overcoming the rate–distance
       limit of quantum key distribution without quantum repeaters", Nature 557, 400 (2018),
       arXiv:1811.06826 — claims [V, abstract]; rate formula not seen, toolkit model [R].
    .. [2] X.-B. Wang, Z.-W. Yu, X.-L. Hu, PRA 98, 062323 (2018) [V, abstract]: the decoy
       formulas do not apply to the original protocol (hence the restricted-attack flag).

    Examples
    --------
    Ideal devices at 40 dB: ``R = 2 mu e^{-2 mu} t / (2M)``:

    >>> float(lucamarini2018_key_rate(1e-4, mu=0.5, dark_count=0.0, misalignment=0.0)[()])
    ... # doctest: +ELLIPSIS
    0.000114962...
    """
    eta_a = total_transmittance(channel_transmissivity, detector_efficiency)
    require_in_range("mu", mu, 0.0, math.inf, low_inclusive=False, high_inclusive=False)
    validate_devices(dark_count=dark_count, misalignment=misalignment, ec_efficiency=ec_efficiency)
    require_int("phase_slices", phase_slices, minimum=1)
    rate, _, _ = _rate(eta_a, mu, dark_count=dark_count, misalignment=misalignment,
                       ec_efficiency=ec_efficiency, phase_slices=phase_slices)
    return np.asarray(np.maximum(rate, 0.0), dtype=np.float64)


def lucamarini2018_evaluate(
    channel_transmissivity: npt.ArrayLike,
    *,
    detector_efficiency: float = 1.0,
    dark_count: float = 1e-8,
    misalignment: float = 0.02,
    ec_efficiency: float = 1.16,
    phase_slices: int = DEFAULT_PHASE_SLICES,
    mu: float | None = None,
) -> list[KeyRateResult]:
    """Restricted-attack original TF-QKD rate per channel transmissivity, ``mu`` optimised.

    Parameters
    ----------
    channel_transmissivity : array_like
        1-d array of Alice–Bob channel transmissivities (detector not included), in [0, 1].
    detector_efficiency : float
        Folded into the channel: ``eta = channel * detector_efficiency``, in (0, 1].
    dark_count, misalignment, ec_efficiency, phase_slices
        As :func:`lucamarini2018_key_rate`.
    mu : float, optional
        Fixed intensity; optimised (log-grid then bounded Brent) when None.

    Returns
    -------
    list of KeyRateResult
        ``protocol = "tf-lucamarini2018"``, every one with the ``restricted-attack`` note;
        ``qber`` = E_mu, ``phase_error_rate`` = e_1 (restricted attack: = single-photon bit
        error).

    Raises
    ------
    InvalidParameterError
        If a parameter is out of range.
    SolverError
        If the optimiser fails.

    References
    ----------
    .. [1] Lucamarini et al., Nature 557, 400 (2018) [V, abstract]; toolkit model [R].
    """
    channel = channel_transmissivity_array(channel_transmissivity)
    eta_d = require_in_range("detector_efficiency", detector_efficiency, 0.0, 1.0,
                             low_inclusive=False)
    validate_devices(dark_count=dark_count, misalignment=misalignment, ec_efficiency=ec_efficiency)
    require_int("phase_slices", phase_slices, minimum=1)
    eta = channel * eta_d
    def rate_at(e: FloatArray, m: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
        return _rate(e, m, dark_count=dark_count, misalignment=misalignment,
                     ec_efficiency=ec_efficiency, phase_slices=phase_slices)

    if mu is None:
        mu_opt, _ = maximise_1d(lambda e, m: rate_at(e, m)[0], eta, *MU_BOUNDS)
    else:
        require_in_range("mu", mu, 0.0, math.inf, low_inclusive=False, high_inclusive=False)
        mu_opt = np.full(eta.shape, float(mu))
    rate, qber, e1 = rate_at(eta, mu_opt)
    parameters: list[dict[str, ParamValue]] = [{
        "total_transmissivity": float(eta[i]),
        "dark_count_probability": dark_count,
        "misalignment_e_d": misalignment,
        "phase_slices_m": phase_slices,
        "restricted_attack": True,
    } for i in range(channel.size)]
    return key_rate_results("tf-lucamarini2018", channel, np.maximum(rate, 0.0) + 0.0, qber, e1,
                            parameters, (RESTRICTED_ATTACK_NOTE,), detector_efficiency=eta_d,
                            ec_efficiency=ec_efficiency, intensity=mu_opt,
                            intensity_optimised=mu is None)
