"""CAL19 asymptotic key rate along an array of transmittances, and its result type.

Private part of the :mod:`qinternet.qkd.tf.cal19` facade; the decoy optimiser
(``_cal19_decoy_optimisation``) builds on it without importing the facade.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from qinternet._validation import require_in_range, require_int
from qinternet.errors import InvalidParameterError
from qinternet.qkd._inputs import channel_transmissivity_1d, decoy_values
from qinternet.qkd._optimize import maximise_log_grid
from qinternet.qkd.tf._cal19_decoy_lp import decoy_yield_upper_bounds
from qinternet.qkd.tf._cal19_model import (
    Cal19Device,
    Truncation,
    key_rate_from_rates,
    phase_error_upper_bound,
    x_basis_error_rate,
    x_basis_gain,
)
from qinternet.qkd.tf._cal19_yields import photon_number_yields
from qinternet.qkd.tf._transmittance import total_transmittance

FloatArray = npt.NDArray[np.float64]

__all__ = [
    "ALPHA_SQ_BOUNDS",
    "ALPHA_SQ_GRID_POINTS",
    "DEFAULT_TRUNCATION",
    "LOG_PZ_BOUNDS",
    "MAX_ALPHA_SQ",
    "Cal19Curve",
    "cal19_key_rate",
    "check_decoys",
    "check_eta",
]

#: Search interval of the optimised key-round intensity alpha^2 (mean photon number per party).
#: The lower end is well below the optimum at large misalignment or phase mismatch (the optimum
#: falls below 0.005 at, e.g., delta = 0.3 or m = 0.15 with f = 1.3).
ALPHA_SQ_BOUNDS = (1e-4, 0.3)
#: Log-grid points of the alpha^2 search (asymptotic; finite key), before golden section.
ALPHA_SQ_GRID_POINTS = (64, 28)
#: Default truncation S: infinite decoys, finite decoys (LP), finite key (CAL19).
DEFAULT_TRUNCATION = {"infinite": 8, "lp": 6, "finite": 5}
#: Largest admissible key-round intensity (cat sums use 120 Fock terms).
MAX_ALPHA_SQ = 5.0
#: Search interval of log10(1 - p_X) for the finite-key basis probability.
LOG_PZ_BOUNDS = (-6.0, math.log10(0.5))


@dataclass(frozen=True, slots=True, kw_only=True)
class Cal19Curve:
    """CAL19 rates along an array of transmittances (all arrays share one shape)."""

    #: Overall Alice-Bob transmittance used by the model (detector included).
    overall_transmissivity: FloatArray
    #: Secret key rate in bits per pulse pair (0 where no key).
    key_rate_bits_per_pulse: FloatArray
    #: Key-round mean photon number alpha^2 per party (given or optimised).
    intensity_alpha_sq: FloatArray
    #: Key-basis probability p_X (1 asymptotically).
    basis_probability_p_x: FloatArray
    #: Bit-error rate e_X of the sifted X key.
    qber: FloatArray
    #: Phase-error upper bound used in privacy amplification (clamped to 1/2).
    phase_error_rate: FloatArray
    #: X-basis gain p_X(1,0) per pulse pair.
    gain_x: FloatArray

    def to_dict(self) -> dict[str, list[float]]:
        """JSON-ready dict of plain-float lists (keys = field names, units in the names above)."""
        return {name: [float(x) for x in getattr(self, name)] for name in (
            "overall_transmissivity", "key_rate_bits_per_pulse", "intensity_alpha_sq",
            "basis_probability_p_x", "qber", "phase_error_rate", "gain_x")}


def check_eta(channel_transmissivity: npt.ArrayLike, detector_efficiency: float = 1.0
              ) -> FloatArray:
    """The model's ``eta = channel * detector_efficiency``: 1-d, channel in [0, 1], detector in
    (0, 1] (errors name ``channel_transmissivity`` and ``detector_efficiency``)."""
    return total_transmittance(channel_transmissivity_1d(channel_transmissivity),
                               detector_efficiency)


def check_decoys(decoys: Sequence[float]) -> tuple[float, ...]:
    values = decoy_values(decoys, MAX_ALPHA_SQ)
    if len(set(values)) != len(values):
        raise InvalidParameterError("decoys", decoys, "must be distinct intensities")
    return values


def cal19_key_rate(
    channel_transmissivity: npt.ArrayLike,
    *,
    detector_efficiency: float = 1.0,
    device: Cal19Device | None = None,
    intensity_alpha_sq: float | None = None,
    decoys: Sequence[float] | None = None,
    truncation_s: int | None = None,
    truncation_shape: Truncation = "box",
) -> Cal19Curve:
    """Asymptotic CAL19 key rate (p_X -> 1), infinite or finite decoys, alpha^2 optimised.

    Parameters
    ----------
    channel_transmissivity : array_like
        1-d array of Alice-Bob channel transmissivities in [0, 1], detector *not* included;
        the model's ``eta = channel_transmissivity * detector_efficiency`` (each arm has the
        square root).
    detector_efficiency : float
        Detector efficiency folded into the channel, in (0, 1]. Default 1 (the loss is then the
        overall loss, as in CAL19's plots).
    device : Cal19Device, optional
        Dark counts, misalignment, phase mismatch and f (default: the CAL19 reference set).
    intensity_alpha_sq : float, optional
        Fixed key-round mean photon number per party, in (0, 5]; ``None`` optimises it in
        :data:`ALPHA_SQ_BOUNDS` (log grid + vectorised golden section, all points at once).
    decoys : sequence of float, optional
        ``None``: infinite decoys (exact photon-number yields). Otherwise the decoy set of both
        parties (mean photon numbers); yields are bounded by the LP of CAL19
    truncation_s : int, optional
        Truncation S of the phase-error sum (default 8 for infinite decoys, 6 with the LP).
    truncation_shape : {"box", "triangle"}
        Truncation set (the tail term always uses the same set).

    Returns
    -------
    Cal19Curve
        Rates in bits per pulse pair and the parameters used (``overall_transmissivity`` is
        the model's eta, detector included).

    Raises
    ------
    InvalidParameterError
        On out-of-range inputs.
    SolverError
        If a decoy LP fails (never reported as a zero rate).

    Notes
    -----
    ``R = 2 p_X(1,0) [1 - h(e_Z) - f h(e_X)]`` with the phase-error bound of CAL19

    References
    ----------
    .. [1] M. Curty, K. Azuma, H.-K. Lo, npj Quantum Inf. 5, 64 (2019), arXiv:1807.07667,
       Eqs. (17)-(35) (arXiv v2 numbering) [V, impl]; CAL19, model values
       C-TAB [C].

    Examples
    --------
    C-TAB-50dB, f = 1.16 (rel 1e-3):

    >>> curve = cal19_key_rate([1e-5])
    >>> float(curve.key_rate_bits_per_pulse[0])
    7.468...e-05
    """
    eta = check_eta(channel_transmissivity, detector_efficiency)
    return key_rate_curve(eta, device=device, intensity_alpha_sq=intensity_alpha_sq,
                          decoys=decoys, truncation_s=truncation_s,
                          truncation_shape=truncation_shape)


def key_rate_curve(
    eta: FloatArray,
    *,
    device: Cal19Device | None = None,
    intensity_alpha_sq: float | None = None,
    decoys: Sequence[float] | None = None,
    truncation_s: int | None = None,
    truncation_shape: Truncation = "box",
) -> Cal19Curve:
    """:func:`cal19_key_rate` at the total transmittances ``eta`` (1-d, detector included)."""
    dev = Cal19Device() if device is None else device
    if truncation_shape not in ("box", "triangle"):
        raise InvalidParameterError("truncation_shape", truncation_shape,
                                    "must be 'box' or 'triangle'")
    mode = "infinite" if decoys is None else "lp"
    s = DEFAULT_TRUNCATION[mode] if truncation_s is None else require_int(
        "truncation_s", truncation_s, 1)
    if intensity_alpha_sq is not None:
        require_in_range("intensity_alpha_sq", intensity_alpha_sq, 0.0, MAX_ALPHA_SQ,
                         low_inclusive=False)
    if decoys is None:
        yields = photon_number_yields(eta, s, dev)
    else:
        dec = check_decoys(decoys)
        yields = np.stack([decoy_yield_upper_bounds(float(e), dec, dev, s,
                                                    shape=truncation_shape) for e in eta])

    def rate(a2: FloatArray, *, clamp: bool = False) -> FloatArray:
        e = eta.reshape(eta.shape + (1,) * (a2.ndim - 1))
        y = yields.reshape(e.shape + yields.shape[-2:])
        gain = x_basis_gain(e, a2, dev)
        e_z = phase_error_upper_bound(y, a2, gain, shape=truncation_shape)
        return key_rate_from_rates(gain, x_basis_error_rate(e, a2, dev), e_z,
                                   dev.ec_efficiency, clamp=clamp)

    if intensity_alpha_sq is None:
        a2_opt, _ = maximise_log_grid(rate, eta.size, *ALPHA_SQ_BOUNDS,
                                      grid_points=ALPHA_SQ_GRID_POINTS[0])
    else:
        a2_opt = np.full(eta.shape, float(intensity_alpha_sq))
    gain = x_basis_gain(eta, a2_opt, dev)
    e_z = phase_error_upper_bound(yields, a2_opt, gain, shape=truncation_shape)
    return Cal19Curve(
        overall_transmissivity=eta,
        key_rate_bits_per_pulse=rate(a2_opt, clamp=True),
        intensity_alpha_sq=a2_opt,
        basis_probability_p_x=np.ones_like(eta),
        qber=x_basis_error_rate(eta, a2_opt, dev),
        phase_error_rate=np.minimum(e_z, 0.5),
        gain_x=gain,
    )
