"""Helpers for checker tests: source text in, diagnostics out."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from aura_core.check import CheckResult, check_modules
from aura_core.modules import ParsedModule
from aura_core.source import SourceFile
from aura_parse import parse_module


def check_text(text: str, name: str = "t") -> CheckResult:
    """Parse and check one module (no imports of other modules)."""
    source = SourceFile(f"{name}.aura", text)
    parsed = parse_module(source)
    assert parsed.ok, [d.message for d in parsed.diagnostics]
    return check_modules([ParsedModule((name,), name, source, parsed.module)])


def codes_at(text: str) -> list[tuple[str, int, int]]:
    """(code, line, column) of every diagnostic of ``text``."""
    result = check_text(text)
    out = []
    for d in result.diagnostics:
        assert d.file is not None and d.span is not None
        pos = d.file.position(d.span.start)
        out.append((d.code, pos.line, pos.column))
    return out


@pytest.fixture
def check() -> Callable[[str], CheckResult]:
    return check_text


@pytest.fixture
def codes() -> Callable[[str], list[tuple[str, int, int]]]:
    return codes_at
