"""The Aura package manager (``aura pkg``), following spec/packages.md.

The main names of every module are importable from here (``from aura_pkg import
resolve, load_manifest``); each module's documentation says what it is for, and
ARCHITECTURE.md gives the map.  Names are loaded on first use, so that
``import aura_pkg`` (which every ``aura pkg`` command does) stays cheap: the
resolver, the installer and httpx are imported only by what needs them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from aura_pkg.archive import (
        DEFAULT_LIMITS,
        Archive,
        Limits,
        archive_filename,
        build_archive,
        checksum,
        extract_archive,
        package_files,
        read_archive_manifest,
        verify_checksum,
    )
    from aura_pkg.cache import (
        CACHE_ENV,
        Cache,
        CachedDocument,
        open_cache,
    )
    from aura_pkg.config import (
        CONFIG_ENV,
        REGISTRY_ENV,
        TOKEN_ENV,
        Config,
        open_config,
    )
    from aura_pkg.deps_index import (
        DEPS_DIR,
        DEPS_INDEX_FILE,
        DEPS_INDEX_VERSION,
        DepsIndex,
        IndexedDependency,
        IndexedPackage,
        installed_root,
        parse_deps_index,
        read_deps_index,
        render_deps_index,
        write_deps_index,
    )
    from aura_pkg.errors import (
        ArchiveError,
        DepsIndexError,
        LockfileError,
        ManifestError,
        PackageError,
        PackageWarning,
        ProofError,
        TrustError,
    )
    from aura_pkg.installer import (
        INSTALL_STATE_FILE,
        InstallResult,
        install,
        lock_from_resolution,
    )
    from aura_pkg.lockfile import (
        LOCKFILE_HEADER,
        LOCKFILE_NAME,
        LOCKFILE_VERSION,
        LockedPackage,
        Lockfile,
        PackageId,
        parse_lockfile,
        path_source,
        read_lockfile,
        registry_source,
        render_lockfile,
        write_lockfile,
    )
    from aura_pkg.manifest import (
        DEFAULT_EDITION,
        EDITIONS,
        MANIFEST_FILE,
        RESERVED_NAMES,
        Dependency,
        Manifest,
        PackageMetadata,
        add_dependency,
        check_package_name,
        import_name,
        load_manifest,
        parse_manifest,
        remove_dependency,
    )
    from aura_pkg.merkle import (
        ConsistencyProof,
        InclusionProof,
        SignedTreeHead,
        TreeHead,
        consistency_proof,
        inclusion_proof,
        leaf_hash,
        root_hash,
        verify_consistency,
        verify_inclusion,
    )
    from aura_pkg.project import (
        LockChange,
        PathPackage,
        ProjectSource,
        direct_dependencies,
        find_project,
        lock_changes,
        lock_registry,
        path_packages,
        resolve_project,
        root_requirements,
    )
    from aura_pkg.registry import (
        Document,
        Fetched,
        Registry,
        SearchHit,
        SearchResults,
        file_registry_url,
        normalize_registry_url,
        open_registry,
    )
    from aura_pkg.registry_file import (
        ROOT_KEY_FILE,
        FileRegistry,
        archive_identity,
        init_file_registry,
    )
    from aura_pkg.registry_http import (
        HttpRegistry,
        RetryPolicy,
    )
    from aura_pkg.registry_index import (
        IndexSource,
        OfflineError,
        PackageIndex,
        RegistryError,
        UnknownPackageError,
        Verification,
        VersionEntry,
        parse_index,
        parse_verification,
    )
    from aura_pkg.resolver import (
        PackageSource,
        Resolution,
        ResolutionError,
        resolve,
    )
    from aura_pkg.signing import (
        KeyEntry,
        KeyList,
        PrivateKey,
        PublicKey,
        canonical_json,
        generate_key,
        key_valid_at,
        read_private_key,
        read_public_key,
        sign_document,
        sign_statement,
        verify_document,
        verify_statement,
        write_private_key,
        write_public_key,
    )
    from aura_pkg.verify import (
        TrustState,
        VerifiedArchive,
        check_entry,
        establish_trust,
        verify_archive,
    )
    from aura_pkg.versions import (
        Comparator,
        Op,
        Requirement,
        RequirementError,
        Version,
        VersionError,
        VersionSet,
    )

__all__ = [
    "CACHE_ENV",
    "CONFIG_ENV",
    "DEFAULT_EDITION",
    "DEFAULT_LIMITS",
    "DEPS_DIR",
    "DEPS_INDEX_FILE",
    "DEPS_INDEX_VERSION",
    "EDITIONS",
    "INSTALL_STATE_FILE",
    "LOCKFILE_HEADER",
    "LOCKFILE_NAME",
    "LOCKFILE_VERSION",
    "MANIFEST_FILE",
    "REGISTRY_ENV",
    "RESERVED_NAMES",
    "ROOT_KEY_FILE",
    "TOKEN_ENV",
    "Archive",
    "ArchiveError",
    "Cache",
    "CachedDocument",
    "Comparator",
    "Config",
    "ConsistencyProof",
    "Dependency",
    "DepsIndex",
    "DepsIndexError",
    "Document",
    "Fetched",
    "FileRegistry",
    "HttpRegistry",
    "InclusionProof",
    "IndexSource",
    "IndexedDependency",
    "IndexedPackage",
    "InstallResult",
    "KeyEntry",
    "KeyList",
    "Limits",
    "LockChange",
    "LockedPackage",
    "Lockfile",
    "LockfileError",
    "Manifest",
    "ManifestError",
    "OfflineError",
    "Op",
    "PackageError",
    "PackageId",
    "PackageIndex",
    "PackageMetadata",
    "PackageSource",
    "PackageWarning",
    "PathPackage",
    "PrivateKey",
    "ProjectSource",
    "ProofError",
    "PublicKey",
    "Registry",
    "RegistryError",
    "Requirement",
    "RequirementError",
    "Resolution",
    "ResolutionError",
    "RetryPolicy",
    "SearchHit",
    "SearchResults",
    "SignedTreeHead",
    "TreeHead",
    "TrustError",
    "TrustState",
    "UnknownPackageError",
    "Verification",
    "VerifiedArchive",
    "Version",
    "VersionEntry",
    "VersionError",
    "VersionSet",
    "add_dependency",
    "archive_filename",
    "archive_identity",
    "build_archive",
    "canonical_json",
    "check_entry",
    "check_package_name",
    "checksum",
    "consistency_proof",
    "direct_dependencies",
    "establish_trust",
    "extract_archive",
    "file_registry_url",
    "find_project",
    "generate_key",
    "import_name",
    "inclusion_proof",
    "init_file_registry",
    "install",
    "installed_root",
    "key_valid_at",
    "leaf_hash",
    "load_manifest",
    "lock_changes",
    "lock_from_resolution",
    "lock_registry",
    "normalize_registry_url",
    "open_cache",
    "open_config",
    "open_registry",
    "package_files",
    "parse_deps_index",
    "parse_index",
    "parse_lockfile",
    "parse_manifest",
    "parse_verification",
    "path_packages",
    "path_source",
    "read_archive_manifest",
    "read_deps_index",
    "read_lockfile",
    "read_private_key",
    "read_public_key",
    "registry_source",
    "remove_dependency",
    "render_deps_index",
    "render_lockfile",
    "resolve",
    "resolve_project",
    "root_hash",
    "root_requirements",
    "sign_document",
    "sign_statement",
    "verify_archive",
    "verify_checksum",
    "verify_consistency",
    "verify_document",
    "verify_inclusion",
    "verify_statement",
    "write_deps_index",
    "write_lockfile",
    "write_private_key",
    "write_public_key",
]

#: The exported names of each module, loaded from it on first use.
_MODULES: dict[str, str] = {
    "archive": (
        "DEFAULT_LIMITS Archive Limits archive_filename build_archive checksum extract_archive "
        "package_files read_archive_manifest verify_checksum"
    ),
    "cache": "CACHE_ENV Cache CachedDocument open_cache",
    "config": "CONFIG_ENV REGISTRY_ENV TOKEN_ENV Config open_config",
    "deps_index": (
        "DEPS_DIR DEPS_INDEX_FILE DEPS_INDEX_VERSION DepsIndex IndexedDependency IndexedPackage "
        "installed_root parse_deps_index read_deps_index render_deps_index write_deps_index"
    ),
    "errors": (
        "ArchiveError DepsIndexError LockfileError ManifestError PackageError PackageWarning "
        "ProofError TrustError"
    ),
    "installer": "INSTALL_STATE_FILE InstallResult install lock_from_resolution",
    "lockfile": (
        "LOCKFILE_HEADER LOCKFILE_NAME LOCKFILE_VERSION LockedPackage Lockfile PackageId "
        "parse_lockfile path_source read_lockfile registry_source render_lockfile write_lockfile"
    ),
    "manifest": (
        "DEFAULT_EDITION EDITIONS MANIFEST_FILE RESERVED_NAMES Dependency Manifest PackageMetadata "
        "add_dependency check_package_name import_name load_manifest parse_manifest "
        "remove_dependency"
    ),
    "merkle": (
        "ConsistencyProof InclusionProof SignedTreeHead TreeHead consistency_proof inclusion_proof "
        "leaf_hash root_hash verify_consistency verify_inclusion"
    ),
    "project": (
        "LockChange PathPackage ProjectSource direct_dependencies find_project lock_changes "
        "lock_registry path_packages resolve_project root_requirements"
    ),
    "registry": (
        "Document Fetched Registry SearchHit SearchResults file_registry_url "
        "normalize_registry_url open_registry"
    ),
    "registry_file": "ROOT_KEY_FILE FileRegistry archive_identity init_file_registry",
    "registry_http": "HttpRegistry RetryPolicy",
    "registry_index": (
        "IndexSource OfflineError PackageIndex RegistryError UnknownPackageError Verification "
        "VersionEntry parse_index parse_verification"
    ),
    "resolver": "PackageSource Resolution ResolutionError resolve",
    "signing": (
        "KeyEntry KeyList PrivateKey PublicKey canonical_json generate_key key_valid_at "
        "read_private_key read_public_key sign_document sign_statement verify_document "
        "verify_statement write_private_key write_public_key"
    ),
    "verify": "TrustState VerifiedArchive check_entry establish_trust verify_archive",
    "versions": "Comparator Op Requirement RequirementError Version VersionError VersionSet",
}
_EXPORTS = {name: module for module, names in _MODULES.items() for name in names.split()}


def __getattr__(name: str) -> Any:
    """Import the module defining ``name`` on first use (PEP 562)."""
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'aura_pkg' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"aura_pkg.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
