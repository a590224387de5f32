"""SNS TF-QKD with finite decoys (issue 15 item 1): closed forms, LP and infinite decoys.

Routes cross-checked: (a) photon-number yields summed directly (binomial thinning of each
detected photon number) against the decoy gains of the model; (b) the closed-form decoy bounds
of the SNS papers against the LP over the yields; (c) the finite-decoy rate against the
infinite-decoy rate of :mod:`qinternet.qkd.tf.sns`, which it must approach from below.
"""

from __future__ import annotations

import itertools
import json
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import binom, poisson

from qinternet.channels.capacities import plob_bound
from qinternet.cli.main import main
from qinternet.errors import InvalidParameterError
from qinternet.qkd.options import KeyRateOptions
from qinternet.qkd.tf import sns
from qinternet.qkd.tf.sns import sns_key_rate, sns_terms
from qinternet.qkd.tf.sns_decoys import (
    sns_decoy_bounds,
    sns_decoy_gains,
    sns_key_rate_finite_decoys,
    sns_optimised_decoys,
)


def _yields(eta: float, pd: float, e_d: float, k_max: int = 60) -> tuple[np.ndarray, np.ndarray]:
    """Photon-number yields s_k (exactly one click) and t_k (only the wrong detector clicks),
    from the detected photon number j ~ Bin(k, sqrt(eta)) and each photon's port."""
    t = math.sqrt(eta)
    s = np.zeros(k_max + 1)
    err = np.zeros(k_max + 1)
    for k in range(k_max + 1):
        j = np.arange(k + 1)
        w = binom.pmf(j, k, t)
        y = np.where(j == 0, 2 * pd * (1 - pd), 2.0 * 0.5**j * (1 - pd))
        z = np.where(j == 0, pd * (1 - pd), e_d**j * (1 - pd))
        s[k], err[k] = float(np.sum(w * y)), float(np.sum(w * z))
    return s, err


@pytest.mark.parametrize(("eta", "pd", "e_d"), [(1e-2, 1e-8, 0.02), (1e-6, 1e-7, 0.1),
                                                (0.3, 1e-5, 0.3)])
def test_gains_are_the_photon_number_sums_of_the_toolkit_yields(eta: float, pd: float,
                                                               e_d: float) -> None:
    s, err = _yields(eta, pd, e_d)
    k = np.arange(s.size)
    for nu in (0.0, 1e-3, 0.05, 0.4):
        s_gain, t_gain = sns_decoy_gains(eta, nu, dark_count=pd, misalignment=e_d)
        p1 = poisson.pmf(k, nu) if nu > 0 else (k == 0).astype(float)
        p2 = poisson.pmf(k, 2 * nu) if nu > 0 else (k == 0).astype(float)
        assert float(s_gain) == pytest.approx(float(np.sum(p1 * s)), rel=1e-11)
        assert float(t_gain) == pytest.approx(float(np.sum(p2 * err)), rel=1e-11)
    exact = sns_terms(eta, 0.1, 0.5, dark_count=pd, misalignment=e_d)
    assert s[1] == pytest.approx(float(exact.single_photon_yield), rel=1e-12)
    assert err[1] / s[1] == pytest.approx(float(exact.phase_error_rate), rel=1e-12)


@pytest.mark.parametrize("loss_db", [10.0, 40.0, 70.0])
@pytest.mark.parametrize("decoys", [(0.0, 0.05, 0.2), (0.0, 0.01, 0.1), (0.0, 1e-3, 0.3)])
def test_closed_forms_agree_with_the_lp(loss_db: float, decoys: tuple[float, ...]) -> None:
    """Same decoy data, two routes: the LP is never looser and, here, as tight (the dropped
    terms of the closed forms are zero at the LP optimum)."""
    eta = 10.0 ** (-loss_db / 10.0)
    closed = sns_decoy_bounds(eta, decoys, method="analytic")
    lp = sns_decoy_bounds(eta, decoys)
    assert lp.single_photon_yield_lower >= closed.single_photon_yield_lower * (1 - 1e-7)
    assert lp.single_photon_yield_lower == pytest.approx(closed.single_photon_yield_lower,
                                                         rel=1e-6)
    # t_1: the closed form uses mu_1 alone; the LP with {0, mu_1} must equal it, the LP with
    # every decoy may only be tighter.
    lp_one = sns_decoy_bounds(eta, decoys[:2])
    assert lp_one.single_photon_error_yield_upper == pytest.approx(
        closed.single_photon_error_yield_upper, rel=1e-6)
    assert lp.single_photon_error_yield_upper <= closed.single_photon_error_yield_upper * (
        1 + 1e-7)
    rate_closed = sns_key_rate_finite_decoys(eta, 0.04, 0.46, decoys, method="analytic")
    rate_lp = sns_key_rate_finite_decoys(eta, 0.04, 0.46, decoys)
    assert rate_lp.key_rate_bits_per_pulse >= rate_closed.key_rate_bits_per_pulse * (1 - 1e-6)


@settings(max_examples=30, deadline=None)
@given(loss_db=st.floats(0.0, 80.0), nu1=st.floats(1e-4, 0.2), ratio=st.floats(1.2, 20.0),
       pd=st.sampled_from([0.0, 1e-9, 1e-7]), e_d=st.floats(0.0, 0.45))
def test_bounds_bracket_the_true_yields(loss_db: float, nu1: float, ratio: float, pd: float,
                                        e_d: float) -> None:
    eta = 10.0 ** (-loss_db / 10.0)
    s, err = _yields(eta, pd, e_d, k_max=2)
    for method in ("lp", "analytic"):
        b = sns_decoy_bounds(eta, (0.0, nu1, nu1 * ratio), dark_count=pd, misalignment=e_d,
                             method=method)  # type: ignore[arg-type]
        assert b.single_photon_yield_lower <= s[1] * (1 + 1e-7) + 1e-15
        assert b.single_photon_error_yield_upper >= err[1] * (1 - 1e-7) - 1e-15


@settings(max_examples=20, deadline=None)
@given(loss_db=st.floats(10.0, 80.0), nu1=st.floats(1e-4, 0.2), ratio=st.floats(1.5, 10.0),
       three=st.booleans(), e_d=st.sampled_from([0.02, 0.1, 0.3]))
def test_two_or_three_decoys_stay_below_infinite_decoys(loss_db: float, nu1: float,
                                                        ratio: float, three: bool,
                                                        e_d: float) -> None:
    """At every distance, the optimised rate with a fixed 2- or 3-intensity set <= infinite."""
    eta = np.array([10.0 ** (-loss_db / 10.0)])
    decoys = (0.0, nu1, nu1 * ratio) if three else (0.0, nu1)
    opts = KeyRateOptions(misalignment=e_d)
    finite = sns.evaluate(eta, KeyRateOptions(misalignment=e_d, decoys=decoys))[0]
    infinite = sns.evaluate(eta, opts)[0]
    assert finite.key_rate_bits_per_pulse <= infinite.key_rate_bits_per_pulse * (1 + 1e-6)
    if finite.key_rate_bits_per_pulse > 0:
        assert finite.phase_error_rate >= infinite.phase_error_rate * (1 - 1e-7)


@pytest.mark.parametrize("loss_db", [20.0, 65.0])
def test_optimised_decoys_approach_infinite_decoys_from_below(loss_db: float) -> None:
    eta = np.array([10.0 ** (-loss_db / 10.0)])
    infinite = sns.evaluate(eta, KeyRateOptions())[0].key_rate_bits_per_pulse
    rates = [sns.evaluate(eta, KeyRateOptions(decoy_count=n))[0].key_rate_bits_per_pulse
             for n in (2, 3, 4)]
    assert all(r <= infinite * (1 + 1e-6) for r in rates)
    assert rates[1] >= rates[0] * (1 - 1e-6)  # a further decoy can be made useless, never harmful
    assert rates[2] >= infinite * (1 - 1e-4)


def test_weaker_decoys_converge_to_infinite_decoys() -> None:
    """A fixed three-intensity set scaled towards zero: the rate rises to the infinite one."""
    eta = 1e-5
    infinite = float(sns_key_rate(eta, epsilon=0.04, mu_z=0.46)[()])
    rates = [sns_key_rate_finite_decoys(eta, 0.04, 0.46, (0.0, 0.1 * s, 0.4 * s))
             .key_rate_bits_per_pulse for s in (1.0, 0.3, 0.1, 0.03, 0.01, 0.001)]
    assert all(b >= a for a, b in itertools.pairwise(rates))
    assert rates[-1] <= infinite
    assert rates[-1] == pytest.approx(infinite, rel=1e-3)
    assert rates[0] < infinite * 0.99  # not trivially equal


@settings(max_examples=20, deadline=None)
@given(loss_db=st.floats(10.0, 70.0), base=st.lists(st.floats(1e-3, 0.5), min_size=1,
                                                    max_size=3, unique=True),
       extra=st.floats(1e-4, 0.8))
def test_adding_a_decoy_never_loosens_the_bounds(loss_db: float, base: list[float],
                                                 extra: float) -> None:
    eta = 10.0 ** (-loss_db / 10.0)
    decoys = (0.0, *base)
    if any(abs(extra - d) < 1e-6 for d in decoys):
        return
    a = sns_decoy_bounds(eta, decoys)
    b = sns_decoy_bounds(eta, (*decoys, extra))
    assert b.single_photon_yield_lower >= a.single_photon_yield_lower * (1 - 1e-6) - 1e-15
    assert b.single_photon_error_yield_upper <= a.single_photon_error_yield_upper * (
        1 + 1e-6) + 1e-15


def test_optimised_vacuum_plus_one_decoy_beats_a_grid_and_plob() -> None:
    eta = 1e-5  # 50 dB
    [opt] = sns_optimised_decoys([eta], 2, intensity=0.46)
    grid = [sns.evaluate(np.array([eta]), KeyRateOptions(decoys=(0.0, v), intensity=0.46))[0]
            .key_rate_bits_per_pulse for v in (1e-4, 1e-3, 0.01, 0.05)]
    assert opt.key_rate_bits_per_pulse >= max(grid) * (1 - 1e-6)
    [free] = sns_optimised_decoys([eta], 2)
    assert free.key_rate_bits_per_pulse > plob_bound(eta)
    assert free.decoys[0] == 0.0 and len(free.decoys) == 2


def test_t5_paper_distances_hold_with_three_optimised_intensities() -> None:
    """T5 (Wang-Yu-Hu abstract: > 700/600/500/300 km at e_d = 15/25/35/45 %) with a finite
    decoy set: vacuum + two optimised intensities keep a positive key at the claimed distances
    (pd = 1e-11 as in test_qkd_sns.py::test_t5_*); vacuum + one decoy does not at 700 km."""
    for e_d, km in [(0.15, 700.0), (0.25, 600.0), (0.35, 500.0), (0.45, 300.0)]:
        eta = np.array([10.0 ** (-0.02 * km)])
        opts = KeyRateOptions(dark_count=1e-11, misalignment=e_d, decoy_count=3)
        assert sns.evaluate(eta, opts)[0].key_rate_bits_per_pulse > 0.0
    eta = np.array([10.0 ** (-0.02 * 700.0)])
    two = KeyRateOptions(dark_count=1e-11, misalignment=0.15, decoy_count=2)
    assert sns.evaluate(eta, two)[0].key_rate_bits_per_pulse == 0.0


def test_curve_is_warm_started_and_decreasing() -> None:
    eta = 10.0 ** (-np.arange(30.0, 81.0, 15.0) / 10.0)
    res = sns_optimised_decoys(eta, 3)
    rates = [r.key_rate_bits_per_pulse for r in res]
    positive = [r for r in rates if r > 0]
    assert len(positive) >= 3
    assert all(b <= a for a, b in itertools.pairwise(positive))


def test_through_the_cli(capsys: pytest.CaptureFixture[str]) -> None:
    main(["keyrate", "sns", "--loss-db", "50", "--decoys", "0,0.01,0.1", "--json"])
    doc = json.loads(capsys.readouterr().out)
    [point] = doc["points"]
    assert point["parameters"]["decoys"] == "0,0.01,0.1"
    assert point["parameters"]["decoys_optimised"] is False
    library = sns.evaluate(np.array([1e-5]), KeyRateOptions(decoys=(0.0, 0.01, 0.1)))[0]
    assert point["key_rate_bits_per_pulse"] == pytest.approx(library.key_rate_bits_per_pulse,
                                                             rel=1e-12)
    assert any("finite decoys" in n for n in point["notes"])
    main(["keyrate", "sns", "--loss-db", "50", "--decoys", "2", "--json"])
    doc = json.loads(capsys.readouterr().out)
    assert doc["points"][0]["parameters"]["decoys"].startswith("optimised: 0,")


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda: sns_decoy_bounds(1e-3, ()), "decoys"),
        (lambda: sns_decoy_bounds(1e-3, (0.0,)), "decoys"),
        (lambda: sns_decoy_bounds(1e-3, (0.0, 0.1, 0.1)), "decoys"),
        (lambda: sns_decoy_bounds(1e-3, (0.0, -0.1)), "decoys"),
        (lambda: sns_decoy_bounds(1e-3, (0.0, 0.1)), None),
        (lambda: sns_decoy_bounds(1e-3, (0.0, 0.1), method="analytic"), "decoys"),
        (lambda: sns_decoy_bounds(1e-3, (0.0, 0.1), method="x"), "method"),  # type: ignore
        (lambda: sns_decoy_bounds(2.0, (0.0, 0.1)), "eta"),
        (lambda: sns_key_rate_finite_decoys(1e-3, 1.5, 0.4, (0.0, 0.1)), "epsilon"),
        (lambda: sns_key_rate_finite_decoys(1e-3, 0.1, 0.0, (0.0, 0.1)), "mu_z"),
        (lambda: sns_optimised_decoys([1e-3], None), "decoy_count"),
        (lambda: sns_optimised_decoys([1e-3], 1), "decoy_count"),
        (lambda: sns_optimised_decoys([1e-3], 2, decoys=(0.0, 0.1)), "decoy_count"),
        (lambda: sns_optimised_decoys([1e-3], 2, intensity=-1.0), "intensity"),
        (lambda: sns_optimised_decoys([1e-3], 2, ec_efficiency=0.5), "ec_efficiency"),
        (lambda: sns_optimised_decoys([1.5], None, decoys=(0.0, 0.1)),
         "channel_transmissivity"),
        (lambda: sns_optimised_decoys([1e-3], None, decoys=(0.0, 0.1),
                                      detector_efficiency=0.0), "detector_efficiency"),
        (lambda: sns_key_rate_finite_decoys(1.5, 0.1, 0.4, (0.0, 0.1)),
         "channel_transmissivity"),
    ],
)
def test_bad_input_names_the_parameter(call: object, name: str | None) -> None:
    if name is None:
        call()  # type: ignore[operator]
        return
    with pytest.raises(InvalidParameterError) as err:
        call()  # type: ignore[operator]
    assert err.value.name == name


def test_docs_table_ratios_to_infinite_decoys() -> None:
    """docs/qkd-paper-claims.md, 'SNS with finite decoys': fixed sets at 30 and 60 dB and the
    optimised vacuum + one decoy at 60 dB, as ratios to the infinite-decoy rate."""
    loss = np.array([30.0, 60.0])
    eta = 10.0 ** (-loss / 10.0)
    infinite = [r.key_rate_bits_per_pulse for r in sns.evaluate(eta, KeyRateOptions())]
    assert infinite[0] == pytest.approx(2.8392e-4, rel=1e-4)
    for decoys, expected in (((0.0, 0.01, 0.1), (0.9932, 0.9928)),
                             ((0.0, 0.05, 0.2), (0.9592, 0.9567))):
        rates = sns.evaluate(eta, KeyRateOptions(decoys=decoys))
        for r, inf, ratio in zip(rates, infinite, expected, strict=True):
            assert r.key_rate_bits_per_pulse / inf == pytest.approx(ratio, abs=1e-4)
    two = sns.evaluate(eta[1:], KeyRateOptions(decoy_count=2))[0].key_rate_bits_per_pulse
    assert two / infinite[1] == pytest.approx(0.8784, abs=2e-3)
