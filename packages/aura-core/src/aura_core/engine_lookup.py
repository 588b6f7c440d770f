"""Finding the engine ``aura run`` asks for, quickly.

:func:`aura_core.engines.find_engine` asks :mod:`importlib.metadata`, which
costs a noticeable part of a short run: importing it, then reading the
metadata of every installed distribution.  The answer only changes when
distributions are installed or removed, and then the directories on
``sys.path`` change (a ``.dist-info`` directory appears or goes).  So the
answer is remembered in ``$AURA_CACHE_DIR/engines`` (default
``$XDG_CACHE_HOME/aura/engines``, else ``~/.cache/aura/engines``) under a digest
of ``sys.path`` and the modification time of each of its entries, and reused
while those are unchanged.  A few installations are remembered at once (the
``aura`` script and ``python -m`` see different paths).  If a remembered engine
fails to import, the lookup is done again from the metadata.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sys
from importlib import import_module
from pathlib import Path

from aura_core.build_cache import private_dir
from aura_core.engines import ENGINE_GROUP, Engine

__all__ = ["load_engine", "locate"]

_FILE = "engines"
_VERSION = "1"
#: Lines (installation, engine, entry point) kept, the most recent first.
_LINES = 32


def _cache_file() -> Path | None:
    folder = private_dir("")
    if folder is None:
        return None
    return folder / _FILE


def _installation() -> str:
    """What the installed distributions depend on: ``sys.path`` and when each entry changed."""
    parts = [_VERSION, sys.prefix]
    for entry in sys.path:
        try:
            mtime = os.stat(entry or ".").st_mtime_ns
        except OSError:
            mtime = -1
        parts.append(f"{entry}\0{mtime}")
    return hashlib.sha256("\n".join(parts).encode("utf-8", "surrogateescape")).hexdigest()


def _read(path: Path) -> list[tuple[str, str, str]]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return []
    rows = [tuple(line.split("\t")) for line in text.splitlines()]
    return [(r[0], r[1], r[2]) for r in rows if len(r) == 3]


def _write(path: Path, rows: list[tuple[str, str, str]]) -> None:
    import tempfile

    text = "".join(f"{i}\t{n}\t{v}\n" for i, n, v in rows[:_LINES])
    try:
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-engines-")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(text)
            os.replace(temporary, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise
    except OSError:
        pass  # an unwritable cache only costs the next run a lookup


def _from_metadata(name: str) -> str | None:
    from importlib.metadata import entry_points

    for ep in entry_points(group=ENGINE_GROUP, name=name):
        return str(ep.value)
    return None


def locate(name: str, *, fresh: bool = False) -> str | None:
    """The entry point (``module:attribute``) of the engine ``name``; None if no
    installed distribution registers it.  ``fresh`` ignores what was remembered."""
    path = _cache_file()
    installation = _installation()
    rows = _read(path) if path is not None else []
    known = next((v for i, n, v in rows if i == installation and n == name), None)
    if known is not None and not fresh:
        return known
    value = _from_metadata(name)
    if path is not None and value != known:
        rest = [r for r in rows if r[:2] != (installation, name)]
        _write(path, rest if value is None else [(installation, name, value), *rest])
    return value


def load_engine(value: str) -> Engine:
    """The object an entry point names (``module:attribute.attribute``)."""
    module, _, attribute = value.partition(":")
    found: object = import_module(module.strip())
    for part in attribute.strip().split(".") if attribute.strip() else []:
        found = getattr(found, part)
    if not callable(found):
        raise TypeError(f"the engine {value!r} is not callable")
    engine: Engine = found
    return engine
