"""PLOB crossing and maximum distance (qinternet.qkd.analysis)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import brentq

from conftest import assert_matches, reference_cases
from qinternet.errors import InvalidParameterError
from qinternet.qkd import bb84_decoy, mdi
from qinternet.qkd.analysis import (
    maximum_distance,
    maximum_loss_db,
    plob_crossing_distance,
    plob_crossing_loss_db,
    refine_crossing_and_cutoff,
)
from qinternet.qkd.options import KeyRateOptions, ProtocolSpec
from qinternet.qkd.registry import PROTOCOLS
from qinternet.qkd.results import KeyRateResult


def _sqrt_eta_protocol(a: float, b: float) -> ProtocolSpec:
    """Synthetic relay-like protocol R = max(a sqrt(eta) - b, 0) with known crossing/cut-off."""

    def evaluate(eta: npt.NDArray[np.float64], options: KeyRateOptions) -> list[KeyRateResult]:
        eta = np.asarray(eta, dtype=np.float64)
        rate = np.maximum(a * np.sqrt(eta) - b, 0.0)
        with np.errstate(divide="ignore"):
            plob = -np.log1p(-eta) / math.log(2)
        return [KeyRateResult(protocol="toy", channel_transmissivity=float(e),
                              key_rate_bits_per_pulse=float(r), plob_bits_per_pulse=float(p),
                              qber=0.0, phase_error_rate=0.0, detector_efficiency=1.0,
                              ec_efficiency=1.0, intensity=None, intensity_optimised=False)
                for e, r, p in zip(eta, rate, plob, strict=True)]

    return ProtocolSpec(name="toy", evaluate=evaluate, default_attenuation_db_per_km=0.2,
                        relay=True, help="toy")


@settings(max_examples=20)
@given(a=st.floats(0.01, 0.5), log_b=st.floats(-9.0, -5.0))
def test_toy_protocol_matches_closed_forms(a: float, log_b: float) -> None:
    b = 10.0**log_b
    spec = _sqrt_eta_protocol(a, b)
    cut = maximum_loss_db(spec, tolerance_db=1e-4, loss_db_grid=np.linspace(0, 250, 251))
    exact_cut = -20.0 * math.log10(b / a)  # a sqrt(eta) = b
    assert cut is not None
    assert exact_cut - 1e-4 - 1e-9 <= cut <= exact_cut + 1e-9

    def gap(loss: float) -> float:
        eta = 10 ** (-loss / 10)
        return a * math.sqrt(eta) - b + math.log1p(-eta) / math.log(2)

    cross = plob_crossing_loss_db(spec, tolerance_db=1e-6,
                                  loss_db_grid=np.linspace(0.01, 250, 500))
    grid = np.linspace(0.01, 250, 500)
    signs = np.array([gap(x) for x in grid]) >= 0
    if not signs.any():
        assert cross is None
    else:
        i = int(np.argmax(signs))
        exact = brentq(gap, grid[i - 1], grid[i], xtol=1e-12)
        assert cross == pytest.approx(exact, abs=1e-5)


_DMAX = [c for c in reference_cases("qkd", group="D")
         if "max_distance_km" in c.values[0]["expected"]]


@pytest.mark.parametrize("case", _DMAX)
def test_bb84_maximum_distance(case: dict[str, Any]) -> None:
    inputs = case["inputs"]
    decoys = inputs["decoys"]
    options = KeyRateOptions(
        detector_efficiency=inputs["detector_efficiency_eta_bob"],
        dark_count=inputs["background_yield_y0"], misalignment=inputs["misalignment_e_det"],
        ec_efficiency=inputs["ec_efficiency_f"],
        decoys=None if decoys == "infinite" else tuple(decoys),
    )
    got = maximum_distance(bb84_decoy.SPEC, options,
                           attenuation_db_per_km=inputs["attenuation_db_per_km"])
    assert got is not None
    assert_matches(case, "max_distance_km", got)


def test_grid_and_bisection_agree_with_dense_grid() -> None:
    """Max distance by grid + bisection = the last positive point of a 0.01 km grid."""
    # GYS fibre (0.21 dB/km) given explicitly: the CLI default is 0.2 dB/km since issue 9.
    got = maximum_distance(bb84_decoy.SPEC, tolerance_km=1e-4, attenuation_db_per_km=0.21)
    km = np.arange(140.0, 145.0, 0.01)
    rates = [r.key_rate_bits_per_pulse for r in
             bb84_decoy.evaluate(10 ** (-0.021 * km), KeyRateOptions())]
    last = km[np.flatnonzero(np.asarray(rates) > 0)[-1]]
    assert got is not None
    assert last - 1e-6 <= got <= last + 0.01 + 1e-6


@pytest.mark.parametrize("spec", [bb84_decoy.SPEC, mdi.SPEC])
def test_bb84_and_mdi_never_cross_plob(spec: ProtocolSpec) -> None:
    assert plob_crossing_distance(spec) is None
    assert plob_crossing_loss_db(spec) is None


_XCROSS = reference_cases("qkd", group="XPROT", prefix="XPROT-CROSSINGS")


@pytest.mark.parametrize("case", _XCROSS)
@pytest.mark.parametrize("name", ["tf-cal19", "sns", "pm"])
def test_cross_protocol_crossings_through_registry(case: dict[str, Any], name: str) -> None:
    """XPROT crossings (dB) with the analysis functions, for the protocols registered."""
    key = {"tf-cal19": "cal19", "sns": "sns", "pm": "pm"}[name] + "_plob_crossing_db"
    inputs = case["inputs"]
    options = KeyRateOptions(dark_count=inputs["dark_count_probability"],
                             misalignment=inputs["misalignment_e_d"],
                             ec_efficiency=inputs["ec_efficiency_f"])
    got = plob_crossing_loss_db(PROTOCOLS[name], options,
                                loss_db_grid=np.arange(30.0, 52.0, 2.0), tolerance_db=0.01)
    assert got is not None
    assert_matches(case, key, got)


def test_refine_rejects_bad_input() -> None:
    grid = [0.0, 10.0]
    res = bb84_decoy.evaluate(10 ** (-np.asarray(grid) / 10), KeyRateOptions())
    with pytest.raises(InvalidParameterError):
        refine_crossing_and_cutoff(bb84_decoy.SPEC, KeyRateOptions(), grid, res[:1])
    with pytest.raises(InvalidParameterError):
        refine_crossing_and_cutoff(bb84_decoy.SPEC, KeyRateOptions(), [10.0, 0.0], res)
    with pytest.raises(InvalidParameterError):
        refine_crossing_and_cutoff(bb84_decoy.SPEC, KeyRateOptions(), grid, res,
                                   tolerance_db=0.0)
    with pytest.raises(InvalidParameterError):
        maximum_distance(bb84_decoy.SPEC.evaluate)  # bare evaluator needs an attenuation
    with pytest.raises(InvalidParameterError):
        maximum_distance(bb84_decoy.SPEC, attenuation_db_per_km=-0.2)


def test_no_cutoff_in_range_returns_none() -> None:
    assert maximum_loss_db(bb84_decoy.SPEC, loss_db_grid=[0.0, 1.0, 2.0]) is None
    assert maximum_loss_db(bb84_decoy.SPEC, loss_db_grid=[60.0, 70.0]) is None  # no key at all
