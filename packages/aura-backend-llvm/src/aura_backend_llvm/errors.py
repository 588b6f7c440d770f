"""What the backend reports instead of generating code it cannot get right."""

from __future__ import annotations

from aura_core.diagnostics import Diagnostic, Help, Severity
from aura_core.source import SourceFile, Span

__all__ = ["UNSUPPORTED", "Unsupported"]

#: The diagnostic code of a construct the native backend cannot compile yet.
UNSUPPORTED = "E1001"


class Unsupported(Exception):
    """A construct the backend does not compile; becomes an E1001 diagnostic."""

    def __init__(self, what: str, source: SourceFile | None = None, span: Span | None = None):
        super().__init__(what)
        self.what = what
        self.source = source
        self.span = span

    def diagnostic(self) -> Diagnostic:
        return Diagnostic(
            code=UNSUPPORTED,
            severity=Severity.ERROR,
            message=f"the native backend cannot compile {self.what} yet",
            file=self.source,
            span=self.span,
            help=Help("run the program with the interpreter (`aura run FILE`) instead"),
        )
