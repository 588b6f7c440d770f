"""A program loaded and checked, ready for a back end (interpreter, native code).

Every engine starts the same way: follow the imports (:func:`~aura_parse.loader.load_program`),
check the modules (:func:`aura_core.check.check_modules`), and stop with the
diagnostics when there are errors.  This is that step, once.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from aura_core import tir
from aura_core.check import check_modules
from aura_core.diagnostics import Diagnostic
from aura_parse.loader import load_program

__all__ = ["CheckedProgram", "load_checked"]


@dataclass(frozen=True)
class CheckedProgram:
    """A program without errors; ``own`` are the modules of the entry's package."""

    program: tir.Program
    #: The module whose ``main`` runs (or whose tests run).
    entry: tuple[str, ...]
    own: tuple[tuple[str, ...], ...]
    #: Its warnings.
    diagnostics: tuple[Diagnostic, ...]


def load_checked(path: Path, *, dev: bool = False) -> CheckedProgram | list[Diagnostic]:
    """Load and check the program at ``path`` (with its dev-dependencies when
    ``dev``); its diagnostics instead if it has errors."""
    loaded = load_program(path, dev_dependencies=dev)
    if not loaded.ok or loaded.entry is None:
        return list(loaded.diagnostics)
    checked = check_modules(loaded.modules)
    diagnostics = [*loaded.diagnostics, *checked.diagnostics]
    if not checked.ok:
        return diagnostics
    package = next(m.package for m in loaded.modules if m.path == loaded.entry)
    own = tuple(m.path for m in loaded.modules if m.package == package)
    return CheckedProgram(checked.program, loaded.entry, own, tuple(diagnostics))
