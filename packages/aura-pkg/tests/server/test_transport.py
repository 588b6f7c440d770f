"""The server's network bounds, attacked over real sockets: heads, connections, proxy headers."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from registry_server import Running, serve, settings_for
from sqlalchemy import select

from aura_pkg.server.models import AuditEvent
from aura_pkg.server.settings import RateLimit


@pytest.fixture(scope="module")
def server(database_url: str | None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    storage = tmp_path_factory.mktemp("registry")
    settings = settings_for(storage, database_url, max_header_bytes=8 * 1024, max_connections=8)
    with serve(settings) as running:
        yield running


def _port(running: Running) -> int:
    return int(running.url.rsplit(":", 1)[1])


def _exchange(running: Running, parts: list[bytes]) -> bytes:
    """Send ``parts`` on one connection (as far as the server lets us); what it answered."""
    with socket.create_connection(("127.0.0.1", _port(running)), timeout=30) as sock:
        try:
            for part in parts:
                sock.sendall(part)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server closed the connection: its answer is what counts
        answer = b""
        try:
            while chunk := sock.recv(65536):
                answer += chunk
                if b"\r\n\r\n" in answer and b"connection: close" not in answer.lower():
                    break
        except ConnectionResetError:
            pass
        return answer


def test_a_huge_header_is_refused_before_it_is_read(server: Running) -> None:
    head = b"GET /api/v1/log/head HTTP/1.1\r\nHost: registry\r\nX-Filler: "
    # 64 MiB announced, sent in 64 KiB pieces: the server stops reading long before.
    parts = [head, *([b"a" * 65536] * 1024), b"\r\n\r\n"]
    answer = _exchange(server, parts)
    assert answer.startswith(b"HTTP/1.1 431 "), answer[:200]
    assert b"larger than the limit of 8192 bytes" in answer


def test_many_headers_in_one_read_are_refused(server: Running) -> None:
    headers = b"".join(b"X-H%d: %s\r\n" % (i, b"v" * 100) for i in range(200))
    answer = _exchange(
        server, [b"GET /api/v1/log/head HTTP/1.1\r\nHost: r\r\n" + headers + b"\r\n"]
    )
    assert answer.startswith(b"HTTP/1.1 431 "), answer[:200]


def test_ordinary_heads_are_served(server: Running) -> None:
    headers = b"".join(b"X-H%d: %s\r\n" % (i, b"v" * 100) for i in range(30))
    request = b"GET /api/v1/log/head HTTP/1.1\r\nHost: r\r\n" + headers + b"\r\n"
    assert _exchange(server, [request]).startswith(b"HTTP/1.1 200 ")


def test_connections_past_the_limit_are_answered_503(server: Running) -> None:
    # uvicorn counts the connection asking too: 7 open ones leave no room under 8.
    idle = [socket.create_connection(("127.0.0.1", _port(server))) for _ in range(7)]
    try:
        for sock in idle:  # each connection counts once the server has seen it
            sock.sendall(b"GET /api/v1/log/head HTTP/1.1\r\nHost: r\r\n\r\n")
            assert sock.recv(65536).startswith(b"HTTP/1.1 200 ")
        request = b"GET /api/v1/log/head HTTP/1.1\r\nHost: r\r\nConnection: close\r\n\r\n"
        assert _exchange(server, [request]).startswith(b"HTTP/1.1 503 ")
    finally:
        for sock in idle:
            sock.close()


def _audited_addresses(running: Running) -> list[str]:
    with running.service.sessions() as session:
        rows = session.execute(select(AuditEvent.address).where(AuditEvent.action == "auth"))
        return [str(address) for address in rows.scalars()]


def test_forwarded_for_is_not_believed_by_default(tmp_path: Path) -> None:
    settings = settings_for(tmp_path, address_rate=RateLimit(burst=2, per_second=0.01))
    with serve(settings) as running, httpx.Client(base_url=running.url) as client:
        statuses = [
            client.get("/api/v1/log/head", headers={"X-Forwarded-For": f"10.0.0.{i}"}).status_code
            for i in range(4)
        ]
        assert statuses == [200, 200, 429, 429]
    with serve(settings_for(tmp_path / "b")) as running, httpx.Client(base_url=running.url) as c:
        answer = c.get("/api/v1/audit", headers={"X-Forwarded-For": "203.0.113.9"})
        assert answer.status_code == 401
        assert _audited_addresses(running) == ["127.0.0.1"]


def test_forwarded_for_is_believed_from_a_configured_proxy(tmp_path: Path) -> None:
    settings = settings_for(tmp_path, forwarded_allow_ips=("127.0.0.1",))
    with serve(settings) as running, httpx.Client(base_url=running.url) as client:
        answer = client.get("/api/v1/audit", headers={"X-Forwarded-For": "203.0.113.9"})
        assert answer.status_code == 401
        assert _audited_addresses(running) == ["203.0.113.9"]


def test_an_upload_with_a_bad_token_is_refused_before_its_body_is_read(server: Running) -> None:
    head = (
        b"PUT /api/v1/packages HTTP/1.1\r\nHost: r\r\n"
        b"Authorization: Bearer aura_not_a_token\r\n"
        b"Content-Type: multipart/form-data; boundary=b\r\n"
        b"Content-Length: 20000000\r\n\r\n"
    )
    first = b'--b\r\nContent-Disposition: form-data; name="archive"; filename="a.tar.gz"\r\n\r\n'
    with socket.create_connection(("127.0.0.1", _port(server)), timeout=30) as sock:
        # 20 MB announced, a few bytes sent: the answer comes without the rest.
        sock.sendall(head + first + b"x" * 1000)
        answer = sock.recv(65536)
    assert answer.startswith(b"HTTP/1.1 401 "), answer[:200]
    assert b"unknown or revoked API token" in answer


def test_refused_authentications_are_audited_at_a_bounded_rate(tmp_path: Path) -> None:
    settings = settings_for(tmp_path, denied_audit_rate=RateLimit(burst=3, per_second=0))
    with serve(settings) as running, httpx.Client(base_url=running.url) as client:
        for i in range(20):
            bad = {"Authorization": f"Bearer aura_guess_{i}"}
            answer = client.get("/api/v1/audit", headers=bad)
            assert answer.status_code == 401
            assert answer.json()["error"]["message"] == "unknown or revoked API token"
        assert _audited_addresses(running) == ["127.0.0.1"] * 3
