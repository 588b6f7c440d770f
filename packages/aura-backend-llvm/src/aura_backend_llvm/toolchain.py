"""The system C toolchain: compiling the runtime once, linking executables.

The runtime (``runtime/*.c``) is compiled with the system C compiler into a
private per-user cache directory, keyed by the hash of the runtime's sources and
the compiler's identity; the objects are built in a temporary directory that is
renamed into place whole, so concurrent builds never see a half-written one.
A missing compiler is reported with the Debian package that provides one.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
import unicodedata
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from aura_backend_llvm.casetable import case_header
from aura_core.build_cache import private_dir

__all__ = ["RUNTIME_FILES", "Toolchain", "ToolchainError", "cache_dir", "find_toolchain"]

RUNTIME_SOURCES = ("rt_panic.c", "rt_text.c", "rt_collections.c", "rt_io.c")
RUNTIME_FILES = (*RUNTIME_SOURCES, "aura_rt.h", "aura_rt_internal.h")
_CFLAGS = ("-O2", "-std=c11", "-fPIC", "-w")
_LIBS = ("-lm", "-lpthread")
_INSTALL_HINT = (
    "install a C compiler and linker: on Debian or Ubuntu, "
    "`apt-get install gcc` (or `build-essential`)"
)


class ToolchainError(Exception):
    """The C compiler is missing or failed; the message says what to do."""


@dataclass(frozen=True, slots=True)
class Toolchain:
    """A C compiler driver (which also links) and its identity."""

    cc: str
    identity: str

    def runtime_objects(self) -> list[Path]:
        """The compiled runtime, from the cache or compiled now."""
        sources = {name: _runtime_text(name) for name in RUNTIME_FILES}
        digest = hashlib.sha256()
        for name, text in sorted(sources.items()):
            digest.update(name.encode() + b"\0" + text + b"\0")
        # The case tables are generated from this Unicode database (only when compiling).
        digest.update(f"unicode {unicodedata.unidata_version}\0".encode())
        digest.update(self.identity.encode())
        folder = cache_dir()
        target = folder / f"runtime-{digest.hexdigest()[:24]}"
        objects = [target / f"{Path(name).stem}.o" for name in RUNTIME_SOURCES]
        if target.is_dir():
            return objects
        with tempfile.TemporaryDirectory(prefix=".runtime-", dir=folder) as tmp:
            work = Path(tmp)
            sources["aura_case.h"] = case_header().encode()
            for name, text in sources.items():
                (work / name).write_bytes(text)
            built = work / "objects"
            built.mkdir()
            for name in RUNTIME_SOURCES:
                out = built / f"{Path(name).stem}.o"
                self._run([self.cc, *_CFLAGS, "-c", str(work / name), "-o", str(out)])
            try:
                built.rename(target)  # atomic: a complete directory or none
            except OSError:
                if not target.is_dir():
                    raise
        return objects

    def link(self, objects: list[Path], output: Path) -> None:
        """Link ``objects`` and the runtime into the executable ``output`` (atomically)."""
        runtime = self.runtime_objects()
        output = output.resolve()
        fd, partial = tempfile.mkstemp(dir=output.parent, prefix=f".{output.name}-")
        os.close(fd)
        try:
            self._run([self.cc, *map(str, [*objects, *runtime]), "-o", partial, *_LIBS])
            os.chmod(partial, 0o755)
            os.replace(partial, output)
        finally:
            if os.path.exists(partial):
                os.unlink(partial)

    def _run(self, argv: list[str]) -> None:
        try:
            proc = subprocess.run(argv, capture_output=True, text=True, check=False)
        except OSError as e:
            raise ToolchainError(
                f"cannot run the C compiler `{self.cc}`: {e}; {_INSTALL_HINT}"
            ) from None
        if proc.returncode != 0:
            detail = (proc.stderr or proc.stdout).strip()
            if "cannot find" in detail or "not found" in detail:
                detail += f"\n{_INSTALL_HINT}"
            raise ToolchainError(f"`{self.cc}` failed:\n{detail}")


def find_toolchain() -> Toolchain:
    """The C compiler named by ``CC``, else ``cc``, ``gcc`` or ``clang`` on the ``PATH``."""
    wanted = os.environ.get("CC")
    candidates = [wanted] if wanted else ["cc", "gcc", "clang"]
    for name in candidates:
        path = shutil.which(name)
        if path is None:
            continue
        try:
            proc = subprocess.run([path, "--version"], capture_output=True, text=True, check=False)
        except OSError:
            continue
        first = proc.stdout.splitlines()[0] if proc.stdout else name
        return Toolchain(path, f"{path}|{first}")
    shown = f"`{wanted}` (from CC)" if wanted else "`cc`, `gcc` or `clang`"
    raise ToolchainError(f"no C compiler found: looked for {shown}; {_INSTALL_HINT}")


def _runtime_text(name: str) -> bytes:
    return (resources.files("aura_backend_llvm") / "runtime" / name).read_bytes()


def cache_dir() -> Path:
    """A directory only this user can write (the runtime object is linked into programs).

    The private cache's ``native/`` when there is one; else a fresh directory for
    this process alone, so nothing another user could have written is linked in.
    """
    return private_dir("native") or Path(tempfile.mkdtemp(prefix="aura-native-"))
