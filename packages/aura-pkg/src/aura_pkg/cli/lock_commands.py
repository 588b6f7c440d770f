"""``aura pkg lock``, ``update``, ``install`` and ``tree``: the lock file and what it installs.

``lock`` keeps every locked version that still satisfies the manifest, so that
running it twice, or on another machine, changes nothing; ``update`` is the
command that moves versions.  ``install`` never resolves when a lock file
exists: it installs exactly what the lock file says, verified, or nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from aura_pkg.cli._common import (
    choose_registry,
    fail,
    load_project,
    offline_option,
    open_project_registry,
    project_option,
    read_lock,
    registry_option,
    reported,
    status,
)

if TYPE_CHECKING:
    from aura_pkg.lockfile import LockedPackage, Lockfile, PackageId
    from aura_pkg.manifest import Dependency

__all__ = ["install", "lock", "tree", "update"]


@click.command("lock")
@click.option(
    "--check",
    is_flag=True,
    help="Write nothing; exit 1 when aura.lock is missing or out of date (for CI).",
)
@registry_option
@offline_option
@project_option
@reported
def lock(check: bool, registry: str | None, offline: bool, project: Path | None) -> None:
    """Resolve the dependencies and write aura.lock.

    Locked versions that still satisfy aura.toml are kept; new dependencies get
    their newest allowed version.  The file is byte-identical for the same
    manifest and registry on every machine.
    """
    from aura_pkg.cli._locking import relock, report_lock

    root, manifest = load_project(project)
    previous = read_lock(root)
    result = relock(
        root, manifest, registry=registry, offline=offline, previous=previous, write=not check
    )
    if check:
        if previous is None:
            fail(f"no aura.lock in {root}", help="run `aura pkg lock`")
        if result.changes or result.lock != previous:
            details = "; ".join(str(c) for c in result.changes)
            fail(
                "aura.lock is out of date" + (f": {details}" if details else ""),
                help="run `aura pkg lock`",
            )
        status("aura.lock is up to date")
        return
    report_lock(result)


@click.command("update")
@click.argument("name", required=False)
@registry_option
@offline_option
@project_option
@reported
def update(name: str | None, registry: str | None, offline: bool, project: Path | None) -> None:
    """Move locked versions to the newest that aura.toml allows.

    Without NAME every package is resolved afresh.  With NAME only that package
    moves, and others only as far as its new version forces them; every other
    locked version stays.
    """
    from aura_pkg.cli._locking import relock, report_lock

    root, manifest = load_project(project)
    previous = read_lock(root)
    if name is not None:
        known = {p.name for p in previous.packages} if previous is not None else set()
        known |= {d.name for d in (*manifest.dependencies, *manifest.dev_dependencies)}
        if name not in known:
            fail(f"`{name}` is neither a dependency in aura.toml nor a package in aura.lock")
    result = relock(
        root,
        manifest,
        registry=registry,
        offline=offline,
        previous=previous,
        keep_locked=name is not None,
        unlock=(name,) if name is not None else (),
    )
    report_lock(result)


@click.command("install")
@click.option(
    "--require-verified",
    is_flag=True,
    help="Refuse registry packages whose published verification is not complete.",
)
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(1, 64),
    default=8,
    show_default=True,
    help="Packages to download and verify at once.",
)
@registry_option
@offline_option
@project_option
@reported
def install(
    require_verified: bool,
    jobs: int,
    registry: str | None,
    offline: bool,
    project: Path | None,
) -> None:
    """Install the locked packages into .aura/deps, verified.

    Installs exactly the versions of aura.lock (locking first when there is no
    aura.lock).  Every archive's checksum, signature, key and log inclusion is
    checked before anything is replaced; on any failure the installed state is
    left as it was.  Nothing is fetched when the project is up to date.
    """
    from aura_pkg.cli._locking import relock, report_lock
    from aura_pkg.config import open_config
    from aura_pkg.installer import install as install_packages
    from aura_pkg.project import lock_registry

    root, manifest = load_project(project)
    config = open_config()
    locked = read_lock(root)
    if locked is None:
        result = relock(root, manifest, registry=registry, offline=offline, previous=None)
        report_lock(result)
        locked = result.lock
    # Only a lock with registry packages needs a registry, and only one the user named.
    url = choose_registry(registry, locked, config, manifest) if lock_registry(locked) else None
    client = open_project_registry(url, offline=offline) if url is not None else None
    try:
        root_key = config.root_key(client.url) if client is not None else None
        done = install_packages(
            root,
            locked,
            client,
            root_key=root_key,
            require_verified=require_verified,
            jobs=jobs,
        )
    finally:
        if client is not None:
            client.close()
    total = len(locked.packages)
    if not done.changed:
        status(f"Already up to date ({total} {'package' if total == 1 else 'packages'})")
        return
    for package in done.installed:
        status(f"  Installed {package}")
    extras = [
        f"{n} {what}"
        for n, what in ((len(done.reused), "kept"), (len(done.path_packages), "from paths"))
        if n
    ]
    count = len(done.installed)
    status(
        f"Installed {count} {'package' if count == 1 else 'packages'} into .aura/deps"
        + (f" ({', '.join(extras)})" if extras else "")
    )


def _label(p: LockedPackage) -> str:
    return f"{p.name} {p.version}" + (f" (path {p.path})" if p.path is not None else "")


def _tree_lines(
    children: list[LockedPackage],
    by_id: dict[PackageId, LockedPackage],
    prefix: str,
    shown: set[PackageId],
    out: list[str],
) -> None:
    """Draw ``children`` below ``prefix``; a package already drawn is marked ``(*)``."""
    for i, child in enumerate(children):
        last = i == len(children) - 1
        branch, indent = ("└── ", "    ") if last else ("├── ", "│   ")
        grandchildren = [by_id[d] for d in child.dependencies if d in by_id]
        repeated = child.id in shown and bool(grandchildren)
        out.append(prefix + branch + _label(child) + (" (*)" if repeated else ""))
        if repeated:
            continue
        shown.add(child.id)
        _tree_lines(grandchildren, by_id, prefix + indent, shown, out)


def render_tree(
    name: str,
    version: object,
    direct: list[tuple[Dependency, LockedPackage]],
    dev: list[tuple[Dependency, LockedPackage]],
    lockfile: Lockfile,
) -> list[str]:
    """The dependency tree of the project as text lines."""
    by_id = {p.id: p for p in lockfile.packages}
    out = [f"{name} {version}"]
    shown: set[PackageId] = set()
    _tree_lines([p for _, p in direct], by_id, "", shown, out)
    if dev:
        out.append("[dev-dependencies]")
        _tree_lines([p for _, p in dev], by_id, "", shown, out)
    return out


@click.command("tree")
@project_option
@reported
def tree(project: Path | None) -> None:
    """Print the dependency tree from aura.lock.

    Each package is followed by its dependencies; a package whose dependencies
    were already shown is marked (*).  Reads only aura.toml and aura.lock.
    """
    from aura_pkg.project import direct_dependencies

    root, manifest = load_project(project)
    locked = read_lock(root)
    if locked is None:
        fail(f"no aura.lock in {root}", help="run `aura pkg lock`")
    direct = direct_dependencies(manifest, locked)
    dev = direct_dependencies(manifest, locked, dev=True)
    for line in render_tree(manifest.name, manifest.version, direct, dev, locked):
        click.echo(line)
