"""A parser hint with an edit reaches the editor as a quick fix."""

from __future__ import annotations

from lsprotocol import types as lsp

from aura_core.source import SourceFile
from aura_lsp.diagnostics import code_actions, to_lsp
from aura_parse import parse_module


def test_a_habit_hint_becomes_a_quick_fix() -> None:
    source = SourceFile("t.aura", "cell f(a: bool, b: bool) -> bool:\n    return a && b\n")
    (d,) = parse_module(source).diagnostics
    (action,) = code_actions("file:///t.aura", [to_lsp(d, lambda f: None)])
    assert action.kind == lsp.CodeActionKind.QuickFix
    assert action.title == "replace `&&` with `and`"
    assert action.edit is not None and action.edit.changes is not None
    (edit,) = action.edit.changes["file:///t.aura"]
    assert edit.new_text == "and"
    assert (edit.range.start.line, edit.range.start.character) == (1, 13)
    assert (edit.range.end.line, edit.range.end.character) == (1, 15)
