"""Resolving a project and writing its lock file, shared by ``lock``, ``update``, ``add``,
``remove`` and an ``install`` without a lock file.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from aura_pkg.cli._common import choose_registry, open_project_registry, status

if TYPE_CHECKING:
    from aura_pkg.lockfile import Lockfile
    from aura_pkg.manifest import Manifest
    from aura_pkg.project import LockChange

__all__ = ["Relocked", "relock", "report_lock"]


@dataclass(frozen=True, slots=True)
class Relocked:
    """A new lock file, what changed from the old one, and whether the file was written."""

    lock: Lockfile
    changes: tuple[LockChange, ...]
    written: bool
    registry: str | None


def relock(
    project: Path,
    manifest: Manifest,
    *,
    registry: str | None,
    offline: bool,
    previous: Lockfile | None,
    keep_locked: bool = True,
    unlock: Collection[str] = (),
    write: bool = True,
) -> Relocked:
    """Resolve the project and write ``aura.lock`` when its text changes.

    ``keep_locked`` prefers the versions of ``previous`` (everything but
    ``update`` without a name); ``registry`` is the ``--registry`` option.
    No registry is needed while every dependency is a path dependency.
    """
    from aura_pkg.config import open_config
    from aura_pkg.lockfile import LOCKFILE_NAME, render_lockfile, write_lockfile
    from aura_pkg.project import lock_changes, resolve_project

    url = choose_registry(registry, previous, open_config(), manifest)
    client = open_project_registry(url, offline=offline) if url is not None else None
    try:
        new = resolve_project(
            project,
            manifest,
            client,
            previous=previous if keep_locked else None,
            unlock=unlock,
        )
    finally:
        if client is not None:
            client.close()
    path = project / LOCKFILE_NAME
    changed = previous is None or render_lockfile(previous) != render_lockfile(new)
    if write and changed:
        write_lockfile(path, new)
    url = client.url if client is not None else None
    return Relocked(new, tuple(lock_changes(previous, new)), write and changed, url)


def report_lock(result: Relocked) -> None:
    """Print what changed in the lock file and how many packages it holds."""
    for change in result.changes:
        status(f"  {change}")
    count = len(result.lock.packages)
    noun = "package" if count == 1 else "packages"
    if result.written:
        status(f"Locked {count} {noun} in aura.lock")
    else:
        status(f"aura.lock is up to date ({count} {noun})")
