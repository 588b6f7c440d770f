"""The global cache: downloads shared by every project, and what a client trusts.

Two kinds of content live here.  *Fetched content* (archives, index documents,
the key list) can always be fetched again; it is kept so that a second project
reuses downloads and ``--offline`` works.  Archives are stored by the SHA-256 of
their bytes, so identical archives from different registries are stored once,
and a file whose bytes no longer match its name is treated as missing.
*Trust state* (the pinned root key, the last tree head seen, the log entries
whose inclusion was proven) is what makes later checks possible; it is written
durably and never silently reset.

The cache is a directory, by default platformdirs' user cache directory for
``aura``; ``AURA_CACHE_DIR`` or an explicit root overrides it (tests always pass
one).  Layout, relative to the root (``docs/reference/registries.md``)::

    archives/sha256/ab/abcdef…               the archive whose SHA-256 is abcdef…
    registries/HOST-HASH/url                  the registry's URL, for people
    registries/HOST-HASH/documents/KEY.json   an index document or the key list
    registries/HOST-HASH/root-key.json        the pinned root public key
    registries/HOST-HASH/head.json            the last verified signed tree head
    registries/HOST-HASH/verified-leaves.json log index -> leaf hash proven included

A cached document starts with one line ``ETag: VALUE`` (empty without an ETag)
followed by the body exactly as received.  Every write is atomic (a temporary
file and ``os.replace``), so concurrent commands never see half a file.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from aura_pkg._files import write_atomic
from aura_pkg.errors import CODE_IO, PackageError, TrustError
from aura_pkg.signing import PublicKey, read_public_key, write_public_key

__all__ = ["CACHE_ENV", "Cache", "CachedDocument", "open_cache"]

#: The environment variable that moves the cache (used by tests and CI).
CACHE_ENV = "AURA_CACHE_DIR"

_HEX64 = re.compile(r"[0-9a-f]{64}")
_DOCUMENT_KEY = re.compile(r"[a-z0-9][a-z0-9_-]*(/[a-z0-9][a-z0-9_-]*)*")
_SLUG_TEXT = re.compile(r"[^a-z0-9.-]+")


@dataclass(frozen=True, slots=True)
class CachedDocument:
    """A document as a registry sent it, with its ETag (None when it had none)."""

    body: bytes
    etag: str | None


def open_cache(root: Path | str | None = None, environ: Mapping[str, str] | None = None) -> Cache:
    """The cache at ``root``, else at ``$AURA_CACHE_DIR``, else in the user's cache directory."""
    if root is not None:
        return Cache(Path(root))
    env = os.environ if environ is None else environ
    override = env.get(CACHE_ENV)
    if override:
        return Cache(Path(override))
    import platformdirs

    return Cache(Path(platformdirs.user_cache_dir("aura", appauthor=False)))


def _checksum_hex(checksum: str) -> str:
    hexdigest = checksum.removeprefix("sha256:")
    if not _HEX64.fullmatch(hexdigest):
        raise ValueError(f"not a sha256 checksum: {checksum!r}")
    return hexdigest


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise PackageError(
            f"cannot read the cache: {exc.strerror or exc}", file=str(path), code=CODE_IO
        ) from None


@dataclass(frozen=True, slots=True)
class Cache:
    """A cache directory.  Holds only its root: every operation reads or writes files."""

    root: Path

    # -- archives ---------------------------------------------------------------

    def archive_path(self, checksum: str) -> Path:
        """Where the archive with ``checksum`` (``sha256:…`` or bare hex) is stored."""
        hexdigest = _checksum_hex(checksum)
        return self.root / "archives" / "sha256" / hexdigest[:2] / hexdigest

    def archive(self, checksum: str) -> bytes | None:
        """The archive with ``checksum``, or None; a file whose bytes do not match is dropped."""
        path = self.archive_path(checksum)
        data = _read(path)
        if data is None:
            return None
        if hashlib.sha256(data).hexdigest() != _checksum_hex(checksum):
            path.unlink(missing_ok=True)
            return None
        return data

    def store_archive(self, data: bytes) -> str:
        """Store archive bytes under their own SHA-256; returns ``sha256:…``."""
        checksum = "sha256:" + hashlib.sha256(data).hexdigest()
        path = self.archive_path(checksum)
        if not path.exists():
            write_atomic(path, data)
        return checksum

    # -- per-registry directories ----------------------------------------------

    def registry_dir(self, url: str) -> Path:
        """The directory of the registry at ``url``: a readable name and a hash of the URL."""
        parts = urlsplit(url)
        readable = parts.hostname or Path(parts.path).name or "registry"
        if parts.scheme == "file":
            readable = "file-" + (Path(parts.path).name or "root")
        readable = _SLUG_TEXT.sub("-", readable.lower()).strip("-")[:40] or "registry"
        digest = hashlib.sha256(url.encode("utf-8")).hexdigest()[:16]
        return self.root / "registries" / f"{readable}-{digest}"

    def _registry_file(self, url: str, name: str) -> Path:
        directory = self.registry_dir(url)
        marker = directory / "url"
        if not marker.exists():
            write_atomic(marker, url.encode("utf-8") + b"\n")
        return directory / name

    # -- documents --------------------------------------------------------------

    def _document_path(self, url: str, key: str) -> Path:
        if not _DOCUMENT_KEY.fullmatch(key):
            raise ValueError(f"invalid document key {key!r}")
        return self.registry_dir(url) / "documents" / f"{key}.json"

    def document(self, url: str, key: str) -> CachedDocument | None:
        """The cached document ``key`` (``index/json``, ``keys``) of the registry, or None."""
        data = _read(self._document_path(url, key))
        if data is None:
            return None
        first, newline, body = data.partition(b"\n")
        if not newline or not first.startswith(b"ETag:"):
            return None
        etag = first.removeprefix(b"ETag:").strip().decode("latin-1")
        return CachedDocument(body, etag or None)

    def store_document(self, url: str, key: str, body: bytes, etag: str | None) -> None:
        """Keep a document as received; an identical copy is not rewritten."""
        if etag is not None and ("\n" in etag or "\r" in etag):
            etag = None
        data = b"ETag: " + (etag or "").encode("latin-1", "replace") + b"\n" + body
        path = self._document_path(url, key)
        if _read(path) == data:
            return
        self._registry_file(url, "url")
        write_atomic(path, data)

    # -- trust state ------------------------------------------------------------

    def pinned_root_key_file(self, url: str) -> Path:
        return self.registry_dir(url) / "root-key.json"

    def pinned_root_key(self, url: str) -> PublicKey | None:
        """The root key pinned for the registry, or None before the first contact."""
        path = self.pinned_root_key_file(url)
        if not path.exists():
            return None
        try:
            return read_public_key(path)
        except TrustError as exc:
            raise TrustError(
                f"the pinned root key of {url} is unreadable ({exc.message}); delete the "
                "file to pin the registry's key again",
                file=str(path),
            ) from None

    def pin_root_key(self, url: str, key: PublicKey) -> None:
        """Record ``key`` as the registry's root key (trust on first use)."""
        self._registry_file(url, "url")
        write_public_key(self.pinned_root_key_file(url), key)

    def tree_head(self, url: str) -> dict[str, Any] | None:
        """The last signed tree head verified for the registry (unverified here), or None."""
        data = _read(self.registry_dir(url) / "head.json")
        if data is None:
            return None
        try:
            doc = json.loads(data)
        except ValueError:
            return None
        return doc if isinstance(doc, dict) else None

    def record_tree_head(self, url: str, document: Mapping[str, Any]) -> None:
        """Remember a verified signed tree head, for the next consistency proof."""
        path = self._registry_file(url, "head.json")
        write_atomic(
            path, json.dumps(dict(document), sort_keys=True).encode() + b"\n", durable=True
        )

    def verified_leaves(self, url: str) -> dict[int, bytes]:
        """Log index -> leaf hash of the entries already proven to be in the registry's log.

        Sound to reuse because every later tree head is checked to extend the
        one these proofs were made against.
        """
        data = _read(self.registry_dir(url) / "verified-leaves.json")
        if data is None:
            return {}
        try:
            doc = json.loads(data)
            return {int(k): bytes.fromhex(v) for k, v in doc.items() if len(v) == 64}
        except (ValueError, AttributeError, TypeError):
            return {}

    def record_verified_leaves(self, url: str, leaves: Mapping[int, bytes]) -> None:
        """Add proven entries to the registry's record."""
        if not leaves:
            return
        merged = self.verified_leaves(url)
        if all(merged.get(i) == h for i, h in leaves.items()):
            return
        merged.update(leaves)
        doc = {str(i): merged[i].hex() for i in sorted(merged)}
        path = self._registry_file(url, "verified-leaves.json")
        write_atomic(path, json.dumps(doc, indent=0).encode() + b"\n")

    def forget_registry(self, url: str) -> None:
        """Drop everything known about a registry: its pinned key, tree head and documents.

        For when a registry's root key legitimately changed and the new key was
        checked out of band; the next contact pins the key the registry presents.
        """
        shutil.rmtree(self.registry_dir(url), ignore_errors=True)
