"""Proving with the proof cache, and exporting what was proven.

:func:`prove_cached` looks every task up in its program's cache (the
project's ``.aura/cache/proofs``, or the user's cache for a file outside a
project, see :func:`aura_core.proofs.verification_dir`), proves only the
misses (in parallel when asked) and stores their results.  :func:`export_proofs`
then updates each program's proven-checks file (``docs/reference/proven-checks.md``)
with the checks of this run's cells, under a lock so that concurrent runs merge
rather than overwrite each other's modules.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Sequence
from pathlib import Path

from aura_core import tir
from aura_core.proofs import (
    CellProofs,
    ModuleProofs,
    ProofFile,
    merge_proofs,
    proofs_path,
    read_proofs,
    source_hash,
    verification_dir,
    write_proofs,
)
from aura_verify.budgets import DEFAULT_RLIMIT, cell_rlimit
from aura_verify.cache import ProofCache, decode_outcome, encode_outcome
from aura_verify.driver import Options, Task, prove_tasks, select_cells
from aura_verify.keys import KeyComputer, tool_versions
from aura_verify.proven import CellOutcome

__all__ = ["cacheable", "export_proofs", "prove_cached", "verification_keys"]


def verification_keys(program: tir.Program, rlimit: int = DEFAULT_RLIMIT) -> dict[str, str]:
    """The proof-cache key of every cell ``aura verify`` would prove in ``program``.

    Keys are by qualified name (``str`` of the cell's :class:`~aura_core.types.QualName`,
    as in :class:`~aura_verify.CellResult`).  Two programs give a cell the same key
    exactly when the proof of that cell sees the same inputs: its typed body and
    contract, the contracts of what it calls, the bodies of the pure cells it may
    unfold, the types and constants those use, and the verifier's and solver's
    versions; source positions do not count.  The resource budget the cell is
    proven under (its own ``# verify: rlimit`` line, else ``rlimit``, the run's)
    is part of the key; the wall-clock timeout is not, since a result it cut
    short is never cached.
    """
    keys = KeyComputer(program)
    return {str(c.name): _key(keys, program, c, rlimit) for c in select_cells(program)}


def _key(keys: KeyComputer, program: tir.Program, cell: tir.CellDef, rlimit: int) -> str:
    return keys.budgeted_key(cell, cell_rlimit(program, cell, rlimit)[0])


def cacheable(outcome: CellOutcome) -> bool:
    """Whether ``outcome`` is a verdict reached within the resource budget, the same
    on every machine: no obligation ran out of budget or of wall-clock time."""
    return all(f.status != "timeout" for f in outcome.result.failures)


def prove_cached(tasks: Sequence[Task], options: Options) -> list[CellOutcome]:
    """Outcomes in the order of ``tasks``: from the cache where an entry applies,
    proven otherwise; each cacheable result is stored as soon as it is proven,
    so a run stopped by Ctrl-C keeps the cells it finished (and nothing of the
    one it was proving)."""
    computers: dict[int, KeyComputer] = {}
    out: list[CellOutcome | None] = [None] * len(tasks)
    misses: list[tuple[int, str | None, ProofCache | None]] = []
    for i, t in enumerate(tasks):
        cache = _cache_for(t) if options.cache else None
        if cache is None:
            misses.append((i, None, None))
            continue
        keys = computers.setdefault(id(t.program), KeyComputer(t.program))
        key = _key(keys, t.program, t.cell, options.rlimit)
        data = cache.load(key)
        hit = None if data is None else decode_outcome(data, t.program, t.cell, keys)
        if hit is None:
            misses.append((i, key, cache))
        else:
            out[i] = hit

    def done(j: int, outcome: CellOutcome) -> None:
        i, miss_key, cache = misses[j]
        out[i] = outcome
        if miss_key is not None and cache is not None and cacheable(outcome):
            keys = computers[id(tasks[i].program)]
            entry = encode_outcome(outcome, tasks[i].program, keys)
            if entry is not None:
                cache.store(miss_key, entry)

    prove_tasks([tasks[i] for i, _, _ in misses], options, done)
    return [o for o in out if o is not None]


def _cache_for(task: Task) -> ProofCache | None:
    if task.entry is None:
        return None
    folder = verification_dir(task.entry)
    return None if folder is None else ProofCache(folder / "proofs")


def export_proofs(tasks: Sequence[Task], outcomes: Sequence[CellOutcome]) -> None:
    """Merge the checks proven in this run into each program's proven-checks file."""
    by_file: dict[Path, tuple[tir.Program, list[CellOutcome]]] = {}
    for t, o in zip(tasks, outcomes, strict=True):
        if t.entry is None:
            continue
        path = proofs_path(t.entry)
        if path is not None:
            by_file.setdefault(path, (t.program, []))[1].append(o)
    for path, (program, done) in by_file.items():
        modules: dict[tuple[str, ...], list[CellProofs]] = {}
        for o in done:
            r = o.result
            proofs = CellProofs(r.name.name, r.status == "verified", o.proven)
            modules.setdefault(r.name.module, []).append(proofs)
        new = ProofFile(
            tool_versions(),
            tuple(
                ModuleProofs(
                    m,
                    program.modules[m].source.name,
                    source_hash(program.modules[m].source.text),
                    tuple(cells),
                )
                for m, cells in modules.items()
            ),
        )
        try:
            with _locked(path):
                old = read_proofs(path)
                merged = merge_proofs(old, new)
                if merged != old:
                    write_proofs(path, merged)
        except OSError:
            continue  # a read-only project: nothing is trusted, nothing is lost


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """An exclusive lock beside ``path`` (where the platform has ``flock``)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path.with_name(path.name + ".lock"), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            import fcntl
        except ImportError:  # pragma: no cover - not POSIX: the rename still keeps files whole
            yield
            return
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)
