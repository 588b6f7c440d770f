"""Security headers on every answer, no third-party documentation page, a private database."""

from __future__ import annotations

import stat
from pathlib import Path

import httpx
from registry_server import Running, serve, settings_for

from aura_pkg.server.headers import SECURITY_HEADERS
from aura_pkg.server.settings import RateLimit


def _has_security_headers(answer: httpx.Response) -> bool:
    return all(answer.headers.get(n.decode()) == v.decode() for n, v in SECURITY_HEADERS)


def test_every_answer_carries_the_security_headers(http: httpx.Client) -> None:
    for path in ("/api/v1/log/head", "/api/v1/index/nothing-here", "/api/v1/openapi.json"):
        assert _has_security_headers(http.get(path)), path
    assert _has_security_headers(http.put("/api/v1/packages"))  # 401


def test_the_rate_limiters_answer_carries_them_too(tmp_path: Path) -> None:
    settings = settings_for(tmp_path, address_rate=RateLimit(burst=1, per_second=0))
    with serve(settings) as running, httpx.Client(base_url=running.url) as client:
        client.get("/api/v1/log/head")
        limited = client.get("/api/v1/log/head")
        assert limited.status_code == 429 and _has_security_headers(limited)


def test_no_documentation_page_loads_a_cdn(http: httpx.Client) -> None:
    answer = http.get("/api/v1/docs")
    assert answer.status_code == 404
    assert "cdn" not in answer.text.lower()


def test_the_sqlite_database_is_private(tmp_path: Path) -> None:
    database = tmp_path / "registry.db"
    with serve(settings_for(tmp_path)):
        assert stat.S_IMODE(database.stat().st_mode) == 0o600
    database.chmod(0o644)  # a registry made before: tightened at the next start
    with serve(settings_for(tmp_path)) as running:
        assert isinstance(running, Running)
        assert stat.S_IMODE(database.stat().st_mode) == 0o600
        wal = tmp_path / "registry.db-wal"
        assert not wal.exists() or stat.S_IMODE(wal.stat().st_mode) == 0o600
