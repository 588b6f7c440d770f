"""Shared foundations of the Aura toolchain: sources, spans, diagnostics and their rendering.

The names below are the stable public API.  The syntax tree lives in the
submodule :mod:`aura_core.ast` (``import aura_core.ast as ast``) and is not
re-exported, so that its many node names stay in their own namespace; the
helpers for writing ``aura`` subcommands are in :mod:`aura_core.cli_support`.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from aura_core.codes import CODES, is_known
    from aura_core.diagnostics import Diagnostic, Edit, Help, Label, Severity
    from aura_core.explain import explanation
    from aura_core.render import render_human, render_json, summary_line
    from aura_core.source import Position, SourceFile, Span

#: Where each public name is defined.  They are imported on first use: every
#: ``aura`` command imports this package, and most need only a few of them.
_DEFINED_IN = {
    "CODES": "codes",
    "Diagnostic": "diagnostics",
    "Edit": "diagnostics",
    "Help": "diagnostics",
    "Label": "diagnostics",
    "Position": "source",
    "Severity": "diagnostics",
    "SourceFile": "source",
    "Span": "source",
    "explanation": "explain",
    "is_known": "codes",
    "render_human": "render",
    "render_json": "render",
    "summary_line": "render",
}

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


def __getattr__(name: str) -> object:
    module = _DEFINED_IN.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"{__name__}.{module}"), name)


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
