"""Issue 9 ("Real users, real inputs"): regression tests of the CLI edge.

Output paths are checked before computing, size-like inputs are bounded by the machine, slow
repeater chains are refused at once (never blaming an option the user did not give), integer
options accept ``1e9`` and every bad value is echoed, ``exact`` never comes from a numerical
coincidence, every channel echoes its inputs, ``--version`` exists.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from qinternet.cli import keyrate as keyrate_cli
from qinternet.cli._common import check_output_dir, check_output_path, parse_integer
from qinternet.cli.main import main
from qinternet.errors import InvalidParameterError


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def _refused(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    """Exit 2, nothing on stdout, exactly one stderr line without a traceback; that line."""
    code, out, err = _run(capsys, *args)
    assert code == 2, (code, out, err)
    assert out == ""
    assert err.count("\n") == 1 and "Traceback" not in err, err
    return err


# ---- item 3: output paths are checked before computing -----------------------------------

@pytest.fixture
def no_keyrate_computation(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*_: Any, **__: Any) -> Any:
        raise AssertionError("computed although the output path is bad")

    monkeypatch.setattr(keyrate_cli, "_evaluate", boom)


@pytest.mark.parametrize(("plot", "needle"), [
    ("", "must be a file name"),
    ("{tmp}", "is a folder"),
    ("{tmp}/", "is a folder"),
    ("{tmp}/missing/x.png", "does not exist"),
    ("{tmp}/afile/x.png", "is not a folder"),
    ("{tmp}/x.jpg", "must end in .png, .pdf or .svg"),
])
def test_bad_plot_path_is_refused_before_computing(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, no_keyrate_computation: None,
        plot: str, needle: str) -> None:
    (tmp_path / "afile").write_text("x")
    value = plot.format(tmp=tmp_path)
    for cmd in (["keyrate", "mdi", "--loss-db", "10"],
                ["keyrate", "compare", "--protocols", "mdi", "--loss-db", "10"]):
        err = _refused(capsys, *cmd, "--plot", value, "--json")
        assert "--plot" in err and needle in err and repr(value) in err
    err = _refused(capsys, "repeater", "--levels", "1", "--p-gen", "0.5", "--p-swap", "0.5",
                   "--plot", value)
    assert "--plot" in err and needle in err


def test_empty_plot_name_writes_no_hidden_file(capsys: pytest.CaptureFixture[str],
                                               tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    _refused(capsys, "keyrate", "mdi", "--loss-db", "10", "--plot", "")
    assert list(tmp_path.iterdir()) == []


def test_plot_without_extension_gets_png_and_the_real_path_is_printed(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, _ = _run(capsys, "keyrate", "mdi", "--loss-db", "0:10:10", "--plot",
                        str(tmp_path / "rates"))
    assert code == 0 and (tmp_path / "rates.png").stat().st_size > 1000
    assert f"plot written to {tmp_path / 'rates.png'}" in out
    code, out, _ = _run(capsys, "repeater", "--levels", "1", "--p-gen", "0.5", "--p-swap", "0.5",
                        "--plot", str(tmp_path / "chain"), "--json")
    assert code == 0 and json.loads(out)["plot"] == str(tmp_path / "chain.png")
    assert (tmp_path / "chain.png").stat().st_size > 1000


def test_unwritable_folder_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import tempfile

    def denied(*_: Any, **__: Any) -> Any:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "NamedTemporaryFile", denied)
    with pytest.raises(InvalidParameterError, match="not writable"):
        check_output_path("--plot", tmp_path / "x.png")
    with pytest.raises(InvalidParameterError, match="not writable"):
        check_output_dir("--output-dir", tmp_path)


def test_check_output_path_returns_the_file_to_write(tmp_path: Path) -> None:
    assert check_output_path("--plot", str(tmp_path / "a")) == tmp_path / "a.png"
    assert check_output_path("--plot", str(tmp_path / "a.PDF")) == tmp_path / "a.PDF"
    assert not (tmp_path / "a.png").exists()  # nothing is created


@pytest.mark.parametrize(("make", "needle"), [
    (lambda t: (t / "afile").write_text("x") and str(t / "afile"), "existing file"),
    (lambda t: (t / "afile").write_text("x") and str(t / "afile" / "sub"), "is a file"),
    (lambda t: "", "must be a folder name"),
])
def test_demo_output_dir_is_checked_before_computing(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        make: Any, needle: str) -> None:
    from qinternet.cli import demo

    def boom(*_: Any) -> Any:
        raise AssertionError("computed although the output folder is bad")

    monkeypatch.setattr(demo, "SECTIONS", (("channels", boom),))
    err = _refused(capsys, "demo", "--output-dir", make(tmp_path), "--json")
    assert "--output-dir" in err and needle in err


def test_demo_refuses_an_output_file_that_is_a_folder(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from qinternet.cli import demo

    monkeypatch.setattr(demo, "SECTIONS", ())
    (tmp_path / "fibre_bounds.png").mkdir()
    err = _refused(capsys, "demo", "--output-dir", str(tmp_path))
    assert "fibre_bounds.png" in err and "is a folder" in err


def test_write_errors_that_no_check_can_foresee_are_one_line(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from qinternet.plotting import qkd as qkd_plot

    def full(*_: Any, **__: Any) -> Any:
        raise OSError(28, "No space left on device", str(tmp_path / "x.png"))

    monkeypatch.setattr(qkd_plot, "plot_key_rates", full)
    code, _, err = _run(capsys, "keyrate", "mdi", "--loss-db", "0:10:10", "--plot",
                        str(tmp_path / "x.png"))
    assert code == 1 and err.count("\n") == 1 and "No space left on device" in err


# ---- item 4: size-like inputs are bounded by the machine --------------------------------

@pytest.mark.parametrize("dimension", ["1e20", str(2**63 - 1), str(2**31 + 1)])
def test_huge_dimension_is_refused_with_the_value(capsys: pytest.CaptureFixture[str],
                                                  dimension: str) -> None:
    for model in ("depolarizing", "erasure"):
        err = _refused(capsys, "channel", model, "--p", "0.1", "--dimension", dimension,
                       "--json")
        assert "--dimension" in err and repr(dimension) in err and "<= 2147483648" in err


def test_large_integral_dimension_is_accepted(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "channel", "depolarizing", "--p", "0.1", "--dimension", "1e3",
                        "--json")
    assert code == 0 and json.loads(out)["dimension"] == 1000
    code, out, _ = _run(capsys, "channel", "depolarizing", "--p", "0.1", "--dimension",
                        str(2**31), "--json")
    doc = json.loads(out)
    assert code == 0 and doc["lower_ebits_per_use"] <= doc["upper_ebits_per_use"]


def test_truncation_window_beyond_memory_is_refused_at_once(
        capsys: pytest.CaptureFixture[str]) -> None:
    start = time.perf_counter()
    err = _refused(capsys, "repeater", "--levels", "2", "--p-gen", "0.1", "--p-swap", "0.5",
                   "--truncation-steps", "99999999999", "--json")
    assert time.perf_counter() - start < 5.0
    assert "--truncation-steps" in err and "99999999999" in err and "memory" in err


def test_distillation_rounds_are_bounded(capsys: pytest.CaptureFixture[str]) -> None:
    err = _refused(capsys, "repeater", "--levels", "1", "--p-gen", "0.5", "--p-swap", "0.5",
                   "--distillation-rounds", "1000000,0", "--json")
    assert "--distillation-rounds" in err and "at most 39 rounds" in err


# ---- item 5: slow chains are refused at once, naming the options given -------------------

@pytest.mark.parametrize(("args", "named"), [
    (["--levels", "20", "--p-gen", "0.001", "--p-swap", "0.5"], "--levels/--p-gen/--p-swap"),
    (["--levels", "3", "--p-gen", "0.1", "--p-swap", "0.5", "--cutoff", "0"],
     "--levels/--p-gen/--p-swap/--cutoff"),
    (["--levels", "1", "--p-gen", "1e-9", "--p-swap", "0.5"], "--levels/--p-gen/--p-swap"),
    (["--levels", "6", "--p-gen", "1e-4", "--p-swap", "0.5", "--coherence-time", "1e5",
      "--werner", "0.99", "--optimize-cutoff", "--per-level"], "--levels/--p-gen/--p-swap"),
    (["--levels", "4", "--segment-length-km", "250", "--p-swap", "0.5"],
     "--levels/--segment-length-km/--p-swap"),
])
def test_hopeless_chains_are_refused_at_once_with_the_reason(
        capsys: pytest.CaptureFixture[str], args: list[str], named: str) -> None:
    start = time.perf_counter()
    err = _refused(capsys, "repeater", *args, "--json")
    assert time.perf_counter() - start < 5.0
    assert err.startswith(f"qinternet: error: {named} cannot be analysed")
    assert "mean waiting time" in err and "window" in err
    assert "--truncation-steps" not in err.split("window")[0]  # not blamed: never given


def test_explicit_window_far_too_small_is_refused_before_computing(
        capsys: pytest.CaptureFixture[str]) -> None:
    start = time.perf_counter()
    err = _refused(capsys, "repeater", "--levels", "12", "--p-gen", "0.1", "--p-swap", "0.5",
                   "--truncation-steps", "1e3", "--json")
    assert time.perf_counter() - start < 5.0
    assert "--truncation-steps" in err and "far too small" in err and "1000" in err


def test_feasible_chains_still_run(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, "repeater", "--levels", "3", "--p-gen", "0.01", "--p-swap",
                          "0.5", "--json")
    assert code == 0 and err == ""
    assert json.loads(out)["mean_waiting_time_steps"] == pytest.approx(2472.89, rel=1e-5)


def test_progress_bar_is_off_with_json_and_without_a_terminal(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    from qinternet.cli import repeater

    seen: list[bool] = []
    original = repeater.progress_bar

    def spy(enabled: bool, label: str) -> Any:
        seen.append(enabled)
        return original(enabled, label)

    monkeypatch.setattr(repeater, "progress_bar", spy)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    args = ["repeater", "--levels", "2", "--p-gen", "0.2", "--p-swap", "0.5"]
    assert main([*args, "--json"]) == 0
    assert main(args) == 0
    capsys.readouterr()
    assert seen == [False, True]


# ---- item 7: exact flag and echoed inputs -------------------------------------------------

@pytest.mark.parametrize(("args", "exact"), [
    (["additive-noise", "--variance", "1e-300"], False),
    (["pauli", "--probabilities", "0.9,0.05,0.03,0.02"], False),
    (["pauli", "--probabilities", "0.7,0,0,0.3"], True),
    (["depolarizing", "--p", "0"], True),
    (["depolarizing", "--p", "1"], False),
    (["thermal-loss", "--transmissivity", "0.5", "--mean-photons", "0"], True),
    (["amplitude-damping", "--gamma", "0"], True),
])
def test_exact_only_for_distillable_families(capsys: pytest.CaptureFixture[str],
                                             args: list[str], exact: bool) -> None:
    code, out, _ = _run(capsys, "channel", *args, "--json")
    assert code == 0 and json.loads(out)["exact"] is exact


@pytest.mark.parametrize(("args", "echo"), [
    (["depolarizing", "--p", "0.1", "--dimension", "3"], {"p": 0.1, "dimension": 3}),
    (["pauli", "--probabilities", "0.9,0.05,0.03,0.02"],
     {"probabilities": [0.9, 0.05, 0.03, 0.02]}),
    (["dephasing", "--p", "0.1"], {"p": 0.1}),
    (["erasure", "--p", "0.25", "--dimension", "3"], {"p": 0.25, "dimension": 3}),
    (["amplitude-damping", "--gamma", "0.9"], {"gamma": 0.9}),
    (["additive-noise", "--variance", "0.1"], {"variance": 0.1}),
    (["amplifier", "--gain", "2", "--mean-photons", "0.5"], {"gain": 2.0, "mean_photons": 0.5}),
    (["thermal-loss", "--transmissivity", "0.5", "--mean-photons", "0.1"],
     {"transmissivity": 0.5, "mean_photons": 0.1}),
    (["pure-loss", "--length-km", "100"],
     {"length_km": 100.0, "attenuation_db_per_km": 0.2, "transmissivity": 0.01}),
])
def test_every_channel_json_echoes_its_inputs(capsys: pytest.CaptureFixture[str],
                                              args: list[str], echo: dict[str, Any]) -> None:
    code, out, _ = _run(capsys, "channel", *args, "--json")
    doc = json.loads(out)
    assert code == 0
    for key, value in echo.items():
        assert doc[key] == pytest.approx(value), key
    code, table, _ = _run(capsys, "channel", *args)
    for key in echo:
        assert key in table


# ---- item 8: clock rates of the PLOB comparison -------------------------------------------

def test_physical_mode_states_both_clock_rates(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["repeater", "--levels", "3", "--p-swap", "0.5", "--segment-length-km", "62.5",
            "--memory-coherence-time-s", "1", "--werner", "0.99", "--cutoff", "33",
            "--source-clock-rate-hz", "1e9"]
    code, out, _ = _run(capsys, *args, "--json")
    doc = json.loads(out)
    assert code == 0
    assert doc["plob_bits_per_s_at_source_clock"] == pytest.approx(doc["plob_bits_per_use"] * 1e9)
    assert doc["plob_bits_per_s"] == pytest.approx(doc["plob_bits_per_use"]
                                                   * doc["clock_rate_hz"])
    assert f"{doc['clock_rate_hz']:.4g} Hz" in doc["plob_comparison_note"]
    assert "1e+09 Hz" in doc["plob_comparison_note"]
    # 500 km: the chain beats PLOB at its own ~1.6 kHz clock, not at a 1 GHz source clock.
    assert doc["plob_bits_per_s"] < doc["secret_key_rate_bits_per_s"]
    assert doc["secret_key_rate_bits_per_s"] < doc["plob_bits_per_s_at_source_clock"]
    code, table, _ = _run(capsys, *args)
    assert "bits per s at the chain clock" in table and "at the source clock" in table
    err = _refused(capsys, "repeater", "--levels", "1", "--p-gen", "0.5", "--p-swap", "0.5",
                   "--source-clock-rate-hz", "1e9")
    assert "--source-clock-rate-hz" in err and "--segment-length-km" in err


def test_demo_repeater_section_states_the_clock_rates(tmp_path: Path) -> None:
    from rich.console import Console

    from qinternet.cli._demo_repeaters import repeaters_section

    console = Console(record=True, width=200)
    summary = repeaters_section(tmp_path, console)
    text = console.export_text()
    assert "chain clock (Hz)" in text and "PLOB at 1e+09 Hz" in text
    assert summary["source_clock_rate_hz"] == 1e9
    for row in summary["rows"]:
        assert row["plob_bits_per_s_at_source_clock"] == pytest.approx(
            row["plob_bits_per_s"] / row["clock_rate_hz"] * 1e9)


# ---- item 11: integers, echoed values, --version, 80 columns ------------------------------

def test_integer_options_accept_integral_floats(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "repeater", "--levels", "1e0", "--p-gen", "0.1", "--p-swap",
                        "0.5", "--cutoff", "5e0", "--truncation-steps", "1e4", "--json",
                        "--coherence-time", "30", "--werner", "0.99")
    doc = json.loads(out)
    assert code == 0 and doc["levels"] == 1 and doc["cutoff_steps"] == [5]
    assert doc["truncation_steps"] == 10000
    assert parse_integer("--x", "1e9") == 10**9 and parse_integer("--x", "12_000") == 12000


@pytest.mark.parametrize(("args", "value"), [
    (["repeater", "--levels", "2.5", "--p-gen", "0.1", "--p-swap", "0.5"], "2.5"),
    (["repeater", "--levels", "abc", "--p-gen", "0.1", "--p-swap", "0.5"], "abc"),
    (["repeater", "--levels", "21", "--p-gen", "0.1", "--p-swap", "0.5"], "21"),
    (["repeater", "--levels", "1", "--p-gen", "0.1", "--p-swap", "0.5", "--cutoff", "1e400"],
     "1e400"),
    (["channel", "depolarizing", "--p", "abc"], "abc"),
    (["channel", "depolarizing", "--p=xyz"], "xyz"),
    (["keyrate", "mdi", "--loss-db", "10", "--clock-rate-hz", "fast"], "fast"),
])
def test_parse_errors_echo_the_value(capsys: pytest.CaptureFixture[str], args: list[str],
                                     value: str) -> None:
    err = _refused(capsys, *args)
    assert repr(value) in err


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    import qinternet

    code, out, err = _run(capsys, "--version")
    assert code == 0 and err == "" and out.strip() == f"qinternet {qinternet.__version__}"


def test_repeater_table_at_80_columns_shows_every_name_in_full(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    args = ["repeater", "--levels", "2", "--segment-length-km", "25", "--p-swap", "0.5",
            "--coherence-time-s", "0.1", "--werner", "0.99", "--optimize-cutoff",
            "--source-clock-rate-hz", "1e9"]
    code, table, _ = _run(capsys, *args)
    assert code == 0
    assert all(len(line) <= 80 for line in table.splitlines())
    assert "…" not in table
    code, out, _ = _run(capsys, *args, "--json")
    names = [k for k in json.loads(out) if k not in ("plob_comparison_note", "warnings", "plot")]
    rows = [line.split("│")[1].strip() for line in table.splitlines() if line.startswith("│")]
    for name in names:
        assert name in rows, name


def test_user_visible_strings_cite_papers_not_the_internal_spec(
        capsys: pytest.CaptureFixture[str]) -> None:
    from qinternet.qkd.registry import PROTOCOLS

    texts = []
    for args in (["--help"], ["repeater", "--help"], ["keyrate", "--help"],
                 ["keyrate", "compare", "--help"], ["channel", "--help"], ["demo", "--help"],
                 *[["keyrate", name, "--help"] for name in PROTOCOLS]):
        code, out, _ = _run(capsys, *args)
        assert code == 0
        texts.append(out)
    for name in PROTOCOLS:
        code, out, _ = _run(capsys, "keyrate", name, "--loss-db", "20", "--json")
        texts.append(out)
    code, out, _ = _run(capsys, "keyrate", "tf-cal19", "--loss-db", "20", "--decoys",
                        "0,0.02,0.1", "--json")
    texts.append(out)
    code, out, _ = _run(capsys, "repeater", "--levels", "2", "--segment-length-km", "25",
                        "--p-swap", "0.5", "--json")
    texts.append(out)
    code, out, _ = _run(capsys, "keyrate", "tf-cal19", "--loss-db", "20", "--pulses", "1e12",
                        "--json")
    texts.append(out)
    for text in texts:
        lowered = text.lower()
        assert ".md" not in lowered and "spec " not in lowered and "spec§" not in lowered
        assert "§" not in lowered and "crakcr21" not in lowered  # spec sections and tags


def test_subprocess_version_and_one_line_errors() -> None:
    env = {**os.environ, "COLUMNS": "80"}
    proc = subprocess.run([sys.executable, "-m", "qinternet.cli.main", "--version"],
                          capture_output=True, text=True, check=False, env=env, timeout=60)
    assert proc.returncode == 0 and proc.stdout.startswith("qinternet ")
    proc = subprocess.run([sys.executable, "-m", "qinternet.cli.main", "channel",
                           "depolarizing", "--p", "0.1", "--dimension", str(2**63 - 1)],
                          capture_output=True, text=True, check=False, env=env, timeout=60)
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr


# ---- siblings: long keyrate sweeps, finite-key domain, last-resort handler ---------------

def test_hours_long_keyrate_sweeps_are_refused_at_once(capsys: pytest.CaptureFixture[str]
                                                       ) -> None:
    start = time.perf_counter()
    err = _refused(capsys, "keyrate", "bb84-decoy", "--loss-db", "0:100:0.001", "--pulses",
                   "1e12", "--json")
    assert "--loss-db" in err and "100001 points" in err and "'0:100:0.001'" in err
    err = _refused(capsys, "keyrate", "tf-cal19", "--distance-km", "0:300:0.01", "--pulses",
                   "1e12", "--json")
    assert "--distance-km" in err and " h:" in err
    assert time.perf_counter() - start < 5.0


def test_long_keyrate_sweeps_report_progress_in_blocks(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[int, int]] = []
    monkeypatch.setattr(keyrate_cli, "_CHUNK_ABOVE_SECONDS", 0.0)
    results = keyrate_cli._evaluate(
        keyrate_cli.get_protocol("mdi"),
        keyrate_cli._axis("0:40:1", None, None, 0.2), keyrate_cli.KeyRateOptions(),
        lambda d, done, total: calls.append((int(done), int(total))))
    assert len(results) == 41 and calls[-1] == (41, 41) and len(calls) > 1
    whole = keyrate_cli.get_protocol("mdi").evaluate(
        keyrate_cli._axis("0:40:1", None, None, 0.2).transmissivity,
        keyrate_cli.KeyRateOptions())
    for a, b in zip(results, whole, strict=True):
        assert a.key_rate_bits_per_pulse == pytest.approx(b.key_rate_bits_per_pulse, rel=1e-6)


def test_bb84_finite_key_pulses_are_bounded_by_its_secrecy_parameter(
        capsys: pytest.CaptureFixture[str]) -> None:
    err = _refused(capsys, "keyrate", "bb84-decoy", "--loss-db", "10", "--pulses", "1e20",
                   "--json")
    assert "--pulses" in err and "at most 1e+15" in err and "kappa" in err
    code, out, _ = _run(capsys, "keyrate", "bb84-decoy", "--loss-db", "10", "--pulses", "1e15",
                        "--detector-efficiency", "1", "--json")
    assert code == 0 and json.loads(out)["points"][0]["key_rate_bits_per_pulse"] > 0


def test_unexpected_failures_are_one_line_without_traceback(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    from qinternet.cli import channel

    def broken(*_: Any, **__: Any) -> Any:
        raise ZeroDivisionError("float division by zero")

    monkeypatch.setattr(channel, "_report", broken)
    code, out, err = _run(capsys, "channel", "dephasing", "--p", "0.1")
    assert code == 1 and out == "" and err.count("\n") == 1
    assert "internal error" in err and "ZeroDivisionError" in err and "Traceback" not in err
    monkeypatch.setenv("QINTERNET_DEBUG", "1")
    with pytest.raises(ZeroDivisionError):
        main(["channel", "dephasing", "--p", "0.1"])


# ---- item 10: plots stand on their own -----------------------------------------------------

def test_repeater_plot_uses_time_units_in_physical_mode(tmp_path: Path) -> None:
    from qinternet.plotting.repeaters import plot_chain_distributions
    from qinternet.repeaters import NestedChain, analyze_chain

    res = analyze_chain(NestedChain(levels=2, p_gen=0.3, p_swap=0.5, werner_w0=0.99,
                                    coherence_time_steps=400.0, cutoff_steps=20))
    fig = plot_chain_distributions(res, tmp_path / "steps.png")
    assert "steps" in fig.axes[1].get_xlabel()
    fig = plot_chain_distributions(res, tmp_path / "time.png", attempt_time_s=2.4e-4)
    assert fig.axes[1].get_xlabel().startswith("delivery time t (ms")
    title = fig._suptitle.get_text()
    for word in ("4 segments", "p_gen = 0.3", "p_swap = 0.5", "w0 = 0.99", "cut-offs [20, 20]",
                 "coherence time 400 steps = 0.096 s"):
        assert word in title
    assert fig.axes[0].get_ylabel().endswith("(probability per step)")


def test_qkd_plot_states_devices_and_pulse_pairs(capsys: pytest.CaptureFixture[str],
                                                 tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from qinternet.plotting import qkd as qkd_plot

    figures: list[Any] = []
    original = qkd_plot.plot_key_rates

    def keep(*args: Any, **kwargs: Any) -> Any:
        figures.append(original(*args, **kwargs))
        return figures[-1]

    monkeypatch.setattr(qkd_plot, "plot_key_rates", keep)
    code, _, _ = _run(capsys, "keyrate", "compare", "--protocols", "bb84-decoy,mdi",
                      "--distance-km", "0:100:50", "--plot", str(tmp_path / "c.png"))
    assert code == 0
    fig = figures[-1]
    ax = fig.axes[0]
    assert "per pulse pair for relay protocols" in ax.get_ylabel()
    assert "km, 0.2 dB/km" in ax.get_xlabel()
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "mdi (per pulse pair)" in labels and any("PLOB" in t for t in labels)
    foot = " ".join(t.get_text() for t in fig.texts)
    assert "detector_efficiency 0.045" in foot and "dark_count_probability 3e-06" in foot


def test_demo_repeater_plot_states_clock_rates(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from rich.console import Console

    from qinternet.cli import _demo_repeaters
    from qinternet.plotting import repeaters as rep_plot

    figures: list[Any] = []
    original = rep_plot.plot_key_rate_vs_plob

    def keep(*args: Any, **kwargs: Any) -> Any:
        figures.append(original(*args, **kwargs))
        return figures[-1]

    monkeypatch.setattr(rep_plot, "plot_key_rate_vs_plob", keep)
    _demo_repeaters.repeaters_section(tmp_path, Console(quiet=True))
    fig = figures[-1]
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert "PLOB bound x chain clock rate" in labels
    assert "PLOB bound x 1e+09 Hz source clock" in labels
    foot = " ".join(t.get_text() for t in fig.texts)
    assert "Chain clock" in foot and "Hz" in foot and "p_swap 0.5" in foot


def test_cutoff_lists_accept_integral_floats(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "repeater", "--levels", "2", "--p-gen", "0.5", "--p-swap", "0.5",
                        "--cutoffs", "1e1,none", "--json")
    assert code == 0 and json.loads(out)["cutoff_steps"] == [10, None]
    err = _refused(capsys, "repeater", "--levels", "2", "--p-gen", "0.5", "--p-swap", "0.5",
                   "--cutoffs", "1.5,none")
    assert "'1.5,none'" in err


def test_decoy_lists_are_bounded_and_lp_failures_explained(
        capsys: pytest.CaptureFixture[str]) -> None:
    many = ",".join(f"{0.001 * i:g}" for i in range(200))
    err = _refused(capsys, "keyrate", "tf-cal19", "--loss-db", "20", "--decoys", many, "--json")
    assert "--decoys" in err and "at most 16" in err
    code, out, err = _run(capsys, "keyrate", "tf-cal19", "--loss-db", "0", "--decoys",
                          "0,0.05,0.1,0.15,0.2,0.25,0.3,0.35,0.4", "--json")
    assert code == 1 and out == "" and err.count("\n") == 1
    assert "solver error" in err and "widely spaced" in err


def test_keyrate_tables_at_80_columns_never_truncate_numbers(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    args = ["keyrate", "compare", "--protocols", "bb84-decoy,mdi,tf-cal19,sns,pm,adaptive-mdi",
            "--distance-km", "0:100:50"]
    code, table, _ = _run(capsys, *args)
    assert code == 0 and "…" not in table
    assert all(len(line) <= 80 for line in table.splitlines())
    code, out, _ = _run(capsys, *args, "--json")
    for point in json.loads(out)["points"]:
        assert f"{point['key_rate_bits_per_pulse']:.4g}" in table
    code, table, _ = _run(capsys, "keyrate", "tf-cal19", "--distance-km", "0:100:50",
                          "--clock-rate-hz", "1e9")
    assert code == 0 and "…" not in table and "6.8754e+07" in table
    assert all(len(line) <= 80 for line in table.splitlines())


def test_print_table_splits_wide_tables_and_keeps_narrow_ones_whole() -> None:
    from rich.console import Console

    from qinternet.cli._common import print_table

    headers = ["x", *(f"column {i} with a long header" for i in range(8))]
    rows = [["1", *(f"{1.2345678e-5 * i:.6g}" for i in range(8))]]
    narrow = Console(width=60, record=True)
    print_table(narrow, "t", headers, rows)
    text = narrow.export_text()
    assert "(1/" in text and "…" not in text and max(map(len, text.splitlines())) <= 60
    for cell in rows[0]:
        assert cell in text
    wide = Console(width=400, record=True)
    print_table(wide, "t", headers, rows)
    text = wide.export_text()
    assert "(1/" not in text and "column 7 with a long header" in text


def test_demo_end_to_end_json_is_one_document_and_writes_every_file(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    from qinternet.cli.demo import OUTPUT_FILES

    out_dir = tmp_path / "new" / "demo"
    code, out, err = _run(capsys, "demo", "--output-dir", str(out_dir), "--json")
    assert code == 0 and err == ""
    doc = json.loads(out)
    assert set(doc) >= {"channels", "networks", "qkd", "repeaters", "output_dir"}
    for name in OUTPUT_FILES:
        assert (out_dir / name).stat().st_size > 1000, name
    assert doc["repeaters"]["source_clock_rate_hz"] == 1e9
    assert doc["qkd"]["protocols"]["mdi"]["key_rate_unit"] == "bits per pulse pair"


def test_repeater_json_echoes_the_physical_inputs(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "repeater", "--levels", "1", "--segment-length-km", "20",
                        "--p-swap", "0.5", "--source-efficiency", "0.9",
                        "--detector-efficiency", "0.8", "--heralding", "midpoint", "--json")
    doc = json.loads(out)
    assert code == 0 and doc["source_efficiency"] == 0.9 and doc["detector_efficiency"] == 0.8
    assert doc["heralding"] == "midpoint" and doc["truncation"] == "automatic"
    assert doc["segment_length_km"] == 20.0 and doc["attenuation_db_per_km"] == 0.2


def test_compare_accepts_a_clock_rate_like_single_protocols(
        capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "keyrate", "compare", "--protocols", "mdi", "--loss-db", "10",
                        "--clock-rate-hz", "1e9", "--json")
    doc = json.loads(out)
    assert code == 0 and doc["clock_rate_hz"] == 1e9
    point = doc["points"][0]
    assert point["key_rate_bits_per_s"] == pytest.approx(1e9 * point["key_rate_bits_per_pulse"])
