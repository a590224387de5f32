"""Findings of a new-user trial of the CLI (2026-12-08), each pinned by its command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qinternet.cli.main import main


def _exit2(capsys: pytest.CaptureFixture[str], argv: list[str]) -> str:
    code = main(argv)
    out, err = capsys.readouterr()
    assert code == 2 and out == "", (code, out, err)
    assert err.count("\n") == 1 and "Traceback" not in err, err
    return err


def test_bounds_plot_reports_the_file_written(tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    base = ["bounds", "topohub:sndlib/polska", "--pair", "Gdansk", "Krakow"]
    assert main([*base, "--plot", str(tmp_path / "map"), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["plot"] == str(tmp_path / "map.png")
    assert (tmp_path / "map.png").is_file() and not (tmp_path / "map").exists()
    err = _exit2(capsys, [*base, "--plot", str(tmp_path)])
    assert "--plot" in err and "folder" in err
    assert not tmp_path.with_suffix(".png").exists()  # nothing written beside the folder


def test_controller_trace_counts_accept_integral_floats(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["controller", "trace", "topohub:sndlib/polska", "--events", "3e1",
                 "--demands", "1e1"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 30
    err = _exit2(capsys, ["controller", "trace", "topohub:sndlib/polska", "--events", "2.5"])
    assert "--events" in err and "2.5" in err


def test_lossless_fibre_names_the_attenuation(capsys: pytest.CaptureFixture[str]) -> None:
    err = _exit2(capsys, ["channel", "pure-loss", "--length-km", "100",
                          "--attenuation-db-per-km", "0"])
    assert "--attenuation-db-per-km" in err and "--length-km" not in err


def test_a_list_where_one_distance_or_a_grid_is_expected(
        capsys: pytest.CaptureFixture[str]) -> None:
    err = _exit2(capsys, ["keyrate", "pm", "--distance-km", "100,200"])
    assert "START:STOP:STEP" in err and "100,200" in err
