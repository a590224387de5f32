"""Public API of qinternet.repeaters: sorted __all__, every name importable, docs pinned."""

from __future__ import annotations

import importlib

import pytest

import qinternet.repeaters as rep

MODULES = ["_join", "chain", "closed_forms", "keyrate", "montecarlo", "optimize", "physical",
           "results"]


def test_all_sorted_and_public() -> None:
    assert list(rep.__all__) == sorted(rep.__all__)
    for name in rep.__all__:
        assert hasattr(rep, name)


@pytest.mark.parametrize("module", MODULES)
def test_module_all(module: str) -> None:
    mod = importlib.import_module(f"qinternet.repeaters.{module}")
    for name in mod.__all__:
        assert hasattr(mod, name)


def test_result_to_dict_contract_keys_are_plain() -> None:
    res = rep.analyze_chain(rep.NestedChain(levels=1, p_gen=0.1, p_swap=0.5, cutoff_steps=3,
                                            coherence_time_steps=50.0, werner_w0=0.99))
    d = res.to_dict()
    for key in ("mean_waiting_time_steps", "mean_werner", "secret_key_rate_bits_per_step",
                "secret_key_rate_six_state_bits_per_step", "coverage", "mean_fidelity"):
        assert isinstance(d[key], float)
    assert d["segments"] == 2
