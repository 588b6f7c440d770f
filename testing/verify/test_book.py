"""The verification chapter of the book (`docs/book/10_verification.md`) says
what `aura verify` does, and this test holds it to that.

Every ```aura block is a complete program, verified on its own:

- without a mark, every cell verifies and there is no warning;
- `<!-- expect: V0007 at 4:16 -->` lines (status `failed` unless written
  first, as in `<!-- expect: unknown V0009 at 3:12 -->`) list exactly the
  obligations that must not be proven;
- `<!-- warn: W0008 at 4:12 -->` lines list exactly the verifier's warnings.

A ```text block marked `<!-- output -->` is a terminal: its first line is
`$ aura ...` and the rest is what the command prints (stdout and stderr as a
terminal interleaves them) for the most recent program, saved under the file
name the command gives.  Cell times (and whether a result came from the proof
cache) are the one part allowed to differ.  A ```json block marked the same
way is compared as JSON, so it may be laid out for reading.
"""

from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from aura_core.cli import main as aura
from aura_verify import Options, verify_paths

BOOK = Path(__file__).parents[2] / "docs" / "book"
CHAPTER = BOOK / "10_verification.md"

_FENCE = re.compile(r"^```(\w*)\n(.*?)^```$", re.MULTILINE | re.DOTALL)
_MARK = re.compile(r"<!-- (expect|warn|output)(?::([^>]*))? -->")
_EXPECT = re.compile(r"^(?:(failed|unknown|timeout) )?([VW]\d{4}) at (\d+):(\d+)$")
_TIME = re.compile(r"\((\d+) ms[^)]*\)")


@dataclass(frozen=True)
class Block:
    lang: str
    text: str
    line: int
    #: Marks in the prose between the previous block and this one.
    marks: tuple[tuple[str, str], ...]
    #: The most recent ``aura`` block before this one (for outputs).
    program: str | None


def _blocks(markdown: str) -> list[Block]:
    out: list[Block] = []
    last = 0
    program: str | None = None
    for m in _FENCE.finditer(markdown):
        prose = markdown[last : m.start()]
        marks = tuple((k, (v or "").strip()) for k, v in _MARK.findall(prose))
        line = markdown.count("\n", 0, m.start()) + 2
        out.append(Block(m.group(1), m.group(2), line, marks, program))
        if m.group(1) == "aura":
            program = m.group(2)
        last = m.end()
    return out


BLOCKS = _blocks(CHAPTER.read_text(encoding="utf-8"))
PROGRAMS = [b for b in BLOCKS if b.lang == "aura"]
OUTPUTS = [b for b in BLOCKS if any(k == "output" for k, _ in b.marks)]


def _expected(block: Block, kind: str) -> set[tuple[str, str, int, int]]:
    out = set()
    for k, value in block.marks:
        if k != kind:
            continue
        m = _EXPECT.match(value)
        assert m, f"line {block.line}: cannot read the mark `{value}`"
        status = m.group(1) or ("warning" if kind == "warn" else "failed")
        out.add((status, m.group(2), int(m.group(3)), int(m.group(4))))
    return out


def test_the_chapter_has_programs_and_outputs() -> None:
    assert len(PROGRAMS) >= 25 and len(OUTPUTS) >= 3
    assert all(b.lang in {"aura", "text", "json", "sh"} for b in BLOCKS)
    assert (BOOK / "README.md").read_text(encoding="utf-8").count("10_verification.md") == 1


@pytest.mark.parametrize("block", PROGRAMS, ids=[f"line{b.line}" for b in PROGRAMS])
def test_program_verifies_as_the_chapter_says(block: Block, tmp_path: Path) -> None:
    path = tmp_path / "example.aura"
    path.write_text(block.text, encoding="utf-8")
    files, compiled, _ = verify_paths([str(path)], Options(timeout=30.0))
    errors = [d.message for f in files for d in f.diagnostics if d.is_error]
    assert compiled and not errors, errors
    cells = [c for f in files for c in f.cells]
    assert cells
    failures = set()
    for c in cells:
        for fl in c.failures:
            pos = fl.file.position(fl.span.start)
            failures.add((fl.status, fl.code, pos.line, pos.column))
    warnings = set()
    for f in files:
        for d in f.diagnostics:
            assert d.file is not None and d.span is not None
            pos = d.file.position(d.span.start)
            warnings.add(("warning", d.code, pos.line, pos.column))
    assert failures == _expected(block, "expect")
    assert warnings == _expected(block, "warn")


@pytest.mark.parametrize("block", OUTPUTS, ids=[f"line{b.line}" for b in OUTPUTS])
def test_shown_output_is_what_aura_prints(
    block: Block, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert block.program is not None, "an output follows a program"
    command, _, shown = block.text.partition("\n")
    assert command.startswith("$ aura "), "the output starts with the command"
    args = shlex.split(command)[2:]
    # A fresh directory: file names as the chapter shows them, and a proof
    # cache of its own, so that no earlier run changes what is printed.
    monkeypatch.chdir(tmp_path)
    name = next(a for a in args if a.endswith(".aura"))
    Path(name).write_text(block.program, encoding="utf-8")
    result = CliRunner().invoke(aura, args, env={"NO_COLOR": "1"})
    if block.lang == "json":
        assert _json_shape(result.output) == _json_shape(shown)
    else:
        assert _TIME.sub("(N ms)", result.output) == _TIME.sub("(N ms)", shown)


def _json_shape(text: str) -> object:
    """The JSON document with the times and cache marks of cells left out."""
    data = json.loads(text)
    for f in data["files"]:
        for c in f["cells"]:
            c["time_ms"] = c["cached"] = None
    return data
