"""The global cache: where it lives, content addressing, documents, and trust state."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from aura_pkg.cache import CACHE_ENV, Cache, CachedDocument, open_cache
from aura_pkg.errors import TrustError
from aura_pkg.signing import generate_key

URL = "https://registry.example.org"


def test_location_argument_then_environment_then_platform(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert open_cache(tmp_path / "a").root == tmp_path / "a"
    assert open_cache(None, {CACHE_ENV: str(tmp_path / "b")}).root == tmp_path / "b"
    asked = []

    def fake_user_cache_dir(name: str, appauthor: object = None) -> str:
        asked.append(name)
        return str(tmp_path / "platform")

    import platformdirs

    monkeypatch.setattr(platformdirs, "user_cache_dir", fake_user_cache_dir)
    assert open_cache(None, {}).root == tmp_path / "platform"
    assert asked == ["aura"]
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "env"))
    assert open_cache().root == tmp_path / "env"


def test_archives_are_stored_by_sha256(tmp_path: Path) -> None:
    cache = Cache(tmp_path)
    data = b"archive bytes"
    digest = hashlib.sha256(data).hexdigest()
    assert cache.store_archive(data) == f"sha256:{digest}"
    path = tmp_path / "archives" / "sha256" / digest[:2] / digest
    assert path.read_bytes() == data
    assert cache.archive(f"sha256:{digest}") == data
    assert cache.archive(digest) == data
    assert cache.archive("sha256:" + "0" * 64) is None
    with pytest.raises(ValueError):
        cache.archive("md5:00")


def test_a_damaged_archive_is_dropped(tmp_path: Path) -> None:
    cache = Cache(tmp_path)
    checksum = cache.store_archive(b"good")
    cache.archive_path(checksum).write_bytes(b"bad!")
    assert cache.archive(checksum) is None
    assert not cache.archive_path(checksum).exists()


def test_documents_keep_their_etag(tmp_path: Path) -> None:
    cache = Cache(tmp_path)
    assert cache.document(URL, "index/json") is None
    cache.store_document(URL, "index/json", b'{"name": "json"}', '"abc"')
    assert cache.document(URL, "index/json") == CachedDocument(b'{"name": "json"}', '"abc"')
    cache.store_document(URL, "keys", b"{}\n", None)
    assert cache.document(URL, "keys") == CachedDocument(b"{}\n", None)
    path = cache.registry_dir(URL) / "documents" / "index" / "json.json"
    assert path.read_bytes().startswith(b'ETag: "abc"\n')
    before = path.stat().st_mtime_ns
    cache.store_document(URL, "index/json", b'{"name": "json"}', '"abc"')
    assert path.stat().st_mtime_ns == before
    for bad in ("../x", "index/../../x", "Index/A", ""):
        with pytest.raises(ValueError):
            cache.store_document(URL, bad, b"", None)


def test_registries_have_separate_readable_directories(tmp_path: Path) -> None:
    cache = Cache(tmp_path)
    a = cache.registry_dir("https://registry.example.org")
    b = cache.registry_dir("https://registry.example.org/mirror")
    c = cache.registry_dir("file:///srv/my-registry")
    assert len({a, b, c}) == 3
    assert a.name.startswith("registry.example.org-")
    assert c.name.startswith("file-my-registry-")
    cache.store_document(URL, "keys", b"{}", None)
    assert (cache.registry_dir(URL) / "url").read_text() == URL + "\n"


def test_root_key_pinning(tmp_path: Path) -> None:
    cache = Cache(tmp_path)
    assert cache.pinned_root_key(URL) is None
    _, public = generate_key()
    cache.pin_root_key(URL, public)
    assert cache.pinned_root_key(URL) == public
    cache.pinned_root_key_file(URL).write_text("garbage")
    with pytest.raises(TrustError, match=r"pinned root key .* is unreadable"):
        cache.pinned_root_key(URL)


def test_tree_heads_and_proven_leaves(tmp_path: Path) -> None:
    cache = Cache(tmp_path)
    assert cache.tree_head(URL) is None
    head = {"root": "00" * 32, "size": 3, "signature": "sig"}
    cache.record_tree_head(URL, head)
    assert cache.tree_head(URL) == head
    assert cache.verified_leaves(URL) == {}
    cache.record_verified_leaves(URL, {2: b"\x01" * 32})
    cache.record_verified_leaves(URL, {0: b"\x02" * 32})
    assert cache.verified_leaves(URL) == {0: b"\x02" * 32, 2: b"\x01" * 32}
    (cache.registry_dir(URL) / "verified-leaves.json").write_text("[1, 2")
    assert cache.verified_leaves(URL) == {}
    (cache.registry_dir(URL) / "head.json").write_text(json.dumps([1]))
    assert cache.tree_head(URL) is None


def test_forgetting_a_registry(tmp_path: Path) -> None:
    cache = Cache(tmp_path)
    cache.pin_root_key(URL, generate_key()[1])
    cache.record_tree_head(URL, {"size": 0})
    other = "https://other.example"
    cache.pin_root_key(other, generate_key()[1])
    cache.forget_registry(URL)
    assert cache.pinned_root_key(URL) is None
    assert cache.tree_head(URL) is None
    assert cache.pinned_root_key(other) is not None


def test_writes_leave_no_temporary_files(tmp_path: Path) -> None:
    cache = Cache(tmp_path)
    cache.store_archive(b"x")
    cache.store_document(URL, "index/a", b"{}", "e")
    cache.pin_root_key(URL, generate_key()[1])
    cache.record_tree_head(URL, {"size": 1})
    cache.record_verified_leaves(URL, {0: b"\x00" * 32})
    leftovers = [p for p in tmp_path.rglob("*") if p.name.endswith(".tmp")]
    assert leftovers == []
