"""Installing: the happy paths, reuse, offline, and every way a registry can lie.

Each bad input must stop the install with an error naming the package and the
cause, and leave the project's ``.aura`` exactly as it was (compared file by file).
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import registry_world as rw

from aura_pkg.archive import build_archive
from aura_pkg.cache import Cache
from aura_pkg.deps_index import read_deps_index
from aura_pkg.errors import ArchiveError, LockfileError, PackageError, ProofError, TrustError
from aura_pkg.installer import INSTALL_STATE_FILE, install
from aura_pkg.lockfile import LockedPackage, Lockfile, PackageId, path_source
from aura_pkg.registry import Credentials, OfflineError, RegistryError, UnknownPackageError
from aura_pkg.registry.file import init_file_registry
from aura_pkg.signing import generate_key

V = rw.version


@pytest.fixture
def world(tmp_path: Path) -> Any:
    w = rw.make_world(tmp_path)
    w.publish("b", "2.0.0")
    w.publish("b", "2.1.0")
    w.publish("a", "1.0.0", {"b": "^2"})
    w.publish("c", "0.3.0")
    return w


def deps_of(project: Path) -> list[str]:
    return sorted(p.name for p in (project / ".aura" / "deps").iterdir())


@pytest.fixture
def installed(world: Any) -> Iterator[tuple[Path, Lockfile]]:
    """A project with a and c installed (so b 2.1.0 too)."""
    project = world.project("app", {"a": "^1", "c": "0.3"})
    lock = world.lock(project)
    install(project, lock, world.registry(), progress=False)
    yield project, lock


# -- happy paths --------------------------------------------------------------------


def test_install_extracts_packages_and_writes_the_index(world: Any) -> None:
    project = world.project("app", {"a": "^1"})
    lock = world.lock(project)
    result = install(project, lock, world.registry(), progress=False)
    assert result.changed
    assert result.installed == (PackageId("a", V("1.0.0")), PackageId("b", V("2.1.0")))
    assert deps_of(project) == ["a-1.0.0", "b-2.1.0", "index.toml", INSTALL_STATE_FILE]
    assert (project / ".aura/deps/a-1.0.0/aura.toml").is_file()
    assert (project / ".aura/deps/a-1.0.0/src/lib.aura").is_file()
    index = read_deps_index(project)
    assert index.project.name == "app"
    (dep,) = index.project.dependencies
    assert (dep.import_name, dep.root) == ("a", ".aura/deps/a-1.0.0/src")
    owner = index.package_for(".aura/deps/a-1.0.0/src/lib.aura")
    assert [d.root for d in owner.dependencies] == [".aura/deps/b-2.1.0/src"]
    state = json.loads((project / ".aura/deps" / INSTALL_STATE_FILE).read_text())
    assert state["packages"]["a-1.0.0"]["checksum"] == lock.get("a").checksum
    cache = world.cache
    assert cache.pinned_root_key(world.url) == world.root_key
    assert cache.tree_head(world.url)["size"] == 4
    assert set(cache.verified_leaves(world.url)) == {1, 2}
    assert not list((project / ".aura").glob(".deps-*"))


def test_a_current_install_is_a_no_op_without_the_registry(installed: Any) -> None:
    project, lock = installed
    before = rw.snapshot(project / ".aura")
    result = install(project, lock, None)
    assert not result.changed
    assert result.installed == ()
    assert len(result.reused) == 3
    assert rw.snapshot(project / ".aura") == before


def test_changes_reuse_installed_packages(world: Any, installed: Any) -> None:
    project, _ = installed
    inode = (project / ".aura/deps/a-1.0.0/aura.toml").stat().st_ino
    world.publish("d", "1.0.0")
    (project / "aura.toml").write_text(rw.manifest_text("app", "0.1.0", {"a": "^1", "d": "1"}))
    result = install(project, world.lock(project), world.registry(), progress=False)
    assert result.installed == (PackageId("d", V("1.0.0")),)
    assert {p.name for p in result.reused} == {"a", "b"}
    assert deps_of(project) == ["a-1.0.0", "b-2.1.0", "d-1.0.0", "index.toml", INSTALL_STATE_FILE]
    assert (project / ".aura/deps/a-1.0.0/aura.toml").stat().st_ino == inode


def test_a_second_project_reuses_the_cache(world: Any, installed: Any) -> None:
    shutil.rmtree(world.registry_path / "archives")  # only the cache has them now
    other = world.project("other", {"a": "^1"})
    result = install(other, world.lock(other), world.registry(), progress=False)
    assert {p.name for p in result.installed} == {"a", "b"}


def test_offline_install_from_the_cache(world: Any, installed: Any) -> None:
    project, _ = installed
    other = world.project("other", {"a": "^1", "c": "0.3"})
    offline = world.registry(offline=True)
    result = install(other, world.lock(other, offline), offline, progress=False)
    assert len(result.installed) == 3
    assert read_deps_index(other) == read_deps_index(project).__class__(
        read_deps_index(other).project, read_deps_index(project).packages
    )


def test_offline_says_exactly_what_is_missing(world: Any) -> None:
    fresh = Cache(world.tmp / "fresh-cache")
    online, offline = world.registry(cache=fresh), world.registry(offline=True, cache=fresh)
    project = world.project("app", {"a": "^1"})
    with pytest.raises(OfflineError, match=r"the index of `a`.*not in the cache"):
        world.lock(project, offline)
    lock = world.lock(project, online)  # locking proved the entries: the key is pinned
    assert fresh.pinned_root_key(world.url) == world.root_key
    fresh.pinned_root_key_file(world.url).unlink()  # as if the indexes came without it
    with pytest.raises(OfflineError, match="never contacted, so its root key is not pinned"):
        install(project, lock, offline, progress=False)
    first = world.project("first", {"c": "0.3"})
    install(first, world.lock(first, online), online, progress=False)  # pins the key
    with pytest.raises(OfflineError, match=r"the archive \(sha256:[0-9a-f]{64}\)") as info:
        install(project, lock, offline, progress=False)
    assert info.value.package in ("a 1.0.0", "b 2.1.0")
    assert not (project / ".aura" / "deps").exists()


def test_path_dependencies_are_recorded_not_downloaded(world: Any) -> None:
    rw.write_package(world.tmp / "util", "util", "0.3.0")
    project = world.project("app", {"util": '{ path = "../util" }'})
    lock = Lockfile((LockedPackage("util", V("0.3.0"), path_source("../util")),))
    result = install(project, lock, None, progress=False)
    assert result.path_packages == (PackageId("util", V("0.3.0")),)
    index = read_deps_index(project)
    assert index.project.dependencies[0].root == "../util/src"
    assert [p.root for p in index.packages] == ["../util/src"]
    wrong = Lockfile((LockedPackage("util", V("0.4.0"), path_source("../util")),))
    with pytest.raises(
        LockfileError, match=r"is util 0\.3\.0, but the lock file says util 0\.4\.0"
    ):
        install(project, wrong, None, progress=False)


def test_require_verified(world: Any) -> None:
    world.publish("v", "1.0.0", verification={"cells": {"verified": 4, "failed": 0}})
    world.publish("w", "1.0.0", verification={"cells": {"verified": 4, "unverified": 1}})
    good = world.project("good", {"v": "1"})
    install(good, world.lock(good), world.registry(), require_verified=True, progress=False)
    bad = world.project("bad", {"w": "1"})
    with pytest.raises(
        TrustError, match=r"not fully verified \(1 unverified, 4 verified\)"
    ) as info:
        install(bad, world.lock(bad), world.registry(), require_verified=True, progress=False)
    assert info.value.package == "w 1.0.0"
    unknown = world.project("unknown", {"c": "0.3"})
    with pytest.raises(TrustError, match="no summary"):
        install(unknown, world.lock(unknown), world.registry(), require_verified=True)


def test_progress_bar_only_when_asked(world: Any, capsys: pytest.CaptureFixture[str]) -> None:
    project = world.project("app", {"a": "^1"})
    install(project, world.lock(project), world.registry())
    assert capsys.readouterr().err == ""
    other = world.project("other", {"a": "^1"})
    install(other, world.lock(other), world.registry(), progress=True)


def test_recovers_from_a_killed_install(installed: Any) -> None:
    project, lock = installed
    aura = project / ".aura"
    (aura / ".deps-new-x").mkdir()
    holder = aura / ".deps-old-y"
    holder.mkdir()
    (aura / "deps").rename(holder / "deps")
    result = install(project, lock, None)
    assert not result.changed
    assert sorted(p.name for p in aura.iterdir()) == [".install-lock", "deps"]


# -- bad input: nothing changes ------------------------------------------------------------


def fails(
    project: Path, lock: Lockfile, registry: Any, error: type[PackageError], match: str, **kw: Any
) -> PackageError:
    before = rw.snapshot(project / ".aura")
    with pytest.raises(error, match=match) as info:
        install(project, lock, registry, progress=False, **kw)
    assert rw.snapshot(project / ".aura") == before, "the installed state changed"
    return info.value


def relock(world: Any, project: Path, deps: dict[str, str]) -> Lockfile:
    (project / "aura.toml").write_text(rw.manifest_text("app", "0.1.0", deps))
    lock: Lockfile = world.lock(project)
    return lock


def lock_fails(
    world: Any, project: Path, deps: dict[str, str], error: type[PackageError], match: str
) -> PackageError:
    """Locking refuses an entry it cannot prove, before any checksum is written."""
    before = rw.snapshot(project / ".aura")
    with pytest.raises(error, match=match) as info:
        relock(world, project, deps)
    assert rw.snapshot(project / ".aura") == before, "the installed state changed"
    return info.value


def test_unknown_package(world: Any, installed: Any) -> None:
    project, _ = installed
    phantom = LockedPackage("phantom", V("1.0.0"), f"registry+{world.url}", "sha256:" + "0" * 64, 0)
    (project / "aura.toml").write_text(rw.manifest_text("app", "0.1.0", {"phantom": "1"}))
    error = fails(
        project, Lockfile((phantom,)), world.registry(), UnknownPackageError, "no package"
    )
    assert error.package == "phantom"


def test_wrong_checksum_in_the_lock_file(world: Any, installed: Any) -> None:
    project, _ = installed
    world.publish("d", "1.0.0")
    new = relock(world, project, {"a": "^1", "d": "1"})
    bad = Lockfile(
        tuple(
            LockedPackage(p.name, p.version, p.source, "sha256:" + "1" * 64, p.log_index)
            if p.name == "d"
            else p
            for p in new.packages
        )
    )
    error = fails(project, bad, world.registry(), TrustError, "lock file has checksum")
    assert error.package == "d 1.0.0"


def test_truncated_archive_fails_its_checksum(world: Any, installed: Any) -> None:
    project, _ = installed
    world.publish("d", "1.0.0")
    lock = relock(world, project, {"a": "^1", "d": "1"})
    path = world.registry_path / "archives" / "d-1.0.0.tar.gz"
    path.write_bytes(path.read_bytes()[:-20])
    error = fails(project, lock, world.registry(), TrustError, "checksum mismatch")
    assert error.package == "d 1.0.0"


@pytest.mark.parametrize("damage", ["truncate", "garbage"])
def test_signed_but_corrupted_archive(world: Any, installed: Any, damage: str) -> None:
    project, _ = installed
    data = build_archive(rw.write_package(world.tmp / "e", "e", "1.0.0")).data
    data = data[: len(data) // 2] if damage == "truncate" else b"\x1f\x8b\x08\x00" + b"x" * 50
    world.forge("e", "1.0.0", data)
    lock = relock(world, project, {"a": "^1", "e": "1"})
    error = fails(project, lock, world.registry(), ArchiveError, "corrupted|truncated")
    assert error.package == "e 1.0.0"


def test_bad_signature(world: Any, installed: Any) -> None:
    project, _ = installed
    world.publish("d", "1.0.0")
    lock = relock(world, project, {"a": "^1", "d": "1"})
    other = world.index_doc("c")["versions"][0]["signature"]
    world.edit_version("d", "1.0.0", signature=other)
    error = fails(project, lock, world.registry(), TrustError, "publisher signature does not match")
    assert error.package == "d 1.0.0"
    error = lock_fails(world, project, {"a": "^1", "d": "1"}, TrustError, "signature does not")
    assert error.package == "d 1.0.0"


def test_revoked_key(world: Any, installed: Any) -> None:
    project, lock = installed
    world.publish("d", "1.0.0")
    lock = relock(world, project, {"a": "^1", "d": "1"})
    world.edit_keys(lambda entry: entry.update(revoked_at=4))  # d is entry 4
    error = fails(project, lock, world.registry(), TrustError, "revoked at log size 4")
    assert error.package == "d 1.0.0"


def test_key_not_yet_valid_at_the_log_index(world: Any, installed: Any) -> None:
    project, _ = installed
    world.publish("d", "1.0.0")
    lock = relock(world, project, {"a": "^1", "d": "1"})
    world.edit_keys(lambda entry: entry.update(valid_from=5))
    fails(project, lock, world.registry(), TrustError, "before its key .* became valid")


def test_key_missing_from_the_key_list(world: Any, installed: Any) -> None:
    project, _ = installed
    world.forge(
        "e",
        "1.0.0",
        build_archive(rw.write_package(world.tmp / "e", "e", "1.0.0")).data,
        key=generate_key()[0],
    )
    lock_fails(world, project, {"a": "^1", "e": "1"}, TrustError, "not in the key list")


def test_key_list_not_signed_by_the_root(world: Any, installed: Any) -> None:
    project, _ = installed
    world.publish("d", "1.0.0")
    lock = relock(world, project, {"a": "^1", "d": "1"})
    world.edit_keys(lambda entry: None, signer=generate_key()[0])
    fails(project, lock, world.registry(), TrustError, "key list's signature does not match")


def test_removed_version(world: Any, installed: Any) -> None:
    project, _ = installed
    world.publish("d", "1.0.0")
    lock = relock(world, project, {"a": "^1", "d": "1"})
    world.registry().remove("d", V("1.0.0"), "legal takedown (case 12)")
    error = fails(project, lock, world.registry(), TrustError, r"removed .*legal takedown \(case")
    assert error.package == "d 1.0.0"


def test_archive_dependencies_differ_from_the_index(world: Any, installed: Any) -> None:
    project, _ = installed
    source = rw.write_package(world.tmp / "e", "e", "1.0.0", {"b": "^2"})
    world.forge("e", "1.0.0", build_archive(source).data, {})  # the index hides `b`
    lock = relock(world, project, {"a": "^1", "e": "1"})
    error = fails(project, lock, world.registry(), TrustError, r"aura.toml \(b \^2\) differ")
    assert error.package == "e 1.0.0"


def test_statement_not_in_the_log(world: Any, installed: Any) -> None:
    project, _ = installed
    world.publish("d", "1.0.0")
    lock = relock(world, project, {"a": "^1", "d": "1"})
    entries = world.log_entries()
    entries[4] = entries[4].replace(b'"d"', b'"x"')  # the log holds something else
    world.write_log(entries)
    fresh = Cache(world.tmp / "fresh")  # no earlier head, so only inclusion can catch it
    fails(project, lock, world.registry(cache=fresh), ProofError, "not in the transparency log")


@pytest.mark.parametrize("rewrite", ["shrink", "same-size", "grow"])
def test_rewritten_log_is_caught_by_consistency(world: Any, installed: Any, rewrite: str) -> None:
    project, _ = installed
    world.publish("d", "1.0.0")
    lock = relock(world, project, {"a": "^1", "d": "1"})  # the client saw 5 entries
    if rewrite == "grow":
        world.publish("f", "1.0.0")
    entries = world.log_entries()
    if rewrite == "shrink":
        world.write_log(entries[:2])
        match = "shrank from 5 to 2"
    elif rewrite == "same-size":
        world.write_log([entries[1], entries[0], *entries[2:5]])
        match = "different root hash"
    else:
        world.write_log([entries[1], entries[0], *entries[2:]])
        match = "does not extend"
    world.cache.record_tree_head(world.url, world.cache.tree_head(world.url))
    fails(project, lock, world.registry(), ProofError, match)


def test_a_different_root_key_after_pinning(world: Any, installed: Any) -> None:
    project, _ = installed
    shutil.rmtree(world.registry_path)
    init_file_registry(world.registry_path)  # same place, new root key
    world.registry().register_key(world.publisher.public_key(), Credentials(owner="ada"))
    world.publish("d", "1.0.0")
    error = lock_fails(world, project, {"d": "1"}, TrustError, "presents root key")
    assert "pinned in" in str(error) and world.url in str(error)


def test_lock_file_from_another_registry(world: Any, installed: Any) -> None:
    project, lock = installed
    world.publish("d", "1.0.0")
    lock = relock(world, project, {"a": "^1", "d": "1"})
    moved = Lockfile(
        tuple(
            LockedPackage(
                p.name,
                p.version,
                "registry+https://elsewhere.example",
                p.checksum,
                p.log_index,
                p.dependencies,
            )
            for p in lock.packages
        )
    )
    fails(project, moved, world.registry(), RegistryError, "locked from registry https://else")


def test_lock_file_that_does_not_cover_the_manifest(world: Any, installed: Any) -> None:
    project, lock = installed
    (project / "aura.toml").write_text(rw.manifest_text("app", "0.1.0", {"a": "^1", "z": "1"}))
    fails(project, lock, world.registry(), LockfileError, "no version of `z`")


def test_lock_file_dependencies_that_break_the_index(world: Any, installed: Any) -> None:
    project, _ = installed
    world.publish("d", "1.0.0", {"b": "^2"})
    lock = relock(world, project, {"a": "^1", "d": "1"})
    broken = Lockfile(
        tuple(
            LockedPackage(p.name, p.version, p.source, p.checksum, p.log_index, ())
            if p.name == "d"
            else p
            for p in lock.packages
        )
    )
    fails(project, broken, world.registry(), LockfileError, r"`d 1.0.0` needs b \^2")


@pytest.mark.parametrize("jobs", [1, 4])
def test_failing_the_nth_package_leaves_everything_untouched(
    world: Any, installed: Any, jobs: int
) -> None:
    project, _ = installed
    names = [f"p{i}" for i in range(6)]
    for name in names:
        world.publish(name, "1.0.0")
    lock = relock(world, project, {n: "1" for n in names})
    archive = world.registry_path / "archives" / "p3-1.0.0.tar.gz"
    archive.write_bytes(archive.read_bytes() + b"tail")
    error = fails(project, lock, world.registry(), TrustError, "checksum mismatch", jobs=jobs)
    assert error.package == "p3 1.0.0"
    assert not list((project / ".aura").glob(".deps-*"))


def test_log_index_beyond_the_tree_head(world: Any, installed: Any) -> None:
    project, _ = installed
    world.publish("d", "1.0.0")
    world.edit_version("d", "1.0.0", log_index=99)  # not covered by the signature
    deps = {"a": "^1", "d": "1"}
    error = lock_fails(world, project, deps, ProofError, "index 99, beyond the signed")
    assert error.package == "d 1.0.0"


def test_a_configured_root_key(world: Any) -> None:
    project = world.project("app", {"c": "0.3"})
    lock = world.lock(project)
    wrong = generate_key()[1]
    with pytest.raises(TrustError, match=r"is configured\. .*change the configuration"):
        install(project, lock, world.registry(), root_key=wrong, progress=False)
    world.cache.pin_root_key(world.url, wrong)  # an old pin is replaced by configuration
    install(project, lock, world.registry(), root_key=world.root_key, progress=False)
    assert world.cache.pinned_root_key(world.url) == world.root_key


def test_dev_dependencies_are_indexed_for_the_project(world: Any) -> None:
    project = world.project("app", {"a": "^1"})
    text = (project / "aura.toml").read_text() + '\n[dev-dependencies]\nc = "0.3"\n'
    (project / "aura.toml").write_text(text)
    lock = Lockfile(
        (*world.lock(project).packages, *world.lock(world.project("x", {"c": "0.3"})).packages)
    )
    install(project, lock, world.registry(), progress=False)
    index = read_deps_index(project)
    assert [d.package for d in index.project.dev_dependencies] == ["c"]
    install(project, lock, world.registry(), dev=False, progress=False)
    assert read_deps_index(project).project.dev_dependencies == ()


def test_lock_from_resolution_with_path_packages(world: Any) -> None:
    from aura_pkg.installer import lock_from_resolution
    from aura_pkg.resolver import Resolution

    resolution = Resolution(
        "app",
        {"app": V("0.1.0"), "a": V("1.0.0"), "b": V("2.1.0"), "util": V("0.3.0")},
        {"app": {"a": V("1.0.0"), "util": V("0.3.0")}, "a": {"b": V("2.1.0")}, "b": {}, "util": {}},
    )
    lock = lock_from_resolution(resolution, world.registry(), path_packages={"util": "../util"})
    a, b, util = lock.packages
    assert a.dependencies == (PackageId("b", V("2.1.0")),)
    assert a.checksum == world.registry().index("a").get(V("1.0.0")).checksum
    assert b.log_index == 1
    assert util.source == "path+../util" and util.checksum is None
    with pytest.raises(RegistryError, match="none was given"):
        lock_from_resolution(resolution, None, path_packages={"util": "../util"})


def test_a_deps_directory_from_elsewhere_is_not_trusted(world: Any, installed: Any) -> None:
    project, lock = installed
    clone = world.project("clone", {"a": "^1"})
    (clone / "aura.toml").write_bytes((project / "aura.toml").read_bytes())
    # As if committed to a repository and checked out: same bytes, one file altered.
    shutil.copytree(project / ".aura/deps", clone / ".aura/deps")
    (clone / ".aura/deps/a-1.0.0/src/lib.aura").write_text("pub cell evil() -> i64:\n    1\n")
    before = rw.snapshot(clone / ".aura")
    with pytest.raises(PackageError, match="a registry is needed"):
        install(clone, lock, None)
    assert rw.snapshot(clone / ".aura") == before
    result = install(clone, lock, world.registry(), progress=False)
    assert result.reused == () and len(result.installed) == 3
    restored = (clone / ".aura/deps/a-1.0.0/src/lib.aura").read_bytes()
    assert restored == (project / ".aura/deps/a-1.0.0/src/lib.aura").read_bytes()
    # Written here now: the next install trusts it.
    assert not install(clone, lock, None).changed
