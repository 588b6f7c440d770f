"""What the module loader needs to know about a package: its name, sources and dependencies.

A package is a directory with an ``aura.toml`` whose modules live under ``src/``
(spec packages.md, "Manifest").  Its import name is ``[package].name`` with
``-`` written ``_``.  Which packages it may import, and where their sources
are, comes from the project's ``.aura/deps/index.toml``, written by ``aura pkg
install`` in the format of ``docs/reference/deps-index.md``.  aura-parse must not
import the package manager, so both files are read here with :mod:`tomllib`.

Reading is forgiving where the package manager is strict: a malformed file
becomes one diagnostic and the program is loaded as if the file said nothing
(no dependencies; the directory's name as the package name), so that the
modules still get checked.  Keys this reader does not use are ignored.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

from aura_core.cli_support import collect_sources, read_source
from aura_core.diagnostics import Diagnostic
from aura_core.source import SourceFile, Span

__all__ = [
    "CODE_DEPS_INDEX",
    "CODE_MANIFEST_VALUE",
    "CODE_TOML_SYNTAX",
    "DEPS_INDEX_FILE",
    "DEPS_INDEX_VERSION",
    "MANIFEST_FILE",
    "SOURCE_DIR",
    "Dependency",
    "Package",
    "Project",
    "find_package_dir",
    "import_name",
    "load_project",
    "programs",
]

MANIFEST_FILE = "aura.toml"
SOURCE_DIR = "src"
DEPS_INDEX_FILE = ".aura/deps/index.toml"
DEPS_INDEX_VERSION = 1

# The codes of these problems belong to the package formats' E09xx series, shared
# with aura-pkg, which reports the same problems in the same files.
#: malformed TOML (``aura.toml`` or the dependency index)
CODE_TOML_SYNTAX = "E0901"
#: a manifest key with a missing or mistyped value
CODE_MANIFEST_VALUE = "E0902"
#: a dependency index that is not in the documented format
CODE_DEPS_INDEX = "E0908"

_TOML_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")


def import_name(package_name: str) -> str:
    """The name ``import`` uses for a package: ``my-lib`` is imported as ``my_lib``."""
    return package_name.replace("-", "_")


@dataclass(frozen=True, slots=True)
class Dependency:
    """A direct dependency as its importer sees it: ``import import_name::...``.

    ``root`` is the directory of its modules (the package's ``src/``), already
    joined to the project's directory; ``package`` and ``version`` identify the
    package's own entry in the index, which lists *its* dependencies.
    """

    import_name: str
    package: str
    version: str
    root: Path


@dataclass(frozen=True, slots=True)
class Package:
    """A package whose modules are being loaded: where they are and what they may import.

    ``root`` is None for a file outside any package, which has no other modules.
    """

    import_name: str
    root: Path | None
    dependencies: tuple[Dependency, ...] = ()

    def dependency(self, name: str) -> Dependency | None:
        return next((d for d in self.dependencies if d.import_name == name), None)


@dataclass(frozen=True, slots=True)
class Project:
    """A package directory read for loading: its own package and the installed ones.

    ``installed`` maps ``(package name, version)`` to that package's direct
    dependencies.  ``dev_dependencies`` are the project's ``[dev-dependencies]``.
    ``declared`` holds the import names the manifest lists as dependencies of any
    kind, installed or not, which lets a failed import say "run ``aura pkg
    install``" instead of "not a dependency".
    """

    directory: Path
    package: Package
    dev_dependencies: tuple[Dependency, ...]
    installed: Mapping[tuple[str, str], tuple[Dependency, ...]]
    declared: frozenset[str]
    diagnostics: tuple[Diagnostic, ...]

    def package_of(self, dependency: Dependency) -> Package:
        """The package a dependency names, with its own direct dependencies."""
        deps = self.installed.get((dependency.package, dependency.version), ())
        return Package(dependency.import_name, dependency.root, deps)

    def importer_of(self, name: str) -> str | None:
        """The import name of an installed package that depends on ``name``, if any."""
        for (package, _), deps in sorted(self.installed.items()):
            if any(d.import_name == name for d in deps):
                return import_name(package)
        return None


def programs(paths: Iterable[str | Path]) -> list[Path]:
    """The programs named on a command line (``aura verify``, ``aura test``): each
    path is one, except a directory without ``aura.toml``, whose ``.aura`` files
    are each a program of their own."""
    out: list[Path] = []
    for p in paths:
        path = Path(p)
        if path.is_dir() and not (path / MANIFEST_FILE).is_file():
            out.extend(collect_sources([path]))
        else:
            out.append(path)
    return out


def find_package_dir(file: Path) -> Path | None:
    """The package directory whose ``src/`` holds ``file``, or None for a file outside one.

    The nearest directory above the file with an ``aura.toml`` decides: a file
    next to a manifest but not under its ``src/`` (an example, a script) is not
    part of that package.  The result is relative when ``file`` is.
    """
    absolute = Path(os.path.abspath(file))
    for directory in absolute.parents:
        if (directory / MANIFEST_FILE).is_file():
            if not absolute.is_relative_to(directory / SOURCE_DIR):
                return None
            if file.is_absolute():
                return directory
            return Path(os.path.relpath(directory))
    return None


def load_project(directory: Path) -> Project:
    """Read ``aura.toml`` and, if present, ``.aura/deps/index.toml`` of a package directory."""
    diagnostics: list[Diagnostic] = []
    fallback = import_name(Path(os.path.abspath(directory)).name)
    name, declared = _read_manifest(directory / MANIFEST_FILE, fallback, diagnostics)
    source_root = directory / SOURCE_DIR
    index_path = directory / DEPS_INDEX_FILE
    index = _read_index(index_path, directory, diagnostics) if index_path.exists() else None
    own, dev, installed = index if index is not None else ((), (), {})
    return Project(
        directory,
        Package(name, source_root, own),
        dev,
        MappingProxyType(installed),
        declared,
        tuple(diagnostics),
    )


# --------------------------------------------------------------------- reading TOML


def _read_toml(path: Path, diagnostics: list[Diagnostic]) -> tuple[SourceFile, Any] | None:
    """The file's text and its TOML data, or None after reporting why not."""
    source = read_source(path)
    if isinstance(source, Diagnostic):
        diagnostics.append(source)
        return None
    try:
        return source, tomllib.loads(source.text)
    except tomllib.TOMLDecodeError as e:
        message = str(e)
        span = None
        m = _TOML_POSITION.search(message)
        if m is not None:
            offset = _offset(source, int(m[1]), int(m[2]))
            span = Span(offset, min(offset + 1, len(source.text)))
            message = message[: m.start()].rstrip()
        diagnostics.append(
            Diagnostic.error(
                CODE_TOML_SYNTAX, f"invalid TOML in `{source.name}`: {message}", source, span
            )
        )
        return None


def _offset(source: SourceFile, line: int, column: int) -> int:
    lines = source.text.split("\n")
    before = sum(len(text) + 1 for text in lines[: max(line - 1, 0)])
    return min(before + max(column - 1, 0), len(source.text))


def _key_span(source: SourceFile, key: str) -> Span | None:
    """Where ``key = ...`` or a table header naming ``key`` first appears (best effort)."""
    quoted = re.escape(key)
    pattern = rf'(?m)^[ \t]*(?:"{quoted}"|{quoted})[ \t]*=|^[ \t]*\[\[?[^\]\n]*\b{quoted}\b'
    m = re.search(pattern, source.text)
    if m is None:
        return None
    start = m.start() + len(m[0]) - len(m[0].lstrip())
    end = source.text.find("\n", start)
    return Span(start, end if end != -1 else len(source.text))


def _read_manifest(
    path: Path, fallback: str, diagnostics: list[Diagnostic]
) -> tuple[str, frozenset[str]]:
    """The package's import name and the import names of its declared dependencies."""
    read = _read_toml(path, diagnostics)
    if read is None:
        return fallback, frozenset()
    source, data = read
    package = data.get("package")
    name = package.get("name") if isinstance(package, dict) else None
    if not isinstance(name, str) or not name:
        diagnostics.append(
            Diagnostic.error(
                CODE_MANIFEST_VALUE,
                f"`{source.name}` does not give the package a name",
                source,
                _key_span(source, "name" if isinstance(package, dict) else "package"),
                help='add `name = "..."` to the `[package]` table',
            )
        )
        name = fallback
    declared: set[str] = set()
    for table in ("dependencies", "dev-dependencies"):
        deps = data.get(table)
        if isinstance(deps, dict):
            declared.update(import_name(k) for k in deps)
    return import_name(name), frozenset(declared)


class _IndexProblem(Exception):
    """A shape the dependency index must not have; ``key`` is where (for the span)."""

    def __init__(self, message: str, key: str | None = None):
        super().__init__(message)
        self.key = key


_Installed = dict[tuple[str, str], tuple[Dependency, ...]]


def _read_index(
    path: Path, project_dir: Path, diagnostics: list[Diagnostic]
) -> tuple[tuple[Dependency, ...], tuple[Dependency, ...], _Installed] | None:
    """The project's dependencies, dev-dependencies and every installed package's."""
    read = _read_toml(path, diagnostics)
    if read is None:
        return None
    source, data = read
    try:
        return _index_contents(data, project_dir)
    except _IndexProblem as e:
        span = _key_span(source, e.key) if e.key is not None else None
        diagnostics.append(
            Diagnostic.error(
                CODE_DEPS_INDEX,
                f"`{source.name}` is not a valid dependency index: {e}",
                source,
                span,
                help="run `aura pkg install` to rewrite it",
            )
        )
        return None


def _index_contents(
    data: dict[str, Any], project_dir: Path
) -> tuple[tuple[Dependency, ...], tuple[Dependency, ...], _Installed]:
    version = data.get("version")
    if version != DEPS_INDEX_VERSION or isinstance(version, bool):
        raise _IndexProblem(f"expected `version = {DEPS_INDEX_VERSION}`", "version")
    project = data.get("project")
    if not isinstance(project, dict):
        raise _IndexProblem("missing the `[project]` table", "project")
    own = _dependencies(project.get("dependencies", {}), project_dir, "dependencies")
    dev = _dependencies(project.get("dev-dependencies", {}), project_dir, "dev-dependencies")
    entries = data.get("package", [])
    if not isinstance(entries, list):
        raise _IndexProblem("`package` must be an array of tables `[[package]]`", "package")
    installed: _Installed = {}
    for entry in entries:
        if not isinstance(entry, dict):
            raise _IndexProblem("`package` must be an array of tables `[[package]]`", "package")
        key = (_string(entry, "name"), _string(entry, "version"))
        installed[key] = _dependencies(entry.get("dependencies", {}), project_dir, "dependencies")
    for dep in _all(own, dev, *installed.values()):
        if (dep.package, dep.version) not in installed:
            raise _IndexProblem(
                f"`{dep.package} {dep.version}` is a dependency but is not listed", dep.import_name
            )
    return own, dev, installed


def _all(*groups: tuple[Dependency, ...]) -> Iterable[Dependency]:
    for group in groups:
        yield from group


def _dependencies(value: Any, project_dir: Path, table: str) -> tuple[Dependency, ...]:
    if not isinstance(value, dict):
        raise _IndexProblem(f"`{table}` must be a table", table)
    out: list[Dependency] = []
    for name, spec in sorted(value.items()):
        if not isinstance(spec, dict):
            raise _IndexProblem(f"dependency `{name}` must be a table", name)
        root = _string(spec, "root", name)
        out.append(
            Dependency(
                name,
                _string(spec, "package", name),
                _string(spec, "version", name),
                Path(os.path.normpath(project_dir / root)),
            )
        )
    return tuple(out)


def _string(table: dict[str, Any], key: str, where: str | None = None) -> str:
    value = table.get(key)
    if not isinstance(value, str) or not value:
        owner = f" of `{where}`" if where is not None else ""
        raise _IndexProblem(f"`{key}`{owner} must be a non-empty string", where or key)
    return value
