"""Benchmark: how long `aura verify` takes to stop after Ctrl-C while Z3 works.

A program whose second cell asks the solver for minutes (Fermat's last theorem
for cubes, under a budget of four billion units); once the first cell's
result is in the proof cache (stored as soon as it is proven) the solver is
at work on the second, and a SIGINT is sent.  Measured: the time from the
signal to the process's exit (goal under 0.5 s), for several runs; the exit
status must be 130 and the cache must hold nothing of the interrupted cell.

    python testing/bench/verify_interrupt_bench.py [--runs N]
"""

from __future__ import annotations

import argparse
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from startup_bench import aura_command, tool_env

GOAL = 0.5

PROGRAM = """\
cell first(a: i64) -> i64:
    requires 0 <= a and a < 100
    return a + 1

# verify: rlimit = 4_000_000_000
cell cubes(x: Int, y: Int, z: Int):
    requires x > 0 and y > 0 and z > 0
    assert x * x * x + y * y * y != z * z * z
"""


def interrupt_once(work: Path, settle: float = 0.5) -> tuple[float, int, int]:
    """Seconds from SIGINT to exit, the exit status, and the proof-cache entries left."""
    path = work / "cubes.aura"
    path.write_text(PROGRAM, encoding="utf-8")
    env = tool_env(work)
    proofs = work / "cache" / "verify" / "proofs"
    proc = subprocess.Popen(
        [*aura_command(), "verify", str(path)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        while proc.poll() is None and not any(proofs.rglob("*.json")):
            time.sleep(0.02)
        time.sleep(settle)
        sent = time.perf_counter()
        proc.send_signal(signal.SIGINT)
        status = proc.wait(timeout=60)
        took = time.perf_counter() - sent
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return took, status, len(list(proofs.rglob("*.json")))


def run(runs: int) -> list[tuple[float, int, int]]:
    out = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            out.append(interrupt_once(Path(tmp)))
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    figures = run(args.runs)
    times = [t for t, _, _ in figures]
    print(
        f"stop after SIGINT: median {statistics.median(times):.3f} s, "
        f"max {max(times):.3f} s over {len(times)} runs (goal {GOAL} s)"
    )
    ok = all(status == 130 and entries == 1 for _, status, entries in figures)
    return 0 if ok and max(times) < GOAL else 1


if __name__ == "__main__":
    sys.exit(main())
