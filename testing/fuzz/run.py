"""Run the mutation fuzzer for a while: ``python testing/fuzz/run.py --minutes 10``.

Each mutant goes through the commands asked for (default: check, fmt, verify,
run; add ``--commands check,build`` to include ``aura build``).  A finding is
printed and its input written to ``--out`` (default ``fuzz-findings/``) as
``NNNN-COMMAND.aura`` with the answer beside it, ready for
``testing/fuzz/corpus/``.  Exit status 1 if anything was found.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fuzzing import COMMANDS, mutants, run_command, seeds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--seed", type=int, default=None, help="default: from the clock")
    parser.add_argument("--commands", default="check,fmt,verify,run")
    parser.add_argument("--out", type=Path, default=Path("fuzz-findings"))
    args = parser.parse_args(argv)
    names = [n for n in args.commands.split(",") if n]
    unknown = [n for n in names if n not in COMMANDS]
    if unknown:
        parser.error(f"unknown command(s): {', '.join(unknown)}; known: {', '.join(COMMANDS)}")
    seed = args.seed if args.seed is not None else time.time_ns() % 2**32
    print(f"seed {seed}; commands {', '.join(names)}; {args.minutes} minutes", flush=True)
    deadline = time.monotonic() + args.minutes * 60
    found = 0
    tried = 0
    with tempfile.TemporaryDirectory() as work_dir:
        work = Path(work_dir)
        file = work / "mutant.aura"
        for what, data in mutants(random.Random(seed), seeds()):
            if time.monotonic() >= deadline:
                break
            tried += 1
            file.write_bytes(data)
            for name in names:
                finding = run_command(COMMANDS[name], file, work)
                if finding is None:
                    continue
                found += 1
                args.out.mkdir(parents=True, exist_ok=True)
                stem = args.out / f"{found:04d}-{name}"
                stem.with_suffix(".aura").write_bytes(data)
                stem.with_suffix(".txt").write_text(
                    f"{what}\naura {' '.join(COMMANDS[name].args)}: {finding.reason}\n\n"
                    f"{finding.stderr}",
                    encoding="utf-8",
                )
                print(f"finding {stem}.aura: aura {name}: {finding.reason}", flush=True)
    print(f"{tried} mutants, {found} findings")
    return 1 if found else 0


if __name__ == "__main__":
    raise SystemExit(main())
