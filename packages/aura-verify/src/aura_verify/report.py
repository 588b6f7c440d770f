"""``aura verify`` output: human text and the JSON object of spec section 8.

Human output: the warnings and compile errors of each file, then every
obligation not proven as a diagnostic with its V code (an error when it failed,
a warning when it timed out or is unknown), its counterexample as a note, and
the related places as labels; a status line per cell on stdout and a closing
summary.  ``--format json`` prints one object, exactly the output contract of
spec section 8, with diagnostics in the section 9 form.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from aura_core.diagnostics import Diagnostic, Severity
from aura_core.render import render_json
from aura_verify.results import CellResult, Failure

__all__ = ["FileReport", "cell_line", "failure_diagnostic", "summary", "summary_line", "to_json"]


@dataclass
class FileReport:
    """One source file: its diagnostics and the results of its cells."""

    path: str
    diagnostics: list[Diagnostic] = field(default_factory=list)
    cells: list[CellResult] = field(default_factory=list)


def counterexample_text(f: Failure) -> str:
    return ", ".join(f"{name} = {value}" for name, value in f.counterexample)


def failure_diagnostic(f: Failure) -> Diagnostic:
    """A failure as a diagnostic, for the human output (and the language server)."""
    notes: list[str] = []
    if f.counterexample:
        notes.append("counterexample: " + counterexample_text(f))
    if f.status == "failed":
        return Diagnostic(
            f.code, Severity.ERROR, f.message, f.file, f.span, f.related, tuple(notes)
        )
    what = "timed out" if f.status == "timeout" else "not proven"
    message = f"{f.kind} {what}: {f.message}"
    return Diagnostic(f.code, Severity.WARNING, message, f.file, f.span, f.related, tuple(notes))


def cell_line(r: CellResult) -> str:
    """A cell's status line; a result read from the proof cache says so instead of
    giving a time (the stored time is that of the run that proved it)."""
    return f"{r.status:<8} {r.name.name} ({'cached' if r.cached else f'{r.time_ms} ms'})"


def summary(files: Sequence[FileReport]) -> dict[str, int]:
    counts = {"verified": 0, "failed": 0, "timeout": 0, "unknown": 0}
    for fr in files:
        for c in fr.cells:
            counts[c.status] += 1
    return counts


def summary_line(files: Sequence[FileReport]) -> str:
    c = summary(files)
    total = sum(c.values())
    cells = "cell" if total == 1 else "cells"
    return (
        f"verify: {total} {cells}: {c['verified']} verified, {c['failed']} failed, "
        f"{c['timeout']} timed out, {c['unknown']} unknown"
    )


def _failure_json(f: Failure) -> dict[str, Any]:
    pos = f.file.position(f.span.start)
    related = []
    for label in f.related:
        file = label.file if label.file is not None else f.file
        a, b = file.position(label.span.start), file.position(label.span.end)
        related.append(
            {
                "file": file.name,
                "line": a.line,
                "column": a.column,
                "end_line": b.line,
                "end_column": b.column,
                "message": label.message,
            }
        )
    return {
        "status": f.status,
        "kind": f.kind,
        "code": f.code,
        "line": pos.line,
        "column": pos.column,
        "message": f.message,
        "counterexample": dict(f.counterexample),
        "related": related,
    }


def _cell_json(r: CellResult) -> dict[str, Any]:
    return {
        "name": r.name.name,
        "status": r.status,
        "time_ms": r.time_ms,
        "cached": r.cached,
        "failures": [_failure_json(f) for f in r.failures],
    }


def to_json(files: Sequence[FileReport]) -> dict[str, Any]:
    """The object of spec section 8's output contract."""
    return {
        "version": 1,
        "files": [
            {
                "path": fr.path,
                "diagnostics": [render_json(d) for d in fr.diagnostics],
                "cells": [_cell_json(c) for c in fr.cells],
            }
            for fr in files
        ],
        "summary": summary(files),
    }
