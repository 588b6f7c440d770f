"""``aura registry admin``: users, API tokens and publisher keys, directly in the database.

* ``create-user NAME [--admin]`` — a user and its first token;
* ``create-token NAME [--scope S]...`` — another token;
* ``revoke-token ID|TOKEN`` — revoke a token;
* ``register-key NAME KEY`` — register a publisher key for a user (what
  ``aura pkg keygen`` asks the operators of an HTTP registry to do);
* ``revoke-key KEY_ID`` — revoke a publisher key.

Tokens are printed on stdout, once; the database keeps only their hashes.
Every change is recorded in the audit log, from the address ``command line``.
These commands work while the server runs: key changes take the log's row
lock like the server's own writers (on SQLite a busy database makes the
command fail; run it again).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import click

from aura_pkg.cli._common import fail, reported, status
from aura_pkg.errors import PackageError
from aura_pkg.server.cli_support import CODE_SERVER, need_extra, storage_options

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from aura_pkg.server.models import User

__all__ = ["admin"]


@click.group("admin")
def admin() -> None:
    """Manage users, API tokens and publisher keys (directly in the database)."""


@contextlib.contextmanager
def _admin_session(database: str | None, storage: Path) -> Iterator[Session]:
    """A session on the registry's database (migrated first), closed with its engine."""
    need_extra()
    from aura_pkg.server.db import make_engine, make_sessions, migrate
    from aura_pkg.server.settings import Settings, StartupError

    settings = Settings(storage=storage, database_url=database)
    try:
        engine = make_engine(settings.db_url)
        migrate(engine)
    except StartupError as exc:
        raise PackageError(str(exc), code=CODE_SERVER) from None
    try:
        with make_sessions(engine)() as session:
            yield session
    finally:
        engine.dispose()


def _audit(session: Session, action: str, target: str) -> None:
    from aura_pkg.server.db import now
    from aura_pkg.server.models import AuditEvent

    session.add(
        AuditEvent(
            at=now(),
            actor=None,
            token_id=None,
            action=action,
            target=target,
            outcome="ok",
            status=200,
            address="command line",
            detail="aura registry admin",
        )
    )


@admin.command("create-user")
@click.argument("name")
@click.option("--admin", "is_admin", is_flag=True, help="An administrator (audit log, removals).")
@storage_options
@reported
def create_user(name: str, is_admin: bool, database: str | None, storage: Path) -> None:
    """Create the user NAME and print its first API token.

    The token has the scopes publish and yank (and admin for an
    administrator).  It is shown once: store it (aura pkg login).
    """
    from aura_pkg.server.accounts import AccountError
    from aura_pkg.server.accounts import create_user as make_user

    with _admin_session(database, storage) as session:
        try:
            user, token, text = make_user(session, name, admin=is_admin)
        except AccountError as exc:
            fail(str(exc))
        _audit(session, "create-user", name + (" (admin)" if is_admin else ""))
        session.commit()
        status(f"Created user {user.name} with token {token.id} ({token.scopes})")
    click.echo(text)


@admin.command("create-token")
@click.argument("name")
@click.option(
    "--scope",
    "scopes",
    multiple=True,
    type=click.Choice(["publish", "yank", "admin"]),
    help="A scope of the token (repeat for several).  [default: publish and yank]",
)
@storage_options
@reported
def create_token(name: str, scopes: tuple[str, ...], database: str | None, storage: Path) -> None:
    """Print a new API token of the user NAME."""
    from aura_pkg.server.accounts import AccountError
    from aura_pkg.server.accounts import create_token as make_token

    with _admin_session(database, storage) as session:
        user = _user(session, name)
        try:
            token, text = make_token(session, user, scopes or ("publish", "yank"))
        except AccountError as exc:
            fail(str(exc))
        _audit(session, "create-token", f"{name} token {token.id} ({token.scopes})")
        session.commit()
        status(f"Created token {token.id} of {name} ({token.scopes})")
    click.echo(text)


@admin.command("revoke-token")
@click.argument("token", metavar="ID|TOKEN")
@storage_options
@reported
def revoke_token(token: str, database: str | None, storage: Path) -> None:
    """Revoke an API token, given by its id (as create-user printed) or its text."""
    from aura_pkg.server.accounts import AccountError
    from aura_pkg.server.accounts import revoke_token as revoke

    with _admin_session(database, storage) as session:
        try:
            row = revoke(session, token)
        except AccountError as exc:
            fail(str(exc))
        _audit(session, "revoke-token", f"token {row.id}")
        session.commit()
        status(f"Revoked token {row.id}")


def _user(session: Session, name: str) -> User:
    from sqlalchemy import select

    from aura_pkg.server.models import User

    user = session.execute(select(User).where(User.name == name)).scalar_one_or_none()
    if user is None:
        fail(f"no user named {name}")
    return user


@admin.command("register-key")
@click.argument("name")
@click.argument("key", metavar="KEY")
@storage_options
@reported
def register_key(name: str, key: str, database: str | None, storage: Path) -> None:
    """Register a publisher key of the user NAME, valid from the current log size.

    KEY is the public key in base64 or a public key file of ``aura pkg keygen``
    (signing-key.pub.json).  Prints the key id.
    """
    from aura_pkg.server.errors import ApiError
    from aura_pkg.server.keys import add_key
    from aura_pkg.signing import read_public_key

    public = read_public_key(key).b64() if Path(key).is_file() else key.strip()
    with _admin_session(database, storage) as session:
        user = _user(session, name)
        try:
            row = add_key(session, user, public)
        except ApiError as exc:
            fail(exc.message)
        _audit(session, "register-key", f"{row.key_id} of {name}")
        session.commit()
        status(f"Registered key {row.key_id[:16]}… of {name}, valid from log size {row.valid_from}")
    click.echo(row.key_id)


@admin.command("revoke-key")
@click.argument("key_id")
@storage_options
@reported
def revoke_key(key_id: str, database: str | None, storage: Path) -> None:
    """Revoke a publisher key from the current log size on."""
    from aura_pkg.server.errors import ApiError
    from aura_pkg.server.keys import revoke_key as revoke

    with _admin_session(database, storage) as session:
        try:
            row, owner = revoke(session, key_id, None)
        except ApiError as exc:
            fail(exc.message)
        _audit(session, "revoke-key", f"{key_id} of {owner}")
        session.commit()
        status(f"Revoked key {key_id[:16]}… of {owner} from log size {row.revoked_at}")
