"""Publishing a version: every check of the upload, then one transaction.

:func:`inspect_archive` reads the archive with the client's own safe-extraction
checks (paths, entry types, sizes, counts, gzip integrity) and parses its
``aura.toml`` with the client's manifest rules, so the registry accepts exactly
what an install would.  :func:`publish` then checks ownership, immutability and
the publisher's key and signature, writes the archive to the blob store, and in
one database transaction adds the version, its log leaf and the new signed
tree head: after a crash the version is there with all three, or not at all
(an archive written just before the crash stays as an unreferenced blob).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from aura_pkg.archive import Limits, _members, archive_identity, checksum

# The archive module's entry reader is the client's safe-extraction check itself;
# reusing it (within this distribution) keeps the registry and installs in step.
from aura_pkg.canonical import archive_problem
from aura_pkg.errors import ArchiveError, ManifestError, TrustError
from aura_pkg.manifest import (
    MANIFEST_FILE,
    Manifest,
    check_package_name,
    import_name,
    parse_manifest,
)
from aura_pkg.registry.index import (
    RegistryError,
    Verification,
    VersionEntry,
    parse_verification,
)
from aura_pkg.server.accounts import Caller
from aura_pkg.server.db import now
from aura_pkg.server.errors import ApiError
from aura_pkg.server.models import Owner, Package, PackageVersion, PublisherKey
from aura_pkg.server.queries import bump_revision, search_text
from aura_pkg.server.service import Origin, RegistryService
from aura_pkg.server.translog import append_leaf, signed_head
from aura_pkg.signing import PublicKey, canonical_json, statement, verify_statement
from aura_pkg.versions import Version, VersionError

__all__ = ["Claimed", "Upload", "inspect_archive", "publish"]

_README = re.compile(r"readme([.-].*)?", re.IGNORECASE)
_MAX_README = 256 * 1024
_MAX_VERSION = 128
_KEY_ID = re.compile(r"[0-9a-f]{64}")


def _text(value: str) -> str:
    """Text the database can hold on every backend (PostgreSQL refuses NUL)."""
    return value.replace("\0", "")


@dataclass(frozen=True, slots=True)
class Upload:
    """A checked archive: what it is, what it needs, its checksum and README."""

    name: str
    version: Version
    manifest: Manifest
    dependencies: Mapping[str, str]
    checksum: str
    readme: str | None
    data: bytes


@dataclass(frozen=True, slots=True)
class Claimed:
    """What the request says besides the archive; each part, when given, must match it."""

    name: str | None = None
    version: str | None = None
    dependencies: str | None = None


def _invalid(message: str, code: str = "invalid_archive") -> ApiError:
    return ApiError(422, code, message)


def inspect_archive(data: bytes, limits: Limits) -> Upload:
    """Check an uploaded archive as an install would; 422 naming the problem otherwise."""
    try:
        name, version = archive_identity(data)
    except ArchiveError as exc:
        raise _invalid(exc.message) from None
    problem = check_package_name(name)
    if problem is not None:
        raise _invalid(problem, "invalid_name")
    if len(str(version)) > _MAX_VERSION:
        raise _invalid(f"a version has at most {_MAX_VERSION} characters", "invalid_version")
    package = f"{name} {version}"
    manifest_bytes: bytes | None = None
    readme: str | None = None
    try:
        for path, content in _members(data, f"{name}-{version}", limits, package):
            if content is None:
                continue
            if path == MANIFEST_FILE:
                manifest_bytes = content
            elif readme is None and "/" not in path and _README.fullmatch(path):
                readme = _text(content[:_MAX_README].decode("utf-8", "replace"))
    except ArchiveError as exc:
        raise _invalid(str(exc)) from None
    if manifest_bytes is None:
        raise _invalid(f"{package}: the archive has no {MANIFEST_FILE}")
    problem = archive_problem(data, f"{name}-{version}", limits, package)
    if problem is not None:
        raise _invalid(f"{package}: {problem}; publish archives built by `aura pkg publish`")
    try:
        manifest = parse_manifest(
            manifest_bytes.decode("utf-8"), f"{name}-{version}/{MANIFEST_FILE}"
        )
    except UnicodeDecodeError:
        raise _invalid(f"{package}: {MANIFEST_FILE} is not UTF-8", "invalid_manifest") from None
    except ManifestError as exc:
        raise _invalid(f"{package}: {exc}", "invalid_manifest") from None
    if manifest.name != name or manifest.version != version:
        raise _invalid(
            f"the archive's top directory says {package}, its {MANIFEST_FILE} says "
            f"{manifest.name} {manifest.version}",
            "invalid_manifest",
        )
    if any(d.path is not None for d in manifest.dependencies):
        raise _invalid(f"{package}: a path dependency cannot be published", "invalid_manifest")
    return Upload(
        name, version, manifest, manifest.registry_dependencies(), checksum(data), readme, data
    )


def check_claims(upload: Upload, claimed: Claimed) -> None:
    """The request's own name, version and dependencies must be the archive's."""
    package = f"{upload.name} {upload.version}"
    if claimed.name is not None and claimed.name != upload.name:
        raise _invalid(
            f"the request names {claimed.name!r}, the archive holds {package}", "mismatch"
        )
    if claimed.version is not None:
        try:
            same = Version.parse(claimed.version) == upload.version
        except VersionError:
            same = False
        if not same:
            raise _invalid(
                f"the request names version {claimed.version!r}, the archive holds {package}",
                "mismatch",
            )
    if claimed.dependencies is not None:
        try:
            deps = json.loads(claimed.dependencies)
        except ValueError:
            deps = None
        if deps != dict(upload.dependencies):
            raise _invalid(
                f"the request's dependencies differ from those in {package}'s {MANIFEST_FILE}",
                "mismatch",
            )


def _verification(text: str | None, name: str) -> Verification | None:
    if text is None:
        return None
    try:
        return parse_verification(json.loads(text), name, "(this registry)")
    except (ValueError, RegistryError):
        raise _invalid(
            '`verification` must be JSON: {"cells": {STATUS: COUNT}, "verifier", "solver"}',
            "invalid_request",
        ) from None


def _fault(service: RegistryService, point: str) -> None:
    """Crash here when the settings ask for it (crash-safety tests only)."""
    if service.settings.fault == point:
        os._exit(70)


def publish(
    service: RegistryService,
    origin: Origin,
    caller: Caller,
    upload: Upload,
    signature: str,
    key_id: str,
    verification: str | None,
) -> dict[str, Any]:
    """Publish a checked upload; the new index entry (``{"name", "version": ENTRY}``)."""
    name, version = upload.name, upload.version
    summary = _verification(verification, name)
    if not _KEY_ID.fullmatch(key_id):
        raise _invalid("`key_id` is 64 lowercase hex digits", "invalid_request")
    if len(signature) > 128:
        raise _invalid("`signature` is a base64 Ed25519 signature", "invalid_request")
    with service.write(origin, caller, "publish", f"{name}@{version}", log=True) as session:
        head = signed_head(session, lock=True)
        package = session.execute(
            select(Package).where(Package.canonical == import_name(name))
        ).scalar_one_or_none()
        if package is not None and package.name != name:
            raise ApiError(409, "name_taken", f"the name {name} is taken by {package.name}")
        if package is not None:
            owner = session.get(Owner, (package.id, caller.user_id))
            if owner is None:
                raise ApiError(403, "not_owner", f"{caller.name} is not an owner of {name}")
            published = session.execute(
                select(PackageVersion.version, PackageVersion.checksum).where(
                    PackageVersion.package_id == package.id
                )
            ).all()
            # SemVer equality: versions differing only in build metadata are one version.
            same = [c for text, c in published if Version.parse(text) == version]
            if same:
                if same[0] == upload.checksum:
                    # The very bytes published: they repair a stored archive that was
                    # lost or corrupted (the store rewrites one whose hash is wrong).
                    service.blobs.put(upload.data)
                raise ApiError(
                    409,
                    "version_exists",
                    f"{name} {version} is already published; versions are immutable, publish "
                    "a new version",
                )
        key = session.get(PublisherKey, key_id)
        if key is None:
            raise _invalid(
                f"key {key_id[:16]}… is not registered (POST /api/v1/keys)", "unknown_key"
            )
        if key.user_id != caller.user_id:
            raise ApiError(403, "not_key_owner", f"key {key_id[:16]}… belongs to another user")
        if key.revoked_at is not None and head.size >= key.revoked_at:
            raise _invalid(
                f"key {key_id[:16]}… was revoked at log size {key.revoked_at}", "revoked_key"
            )
        try:
            verify_statement(
                PublicKey.from_b64(key.public_key),
                signature,
                name,
                version,
                upload.checksum,
                upload.dependencies,
            )
        except TrustError as exc:
            raise _invalid(exc.message, "invalid_signature") from None
        service.blobs.put(upload.data)
        description = _text(upload.manifest.package.description or "")
        keywords = list(upload.manifest.package.keywords)
        if package is None:
            package = Package(
                name=name,
                canonical=import_name(name),
                description=description,
                keywords=json.dumps(keywords),
                downloads=0,
                created_at=now(),
                revision=0,
                search_text=search_text(name, description, keywords),
            )
            session.add(package)
            session.flush()
            session.add(Owner(package_id=package.id, user_id=caller.user_id))
        else:
            package.description = description
            package.keywords = json.dumps(keywords)
            package.search_text = search_text(name, description, keywords)
            bump_revision(session, package.id)
        text = canonical_json(statement(name, version, upload.checksum, upload.dependencies))
        log_index = append_leaf(session, head, text, service.leaves, service.root)
        entry = VersionEntry(
            version,
            dict(upload.dependencies),
            upload.checksum,
            signature,
            key_id,
            log_index,
            now(),
            verification=summary,
        )
        session.add(
            PackageVersion(
                package_id=package.id,
                version=str(version),
                dependencies=canonical_json(dict(upload.dependencies)).decode("utf-8"),
                checksum=upload.checksum,
                signature=signature,
                key_id=key_id,
                log_index=log_index,
                published_at=entry.published_at,
                publisher_id=caller.user_id,
                description=description,
                readme=upload.readme,
                verification=(
                    json.dumps(summary.to_json(), sort_keys=True) if summary is not None else None
                ),
                yanked=False,
                removed=None,
                downloads=0,
            )
        )
        session.flush()
        _fault(service, "publish-before-commit")
    _fault(service, "publish-after-commit")
    return {"name": name, "version": entry.to_json()}
