"""CAL19 finite decoys: the yield LP (case C9, C-DECOY-SETS, C11) and its cross-checks."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog
from scipy.stats import poisson

from conftest import load_reference
from qinternet.channels.capacities import plob_bound
from qinternet.errors import SolverError
from qinternet.qkd._cal19_decoy_lp import decoy_yield_upper_bounds, target_pairs
from qinternet.qkd._cal19_model import z_basis_gain
from qinternet.qkd._cal19_yields import photon_number_yields
from qinternet.qkd.tf_cal19 import Cal19Device, cal19_key_rate

DECOYS4 = (0.0, 0.02, 0.1, 0.5)
DECOYS6 = (0.0, 0.01, 0.05, 0.1, 0.2, 0.5)


def _case(case_id: str) -> dict:
    return next(c for c in load_reference("qkd")["cases"] if c["id"] == case_id)


def _single_lp(eta: float, target: tuple[int, int], s: int, dev: Cal19Device):  # type: ignore[no-untyped-def]
    """One target, written independently (dense rows, both directions as <= rows)."""
    mu = np.array(DECOYS4)
    n = np.arange(s + 1)
    p = np.array([[poisson.pmf(k, m) if m > 0 else float(k == 0) for k in n] for m in mu])
    a_rows, b_rows = [], []
    for i, ma in enumerate(mu):
        for j, mb in enumerate(mu):
            row = np.outer(p[i], p[j]).ravel()
            g = float(z_basis_gain(eta, ma, mb, dev))
            tail = 1.0 - p[i].sum() * p[j].sum()
            a_rows.append(row / g)
            b_rows.append(1.0 + 1e-9)
            if g - tail > 0:
                a_rows.append(-row / g)
                b_rows.append(-(g - tail) * (1 - 1e-9) / g)
    cost = np.zeros((s + 1) ** 2)
    cost[target[0] * (s + 1) + target[1]] = -1.0
    return linprog(cost, A_ub=np.array(a_rows), b_ub=np.array(b_rows), bounds=(0, 1),
                   method="highs"), np.array(b_rows)


def test_c9_finite_decoy_rates() -> None:
    case = _case("C9")
    dev = Cal19Device(ec_efficiency=1.0)
    eta = [10.0 ** (-x / 10) for x in case["inputs"]["loss_db_list"]]
    lp = cal19_key_rate(eta, device=dev, intensity_alpha_sq=0.035, decoys=DECOYS4)
    exact = cal19_key_rate(eta, device=dev, intensity_alpha_sq=0.035, truncation_s=6)
    exp = case["expected"]
    for got, want in zip(lp.key_rate_bits_per_pulse, exp["key_rate_bits_per_pulse_list"],
                         strict=True):
        assert got == pytest.approx(want, rel=1e-3)
    for got, want in zip(exact.key_rate_bits_per_pulse,
                         exp["exact_yield_key_rate_s6_bits_per_pulse_list"], strict=True):
        assert got == pytest.approx(want, rel=1e-3)


def test_block_lp_equals_individual_lps_and_duality() -> None:
    dev = Cal19Device()
    eta = 1e-5
    block = decoy_yield_upper_bounds(eta, DECOYS4, dev, 6)
    for target in [(0, 0), (1, 1), (2, 4), (3, 5), (6, 6)]:
        res, b_ub = _single_lp(eta, target, 6, dev)
        assert res.status == 0
        assert block[target] == pytest.approx(-res.fun, rel=1e-6, abs=1e-12)
        # LP duality: b^T lambda + 1^T mu_upper equals the primal optimum.
        dual = float(b_ub @ res.ineqlin.marginals + np.sum(res.upper.marginals))
        assert dual == pytest.approx(res.fun, rel=1e-7, abs=1e-12)


def test_exchange_symmetry_shortcut_equals_solving_every_target() -> None:
    dev = Cal19Device(dark_count_probability=1e-7)
    for eta in (1e-3, 1e-6):
        fast = decoy_yield_upper_bounds(eta, DECOYS6, dev, 5)
        full = decoy_yield_upper_bounds(eta, DECOYS6, dev, 5, use_symmetry=False)
        np.testing.assert_allclose(fast, full, rtol=1e-6, atol=1e-12)


def test_lp_bounds_contain_the_true_yields() -> None:
    dev = Cal19Device()
    for loss in (20.0, 45.0, 70.0):
        eta = 10.0 ** (-loss / 10)
        yu = decoy_yield_upper_bounds(eta, DECOYS4, dev, 6)
        y = photon_number_yields(eta, 6, dev)
        for t in target_pairs(6):
            assert yu[t] >= y[t] * (1 - 1e-7)


def test_finite_decoys_never_beat_infinite_decoys() -> None:
    eta = 10.0 ** (-np.array([20.0, 40.0, 60.0, 80.0]) / 10)
    inf = cal19_key_rate(eta).key_rate_bits_per_pulse
    for decoys in (DECOYS4, (0.0, 0.1), DECOYS6):
        fin = cal19_key_rate(eta, decoys=decoys).key_rate_bits_per_pulse
        assert np.all(fin <= inf * (1 + 1e-9))


def test_c_decoy_sets_fraction_of_infinite_decoy_rate() -> None:
    eta = 10.0 ** (-np.array([30.0, 45.0, 60.0]) / 10)
    inf = cal19_key_rate(eta, truncation_s=6).key_rate_bits_per_pulse
    four = cal19_key_rate(eta, decoys=DECOYS4).key_rate_bits_per_pulse / inf
    six = cal19_key_rate(eta, decoys=DECOYS6).key_rate_bits_per_pulse / inf
    assert np.all((four > 0.915) & (four < 0.936))  # spec: 91.7-93.4 %
    assert np.all((six > 0.992) & (six < 0.999))  # spec: 99.4-99.8 %
    assert np.all(six > four)


def test_c11_two_decoys_beat_plob_at_high_loss() -> None:
    eta = 10.0 ** (-np.array([60.0, 70.0]) / 10)
    rates = cal19_key_rate(eta, decoys=(0.0, 0.1)).key_rate_bits_per_pulse
    assert np.all(rates > plob_bound(eta))


def test_failed_lp_raises_solver_error() -> None:
    # Inconsistent "observed" gains (upper below lower) make the LP infeasible: must raise.
    dev = Cal19Device()
    g = z_basis_gain(1e-5, np.array(DECOYS4)[:, None], np.array(DECOYS4)[None, :], dev)
    with pytest.raises(SolverError):
        decoy_yield_upper_bounds(1e-5, DECOYS4, dev, 6, gains_upper=0.5 * g, gains_lower=g)


def test_target_sets_follow_the_truncation_shape() -> None:
    assert len(target_pairs(6)) == 25 and len(target_pairs(6, "triangle")) == 16
    assert all((a + b) % 2 == 0 for a, b in target_pairs(5))


@settings(max_examples=8)
@given(loss=st.floats(5.0, 80.0), pd=st.floats(1e-10, 1e-5), m=st.floats(0.0, 0.08),
       decoys=st.lists(st.floats(0.001, 0.8), min_size=1, max_size=4, unique=True),
       vacuum=st.booleans())
def test_random_decoy_sets_bound_true_yields_and_stay_below_infinite_decoys(
        loss: float, pd: float, m: float, decoys: list[float], vacuum: bool) -> None:
    dev = Cal19Device(dark_count_probability=pd, polarisation_misalignment=m)
    eta = 10.0 ** (-loss / 10)
    dec = ([0.0] if vacuum else []) + decoys
    yu = decoy_yield_upper_bounds(eta, dec, dev, 5)
    y = photon_number_yields(eta, 5, dev)
    for t in target_pairs(5):
        assert y[t] <= yu[t] * (1 + 1e-7) + 1e-15
    fin = cal19_key_rate([eta], device=dev, decoys=dec, truncation_s=5).key_rate_bits_per_pulse
    inf = cal19_key_rate([eta], device=dev, truncation_s=5).key_rate_bits_per_pulse
    assert fin[0] <= inf[0] * (1 + 1e-9)
