"""Aura diagnostics as LSP diagnostics, and their ``help:`` fixes as code actions.

The message keeps the notes and the help line (editors show only the message);
labels become related information; a help with an edit is carried in ``data``
so that a code action request can offer it without looking anything up again.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from lsprotocol import types as lsp

from aura_core.diagnostics import Diagnostic, Severity
from aura_core.source import SourceFile, Span
from aura_lsp.positions import lsp_range

__all__ = ["SOURCE", "code_actions", "to_lsp"]

SOURCE = "aura"

_SEVERITY = {
    Severity.ERROR: lsp.DiagnosticSeverity.Error,
    Severity.WARNING: lsp.DiagnosticSeverity.Warning,
    Severity.NOTE: lsp.DiagnosticSeverity.Information,
}


def to_lsp(d: Diagnostic, uri_of: Callable[[SourceFile], str | None]) -> lsp.Diagnostic:
    """One diagnostic; ``uri_of`` names the document of a label's file."""
    file = d.file
    span = d.span if d.span is not None else Span(0, 0)
    where = lsp_range(file, span) if file is not None else lsp.Range(_ZERO, _ZERO)
    lines = [d.message, *(f"note: {n}" for n in d.notes)]
    data: dict[str, Any] | None = None
    if d.help is not None:
        lines.append(f"help: {d.help.message}")
        if d.help.edit is not None and file is not None:
            fix_range = lsp_range(file, d.help.edit.span)
            data = {
                "fix": {
                    "title": d.help.message,
                    "range": _range_json(fix_range),
                    "newText": d.help.edit.replacement,
                }
            }
    related: list[lsp.DiagnosticRelatedInformation] = []
    for label in d.labels:
        label_file = label.file if label.file is not None else file
        uri = uri_of(label_file) if label_file is not None else None
        if label_file is not None and uri is not None:
            location = lsp.Location(uri, lsp_range(label_file, label.span))
            related.append(lsp.DiagnosticRelatedInformation(location, label.message))
    return lsp.Diagnostic(
        range=where,
        message="\n".join(lines),
        severity=_SEVERITY[d.severity],
        code=d.code,
        source=SOURCE,
        related_information=related or None,
        data=data,
    )


def code_actions(uri: str, diagnostics: Sequence[lsp.Diagnostic]) -> list[lsp.CodeAction]:
    """A quick fix for every diagnostic (among those the editor sent) that has one."""
    out: list[lsp.CodeAction] = []
    for d in diagnostics:
        fix = d.data.get("fix") if isinstance(d.data, dict) else None
        if not isinstance(fix, dict):
            continue
        try:
            edit = lsp.TextEdit(_range_of(fix["range"]), str(fix["newText"]))
        except (KeyError, TypeError, ValueError):
            continue
        out.append(
            lsp.CodeAction(
                title=str(fix.get("title", "apply the suggested fix")),
                kind=lsp.CodeActionKind.QuickFix,
                diagnostics=[d],
                is_preferred=True,
                edit=lsp.WorkspaceEdit(changes={uri: [edit]}),
            )
        )
    return out


_ZERO = lsp.Position(0, 0)


def _range_json(r: lsp.Range) -> dict[str, dict[str, int]]:
    return {
        "start": {"line": r.start.line, "character": r.start.character},
        "end": {"line": r.end.line, "character": r.end.character},
    }


def _range_of(value: Any) -> lsp.Range:
    start, end = value["start"], value["end"]
    return lsp.Range(
        lsp.Position(int(start["line"]), int(start["character"])),
        lsp.Position(int(end["line"]), int(end["character"])),
    )
