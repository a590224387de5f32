"""Finite-key decoy BB84 (Lim et al. 2014): case F1 and properties."""

from __future__ import annotations

import itertools
import math
from typing import Any

import numpy as np
import pytest

from conftest import reference_cases
from qinternet.errors import InvalidParameterError
from qinternet.qkd import bb84_decoy
from qinternet.qkd.bb84_finite import (
    LIM2014_SIMULATION,
    Lim2014Params,
    Lim2014Settings,
    lim2014_asymptotic_rate,
    lim2014_expected_counts,
    lim2014_key_length,
    lim2014_key_rate,
)
from qinternet.qkd.options import KeyRateOptions

_SETTINGS = Lim2014Settings(mu1=0.45, mu2=0.15, mu3=2e-4, p1=0.7, p2=0.2, q_x=0.9)


@pytest.mark.parametrize("case", reference_cases("qkd", kind="qualitative", group="F"))
def test_f1_lim2014_reach_with_small_blocks(case: dict[str, Any]) -> None:
    """'positive key at n_X = 1e4 up to about 135 km' with the paper's simulation parameters."""
    inputs = case["inputs"]
    params = Lim2014Params(
        detector_efficiency=inputs["detector_efficiency_eta_bob"],
        dark_count=inputs["dark_count_probability"],
        misalignment=inputs["misalignment_e_mis"],
        afterpulse=inputs["afterpulse_probability"],
        ec_efficiency=inputs["ec_efficiency_f"],
        secrecy_per_bit=inputs["kappa"],
        epsilon_cor=inputs["epsilon_cor"],
    )
    assert params == LIM2014_SIMULATION
    a = inputs["attenuation_db_per_km"]
    n_x = inputs["postprocessing_block_size_n_x"]

    def rate(km: float) -> float:
        channel = 10 ** (-a * km / 10)
        return lim2014_key_rate(channel, params, block_size_n_x=n_x,
                                mu3=inputs["intensity_mu3"]).key_rate_bits_per_pulse

    assert rate(100.0) > 0
    assert rate(120.0) > 0   # "up to about 135 km": key well beyond 100 km with 1e4-bit blocks
    assert rate(150.0) == 0.0


def test_rate_rises_with_block_size_towards_asymptotic_limit() -> None:
    """Fixed settings: l/N increases with N and tends to the N -> infinity limit."""
    params = Lim2014Params()
    channel = 10 ** (-0.021 * 30)  # eta_Bob = params.detector_efficiency folded in
    limit = lim2014_asymptotic_rate(channel, _SETTINGS, params)
    rates = [lim2014_key_length(channel, n, _SETTINGS, params)[0] / n
             for n in (1e9, 1e10, 1e11, 1e12, 1e14, 1e16, 1e18)]
    assert rates[0] >= 0
    assert all(b > a for a, b in itertools.pairwise(rates))
    assert all(r < limit for r in rates)
    assert rates[-1] == pytest.approx(limit, rel=2e-3)


def test_asymptotic_limit_below_infinite_decoy_rate() -> None:
    """Three-intensity decoy bounds <= exact yields: limit <= q_x^2 x GLLP rate + vacuum term."""
    params = Lim2014Params()
    gys = bb84_decoy.DecoyBB84Params(sifting_factor=1.0)
    for km in (0.0, 50.0, 100.0):
        limit = lim2014_asymptotic_rate(10 ** (-0.021 * km), _SETTINGS, params)
        # Per pulse, only the signal intensity carries key in the GLLP formula; Lim's bound
        # counts all intensities' single-photon X events (tau_1) and vacuum events (tau_0).
        exact = sum(
            p * _SETTINGS.q_x**2
            * float(bb84_decoy.bb84_key_rate_infinite_decoys(10 ** (-0.021 * km), mu, gys))
            for mu, p in zip(_SETTINGS.intensities, _SETTINGS.probabilities, strict=True)
        )
        vacuum = _SETTINGS.q_x**2 * 2 * params.dark_count
        assert limit <= exact + vacuum + 1e-15


def test_expected_counts_formula() -> None:
    params = LIM2014_SIMULATION
    eta = 0.1 * 0.01  # eta_Bob 0.1 (params) times the channel 0.01
    c = lim2014_expected_counts(0.01, 1e10, _SETTINGS, params)
    k, p = 0.45, 0.7
    d = 1 - (1 - 2 * 6e-7) * math.exp(-eta * k)
    assert c.n_x[0] == pytest.approx(1e10 * p * 0.81 * d * 1.04, rel=1e-13)
    e = 6e-7 + 5e-3 * (1 - math.exp(-eta * k)) + 0.04 * d / 2
    assert c.m_z[0] == pytest.approx(1e10 * p * 0.01 * e, rel=1e-13)


def test_finite_key_through_protocol_options() -> None:
    eta = [10 ** (-0.021 * 50)]
    asym = bb84_decoy.evaluate(eta, KeyRateOptions())[0].key_rate_bits_per_pulse
    r10 = bb84_decoy.evaluate(eta, KeyRateOptions(pulses=1e10))[0]
    r12 = bb84_decoy.evaluate(eta, KeyRateOptions(pulses=1e12))[0]
    assert 0 < r10.key_rate_bits_per_pulse < r12.key_rate_bits_per_pulse
    # Efficient BB84 (q_x -> 1) can at most double the sifted asymptotic GLLP rate.
    assert r12.key_rate_bits_per_pulse < 2 * asym
    assert r10.parameters["finite_key_model"].startswith("Lim et al. 2014")
    assert 0 < r12.phase_error_rate < r10.phase_error_rate <= 0.5
    assert any("Lim" in n for n in r10.notes)


def test_optimised_not_below_fixed_settings() -> None:
    params = Lim2014Params()
    channel = 10 ** (-0.021 * 40)
    opt = lim2014_key_rate(channel, params, pulses=1e11).key_rate_bits_per_pulse
    fixed = lim2014_key_length(channel, 1e11, _SETTINGS, params)[0] / 1e11
    assert opt >= fixed


@pytest.mark.parametrize(
    ("options", "name"),
    [
        (KeyRateOptions(pulses=-5.0), "pulses"),
        (KeyRateOptions(pulses=10.0), "pulses"),
        (KeyRateOptions(pulses=1e10, decoys=(0.1,)), "decoys"),
        (KeyRateOptions(pulses=1e10, decoys=(0.1, 0.05), intensity=0.1), "intensity"),
        (KeyRateOptions(pulses=1e10, dark_count=2.0), "dark_count"),
    ],
)
def test_bad_finite_key_options(options: KeyRateOptions, name: str) -> None:
    with pytest.raises(InvalidParameterError) as err:
        bb84_decoy.evaluate([0.1], options)
    assert err.value.name == name


def test_bad_settings() -> None:
    with pytest.raises(InvalidParameterError):
        Lim2014Settings(mu1=0.3, mu2=0.3, mu3=0.0, p1=0.5, p2=0.3, q_x=0.5)
    with pytest.raises(InvalidParameterError):
        Lim2014Settings(mu1=0.5, mu2=0.1, mu3=0.0, p1=0.7, p2=0.3, q_x=0.5)
    with pytest.raises(InvalidParameterError):
        lim2014_key_rate(0.01, Lim2014Params(), pulses=1e10, block_size_n_x=1e4)
    assert np.isfinite(lim2014_asymptotic_rate(0.01, _SETTINGS, Lim2014Params()))


@pytest.mark.parametrize("background_yield", [1.7e-6, 1.700001e-6, 1.700004e-6])
def test_issue15_polish_converges_whatever_the_7th_digit(
    background_yield: float, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 15 item 3: every Nelder-Mead polish stops on its tolerance, not the iteration cap.

    With the former absolute fatol = 1e-18 the cold start at 0 km hit the 4000-iteration cap
    for Y0 = 1.700001e-6 (rounding noise decided the stop test) but not for 1.7e-6."""
    from qinternet.qkd import _optimize, bb84_finite

    statuses: list[tuple[int, int]] = []
    real = _optimize.minimize

    def recording(*args: Any, **kwargs: Any) -> Any:
        res = real(*args, **kwargs)
        statuses.append((int(res.status), int(res.nit)))
        return res

    monkeypatch.setattr(_optimize, "minimize", recording)
    [r] = bb84_decoy.evaluate([1.0], KeyRateOptions(pulses=1e10, dark_count=background_yield))
    assert r.key_rate_bits_per_pulse == pytest.approx(2.0297237e-03, rel=1e-6)
    assert statuses and all(status == 0 for status, _ in statuses), statuses
    assert max(nit for _, nit in statuses) < bb84_finite.NELDER_MEAD_MAXITER // 2


def test_issue15_no_key_point_costs_a_bounded_search(monkeypatch: pytest.MonkeyPatch) -> None:
    """Beyond the maximum distance the objective is the no-key penalty: the loose, capped
    search (NELDER_MEAD_PENALTY_MAXITER) keeps the cost bounded (was two 2000+-iteration
    polishes, about 10 000 evaluations); 1666 evaluations with the defaults."""
    from qinternet.qkd import _optimize, bb84_finite

    evaluations = [0]
    real = _optimize.minimize

    def counting(*args: Any, **kwargs: Any) -> Any:
        res = real(*args, **kwargs)
        evaluations[0] += int(res.nfev)
        return res

    monkeypatch.setattr(_optimize, "minimize", counting)
    [r] = bb84_decoy.evaluate([10 ** (-0.2 * 200 / 10)], KeyRateOptions(pulses=1e8))
    assert r.key_rate_bits_per_pulse == 0.0
    assert evaluations[0] < 3 * (bb84_finite.NELDER_MEAD_PENALTY_MAXITER * 2)
