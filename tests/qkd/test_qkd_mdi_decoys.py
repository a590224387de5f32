"""MDI-QKD with finite decoy sets (issue 15 item 1): two routes agree, bounds contain the truth."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from qinternet.channels.capacities import plob_bound
from qinternet.errors import InvalidParameterError
from qinternet.qkd import mdi
from qinternet.qkd.mdi import MDIParams, mdi_key_rate, mdi_quantities
from qinternet.qkd.mdi_decoys import (
    mdi_basis_gains,
    mdi_key_rate_finite_decoys,
    mdi_optimised_decoys,
)
from qinternet.qkd.options import KeyRateOptions

PARAMS = MDIParams()


@pytest.mark.parametrize(("arm", "mu_a", "mu_b"), list(itertools.product(
    (0.145, 1e-2, 1e-4), (0.0, 0.1, 0.5), (0.02, 0.3, 1.2))))
def test_phase_averaged_z_basis_equals_the_closed_forms(arm: float, mu_a: float,
                                                       mu_b: float) -> None:
    """Two routes: the four-detector phase average of mdi_decoys vs Ma-Razavi / Xu et al."""
    q = mdi_quantities(arm, arm, mu_a, mu_b, PARAMS)
    gain, err = mdi_basis_gains(arm, mu_a, mu_b, PARAMS, "Z")
    assert float(gain) == pytest.approx(float(q.gain_q_rect), rel=1e-12)
    assert float(err) == pytest.approx(float(q.gain_q_rect * q.qber_e_rect), rel=1e-12)


def test_x_basis_single_photon_pair_limit() -> None:
    """Two routes for the X basis: weak pulses, pd = 0. Removing the one-party terms (Alice's or
    Bob's photons alone can give two clicks in X, not in Z), the gain and error gain per
    mu_a mu_b tend to the single-photon-pair terms Y_11, e_11 Y_11 of the closed-form model."""
    p = MDIParams(dark_count=0.0)
    arm, mu = 0.1, 1e-4
    both, err = mdi_basis_gains(arm, mu, mu, p, "X")
    alice, err_a = mdi_basis_gains(arm, mu, 0.0, p, "X")
    bob, err_b = mdi_basis_gains(arm, 0.0, mu, p, "X")
    exact = mdi_quantities(arm, arm, mu, mu, p)
    pair = float(both - alice - bob)
    assert pair / mu**2 == pytest.approx(float(exact.yield_y11), rel=1e-4)
    assert float(err - err_a - err_b) / pair == pytest.approx(float(exact.phase_error_e11_x),
                                                              rel=1e-3)


@pytest.mark.parametrize(("km", "decoys"), list(itertools.product(
    (1.0, 60.0, 150.0), ((0.0, 0.05), (0.0, 0.01, 0.1), (1e-4, 0.2)))))
def test_lp_bounds_contain_the_exact_single_photon_terms(km: float,
                                                         decoys: tuple[float, ...]) -> None:
    eta = 10.0 ** (-0.02 * km)
    r = mdi_key_rate_finite_decoys(eta, 0.4, decoys)
    arm = PARAMS.detector_efficiency * math.sqrt(eta)
    exact = mdi_quantities(arm, arm, 0.4, 0.4, PARAMS)
    assert r.yield_y11_lower <= float(exact.yield_y11) * (1 + 1e-7)
    assert r.phase_error_e11_upper >= float(exact.phase_error_e11_x) * (1 - 1e-7)
    assert r.key_rate_bits_per_pulse <= float(mdi_key_rate(eta, 0.4)) * (1 + 1e-9)
    assert r.key_rate_bits_per_pulse < plob_bound(eta)


def test_more_decoys_tighten_and_approach_infinite_decoys() -> None:
    eta = 10.0 ** (-0.02 * 50.0)
    two = mdi_key_rate_finite_decoys(eta, 0.4, (0.0, 0.1)).key_rate_bits_per_pulse
    three = mdi_key_rate_finite_decoys(eta, 0.4, (0.0, 0.02, 0.1)).key_rate_bits_per_pulse
    infinite = float(mdi_key_rate(eta, 0.4))
    assert two <= three <= infinite
    assert three > 0.9 * infinite


def test_optimised_decoys_beat_a_grid_of_fixed_sets() -> None:
    eta = 10.0 ** (-0.02 * np.array([50.0]))
    [opt] = mdi_optimised_decoys(eta, 2, intensity=0.4)
    fixed = [mdi_key_rate_finite_decoys(float(eta[0]), 0.4, (0.0, v)).key_rate_bits_per_pulse
             for v in (1e-4, 0.001, 0.01, 0.05, 0.1, 0.2)]
    assert opt.key_rate_bits_per_pulse >= max(fixed) * (1 - 1e-9)
    assert opt.decoys[0] == 0.0 and opt.intensity_mu == 0.4


def test_through_protocol_options() -> None:
    eta = [10.0 ** (-0.02 * 100.0)]
    [fixed] = mdi.evaluate(eta, KeyRateOptions(decoys=(0.0, 0.05), intensity=0.4))
    assert fixed.parameters["decoys"] == "0,0.05"
    assert fixed.parameters["decoys_optimised"] is False
    direct = mdi_key_rate_finite_decoys(eta[0], 0.4, (0.0, 0.05))
    assert fixed.key_rate_bits_per_pulse == pytest.approx(direct.key_rate_bits_per_pulse,
                                                          rel=1e-12)
    [opt] = mdi.evaluate(eta, KeyRateOptions(decoy_count=2))
    assert opt.parameters["decoys_optimised"] is True
    assert opt.key_rate_bits_per_pulse >= fixed.key_rate_bits_per_pulse * (1 - 1e-9)
    [inf] = mdi.evaluate(eta, KeyRateOptions())
    assert opt.key_rate_bits_per_pulse <= inf.key_rate_bits_per_pulse * (1 + 1e-6)


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda: mdi_key_rate_finite_decoys(0.1, 0.4, ()), "decoys"),
        (lambda: mdi_key_rate_finite_decoys(0.1, 0.4, (0.0, 0.4)), "decoys"),
        (lambda: mdi_key_rate_finite_decoys(0.1, -0.4, (0.0,)), "intensity"),
        (lambda: mdi_key_rate_finite_decoys(1.5, 0.4, (0.0,)), "channel_transmissivity"),
        (lambda: mdi_basis_gains(0.1, 0.1, 0.1, PARAMS, "Y"), "basis"),
        (lambda: mdi_optimised_decoys([0.1], None), "decoy_count"),
        (lambda: mdi_optimised_decoys([0.1], 2, decoys=(0.0, 0.1)), "decoy_count"),
        (lambda: mdi.evaluate([0.1], KeyRateOptions(decoys=(0.0, 0.1), intensity=0.1)),
         "intensity"),
    ],
)
def test_bad_input_names_the_parameter(call: object, name: str) -> None:
    with pytest.raises(InvalidParameterError) as err:
        call()  # type: ignore[operator]
    assert err.value.name == name
