"""Channel to model transmittance of the twin-field rate functions (one convention, one place).

Every public twin-field ``*_key_rate`` takes the Alice–Bob ``channel_transmissivity`` (detector
*not* included) and a keyword ``detector_efficiency`` (default 1); their model formulas take the
total transmittance ``eta = channel_transmissivity * detector_efficiency`` (each arm
``sqrt(eta)``). The private model functions (``pm_terms``, ``sns_terms``, the CAL19 internals)
keep taking the total ``eta``.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from qinternet._validation import require_in_range
from qinternet.qkd._inputs import transmittance_array

__all__ = ["check_detector_efficiency", "total_transmittance"]

FloatArray = npt.NDArray[np.float64]


def check_detector_efficiency(detector_efficiency: float) -> float:
    """Validate a detector efficiency in (0, 1] (error naming ``detector_efficiency``).

    >>> check_detector_efficiency(0.5)
    0.5
    """
    return require_in_range("detector_efficiency", detector_efficiency, 0.0, 1.0,
                            low_inclusive=False)


def total_transmittance(channel_transmissivity: npt.ArrayLike,
                        detector_efficiency: float) -> FloatArray:
    """``eta = channel_transmissivity * detector_efficiency``, both validated (any shape).

    Errors name ``channel_transmissivity`` (in [0, 1]) and ``detector_efficiency`` (in
    (0, 1]); scalars give 0-d arrays. With ``detector_efficiency = 1`` the channel is returned
    unchanged (bit for bit).

    >>> total_transmittance([0.5, 1e-3], 0.5).tolist()
    [0.25, 0.0005]
    """
    channel = transmittance_array(channel_transmissivity, "channel_transmissivity")
    eta_d = check_detector_efficiency(detector_efficiency)
    return np.asarray(channel * eta_d, dtype=np.float64)
