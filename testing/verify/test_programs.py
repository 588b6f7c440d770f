"""The right and wrong suites: every right program verifies, every wrong one
fails exactly where its `# expect:` lines say (README.md)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from aura_verify import CellResult

HERE = Path(__file__).parent
RIGHT = sorted((HERE / "right").glob("*.aura"))
WRONG = sorted((HERE / "wrong").glob("*.aura"))
_EXPECT = re.compile(r"^# expect: (V\d{4}) (\d+):(\d+)$", re.MULTILINE)

VerifyFile = Callable[[Path], list[CellResult]]
Failures = Callable[[list[CellResult]], set[tuple[str, str, int, int]]]


def test_the_suites_are_large_enough() -> None:
    assert len(RIGHT) >= 60 and len(WRONG) >= 60
    codes = {m.group(1) for p in WRONG for m in _EXPECT.finditer(p.read_text(encoding="utf-8"))}
    assert codes == {f"V{n:04d}" for n in range(1, 13)}, "every V code has a wrong program"


@pytest.mark.parametrize("path", RIGHT, ids=[p.stem for p in RIGHT])
def test_right_program_verifies(path: Path, verify_file: VerifyFile, failures: Failures) -> None:
    cells = verify_file(path)
    assert cells, "the program has cells"
    assert failures(cells) == set()
    assert all(c.status == "verified" for c in cells)


@pytest.mark.parametrize("path", WRONG, ids=[p.stem for p in WRONG])
def test_wrong_program_fails_where_expected(
    path: Path, verify_file: VerifyFile, failures: Failures
) -> None:
    text = path.read_text(encoding="utf-8")
    expected = {
        ("failed", m.group(1), int(m.group(2)), int(m.group(3))) for m in _EXPECT.finditer(text)
    }
    assert expected, "a wrong program says what must fail"
    assert failures(verify_file(path)) == expected
