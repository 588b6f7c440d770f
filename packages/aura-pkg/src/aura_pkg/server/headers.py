"""Security headers on every answer of the application (pure ASGI, outermost).

The API's answers are JSON and archives, and the web UI is a single page: none
is meant to be framed, sniffed into another type, or to leak its URL to other
sites.  So every answer, errors and the rate limiter's 429 included, says
``X-Content-Type-Options: nosniff``, ``X-Frame-Options: DENY`` with its modern
form ``Content-Security-Policy: frame-ancestors 'none'``, and
``Referrer-Policy: no-referrer``.  A header the application set itself is kept.
"""

from __future__ import annotations

from aura_pkg.server.limits import App, Message, Receive, Scope, Send

__all__ = ["SECURITY_HEADERS", "SecurityHeaders"]

SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"content-security-policy", b"frame-ancestors 'none'"),
    (b"referrer-policy", b"no-referrer"),
)


class SecurityHeaders:
    """ASGI middleware adding :data:`SECURITY_HEADERS` to every HTTP answer."""

    def __init__(self, app: App) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message.get("type") == "http.response.start":
                headers = list(message.get("headers", ()))
                present = {bytes(name).lower() for name, _ in headers}
                headers += [(n, v) for n, v in SECURITY_HEADERS if n not in present]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)
