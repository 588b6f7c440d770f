"""``aura pkg keygen`` and ``login``: the publisher's key and API tokens.

Both write secrets into the user's configuration directory (``AURA_CONFIG_DIR``
moves it), readable by the owner only.  The key signs what is published; the
token only authenticates uploads to an HTTP registry, so a stolen token can
publish nothing a client would trust without the key being in the registry's
key list.
"""

from __future__ import annotations

import getpass
from pathlib import Path

import click

from aura_pkg.cli._common import (
    fail,
    no_registry,
    open_project_registry,
    registry_option,
    reported,
    status,
)

__all__ = ["default_owner", "keygen", "login"]


def default_owner() -> str:
    """The owner a file registry's key list records: the login name."""
    try:
        return getpass.getuser() or "publisher"
    except (OSError, KeyError):
        return "publisher"


def _register(url: str, owner: str, key_file: Path, token: str | None) -> None:
    """Register the public key with the registry (nothing to do if it is there).

    A file registry's key list is signed here with its root key; an HTTP
    registry registers the key for the user of the API token.
    """
    from aura_pkg.config import open_config
    from aura_pkg.registry import Credentials, KeyExistsError
    from aura_pkg.signing import read_public_key

    public = read_public_key(key_file)
    with open_project_registry(url) as client:
        if client.has_accounts:
            token = token or open_config().token(client.url)
            if not token:
                fail(
                    f"registering a key with registry {client.url} needs an API token",
                    help=f"run `aura pkg login --registry {client.url}`, then `aura pkg keygen "
                    f"--registry {client.url}` again to register this key",
                )
        try:
            entry = client.register_key(public, Credentials(token=token, owner=owner))
        except KeyExistsError:
            status(f"Key {public.key_id[:16]}… is already registered with {client.url}")
            return
    status(
        f"Registered key {public.key_id[:16]}… with {client.url} for {entry.owner} "
        f"(valid from log size {entry.valid_from})"
    )


@click.command("keygen")
@click.option("--force", is_flag=True, help="Replace an existing key (it can sign nothing more).")
@click.option(
    "--owner",
    metavar="NAME",
    help="The owner recorded in a file registry's key list.  [default: the user name]",
)
@click.option(
    "--token",
    metavar="TOKEN",
    help="API token for an HTTP registry.  [default: $AURA_REGISTRY_TOKEN, else `aura pkg "
    "login`'s]",
)
@registry_option
@reported
def keygen(force: bool, owner: str | None, token: str | None, registry: str | None) -> None:
    """Create the Ed25519 key pair that signs what you publish.

    The private key goes to signing-key.json in the configuration directory
    (mode 0600), the public key beside it.  With --registry URL the public key
    is also registered with that registry (an existing key is registered as it
    is): an HTTP registry registers it for the user of your API token (`aura
    pkg login` first), a file registry adds it to its key list for --owner.
    """
    from aura_pkg.config import open_config
    from aura_pkg.signing import (
        generate_key,
        read_private_key,
        write_private_key,
        write_public_key,
    )

    config = open_config()
    private_file, public_file = config.signing_key_file, config.public_key_file
    if private_file.exists() and not force:
        if registry is None:
            fail(
                f"a signing key exists already: {private_file}",
                help="pass --force to replace it, or --registry URL to register it",
            )
        public = read_private_key(private_file).public_key()
        status(f"Using the existing key {public.key_id[:16]}… in {private_file}")
        if not public_file.exists():
            write_public_key(public_file, public)
    else:
        private, public = generate_key()
        config.prepare()
        write_private_key(private_file, private)
        write_public_key(public_file, public)
        status(f"Created signing key {public.key_id[:16]}… in {private_file}")
    click.echo(public.key_id)
    if registry is not None:
        _register(registry, owner or default_owner(), public_file, token)


@click.command("login")
@click.option(
    "--token",
    metavar="TOKEN",
    help="The API token.  [default: read from the terminal without echo, or from stdin]",
)
@registry_option
@reported
def login(token: str | None, registry: str | None) -> None:
    """Store an API token for an HTTP registry (for publish and yank).

    The token is kept in credentials.toml in the configuration directory, mode
    0600.  File registries need none.
    """
    from aura_pkg.config import open_config
    from aura_pkg.registry import normalize_registry_url

    config = open_config()
    url = registry or config.default_registry()
    if url is None:
        no_registry()
    url = normalize_registry_url(url)
    if url.startswith("file:"):
        fail(f"registry {url} is a file registry, which needs no token")
    if token is None:
        token = click.prompt(f"API token for {url}", hide_input=True)
    token = token.strip()
    if not token or any(c.isspace() for c in token):
        raise click.BadParameter("a token is one word, without spaces", param_hint="--token")
    saved = config.store_token(url, token)
    status(f"Saved the API token for {url} in {saved}")
