"""Two guards in front of the API: request rates and request body sizes (pure ASGI).

**Rates.**  A token bucket per client address, and another per API token, for
every ``/api/`` request: a bucket holds up to ``burst`` requests and refills at
``per_second``.  An empty bucket answers 429 with ``Retry-After`` (whole
seconds until a request is allowed).  The buckets live in the memory of one
server process, which is what one process needs; several processes each count
their own.

**Bodies.**  A request body is counted while it streams in.  A declared
``Content-Length`` over the limit is refused before a byte is read; a body that
grows past it (chunked) is cut off: the application sees the client disconnect,
and the answer becomes 413.  Nothing larger than the limit is ever buffered,
and the form parser spools file parts to disk, so memory stays bounded too.
"""

from __future__ import annotations

import hashlib
import json
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aura_pkg.server.errors import error_body
from aura_pkg.server.settings import RateLimit

__all__ = ["BodyLimit", "RateLimiter", "TokenBuckets"]

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Any]
Send = Callable[[Message], Any]
App = Callable[[Scope, Receive, Send], Any]

_MAX_BUCKETS = 50_000


@dataclass(slots=True)
class _Bucket:
    tokens: float
    stamp: float


class TokenBuckets:
    """Token buckets by key; ``take(key)`` is 0.0 when allowed, else the seconds to wait."""

    def __init__(self, rate: RateLimit, clock: Callable[[], float] = time.monotonic) -> None:
        self.rate = rate
        self._clock = clock
        self._buckets: dict[str, _Bucket] = {}
        self._lock = threading.Lock()

    def take(self, key: str) -> float:
        now = self._clock()
        rate = self.rate
        with self._lock:
            bucket = self._buckets.get(key)
            if bucket is None:
                if len(self._buckets) >= _MAX_BUCKETS:
                    self._prune(now)
                bucket = self._buckets[key] = _Bucket(rate.burst, now)
            bucket.tokens = min(rate.burst, bucket.tokens + (now - bucket.stamp) * rate.per_second)
            bucket.stamp = now
            if bucket.tokens >= 1.0:
                bucket.tokens -= 1.0
                return 0.0
            if rate.per_second <= 0:
                return math.inf
            return (1.0 - bucket.tokens) / rate.per_second

    def _prune(self, now: float) -> None:
        """Forget buckets that have refilled completely (they behave like new ones)."""
        rate = self.rate
        full = [
            k
            for k, b in self._buckets.items()
            if b.tokens + (now - b.stamp) * rate.per_second >= rate.burst
        ]
        for key in full:
            del self._buckets[key]
        if len(self._buckets) >= _MAX_BUCKETS:
            self._buckets.clear()


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key.lower() == name:
            return bytes(value).decode("latin-1")
    return None


async def _send_error(
    send: Send, status: int, code: str, message: str, extra: list[tuple[bytes, bytes]]
) -> None:
    body = json.dumps(error_body(code, message)).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        *extra,
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class RateLimiter:
    """ASGI middleware: 429 with ``Retry-After`` when an address or a token asks too often."""

    def __init__(self, app: App, addresses: TokenBuckets, tokens: TokenBuckets) -> None:
        self.app = app
        self.addresses = addresses
        self.tokens = tokens

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not str(scope.get("path", "")).startswith("/api/"):
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        address = str(client[0]) if client else "unknown"
        wait = self.addresses.take("addr:" + address)
        authorization = _header(scope, b"authorization")
        if not wait and authorization:
            digest = hashlib.sha256(authorization.encode("utf-8", "replace")).hexdigest()
            wait = self.tokens.take("token:" + digest)
        if wait:
            seconds = 3600 if math.isinf(wait) else max(1, math.ceil(wait))
            await _send_error(
                send,
                429,
                "rate_limited",
                f"too many requests; retry in {seconds} s",
                [(b"retry-after", str(seconds).encode())],
            )
            return
        await self.app(scope, receive, send)


@dataclass(slots=True)
class _BodyState:
    """How much of one request body arrived, and what was answered."""

    seen: int = 0
    cut: bool = False
    answered: bool = False
    started: bool = False


class BodyLimit:
    """ASGI middleware: request bodies of at most ``limit(path)`` bytes, else 413."""

    def __init__(self, app: App, limit: Callable[[str], int]) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cap = self.limit(str(scope.get("path", "")))
        message = f"the request body is larger than the limit of {cap} bytes"
        declared = _header(scope, b"content-length")
        if declared is not None and declared.strip().isdigit() and int(declared) > cap:
            await _send_error(send, 413, "payload_too_large", message, [(b"connection", b"close")])
            return
        state = _BodyState()

        async def counted() -> Message:
            if state.cut:
                return {"type": "http.disconnect"}
            event: Message = await receive()
            if event.get("type") == "http.request":
                state.seen += len(event.get("body", b""))
                if state.seen > cap:
                    state.cut = True
                    return {"type": "http.disconnect"}
            return event

        async def guarded(event: Message) -> None:
            if state.cut:
                if not state.answered and not state.started:
                    state.answered = True
                    await _send_error(
                        send, 413, "payload_too_large", message, [(b"connection", b"close")]
                    )
                return
            if event.get("type") == "http.response.start":
                state.started = True
            await send(event)

        try:
            await self.app(scope, counted, guarded)
        except Exception:
            if not state.cut:
                raise
        if state.cut and not state.answered and not state.started:
            state.answered = True
            await _send_error(send, 413, "payload_too_large", message, [(b"connection", b"close")])
