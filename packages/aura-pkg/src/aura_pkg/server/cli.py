"""``aura registry``: run a package registry server and administer its accounts.

Registered as the ``registry`` command of ``aura`` (entry point group
``aura.commands``).  Importing this module imports click only: the server's
dependencies (the ``registry`` extra) are imported by the commands, which say
what to install when they are missing.

* ``aura registry serve`` — run the server (``docs/reference/registry-server.md``);
* ``aura registry admin …`` — users, tokens and publisher keys
  (:mod:`aura_pkg.server.cli_admin`).
"""

from __future__ import annotations

import os
import socket
from dataclasses import replace
from pathlib import Path

import click

from aura_pkg.cli._common import fail, reported, status
from aura_pkg.errors import PackageError
from aura_pkg.server.cli_admin import admin
from aura_pkg.server.cli_support import (
    CODE_SERVER,
    FAULT_ENV,
    RATE,
    need_extra,
    storage_options,
)

__all__ = ["registry"]


@click.group("registry", context_settings={"help_option_names": ["-h", "--help"]})
def registry() -> None:
    """Run a package registry server (aura-pkg[registry]) and manage its accounts."""


@registry.command("serve")
@storage_options
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@click.option(
    "--root-key",
    "root_key",
    metavar="FILE",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The root private key file (mode 0600).  [default: STORAGE/root-key.json, created "
    "on first start]",
)
@click.option(
    "--ui",
    "ui_dir",
    metavar="DIR",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    help="The web UI's built files, served at /.  [default: website/dist of a development "
    "checkout, if built]",
)
@click.option(
    "--address-rate",
    metavar="BURST/PER_SECOND",
    type=RATE,
    help="Requests allowed per client address: a burst, refilled at a rate per second.  "
    "[default: 600/50]",
)
@click.option(
    "--token-rate",
    metavar="BURST/PER_SECOND",
    type=RATE,
    help="Requests allowed per API token, as --address-rate.  [default: 120/2]",
)
@click.option(
    "--threads",
    default=4,
    show_default=True,
    type=click.IntRange(1, 256),
    help="Worker threads for request handlers (more help only when the database is remote).",
)
@click.option(
    "--forwarded-allow-ips",
    "forwarded",
    metavar="ADDRESSES",
    default="",
    help="Comma-separated addresses of reverse proxies whose X-Forwarded-For and "
    "X-Forwarded-Proto are believed.  [default: none]",
)
@click.option(
    "--max-connections",
    default=1000,
    show_default=True,
    type=click.IntRange(1, 1_000_000),
    help="Open connections and running requests at once; more are answered 503.",
)
@click.option(
    "--log-level",
    type=click.Choice(["critical", "error", "warning", "info", "debug"]),
    default="info",
    show_default=True,
)
@reported
def serve(
    database: str | None,
    storage: Path,
    host: str,
    port: int,
    root_key: Path | None,
    ui_dir: Path | None,
    address_rate: tuple[float, float] | None,
    token_rate: tuple[float, float] | None,
    threads: int,
    forwarded: str,
    max_connections: int,
    log_level: str,
) -> None:
    """Serve the registry protocol (and the web UI) over HTTP.

    Put a TLS-terminating proxy in front of it for anything but local use.
    The first start creates the database schema and a root key; every start
    applies pending migrations and checks the transparency log against its
    signed tree head, refusing to serve a log that does not match.
    """
    need_extra()
    import uvicorn

    from aura_pkg.server.app import create_app
    from aura_pkg.server.settings import RateLimit, Settings, StartupError
    from aura_pkg.server.transport import uvicorn_config
    from aura_pkg.server.ui import default_ui_dir

    settings = Settings(
        storage=storage,
        database_url=database,
        root_key_file=root_key,
        ui_dir=ui_dir if ui_dir is not None else default_ui_dir(),
        fault=os.environ.get(FAULT_ENV) or None,
        threads=threads,
        max_connections=max_connections,
        forwarded_allow_ips=tuple(a.strip() for a in forwarded.split(",") if a.strip()),
    )
    if address_rate is not None:
        settings = replace(settings, address_rate=RateLimit(*address_rate))
    if token_rate is not None:
        settings = replace(settings, token_rate=RateLimit(*token_rate))
    try:
        app = create_app(settings)
    except StartupError as exc:
        raise PackageError(f"the registry cannot start: {exc}", code=CODE_SERVER) from None
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP explicitly: asyncio sets TCP_NODELAY only on sockets that say so, and
    # without it every answer written in two parts waits for a delayed ACK (40 ms).
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
        # Listening before the address is announced: a client that connects at once
        # waits in the backlog until the server accepts, rather than being refused.
        sock.listen(2048)
    except OSError as exc:
        sock.close()
        fail(f"cannot listen on {host}:{port}: {exc.strerror or exc}")
    bound = sock.getsockname()[1]
    shown = f"[{host}]" if family == socket.AF_INET6 else host
    ui = f", web UI from {settings.ui_dir}" if settings.ui_dir is not None else ""
    status(f"Serving the registry at http://{shown}:{bound}{ui} (Ctrl-C stops)")
    config = uvicorn_config(app, settings, log_level=log_level, access_log=log_level == "debug")
    uvicorn.Server(config).run(sockets=[sock])


registry.add_command(admin)
