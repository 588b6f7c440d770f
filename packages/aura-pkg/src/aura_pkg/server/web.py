"""What every route shares: the service, the request's origin, JSON documents with ETags, tokens."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Depends, Request, Response
from fastapi.security import HTTPBearer

from aura_pkg.server.accounts import Caller
from aura_pkg.server.documents import Serialised, serialise
from aura_pkg.server.schemas import ErrorAnswer
from aura_pkg.server.service import Origin, RegistryService

__all__ = ["ERRORS", "document", "needs", "origin_of", "send", "service_of"]

#: The error answer, documented for every route.
ERRORS: dict[int | str, dict[str, Any]] = {
    "4XX": {"model": ErrorAnswer, "description": "The request was refused"},
    "5XX": {"model": ErrorAnswer, "description": "The server failed"},
}

_BEARER = HTTPBearer(auto_error=False, description="An API token (`aura registry admin`)")


def service_of(request: Request) -> RegistryService:
    service: RegistryService = request.app.state.service
    return service


def origin_of(request: Request) -> Origin:
    address = request.client.host if request.client is not None else "unknown"
    return Origin(address, request.method, request.url.path)


def _etag_matches(header: str | None, etag: str) -> bool:
    if header is None:
        return False
    for candidate in header.split(","):
        candidate = candidate.strip().removeprefix("W/")
        if candidate in (etag, "*"):
            return True
    return False


def document(request: Request, value: Any, *, status: int = 200) -> Response:
    """``value`` as JSON with an ETag; 304 when the client's ``If-None-Match`` has it."""
    return send(request, serialise(value), status=status)


def send(request: Request, document: Serialised, *, status: int = 200) -> Response:
    """A serialised document with its ETag; 304 when the client's ``If-None-Match`` has it."""
    headers = {"ETag": document.etag, "Cache-Control": "no-cache"}
    if status == 200 and _etag_matches(request.headers.get("if-none-match"), document.etag):
        return Response(status_code=304, headers=headers)
    return Response(
        document.body, status_code=status, media_type="application/json", headers=headers
    )


def needs(scope: str) -> Callable[..., Caller]:
    """A dependency: the caller of a request whose token has ``scope`` (else 401/403)."""

    def caller(request: Request, _doc: Annotated[Any, Depends(_BEARER)]) -> Caller:
        return service_of(request).authenticate(
            origin_of(request), request.headers.get("authorization"), scope
        )

    return caller
