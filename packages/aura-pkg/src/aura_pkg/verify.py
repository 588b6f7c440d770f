"""Checking what a registry serves against what the client trusts (spec "Signatures and trust").

A registry is trusted through one key, its root key, pinned on first contact
(or given by configuration) and required to match afterwards.  Everything else
is checked against it:

1. :func:`establish_trust`, once per registry and command: the registry's root
   key equals the pinned one; the key list carries the root's signature; the
   tree head carries the root's signature and *extends the last head this
   client saw* (a consistency proof), so a registry that rewrites its log, or
   shows this client a different log than before, is caught.  The new head is
   then recorded in the cache.
2. :func:`verify_archive`, for every version installed: not removed; checksum
   equal in the lock file, the index and the bytes; the publisher's signature
   over the statement; the key valid at the version's log index; the statement
   included in the log under the signed head; and the archive's own
   ``aura.toml`` naming the same dependencies as the index.

Inclusion proofs already verified are remembered in the cache per registry:
since every later head is proven to extend the earlier ones, an entry once
included stays included, and a warm install asks for no proof at all.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from aura_pkg.archive import read_archive_manifest, verify_checksum
from aura_pkg.errors import ProofError, TrustError
from aura_pkg.lockfile import LockedPackage
from aura_pkg.merkle import SignedTreeHead, TreeHead, leaf_hash, verify_consistency
from aura_pkg.merkle import verify_inclusion as merkle_verify_inclusion
from aura_pkg.registry import OfflineError, Registry
from aura_pkg.registry.index import VersionEntry
from aura_pkg.signing import KeyList, PublicKey, canonical_json, verify_statement

__all__ = [
    "TrustState",
    "VerifiedArchive",
    "check_entry",
    "establish_trust",
    "verify_archive",
    "verify_entry",
]


@dataclass(frozen=True, slots=True)
class TrustState:
    """What one registry was proven to say: its key list and its current log head.

    ``proven`` maps log indexes to the leaf hashes already shown to be in the
    log (from the cache).
    """

    registry: str
    root_key: PublicKey
    keys: KeyList
    head: SignedTreeHead
    proven: Mapping[int, bytes]


@dataclass(frozen=True, slots=True)
class VerifiedArchive:
    """An archive that passed every check, with its log leaf (to remember as proven)."""

    name: str
    entry: VersionEntry
    data: bytes
    leaf: bytes


def _short(key: PublicKey) -> str:
    return key.key_id[:16] + "…"


def _check_extends(registry: Registry, old: TreeHead, new: TreeHead, where: str) -> None:
    """A consistency proof that the log with head ``new`` extends the one with ``old``."""
    url = registry.url
    if new.size < old.size:
        raise ProofError(
            f"the log of registry {url} shrank from {old.size} to {new.size} entries since "
            f"it was last seen ({where}): it rewrote its history or serves a stale copy"
        )
    if new.size == old.size:
        if new.root != old.root:
            raise ProofError(
                f"the log of registry {url} has {new.size} entries as before, but a different "
                f"root hash ({where}): its history was rewritten"
            )
        return
    proof = registry.consistency_proof(old.size, new.size)
    if (
        proof.old_size != old.size
        or proof.tree_size != new.size
        or not verify_consistency(old.root, new.root, proof)
    ):
        raise ProofError(
            f"the log of registry {url} ({new.size} entries) does not extend the log of "
            f"{old.size} entries seen before ({where}): its history was rewritten"
        )


def establish_trust(registry: Registry, *, root_key: PublicKey | None = None) -> TrustState:
    """Pin or compare the root key, then verify the key list and the tree head.

    ``root_key`` is a key from configuration: it replaces a different pinned
    key (and the state recorded under it).  Offline, the pinned key and the
    last verified head are used as they are.
    """
    cache, url = registry.cache, registry.url
    pinned = cache.pinned_root_key(url)
    pin_file = cache.pinned_root_key_file(url)
    if root_key is not None and pinned is not None and pinned != root_key:
        cache.forget_registry(url)
        pinned = None
    expected = root_key if root_key is not None else pinned
    if registry.offline:
        if expected is None:
            raise OfflineError(
                f"offline: registry {url} was never contacted, so its root key is not pinned"
            )
    else:
        presented = registry.root_key()
        if expected is None:
            expected = presented
        elif presented != expected:
            origin, remedy = (
                ("configured", "change the configuration")
                if root_key is not None
                else (f"pinned in {pin_file}", "delete the pinned key")
            )
            raise TrustError(
                f"registry {url} presents root key {_short(presented)}, but the root key "
                f"{_short(expected)} is {origin}. If the registry really changed its key, "
                f"check the new one out of band, then {remedy} to accept it"
            )
    keys = _key_list(registry, expected)
    head = _tree_head(registry, expected, registry.tree_head(), "the registry's tree head")
    previous = cache.tree_head(url)
    if previous is not None and not registry.offline:
        seen = _tree_head(registry, expected, previous, f"the tree head recorded in {cache.root}")
        _check_extends(registry, seen.head, head.head, f"last tree head in {cache.root}")
    if pinned is None:
        cache.pin_root_key(url, expected)
    if not registry.offline and previous != head.to_json():
        cache.record_tree_head(url, head.to_json())
    return TrustState(url, expected, keys, head, cache.verified_leaves(url))


def _key_list(registry: Registry, root: PublicKey) -> KeyList:
    try:
        return KeyList.from_document(registry.key_list(), root)
    except TrustError as exc:
        raise TrustError(f"registry {registry.url}: {exc.message}") from None


def _tree_head(registry: Registry, root: PublicKey, document: object, what: str) -> SignedTreeHead:
    try:
        return SignedTreeHead.from_json(document, root)
    except ProofError as exc:
        raise ProofError(f"registry {registry.url}: {what}: {exc.message}") from None


def check_entry(
    registry: Registry,
    name: str,
    entry: VersionEntry,
    *,
    locked: LockedPackage | None = None,
    require_verified: bool = False,
) -> None:
    """The checks of an index entry that need no archive: run before downloading one."""
    package = f"{name} {entry.version}"
    if entry.removed is not None:
        raise TrustError(
            f"removed from registry {registry.url} by its administrators: {entry.removed}",
            package=package,
        )
    if require_verified and (entry.verification is None or not entry.verification.complete):
        summary = "no summary" if entry.verification is None else entry.verification.summary()
        raise TrustError(f"not fully verified ({summary})", package=package)
    if locked is not None and locked.checksum != entry.checksum:
        raise TrustError(
            f"the lock file has checksum {locked.checksum}, but registry {registry.url} now "
            f"lists {entry.checksum}: the version changed after it was locked",
            package=package,
        )
    if locked is not None and locked.log_index != entry.log_index:
        raise TrustError(
            f"the lock file has log index {locked.log_index}, but registry {registry.url} now "
            f"lists {entry.log_index}",
            package=package,
        )


def verify_archive(
    state: TrustState,
    registry: Registry,
    name: str,
    entry: VersionEntry,
    data: bytes,
    *,
    locked: LockedPackage | None = None,
    require_verified: bool = False,
) -> VerifiedArchive:
    """Every check of one version's archive; raises naming the package and the cause."""
    package = f"{name} {entry.version}"
    check_entry(registry, name, entry, locked=locked, require_verified=require_verified)
    verify_checksum(data, entry.checksum, package)
    leaf = verify_entry(state, registry, name, entry)
    manifest = read_archive_manifest(data, name, entry.version)
    if manifest.name != name or manifest.version != entry.version:
        raise TrustError(
            f"the archive's aura.toml is {manifest.name} {manifest.version}", package=package
        )
    inside = manifest.registry_dependencies()
    if inside != dict(entry.dependencies):
        raise TrustError(
            f"the dependencies in the archive's aura.toml ({_deps(inside)}) differ from those "
            f"in the index ({_deps(entry.dependencies)})",
            package=package,
        )
    return VerifiedArchive(name, entry, data, leaf)


def verify_entry(state: TrustState, registry: Registry, name: str, entry: VersionEntry) -> bytes:
    """The checks of an index entry against the registry's trust: the publisher's signature,
    the key valid at the entry's log index, and the statement included in the log.

    What ``aura pkg lock`` runs before it writes a checksum, and what every
    install runs again.  Returns the entry's leaf hash.
    """
    package = f"{name} {entry.version}"
    key = state.keys.get(entry.key_id)
    if key is None:
        raise TrustError(
            f"signed by key {entry.key_id[:16]}…, which is not in the key list of registry "
            f"{registry.url}",
            package=package,
        )
    verify_statement(
        key.public_key, entry.signature, name, entry.version, entry.checksum, entry.dependencies
    )
    state.keys.check(entry.key_id, entry.log_index, package)
    leaf = leaf_hash(canonical_json(entry.statement(name)))
    _verify_inclusion(state, registry, package, entry.log_index, leaf)
    return leaf


def _deps(dependencies: Mapping[str, str]) -> str:
    return ", ".join(f"{n} {r}" for n, r in sorted(dependencies.items())) or "none"


def _verify_inclusion(
    state: TrustState, registry: Registry, package: str, index: int, leaf: bytes
) -> None:
    if state.proven.get(index) == leaf:
        return
    size = state.head.head.size
    if index >= size:
        raise ProofError(
            f"logged at index {index}, beyond the signed tree head of registry {registry.url} "
            f"({size} entries)",
            package=package,
        )
    if registry.offline:
        raise OfflineError(
            f"offline: no proof that log entry {index} of registry {registry.url} is in its "
            "log was ever verified; run without --offline",
            package=package,
        )
    proof = registry.inclusion_proof(index, size)
    if (
        proof.leaf_index != index
        or proof.tree_size != size
        or not merkle_verify_inclusion(leaf, proof, state.head.head.root)
    ):
        raise ProofError(
            f"not in the transparency log of registry {registry.url}: the inclusion proof "
            f"of entry {index} does not lead to the signed tree head ({size} entries)",
            package=package,
        )
