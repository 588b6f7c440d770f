"""The repository reads nothing from beside itself: no code, test or build
script refers to a directory next to the checkout (``..`` then ``shared``) or to
the contract's own copy (its ``spec`` folder).  The language reference the suites test
is ``docs/reference/language.md``, inside the repository, so a plain clone runs
every test."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
_SKIP_DIRS = {".venv", "node_modules", "__pycache__", ".git"}
#: Spelled in pieces so that this file does not itself name the directory.
_DIR = "sha" + "red"
FORBIDDEN = (f"../{_DIR}", f"{_DIR}/spec", f'parent / "{_DIR}"', f'"{_DIR}" / "spec"')


def offending(root: Path) -> list[str]:
    """``path: text`` (relative to ``root``) for each file that names a forbidden place."""
    found = []
    for path in sorted(root.rglob("*")):
        if not path.is_file() or _SKIP_DIRS & set(path.relative_to(root).parts):
            continue
        if path == Path(__file__).resolve():
            continue  # the one file that must name them
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        found += [f"{path.relative_to(root)}: {bad}" for bad in FORBIDDEN if bad in text]
    return found


@pytest.mark.parametrize("top", ["packages", "testing", "build"])
def test_nothing_refers_to_files_beside_the_repository(top: str) -> None:
    assert offending(ROOT / top) == []


def test_a_reference_beside_the_repository_is_found(tmp_path: Path) -> None:
    (tmp_path / "t.py").write_text('SPEC = ROOT.parent / "shared" / "spec"\n', "utf-8")
    (tmp_path / "ok.py").write_text("shared = 1\n", "utf-8")
    assert offending(tmp_path) == ['t.py: parent / "shared"', 't.py: "shared" / "spec"']
