"""The parser driver: source text in, AST, comments and diagnostics out.

``parse_module`` splits the file into top-level declarations
(:mod:`aura_parse.chunks`) and parses each: the lexer (:mod:`aura_parse.lexer`)
feeds the layout post-lexer (:mod:`aura_parse.layout`), whose tokens drive
the LALR tables lark built from ``aura.lark`` (:mod:`aura_parse.lalr`), whose
callbacks build the AST as rules reduce (:mod:`aura_parse.builder`).  A syntax
error ends only the declaration it is in, so every declaration's first error
is reported.

The tables and callbacks are built once per process; the callbacks carry the
state of the parse in progress, so parses are serialised by a lock (parsing
holds the GIL throughout anyway).
"""

from __future__ import annotations

import sys
import threading
from dataclasses import dataclass, field, replace
from functools import cache
from importlib.resources import files
from typing import cast

from lark import Lark
from lark import __version__ as lark_version
from lark.lexer import PatternRE

from aura_core import ast
from aura_core.build_cache import private_dir
from aura_core.diagnostics import Diagnostic, Edit, Help
from aura_core.source import SourceFile, Span
from aura_core.spans import remap_spans
from aura_parse.builder import AstBuilder, BuildSession
from aura_parse.chunks import split_declarations
from aura_parse.errors import SyntaxProblem, describe_bad_character, describe_unexpected_token
from aura_parse.habits import bad_character_habit, unexpected_token_habit
from aura_parse.lalr import FastLalr, UnexpectedTokenError
from aura_parse.layout import CommentToken, LayoutError, LayoutPostLexer
from aura_parse.lexer import Lexer, LexError, TerminalSpec

__all__ = ["Chunk", "ParseError", "ParseResult", "parse_expr", "parse_module"]


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
    #: What each top-level declaration's text parsed to, for reuse after an edit.
    chunks: tuple[Chunk, ...] = field(default=(), compare=False, repr=False)

    @property
    def ok(self) -> bool:
        return not any(d.is_error for d in self.diagnostics)


@dataclass(frozen=True, slots=True)
class Chunk:
    """One top-level declaration's text and what it parsed to (docs not yet attached)."""

    start: int
    text: str
    decls: tuple[ast.Decl, ...]
    comments: tuple[ast.Comment, ...]
    diagnostics: tuple[Diagnostic, ...]


class ParseError(Exception):
    """Raised by :func:`parse_expr` (and tools that need a clean parse)."""

    def __init__(self, diagnostics: tuple[Diagnostic, ...]):
        super().__init__("; ".join(d.message for d in diagnostics))
        self.diagnostics = diagnostics


@dataclass(frozen=True)
class _Machine:
    """Everything built once from the grammar."""

    lexer: Lexer
    parser: FastLalr
    builder: AstBuilder
    lock: threading.RLock


@cache
def _machine() -> _Machine:
    builder = AstBuilder()
    grammar = files("aura_parse").joinpath("aura.lark").read_text(encoding="utf-8")
    lark = Lark(
        grammar,
        parser="lalr",
        lexer="basic",
        transformer=builder,
        start=["module", "interpolation"],
        maybe_placeholders=True,
        # Building the LALR tables takes most of a second; lark keeps them in a
        # file (checked against the grammar's hash), so later processes load them
        # in a fraction of that.
        cache=_table_cache(),
    )
    conf = lark.lexer_conf
    terminals = [
        TerminalSpec(t.name, t.pattern.value, isinstance(t.pattern, PatternRE))
        for t in conf.terminals
    ]
    return _Machine(Lexer(terminals, list(conf.ignore)), FastLalr(lark), builder, threading.RLock())


def _table_cache() -> str | bool:
    """Where the parser tables are cached: a directory only this user can write.

    The cache is a pickle, so it must never live where another user could plant
    one (lark's default is the shared temporary directory).  Without such a
    directory the tables are built in every process.
    """
    folder = private_dir("parser")
    if folder is None:
        return False
    version = f"{sys.version_info[0]}{sys.version_info[1]}"
    return str(folder / f"tables-lark{lark_version}-py{version}.pickle")


class _Parse:
    """One call of :func:`parse_module`: the state shared by its declarations."""

    def __init__(self, source: SourceFile):
        self.source = source
        self.machine = _machine()
        self.diagnostics: list[Diagnostic] = []
        self.comments: list[CommentToken] = []

    def error(
        self,
        code: str,
        message: str,
        start: int,
        end: int,
        help: str | None,
        fix: tuple[int, int, str] | None = None,
    ) -> None:
        edit = Edit(Span(fix[0], fix[1]), fix[2]) if fix is not None else None
        self.diagnostics.append(
            Diagnostic.error(
                code,
                message,
                self.source,
                Span(start, end),
                help=Help(help, edit) if help else None,
            )
        )

    def run(self, start: int, end: int, rule: str) -> object | None:
        """Parse ``text[start:end]`` from grammar rule ``rule``; None after an error."""
        m = self.machine
        text = self.source.text
        session = BuildSession(self.interpolation)
        saved = m.builder.session
        m.builder.session = session
        layout = LayoutPostLexer(
            text, self.comments if rule == "module" else [], top_level=rule == "module"
        )
        result: object | None = None
        try:
            result = m.parser.parse(layout.process(m.lexer.tokens(text, start, end)), rule, end)
            session.check_int_literals()
            if session.too_deep:
                result = None  # later passes must never see a tree this deep
        except LexError as e:
            self._report(bad_character_habit(text, e.pos) or describe_bad_character(text, e.pos))
        except UnexpectedTokenError as e:
            self._report(
                unexpected_token_habit(e.token, e.expected, text)
                or describe_unexpected_token(e.token, e.expected, text)
            )
        except LayoutError as e:
            self.error(e.code, e.message, e.start, e.end, e.help)
        except RecursionError:
            self.error(
                "E0014",
                "this declaration is nested too deeply",
                start,
                end,
                "split it into smaller cells",
            )
        finally:
            m.builder.session = saved
        # What the builder found before a syntax error stopped it is still true.
        for issue in session.issues:
            self._report(issue)
        return result

    def chunk(self, start: int, end: int) -> Chunk:
        """Parse the declaration text at ``[start, end)``."""
        first_diagnostic, first_comment = len(self.diagnostics), len(self.comments)
        result = self.run(start, end, "module")
        decls = result.decls if isinstance(result, ast.Module) else ()
        comments = tuple(
            ast.Comment(c.text, c.own_line, span=Span(c.start, c.end))
            for c in self.comments[first_comment:]
        )
        diagnostics = tuple(self.diagnostics[first_diagnostic:])
        return Chunk(start, self.source.text[start:end], decls, comments, diagnostics)

    def _report(self, p: SyntaxProblem) -> None:
        self.error(p.code, p.message, p.start, p.end, p.help, p.fix)

    def interpolation(self, start: int, end: int) -> ast.Expr | None:
        return cast(ast.Expr | None, self.run(start, end, "interpolation"))


def parse_module(source: SourceFile, previous: ParseResult | None = None) -> ParseResult:
    """Parse one module, reporting every declaration's syntax errors.

    With ``previous`` (the result for an earlier text of the same file), a
    declaration whose text is unchanged is not parsed again: its tree is moved to
    where the text now is.  The result is the same as without ``previous``.
    """
    p = _Parse(source)
    text = source.text
    reusable = {c.text: c for c in previous.chunks} if previous is not None else {}
    chunks: list[Chunk] = []
    with p.machine.lock:
        for start, end in split_declarations(text):
            piece = text[start:end]
            old = reusable.get(piece)
            chunks.append(
                p.chunk(start, end) if old is None else _moved(old, start - old.start, source)
            )
    decls = [d for c in chunks for d in c.decls]
    comments = [x for c in chunks for x in c.comments]
    decls, comments = _attach_docs(source, decls, comments)
    diagnostics = sorted(
        (d for c in chunks for d in c.diagnostics), key=lambda d: d.span.start if d.span else 0
    )
    return ParseResult(
        source,
        ast.Module(tuple(decls), span=Span(0, len(text))),
        tuple(comments),
        tuple(diagnostics),
        tuple(chunks),
    )


def _moved(chunk: Chunk, delta: int, source: SourceFile) -> Chunk:
    """``chunk`` as parsed at ``chunk.start + delta`` of ``source``."""
    old_file = chunk.diagnostics[0].file if chunk.diagnostics else None
    files = (old_file, source) if old_file is not None else None
    diagnostics = remap_spans(chunk.diagnostics, lambda o: o + delta, files)
    if not delta:  # above the edit: the trees stand where they stood
        return Chunk(chunk.start, chunk.text, chunk.decls, chunk.comments, diagnostics)
    decls, comments = remap_spans((chunk.decls, chunk.comments), lambda o: o + delta)
    return Chunk(chunk.start + delta, chunk.text, decls, comments, diagnostics)


def parse_expr(text: str) -> ast.Expr:
    """Parse a single expression (for tests and tools); raises :class:`ParseError`."""
    p = _Parse(SourceFile("<expr>", text))
    with p.machine.lock:
        result = p.interpolation(0, len(text))
    if p.diagnostics or result is None:
        raise ParseError(tuple(p.diagnostics))
    return result


def _attach_docs(
    source: SourceFile, decls: list[ast.Decl], comments: list[ast.Comment]
) -> tuple[list[ast.Decl], list[ast.Comment]]:
    """Move ``##`` lines directly above a declaration into its ``doc``."""
    by_line = {
        source.position(c.span.start).line: i
        for i, c in enumerate(comments)
        if c.own_line and c.text.startswith("##")
    }
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
