"""Finding the programs from outside PyPI that some tests drive.

``build/system.py`` installs them before the tests run in CI.  When one is
missing, :func:`require` fails the test under CI (``CI`` set) — there a missing
tool is a broken set-up, never a reason to skip — and elsewhere skips it with the
command that installs it.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

_INSTALL_HINT = "run `python3 build/system.py` (installs Debian's {package})"


def require(program: str, *, package: str) -> Path:
    """The path of ``program`` (a name on PATH or an absolute path), or fail/skip."""
    found = shutil.which(program) if os.sep not in program else program
    if found and Path(found).exists():
        return Path(found)
    reason = f"{program} not found; " + _INSTALL_HINT.format(package=package)
    if os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(reason)


def postgres_bindir() -> Path:
    """The directory holding ``initdb`` and ``pg_ctl`` (Debian keeps them off PATH)."""
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)
    for bindir in candidates:
        if (bindir / "initdb").exists() and (bindir / "pg_ctl").exists():
            return bindir
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).parent
    return require("initdb", package="postgresql").parent
