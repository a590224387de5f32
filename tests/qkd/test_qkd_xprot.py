"""Cross-protocol comparison in one device model (spec qkd.md section 12, group XPROT)."""

from __future__ import annotations

import numpy as np
import pytest

from conftest import assert_matches, reference_cases
from qinternet.channels.capacities import plob_bound
from qinternet.qkd import pm, sns
from qinternet.qkd._tf_common import bisect_loss_db
from qinternet.qkd.options import Evaluator, KeyRateOptions
from qinternet.qkd.pm_loss_only import loss_only_optimal
from qinternet.qkd.registry import PROTOCOLS

TABLE = [c for c in reference_cases("qkd", group="XPROT")
         if c.values[0]["id"] != "XPROT-CROSSINGS"]
CROSSINGS = [c for c in reference_cases("qkd", group="XPROT")
             if c.values[0]["id"] == "XPROT-CROSSINGS"]


def _options(case: dict) -> KeyRateOptions:
    inp = case["inputs"]
    return KeyRateOptions(dark_count=inp["dark_count_probability"],
                          misalignment=inp["misalignment_e_d"],
                          ec_efficiency=inp["ec_efficiency_f"])


def _eta(loss_db: float) -> np.ndarray:
    return np.array([10.0 ** (-loss_db / 10.0)])


def _cal19() -> Evaluator:
    return PROTOCOLS["tf-cal19"].evaluate


@pytest.mark.parametrize("case", TABLE)
def test_xprot_table_sns_pm_loss_only_plob(case: dict) -> None:
    eta = _eta(case["inputs"]["loss_db"])
    opts = _options(case)
    s = sns.evaluate(eta, opts)[0]
    p = pm.evaluate(eta, opts)[0]
    assert case["inputs"]["pm_phase_slices_d"] == p.parameters["phase_slices_d"]
    assert_matches(case, "sns_bits_per_pulse", s.key_rate_bits_per_pulse)
    assert_matches(case, "pm_bits_per_pulse", p.key_rate_bits_per_pulse)
    assert case["inputs"]["loss_only_pd"] == 0.0
    assert_matches(case, "ll_loss_only_bits_per_pulse", float(loss_only_optimal(eta)[1][0]))
    assert_matches(case, "plob_bits_per_pulse", s.plob_bits_per_pulse)
    assert s.plob_bits_per_pulse == pytest.approx(float(plob_bound(eta[0])), rel=1e-14)
    # Ordering: loss-only (no noise) > SNS > PM at every loss of the table.
    assert float(loss_only_optimal(eta)[1][0]) > s.key_rate_bits_per_pulse
    assert s.key_rate_bits_per_pulse > p.key_rate_bits_per_pulse


@pytest.mark.parametrize("case", TABLE)
def test_xprot_table_cal19(case: dict) -> None:
    evaluate = _cal19()
    eta = _eta(case["inputs"]["loss_db"])
    opts = _options(case)
    cal = evaluate(eta, opts)[0]
    assert_matches(case, "cal19_bits_per_pulse", cal.key_rate_bits_per_pulse)
    assert cal.key_rate_bits_per_pulse > sns.evaluate(eta, opts)[0].key_rate_bits_per_pulse


def _crossing_db(evaluate: Evaluator, opts: KeyRateOptions) -> float:
    def beats(loss_db: float) -> bool:
        r = evaluate(_eta(loss_db), opts)[0]
        return r.key_rate_bits_per_pulse > r.plob_bits_per_pulse

    return bisect_loss_db(beats, 20.0, 70.0, tol_db=0.01)


@pytest.mark.parametrize("case", CROSSINGS)
def test_xprot_crossings_and_optima_sns_pm(case: dict) -> None:
    opts = _options(case)
    assert_matches(case, "sns_plob_crossing_db", _crossing_db(sns.evaluate, opts))
    assert_matches(case, "pm_plob_crossing_db", _crossing_db(pm.evaluate, opts))
    for loss_db in (40.0, 50.0):
        s = sns.evaluate(_eta(loss_db), opts)[0]
        assert_matches(case, "sns_epsilon_opt",
                       float(s.parameters["sending_probability_epsilon"]))  # type: ignore[arg-type]
        assert_matches(case, "sns_mu_z_opt", float(s.intensity))  # type: ignore[arg-type]
        p = pm.evaluate(_eta(loss_db), opts)[0]
        assert_matches(case, "pm_mu_opt", float(p.intensity))  # type: ignore[arg-type]


@pytest.mark.parametrize("case", CROSSINGS)
def test_xprot_crossing_cal19(case: dict) -> None:
    evaluate = _cal19()
    assert_matches(case, "cal19_plob_crossing_db", _crossing_db(evaluate, _options(case)))
