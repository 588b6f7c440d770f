"""The writing routes on packages: publish, yank, owners, an administrator's removal.

Each write is audited (:meth:`RegistryService.write`).  Publishing and owner
changes need a token with the ``publish`` scope, yanking one with ``yank``,
removal one with ``admin``; acting on a package needs its ownership too (an
administrator may yank or change owners of any package).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Path, Request, Response, UploadFile
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

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
from aura_pkg.server.web import ERRORS, document, needs, origin_of, service_of

__all__ = ["router"]

router = APIRouter(prefix="/api/v1", responses=ERRORS)

Name = Annotated[str, Path(max_length=128)]
VersionText = Annotated[str, Path(max_length=256)]


@router.put(
    "/packages",
    response_model=PublishAnswer,
    summary="Publish a version (multipart: archive, signature, key_id)",
)
def publish_version(
    request: Request,
    caller: Annotated[Caller, Depends(needs("publish"))],
    archive: Annotated[UploadFile, File(description="NAME-VERSION.tar.gz")],
    signature: Annotated[str, Form(max_length=200)],
    key_id: Annotated[str, Form(max_length=200)],
    verification: Annotated[str | None, Form(max_length=100_000)] = None,
    name: Annotated[str | None, Form(max_length=200)] = None,
    version: Annotated[str | None, Form(max_length=300)] = None,
    dependencies: Annotated[str | None, Form(max_length=100_000)] = None,
) -> Response:
    service = service_of(request)
    limit = service.settings.limits.max_archive_bytes
    data = archive.file.read(limit + 1)
    if len(data) > limit:
        raise ApiError(413, "payload_too_large", f"the archive is larger than {limit} bytes")
    upload = inspect_archive(data, service.settings.limits)
    check_claims(upload, Claimed(name, version, dependencies))
    answer = publish(service, origin_of(request), caller, upload, signature, key_id, verification)
    return document(request, answer)


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
