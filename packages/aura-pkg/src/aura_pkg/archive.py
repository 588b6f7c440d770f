"""Reproducible package archives and their safe extraction (spec "Package archive").

Building: the same package tree gives the same bytes on every machine, because
everything that varies between checkouts is left out or fixed — entry order,
times, owners, permissions, the gzip header.  That is what lets anyone rebuild
a published version and compare checksums.

Extracting: an archive comes from the network, so it is treated as hostile
until proven otherwise.  All of it is checked in memory (gzip integrity, sizes,
entry names and types) before a byte reaches the disk, and it is then written to
a temporary directory beside the target which replaces the target in one rename:
a failure never leaves a half-written package.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import io
import os
import re
import shutil
import stat
import tarfile
import tempfile
import threading
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from aura_pkg._toml import atomic_write
from aura_pkg.errors import ArchiveError, ManifestError, TrustError
from aura_pkg.manifest import MANIFEST_FILE, Manifest, load_manifest, parse_manifest
from aura_pkg.versions import Version, VersionError

__all__ = [
    "DEFAULT_LIMITS",
    "TOP_LEVEL_FILES",
    "Archive",
    "Limits",
    "UnpackBudget",
    "archive_filename",
    "archive_identity",
    "build_archive",
    "checksum",
    "entry_sort_key",
    "extract_archive",
    "gunzip_archive",
    "package_files",
    "read_archive_manifest",
    "verify_checksum",
]

_MiB = 1024 * 1024
TOP_LEVEL_FILES = re.compile(r"(readme|licen[cs]e)([.-].*)?", re.IGNORECASE)
_CHECKSUM = re.compile(r"sha256:[0-9a-f]{64}")


@dataclass(frozen=True, slots=True)
class Limits:
    """Bounds on an archive, checked when building and again when extracting.

    ``max_unpacked_bytes`` bounds the uncompressed tar stream (headers included),
    which also defuses a "gzip bomb".
    """

    max_archive_bytes: int = 32 * _MiB
    max_unpacked_bytes: int = 128 * _MiB
    max_entries: int = 10_000
    #: Unpacked bytes per archive byte, once an archive unpacks to more than 8 MiB
    #: (source text compresses 4-10:1; a tar of a few tiny files more, but stays small).
    max_ratio: int = 200
    #: The files every archive of one install may write together.
    max_install_bytes: int = 512 * _MiB


_RATIO_FLOOR = 8 * _MiB


class UnpackBudget:
    """What the archives of one install may still write, shared by its extraction threads.

    The one mutable piece here, by necessity: the packages of an install are
    extracted in parallel and draw on one total.
    """

    def __init__(self, total: int) -> None:
        self.total = total
        self._left = total
        self._lock = threading.Lock()

    def take(self, size: int, package: str) -> None:
        """Reserve ``size`` bytes, or ArchiveError when the install would pass its total."""
        with self._lock:
            if size > self._left:
                raise ArchiveError(
                    f"the install would unpack more than {self.total} bytes in all "
                    f"({size} more for this archive, {self._left} left)",
                    package=package,
                )
            self._left -= size


DEFAULT_LIMITS = Limits()


def archive_filename(name: str, version: Version | str) -> str:
    return f"{name}-{version}.tar.gz"


def checksum(data: bytes) -> str:
    """``sha256:`` and the lowercase hex SHA-256 of the archive bytes."""
    return "sha256:" + hashlib.sha256(data).hexdigest()


def verify_checksum(data: bytes, expected: str, package: str) -> None:
    """Raise :class:`TrustError` naming ``package`` unless ``data`` has ``expected``."""
    if not _CHECKSUM.fullmatch(expected):
        raise TrustError(f"malformed checksum {expected!r}", package=package)
    actual = checksum(data)
    if actual != expected:
        raise TrustError(
            f"checksum mismatch: expected {expected}, the archive has {actual}", package=package
        )


@dataclass(frozen=True, slots=True)
class Archive:
    """A built archive: its bytes and what they contain."""

    name: str
    version: Version
    data: bytes

    @property
    def checksum(self) -> str:
        return checksum(self.data)

    @property
    def filename(self) -> str:
        return archive_filename(self.name, self.version)

    def write(self, directory: Path | str) -> Path:
        """Write ``NAME-VERSION.tar.gz`` into ``directory`` atomically; returns its path."""
        path = Path(directory) / self.filename
        atomic_write(path, self.data)
        return path


def entry_sort_key(relative: str) -> tuple[bytes, ...]:
    """The canonical order of archive entries: by path components, as UTF-8 bytes."""
    return tuple(part.encode("utf-8") for part in relative.split("/"))


def _check_name(name: str, package: str) -> None:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        raise ArchiveError(f"file name {name!r} is not valid UTF-8", package=package) from None
    if "\\" in name:
        raise ArchiveError(f"file name {name!r} contains a backslash", package=package)


def _is_file(path: Path, relative: str, package: str) -> bool:
    """Whether ``path`` is a regular file (following a symlink to one); errors otherwise."""
    try:
        st = path.stat()
    except OSError:
        raise ArchiveError(f"cannot read {relative} (a dangling link?)", package=package) from None
    if stat.S_ISREG(st.st_mode):
        return True
    if stat.S_ISDIR(st.st_mode):
        if path.is_symlink():
            raise ArchiveError(
                f"{relative} is a symbolic link to a directory, which is not followed",
                package=package,
            )
        return False
    raise ArchiveError(f"{relative} is not a regular file or directory", package=package)


def _walk(directory: Path, relative: str, package: str) -> Iterator[str]:
    for entry in sorted(os.scandir(directory), key=lambda e: e.name.encode("utf-8", "replace")):
        if entry.name.startswith("."):
            continue
        rel = f"{relative}/{entry.name}"
        _check_name(entry.name, package)
        if _is_file(Path(entry.path), rel, package):
            yield rel
        else:
            yield from _walk(Path(entry.path), rel, package)


def package_files(package_dir: Path | str, package: str = "package") -> tuple[str, ...]:
    """The files that go into the archive, as sorted relative ``/`` paths.

    ``aura.toml``; every file under ``src/`` except hidden ones (a name starting
    with ``.``); and the top-level README and licence files (``README``,
    ``README.md``, ``LICENSE``, ``LICENCE-MIT``, ... in any case).
    """
    root = Path(package_dir)
    files = []
    for entry in sorted(os.scandir(root), key=lambda e: e.name.encode("utf-8", "replace")):
        if entry.name == MANIFEST_FILE or TOP_LEVEL_FILES.fullmatch(entry.name):
            _check_name(entry.name, package)
            if _is_file(Path(entry.path), entry.name, package):
                files.append(entry.name)
    if MANIFEST_FILE not in files:
        raise ArchiveError(f"no {MANIFEST_FILE} in {root}", package=package)
    src = root / "src"
    if src.is_symlink():
        raise ArchiveError("src is a symbolic link, which is not followed", package=package)
    if src.is_dir():
        files.extend(_walk(src, "src", package))
    if "src/lib.aura" not in files and "src/main.aura" not in files:
        raise ArchiveError(
            "no src/lib.aura (a library's root) or src/main.aura (an application's)",
            package=package,
        )
    return tuple(sorted(files, key=entry_sort_key))


def _tar_entry(name: str, *, directory: bool, size: int = 0) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type = tarfile.DIRTYPE if directory else tarfile.REGTYPE
    info.mode = 0o755 if directory else 0o644
    info.size = size
    info.mtime = 0
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    return info


def build_archive(package_dir: Path | str, limits: Limits = DEFAULT_LIMITS) -> Archive:
    """Build the reproducible ``NAME-VERSION.tar.gz`` of the package in ``package_dir``.

    The manifest must load, and ``[dependencies]`` may hold no path dependency
    (a dependent could not find it); path dev-dependencies are allowed, since
    they are never installed for dependents.
    """
    root = Path(package_dir)
    manifest = load_manifest(root / MANIFEST_FILE)
    package = f"{manifest.name} {manifest.version}"
    for dep in manifest.dependencies:
        if dep.path is not None:
            raise ArchiveError(
                f"dependency `{dep.name}` is a path dependency; publish it and depend on a "
                "version instead",
                package=package,
            )
    prefix = f"{manifest.name}-{manifest.version}"
    files = package_files(root, package)
    directories = {"/".join(f.split("/")[:i]) for f in files for i in range(1, f.count("/") + 1)}
    entries = sorted([*files, *directories], key=entry_sort_key)
    if len(entries) + 1 > limits.max_entries:
        raise ArchiveError(
            f"{len(entries) + 1} entries, over the limit of {limits.max_entries}",
            package=package,
        )
    tar_buffer = io.BytesIO()
    with tarfile.open(fileobj=tar_buffer, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        tar.addfile(_tar_entry(prefix, directory=True))
        for rel in entries:
            name = f"{prefix}/{rel}"
            try:
                if rel in directories:
                    tar.addfile(_tar_entry(name, directory=True))
                    continue
                content = (root / rel).read_bytes()
                tar.addfile(
                    _tar_entry(name, directory=False, size=len(content)), io.BytesIO(content)
                )
            except ValueError as exc:
                raise ArchiveError(f"cannot store {rel}: {exc}", package=package) from None
            except OSError as exc:
                raise ArchiveError(
                    f"cannot read {rel}: {exc.strerror or exc}", package=package
                ) from None
            if tar_buffer.tell() > limits.max_unpacked_bytes:
                raise ArchiveError(
                    f"the package is larger than {limits.max_unpacked_bytes} bytes unpacked",
                    package=package,
                )
    out = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", compresslevel=9, fileobj=out, mtime=0) as gz:
        gz.write(tar_buffer.getvalue())
    data = out.getvalue()
    if len(data) > limits.max_archive_bytes:
        raise ArchiveError(
            f"the archive has {len(data)} bytes, over the limit of {limits.max_archive_bytes}",
            package=package,
        )
    return Archive(manifest.name, manifest.version, data)


def gunzip_archive(data: bytes, limits: Limits, package: str) -> bytes:
    """The tar inside the gzip archive ``data``, within ``limits``; ArchiveError otherwise."""
    if len(data) > limits.max_archive_bytes:
        raise ArchiveError(
            f"the archive has {len(data)} bytes, over the limit of {limits.max_archive_bytes}",
            package=package,
        )
    decompressor = zlib.decompressobj(wbits=31)
    try:
        tar_bytes = decompressor.decompress(data, limits.max_unpacked_bytes + 1)
    except zlib.error as exc:
        raise ArchiveError(f"corrupted archive (gzip: {exc})", package=package) from None
    if len(tar_bytes) > limits.max_unpacked_bytes:
        raise ArchiveError(
            f"the archive unpacks to more than {limits.max_unpacked_bytes} bytes",
            package=package,
        )
    if len(tar_bytes) > _RATIO_FLOOR and len(tar_bytes) > limits.max_ratio * len(data):
        raise ArchiveError(
            f"the archive unpacks to {len(tar_bytes)} bytes from {len(data)}, more than "
            f"{limits.max_ratio} times its size",
            package=package,
        )
    if not decompressor.eof:
        raise ArchiveError("truncated archive (the gzip stream ends early)", package=package)
    if decompressor.unused_data:
        raise ArchiveError("corrupted archive (data after the gzip stream)", package=package)
    return tar_bytes


_LINKS = (tarfile.SYMTYPE, tarfile.LNKTYPE)
_DEVICES = (tarfile.CHRTYPE, tarfile.BLKTYPE, tarfile.FIFOTYPE)


def _member_path(member: tarfile.TarInfo, prefix: str, package: str) -> str:
    """The path of ``member`` below ``prefix/`` ("" for the top directory), or ArchiveError."""
    name = member.name
    parts = name.split("/")
    if name.startswith("/") or re.match(r"[A-Za-z]:", name):
        raise ArchiveError(f"entry {name!r} has an absolute path", package=package)
    if ".." in parts:
        raise ArchiveError(f"entry {name!r} escapes the target directory", package=package)
    if "\\" in name or "\0" in name or any(p in ("", ".") for p in parts):
        raise ArchiveError(f"entry {name!r} has a malformed path", package=package)
    if parts[0] != prefix:
        raise ArchiveError(f"entry {name!r} is not under {prefix}/", package=package)
    return "/".join(parts[1:])


def _members(
    data: bytes, prefix: str, limits: Limits, package: str
) -> Iterator[tuple[str, bytes | None]]:
    """Each entry as (path below ``prefix/``, content or None for a directory), checked."""
    tar_bytes = gunzip_archive(data, limits, package)
    seen: set[str] = set()
    try:
        with tarfile.open(fileobj=io.BytesIO(tar_bytes), mode="r:") as tar:
            count = 0
            for member in tar:
                count += 1
                if count > limits.max_entries:
                    raise ArchiveError(f"more than {limits.max_entries} entries", package=package)
                path = _member_path(member, prefix, package)
                if member.type in _LINKS:
                    raise ArchiveError(f"entry {member.name!r} is a link", package=package)
                if member.type in _DEVICES:
                    raise ArchiveError(
                        f"entry {member.name!r} is a device or special file", package=package
                    )
                if member.type not in (tarfile.REGTYPE, tarfile.AREGTYPE, tarfile.DIRTYPE):
                    raise ArchiveError(
                        f"entry {member.name!r} has an unsupported type", package=package
                    )
                if path in seen:
                    raise ArchiveError(f"entry {member.name!r} appears twice", package=package)
                seen.add(path)
                if member.type == tarfile.DIRTYPE:
                    yield path, None
                    continue
                if path == "":
                    raise ArchiveError(f"entry {member.name!r} is not a directory", package=package)
                handle = tar.extractfile(member)
                content = handle.read() if handle is not None else b""
                if len(content) != member.size:
                    raise ArchiveError("truncated archive (an entry is cut short)", package=package)
                yield path, content
            end = tar.offset
    except tarfile.TarError as exc:
        raise ArchiveError(
            f"corrupted or truncated archive (tar: {exc})", package=package
        ) from None
    if tar_bytes[end : end + 1024] != bytes(1024):
        raise ArchiveError(
            "truncated or corrupted archive (no valid end-of-archive marker)", package=package
        )


def read_archive_manifest(data: bytes, name: str, version: Version | str) -> Manifest:
    """The manifest inside an archive, without extracting it (checked like extraction)."""
    package = f"{name} {version}"
    for path, content in _members(data, f"{name}-{version}", DEFAULT_LIMITS, package):
        if path == MANIFEST_FILE and content is not None:
            try:
                return parse_manifest(
                    content.decode("utf-8"), f"{archive_filename(name, version)}/{MANIFEST_FILE}"
                )
            except UnicodeDecodeError:
                raise ArchiveError(f"{MANIFEST_FILE} is not UTF-8", package=package) from None
            except ManifestError as exc:
                raise ArchiveError(f"invalid {MANIFEST_FILE}: {exc}", package=package) from None
    raise ArchiveError(f"the archive has no {MANIFEST_FILE}", package=package)


def _swap_into_place(new: Path, target: Path) -> None:
    """Make ``new`` appear at ``target`` by renames; an existing target is replaced whole."""
    if not target.exists() and not target.is_symlink():
        os.replace(new, target)
        return
    holder = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".old", dir=target.parent))
    old = holder / "old"
    os.replace(target, old)
    try:
        os.replace(new, target)
    except OSError:
        os.replace(old, target)
        raise
    finally:
        shutil.rmtree(holder, ignore_errors=True)


def extract_archive(
    data: bytes,
    name: str,
    version: Version | str,
    target: Path | str,
    limits: Limits = DEFAULT_LIMITS,
    budget: UnpackBudget | None = None,
) -> Path:
    """Extract the archive of ``name version`` so that ``target`` holds its ``NAME-VERSION/``.

    ``budget`` is the install's total, drawn on before anything is written.

    Every entry is checked before anything is written; the files go to a
    temporary directory beside ``target`` that then replaces it.  Files get mode
    0644 and directories 0755 whatever the archive says.  Returns ``target``.
    """
    package = f"{name} {version}"
    target = Path(target)
    members = list(_members(data, f"{name}-{version}", limits, package))
    if not any(p == MANIFEST_FILE and c is not None for p, c in members):
        raise ArchiveError(f"the archive has no {MANIFEST_FILE}", package=package)
    if budget is not None:
        budget.take(sum(len(c) for _, c in members if c is not None), package)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent))
    except OSError as exc:
        raise ArchiveError(
            f"cannot create {target}: {exc.strerror or exc}", package=package
        ) from None
    try:
        os.chmod(tmp, 0o755)
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
        for path, content in members:
            dest = tmp / path
            if content is None:
                dest.mkdir(mode=0o755, parents=True, exist_ok=True)
                continue
            dest.parent.mkdir(mode=0o755, parents=True, exist_ok=True)
            fd = os.open(dest, flags, 0o644)
            with os.fdopen(fd, "wb") as f:
                f.write(content)
        _swap_into_place(tmp, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            shutil.rmtree(tmp)
        reason = (
            "an entry collides with another"
            if isinstance(exc, FileExistsError)
            else (exc.strerror or str(exc))
        )
        raise ArchiveError(f"cannot extract to {target}: {reason}", package=package) from None
    return target


def archive_identity(data: bytes) -> tuple[str, Version]:
    """The name and version an archive says it holds, from its top directory ``NAME-VERSION/``.

    Names have no dots and versions start ``MAJOR.``, so the version begins
    after the last ``-`` before the first ``.``.
    """
    try:
        header = zlib.decompressobj(wbits=31).decompress(data, 512)
    except zlib.error as exc:
        raise ArchiveError(f"corrupted archive (gzip: {exc})") from None
    top = header[:100].split(b"\0")[0].decode("utf-8", "replace").split("/")[0]
    dot = top.find(".")
    dash = top.rfind("-", 0, dot) if dot > 0 else -1
    try:
        if dash <= 0:
            raise VersionError(top, "no version")
        return top[:dash], Version.parse(top[dash + 1 :])
    except VersionError:
        raise ArchiveError(
            f"not a package archive: its top entry {top!r} is not NAME-VERSION"
        ) from None
