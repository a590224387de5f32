"""Asymptotic secret-key fractions of Werner states (BB84, six-state) and thresholds.

A Werner state ``w |Psi><Psi| + (1-w) I/4`` has QBER ``Q = (1-w)/2`` in every basis. The key
fraction is taken of the *average* delivered state; the key rate of a repeater chain is
``r(W) / E[T]`` (see :func:`secret_key_rate`). Entropies are in bits (log2); the natural-log
variant of the public cut-off code is available only as ``entropy_base="e"`` to reproduce legacy
numbers, and is documented as a reproduction of a known bug.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import numpy.typing as npt
from scipy.optimize import brentq
from scipy.special import xlogy

from qinternet._validation import require_positive
from qinternet.errors import InvalidParameterError

__all__ = [
    "EntropyBase",
    "KeyProtocol",
    "bb84_key_fraction",
    "key_fraction",
    "key_fraction_threshold",
    "secret_key_rate",
    "six_state_key_fraction",
]

#: Key-distillation protocol applied to the delivered Werner state.
KeyProtocol = Literal["bb84", "six-state"]
#: Logarithm base of the entropies: "2" (correct, bits) or "e" (legacy bug reproduction).
EntropyBase = Literal["2", "e"]


def _log_factor(entropy_base: str) -> float:
    if entropy_base == "2":
        return float(np.log(2.0))
    if entropy_base == "e":
        return 1.0
    raise InvalidParameterError("entropy_base", entropy_base, "must be '2' or 'e'")


def _werner_array(werner: npt.ArrayLike) -> npt.NDArray[np.float64]:
    w = np.asarray(werner, dtype=np.float64)
    bad = ~np.isfinite(w) | (w < 0.0) | (w > 1.0)
    if np.any(bad):
        raise InvalidParameterError("werner", float(w[bad].ravel()[0]) if w.ndim else float(w),
                                    "must be in [0, 1]")
    return w


def _h(x: npt.NDArray[np.float64], log_factor: float) -> npt.NDArray[np.float64]:
    return np.asarray(-(xlogy(x, x) + xlogy(1.0 - x, 1.0 - x)) / log_factor, dtype=np.float64)


def bb84_key_fraction(
    werner: npt.ArrayLike, *, entropy_base: EntropyBase = "2"
) -> npt.NDArray[np.float64]:
    """Asymptotic BB84 secret fraction of a Werner state, ``max(0, 1 - 2 h((1-w)/2))``.

    Parameters
    ----------
    werner : array_like
        Werner parameter(s) w in [0, 1] (dimensionless).
    entropy_base : {"2", "e"}
        "2" (default): binary entropy in bits, the correct fraction (secret bits per state).
        "e": natural-log "entropy", reproducing the public cut-off code (a known bug).

    Returns
    -------
    ndarray of float
        Secret bits per delivered state (no sifting factor: efficient BB84).

    Raises
    ------
    InvalidParameterError
        If a Werner parameter is outside [0, 1] or ``entropy_base`` is unknown.

    References
    ----------
    .. [1] B. Li, T. Coopmans, D. Elkouss, "Efficient optimization of cut-offs in quantum repeater
       chains", arXiv:2005.04946, public code BoxiLi/repeater-cut-off-optimization @ c9245ed
       (secret-key fraction with e_X = e_Z = (1-w)/2) [V, impl]; Li-Coopmans-Elkouss 2021
    .. [2] P. W. Shor, J. Preskill, PRL 85, 441 (2000) (asymptotic 1 - 2h(Q)) [R, standard].

    Examples
    --------
    >>> round(float(bb84_key_fraction(0.95)), 9)     # repeaters.json Q1
    0.662678137
    """
    w = _werner_array(werner)
    q = (1.0 - w) / 2.0
    return np.asarray(np.maximum(0.0, 1.0 - 2.0 * _h(q, _log_factor(entropy_base))),
                      dtype=np.float64)


def six_state_key_fraction(
    werner: npt.ArrayLike, *, entropy_base: EntropyBase = "2"
) -> npt.NDArray[np.float64]:
    """Asymptotic six-state secret fraction of a Werner state, ``max(0, 1 - H(lambda))``.

    ``lambda = ((1+3w)/4, (1-w)/4, (1-w)/4, (1-w)/4)`` are the Bell-diagonal weights; for Werner
    states this equals the hashing bound.

    Parameters
    ----------
    werner : array_like
        Werner parameter(s) w in [0, 1].
    entropy_base : {"2", "e"}
        Logarithm base of the entropy (default "2": bits).

    Returns
    -------
    ndarray of float
        Secret bits per delivered state (sifting factor 1).

    Raises
    ------
    InvalidParameterError
        If a Werner parameter is outside [0, 1].

    References
    ----------
    .. [1] H.-K. Lo, "Proof of unconditional security of six-state quantum key distribution
       scheme", Quantum Inf. Comput. 1, 81 (2001), arXiv:quant-ph/0102138 [R, standard];
       Li-Coopmans-Elkouss 2021 (values [C]).

    Examples
    --------
    >>> round(float(six_state_key_fraction(0.9)), 9)    # repeaters.json Q2
    0.496816268
    """
    w = _werner_array(werner)
    lf = _log_factor(entropy_base)
    lam0 = (1.0 + 3.0 * w) / 4.0
    lam1 = (1.0 - w) / 4.0
    entropy = -(xlogy(lam0, lam0) + 3.0 * xlogy(lam1, lam1)) / lf
    return np.asarray(np.maximum(0.0, 1.0 - entropy), dtype=np.float64)


def key_fraction(
    werner: npt.ArrayLike, protocol: KeyProtocol = "bb84", *, entropy_base: EntropyBase = "2"
) -> npt.NDArray[np.float64]:
    """Secret fraction of ``protocol`` ("bb84" or "six-state") for Werner parameter(s).

    Dispatches to :func:`bb84_key_fraction` or :func:`six_state_key_fraction`.

    Parameters
    ----------
    werner : array_like
        Werner parameter(s) in [0, 1].
    protocol : {"bb84", "six-state"}
        Key protocol.
    entropy_base : {"2", "e"}
        Logarithm base (default "2").

    Returns
    -------
    ndarray of float
        Secret bits per delivered state.

    Raises
    ------
    InvalidParameterError
        If ``protocol`` is unknown or a Werner parameter is invalid.

    References
    ----------
    .. [1] Li-Coopmans-Elkouss 2021 (BB84 [V, impl], six-state [R, standard]).

    Examples
    --------
    >>> round(float(key_fraction(0.8, "six-state")), 9)
    0.15241532
    """
    funcs = {"bb84": bb84_key_fraction, "six-state": six_state_key_fraction}
    if protocol not in funcs:
        raise InvalidParameterError("protocol", protocol, "must be 'bb84' or 'six-state'")
    return funcs[protocol](werner, entropy_base=entropy_base)


def secret_key_rate(
    mean_werner: float,
    mean_waiting_time_steps: float,
    protocol: KeyProtocol = "bb84",
    *,
    entropy_base: EntropyBase = "2",
) -> float:
    """Secret-key rate of a repeater chain, ``r(W) / E[T]`` in secret bits per time step.

    Parameters
    ----------
    mean_werner : float
        Werner parameter of the average delivered state, in [0, 1].
    mean_waiting_time_steps : float
        Mean delivery time E[T] in time steps (> 0).
    protocol : {"bb84", "six-state"}
        Key protocol (default BB84).
    entropy_base : {"2", "e"}
        Logarithm base (default "2": bits; "e" reproduces the legacy natural-log bug).

    Returns
    -------
    float
        Secret bits per time step (one step = one elementary-link attempt).

    Raises
    ------
    InvalidParameterError
        If ``mean_waiting_time_steps`` is not positive or ``mean_werner`` outside [0, 1].

    References
    ----------
    .. [1] B. Li, T. Coopmans, D. Elkouss, arXiv:2005.04946, public code @ c9245ed (key rate
       r(W)/E[T]) [V, impl]; log2 correction as in the LorenzoLaCorte fork c50ed99.

    Examples
    --------
    >>> round(secret_key_rate(0.9, 10.0), 10)
    0.0427206086
    """
    t = require_positive("mean_waiting_time_steps", mean_waiting_time_steps)
    return float(key_fraction(mean_werner, protocol, entropy_base=entropy_base)) / t


def key_fraction_threshold(
    protocol: KeyProtocol = "bb84", *, entropy_base: EntropyBase = "2"
) -> float:
    """Smallest Werner parameter with a positive secret fraction (root of ``r(w) = 0``).

    Parameters
    ----------
    protocol : {"bb84", "six-state"}
        Key protocol.
    entropy_base : {"2", "e"}
        Logarithm base.

    Returns
    -------
    float
        Threshold Werner parameter w* (QBER threshold is ``(1 - w*)/2``).

    Raises
    ------
    InvalidParameterError
        If ``protocol`` or ``entropy_base`` is unknown.

    References
    ----------
    .. [1] Li-Coopmans-Elkouss 2021 thresholds [C]: BB84 w* = 0.779944, six-state w* = 0.747614.
    .. [2] O. Kern, J. M. Renes, arXiv:0712.1494, Sec. 1: QBER thresholds 11.0028 % (BB84,
       Shor-Preskill) and 12.6193 % (six-state, Lo 2001) [V: agrees with Q* = (1 - w*)/2 here].

    Examples
    --------
    >>> round(key_fraction_threshold("bb84"), 8)                # repeaters.json Q3
    0.77994427
    """
    lf = _log_factor(entropy_base)
    if protocol == "bb84":
        def f(w: float) -> float:
            return float(1.0 - 2.0 * _h(np.asarray((1.0 - w) / 2.0), lf))
    elif protocol == "six-state":
        def f(w: float) -> float:
            lam0, lam1 = (1.0 + 3.0 * w) / 4.0, (1.0 - w) / 4.0
            return float(1.0 + (xlogy(lam0, lam0) + 3.0 * xlogy(lam1, lam1)) / lf)
    else:
        raise InvalidParameterError("protocol", protocol, "must be 'bb84' or 'six-state'")
    return float(brentq(f, 0.3, 1.0 - 1e-12, xtol=1e-15, rtol=1e-15))
