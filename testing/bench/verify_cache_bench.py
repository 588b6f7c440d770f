"""Benchmark: the proof cache of `aura verify`, as separate processes.

On the generated program of ``testing/verify/bench_verify.py`` (about 1,000
lines): a cold run (empty cache), a warm run (nothing changed: every result
from the cache; goal under 0.5 s), and a run after editing one cell's body
(goal under 1 s: only that cell is proven again).  Prints each time and how
many cells were proven rather than read from the cache.

    python testing/bench/verify_cache_bench.py [--lines N] [--jobs J]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1] / "verify"))
from bench_verify import generate
from startup_bench import aura_command, tool_env

GOAL_WARM = 0.5
GOAL_EDIT = 1.0
#: The edit: one statement of the body of ``count0`` (no other cell calls it).
BEFORE = "            c += 1\n"
AFTER = "            c = c + 1\n"


def run_verify(path: Path, env: dict[str, str], jobs: int) -> tuple[float, int, int]:
    """Wall time, cells proven (not cached), and cells in all."""
    cmd = [*aura_command(), "verify", str(path), "--format", "json", "--jobs", str(jobs)]
    start = time.perf_counter()
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"aura verify failed ({done.returncode}):\n{done.stderr}")
    cells = [c for f in json.loads(done.stdout)["files"] for c in f["cells"]]
    return elapsed, sum(not c["cached"] for c in cells), len(cells)


def run(lines: int, jobs: int) -> dict[str, tuple[float, int, int]]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.aura"
        text = generate(lines)
        assert text.count(BEFORE) >= 1
        path.write_text(text, encoding="utf-8")
        env = tool_env(Path(tmp))
        out = {"cold": run_verify(path, env, jobs), "warm": run_verify(path, env, jobs)}
        path.write_text(text.replace(BEFORE, AFTER, 1), encoding="utf-8")
        out["edit"] = run_verify(path, env, jobs)
        return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lines", type=int, default=1_000)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args(argv)
    figures = run(args.lines, args.jobs)
    goals = {"cold": None, "warm": GOAL_WARM, "edit": GOAL_EDIT}
    ok = True
    for name, (seconds, proven, cells) in figures.items():
        goal = goals[name]
        print(
            f"{name:>4}: {seconds:.2f} s, {proven} of {cells} cells proven"
            + ("" if goal is None else f" (goal {goal} s)")
        )
        ok = ok and (goal is None or seconds < goal)
    ok = ok and figures["warm"][1] == 0 and figures["edit"][1] == 1
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
