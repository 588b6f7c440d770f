"""The HTTP client's key and owner requests, against httpx.MockTransport (no network)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from aura_pkg.cache import Cache
from aura_pkg.registry import (
    Credentials,
    KeyExistsError,
    OfflineError,
    RegistryError,
    UnknownPackageError,
)
from aura_pkg.registry.http import HttpRegistry, RegistryRefused, RetryPolicy
from aura_pkg.signing import generate_key

URL = "https://registry.test"
Handler = Callable[[httpx.Request], httpx.Response]


def client(tmp_path: Path, handler: Handler, *, offline: bool = False) -> HttpRegistry:
    transport = httpx.Client(transport=httpx.MockTransport(handler))
    policy = RetryPolicy(attempts=2, sleep=lambda _: None)
    return HttpRegistry(
        URL, Cache(tmp_path / "cache"), client=transport, retry=policy, offline=offline
    )


def refuse(status: int, code: str, message: str) -> httpx.Response:
    return httpx.Response(status, json={"error": {"code": code, "message": message}})


def test_register_key_posts_the_public_key_and_replaced_key(tmp_path: Path) -> None:
    _, public = generate_key()
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        body = json.loads(request.content)
        answer = {"key_id": public.key_id, "owner": "ada", "public_key": body["public_key"]}
        return httpx.Response(201, json={**answer, "valid_from": 7})

    registry = client(tmp_path, handler)
    with pytest.raises(RegistryError, match="needs an API token"):
        registry.register_key(public, Credentials())
    entry = registry.register_key(public, Credentials(token="t0k"), replaces="a" * 64)
    assert (entry.key_id, entry.owner, entry.valid_from, entry.revoked_at) == (
        public.key_id,
        "ada",
        7,
        None,
    )
    request = seen[-1]
    assert (request.method, request.url.path) == ("POST", "/api/v1/keys")
    assert request.headers["authorization"] == "Bearer t0k"
    assert json.loads(request.content) == {"public_key": public.b64(), "replaces": "a" * 64}
    registry.register_key(public, Credentials(token="t0k"))
    assert "replaces" not in json.loads(seen[-1].content)


def test_a_refusal_carries_the_servers_code_and_is_not_retried(tmp_path: Path) -> None:
    _, public = generate_key()
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return refuse(403, "not_owner", "key 1234… belongs to another user")

    with pytest.raises(RegistryRefused) as info:
        client(tmp_path, handler).register_key(public, Credentials(token="t"))
    assert (info.value.status, info.value.reason, info.value.code) == (403, "not_owner", "E0911")
    assert "HTTP 403 Forbidden (not_owner): key 1234… belongs to another user" in str(info.value)
    assert len(seen) == 1


def test_a_key_registered_already_is_the_interfaces_key_exists_error(tmp_path: Path) -> None:
    _, public = generate_key()
    registry = client(tmp_path, lambda _: refuse(409, "key_exists", "key 1234… is registered"))
    with pytest.raises(KeyExistsError, match="is registered") as info:
        registry.register_key(public, Credentials(token="t"))
    assert info.value.code == "E0911"


def test_a_malformed_key_answer_is_an_error(tmp_path: Path) -> None:
    _, public = generate_key()
    bad = {"key_id": "x", "owner": 3, "public_key": public.b64(), "valid_from": 0}
    registry = client(tmp_path, lambda _: httpx.Response(201, json=bad))
    with pytest.raises(RegistryError, match="malformed answer"):
        registry.register_key(public, Credentials(token="t"))


def test_revoke_key_deletes_it_and_returns_the_revoked_entry(tmp_path: Path) -> None:
    _, public = generate_key()
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        doc = {"key_id": public.key_id, "owner": "ada", "public_key": public.b64()}
        return httpx.Response(200, json={**doc, "valid_from": 0, "revoked_at": 3})

    entry = client(tmp_path, handler).revoke_key(public.key_id, Credentials(token="t"))
    assert entry.revoked_at == 3
    assert (seen[0].method, seen[0].url.path) == ("DELETE", f"/api/v1/keys/{public.key_id}")


def test_owners_are_read_and_replaced_as_a_set(tmp_path: Path) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.url.path == "/api/v1/packages/nope":
            return refuse(404, "not_found", "no package named 'nope'")
        if request.method == "PUT":
            return httpx.Response(200, json={"name": "json", **json.loads(request.content)})
        return httpx.Response(200, json={"name": "json", "owners": ["ada"], "versions": []})

    registry = client(tmp_path, handler)
    assert registry.owners("json") == ("ada",)
    assert registry.set_owners("json", ("ada", "bob"), Credentials(token="t")) == ("ada", "bob")
    put = seen[-1]
    assert (put.method, put.url.path) == ("PUT", "/api/v1/packages/json/owners")
    assert json.loads(put.content) == {"owners": ["ada", "bob"]}
    with pytest.raises(UnknownPackageError, match="no package named `nope`"):
        registry.owners("nope")


def test_owner_requests_need_the_network_and_a_well_formed_answer(tmp_path: Path) -> None:
    with pytest.raises(OfflineError):
        client(tmp_path, lambda _: httpx.Response(500), offline=True).owners("json")
    malformed = client(tmp_path, lambda _: httpx.Response(200, json={"owners": "ada"}))
    with pytest.raises(RegistryError, match="malformed answer"):
        malformed.owners("json")


def test_a_refused_owner_change_names_the_package(tmp_path: Path) -> None:
    registry = client(tmp_path, lambda _: refuse(403, "not_owner", "bob is not an owner of json"))
    with pytest.raises(RegistryRefused, match=r"\(not_owner\): bob is not an owner") as info:
        registry.set_owners("json", ("bob",), Credentials(token="t"))
    assert info.value.package == "json"
