"""Benchmark: parse plus type-check a 10,000-line program; re-check after an edit.

Goals (issue "semantic analysis"): parse and check 10,000 lines in under 1.5 s;
re-check a 1,000-line file after editing one cell in under 50 ms.  The input is
the parser benchmark's generated program (``parse_bench.generate_aura``).  The
peer is CPython compiling the equivalent Python program to bytecode
(``compile``), the closest thing Python does to "parse and check".

    python testing/bench/check_bench.py [--lines N] [--repeat R]
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from parse_bench import DEFAULT_SEED, best_of, generate_aura, generate_python

from aura_core.check import CheckResult, check_modules
from aura_core.modules import ParsedModule
from aura_core.source import SourceFile
from aura_parse import parse_module
from aura_parse.parser import ParseResult

GOAL_LINES = 10_000
GOAL_SECONDS = 1.5
EDIT_LINES = 1_000
EDIT_GOAL_SECONDS = 0.050


def parse_and_check(
    name: str, text: str, previous: tuple[ParseResult, CheckResult] | None = None
) -> tuple[ParseResult, CheckResult]:
    """Parse and check ``text`` as one module, reusing ``previous`` results if given."""
    source = SourceFile(f"{name}.aura", text)
    parsed = parse_module(source, previous[0] if previous else None)
    module = ParsedModule((name,), name, source, parsed.module)
    return parsed, check_modules([module], previous[1] if previous else None)


def errors(result: tuple[ParseResult, CheckResult]) -> int:
    return sum(1 for d in (*result[0].diagnostics, *result[1].diagnostics) if d.is_error)


def edited(text: str) -> str:
    """``text`` with one statement added to the body of its middle cell."""
    lines = text.split("\n")
    starts = [i for i, line in enumerate(lines) if line.startswith("cell ")]
    at = starts[len(starts) // 2] + 1
    while lines[at].strip().startswith(("requires", "ensures", "decreases", "##")):
        at += 1
    indent = lines[at][: len(lines[at]) - len(lines[at].lstrip())]
    return "\n".join([*lines[:at], f"{indent}val edit_marker = 1", *lines[at:]])


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    ap.add_argument("--lines", type=int, default=GOAL_LINES)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args(argv)

    text = generate_aura(args.lines, DEFAULT_SEED)
    py_text = generate_python(args.lines, DEFAULT_SEED)
    found = errors(parse_and_check("bench", text))  # also warms the parser's tables
    full = best_of(lambda: parse_and_check("bench", text), args.repeat)
    peer = best_of(lambda: compile(py_text, "bench_peer.py", "exec"), args.repeat)

    small = generate_aura(min(EDIT_LINES, args.lines), DEFAULT_SEED)
    before = parse_and_check("edit", small)
    changed = edited(small)
    recheck = best_of(lambda: parse_and_check("edit", changed, before), args.repeat)
    from_scratch = best_of(lambda: parse_and_check("edit", changed), args.repeat)

    budget = GOAL_SECONDS * args.lines / GOAL_LINES
    print(f"input:            {args.lines} lines ({found} errors reported by the checker)")
    print(f"parse + check:    {full.best:8.3f} s   best of {args.repeat}")
    print(f"throughput:       {args.lines / full.best:8.0f} lines/s")
    print(f"peer compile():   {peer.best:8.3f} s   (CPython, same program in Python)")
    print(f"ratio:            {full.best / peer.best:8.1f} x")
    print(f"goal:             < {budget:.2f} s: {'met' if full.best < budget else 'NOT met'}")
    print(
        f"re-check after one edit of {EDIT_LINES} lines: {recheck.best * 1000:.1f} ms "
        f"reusing the previous results (goal < {EDIT_GOAL_SECONDS * 1000:.0f} ms: "
        f"{'met' if recheck.best < EDIT_GOAL_SECONDS else 'NOT met'}); "
        f"{from_scratch.best * 1000:.1f} ms from scratch"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
