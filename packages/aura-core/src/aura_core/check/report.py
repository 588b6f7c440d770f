"""Collecting the checker's diagnostics."""

from __future__ import annotations

from collections.abc import Sequence

from aura_core.diagnostics import Diagnostic, Edit, Help, Label
from aura_core.source import SourceFile, Span

__all__ = ["Reporter"]


class Reporter:
    """An append-only list of diagnostics with shorthands for the checker."""

    def __init__(self) -> None:
        self.diagnostics: list[Diagnostic] = []

    def error(
        self,
        code: str,
        message: str,
        file: SourceFile,
        span: Span,
        *,
        labels: Sequence[tuple[Span, str] | Label] = (),
        notes: Sequence[str] = (),
        help: str | None = None,
        edit: tuple[Span, str] | None = None,
    ) -> None:
        """Record an error; a label given as ``(span, message)`` points into ``file``."""
        self.diagnostics.append(
            Diagnostic.error(
                code,
                message,
                file,
                span,
                labels=tuple(x if isinstance(x, Label) else Label(*x) for x in labels),
                notes=tuple(notes),
                help=_help(help, edit),
            )
        )

    def warning(
        self,
        code: str,
        message: str,
        file: SourceFile,
        span: Span,
        *,
        notes: Sequence[str] = (),
        help: str | None = None,
    ) -> None:
        self.diagnostics.append(
            Diagnostic.warning(
                code, message, file, span, notes=tuple(notes), help=_help(help, None)
            )
        )

    @property
    def error_count(self) -> int:
        return sum(1 for d in self.diagnostics if d.is_error)


def _help(message: str | None, edit: tuple[Span, str] | None) -> Help | None:
    if message is None:
        return None
    return Help(message, Edit(*edit) if edit else None)
