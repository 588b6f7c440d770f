"""Benchmark: how long ``aura run hello.aura`` takes as a whole process.

Three kinds of process, each run N times, the median reported:

- cold: the run cache is empty, so the program is loaded, checked and compiled
  (the parser's tables are cached, as after any first use of ``aura``);
- warm: the program comes from the run cache;
- the peer: ``python -c "print('hello')"`` with the same interpreter, the least
  any Python program pays to start.

Wall time is what the goal is about, but on a loaded machine it mostly measures
the load, so the CPU time of each process (user + system) is shown too.  With
``--imports``, the import time of a warm run is broken down by module
(``python -X importtime``).

An installed toolchain has its modules compiled to bytecode (pip does that), but
a development tree may have none (``PYTHONDONTWRITEBYTECODE``), and compiling
every module in every process would be measured instead.  So the processes keep
their bytecode under a private ``PYTHONPYCACHEPREFIX`` (the tree is not
written); ``--inherit-env`` runs them with this process's environment instead.

Goal (issue "the interpreter"): a warm ``aura run`` of hello-world in under 0.3 s.

    python testing/bench/startup_bench.py [--runs N] [--imports]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

GOAL_SECONDS = 0.3
HELLO = 'cell main():\n    println("hello, world")\n'
EXPECTED = "hello, world\n"


@dataclass(frozen=True)
class Sample:
    wall: float
    cpu: float | None


def aura_command() -> list[str]:
    """The installed ``aura`` script (run by this interpreter), as a user runs it."""
    script = Path(sys.executable).with_name("aura")
    if not script.exists():
        raise SystemExit(f"no `aura` command next to {sys.executable}")
    return [sys.executable, str(script)]


def _children_cpu() -> float | None:
    try:
        import resource
    except ImportError:  # not on this platform
        return None
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def measure(command: list[str], env: dict[str, str], cwd: Path, expected: str) -> Sample:
    """One process: its wall time and CPU time; its output must be ``expected``."""
    cpu0 = _children_cpu()
    t0 = time.perf_counter()
    proc = subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - t0
    cpu1 = _children_cpu()
    if proc.returncode != 0 or proc.stdout != expected:
        raise SystemExit(f"{command} failed ({proc.returncode}): {proc.stdout}{proc.stderr}")
    cpu = None if cpu0 is None or cpu1 is None else cpu1 - cpu0
    return Sample(wall, cpu)


def series(runs: int, before: Callable[[], None], one: Callable[[], Sample]) -> list[Sample]:
    out = []
    for _ in range(runs):
        before()
        out.append(one())
    return out


def median(samples: list[Sample], cpu: bool = False) -> float | None:
    values = [s.cpu if cpu else s.wall for s in samples]
    if any(v is None for v in values):
        return None
    return statistics.median(v for v in values if v is not None)


def import_breakdown(command: list[str], env: dict[str, str], cwd: Path, top: int) -> list[str]:
    """The slowest modules a warm run imports directly, by cumulative import time."""
    proc = subprocess.run(
        [command[0], "-X", "importtime", *command[1:]],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )
    rows: list[tuple[int, str]] = []
    total = 0
    for line in proc.stderr.splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        _, cumulative, name = line.split("|")
        # Nested imports are indented below the one that caused them.
        if cumulative.strip().isdigit() and not name.removeprefix(" ").startswith(" "):
            micros = int(cumulative)
            total += micros
            rows.append((micros, name.strip()))
    rows.sort(reverse=True)
    lines = [f"  {us / 1000:8.1f} ms  {name}" for us, name in rows[:top]]
    return [*lines, f"  {total / 1000:8.1f} ms  all imports"]


def tool_env(work: Path, inherit: bool = False) -> dict[str, str]:
    """The environment of measured ``aura`` processes: a private cache and, unless
    ``inherit``, a private bytecode cache (as an installed toolchain has)."""
    env = {**os.environ, "AURA_CACHE_DIR": str(work / "cache")}
    if not inherit:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(work / "bytecode")
    return env


@dataclass(frozen=True)
class Startup:
    cold: list[Sample]
    warm: list[Sample]
    peer: list[Sample]
    breakdown: list[str]


def measure_startup(runs: int, *, inherit_env: bool = False, imports: bool = False) -> Startup:
    """Cold, warm and peer processes, ``runs`` of each (and the import breakdown)."""
    aura = aura_command()
    with tempfile.TemporaryDirectory() as d:
        work = Path(d)
        (work / "hello.aura").write_text(HELLO, encoding="utf-8")
        env = tool_env(work, inherit_env)
        run = [*aura, "run", "hello.aura"]

        def empty_run_cache() -> None:
            shutil.rmtree(work / "cache" / "run", ignore_errors=True)

        def nothing() -> None:
            pass

        def one_run() -> Sample:
            return measure(run, env, work, EXPECTED)

        measure(run, env, work, EXPECTED)  # the parser's tables, bytecode, the engine's place
        cold = series(runs, empty_run_cache, one_run)
        warm = series(runs, nothing, one_run)
        peer_command = [sys.executable, "-c", "print('hello, world')"]
        peer = series(runs, nothing, lambda: measure(peer_command, env, work, EXPECTED))
        breakdown = import_breakdown(run, env, work, 12) if imports else []
    return Startup(cold, warm, peer, breakdown)


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    ap.add_argument("--runs", type=int, default=21, help="processes of each kind")
    ap.add_argument("--imports", action="store_true", help="break down a warm run's imports")
    ap.add_argument(
        "--inherit-env", action="store_true", help="do not give the processes a bytecode cache"
    )
    args = ap.parse_args(argv)
    result = measure_startup(args.runs, inherit_env=args.inherit_env, imports=args.imports)
    cold, warm, peer, breakdown = result.cold, result.warm, result.peer, result.breakdown

    print(f"`aura run hello.aura`, median of {args.runs} processes each")
    print(f"{'':<34} {'wall s':>8} {'cpu s':>8}")
    for name, samples in (
        ("cold (empty run cache)", cold),
        ("warm (from the run cache)", warm),
        ("peer: python -c \"print('hello')\"", peer),
    ):
        wall, cpu = median(samples), median(samples, cpu=True)
        cpu_text = "n/a" if cpu is None else f"{cpu:8.3f}"
        print(f"{name:<34} {wall:8.3f} {cpu_text:>8}")
    warm_wall, peer_wall = median(warm), median(peer)
    assert warm_wall is not None and peer_wall is not None
    print(f"warm / peer: {warm_wall / peer_wall:.1f}x wall", end="")
    warm_cpu, peer_cpu = median(warm, cpu=True), median(peer, cpu=True)
    if warm_cpu is not None and peer_cpu:
        print(f", {warm_cpu / peer_cpu:.1f}x cpu", end="")
    print()
    verdict = "met" if warm_wall < GOAL_SECONDS else "NOT met"
    print(f"goal: warm start-up under {GOAL_SECONDS} s wall: {verdict}")
    if breakdown:
        print("imports of a warm run (cumulative, slowest first):")
        print("\n".join(breakdown))
    return 0


if __name__ == "__main__":
    sys.exit(main())
