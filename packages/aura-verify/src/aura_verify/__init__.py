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
  editor can tell which cells an edit leaves proven.
"""

from aura_verify.command import verify_paths
from aura_verify.driver import Options, select_cells, verify_cell, verify_cells
from aura_verify.incremental import verification_keys
from aura_verify.report import FileReport, failure_diagnostic, to_json
from aura_verify.results import CellResult, Failure, Status

__all__ = [
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
