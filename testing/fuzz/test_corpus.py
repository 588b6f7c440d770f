"""Every input in ``corpus/`` (and the large ones made here) through every command.

Each of these once made a command crash with an internal compiler error, hang
or grow without bound; now each must get an answer that :func:`fuzzing.judge`
accepts.  ``aura build`` gets the small inputs only: native compilation of a long
vector literal is still far from linear (20,000 elements take minutes).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
import systools
from fuzzing import COMMANDS, run_command

CORPUS = Path(__file__).resolve().parent / "corpus"
FILES = sorted(CORPUS.glob("*.aura"))


def _chain(path: Path) -> None:
    """200 pure cells each calling the next: deeper than Python's default limit."""
    n = 200
    cells = "".join(
        f"pure cell f{i}(x: Int) -> Int:\n    return {f'f{i + 1}(x)' if i < n - 1 else 'x'} + 1\n\n"
        for i in range(n)
    )
    path.write_text(cells + f"cell main():\n    assert f0(1) == {n + 1}\n", encoding="utf-8")


def _vector(path: Path) -> None:
    """A vector literal of 30,000 elements: compiled in quadratic time once."""
    elems = ", ".join(str(i) for i in range(30_000))
    path.write_text(f'cell main():\n    val v = [{elems}]\n    println("{{v.len()}}")\n', "utf-8")


def _too_large(path: Path) -> None:
    """One byte past the 16 MiB limit (a sparse file: no disk is used)."""
    from aura_core.cli_support import MAX_SOURCE_BYTES

    with path.open("wb") as f:
        f.truncate(MAX_SOURCE_BYTES + 1)


GENERATED: dict[str, Callable[[Path], None]] = {
    "pure_chain_200": _chain,
    "vector_literal_30000": _vector,
    "past_the_size_limit": _too_large,
}

#: The chain's 201 cells are each proven: only `main` is asked for, as the
#: finding was about its unfolding.
_VERIFY_ONE = {"pure_chain_200"}

CASES = [
    *((f.stem, c) for f in FILES for c in ("check", "fmt", "verify", "run", "build")),
    *((g, c) for g in GENERATED for c in ("check", "fmt", "verify", "run")),
]


def test_the_corpus_is_there() -> None:
    assert len(FILES) >= 7


@pytest.mark.parametrize(("entry", "command"), CASES, ids=[f"{e}-{c}" for e, c in CASES])
def test_corpus_input_gets_an_answer(entry: str, command: str, tmp_path: Path) -> None:
    if command == "build":
        systools.require("cc", package="gcc")
    path = tmp_path / f"{entry}.aura"
    if entry in GENERATED:
        GENERATED[entry](path)
    else:
        path.write_bytes((CORPUS / f"{entry}.aura").read_bytes())
    chosen = COMMANDS[command]
    if command == "verify" and entry in _VERIFY_ONE:
        chosen = replace(chosen, args=(*chosen.args, "--cell", "main"))
    finding = run_command(chosen, path, tmp_path)
    assert finding is None, f"aura {command} {entry}: {finding}"
