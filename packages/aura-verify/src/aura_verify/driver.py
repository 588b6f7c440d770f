"""Verifying cells: one at a time, or in parallel worker processes.

Each cell is proven on its own against the contracts of what it calls
(modular verification), so cells are independent tasks.  With ``jobs > 1`` a
process pool verifies them; a worker loads and checks the program once (a
per-process cache, immutable once built) and is then sent only cell names,
which keeps the tasks small.  Workers are spawned rather than forked, so no
solver state is ever shared between processes.
"""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from aura_core import tir
from aura_core.check import check_modules
from aura_core.source import Span
from aura_core.stdlib import std_root
from aura_core.types import QualName
from aura_parse import load_program
from aura_verify.budgets import DEFAULT_RLIMIT, DEFAULT_TIMEOUT, Limits, cell_rlimit
from aura_verify.proven import CellOutcome, proven_checks
from aura_verify.results import CellResult, Failure, worst

__all__ = [
    "Options",
    "Task",
    "prove_cell",
    "prove_tasks",
    "select_cells",
    "verify_cell",
    "verify_cells",
    "verify_tasks",
]


@dataclass(frozen=True)
class Options:
    """How to prove: the wall-clock safety net per obligation (seconds),
    parallelism, whether :func:`~aura_verify.verify_paths` may take results from
    (and store them in) the proof cache (``aura verify`` turns it on unless
    ``--no-cache``), and the resource budget per obligation of the cells that do
    not set their own (:mod:`aura_verify.budgets`), which decides verdicts."""

    timeout: float = DEFAULT_TIMEOUT
    jobs: int = 1
    cache: bool = False
    rlimit: int = DEFAULT_RLIMIT


def select_cells(program: tir.Program, names: Sequence[str] = ()) -> list[tir.CellDef]:
    """The cells ``aura verify`` proves: every cell with a body outside the standard
    library, in module and declaration order; ``names`` (simple or qualified)
    narrows the choice."""
    out: list[tir.CellDef] = []
    for path, module in program.modules.items():
        if path[:1] == ("std",):
            continue
        for cell in module.cells.values():
            if cell.extern or cell.body is None:
                continue
            if names and cell.name.name not in names and str(cell.name) not in names:
                continue
            out.append(cell)
    return out


def verify_cell(program: tir.Program, cell: tir.CellDef, options: Options) -> CellResult:
    """Prove one cell now (the cache is not consulted)."""
    return prove_cell(program, cell, options).result


#: The recursion limit while a cell is proven: the walk recurses through chains
#: of pure cells and unfoldings of recursive ones (``aura_core.deep``).
RECURSION_LIMIT = 50_000


def prove_cell(program: tir.Program, cell: tir.CellDef, options: Options) -> CellOutcome:
    """Prove one cell: its result and the run-time checks the proof covers."""
    from aura_core.deep import on_big_stack

    return on_big_stack(lambda: _prove_cell(program, cell, options), RECURSION_LIMIT)


def _prove_cell(program: tir.Program, cell: tir.CellDef, options: Options) -> CellOutcome:
    # Imported here: a run whose results all come from the proof cache never
    # loads the symbolic walk or the solver.
    from aura_verify.solver import prove
    from aura_verify.vcgen import generate

    start = time.perf_counter()
    rlimit, directive = cell_rlimit(program, cell, options.rlimit)
    limits = Limits(rlimit, options.timeout)
    conds = generate(program, cell)
    failures: dict[tuple[object, ...], Failure] = {}
    file = program.modules[cell.name.module].source
    proven: list[tuple[str, Span]] = []
    unproven: list[tuple[str, Span]] = []
    for ob in conds.obligations:
        failure = prove(ob, conds, limits)
        if ob.file is file or ob.file == file:
            (proven if failure is None else unproven).append((ob.code, ob.span))
        if failure is None:
            continue
        k = (failure.code, failure.span, tuple(r.span for r in failure.related))
        if k not in failures or worst([failures[k].status, failure.status]) != failures[k].status:
            failures[k] = failure
    shown = tuple(failures.values())
    elapsed = int((time.perf_counter() - start) * 1000)
    status = worst(f.status for f in shown)
    warnings = conds.warnings if directive is None else (directive, *conds.warnings)
    result = CellResult(cell.name, file, cell.span, status, elapsed, shown, warnings)
    return CellOutcome(result, proven_checks(cell, proven, unproven))


def verify_cells(
    program: tir.Program,
    cells: Sequence[tir.CellDef],
    options: Options,
    entry: Path | None = None,
) -> list[CellResult]:
    """Results in the order of ``cells``.  ``entry`` (what the program was loaded
    from) lets workers load it themselves; without it, or with one job, cells are
    verified in this process."""
    return verify_tasks([Task(program, c, entry) for c in cells], options)


@dataclass(frozen=True)
class Task:
    """One cell to verify, with its program and where that program was loaded from."""

    program: tir.Program
    cell: tir.CellDef
    entry: Path | None = None


def verify_tasks(tasks: Sequence[Task], options: Options) -> list[CellResult]:
    """Results in the order of ``tasks``, from one pool of workers for all of them."""
    return [o.result for o in prove_tasks(tasks, options)]


def prove_tasks(
    tasks: Sequence[Task],
    options: Options,
    done: Callable[[int, CellOutcome], None] | None = None,
) -> list[CellOutcome]:
    """Outcomes in the order of ``tasks``, from one pool of workers for all of them.

    ``done(i, outcome)`` is called as each task finishes, so that a run stopped
    by Ctrl-C (``KeyboardInterrupt``, passed on) keeps what it finished; on
    that, worker processes are killed rather than waited for.
    """
    parallel = options.jobs > 1 and len(tasks) > 1 and all(t.entry is not None for t in tasks)
    out: list[CellOutcome | None] = [None] * len(tasks)

    def finished(i: int, outcome: CellOutcome) -> None:
        out[i] = outcome
        if done is not None:
            done(i, outcome)

    if not parallel:
        for i, t in enumerate(tasks):
            finished(i, prove_cell(t.program, t.cell, options))
        return [o for o in out if o is not None]
    context = multiprocessing.get_context("spawn")
    workers = min(options.jobs, len(tasks))
    pool = ProcessPoolExecutor(workers, mp_context=context)
    try:
        futures = {
            pool.submit(
                _verify_in_worker, str(t.entry), t.cell.name.module, t.cell.name.name, options
            ): i
            for i, t in enumerate(tasks)
        }
        for future in as_completed(futures):
            finished(futures[future], future.result())
    except BaseException:
        _kill(pool)
        raise
    pool.shutdown()
    return [o for o in out if o is not None]


def _kill(pool: ProcessPoolExecutor) -> None:
    """Stop ``pool`` now: its workers may be in the middle of a long proof."""
    # The executor has no public way to stop a running task; its processes are
    # ours (spawned for this pool only), so killing them loses nothing.
    workers = list((getattr(pool, "_processes", None) or {}).values())
    for process in workers:
        process.kill()
    pool.shutdown(wait=False, cancel_futures=True)
    for process in workers:
        process.join(1.0)


@lru_cache(maxsize=4)
def _checked(entry: str) -> tir.Program:
    loaded = load_program(Path(entry), std_root=std_root())
    return check_modules(loaded.modules).program


def _verify_in_worker(
    entry: str, module: tuple[str, ...], name: str, options: Options
) -> CellOutcome:
    program = _checked(entry)
    cell = program.cell(QualName(module, name))
    return prove_cell(program, cell, replace(options, jobs=1))
