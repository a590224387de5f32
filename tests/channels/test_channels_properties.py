"""Property tests of the channel bounds (hypothesis) and closed form = numerical cross-checks."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.integrate import quad

from qinternet.channels import capacities as cap
from qinternet.channels.models import (
    AdditiveNoiseChannel,
    AmplifierChannel,
    AmplitudeDampingChannel,
    DephasingChannel,
    DepolarizingChannel,
    ErasureChannel,
    PauliChannel,
    PureLossChannel,
    ThermalLossChannel,
)
from qinternet.entropy import binary_entropy, bosonic_entropy

eta_st = st.floats(min_value=0.0, max_value=0.999999)
prob_st = st.floats(min_value=0.0, max_value=1.0)
nbar_st = st.floats(min_value=0.0, max_value=20.0)
dim_st = st.integers(min_value=2, max_value=8)
TOL = 1e-12


@given(eta_st, nbar_st)
def test_thermal_loss_lower_le_upper(eta: float, nbar: float) -> None:
    ch = ThermalLossChannel(transmissivity=eta, mean_photons=nbar)
    assert 0.0 <= ch.lower_ebits_per_use <= ch.upper_ebits_per_use + TOL


@given(st.floats(min_value=1.000001, max_value=100.0), nbar_st)
def test_amplifier_lower_le_upper(gain: float, nbar: float) -> None:
    ch = AmplifierChannel(gain=gain, mean_photons=nbar)
    assert 0.0 <= ch.lower_ebits_per_use <= ch.upper_ebits_per_use + TOL


@given(st.floats(min_value=1e-6, max_value=10.0))
def test_additive_noise_lower_le_upper(xi: float) -> None:
    ch = AdditiveNoiseChannel(variance=xi)
    assert 0.0 <= ch.lower_ebits_per_use <= ch.upper_ebits_per_use + TOL


@given(prob_st, dim_st)
def test_depolarizing_lower_le_upper(p: float, d: int) -> None:
    ch = DepolarizingChannel(p=p, dimension=d)
    assert 0.0 <= ch.lower_ebits_per_use <= ch.upper_ebits_per_use + TOL


@given(st.lists(st.floats(min_value=0.0, max_value=1.0), min_size=4, max_size=4).filter(
    lambda v: sum(v) > 0.1))
def test_pauli_lower_le_upper(raw: list[float]) -> None:
    probs = tuple(np.asarray(raw) / sum(raw))
    ch = PauliChannel(probabilities=probs)  # type: ignore[arg-type]
    assert 0.0 <= ch.lower_ebits_per_use <= ch.upper_ebits_per_use + TOL


@given(prob_st)
def test_amplitude_damping_lower_le_upper(gamma: float) -> None:
    ch = AmplitudeDampingChannel(gamma=gamma)
    assert 0.0 <= ch.lower_ebits_per_use <= ch.upper_ebits_per_use + 1e-9


@given(eta_st)
def test_pure_loss_exact_and_tgw_above(eta: float) -> None:
    ch = PureLossChannel(transmissivity=eta)
    assert ch.exact and ch.lower_ebits_per_use == ch.upper_ebits_per_use
    assert ch.tgw_ebits_per_use >= ch.upper_ebits_per_use


@given(prob_st, dim_st)
def test_exact_families(p: float, d: int) -> None:
    for ch in (DephasingChannel(p=p), ErasureChannel(p=p, dimension=d),
               AmplifierChannel(gain=1.0 + 1.0 / (p + 1e-3))):
        assert ch.exact
        assert ch.lower_ebits_per_use == pytest.approx(ch.upper_ebits_per_use, abs=1e-12)


@given(eta_st, eta_st)
def test_pure_loss_increases_with_eta(a: float, b: float) -> None:
    lo, hi = sorted((a, b))
    assert float(cap.plob_bound(lo)) <= float(cap.plob_bound(hi))
    assert float(cap.tgw_bound(lo)) <= float(cap.tgw_bound(hi))


@given(eta_st, nbar_st, nbar_st)
def test_thermal_loss_decreases_with_noise(eta: float, n1: float, n2: float) -> None:
    lo, hi = sorted((n1, n2))
    assert cap.thermal_loss_upper(eta, hi) <= cap.thermal_loss_upper(eta, lo) + TOL
    assert cap.thermal_loss_lower(eta, hi) <= cap.thermal_loss_lower(eta, lo) + TOL


@given(prob_st, prob_st, dim_st)
def test_depolarizing_and_erasure_decrease_with_p(p1: float, p2: float, d: int) -> None:
    lo, hi = sorted((p1, p2))
    assert cap.depolarizing_upper(hi, d) <= cap.depolarizing_upper(lo, d) + TOL
    assert cap.depolarizing_lower(hi, d) <= cap.depolarizing_lower(lo, d) + TOL
    assert cap.erasure_capacity(hi, d) <= cap.erasure_capacity(lo, d) + TOL


@given(st.floats(min_value=0.0, max_value=0.5), st.floats(min_value=0.0, max_value=0.5))
def test_dephasing_decreasing_and_symmetric(p1: float, p2: float) -> None:
    lo, hi = sorted((p1, p2))
    assert cap.dephasing_capacity(hi) <= cap.dephasing_capacity(lo) + TOL
    assert cap.dephasing_capacity(p1) == pytest.approx(cap.dephasing_capacity(1 - p1), abs=1e-12)


@pytest.mark.parametrize("eta", [1e-3, 1e-5, 1e-8, 1e-10])
def test_high_loss_asymptotics(eta: float) -> None:
    """PLOB ~ eta/ln 2 and TGW ~ 2 eta/ln 2 as eta -> 0 (review text after Eqs. (132)-(133))."""
    assert float(cap.plob_bound(eta)) / eta == pytest.approx(1 / np.log(2), rel=2 * eta)
    assert float(cap.tgw_bound(eta)) / eta == pytest.approx(2 / np.log(2), rel=2 * eta)


def test_thresholds_are_continuous() -> None:
    """Thermal-loss UB at nbar -> eta/(1-eta) and noisy-amplifier UB at nbar -> 1/(G-1) -> 0."""
    assert cap.thermal_loss_upper(0.5, 1.0 - 1e-9) == pytest.approx(0.0, abs=1e-7)
    assert cap.amplifier_upper(2.0, 1.0 - 1e-9) == pytest.approx(0.0, abs=1e-7)
    # Reference statement: for eta = 0.5, nbar = 1 both terms of the UB equal 2.
    assert -np.log2((1 - 0.5) * 0.5**1.0) == pytest.approx(2.0)
    assert float(bosonic_entropy(1.0)) == pytest.approx(2.0)


@given(st.floats(min_value=1e-6, max_value=1e3))
def test_bosonic_entropy_closed_form_vs_series(x: float) -> None:
    """g(x) from the stable closed form = entropy of the geometric distribution (numerical sum)."""
    q = x / (1 + x)
    n = np.arange(0, 200_000)
    pk = (1 - q) * q**n
    direct = -np.sum(pk[pk > 0] * np.log2(pk[pk > 0]))
    tail = 1.0 - pk.sum()
    if tail < 1e-12:
        assert float(bosonic_entropy(x)) == pytest.approx(direct, rel=1e-9, abs=1e-12)


@pytest.mark.parametrize("gamma", [0.05, 0.3, 0.7, 0.95])
def test_amplitude_damping_optimisers_match_fine_grid(gamma: float) -> None:
    """Brent-refined maxima equal a 200001-point grid maximum to 1e-9 (independent route)."""
    x = np.linspace(0.0, 1.0, 200_001)
    rci_grid = float(np.max(binary_entropy(x) - binary_entropy(gamma * x)))
    q_grid = float(np.max(binary_entropy((1 - gamma) * x) - binary_entropy(gamma * x)))
    assert cap.amplitude_damping_rci(gamma)[0] == pytest.approx(max(rci_grid, 0.0), abs=1e-9)
    assert cap.amplitude_damping_coherent_information(gamma) == pytest.approx(
        max(q_grid, 0.0), abs=1e-9
    )


def test_pure_loss_is_integral_of_its_derivative() -> None:
    """d/d eta [-log2(1-eta)] = 1/((1-eta) ln 2): integrate numerically and compare."""
    val, _ = quad(lambda e: 1.0 / ((1.0 - e) * np.log(2)), 0.0, 0.9)
    assert float(cap.plob_bound(0.9)) == pytest.approx(val, rel=1e-10)


def test_qudit_reduces_to_qubit() -> None:
    for p in (0.0, 0.1, 0.5, 0.66):
        assert cap.depolarizing_upper(p, 2) == pytest.approx(
            max(0.0, 1 - float(binary_entropy(3 * p / 4))) if p <= 2 / 3 else 0.0, abs=1e-12)
