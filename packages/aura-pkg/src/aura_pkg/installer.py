"""Installing the locked packages into a project: verified, in parallel, all or nothing.

``.aura/deps`` holds one directory per registry package (``NAME-VERSION/``, the
extracted archive), ``index.toml`` for the compiler (:mod:`aura_pkg.deps_index`)
and ``installed.json``, the checksum each directory was extracted from.

:func:`install` builds the complete new ``.aura/deps`` in a temporary directory
beside it — packages already installed with the same checksum are hard-linked,
the others downloaded, verified (:mod:`aura_pkg.verify`) and extracted — and
swaps it in by renames only when every package passed.  Any failure removes the
temporary directory and leaves the previous state exactly as it was.  When the
installed state already equals the lock file, nothing is fetched or written.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from aura_pkg._files import copy_tree_linked, exclusive_lock, write_atomic
from aura_pkg.archive import DEFAULT_LIMITS, UnpackBudget, extract_archive
from aura_pkg.deps_index import (
    DEPS_DIR,
    DepsIndex,
    IndexedDependency,
    IndexedPackage,
    installed_root,
    render_deps_index,
)
from aura_pkg.errors import CODE_IO, LockfileError, PackageError
from aura_pkg.lockfile import LockedPackage, Lockfile, PackageId, path_source, registry_source
from aura_pkg.manifest import MANIFEST_FILE, Dependency, Manifest, import_name, load_manifest
from aura_pkg.registry import Registry, RegistryError, UnknownPackageError, normalize_registry_url
from aura_pkg.registry.index import PackageIndex, VersionEntry
from aura_pkg.signing import PublicKey
from aura_pkg.verify import (
    TrustState,
    VerifiedArchive,
    check_entry,
    establish_trust,
    verify_archive,
    verify_entry,
)
from aura_pkg.versions import Requirement

if TYPE_CHECKING:  # the resolver is not needed to install from a lock file
    from aura_pkg.resolver import Resolution

__all__ = ["INSTALL_STATE_FILE", "InstallResult", "install", "lock_from_resolution"]

#: Beside ``index.toml``: which checksum each installed directory came from.
INSTALL_STATE_FILE = "installed.json"
_STATE_VERSION = 2
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class InstallResult:
    """What :func:`install` did.  ``changed`` is False when the state was already current."""

    installed: tuple[PackageId, ...]
    reused: tuple[PackageId, ...]
    path_packages: tuple[PackageId, ...]
    changed: bool


def lock_from_resolution(
    resolution: Resolution,
    registry: Registry | None,
    *,
    path_packages: Mapping[str, str] | None = None,
    root_key: PublicKey | None = None,
) -> Lockfile:
    """The lock file of a resolution: each registry version with its checksum and log index.

    ``path_packages`` maps the names of path packages to their directories
    relative to the project's root (``../util``); every other package comes from
    ``registry``.
    """
    paths = dict(path_packages or {})
    out = []
    state: TrustState | None = None
    leaves: dict[int, bytes] = {}
    for name, version in resolution.packages().items():
        deps = tuple(PackageId(d, v) for d, v in resolution.dependencies.get(name, {}).items())
        if name in paths:
            out.append(LockedPackage(name, version, path_source(paths[name]), dependencies=deps))
            continue
        if registry is None:
            raise RegistryError(f"{name} {version} comes from a registry, but none was given")
        entry = registry.index(name).get(version)
        if entry is None:
            raise UnknownPackageError(
                f"version {version} is not in registry {registry.url}", package=name
            )
        # A checksum goes into the lock file only once the entry is proven: signed by a
        # valid key and in the log (as an install checks), never on the index's word.
        check_entry(registry, name, entry)
        if state is None:
            state = establish_trust(registry, root_key=root_key)
        leaves[entry.log_index] = verify_entry(state, registry, name, entry)
        source = registry_source(registry.url)
        out.append(LockedPackage(name, version, source, entry.checksum, entry.log_index, deps))
    if registry is not None and leaves:
        registry.cache.record_verified_leaves(registry.url, leaves)
    return Lockfile(tuple(out))


# -- the desired state -------------------------------------------------------------


def _locked_for(dep: Dependency, lock: Lockfile, manifest: Manifest) -> LockedPackage:
    for p in lock.packages:
        if p.name != dep.name or p.is_path != dep.is_path:
            continue
        if dep.requirement is None or dep.requirement.allows(p.version):
            return p
    wanted = f"path {dep.path}" if dep.is_path else str(dep.requirement)
    raise LockfileError(
        f"the lock file has no version of `{dep.name}` for `{wanted}` in {manifest.file}; "
        "run `aura pkg lock`",
        file=lock.file,
    )


def _root(p: LockedPackage) -> str:
    return f"{p.path}/src" if p.path is not None else installed_root(p.name, p.version)


def _dependencies(
    ids: Sequence[PackageId], roots: Mapping[PackageId, str]
) -> tuple[IndexedDependency, ...]:
    return tuple(IndexedDependency(import_name(d.name), d.name, d.version, roots[d]) for d in ids)


def _deps_index(project: Path, manifest: Manifest, lock: Lockfile, dev: bool) -> DepsIndex:
    """The index the compiler reads, checking that the lock file covers the manifest."""
    roots = {p.id: _root(p) for p in lock.packages}
    direct = [_locked_for(d, lock, manifest).id for d in manifest.dependencies]
    dev_direct = (
        [_locked_for(d, lock, manifest).id for d in manifest.dev_dependencies] if dev else []
    )
    packages = []
    for p in lock.packages:
        if p.path is not None:
            _check_path_package(project, p, lock)
        packages.append(
            IndexedPackage(p.name, p.version, roots[p.id], _dependencies(p.dependencies, roots))
        )
    project_entry = IndexedPackage(
        manifest.name,
        manifest.version,
        "src",
        _dependencies(direct, roots),
        _dependencies(dev_direct, roots),
    )
    return DepsIndex(project_entry, tuple(packages))


def _check_path_package(project: Path, p: LockedPackage, lock: Lockfile) -> None:
    found = load_manifest(project / str(p.path) / MANIFEST_FILE)
    if (found.name, found.version) != (p.name, p.version):
        raise LockfileError(
            f"the path dependency at {p.path} is {found.name} {found.version}, but the lock "
            f"file says {p.id}; run `aura pkg lock`",
            file=lock.file,
        )


def _check_locked_dependencies(p: LockedPackage, entry: VersionEntry, lock: Lockfile) -> None:
    """The lock file's versions for a package's dependencies meet the index's requirements."""
    locked = {d.name: d.version for d in p.dependencies}
    fits = set(locked) == set(entry.dependencies) and all(
        Requirement.parse(req).allows(locked[n]) for n, req in entry.dependencies.items()
    )
    if not fits:
        wanted = ", ".join(f"{n} {r}" for n, r in sorted(entry.dependencies.items())) or "none"
        have = ", ".join(str(d) for d in p.dependencies) or "none"
        raise LockfileError(
            f"`{p.id}` needs {wanted}, but the lock file gives it {have}; run `aura pkg lock`",
            file=lock.file,
        )


# -- the installed state ---------------------------------------------------------------


def _dirname(p: LockedPackage) -> str:
    return f"{p.name}-{p.version}"


def _identity(directory: Path) -> list[int]:
    """Which directory ``directory`` is on this machine: its device and inode numbers.

    Renames keep them, so the staging directory's identity is the installed one's;
    a ``.aura/deps`` that arrived another way (committed to a repository, copied,
    unpacked) has another.
    """
    try:
        info = directory.stat()
    except OSError:
        return []
    return [info.st_dev, info.st_ino]


def _render_state(entries: Mapping[str, tuple[str, bool]], directory: Path) -> bytes:
    packages = {d: {"checksum": c, "verified": v} for d, (c, v) in sorted(entries.items())}
    doc = {"directory": _identity(directory), "packages": packages, "version": _STATE_VERSION}
    return json.dumps(doc, indent=2, sort_keys=True).encode() + b"\n"


def _read_state(deps: Path) -> dict[str, tuple[str, bool]]:
    """The recorded checksum (and completeness of verification) of each installed directory.

    Only a state this machine's installer wrote into this very directory is
    believed: the checksums of one that came from elsewhere say nothing about
    the files beside it, so every package of it is downloaded and verified again.
    """
    try:
        doc = json.loads((deps / INSTALL_STATE_FILE).read_bytes())
        if doc.get("version") != _STATE_VERSION or doc.get("directory") != _identity(deps):
            return {}
        packages = doc["packages"]
        return {d: (str(e["checksum"]), e.get("verified") is True) for d, e in packages.items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def _read_bytes(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def _recover(aura: Path, deps: Path) -> None:
    """Clean up after an install that was killed: drop its staging, restore a moved state."""
    for leftover in sorted(aura.glob(".deps-new-*")):
        shutil.rmtree(leftover, ignore_errors=True)
    for holder in sorted(aura.glob(".deps-old-*")):
        if not deps.exists() and (holder / "deps").is_dir():
            os.replace(holder / "deps", deps)
        shutil.rmtree(holder, ignore_errors=True)


def _swap(staging: Path, deps: Path) -> None:
    """Put ``staging`` in the place of ``deps`` by renames; on failure ``deps`` is restored."""
    if not deps.exists():
        os.replace(staging, deps)
        return
    holder = Path(tempfile.mkdtemp(prefix=".deps-old-", dir=deps.parent))
    old = holder / "deps"
    os.replace(deps, old)
    try:
        os.replace(staging, deps)
    except OSError:
        os.replace(old, deps)
        raise
    finally:
        shutil.rmtree(holder, ignore_errors=True)


# -- downloading -----------------------------------------------------------------------


@contextlib.contextmanager
def _progress_bar(enabled: bool, total: int) -> Iterator[Callable[[str], None]]:
    """A rich progress bar on stderr yielding ``advance(name)``; a no-op when disabled."""
    if not enabled or total == 0:
        yield lambda name: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    columns = (
        TextColumn("Installing"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.description}"),
    )
    with Progress(*columns, console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task("", total=total)
        yield lambda name: progress.update(task, advance=1, description=name)


def _parallel(
    pool: ThreadPoolExecutor, jobs: Sequence[Callable[[], T]], done: Callable[[int], None]
) -> list[T]:
    """Run ``jobs`` on ``pool``; the first failure cancels what has not started and is raised."""
    futures: list[Future[T]] = [pool.submit(job) for job in jobs]
    position = {f: i for i, f in enumerate(futures)}
    try:
        for future in as_completed(futures):
            future.result()
            done(position[future])
    except BaseException:
        for future in futures:
            future.cancel()
        raise
    return [f.result() for f in futures]


def _fetch_all(
    registry: Registry,
    wanted: Sequence[LockedPackage],
    staging: Path,
    lock: Lockfile,
    *,
    root_key: PublicKey | None,
    require_verified: bool,
    jobs: int,
    progress: bool,
) -> list[VerifiedArchive]:
    """Download, verify and extract ``wanted`` into ``staging``, ``jobs`` at a time."""
    for p in wanted:
        if p.registry is None or normalize_registry_url(p.registry) != registry.url:
            raise RegistryError(
                f"locked from registry {p.registry}, but installing from {registry.url}; "
                "run `aura pkg lock` to lock against this registry",
                package=str(p.id),
            )
    state = establish_trust(registry, root_key=root_key)
    names = sorted({p.name for p in wanted})
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        indexes: dict[str, PackageIndex] = dict(
            zip(
                names,
                _parallel(pool, [partial(registry.index, n) for n in names], _ignore),
                strict=True,
            )
        )

        # One total for the whole install: each archive is within its own limits, but
        # many small downloads could otherwise still write gigabytes.
        budget = UnpackBudget(DEFAULT_LIMITS.max_install_bytes)

        def one(p: LockedPackage) -> VerifiedArchive:
            entry = indexes[p.name].get(p.version)
            if entry is None:
                raise UnknownPackageError(
                    f"locked, but not in the index of registry {registry.url}", package=str(p.id)
                )
            check_entry(registry, p.name, entry, locked=p, require_verified=require_verified)
            data = registry.archive(p.name, p.version, p.checksum)
            verified = verify_archive(
                state, registry, p.name, entry, data, locked=p, require_verified=require_verified
            )
            _check_locked_dependencies(p, entry, lock)
            extract_archive(data, p.name, p.version, staging / _dirname(p), budget=budget)
            return verified

        with _progress_bar(progress, len(wanted)) as advance:
            results = _parallel(
                pool, [partial(one, p) for p in wanted], lambda i: advance(str(wanted[i].id))
            )
    registry.cache.record_verified_leaves(
        registry.url, {v.entry.log_index: v.leaf for v in results}
    )
    return results


def _ignore(index: int) -> None:
    pass


# -- install -----------------------------------------------------------------------------


def install(
    project_root: Path | str,
    lock: Lockfile,
    registry: Registry | None,
    *,
    root_key: PublicKey | None = None,
    require_verified: bool = False,
    dev: bool = True,
    jobs: int = 8,
    progress: bool | None = None,
) -> InstallResult:
    """Make ``.aura/deps`` of the project hold exactly the packages of ``lock``.

    ``registry`` (with its cache) serves the registry packages; it may be None
    when every package is a path package or already installed.  ``root_key``
    is a configured root key (else the pinned one).  ``require_verified``
    refuses registry packages whose verification summary is not complete.
    ``dev`` includes the project's dev-dependencies in the index.  ``progress``
    shows a bar on stderr (default: when stderr is a terminal).  Raises a
    :class:`PackageError` naming the package and the cause; then nothing in the
    project has changed.
    """
    project = Path(project_root)
    manifest = load_manifest(project / MANIFEST_FILE)
    index_text = render_deps_index(_deps_index(project, manifest, lock, dev)).encode()
    registry_packages = [p for p in lock.packages if not p.is_path]
    path_ids = tuple(p.id for p in lock.packages if p.is_path)
    aura, deps = project / ".aura", project / DEPS_DIR
    try:
        aura.mkdir(exist_ok=True)
    except OSError as exc:
        raise PackageError(
            f"cannot create: {exc.strerror or exc}", file=str(aura), code=CODE_IO
        ) from None
    with exclusive_lock(aura / ".install-lock"):
        _recover(aura, deps)
        previous = _read_state(deps)
        reusable = [
            p
            for p in registry_packages
            if previous.get(_dirname(p), ("", False))[0] == p.checksum
            and (previous[_dirname(p)][1] or not require_verified)
            and (deps / _dirname(p)).is_dir()
        ]
        wanted = [p for p in registry_packages if p not in reusable]
        state = {_dirname(p): (str(p.checksum), previous[_dirname(p)][1]) for p in reusable}
        expected = {_dirname(p) for p in registry_packages} | {"index.toml", INSTALL_STATE_FILE}
        if (
            not wanted
            and _read_bytes(deps / "index.toml") == index_text
            and _read_bytes(deps / INSTALL_STATE_FILE) == _render_state(state, deps)
            and {e.name for e in deps.iterdir()} == expected
        ):
            return InstallResult((), tuple(p.id for p in reusable), path_ids, changed=False)
        if wanted and registry is None:
            raise RegistryError("a registry is needed to install it", package=str(wanted[0].id))
        staging = Path(tempfile.mkdtemp(prefix=".deps-new-", dir=aura))
        try:
            for p in reusable:
                copy_tree_linked(deps / _dirname(p), staging / _dirname(p))
            if wanted:
                assert registry is not None
                show = sys.stderr.isatty() if progress is None else progress
                verified = _fetch_all(
                    registry,
                    wanted,
                    staging,
                    lock,
                    root_key=root_key,
                    require_verified=require_verified,
                    jobs=jobs,
                    progress=show,
                )
                for p, v in zip(wanted, verified, strict=True):
                    summary = v.entry.verification
                    state[_dirname(p)] = (
                        v.entry.checksum,
                        summary is not None and summary.complete,
                    )
            write_atomic(staging / "index.toml", index_text)
            write_atomic(staging / INSTALL_STATE_FILE, _render_state(state, staging))
            os.chmod(staging, 0o755)
            _swap(staging, deps)
        except OSError as exc:
            raise PackageError(
                f"cannot install into {deps}: {exc.strerror or exc}", code=CODE_IO
            ) from None
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return InstallResult(tuple(p.id for p in wanted), tuple(p.id for p in reusable), path_ids, True)
