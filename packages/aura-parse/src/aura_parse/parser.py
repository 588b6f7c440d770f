"""The parser driver: source text in, AST, comments and diagnostics out.

``parse_module`` splits the file into top-level declarations
(:mod:`aura_parse.chunks`) and parses each with one LALR parser whose
post-lexer handles layout (:mod:`aura_parse.layout`) and whose callbacks
build the AST as rules reduce (:mod:`aura_parse.builder`).  A syntax error
ends only the declaration it is in, so every declaration's first error is
reported.

The lark parser and its callbacks are built once per process and carry the
state of the parse in progress, so parses are serialised by a lock; parsing
holds the GIL throughout anyway.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace
from functools import cache
from importlib.resources import files

from aura_core import ast
from aura_core.diagnostics import Diagnostic, Help
from aura_core.source import SourceFile, Span
from lark import Lark
from lark.exceptions import UnexpectedInput, VisitError

from aura_parse.builder import AstBuilder, BuildSession
from aura_parse.chunks import split_declarations
from aura_parse.errors import describe_error
from aura_parse.layout import CommentToken, LayoutError, LayoutPostLexer

__all__ = ["ParseResult", "ParseError", "parse_module", "parse_expr"]


@dataclass(frozen=True, slots=True)
class ParseResult:
    """A module's tree, the comments beside it, and what was wrong with it.

    Declarations with syntax errors are left out of ``module``; the others are
    complete.  ``comments`` excludes ``##`` lines that became a ``doc``.
    """

    source: SourceFile
    module: ast.Module
    comments: tuple[ast.Comment, ...]
    diagnostics: tuple[Diagnostic, ...]

    @property
    def ok(self) -> bool:
        return not any(d.is_error for d in self.diagnostics)


class ParseError(Exception):
    """Raised by :func:`parse_expr` (and tools that need a clean parse)."""

    def __init__(self, diagnostics: tuple[Diagnostic, ...]):
        super().__init__("; ".join(d.message for d in diagnostics))
        self.diagnostics = diagnostics


@dataclass
class _Machine:
    lark: Lark
    builder: AstBuilder
    postlexer: LayoutPostLexer
    lock: threading.RLock


@cache
def _machine() -> _Machine:
    builder = AstBuilder()
    postlexer = LayoutPostLexer()
    grammar = files("aura_parse").joinpath("aura.lark").read_text(encoding="utf-8")
    lark = Lark(
        grammar,
        parser="lalr",
        lexer="contextual",
        postlex=postlexer,
        transformer=builder,
        start=["module", "interpolation"],
        maybe_placeholders=True,
        propagate_positions=False,
        cache=False,
    )
    return _Machine(lark, builder, postlexer, threading.RLock())


class _Parse:
    """One call of :func:`parse_module`: the state shared by its chunks."""

    def __init__(self, source: SourceFile):
        self.source = source
        self.machine = _machine()
        self.diagnostics: list[Diagnostic] = []
        self.comments: list[CommentToken] = []

    def error(self, code: str, message: str, start: int, end: int, help: str | None) -> None:
        self.diagnostics.append(
            Diagnostic.error(code, message, self.source, Span(start, end),
                             help=Help(help) if help else None)
        )

    def run(self, text: str, base: int, start: str) -> object | None:
        """Parse ``text`` (found at ``base`` in the file) from rule ``start``."""
        m = self.machine
        session = BuildSession(base, self.interpolation)
        saved = (m.builder.session, m.postlexer.sink)
        m.builder.session = session
        m.postlexer.sink = []
        try:
            result = m.lark.parse(text, start=start)
            session.check_int_literals()
        except LayoutError as e:
            self.error(e.code, e.message, base + e.start, base + e.end, e.help)
            return None
        except UnexpectedInput as e:
            p = describe_error(e, text)
            self.error(p.code, p.message, base + p.start, base + p.end, p.help)
            return None
        except (VisitError, RecursionError):
            self.error("E0014", "this declaration is nested too deeply", base, base + len(text),
                       "split it into smaller cells")
            return None
        finally:
            if start == "module":
                self.comments.extend(
                    CommentToken(c.start + base, c.end + base, c.text, c.own_line)
                    for c in m.postlexer.sink or ()
                )
            m.builder.session, m.postlexer.sink = saved
        for issue in session.issues:
            self.error(issue.code, issue.message, issue.start, issue.end, issue.help)
        return result

    def interpolation(self, text: str, base: int) -> ast.Expr | None:
        result = self.run(text, base, "interpolation")
        return result if result is not None else None  # type: ignore[return-value]


def parse_module(source: SourceFile) -> ParseResult:
    """Parse one module, reporting every declaration's syntax errors."""
    p = _Parse(source)
    text = source.text
    decls: list[ast.Decl] = []
    with p.machine.lock:
        for start, end in split_declarations(text):
            result = p.run(text[start:end], start, "module")
            if isinstance(result, ast.Module):
                decls.extend(result.decls)
    comments = [ast.Comment(c.text, c.own_line, span=Span(c.start, c.end)) for c in p.comments]
    decls, comments = _attach_docs(source, decls, comments)
    span = Span(0, len(text))
    p.diagnostics.sort(key=lambda d: d.span.start if d.span else 0)
    return ParseResult(source, ast.Module(tuple(decls), span=span), tuple(comments),
                       tuple(p.diagnostics))


def parse_expr(text: str) -> ast.Expr:
    """Parse a single expression (for tests and tools); raises :class:`ParseError`."""
    source = SourceFile("<expr>", text)
    p = _Parse(source)
    with p.machine.lock:
        result = p.run(text, 0, "interpolation")
    if p.diagnostics or result is None:
        raise ParseError(tuple(p.diagnostics))
    return result  # type: ignore[return-value]


def _attach_docs(
    source: SourceFile, decls: list[ast.Decl], comments: list[ast.Comment]
) -> tuple[list[ast.Decl], list[ast.Comment]]:
    """Move ``##`` lines directly above a declaration into its ``doc``."""
    by_line = {source.position(c.span.start).line: i for i, c in enumerate(comments)
               if c.own_line and c.text.startswith("##")}
    if not by_line:
        return decls, comments
    used: set[int] = set()
    out: list[ast.Decl] = []
    for d in decls:
        if isinstance(d, ast.Import):
            out.append(d)
            continue
        line = source.position(d.span.start).line - 1
        lines: list[str] = []
        while line in by_line and by_line[line] not in used:
            text = comments[by_line[line]].text[2:]
            lines.append(text[1:] if text.startswith(" ") else text)
            used.add(by_line[line])
            line -= 1
        out.append(replace(d, doc="\n".join(reversed(lines))) if lines else d)
    return out, [c for i, c in enumerate(comments) if i not in used]
