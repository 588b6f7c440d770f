"""Registries: where packages, their signatures and the transparency log come from.

Laid out as Cargo's ``sources/registry/``: the interface every registry
implements (:mod:`.base`: documents, caching, offline mode, keys and owners),
the index documents it serves (:mod:`.index`), and the two transports — a
directory on disk (:mod:`.file`, ``file:///path``) and the HTTP protocol
(:mod:`.http`, ``https://``).  :func:`open_registry` picks the transport for a
URL; callers outside this package use only the names exported here, never a
transport's class.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from aura_pkg.cache import Cache
from aura_pkg.registry.base import (
    Credentials,
    Document,
    Fetched,
    KeyExistsError,
    NoAccountsError,
    Registry,
    SearchHit,
    SearchResults,
    file_registry_url,
    normalize_registry_url,
)
from aura_pkg.registry.index import (
    OfflineError,
    PackageIndex,
    RegistryError,
    UnknownPackageError,
    Verification,
    VersionEntry,
)

if TYPE_CHECKING:
    import httpx

    from aura_pkg.registry.http import RetryPolicy

__all__ = [
    "Credentials",
    "Document",
    "Fetched",
    "KeyExistsError",
    "NoAccountsError",
    "OfflineError",
    "PackageIndex",
    "Registry",
    "RegistryError",
    "SearchHit",
    "SearchResults",
    "UnknownPackageError",
    "Verification",
    "VersionEntry",
    "file_registry_url",
    "normalize_registry_url",
    "open_registry",
]


def open_registry(
    url: str,
    *,
    cache: Cache,
    offline: bool = False,
    http_client: httpx.Client | None = None,
    retry: RetryPolicy | None = None,
    root_key_file: Path | None = None,
) -> Registry:
    """The registry at ``url``: ``file:///PATH`` or ``https://HOST[/PREFIX]``.

    ``http_client`` (an ``httpx.Client``) and ``retry`` (a
    :class:`aura_pkg.registry.http.RetryPolicy`) configure an HTTP registry;
    ``root_key_file`` is where a file registry keeps its private root key (by
    default ``PATH/.root-key``).  Opening contacts nothing.
    """
    normalized = normalize_registry_url(url)
    # A transport is imported when a URL asks for it: the HTTP one brings httpx, which
    # commands that never reach a registry must not pay for.  Neither imports this module.
    if normalized.startswith("file:"):
        from aura_pkg.registry.file import FileRegistry

        return FileRegistry(normalized, cache, offline=offline, root_key_file=root_key_file)
    from aura_pkg.registry.http import HttpRegistry

    return HttpRegistry(
        normalized,
        cache,
        offline=offline,
        client=http_client,
        retry=retry,
    )
