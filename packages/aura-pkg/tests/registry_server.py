"""Registry servers for tests: a real uvicorn on loopback, a PostgreSQL cluster, publishers.

``serve(settings)`` runs :func:`aura_pkg.server.create_app` in a uvicorn server
on a thread, bound to port 0 of 127.0.0.1, and stops it when the block ends.
``PostgresCluster`` runs ``initdb`` and ``pg_ctl`` in a temporary directory on a
free loopback port; PostgreSQL refuses to run as root, so as root it runs as
the unprivileged user ``nobody`` (``runuser``), owning its directory.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from registry_world import write_package
from sqlalchemy import select

from aura_pkg.archive import Archive, build_archive
from aura_pkg.server import RateLimit, Settings, create_app
from aura_pkg.server.accounts import create_user
from aura_pkg.server.models import User
from aura_pkg.server.service import RegistryService
from aura_pkg.server.transport import uvicorn_config
from aura_pkg.signing import PrivateKey, generate_key, sign_statement

#: Rates no test reaches unless it means to.
GENEROUS = RateLimit(burst=100_000, per_second=100_000)


@dataclass
class Running:
    """A server running on a thread: its URL, settings and service."""

    url: str
    settings: Settings
    service: RegistryService

    def user(self, name: str, *, admin: bool = False) -> str:
        """Create a user; its token (publish and yank, admin for an administrator)."""
        with self.service.sessions.begin() as session:
            _, _, text = create_user(session, name, admin=admin)
        return text

    def has_user(self, name: str) -> bool:
        with self.service.sessions() as session:
            return session.execute(select(User).where(User.name == name)).first() is not None


def settings_for(storage: Path, database_url: str | None = None, **options: Any) -> Settings:
    options.setdefault("address_rate", GENEROUS)
    options.setdefault("token_rate", GENEROUS)
    return Settings(storage=storage, database_url=database_url, **options)


@contextlib.contextmanager
def serve(settings: Settings, port: int = 0) -> Iterator[Running]:
    """Run the registry for ``settings`` on 127.0.0.1:``port`` (0: a free one) until the end.

    The same ``port`` again serves a restarted registry at the same URL, which
    is how clients that pinned it see the restart.
    """
    app = create_app(settings)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn_config(app, settings, log_level="critical"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the registry server did not start")
        time.sleep(0.01)
    try:
        yield Running(f"http://127.0.0.1:{port}", settings, app.state.service)
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PostgresCluster:
    """A throw-away PostgreSQL cluster on 127.0.0.1 with trust authentication."""

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.root = Path(tempfile.mkdtemp(prefix="aura-pg-"))
        self.data = self.root / "data"
        self.port = free_port()
        self.as_root = hasattr(os, "geteuid") and os.geteuid() == 0
        self._databases = 0

    def _run(self, *args: str) -> None:
        prefix = ["runuser", "-u", "nobody", "--"] if self.as_root else []
        subprocess.run([*prefix, *args], check=True, capture_output=True, cwd=self.root, timeout=60)

    def start(self) -> None:
        if self.as_root:
            shutil.chown(self.root, "nobody", "nogroup")
        self._run(
            str(self.bindir / "initdb"),
            "-D", str(self.data), "-U", "aura", "--auth=trust", "-E", "UTF8",
            "--no-sync", "--locale=C",
        )  # fmt: skip
        options = f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.root} -c fsync=off"
        self._run(
            str(self.bindir / "pg_ctl"), "-D", str(self.data), "-o", options, "-w", "-t", "30",
            "-l", str(self.root / "log"), "start",
        )  # fmt: skip

    def stop(self) -> None:
        with contextlib.suppress(subprocess.SubprocessError, OSError):
            self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop")
        shutil.rmtree(self.root, ignore_errors=True)

    def new_database(self) -> str:
        """A new empty database's SQLAlchemy URL."""
        import psycopg

        self._databases += 1
        name = f"registry{self._databases}"
        with psycopg.connect(
            f"host=127.0.0.1 port={self.port} user=aura dbname=postgres", autocommit=True
        ) as conn:
            conn.execute(f"CREATE DATABASE {name}")
        return f"postgresql+psycopg://aura@127.0.0.1:{self.port}/{name}"


# -- publishing --------------------------------------------------------------------------


@dataclass
class Publisher:
    """A user of a registry with a token and a registered signing key."""

    name: str
    token: str
    key: PrivateKey

    @property
    def key_id(self) -> str:
        return self.key.public_key().key_id

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


def make_publisher(server: Running, http: httpx.Client, name: str, **options: bool) -> Publisher:
    token = server.user(name, **options)
    private, public = generate_key()
    answer = http.post(
        "/api/v1/keys",
        json={"public_key": public.b64()},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert answer.status_code == 201, answer.text
    return Publisher(name, token, private)


def package_archive(
    tmp: Path, name: str, version: str, deps: Mapping[str, str] | None = None
) -> Archive:
    directory = write_package(tmp / f"src-{name}-{version}", name, version, deps)
    (directory / "README.md").write_text(f"# {name}\n\nVersion {version}.\n", encoding="utf-8")
    return build_archive(directory)


def signature_of(
    publisher: Publisher, archive: Archive, deps: Mapping[str, str] | None = None
) -> str:
    return sign_statement(
        publisher.key, archive.name, archive.version, archive.checksum, dict(deps or {})
    )


def upload(
    http: httpx.Client,
    publisher: Publisher,
    data: bytes,
    signature: str,
    *,
    filename: str = "package.tar.gz",
    key_id: str | None = None,
    extra: Mapping[str, str] | None = None,
    token: str | None = None,
) -> httpx.Response:
    """``PUT /api/v1/packages`` as the client sends it."""
    form = {"signature": signature, "key_id": key_id or publisher.key_id, **(extra or {})}
    headers = {"Authorization": f"Bearer {token or publisher.token}"}
    return http.put(
        "/api/v1/packages",
        data=form,
        files={"archive": (filename, data, "application/gzip")},
        headers=headers,
    )


def publish(
    http: httpx.Client,
    tmp: Path,
    publisher: Publisher,
    name: str,
    version: str,
    deps: Mapping[str, str] | None = None,
) -> httpx.Response:
    archive = package_archive(tmp, name, version, deps)
    return upload(http, publisher, archive.data, signature_of(publisher, archive, deps))
