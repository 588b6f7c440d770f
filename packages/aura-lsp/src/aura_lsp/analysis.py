"""The parse and type-check pipeline behind every diagnostic and every request.

For a program (:mod:`aura_lsp.workspace`), :meth:`Analyzer.analyze` loads its
modules with open documents over files, checks them with the previous check of
the same program (:func:`aura_core.check.check_modules` reuses every cell an
edit did not touch), and returns a :class:`Snapshot`: immutable, so requests
can read it from any thread while the next one is being built.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass

from aura_core import tir
from aura_core.check import CheckResult, check_modules
from aura_core.diagnostics import Diagnostic
from aura_core.modules import ModulePath
from aura_core.source import SourceFile
from aura_core.types import QualName
from aura_lsp.documents import Document
from aura_lsp.workspace import LoadedProgram, ModuleLoader, ProgramRoot

__all__ = ["Analyzer", "Snapshot"]


@dataclass(frozen=True)
class Snapshot:
    """One program as checked at the versions in ``loaded.versions``."""

    root: ProgramRoot
    loaded: LoadedProgram
    check: CheckResult
    #: Syntax, loading and type diagnostics of each module, by URI.
    diagnostics: Mapping[str, tuple[Diagnostic, ...]]
    #: The cells that checked cleanly most recently, even from earlier snapshots:
    #: what completion knows about a cell while its text does not parse.
    last_good: Mapping[QualName, tir.CellDef]
    #: Milliseconds spent per phase.
    timings: Mapping[str, float]

    @property
    def program(self) -> tir.Program:
        return self.check.program

    def module_of(self, uri: str) -> ModulePath | None:
        for path, u in self.loaded.uris.items():
            if u == uri:
                return path
        return None

    def source_of(self, uri: str) -> SourceFile | None:
        path = self.module_of(uri)
        return self.loaded.parses[path].source if path is not None else None

    def uri_of_source(self, source: SourceFile) -> str | None:
        for path, parse in self.loaded.parses.items():
            if parse.source.name == source.name:
                return self.loaded.uris[path]
        return None


class Analyzer:
    """Builds snapshots; keeps the previous check of each program for reuse.

    Only one thread may call :meth:`analyze` at a time.
    """

    def __init__(self, loader: ModuleLoader | None = None) -> None:
        self.loader = loader if loader is not None else ModuleLoader()
        self._checks: dict[str, CheckResult] = {}
        self._good: dict[str, dict[QualName, tir.CellDef]] = {}

    def forget(self, key: str) -> None:
        self._checks.pop(key, None)
        self._good.pop(key, None)

    def analyze(self, root: ProgramRoot, docs: Mapping[str, Document]) -> Snapshot:
        t0 = time.perf_counter()
        loaded = self.loader.load(root, docs)
        t1 = time.perf_counter()
        check = check_modules(loaded.modules, self._checks.get(root.key))
        t2 = time.perf_counter()
        self._checks[root.key] = check
        good = self._good.setdefault(root.key, {})
        for name, cell_diagnostics in check.cell_diagnostics.items():
            if not any(d.is_error for d in cell_diagnostics):
                module = check.program.modules.get(name.module)
                if module is not None and name.name in module.cells:
                    good[name] = module.cells[name.name]
        by_name = {p.source.name: loaded.uris[path] for path, p in loaded.parses.items()}
        grouped: dict[str, list[Diagnostic]] = {uri: [] for uri in loaded.uris.values()}
        for d in (*loaded.diagnostics, *check.diagnostics):
            uri = by_name.get(d.file.name) if d.file is not None else None
            if uri is not None:
                grouped[uri].append(d)
        timings = {"parse": (t1 - t0) * 1000, "check": (t2 - t1) * 1000}
        return Snapshot(
            root,
            loaded,
            check,
            {uri: tuple(ds) for uri, ds in grouped.items()},
            dict(good),
            timings,
        )
