"""Bell-diagonal two-qubit states: correlators, memory noise, swap, BBPSSW / DEJMPS, key fractions.

A Bell-diagonal state is ``sum_P lambda_P (P x I)|Phi+><Phi+|(P x I)`` over the Pauli errors
``P in (I, X, Y, Z)``, i.e. the Bell states ``(Phi+, Psi+, Psi-, Phi-)``. Its *correlators*
``chi = (<XX>, -<YY>, <ZZ>)`` (signs relative to ``Phi+``) are the characters of the error
distribution: ``chi_X = l_I + l_X - l_Y - l_Z``, ``chi_Y = l_I - l_X + l_Y - l_Z``,
``chi_Z = l_I - l_X - l_Y + l_Z``. In this basis

* a Werner state of parameter ``w`` has ``chi = (w, w, w)``;
* a swap with a perfect Bell measurement composes the errors, so correlators multiply:
  ``chi_out = chi_A * chi_B`` (the Werner rule ``w_A w_B``);
* a depolarising memory multiplies every correlator by ``exp(-dt/T_dep)``; a dephasing memory
  (Z errors) multiplies ``chi_X`` and ``chi_Y`` by ``exp(-dt/T_deph)`` and keeps ``chi_Z``;
* QBERs: ``e_Z = (1 - chi_Z)/2`` (Z-basis outcomes differ under X or Y errors),
  ``e_X = (1 - chi_X)/2``.

References
----------
.. [1] H.-J. Briegel, W. Dür, J. I. Cirac, P. Zoller, PRL 81, 5932 (1998); W. Dür, H.-J. Briegel,
   J. I. Cirac, P. Zoller, PRA 59, 169 (1999) (swapping Bell-diagonal states composes Pauli
   errors) [R]; character form derived here and checked against a density-matrix swap [D].
.. [2] C. H. Bennett, G. Brassard, S. Popescu, B. Schumacher, J. A. Smolin, W. K. Wootters,
   PRL 76, 722 (1996) (BBPSSW) [R]; D. Deutsch, A. Ekert, R. Jozsa, C. Macchiavello,
   S. Popescu, A. Sanpera, PRL 77, 2818 (1996) (DEJMPS, Eq. (8)-(9) form recalled) [R]; both
   checked against a 4-qubit density-matrix simulation of the circuits in the tests [D].
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from qinternet._validation import require_probability_vector
from qinternet.errors import InvalidParameterError
from qinternet.repeaters.keyrate import EntropyBase

__all__ = [
    "BBPSSW_FORMS",
    "DEJMPS_FORMS",
    "bb84_key_fraction_bell",
    "bbpssw",
    "bell_from_correlators",
    "correlators_from_bell",
    "dejmps",
    "six_state_key_fraction_bell",
    "werner_bell",
]

FloatArray = npt.NDArray[np.float64]

#: lambda = L @ (1, chi_X, chi_Y, chi_Z), rows (I, X, Y, Z); L @ L = I / 4.
_L = 0.25 * np.array([[1, 1, 1, 1], [1, 1, -1, -1], [1, -1, 1, -1], [1, -1, -1, 1]],
                     dtype=np.float64)


def werner_bell(werner: float) -> tuple[float, float, float, float]:
    """Bell coefficients ``((1+3w)/4, (1-w)/4, (1-w)/4, (1-w)/4)`` of a Werner state.

    >>> werner_bell(1.0)
    (1.0, 0.0, 0.0, 0.0)
    """
    return ((1.0 + 3.0 * werner) / 4.0,) + ((1.0 - werner) / 4.0,) * 3


def correlators_from_bell(bell: tuple[float, float, float, float]) -> tuple[float, float, float]:
    """Correlators ``(chi_X, chi_Y, chi_Z)`` of Bell coefficients ``(l_I, l_X, l_Y, l_Z)``.

    Raises
    ------
    InvalidParameterError
        If the coefficients are not a probability vector of length 4.

    References
    ----------
    .. [1] Module references [1] [D].

    Examples
    --------
    >>> correlators_from_bell((0.85, 0.05, 0.05, 0.05))
    (0.8, 0.8, 0.8)
    """
    lam = np.asarray(require_probability_vector("bell_diagonal", bell, length=4))
    chi = 4.0 * (_L @ lam)
    return (round(float(chi[1]), 15), round(float(chi[2]), 15), round(float(chi[3]), 15))


def bell_from_correlators(chi: npt.ArrayLike) -> FloatArray:
    """Bell coefficients ``(l_I, l_X, l_Y, l_Z)`` from correlators (last axis of length 3)."""
    c = np.asarray(chi, dtype=np.float64)
    if c.shape[-1] != 3:
        raise InvalidParameterError("chi", c.shape, "must have 3 entries on the last axis")
    ones = np.ones((*c.shape[:-1], 1))
    return np.asarray(np.concatenate([ones, c], axis=-1) @ _L.T, dtype=np.float64)


def _bilinear(q: list[tuple[int, int, float]]) -> FloatArray:
    """Matrix M over (1, chi)_A x (1, chi)_B of the bilinear form sum c lambda_A[i] lambda_B[j]."""
    mat = np.zeros((4, 4))
    for i, j, c in q:
        mat[i, j] += c
    return np.asarray(_L.T @ mat @ _L, dtype=np.float64)


# Bell-coefficient indices: I = Phi+, X = Psi+, Y = Psi-, Z = Phi-. DEJMPS (Deutsch et al.):
# A = Phi+, B = Psi-, C = Psi+, D = Phi-; N = (A1+B1)(A2+B2) + (C1+D1)(C2+D2);
# A' = (A1A2 + B1B2)/N, B' = (C1D2 + D1C2)/N, C' = (C1C2 + D1D2)/N, D' = (A1B2 + B1A2)/N.
_I, _X, _Y, _Z = 0, 1, 2, 3
_DEJ_N = [(a, b, 1.0) for a in (_I, _Y) for b in (_I, _Y)] + \
         [(a, b, 1.0) for a in (_X, _Z) for b in (_X, _Z)]
_DEJ_OUT = {
    _I: [(_I, _I, 1.0), (_Y, _Y, 1.0)],
    _Y: [(_X, _Z, 1.0), (_Z, _X, 1.0)],
    _X: [(_X, _X, 1.0), (_Z, _Z, 1.0)],
    _Z: [(_I, _Y, 1.0), (_Y, _I, 1.0)],
}


def _chi_forms(lam_forms: dict[int, FloatArray]) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Forms of N chi_k from forms of N lambda_m: chi_k = 4 sum_m L[k, m] lambda_m."""
    out = []
    for k in (1, 2, 3):
        out.append(sum(4.0 * _L[k, m] * lam_forms[m] for m in range(4)))
    return (np.asarray(out[0]), np.asarray(out[1]), np.asarray(out[2]))


#: DEJMPS as bilinear forms over (1, chi)_A x (1, chi)_B: (success, (N chi_X, N chi_Y, N chi_Z)).
DEJMPS_FORMS: tuple[FloatArray, tuple[FloatArray, FloatArray, FloatArray]] = (
    _bilinear(_DEJ_N), _chi_forms({m: _bilinear(q) for m, q in _DEJ_OUT.items()}))

_TW = np.array([0.0, 1.0, 1.0, 1.0]) / 3.0   # twirled Werner parameter (chi_X+chi_Y+chi_Z)/3
_E0 = np.array([1.0, 0.0, 0.0, 0.0])
_BB_N = 0.5 * np.outer(_E0, _E0) + 0.5 * np.outer(_TW, _TW)
_BB_W = (np.outer(_TW, _E0) + np.outer(_E0, _TW) + 4.0 * np.outer(_TW, _TW)) / 6.0
#: BBPSSW (twirled inputs and output): p = (1 + wA wB)/2, p w' = (wA + wB + 4 wA wB)/6.
BBPSSW_FORMS: tuple[FloatArray, tuple[FloatArray, FloatArray, FloatArray]] = (
    _BB_N, (_BB_W, _BB_W, _BB_W))


def _apply(forms: tuple[FloatArray, tuple[FloatArray, FloatArray, FloatArray]],
           chi_a: tuple[float, float, float], chi_b: tuple[float, float, float]
           ) -> tuple[float, tuple[float, float, float]]:
    va = np.array((1.0, *chi_a))
    vb = np.array((1.0, *chi_b))
    p = float(va @ forms[0] @ vb)
    chi = tuple(float(va @ f @ vb) / p for f in forms[1])
    return p, (chi[0], chi[1], chi[2])


def dejmps(chi_a: tuple[float, float, float], chi_b: tuple[float, float, float]
           ) -> tuple[float, tuple[float, float, float]]:
    """DEJMPS recurrence on two Bell-diagonal links: success probability, output correlators.

    Parameters
    ----------
    chi_a, chi_b : tuple of 3 floats
        Correlators ``(chi_X, chi_Y, chi_Z)`` of the two input links.

    Returns
    -------
    p_success : float
        ``N = (A1+B1)(A2+B2) + (C1+D1)(C2+D2)`` with ``A, B, C, D`` the Phi+, Psi-, Psi+, Phi-
        coefficients.
    chi_out : tuple of 3 floats
        Correlators of the kept link.

    References
    ----------
    .. [1] D. Deutsch et al., PRL 77, 2818 (1996) [R]; checked against a density-matrix
       simulation of the circuit (bilateral rotations, bilateral CNOT, Z measurement of the
       target pair) in the tests [D].

    Examples
    --------
    >>> p, chi = dejmps((0.8, 0.8, 0.8), (0.8, 0.8, 0.8))
    >>> round(p, 6), tuple(round(c, 6) for c in chi)
    (0.82, (0.780488, 0.780488, 0.97561))
    """
    return _apply(DEJMPS_FORMS, chi_a, chi_b)


def bbpssw(chi_a: tuple[float, float, float], chi_b: tuple[float, float, float]
           ) -> tuple[float, tuple[float, float, float]]:
    """BBPSSW on twirled inputs: ``p = (1 + wA wB)/2``, ``w' = (wA + wB + 4 wA wB)/(6 p)``.

    References
    ----------
    .. [1] C. H. Bennett et al., PRL 76, 722 (1996) [R]; Werner form as in
       :class:`~qinternet.repeaters.chain.NestedChain` [D].

    Examples
    --------
    >>> p, chi = bbpssw((0.8, 0.8, 0.8), (0.8, 0.8, 0.8))
    >>> round(p, 6), round(chi[0], 6)
    (0.82, 0.845528)
    """
    return _apply(BBPSSW_FORMS, chi_a, chi_b)


def _h(x: FloatArray, base: EntropyBase) -> FloatArray:
    from scipy.special import xlogy

    log = np.log(2.0) if base == "2" else 1.0
    return np.asarray(-(xlogy(x, x) + xlogy(1.0 - x, 1.0 - x)) / log, dtype=np.float64)


def bb84_key_fraction_bell(qber_z: npt.ArrayLike, qber_x: npt.ArrayLike, *,
                           entropy_base: EntropyBase = "2") -> FloatArray:
    """Asymptotic BB84 secret fraction ``max(0, 1 - h(e_Z) - h(e_X))`` (key from Z).

    Equals :func:`~qinternet.repeaters.keyrate.bb84_key_fraction` for ``e_Z = e_X = (1-w)/2``.

    References
    ----------
    .. [1] P. W. Shor, J. Preskill, PRL 85, 441 (2000) [R, standard]; spec repeaters.md §4.

    Examples
    --------
    >>> float(bb84_key_fraction_bell(0.0, 0.11)) > 0.0, float(bb84_key_fraction_bell(0.0, 0.5))
    (True, 0.0)
    """
    ez = np.clip(np.asarray(qber_z, dtype=np.float64), 0.0, 1.0)
    ex = np.clip(np.asarray(qber_x, dtype=np.float64), 0.0, 1.0)
    return np.asarray(np.maximum(0.0, 1.0 - _h(ez, entropy_base) - _h(ex, entropy_base)),
                      dtype=np.float64)


def six_state_key_fraction_bell(bell: npt.ArrayLike, *, entropy_base: EntropyBase = "2"
                                ) -> FloatArray:
    """Six-state secret fraction ``max(0, 1 - H(lambda))`` of a Bell-diagonal state.

    References
    ----------
    .. [1] H.-K. Lo, Quantum Inf. Comput. 1, 81 (2001); spec repeaters.md §4 (Werner form)
       [R, standard].

    Examples
    --------
    >>> float(six_state_key_fraction_bell([1.0, 0.0, 0.0, 0.0]))
    1.0
    """
    from scipy.special import xlogy

    lam = np.clip(np.asarray(bell, dtype=np.float64), 0.0, 1.0)
    log = np.log(2.0) if entropy_base == "2" else 1.0
    entropy = -np.sum(xlogy(lam, lam), axis=-1) / log
    return np.asarray(np.maximum(0.0, 1.0 - entropy), dtype=np.float64)
