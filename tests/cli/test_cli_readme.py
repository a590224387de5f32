"""README console examples are real (issue 9, item 11).

Every ``$ qinternet ...`` line of a ``console`` block in README.md that is followed by output is
run (in a temporary folder, at 100 columns) and its stdout + stderr must match that output, ``...``
standing for omitted text. Lines without output are not run (some name placeholder files), but
their subcommand and every ``--option`` must exist. The ``python`` blocks are doctested by pytest
(``--doctest-glob=README.md``).
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from pathlib import Path

import pytest
import typer

from qinternet.cli.main import build_app, main

README = Path(__file__).parents[2] / "README.md"


@dataclass(frozen=True)
class Example:
    line: int
    args: tuple[str, ...]
    expected: tuple[str, ...]


def _examples() -> list[Example]:
    examples: list[Example] = []
    in_block = False
    current: list[str] | None = None
    start = 0
    output: list[str] = []
    lines = README.read_text(encoding="utf-8").splitlines()

    def flush() -> None:
        if current is not None:
            examples.append(Example(start, tuple(shlex.split(" ".join(current))[1:]),
                                    tuple(output)))

    i = 0
    while i < len(lines):
        text = lines[i]
        if text.startswith("```"):
            if in_block:
                flush()
                current, output = None, []
            in_block = text.strip() == "```console"
        elif in_block and text.startswith("$ qinternet"):
            flush()
            start, output = i + 1, []
            current = [text[2:].rstrip("\\").strip()]
            while text.endswith("\\"):
                i += 1
                text = lines[i]
                current.append(text.rstrip("\\").strip())
        elif in_block and current is not None:
            output.append(text.rstrip())
        i += 1
    return examples


EXAMPLES = _examples()
RUN = [e for e in EXAMPLES if e.expected]
CHECK = [e for e in EXAMPLES if not e.expected]


def test_readme_has_checked_examples() -> None:
    assert len(RUN) >= 6
    first = RUN[0] if RUN[0].args != ("--version",) else RUN[1]
    assert first.args == ("channel", "pure-loss", "--length-km", "100")


def _pattern(expected: tuple[str, ...]) -> re.Pattern[str]:
    parts = [re.escape(chunk) for chunk in "\n".join(expected).split("...")]
    return re.compile(".*?".join(parts), re.DOTALL)


@pytest.mark.parametrize("example", RUN, ids=lambda e: f"README:{e.line}")
def test_readme_output_is_the_real_output(example: Example, capsys: pytest.CaptureFixture[str],
                                          tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                          ) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "100")
    code = main(list(example.args))
    out, err = capsys.readouterr()
    got = "\n".join(line.rstrip() for line in (out + err).rstrip("\n").splitlines())
    expects_error = example.expected[0].startswith("qinternet: error:")
    assert (code != 0) == expects_error, got
    assert _pattern(example.expected).fullmatch(got), f"README line {example.line}:\n{got}"


def _command(args: tuple[str, ...]) -> typer.core.TyperCommand:
    command = typer.main.get_command(build_app(args[0] if args else None))
    for token in args:
        if token.startswith("-"):
            continue
        sub = getattr(command, "commands", {}).get(token)
        if sub is None:
            break
        command = sub
    return command  # type: ignore[return-value]


@pytest.mark.parametrize("example", CHECK, ids=lambda e: f"README:{e.line}")
def test_readme_commands_without_output_use_existing_options(example: Example) -> None:
    command = _command(example.args)
    assert not hasattr(command, "commands"), f"README line {example.line}: no such subcommand"
    known = {opt for param in command.params for opt in param.opts}
    # Options a command parses by hand (bounds: --pair/--group) are listed in its help.
    with typer.Context(command, info_name="qinternet") as ctx:
        known |= set(re.findall(r"--[\w-]+", command.get_help(ctx)))
    for token in example.args:
        if token.startswith("--"):
            assert token.split("=")[0] in known, f"README line {example.line}: {token}"
