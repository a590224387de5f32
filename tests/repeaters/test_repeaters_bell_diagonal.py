"""Bell-diagonal algebra (issue 14, item 3) against explicit density-matrix circuits."""

from __future__ import annotations

import numpy as np
import pytest

from qinternet.repeaters.bell_diagonal import (
    bb84_key_fraction_bell,
    bbpssw,
    bell_from_correlators,
    correlators_from_bell,
    dejmps,
    six_state_key_fraction_bell,
    werner_bell,
)
from qinternet.repeaters.keyrate import bb84_key_fraction, six_state_key_fraction

I2 = np.eye(2)
X = np.array([[0, 1], [1, 0]], dtype=complex)
Y = np.array([[0, -1j], [1j, 0]])
Z = np.diag([1.0, -1.0]).astype(complex)
PHI_PLUS = np.array([1, 0, 0, 1], dtype=complex) / np.sqrt(2)
PAULIS = (I2, X, Y, Z)


def bell_states() -> list[np.ndarray]:
    return [np.kron(p, I2) @ PHI_PLUS for p in PAULIS]


def rho_from_bell(lam: tuple[float, ...]) -> np.ndarray:
    return sum(l * np.outer(v, v.conj()) for l, v in zip(lam, bell_states(), strict=True))


def bell_coefficients(rho: np.ndarray) -> np.ndarray:
    return np.array([np.real(v.conj() @ rho @ v) for v in bell_states()])


def op_on(ops: dict[int, np.ndarray], n: int) -> np.ndarray:
    out = np.array([[1.0 + 0j]])
    for q in range(n):
        out = np.kron(out, ops.get(q, I2))
    return out


def cnot(control: int, target: int, n: int) -> np.ndarray:
    p0 = np.diag([1.0, 0.0]).astype(complex)
    p1 = np.diag([0.0, 1.0]).astype(complex)
    return op_on({control: p0}, n) + op_on({control: p1, target: X}, n)


def rx(theta: float) -> np.ndarray:
    return np.cos(theta / 2) * I2 - 1j * np.sin(theta / 2) * X


def reorder(rho: np.ndarray, perm: list[int]) -> np.ndarray:
    n = len(perm)
    t = rho.reshape([2] * (2 * n))
    t = t.transpose(perm + [p + n for p in perm])
    return t.reshape(2**n, 2**n)


def partial_trace_last(rho: np.ndarray, keep: int, n: int) -> np.ndarray:
    t = rho.reshape([2**keep, 2 ** (n - keep)] * 2)
    return np.einsum("ajbj->ab", t)


def distill_circuit(lam1: tuple[float, ...], lam2: tuple[float, ...], dejmps_rot: bool
                    ) -> tuple[float, np.ndarray]:
    # qubit order A1 B1 A2 B2; pair 1 (A1 B1) is kept, pair 2 is measured
    rho = np.kron(rho_from_bell(lam1), rho_from_bell(lam2))
    n = 4
    if dejmps_rot:
        u = op_on({0: rx(np.pi / 2), 2: rx(np.pi / 2), 1: rx(-np.pi / 2), 3: rx(-np.pi / 2)}, n)
        rho = u @ rho @ u.conj().T
    c = cnot(2 - 2, 2, n) @ cnot(1, 3, n)
    rho = c @ rho @ c.conj().T
    # keep outcomes with equal Z results on A2, B2
    keep = sum(op_on({2: np.diag(v), 3: np.diag(v)}, n)
               for v in ([1.0, 0.0], [0.0, 1.0]))
    rho = keep @ rho @ keep
    p = float(np.real(np.trace(rho)))
    reduced = partial_trace_last(rho, 2, n) / p
    return p, bell_coefficients(reduced)


LAMS = [(0.85, 0.05, 0.05, 0.05), (0.8, 0.1, 0.06, 0.04), (0.7, 0.02, 0.08, 0.2),
        (0.9, 0.0, 0.0, 0.1)]


@pytest.mark.parametrize("lam1", LAMS)
@pytest.mark.parametrize("lam2", LAMS[1:3])
def test_dejmps_matches_density_matrix_circuit(lam1: tuple[float, ...],
                                               lam2: tuple[float, ...]) -> None:
    p_ref, out_ref = distill_circuit(lam1, lam2, dejmps_rot=True)
    p, chi = dejmps(correlators_from_bell(lam1), correlators_from_bell(lam2))
    assert p == pytest.approx(p_ref, abs=1e-12)
    np.testing.assert_allclose(bell_from_correlators(chi), out_ref, atol=1e-12)


@pytest.mark.parametrize("w1, w2", [(0.8, 0.8), (0.9, 0.6), (0.5, 0.95)])
def test_bbpssw_matches_twirled_circuit(w1: float, w2: float) -> None:
    # BBPSSW on Werner inputs: bilateral CNOT + Z measurement, then twirl the output
    p_ref, out = distill_circuit(werner_bell(w1), werner_bell(w2), dejmps_rot=False)
    p, chi = bbpssw((w1,) * 3, (w2,) * 3)
    assert p == pytest.approx(p_ref, abs=1e-12)
    assert (1 + 3 * chi[0]) / 4 == pytest.approx(out[0], abs=1e-12)   # twirl keeps fidelity


def test_swap_of_bell_diagonal_states_multiplies_correlators() -> None:
    lam1, lam2 = LAMS[1], LAMS[2]
    # qubits A, B1 | B2, C: Bell measurement on B1 B2 with Pauli correction on C
    rho = np.kron(rho_from_bell(lam1), rho_from_bell(lam2))  # order A B1 B2 C
    out = np.zeros((4, 4), dtype=complex)
    bells = bell_states()
    for k, v in enumerate(bells):
        proj = np.kron(np.kron(I2, np.outer(v, v.conj())), I2)
        r = proj @ rho @ proj
        # trace out B1 B2 (qubits 1, 2): reorder to A C B1 B2
        r = reorder(r, [0, 3, 1, 2])
        red = partial_trace_last(r, 2, 4)
        corr = np.kron(I2, PAULIS[k].conj())  # undo the outcome's Pauli on C
        out += corr @ red @ corr.conj().T
    expected = np.array(correlators_from_bell(lam1)) * np.array(correlators_from_bell(lam2))
    got = np.array(correlators_from_bell(tuple(bell_coefficients(out) / np.trace(out).real)))
    np.testing.assert_allclose(got, expected, atol=1e-12)


@pytest.mark.parametrize("w", [0.5, 0.78, 0.8, 0.9, 0.99, 1.0])
def test_key_fractions_reduce_to_werner(w: float) -> None:
    q = (1 - w) / 2
    assert float(bb84_key_fraction_bell(q, q)) == pytest.approx(float(bb84_key_fraction(w)),
                                                                abs=1e-15)
    assert float(six_state_key_fraction_bell(werner_bell(w))) == pytest.approx(
        float(six_state_key_fraction(w)), abs=1e-14)


def test_dephasing_only_state_keeps_z_basis_clean() -> None:
    # pure dephasing of Phi+: Z QBER 0, X QBER (1 - e)/2 (spec repeaters.md §3)
    e = 0.7
    chi = (e, e, 1.0)
    lam = bell_from_correlators(chi)
    np.testing.assert_allclose(lam, [(1 + e) / 2, 0, 0, (1 - e) / 2], atol=1e-15)
