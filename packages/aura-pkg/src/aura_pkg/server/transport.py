"""How the registry is put on the network: uvicorn with bounded request heads and connections.

uvicorn's httptools protocol buffers a request's head (request line and
headers) without limit, so one client could hold megabytes of memory per
connection while it trickles a header in.  :class:`BoundedHttpTools` counts the
bytes of every head while it arrives and answers ``431 Request Header Fields
Too Large`` (closing the connection) once it passes ``max_header_bytes``; the
bytes in the parser's buffer then never exceed the limit by more than one read
(asyncio reads at most 256 KiB at a time).  Without httptools, uvicorn's h11
protocol does the same with ``h11_max_incomplete_event_size``.

``limit_concurrency`` bounds the open connections and running requests: past
it, uvicorn answers 503.  Proxy headers (``X-Forwarded-For``,
``X-Forwarded-Proto``) are believed only from the addresses in
``forwarded_allow_ips``, and by default from none, so neither the rate limits
nor the audit log can be fed a made-up client address.
"""

from __future__ import annotations

import asyncio
from typing import Any

import uvicorn

from aura_pkg.server.settings import Settings

__all__ = ["BoundedHttpTools", "HeadTooLarge", "uvicorn_config"]

_TOO_LARGE = b"the request's headers are larger than the limit of %d bytes"


class HeadTooLarge(Exception):
    """A request head passed the limit (raised inside the parser's callbacks)."""


def _bounded_httptools() -> type[asyncio.Protocol] | None:
    """The httptools protocol with a bounded head, or None when httptools is missing."""
    try:
        from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
    except ImportError:  # pragma: no cover - the registry extra installs httptools
        return None

    class Bounded(HttpToolsProtocol):
        """uvicorn's httptools protocol refusing heads larger than ``max_header_bytes``."""

        max_header_bytes = 16 * 1024

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._in_head = False
            self._parsed = 0  # bytes of the head's completed parts (URL, headers)
            self._pending = 0  # bytes of the reads during which the head did not end
            self._too_large = False

        def data_received(self, data: bytes) -> None:
            if self._too_large:
                return
            super().data_received(data)
            # A head that did not end in this read: its bytes sit in the parser's buffer.
            if self._in_head and not self._too_large:
                self._pending += len(data)
                if self._pending > self.max_header_bytes:
                    self._too_large = True
                    self.send_400_response("")

        def _count(self, size: int) -> None:
            self._parsed += size
            if self._parsed > self.max_header_bytes:
                self._too_large = True
                raise HeadTooLarge  # stops the parser; uvicorn then calls send_400_response

        def on_message_begin(self) -> None:
            super().on_message_begin()
            self._in_head = True
            self._parsed = self._pending = 0

        def on_url(self, url: bytes) -> None:
            self._count(len(url))
            super().on_url(url)

        def on_header(self, name: bytes, value: bytes) -> None:
            self._count(len(name) + len(value) + 4)
            super().on_header(name, value)

        def on_headers_complete(self) -> None:
            self._in_head = False
            super().on_headers_complete()

        def send_400_response(self, msg: str) -> None:
            if not self._too_large:
                super().send_400_response(msg)
                return
            body = _TOO_LARGE % self.max_header_bytes
            self.transport.write(
                b"HTTP/1.1 431 Request Header Fields Too Large\r\n"
                b"content-type: text/plain; charset=utf-8\r\n"
                b"content-length: %d\r\nconnection: close\r\n\r\n%s" % (len(body), body)
            )
            self.transport.close()

    return Bounded


def uvicorn_config(
    app: Any, settings: Settings, *, log_level: str = "info", access_log: bool = False
) -> uvicorn.Config:
    """The uvicorn configuration that serves ``app`` within ``settings``' bounds."""
    allowed = list(settings.forwarded_allow_ips)
    options: dict[str, Any] = {}
    protocol = _bounded_httptools()
    if protocol is not None:
        options["http"] = type(
            "BoundedHttpTools", (protocol,), {"max_header_bytes": settings.max_header_bytes}
        )
    else:  # pragma: no cover - the registry extra installs httptools
        options["http"] = "h11"
    return uvicorn.Config(
        app,
        log_level=log_level,
        access_log=access_log,
        lifespan="on",
        proxy_headers=bool(allowed),
        forwarded_allow_ips=allowed or None,
        limit_concurrency=settings.max_connections,
        h11_max_incomplete_event_size=settings.max_header_bytes,
        **options,
    )


#: The protocol class with the default limit (for tests and documentation).
BoundedHttpTools = _bounded_httptools()
