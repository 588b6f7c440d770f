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
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from aura_core import tir
from aura_core.check import check_modules
from aura_core.source import Span
from aura_core.stdlib import std_root
from aura_core.types import QualName
from aura_parse import load_program
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
    """How to prove: the per-obligation time limit (seconds), parallelism, and
    whether :func:`~aura_verify.verify_paths` may take results from (and store them
    in) the proof cache; ``aura verify`` turns it on unless ``--no-cache``."""

    timeout: float = 10.0
    jobs: int = 1
    cache: bool = False


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


def prove_cell(program: tir.Program, cell: tir.CellDef, options: Options) -> CellOutcome:
    """Prove one cell: its result and the run-time checks the proof covers."""
    # Imported here: a run whose results all come from the proof cache never
    # loads the symbolic walk or the solver.
    from aura_verify.solver import prove
    from aura_verify.vcgen import generate

    start = time.perf_counter()
    conds = generate(program, cell)
    failures: dict[tuple[object, ...], Failure] = {}
    file = program.modules[cell.name.module].source
    proven: list[tuple[str, Span]] = []
    unproven: list[tuple[str, Span]] = []
    for ob in conds.obligations:
        failure = prove(ob, conds, options.timeout)
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
    result = CellResult(cell.name, file, cell.span, status, elapsed, shown, conds.warnings)
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


def prove_tasks(tasks: Sequence[Task], options: Options) -> list[CellOutcome]:
    """Outcomes in the order of ``tasks``, from one pool of workers for all of them."""
    parallel = options.jobs > 1 and len(tasks) > 1 and all(t.entry is not None for t in tasks)
    if not parallel:
        return [prove_cell(t.program, t.cell, options) for t in tasks]
    context = multiprocessing.get_context("spawn")
    workers = min(options.jobs, len(tasks))
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        futures = [
            pool.submit(
                _verify_in_worker, str(t.entry), t.cell.name.module, t.cell.name.name, options
            )
            for t in tasks
        ]
        return [f.result() for f in futures]


@lru_cache(maxsize=4)
def _checked(entry: str) -> tir.Program:
    loaded = load_program(Path(entry), std_root=std_root())
    return check_modules(loaded.modules).program


def _verify_in_worker(
    entry: str, module: tuple[str, ...], name: str, options: Options
) -> CellOutcome:
    program = _checked(entry)
    cell = program.cell(QualName(module, name))
    return prove_cell(program, cell, Options(options.timeout, 1, options.cache))
