"""Programs that must check clean: the spec's examples, the cookbook, the standard library."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from aura_core.stdlib import std_root
from aura_parse.check_command import check_program

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT.parent / "shared" / "spec" / "language.md"


def errors(entry: Path) -> list[str]:
    return [
        f"{d.code} {d.file.name if d.file else ''}:"
        f"{d.file.position(d.span.start).line if d.file and d.span else 0} {d.message}"
        for d in check_program(entry)
        if d.is_error
    ]


def spec_programs() -> list[str]:
    if not SPEC.exists():
        return []
    blocks = re.findall(r"```aura\n(.*?)```", SPEC.read_text(encoding="utf-8"), re.S)
    return [b for b in blocks if not b.startswith("# fragment")]


@pytest.mark.skipif(not SPEC.exists(), reason="the language spec is not beside this checkout")
@pytest.mark.parametrize("index", range(len(spec_programs())))
def test_spec_examples_check_clean(index: int, tmp_path: Path) -> None:
    program = spec_programs()[index]
    path = tmp_path / f"example{index}.aura"
    path.write_text(program, encoding="utf-8")
    assert errors(path) == []


@pytest.mark.parametrize("path", sorted((ROOT / "cookbook").glob("*.aura")), ids=lambda p: p.name)
def test_cookbook_checks_clean(path: Path) -> None:
    assert errors(path) == []


@pytest.mark.parametrize("path", sorted(std_root().rglob("*.aura")), ids=lambda p: p.name)
def test_standard_library_checks_clean(path: Path) -> None:
    assert errors(path) == []
