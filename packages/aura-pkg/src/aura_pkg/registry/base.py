"""Registries: where packages, their signatures and the transparency log come from.

One interface, :class:`Registry`, has two transports: a directory on disk
(``file:///path``, :mod:`aura_pkg.registry.file`) and the HTTP protocol of spec
"Registry protocol" (``https://``, :mod:`aura_pkg.registry.http`).  Both speak in
the protocol's JSON *documents* (:class:`Document`): an implementation only
knows how to fetch one; everything else — caching with ETags, offline mode,
parsing and error messages — is shared here, so the two behave alike.

Nothing here decides what to trust: a registry hands out documents, and
:mod:`aura_pkg.verify` checks them against the pinned root key.  Errors name the
registry, the package and the cause, and are :class:`RegistryError` (code
E0909) when the registry cannot be asked or answers nonsense.
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, ClassVar, Literal
from urllib.parse import unquote, urlsplit, urlunsplit

from aura_pkg.archive import checksum as archive_checksum
from aura_pkg.cache import Cache
from aura_pkg.errors import CODE_REFUSED, PackageError, TrustError
from aura_pkg.manifest import check_package_name
from aura_pkg.merkle import ConsistencyProof, InclusionProof
from aura_pkg.registry.index import (
    OfflineError,
    PackageIndex,
    RegistryError,
    UnknownPackageError,
    VersionEntry,
    parse_index,
)
from aura_pkg.signing import KeyEntry, PublicKey
from aura_pkg.versions import Version

__all__ = [
    "Credentials",
    "Document",
    "Fetched",
    "KeyExistsError",
    "NoAccountsError",
    "OfflineError",
    "Registry",
    "RegistryError",
    "SearchHit",
    "SearchResults",
    "UnknownPackageError",
    "file_registry_url",
    "normalize_registry_url",
]

DocumentKind = Literal["index", "keys", "root-key", "head", "inclusion", "consistency"]


@dataclass(frozen=True, slots=True)
class Document:
    """One JSON document of the protocol, named independently of the transport.

    ``first`` and ``second`` are the log sizes of a proof: (leaf index, tree
    size) for an inclusion proof, (old size, new size) for a consistency proof.
    """

    kind: DocumentKind
    name: str = ""
    first: int = 0
    second: int = 0

    @property
    def cache_key(self) -> str | None:
        """Where the cache keeps it; None for what is not worth keeping.

        The tree head is trust state, kept by :mod:`aura_pkg.verify` once
        verified; proofs are asked for once per new log entry.
        """
        if self.kind == "index":
            return f"index/{self.name}"
        return self.kind if self.kind in ("keys", "root-key") else None

    def describe(self) -> str:
        if self.kind == "index":
            return f"the index of `{self.name}`"
        if self.kind == "inclusion":
            return f"the inclusion proof of log entry {self.first} in a tree of {self.second}"
        if self.kind == "consistency":
            return f"the consistency proof from tree size {self.first} to {self.second}"
        return {"keys": "the key list", "root-key": "the root key", "head": "the tree head"}[
            self.kind
        ]


@dataclass(frozen=True, slots=True)
class Fetched:
    """A document's bytes as a transport received them, with the ETag if any."""

    body: bytes
    etag: str | None = None


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One search result: a package, its newest version, description and download count."""

    name: str
    version: str
    description: str = ""
    downloads: int = 0


@dataclass(frozen=True, slots=True)
class SearchResults:
    """A page of search results; ``total`` counts all matches."""

    hits: tuple[SearchHit, ...]
    page: int
    total: int


def normalize_registry_url(url: str) -> str:
    """The canonical form of a registry URL, by which it is cached and locked.

    Scheme and host are lowercased and a trailing ``/`` dropped; a ``file:``
    URL must name an absolute path (``file:///srv/registry``).
    """
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme == "file":
        if parts.netloc not in ("", "localhost") or not parts.path.startswith("/"):
            raise RegistryError(
                f"invalid registry URL {url!r}: a file registry is file:///ABSOLUTE/PATH"
            )
        path = parts.path.rstrip("/") or "/"
        return urlunsplit(("file", "", path, "", ""))
    if scheme in ("http", "https"):
        if not parts.hostname:
            raise RegistryError(f"invalid registry URL {url!r}: no host")
        if parts.query or parts.fragment:
            raise RegistryError(f"invalid registry URL {url!r}: no query or fragment allowed")
        netloc = parts.netloc.lower()
        return urlunsplit((scheme, netloc, parts.path.rstrip("/"), "", ""))
    raise RegistryError(f"invalid registry URL {url!r}: expected https://, http:// or file:///PATH")


def file_registry_url(path: Path | str) -> str:
    """The ``file://`` URL of a registry directory."""
    return Path(path).resolve().as_uri()


def file_registry_path(url: str) -> Path:
    """The directory of a normalized ``file://`` registry URL."""
    return Path(unquote(urlsplit(url).path))


def load_json(body: bytes, registry: str, what: str, package: str | None = None) -> Any:
    """Parse a document, or raise a RegistryError naming the registry and the document."""
    try:
        return json.loads(body)
    except UnicodeDecodeError:
        problem = "it is not UTF-8"
    except ValueError as exc:
        problem = str(exc)
    raise RegistryError(
        f"registry {registry} sent malformed JSON for {what}: {problem}", package=package
    )


@dataclass(frozen=True, slots=True)
class Credentials:
    """Who asks for a change to a registry's keys or owners.

    An HTTP registry acts for the user of an API ``token``; a file registry has
    no accounts, and records ``owner`` as the name a new key belongs to (a
    rotation keeps the old key's owner when it is None).
    """

    token: str | None = None
    owner: str | None = None


class KeyExistsError(TrustError):
    """The key is registered already (with this registry, for anyone)."""


class NoAccountsError(PackageError):
    """What only a registry with accounts can do (owners), asked of one without."""

    default_code = CODE_REFUSED


class Registry(ABC):
    """A registry client: the read side of the protocol, publishing, keys and owners.

    Create one with :func:`aura_pkg.registry.open_registry`.  Subclasses
    implement :meth:`_fetch` (one document), :meth:`_fetch_archive` and
    :meth:`_fetch_search` and the changes (publishing, keys, owners); this class
    adds the cache (ETags, documents for ``--offline``, archives by checksum) and
    parsing.  Methods may be called from several threads at once.
    """

    #: Whether changes act for an account (an API token) and packages have owners.
    has_accounts: ClassVar[bool] = False

    def __init__(self, url: str, cache: Cache, *, offline: bool = False) -> None:
        self.url = normalize_registry_url(url)
        self.cache = cache
        self.offline = offline

    # -- what a transport provides ----------------------------------------------

    @abstractmethod
    def _fetch(self, document: Document, etag: str | None) -> Fetched | None:
        """Fetch a document; None when ``etag`` still matches (HTTP 304)."""

    @abstractmethod
    def _fetch_archive(self, name: str, version: Version) -> bytes:
        """The archive bytes of a version."""

    @abstractmethod
    def _fetch_search(self, text: str, page: int) -> bytes:
        """The search document for ``text``."""

    @abstractmethod
    def publish(
        self,
        archive: bytes,
        signature: str,
        key_id: str,
        *,
        verification: Mapping[str, Any] | None = None,
        token: str | None = None,
    ) -> VersionEntry:
        """Publish a signed archive; returns its index entry (with its log index)."""

    @abstractmethod
    def yank(
        self, name: str, version: Version, *, undo: bool = False, token: str | None = None
    ) -> None:
        """Mark a version yanked (or no longer yanked)."""

    @abstractmethod
    def register_key(
        self, public_key: PublicKey, credentials: Credentials, *, replaces: str | None = None
    ) -> KeyEntry:
        """Add a publisher key, valid from the log's current size.

        With ``replaces`` (a key id of the same owner) that key is revoked at the
        same size: a rotation.  :class:`KeyExistsError` if the key is registered.
        """

    @abstractmethod
    def revoke_key(self, key_id: str, credentials: Credentials) -> KeyEntry:
        """Revoke a publisher key from the log's current size on; the revoked entry."""

    def owners(self, name: str) -> tuple[str, ...]:
        """The owners of package ``name``: who may publish and yank it."""
        raise self._no_accounts()

    def set_owners(
        self, name: str, owners: tuple[str, ...], credentials: Credentials
    ) -> tuple[str, ...]:
        """Replace the owners of package ``name`` (an owner's token); the new owners."""
        raise self._no_accounts()

    def _no_accounts(self) -> NoAccountsError:
        return NoAccountsError(
            f"registry {self.url} is a file registry, which has no accounts or owners: "
            "whoever can write its directory publishes and yanks"
        )

    def close(self) -> None:  # noqa: B027 - only a network transport has anything to release
        """Release connections; the registry is not used afterwards."""

    def __enter__(self) -> Registry:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    # -- documents ----------------------------------------------------------------

    def _offline_error(self, what: str, package: str | None = None) -> OfflineError:
        return OfflineError(
            f"offline: {what} from registry {self.url} is not in the cache; run without "
            "--offline to fetch it",
            package=package,
        )

    def document(self, document: Document) -> Any:
        """The parsed JSON of ``document``, through the cache."""
        key = document.cache_key
        package = document.name or None
        cached = self.cache.document(self.url, key) if key is not None else None
        if self.offline:
            if cached is None:
                raise self._offline_error(document.describe(), package)
            return load_json(cached.body, self.url, document.describe(), package)
        fetched = self._fetch(document, cached.etag if cached is not None else None)
        if fetched is None and cached is not None:
            try:
                return json.loads(cached.body)
            except ValueError:  # a damaged cache entry: ask again without the ETag
                fetched = self._fetch(document, None)
        if fetched is None:
            raise RegistryError(
                f"registry {self.url} answered 'not modified' for {document.describe()}, "
                "which was never fetched",
                package=package,
            )
        value = load_json(fetched.body, self.url, document.describe(), package)
        if key is not None:
            self.cache.store_document(self.url, key, fetched.body, fetched.etag)
        return value

    def _check_name(self, name: str) -> None:
        problem = check_package_name(name)
        if problem is not None:
            raise UnknownPackageError(f"{problem}, so registry {self.url} has no such package")

    def index(self, name: str) -> PackageIndex:
        """Every version of ``name``; UnknownPackageError when the registry has none."""
        self._check_name(name)
        return parse_index(self.document(Document("index", name)), name, self.url)

    def archive(self, name: str, version: Version, checksum: str | None = None) -> bytes:
        """The archive of ``name version``, from the cache when its checksum is known.

        Fetched bytes are cached under their own SHA-256 unless they contradict
        ``checksum`` (the caller reports that mismatch).
        """
        self._check_name(name)
        package = f"{name} {version}"
        if checksum is None and self.offline:
            entry = self.index(name).get(version)
            if entry is None:
                raise UnknownPackageError(
                    f"version {version} is not in the cached index of registry {self.url}",
                    package=package,
                )
            checksum = entry.checksum
        if checksum is not None:
            cached = self.cache.archive(checksum)
            if cached is not None:
                return cached
            if self.offline:
                raise self._offline_error(f"the archive ({checksum})", package)
        data = self._fetch_archive(name, version)
        if checksum is None or archive_checksum(data) == checksum:
            self.cache.store_archive(data)
        return data

    def root_key(self) -> PublicKey:
        """The root public key the registry presents (compare it with the pinned one)."""
        document = self.document(Document("root-key"))
        text = document.get("public_key") if isinstance(document, dict) else None
        if not isinstance(text, str):
            raise RegistryError(f"registry {self.url} sent a root key document without a key")
        try:
            return PublicKey.from_b64(text)
        except PackageError as exc:
            raise RegistryError(f"registry {self.url} sent {exc.message}") from None

    def key_list(self) -> dict[str, Any]:
        """The key list document, signed by the root key (not verified here)."""
        return self._object(Document("keys"))

    def tree_head(self) -> dict[str, Any]:
        """The current signed tree head; offline, the last one verified."""
        if self.offline:
            head = self.cache.tree_head(self.url)
            if head is None:
                raise self._offline_error("the transparency log's tree head")
            return head
        return self._object(Document("head"))

    def inclusion_proof(self, log_index: int, tree_size: int) -> InclusionProof:
        if self.offline:
            raise self._offline_error(f"the inclusion proof of log entry {log_index}")
        return InclusionProof.from_json(
            self.document(Document("inclusion", "", log_index, tree_size))
        )

    def consistency_proof(self, old_size: int, new_size: int) -> ConsistencyProof:
        if self.offline:
            raise self._offline_error(f"the consistency proof from size {old_size}")
        document = Document("consistency", "", old_size, new_size)
        return ConsistencyProof.from_json(self.document(document))

    def _object(self, document: Document) -> dict[str, Any]:
        value = self.document(document)
        if not isinstance(value, dict):
            raise RegistryError(
                f"registry {self.url} sent {document.describe()} that is not a JSON object"
            )
        return value

    def search(self, text: str, page: int = 1) -> SearchResults:
        """Packages matching ``text`` (name, description, keywords), a page at a time."""
        if self.offline:
            raise OfflineError("offline: searching needs the registry " + self.url)
        doc = load_json(self._fetch_search(text, page), self.url, "the search results")
        hits = doc.get("packages") if isinstance(doc, dict) else None
        if not isinstance(hits, list):
            raise RegistryError(f"registry {self.url} sent search results without `packages`")
        out = []
        for hit in hits:
            if not isinstance(hit, dict) or not isinstance(hit.get("name"), str):
                raise RegistryError(f"registry {self.url} sent a malformed search result")
            downloads = hit.get("downloads")
            out.append(
                SearchHit(
                    hit["name"],
                    str(hit.get("version", "")),
                    str(hit.get("description") or ""),
                    downloads if isinstance(downloads, int) else 0,
                )
            )
        total = doc.get("total")
        return SearchResults(tuple(out), page, total if isinstance(total, int) else len(out))
