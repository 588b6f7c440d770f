"""``aura pkg key rotate|revoke`` and ``aura pkg owner add|remove|list``.

Key changes take effect at the registry's current log size (spec "Signatures
and trust"): a rotation registers the new key and revokes the old one at the
same size, so every version logged from then on must be signed by the new
key, while versions logged before stay trusted.  On an HTTP registry the API
token's user must own the key (an administrator may revoke any); a file
registry's key list is re-signed here with its root key, as ``keygen`` does.

Owners exist only on HTTP registries, where they decide who may publish and
yank a package: a file registry has no accounts, and whoever can write its
directory can publish.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import click

from aura_pkg.cli._common import (
    data,
    fail,
    open_project_registry,
    registry_option,
    reported,
    status,
)
from aura_pkg.cli.registry_commands import registry_url

if TYPE_CHECKING:
    from aura_pkg.config import Config
    from aura_pkg.registry import Credentials, Registry

__all__ = ["key", "owner"]

F = TypeVar("F", bound=Callable[..., Any])

_KEY_ID = re.compile(r"[0-9a-f]{64}")
_USER = re.compile(r"[A-Za-z0-9_.-]{1,64}")


def token_option(fn: F) -> F:
    return click.option(
        "--token",
        metavar="TOKEN",
        help="API token for an HTTP registry.  [default: $AURA_REGISTRY_TOKEN, else `aura pkg "
        "login`'s]",
    )(fn)


def _credentials(
    config: Config, client: Registry, token: str | None, owner: str | None = None
) -> Credentials:
    """What a change needs: an API token where the registry has accounts."""
    from aura_pkg.registry import Credentials

    if not client.has_accounts:
        return Credentials(owner=owner)
    found = token or config.token(client.url)
    if not found:
        fail(
            f"registry {client.url} needs an API token for this",
            help=f"run `aura pkg login --registry {client.url}` first, or set AURA_REGISTRY_TOKEN "
            f"with AURA_REGISTRY={client.url} (the token belongs to that registry only)",
        )
    return Credentials(token=found, owner=owner)


# -- keys ------------------------------------------------------------------------------------


@click.group("key")
def key() -> None:
    """Rotate or revoke your publisher keys in a registry's key list."""


@key.command("rotate")
@click.option(
    "--owner",
    metavar="NAME",
    help="The owner recorded in a file registry's key list.  [default: the old key's]",
)
@token_option
@registry_option
@reported
def rotate(owner: str | None, token: str | None, registry: str | None) -> None:
    """Replace your signing key with a new one; the old key is revoked.

    The registry records the new key valid from its current log size and
    revokes the old one at that size: versions published before stay trusted,
    and anything the old key signs from now on is refused.  The new key
    replaces signing-key.json only once the registry has accepted it.  Prints
    the new key id.
    """
    from aura_pkg.config import open_config
    from aura_pkg.signing import (
        generate_key,
        read_private_key,
        write_private_key,
        write_public_key,
    )

    config = open_config()
    private_file = config.signing_key_file
    if not private_file.exists():
        fail(
            f"no signing key in {private_file.parent}",
            help="run `aura pkg keygen --registry URL` to create and register one",
        )
    old = read_private_key(private_file).public_key()
    url = registry_url(registry, config)
    new_private, new = generate_key()
    pending = private_file.with_name(private_file.name + ".new")
    write_private_key(pending, new_private)
    try:
        with open_project_registry(url) as client:
            credentials = _credentials(config, client, token, owner)
            entry = client.register_key(new, credentials, replaces=old.key_id)
        os.replace(pending, private_file)
    finally:
        with contextlib.suppress(FileNotFoundError):
            pending.unlink()
    write_public_key(config.public_key_file, new)
    status(
        f"Rotated the signing key in {client.url}: {new.key_id[:16]}… replaces "
        f"{old.key_id[:16]}…, which is revoked from log size {entry.valid_from}"
    )
    click.echo(new.key_id)


@key.command("revoke")
@click.argument("key_id", metavar="KEY_ID")
@token_option
@registry_option
@reported
def revoke(key_id: str, token: str | None, registry: str | None) -> None:
    """Revoke the key KEY_ID from the registry's current log size on.

    Versions it signed before stay trusted; nothing it signs later is.  Use
    it for a key that is lost or leaked (`key rotate` for a planned change).
    """
    from aura_pkg.config import open_config
    from aura_pkg.signing import read_private_key

    if not _KEY_ID.fullmatch(key_id):
        raise click.BadParameter("a key id is 64 lowercase hex digits", param_hint="KEY_ID")
    config = open_config()
    url = registry_url(registry, config)
    with open_project_registry(url) as client:
        entry = client.revoke_key(key_id, _credentials(config, client, token))
    status(f"Revoked key {key_id[:16]}… of {entry.owner} from log size {entry.revoked_at}")
    mine = config.signing_key_file
    if mine.exists() and read_private_key(mine).public_key().key_id == key_id:
        status(
            f"It is your signing key: run `aura pkg keygen --force --registry {client.url}` "
            "to create and register a new one"
        )


# -- owners ----------------------------------------------------------------------------------


@click.group("owner")
def owner() -> None:
    """List and change the owners of a package (who may publish and yank it)."""


def _user(user: str) -> str:
    if not _USER.fullmatch(user):
        raise click.BadParameter("a user name is letters, digits, `_`, `.` and `-`")
    return user


def _change(name: str, user: str, add: bool, token: str | None, registry: str | None) -> None:
    """Add or remove one owner: read the owners, then send the whole new set."""
    from aura_pkg.config import open_config

    config = open_config()
    with open_project_registry(registry_url(registry, config)) as client:
        current = client.owners(name)
        if (user in current) == add:
            being = "already" if add else "not"
            status(f"{user} is {being} an owner of {name} in {client.url}")
            return
        if not add and set(current) == {user}:
            fail(
                f"{user} is the only owner of {name}; a package keeps at least one owner",
                help=f"add another owner first: `aura pkg owner add {name} USER`",
            )
        wanted = (*current, user) if add else tuple(o for o in current if o != user)
        owners = client.set_owners(name, wanted, _credentials(config, client, token))
    status(f"{'Added' if add else 'Removed'} {user} {'to' if add else 'from'} {name}'s owners")
    status(f"Owners of {name}: {', '.join(owners)}")


@owner.command("add")
@click.argument("name")
@click.argument("user", callback=lambda _c, _p, v: _user(v))
@token_option
@registry_option
@reported
def owner_add(name: str, user: str, token: str | None, registry: str | None) -> None:
    """Make USER an owner of package NAME (an owner's token)."""
    _change(name, user, True, token, registry)


@owner.command("remove")
@click.argument("name")
@click.argument("user", callback=lambda _c, _p, v: _user(v))
@token_option
@registry_option
@reported
def owner_remove(name: str, user: str, token: str | None, registry: str | None) -> None:
    """Remove USER from the owners of package NAME (an owner's token)."""
    _change(name, user, False, token, registry)


@owner.command("list")
@click.argument("name")
@registry_option
@reported
def owner_list(name: str, registry: str | None) -> None:
    """Print the owners of package NAME, one a line."""
    from aura_pkg.config import open_config

    with open_project_registry(registry_url(registry, open_config())) as client:
        owners = client.owners(name)
    for user in owners:
        data(user)
