"""Results of a build kept between runs, valid while every file they came from is unchanged.

``aura run`` keeps compiled programs and ``aura verify`` keeps its reports, so
that a second run with the same inputs skips loading, checking, compiling and
proving — and imports none of the modules that do it.  Both need the same
machinery, which lives here:

**Entries.**  An entry is found by a key (:func:`key`) over everything that is
not a file's content: a format tag, the Python version, the toolchain
(:func:`toolchain`: every source file of the named distributions by size and
modification time, so an edit in a development install counts), and whatever
the caller adds (paths, options).  The entry then lists the files the result was
built from as :class:`Observation`\\ s (each file's SHA-256, or "not there"), and
is used only if every one still matches (:func:`still_valid`).

**Which files.**  The modules a build read (:func:`observe_texts`), which
modules a directory holds when a build read all of them (:func:`observe_listing`),
and the
files that decide where modules are (:func:`program_context`): the loader looks
for ``aura.toml`` in every directory above the program up to the first one that
has it, and reads that package's ``.aura/deps/index.toml``
(``docs/reference/deps-index.md``).  Take the context *before* loading, so an
edit racing with a build makes the entry miss, never wrong.

**Where and how safely.**  ``$AURA_CACHE_DIR/<kind>/``, default
``$XDG_CACHE_HOME/aura/<kind>/`` else ``~/.cache/aura/<kind>/``; the directory
must belong to the user and not be writable by others, otherwise nothing is
cached (some entries are pickles).  An entry is written to a temporary file and
renamed into place; it holds a digest of itself, so a damaged, truncated or
foreign entry misses; at most :data:`MAX_ENTRIES` are kept, least recently used
going first.  A miss is never an error.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import marshal
import os
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "CACHE_ENV",
    "MAX_ENTRIES",
    "EntryStore",
    "Observation",
    "key",
    "observe_file",
    "observe_listing",
    "observe_texts",
    "private_dir",
    "program_context",
    "still_valid",
    "toolchain",
]

CACHE_ENV = "AURA_CACHE_DIR"
#: Entries kept per store; a write beyond this removes the least recently used
#: down to :data:`_KEEP`.
MAX_ENTRIES = 256
_KEEP = 192
#: A temporary file older than this is left from an interrupted write.
_ABANDONED_NS = 3600 * 10**9
_DIGEST = 32
_BOM = b"\xef\xbb\xbf"
_MANIFEST = "aura.toml"
_DEPS_INDEX = (".aura", "deps", "index.toml")
_TOOLCHAIN_FILES = (".py", ".lark", ".aura")


@dataclass(frozen=True, slots=True)
class Observation:
    """A file as a build saw it: the digest of its content, or None if it was no file.

    With ``listing``, ``path`` is a directory and the digest is of the ``.aura``
    files a command finds in it (:func:`~aura_core.cli_support.collect_sources`):
    a build that read every module of a directory depends on which there are.
    """

    path: str
    digest: bytes | None
    listing: bool = False


# ------------------------------------------------------------------- where


def private_dir(kind: str) -> Path | None:
    """The cache directory for ``kind``, created if needed; None if there is no private one."""
    root = os.environ.get(CACHE_ENV) or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "aura"
    )
    folder = Path(root) / kind
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = folder.stat()
    except OSError:
        return None
    getuid = getattr(os, "getuid", None)
    if getuid is not None and (info.st_uid != getuid() or info.st_mode & 0o022):
        return None
    return folder


# ---------------------------------------------------------------------- key


def toolchain(packages: Sequence[str]) -> list[str]:
    """Every source file of the named import packages, by path, size and modification time."""
    out: list[str] = []
    for name in packages:
        spec = importlib.util.find_spec(name)
        if spec is None:
            out.append(f"{name}: missing")
            continue
        for location in spec.submodule_search_locations or []:
            _scan(location, out)
    return out


def _scan(directory: str, out: list[str]) -> None:
    try:
        entries = sorted(os.scandir(directory), key=lambda e: e.name)
    except OSError:
        out.append(f"{directory}: unreadable")
        return
    for entry in entries:
        if entry.name == "__pycache__":
            continue
        if entry.is_dir(follow_symlinks=False):
            _scan(entry.path, out)
        elif entry.name.endswith(_TOOLCHAIN_FILES):
            try:
                info = entry.stat()
            except OSError:  # removed while we looked: the next run sees the change
                out.append(f"{entry.path}: gone")
                continue
            out.append(f"{entry.path}:{info.st_size}:{info.st_mtime_ns}")


def key(fmt: str, packages: Sequence[str], parts: Iterable[str]) -> str:
    """An entry's name: ``fmt`` (the caller's format tag), the Python version, the
    toolchain of ``packages`` and the caller's ``parts``.  Take it before anything
    is loaded, so an entry is never filed under a newer toolchain than built it."""
    fields = [fmt, sys.version, sys.implementation.cache_tag or "", *parts, *toolchain(packages)]
    return hashlib.sha256("\0".join(fields).encode("utf-8", "surrogateescape")).hexdigest()


# ---------------------------------------------------------------- observing


def _digest(path: str) -> bytes | None:
    """The SHA-256 of a file's content without a leading byte order mark (as the
    loader reads it); None if it is not a file; ``b""`` if it cannot be read."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
        return None
    except OSError:
        return b""
    return hashlib.sha256(data.removeprefix(_BOM)).digest()


def observe_file(path: str) -> Observation:
    """A file as it is now."""
    return Observation(path, _digest(path))


def _listing_digest(directory: str) -> bytes | None:
    from aura_core.cli_support import collect_sources

    if not os.path.isdir(directory):
        return None
    names = sorted(os.path.relpath(p, directory) for p in collect_sources([directory]))
    return hashlib.sha256("\0".join(names).encode("utf-8", "surrogateescape")).digest()


def observe_listing(directory: str) -> Observation:
    """Which ``.aura`` files a directory holds now (not their content)."""
    return Observation(directory, _listing_digest(directory), listing=True)


def program_context(file: Path) -> tuple[Observation, ...]:
    """The files that decide where the modules of the program at ``file`` are."""
    out: list[Observation] = []
    for directory in Path(os.path.abspath(file)).parents:
        manifest = observe_file(str(directory / _MANIFEST))
        out.append(manifest)
        if manifest.digest is not None:
            out.append(observe_file(str(directory.joinpath(*_DEPS_INDEX))))
            break
    return tuple(out)


def observe_texts(texts: Iterable[tuple[str, str]]) -> tuple[Observation, ...]:
    """Observations of the modules a build read: (path as read, decoded text)."""
    return tuple(
        Observation(path, hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest())
        for path, text in texts
    )


def still_valid(observations: Sequence[Observation]) -> bool:
    return all(
        (_listing_digest(o.path) if o.listing else _digest(o.path)) == o.digest
        for o in observations
    )


# ------------------------------------------------------------- reading, writing


@dataclass(frozen=True, slots=True)
class EntryStore:
    """The entries of one kind (``run``, ``verify-report``), as files ``KEY.suffix``."""

    kind: str
    suffix: str
    #: Changes whenever the layout of an entry or its payload changes.
    fmt: int

    @property
    def _magic(self) -> bytes:
        return b"aura-%s-cache %d\n" % (self.kind.encode(), self.fmt)

    def read(self, entry: str) -> bytes | None:
        """The payload stored under ``entry`` if every file it was built from is
        unchanged; None otherwise (a miss)."""
        folder = private_dir(self.kind)
        if folder is None:
            return None
        path = folder / (entry + self.suffix)
        try:
            data = path.read_bytes()
        except OSError:
            return None
        decoded = self._decode(data)
        if decoded is None or not still_valid(decoded[0]):
            return None
        with contextlib.suppress(OSError):
            os.utime(path)  # recently used: pruned last
        return decoded[1]

    def write(self, entry: str, observations: Sequence[Observation], payload: bytes) -> bool:
        """Keep ``payload`` under ``entry``, valid while ``observations`` hold; whether
        it was stored (a cache that cannot be written simply is not)."""
        folder = private_dir(self.kind)
        if folder is None:
            return False
        listing = [(o.path, o.digest, o.listing) for o in observations]
        body = marshal.dumps((listing, payload))
        try:
            self._write_atomically(
                folder, folder / (entry + self.suffix), self._magic + _sha(body) + body
            )
            self._prune(folder)
        except OSError:
            return False
        return True

    def _decode(self, data: bytes) -> tuple[tuple[Observation, ...], bytes] | None:
        if not data.startswith(self._magic):
            return None
        start = len(self._magic)
        digest, body = data[start : start + _DIGEST], data[start + _DIGEST :]
        if _sha(body) != digest:
            return None
        try:
            listing, payload = marshal.loads(body)
            observations = tuple(Observation(path, d, bool(ls)) for path, d, ls in listing)
        except (ValueError, TypeError, EOFError):
            return None
        if not isinstance(payload, bytes):
            return None
        return observations, payload

    def _write_atomically(self, folder: Path, target: Path, data: bytes) -> None:
        import tempfile  # only when storing: slow to import

        fd, temporary = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=self.suffix)
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            os.replace(temporary, target)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise

    def _prune(self, folder: Path) -> None:
        """Keep the most recently used entries when there are too many; remove what
        an interrupted write left behind."""
        entries: list[tuple[int, str]] = []
        abandoned = time.time_ns() - _ABANDONED_NS
        with os.scandir(folder) as it:
            for e in it:
                if not e.name.endswith(self.suffix):
                    continue
                with contextlib.suppress(OSError):
                    mtime = e.stat().st_mtime_ns
                    if not e.name.startswith("."):
                        entries.append((mtime, e.path))
                    elif mtime < abandoned:
                        os.unlink(e.path)
        if len(entries) <= MAX_ENTRIES:
            return
        entries.sort()
        for _, path in entries[: len(entries) - _KEEP]:
            with contextlib.suppress(OSError):
                os.unlink(path)


def _sha(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()
