"""Proving cells in worker processes, for programs with many slow cells.

Z3 contexts cannot be shared between threads of one process, so parallel
proofs need processes.  The pool lives as long as the server (each worker's
solver stays warm).  A plan's program is pickled once and sent with every
batch; a worker unpickles a program once and keeps the last two, so the
batches of one plan cost one unpickling per worker.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import pickle
from collections.abc import Generator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from functools import lru_cache

from aura_core import tir
from aura_core.types import QualName
from aura_verify import CellResult, Options, verify_cell

__all__ = ["WorkerPool"]

_BATCH = 4


class WorkerPool:
    def __init__(self) -> None:
        self._pool: ProcessPoolExecutor | None = None
        self._size = 0

    def results(
        self, program: tir.Program, cells: Sequence[tir.CellDef], jobs: int, timeout: float
    ) -> Generator[tuple[Future[list[CellResult]], list[CellResult]], None, None]:
        """Results per batch, as batches finish; closing the iterator cancels the
        batches not yet started."""
        pool = self._ensure(jobs)
        data = pickle.dumps(program)
        digest = hashlib.sha256(data).hexdigest()
        batches = [cells[i : i + _BATCH] for i in range(0, len(cells), _BATCH)]
        futures = [
            pool.submit(
                _verify_batch, digest, data, [(c.name.module, c.name.name) for c in b], timeout
            )
            for b in batches
        ]
        try:
            for future in as_completed(futures):
                yield future, future.result()
        finally:
            for future in futures:
                future.cancel()

    def _ensure(self, jobs: int) -> ProcessPoolExecutor:
        if self._pool is None or self._size != jobs:
            if self._pool is not None:
                self._pool.shutdown(wait=False, cancel_futures=True)
            context = multiprocessing.get_context("spawn")
            self._pool = ProcessPoolExecutor(jobs, mp_context=context)
            self._size = jobs
        return self._pool

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None


@lru_cache(maxsize=2)
def _program(digest: str, data: bytes) -> tir.Program:
    program: tir.Program = pickle.loads(data)
    return program


def _verify_batch(
    digest: str, data: bytes, names: list[tuple[tuple[str, ...], str]], timeout: float
) -> list[CellResult]:
    program = _program(digest, data)
    options = Options(timeout=timeout, jobs=1)
    return [verify_cell(program, program.cell(QualName(m, n)), options) for m, n in names]
