"""A registry over HTTP: spec "Registry protocol", with httpx.

The network fails in ordinary ways — a host that is down, a proxy answering 502,
a rate limit — and the client copes with the transient ones: connection errors,
timeouts, 5xx answers and 429 are retried with exponential backoff (honouring
``Retry-After``), up to :attr:`RetryPolicy.attempts` tries.  What remains is an
error naming the registry, the document or package, and the cause.

Index documents, the key list and the root key are revalidated with
``If-None-Match``; a 304 reuses the cached copy.  Downloads are bounded (the
archive size limit of :mod:`aura_pkg.archive`), so a hostile server cannot fill
memory.  Publishing is not idempotent, so only a connection that was never
established is retried.
"""

from __future__ import annotations

import json
import random
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any

from aura_pkg.archive import DEFAULT_LIMITS, archive_filename, archive_identity
from aura_pkg.cache import Cache
from aura_pkg.errors import CODE_REFUSED, TrustError
from aura_pkg.registry.base import (
    Credentials,
    Document,
    Fetched,
    KeyExistsError,
    OfflineError,
    Registry,
    RegistryError,
    UnknownPackageError,
    load_json,
)
from aura_pkg.registry.index import VersionEntry, parse_index
from aura_pkg.signing import KeyEntry, PublicKey
from aura_pkg.versions import Version

if TYPE_CHECKING:
    import httpx

__all__ = ["API", "CODE_REFUSED", "HttpRegistry", "RegistryRefused", "RetryPolicy"]

#: The protocol's path prefix below the registry URL.
API = "/api/v1"
_RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
_MAX_DOCUMENT_BYTES = 64 * 1024 * 1024

#: The registry understood a request and refused it (an answer 4xx but 429).


class RegistryRefused(RegistryError):
    """The registry answered a request with an error of its own.

    ``status`` is the HTTP status and ``reason`` the server's error code
    (``{"error": {"code", "message"}}``), so callers can tell a key that is
    registered already (``key_exists``) from other refusals.
    """

    default_code = CODE_REFUSED

    def __init__(self, message: str, *, status: int, reason: str, package: str | None) -> None:
        super().__init__(message, package=package)
        self.status = status
        self.reason = reason


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How hard to try: ``attempts`` in all, waiting ``backoff`` seconds doubled each time.

    A wait never exceeds ``max_delay``; a server asking (``Retry-After``) for
    longer is not waited for.  ``jitter`` spreads retries of many clients by up
    to that fraction; ``sleep`` is injectable so tests run instantly.
    """

    attempts: int = 4
    backoff: float = 0.5
    max_delay: float = 30.0
    timeout: float = 30.0
    connect_timeout: float = 10.0
    jitter: float = 0.1
    sleep: Callable[[float], None] = field(default=time.sleep, compare=False)

    def delay(self, attempt: int) -> float:
        """The wait after failed attempt number ``attempt`` (1-based)."""
        base = min(self.max_delay, self.backoff * 2.0 ** (attempt - 1))
        return base * (1 + self.jitter * random.random()) if self.jitter else base


def _retry_after(headers: httpx.Headers) -> float | None:
    """Seconds from a ``Retry-After`` header (seconds or an HTTP date), or None."""
    value = headers.get("retry-after")
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _reason(exc: Exception) -> str:
    return str(exc) or type(exc).__name__


@dataclass(frozen=True, slots=True)
class _Answer:
    status: int
    headers: httpx.Headers
    body: bytes


class HttpRegistry(Registry):
    """A registry served over HTTP(S) at ``url`` (the protocol lives under ``/api/v1``)."""

    has_accounts = True

    def __init__(
        self,
        url: str,
        cache: Cache,
        *,
        offline: bool = False,
        client: httpx.Client | None = None,
        retry: RetryPolicy | None = None,
    ) -> None:
        super().__init__(url, cache, offline=offline)
        self.retry = retry if retry is not None else RetryPolicy()
        self._client = client
        self._owns_client = client is None
        self._client_lock = threading.Lock()

    def _http(self) -> httpx.Client:
        import httpx  # 130 ms to import: only commands that talk to an HTTP registry pay it

        with self._client_lock:
            if self._client is None:
                self._client = httpx.Client(
                    timeout=httpx.Timeout(self.retry.timeout, connect=self.retry.connect_timeout),
                    headers={"User-Agent": "aura-pkg"},
                    follow_redirects=True,
                )
            return self._client

    def close(self) -> None:
        if self._owns_client and self._client is not None:
            self._client.close()

    # -- requests -----------------------------------------------------------------

    def _attempt(self, request: httpx.Request, limit: int, what: str) -> _Answer:
        response = self._http().send(request, stream=True)
        try:
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > limit:
                raise RegistryError(
                    f"registry {self.url} sent {what} of {declared} bytes, over the limit of "
                    f"{limit}"
                )
            chunks: list[bytes] = []
            size = 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > limit:
                    raise RegistryError(
                        f"registry {self.url} sent {what} of more than {limit} bytes"
                    )
                chunks.append(chunk)
        finally:
            response.close()
        return _Answer(response.status_code, response.headers, b"".join(chunks))

    def _send(
        self,
        method: str,
        path: str,
        *,
        what: str,
        package: str | None,
        limit: int | None = None,
        idempotent: bool = True,
        **options: Any,
    ) -> _Answer:
        """One request with retries; an answer with any status, or RegistryError."""
        import httpx

        limit = _MAX_DOCUMENT_BYTES if limit is None else limit
        policy = self.retry
        cause = ""
        attempt = 0
        for attempt in range(1, max(policy.attempts, 1) + 1):
            request = self._http().build_request(method, self.url + API + path, **options)
            retryable = idempotent
            try:
                answer = self._attempt(request, limit, what)
            except httpx.ConnectTimeout:
                cause = f"no connection within {policy.connect_timeout:g} s"
                retryable = True  # nothing was sent
            except httpx.TimeoutException:
                cause = f"no answer within {policy.timeout:g} s"
            except httpx.ConnectError as exc:
                cause = f"cannot connect: {_reason(exc)}"
                retryable = True  # nothing was sent
            except httpx.RequestError as exc:  # a broken transfer, bad encoding, redirect loop
                cause = f"the connection failed: {_reason(exc)}"
            else:
                if answer.status not in _RETRY_STATUSES or not idempotent:
                    return answer
                wait = _retry_after(answer.headers)
                if attempt == policy.attempts or (wait is not None and wait > policy.max_delay):
                    return answer
                policy.sleep(policy.delay(attempt) if wait is None else wait)
                continue
            if not retryable or attempt == policy.attempts:
                break
            policy.sleep(policy.delay(attempt))
        tries = f" (tried {attempt} times)" if attempt > 1 else ""
        raise RegistryError(
            f"registry {self.url} could not be reached for {what}: {cause}{tries}",
            package=package,
        )

    def _check(self, answer: _Answer, what: str, package: str | None) -> None:
        """Raise for an answer that is not a success, with the server's own message."""
        import httpx

        status = answer.status
        if 200 <= status < 300:
            return
        detail = ""
        reason = ""
        try:
            error = json.loads(answer.body).get("error", {})
            if isinstance(error.get("message"), str):
                detail = f": {error['message']}"
            if isinstance(error.get("code"), str):
                reason = error["code"]
        except (ValueError, AttributeError):
            pass
        phrase = httpx.codes.get_reason_phrase(status)
        if status == 429:
            wait = _retry_after(answer.headers)
            asks = f" (it asks to wait {wait:.0f} s)" if wait is not None else ""
            raise RegistryError(
                f"registry {self.url} is rate limiting requests for {what}{asks}{detail}",
                package=package,
            )
        if 400 <= status < 500 and reason:
            raise RegistryRefused(
                f"registry {self.url} refused {what}: HTTP {status} {phrase} ({reason}){detail}",
                status=status,
                reason=reason,
                package=package,
            )
        raise RegistryError(
            f"registry {self.url} answered HTTP {status} {phrase} for {what}{detail}",
            package=package,
        )

    # -- the transport --------------------------------------------------------------

    def _fetch(self, document: Document, etag: str | None) -> Fetched | None:
        kind = document.kind
        params: dict[str, int] = {}
        if kind == "index":
            path = f"/index/{document.name}"
        elif kind == "inclusion":
            path = "/log/proof/inclusion"
            params = {"leaf_index": document.first, "tree_size": document.second}
        elif kind == "consistency":
            path = "/log/proof/consistency"
            params = {"old_size": document.first, "tree_size": document.second}
        else:
            path = {"keys": "/keys", "root-key": "/root-key", "head": "/log/head"}[kind]
        headers = {"Accept": "application/json"}
        if etag is not None:
            headers["If-None-Match"] = etag
        what = document.describe()
        package = document.name or None
        answer = self._send("GET", path, what=what, package=package, params=params, headers=headers)
        if answer.status == 304 and etag is not None:
            return None
        if answer.status == 404 and kind == "index":
            raise UnknownPackageError(
                f"no package named `{document.name}` in registry {self.url}", package=package
            )
        self._check(answer, what, package)
        return Fetched(answer.body, answer.headers.get("etag"))

    def _fetch_archive(self, name: str, version: Version) -> bytes:
        package = f"{name} {version}"
        what = f"the archive {archive_filename(name, version)}"
        answer = self._send(
            "GET",
            f"/packages/{name}/{version}/download",
            what=what,
            package=package,
            limit=DEFAULT_LIMITS.max_archive_bytes,
        )
        if answer.status == 404:
            raise UnknownPackageError(
                f"registry {self.url} has no archive of this version", package=package
            )
        self._check(answer, what, package)
        return answer.body

    def _fetch_search(self, text: str, page: int) -> bytes:
        what = f"the search for {text!r}"
        answer = self._send(
            "GET", "/packages", what=what, package=None, params={"q": text, "page": page}
        )
        self._check(answer, what, None)
        return answer.body

    # -- writing ------------------------------------------------------------------------

    def _token(self, token: str | None, what: str) -> dict[str, str]:
        if self.offline:
            raise OfflineError(f"offline: {what} needs registry {self.url}")
        if not token:
            raise RegistryError(
                f"{what} on registry {self.url} needs an API token (aura pkg login, or "
                f"AURA_REGISTRY_TOKEN with AURA_REGISTRY={self.url})"
            )
        return {"Authorization": f"Bearer {token}", "Accept": "application/json"}

    def publish(
        self,
        archive: bytes,
        signature: str,
        key_id: str,
        *,
        verification: Mapping[str, Any] | None = None,
        token: str | None = None,
    ) -> VersionEntry:
        """``PUT /api/v1/packages``: the archive, signature and key id as a multipart form.

        The answer is the new index entry (``{"name", "version": {…}}``), which
        gives the version's log index.
        """
        headers = self._token(token, "publishing")
        name, version = archive_identity(archive)
        data = {"signature": signature, "key_id": key_id}
        if verification is not None:
            data["verification"] = json.dumps(dict(verification), sort_keys=True)
        what = f"the publication of {name} {version}"
        answer = self._send(
            "PUT",
            "/packages",
            what=what,
            package=f"{name} {version}",
            idempotent=False,
            headers=headers,
            data=data,
            files={"archive": (archive_filename(name, version), archive, "application/gzip")},
        )
        self._check(answer, what, f"{name} {version}")
        doc = load_json(answer.body, self.url, what, name)
        entry = doc.get("version") if isinstance(doc, dict) else None
        return parse_index({"name": name, "versions": [entry]}, name, self.url).versions[0]

    def yank(
        self, name: str, version: Version, *, undo: bool = False, token: str | None = None
    ) -> None:
        """``POST …/{name}/{version}/yank``; undoing is ``DELETE`` of the same path."""
        what = f"{'undoing the yank' if undo else 'yanking'} of {name} {version}"
        headers = self._token(token, "yanking")
        answer = self._send(
            "DELETE" if undo else "POST",
            f"/packages/{name}/{version}/yank",
            what=what,
            package=f"{name} {version}",
            headers=headers,
        )
        self._check(answer, what, f"{name} {version}")

    # -- keys and owners -------------------------------------------------------------------

    def _key_entry(self, body: bytes, what: str) -> KeyEntry:
        doc = load_json(body, self.url, what, None)
        try:
            public = PublicKey.from_b64(doc["public_key"])
            owner, valid_from = doc["owner"], doc["valid_from"]
            revoked_at = doc.get("revoked_at")
            if not isinstance(owner, str) or type(valid_from) is not int:
                raise TypeError(owner)
            if revoked_at is not None and type(revoked_at) is not int:
                raise TypeError(revoked_at)
        except (KeyError, TypeError, TrustError):
            raise RegistryError(f"registry {self.url} sent a malformed answer to {what}") from None
        return KeyEntry(public, owner, valid_from, revoked_at)

    def register_key(
        self, public_key: PublicKey, credentials: Credentials, *, replaces: str | None = None
    ) -> KeyEntry:
        """``POST /api/v1/keys``: register the token's user's key, valid from the log's size.

        With ``replaces`` (a key id of the same user) the registry revokes that
        key at the same log size: a rotation.
        """
        what = f"the registration of key {public_key.key_id[:16]}…"
        headers = self._token(credentials.token, "registering a key")
        body: dict[str, str] = {"public_key": public_key.b64()}
        if replaces is not None:
            body["replaces"] = replaces
        answer = self._send(
            "POST", "/keys", what=what, package=None, idempotent=False, headers=headers, json=body
        )
        try:
            self._check(answer, what, None)
        except RegistryRefused as refused:
            if refused.reason == "key_exists":
                raise KeyExistsError(refused.message, code=CODE_REFUSED) from None
            raise
        return self._key_entry(answer.body, what)

    def revoke_key(self, key_id: str, credentials: Credentials) -> KeyEntry:
        """``DELETE /api/v1/keys/{key_id}``: the key signs nothing logged from now on."""
        what = f"the revocation of key {key_id[:16]}…"
        headers = self._token(credentials.token, "revoking a key")
        answer = self._send("DELETE", f"/keys/{key_id}", what=what, package=None, headers=headers)
        self._check(answer, what, None)
        return self._key_entry(answer.body, what)

    def owners(self, name: str) -> tuple[str, ...]:
        """The owners of package ``name`` (``GET /api/v1/packages/{name}``)."""
        if self.offline:
            raise OfflineError(f"offline: the owners of {name} need registry {self.url}")
        what = f"the owners of {name}"
        answer = self._send(
            "GET",
            f"/packages/{name}",
            what=what,
            package=name,
            headers={"Accept": "application/json"},
        )
        if answer.status == 404:
            raise UnknownPackageError(
                f"no package named `{name}` in registry {self.url}", package=name
            )
        self._check(answer, what, name)
        return self._owner_list(answer.body, what, name)

    def _owner_list(self, body: bytes, what: str, name: str) -> tuple[str, ...]:
        doc = load_json(body, self.url, what, name)
        owners = doc.get("owners") if isinstance(doc, dict) else None
        if not isinstance(owners, list) or not all(isinstance(o, str) for o in owners):
            raise RegistryError(f"registry {self.url} sent a malformed answer to {what}")
        return tuple(owners)

    def set_owners(
        self, name: str, owners: tuple[str, ...], credentials: Credentials
    ) -> tuple[str, ...]:
        """``PUT /api/v1/packages/{name}/owners``: the whole new set (an owner's token)."""
        what = f"the change of {name}'s owners"
        headers = self._token(credentials.token, "changing owners")
        answer = self._send(
            "PUT",
            f"/packages/{name}/owners",
            what=what,
            package=name,
            headers=headers,
            json={"owners": list(owners)},
        )
        self._check(answer, what, name)
        return self._owner_list(answer.body, what, name)
