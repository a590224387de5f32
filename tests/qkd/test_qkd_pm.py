"""Phase-matching QKD (toolkit model, spec qkd.md section 10) and the loss-only PM-type rate
(Lin-Lutkenhaus / Primaatmaja et al., section 11)."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import assert_matches, reference_cases
from qinternet.errors import InvalidParameterError, SolverError
from qinternet.qkd.options import KeyRateOptions
from qinternet.qkd.pm import SPEC, evaluate, pm_key_rate, pm_phase_error_bound_fock, pm_terms
from qinternet.qkd.pm_loss_only import (
    loss_only_key_rate,
    loss_only_optimal,
    loss_only_phase_error,
    loss_only_plob_crossing_db,
)


def _loss(db: float | list[float] | np.ndarray) -> np.ndarray:
    return np.asarray(10.0 ** (-np.asarray(db, dtype=float) / 10.0))


def _cases(protocol: str) -> list:
    return [c for c in reference_cases("qkd", group="T")
            if c.values[0]["inputs"].get("protocol") == protocol]


def _check_list(case: dict, rates: np.ndarray) -> None:
    for actual, expected in zip(rates, case["expected"]["key_rate_bits_per_pulse_list"],
                                strict=True):
        assert_matches({**case, "expected": {"k": expected}}, "k", float(actual))


@pytest.mark.parametrize("case", _cases("pm"))
def test_pm_reference_fixed_intensity(case: dict) -> None:
    inp = case["inputs"]
    rates = pm_key_rate(_loss(inp["loss_db_list"]), mu=inp["intensity_mu"],
                        dark_count=inp["dark_count_probability"],
                        misalignment=inp["misalignment_e_d"],
                        ec_efficiency=inp["ec_efficiency_f"], phase_slices=inp["phase_slices_d"])
    _check_list(case, rates)


@pytest.mark.parametrize("case", [c for c in _cases("pm-loss-only")
                                  if c.values[0]["id"] == "T1"])
def test_loss_only_reference_values(case: dict) -> None:
    inp = case["inputs"]
    _check_list(case, loss_only_key_rate(_loss(inp["loss_db_list"]), inp["intensity_mu"]))


@pytest.mark.parametrize("case", [c for c in _cases("pm-loss-only")
                                  if c.values[0]["id"] == "T1-OPT"])
def test_loss_only_optimum_and_plob_crossing(case: dict) -> None:
    crossing = loss_only_plob_crossing_db()
    assert_matches(case, "plob_crossing_db", crossing)
    mu_opt, rate = loss_only_optimal(_loss([crossing]))
    assert_matches(case, "intensity_mu_opt", float(mu_opt[0]))
    # At the crossing the optimised rate equals PLOB (independent check of the bisection).
    eta = float(_loss(crossing))
    assert float(rate[0]) == pytest.approx(-math.log2(1.0 - eta), rel=1e-3)


@settings(max_examples=30)
@given(loss_db=st.floats(0.0, 90.0), mu=st.floats(1e-3, 1.5), pd=st.floats(0.0, 1e-4),
       e_d=st.floats(0.0, 0.3))
def test_closed_form_matches_fock_sums(loss_db: float, mu: float, pd: float, e_d: float) -> None:
    eta = float(_loss(loss_db))
    terms = pm_terms(eta, mu, dark_count=pd, misalignment=e_d)
    gain, e_x = pm_phase_error_bound_fock(eta, mu, dark_count=pd, misalignment=e_d)
    assert float(terms.gain) == pytest.approx(gain, rel=1e-9, abs=1e-300)
    assert float(terms.phase_error_bound) == pytest.approx(min(e_x, 0.5), rel=1e-7, abs=1e-12)


@settings(max_examples=30)
@given(loss_db=st.floats(0.5, 90.0), mu=st.floats(1e-3, 1.5))
def test_pm_reduces_to_loss_only_formula(loss_db: float, mu: float) -> None:
    """pd = 0, e_d = 0, D = 2: the PM toolkit rate equals the Lin-Lutkenhaus loss-only rate."""
    eta = float(_loss(loss_db))
    pm = pm_terms(eta, mu, dark_count=0.0, misalignment=0.0, ec_efficiency=1.0, phase_slices=2)
    assert float(pm.phase_error_bound) == pytest.approx(
        min(float(loss_only_phase_error(eta, mu)), 0.5), rel=1e-10, abs=1e-15)
    assert float(pm_key_rate(eta, mu=mu, dark_count=0.0, misalignment=0.0, ec_efficiency=1.0,
                             phase_slices=2)) == pytest.approx(
        float(loss_only_key_rate(eta, mu)), rel=1e-9, abs=1e-300)


def test_rate_falls_with_loss_dark_counts_and_misalignment() -> None:
    losses = np.arange(20.0, 90.0, 5.0)
    base = [r.key_rate_bits_per_pulse for r in evaluate(_loss(losses), KeyRateOptions())]
    assert all(a >= b for a, b in itertools.pairwise(base)) and base[0] > base[-1]
    at50 = _loss([50.0])
    rates_pd = [evaluate(at50, KeyRateOptions(dark_count=pd))[0].key_rate_bits_per_pulse
                for pd in (0.0, 1e-8, 1e-7, 1e-6)]
    assert all(a > b for a, b in itertools.pairwise(rates_pd))
    rates_ed = [evaluate(at50, KeyRateOptions(misalignment=e))[0].key_rate_bits_per_pulse
                for e in (0.0, 0.02, 0.05, 0.08)]
    assert all(a > b for a, b in itertools.pairwise(rates_ed))


@settings(max_examples=25)
@given(loss_db=st.floats(20.0, 70.0), mu=st.floats(1e-3, 1.0))
def test_optimum_dominates_random_intensity(loss_db: float, mu: float) -> None:
    eta = _loss([loss_db])
    best = evaluate(eta, KeyRateOptions())[0].key_rate_bits_per_pulse
    assert float(pm_key_rate(eta, mu=mu)[0]) <= best * (1 + 1e-9)


def test_beats_plob_at_high_loss_only() -> None:
    res = evaluate(_loss([40.0, 50.0, 60.0]), KeyRateOptions())
    assert [r.key_rate_bits_per_pulse > r.plob_bits_per_pulse for r in res] == [
        False, True, True]
    # loss-only rate crosses PLOB near 26 dB (T1-OPT) and beats it beyond
    _mu, rate = loss_only_optimal(_loss([20.0, 30.0]))
    assert rate[0] < -math.log2(1 - 1e-2) and rate[1] > -math.log2(1 - 1e-3)


def test_fixed_intensity_and_result_contract() -> None:
    res = evaluate(_loss([40.0]), KeyRateOptions(intensity=0.07))[0]
    assert res.key_rate_bits_per_pulse == pytest.approx(5.283273e-05, rel=1e-6)
    d = res.to_dict()
    assert d["protocol"] == "pm" and d["parameters"]["phase_slices_d"] == 16
    assert d["intensity"] == 0.07
    assert d["intensity_optimised"] is False
    assert 0.0 < d["qber"] < 0.1 and 0.0 < d["phase_error_rate"] <= 0.5
    assert any("toolkit" in n for n in d["notes"])
    edge = evaluate(np.array([0.0, 1.0]), KeyRateOptions())
    assert edge[0].key_rate_bits_per_pulse == 0.0 and math.isinf(edge[1].plob_bits_per_pulse)
    assert SPEC.name == "pm" and SPEC.relay


@pytest.mark.parametrize(
    ("options", "name"),
    [
        (KeyRateOptions(decoys=(0.1, 0.1)), "decoys"),  # finite sets since issue 15
        (KeyRateOptions(pulses=1e12), "pulses"),
        (KeyRateOptions(phase_mismatch=0.1), "phase_mismatch"),
        (KeyRateOptions(dark_count=-1e-9), "dark_count"),
        (KeyRateOptions(misalignment=0.51), "misalignment"),
        (KeyRateOptions(intensity=0.0), "intensity"),
    ],
)
def test_bad_options_name_the_option_field(options: KeyRateOptions, name: str) -> None:
    with pytest.raises(InvalidParameterError) as info:
        evaluate(np.array([1e-4]), options)
    assert info.value.name == name


def test_bad_library_input() -> None:
    with pytest.raises(InvalidParameterError):
        pm_key_rate(-0.1, mu=0.1)
    with pytest.raises(InvalidParameterError):
        pm_key_rate(0.1, mu=0.1, phase_slices=0)
    with pytest.raises(InvalidParameterError):
        loss_only_key_rate(0.1, mu=-1.0)
    with pytest.raises(InvalidParameterError):
        loss_only_plob_crossing_db(30.0, 60.0)  # no crossing inside the bracket


class _FailedSearch:
    success = False
    status = 1
    message = "maximum number of function evaluations exceeded"
    x = 0.0
    fun = 0.0


def test_failed_optimiser_raises_solver_error(monkeypatch: pytest.MonkeyPatch) -> None:
    import qinternet.qkd._optimize as common

    monkeypatch.setattr(common, "minimize_scalar", lambda *a, **k: _FailedSearch())
    with pytest.raises(SolverError):
        evaluate(np.array([1e-4]), KeyRateOptions())


def test_zero_beyond_maximum_distance() -> None:
    res = evaluate(_loss([150.0, 200.0]), KeyRateOptions())
    for r in res:
        d = r.to_dict()
        assert d["key_rate_bits_per_pulse"] == 0.0
        assert all(v is not None for v in d["parameters"].values())
