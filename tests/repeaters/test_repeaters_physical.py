"""Physical front end: p_gen, attempt time, coherence time in s, PLOB per second."""

from __future__ import annotations

import math
import warnings

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qinternet.channels.capacities import plob_bound
from qinternet.constants import FIBRE_GROUP_VELOCITY_KM_PER_S
from qinternet.errors import InvalidParameterError, QinternetWarning
from qinternet.repeaters import (
    NestedChain,
    analyze_chain,
    attempt_time_s,
    coherence_time_steps,
    elementary_link_probability,
    link_coherence_time_s,
    physical_result,
    plob_bits_per_use,
)


def test_p_gen_from_loss() -> None:
    assert elementary_link_probability(50.0) == pytest.approx(0.1, rel=1e-12)
    assert elementary_link_probability(25.0, 0.4, source_efficiency=0.5,
                                       detector_efficiency=0.5) == pytest.approx(0.025, rel=1e-12)


def test_attempt_time_and_coherence() -> None:
    assert attempt_time_s(100.0) == pytest.approx(200.0 / FIBRE_GROUP_VELOCITY_KM_PER_S)
    assert attempt_time_s(100.0, "midpoint") == pytest.approx(100.0 / FIBRE_GROUP_VELOCITY_KM_PER_S)
    assert link_coherence_time_s(2.0) == 1.0
    assert coherence_time_steps(1.0, 1e-3) == pytest.approx(1000.0)


def test_physical_result_units_and_plob() -> None:
    seg = 25.0
    dt = attempt_time_s(seg)
    chain = NestedChain(levels=2, p_gen=elementary_link_probability(seg), p_swap=0.5,
                        werner_w0=0.99, coherence_time_steps=coherence_time_steps(0.1, dt),
                        cutoff_steps=40)
    res = analyze_chain(chain)
    phys = physical_result(res, attempt_time_s=dt, segment_length_km=seg)
    d = phys.to_dict()
    assert d["mean_waiting_time_s"] == pytest.approx(res.mean_waiting_time_steps * dt)
    assert d["secret_key_rate_bits_per_s"] == pytest.approx(
        res.secret_key_rate_bits_per_step / dt)
    assert d["total_length_km"] == 100.0
    assert d["plob_bits_per_use"] == pytest.approx(0.0144995697, rel=1e-9)
    assert d["plob_bits_per_s"] == pytest.approx(float(plob_bound(0.01)) / dt)
    assert d["coherence_time_s"] == pytest.approx(0.1)
    assert plob_bits_per_use(200.0) == pytest.approx(0.00014427672, rel=5e-8)
    assert all(not (isinstance(v, float) and math.isnan(v)) for v in d.values())


def test_physical_without_length_has_no_plob() -> None:
    res = analyze_chain(NestedChain(levels=1, p_gen=0.2, p_swap=0.5))
    d = physical_result(res, attempt_time_s=1e-6).to_dict()
    assert d["plob_bits_per_s"] is None
    assert d["clock_rate_hz"] == pytest.approx(1e6)


@settings(max_examples=15)
@given(seg_km=st.floats(5.0, 80.0), levels=st.integers(0, 3), a=st.floats(0.3, 1.0),
       eff=st.floats(0.3, 1.0), w0=st.floats(0.9, 1.0), t_coh_s=st.floats(1e-3, 1.0),
       tau=st.none() | st.integers(0, 200))
def test_key_rate_below_repeater_capacity_and_plob_relation(
        seg_km: float, levels: int, a: float, eff: float, w0: float, t_coh_s: float,
        tau: int | None) -> None:
    """Achievable (chain key rate per step) <= repeater-assisted capacity per chain use."""
    dt = attempt_time_s(seg_km)
    chain = NestedChain(levels=levels, p_gen=elementary_link_probability(
        seg_km, source_efficiency=eff, detector_efficiency=eff), p_swap=a, werner_w0=w0,
        coherence_time_steps=coherence_time_steps(t_coh_s, dt), cutoff_steps=tau)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", QinternetWarning)
        try:
            res = analyze_chain(chain, max_truncation_steps=2**17)
        except InvalidParameterError:
            return
    d = physical_result(res, attempt_time_s=dt, segment_length_km=seg_km).to_dict()
    assert d["secret_key_rate_bits_per_step"] <= d["repeater_capacity_bits_per_use"]
    assert d["secret_key_rate_six_state_bits_per_step"] <= d["repeater_capacity_bits_per_use"]
    assert d["repeater_capacity_bits_per_use"] >= d["plob_bits_per_use"]
    assert d["repeater_capacity_bits_per_s"] == pytest.approx(
        d["repeater_capacity_bits_per_use"] / dt)
