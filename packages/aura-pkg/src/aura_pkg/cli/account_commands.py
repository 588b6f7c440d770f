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

__all__ = ["keygen", "login"]


def _default_owner() -> str:
    try:
        return getpass.getuser() or "publisher"
    except (OSError, KeyError):
        return "publisher"


def _register(url: str, owner: str, key_file: Path) -> None:
    """Add the public key to a file registry's key list (a no-op if it is there)."""
    from aura_pkg.registry_file import FileRegistry
    from aura_pkg.signing import read_public_key

    public = read_public_key(key_file)
    with open_project_registry(url) as client:
        if not isinstance(client, FileRegistry):
            status(
                f"Registry {client.url} registers keys itself: give its operators the public "
                f"key {public.b64()}"
            )
            return
        keys = client.key_list().get("keys", [])
        if any(isinstance(k, dict) and k.get("key_id") == public.key_id for k in keys):
            status(f"Key {public.key_id[:16]}… is already registered with {client.url}")
            return
        entry = client.register_key(public, owner)
    status(
        f"Registered key {public.key_id[:16]}… with {client.url} for {owner} "
        f"(valid from log size {entry.valid_from})"
    )


@click.command("keygen")
@click.option("--force", is_flag=True, help="Replace an existing key (it can sign nothing more).")
@click.option(
    "--owner",
    metavar="NAME",
    help="The owner recorded in a file registry's key list.  [default: the user name]",
)
@registry_option
@reported
def keygen(force: bool, owner: str | None, registry: str | None) -> None:
    """Create the Ed25519 key pair that signs what you publish.

    The private key goes to signing-key.json in the configuration directory
    (mode 0600), the public key beside it.  With --registry file:///PATH the
    public key is also added to that registry's key list (an existing key is
    registered as it is); an HTTP registry registers keys itself.
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
        _register(registry, owner or _default_owner(), public_file)


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
