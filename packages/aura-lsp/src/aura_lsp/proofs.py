"""Background verification, streamed cell by cell.

After a snapshot's syntax and type diagnostics are out, :meth:`Prover.plan`
works out each cell's verification key (:mod:`aura_lsp.proof_cache`): cells
whose key has a result are answered at once from the cache; the others are
queued, the cell being edited first, then by distance from it.  One long-lived
thread proves them with :func:`aura_verify.verify_cell`, so the solver's
context stays warm between edits and the request thread never waits for Z3.

A newer snapshot of the same program supersedes the queued work: the thread
checks before every cell and drops the rest of an outdated plan; a result
that finishes after its plan was superseded still goes into the cache, since
it is right for its key, but is not reported.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from aura_core import tir
from aura_core.types import QualName
from aura_lsp.analysis import Snapshot
from aura_lsp.parallel import WorkerPool
from aura_lsp.proof_cache import Outcome, cell_keys, moved
from aura_lsp.settings import Settings, Tuning, choose
from aura_lsp.telemetry import Telemetry
from aura_verify import CellResult, Options, select_cells, verify_cell

__all__ = ["Plan", "Prover"]

_CACHE_LIMIT = 20_000


@dataclass(frozen=True)
class Plan:
    """What one snapshot needs proven, and what is already known."""

    snapshot: Snapshot
    generation: int
    keys: Mapping[QualName, str]
    known: Mapping[QualName, Outcome]
    todo: tuple[tir.CellDef, ...]
    tuning: Tuning

    def uri_of(self, name: QualName) -> str | None:
        return self.snapshot.loaded.uris.get(name.module)


class ProofSink(Protocol):
    """Where the prover reports; called from the prover's thread."""

    def started(self, plan: Plan) -> None: ...

    def result(self, plan: Plan, outcome: Outcome, done: int) -> None: ...

    def finished(self, plan: Plan, done: int) -> None: ...

    def log(self, message: str) -> None: ...


class Prover:
    def __init__(
        self,
        telemetry: Telemetry,
        settings: Settings,
        sink: ProofSink,
    ) -> None:
        self.telemetry = telemetry
        self.settings = settings
        self._sink = sink
        self._lock = threading.Condition()
        self._cache: dict[str, Outcome] = {}
        self._generations: dict[str, int] = {}
        self._queue: dict[str, Plan] = {}
        self._stopped = False
        self._pool = WorkerPool()
        self._thread = threading.Thread(target=self._run, name="aura-prover", daemon=True)
        self._thread.start()

    # --------------------------------------------------------------- planning

    def plan(self, snapshot: Snapshot, focus: tuple[str, int] | None) -> Plan:
        """Keys, cached results and the cells to prove, for a new snapshot.

        Takes a new generation for the snapshot's program: from here on, older
        plans of that program are outdated.  ``focus`` (URI, offset) is where
        the last edit was.
        """
        program = snapshot.program
        cells = [c for c in select_cells(program) if self._wanted(snapshot, c)]
        keys = cell_keys(program, cells)
        known: dict[QualName, Outcome] = {}
        todo: list[tir.CellDef] = []
        with self._lock:
            generation = self._generations.get(snapshot.root.key, 0) + 1
            self._generations[snapshot.root.key] = generation
            for cell in cells:
                hit = self._cache.get(keys[cell.name])
                if hit is None:
                    todo.append(cell)
                else:
                    source = program.modules[cell.name.module].source
                    known[cell.name] = moved(hit, source, cell.span)
        self.telemetry.cache(len(known), len(todo))
        if focus is not None:
            todo.sort(key=lambda c: _distance(snapshot, c, focus))
        lines = max((m.source.line_count for m in snapshot.loaded.modules), default=0)
        tuning = choose(self.settings, lines, len(todo), self.telemetry.percentile("z3", 0.95))
        return Plan(snapshot, generation, keys, known, tuple(todo), tuning)

    def _wanted(self, snapshot: Snapshot, cell: tir.CellDef) -> bool:
        """Cells of open documents whose check found no error in them."""
        uri = snapshot.loaded.uris.get(cell.name.module)
        if uri is None or uri not in snapshot.loaded.versions:
            return False
        own = snapshot.check.cell_diagnostics.get(cell.name, ())
        return not any(d.is_error for d in own)

    # -------------------------------------------------------------- the queue

    def submit(self, plan: Plan) -> None:
        """Queue ``plan``'s cells, replacing any queued plan of the same program."""
        if not self.settings.verify:
            return
        with self._lock:
            if self._generations.get(plan.snapshot.root.key) != plan.generation:
                return
            self._queue.pop(plan.snapshot.root.key, None)
            if plan.todo:
                self._queue[plan.snapshot.root.key] = plan
                self._lock.notify()

    def supersede(self, key: str) -> None:
        """Stop work on a program: its text changed, or its documents were closed.
        The cell being proven finishes (its result is cached, not reported)."""
        with self._lock:
            self._generations[key] = self._generations.get(key, 0) + 1
            self._queue.pop(key, None)

    def stop(self) -> None:
        with self._lock:
            self._stopped = True
            self._lock.notify()

    def current(self, plan: Plan) -> bool:
        with self._lock:
            return self._generations.get(plan.snapshot.root.key) == plan.generation

    def _run(self) -> None:
        while True:
            with self._lock:
                while not self._queue and not self._stopped:
                    self._lock.wait()
                if self._stopped:
                    self._pool.close()
                    return
                key = next(iter(self._queue))
                plan = self._queue.pop(key)
            start = time.perf_counter()
            done = 0
            try:
                self._sink.started(plan)
                done = self._prove(plan)
            except Exception as e:  # the thread must outlive one bad plan
                self._sink.log(f"verification stopped: {type(e).__name__}: {e}")
            finally:
                self._sink.finished(plan, done)
            self.telemetry.record("verify", (time.perf_counter() - start) * 1000)

    def _prove(self, plan: Plan) -> int:
        """Prove the plan's cells while it is current; returns how many were done.

        The first cell (the one being edited) is proven here at once; with
        ``jobs > 1`` the others go to worker processes.
        """
        options = Options(timeout=plan.tuning.timeout, jobs=1)
        done = 0
        rest = list(plan.todo)
        while rest and (plan.tuning.jobs <= 1 or done == 0):
            cell = rest.pop(0)
            if not self.current(plan):
                return done
            t0 = time.perf_counter()
            try:
                result = verify_cell(plan.snapshot.program, cell, options)
            except Exception as e:
                self._sink.log(f"cannot verify `{cell.name}`: {type(e).__name__}: {e}")
                continue
            self.telemetry.record("z3", (time.perf_counter() - t0) * 1000)
            done += 1
            self._finished(plan, result, done)
        if rest and self.current(plan):
            batches = self._pool.results(
                plan.snapshot.program, rest, plan.tuning.jobs, plan.tuning.timeout
            )
            try:
                for _, results in batches:
                    for result in results:
                        self.telemetry.record("z3", result.time_ms)
                        done += 1
                        self._finished(plan, result, done)
                    if not self.current(plan):
                        break
            finally:
                batches.close()
        return done

    def _finished(self, plan: Plan, result: CellResult, done: int) -> None:
        """Cache a cell's result, unless the resource budget or the wall clock cut
        a proof short (as ``aura verify``'s cache, so the next plan tries again);
        report it if its plan is still current."""
        outcome = Outcome.of(result, plan.keys[result.name])
        if all(f.status != "timeout" for f in result.failures):
            with self._lock:
                if len(self._cache) >= _CACHE_LIMIT:
                    self._cache.clear()
                self._cache[outcome.key] = outcome
        if self.current(plan):
            self._sink.result(plan, outcome, done)


def _distance(snapshot: Snapshot, cell: tir.CellDef, focus: tuple[str, int]) -> tuple[int, int]:
    uri, offset = focus
    if snapshot.loaded.uris.get(cell.name.module) != uri:
        return (1, 0)
    if cell.span.start <= offset <= cell.span.end:
        return (0, 0)
    return (0, min(abs(cell.span.start - offset), abs(cell.span.end - offset)))
