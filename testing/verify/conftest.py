"""Fixtures for verifier tests: verify a file or a text, collect what failed."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from aura_verify import CellResult, Options, verify_paths

#: Generous per-obligation limit: the suites must not depend on machine speed.
OPTIONS = Options(timeout=30.0)

Failures = set[tuple[str, str, int, int]]


def _verify_file(path: Path) -> list[CellResult]:
    files, compiled, _ = verify_paths([str(path)], OPTIONS)
    assert compiled, [d.message for f in files for d in f.diagnostics if d.is_error]
    return [c for f in files for c in f.cells]


def _failures(cells: list[CellResult]) -> Failures:
    """(status, code, line, column) of every obligation not proven."""
    out = set()
    for c in cells:
        for f in c.failures:
            pos = f.file.position(f.span.start)
            out.add((f.status, f.code, pos.line, pos.column))
    return out


@pytest.fixture
def verify_file() -> Callable[[Path], list[CellResult]]:
    return _verify_file


@pytest.fixture
def verify_text(tmp_path: Path) -> Callable[[str], list[CellResult]]:
    def run(text: str) -> list[CellResult]:
        path = tmp_path / "t.aura"
        path.write_text(text, encoding="utf-8")
        return _verify_file(path)

    return run


@pytest.fixture
def failures() -> Callable[[list[CellResult]], Failures]:
    return _failures
