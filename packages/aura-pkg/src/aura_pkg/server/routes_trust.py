"""The routes of trust: the root key, the signed key list, the log and its proofs, the audit log.

Key changes take effect at the log's current size: a registered key may sign
the next version logged, a revoked one nothing logged from now on.  They are
log writers (:meth:`RegistryService.write` with ``log=True``) so that the size
they read cannot move under them.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from sqlalchemy import func, select

from aura_pkg.errors import TrustError
from aura_pkg.server.accounts import Caller
from aura_pkg.server.errors import ApiError
from aura_pkg.server.keys import add_key, key_document, key_list, revoke_key, root_key_document
from aura_pkg.server.models import AuditEvent, User
from aura_pkg.server.schemas import (
    AuditPage,
    ConsistencyProofModel,
    InclusionProofModel,
    KeyEntryModel,
    KeyListModel,
    KeyRequest,
    RootKeyModel,
    TreeHeadModel,
)
from aura_pkg.server.translog import signed_head
from aura_pkg.server.web import ERRORS, document, needs, origin_of, service_of
from aura_pkg.signing import PublicKey

__all__ = ["router"]

router = APIRouter(prefix="/api/v1", responses=ERRORS)

_NOT_MODIFIED: dict[int | str, dict[str, Any]] = {
    304: {"description": "Not modified (If-None-Match)"}
}
LogSize = Annotated[int, Query(ge=0, le=2**62)]


@router.get("/root-key", response_model=RootKeyModel, responses=_NOT_MODIFIED)
def root_key(request: Request) -> Response:
    """The registry's root public key (clients pin it on first contact)."""
    return document(request, root_key_document(service_of(request).root_public))


@router.get("/keys", response_model=KeyListModel, responses=_NOT_MODIFIED)
def keys(request: Request) -> Response:
    """Every publisher key with its owner and validity, signed by the root key."""
    service = service_of(request)
    with service.sessions() as session:
        return document(request, key_list(session, service.root))


@router.post("/keys", response_model=KeyEntryModel, status_code=201)
def register_key(
    request: Request,
    caller: Annotated[Caller, Depends(needs("publish"))],
    body: KeyRequest,
) -> Response:
    """Register a publisher key of the caller, valid from the current log size.

    With ``replaces``, the caller's old key is revoked at the same size in the
    same change (rotation).
    """
    try:
        target = PublicKey.from_b64(body.public_key).key_id
    except TrustError:
        target = body.public_key
    target += f" replaces {body.replaces}" if body.replaces else ""
    service = service_of(request)
    with service.write(origin_of(request), caller, "register-key", target, log=True) as s:
        user = s.get(User, caller.user_id)
        if user is None:
            raise ApiError(401, "unauthorized", "the token's user no longer exists")
        row = add_key(s, user, body.public_key, body.replaces)
        answer = key_document(row, user.name)
    return document(request, answer, status=201)


@router.delete("/keys/{key_id}", response_model=KeyEntryModel)
def revoke(
    request: Request,
    caller: Annotated[Caller, Depends(needs("publish"))],
    key_id: Annotated[str, Path(max_length=64)],
) -> Response:
    """Revoke a key (its owner or an administrator) from the current log size on."""
    service = service_of(request)
    with service.write(origin_of(request), caller, "revoke-key", key_id, log=True) as s:
        by = None if caller.is_admin else s.get(User, caller.user_id)
        if by is None and not caller.is_admin:
            raise ApiError(401, "unauthorized", "the token's user no longer exists")
        row, owner = revoke_key(s, key_id, by)
        answer = key_document(row, owner)
    return document(request, answer)


@router.get("/log/head", response_model=TreeHeadModel)
def log_head(request: Request) -> Response:
    """The signed tree head over the whole log."""
    with service_of(request).sessions() as session:
        head = signed_head(session)
        doc = {"root": head.root, "size": head.size, "signature": head.signature}
    return document(request, doc)


def _check_size(request: Request, size: int) -> None:
    with service_of(request).sessions() as session:
        current = signed_head(session).size
    if size > current:
        raise ApiError(422, "invalid_request", f"the log has {current} entries, not {size}")


@router.get("/log/proof/inclusion", response_model=InclusionProofModel)
def inclusion(request: Request, leaf_index: LogSize, tree_size: LogSize) -> Response:
    """That log entry ``leaf_index`` is in the tree of ``tree_size`` entries."""
    if leaf_index >= tree_size:
        raise ApiError(422, "invalid_request", "leaf_index must be less than tree_size")
    _check_size(request, tree_size)
    service = service_of(request)
    with service.sessions() as session:
        proof = service.leaves.inclusion(session, leaf_index, tree_size)
    return document(request, proof.to_json())


@router.get("/log/proof/consistency", response_model=ConsistencyProofModel)
def consistency(request: Request, old_size: LogSize, tree_size: LogSize) -> Response:
    """That the tree of ``old_size`` entries is a prefix of the tree of ``tree_size``."""
    if old_size > tree_size:
        raise ApiError(422, "invalid_request", "old_size must not exceed tree_size")
    _check_size(request, tree_size)
    service = service_of(request)
    with service.sessions() as session:
        proof = service.leaves.consistency(session, old_size, tree_size)
    return document(request, proof.to_json())


@router.get("/audit", response_model=AuditPage)
def audit(
    request: Request,
    _caller: Annotated[Caller, Depends(needs("admin"))],
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
    action: Annotated[str | None, Query(max_length=32)] = None,
) -> Response:
    """Audit events, newest first (an administrator's token)."""
    service = service_of(request)
    per_page = 50
    if action is not None and "\0" in action:
        raise ApiError(422, "invalid_request", "`action` cannot hold NUL")
    where = AuditEvent.action == action if action else AuditEvent.id.is_not(None)
    with service.sessions() as session:
        total = session.execute(
            select(func.count()).select_from(AuditEvent).where(where)
        ).scalar_one()
        rows = session.execute(
            select(AuditEvent)
            .where(where)
            .order_by(AuditEvent.id.desc())
            .offset((page - 1) * per_page)
            .limit(per_page)
        ).scalars()
        events = [
            {
                "action": e.action,
                "actor": e.actor,
                "address": e.address,
                "at": e.at,
                "detail": e.detail,
                "id": e.id,
                "outcome": e.outcome,
                "status": e.status,
                "target": e.target,
                "token_id": e.token_id,
            }
            for e in rows
        ]
    return document(request, {"events": events, "page": page, "total": total})
