"""Every terminal output the docs show is what the command prints.

Pages: every Markdown file under ``docs/`` and the top-level ``README.md``.  A
fenced block marked ``<!-- output -->`` is a terminal transcript: lines starting
``$ aura ...`` are commands, each followed by what it prints (stdout and stderr
interleaved, as a terminal shows them).  The commands of one block run in order
in a fresh directory with a private ``AURA_CACHE_DIR``, so no earlier run
changes what is printed.  Before the first command, each ``.aura`` file a
command names is written: copied from the repository when that path exists
there (``cookbook/binary_search.aura``), else as the most recent ``aura`` block
of the page; on a page without one, the file does not exist.  Cell times (and
whether a proof came from the cache) may differ; a ```json block is compared as
JSON, so it may be laid out for reading.

Each command must exit 0, unless the mark gives the statuses, one per command:
``<!-- output: exit 1 -->``, ``<!-- output: exit 0, 101 -->``.  Commands run
in-process through click's runner, except ``aura run --native``, which runs the
installed ``aura`` (the executable writes to the process's own streams); the
native runtime, compiled once, is shared by every block.

A block showing a command that cannot run here (a server, a network registry,
an editor) carries ``<!-- output: not run (REASON) -->`` instead; every block
that shows a ``$ aura`` command, and every ``sh`` block running ``aura``, must
carry one of the two marks.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import systools
from click.testing import CliRunner
from doc_blocks import Block, read_blocks

from aura_core.cli import main as aura

ROOT = Path(__file__).resolve().parent.parent
PAGES = [*sorted((ROOT / "docs").rglob("*.md")), ROOT / "README.md"]
BLOCKS = [b for page in PAGES for b in read_blocks(page)]

_NOT_RUN = re.compile(r"^not run \(.+\)$")
_EXIT = re.compile(r"^exit (\d+(?:, *\d+)*)$")
_TIME = re.compile(r"\((\d+) ms[^)]*\)")


def _where(block: Block) -> str:
    path = block.path.relative_to(ROOT) if block.path.is_relative_to(ROOT) else block.path
    return f"{path}:{block.line}"


def _shows_a_command(block: Block) -> bool:
    lines = block.text.splitlines()
    if any(line.startswith("$ aura ") for line in lines):
        return True
    return block.lang == "sh" and any(line.split()[:1] == ["aura"] for line in lines)


def _is_checked(block: Block) -> bool:
    return any(not _NOT_RUN.match(v) for v in block.mark_values("output"))


OUTPUTS = [b for b in BLOCKS if _is_checked(b)]


@dataclass(frozen=True)
class Step:
    """One command of a transcript and what the page says it prints."""

    args: tuple[str, ...]
    shown: str
    status: int


def _steps(block: Block) -> list[Step]:
    commands: list[tuple[str, list[str]]] = []
    for line in block.text.splitlines():
        if line.startswith("$ "):
            commands.append((line[2:], []))
        else:
            assert commands, f"{_where(block)}: a transcript starts with `$ aura ...`"
            commands[-1][1].append(line)
    (mark,) = block.mark_values("output")
    if mark:
        m = _EXIT.match(mark)
        assert m, f"{_where(block)}: cannot read the mark `output: {mark}`"
        statuses = [int(s) for s in m.group(1).split(",")]
    else:
        statuses = [0] * len(commands)
    assert len(statuses) == len(commands), f"{_where(block)}: one exit status per command"
    steps = []
    for (command, shown), status in zip(commands, statuses, strict=True):
        args = shlex.split(command)
        assert args[0] == "aura", f"{_where(block)}: only `aura` commands are run"
        steps.append(Step(tuple(args[1:]), "".join(s + "\n" for s in shown), status))
    return steps


def _write_programs(block: Block, steps: list[Step]) -> None:
    for name in {a for s in steps for a in s.args if a.endswith(".aura")}:
        target = Path(name)
        target.parent.mkdir(parents=True, exist_ok=True)
        if (ROOT / name).is_file():
            shutil.copyfile(ROOT / name, target)
        elif block.program is not None:
            target.write_text(block.program, encoding="utf-8")


@pytest.fixture(scope="session")
def native_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the native backend keeps its compiled runtime, for every block."""
    return tmp_path_factory.mktemp("native")


def _run(args: tuple[str, ...], env: dict[str, str]) -> tuple[int, str]:
    if "--native" in args:
        systools.require("cc", package="gcc")
        exe = Path(sys.executable).with_name("aura")
        proc = subprocess.run(
            [str(exe), *args],
            env={**os.environ, **env},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=120,
            check=False,
        )
        return proc.returncode, proc.stdout
    result = CliRunner().invoke(aura, list(args), env=env, prog_name="aura")
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output


def _differences(block: Block, work: Path, env: dict[str, str]) -> list[str]:
    """Run the transcript's commands in ``work`` (the current directory); what differs."""
    steps = _steps(block)
    _write_programs(block, steps)
    found = []
    for step in steps:
        status, printed = _run(step.args, env)
        command = "$ aura " + shlex.join(step.args)
        if block.lang == "json":
            same = _json_shape(printed) == _json_shape(step.shown)
        else:
            same = _TIME.sub("(N ms)", printed) == _TIME.sub("(N ms)", step.shown)
        if not same:
            found.append(f"{command} printed:\n{printed}")
        if status != step.status:
            found.append(f"{command} exited {status}, not {step.status}")
    return found


@pytest.fixture
def fresh(
    tmp_path: Path, native_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[Path, dict[str, str]]:
    """An empty current directory and the environment of a private cache."""
    work, cache = tmp_path / "work", tmp_path / "cache"
    work.mkdir()
    cache.mkdir(mode=0o700)
    (cache / "native").symlink_to(native_cache)
    env = {"NO_COLOR": "1", "AURA_CACHE_DIR": str(cache)}
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(work)
    return work, env


@pytest.mark.parametrize("block", OUTPUTS, ids=_where)
def test_shown_output_is_what_aura_prints(block: Block, fresh: tuple[Path, dict[str, str]]) -> None:
    differences = _differences(block, *fresh)
    assert not differences, "\n".join(differences)


def test_a_wrong_transcript_is_caught(tmp_path: Path, fresh: tuple[Path, dict[str, str]]) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        '```aura\ncell main():\n    println("hi")\n```\n\n'
        "<!-- output: exit 0, 0 -->\n````text\n$ aura run 'p q.aura'\nhi\n"
        "$ aura run --release 'p q.aura'\nho\n````\n\n"
        "<!-- output: exit 2 -->\n```text\n$ aura check p.aura\n```\n\n"
        "<!-- output: not run (needs a registry) -->\n```sh\naura pkg publish\n```\n",
        encoding="utf-8",
    )
    two, missing, publish = read_blocks(page)[1:]
    assert [_is_checked(b) for b in (two, missing, publish)] == [True, True, False]
    assert [s.args for s in _steps(two)] == [("run", "p q.aura"), ("run", "--release", "p q.aura")]
    assert _differences(two, *fresh) == ["$ aura run --release 'p q.aura' printed:\nhi\n"]
    # `p.aura` is the page's program, which checks clean: status 0, not 2.
    assert _differences(missing, *fresh) == ["$ aura check p.aura exited 0, not 2"]


def _json_shape(text: str) -> object:
    """The JSON document with the times and cache marks of cells left out."""

    def strip(value: object) -> object:
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if k not in {"time_ms", "cached"}}
        if isinstance(value, list):
            return [strip(v) for v in value]
        return value

    return strip(json.loads(text))


@pytest.mark.parametrize("block", [b for b in BLOCKS if _shows_a_command(b)], ids=_where)
def test_every_shown_command_is_checked_or_says_why_not(block: Block) -> None:
    marks = block.mark_values("output")
    assert len(marks) == 1, (
        f"{_where(block)} shows `aura` commands: mark it `<!-- output -->` "
        "or `<!-- output: not run (REASON) -->`"
    )


def test_output_marks_stand_before_transcripts() -> None:
    for block in OUTPUTS:
        assert block.text.startswith("$ aura "), f"{_where(block)}: starts with `$ aura`"
        assert block.lang in {"text", "json"}, f"{_where(block)}: a text or json block"


def test_the_docs_show_checked_outputs() -> None:
    pages = {b.path.relative_to(ROOT).as_posix() for b in OUTPUTS}
    assert {
        "README.md",
        "docs/backend-llvm.md",
        "docs/book/10_verification.md",
        "docs/reference/proven-checks.md",
    } <= pages
    commands = {s.args[0] for b in OUTPUTS for s in _steps(b)}
    assert {"run", "verify", "check", "fmt", "explain"} <= commands
