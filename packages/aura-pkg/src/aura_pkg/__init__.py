"""The Aura package manager (``aura pkg``) and registry, following packages.md.

This is the package's small face: what a tool embedding the package manager
needs to read a manifest, resolve, lock, install and talk to a registry.
Everything else lives in the module that owns it (ARCHITECTURE.md gives the
map) and is imported from there, e.g. ``aura_pkg.registry`` for the registry
interface, ``aura_pkg.signing`` for keys.  Names are loaded on first use, so
that ``import aura_pkg`` (which every ``aura pkg`` command does) stays cheap:
the resolver, the installer and httpx are imported only by what needs them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from aura_pkg.archive import build_archive, extract_archive
    from aura_pkg.errors import PackageError
    from aura_pkg.installer import install
    from aura_pkg.lockfile import Lockfile, read_lockfile, write_lockfile
    from aura_pkg.manifest import Manifest, load_manifest
    from aura_pkg.registry import Registry, open_registry
    from aura_pkg.resolver import Resolution, ResolutionError, resolve
    from aura_pkg.verify import verify_archive
    from aura_pkg.versions import Requirement, Version, VersionSet

__all__ = [
    "Lockfile",
    "Manifest",
    "PackageError",
    "Registry",
    "Requirement",
    "Resolution",
    "ResolutionError",
    "Version",
    "VersionSet",
    "build_archive",
    "extract_archive",
    "install",
    "load_manifest",
    "open_registry",
    "read_lockfile",
    "resolve",
    "verify_archive",
    "write_lockfile",
]

#: module -> the names of ``__all__`` it defines.
_MODULES = {
    "archive": "build_archive extract_archive",
    "errors": "PackageError",
    "installer": "install",
    "lockfile": "Lockfile read_lockfile write_lockfile",
    "manifest": "Manifest load_manifest",
    "registry": "Registry open_registry",
    "resolver": "Resolution ResolutionError resolve",
    "verify": "verify_archive",
    "versions": "Requirement Version VersionSet",
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
