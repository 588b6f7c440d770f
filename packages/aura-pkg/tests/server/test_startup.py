"""Start-up: migrations, the root key, the log check, and the administration commands."""

from __future__ import annotations

import stat
from pathlib import Path

import httpx
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from click.testing import CliRunner
from registry_server import make_publisher, publish, serve, settings_for

from aura_core.cli import main as aura
from aura_pkg.server import StartupError, create_app
from aura_pkg.server.db import make_engine, make_sessions, migrate
from aura_pkg.server.models import Base, LogEntry
from aura_pkg.signing import generate_key, read_private_key, write_private_key


def test_the_migrations_create_exactly_the_models(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
    migrate(engine)
    migrate(engine)  # a second start changes nothing
    with engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
    engine.dispose()


def test_the_root_key_is_made_once_and_kept_private(tmp_path: Path) -> None:
    settings = settings_for(tmp_path)
    with serve(settings) as running:
        served = httpx.get(f"{running.url}/api/v1/root-key").json()["key_id"]
    key_file = tmp_path / "root-key.json"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert read_private_key(key_file).public_key().key_id == served
    with serve(settings) as running:
        assert httpx.get(f"{running.url}/api/v1/root-key").json()["key_id"] == served

    other = tmp_path / "other-key.json"
    write_private_key(other, generate_key()[0])
    with pytest.raises(StartupError, match="belongs to the root key"):
        create_app(settings_for(tmp_path, root_key_file=other))
    with pytest.raises(StartupError, match="does not exist"):
        create_app(settings_for(tmp_path, root_key_file=tmp_path / "missing.json"))


def test_a_log_that_does_not_match_its_signed_head_stops_the_server(tmp_path: Path) -> None:
    settings = settings_for(tmp_path)
    with serve(settings) as running, httpx.Client(base_url=running.url) as http:
        ada = make_publisher(running, http, "ada")
        assert publish(http, tmp_path, ada, "kept", "1.0.0").status_code == 200
        assert publish(http, tmp_path, ada, "kept", "1.0.1").status_code == 200

    engine = make_engine(settings.db_url)
    with make_sessions(engine).begin() as session:
        last = session.get(LogEntry, 1)
        assert last is not None
        session.delete(last)
    engine.dispose()
    with pytest.raises(StartupError, match="does not match its signed tree head"):
        create_app(settings)

    result = CliRunner().invoke(aura, ["registry", "serve", "--storage", str(tmp_path)])
    assert result.exit_code == 1, result.output
    assert "error[E0910]: the registry cannot start" in result.output
    assert "refusing to serve a log that was rewritten" in result.output


def test_the_admin_commands_make_and_revoke_tokens(tmp_path: Path) -> None:
    def admin(*args: str) -> tuple[int, str, str]:
        result = CliRunner().invoke(aura, ["registry", "admin", *args, "--storage", str(tmp_path)])
        assert "Traceback" not in result.output
        return result.exit_code, result.stdout.strip(), result.stderr

    status, token, _ = admin("create-user", "ada")
    assert status == 0 and token.startswith("aura_")
    assert admin("create-user", "ada")[0] == 1
    assert admin("create-user", "not a name")[0] == 1
    status, _, message = admin("create-token", "ada", "--scope", "admin")
    assert status == 1 and "not an administrator" in message
    status, yank_only, _ = admin("create-token", "ada", "--scope", "yank")
    assert status == 0

    with serve(settings_for(tmp_path)) as running, httpx.Client(base_url=running.url) as http:
        public = generate_key()[1].b64()

        def register(token: str) -> int:
            answer = http.post(
                "/api/v1/keys",
                json={"public_key": public},
                headers={"Authorization": f"Bearer {token}"},
            )
            return answer.status_code

        assert register(yank_only) == 403
        status, key_id, _ = admin("register-key", "ada", public)
        assert status == 0 and len(key_id) == 64
        assert admin("register-key", "ada", public)[0] == 1  # registered already
        assert admin("register-key", "nobody-here", public)[0] == 1
        [listed] = http.get("/api/v1/keys").json()["keys"]
        assert listed["key_id"] == key_id and listed["owner"] == "ada"
        assert "revoked_at" not in listed
        assert admin("revoke-key", key_id)[0] == 0
        assert http.get("/api/v1/keys").json()["keys"][0]["revoked_at"] == 0
        assert admin("revoke-token", token)[0] == 0
        assert register(token) == 401
        assert admin("revoke-token", "999")[0] == 1
        status, root_token, _ = admin("create-user", "root", "--admin")
        events = http.get("/api/v1/audit", headers={"Authorization": f"Bearer {root_token}"})
        actions = [e["action"] for e in events.json()["events"]]
        assert actions[:5] == ["create-user", "auth", "revoke-token", "revoke-key", "register-key"]


def test_the_client_and_the_command_group_do_not_import_the_server_stack() -> None:
    import subprocess
    import sys

    code = (
        "import sys, aura_pkg, aura_pkg.cli, aura_pkg.registry.http, aura_pkg.installer, "
        "aura_pkg.server, aura_pkg.server.cli; "
        "print(sorted(m for m in ('fastapi', 'sqlalchemy', 'uvicorn', 'alembic') "
        "if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_serve_takes_rates_and_threads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn

    from aura_pkg.server import RateLimit

    served: list[uvicorn.Server] = []
    monkeypatch.setattr(uvicorn.Server, "run", lambda server, sockets: served.append(server))
    options = ["--address-rate", "5/0.5", "--token-rate", "3/1", "--threads", "2", "--port", "0"]
    result = CliRunner().invoke(aura, ["registry", "serve", "--storage", str(tmp_path), *options])
    assert result.exit_code == 0, result.output
    settings = served[0].config.app.state.service.settings
    assert settings.address_rate == RateLimit(5, 0.5) and settings.token_rate == RateLimit(3, 1)
    assert settings.threads == 2
    served[0].config.app.state.service.close()

    for bad in ("5", "x/1", "0/1", "5/-1", "5/inf"):
        result = CliRunner().invoke(aura, ["registry", "serve", "--address-rate", bad])
        assert result.exit_code == 2 and "is not BURST/PER_SECOND" in result.output, bad
