"""Cached index documents are never stale: every write that changes a package invalidates them.

The server keeps serialised index documents in memory under the package's
revision; these tests revalidate (``If-None-Match``) after each kind of write and
expect the new document, on SQLite and on PostgreSQL, including a write made by
another process on the same database, which the server's memory never hears of.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
from registry_server import Publisher, Running, publish

from aura_pkg.server import queries
from aura_pkg.server.db import make_engine, make_sessions
from aura_pkg.server.documents import DocumentCache, serialise


def revalidate(http: httpx.Client, name: str, etag: str) -> tuple[int, dict[str, Any], str]:
    """(status, document or {}, ETag) of a revalidation of ``name``'s index document."""
    answer = http.get(f"/api/v1/index/{name}", headers={"If-None-Match": etag})
    assert answer.status_code in (200, 304), answer.text
    body = answer.json() if answer.status_code == 200 else {}
    return answer.status_code, body, answer.headers["etag"]


def first(http: httpx.Client, name: str) -> tuple[dict[str, Any], str]:
    answer = http.get(f"/api/v1/index/{name}")
    assert answer.status_code == 200, answer.text
    return answer.json(), answer.headers["etag"]


def entry(doc: dict[str, Any], version: str) -> dict[str, Any]:
    found: dict[str, Any] = next(e for e in doc["versions"] if e["version"] == version)
    return found


def versions(doc: dict[str, Any]) -> list[str]:
    return sorted(e["version"] for e in doc["versions"])


def yanked(doc: dict[str, Any], version: str) -> bool:
    return bool(entry(doc, version)["yanked"])


def test_a_publication_replaces_the_cached_document(
    http: httpx.Client, ada: Publisher, tmp_path: Path
) -> None:
    assert publish(http, tmp_path, ada, "cache-pub", "1.0.0").status_code == 200
    doc, etag = first(http, "cache-pub")
    assert versions(doc) == ["1.0.0"]
    assert revalidate(http, "cache-pub", etag)[0] == 304

    assert publish(http, tmp_path, ada, "cache-pub", "1.1.0").status_code == 200
    status, doc, new_etag = revalidate(http, "cache-pub", etag)
    assert status == 200 and versions(doc) == ["1.0.0", "1.1.0"]
    assert new_etag != etag
    assert revalidate(http, "cache-pub", new_etag)[0] == 304


def test_yank_and_unyank_replace_the_cached_document(
    http: httpx.Client, ada: Publisher, tmp_path: Path
) -> None:
    assert publish(http, tmp_path, ada, "cache-yank", "1.0.0").status_code == 200
    doc, etag = first(http, "cache-yank")
    assert not yanked(doc, "1.0.0")

    answer = http.post("/api/v1/packages/cache-yank/1.0.0/yank", headers=ada.auth)
    assert answer.status_code == 200
    status, doc, yanked_etag = revalidate(http, "cache-yank", etag)
    assert status == 200 and yanked(doc, "1.0.0")

    answer = http.delete("/api/v1/packages/cache-yank/1.0.0/yank", headers=ada.auth)
    assert answer.status_code == 200
    status, doc, back = revalidate(http, "cache-yank", yanked_etag)
    assert status == 200 and not yanked(doc, "1.0.0")
    assert back == etag  # the same content, the same ETag


def test_an_owner_change_and_a_removal_bump_the_revision(
    server: Running, http: httpx.Client, ada: Publisher, tmp_path: Path
) -> None:
    assert publish(http, tmp_path, ada, "cache-own", "1.0.0").status_code == 200
    first(http, "cache-own")
    with server.service.engine.connect() as connection:
        before = queries.package_revision(connection, "cache-own")
    assert before is not None and server.service.documents.get("cache-own", before) is not None

    server.user("cache-bob")
    answer = http.put(
        "/api/v1/packages/cache-own/owners",
        json={"owners": ["ada", "cache-bob"]},
        headers=ada.auth,
    )
    assert answer.status_code == 200
    with server.service.engine.connect() as connection:
        after = queries.package_revision(connection, "cache-own")
    assert after is not None and after > before
    assert server.service.documents.get("cache-own", after) is None
    _, etag = first(http, "cache-own")

    admin = {"Authorization": f"Bearer {server.user('cache-root', admin=True)}"}
    answer = http.post(
        "/api/v1/packages/cache-own/1.0.0/remove", json={"reason": "malware"}, headers=admin
    )
    assert answer.status_code == 200
    status, doc, _ = revalidate(http, "cache-own", etag)
    assert status == 200 and entry(doc, "1.0.0")["removed"] == {"reason": "malware"}


def test_a_write_by_another_process_is_seen(
    server: Running, http: httpx.Client, ada: Publisher, tmp_path: Path
) -> None:
    """Another server on the same database yanks; this one's memory is never told."""
    assert publish(http, tmp_path, ada, "cache-other", "1.0.0").status_code == 200
    _, etag = first(http, "cache-other")
    engine = make_engine(server.settings.db_url)
    try:
        with make_sessions(engine).begin() as session:
            _, row = queries.find_version(session, "cache-other", "1.0.0")
            row.yanked = True
            queries.bump_revision(session, row.package_id)
    finally:
        engine.dispose()
    status, doc, _ = revalidate(http, "cache-other", etag)
    assert status == 200 and yanked(doc, "1.0.0")


def test_an_unknown_package_is_not_cached(server: Running, http: httpx.Client) -> None:
    cached = len(server.service.documents)
    assert http.get("/api/v1/index/cache-none").status_code == 404
    assert http.get("/api/v1/index/Not_A..Name").status_code == 404
    assert len(server.service.documents) == cached


def test_the_cache_keeps_revisions_apart_and_its_size_bounded() -> None:
    cache = DocumentCache(max_bytes=100)
    small = serialise({"a": 1})
    cache.put("x", 1, small)
    assert cache.get("x", 1) == small and cache.get("x", 2) is None
    cache.put("x", 2, serialise({"a": 2}))
    assert cache.get("x", 1) is None and cache.get("x", 2) is not None
    for i in range(20):
        cache.put(f"p{i}", 0, serialise({"n": "y" * 20}))
    assert sum(len(d.body) for k in [f"p{i}" for i in range(20)] if (d := cache.get(k, 0))) <= 100
    assert cache.get("p19", 0) is not None and cache.get("p0", 0) is None
    cache.put("huge", 0, serialise({"n": "z" * 200}))
    assert cache.get("huge", 0) is None
