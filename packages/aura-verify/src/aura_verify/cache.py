"""The proof cache: a cell's result, stored under its key (:mod:`aura_verify.keys`).

One JSON file per entry, ``<dir>/proofs/<k[:2]>/<k>.json``, written to a
temporary file and renamed into place, so concurrent runs never see half an
entry (two runs proving the same cell write the same content).  An entry that
cannot be read or does not have the expected shape is a miss.

Keys leave source positions out, so an entry stores every place relative to
an *anchor*: the cell itself (whose text is part of its key) or a cell it
depends on, for places in that cell's header (its text is part of the key
too); reading the entry back moves each place to where its anchor is now.  A
result with a place that has no such anchor is not stored.

Only verdicts reached within the resource budget are stored (see
:func:`aura_verify.incremental.cacheable`), under a key that includes that
budget; a result cut short by the budget, the wall clock or Ctrl-C never is.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aura_core import tir
from aura_core.diagnostics import Diagnostic, Edit, Help, Label, Severity
from aura_core.proofs import CHECK_KINDS, ProvenCheck
from aura_core.source import SourceFile, Span
from aura_verify.keys import KeyComputer
from aura_verify.proven import CellOutcome
from aura_verify.results import CellResult, Failure

__all__ = ["ENTRY_FORMAT", "ProofCache", "decode_outcome", "encode_outcome"]

ENTRY_FORMAT = 2
_STATUSES = frozenset({"verified", "failed", "unknown"})


class _NoAnchor(Exception):
    """A place the key does not cover: the result is not cacheable."""


@dataclass(frozen=True)
class ProofCache:
    """The entries under ``folder`` (``<dir>/proofs``)."""

    folder: Path

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.json"

    def load(self, key: str) -> dict[str, Any] | None:
        try:
            data = json.loads(self._path(key).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict) or data.get("format") != ENTRY_FORMAT:
            return None
        return data if data.get("key") == key else None

    def store(self, key: str, data: dict[str, Any]) -> None:
        """Write the entry atomically; a cache that cannot be written is skipped."""
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".entry-", suffix=".tmp", dir=path.parent)
        except OSError:
            return
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                json.dump({"format": ENTRY_FORMAT, "key": key, **data}, out)
            os.replace(tmp, path)
        except OSError:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


class _Places:
    """Places of one cell's result, relative to anchors, and back."""

    def __init__(self, program: tir.Program, cell: tir.CellDef, keys: KeyComputer) -> None:
        self.program = program
        self.cell = cell
        self.source = program.modules[cell.name.module].source
        self.keys = keys
        self._deps: list[tir.CellDef] | None = None

    def deps(self) -> list[tir.CellDef]:
        if self._deps is None:
            out: list[tir.CellDef] = []
            for name in sorted(self.keys.dependencies(self.cell), key=str):
                module = self.program.modules.get(name.module)
                if module is not None and name.name in module.cells:
                    out.append(module.cells[name.name])
            self._deps = out
        return self._deps

    def encode(self, file: SourceFile | None, span: Span) -> list[Any]:
        file = file if file is not None else self.source
        own = self.cell.span
        if _same(file, self.source) and own.start <= span.start and span.end <= own.end:
            return [".", span.start - own.start, span.end - own.start]
        for dep in self.deps():
            src = self.program.modules[dep.name.module].source
            start, end = dep.span.start, self.keys.header_end(dep)
            if _same(file, src) and start <= span.start and span.end <= end:
                return [str(dep.name), span.start - start, span.end - start]
        raise _NoAnchor

    def decode(self, place: object) -> tuple[SourceFile, Span]:
        if not isinstance(place, list) or len(place) != 3:
            raise ValueError("bad place")
        anchor, a, b = place
        if type(a) is not int or type(b) is not int or not 0 <= a <= b:
            raise ValueError("bad offsets")
        if anchor == ".":
            return self.source, Span(self.cell.span.start + a, self.cell.span.start + b)
        for dep in self.deps():
            if str(dep.name) == anchor:
                src = self.program.modules[dep.name.module].source
                return src, Span(dep.span.start + a, dep.span.start + b)
        raise ValueError("unknown anchor")


def _same(a: SourceFile, b: SourceFile) -> bool:
    return a is b or (a.name == b.name and a.text == b.text)


def encode_outcome(
    outcome: CellOutcome, program: tir.Program, keys: KeyComputer
) -> dict[str, Any] | None:
    """The entry for ``outcome``; None when a place in it has no anchor."""
    r = outcome.result
    places = _Places(program, program.cell(r.name), keys)
    try:
        failures = [_failure_out(f, places) for f in r.failures]
        warnings = [_diagnostic_out(d, places) for d in r.warnings]
        own = r.span
        proven = [[k.kind, k.start - own.start, k.end - own.start] for k in outcome.proven]
    except _NoAnchor:
        return None
    return {
        "status": r.status,
        "time_ms": r.time_ms,
        "failures": failures,
        "warnings": warnings,
        "proven": proven,
    }


def decode_outcome(
    data: dict[str, Any], program: tir.Program, cell: tir.CellDef, keys: KeyComputer
) -> CellOutcome | None:
    """The outcome an entry stores, moved to the cell's current place; None if the
    entry is malformed."""
    places = _Places(program, cell, keys)
    try:
        status = data["status"]
        if status not in _STATUSES or type(data["time_ms"]) is not int:
            return None
        failures = tuple(_failure_in(f, places) for f in data["failures"])
        warnings = tuple(_diagnostic_in(d, places) for d in data["warnings"])
        start = cell.span.start
        proven: list[ProvenCheck] = []
        for kind, a, b in data["proven"]:
            if kind not in CHECK_KINDS or type(a) is not int or type(b) is not int:
                return None
            proven.append(ProvenCheck(kind, start + a, start + b))
    except (KeyError, TypeError, ValueError):
        return None
    file = places.source
    result = CellResult(
        cell.name, file, cell.span, status, data["time_ms"], failures, warnings, cached=True
    )
    return CellOutcome(result, tuple(proven))


def _failure_out(f: Failure, places: _Places) -> dict[str, Any]:
    return {
        "status": f.status,
        "code": f.code,
        "message": f.message,
        "place": places.encode(f.file, f.span),
        "counterexample": [list(p) for p in f.counterexample],
        "related": [_label_out(label, places) for label in f.related],
    }


def _failure_in(data: dict[str, Any], places: _Places) -> Failure:
    status = data["status"]
    if status not in _STATUSES:
        raise ValueError("bad status")
    file, span = places.decode(data["place"])
    cex = tuple((_str(n), _str(v)) for n, v in data["counterexample"])
    related = tuple(_label_in(x, places) for x in data["related"])
    return Failure(status, _str(data["code"]), _str(data["message"]), file, span, cex, related)


def _label_out(label: Label, places: _Places) -> dict[str, Any]:
    return {
        "place": places.encode(label.file, label.span),
        "message": label.message,
        "own": label.file is None,
    }


def _label_in(data: dict[str, Any], places: _Places) -> Label:
    file, span = places.decode(data["place"])
    return Label(span, _str(data["message"]), None if data["own"] else file)


def _diagnostic_out(d: Diagnostic, places: _Places) -> dict[str, Any]:
    if d.file is None or d.span is None:
        raise _NoAnchor
    edit = None
    if d.help is not None and d.help.edit is not None:
        edit = {
            "place": places.encode(d.file, d.help.edit.span),
            "replacement": d.help.edit.replacement,
        }
    return {
        "code": d.code,
        "severity": d.severity.value,
        "message": d.message,
        "place": places.encode(d.file, d.span),
        "labels": [_label_out(label, places) for label in d.labels],
        "notes": list(d.notes),
        "help": None if d.help is None else {"message": d.help.message, "edit": edit},
    }


def _diagnostic_in(data: dict[str, Any], places: _Places) -> Diagnostic:
    file, span = places.decode(data["place"])
    help_data = data["help"]
    help_ = None
    if help_data is not None:
        edit = None
        if help_data["edit"] is not None:
            _, edit_span = places.decode(help_data["edit"]["place"])
            edit = Edit(edit_span, _str(help_data["edit"]["replacement"]))
        help_ = Help(_str(help_data["message"]), edit)
    return Diagnostic(
        _str(data["code"]),
        Severity(data["severity"]),
        _str(data["message"]),
        file,
        span,
        tuple(_label_in(x, places) for x in data["labels"]),
        tuple(_str(n) for n in data["notes"]),
        help_,
    )


def _str(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError("expected a string")
    return value
