"""Shared foundations of the Aura toolchain: sources, spans, diagnostics and their rendering.

The names below are the stable public API.  The syntax tree lives in the
submodule :mod:`aura_core.ast` (``import aura_core.ast as ast``) and is not
re-exported, so that its many node names stay in their own namespace; the
helpers for writing ``aura`` subcommands are in :mod:`aura_core.cli_support`.
"""

from __future__ import annotations

from aura_core.codes import CODES, is_known
from aura_core.diagnostics import Diagnostic, Edit, Help, Label, Severity
from aura_core.explain import explanation
from aura_core.render import render_human, render_json, summary_line
from aura_core.source import Position, SourceFile, Span

__all__ = [
    "CODES",
    "Diagnostic",
    "Edit",
    "Help",
    "Label",
    "Position",
    "Severity",
    "SourceFile",
    "Span",
    "explanation",
    "is_known",
    "render_human",
    "render_json",
    "summary_line",
]
