"""Benchmark: native Aura executables against the same programs in C (gcc -O2).

The Aura programs are the interpreter benchmark's (``interp/NAME.aura``); each
has a C version written the same way in ``native/NAME.c``.  Both are compiled
once (``aura build``, and ``gcc -O2``), then run on the same input; outputs
must agree.  Times are the CPU time (user + system) of the whole process, best
of ``--repeat`` runs.  Also measured: the compile time of a generated 1,000-line program.

Goals (issue "native code through LLVM"): the median ratio Aura-native / C at
most 1.5, no program above 3.0; compiling 1,000 lines in under 3 s.

With ``--trust-proofs``, a second column: the verified version of a program
(``interp/verified/NAME.aura``, the same algorithm with contracts), verified by
``aura verify`` first (which writes the proven-checks file) and built with
``--trust-proofs``, and with ``--release`` too when every cell was verified (then
every check ``--release`` leaves out was proven).  Goal: median ratio at most 1.2.
A program without a verified version shows ``-``.

    python testing/bench/native_bench.py [--tiny] [--repeat R] [--only NAME ...] [--trust-proofs]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from interp_bench import Case, words_file

from aura_backend_llvm import Options
from aura_backend_llvm.build_command import compile_file

HERE = Path(__file__).resolve().parent
AURA_PROGRAMS = HERE / "interp"
VERIFIED_PROGRAMS = AURA_PROGRAMS / "verified"
C_PROGRAMS = HERE / "native"
GOAL_MEDIAN = 1.5
GOAL_TRUSTED_MEDIAN = 1.2
GOAL_MAX = 3.0
GOAL_COMPILE = 3.0


CASES = [
    Case("fib", "32", "15"),
    Case("sieve", "20000000", "1000"),
    Case("nbody", "5000000", "100"),
    Case("binary_trees", "18", "6"),
    Case("strings", "10000000", "5000"),
    Case("words", "10000000", "5000"),
]


def best(argv: list[str], repeat: int) -> tuple[float, str]:
    """The least CPU time (user + system) of ``repeat`` runs, and the output.

    CPU time rather than wall time: on a shared, loaded machine it is what
    stays comparable between the two programs.
    """
    times, out = [], ""
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        proc = subprocess.run(argv, capture_output=True, text=True, check=True)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        times.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        out = proc.stdout
    return max(min(times), 1e-4), out


def build_aura(source: Path, exe: Path, options: Options | None = None) -> None:
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        status = compile_file(source, exe, options or Options())
    if status != 0:
        raise SystemExit(f"{source.name} does not build:\n{err.getvalue()}")


def build_c(source: Path, exe: Path) -> None:
    cc = shutil.which("gcc") or shutil.which("cc")
    if cc is None:
        raise SystemExit("no C compiler: install Debian's `gcc` package")
    subprocess.run([cc, "-O2", "-o", str(exe), str(source), "-lm"], check=True)


def verify(source: Path) -> bool:
    """Run ``aura verify`` on ``source`` (recording its proven checks); whether every
    cell was verified."""
    aura = Path(sys.executable).with_name("aura")
    proc = subprocess.run(
        [str(aura), "verify", "--format", "json", str(source)],
        capture_output=True,
        text=True,
        check=False,
    )
    lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
    if not lines:
        raise SystemExit(f"{source.name}: `aura verify` failed:\n{proc.stderr}")
    summary = json.loads(lines[-1])["summary"]
    return bool(summary["verified"]) and not (
        summary["failed"] or summary["timeout"] or summary["unknown"]
    )


def trusted_time(case: Case, work: Path, arg: str, repeat: int) -> tuple[float, str, str] | None:
    """CPU time, output and build mode of the verified version of ``case``, if it has one.

    The program is copied to ``work`` so its proofs are recorded for that copy
    (in the user's cache, as for any file outside a project).
    """
    original = VERIFIED_PROGRAMS / f"{case.name}.aura"
    if not original.is_file():
        return None
    source = work / f"{case.name}-verified.aura"
    shutil.copyfile(original, source)
    complete = verify(source)
    exe = work / f"{case.name}-trusted"
    build_aura(source, exe, Options(release=complete, trust_proofs=True))
    t, out = best([str(exe), arg], repeat)
    return t, out, "release+trust" if complete else "trust"


def thousand_lines() -> str:
    """A program of about 1,000 lines: many small cells with arithmetic and loops."""
    cells = []
    for k in range(100):
        cells.append(
            f"cell f{k}(n: i64) -> i64:\n"
            f"    val mut total: i64 = {k}\n"
            "    for i in 0..n:\n"
            "        if i % 3 == 0:\n"
            "            total += i * 2\n"
            "        elif i % 3 == 1:\n"
            "            total -= 1\n"
            "        else:\n"
            "            total += n / (i + 1)\n"
            "    return total\n"
        )
    calls = "\n".join(f"    s += f{k}(10)" for k in range(100))
    return "\n".join(cells) + f"\ncell main():\n    val mut s: i64 = 0\n{calls}\n    println(s)\n"


def compile_time(directory: Path) -> tuple[int, float]:
    source = directory / "thousand.aura"
    text = thousand_lines()
    source.write_text(text, encoding="utf-8")
    t0 = time.perf_counter()
    build_aura(source, directory / "thousand")
    return text.count("\n"), time.perf_counter() - t0


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    ap.add_argument("--tiny", action="store_true", help="small inputs (a smoke test)")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--only", nargs="*", default=None)
    ap.add_argument(
        "--trust-proofs",
        action="store_true",
        help="also time the verified versions, built trusting their proofs",
    )
    args = ap.parse_args(argv)
    rows: list[tuple[str, float, float]] = []
    trusted: dict[str, tuple[float, str]] = {}
    with tempfile.TemporaryDirectory() as d:
        work = Path(d)
        for case in CASES:
            if args.only and case.name not in args.only:
                continue
            arg = case.tiny if args.tiny else case.full
            if case.name == "words":
                arg = str(words_file(work, int(arg)))
            aura_exe, c_exe = work / f"{case.name}-aura", work / f"{case.name}-c"
            build_aura(AURA_PROGRAMS / f"{case.name}.aura", aura_exe)
            build_c(C_PROGRAMS / f"{case.name}.c", c_exe)
            t_aura, out_aura = best([str(aura_exe), arg], args.repeat)
            t_c, out_c = best([str(c_exe), arg], args.repeat)
            if out_aura != out_c:
                raise SystemExit(f"{case.name}: outputs differ:\n{out_aura}\n---\n{out_c}")
            rows.append((case.name, t_aura, t_c))
            found = trusted_time(case, work, arg, args.repeat) if args.trust_proofs else None
            if found is not None:
                t_trusted, out_trusted, mode = found
                if out_trusted != out_c:
                    raise SystemExit(f"{case.name} (verified): outputs differ:\n{out_trusted}")
                trusted[case.name] = (t_trusted, mode)
        lines, seconds = compile_time(work)
    header = f"{'program':<14} {'native cpu s':>12} {'gcc -O2 cpu s':>13} {'ratio':>7}"
    print(header + (f" {'verified ratio':>14} {'built with':>14}" if args.trust_proofs else ""))
    for name, a, c in rows:
        line = f"{name:<14} {a:12.3f} {c:13.3f} {a / c:7.2f}"
        if args.trust_proofs:
            t, mode = trusted.get(name, (0.0, "-"))
            line += f" {t / c:14.2f} {mode:>14}" if name in trusted else f" {'-':>14}"
        print(line)
    ratios = [a / c for _, a, c in rows]
    if ratios:
        med, worst = statistics.median(ratios), max(ratios)
        print(
            f"median ratio {med:.2f} (goal <= {GOAL_MEDIAN}), max {worst:.2f} (goal <= {GOAL_MAX})"
        )
    if args.trust_proofs and rows:
        # A program without a verified version counts with its plain ratio.
        best_ratios = [trusted.get(name, (a, ""))[0] / c for name, a, c in rows]
        print(
            f"median ratio trusting proofs {statistics.median(best_ratios):.2f} "
            f"(goal <= {GOAL_TRUSTED_MEDIAN}; {len(trusted)} of {len(rows)} programs verified)"
        )
    verdict = "met" if seconds < GOAL_COMPILE else "NOT met"
    print(
        f"compile time of a {lines}-line program: {seconds:.2f} s "
        + f"(goal < {GOAL_COMPILE} s: {verdict})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
