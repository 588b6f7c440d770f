"""Hostile requests: injection and traversal strings everywhere, oversized bodies, floods.

The server must answer each with a JSON error (never a 500), change nothing
it should not, read no file outside its directories, and stop reading a body
once it is over the limit.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from http.client import HTTPConnection
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
from registry_server import (
    GENEROUS,
    Publisher,
    Running,
    make_publisher,
    package_archive,
    publish,
    serve,
    settings_for,
    signature_of,
    upload,
)

from aura_pkg.archive import Limits
from aura_pkg.server import RateLimit
from aura_pkg.server.limits import TokenBuckets

HOSTILE = [
    "' OR '1'='1",
    "alpha'; DROP TABLE packages; --",
    '"; SELECT pg_sleep(5); --',
    "1 UNION SELECT token_hash FROM api_tokens",
    "../../../../etc/passwd",
    "..\\..\\windows\\win.ini",
    "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "%",
    "_",
    "a\u0000b",
    "\u202e\U0001f600",
    "x" * 300,
]

ARCHIVE_LIMIT = 200 * 1024


@pytest.fixture(scope="module")
def server(database_url: str | None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    storage = tmp_path_factory.mktemp("registry")
    ui = tmp_path_factory.mktemp("ui")
    (ui / "index.html").write_text("<!doctype html><p>the registry</p>", encoding="utf-8")
    (ui / "app.js").write_text("console.log(1)", encoding="utf-8")
    (ui.parent / "secret.txt").write_text("secret", encoding="utf-8")
    limits = Limits(max_archive_bytes=ARCHIVE_LIMIT, max_unpacked_bytes=1024 * 1024)
    with serve(settings_for(storage, database_url, limits=limits, ui_dir=ui)) as running:
        yield running


@pytest.fixture(scope="module")
def ada(server: Running, http: httpx.Client, tmp_path_factory: pytest.TempPathFactory) -> Publisher:
    ada = make_publisher(server, http, "ada")
    assert publish(http, tmp_path_factory.mktemp("p"), ada, "alpha", "1.0.0").status_code == 200
    return ada


def refused_cleanly(answer: httpx.Response) -> None:
    assert answer.status_code < 500, (answer.request.url, answer.text)
    body = answer.json()
    if answer.status_code >= 400:
        assert set(body["error"]) == {"code", "message"}


def test_hostile_strings_in_every_parameter(
    server: Running, http: httpx.Client, ada: Publisher, tmp_path: Path
) -> None:
    valid = package_archive(tmp_path, "lambda", "1.0.0")
    admin = {"Authorization": f"Bearer {server.user('root', admin=True)}"}
    for text in HOSTILE:
        part = quote(text, safe="")
        for path in (
            f"/api/v1/index/{part}",
            f"/api/v1/packages/{part}",
            f"/api/v1/packages/{part}/1.0.0",
            f"/api/v1/packages/alpha/{part}",
            f"/api/v1/packages/alpha/{part}/graph",
            f"/api/v1/packages/{part}/{part}/download",
        ):
            answer = http.get(path)
            refused_cleanly(answer)
            assert answer.status_code in (404, 422), (path, answer.text)
        for params in (
            {"q": text},
            {"q": "alpha", "page": text},
        ):
            refused_cleanly(http.get("/api/v1/packages", params=params))
        for params in (
            {"leaf_index": text, "tree_size": "1"},
            {"old_size": "0", "tree_size": text},
        ):
            kind = "inclusion" if "leaf_index" in params else "consistency"
            refused_cleanly(http.get(f"/api/v1/log/proof/{kind}", params=params))
        refused_cleanly(http.post(f"/api/v1/packages/alpha/{part}/yank", headers=ada.auth))
        refused_cleanly(http.delete(f"/api/v1/keys/{part}", headers=ada.auth))
        refused_cleanly(
            http.put("/api/v1/packages/alpha/owners", json={"owners": [text]}, headers=ada.auth)
        )
        refused_cleanly(
            http.post("/api/v1/keys", json={"public_key": text, "replaces": text}, headers=ada.auth)
        )
        refused_cleanly(http.get("/api/v1/index/alpha", headers={"If-None-Match": quote(text)}))
        refused_cleanly(
            http.get("/api/v1/audit", headers={"Authorization": f"Bearer {quote(text)}"})
        )
        refused_cleanly(
            upload(http, ada, b"\x1f\x8b" + text.encode(), text, key_id=text, extra={"name": text})
        )
        for claims in ({"version": text}, {"dependencies": text}, {"verification": text}):
            answer = upload(http, ada, valid.data, text, key_id=text, extra=claims)
            refused_cleanly(answer)
            assert answer.status_code == 422
        refused_cleanly(http.get("/api/v1/audit", params={"action": text}, headers=admin))
    # Wildcards are text, not patterns; every table is still there; nothing changed.
    assert http.get("/api/v1/packages", params={"q": "%"}).json()["total"] == 0
    assert http.get("/api/v1/packages", params={"q": "_"}).json()["total"] == 0
    assert http.get("/api/v1/packages", params={"q": ""}).json()["total"] == 1
    index = http.get("/api/v1/index/alpha").json()
    assert [v["version"] for v in index["versions"]] == ["1.0.0"]
    assert not index["versions"][0]["yanked"]
    assert http.get("/api/v1/packages/alpha").json()["owners"] == ["ada"]
    assert http.get("/api/v1/index/lambda").status_code == 404


def raw_get(url: str, path: str) -> tuple[int, bytes]:
    """GET ``path`` exactly as written (httpx would normalise ``..`` away)."""
    host, port = url.removeprefix("http://").split(":")
    connection = HTTPConnection(host, int(port), timeout=10)
    try:
        connection.request("GET", path)
        answer = connection.getresponse()
        return answer.status, answer.read()
    finally:
        connection.close()


def test_the_ui_is_served_and_never_leaves_its_directory(server: Running) -> None:
    assert raw_get(server.url, "/app.js") == (200, b"console.log(1)")
    status, body = raw_get(server.url, "/packages/alpha")
    assert status == 200 and b"the registry" in body
    for path in ("/../secret.txt", "/..%2Fsecret.txt", "/%2e%2e/secret.txt", "/a/../../secret.txt"):
        status, body = raw_get(server.url, path)
        assert b"secret" not in body, path
    status, body = raw_get(server.url, "/api/v1/..%2F..%2Fsecret.txt")
    assert status == 404 and json.loads(body)["error"]["code"] == "not_found"


def test_oversized_uploads_are_cut_off(
    server: Running, http: httpx.Client, ada: Publisher, tmp_path: Path
) -> None:
    cap = server.settings.max_upload_bytes
    declared = http.put(
        "/api/v1/packages",
        content=b"x" * (cap + 1),
        headers={**ada.auth, "Content-Type": "multipart/form-data; boundary=b"},
    )
    assert declared.status_code == 413 and declared.json()["error"]["code"] == "payload_too_large"

    sent = 0

    def endless() -> Iterator[bytes]:
        nonlocal sent
        yield b"--b\r\nContent-Disposition: form-data; name=archive; filename=a\r\n\r\n"
        while sent < 64 * cap:
            sent += 65536
            yield b"\0" * 65536

    try:
        chunked = http.put(
            "/api/v1/packages",
            content=endless(),
            headers={**ada.auth, "Content-Type": "multipart/form-data; boundary=b"},
        )
        assert chunked.status_code == 413
    except httpx.TransportError:
        pass  # the server closed the connection after answering 413
    assert sent < 64 * cap, "the server read the whole oversized body"

    # An archive over the limit inside a body under the cap is refused too.
    big = package_archive(tmp_path, "big", "1.0.0")
    padded = big.data + b"\0" * (ARCHIVE_LIMIT + 1 - len(big.data))
    answer = upload(http, ada, padded, signature_of(ada, big))
    assert answer.status_code == 413
    assert http.get("/api/v1/index/big").status_code == 404


def test_a_gzip_bomb_is_refused(http: httpx.Client, ada: Publisher, tmp_path: Path) -> None:
    import gzip
    import io
    import tarfile

    tar = io.BytesIO()
    with tarfile.open(fileobj=tar, mode="w", format=tarfile.USTAR_FORMAT) as t:
        for name, content in (
            ("bomb-1.0.0/aura.toml", b'[package]\nname="bomb"\nversion="1.0.0"\n'),
            ("bomb-1.0.0/src/lib.aura", b"\0" * (4 * 1024 * 1024)),
        ):
            info = tarfile.TarInfo(name)
            info.size = len(content)
            t.addfile(info, io.BytesIO(content))
    data = gzip.compress(tar.getvalue(), 9)
    answer = upload(http, ada, data, "x")
    assert answer.status_code == 422 and "unpacks to more than" in answer.json()["error"]["message"]


def test_archives_with_unsafe_entries_are_refused(http: httpx.Client, ada: Publisher) -> None:
    import gzip
    import io
    import tarfile

    def archive(entries: list[tuple[str, bytes, bytes]]) -> bytes:
        tar = io.BytesIO()
        with tarfile.open(fileobj=tar, mode="w", format=tarfile.USTAR_FORMAT) as t:
            for name, kind, content in entries:
                info = tarfile.TarInfo(name)
                info.type = kind
                info.size = len(content) if kind == tarfile.REGTYPE else 0
                if kind == tarfile.SYMTYPE:
                    info.linkname = "/etc/passwd"
                t.addfile(info, io.BytesIO(content))
        return gzip.compress(tar.getvalue())

    manifest = b'[package]\nname = "evil"\nversion = "1.0.0"\n'
    base = [
        ("evil-1.0.0", tarfile.DIRTYPE, b""),
        ("evil-1.0.0/aura.toml", tarfile.REGTYPE, manifest),
    ]
    for bad in (
        ("evil-1.0.0/../../escape", tarfile.REGTYPE, b"x"),
        ("/etc/cron.d/evil", tarfile.REGTYPE, b"x"),
        ("evil-1.0.0/src/link", tarfile.SYMTYPE, b""),
        ("evil-1.0.0/aura.toml", tarfile.REGTYPE, manifest),
    ):
        answer = upload(http, ada, archive([*base, bad]), "x")
        assert answer.status_code == 422, bad
        assert answer.json()["error"]["code"] == "invalid_archive"
    assert http.get("/api/v1/index/evil").status_code == 404


def test_rate_limits_per_address_and_per_token(tmp_path: Path) -> None:
    tight = RateLimit(burst=3, per_second=0.1)
    settings = settings_for(tmp_path, address_rate=tight, token_rate=RateLimit(2, 0.1))
    with serve(settings) as running:
        with httpx.Client(base_url=running.url) as client:
            statuses = [client.get("/api/v1/log/head").status_code for _ in range(4)]
            assert statuses == [200, 200, 200, 429]
            limited = client.get("/api/v1/log/head")
            assert 1 <= int(limited.headers["retry-after"]) <= 10
            assert limited.json()["error"]["code"] == "rate_limited"
        # Another client address has a bucket of its own.
        other = httpx.HTTPTransport(local_address="127.0.0.2")
        with httpx.Client(base_url=running.url, transport=other) as client:
            assert client.get("/api/v1/log/head").status_code == 200
    with (
        serve(
            settings_for(tmp_path / "t", address_rate=GENEROUS, token_rate=RateLimit(2, 0.1))
        ) as running,
        httpx.Client(base_url=running.url) as client,
    ):
        first = {"Authorization": "Bearer aura_first"}
        statuses = [client.get("/api/v1/log/head", headers=first).status_code for _ in range(3)]
        assert statuses == [200, 200, 429]
        second = {"Authorization": "Bearer aura_second"}
        assert client.get("/api/v1/log/head", headers=second).status_code == 200


def test_token_buckets_refill_with_time() -> None:
    now = [0.0]
    buckets = TokenBuckets(RateLimit(burst=2, per_second=4), clock=lambda: now[0])
    assert [buckets.take("k"), buckets.take("k")] == [0.0, 0.0]
    assert buckets.take("k") == pytest.approx(0.25)
    now[0] = 0.25
    assert buckets.take("k") == 0.0
    assert buckets.take("other") == 0.0
