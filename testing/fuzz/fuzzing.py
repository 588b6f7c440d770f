"""Mutation fuzzing of the ``aura`` commands: every input gets an answer.

Seeds are the conformance programs and the cookbook.  A mutant is made by byte
mutations (flips, insertions, deletions, invalid UTF-8, NUL, tabs) or grammar
mutations (tokens deleted, duplicated, swapped or replaced by keywords and
operators; lines duplicated, dropped or re-indented; deep nesting), and fed to
each command as a separate process.  A command's answer is judged by
:func:`judge`: no ``internal compiler error`` (the marker and exit status 3 of
``aura_core.cli_support``), no Python traceback, no death by a signal, no hang
past a generous timeout, and an exit status the command documents.

The normal suite runs a small seeded sample (``test_fuzz.py``); ``run.py``
runs for as long as asked and writes each finding into a directory.
"""

from __future__ import annotations

import os
import random
import re
import resource
import subprocess
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "COMMANDS",
    "MARKER",
    "Command",
    "Finding",
    "judge",
    "mutants",
    "run_command",
    "seeds",
]

ROOT = Path(__file__).resolve().parents[2]
AURA = Path(sys.executable).with_name("aura")

#: What ``aura_core.cli_support.internal_error`` prints, with exit status 3.
MARKER = "internal compiler error"
EXIT_INTERNAL = 3


@dataclass(frozen=True)
class Command:
    """One way of feeding a file to ``aura``."""

    name: str
    args: tuple[str, ...]
    #: Exit statuses the command documents (None: any, the program's own).
    statuses: frozenset[int] | None
    #: Seconds before the command counts as hung (None: a program's own loop
    #: is not the toolchain's fault, so running out of time is no finding).
    hang_after: float | None
    timeout: float


COMMANDS: dict[str, Command] = {
    "check": Command("check", ("check",), frozenset({0, 1}), 300, 300),
    "fmt": Command("fmt", ("fmt", "--check"), frozenset({0, 1}), 300, 300),
    "verify": Command(
        "verify", ("verify", "--no-cache", "--timeout", "1"), frozenset({0, 1}), 600, 600
    ),
    # The program may loop or return any status: only the toolchain is judged.
    "run": Command("run", ("run",), None, None, 20),
    "build": Command("build", ("build", "-o", "program"), frozenset({0, 1}), 900, 900),
}


@dataclass(frozen=True)
class Finding:
    command: str
    reason: str
    stderr: str


def seeds() -> list[Path]:
    """The conformance programs and the cookbook, sorted."""
    found = [
        *(ROOT / "testing" / "conformance" / "run").glob("*.aura"),
        *(ROOT / "cookbook").glob("*.aura"),
    ]
    return sorted(found)


# ------------------------------------------------------------------ mutation

_TOKEN = re.compile(r"[A-Za-z_][A-Za-z_0-9]*|\d[\d_]*|\"(?:[^\"\\\n]|\\.)*\"|\n[ ]*|\S")
#: Words and operators of the language (and some near misses), one string so
#: that the list reads as the grammar does.
_WORDS = (
    "cell pure val mut if elif else while for in return match requires ensures "
    "invariant decreases forall exists old result not and or assert assume "
    "type record enum resource import pub const test lemma unsafe break continue "
    "( ) [ ] { } : , . :: -> => ==> == != < <= > >= + - * / % << >> & | ^ ~ ? = += "
    '0 1 -1 9223372036854775807 1e308 0x 0b2 "{" "\\u{110000}" "\\q" Int i64 u8 f64 '
    "bool String Vec Map Option Result Some None Ok Err true false"
)
_POOL = _WORDS.split()


def _byte_mutation(data: bytes, rng: random.Random) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        at = rng.randrange(len(out) + 1)
        kind = rng.randrange(7)
        if kind == 0 and out:
            out[min(at, len(out) - 1)] ^= 1 << rng.randrange(8)
        elif kind == 1:
            out[at:at] = bytes([rng.randrange(256)])
        elif kind == 2:
            del out[at : at + rng.randint(1, 16)]
        elif kind == 3:
            out[at:at] = rng.choice([b"\xff", b"\xc3", b"\xed\xa0\x80", b"\0", b"\t", b"\r"])
        elif kind == 4 and out:
            start = rng.randrange(len(out))
            out[at:at] = out[start : start + rng.randint(1, 64)]
        elif kind == 5:
            out = out[: rng.randrange(len(out) + 1)]
        else:
            out[at:at] = rng.choice([b"\n", b"\n    ", b"    ", b"#", b"\\"])
    return bytes(out)


def _grammar_mutation(text: str, rng: random.Random) -> str:
    tokens = _TOKEN.findall(text) or [""]
    for _ in range(rng.randint(1, 6)):
        i = rng.randrange(len(tokens))
        kind = rng.randrange(6)
        if kind == 0 and len(tokens) > 1:
            del tokens[i]
        elif kind == 1:
            tokens.insert(i, tokens[rng.randrange(len(tokens))])
        elif kind == 2:
            j = rng.randrange(len(tokens))
            tokens[i], tokens[j] = tokens[j], tokens[i]
        elif kind == 3:
            tokens[i] = rng.choice(_POOL)
        elif kind == 4:
            depth = rng.choice([3, 50, 150, 250, 400])
            tokens.insert(i, rng.choice(["not ", "-", "(", "[", "~"]) * depth)
        else:
            tokens.insert(i, rng.choice(_POOL))
    joined = ""
    for t in tokens:  # words stay apart; layout tokens keep their own spacing
        glue = " " if joined and not joined.endswith(("\n", " ")) and not t.startswith("\n") else ""
        joined += glue + t
    lines = joined.split("\n")
    if rng.random() < 0.3 and len(lines) > 1:
        i = rng.randrange(len(lines))
        op = rng.randrange(3)
        if op == 0:
            lines.insert(i, lines[rng.randrange(len(lines))])
        elif op == 1:
            del lines[i]
        else:
            lines[i] = " " * rng.choice([1, 2, 4, 8]) + lines[i]
    return "\n".join(lines)


def mutants(rng: random.Random, sources: Sequence[Path]) -> Iterator[tuple[str, bytes]]:
    """Endless (description, bytes) mutants of ``sources``, drawn with ``rng``."""
    while True:
        seed = rng.choice(sources)
        data = seed.read_bytes()
        if rng.random() < 0.5:
            yield f"bytes of {seed.name}", _byte_mutation(data, rng)
        else:
            text = _grammar_mutation(data.decode("utf-8"), rng)
            yield f"grammar of {seed.name}", text.encode("utf-8", "surrogateescape")


# ------------------------------------------------------------------ judging


def _limits() -> None:
    """A mutated program may allocate without end: 4 GiB of address space."""
    four_gib = 4 * 1024**3
    resource.setrlimit(resource.RLIMIT_AS, (four_gib, four_gib))


def run_command(command: Command, file: Path, work: Path) -> Finding | None:
    """Feed ``file`` to ``command`` in the directory ``work``; what went wrong, if anything."""
    env = {**os.environ, "AURA_BACKTRACE": "1", "NO_COLOR": "1"}
    try:
        proc = subprocess.run(
            [str(AURA), *command.args, str(file)],
            cwd=work,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=command.timeout,
            env=env,
            preexec_fn=_limits if command.name == "run" else None,
            check=False,
        )
    except subprocess.TimeoutExpired:
        if command.hang_after is None:
            return None
        return Finding(command.name, f"no answer within {command.timeout:.0f} s", "")
    return judge(command, proc.returncode, proc.stderr.decode("utf-8", "replace"))


def judge(command: Command, status: int, stderr: str) -> Finding | None:
    """What is wrong with an answer: None if it is one the command may give."""
    if MARKER in stderr:
        return Finding(command.name, MARKER, stderr)
    if "Traceback (most recent call last)" in stderr:
        return Finding(command.name, "a Python traceback", stderr)
    if status == EXIT_INTERNAL and command.statuses is not None:
        return Finding(command.name, "exit status 3 (internal error)", stderr)
    if status < 0:
        return Finding(command.name, f"killed by signal {-status}", stderr)
    if command.statuses is not None and status not in command.statuses:
        return Finding(command.name, f"exit status {status}", stderr)
    return None
