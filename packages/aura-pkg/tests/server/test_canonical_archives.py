"""Uploads that are not canonical archives are refused, naming the cause; nothing is published."""

from __future__ import annotations

import gzip
import io
import tarfile
from pathlib import Path

import httpx
import pytest
from registry_server import Publisher, package_archive, upload

from aura_pkg.archive import DEFAULT_LIMITS
from aura_pkg.canonical import archive_problem

_MANIFEST = b'[package]\nname = "odd"\nversion = "1.0.0"\n'

Entry = tuple[str, bool, bytes]  # path below odd-1.0.0/ ("" for the top), directory, content


def _tar(entries: list[Entry], modes: dict[str, int] | None = None) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(
        fileobj=buffer, mode="w", format=tarfile.USTAR_FORMAT, errors="surrogateescape"
    ) as tar:
        for path, directory, content in entries:
            info = tarfile.TarInfo(f"odd-1.0.0/{path}".rstrip("/"))
            info.type = tarfile.DIRTYPE if directory else tarfile.REGTYPE
            info.mode = (modes or {}).get(path, 0o755 if directory else 0o644)
            info.size = 0 if directory else len(content)
            tar.addfile(info, io.BytesIO(content))
    return gzip.compress(buffer.getvalue(), 9, mtime=0)


def _with(*extra: Entry) -> list[Entry]:
    base: list[Entry] = [("", True, b""), ("aura.toml", False, _MANIFEST), ("src", True, b"")]
    return [*base, *extra]


CASES: dict[str, tuple[bytes, str]] = {
    "setuid mode": (
        _tar(_with(("src/lib.aura", False, b"")), {"src/lib.aura": 0o4777}),
        "has mode 4777, not 0644",
    ),
    "stray top-level file": (_tar(_with(("install.sh", False, b""))), "stray top-level file"),
    "file and directory": (
        _tar(_with(("src/a", False, b""), ("src/a/b.aura", False, b""))),
        "'src/a' is both a file and the directory of 'src/a/b.aura'",
    ),
    "case twins": (
        _tar(_with(("src/A.aura", False, b""), ("src/a.aura", False, b""))),
        "differ only by case",
    ),
    "NFD name": (_tar(_with(("src/cafe\u0301.aura", False, b""))), "not in Unicode normal form C"),
    "RTLO": (_tar(_with(("src/gpj\u202e.aura", False, b""))), "U+202E"),
    "control character": (_tar(_with(("src/a\x01.aura", False, b""))), "U+0001"),
    "Windows device": (_tar(_with(("src/con.aura", False, b""))), "Windows reserves"),
    "non-UTF-8": (_tar(_with(("src/\udcff.aura", False, b""))), "is not UTF-8"),
    "unsorted": (
        _tar(_with(("src/b.aura", False, b""), ("src/a.aura", False, b""))),
        "not in sorted order",
    ),
    "outside src": (_tar(_with(("docs", True, b""))), "is outside src/"),
}


def test_archives_the_client_builds_are_canonical(tmp_path: Path) -> None:
    archive = package_archive(tmp_path, "fine", "1.0.0")
    assert archive_problem(archive.data, "fine-1.0.0", DEFAULT_LIMITS, "fine 1.0.0") is None
    ordinary = _tar(_with(("src/lib.aura", False, b"")))
    assert archive_problem(ordinary, "odd-1.0.0", DEFAULT_LIMITS, "odd 1.0.0") is None


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_non_canonical_archive_is_refused(http: httpx.Client, ada: Publisher, case: str) -> None:
    data, cause = CASES[case]
    answer = upload(http, ada, data, "x")
    assert answer.status_code == 422, answer.text
    refusal = answer.json()["error"]
    assert refusal["code"] == "invalid_archive"
    assert cause in refusal["message"], refusal["message"]
    assert http.get("/api/v1/index/odd").status_code == 404
