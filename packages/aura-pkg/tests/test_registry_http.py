"""The HTTP registry client against an in-process server (httpx.MockTransport, no network).

The server serves a real file registry's signed documents under the protocol's
paths, so installs over HTTP run every check; a script of failures injected
before the real answers exercises retries, backoff, 304s and error messages.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import httpx
import pytest
import registry_world as rw

from aura_pkg.cache import Cache
from aura_pkg.installer import install
from aura_pkg.registry import (
    Document,
    OfflineError,
    RegistryError,
    UnknownPackageError,
    open_registry,
)
from aura_pkg.registry import http as registry_http
from aura_pkg.registry.file import FileRegistry
from aura_pkg.registry.http import HttpRegistry, RetryPolicy

URL = "https://registry.test"


V = rw.version


class Server:
    """The protocol over a file registry, with scripted failures served first."""

    def __init__(self, world: Any) -> None:
        self.world = world
        self.files = FileRegistry.at(world.registry_path, Cache(world.tmp / "server-cache"))
        self.script: list[httpx.Response | Exception] = []
        self.requests: list[httpx.Request] = []
        self.statuses: list[int] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.script:
            action = self.script.pop(0)
            if isinstance(action, Exception):
                raise action
            self.statuses.append(action.status_code)
            return action
        response = self.answer(request)
        self.statuses.append(response.status_code)
        return response

    def json(self, body: bytes, request: httpx.Request) -> httpx.Response:
        etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        if request.headers.get("if-none-match") == etag:
            return httpx.Response(304, headers={"ETag": etag})
        return httpx.Response(200, content=body, headers={"ETag": etag})

    def answer(self, request: httpx.Request) -> httpx.Response:
        root = self.world.registry_path
        path = unquote(request.url.path).removeprefix("/api/v1")
        params = request.url.params
        files = {"/keys": "keys.json", "/root-key": "root-key.json", "/log/head": "log/head.json"}
        if path in files:
            return self.json((root / files[path]).read_bytes(), request)
        if path.startswith("/index/"):
            index = root / "index" / (path.removeprefix("/index/") + ".json")
            if not index.exists():
                return error(404, "not_found", "no such package")
            return self.json(index.read_bytes(), request)
        if path.startswith("/log/proof/"):
            kind = "inclusion" if path.endswith("inclusion") else "consistency"
            first = int(params["leaf_index" if kind == "inclusion" else "old_size"])
            doc = self.files.document(Document(kind, "", first, int(params["tree_size"])))
            return httpx.Response(200, json=doc)
        if path.startswith("/packages/") and path.endswith("/download"):
            _, _, name, version, _ = path.split("/")
            archive = root / "archives" / f"{name}-{version}.tar.gz"
            if not archive.exists():
                return error(404, "not_found", "no such version")
            return httpx.Response(200, content=archive.read_bytes())
        if path == "/packages" and request.method == "GET":
            body = self.files._fetch_search(params["q"], int(params.get("page", "1")))
            return httpx.Response(200, content=body)
        return error(404, "not_found", f"no route {path}")


def error(status: int, code: str, message: str, **headers: str) -> httpx.Response:
    return httpx.Response(
        status, json={"error": {"code": code, "message": message}}, headers=headers
    )


@pytest.fixture
def world(tmp_path: Path) -> Any:
    w = rw.make_world(tmp_path)
    w.publish("b", "2.0.0")
    w.publish("a", "1.0.0", {"b": "^2"})
    return w


@pytest.fixture
def server(world: Any) -> Server:
    return Server(world)


@pytest.fixture
def sleeps() -> list[float]:
    return []


def http(world: Any, server: Server, sleeps: list[float], **options: Any) -> HttpRegistry:
    client = httpx.Client(transport=httpx.MockTransport(server))
    retry = RetryPolicy(jitter=0, sleep=sleeps.append)
    registry = open_registry(
        URL, cache=Cache(world.tmp / "client-cache"), http_client=client, retry=retry, **options
    )
    assert isinstance(registry, HttpRegistry)
    return registry


# -- documents and the cache ----------------------------------------------------------


def test_index_is_revalidated_with_its_etag(
    world: Any, server: Server, sleeps: list[float]
) -> None:
    registry = http(world, server, sleeps)
    first = registry.index("a")
    assert first.get(V("1.0.0")) is not None
    second = registry.index("a")
    assert second == first
    assert server.statuses == [200, 304]
    assert server.requests[0].headers.get("if-none-match") is None
    assert server.requests[1].headers["if-none-match"].startswith('"')
    assert server.requests[1].url.path == "/api/v1/index/a"


def test_offline_uses_the_cache_and_never_the_network(
    world: Any, server: Server, sleeps: list[float]
) -> None:
    http(world, server, sleeps).index("a")
    offline = http(world, server, sleeps, offline=True)
    count = len(server.requests)
    assert offline.index("a").name == "a"
    with pytest.raises(OfflineError, match="the index of `b`") as info:
        offline.index("b")
    assert info.value.package == "b"
    assert len(server.requests) == count


def test_search(world: Any, server: Server, sleeps: list[float]) -> None:
    results = http(world, server, sleeps).search("a")
    assert [h.name for h in results.hits] == ["a", "b"]  # the name, then "The b package"
    assert results.total == 2
    assert server.requests[0].url.params["q"] == "a"


# -- failures and retries -------------------------------------------------------------------


def test_unreachable_registry_is_retried_then_reported(
    world: Any, server: Server, sleeps: list[float]
) -> None:
    server.script = [httpx.ConnectError("connection refused")] * 10
    with pytest.raises(RegistryError) as info:
        http(world, server, sleeps).index("a")
    message = str(info.value)
    assert len(server.requests) == 4
    assert sleeps == [0.5, 1.0, 2.0]
    assert info.value.package == "a"
    assert URL in message and "cannot connect: connection refused" in message
    assert "tried 4 times" in message


def test_server_errors_are_retried_with_backoff(
    world: Any, server: Server, sleeps: list[float]
) -> None:
    server.script = [error(503, "busy", "try later"), error(502, "proxy", "bad gateway")]
    assert http(world, server, sleeps).index("a").name == "a"
    assert server.statuses == [503, 502, 200]
    assert sleeps == [0.5, 1.0]


def test_rate_limits_honour_retry_after(world: Any, server: Server, sleeps: list[float]) -> None:
    later = format_datetime(datetime.now(UTC) + timedelta(seconds=20), usegmt=True)
    server.script = [
        error(429, "rate", "slow down", **{"Retry-After": "7"}),
        error(429, "rate", "slow down", **{"Retry-After": later}),
    ]
    http(world, server, sleeps).index("a")
    assert sleeps[0] == 7.0
    assert 15 < sleeps[1] <= 20


def test_a_long_retry_after_is_not_waited_for(
    world: Any, server: Server, sleeps: list[float]
) -> None:
    server.script = [error(429, "rate", "hourly quota used", **{"Retry-After": "3600"})]
    with pytest.raises(RegistryError, match=r"rate limiting .* 3600 s.*hourly quota used"):
        http(world, server, sleeps).index("a")
    assert sleeps == [] and len(server.requests) == 1


def test_persistent_server_error_names_status_and_message(
    world: Any, server: Server, sleeps: list[float]
) -> None:
    server.script = [error(500, "internal", "database down")] * 4
    with pytest.raises(RegistryError) as info:
        http(world, server, sleeps).index("a")
    assert "HTTP 500 Internal Server Error for the index of `a`: database down" in str(info.value)
    assert len(server.requests) == 4


def test_client_errors_are_not_retried(world: Any, server: Server, sleeps: list[float]) -> None:
    server.script = [error(403, "forbidden", "this mirror needs a token")]
    with pytest.raises(RegistryError, match=r"HTTP 403 Forbidden .*needs a token"):
        http(world, server, sleeps).key_list()
    assert len(server.requests) == 1


def test_unknown_package(world: Any, server: Server, sleeps: list[float]) -> None:
    registry = http(world, server, sleeps)
    with pytest.raises(UnknownPackageError, match=f"no package named `zzz` in registry {URL}"):
        registry.index("zzz")
    with pytest.raises(UnknownPackageError, match="no archive of this version") as info:
        registry.archive("a", V("9.9.9"))
    assert info.value.package == "a 9.9.9"


def test_malformed_json(world: Any, server: Server, sleeps: list[float]) -> None:
    server.script = [httpx.Response(200, content=b"<html>oops</html>")]
    with pytest.raises(RegistryError, match="malformed JSON for the index of `a`") as info:
        http(world, server, sleeps).index("a")
    assert info.value.package == "a"


def test_timeouts(world: Any, server: Server, sleeps: list[float]) -> None:
    server.script = [httpx.ReadTimeout("slow")] * 4
    with pytest.raises(RegistryError, match=r"no answer within 30 s \(tried 4 times\)"):
        http(world, server, sleeps).tree_head()


def test_oversized_documents_are_refused(
    world: Any, server: Server, sleeps: list[float], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(registry_http, "_MAX_DOCUMENT_BYTES", 100)
    with pytest.raises(RegistryError, match=r"more than 100 bytes|over the limit of 100"):
        http(world, server, sleeps).index("a")


# -- installing over HTTP ---------------------------------------------------------------------


def test_install_over_http_then_offline(world: Any, server: Server, sleeps: list[float]) -> None:
    registry = http(world, server, sleeps)
    project = world.project("app", {"a": "^1"})
    result = install(project, world.lock(project, registry), registry, progress=False)
    assert {p.name for p in result.installed} == {"a", "b"}
    paths = {r.url.path for r in server.requests}
    assert "/api/v1/root-key" in paths and "/api/v1/log/head" in paths
    assert "/api/v1/packages/a/1.0.0/download" in paths
    other = world.project("other", {"a": "^1"})
    offline = http(world, server, sleeps, offline=True)
    count = len(server.requests)
    install(other, world.lock(other, offline), offline, progress=False)
    assert len(server.requests) == count


def test_install_from_an_unreachable_registry_changes_nothing(
    world: Any, server: Server, sleeps: list[float]
) -> None:
    registry = http(world, server, sleeps)
    project = world.project("app", {"a": "^1"})
    lock = world.lock(project, registry)
    install(project, lock, registry, progress=False)
    world.publish("c", "1.0.0")
    (project / "aura.toml").write_text(rw.manifest_text("app", "0.1.0", {"a": "^1", "c": "1"}))
    lock = world.lock(project, registry)
    before = rw.snapshot(project / ".aura")
    server.script = [httpx.ConnectError("no route to host")] * 100
    with pytest.raises(RegistryError, match="cannot connect: no route to host"):
        install(project, lock, registry, progress=False)
    assert rw.snapshot(project / ".aura") == before


# -- writing ------------------------------------------------------------------------------------


def test_publish_sends_a_multipart_form_with_the_token(
    world: Any, server: Server, sleeps: list[float]
) -> None:
    entry = world.registry().index("a").get(V("1.0.0")).to_json()
    archive = (world.registry_path / "archives" / "a-1.0.0.tar.gz").read_bytes()
    registry = http(world, server, sleeps)
    with pytest.raises(RegistryError, match="needs an API token"):
        registry.publish(archive, entry["signature"], entry["key_id"])
    server.script = [
        httpx.ConnectError("refused"),
        httpx.Response(200, json={"name": "a", "version": entry}),
    ]
    published = registry.publish(archive, entry["signature"], entry["key_id"], token="s3cret")
    assert published.log_index == 1
    request = server.requests[-1]
    assert request.method == "PUT" and request.url.path == "/api/v1/packages"
    assert request.headers["authorization"] == "Bearer s3cret"
    assert request.headers["content-type"].startswith("multipart/form-data")
    body = request.read()
    assert archive in body and entry["signature"].encode() in body
    assert sleeps == [0.5]


def test_publish_is_not_retried_after_sending(
    world: Any, server: Server, sleeps: list[float]
) -> None:
    archive = (world.registry_path / "archives" / "a-1.0.0.tar.gz").read_bytes()
    server.script = [error(503, "busy", "maintenance")]
    with pytest.raises(RegistryError, match=r"HTTP 503 .*maintenance") as info:
        http(world, server, sleeps).publish(archive, "sig", "0" * 64, token="t")
    assert len(server.requests) == 1
    assert info.value.package == "a 1.0.0"


def test_yank_and_undo(world: Any, server: Server, sleeps: list[float]) -> None:
    registry = http(world, server, sleeps)
    server.script = [httpx.Response(200, json={}), httpx.Response(200, json={})]
    registry.yank("a", V("1.0.0"), token="t")
    registry.yank("a", V("1.0.0"), undo=True, token="t")
    assert [(r.method, r.url.path) for r in server.requests] == [
        ("POST", "/api/v1/packages/a/1.0.0/yank"),
        ("DELETE", "/api/v1/packages/a/1.0.0/yank"),
    ]
    assert all(r.headers["authorization"] == "Bearer t" for r in server.requests)
