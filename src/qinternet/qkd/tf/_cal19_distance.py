"""CAL19 crossing loss with PLOB and maximum loss (asymptotic, infinite decoys, alpha^2 optimised).

Both are roots of a smooth function of the loss in dB: a vectorised grid locates the sign change,
then Brent's method refines it. The optimised *signed* rate (before clamping at 0) is used, so
the root near the maximum loss is a clean sign change rather than the edge of a zero plateau.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from scipy.optimize import brentq

from qinternet.channels.capacities import plob_bound
from qinternet.errors import SolverError
from qinternet.qkd._optimize import maximise_log_grid
from qinternet.qkd.tf._cal19_model import (
    Cal19Device,
    key_rate_from_rates,
    phase_error_upper_bound,
    x_basis_error_rate,
    x_basis_gain,
)
from qinternet.qkd.tf._cal19_yields import photon_number_yields
from qinternet.units import loss_db_to_transmissivity

__all__ = ["cal19_max_loss_db", "cal19_plob_crossing_loss_db", "optimised_signed_rate"]

FloatArray = npt.NDArray[np.float64]


def optimised_signed_rate(loss_db: npt.ArrayLike, device: Cal19Device,
                          truncation_s: int = 8) -> FloatArray:
    """Maximum over alpha^2 of the *unclamped* asymptotic CAL19 rate (bits per pulse pair).

    Parameters
    ----------
    loss_db : array_like
        Overall Alice-Bob loss in dB (detector included), 1-d.
    device : Cal19Device
        Device model.
    truncation_s : int, optional
        Box truncation of the phase-error sum (infinite decoys).

    Returns
    -------
    ndarray
        Signed optimum: positive where a key is possible, negative beyond the maximum loss.

    Raises
    ------
    None
        Inputs are trusted.

    References
    ----------
    .. [1] Curty, Azuma, Lo, npj Quantum Inf. 5, 64 (2019), arXiv:1807.07667 [V, impl];
       CAL19
    """
    eta = loss_db_to_transmissivity(np.atleast_1d(np.asarray(loss_db, dtype=np.float64)))
    yields = photon_number_yields(eta, truncation_s, device)

    def rate(a2: FloatArray) -> FloatArray:
        e = eta[:, None]
        gain = x_basis_gain(e, a2, device)
        e_z = phase_error_upper_bound(yields[:, None], a2, gain)
        return key_rate_from_rates(gain, x_basis_error_rate(e, a2, device), e_z,
                                   device.ec_efficiency, clamp=False)

    return maximise_log_grid(rate, eta.size, 1e-4, 0.3, grid_points=80)[1]


def _root(fun: object, grid: FloatArray, values: FloatArray, what: str) -> float:
    sign = np.sign(values)
    change = np.nonzero(sign[:-1] * sign[1:] < 0)[0]
    if change.size == 0:
        raise SolverError("no sign change", f"{what}: no root in [{grid[0]}, {grid[-1]}] dB")
    i = int(change[0])
    return float(brentq(fun, grid[i], grid[i + 1], xtol=1e-6))


def cal19_plob_crossing_loss_db(device: Cal19Device | None = None, *, low_db: float = 5.0,
                                high_db: float = 80.0) -> float:
    """Overall loss (dB) above which the optimised CAL19 rate beats PLOB(eta).

    Parameters
    ----------
    device : Cal19Device, optional
        Device model (default: the Curty-Azuma-Lo reference set, f = 1.16).
    low_db, high_db : float, optional
        Search interval in dB.

    Returns
    -------
    float
        Crossing loss in dB (PLOB on the same overall eta, detector efficiency 1).

    Raises
    ------
    SolverError
        If no crossing lies in the interval.

    References
    ----------
    .. [1] CAL19 (34.81 dB for f = 1, 35.41 dB for f = 1.16; case C5 [C]).

    Examples
    --------
    >>> round(cal19_plob_crossing_loss_db(), 2)
    35.41
    """
    dev = Cal19Device() if device is None else device
    grid = np.linspace(low_db, high_db, 76)

    def gap(x: FloatArray) -> FloatArray:
        return np.log(np.maximum(optimised_signed_rate(x, dev), 1e-300)) - np.log(
            plob_bound(loss_db_to_transmissivity(np.asarray(x))))

    return _root(lambda x: float(gap(np.array([x]))[0]), grid, gap(grid), "PLOB crossing")


def cal19_max_loss_db(device: Cal19Device | None = None, *, low_db: float = 20.0,
                      high_db: float = 160.0) -> float:
    """Largest overall loss (dB) with a positive optimised CAL19 rate.

    Parameters
    ----------
    device : Cal19Device, optional
        Device model (default: the Curty-Azuma-Lo reference set, f = 1.16).
    low_db, high_db : float, optional
        Search interval in dB.

    Returns
    -------
    float
        Maximum loss in dB.

    Raises
    ------
    SolverError
        If the rate does not change sign in the interval.

    References
    ----------
    .. [1] CAL19 (102.2 dB for f = 1, 100.8 dB for f = 1.16; case C6 [C]).

    Examples
    --------
    >>> round(cal19_max_loss_db(), 1)
    100.8
    """
    dev = Cal19Device() if device is None else device
    grid = np.linspace(low_db, high_db, 141)
    return _root(lambda x: float(optimised_signed_rate([x], dev)[0]), grid,
                 optimised_signed_rate(grid, dev), "maximum loss")
