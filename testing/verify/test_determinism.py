"""The same file gets the same report on an idle machine and under heavy load:
verdicts are decided by resource budgets, not by the wall clock
(aura_verify/budgets.py).  The program has obligations that need real solver
work: one uses up a budget of two million resource units (about a second of
solver time on an idle core), one needs a recursive contract with a shift,
and one fails with a counterexample."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

PROGRAM = """\
cell fib(n: i64) -> i64:
    requires 0 <= n and n <= 62
    ensures 0 <= result and result <= 1 << n
    decreases n
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)

# verify: rlimit = 2_000_000
cell cubes(x: Int, y: Int, z: Int):
    requires x > 0 and y > 0 and z > 0
    assert x * x * x + y * y * y != z * z * z

cell midpoint(lo: i64, hi: i64) -> i64:
    requires lo <= hi
    return (lo + hi) / 2
"""

#: Burns a core until killed.
BURN = "while True: pass"


def _report(path: Path, env: dict[str, str]) -> dict[str, Any]:
    aura = Path(sys.executable).with_name("aura")
    done = subprocess.run(
        [str(aura), "verify", "--format", "json", "--no-cache", str(path)],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    report: dict[str, Any] = json.loads(done.stdout)
    for f in report["files"]:
        for c in f["cells"]:
            del c["time_ms"]
    return report


def test_heavy_load_changes_nothing_but_times(tmp_path: Path) -> None:
    path = tmp_path / "work.aura"
    path.write_text(PROGRAM, encoding="utf-8")
    env = {**os.environ, "AURA_CACHE_DIR": str(tmp_path / "cache")}
    idle = _report(path, env)
    statuses = {c["name"]: c["status"] for f in idle["files"] for c in f["cells"]}
    assert statuses == {"fib": "verified", "cubes": "timeout", "midpoint": "failed"}
    burners = [subprocess.Popen([sys.executable, "-c", BURN]) for _ in range(2)]
    try:
        loaded = _report(path, env)
    finally:
        for b in burners:
            b.kill()
        for b in burners:
            b.wait()
    assert loaded == idle
