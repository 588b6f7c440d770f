"""The run cache: programs compiled by earlier runs of ``aura run``.

Loading, checking and compiling a program takes most of a short run, and most
of that is importing the parser, the checker and the code generator.  So the
first run of a program stores its compiled form (a
:mod:`~aura_interpret.program_image`), and a later run with the same inputs
reads it back and imports none of those.

Entries are kept by :mod:`aura_core.build_cache`, which says what makes one
valid (every module the program loaded, and the files that decide where modules
are, unchanged), where they live (``$AURA_CACHE_DIR/run/``) and how they are
written safely.  The key adds the working directory, the program's path as given
and as an absolute path, ``--release``, and the toolchain of aura-core,
aura-parse, aura-interpret and lark.  A directory given as the program is not
cached (its file listing decides which modules it has).  Only runnable programs
are stored (a program with errors, or one the compiler rejects, never is), and
runs with ``--trust-proofs`` are not cached (their inputs include the
verifier's results).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path

from aura_core import build_cache
from aura_core.build_cache import Observation
from aura_interpret.program_image import Image, NotStorable, dump, load

__all__ = ["Observation", "context", "key", "lookup", "sources", "store"]

#: Changes whenever the layout of an image changes.
FORMAT = 2
_STORE = build_cache.EntryStore("run", ".run", FORMAT)
#: The distributions whose code decides what a program compiles to.
_TOOLCHAIN = ("aura_core", "aura_parse", "aura_interpret", "lark")


def key(file: Path, release: bool) -> str | None:
    """The name of the entry for running ``file``; None when there is no working
    directory.  Taken once, before anything is imported or loaded."""
    try:
        cwd = os.getcwd()
    except OSError:
        return None
    parts = (cwd, str(file), os.path.join(cwd, file), "release" if release else "checked")
    return build_cache.key(f"run {FORMAT}", _TOOLCHAIN, parts)


def context(file: Path) -> tuple[Observation, ...]:
    """The files that decide where the modules of the program at ``file`` are."""
    return build_cache.program_context(file)


def sources(texts: Iterable[tuple[str, str]]) -> tuple[Observation, ...]:
    """Observations of the modules a build read: (path as read, decoded text)."""
    return build_cache.observe_texts(texts)


def lookup(file: Path, entry: str, host: object) -> Image | None:
    """The stored program for running ``file`` (``entry`` is its :func:`key`), its
    externs bound to ``host``; None on a miss."""
    if not file.is_file():
        return None
    data = _STORE.read(entry)
    if data is None:
        return None
    try:
        return load(data, host)
    except ValueError:
        return None


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
    try:
        data = dump(image, host)
        load(data, host)  # what cannot be read back must not be stored
    except (NotStorable, ValueError):
        return False
    return _STORE.write(entry, observations, data)
