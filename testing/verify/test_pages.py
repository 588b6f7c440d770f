"""The `aura explain` pages of the verifier's codes agree with the verifier:
each page's example is reported with its code, and each fix verifies."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from aura_core.explain import explanation
from aura_verify import CellResult, Options, verify_paths

CODES = [f"V{n:04d}" for n in range(1, 13)]
_DECL = re.compile(r"^(?:pub )?(?:pure |lemma |test )?cell (\w+)", re.MULTILINE)


def _blocks(code: str, section: str) -> list[str]:
    page = explanation(code)
    assert page is not None
    _, found, rest = page.partition(f"\n## {section}\n")
    assert found
    text = re.split(r"^## ", rest, maxsplit=1, flags=re.MULTILINE)[0]
    return re.findall(r"^```aura\n(.*?)^```$", text, flags=re.MULTILINE | re.DOTALL)


def _run(text: str, tmp_path: Path) -> tuple[list[CellResult], list[str], bool]:
    path = tmp_path / "example.aura"
    path.write_text(text, encoding="utf-8")
    files, compiled, _ = verify_paths([str(path)], Options(timeout=30.0))
    cells = [c for f in files for c in f.cells]
    return cells, [d.code for f in files for d in f.diagnostics], compiled


def _with_example(example: str, fix: str) -> str:
    """A fix that names cells of the example without defining them: the example's
    other cells, then the fix."""
    redefined = set(_DECL.findall(fix))
    chunks = re.split(r"\n(?=\S)", example)
    kept = [c for c in chunks if not (m := _DECL.match(c)) or m.group(1) not in redefined]
    return "\n".join(kept).rstrip("\n") + "\n\n" + fix


@pytest.mark.parametrize("code", CODES)
def test_example_fails_with_its_code(code: str, tmp_path: Path) -> None:
    (example,) = _blocks(code, "Example")
    cells, _, compiled = _run(example, tmp_path)
    assert compiled
    assert any(f.code == code and f.status == "failed" for c in cells for f in c.failures)


@pytest.mark.parametrize("code", CODES)
def test_fix_verifies(code: str, tmp_path: Path) -> None:
    (example,) = _blocks(code, "Example")
    for fix in _blocks(code, "Fix"):
        cells, _, compiled = _run(fix, tmp_path)
        if not compiled:
            cells, _, compiled = _run(_with_example(example, fix), tmp_path)
        assert compiled
        assert cells and all(c.status == "verified" for c in cells if c.name.name in fix)


def test_while_without_decreases_is_a_warning(tmp_path: Path) -> None:
    (example,) = _blocks("W0006", "Example")
    cells, codes, _ = _run(example, tmp_path)
    assert "W0006" in codes
    assert all(c.status == "verified" for c in cells)
    (fix,) = _blocks("W0006", "Fix")
    _, codes, _ = _run(fix, tmp_path)
    assert "W0006" not in codes


def test_assume_is_a_warning(tmp_path: Path) -> None:
    (example,) = _blocks("W0007", "Example")
    cells, codes, _ = _run(example, tmp_path)
    assert "W0007" in codes
    assert all(c.status == "verified" for c in cells)
    (fix,) = _blocks("W0007", "Fix")
    cells, codes, _ = _run(fix, tmp_path)
    assert "W0007" not in codes and all(c.status == "verified" for c in cells)


def test_a_directive_not_understood_is_a_warning(tmp_path: Path) -> None:
    (example,) = _blocks("W0010", "Example")
    cells, codes, _ = _run(example, tmp_path)
    assert codes == ["W0010"]
    assert all(c.status == "verified" for c in cells)
    (fix,) = _blocks("W0010", "Fix")
    cells, codes, _ = _run(fix, tmp_path)
    assert codes == [] and all(c.status == "verified" for c in cells)
