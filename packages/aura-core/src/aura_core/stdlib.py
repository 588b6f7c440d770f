"""Where the standard library's Aura sources are, and which file holds a ``std`` module.

The modules of ``std`` are written in Aura and live in the repository at
``sdk/std/``.  An installed toolchain has no repository, so the aura-core wheel
carries a copy at ``aura_core/std/`` (a build hook, ``hatch_build.py``, puts it
there; the sdist holds it at ``src/aura_core/std/`` so that a wheel built from the
sdist has it too).  In an editable install the package directory is the
repository's ``src/aura_core``, which has no ``std`` of its own, and the sources
are found in ``sdk/std/`` relative to this file instead: edits to the standard
library then take effect without a reinstall.

Module paths map to files the way a package's do (spec section 3.3):
``std::net::http`` is ``net/http.aura`` below the root, and ``std`` itself would
be ``lib.aura``.
"""

from __future__ import annotations

from pathlib import Path

from aura_core.modules import STD, ModulePath

__all__ = ["std_module_path", "std_root"]

#: File of a package's root module (``src/lib.aura`` is the package itself).
_ROOT_MODULE = "lib"


def std_root() -> Path:
    """The directory holding the standard library's ``.aura`` files.

    The copy inside the installed package wins; without one (an editable
    install) the repository's ``sdk/std/``.  When neither exists, the path inside
    the package is returned anyway: a loader that looks for a module there
    reports the file it tried, which says more than an exception would.
    """
    package_dir = Path(__file__).resolve().parent
    packaged = package_dir / "std"
    if packaged.is_dir():
        return packaged
    # src/aura_core -> src -> aura-core -> packages -> the repository.
    parents = package_dir.parents
    if len(parents) > 3:
        repository = parents[3] / "sdk" / "std"
        if repository.is_dir():
            return repository
    return packaged


def std_module_path(root: Path, module_path: ModulePath) -> Path:
    """The file of a ``std`` module below ``root``: ``("std", "io")`` is ``root/io.aura``.

    ``("std",)`` is ``root/lib.aura``.  Raises :class:`ValueError` for a path
    outside ``std`` and for ``("std", "lib")``, which would name the file of
    ``std`` itself under a second name.
    """
    if not module_path or module_path[0] != STD:
        raise ValueError(f"not a module of the standard library: {'::'.join(module_path)}")
    rest = module_path[1:]
    if not rest:
        return root / f"{_ROOT_MODULE}.aura"
    if rest == (_ROOT_MODULE,):
        raise ValueError(f"`{STD}::{_ROOT_MODULE}` is not a module: `{STD}` itself is lib.aura")
    return root.joinpath(*rest[:-1], f"{rest[-1]}.aura")
