"""The run cache: programs compiled by earlier runs of ``aura run``.

Loading, checking and compiling a program takes most of a short run, and most
of that is importing the parser, the checker and the code generator.  So the
first run of a program stores its compiled form (a
:mod:`~aura_interpret.program_image`), and a later run with the same inputs
reads it back and imports none of those.

**What makes an entry valid.**  An entry is found by a key over everything that
is not a file's content: the cache format, the Python version (marshal's code
format), the toolchain (every source file of aura-core, aura-parse and
aura-interpret and of lark, by size and modification time, so an edit in a
development install counts), the working directory, the program's path as given
and as an absolute path, and the run options.  The entry then lists the files the
program was built from, each with the SHA-256 of its content: every module it
loaded (its own, its dependencies', the standard library's), and the files that
decide where modules are (the ``aura.toml`` files looked for above the program,
up to the first one found, and that package's ``.aura/deps/index.toml``), each
either with its digest or as "not there".  The entry is used only if every one
still matches.  The files that decide where modules are, are read before the
program is loaded, so an edit racing with a run makes the entry miss, never
wrong.  A directory given as the program is not cached (its file listing
decides which modules it has).

**Where.**  ``$AURA_CACHE_DIR/run/``, default ``$XDG_CACHE_HOME/aura/run/``,
else ``~/.cache/aura/run/``.  Images are pickles, so the directory must belong
to the user and not be writable by others; otherwise nothing is cached.

**Safety.**  An entry is written to a temporary file and renamed into place, so
a reader sees a whole entry or none, and two runs racing write the same content.
An entry holds a digest of itself: a damaged, truncated or foreign entry misses
and is replaced by the next store.  Only runnable programs are stored (a
program with errors, or one the compiler rejects, never is).  The directory
keeps at most :data:`MAX_ENTRIES` entries, the least recently used go first.
Runs with ``--trust-proofs`` are not cached (their inputs include the
verifier's results).
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

from aura_interpret.program_image import Image, NotStorable, dump, load

__all__ = [
    "CACHE_ENV",
    "MAX_ENTRIES",
    "Observation",
    "cache_dir",
    "context",
    "key",
    "lookup",
    "sources",
    "store",
]

CACHE_ENV = "AURA_CACHE_DIR"
#: Changes whenever the layout of an entry or of an image changes.
FORMAT = 1
_MAGIC = b"aura-run-cache %d\n" % FORMAT
_DIGEST = 32
#: Entries kept; a store beyond this removes the least recently used down to
#: :data:`_KEEP`.
MAX_ENTRIES = 256
_KEEP = 192
#: A temporary file older than this is left from an interrupted store.
_ABANDONED_NS = 3600 * 10**9
_SUFFIX = ".run"
_BOM = b"\xef\xbb\xbf"
_MANIFEST = "aura.toml"
_DEPS_INDEX = (".aura", "deps", "index.toml")
#: The distributions whose code decides what a program compiles to.
_TOOLCHAIN = ("aura_core", "aura_parse", "aura_interpret", "lark")
_TOOLCHAIN_FILES = (".py", ".lark", ".aura")


@dataclass(frozen=True, slots=True)
class Observation:
    """A file as a build saw it: the digest of its content, or None if it was no file."""

    path: str
    digest: bytes | None


# ------------------------------------------------------------------- where


def cache_dir() -> Path | None:
    """The cache directory, created if needed; None if there is no private one."""
    root = os.environ.get(CACHE_ENV) or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "aura"
    )
    folder = Path(root) / "run"
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


def _toolchain() -> list[str]:
    """Every source file of the toolchain, by path, size and modification time."""
    out: list[str] = []
    for name in _TOOLCHAIN:
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


def key(file: Path, release: bool) -> str | None:
    """The name of the entry for running ``file``: taken once, before anything is
    imported or loaded, so that an entry is never filed under a newer toolchain
    than the one that compiled it.  None when there is no working directory."""
    try:
        cwd = os.getcwd()
    except OSError:
        return None
    parts = [
        str(FORMAT),
        sys.version,
        sys.implementation.cache_tag or "",
        cwd,
        str(file),
        os.path.join(cwd, file),
        "release" if release else "checked",
        *_toolchain(),
    ]
    return hashlib.sha256("\0".join(parts).encode("utf-8", "surrogateescape")).hexdigest()


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


def context(file: Path) -> tuple[Observation, ...]:
    """The files that decide where the modules of the program at ``file`` are.

    The loader looks for ``aura.toml`` in every directory above the file up to
    the first one that has it, and reads that package's dependency index.
    """
    out: list[Observation] = []
    for directory in Path(os.path.abspath(file)).parents:
        manifest = str(directory / _MANIFEST)
        digest = _digest(manifest)
        out.append(Observation(manifest, digest))
        if digest is not None:
            index = str(directory.joinpath(*_DEPS_INDEX))
            out.append(Observation(index, _digest(index)))
            break
    return tuple(out)


def sources(texts: Iterable[tuple[str, str]]) -> tuple[Observation, ...]:
    """Observations of the modules a build read: (path as read, decoded text)."""
    return tuple(
        Observation(path, hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest())
        for path, text in texts
    )


def _still_valid(observations: Sequence[Observation]) -> bool:
    return all(_digest(o.path) == o.digest for o in observations)


# ------------------------------------------------------------- reading, writing


def _encode(observations: Sequence[Observation], image: bytes) -> bytes:
    listing = [(o.path, o.digest) for o in observations]
    body = marshal.dumps((listing, image))
    return _MAGIC + hashlib.sha256(body).digest() + body


def _decode(data: bytes) -> tuple[tuple[Observation, ...], bytes] | None:
    if not data.startswith(_MAGIC):
        return None
    start = len(_MAGIC)
    digest, body = data[start : start + _DIGEST], data[start + _DIGEST :]
    if hashlib.sha256(body).digest() != digest:
        return None
    try:
        listing, image = marshal.loads(body)
        observations = tuple(Observation(path, d) for path, d in listing)
    except (ValueError, TypeError, EOFError):
        return None
    if not isinstance(image, bytes):
        return None
    return observations, image


def lookup(file: Path, entry: str, host: object) -> Image | None:
    """The stored program for running ``file`` (``entry`` is its :func:`key`), its
    externs bound to ``host``; None on a miss.

    A miss is never an error: whatever is wrong with an entry, the program is
    compiled again and the entry replaced.
    """
    if not file.is_file():
        return None
    folder = cache_dir()
    if folder is None:
        return None
    path = folder / (entry + _SUFFIX)
    try:
        data = path.read_bytes()
    except OSError:
        return None
    decoded = _decode(data)
    if decoded is None or not _still_valid(decoded[0]):
        return None
    try:
        image = load(decoded[1], host)
    except ValueError:
        return None
    with contextlib.suppress(OSError):
        os.utime(path)  # recently used: pruned last
    return image


def store(
    file: Path,
    entry: str,
    observations: Sequence[Observation],
    image: Image,
    host: object,
) -> bool:
    """Keep ``image`` (compiled, not yet run) for later runs of ``file`` under
    ``entry`` (its :func:`key`); whether it was stored.

    ``observations`` are the program's :func:`context` (taken before loading)
    and its :func:`sources`.  A program the image format cannot express, or a
    cache that cannot be written, is simply not stored.
    """
    if not file.is_file():
        return False
    folder = cache_dir()
    if folder is None:
        return False
    try:
        data = dump(image, host)
        load(data, host)  # what cannot be read back must not be stored
    except (NotStorable, ValueError):
        return False
    target = folder / (entry + _SUFFIX)
    try:
        _write_atomically(folder, target, _encode(observations, data))
        _prune(folder)
    except OSError:
        return False
    return True


def _write_atomically(folder: Path, target: Path, data: bytes) -> None:
    import tempfile  # only when storing: slow to import

    fd, temporary = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=_SUFFIX)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _prune(folder: Path) -> None:
    """Keep the most recently used entries when there are too many; remove what
    an interrupted store left behind."""
    entries: list[tuple[int, str]] = []
    abandoned = time.time_ns() - _ABANDONED_NS
    with os.scandir(folder) as it:
        for e in it:
            if not e.name.endswith(_SUFFIX):
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
