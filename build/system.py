"""The programs from outside PyPI that the tests drive, installed by the test command.

    python3 build/system.py            # install what is missing (needs root or sudo)

The registry server's tests run against PostgreSQL, its web UI is tested in
Chromium, the language server is driven by Neovim, the native backend links
with the system C compiler: all from Debian's packages.  The web UI and the VS
Code extension are TypeScript trees built with their own npm scripts.
``build/ci.py`` calls :func:`ensure_system` before the tests; a package already
installed and an npm tree whose sources have not changed since its last build
cost nothing.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: Debian package -> a program it installs (how a test finds it).  A package
#: counts as present when dpkg says so or when the program is there anyway (a
#: node from another source must not be replaced by Debian's older one).
DEBIAN_PACKAGES = {
    "postgresql": "/usr/lib/postgresql",
    "chromium": "/usr/bin/chromium",
    "neovim": "/usr/bin/nvim",
    "gcc": "cc",
    "nodejs": "node",
    "npm": "npm",
}

#: npm trees, each built by ``npm ci`` then ``npm run build``.
NPM_TREES = ("website", "editors/vscode")

_NPM_STAMP = ".aura-build-stamp"


def ensure_system() -> list[str]:
    """Install missing Debian packages and build the npm trees; return problems."""
    problems: list[str] = []
    missing = [pkg for pkg in DEBIAN_PACKAGES if not _debian_installed(pkg)]
    if missing:
        problems += _apt_install(missing)
    for tree in NPM_TREES:
        problems += _npm_build(ROOT / tree)
    return problems


def _debian_installed(package: str) -> bool:
    program = DEBIAN_PACKAGES[package]
    if Path(program).exists() if os.sep in program else shutil.which(program):
        return True
    if shutil.which("dpkg-query") is None:
        return False
    done = subprocess.run(
        ["dpkg-query", "-W", "-f=${Status}", package],
        capture_output=True,
        text=True,
        check=False,
    )
    return done.returncode == 0 and done.stdout.strip() == "install ok installed"


def _apt_install(packages: list[str]) -> list[str]:
    if shutil.which("apt-get") is None:
        return [f"cannot install {', '.join(packages)}: apt-get not found (not a Debian system)"]
    sudo: list[str] = []
    if os.geteuid() != 0:
        if shutil.which("sudo") is None:
            return [f"cannot install {', '.join(packages)}: needs root (or sudo)"]
        sudo = ["sudo", "-n"]
    _say(f"installing Debian packages: {' '.join(packages)}")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    quiet = ["-qq", "-o", "Dpkg::Use-Pty=0"]
    for argv in (
        [*sudo, "apt-get", *quiet, "update"],
        [*sudo, "apt-get", *quiet, "install", "-y", "--no-install-recommends", *packages],
    ):
        done = subprocess.run(argv, env=env, stdin=subprocess.DEVNULL, check=False)
        if done.returncode != 0:
            return [f"`{' '.join(argv)}` failed with exit status {done.returncode}"]
    return []


def _npm_build(tree: Path) -> list[str]:
    manifest = tree / "package.json"
    if not manifest.is_file():
        return []
    npm = shutil.which("npm")
    if npm is None:
        return [f"cannot build {tree.relative_to(ROOT)}: npm not found (Debian package npm)"]
    wanted = _tree_hash(tree)
    stamp = tree / "node_modules" / _NPM_STAMP
    if stamp.is_file() and stamp.read_text(encoding="utf-8").strip() == wanted:
        return []
    _say(f"building {tree.relative_to(ROOT)} with npm")
    install = ["ci"] if (tree / "package-lock.json").is_file() else ["install"]
    for args in ([*install, "--no-audit", "--no-fund"], ["run", "build"]):
        done = subprocess.run([npm, *args], cwd=tree, stdin=subprocess.DEVNULL, check=False)
        if done.returncode != 0:
            return [f"`npm {' '.join(args)}` in {tree.relative_to(ROOT)} failed"]
    stamp.write_text(wanted + "\n", encoding="utf-8")
    return []


def _tree_hash(tree: Path) -> str:
    """A hash of the tree's sources (everything but dependencies and build output)."""
    h = hashlib.sha256()
    skip = {"node_modules", "dist", "out"}
    for path in sorted(tree.rglob("*")):
        rel = path.relative_to(tree)
        if path.is_file() and not (set(rel.parts) & skip):
            h.update(str(rel).encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def main() -> int:
    problems = ensure_system()
    for problem in problems:
        print(f"error: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
