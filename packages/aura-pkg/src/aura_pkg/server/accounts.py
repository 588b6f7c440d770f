"""Users and API tokens: creating, hashing, revoking and checking them.

A token is ``aura_`` and 43 characters of ``secrets.token_urlsafe`` (256 bits);
the database keeps only its SHA-256, so a stolen database yields no usable
token, and a salt would add nothing against guessing a 256-bit secret.  Each
token carries scopes: ``publish`` (publish, manage one's keys and a package's
owners), ``yank`` (yank and unyank) and ``admin`` (the audit log, removals,
acting on any package).
A token can be revoked; it then authenticates nothing.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from aura_pkg.server.db import now
from aura_pkg.server.models import ApiToken, User

__all__ = [
    "SCOPES",
    "AccountError",
    "Caller",
    "create_token",
    "create_user",
    "find_caller",
    "hash_token",
    "revoke_token",
    "valid_user_name",
]

SCOPES = ("publish", "yank", "admin")
TOKEN_PREFIX = "aura_"
_USER_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")


class AccountError(Exception):
    """A user or token operation that cannot be done; the message says why."""


@dataclass(frozen=True, slots=True)
class Caller:
    """Who made an authenticated request, through which token, allowed what."""

    user_id: int
    name: str
    is_admin: bool
    token_id: int
    scopes: frozenset[str]


def valid_user_name(name: str) -> bool:
    return _USER_NAME.fullmatch(name) is not None


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def _check_scopes(scopes: Iterable[str], user: User) -> str:
    chosen = sorted(set(scopes), key=SCOPES.index) if set(scopes) <= set(SCOPES) else None
    if chosen is None:
        unknown = ", ".join(sorted(set(scopes) - set(SCOPES)))
        raise AccountError(f"unknown scope {unknown}; scopes are {', '.join(SCOPES)}")
    if "admin" in chosen and not user.is_admin:
        raise AccountError(f"{user.name} is not an administrator, so a token cannot have `admin`")
    if not chosen:
        raise AccountError("a token needs at least one scope")
    return " ".join(chosen)


def create_token(session: Session, user: User, scopes: Iterable[str]) -> tuple[ApiToken, str]:
    """A new token of ``user`` with ``scopes``: the row and the token text (shown once)."""
    text = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(
        user_id=user.id,
        token_hash=hash_token(text),
        scopes=_check_scopes(scopes, user),
        created_at=now(),
    )
    session.add(row)
    session.flush()
    return row, text


def create_user(session: Session, name: str, *, admin: bool = False) -> tuple[User, ApiToken, str]:
    """A new user and its first token (publish and yank, and admin for an administrator)."""
    if not valid_user_name(name):
        raise AccountError(
            f"invalid user name {name!r}: a letter or digit, then up to 63 letters, digits, "
            "`_`, `.` or `-`"
        )
    if session.execute(select(User).where(User.name == name)).scalar_one_or_none() is not None:
        raise AccountError(f"a user named {name} exists already")
    user = User(name=name, is_admin=admin, created_at=now())
    session.add(user)
    session.flush()
    scopes = SCOPES if admin else ("publish", "yank")
    token, text = create_token(session, user, scopes)
    return user, token, text


def revoke_token(session: Session, which: str) -> ApiToken:
    """Revoke the token with id ``which`` (a number) or the token text itself."""
    if which.isdigit():
        row = session.get(ApiToken, int(which))
    else:
        row = session.execute(
            select(ApiToken).where(ApiToken.token_hash == hash_token(which))
        ).scalar_one_or_none()
    if row is None:
        raise AccountError(f"no token {which if which.isdigit() else '(given as text)'}")
    if row.revoked_at is None:
        row.revoked_at = now()
    return row


def find_caller(session: Session, token: str) -> Caller | None:
    """The caller a token authenticates, or None for an unknown or revoked token."""
    row = session.execute(
        select(ApiToken, User)
        .join(User, User.id == ApiToken.user_id)
        .where(ApiToken.token_hash == hash_token(token))
    ).first()
    if row is None:
        return None
    token_row, user = row
    if token_row.revoked_at is not None:
        return None
    return Caller(
        user.id, user.name, user.is_admin, token_row.id, frozenset(token_row.scopes.split())
    )
