"""Benchmark: `aura verify` on a generated program of realistic verified cells.

Goal (issue 5): a 1,000-line verified program in the cookbook style verifies
cold in under 15 s with ``--jobs 2``; spec section 11's ``binary_search`` in
under 2 s.  The program repeats the cells of :data:`TEMPLATES` (searching,
scanning, filling, swapping, recursion and its loop form) with fresh names
until it has the requested number of lines.

    python testing/verify/bench_verify.py [--lines N] [--jobs J]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from aura_verify import Options, verify_paths

GOAL_LINES = 1_000
GOAL_SECONDS = 15.0

#: Cells with `{n}` in their names; each instance is renamed by a counter.
TEMPLATES = [
    """\
pub cell search{n}(a: Vec<i64>, key: i64) -> i64:
    requires forall(i in 0..a.len(), j in 0..a.len()): i < j ==> a[i] <= a[j]
    ensures result >= 0 ==> result < a.len() and a[result] == key
    ensures result < 0 ==> forall(i in 0..a.len()): a[i] != key
    val mut lo: i64 = 0
    val mut hi: i64 = a.len()
    while lo < hi:
        invariant 0 <= lo and lo <= hi and hi <= a.len()
        invariant forall(i in 0..lo): a[i] != key
        invariant forall(i in hi..a.len()): a[i] != key
        decreases hi - lo
        val mid = lo + (hi - lo) / 2
        if a[mid] < key:
            lo = mid + 1
        elif a[mid] > key:
            hi = mid
        else:
            return mid
    return -1
""",
    """\
cell maximum{n}(v: Vec<i64>) -> i64:
    requires v.len() > 0
    ensures forall(i in 0..v.len()): v[i] <= result
    ensures exists(i in 0..v.len()): v[i] == result
    val mut best = v[0]
    for i in 1..v.len():
        invariant forall(j in 0..i): v[j] <= best
        invariant exists(j in 0..i): v[j] == best
        if v[i] > best:
            best = v[i]
    return best
""",
    """\
cell count{n}(v: Vec<i64>, x: i64) -> i64:
    ensures 0 <= result and result <= v.len()
    val mut c: i64 = 0
    for i in 0..v.len():
        invariant 0 <= c and c <= i
        if v[i] == x:
            c += 1
    return c
""",
    """\
cell fill{n}(mut v: Vec<i64>, x: i64):
    ensures v.len() == old(v.len())
    ensures forall(i in 0..v.len()): v[i] == x
    for i in 0..v.len():
        invariant v.len() == old(v.len())
        invariant forall(j in 0..i): v[j] == x
        v[i] = x
""",
    """\
cell swap{n}(mut v: Vec<i64>, i: i64, j: i64):
    requires 0 <= i and i < v.len() and 0 <= j and j < v.len()
    ensures v.len() == old(v.len())
    ensures v[i] == old(v[j]) and v[j] == old(v[i])
    val t = v[i]
    v[i] = v[j]
    v[j] = t
""",
    """\
pure cell gcd{n}(a: i64, b: i64) -> i64:
    requires a >= 0 and b >= 0
    ensures result >= 0
    decreases b
    if b == 0:
        return a
    return gcd{n}(b, a % b)

cell gcd_loop{n}(a: i64, b: i64) -> i64:
    requires a >= 0 and b >= 0
    ensures result == gcd{n}(a, b)
    val mut x = a
    val mut y = b
    while y != 0:
        invariant x >= 0 and y >= 0
        invariant gcd{n}(x, y) == gcd{n}(a, b)
        decreases y
        val r = x % y
        x = y
        y = r
    return x
""",
    """\
type Account{n} = record {{ owner: String, balance: i64 }}

cell deposit{n}(mut a: Account{n}, amount: i64) -> Result<i64, String>:
    requires 0 <= a.balance
    ensures a.balance >= old(a.balance)
    if amount <= 0:
        return Err("amount must be positive")
    match a.balance.checked_add(amount):
        Some(b):
            a.balance = b
            return Ok(b)
        None:
            return Err("balance too large")
""",
]


def generate(lines: int) -> str:
    parts: list[str] = []
    count = 0
    n = 0
    while count < lines:
        for t in TEMPLATES:
            text = t.format(n=n)
            parts.append(text)
            count += text.count("\n") + 1
        n += 1
    return "\n".join(parts)


def run(lines: int, jobs: int) -> tuple[float, int, dict[str, int]]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.aura"
        path.write_text(generate(lines), encoding="utf-8")
        start = time.perf_counter()
        files, compiled, _ = verify_paths([str(path)], Options(timeout=10.0, jobs=jobs))
        elapsed = time.perf_counter() - start
        assert compiled
        counts: dict[str, int] = {}
        for f in files:
            for c in f.cells:
                counts[c.status] = counts.get(c.status, 0) + 1
        return elapsed, len(path.read_text(encoding="utf-8").splitlines()), counts


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lines", type=int, default=GOAL_LINES)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args(argv)
    elapsed, lines, counts = run(args.lines, args.jobs)
    print(f"{lines} lines, --jobs {args.jobs}: {elapsed:.2f} s (goal {GOAL_SECONDS} s) {counts}")
    return 0 if elapsed < GOAL_SECONDS and set(counts) == {"verified"} else 1


if __name__ == "__main__":
    sys.exit(main())
