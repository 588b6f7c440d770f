"""The root key and the publisher keys of the registry.

The root private key signs the key list and every tree head.  It is read from
``Settings.root_key_path`` (a key file as ``aura pkg keygen`` writes, mode
0600), or generated there on first start when no file was named.  The database
records the key id of the root key it was created with, so a server started
with another key refuses to run instead of serving documents no client trusts.

Publisher keys carry log sizes, not times: a key registered when the log has
*n* entries is valid from index *n*; revoking it at size *m* makes it invalid
from index *m* on (spec "Signatures and trust").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from aura_pkg.errors import TrustError
from aura_pkg.server.db import now
from aura_pkg.server.errors import ApiError
from aura_pkg.server.models import PublisherKey, RegistryMeta, User
from aura_pkg.server.settings import Settings, StartupError
from aura_pkg.server.translog import signed_head
from aura_pkg.signing import (
    KeyEntry,
    KeyList,
    PrivateKey,
    PublicKey,
    generate_key,
    read_private_key,
    write_private_key,
)

__all__ = [
    "ROOT_KEY_META",
    "StoredKey",
    "add_key",
    "check_root_key",
    "key_document",
    "key_entry",
    "key_list",
    "load_root_key",
    "revoke_key",
    "root_key_document",
    "stored_keys",
]

_KEY_ID = re.compile(r"[0-9a-f]{64}")

ROOT_KEY_META = "root_key_id"


def load_root_key(settings: Settings) -> PrivateKey:
    """The root private key, generated (mode 0600) on first start if none was named."""
    path = settings.root_key_path
    if not path.exists():
        if settings.root_key_file is not None:
            raise StartupError(f"the root key file {path} does not exist")
        private, _ = generate_key()
        path.parent.mkdir(parents=True, exist_ok=True)
        write_private_key(path, private)
        return private
    try:
        return read_private_key(path)
    except TrustError as exc:
        raise StartupError(f"cannot use the root key: {exc}") from None


def check_root_key(session: Session, root: PublicKey, path: object) -> None:
    """Record the root key of a new database, or check that it is the recorded one."""
    meta = session.get(RegistryMeta, ROOT_KEY_META)
    if meta is None:
        session.add(RegistryMeta(key=ROOT_KEY_META, value=root.key_id))
        return
    if meta.value != root.key_id:
        raise StartupError(
            f"the database belongs to the root key {meta.value[:16]}…, but {path} holds the key "
            f"{root.key_id[:16]}…; start the server with the registry's own root key"
        )


def root_key_document(root: PublicKey) -> dict[str, str]:
    """``GET /api/v1/root-key``: the root public key as a public key file."""
    return {"algorithm": "ed25519", "key_id": root.key_id, "public_key": root.b64()}


@dataclass(frozen=True, slots=True)
class StoredKey:
    """A publisher key row with its owner's name."""

    row: PublisherKey
    owner: str


def stored_keys(session: Session) -> list[StoredKey]:
    rows = session.execute(
        select(PublisherKey, User.name).join(User, User.id == PublisherKey.user_id)
    ).all()
    return [StoredKey(row, owner) for row, owner in rows]


def key_entry(key: StoredKey) -> KeyEntry:
    row = key.row
    return KeyEntry(PublicKey.from_b64(row.public_key), key.owner, row.valid_from, row.revoked_at)


def key_list(session: Session, root: PrivateKey) -> dict[str, Any]:
    """``GET /api/v1/keys``: every publisher key, signed by the root key."""
    return KeyList(tuple(key_entry(k) for k in stored_keys(session))).signed(root)


def key_document(row: PublisherKey, owner: str) -> dict[str, Any]:
    """A key's entry as the key list shows it."""
    out: dict[str, Any] = {
        "key_id": row.key_id,
        "owner": owner,
        "public_key": row.public_key,
        "valid_from": row.valid_from,
    }
    if row.revoked_at is not None:
        out["revoked_at"] = row.revoked_at
    return out


def add_key(
    session: Session, user: User, public_key: str, replaces: str | None = None
) -> PublisherKey:
    """Register ``user``'s key (base64), valid from the current log size.

    With ``replaces`` (a key id of the same user), that key is revoked at the
    same size: rotation.  Takes the log's row lock, so the size cannot move.
    """
    try:
        public = PublicKey.from_b64(public_key)
    except TrustError as exc:
        raise ApiError(422, "invalid_key", exc.message) from None
    size = signed_head(session, lock=True).size
    if session.get(PublisherKey, public.key_id) is not None:
        raise ApiError(409, "key_exists", f"key {public.key_id[:16]}… is registered already")
    if replaces is not None:
        old = session.get(PublisherKey, replaces) if _KEY_ID.fullmatch(replaces) else None
        if old is None or old.user_id != user.id:
            raise ApiError(404, "not_found", f"{user.name} has no key {replaces[:16]}…")
        if old.revoked_at is None:
            old.revoked_at = size
    row = PublisherKey(
        key_id=public.key_id,
        public_key=public.b64(),
        user_id=user.id,
        valid_from=size,
        revoked_at=None,
        created_at=now(),
    )
    session.add(row)
    return row


def revoke_key(session: Session, key_id: str, by: User | None) -> tuple[PublisherKey, str]:
    """Revoke a key from the current log size on; ``by`` must own it (None: an administrator).

    Returns the key and its owner's name.  Revoking a revoked key changes nothing.
    """
    size = signed_head(session, lock=True).size
    row = session.get(PublisherKey, key_id) if _KEY_ID.fullmatch(key_id) else None
    if row is None:
        raise ApiError(404, "not_found", f"no key {key_id[:16]}…")
    if by is not None and row.user_id != by.id:
        raise ApiError(403, "not_key_owner", f"key {key_id[:16]}… belongs to another user")
    if row.revoked_at is None:
        row.revoked_at = size
    owner = session.get(User, row.user_id)
    return row, owner.name if owner is not None else ""
