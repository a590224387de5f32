"""``qinternet keyrate`` options of issue 15: ``--decoys N`` (a count) and
``--key-basis-probability``."""

from __future__ import annotations

import json
from typing import Any

import pytest

from qinternet.cli.main import main


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def _points(capsys: pytest.CaptureFixture[str], *args: str) -> list[dict[str, Any]]:
    code, out, err = _run(capsys, *args, "--json")
    assert code == 0 and err == "", err
    return json.loads(out)["points"]  # type: ignore[no-any-return]


def test_decoy_count_optimises_and_fixed_values_stay_fixed(
    capsys: pytest.CaptureFixture[str],
) -> None:
    optimised = _points(capsys, "keyrate", "bb84-decoy", "--distance-km", "0:100:50",
                        "--decoys", "2")
    fixed = _points(capsys, "keyrate", "bb84-decoy", "--distance-km", "0:100:50",
                    "--decoys", "0,0.05")
    infinite = _points(capsys, "keyrate", "bb84-decoy", "--distance-km", "0:100:50",
                       "--decoys", "infinite")
    for o, f, i in zip(optimised, fixed, infinite, strict=True):
        assert o["parameters"]["decoys_optimised"] is True
        assert f["parameters"]["decoys"] == "0.05,0"
        assert f["parameters"]["decoys_optimised"] is False
        assert f["key_rate_bits_per_pulse"] <= o["key_rate_bits_per_pulse"]
        assert o["key_rate_bits_per_pulse"] <= i["key_rate_bits_per_pulse"]


def test_key_basis_probability_sets_the_sifting_factor(
    capsys: pytest.CaptureFixture[str],
) -> None:
    half = _points(capsys, "keyrate", "bb84-decoy", "--distance-km", "50", "--intensity", "0.5")
    same = _points(capsys, "keyrate", "bb84-decoy", "--distance-km", "50", "--intensity", "0.5",
                   "--key-basis-probability", "0.5")
    biased = _points(capsys, "keyrate", "bb84-decoy", "--distance-km", "50", "--intensity",
                     "0.5", "--key-basis-probability", "0.9")
    assert same[0]["key_rate_bits_per_pulse"] == half[0]["key_rate_bits_per_pulse"]
    assert biased[0]["parameters"]["sifting_factor_q"] == 0.82
    assert biased[0]["key_rate_bits_per_pulse"] == pytest.approx(
        half[0]["key_rate_bits_per_pulse"] * 0.82 / 0.5, rel=1e-12)


def test_finite_key_basis_fixed_or_optimised(capsys: pytest.CaptureFixture[str]) -> None:
    fixed = _points(capsys, "keyrate", "bb84-decoy", "--distance-km", "50", "--pulses", "1e10",
                    "--key-basis-probability", "0.8")
    free = _points(capsys, "keyrate", "bb84-decoy", "--distance-km", "50", "--pulses", "1e10",
                   "--key-basis-probability", "optimised")
    assert fixed[0]["parameters"]["basis_probability_q_x"] == 0.8
    assert free[0]["parameters"]["basis_probability_optimised"] is True
    assert fixed[0]["key_rate_bits_per_pulse"] <= free[0]["key_rate_bits_per_pulse"] * (1 + 1e-6)


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["keyrate", "bb84-decoy", "--loss-db", "3", "--decoys", "3"], "--decoys"),
        (["keyrate", "bb84-decoy", "--loss-db", "3", "--decoys", "17"], "--decoys"),
        (["keyrate", "mdi", "--loss-db", "3", "--decoys", "1"], "--decoys"),
        (["keyrate", "sns", "--loss-db", "3", "--decoys", "1"], "--decoys"),
        (["keyrate", "tf-cal19", "--loss-db", "3", "--decoys", "1"], "--decoys"),
        (["keyrate", "tf-cal19", "--loss-db", "3", "--decoys", "2", "--pulses", "1e12"],
         "--decoys"),
        (["keyrate", "bb84-decoy", "--loss-db", "3", "--key-basis-probability", "0"],
         "--key-basis-probability"),
        (["keyrate", "bb84-decoy", "--loss-db", "3", "--key-basis-probability", "x"],
         "--key-basis-probability"),
        (["keyrate", "bb84-decoy", "--loss-db", "3", "--key-basis-probability", "optimised"],
         "--key-basis-probability"),
        (["keyrate", "bb84-decoy", "--loss-db", "3", "--pulses", "1e10",
          "--key-basis-probability", "1"], "--key-basis-probability"),
        (["keyrate", "mdi", "--loss-db", "3", "--key-basis-probability", "0.9"],
         "--key-basis-probability"),
        (["keyrate", "tf-cal19", "--loss-db", "3", "--key-basis-probability", "0.9"],
         "--key-basis-probability"),
    ],
)
def test_bad_input_exits_2_with_one_line(
    capsys: pytest.CaptureFixture[str], args: list[str], needle: str
) -> None:
    code, out, err = _run(capsys, *args, "--json")
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1 and needle in err and "Traceback" not in err
