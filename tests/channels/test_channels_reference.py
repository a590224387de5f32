"""Every value case of channels.json (PLOB/TGW vs distance; all other channel models)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from conftest import assert_matches, reference_cases
from qinternet.channels import capacities as cap
from qinternet.channels.models import Channel, channel_from_params, fibre_link
from qinternet.units import fibre_transmissivity

_INPUT_KEYS = {"transmissivity", "mean_photons", "gain", "variance", "p", "dimension", "gamma",
               "probabilities"}


def _channel(inputs: dict[str, Any]) -> Channel:
    if "length_km" in inputs:
        return fibre_link(inputs["length_km"], inputs["attenuation_db_per_km"])
    params = {k: v for k, v in inputs.items() if k in _INPUT_KEYS}
    return channel_from_params(inputs["model"], params)


@pytest.mark.parametrize("case", reference_cases("channels"))
def test_reference_case(case: dict[str, Any]) -> None:
    ch = _channel(case["inputs"])
    data = ch.to_dict()
    for key in case["expected"]:
        if key == "transmissivity":
            eta = fibre_transmissivity(case["inputs"]["length_km"],
                                       case["inputs"]["attenuation_db_per_km"])
            assert_matches(case, key, float(eta))
        elif key == "rci_argmax_x":
            assert_matches(case, key, cap.amplitude_damping_rci(case["inputs"]["gamma"])[1])
        else:
            assert_matches(case, key, data[key])


def test_naive_log2_loses_digits_at_500_km() -> None:
    """R1-naive-log2: the naive form has ~1e-7 relative error at eta = 1e-10; log1p does not."""
    case = next(c for c in reference_cases("channels", kind=None, prefix="R1-L500"))
    expected = case.values[0]["expected"]["upper_ebits_per_use"]
    eta = 1e-10
    naive = -np.log2(1.0 - eta)
    stable = float(cap.plob_bound(eta))
    assert abs(stable - expected) <= 1e-9 * expected
    assert abs(naive - stable) / stable > 1e-8  # the naive form fails the rel 1e-9 check


def test_depolarizing_hashing_equals_six_state_fraction() -> None:
    """Cross-check (spec channels.md §3.7): qubit hashing at p = 0.1 = six-state fraction, w = 0.9.

    Six-state key fraction of a Werner state w: 1 - H({(1+3w)/4, (1-w)/4, (1-w)/4, (1-w)/4}).
    """
    from qinternet.entropy import shannon_entropy

    w = 0.9
    weights = [(1 + 3 * w) / 4] + [(1 - w) / 4] * 3
    six_state = 1.0 - float(shannon_entropy(weights))
    assert cap.depolarizing_lower(0.1) == pytest.approx(six_state, rel=1e-12)
