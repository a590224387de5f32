"""CLI contract of ``qinternet sweep`` and ``qinternet report``: one JSON document, bad input
exits 2 with one line naming the option or spec key, a self-contained HTML report."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from qinternet.cli.main import main
from qinternet.errors import InvalidParameterError
from qinternet.sweeps import DaskExecutor, load
from qinternet.sweeps._report import _log_scale

KEYRATE_SPEC = """
computation = "keyrate"
[parameters]
protocol = ["bb84-decoy", "tf-cal19"]
distance_km = [0, 50, 100, 200]
[fixed]
ec_efficiency = 1.16
"""


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_sweep_json_is_one_document(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                    write_spec: Callable[..., Path]) -> None:
    spec = write_spec(KEYRATE_SPEC)
    code, out, err = run(capsys, "sweep", str(spec), "--out", str(tmp_path / "r"), "--json")
    assert code == 0 and err == ""
    data = json.loads(out)
    assert (data["points"], data["computed"], data["ok"], data["errors"]) == (8, 8, 8, 0)
    assert data["out_dir"] == str(tmp_path / "r")
    frame = load(tmp_path / "r")
    assert list(frame.columns[:4]) == ["point_index", "task_key", "status", "error"]
    assert {"protocol", "distance_km", "ec_efficiency", "key_rate_bits_per_pulse",
            "plob_bits_per_pulse", "seed", "wall_time_s", "qinternet_version"} <= set(
        frame.columns)


def test_default_out_is_next_to_the_spec(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                         write_spec: Callable[..., Path]) -> None:
    spec = write_spec('computation = "channel"\n[parameters]\np = [0.1, 0.2]\n'
                      '[fixed]\nmodel = "dephasing"\n', name="deph.toml")
    code, out, _ = run(capsys, "sweep", str(spec))
    assert code == 0 and "2 points computed (2 ok, 0 errors)" in out
    assert len(load(tmp_path / "deph-results")) == 2


BAD = [
    ('computation = "keyrate"\n[parameters]\ndistance_km = [-1]\n[fixed]\nprotocol = "mdi"\n',
     [], r"^qinternet: error: parameters\.distance_km must be >= 0, got -1$"),
    ('computation = "keyrate"\n[parameters]\nlength = [1]\n', [],
     r"^qinternet: error: parameters\.length is not a parameter of computation 'keyrate'"),
    ("computation = [\n", [], r"^qinternet: error: SPEC is not valid TOML"),
    ('computation = "channel"\n[fixed]\nmodel = "dephasing"\np = 0.1\n',
     ["--workers", "2", "--scheduler", "tcp://127.0.0.1:1"],
     r"^qinternet: error: --workers/--scheduler give at most one of the two"),
    ('computation = "channel"\n[fixed]\nmodel = "dephasing"\np = 0.1\n', ["--workers", "0"],
     r"^qinternet: error: .*--workers.*>= 1"),
    ('computation = "channel"\n[fixed]\nmodel = "dephasing"\np = 0.1\n',
     ["--scheduler", "localhost"], r"^qinternet: error: --scheduler must be an address"),
]


@pytest.mark.parametrize(("text", "extra", "message"), BAD, ids=[m[24:60] for *_, m in BAD])
def test_bad_input_exits_2_with_one_line(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                         write_spec: Callable[..., Path], text: str,
                                         extra: list[str], message: str) -> None:
    spec = write_spec(text)
    code, out, err = run(capsys, "sweep", str(spec), "--out", str(tmp_path / "r"), *extra,
                         "--json")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and re.search(message, err.strip()), err
    assert not (tmp_path / "r").exists()  # nothing ran


def test_existing_results_without_resume(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                         write_spec: Callable[..., Path]) -> None:
    spec = write_spec('computation = "channel"\n[fixed]\nmodel = "dephasing"\np = 0.1\n')
    assert run(capsys, "sweep", str(spec), "--out", str(tmp_path / "r"))[0] == 0
    code, out, err = run(capsys, "sweep", str(spec), "--out", str(tmp_path / "r"))
    assert code == 2 and out == ""
    assert err.startswith("qinternet: error: --out already holds sweep results")
    code, out, err = run(capsys, "sweep", str(spec), "--out", str(tmp_path / "r"), "--resume",
                         "--json")
    assert code == 0 and json.loads(out)["skipped"] == 1


def test_unreachable_scheduler_is_named() -> None:
    with pytest.raises(InvalidParameterError, match=r"^scheduler cannot be reached"), \
            DaskExecutor(scheduler="tcp://127.0.0.1:9", connect_timeout_s=0.5):
        pass


def test_report_is_self_contained(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                  write_spec: Callable[..., Path]) -> None:
    spec = write_spec(KEYRATE_SPEC)
    assert run(capsys, "sweep", str(spec), "--out", str(tmp_path / "r"))[0] == 0
    code, out, err = run(capsys, "report", str(tmp_path / "r"), "--out",
                         str(tmp_path / "report.html"), "--json")
    assert code == 0 and err == ""
    data = json.loads(out)
    assert data["swept"] == ["protocol", "distance_km"]
    assert "key_rate_bits_per_pulse" in data["outputs"]
    assert data["plots"] == 2 * len(data["outputs"])
    page = (tmp_path / "report.html").read_text()
    assert page.count("src='data:image/png;base64,") == data["plots"]
    assert not re.search(r"(src|href)=['\"]?(https?:)?//", page)  # nothing fetched
    assert "<h2>Results</h2>" in page and page.count("<tr>") >= 8
    assert "key_rate_bits_per_pulse vs distance_km" in page


def test_report_errors(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, err = run(capsys, "report", str(tmp_path), "--out", str(tmp_path / "r.html"))
    assert code == 2 and out == ""
    assert err.startswith("qinternet: error: DIR") and "no sweep.json" in err


def test_log_scale_when_values_span_decades() -> None:
    assert _log_scale([1e-6, 1e-3, 0.0, 0.1])
    assert not _log_scale([0.2, 0.5, 1.0])


def test_importing_qinternet_and_sweeps_loads_no_heavy_dependency() -> None:
    code = ("import sys, qinternet, qinternet.sweeps; "
            "heavy = {'dask', 'distributed', 'pyarrow', 'pandas', 'xarray'} & set(sys.modules); "
            "print(sorted(heavy))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"
