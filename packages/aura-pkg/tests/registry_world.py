"""A small world for registry and installer tests: a file registry, a publisher, projects.

Loaded by the test modules with :func:`load` (pytest's importlib mode puts no
test directory on ``sys.path``).  Everything lives under the test's ``tmp_path``;
the cache is always an explicit directory there, never the user's.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aura_pkg.archive import archive_filename, build_archive, checksum
from aura_pkg.cache import Cache
from aura_pkg.installer import lock_from_resolution
from aura_pkg.lockfile import Lockfile
from aura_pkg.manifest import load_manifest
from aura_pkg.merkle import TreeHead, leaf_hash, root_hash
from aura_pkg.registry import Credentials
from aura_pkg.registry.file import FileRegistry, init_file_registry
from aura_pkg.registry.index import IndexSource, VersionEntry
from aura_pkg.resolver import resolve
from aura_pkg.signing import (
    PrivateKey,
    PublicKey,
    canonical_json,
    generate_key,
    read_private_key,
    sign_document,
    sign_statement,
    statement,
)
from aura_pkg.versions import Requirement, Version


def manifest_text(
    name: str, version: str, deps: Mapping[str, str] | None = None, extra: str = ""
) -> str:
    lines = [
        "[package]",
        f'name = "{name}"',
        f'version = "{version}"',
        f'description = "The {name} package"',
        extra,
        "",
        "[dependencies]",
    ]
    for dep, req in sorted((deps or {}).items()):
        lines.append(f'{dep} = "{req}"' if not req.startswith("{") else f"{dep} = {req}")
    return "\n".join(lines) + "\n"


def write_package(
    directory: Path,
    name: str,
    version: str,
    deps: Mapping[str, str] | None = None,
    *,
    app: bool = False,
) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "aura.toml").write_text(manifest_text(name, version, deps), encoding="utf-8")
    (directory / "src").mkdir(exist_ok=True)
    root = "main.aura" if app else "lib.aura"
    (directory / "src" / root).write_text(f"# {name} {version}\n", encoding="utf-8")
    return directory


@dataclass
class World:
    tmp: Path
    registry_path: Path
    cache: Cache
    root_key: PublicKey
    publisher: PrivateKey

    @property
    def url(self) -> str:
        return self.registry_path.resolve().as_uri()

    def registry(self, *, offline: bool = False, cache: Cache | None = None) -> FileRegistry:
        return FileRegistry.at(self.registry_path, cache or self.cache, offline=offline)

    def publish(
        self,
        name: str,
        version: str,
        deps: Mapping[str, str] | None = None,
        *,
        key: PrivateKey | None = None,
        verification: Mapping[str, object] | None = None,
    ) -> VersionEntry:
        source = write_package(self.tmp / "src-pkgs" / f"{name}-{version}", name, version, deps)
        archive = build_archive(source)
        manifest = load_manifest(source)
        signer = key or self.publisher
        signature = sign_statement(
            signer, name, version, archive.checksum, manifest.registry_dependencies()
        )
        return self.registry().publish(
            archive.data,
            signature,
            signer.public_key().key_id,
            verification=verification,
            published_at="2026-01-01T00:00:00Z",
        )

    # -- what a careless or malicious registry could do (the registry's own checks skipped)

    def root_private(self) -> PrivateKey:
        return read_private_key(self.registry_path / ".root-key")

    def log_entries(self) -> list[bytes]:
        return [
            e for e in (self.registry_path / "log/entries.jsonl").read_bytes().split(b"\n") if e
        ]

    def write_log(self, entries: list[bytes]) -> None:
        """Replace the log and sign a head over it with the root key."""
        (self.registry_path / "log/entries.jsonl").write_bytes(b"".join(e + b"\n" for e in entries))
        head = TreeHead(root_hash([leaf_hash(e) for e in entries]), len(entries))
        write_json(self.registry_path / "log/head.json", head.signed(self.root_private()).to_json())

    def index_doc(self, name: str) -> dict[str, Any]:
        path = self.registry_path / "index" / f"{name}.json"
        if not path.exists():
            return {"name": name, "versions": []}
        doc: dict[str, Any] = json.loads(path.read_bytes())
        return doc

    def edit_version(self, name: str, version: str, **changes: Any) -> None:
        """Change fields of a version's index entry in place."""
        doc = self.index_doc(name)
        for entry in doc["versions"]:
            if entry["version"] == version:
                entry.update(changes)
        write_json(self.registry_path / "index" / f"{name}.json", doc)

    def edit_keys(
        self, change: Callable[[dict[str, Any]], None], signer: PrivateKey | None = None
    ) -> None:
        """Change the key list's entries and sign it again (with the root key by default)."""
        doc = json.loads((self.registry_path / "keys.json").read_bytes())
        doc.pop("signature")
        for entry in doc["keys"]:
            change(entry)
        write_json(
            self.registry_path / "keys.json", sign_document(signer or self.root_private(), doc)
        )

    def forge(
        self,
        name: str,
        version: str,
        archive: bytes,
        dependencies: Mapping[str, str] | None = None,
        *,
        key: PrivateKey | None = None,
    ) -> None:
        """Add a version with a correct signature and log entry but no check of its archive."""
        deps = dict(dependencies or {})
        digest = checksum(archive)
        signer = key or self.publisher
        (self.registry_path / "archives" / archive_filename(name, version)).write_bytes(archive)
        entries = self.log_entries()
        entries.append(canonical_json(statement(name, version, digest, deps)))
        self.write_log(entries)
        doc = self.index_doc(name)
        doc["versions"].append(
            {
                "version": version,
                "dependencies": deps,
                "checksum": digest,
                "signature": sign_statement(signer, name, version, digest, deps),
                "key_id": signer.public_key().key_id,
                "log_index": len(entries) - 1,
                "published_at": "2026-01-01T00:00:00Z",
                "yanked": False,
            }
        )
        write_json(self.registry_path / "index" / f"{name}.json", doc)

    def project(self, name: str, deps: Mapping[str, str]) -> Path:
        return write_package(self.tmp / name, name, "0.1.0", deps, app=True)

    def lock(self, project: Path, registry: FileRegistry | None = None) -> Lockfile:
        """Resolve the project's dependencies against the registry and lock them."""
        reg = registry or self.registry()
        manifest = load_manifest(project)
        reqs = {d.name: d.requirement or Requirement.any() for d in manifest.dependencies}
        resolution = resolve(IndexSource(reg), manifest.name, manifest.version, reqs)
        return lock_from_resolution(resolution, reg)


def write_json(path: Path, value: Any) -> None:
    path.write_text(json.dumps(value, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def snapshot(root: Path) -> dict[str, bytes | None]:
    """Every file (with its bytes) and directory under ``root``, except lock files."""
    out: dict[str, bytes | None] = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if path.name == ".install-lock":
            continue
        out[rel] = path.read_bytes() if path.is_file() else None
    return out


def make_world(tmp: Path, *, owner: str = "ada") -> World:
    registry_path = tmp / "registry"
    root_key = init_file_registry(registry_path)
    private, public = generate_key()
    cache = Cache(tmp / "cache")
    world = World(tmp, registry_path, cache, root_key, private)
    world.registry().register_key(public, Credentials(owner=owner))
    return world


def version(text: str) -> Version:
    return Version.parse(text)
