"""PM-QKD with finite decoy sets (issue 15 item 1): bounds against the infinite-decoy model."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import binom

from qinternet.channels.capacities import plob_bound
from qinternet.errors import InvalidParameterError
from qinternet.qkd import pm
from qinternet.qkd.options import KeyRateOptions
from qinternet.qkd.pm import pm_key_rate, pm_terms
from qinternet.qkd.pm_decoys import pm_key_rate_finite_decoys, pm_optimised_decoys

DECOYS = ((0.0, 0.01, 0.03), (0.0, 0.02), (1e-4, 0.005, 0.02, 0.04))


@pytest.mark.parametrize("loss_db", [20.0, 50.0, 70.0])
@pytest.mark.parametrize("decoys", DECOYS)
def test_finite_decoys_are_bounded_by_infinite_decoys(loss_db: float,
                                                      decoys: tuple[float, ...]) -> None:
    eta, mu = 10.0 ** (-loss_db / 10.0), 0.07
    r = pm_key_rate_finite_decoys(eta, mu, decoys)
    exact = pm_terms(eta, mu)
    assert r.phase_error_bound >= float(exact.phase_error_bound) * (1 - 1e-9)
    assert r.key_rate_bits_per_pulse <= float(pm_key_rate(eta, mu=mu)[()]) * (1 + 1e-9)
    assert r.gain == pytest.approx(float(exact.gain), rel=1e-15)


def test_exact_odd_yields_reproduce_the_bound_with_three_terms() -> None:
    """Independent route: with the exact Y_1, Y_3, Y_5 of the toolkit yields (Fock sums) the
    E^X bound is 1 - q_1 - q_3 - q_5; the LP with many decoys approaches it from above."""
    eta, mu, pd, e_d = 1e-5, 0.07, 1e-8, 0.02
    t = np.sqrt(eta)

    def y(k: int) -> float:
        j = np.arange(k + 1)
        yj = (1 - pd) * ((1 - e_d) ** j + e_d**j)
        yj[0] = 2 * pd * (1 - pd)
        return float(np.sum(binom.pmf(j, k, t) * yj))

    from scipy.stats import poisson
    q = float(pm_terms(eta, mu).gain)
    three = 1.0 - sum(float(poisson.pmf(k, 2 * mu)) * y(k) for k in (1, 3, 5)) / q
    many = pm_key_rate_finite_decoys(eta, mu, (0.0, 0.005, 0.01, 0.02, 0.04, 0.1, 0.2))
    assert three <= many.phase_error_bound <= three * 1.02


def test_optimised_decoys_beat_a_grid_and_plob_at_50_db() -> None:
    eta = 1e-5
    [opt] = pm_optimised_decoys([eta], 2, intensity=0.065)
    grid = [pm_key_rate_finite_decoys(eta, 0.065, (0.0, v)).key_rate_bits_per_pulse
            for v in (1e-4, 0.001, 0.005, 0.01, 0.03)]
    assert opt.key_rate_bits_per_pulse >= max(grid) * (1 - 1e-9)
    [free] = pm_optimised_decoys([eta], 2)
    assert free.key_rate_bits_per_pulse > plob_bound(eta)


def test_through_protocol_options() -> None:
    channel = np.array([1e-5])
    [fixed] = pm.evaluate(channel, KeyRateOptions(decoys=(0.0, 0.01, 0.03), intensity=0.07))
    assert fixed.parameters["decoys"] == "0,0.01,0.03"
    assert fixed.key_rate_bits_per_pulse == pytest.approx(
        pm_key_rate_finite_decoys(1e-5, 0.07, (0.0, 0.01, 0.03)).key_rate_bits_per_pulse,
        rel=1e-12)
    [opt] = pm.evaluate(channel, KeyRateOptions(decoy_count=2))
    [inf] = pm.evaluate(channel, KeyRateOptions())
    assert opt.parameters["decoys_optimised"] is True
    assert opt.key_rate_bits_per_pulse <= inf.key_rate_bits_per_pulse


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda: pm_key_rate_finite_decoys(0.1, 0.07, ()), "decoys"),
        (lambda: pm_key_rate_finite_decoys(0.1, 0.07, (0.0, 0.07)), "decoys"),
        (lambda: pm_key_rate_finite_decoys(0.1, 0.0, (0.0,)), "intensity"),
        (lambda: pm_optimised_decoys([0.1], 1), "decoy_count"),
        (lambda: pm.evaluate(np.array([0.1]), KeyRateOptions(decoys=(0.1, 0.1))), "decoys"),
        (lambda: pm.evaluate(np.array([0.1]), KeyRateOptions(key_basis_probability=0.9)),
         "key_basis_probability"),
    ],
)
def test_bad_input_names_the_parameter(call: object, name: str) -> None:
    with pytest.raises(InvalidParameterError) as err:
        call()  # type: ignore[operator]
    assert err.value.name == name


def test_out_of_range_decoys_and_devices_are_errors_not_zero_rates() -> None:
    """A fixed decoy above 5 or below 0 is refused (as for sns and mdi), and the library
    function checks the devices itself (dark_count = 1 gave NaN)."""
    for decoys in ((0.0, 7.0), (-1.0, 0.1)):
        with pytest.raises(InvalidParameterError) as err:
            pm.evaluate(np.array([1e-3]), KeyRateOptions(decoys=decoys))
        assert err.value.name == "decoys"
    with pytest.raises(InvalidParameterError) as err:
        pm_key_rate_finite_decoys(1e-5, 0.07, (0.0, 0.01), dark_count=1.0)
    assert err.value.name == "dark_count"
