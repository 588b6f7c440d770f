"""Reproducible archives, checksums, and extraction that refuses hostile input."""

from __future__ import annotations

import gzip
import hashlib
import io
import os
import re
import tarfile
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from aura_pkg.archive import (
    Limits,
    UnpackBudget,
    archive_filename,
    build_archive,
    checksum,
    extract_archive,
    package_files,
    read_archive_manifest,
    verify_checksum,
)
from aura_pkg.errors import ArchiveError, TrustError

MANIFEST = '[package]\nname = "wrap"\nversion = "1.0.0"\n\n[dependencies]\njson = "^1"\n'
FILES = {
    "aura.toml": MANIFEST,
    "README.md": "# wrap\n",
    "LICENSE-MIT": "MIT\n",
    "licence.txt": "also\n",
    "src/lib.aura": "cell f() -> i64:\n    1\n",
    "src/util/strings.aura": "# strings\n",
    "src/util/z.aura": "",
    "src/a-b.aura": "",
}
JUNK = {
    "src/.lib.aura.swp": "swap",
    "src/.hidden/x.aura": "",
    "tests/t.aura": "",
    "target/out": "",
    "aura.lock": "",
    "notes.txt": "",
    ".git/HEAD": "",
}


def make_tree(
    root: Path,
    files: dict[str, str],
    *,
    reverse: bool = False,
    mode: int = 0o644,
    mtime: float = 0.0,
) -> Path:
    for rel in sorted(files, reverse=reverse):
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(files[rel], encoding="utf-8")
        path.chmod(mode)
        if mtime:
            os.utime(path, (mtime, mtime))
    return root


def test_archives_are_byte_identical_for_the_same_tree(tmp_path: Path) -> None:
    a = make_tree(tmp_path / "a", FILES, mode=0o644, mtime=1_000_000)
    time.sleep(0.01)
    b = make_tree(tmp_path / "b", {**FILES, **JUNK}, reverse=True, mode=0o755, mtime=2_000_000)
    (b / "src").chmod(0o700)
    first, second = build_archive(a), build_archive(b)
    assert first.data == second.data
    assert first.checksum == second.checksum == checksum(first.data)
    assert first.checksum == "sha256:" + hashlib.sha256(first.data).hexdigest()
    assert first.filename == archive_filename("wrap", "1.0.0") == "wrap-1.0.0.tar.gz"


def test_archive_layout(tmp_path: Path) -> None:
    data = build_archive(make_tree(tmp_path, FILES)).data
    # gzip header: no file name (FLG 0), mtime 0, level 9 (XFL 2), OS "unknown".
    assert data[:10] == b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    raw = gzip.decompress(data)
    assert len(raw) % 10240 == 0
    with tarfile.open(fileobj=io.BytesIO(raw), mode="r:") as tar:
        members = tar.getmembers()
    assert [(m.name, m.type, m.mode) for m in members] == [
        ("wrap-1.0.0", tarfile.DIRTYPE, 0o755),
        ("wrap-1.0.0/LICENSE-MIT", tarfile.REGTYPE, 0o644),
        ("wrap-1.0.0/README.md", tarfile.REGTYPE, 0o644),
        ("wrap-1.0.0/aura.toml", tarfile.REGTYPE, 0o644),
        ("wrap-1.0.0/licence.txt", tarfile.REGTYPE, 0o644),
        ("wrap-1.0.0/src", tarfile.DIRTYPE, 0o755),
        ("wrap-1.0.0/src/a-b.aura", tarfile.REGTYPE, 0o644),
        ("wrap-1.0.0/src/lib.aura", tarfile.REGTYPE, 0o644),
        ("wrap-1.0.0/src/util", tarfile.DIRTYPE, 0o755),
        ("wrap-1.0.0/src/util/strings.aura", tarfile.REGTYPE, 0o644),
        ("wrap-1.0.0/src/util/z.aura", tarfile.REGTYPE, 0o644),
    ]
    for m in members:
        assert (m.mtime, m.uid, m.gid, m.uname, m.gname) == (0, 0, 0, "", "")
    header = raw[:512]
    assert header[257:265] == b"ustar\x0000"  # POSIX ustar magic and version
    assert header[100:108] == b"0000755\x00"
    assert header[136:148] == b"00000000000\x00"  # mtime
    # The uncompressed tar is the same on every machine: pin it.
    assert hashlib.sha256(raw).hexdigest() == PINNED_TAR_SHA256


PINNED_TAR_SHA256 = "175384b37c19ecdf7201902bdd1cc0be3454200645a7c8ff57ace15b258b2f03"


def test_package_files_selection(tmp_path: Path) -> None:
    make_tree(tmp_path, {**FILES, **JUNK})
    assert package_files(tmp_path) == (
        "LICENSE-MIT",
        "README.md",
        "aura.toml",
        "licence.txt",
        "src/a-b.aura",
        "src/lib.aura",
        "src/util/strings.aura",
        "src/util/z.aura",
    )


@pytest.mark.skipif(os.name != "posix", reason="symbolic links")
def test_links_to_files_are_stored_as_files_and_links_to_directories_refused(
    tmp_path: Path,
) -> None:
    a = make_tree(tmp_path / "a", FILES)
    b = make_tree(tmp_path / "b", {k: v for k, v in FILES.items() if k != "README.md"})
    (b / "README.md").symlink_to(a / "README.md")
    assert build_archive(a).data == build_archive(b).data
    (b / "src" / "more").symlink_to(a / "src" / "util")
    with pytest.raises(ArchiveError, match="symbolic link to a directory"):
        build_archive(b)
    (b / "src" / "more").unlink()
    (b / "src").rename(b / "real-src")
    (b / "src").symlink_to(b / "real-src")
    with pytest.raises(ArchiveError, match="src is a symbolic link"):
        build_archive(b)


def test_long_paths_use_the_ustar_prefix_field_and_too_long_ones_are_refused(
    tmp_path: Path,
) -> None:
    deep = "src/" + "/".join(["d" * 40] * 3) + "/" + "f" * 60 + ".aura"  # 190 bytes
    archive = build_archive(make_tree(tmp_path / "a", {**FILES, deep: "x"}))
    extract_archive(archive.data, "wrap", "1.0.0", tmp_path / "out")
    assert (tmp_path / "out" / deep).read_text(encoding="utf-8") == "x"
    make_tree(tmp_path / "a", {"src/" + "f" * 120 + ".aura": ""})
    with pytest.raises(ArchiveError, match="cannot store"):
        build_archive(tmp_path / "a")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="fifos")
def test_special_files_are_refused(tmp_path: Path) -> None:
    make_tree(tmp_path, FILES)
    os.mkfifo(tmp_path / "src" / "pipe")
    with pytest.raises(ArchiveError, match=re.escape("wrap 1.0.0: src/pipe is not a regular file")):
        build_archive(tmp_path)


def test_a_package_without_a_root_module_is_refused(tmp_path: Path) -> None:
    make_tree(tmp_path, {"aura.toml": MANIFEST, "src/other.aura": ""})
    with pytest.raises(ArchiveError, match=re.escape("no src/lib.aura")):
        build_archive(tmp_path)


def test_path_dependencies_cannot_be_published(tmp_path: Path) -> None:
    manifest = MANIFEST + 'util = { path = "../util" }\n[dev-dependencies]\nt = { path = "t" }\n'
    make_tree(tmp_path, {**FILES, "aura.toml": manifest})
    with pytest.raises(ArchiveError, match="`util` is a path dependency"):
        build_archive(tmp_path)
    make_tree(tmp_path, {"aura.toml": MANIFEST + '[dev-dependencies]\nt = { path = "t" }\n'})
    build_archive(tmp_path)  # path dev-dependencies are fine


def test_build_limits(tmp_path: Path) -> None:
    make_tree(tmp_path, {**FILES, "src/big.aura": "x" * 100_000})
    with pytest.raises(ArchiveError, match="larger than"):
        build_archive(tmp_path, Limits(max_unpacked_bytes=50_000))
    with pytest.raises(ArchiveError, match="over the limit of 5"):
        build_archive(tmp_path, Limits(max_entries=5))


def test_checksums() -> None:
    data = b"archive"
    verify_checksum(data, checksum(data), "a 1.0.0")
    with pytest.raises(TrustError, match=re.escape("a 1.0.0: checksum mismatch")):
        verify_checksum(data + b"!", checksum(data), "a 1.0.0")
    with pytest.raises(TrustError, match="malformed checksum"):
        verify_checksum(data, "md5:00", "a 1.0.0")


# -- extraction --------------------------------------------------------------------


def test_extract_round_trip(tmp_path: Path) -> None:
    archive = build_archive(make_tree(tmp_path / "pkg", FILES))
    target = tmp_path / "deps" / "wrap-1.0.0"
    assert extract_archive(archive.data, "wrap", "1.0.0", target) == target
    got = {
        str(p.relative_to(target)): p.read_text(encoding="utf-8")
        for p in target.rglob("*")
        if p.is_file()
    }
    assert got == FILES
    if os.name == "posix":
        assert (target / "src" / "lib.aura").stat().st_mode & 0o777 == 0o644 & ~_umask()
        assert (target / "src").stat().st_mode & 0o777 == 0o755 & ~_umask()
    assert sorted(p.name for p in target.parent.iterdir()) == ["wrap-1.0.0"]
    manifest = read_archive_manifest(archive.data, "wrap", "1.0.0")
    assert manifest.registry_dependencies().keys() == {"json"}


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_extract_replaces_an_existing_directory_whole(tmp_path: Path) -> None:
    archive = build_archive(make_tree(tmp_path / "pkg", FILES))
    target = tmp_path / "deps" / "wrap-1.0.0"
    (target / "src").mkdir(parents=True)
    (target / "stale.aura").write_text("old")
    extract_archive(archive.data, "wrap", "1.0.0", target)
    assert not (target / "stale.aura").exists()
    assert (target / "src" / "lib.aura").is_file()
    assert sorted(p.name for p in target.parent.iterdir()) == ["wrap-1.0.0"]


Entry = tuple[tarfile.TarInfo, bytes]


def entry(name: str, data: bytes = b"", kind: bytes = tarfile.REGTYPE, link: str = "") -> Entry:
    info = tarfile.TarInfo(name)
    info.type = kind
    info.size = len(data) if kind == tarfile.REGTYPE else 0
    info.linkname = link
    info.mode = 0o755 if kind == tarfile.DIRTYPE else 0o644
    return info, data


def tar_gz(entries: list[Entry], fmt: int = tarfile.GNU_FORMAT) -> bytes:
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=fmt) as tar:
        for info, data in entries:
            tar.addfile(info, io.BytesIO(data) if info.type == tarfile.REGTYPE else None)
    return gzip.compress(raw.getvalue(), mtime=0)


GOOD = [entry("wrap-1.0.0", kind=tarfile.DIRTYPE), entry("wrap-1.0.0/aura.toml", MANIFEST.encode())]


def good_archive() -> bytes:
    return tar_gz(GOOD)


def truncated_tar(size: int) -> Callable[[], bytes]:
    def make() -> bytes:
        return gzip.compress(gzip.decompress(good_archive())[:size], mtime=0)

    return make


def corrupted_header() -> bytes:
    raw = bytearray(gzip.decompress(good_archive()))
    raw[512 + 148] ^= 0xFF  # checksum field of the second header
    return gzip.compress(bytes(raw), mtime=0)


BAD: list[tuple[str, Callable[[], bytes], str]] = [
    ("parent", lambda: tar_gz([*GOOD, entry("wrap-1.0.0/../evil")]), "escapes the target"),
    ("leading parent", lambda: tar_gz([*GOOD, entry("../evil")]), "escapes the target"),
    ("absolute", lambda: tar_gz([*GOOD, entry("/etc/evil")]), "absolute path"),
    ("outside prefix", lambda: tar_gz([*GOOD, entry("other-1.0.0/x")]), "not under wrap-1.0.0/"),
    ("dot", lambda: tar_gz([*GOOD, entry("wrap-1.0.0/./x")]), "malformed path"),
    ("backslash", lambda: tar_gz([*GOOD, entry("wrap-1.0.0/a\\..\\..\\x")]), "malformed path"),
    (
        "symlink",
        lambda: tar_gz([*GOOD, entry("wrap-1.0.0/l", kind=tarfile.SYMTYPE, link="/etc")]),
        "is a link",
    ),
    (
        "hard link",
        lambda: tar_gz(
            [*GOOD, entry("wrap-1.0.0/h", kind=tarfile.LNKTYPE, link="wrap-1.0.0/aura.toml")]
        ),
        "is a link",
    ),
    ("device", lambda: tar_gz([*GOOD, entry("wrap-1.0.0/d", kind=tarfile.CHRTYPE)]), "device"),
    ("fifo", lambda: tar_gz([*GOOD, entry("wrap-1.0.0/f", kind=tarfile.FIFOTYPE)]), "device"),
    ("duplicate", lambda: tar_gz([*GOOD, GOOD[1]]), "appears twice"),
    ("file as top", lambda: tar_gz([entry("wrap-1.0.0", b"x"), *GOOD[1:]]), "not a directory"),
    ("no manifest", lambda: tar_gz([GOOD[0], entry("wrap-1.0.0/src/lib.aura")]), "no aura.toml"),
    ("not gzip", lambda: b"PK\x03\x04 not a gzip file", "corrupted archive (gzip"),
    ("truncated gzip", lambda: good_archive()[:-20], "truncated archive"),
    ("cut in half", lambda: good_archive()[: len(good_archive()) // 2], "truncated archive"),
    (
        "corrupted gzip",
        lambda: good_archive()[:30] + bytes([good_archive()[30] ^ 0xFF]) + good_archive()[31:],
        "corrupted archive",
    ),
    ("bad crc", lambda: good_archive()[:-8] + b"\0\0\0\0" + good_archive()[-4:], "corrupted"),
    ("trailing data", lambda: good_archive() + b"junk", "data after the gzip stream"),
    ("tar cut after an entry", truncated_tar(1536), "end-of-archive marker"),
    ("tar cut inside an entry", truncated_tar(1024), "truncated archive (tar: unexpected end"),
    ("corrupted header", corrupted_header, "end-of-archive marker"),
    ("empty tar", lambda: gzip.compress(b"", mtime=0), "corrupted or truncated archive (tar"),
]


@pytest.mark.parametrize(("make", "fragment"), [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_hostile_or_broken_archives_are_refused_and_nothing_is_written(
    tmp_path: Path, make: Callable[[], bytes], fragment: str
) -> None:
    deps = tmp_path / "deps"
    deps.mkdir()
    target = deps / "wrap-1.0.0"
    with pytest.raises(ArchiveError) as info:
        extract_archive(make(), "wrap", "1.0.0", target)
    assert fragment in str(info.value)
    assert str(info.value).startswith("wrap 1.0.0: ")
    assert list(deps.iterdir()) == []
    assert not (tmp_path / "evil").exists()


def test_a_failed_extraction_keeps_the_previous_installation(tmp_path: Path) -> None:
    target = tmp_path / "wrap-1.0.0"
    extract_archive(good_archive(), "wrap", "1.0.0", target)
    with pytest.raises(ArchiveError):
        extract_archive(good_archive()[:-20], "wrap", "1.0.0", target)
    assert (target / "aura.toml").read_text(encoding="utf-8") == MANIFEST
    assert sorted(p.name for p in tmp_path.iterdir()) == ["wrap-1.0.0"]


def test_gnu_and_pax_headers_of_safe_archives_are_accepted(tmp_path: Path) -> None:
    extract_archive(tar_gz(GOOD, tarfile.PAX_FORMAT), "wrap", "1.0.0", tmp_path / "a")
    assert (tmp_path / "a" / "aura.toml").is_file()


@pytest.mark.parametrize(
    ("limits", "fragment"),
    [
        (Limits(max_archive_bytes=10), "over the limit of 10"),
        (Limits(max_unpacked_bytes=2048), "unpacks to more than 2048"),
        (Limits(max_entries=1), "more than 1 entries"),
    ],
)
def test_extraction_limits(tmp_path: Path, limits: Limits, fragment: str) -> None:
    with pytest.raises(ArchiveError, match=fragment):
        extract_archive(good_archive(), "wrap", "1.0.0", tmp_path / "t", limits)
    assert list(tmp_path.iterdir()) == []


def test_a_gzip_bomb_is_stopped_without_inflating_it(tmp_path: Path) -> None:
    bomb = gzip.compress(bytes(64 * 1024 * 1024), compresslevel=9, mtime=0)
    assert len(bomb) < 100_000
    with pytest.raises(ArchiveError, match="unpacks to more than"):
        extract_archive(bomb, "wrap", "1.0.0", tmp_path / "t", Limits(max_unpacked_bytes=1 << 20))


def test_read_archive_manifest_errors() -> None:
    with pytest.raises(ArchiveError, match=re.escape("no aura.toml")):
        read_archive_manifest(tar_gz(GOOD[:1]), "wrap", "1.0.0")
    bad = tar_gz([GOOD[0], entry("wrap-1.0.0/aura.toml", b"[package]\nname = 1\n")])
    with pytest.raises(ArchiveError, match=re.escape("wrap 1.0.0: invalid aura.toml")):
        read_archive_manifest(bad, "wrap", "1.0.0")


def test_an_archive_compressed_past_the_ratio_is_refused(tmp_path: Path) -> None:
    manifest = '[package]\nname = "dense"\nversion = "1.0.0"\n'
    tree = make_tree(tmp_path / "dense", {"aura.toml": manifest, "src/lib.aura": ""})
    (tree / "src/lib.aura").write_bytes(b" " * (20 * 1024 * 1024))  # 20 MiB of spaces
    archive = build_archive(tree)
    target = tmp_path / "out"
    with pytest.raises(ArchiveError, match="more than 200 times its size"):
        extract_archive(archive.data, "dense", "1.0.0", target)
    assert not target.exists()


def test_one_install_draws_on_one_total(tmp_path: Path) -> None:
    archive = build_archive(make_tree(tmp_path / "wrap", FILES))
    size = sum(len(v.encode()) for v in FILES.values())
    budget = UnpackBudget(2 * size)
    extract_archive(archive.data, "wrap", "1.0.0", tmp_path / "one", budget=budget)
    extract_archive(archive.data, "wrap", "1.0.0", tmp_path / "two", budget=budget)
    with pytest.raises(ArchiveError, match=f"would unpack more than {2 * size} bytes in all"):
        extract_archive(archive.data, "wrap", "1.0.0", tmp_path / "three", budget=budget)
    assert not (tmp_path / "three").exists()
