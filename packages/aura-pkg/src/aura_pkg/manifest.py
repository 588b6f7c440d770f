"""The package manifest, ``aura.toml`` (spec/packages.md, "Manifest").

:func:`load_manifest` turns the file into an immutable :class:`Manifest`.  A
malformed file or a bad value raises :class:`ManifestError` naming the file, line
and key; an unknown key is a :class:`PackageWarning` returned in
``Manifest.warnings`` so that a newer manifest still works with an older tool.

:func:`add_dependency` and :func:`remove_dependency` edit the file through
tomlkit, which keeps the user's comments and layout; the edited text is
validated before it replaces the file, so an edit never leaves a manifest that
does not load.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import Any

import tomlkit
import tomlkit.exceptions
from tomlkit.items import Table

from aura_core.keywords import RESERVED_WORDS
from aura_pkg._toml import KeyPath, Places, atomic_write, parse_toml, toml_string
from aura_pkg.errors import (
    CODE_IO,
    CODE_PACKAGE_NAME,
    CODE_TOML_SYNTAX,
    ManifestError,
    PackageWarning,
)
from aura_pkg.versions import Requirement, RequirementError, Version, VersionError

__all__ = [
    "DEFAULT_EDITION",
    "EDITIONS",
    "MANIFEST_FILE",
    "RESERVED_NAMES",
    "Dependency",
    "Manifest",
    "PackageMetadata",
    "add_dependency",
    "check_package_name",
    "import_name",
    "load_manifest",
    "parse_manifest",
    "remove_dependency",
    "set_registry",
]

MANIFEST_FILE = "aura.toml"

#: Editions a manifest may name; a missing ``edition`` means the first one.
EDITIONS = ("2026",)
DEFAULT_EDITION = EDITIONS[0]

#: Names a package may not take: the language's reserved words, the words version
#: 0.2 reserves (`lock`, `shared`, `spawn`: a package published under one now could
#: not be imported once the compiler reserves them), and `std`.
RESERVED_NAMES = RESERVED_WORDS | {"lock", "shared", "spawn", "std"}

_NAME = re.compile(r"[a-z][a-z0-9-]{0,63}")
#: `-` only between letters or digits: `my--lib` and `my-lib-` would be confused
#: with `my-lib` by readers (and typosquatters count on that).
_DASHES = re.compile(r"--|-$")
_TOP_KEYS = ("package", "dependencies", "dev-dependencies")
_PACKAGE_KEYS = (
    "name",
    "version",
    "edition",
    "aura",
    "description",
    "license",
    "authors",
    "keywords",
    "registry",
    "metadata",
)
_DEPENDENCY_KEYS = ("version", "path")


def import_name(name: str) -> str:
    """The name ``import`` uses for a package: ``my-lib`` is imported as ``my_lib``."""
    return name.replace("-", "_")


def check_package_name(name: str) -> str | None:
    """Why ``name`` is not a valid package name, or None when it is."""
    if not _NAME.fullmatch(name):
        return (
            f"invalid package name {name!r}: a name is a lowercase ASCII letter followed by "
            "up to 63 lowercase letters, digits or `-`"
        )
    if _DASHES.search(name):
        return (
            f"invalid package name {name!r}: a `-` must stand between two letters or digits "
            "(no `--`, no trailing `-`)"
        )
    if import_name(name) in RESERVED_NAMES:
        what = "the standard library's name" if name == "std" else "a reserved word of Aura"
        return f"invalid package name {name!r}: it is {what}"
    return None


@dataclass(frozen=True, slots=True)
class Dependency:
    """One entry of ``[dependencies]`` or ``[dev-dependencies]``.

    A registry dependency has a ``requirement``; a path dependency has a ``path``
    (relative to the manifest's directory, as written) and may also have a
    ``requirement`` that the package found there must satisfy.
    """

    name: str
    requirement: Requirement | None = None
    path: str | None = None

    @property
    def import_name(self) -> str:
        return import_name(self.name)

    @property
    def is_path(self) -> bool:
        return self.path is not None


@dataclass(frozen=True, slots=True)
class PackageMetadata:
    """The ``[package]`` table."""

    name: str
    version: Version
    edition: str = DEFAULT_EDITION
    aura: Requirement | None = None
    description: str | None = None
    license: str | None = None
    authors: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    #: The registry the project's dependencies come from (``docs/reference/registries.md``).
    registry: str | None = None


@dataclass(frozen=True, slots=True)
class Manifest:
    """A loaded ``aura.toml``.  Dependencies are sorted by name.

    ``warnings`` (unknown keys) and ``file`` describe where the data came from
    and take no part in equality.
    """

    package: PackageMetadata
    dependencies: tuple[Dependency, ...] = ()
    dev_dependencies: tuple[Dependency, ...] = ()
    file: str = field(default=MANIFEST_FILE, compare=False)
    warnings: tuple[PackageWarning, ...] = field(default=(), compare=False)

    @property
    def name(self) -> str:
        return self.package.name

    @property
    def version(self) -> Version:
        return self.package.version

    def dependency(self, name: str, *, dev: bool = False) -> Dependency | None:
        """The dependency called ``name`` (``-`` and ``_`` alike), or None."""
        wanted = import_name(name)
        for dep in self.dev_dependencies if dev else self.dependencies:
            if dep.import_name == wanted:
                return dep
        return None

    def registry_dependencies(self) -> dict[str, str]:
        """Name -> requirement text of the non-dev registry dependencies.

        This is what a publisher signs and the index lists; path dependencies
        have no place in it.
        """
        return {
            d.name: str(d.requirement)
            for d in self.dependencies
            if d.path is None and d.requirement is not None
        }


class _Reader:
    """Validates parsed manifest data, reporting places through a lazy Locator."""

    def __init__(self, text: str, file: str) -> None:
        self.places = Places(text, file)
        self.warnings: list[tuple[KeyPath, str]] = []

    def error(self, path: KeyPath, message: str, code: str | None = None) -> ManifestError:
        return self.places.error(ManifestError, path, message, code)

    def finished_warnings(self) -> tuple[PackageWarning, ...]:
        out = []
        for path, message in self.warnings:
            line, column, key = self.places.place(path)
            out.append(PackageWarning(message, self.places.file, line, column, key))
        out.sort(key=lambda w: (w.line or 0, w.column or 0))
        return tuple(out)

    def check_keys(self, table: Mapping[str, Any], path: KeyPath, known: tuple[str, ...]) -> None:
        for k in table:
            if k not in known:
                close = difflib.get_close_matches(k.replace("_", "-"), known, n=1)
                hint = f" (did you mean `{close[0]}`?)" if close else ""
                self.warnings.append(((*path, k), f"unknown key `{k}`{hint}, ignored"))

    def table(self, value: Any, path: KeyPath) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.error(path, f"expected a table, found {_kind(value)}")
        return value

    def string(self, value: Any, path: KeyPath) -> str:
        if not isinstance(value, str):
            raise self.error(path, f"expected a string, found {_kind(value)}")
        return value

    def strings(self, value: Any, path: KeyPath) -> tuple[str, ...]:
        if not isinstance(value, list):
            raise self.error(path, f"expected an array of strings, found {_kind(value)}")
        return tuple(self.string(v, (*path, i)) for i, v in enumerate(value))

    def optional(
        self, table: Mapping[str, Any], key: str, path: KeyPath, read: Callable[[Any, KeyPath], Any]
    ) -> Any:
        return read(table[key], (*path, key)) if key in table else None

    def version(self, value: Any, path: KeyPath) -> Version:
        text = self.string(value, path)
        try:
            return Version.parse(text)
        except VersionError as exc:
            raise self.error(path, f"invalid version {text!r}: {exc}") from None

    def requirement(self, value: Any, path: KeyPath) -> Requirement:
        text = self.string(value, path)
        try:
            return Requirement.parse(text)
        except RequirementError as exc:
            raise self.error(path, f"invalid version requirement {text!r}: {exc}") from None

    def name(self, value: Any, path: KeyPath) -> str:
        text = self.string(value, path)
        problem = check_package_name(text)
        if problem is not None:
            raise self.error(path, problem, CODE_PACKAGE_NAME)
        return text

    def package(self, value: Any) -> PackageMetadata:
        path: KeyPath = ("package",)
        table = self.table(value, path)
        self.check_keys(table, path, _PACKAGE_KEYS)
        for required in ("name", "version"):
            if required not in table:
                raise self.error(path, f"missing `package.{required}`")
        edition = self.optional(table, "edition", path, self.string)
        if edition is not None and edition not in EDITIONS:
            known = ", ".join(f'"{e}"' for e in EDITIONS)
            raise self.error((*path, "edition"), f"unknown edition {edition!r} (known: {known})")
        if "metadata" in table:
            self.table(table["metadata"], (*path, "metadata"))
        return PackageMetadata(
            name=self.name(table["name"], (*path, "name")),
            version=self.version(table["version"], (*path, "version")),
            edition=edition or DEFAULT_EDITION,
            aura=self.optional(table, "aura", path, self.requirement),
            description=self.optional(table, "description", path, self.string),
            license=self.optional(table, "license", path, self.string),
            authors=self.optional(table, "authors", path, self.strings) or (),
            keywords=self.optional(table, "keywords", path, self.strings) or (),
            registry=self.optional(table, "registry", path, self.string),
        )

    def dependencies(self, value: Any, key: str, own_name: str) -> tuple[Dependency, ...]:
        table = self.table(value, (key,))
        out = []
        for name, spec in table.items():
            path: KeyPath = (key, name)
            problem = check_package_name(name)
            if problem is not None:
                raise self.error(path, problem, CODE_PACKAGE_NAME)
            if name == own_name:
                raise self.error(path, f"package `{name}` cannot depend on itself")
            out.append(self.dependency(name, spec, path))
        return tuple(sorted(out, key=lambda d: d.name))

    def dependency(self, name: str, spec: Any, path: KeyPath) -> Dependency:
        if isinstance(spec, str):
            return Dependency(name, requirement=self.requirement(spec, path))
        if not isinstance(spec, dict):
            raise self.error(
                path,
                f"expected a version requirement string or a table, found {_kind(spec)}",
            )
        self.check_keys(spec, path, _DEPENDENCY_KEYS)
        if "version" not in spec and "path" not in spec:
            raise self.error(path, f"dependency `{name}` needs a `version` or a `path`")
        dep_path = self.optional(spec, "path", path, self.string)
        if dep_path is not None and not dep_path.strip():
            raise self.error((*path, "path"), "empty path")
        requirement = self.optional(spec, "version", path, self.requirement)
        return Dependency(name, requirement=requirement, path=dep_path)


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a float"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "a table"
    return "a date or time"


def parse_manifest(text: str, file: str = MANIFEST_FILE) -> Manifest:
    """Validate the text of a manifest; ``file`` is the name errors report."""
    reader = _Reader(text, file)
    data = parse_toml(text, file, ManifestError)
    reader.check_keys(data, (), _TOP_KEYS)
    if "package" not in data:
        raise ManifestError("missing the `[package]` table", file=file)
    package = reader.package(data["package"])
    deps = {
        key: reader.dependencies(data[key], key, package.name) if key in data else ()
        for key in ("dependencies", "dev-dependencies")
    }
    return Manifest(
        package,
        deps["dependencies"],
        deps["dev-dependencies"],
        file=file,
        warnings=reader.finished_warnings(),
    )


def _read_text(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise ManifestError("no such file", file=str(path), code=CODE_IO) from None
    except UnicodeDecodeError as exc:
        raise ManifestError(
            f"not valid UTF-8 (byte {exc.start})", file=str(path), code=CODE_TOML_SYNTAX
        ) from None
    except OSError as exc:
        raise ManifestError(
            f"cannot read: {exc.strerror or exc}", file=str(path), code=CODE_IO
        ) from None


def load_manifest(path: Path | str) -> Manifest:
    """Read and validate ``aura.toml`` (or the manifest in directory ``path``)."""
    p = Path(path)
    if p.is_dir():
        p = p / MANIFEST_FILE
    return parse_manifest(_read_text(p), str(p))


def _edit(path: Path | str, change: Callable[[tomlkit.TOMLDocument, str], None]) -> Manifest:
    """Apply ``change`` to the tomlkit document of a manifest; validate; write atomically."""
    p = Path(path)
    if p.is_dir():
        p = p / MANIFEST_FILE
    text = _read_text(p)
    if text and not text.endswith("\n"):
        text += "\n"
    try:
        doc = tomlkit.parse(text)
    except tomlkit.exceptions.ParseError as exc:
        message = str(exc).split(" at line ")[0]
        raise ManifestError(
            f"invalid TOML: {message[:1].lower()}{message[1:]}",
            file=str(p),
            line=exc.line,
            column=exc.col,
            code=CODE_TOML_SYNTAX,
        ) from None
    except tomlkit.exceptions.TOMLKitError as exc:
        parse_toml(text, str(p), ManifestError)  # tomllib places the error
        raise ManifestError(f"invalid TOML: {exc}", file=str(p), code=CODE_TOML_SYNTAX) from None
    change(doc, str(p))
    new_text = tomlkit.dumps(doc)
    manifest = parse_manifest(new_text, str(p))
    atomic_write(p, new_text.encode("utf-8"), mode=None)
    return manifest


def add_dependency(
    path: Path | str, name: str, requirement: str | PurePath, *, dev: bool = False
) -> Manifest:
    """Add or replace dependency ``name`` in ``[dependencies]`` (``[dev-dependencies]``).

    A ``str`` is a version requirement (``"^1.2"``); a :class:`PurePath` makes a
    path dependency.  Returns the manifest as written.
    """
    problem = check_package_name(name)
    if problem is not None:
        raise ManifestError(problem, file=str(path), code=CODE_PACKAGE_NAME)
    if isinstance(requirement, PurePath):
        snippet = f"x = {{ path = {toml_string(requirement.as_posix())} }}"
    else:
        text = requirement.strip()
        try:
            Requirement.parse(text)
        except RequirementError as exc:
            raise ManifestError(
                f"invalid version requirement {text!r}: {exc}", file=str(path)
            ) from None
        snippet = f"x = {toml_string(text)}"
    value = tomlkit.parse(snippet + "\n")["x"]
    key = "dev-dependencies" if dev else "dependencies"

    def change(doc: tomlkit.TOMLDocument, file: str) -> None:
        if key not in doc:
            doc[key] = tomlkit.table()
        table = doc[key]
        if not isinstance(table, dict):
            raise ManifestError(f"`{key}` is not a table", file=file, key=key)
        for existing in list(table):
            if import_name(existing) == import_name(name) and existing != name:
                del table[existing]
        table[name] = value

    return _edit(path, change)


def set_registry(path: Path | str, url: str) -> Manifest:
    """Set ``package.registry`` (the project's registry) to ``url``; the manifest as written."""
    value = tomlkit.parse(f"x = {toml_string(url)}\n")["x"]

    def change(doc: tomlkit.TOMLDocument, file: str) -> None:
        table = doc.get("package")
        if not isinstance(table, dict):
            raise ManifestError("`package` is not a table", file=file, key="package")
        table["registry"] = value

    return _edit(path, change)


def remove_dependency(path: Path | str, name: str) -> Manifest:
    """Remove ``name`` from ``[dependencies]`` and ``[dev-dependencies]``.

    An error when it is in neither.  Returns the manifest as written.
    """

    def change(doc: tomlkit.TOMLDocument, file: str) -> None:
        found = False
        for key in ("dependencies", "dev-dependencies"):
            table = doc.get(key)
            if not isinstance(table, (dict, Table)):
                continue
            for existing in list(table):
                if import_name(existing) == import_name(name):
                    del table[existing]
                    found = True
        if not found:
            raise ManifestError(f"no dependency named `{name}`", file=file)

    return _edit(path, change)
