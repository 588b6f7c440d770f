"""File registries: layout, publishing, keys, proofs, search, and the shared client behaviour."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
import registry_world as rw

from aura_pkg.archive import archive_identity, build_archive, checksum
from aura_pkg.cache import Cache
from aura_pkg.errors import ArchiveError, TrustError
from aura_pkg.merkle import SignedTreeHead, leaf_hash, verify_consistency, verify_inclusion
from aura_pkg.registry import (
    Credentials,
    OfflineError,
    RegistryError,
    UnknownPackageError,
    file_registry_url,
    normalize_registry_url,
    open_registry,
)
from aura_pkg.registry.file import FileRegistry, init_file_registry
from aura_pkg.registry.index import IndexSource
from aura_pkg.signing import KeyList, canonical_json, generate_key, read_public_key, sign_statement

V = rw.version


@pytest.fixture
def world(tmp_path: Path) -> Any:
    return rw.make_world(tmp_path)


# -- creating ----------------------------------------------------------------------


def test_init_creates_the_documented_layout(tmp_path: Path) -> None:
    root = tmp_path / "reg"
    public = init_file_registry(root)
    for rel in (
        "registry.json",
        "root-key.json",
        ".root-key",
        "keys.json",
        "log/entries.jsonl",
        "log/head.json",
    ):
        assert (root / rel).is_file(), rel
    for rel in ("index", "archives", "packages"):
        assert (root / rel).is_dir(), rel
    assert read_public_key(root / "root-key.json") == public
    if os.name == "posix":
        assert (root / ".root-key").stat().st_mode & 0o777 == 0o600
    assert KeyList.from_document(json.loads((root / "keys.json").read_bytes()), public) == KeyList()
    head = SignedTreeHead.from_json(json.loads((root / "log/head.json").read_bytes()), public)
    assert head.head.size == 0


def test_init_refuses_a_used_directory(tmp_path: Path) -> None:
    init_file_registry(tmp_path / "reg")
    with pytest.raises(RegistryError, match="already a registry"):
        init_file_registry(tmp_path / "reg")
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "notes.txt").write_text("x")
    with pytest.raises(RegistryError, match="not empty"):
        init_file_registry(tmp_path / "other")


def test_root_key_can_live_outside_the_registry(tmp_path: Path) -> None:
    key_file = tmp_path / "keys" / "root.key"
    key_file.parent.mkdir()
    init_file_registry(tmp_path / "reg", root_key_file=key_file)
    assert not (tmp_path / "reg" / ".root-key").exists()
    registry = open_registry(
        file_registry_url(tmp_path / "reg"), cache=Cache(tmp_path / "c"), root_key_file=key_file
    )
    assert isinstance(registry, FileRegistry)
    registry.register_key(generate_key()[1], Credentials(owner="ada"))


# -- publishing ------------------------------------------------------------------------


def test_publish_writes_archive_log_head_and_index(world: Any) -> None:
    world.publish("b", "2.0.0")
    entry = world.publish("a", "1.0.0", {"b": "^2"})
    assert entry.log_index == 1
    assert entry.dependencies == {"b": "^2"}
    assert entry.key_id == world.publisher.public_key().key_id
    registry = world.registry()
    index = registry.index("a")
    assert index.get(V("1.0.0")) == entry
    data = registry.archive("a", V("1.0.0"))
    assert checksum(data) == entry.checksum
    head = SignedTreeHead.from_json(registry.tree_head(), world.root_key)
    assert head.head.size == 2
    leaf = leaf_hash(canonical_json(entry.statement("a")))
    proof = registry.inclusion_proof(1, 2)
    assert verify_inclusion(leaf, proof, head.head.root)


def test_publish_refuses_a_version_twice(world: Any) -> None:
    world.publish("a", "1.0.0")
    with pytest.raises(RegistryError, match="already in registry") as info:
        world.publish("a", "1.0.0")
    assert info.value.package == "a"


def test_publish_refuses_unknown_revoked_and_wrong_keys(world: Any) -> None:
    stranger, _ = generate_key()
    with pytest.raises(TrustError, match="not in the key list"):
        world.publish("a", "1.0.0", key=stranger)
    source = rw.write_package(world.tmp / "x", "a", "1.0.0")
    archive = build_archive(source)
    other_signature = sign_statement(stranger, "a", "1.0.0", archive.checksum, {})
    with pytest.raises(TrustError, match="signature does not match"):
        world.registry().publish(archive.data, other_signature, world.publisher.public_key().key_id)
    world.registry().revoke_key(world.publisher.public_key().key_id)
    with pytest.raises(TrustError, match="revoked"):
        world.publish("a", "1.0.1")
    assert not (world.registry_path / "index" / "a.json").exists()
    assert world.log_entries() == []


def test_publish_refuses_a_corrupted_archive(world: Any) -> None:
    with pytest.raises(ArchiveError, match="gzip"):
        world.registry().publish(b"\x1f\x8b" + b"junk" * 10, "sig", "0" * 64)


def test_key_registration_and_revocation_use_log_sizes(world: Any) -> None:
    world.publish("a", "1.0.0")
    _, second = generate_key()
    entry = world.registry().register_key(second, Credentials(owner="bob"))
    assert entry.valid_from == 1
    with pytest.raises(TrustError, match="already registered"):
        world.registry().register_key(second, Credentials(owner="bob"))
    revoked = world.registry().revoke_key(second.key_id)
    assert revoked.revoked_at == 1
    keys = KeyList.from_document(world.registry().key_list(), world.root_key)
    assert keys.get(second.key_id) == revoked


def test_writing_needs_a_private_root_key_file(world: Any) -> None:
    if os.name != "posix":
        pytest.skip("permissions")
    os.chmod(world.registry_path / ".root-key", 0o644)
    with pytest.raises(TrustError, match="too open"):
        world.publish("a", "1.0.0")


def test_interrupted_publication_is_finished_not_logged_twice(world: Any) -> None:
    world.publish("a", "1.0.0")
    (world.registry_path / "index" / "a.json").unlink()  # as if the index write was lost
    head_before = (world.registry_path / "log" / "head.json").read_bytes()
    entry = world.publish("a", "1.0.0")
    assert entry.log_index == 0
    assert len(world.log_entries()) == 1
    assert (world.registry_path / "log" / "head.json").read_bytes() == head_before


def test_yank_and_remove(world: Any) -> None:
    world.publish("a", "1.0.0")
    world.publish("a", "1.1.0")
    registry = world.registry()
    registry.yank("a", V("1.1.0"))
    assert registry.index("a").installable() == (V("1.0.0"),)
    registry.yank("a", V("1.1.0"), undo=True)
    assert registry.index("a").installable() == (V("1.1.0"), V("1.0.0"))
    registry.remove("a", V("1.0.0"), "legal takedown")
    index = registry.index("a")
    assert index.get(V("1.0.0")).removed == "legal takedown"
    assert index.installable() == (V("1.1.0"),)
    with pytest.raises(UnknownPackageError, match="no archive"):
        registry.archive("a", V("1.0.0"))
    with pytest.raises(UnknownPackageError):
        registry.yank("a", V("9.0.0"))


def test_verification_summary_is_recorded_and_checked(world: Any) -> None:
    summary = {"cells": {"verified": 3, "unverified": 0}, "verifier": "v 1", "solver": "z3"}
    entry = world.publish("a", "1.0.0", verification=summary)
    assert entry.verification is not None and entry.verification.complete
    with pytest.raises(RegistryError, match="verification"):
        world.publish("a", "1.0.1", verification={"cells": {"verified": "all"}})


# -- reading -------------------------------------------------------------------------


def test_unknown_package_and_version(world: Any) -> None:
    world.publish("a", "1.0.0")
    registry = world.registry()
    with pytest.raises(UnknownPackageError, match="no package named `nope`") as info:
        registry.index("nope")
    assert info.value.package == "nope"
    assert world.url in str(info.value)
    with pytest.raises(UnknownPackageError, match="no archive of this version") as info:
        registry.archive("a", V("3.0.0"))
    assert info.value.package == "a 3.0.0"


def test_names_that_are_not_package_names(world: Any) -> None:
    for bad in ("../keys", "A", "std"):
        with pytest.raises(UnknownPackageError, match="invalid package name"):
            world.registry().index(bad)
        with pytest.raises(UnknownPackageError, match="invalid package name"):
            world.registry().archive(bad, V("1.0.0"))


def test_missing_registry_directory(tmp_path: Path) -> None:
    registry = FileRegistry.at(tmp_path / "nowhere", Cache(tmp_path / "c"))
    with pytest.raises(RegistryError, match="does not exist"):
        registry.index("a")


def test_malformed_index_documents_name_the_package_and_field(world: Any) -> None:
    world.publish("a", "1.0.0")
    path = world.registry_path / "index" / "a.json"
    path.write_text("{not json")
    with pytest.raises(RegistryError, match="malformed JSON for the index of `a`"):
        world.registry().index("a")
    path.write_text(json.dumps({"name": "a", "versions": [{"version": "1.0.0"}]}))
    with pytest.raises(RegistryError, match=r"`versions\[0\].checksum`") as info:
        world.registry().index("a")
    assert info.value.package == "a"


def test_consistency_proofs_between_heads(world: Any) -> None:
    for i in range(5):
        world.publish("a", f"1.0.{i}")
    registry = world.registry()
    old = SignedTreeHead.from_json(registry.tree_head(), world.root_key).head
    for i in range(5, 9):
        world.publish("a", f"1.0.{i}")
    new = SignedTreeHead.from_json(registry.tree_head(), world.root_key).head
    proof = registry.consistency_proof(old.size, new.size)
    assert verify_consistency(old.root, new.root, proof)
    with pytest.raises(RegistryError, match="log has 9 entries"):
        registry.consistency_proof(3, 20)


def test_search_ranks_names_before_descriptions(world: Any) -> None:
    world.publish("json", "1.0.0")
    world.publish("json-extra", "0.1.0")
    world.publish("yaml", "1.0.0")
    world.publish("tojson", "2.0.0")
    results = world.registry().search("json")
    assert [h.name for h in results.hits] == ["json", "json-extra", "tojson"]
    assert results.hits[0].version == "1.0.0"
    assert results.hits[0].description == "The json package"
    assert [h.name for h in world.registry().search("the yaml").hits] == ["yaml"]
    assert world.registry().search("xml").hits == ()


def test_index_source_for_the_resolver(world: Any) -> None:
    world.publish("a", "1.0.0")
    world.publish("a", "1.1.0", {"b": "^1"})
    world.publish("a", "1.2.0")
    registry = world.registry()
    registry.yank("a", V("1.2.0"))
    source = IndexSource(registry)
    assert list(source.versions("a")) == [V("1.1.0"), V("1.0.0")]
    assert {n: str(r) for n, r in source.dependencies("a", V("1.1.0")).items()} == {"b": "^1"}
    assert source.dependencies("a", V("1.2.0")) == {}  # yanked: still answers
    assert list(source.versions("nope")) == []
    registry.remove("a", V("1.0.0"), "malware")
    source = IndexSource(registry)
    with pytest.raises(LookupError):
        source.dependencies("a", V("1.0.0"))


# -- offline -----------------------------------------------------------------------------


def test_offline_reads_only_the_cache(world: Any) -> None:
    entry = world.publish("a", "1.0.0")
    offline = world.registry(offline=True)
    with pytest.raises(OfflineError, match=r"the index of `a`.*not in the cache") as info:
        offline.index("a")
    assert info.value.package == "a"
    online = world.registry()
    online.index("a")
    assert offline.index("a").get(V("1.0.0")) == entry
    with pytest.raises(OfflineError, match=entry.checksum) as info:
        offline.archive("a", V("1.0.0"))
    assert info.value.package == "a 1.0.0"
    online.archive("a", V("1.0.0"), entry.checksum)
    assert checksum(offline.archive("a", V("1.0.0"))) == entry.checksum
    with pytest.raises(OfflineError, match="search"):
        offline.search("a")
    with pytest.raises(OfflineError):
        offline.inclusion_proof(0, 1)


# -- names and URLs ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("top", "name", "version"),
    [
        ("a-1.0.0", "a", "1.0.0"),
        ("a-1-2.0.0", "a-1", "2.0.0"),
        ("x-y-1.0.0-rc.1", "x-y", "1.0.0-rc.1"),
    ],
)
def test_archive_identity(tmp_path: Path, top: str, name: str, version: str) -> None:
    source = rw.write_package(tmp_path / "p", name, version)
    data = build_archive(source).data
    assert archive_identity(data) == (name, V(version))
    assert top == f"{name}-{version}"


def test_registry_urls() -> None:
    assert normalize_registry_url("HTTPS://Reg.Example.org/") == "https://reg.example.org"
    assert normalize_registry_url("https://r.example/prefix/") == "https://r.example/prefix"
    assert normalize_registry_url("file:///srv/reg/") == "file:///srv/reg"
    assert normalize_registry_url("file://localhost/srv/reg") == "file:///srv/reg"
    for bad in ("ftp://x", "file://host/x", "file:relative", "https://", "https://x/?q=1"):
        with pytest.raises(RegistryError, match="invalid registry URL"):
            normalize_registry_url(bad)
