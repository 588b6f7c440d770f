"""The user's ``aura pkg`` configuration: default registry, root keys, tokens, signing key.

Everything a person sets up once per machine lives in one directory, so that
tests, CI jobs and several identities can each use their own by pointing
``AURA_CONFIG_DIR`` somewhere else.  By default it is platformdirs' user
configuration directory for ``aura`` (``~/.config/aura`` on Linux).  Its files::

    config.toml            settings a person edits (below)
    credentials.toml       API tokens per registry URL, mode 0600 (``aura pkg login``)
    signing-key.json       the publisher's Ed25519 private key, mode 0600 (``aura pkg keygen``)
    signing-key.pub.json   its public key

``config.toml``::

    registry = "https://registry.example.org"     # the default registry (and the one
                                                    # $AURA_REGISTRY_TOKEN belongs to)

    [registries."https://registry.example.org"]
    root-key = "<base64>"                           # pin this root key instead of
                                                    # trusting the first one seen

Secrets are kept apart from settings so that ``config.toml`` can be shared or
checked into dotfiles while the token and the key stay readable by their owner
only.  Every file is read when asked for, never at import time, and a malformed
one is an error naming the file, line and key.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aura_pkg._toml import atomic_write, parse_toml, toml_string
from aura_pkg.errors import CODE_IO, PackageError, TrustError
from aura_pkg.signing import PublicKey

__all__ = [
    "CONFIG_ENV",
    "REGISTRY_ENV",
    "TOKEN_ENV",
    "Config",
    "open_config",
]

#: Moves the configuration directory (tests and CI point it at a temporary one).
CONFIG_ENV = "AURA_CONFIG_DIR"
#: The registry to use when a command is given no ``--registry``.
REGISTRY_ENV = "AURA_REGISTRY"
#: An API token that takes precedence over the stored ones (for CI).
TOKEN_ENV = "AURA_REGISTRY_TOKEN"

CONFIG_FILE = "config.toml"
CREDENTIALS_FILE = "credentials.toml"
SIGNING_KEY_FILE = "signing-key.json"
PUBLIC_KEY_FILE = "signing-key.pub.json"


def open_config(root: Path | str | None = None, environ: Mapping[str, str] | None = None) -> Config:
    """The configuration at ``root``, else ``$AURA_CONFIG_DIR``, else the user's directory."""
    if root is not None:
        return Config(Path(root))
    env = os.environ if environ is None else environ
    override = env.get(CONFIG_ENV)
    if override:
        return Config(Path(override))
    import platformdirs

    return Config(Path(platformdirs.user_config_dir("aura", appauthor=False)))


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        text = path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        return {}
    except UnicodeDecodeError as exc:
        raise PackageError(f"not valid UTF-8 (byte {exc.start})", file=str(path)) from None
    except OSError as exc:
        raise PackageError(
            f"cannot read: {exc.strerror or exc}", file=str(path), code=CODE_IO
        ) from None
    return parse_toml(text, str(path))


@dataclass(frozen=True, slots=True)
class Config:
    """A configuration directory.  Holds only its path: each question reads the files."""

    root: Path

    @property
    def config_file(self) -> Path:
        return self.root / CONFIG_FILE

    @property
    def credentials_file(self) -> Path:
        return self.root / CREDENTIALS_FILE

    @property
    def signing_key_file(self) -> Path:
        return self.root / SIGNING_KEY_FILE

    @property
    def public_key_file(self) -> Path:
        return self.root / PUBLIC_KEY_FILE

    def _settings(self) -> dict[str, Any]:
        return _read_toml(self.config_file)

    def default_registry(self) -> str | None:
        """``registry`` of ``config.toml``, or None."""
        value = self._settings().get("registry")
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip():
            raise PackageError(
                "expected a registry URL string", file=str(self.config_file), key="registry"
            )
        return value

    def registries(self) -> tuple[str, ...]:
        """The registries ``config.toml`` names: the default and each ``[registries]`` entry."""
        from aura_pkg.registry import normalize_registry_url

        named = [self.default_registry(), *self._registry_table()]
        return tuple(normalize_registry_url(url) for url in named if url)

    def _registry_table(self) -> dict[str, Any]:
        registries = self._settings().get("registries", {})
        if not isinstance(registries, dict):
            raise PackageError("expected a table", file=str(self.config_file), key="registries")
        return registries

    def root_key(self, url: str) -> PublicKey | None:
        """The root key configured for the registry ``url`` (normalized), or None."""
        from aura_pkg.registry import normalize_registry_url

        registries = self._registry_table()
        found = [k for k in registries if normalize_registry_url(k) == url]
        entry = registries[found[0]] if found else None
        if not isinstance(entry, dict) or "root-key" not in entry:
            return None
        key = f"registries.{toml_string(found[0])}.root-key"
        text = entry["root-key"]
        if not isinstance(text, str):
            raise PackageError(
                "expected the base64 root public key", file=str(self.config_file), key=key
            )
        try:
            return PublicKey.from_b64(text)
        except TrustError as exc:
            raise TrustError(exc.message, file=str(self.config_file), key=key) from None

    # -- tokens ----------------------------------------------------------------------

    def _tokens(self) -> dict[str, Any]:
        tokens = _read_toml(self.credentials_file).get("tokens", {})
        if not isinstance(tokens, dict):
            raise PackageError("expected a table", file=str(self.credentials_file), key="tokens")
        return tokens

    def token(self, url: str, environ: Mapping[str, str] | None = None) -> str | None:
        """The API token for ``url``: ``$AURA_REGISTRY_TOKEN``, else the stored one.

        The environment's token belongs to one registry, as a stored token does:
        the one ``$AURA_REGISTRY`` names, else the default of ``config.toml``.  It
        is never sent anywhere else (a rewritten lock file or manifest cannot
        redirect it).
        """
        env = os.environ if environ is None else environ
        if env.get(TOKEN_ENV) and self.token_registry(env) == url:
            return env[TOKEN_ENV]
        value = self._tokens().get(url)
        return value if isinstance(value, str) and value else None

    def token_registry(self, environ: Mapping[str, str] | None = None) -> str | None:
        """The registry ``$AURA_REGISTRY_TOKEN`` belongs to (normalized), or None."""
        from aura_pkg.registry import normalize_registry_url

        env = os.environ if environ is None else environ
        owner = env.get(REGISTRY_ENV) or self.default_registry()
        return normalize_registry_url(owner) if owner else None

    def store_token(self, url: str, token: str) -> Path:
        """Record ``token`` for ``url`` in ``credentials.toml`` (mode 0600); returns the file.

        The file is written whole from the stored tokens: it belongs to this
        tool, unlike ``config.toml``, so there are no comments to keep.
        """
        tokens = {k: v for k, v in self._tokens().items() if isinstance(v, str)}
        tokens[url] = token
        lines = ["# API tokens of aura pkg login. Keep this file private.\n", "[tokens]\n"]
        lines.extend(f"{toml_string(k)} = {toml_string(v)}\n" for k, v in sorted(tokens.items()))
        self.prepare()
        atomic_write(self.credentials_file, "".join(lines).encode("utf-8"), mode=0o600)
        return self.credentials_file

    def prepare(self) -> None:
        """Create the directory (mode 0700, as it holds secrets) before writing into it."""
        try:
            self.root.mkdir(parents=True, exist_ok=True, mode=0o700)
        except OSError as exc:
            raise PackageError(
                f"cannot create the configuration directory: {exc.strerror or exc}",
                file=str(self.root),
                code=CODE_IO,
            ) from None
