"""Fixture: verify the cells of one module given as text."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from aura_core.check import check_modules
from aura_core.modules import ParsedModule
from aura_core.source import SourceFile
from aura_parse import parse_module
from aura_verify import CellResult, Options, select_cells, verify_cells

Verify = Callable[[str], dict[str, CellResult]]


def verify_text(text: str) -> dict[str, CellResult]:
    source = SourceFile("t.aura", text)
    parsed = parse_module(source)
    assert parsed.ok, [d.message for d in parsed.diagnostics]
    checked = check_modules([ParsedModule(("t",), "t", source, parsed.module)])
    assert checked.ok, [d.message for d in checked.diagnostics]
    cells = select_cells(checked.program)
    results = verify_cells(checked.program, cells, Options(timeout=30.0))
    return {r.name.name: r for r in results}


@pytest.fixture
def verify() -> Verify:
    return verify_text


@pytest.fixture(autouse=True)
def private_cache(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``aura verify`` caches proofs of lone files in the user's cache: use a fresh one."""
    monkeypatch.setenv("AURA_CACHE_DIR", str(tmp_path_factory.mktemp("aura-cache")))
