"""The diagnostic model shared by every stage of the toolchain.

A :class:`Diagnostic` is data: the parser, checker, verifier and language server
create them, and :mod:`aura_core.render` turns them into rustc-style text or the
JSON objects of spec section 9.  Codes are stable identifiers registered in
:mod:`aura_core.codes`; ``aura explain CODE`` prints their pages.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from aura_core.source import SourceFile, Span

__all__ = ["Diagnostic", "Edit", "Help", "Label", "Severity"]


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    NOTE = "note"


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace the text of ``span`` (in the diagnostic's file) with ``replacement``."""

    span: Span
    replacement: str


@dataclass(frozen=True, slots=True)
class Help:
    """A ``help:`` line, optionally with a machine-applicable edit (the JSON ``fix``)."""

    message: str
    edit: Edit | None = None


@dataclass(frozen=True, slots=True)
class Label:
    """A secondary place worth showing ("related" in LSP terms)."""

    span: Span
    message: str
    file: SourceFile | None = None  # None: the diagnostic's own file


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One error, warning or note with a stable code.

    ``file`` and ``span`` are None only for problems that have no place in a
    source text (an unreadable file, a bad command-line argument).
    """

    code: str
    severity: Severity
    message: str
    file: SourceFile | None = None
    span: Span | None = None
    labels: tuple[Label, ...] = ()
    notes: tuple[str, ...] = ()
    help: Help | None = None

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    @classmethod
    def error(
        cls,
        code: str,
        message: str,
        file: SourceFile | None = None,
        span: Span | None = None,
        *,
        labels: tuple[Label, ...] = (),
        notes: tuple[str, ...] = (),
        help: Help | str | None = None,
    ) -> Diagnostic:
        return cls(code, Severity.ERROR, message, file, span, labels, notes, _help(help))

    @classmethod
    def warning(
        cls,
        code: str,
        message: str,
        file: SourceFile | None = None,
        span: Span | None = None,
        *,
        labels: tuple[Label, ...] = (),
        notes: tuple[str, ...] = (),
        help: Help | str | None = None,
    ) -> Diagnostic:
        return cls(code, Severity.WARNING, message, file, span, labels, notes, _help(help))


def _help(h: Help | str | None) -> Help | None:
    return Help(h) if isinstance(h, str) else h
