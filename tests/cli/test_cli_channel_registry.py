"""``qinternet channel`` commands come from the channel registry (issue 16, item 4)."""

from __future__ import annotations

import json

import pytest

from qinternet.channels import MultibandChannel, QuditDephasingChannel
from qinternet.channels.models import CHANNEL_MODELS
from qinternet.cli.main import main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("model", sorted(CHANNEL_MODELS))
def test_every_registered_model_has_a_command(capsys: pytest.CaptureFixture[str],
                                              model: str) -> None:
    code, out, _ = run(capsys, "channel", model, "--help")
    assert code == 0 and "--json" in out


def test_qudit_dephasing_command_matches_the_model(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "channel", "qudit-dephasing",
                         "--phase-flip-probabilities", "0.9,0.05,0.05", "--json")
    assert code == 0 and err == ""
    doc = json.loads(out)
    assert doc == QuditDephasingChannel(phase_flip_probabilities=(0.9, 0.05, 0.05)).to_dict()


def test_multiband_command_matches_the_model(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "channel", "multiband", "--transmissivities", "0.1,0.01",
                       "--bandwidth-uses-per-s", "1e9", "--json")
    assert code == 0
    expected = MultibandChannel(transmissivities=(0.1, 0.01), bandwidth_uses_per_s=1e9)
    assert json.loads(out) == expected.to_dict()


def test_bad_list_names_the_option(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "channel", "multiband", "--transmissivities", "0.1,x")
    assert code == 2 and out == ""
    assert err.startswith("qinternet: error: --transmissivities ") and err.count("\n") == 1
