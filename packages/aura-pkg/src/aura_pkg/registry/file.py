"""A registry in a directory: the protocol's documents as files (``file:///PATH``).

A file registry is for local work and tests: publishing into it and installing
from it need no server, and it runs the same checks as an HTTP registry because
it serves the same signed documents.  The layout (``docs/reference/registries.md``)::

    registry.json                {"format": "aura-file-registry", "version": 1}
    root-key.json                the root public key (a public key file)
    .root-key                    the root private key, mode 0600 (unless kept elsewhere)
    keys.json                    the key list, signed by the root key
    index/NAME.json              the index document of NAME
    archives/NAME-VERSION.tar.gz the archives, as published
    packages/NAME.json           name, description, keywords, newest version (for search)
    log/entries.jsonl            the transparency log: line i is entry i's statement
    log/head.json                the signed tree head of the whole log
    .lock                        taken while writing

Writers hold ``.lock`` and write each file atomically, in an order that keeps
the registry readable at every step: archive, log entry, tree head, then the
index entry that points at them.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aura_pkg._files import exclusive_lock, write_atomic
from aura_pkg.archive import archive_filename, archive_identity, checksum, read_archive_manifest
from aura_pkg.cache import Cache
from aura_pkg.errors import ArchiveError, TrustError
from aura_pkg.manifest import Manifest
from aura_pkg.merkle import TreeHead, consistency_proof, inclusion_proof, leaf_hash, root_hash
from aura_pkg.registry.base import (
    Credentials,
    Document,
    Fetched,
    KeyExistsError,
    OfflineError,
    Registry,
    RegistryError,
    UnknownPackageError,
    file_registry_path,
    file_registry_url,
)
from aura_pkg.registry.index import PackageIndex, VersionEntry, parse_index, parse_verification
from aura_pkg.signing import (
    KeyEntry,
    KeyList,
    PrivateKey,
    PublicKey,
    canonical_json,
    generate_key,
    read_private_key,
    read_public_key,
    verify_statement,
    write_private_key,
    write_public_key,
)
from aura_pkg.versions import Version

__all__ = ["ROOT_KEY_FILE", "FileRegistry", "init_file_registry"]

ROOT_KEY_FILE = ".root-key"
_FORMAT = {"format": "aura-file-registry", "version": 1}
_PER_PAGE = 20


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def init_file_registry(path: Path | str, *, root_key_file: Path | None = None) -> PublicKey:
    """Create an empty registry in ``path`` (absent or empty) with a fresh root key.

    The private key goes to ``root_key_file`` (default ``PATH/.root-key``, mode
    0600); the public key, returned, to ``PATH/root-key.json``.
    """
    root = Path(path).resolve()
    if root.exists() and any(root.iterdir()):
        what = "is already a registry" if (root / "registry.json").exists() else "is not empty"
        raise RegistryError(f"cannot create a registry in {root}: the directory {what}")
    for sub in ("index", "archives", "packages", "log"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    private, public = generate_key()
    write_private_key(root_key_file or root / ROOT_KEY_FILE, private)
    write_public_key(root / "root-key.json", public)
    _write_json(root / "keys.json", KeyList().signed(private))
    (root / "log" / "entries.jsonl").write_bytes(b"")
    _write_json(root / "log" / "head.json", TreeHead(root_hash([]), 0).signed(private).to_json())
    _write_json(root / "registry.json", _FORMAT)
    return public


def _write_json(path: Path, value: Mapping[str, Any]) -> None:
    write_atomic(path, json.dumps(value, indent=2, sort_keys=True).encode() + b"\n", durable=True)


class FileRegistry(Registry):
    """A registry directory, read and written directly.  See the module documentation."""

    def __init__(
        self, url: str, cache: Cache, *, offline: bool = False, root_key_file: Path | None = None
    ) -> None:
        super().__init__(url, cache, offline=offline)
        self.path = file_registry_path(self.url)
        self.root_key_file = root_key_file or self.path / ROOT_KEY_FILE
        self._leaves_lock = threading.Lock()
        self._leaves: tuple[tuple[int, int], list[bytes], list[bytes]] | None = None

    @classmethod
    def at(cls, path: Path | str, cache: Cache, **options: Any) -> FileRegistry:
        return cls(file_registry_url(path), cache, **options)

    # -- reading ----------------------------------------------------------------

    def _read(self, relative: str, what: str, package: str | None = None) -> bytes | None:
        """A file of the registry, or None when it is missing from an existing registry."""
        try:
            return (self.path / relative).read_bytes()
        except FileNotFoundError:
            if not (self.path / "registry.json").is_file():
                raise RegistryError(
                    f"registry {self.url} does not exist (no registry.json in {self.path})",
                    package=package,
                ) from None
            return None
        except OSError as exc:
            raise RegistryError(
                f"cannot read {what} from registry {self.url}: {exc.strerror or exc}",
                package=package,
            ) from None

    def _required(self, relative: str, what: str) -> bytes:
        data = self._read(relative, what)
        if data is None:
            raise RegistryError(f"registry {self.url} is damaged: {relative} is missing")
        return data

    def _log(self) -> tuple[list[bytes], list[bytes]]:
        """The log's entries (statement bytes) and their leaf hashes, re-read when changed."""
        path = self.path / "log" / "entries.jsonl"
        try:
            st = path.stat()
        except OSError as exc:
            raise RegistryError(
                f"cannot read the log of registry {self.url}: {exc.strerror or exc}"
            ) from None
        stamp = (st.st_mtime_ns, st.st_size)
        with self._leaves_lock:
            if self._leaves is not None and self._leaves[0] == stamp:
                return self._leaves[1], self._leaves[2]
            data = self._required("log/entries.jsonl", "the log")
            entries = [line for line in data.split(b"\n") if line]
            leaves = [leaf_hash(e) for e in entries]
            self._leaves = (stamp, entries, leaves)
            return entries, leaves

    def _fetch(self, document: Document, etag: str | None) -> Fetched | None:
        kind = document.kind
        if kind in ("inclusion", "consistency"):
            return Fetched(json.dumps(self._proof(document)).encode())
        relative = {
            "index": f"index/{document.name}.json",
            "keys": "keys.json",
            "root-key": "root-key.json",
            "head": "log/head.json",
        }[kind]
        if kind != "index":
            return Fetched(self._required(relative, document.describe()))
        data = self._read(relative, document.describe(), document.name)
        if data is None:
            raise UnknownPackageError(
                f"no package named `{document.name}` in registry {self.url}",
                package=document.name,
            )
        return Fetched(data)

    def _proof(self, document: Document) -> dict[str, Any]:
        _, leaves = self._log()
        first, size = document.first, document.second
        if size > len(leaves) or (document.kind == "inclusion" and first >= size):
            raise RegistryError(
                f"registry {self.url} cannot give {document.describe()}: "
                f"its log has {len(leaves)} entries"
            )
        if document.kind == "inclusion":
            return inclusion_proof(leaves[:size], first).to_json()
        return consistency_proof(leaves[:size], first).to_json()

    def _fetch_archive(self, name: str, version: Version) -> bytes:
        package = f"{name} {version}"
        data = self._read(f"archives/{archive_filename(name, version)}", "the archive", package)
        if data is not None:
            return data
        if not (self.path / "index" / f"{name}.json").exists():
            raise UnknownPackageError(
                f"no package named `{name}` in registry {self.url}", package=name
            )
        raise UnknownPackageError(
            f"registry {self.url} has no archive of this version", package=package
        )

    def _fetch_search(self, text: str, page: int) -> bytes:
        needle = text.strip().lower()
        ranked = []
        for path in sorted((self.path / "packages").glob("*.json")):
            try:
                meta = json.loads(path.read_bytes())
            except (OSError, ValueError):
                continue
            name = str(meta.get("name", ""))
            words = " ".join([str(meta.get("description") or ""), *meta.get("keywords", [])])
            if name == needle:
                rank = 0
            elif name.startswith(needle):
                rank = 1
            elif needle in name:
                rank = 2
            elif needle in words.lower():
                rank = 3
            else:
                continue
            ranked.append((rank, name, meta))
        ranked.sort(key=lambda r: (r[0], r[1]))
        start = (max(page, 1) - 1) * _PER_PAGE
        hits = [
            {
                "description": m.get("description") or "",
                "downloads": 0,
                "name": n,
                "version": m.get("version", ""),
            }
            for _, n, m in ranked[start : start + _PER_PAGE]
        ]
        return json.dumps({"packages": hits, "page": page, "total": len(ranked)}).encode()

    # -- writing ------------------------------------------------------------------

    def _root_private(self) -> PrivateKey:
        if self.offline:
            raise OfflineError(f"offline: writing needs registry {self.url}")
        private = read_private_key(self.root_key_file)
        if private.public_key() != read_public_key(self.path / "root-key.json"):
            raise TrustError(
                f"{self.root_key_file} is not the private key of registry {self.url}'s root key"
            )
        return private

    def _keys(self) -> KeyList:
        document = json.loads(self._required("keys.json", "the key list"))
        return KeyList.from_document(document, read_public_key(self.path / "root-key.json"))

    def _index_or_empty(self, name: str) -> PackageIndex:
        path = self.path / "index" / f"{name}.json"
        if not path.exists():
            return PackageIndex(name)
        return parse_index(json.loads(path.read_bytes()), name, self.url)

    def _write_index(self, index: PackageIndex, manifest: Manifest | None = None) -> None:
        """Write the index document and the search metadata beside it."""
        _write_json(self.path / "index" / f"{index.name}.json", index.to_json())
        meta_path = self.path / "packages" / f"{index.name}.json"
        meta: dict[str, Any] = {"keywords": [], "description": ""}
        if meta_path.exists():
            meta.update(json.loads(meta_path.read_bytes()))
        if manifest is not None:
            meta["description"] = manifest.package.description or ""
            meta["keywords"] = list(manifest.package.keywords)
        newest = index.installable()
        meta.update(name=index.name, version=str(newest[0]) if newest else "")
        _write_json(meta_path, meta)

    def publish(
        self,
        archive: bytes,
        signature: str,
        key_id: str,
        *,
        verification: Mapping[str, Any] | None = None,
        token: str | None = None,
        published_at: str | None = None,
    ) -> VersionEntry:
        """Add a signed version: archive, log entry, new tree head, index entry.

        Refused when the version exists, when the archive is malformed or holds
        a path dependency, or when ``key_id`` is not a key of the key list valid
        at the new log index whose signature covers the archive's statement.
        """
        name, version = archive_identity(archive)
        package = f"{name} {version}"
        manifest = read_archive_manifest(archive, name, version)
        if manifest.name != name or manifest.version != version:
            raise ArchiveError(
                f"the archive's aura.toml says {manifest.name} {manifest.version}", package=package
            )
        if any(d.path is not None for d in manifest.dependencies):
            raise ArchiveError("a path dependency cannot be published", package=package)
        dependencies = manifest.registry_dependencies()
        digest = checksum(archive)
        summary = parse_verification(verification, name, self.url)
        with exclusive_lock(self.path / ".lock"):
            private = self._root_private()
            index = self._index_or_empty(name)
            if index.get(version) is not None:
                raise RegistryError(
                    f"version {version} is already in registry {self.url}; publish a new version",
                    package=name,
                )
            entries, leaves = self._log()
            key = self._keys().check(key_id, len(entries), package)
            verify_statement(key.public_key, signature, name, version, digest, dependencies)
            leaf = canonical_json(
                VersionEntry(version, dependencies, digest, signature, key_id, 0).statement(name)
            )
            write_atomic(self.path / "archives" / archive_filename(name, version), archive)
            # A statement already logged for this unlisted version is an interrupted
            # publication of the same bytes: finish it instead of logging it twice.
            log_index = entries.index(leaf) if leaf in entries else len(entries)
            if log_index == len(entries):
                text = b"".join(e + b"\n" for e in [*entries, leaf])
                write_atomic(self.path / "log" / "entries.jsonl", text, durable=True)
                head = TreeHead(root_hash([*leaves, leaf_hash(leaf)]), len(entries) + 1)
                _write_json(self.path / "log" / "head.json", head.signed(private).to_json())
            entry = VersionEntry(
                version,
                dependencies,
                digest,
                signature,
                key_id,
                log_index,
                published_at or _now(),
                verification=summary,
            )
            self._write_index(index.with_entry(entry), manifest)
        return entry

    def _change_entry(self, name: str, version: Version, **changes: Any) -> VersionEntry:
        from dataclasses import replace

        with exclusive_lock(self.path / ".lock"):
            self._root_private()
            index = self._index_or_empty(name)
            entry = index.get(version)
            if entry is None:
                raise UnknownPackageError(
                    f"registry {self.url} has no such version", package=f"{name} {version}"
                )
            new = replace(entry, **changes)
            self._write_index(index.with_entry(new))
            return new

    def yank(
        self, name: str, version: Version, *, undo: bool = False, token: str | None = None
    ) -> None:
        self._change_entry(name, version, yanked=not undo)

    def remove(self, name: str, version: Version, reason: str) -> None:
        """An administrator's removal: clients refuse the version; its log entry stays."""
        self._change_entry(name, version, removed=reason)
        (self.path / "archives" / archive_filename(name, version)).unlink(missing_ok=True)

    def register_key(
        self, public_key: PublicKey, credentials: Credentials, *, replaces: str | None = None
    ) -> KeyEntry:
        """Add a publisher key, valid from the current log size, to the signed key list.

        A rotation (``replaces``) revokes the old key at the same size, in the same
        signed key list, and the new key keeps the old one's owner unless
        ``credentials.owner`` names another.
        """
        with exclusive_lock(self.path / ".lock"):
            private = self._root_private()
            keys = self._keys()
            size = len(self._log()[0])
            if keys.get(public_key.key_id) is not None:
                raise KeyExistsError(f"key {public_key.key_id[:16]}… is already registered")
            owner = credentials.owner
            if replaces is not None:
                old = keys.get(replaces)
                if old is None:
                    raise TrustError(
                        f"key {replaces[:16]}… is not in the key list of registry {self.url}"
                    )
                owner = owner or old.owner
                keys = keys.revoked(replaces, size)
            if not owner:
                raise TrustError("a file registry's key list records an owner for every key")
            entry = KeyEntry(public_key, owner, size)
            _write_json(self.path / "keys.json", keys.added(entry).signed(private))
        return entry

    def revoke_key(self, key_id: str, credentials: Credentials | None = None) -> KeyEntry:
        """Revoke a publisher key from the current log size on.

        A file registry has no accounts: whoever holds its root key may revoke,
        so ``credentials`` are not needed.
        """
        with exclusive_lock(self.path / ".lock"):
            private = self._root_private()
            keys = self._keys()
            if keys.get(key_id) is None:
                raise TrustError(f"key {key_id[:16]}… is not in the key list")
            keys = keys.revoked(key_id, len(self._log()[0]))
            _write_json(self.path / "keys.json", keys.signed(private))
        entry = keys.get(key_id)
        assert entry is not None
        return entry
