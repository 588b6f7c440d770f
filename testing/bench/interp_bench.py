"""Benchmark: the interpreter against CPython on the same programs.

Each program of ``interp/`` exists twice, in Aura (``NAME.aura``) and in plain
Python (``NAME.py``, a ``main(arg)`` function), written the same way.  Both run
in this process on the same input; the time of the Aura program is that of
``run_main`` (compiling its cells and running ``main``; loading and checking
are not counted), the peer's that of its ``main``.  Outputs must agree.

Goals (issue "the interpreter"): the median ratio Aura / CPython at most 3.0, no
program above 6.0, and ``aura run`` of hello-world starting in under 0.3 s.

    python testing/bench/interp_bench.py [--tiny] [--repeat R] [--only NAME ...]
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import io
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from startup_bench import measure_startup, median

from aura_interpret.externs import Host
from aura_interpret.session import CheckedProgram, load_checked, run_main

HERE = Path(__file__).resolve().parent
PROGRAMS = HERE / "interp"
GOAL_MEDIAN = 3.0
GOAL_MAX = 6.0
GOAL_STARTUP = 0.3
WORDS = [
    "the",
    "of",
    "and",
    "a",
    "to",
    "in",
    "is",
    "you",
    "that",
    "it",
    "he",
    "was",
    "for",
    "on",
    "are",
    "as",
    "with",
    "his",
    "they",
    "at",
    "be",
    "this",
    "have",
    "from",
    "or",
    "one",
    "had",
    "by",
    "word",
    "but",
    "not",
    "what",
    "all",
    "were",
    "we",
    "when",
    "your",
    "can",
    "said",
    "there",
    "use",
    "an",
    "each",
    "which",
    "she",
    "do",
    "how",
    "their",
]


@dataclass(frozen=True)
class Case:
    name: str
    full: str
    tiny: str


CASES = [
    Case("fib", "27", "12"),
    Case("sieve", "2000000", "1000"),
    Case("nbody", "200000", "100"),
    Case("binary_trees", "16", "6"),
    Case("strings", "1000000", "5000"),
    Case("words", "1000000", "5000"),
]


def words_file(directory: Path, size: int) -> Path:
    """``size`` bytes (about) of words separated by spaces and line breaks."""
    rng = random.Random(7)
    lines: list[str] = []
    total = 0
    while total < size:
        line = " ".join(rng.choice(WORDS) + rng.choice(["", "", "s", "ed"]) for _ in range(12))
        lines.append(line)
        total += len(line) + 1
    path = directory / "words.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def best(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def run_aura(checked: CheckedProgram, arg: str) -> str:
    out = io.StringIO()
    result = run_main(checked, Host(stdout=out, args=[arg]))
    if result.status != 0:
        detail = result.panic.render() if result.panic else repr(result.error)
        raise RuntimeError(f"the Aura program failed: {detail}")
    return out.getvalue()


def run_python(name: str, arg: str) -> str:
    spec = importlib.util.spec_from_file_location(f"peer_{name}", PROGRAMS / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    out = io.StringIO()
    value: object = arg if name == "words" else int(arg)
    with contextlib.redirect_stdout(out):
        module.main(value)
    return out.getvalue()


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    ap.add_argument("--tiny", action="store_true", help="small inputs (a smoke test)")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--only", nargs="*", default=None)
    args = ap.parse_args(argv)
    rows: list[tuple[str, float, float]] = []
    with tempfile.TemporaryDirectory() as d:
        for case in CASES:
            if args.only and case.name not in args.only:
                continue
            arg = case.tiny if args.tiny else case.full
            if case.name == "words":
                arg = str(words_file(Path(d), int(arg)))
            checked = load_checked(PROGRAMS / f"{case.name}.aura")
            if isinstance(checked, list):
                raise SystemExit(f"{case.name}.aura has errors: {[x.message for x in checked]}")
            aura_out, py_out = run_aura(checked, arg), run_python(case.name, arg)
            if aura_out != py_out:
                raise SystemExit(f"{case.name}: outputs differ:\n{aura_out}\n---\n{py_out}")
            t_aura = best(lambda: run_aura(checked, arg), args.repeat)  # noqa: B023
            t_py = best(lambda: run_python(case.name, arg), args.repeat)  # noqa: B023
            rows.append((case.name, t_aura, t_py))
    print(f"{'program':<14} {'aura s':>9} {'cpython s':>10} {'ratio':>7}")
    for name, a, p in rows:
        print(f"{name:<14} {a:9.3f} {p:10.3f} {a / p:7.2f}")
    ratios = [a / p for _, a, p in rows]
    if ratios:
        med, worst = statistics.median(ratios), max(ratios)
        print(
            f"median ratio {med:.2f} (goal <= {GOAL_MEDIAN}), max {worst:.2f} (goal <= {GOAL_MAX})"
        )
    boot = median(measure_startup(max(args.repeat, 5)).warm)
    assert boot is not None
    verdict = "met" if boot < GOAL_STARTUP else "NOT met"
    print(
        f"start-up of `aura run` hello-world (warm, see startup_bench.py): {boot:.3f} s "
        f"(goal < {GOAL_STARTUP} s: {verdict})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
