"""A registry's index documents, read strictly, and the errors of registries.

``GET /api/v1/index/{name}`` (``index/NAME.json`` in a file registry) lists every
version of a package with what a client needs to choose and to verify it.  It
comes from the network, so it is checked field by field before anything uses
it; a malformed document is an error naming the registry, the package and the
field, never a crash later.  Dependencies keep the exact requirement text of
the index, because the publisher's signature covers that text.

:class:`IndexSource` lets the resolver read a registry.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aura_pkg.errors import CODE_IO, PackageError
from aura_pkg.manifest import check_package_name
from aura_pkg.signing import statement
from aura_pkg.versions import Requirement, RequirementError, Version, VersionError

if TYPE_CHECKING:
    # An index source is backed by a registry, which serves index documents: a
    # cycle of annotations only.
    from aura_pkg.registry.base import Registry

__all__ = [
    "IndexSource",
    "OfflineError",
    "PackageIndex",
    "RegistryError",
    "UnknownPackageError",
    "Verification",
    "VersionEntry",
    "parse_index",
    "parse_verification",
]

_CHECKSUM = re.compile(r"sha256:[0-9a-f]{64}")
_KEY_ID = re.compile(r"[0-9a-f]{64}")


class RegistryError(PackageError):
    """The registry cannot be reached, refuses a request or answers something malformed."""

    default_code = CODE_IO


class UnknownPackageError(RegistryError):
    """The registry has no package (or no version) of that name."""


class OfflineError(RegistryError):
    """``--offline`` and the cache lacks something; the message says exactly what."""


@dataclass(frozen=True, slots=True)
class Verification:
    """The verification summary a publisher recorded: cells by status, tool versions.

    It is the registry's statement, not covered by the publisher's signature.
    """

    cells: Mapping[str, int]
    verifier: str | None = None
    solver: str | None = None

    @property
    def complete(self) -> bool:
        """Whether every cell was verified (no cell has another status)."""
        return all(count == 0 for status, count in self.cells.items() if status != "verified")

    def summary(self) -> str:
        """``"1 unverified, 4 verified"``: the statuses that have cells, by name."""
        return ", ".join(f"{n} {s}" for s, n in sorted(self.cells.items()) if n) or "no cells"

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"cells": dict(self.cells)}
        if self.verifier is not None:
            out["verifier"] = self.verifier
        if self.solver is not None:
            out["solver"] = self.solver
        return out


@dataclass(frozen=True, slots=True)
class VersionEntry:
    """One version in a package's index.

    ``removed`` is the reason an administrator gave for removing the version
    (it stays in the log, but clients refuse it); None when it was not removed.
    """

    version: Version
    dependencies: Mapping[str, str]
    checksum: str
    signature: str
    key_id: str
    log_index: int
    published_at: str | None = None
    yanked: bool = False
    removed: str | None = None
    verification: Verification | None = None

    def statement(self, name: str) -> dict[str, Any]:
        """The statement the publisher signed and the log holds."""
        return statement(name, self.version, self.checksum, self.dependencies)

    def requirements(self) -> dict[str, Requirement]:
        return {n: Requirement.parse(r) for n, r in self.dependencies.items()}

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "checksum": self.checksum,
            "dependencies": dict(sorted(self.dependencies.items())),
            "key_id": self.key_id,
            "log_index": self.log_index,
            "published_at": self.published_at,
            "signature": self.signature,
            "version": str(self.version),
            "yanked": self.yanked,
        }
        if self.removed is not None:
            out["removed"] = {"reason": self.removed}
        if self.verification is not None:
            out["verification"] = self.verification.to_json()
        return out


@dataclass(frozen=True, slots=True)
class PackageIndex:
    """Every version of one package, oldest first."""

    name: str
    versions: tuple[VersionEntry, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "versions", tuple(sorted(self.versions, key=lambda e: e.version)))

    def get(self, version: Version) -> VersionEntry | None:
        return next((e for e in self.versions if e.version == version), None)

    def installable(self) -> tuple[Version, ...]:
        """Versions a resolution may choose, newest first: neither yanked nor removed."""
        return tuple(
            e.version for e in reversed(self.versions) if not e.yanked and e.removed is None
        )

    def with_entry(self, entry: VersionEntry) -> PackageIndex:
        """The index with ``entry`` added or replacing the entry of its version."""
        others = tuple(e for e in self.versions if e.version != entry.version)
        return PackageIndex(self.name, (*others, entry))

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "versions": [e.to_json() for e in self.versions]}


class _Reader:
    def __init__(self, name: str, registry: str) -> None:
        self.name = name
        self.registry = registry

    def fail(self, where: str, problem: str) -> RegistryError:
        return RegistryError(
            f"registry {self.registry} sent a malformed index: `{where}`: {problem}",
            package=self.name,
        )

    def get(self, table: Mapping[str, Any], key: str, where: str, kind: type) -> Any:
        value = table.get(key)
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            found = "nothing" if value is None else type(value).__name__
            raise self.fail(f"{where}.{key}", f"expected {kind.__name__}, found {found}")
        return value

    def dependencies(self, value: Any, where: str) -> dict[str, str]:
        if not isinstance(value, dict):
            raise self.fail(where, "expected an object of requirements")
        for dep, text in value.items():
            if check_package_name(dep) is not None or not isinstance(text, str):
                raise self.fail(f"{where}.{dep}", "expected a package name and a requirement")
            try:
                Requirement.parse(text)
            except RequirementError as exc:
                raise self.fail(f"{where}.{dep}", str(exc)) from None
        return dict(value)

    def verification(self, value: Any, where: str) -> Verification | None:
        if value is None:
            return None
        cells = value.get("cells") if isinstance(value, dict) else None
        if not isinstance(cells, dict) or not all(
            isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in cells.values()
        ):
            raise self.fail(where, "expected `cells`, counts of cells by status")
        tools = [value.get(k) for k in ("verifier", "solver")]
        if not all(t is None or isinstance(t, str) for t in tools):
            raise self.fail(where, "`verifier` and `solver` are strings")
        return Verification(dict(cells), tools[0], tools[1])

    def entry(self, item: Any, where: str) -> VersionEntry:
        if not isinstance(item, dict):
            raise self.fail(where, "expected an object")
        text = self.get(item, "version", where, str)
        try:
            version = Version.parse(text)
        except VersionError as exc:
            raise self.fail(f"{where}.version", str(exc)) from None
        checksum = self.get(item, "checksum", where, str)
        if not _CHECKSUM.fullmatch(checksum):
            raise self.fail(f"{where}.checksum", "expected `sha256:` and 64 lowercase hex digits")
        key_id = self.get(item, "key_id", where, str)
        if not _KEY_ID.fullmatch(key_id):
            raise self.fail(f"{where}.key_id", "expected 64 lowercase hex digits")
        log_index = self.get(item, "log_index", where, int)
        if log_index < 0:
            raise self.fail(f"{where}.log_index", "a log index is >= 0")
        published = item.get("published_at")
        if published is not None and not isinstance(published, str):
            raise self.fail(f"{where}.published_at", "expected a string")
        yanked = item.get("yanked", False)
        if not isinstance(yanked, bool):
            raise self.fail(f"{where}.yanked", "expected true or false")
        removed = item.get("removed")
        reason: str | None = None
        if removed is not None:
            reason = removed.get("reason") if isinstance(removed, dict) else None
            if not isinstance(reason, str):
                raise self.fail(f"{where}.removed", "expected an object with a `reason`")
        return VersionEntry(
            version,
            self.dependencies(item.get("dependencies", {}), f"{where}.dependencies"),
            checksum,
            self.get(item, "signature", where, str),
            key_id,
            log_index,
            published,
            yanked,
            reason,
            self.verification(item.get("verification"), f"{where}.verification"),
        )


def parse_index(document: Any, name: str, registry: str) -> PackageIndex:
    """Check and read the index document of ``name`` sent by ``registry``."""
    reader = _Reader(name, registry)
    if not isinstance(document, dict):
        raise reader.fail("", "expected a JSON object")
    if document.get("name") != name:
        raise reader.fail("name", f"the document is about {document.get('name')!r}")
    items = document.get("versions")
    if not isinstance(items, list):
        raise reader.fail("versions", "expected an array")
    entries = [reader.entry(item, f"versions[{i}]") for i, item in enumerate(items)]
    seen: set[Version] = set()
    for i, e in enumerate(entries):
        if e.version in seen:
            raise reader.fail(f"versions[{i}]", f"version {e.version} is listed twice")
        seen.add(e.version)
    return PackageIndex(name, tuple(entries))


def parse_verification(value: Any, name: str, registry: str) -> Verification | None:
    """Check and read a verification summary (None stays None)."""
    return _Reader(name, registry).verification(value, "verification")


@dataclass
class IndexSource:
    """A resolver's :class:`aura_pkg.resolver.PackageSource` reading a registry.

    Each package's index is fetched once per resolution (the solver asks again
    after backtracking).  An unknown package has no versions, which the
    resolver reports with the requirement that asked for it; other registry
    errors propagate.
    """

    registry: Registry
    _indexes: dict[str, PackageIndex | None] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def index(self, name: str) -> PackageIndex | None:
        with self._lock:
            if name in self._indexes:
                return self._indexes[name]
        try:
            found: PackageIndex | None = self.registry.index(name)
        except UnknownPackageError:
            found = None
        with self._lock:
            self._indexes[name] = found
        return found

    def versions(self, name: str) -> Sequence[Version]:
        index = self.index(name)
        return index.installable() if index is not None else ()

    def dependencies(self, name: str, version: Version) -> Mapping[str, Requirement]:
        index = self.index(name)
        entry = index.get(version) if index is not None else None
        if entry is None or entry.removed is not None:
            raise LookupError(f"{name} {version}")
        return entry.requirements()
