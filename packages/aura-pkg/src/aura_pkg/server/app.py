"""The ASGI application: routes, error format, rate and size limits, the web UI.

:func:`create_app` opens the registry (:class:`RegistryService`: migrations,
root key, log check) before returning, so a server that cannot serve
correctly fails at start-up with a :class:`StartupError` rather than on its
first request.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as dist_version

import anyio.to_thread
from fastapi import FastAPI

from aura_pkg.server import routes_read, routes_trust, routes_write
from aura_pkg.server.errors import install_error_handlers
from aura_pkg.server.headers import SecurityHeaders
from aura_pkg.server.limits import BodyLimit, RateLimiter, TokenBuckets
from aura_pkg.server.service import RegistryService
from aura_pkg.server.settings import Settings
from aura_pkg.server.ui import mount_ui

__all__ = ["create_app"]

#: Bodies of requests other than a publication (key and owner changes) are small.
_SMALL_BODY = 64 * 1024


def _version() -> str:
    try:
        return dist_version("aura-pkg")
    except PackageNotFoundError:
        return "0"


def create_app(settings: Settings) -> FastAPI:
    """The registry server for ``settings``; raises StartupError when it cannot serve."""
    service = RegistryService(settings)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # Handlers that touch the database run on worker threads.  Python runs
        # one thread at a time, so many of them only take turns (and stretch
        # every answer's latency); a few keep both cores busy while SQLite or
        # the network has released the interpreter.
        anyio.to_thread.current_default_thread_limiter().total_tokens = settings.threads
        try:
            yield
        finally:
            service.close()

    app = FastAPI(
        title="Aura package registry",
        version=_version(),
        description="The registry protocol of the Aura package manager (spec/packages.md).",
        openapi_url="/api/v1/openapi.json",
        # FastAPI's documentation page loads Swagger UI from a CDN, which would make
        # every visitor's browser trust a third party; the OpenAPI document stays.
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.service = service
    install_error_handlers(app)
    app.include_router(routes_read.router)
    app.include_router(routes_write.router)
    app.include_router(routes_trust.router)
    mount_ui(app, settings.ui_dir)
    publish_cap = settings.max_upload_bytes
    app.add_middleware(
        BodyLimit,
        limit=lambda path: publish_cap if path.rstrip("/") == "/api/v1/packages" else _SMALL_BODY,
    )
    app.add_middleware(
        RateLimiter,
        addresses=TokenBuckets(settings.address_rate),
        tokens=TokenBuckets(settings.token_rate),
    )
    app.add_middleware(SecurityHeaders)  # added last: outermost, so on every answer
    return app
