"""``aura pkg publish`` and ``aura pkg install`` through a real HTTP registry server.

The story of ``testing/integration/test_pkg_flow.py`` over HTTP: an account and
a registered key, a library published from project A, installed into project
B (every check: checksum, signature, key list, log inclusion and consistency).
Then the registry turns hostile, and the client must notice: an archive changed
on the server's disk, and a log rewritten and re-signed with the root key.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from registry_server import Running, serve, settings_for
from sqlalchemy import select

from aura_core.cli import main as aura
from aura_pkg.merkle import TreeHead, leaf_hash, root_hash
from aura_pkg.server.db import make_engine, make_sessions
from aura_pkg.server.models import LogEntry, LogHead
from aura_pkg.signing import read_private_key, read_public_key


def run(*args: str | Path, cwd: Path | None = None, ok: bool = True) -> Result:
    """``aura ARGS`` in ``cwd``; by default it must succeed."""
    previous = Path.cwd()
    try:
        if cwd is not None:
            cwd.mkdir(parents=True, exist_ok=True)
            os.chdir(cwd)
        result = CliRunner().invoke(aura, [str(a) for a in args])
    finally:
        os.chdir(previous)
    assert "Traceback" not in result.output, result.output
    if ok:
        assert result.exit_code == 0, f"aura {' '.join(map(str, args))}:\n{result.output}"
    return result


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("AURA_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("AURA_CACHE_DIR", str(tmp_path / "cache"))
    for name in ("AURA_REGISTRY", "AURA_REGISTRY_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


@pytest.fixture
def registry(home: Path) -> Iterator[Running]:
    with serve(settings_for(home / "storage")) as running:
        yield running


@pytest.fixture(params=["sqlite", "postgresql"])
def any_registry(request: pytest.FixtureRequest, home: Path) -> Iterator[Running]:
    """A registry on SQLite, or on a new database of the session's PostgreSQL cluster."""
    url = None
    if request.param == "postgresql":
        url = request.getfixturevalue("postgres").new_database()
    with serve(settings_for(home / "storage", url)) as running:
        yield running


def account(registry: Running, home: Path, name: str) -> None:
    """A user made with ``aura registry admin``, logged in, its key registered by keygen.

    With a token stored by ``aura pkg login``, ``aura pkg keygen --registry URL``
    registers the new public key for the token's user (``POST /api/v1/keys``).
    """
    storage: tuple[str | Path, ...] = ("--storage", registry.settings.storage)
    if registry.settings.database_url is not None:
        storage = (*storage, "--db", registry.settings.database_url)
    token = run("registry", "admin", "create-user", name, *storage).stdout.strip()
    run("pkg", "login", "--registry", registry.url, "--token", token)
    result = run("pkg", "keygen", "--registry", registry.url)
    public_file = home / "config" / "signing-key.pub.json"
    assert result.stdout.strip() == read_public_key(public_file).key_id
    assert f"Registered key {result.stdout.strip()[:16]}… with {registry.url} for {name}" in (
        result.stderr
    )


def library(home: Path, name: str, version: str = "0.1.0") -> Path:
    project = home / name
    run("pkg", "init", "--lib", cwd=project)
    if version != "0.1.0":
        text = (project / "aura.toml").read_text().replace('"0.1.0"', f'"{version}"')
        (project / "aura.toml").write_text(text, encoding="utf-8")
    return project


def app_using(home: Path, project: str, url: str, *deps: str) -> Path:
    app = home / project
    run("pkg", "init", "--app", cwd=app)
    for dep in deps:
        run("pkg", "add", dep, "--registry", url, cwd=app)
    run("pkg", "lock", cwd=app)
    return app


def test_publish_and_install_over_http(any_registry: Running, home: Path) -> None:
    registry = any_registry
    account(registry, home, "ada")
    a = library(home, "a")
    published = run("pkg", "publish", "--registry", registry.url, cwd=a)
    assert published.stderr.startswith(f"Published a 0.1.0 to {registry.url} (log index 0")

    b = app_using(home, "b", registry.url, "a")
    lock = (b / "aura.lock").read_text()
    assert f'source = "registry+{registry.url}"' in lock and "log_index = 0" in lock
    run("pkg", "install", cwd=b)
    assert (b / ".aura/deps/a-0.1.0/src/lib.aura").is_file()

    # The client verified the log: it recorded the signed head and the proven leaf.
    cached = next((home / "cache" / "registries").iterdir())
    assert json.loads((cached / "head.json").read_text())["size"] == 1
    assert "0" in json.loads((cached / "verified-leaves.json").read_text())

    second = library(home, "a2", "0.1.1")
    text = (second / "aura.toml").read_text().replace('name = "a2"', 'name = "a"')
    (second / "aura.toml").write_text(text, encoding="utf-8")
    run("pkg", "publish", "--registry", registry.url, cwd=second)
    assert "a 0.1.0 -> 0.1.1" in run("pkg", "update", cwd=b).stderr
    run("pkg", "install", cwd=b)
    assert sorted(p.name for p in (b / ".aura/deps").glob("a-*")) == ["a-0.1.1"]

    again = run("pkg", "publish", "--registry", registry.url, cwd=second, ok=False)
    assert again.exit_code == 1 and "already published" in again.output


def test_an_archive_changed_on_the_server_is_refused(registry: Running, home: Path) -> None:
    account(registry, home, "ada")
    a = library(home, "a")
    run("pkg", "publish", "--registry", registry.url, cwd=a)
    blobs = [p for p in (registry.settings.storage / "blobs").rglob("*") if p.is_file()]
    assert len(blobs) == 1
    data = bytearray(blobs[0].read_bytes())
    data[len(data) // 2] ^= 0xFF
    blobs[0].write_bytes(bytes(data))

    b = app_using(home, "b", registry.url, "a")
    failed = run("pkg", "install", cwd=b, ok=False)
    assert failed.exit_code == 1
    # The registry notices first and refuses to serve it (the client's own checksum
    # check, for a registry that does not, is tested in test_installer.py).
    assert "E0909" in failed.output and "does not match its checksum" in failed.output
    assert not (b / ".aura/deps/a-0.1.0").exists()


def test_a_rewritten_log_is_caught_by_a_client_that_saw_the_old_one(
    home: Path, tmp_path: Path
) -> None:
    settings = settings_for(home / "storage")
    with serve(settings) as registry:
        url, port = registry.url, int(registry.url.rsplit(":", 1)[1])
        account(registry, home, "ada")
        run("pkg", "publish", "--registry", url, cwd=library(home, "a"))
        b = app_using(home, "b", url, "a")
        run("pkg", "install", cwd=b)

    # The operator rewrites history: entry 0 now names another checksum, and the
    # head is re-signed with the root key, so the server itself starts happily.
    engine = make_engine(settings.db_url)
    root = read_private_key(settings.root_key_path)
    with make_sessions(engine).begin() as session:
        entry = session.get(LogEntry, 0)
        assert entry is not None
        statement = json.loads(entry.statement)
        statement["checksum"] = "sha256:" + "0" * 64
        entry.statement = json.dumps(statement, sort_keys=True, separators=(",", ":"))
        entry.leaf_hash = leaf_hash(entry.statement.encode()).hex()
        leaves = [bytes.fromhex(h) for h in session.execute(select(LogEntry.leaf_hash)).scalars()]
        signed = TreeHead(root_hash(leaves), len(leaves)).signed(root)
        head = session.get(LogHead, 1)
        assert head is not None
        head.root, head.signature = signed.head.root.hex(), signed.signature
    engine.dispose()

    with serve(settings, port=port) as registry:
        assert registry.url == url
        c = home / "c"
        run("pkg", "init", "--app", cwd=c)
        # Locking proves what it locks, so the rewrite is caught before a lock file exists.
        failed = run("pkg", "add", "a", "--registry", url, cwd=c, ok=False)
    assert failed.exit_code == 1
    assert "E0907" in failed.output and "different root" in failed.output, failed.output
    assert not (c / "aura.lock").exists()
