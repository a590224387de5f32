"""Invariants every registered key-rate protocol satisfies (issue 16, item 2).

Runs over :data:`qinternet.qkd.PROTOCOLS` itself, so a newly registered protocol is checked
without editing a hand-kept list (the former lists missed ``adaptive-mdi``).
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from qinternet.qkd import PROTOCOLS, KeyRateOptions, KeyRateResult, ProtocolSpec
from qinternet.qkd._inputs import plob_with_unit_eta

#: Channel transmissivities (detector not included), strictly decreasing: 0 to 50 dB, then none.
_ETA = np.array([1.0, 10 ** -0.5, 1e-1, 1e-2, 1e-3, 1e-5, 0.0])
_CONTRACT_KEYS = {"protocol", "key_rate_bits_per_pulse", "plob_bits_per_pulse", "qber",
                  "phase_error_rate", "channel_transmissivity", "detector_efficiency",
                  "ec_efficiency", "intensity", "intensity_optimised", "parameters", "notes"}
#: Quantities that are typed fields of KeyRateResult and so must not repeat in ``parameters``
#: under a protocol's own spelling (issue 16: one result vocabulary).
_NOT_IN_PARAMETERS = ("detector_efficiency", "ec_efficiency", "channel_transmissivity",
                      "eta_includes_detector", "plob_includes_detector", "intensity_optimised",
                      "overall_transmissivity", "eta_overall", "arm_transmittance")


@pytest.fixture(scope="module", params=sorted(PROTOCOLS))
def evaluated(request: pytest.FixtureRequest) -> tuple[ProtocolSpec, list[KeyRateResult]]:
    spec = PROTOCOLS[request.param]
    return spec, spec.evaluate(_ETA, KeyRateOptions())


def test_one_result_per_transmissivity_named_after_the_protocol(
        evaluated: tuple[ProtocolSpec, list[KeyRateResult]]) -> None:
    spec, results = evaluated
    assert len(results) == _ETA.size
    assert all(isinstance(r, KeyRateResult) and r.protocol == spec.name for r in results)
    assert [r.channel_transmissivity for r in results] == _ETA.tolist()


def test_rates_are_finite_non_negative_and_zero_without_a_channel(
        evaluated: tuple[ProtocolSpec, list[KeyRateResult]]) -> None:
    _, results = evaluated
    rates = np.array([r.key_rate_bits_per_pulse for r in results])
    assert np.all(np.isfinite(rates)) and np.all(rates >= 0.0)
    assert rates[-1] == 0.0
    assert rates[2] > 0.0  # 10 dB: every protocol's reference devices give key


def test_rates_fall_with_the_loss(evaluated: tuple[ProtocolSpec, list[KeyRateResult]]) -> None:
    _, results = evaluated
    rates = np.array([r.key_rate_bits_per_pulse for r in results])[1:]  # from 5 dB on
    assert np.all(np.diff(rates) <= 1e-12 * rates[:-1]), rates


def test_plob_is_that_of_the_channel_without_the_detector(
        evaluated: tuple[ProtocolSpec, list[KeyRateResult]]) -> None:
    _, results = evaluated
    plob = np.array([r.plob_bits_per_pulse for r in results])
    assert math.isinf(plob[0])
    np.testing.assert_allclose(plob[1:], plob_with_unit_eta(_ETA[1:]), rtol=1e-12, atol=0.0)


def test_point_to_point_rates_stay_below_plob(
        evaluated: tuple[ProtocolSpec, list[KeyRateResult]]) -> None:
    spec, results = evaluated
    if spec.relay:
        pytest.skip("a relay (twin-field) protocol may beat the point-to-point PLOB bound")
    assert all(r.key_rate_bits_per_pulse <= r.plob_bits_per_pulse for r in results)


def test_error_rates_are_probabilities_where_there_is_key(
        evaluated: tuple[ProtocolSpec, list[KeyRateResult]]) -> None:
    _, results = evaluated
    for r in results:
        if r.key_rate_bits_per_pulse > 0.0:
            assert 0.0 <= r.qber <= 0.5 and 0.0 <= r.phase_error_rate <= 0.5, r


def test_to_dict_is_the_json_contract(
        evaluated: tuple[ProtocolSpec, list[KeyRateResult]]) -> None:
    _, results = evaluated
    for r in results:
        d = r.to_dict()
        assert set(d) == _CONTRACT_KEYS
        json.dumps(d, allow_nan=False)  # plain floats; inf/NaN became None
        assert all(isinstance(k, str) for k in d["parameters"])


def test_common_quantities_are_typed_fields_not_parameters(
        evaluated: tuple[ProtocolSpec, list[KeyRateResult]]) -> None:
    spec, results = evaluated
    for r in results:
        assert 0.0 < r.detector_efficiency <= 1.0 and r.ec_efficiency >= 1.0
        assert (r.intensity is None) == (spec.intensity_symbol is None)
        assert r.intensity is None or r.intensity > 0.0
        assert isinstance(r.intensity_optimised, bool)
        assert not [k for k in r.parameters if k.startswith(_NOT_IN_PARAMETERS)]
        assert not [k for k in r.parameters if k in {"intensity_mu", "intensity_mu_z",
                                                     "intensity_alpha_sq", "intensity_mu1"}]
        total = r.parameters.get("total_transmissivity")
        if total is not None:  # channel x detector, whatever the protocol
            assert total == pytest.approx(r.channel_transmissivity * r.detector_efficiency,
                                          rel=1e-15, abs=0.0)
