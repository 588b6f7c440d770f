"""``aura pkg init``, ``add`` and ``remove``: the commands that write ``aura.toml``.

``add`` and ``remove`` edit the manifest through tomlkit, which keeps the
user's comments and layout, then lock.  When locking fails (an impossible
requirement, an unreachable registry) the manifest is put back byte for byte:
a failed command leaves the project as it found it.
"""

from __future__ import annotations

import os
import re
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

import click

from aura_pkg.cli._common import (
    choose_registry,
    fail,
    load_project,
    no_registry,
    offline_option,
    project_option,
    read_lock,
    registry_option,
    reported,
    status,
)

if TYPE_CHECKING:
    from aura_pkg.cli._locking import Relocked
    from aura_pkg.lockfile import Lockfile
    from aura_pkg.manifest import Manifest

__all__ = ["add", "init", "remove"]

_LIB_TEMPLATE = """\
## The greeting for `name`.
pub pure cell greeting(name: String) -> String:
    return "Hello, {{name}}!"

test cell greets_by_name():
    assert greeting("Ada") == "Hello, Ada!"
"""

_APP_TEMPLATE = """\
import std::io

cell main():
    io::println("Hello from {name}!")
"""

_MANIFEST_TEMPLATE = """\
[package]
name = "{name}"
version = "0.1.0"
edition = "2026"

[dependencies]
"""


def _name_from_directory(directory: Path) -> str:
    """A package name made from a directory name: lowercase, runs of other characters as ``-``."""
    return re.sub(r"[^a-z0-9]+", "-", directory.name.lower()).strip("-")


@click.command("init")
@click.argument("name", required=False)
@click.option("--lib", is_flag=True, help="A library: src/lib.aura.")
@click.option("--app", is_flag=True, help="An application: src/main.aura (the default).")
@project_option
@reported
def init(name: str | None, lib: bool, app: bool, project: Path | None) -> None:
    """Create a package: aura.toml and a first source file.

    The package is created in the current directory (or --project DIR, created
    if missing) and named NAME, by default after the directory.  A .gitignore
    leaving out .aura/ is added when there is none.  Existing source files are
    kept.
    """
    from aura_pkg.manifest import MANIFEST_FILE, check_package_name

    if lib and app:
        raise click.UsageError("--lib and --app exclude each other")
    directory = (project or Path.cwd()).resolve()
    package = name if name is not None else _name_from_directory(directory)
    problem = check_package_name(package)
    if problem is not None:
        if name is not None:
            raise click.BadParameter(problem, param_hint="NAME")
        raise click.UsageError(
            f"the directory name {directory.name!r} does not make a package name ({problem}); "
            "pass NAME"
        )
    manifest = directory / MANIFEST_FILE
    if manifest.exists():
        fail(f"{manifest} already exists", help="this directory is a package already")
    directory.mkdir(parents=True, exist_ok=True)
    root = "lib.aura" if lib else "main.aura"
    source = directory / "src" / root
    source.parent.mkdir(exist_ok=True)
    if not source.exists():
        template = _LIB_TEMPLATE if lib else _APP_TEMPLATE
        source.write_text(template.format(name=package), encoding="utf-8")
    ignore = directory / ".gitignore"
    if not ignore.exists():
        ignore.write_text("/.aura/\n", encoding="utf-8")
    manifest.write_text(_MANIFEST_TEMPLATE.format(name=package), encoding="utf-8")
    kind = "library" if lib else "application"
    status(f"Created {kind} package `{package}` in {directory}")


def _split_spec(spec: str) -> tuple[str, str | None]:
    """``NAME`` or ``NAME@REQ``, checked; usage errors for a bad name or requirement."""
    from aura_pkg.manifest import check_package_name
    from aura_pkg.versions import Requirement, RequirementError

    name, at, requirement = spec.partition("@")
    problem = check_package_name(name)
    if problem is not None:
        raise click.BadParameter(problem, param_hint="NAME[@REQ]")
    if not at:
        return name, None
    try:
        Requirement.parse(requirement)
    except RequirementError as exc:
        raise click.BadParameter(
            f"invalid version requirement {requirement!r}: {exc}", param_hint="NAME[@REQ]"
        ) from None
    return name, requirement.strip()


def _newest_requirement(registry_url: str, name: str, offline: bool) -> str:
    """``^NEWEST`` for the newest installable release of ``name`` (or pre-release if none)."""
    from aura_pkg.cli._common import open_project_registry

    with open_project_registry(registry_url, offline=offline) as registry:
        versions = registry.index(name).installable()
    if not versions:
        fail(f"{name}: every version in registry {registry_url} is yanked or removed")
    releases = [v for v in versions if not v.is_prerelease]
    return f"^{(releases or list(versions))[0]}"


@click.command("add")
@click.argument("spec", metavar="NAME[@REQ]", required=False)
@click.option(
    "--path",
    "path",
    type=click.Path(file_okay=False, path_type=Path),
    help="A path dependency: the package in DIR (NAME may be left out).",
    metavar="DIR",
)
@click.option("--dev", is_flag=True, help="Add to [dev-dependencies].")
@registry_option
@offline_option
@project_option
@reported
def add(
    spec: str | None,
    path: Path | None,
    dev: bool,
    registry: str | None,
    offline: bool,
    project: Path | None,
) -> None:
    """Add a dependency to aura.toml, then lock.

    NAME alone requires the newest version (^MAJOR.MINOR.PATCH); NAME@REQ any
    requirement (a@^1.2, a@=0.3.1).  Comments and layout of aura.toml are kept;
    if locking fails, aura.toml is left as it was.  A --registry that neither
    aura.toml nor config.toml names is recorded as package.registry, since a lock
    file alone may not choose a registry later.
    """
    from aura_pkg._toml import atomic_write
    from aura_pkg.cli._locking import report_lock
    from aura_pkg.config import open_config
    from aura_pkg.manifest import MANIFEST_FILE, add_dependency, load_manifest, set_registry
    from aura_pkg.registry import normalize_registry_url

    if spec is None and path is None:
        raise click.UsageError("give NAME[@REQ], or --path DIR")
    name, requirement = _split_spec(spec) if spec is not None else (None, None)
    if path is not None and requirement is not None:
        raise click.UsageError("a path dependency takes no @REQ")
    root, manifest = load_project(project)
    previous = read_lock(root)
    value: str | PurePosixPath
    if path is not None:
        found = load_manifest(path / MANIFEST_FILE)
        if name is not None and name != found.name:
            fail(f"the package in {path} is `{found.name}`, not `{name}`")
        name = found.name
        value = PurePosixPath(Path(os.path.relpath(path.resolve(), root)).as_posix())
    else:
        assert name is not None
        if requirement is None:
            url = choose_registry(registry, previous, open_config(), manifest)
            if url is None:
                no_registry()
            requirement = _newest_requirement(url, name, offline)
        value = requirement
    if name == manifest.name:
        fail(f"package `{name}` cannot depend on itself")
    manifest_path = root / MANIFEST_FILE
    original = manifest_path.read_bytes()
    edited = add_dependency(manifest_path, name, value, dev=dev)
    record = (
        registry is not None
        and not isinstance(value, PurePosixPath)
        and manifest.package.registry is None
        and normalize_registry_url(registry) not in open_config().registries()
    )
    if record:
        assert registry is not None
        try:
            edited = set_registry(manifest_path, normalize_registry_url(registry))
        except BaseException:
            atomic_write(manifest_path, original, mode=None)
            raise
    result = _lock_or_restore(root, edited, manifest_path, original, registry, offline, previous)
    if record:
        status(f"Recorded registry {normalize_registry_url(str(registry))} in aura.toml")
    table = "dev-dependencies" if dev else "dependencies"
    shown = f"path {value}" if isinstance(value, PurePosixPath) else value
    status(f"Added {name} ({shown}) to [{table}]")
    report_lock(result)


def _lock_or_restore(
    root: Path,
    manifest: Manifest,
    manifest_path: Path,
    original: bytes,
    registry: str | None,
    offline: bool,
    previous: Lockfile | None,
) -> Relocked:
    """Lock after an edit; on any failure write the manifest's old bytes back."""
    from aura_pkg._toml import atomic_write
    from aura_pkg.cli._locking import relock

    try:
        return relock(root, manifest, registry=registry, offline=offline, previous=previous)
    except BaseException:
        atomic_write(manifest_path, original, mode=None)
        raise


@click.command("remove")
@click.argument("name")
@registry_option
@offline_option
@project_option
@reported
def remove(name: str, registry: str | None, offline: bool, project: Path | None) -> None:
    """Remove a dependency from aura.toml (both tables), then lock.

    Packages nothing needs any more leave the lock file; the others keep their
    locked versions.
    """
    from aura_pkg.cli._locking import report_lock
    from aura_pkg.manifest import MANIFEST_FILE, remove_dependency

    root, _ = load_project(project)
    previous = read_lock(root)
    manifest_path = root / MANIFEST_FILE
    original = manifest_path.read_bytes()
    edited = remove_dependency(manifest_path, name)
    result = _lock_or_restore(root, edited, manifest_path, original, registry, offline, previous)
    status(f"Removed {name} from {MANIFEST_FILE}")
    report_lock(result)
