"""The helpers the protocol modules share (issue 16): device checks, decoy checks, the
finite-decoy optimiser driver and the decoy-LP pieces."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest

from qinternet.errors import InvalidParameterError, SolverError
from qinternet.qkd._inputs import (
    check_decoy_choice,
    decoy_set_parameters,
    decoy_values,
    fixed_decoy_set,
    validate_devices,
)
from qinternet.qkd._optimize import optimise_decoy_intensities
from qinternet.qkd._yield_lp import gain_constraints, poisson_weights, yield_extremum
from qinternet.qkd.options import KeyRateOptions


@pytest.mark.parametrize(("kwargs", "name"), [
    ({"dark_count": 1.0}, "dark_count"),
    ({"dark_count": -1e-9}, "dark_count"),
    ({"misalignment": 0.51}, "misalignment"),
    ({"ec_efficiency": 0.99}, "ec_efficiency"),
    ({"ec_efficiency": float("inf")}, "ec_efficiency"),
    ({"dark_count": 2.0, "misalignment": 2.0, "ec_efficiency": 0.0}, "dark_count"),
])
def test_validate_devices_names_the_parameter(kwargs: dict[str, float], name: str) -> None:
    args = {"dark_count": 1e-8, "misalignment": 0.02, "ec_efficiency": 1.16, **kwargs}
    with pytest.raises(InvalidParameterError) as err:
        validate_devices(**args)
    assert err.value.name == name


def test_validate_devices_returns_floats() -> None:
    assert validate_devices(dark_count=0, misalignment=0.5, ec_efficiency=1) == (0.0, 0.5, 1.0)


@pytest.mark.parametrize(("count", "decoys"), [
    (None, None), (2, (0.0, 0.1)), (1, None), (True, None), (2.0, None),
])
def test_check_decoy_choice_rejects(count: object, decoys: tuple[float, ...] | None) -> None:
    with pytest.raises(InvalidParameterError) as err:
        check_decoy_choice(count, decoys, "demo")  # type: ignore[arg-type]
    assert err.value.name == "decoy_count"


def test_check_decoy_choice_names_the_protocol() -> None:
    with pytest.raises(InvalidParameterError, match="for sns"):
        check_decoy_choice(1, None, "sns")
    check_decoy_choice(2, None, "sns")
    check_decoy_choice(None, (0.0, 0.1), "sns")


def test_decoy_values_and_fixed_set() -> None:
    assert decoy_values((0, 1), 1.0) == (0.0, 1.0)
    with pytest.raises(InvalidParameterError, match="at least one"):
        decoy_values((), 1.0)
    with pytest.raises(InvalidParameterError) as err:
        decoy_values((0.0, 2.0), 1.0)
    assert err.value.name == "decoys"
    assert fixed_decoy_set(KeyRateOptions()) is None
    assert fixed_decoy_set(KeyRateOptions(decoys=(0.0, 0.1))) == (0.0, 0.1)
    with pytest.raises(InvalidParameterError, match="distinct"):
        fixed_decoy_set(KeyRateOptions(decoys=(0.1, 0.1)))
    with pytest.raises(InvalidParameterError) as err:
        fixed_decoy_set(KeyRateOptions(decoys=(0.0, 0.1), intensity=0.1))
    assert err.value.name == "intensity"
    with pytest.raises(InvalidParameterError) as err:
        fixed_decoy_set(KeyRateOptions(decoys=(0.0, 9.0)), 5.0)
    assert err.value.name == "decoys"
    fixed_decoy_set(KeyRateOptions(decoys=(0.0, 9.0)))  # no range without a bound


def test_decoy_set_parameters() -> None:
    assert decoy_set_parameters((0.0, 0.01), fixed=True) == {
        "decoys": "0,0.01", "decoys_optimised": False}


@dataclass(frozen=True)
class _Toy:
    key_rate_bits_per_pulse: float
    mu: float
    decoys: tuple[float, ...]


def _toy_rate(e: float, mu: float, dec: tuple[float, ...]) -> _Toy:
    """Rate e mu exp(-mu) - sum(decoys): optimum at mu = 1, decoys as weak as allowed."""
    if mu > 5.0:
        raise InvalidParameterError("intensity", mu, "too large")
    return _Toy(e * mu * np.exp(-mu) - sum(dec), mu, dec)


def _no_key(mu: float, dec: tuple[float, ...]) -> _Toy:
    return _Toy(0.0, mu, dec)


def test_optimise_decoy_intensities_finds_the_toy_optimum() -> None:
    etas = np.array([1.0, 0.5])
    seeds = [np.log(np.array([0.5, 0.01]))]
    bounds = [(np.log(1e-3), np.log(2.0)), (np.log(1e-4), np.log(1.0))]
    out = optimise_decoy_intensities(etas, _toy_rate, _no_key, intensity=None, decoys=None,
                                     seeds=seeds, bounds=bounds)
    assert len(out) == 2
    for r, e in zip(out, etas, strict=True):
        assert r.mu == pytest.approx(1.0, abs=0.05)
        assert r.decoys[0] == 0.0 and r.decoys[1] < 1e-3
        assert r.key_rate_bits_per_pulse == pytest.approx(e * np.exp(-1.0), rel=1e-3)


def test_optimise_decoy_intensities_fixed_and_no_key() -> None:
    fixed = optimise_decoy_intensities(np.array([1.0]), _toy_rate, _no_key, intensity=0.3,
                                       decoys=(0.0, 0.1), seeds=[np.array([])], bounds=[])
    assert fixed[0].mu == 0.3 and fixed[0].decoys == (0.0, 0.1)
    assert fixed[0].key_rate_bits_per_pulse == pytest.approx(0.3 * np.exp(-0.3) - 0.1)
    # No candidate with a rate (the fixed intensity is refused): the fallback reports it.
    none = optimise_decoy_intensities(np.array([1.0]), _toy_rate, _no_key, intensity=9.0,
                                      decoys=(0.0, 0.1), seeds=[np.array([])], bounds=[])
    assert none == [_Toy(0.0, 9.0, (0.0, 0.1))]


def test_yield_lp_pieces() -> None:
    p = poisson_weights(np.array([0.0, 0.5]), 3)
    assert p[0].tolist() == [1.0, 0.0, 0.0, 0.0]
    assert p.shape == (2, 4)
    a, b = gain_constraints(p, np.array([0.1, 0.2]), np.array([-1.0, 0.1]), np.array([1.0, 1.0]))
    assert a.shape == (3, 4) and b.shape == (3,)  # the first lower row is left out
    with pytest.raises(SolverError, match="demo failed"):
        # y_0 <= 0.1 and y_0 >= 0.2: infeasible
        yield_extremum(np.array([[1.0], [-1.0]]), np.array([0.1, -0.2]), 0, maximise=False,
                       failure="demo failed")
