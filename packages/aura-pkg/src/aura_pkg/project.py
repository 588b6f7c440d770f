"""A project on disk: where it is, what it depends on, and how that becomes a lock file.

The commands of ``aura pkg`` work on *the project*: the nearest directory at or
above the current one that holds an ``aura.toml``, as with Cargo.  This module
turns a project's manifest into a resolution problem and its answer into a
lock file:

* **Path dependencies** (``util = { path = "../util" }``) are found on disk,
  transitively (a path package may have path dependencies of its own, relative
  to its own directory), and offered to the resolver as packages with exactly
  one version.  Their dev-dependencies are not followed: only the project's own
  dev-dependencies are ever installed.
* **Registry dependencies** come from one registry through
  :class:`~aura_pkg.registry.index.IndexSource`.
* The project's ``[dependencies]`` and ``[dev-dependencies]`` are resolved
  together, so the lock file covers both and ``install`` never has to resolve.

The resolver itself is imported only inside :func:`resolve_project`, which
keeps commands that only read a lock file (``install``, ``tree``) quick to
start.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from aura_pkg.errors import LockfileError, ManifestError
from aura_pkg.lockfile import LOCKFILE_NAME, LockedPackage, Lockfile
from aura_pkg.manifest import MANIFEST_FILE, Dependency, Manifest, import_name, load_manifest
from aura_pkg.registry.index import IndexSource, RegistryError
from aura_pkg.versions import Requirement, Version

if TYPE_CHECKING:
    from aura_pkg.registry import Registry

__all__ = [
    "LockChange",
    "PathPackage",
    "ProjectSource",
    "direct_dependencies",
    "find_project",
    "lock_changes",
    "lock_registry",
    "path_packages",
    "resolve_project",
    "root_requirements",
]


def find_project(start: Path | str) -> Path:
    """The nearest directory at or above ``start`` that holds an ``aura.toml``."""
    here = Path(start).resolve()
    for directory in (here, *here.parents):
        if (directory / MANIFEST_FILE).is_file():
            return directory
    raise ManifestError(
        f"no {MANIFEST_FILE} in {here} or any directory above it; run `aura pkg init` to "
        "create a package, or pass --project DIR"
    )


@dataclass(frozen=True, slots=True)
class PathPackage:
    """A path dependency found on disk: its manifest, and where it is.

    ``relative`` is its directory relative to the project's, with ``/``
    separators: the form a lock file's ``path+`` source and the dependency
    index use.
    """

    name: str
    relative: str
    manifest: Manifest

    @property
    def version(self) -> Version:
        return self.manifest.version


def _relative(path: Path, project: Path) -> str:
    try:
        return Path(os.path.relpath(path, project)).as_posix()
    except ValueError:  # another drive on Windows: no relative path exists
        raise ManifestError(
            f"the path dependency at {path} is on another drive than the project {project}"
        ) from None


def path_packages(project: Path, manifest: Manifest, *, dev: bool = True) -> dict[str, PathPackage]:
    """Every path package the project needs, by name, found transitively from its manifest."""
    found: dict[str, PathPackage] = {}
    pending: list[tuple[Path, Manifest, Dependency, str]] = []

    def queue(directory: Path, owner: Manifest, deps: Sequence[Dependency], table: str) -> None:
        pending.extend((directory, owner, d, table) for d in deps if d.path is not None)

    queue(project, manifest, manifest.dependencies, "dependencies")
    if dev:
        queue(project, manifest, manifest.dev_dependencies, "dev-dependencies")
    while pending:
        directory, owner, dep, table = pending.pop(0)
        assert dep.path is not None
        where = (directory / dep.path).resolve()
        key = f"{table}.{dep.name}.path"
        if not (where / MANIFEST_FILE).is_file():
            raise ManifestError(
                f"path dependency `{dep.name}`: no {MANIFEST_FILE} in {where}",
                file=owner.file,
                key=key,
            )
        relative = _relative(where, project)
        previous = found.get(dep.name)
        if previous is not None:
            if previous.relative != relative:
                raise ManifestError(
                    f"path dependency `{dep.name}` is at {relative} here, but at "
                    f"{previous.relative} for another package of the project",
                    file=owner.file,
                    key=key,
                )
            continue
        loaded = load_manifest(where / MANIFEST_FILE)
        if import_name(loaded.name) != dep.import_name:
            raise ManifestError(
                f"path dependency `{dep.name}`: the package in {where} is `{loaded.name}`",
                file=owner.file,
                key=key,
            )
        found[dep.name] = PathPackage(dep.name, relative, loaded)
        queue(where, loaded, loaded.dependencies, "dependencies")
    return found


def _requirement(dep: Dependency, paths: Mapping[str, PathPackage]) -> Requirement:
    """What the resolver must satisfy for one dependency.

    A path dependency without a ``version`` requires exactly the version found
    at its path (its only version); ``*`` would not admit a pre-release.
    """
    if dep.requirement is not None:
        return dep.requirement
    if dep.path is not None:
        return Requirement.exact(paths[dep.name].version)
    return Requirement.any()


def root_requirements(
    manifest: Manifest, paths: Mapping[str, PathPackage], *, dev: bool = True
) -> dict[str, Requirement]:
    """The project's requirements by package name, dev-dependencies included when ``dev``.

    A package listed in both tables must satisfy both requirements.
    """
    out: dict[str, Requirement] = {}
    deps = [*manifest.dependencies, *(manifest.dev_dependencies if dev else ())]
    for dep in deps:
        requirement = _requirement(dep, paths)
        before = out.get(dep.name)
        if before is not None and before != requirement:
            requirement = Requirement((*before.comparators, *requirement.comparators))
        out[dep.name] = requirement
    return out


class ProjectSource:
    """The resolver's view of a project's world: its path packages and one registry.

    A name that is a path package always means the path package, even when a
    registry package depends on it: one version per name.  Without a registry
    (none configured), asking for a registry package is an error saying so.
    """

    def __init__(self, registry: Registry | None, paths: Mapping[str, PathPackage]) -> None:
        self.registry = registry
        self.paths = dict(paths)
        self._index = IndexSource(registry) if registry is not None else None

    def _registry_source(self, name: str) -> IndexSource:
        if self._index is None:
            raise RegistryError(
                "a registry package is needed but no registry was given; pass --registry URL "
                "or set AURA_REGISTRY",
                package=name,
            )
        return self._index

    def versions(self, name: str) -> Sequence[Version]:
        if name in self.paths:
            return (self.paths[name].version,)
        return self._registry_source(name).versions(name)

    def dependencies(self, name: str, version: Version) -> Mapping[str, Requirement]:
        path = self.paths.get(name)
        if path is None:
            return self._registry_source(name).dependencies(name, version)
        if version != path.version:
            raise LookupError(f"{name} {version}")
        return {d.name: _requirement(d, self.paths) for d in path.manifest.dependencies}


def resolve_project(
    project: Path,
    manifest: Manifest,
    registry: Registry | None,
    *,
    previous: Lockfile | None = None,
    unlock: Collection[str] = (),
) -> Lockfile:
    """Resolve the project's dependencies and return the lock file of the answer.

    ``previous`` is the current lock file: its versions are kept wherever they
    still satisfy every requirement (``aura pkg lock``, ``add``, ``remove``);
    ``unlock`` names packages that move to their newest allowed version anyway
    (``update NAME``).  Without ``previous`` every package takes its newest
    allowed version (``update``).  Raises
    :class:`aura_pkg.resolver.ResolutionError` when no solution exists.
    """
    from aura_pkg.installer import lock_from_resolution
    from aura_pkg.resolver import resolve

    paths = path_packages(project, manifest)
    locked = {p.name: p.version for p in previous.packages} if previous is not None else None
    resolution = resolve(
        ProjectSource(registry, paths),
        manifest.name,
        manifest.version,
        root_requirements(manifest, paths),
        locked=locked,
        unlock=unlock,
    )
    relative = {name: p.relative for name, p in paths.items()}
    return lock_from_resolution(resolution, registry, path_packages=relative)


@dataclass(frozen=True, slots=True)
class LockChange:
    """A package that a new lock file adds, removes or moves to another version."""

    kind: Literal["added", "removed", "updated"]
    name: str
    old: Version | None
    new: Version | None

    def __str__(self) -> str:
        if self.kind == "added":
            return f"Added {self.name} {self.new}"
        if self.kind == "removed":
            return f"Removed {self.name} {self.old}"
        return f"Updated {self.name} {self.old} -> {self.new}"


def lock_changes(old: Lockfile | None, new: Lockfile) -> list[LockChange]:
    """What changed between two lock files, by package name."""
    before = {p.name: p.version for p in old.packages} if old is not None else {}
    after = {p.name: p.version for p in new.packages}
    out: list[LockChange] = []
    for name in sorted(before.keys() | after.keys()):
        was, now = before.get(name), after.get(name)
        if was is None:
            out.append(LockChange("added", name, None, now))
        elif now is None:
            out.append(LockChange("removed", name, was, None))
        elif was != now:
            out.append(LockChange("updated", name, was, now))
    return out


def lock_registry(lock: Lockfile) -> str | None:
    """The registry URL the lock file's registry packages come from; None if there are none."""
    urls = sorted({p.registry for p in lock.packages if p.registry is not None})
    if len(urls) > 1:
        raise LockfileError(
            f"packages are locked from several registries ({', '.join(urls)}); run "
            f"`aura pkg lock --registry URL` to lock them from one",
            file=lock.file,
        )
    return urls[0] if urls else None


def named_registry(url: str, lock: Lockfile, named: Sequence[str | None]) -> str:
    """``url``, the lock file's registry, if the user ``named`` it too; else LockfileError."""
    from aura_pkg.registry import normalize_registry_url

    if any(n is not None and normalize_registry_url(n) == url for n in named):
        return url
    raise LockfileError(
        f"the lock file names registry {url}, which neither the command line, aura.toml "
        "nor config.toml names; a lock file cannot choose a registry (it may have been "
        "rewritten to send the install, and your token, elsewhere)",
        file=lock.file,
        help=f'if you trust {url}, set `registry = "{url}"` in aura.toml\'s [package] or '
        "pass it as --registry; otherwise `aura pkg lock --registry URL` locks again from "
        "yours",
    )


def direct_dependencies(
    manifest: Manifest, lock: Lockfile, *, dev: bool = False
) -> list[tuple[Dependency, LockedPackage]]:
    """The project's dependencies (or dev-dependencies) with the locked package of each."""
    out = []
    for dep in manifest.dev_dependencies if dev else manifest.dependencies:
        match = next(
            (
                p
                for p in lock.packages
                if p.name == dep.name
                and p.is_path == dep.is_path
                and (dep.requirement is None or dep.requirement.allows(p.version))
            ),
            None,
        )
        if match is None:
            raise LockfileError(
                f"`{dep.name}` of {manifest.file} is not in {LOCKFILE_NAME} (or not at a "
                "version it allows); run `aura pkg lock`",
                file=lock.file,
            )
        out.append((dep, match))
    return out
