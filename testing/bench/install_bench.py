#!/usr/bin/env python3
"""Installing packages: a no-op install and 200 packages from a warm cache.

    python testing/bench/install_bench.py                  # 200 packages, best of 3
    python testing/bench/install_bench.py --packages 50 --repeat 1
    python testing/bench/install_bench.py --strict         # exit 1 when a goal is missed

A synthetic file registry of ``--packages`` small packages is built in a
temporary directory (each package depends on up to three earlier ones), and a
project depends on all of them.  A first install fills the cache (archives,
index documents, the pinned root key, the tree head, proven log entries).  Then:

- *warm install*: a fresh project with the same lock file installs everything,
  with every check of an install (checksums, signatures, key list, key validity,
  log inclusion, consistency of the tree head, archive dependencies) — only the
  downloads and proofs come from the cache;
- *no-op install*: installing again into that project, which finds it current.
  Timed in process and as a new Python process that imports what the command
  imports, reads ``aura.toml`` and ``aura.lock`` and calls ``install``.

Goals (spec issue 6): warm install of 200 packages under 3 s, no-op install under
0.3 s.  Smaller runs scale the warm-install goal by the package count.
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from aura_pkg.archive import build_archive
from aura_pkg.cache import Cache
from aura_pkg.installer import install, lock_from_resolution
from aura_pkg.lockfile import Lockfile, read_lockfile, write_lockfile
from aura_pkg.manifest import load_manifest
from aura_pkg.registry import Credentials
from aura_pkg.registry.file import FileRegistry, init_file_registry
from aura_pkg.registry.index import IndexSource
from aura_pkg.resolver import resolve
from aura_pkg.signing import generate_key, sign_statement
from aura_pkg.versions import Requirement

WARM_GOAL_SECONDS = 3.0
WARM_GOAL_PACKAGES = 200
NOOP_GOAL_SECONDS = 0.3
DEFAULT_SEED = 2026

_NOOP_PROCESS = """
import sys, time
started = time.perf_counter()
from pathlib import Path
from aura_pkg.cache import open_cache
from aura_pkg.installer import install
from aura_pkg.lockfile import read_lockfile
from aura_pkg.registry import open_registry
project = Path(sys.argv[1])
lock = read_lockfile(project / "aura.lock")
registry = open_registry(sys.argv[2], cache=open_cache(sys.argv[3]))
result = install(project, lock, registry, progress=False)
assert not result.changed, "the no-op install changed something"
print(time.perf_counter() - started)
"""


@dataclass(frozen=True)
class Setup:
    root: Path
    registry: FileRegistry
    cache: Cache
    lock: Lockfile
    seconds: float


def _manifest(name: str, deps: dict[str, str]) -> str:
    lines = ["[package]", f'name = "{name}"', 'version = "1.0.0"', "", "[dependencies]"]
    lines += [f'{d} = "{r}"' for d, r in sorted(deps.items())]
    return "\n".join(lines) + "\n"


def _write(directory: Path, name: str, deps: dict[str, str], *, app: bool = False) -> Path:
    (directory / "src").mkdir(parents=True, exist_ok=True)
    (directory / "aura.toml").write_text(_manifest(name, deps), encoding="utf-8")
    body = "".join(f"# line {i} of {name}\n" for i in range(20))
    (directory / "src" / ("main.aura" if app else "lib.aura")).write_text(body, encoding="utf-8")
    return directory


def build(root: Path, packages: int, seed: int) -> Setup:
    """The registry, a warm cache, and the lock file of a project that needs every package."""
    started = time.perf_counter()
    rng = random.Random(seed)
    init_file_registry(root / "registry")
    cache = Cache(root / "cache")
    registry = FileRegistry.at(root / "registry", cache)
    private, public = generate_key()
    registry.register_key(public, Credentials(owner="bench"))
    names = [f"pkg{i:04d}" for i in range(packages)]
    for i, name in enumerate(names):
        earlier = names[:i]
        deps = {d: "^1" for d in rng.sample(earlier, min(len(earlier), rng.randint(0, 3)))}
        archive = build_archive(_write(root / "sources" / name, name, deps))
        signature = sign_statement(private, name, "1.0.0", archive.checksum, deps)
        registry.publish(archive.data, signature, public.key_id)
    project = _write(root / "warmup", "app", {n: "^1" for n in names}, app=True)
    manifest = load_manifest(project)
    requirements = {d.name: d.requirement or Requirement.any() for d in manifest.dependencies}
    resolution = resolve(IndexSource(registry), "app", manifest.version, requirements)
    lock = lock_from_resolution(resolution, registry)
    write_lockfile(project / "aura.lock", lock)
    install(project, lock, registry, progress=False)  # fills the cache
    return Setup(root, registry, cache, lock, time.perf_counter() - started)


def fresh_project(setup: Setup, name: str) -> Path:
    project = setup.root / name
    shutil.copytree(setup.root / "warmup", project, ignore=shutil.ignore_patterns(".aura"))
    return project


def best_of(fn: Callable[[], float], repeat: int) -> tuple[float, list[float]]:
    runs = [fn() for _ in range(repeat)]
    return min(runs), runs


def timed(fn: Callable[[], object]) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    ap.add_argument("--packages", type=int, default=WARM_GOAL_PACKAGES)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument("--strict", action="store_true", help="exit 1 when a goal is missed")
    args = ap.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="aura-install-bench-") as tmp:
        setup = build(Path(tmp), args.packages, args.seed)
        edges = sum(len(p.dependencies) for p in setup.lock.packages)
        print(
            f"registry:         {args.packages} packages, {edges} dependency edges "
            f"(seed {args.seed}); built and cache warmed in {setup.seconds:.1f} s"
        )
        counter = iter(range(1_000_000))

        def warm() -> float:
            project = fresh_project(setup, f"project{next(counter)}")
            return timed(lambda: install(project, setup.lock, setup.registry, progress=False))

        warm_best, warm_runs = best_of(warm, args.repeat)
        print(
            f"warm install:     {warm_best:8.3f} s   best of {args.repeat} "
            f"({', '.join(f'{t:.3f}' for t in warm_runs)}); {len(setup.lock.packages)} packages"
        )

        project = fresh_project(setup, "noop")
        install(project, setup.lock, setup.registry, progress=False)
        lock_path = project / "aura.lock"

        def noop() -> float:
            return timed(
                lambda: install(project, read_lockfile(lock_path), setup.registry, progress=False)
            )

        noop_best, _ = best_of(noop, max(args.repeat, 3))
        command = [sys.executable, "-c", _NOOP_PROCESS, str(project), setup.registry.url]
        command.append(str(setup.cache.root))

        def process() -> float:
            return timed(lambda: subprocess.run(command, check=True, capture_output=True))

        process_best, _ = best_of(process, max(args.repeat, 3))
        print(
            f"no-op install:    {noop_best:8.3f} s   in process; {process_best:.3f} s as a new "
            "Python process (start-up and imports included)"
        )

    warm_budget = WARM_GOAL_SECONDS * args.packages / WARM_GOAL_PACKAGES
    warm_met = warm_best < warm_budget
    noop_met = process_best < NOOP_GOAL_SECONDS
    print(
        f"goal:             warm install < {warm_budget:.2f} s: "
        f"{'met' if warm_met else 'NOT met'} ({warm_best:.3f} s); no-op install < "
        f"{NOOP_GOAL_SECONDS:.2f} s: {'met' if noop_met else 'NOT met'} ({process_best:.3f} s)"
    )
    return 1 if args.strict and not (warm_met and noop_met) else 0


if __name__ == "__main__":
    sys.exit(main())
