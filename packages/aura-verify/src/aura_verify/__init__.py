"""Verification of Aura programs (spec section 8): verification conditions,
Z3 proofs and counterexamples behind ``aura verify``.

It consumes the typed program of aura-core's checker.  The public API:

- :func:`verify_cell` and :func:`verify_cells` prove cells of a checked
  :class:`~aura_core.tir.Program` under :class:`Options` and return
  :class:`CellResult`\\ s (status, time, the :class:`Failure`\\ s);
- :func:`select_cells` lists the cells ``aura verify`` proves;
- :func:`failure_diagnostic` turns a failure into a diagnostic (for editors);
- :func:`verify_paths` is ``aura verify`` without the printing (the proof cache
  and the export of proven checks when asked);
- :func:`verification_keys` gives each cell's proof-cache key, so that an
  editor can tell which cells an edit leaves proven;
- :data:`DEFAULT_RLIMIT` and :data:`DEFAULT_TIMEOUT` are the resource budget
  and the wall-clock safety net per obligation of ``aura verify``, which an
  editor uses too so that it shows the same verdicts.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from aura_verify.budgets import DEFAULT_RLIMIT, DEFAULT_TIMEOUT
    from aura_verify.command import verify_paths
    from aura_verify.driver import Options, select_cells, verify_cell, verify_cells
    from aura_verify.incremental import verification_keys
    from aura_verify.report import FileReport, failure_diagnostic, to_json
    from aura_verify.results import CellResult, Failure, Status

#: Where each public name is defined.  They are imported on first use, so that
#: ``aura verify`` replaying a kept report (:mod:`aura_verify.replay`) imports
#: neither the checker nor Z3.
_DEFINED_IN = {
    "DEFAULT_RLIMIT": "budgets",
    "DEFAULT_TIMEOUT": "budgets",
    "CellResult": "results",
    "Failure": "results",
    "FileReport": "report",
    "Options": "driver",
    "Status": "results",
    "failure_diagnostic": "report",
    "select_cells": "driver",
    "to_json": "report",
    "verification_keys": "incremental",
    "verify_cell": "driver",
    "verify_cells": "driver",
    "verify_paths": "command",
}

__all__ = [
    "DEFAULT_RLIMIT",
    "DEFAULT_TIMEOUT",
    "CellResult",
    "Failure",
    "FileReport",
    "Options",
    "Status",
    "failure_diagnostic",
    "select_cells",
    "to_json",
    "verification_keys",
    "verify_cell",
    "verify_cells",
    "verify_paths",
]


def __getattr__(name: str) -> object:
    module = _DEFINED_IN.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"{__name__}.{module}"), name)
