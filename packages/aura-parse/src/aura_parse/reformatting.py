"""Formatting one source safely: the canonical text, or why it cannot be given.

:func:`reformat` is what ``aura fmt`` and the language server's formatting
request share.  The formatted text is parsed again and must give the same tree
and the same comment words; if it does not, that is a formatter bug
(:class:`FormatterBug`) and the caller keeps the original text, because a
formatter that changes a program's meaning is worse than none.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from aura_core import ast
from aura_core.diagnostics import Diagnostic
from aura_core.source import SourceFile
from aura_parse.formatter import format_module
from aura_parse.parser import parse_module

__all__ = ["Formatted", "FormatterBug", "reformat"]


class FormatterBug(Exception):
    """The formatted text does not say what the original said."""


@dataclass(frozen=True, slots=True)
class Formatted:
    """The outcome of formatting one source: new text, or the syntax errors."""

    text: str | None
    diagnostics: tuple[Diagnostic, ...]


def reformat(source: SourceFile) -> Formatted:
    """Format ``source``; ``text`` is None when it has syntax errors.

    Raises :class:`FormatterBug` if the result parses differently (or not at
    all): callers must then keep the original.
    """
    result = parse_module(source)
    if not result.ok:
        return Formatted(None, result.diagnostics)
    text = format_module(result.module, result.comments, source)
    if text != source.text:
        again = parse_module(SourceFile(source.name, text))
        if not again.ok:
            first = again.diagnostics[0]
            raise FormatterBug(f"formatted text of `{source.name}` does not parse: {first.message}")
        if _normalized(again.module) != _normalized(result.module):
            raise FormatterBug(f"formatting `{source.name}` would change its syntax tree")
        if _words(again.comments) != _words(result.comments):
            raise FormatterBug(f"formatting `{source.name}` would change its comments")
    return Formatted(text, result.diagnostics)


def _normalized(module: ast.Module) -> ast.Module:
    """``module`` with doc lines stripped of trailing blanks, as the formatter writes them."""
    decls: list[ast.Decl] = []
    for d in module.decls:
        if not isinstance(d, ast.Import) and d.doc is not None:
            d = replace(d, doc="\n".join(line.rstrip() for line in d.doc.split("\n")))
        decls.append(d)
    return replace(module, decls=tuple(decls))


def _words(comments: tuple[ast.Comment, ...]) -> list[str]:
    """Comment text as words: survives trailing comments joined onto one line."""
    return [w for c in comments for w in c.text.split()]
