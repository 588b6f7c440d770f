"""The writing routes on packages: publish, yank, owners, an administrator's removal.

Each write is audited (:meth:`RegistryService.write`).  Publishing and owner
changes need a token with the ``publish`` scope, yanking one with ``yank``,
removal one with ``admin``; acting on a package needs its ownership too (an
administrator may yank or change owners of any package).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request, Response
from sqlalchemy import delete, select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.datastructures import UploadFile as StarletteUpload
from starlette.exceptions import HTTPException as StarletteHTTPException

from aura_pkg.server import queries
from aura_pkg.server.accounts import Caller, valid_user_name
from aura_pkg.server.errors import ApiError
from aura_pkg.server.models import Owner, User
from aura_pkg.server.publishing import Claimed, check_claims, inspect_archive, publish
from aura_pkg.server.schemas import (
    OwnersModel,
    OwnersRequest,
    PublishAnswer,
    RemoveRequest,
    YankAnswer,
)
from aura_pkg.server.service import RegistryService
from aura_pkg.server.web import ERRORS, document, needs, origin_of, service_of

__all__ = ["router"]

router = APIRouter(prefix="/api/v1", responses=ERRORS)

Name = Annotated[str, Path(max_length=128)]
VersionText = Annotated[str, Path(max_length=256)]


#: The publish form's text fields and their longest values; the archive is the file part.
_PUBLISH_FIELDS = {
    "signature": 200,
    "key_id": 200,
    "verification": 100_000,
    "name": 200,
    "version": 300,
    "dependencies": 100_000,
}
_REQUIRED = ("signature", "key_id")

_PUBLISH_FORM: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["archive", *_REQUIRED],
                    "properties": {
                        "archive": {
                            "type": "string",
                            "format": "binary",
                            "description": "NAME-VERSION.tar.gz",
                        },
                        **{
                            field: {"type": "string", "maxLength": size}
                            for field, size in _PUBLISH_FIELDS.items()
                        },
                    },
                }
            }
        },
    }
}


def _invalid_form(message: str) -> ApiError:
    return ApiError(422, "invalid_request", f"invalid request: {message}")


def _text_fields(form: FormData) -> dict[str, str | None]:
    fields: dict[str, str | None] = {}
    for field, size in _PUBLISH_FIELDS.items():
        value = form.get(field)
        if value is not None and not isinstance(value, str):
            raise _invalid_form(f"{field}: a text field, not a file")
        if value is not None and len(value) > size:
            raise _invalid_form(f"{field}: longer than {size} characters")
        if value is None and field in _REQUIRED:
            raise _invalid_form(f"{field}: Field required")
        fields[field] = value
    return fields


@router.put(
    "/packages",
    response_model=PublishAnswer,
    summary="Publish a version (multipart: archive, signature, key_id)",
    openapi_extra=_PUBLISH_FORM,
)
async def publish_version(
    request: Request, caller: Annotated[Caller, Depends(needs("publish"))]
) -> Response:
    """The token is checked before a byte of the body is read (the form is read here).

    Declaring the form's fields as parameters would make FastAPI parse the whole
    multipart body first, spooling an unauthenticated client's upload to disk.
    """
    service = service_of(request)
    try:
        return await _publish_form(request, service, caller)
    except StarletteHTTPException as exc:  # a malformed multipart body
        refused = ApiError(exc.status_code, "invalid_request", str(exc.detail))
        await run_in_threadpool(_audit_refusal, request, caller, refused)
        raise
    except ApiError as exc:
        # Refusals before the database step (the form, the archive's checks) are
        # audited here; those of the step itself already were.
        await run_in_threadpool(_audit_refusal, request, caller, exc)
        raise


def _audit_refusal(request: Request, caller: Caller, exc: ApiError) -> None:
    service_of(request).record_refusal(origin_of(request), caller, "publish", "(upload)", exc)


async def _publish_form(request: Request, service: RegistryService, caller: Caller) -> Response:
    limit = service.settings.limits.max_archive_bytes
    form = await request.form(max_files=1, max_fields=len(_PUBLISH_FIELDS), max_part_size=200_000)
    try:
        archive = form.get("archive")
        if not isinstance(archive, StarletteUpload):
            raise _invalid_form("archive: Field required")
        fields = _text_fields(form)
        data = await archive.read(limit + 1)
    finally:
        await form.close()
    if len(data) > limit:
        raise ApiError(413, "payload_too_large", f"the archive is larger than {limit} bytes")

    def publish_upload() -> dict[str, Any]:
        upload = inspect_archive(data, service.settings.limits)
        check_claims(upload, Claimed(fields["name"], fields["version"], fields["dependencies"]))
        signature, key_id = fields["signature"], fields["key_id"]
        assert signature is not None and key_id is not None
        return publish(
            service, origin_of(request), caller, upload, signature, key_id, fields["verification"]
        )

    return document(request, await run_in_threadpool(publish_upload))


def _owned(session: Session, caller: Caller, name: str) -> int:
    """The id of package ``name`` if the caller owns it (or is an administrator); else 403/404."""
    package = queries.find_package(session, name)
    if package is None:
        raise ApiError(404, "not_found", f"no package named {name!r}")
    if not caller.is_admin and session.get(Owner, (package.id, caller.user_id)) is None:
        raise ApiError(403, "not_owner", f"{caller.name} is not an owner of {name}")
    return package.id


def _yank(request: Request, caller: Caller, name: str, version: str, yanked: bool) -> Response:
    action = "yank" if yanked else "unyank"
    with service_of(request).write(origin_of(request), caller, action, f"{name}@{version}") as s:
        package_id = _owned(s, caller, name)
        _, row = queries.find_version(s, name, version)
        row.yanked = yanked
        queries.bump_revision(s, package_id)
        answer = {"name": name, "version": row.version, "yanked": yanked}
    return document(request, answer)


@router.post("/packages/{name}/{version}/yank", response_model=YankAnswer, summary="Yank")
def yank(
    request: Request,
    caller: Annotated[Caller, Depends(needs("yank"))],
    name: Name,
    version: VersionText,
) -> Response:
    return _yank(request, caller, name, version, True)


@router.delete("/packages/{name}/{version}/yank", response_model=YankAnswer, summary="Undo a yank")
def unyank(
    request: Request,
    caller: Annotated[Caller, Depends(needs("yank"))],
    name: Name,
    version: VersionText,
) -> Response:
    return _yank(request, caller, name, version, False)


@router.put(
    "/packages/{name}/owners",
    response_model=OwnersModel,
    summary="Set a package's owners (an owner's token)",
)
def set_owners(
    request: Request,
    caller: Annotated[Caller, Depends(needs("publish"))],
    name: Name,
    body: OwnersRequest,
) -> Response:
    wanted = sorted(set(body.owners))
    if any(not valid_user_name(n) for n in wanted):
        raise ApiError(422, "unknown_user", "an owner is a user name (letters, digits, _ . -)")
    target = f"{name} owners={','.join(wanted)}"
    with service_of(request).write(origin_of(request), caller, "owners", target) as s:
        package_id = _owned(s, caller, name)
        users = s.execute(select(User).where(User.name.in_(wanted))).scalars().all()
        missing = sorted(set(wanted) - {u.name for u in users})
        if missing:
            raise ApiError(422, "unknown_user", f"no user named {', '.join(missing)}")
        s.execute(delete(Owner).where(Owner.package_id == package_id))
        for user in users:
            s.add(Owner(package_id=package_id, user_id=user.id))
        queries.bump_revision(s, package_id)
    return document(request, {"name": name, "owners": wanted})


@router.post(
    "/packages/{name}/{version}/remove",
    response_model=YankAnswer,
    summary="Remove a version (administrators; its log entry stays)",
)
def remove(
    request: Request,
    caller: Annotated[Caller, Depends(needs("admin"))],
    name: Name,
    version: VersionText,
    body: RemoveRequest,
) -> Response:
    with service_of(request).write(origin_of(request), caller, "remove", f"{name}@{version}") as s:
        package, row = queries.find_version(s, name, version)
        row.removed = body.reason.replace("\0", "")
        queries.bump_revision(s, package.id)
        answer = {"name": name, "version": row.version, "yanked": row.yanked}
    return document(request, answer)
