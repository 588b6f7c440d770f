"""The canonical layout of Aura modules (``aura fmt``).

The formatter works in three steps, so that comment placement never has to be
threaded through the printing of every construct:

1. *Layout*: the tree becomes a flat list of units, each one output line (a
   declaration header with its doc lines, a clause, a statement, a block
   header, a match arm) with its nesting depth and the source offsets it came
   from.  Constructs that spanned several source lines collapse onto one line;
   0.1 does no line wrapping, so a unit's line may be long.
2. *Comments* (:mod:`aura_parse.fmt_lines`): each comment is attached to a
   unit as a trailing comment, or placed as an own-line comment before a unit
   at a chosen depth.  Placement uses only offsets (and, with a source,
   columns), never the comment's text.
3. *Rendering* (:mod:`aura_parse.fmt_lines`): units and comments are printed
   in order with blank lines decided by fixed rules between top-level
   declarations and by the source inside blocks.

The contract, tested by property tests: ``parse(format(t)).module == t`` for
every tree the parser can produce, every comment appears exactly once and in
order, and formatting a formatted file changes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence

from aura_core import ast
from aura_core.source import SourceFile
from aura_parse.fmt_expr import (
    POSTFIX,
    format_expr,
    format_pattern,
    format_range,
    format_type,
)
from aura_parse.fmt_lines import INDENT, Unit, place_comments, render

__all__ = ["INDENT", "format_expr", "format_module", "format_pattern", "format_type"]


def format_module(
    module: ast.Module,
    comments: Sequence[ast.Comment] = (),
    source: SourceFile | None = None,
) -> str:
    """The canonical text of ``module`` with ``comments`` put back in.

    ``source`` is the text the module and comments were parsed from.  Without it
    the layout is the same, but blank lines inside blocks are not kept and
    comments are placed from offsets alone (no column information), so a
    comment below the last statement of a block moves to the enclosing block.

    Raises ValueError for trees no source can produce (an empty block, a cell
    with neither clauses nor statements, an extern cell with a body).
    """
    units = _Layout(source).module(module)
    seq = place_comments(units, comments, source)
    return render(seq, source)


# ------------------------------------------------------------------------ layout


class _Layout:
    """Turns declarations and statements into units; knows the source, if any."""

    def __init__(self, source: SourceFile | None) -> None:
        self.source = source

    def module(self, module: ast.Module) -> list[Unit]:
        units: list[Unit] = []
        for decl in module.decls:
            units.extend(self.decl(decl))
        return units

    def decl(self, d: ast.Decl) -> list[Unit]:
        match d:
            case ast.Import(path=path, alias=alias):
                text = "import " + "::".join(path) + (f" as {alias}" if alias else "")
                return [Unit(0, [text], d.span.start, d.span.end, decl="import")]
            case ast.ConstDecl(name=name, type=t, value=value, pub=pub, doc=doc):
                text = f"{_pub(pub)}const {name}: {format_type(t)} = {format_expr(value)}"
                lines = [*_doc_lines(doc), text]
                return [Unit(0, lines, d.span.start, d.span.end, decl="const")]
            case ast.TypeDecl(name=name, params=params, definition=definition, pub=pub, doc=doc):
                tparams = f"<{', '.join(params)}>" if params else ""
                text = f"{_pub(pub)}type {name}{tparams} = {_type_definition(definition)}"
                lines = [*_doc_lines(doc), text]
                return [Unit(0, lines, d.span.start, d.span.end, decl="type")]
            case ast.CellDecl():
                return self.cell(d)
        raise TypeError(f"not a declaration: {d!r}")

    def cell(self, d: ast.CellDecl) -> list[Unit]:
        stmts = d.body.stmts if d.body is not None else ()
        if d.extern and stmts:
            raise ValueError(f"extern cell {d.name!r} has a body")
        if not d.extern and not stmts and not d.clauses:
            raise ValueError(f"cell {d.name!r} has neither clauses nor statements")
        if d.trusted and not d.extern:
            raise ValueError(f"cell {d.name!r} is trusted but not extern")
        if d.extern and d.kind != "cell":
            raise ValueError(f"extern cell {d.name!r} cannot be {d.kind}")
        if d.extern:
            mods = _pub(d.pub) + ("trusted " if d.trusted else "") + "extern "
        else:
            mods = _pub(d.pub) + ("" if d.kind == "cell" else d.kind + " ")
        tparams = f"<{', '.join(d.type_params)}>" if d.type_params else ""
        params = ", ".join(_param(p) for p in d.params)
        ret = f" -> {format_type(d.ret)}" if d.ret is not None else ""
        opens = bool(stmts or d.clauses)
        header = f"{mods}cell {d.name}{tparams}({params}){ret}" + (":" if opens else "")
        head_end = max(
            [p.span.end for p in d.params]
            + ([d.ret.span.end] if d.ret is not None else [])
            + [d.span.start + 1]
        )
        end = head_end if opens else d.span.end
        units = [Unit(0, [*_doc_lines(d.doc), header], d.span.start, end, "cell", opens)]
        units.extend(_clause(c, 1) for c in d.clauses)
        for s in stmts:
            units.extend(self.stmt(s, 1))
        return units

    def block(self, block: ast.Block, depth: int, what: str) -> list[Unit]:
        if not block.stmts:
            raise ValueError(f"empty block in {what}")
        units: list[Unit] = []
        for s in block.stmts:
            units.extend(self.stmt(s, depth))
        return units

    def stmt(self, s: ast.Stmt, depth: int) -> list[Unit]:
        start = s.span.start
        inner = depth + 1
        match s:
            case ast.IfStmt(branches=branches, else_body=else_body):
                units: list[Unit] = []
                prev_end: int | None = None
                for i, branch in enumerate(branches):
                    kw = "if" if i == 0 else "elif"
                    at = start if i == 0 else self._keyword(prev_end, "elif")
                    head = f"{kw} {format_expr(branch.cond)}:"
                    units.append(Unit(depth, [head], at, branch.cond.span.end, opens=True))
                    units.extend(self.block(branch.body, inner, kw))
                    prev_end = _block_end(branch.body)
                if else_body is not None:
                    at = self._keyword(prev_end, "else")
                    end = at + 4 if at is not None else None
                    units.append(Unit(depth, ["else:"], at, end, opens=True))
                    units.extend(self.block(else_body, inner, "else"))
                return units
            case ast.WhileStmt(cond=cond, clauses=clauses, body=body):
                loop = Unit(depth, [f"while {format_expr(cond)}:"], start, cond.span.end)
                return self._loop(loop, clauses, body, inner, "while")
            case ast.ForStmt(var=var, iterable=iterable, clauses=clauses, body=body):
                what = (
                    format_range(iterable)
                    if isinstance(iterable, ast.Range)
                    else format_expr(iterable)
                )
                loop = Unit(depth, [f"for {var} in {what}:"], start, iterable.span.end)
                return self._loop(loop, clauses, body, inner, "for")
            case ast.MatchStmt(scrutinee=scrutinee, arms=arms):
                if not arms:
                    raise ValueError("match without arms")
                head = f"match {format_expr(scrutinee)}:"
                units = [Unit(depth, [head], start, scrutinee.span.end, opens=True)]
                for arm in arms:
                    pat = format_pattern(arm.pattern)
                    guard = f" if {format_expr(arm.guard)}" if arm.guard is not None else ""
                    last = arm.guard if arm.guard is not None else arm.pattern
                    units.append(
                        Unit(inner, [f"{pat}{guard}:"], arm.span.start, last.span.end, opens=True)
                    )
                    units.extend(self.block(arm.body, inner + 1, "match arm"))
                return units
            case ast.UnsafeStmt(body=body):
                units = [Unit(depth, ["unsafe:"], start, start + 6, opens=True)]
                return units + self.block(body, inner, "unsafe")
        return [Unit(depth, [_simple_stmt(s)], start, s.span.end)]

    def _loop(
        self,
        head: Unit,
        clauses: tuple[ast.LoopClause, ...],
        body: ast.Block,
        inner: int,
        what: str,
    ) -> list[Unit]:
        """A loop header with its clauses moved into the body (the canonical form)."""
        head.opens = True
        units = [head]
        units.extend(_clause(c, inner) for c in clauses)
        if body.stmts or not clauses:
            units.extend(self.block(body, inner, what))
        return units

    def _keyword(self, after: int | None, word: str) -> int | None:
        """Offset of ``word`` (elif/else) following ``after``, past blanks and comments.

        The tree gives no span to these keywords, yet comments before and after
        them belong in different places, so the source is scanned for them.
        """
        if self.source is None or after is None:
            return None
        text = self.source.text
        i = after
        while i < len(text):
            ch = text[i]
            if ch.isspace():
                i += 1
            elif ch == "#":
                nl = text.find("\n", i)
                i = len(text) if nl == -1 else nl
            else:
                break
        return i if text.startswith(word, i) else None


def _pub(pub: bool) -> str:
    return "pub " if pub else ""


def _doc_lines(doc: str | None) -> list[str]:
    """``## line`` for each doc line; trailing blanks are dropped (no trailing space)."""
    if doc is None:
        return []
    return [("## " + line).rstrip() for line in doc.split("\n")]


def _param(p: ast.Param) -> str:
    text = ("mut " if p.mutable else "") + f"{p.name}: {format_type(p.type)}"
    return text + (f" where {format_expr(p.where)}" if p.where is not None else "")


def _type_definition(d: ast.TypeDefinition) -> str:
    match d:
        case ast.RecordDef(fields=fields, resource=resource):
            kw = "resource record" if resource else "record"
            if not fields:
                return kw + " {}"
            parts = []
            for f in fields:
                default = f" = {format_expr(f.default)}" if f.default is not None else ""
                parts.append(f"{f.name}: {format_type(f.type)}{default}")
            return f"{kw} {{ {', '.join(parts)} }}"
        case ast.EnumDef(variants=variants):
            if not variants:
                return "enum {}"
            return "enum { " + ", ".join(_variant(v) for v in variants) + " }"
    return format_type(d)


def _variant(v: ast.Variant) -> str:
    if v.fields is None:
        return v.name
    fields = ", ".join(
        format_type(f.type) if f.name is None else f"{f.name}: {format_type(f.type)}"
        for f in v.fields
    )
    return f"{v.name}({fields})"


def _clause(c: ast.ContractClause | ast.LoopClause, depth: int) -> Unit:
    match c:
        case ast.Requires(cond=cond):
            text = f"requires {format_expr(cond)}"
        case ast.Ensures(cond=cond):
            text = f"ensures {format_expr(cond)}"
        case ast.Invariant(cond=cond):
            text = f"invariant {format_expr(cond)}"
        case ast.Decreases(measures=measures):
            text = "decreases " + ", ".join(format_expr(m) for m in measures)
        case _:
            raise TypeError(f"not a clause: {c!r}")
    return Unit(depth, [text], c.span.start, c.span.end)


def _simple_stmt(s: ast.Stmt) -> str:
    match s:
        case ast.ValStmt(name=name, mutable=mutable, type=t, where=where, value=value):
            text = "val " + ("mut " if mutable else "") + name
            if t is not None:
                text += f": {format_type(t)}"
                if where is not None:
                    text += f" where {format_expr(where)}"
            elif where is not None:
                raise ValueError(f"val {name!r} has a where clause but no type")
            return f"{text} = {format_expr(value)}"
        case ast.Assign(target=target, op=op, value=value):
            return f"{format_expr(target, POSTFIX)} {op} {format_expr(value)}"
        case ast.ExprStmt(expr=e):
            return format_expr(e)
        case ast.ReturnStmt(value=value):
            return "return" if value is None else f"return {format_expr(value)}"
        case ast.BreakStmt():
            return "break"
        case ast.ContinueStmt():
            return "continue"
        case ast.AssertStmt(cond=cond):
            return f"assert {format_expr(cond)}"
        case ast.AssumeStmt(cond=cond):
            return f"assume {format_expr(cond)}"
    raise TypeError(f"not a statement: {s!r}")


def _block_end(block: ast.Block) -> int | None:
    """Source offset just past the last statement of ``block``, however deeply nested."""
    if not block.stmts:
        return None
    last = block.stmts[-1]
    match last:
        case ast.IfStmt(branches=branches, else_body=else_body):
            return _block_end(else_body if else_body is not None else branches[-1].body)
        case ast.WhileStmt(body=body) | ast.ForStmt(body=body) | ast.UnsafeStmt(body=body):
            nested = _block_end(body)
        case ast.MatchStmt(arms=arms):
            nested = _block_end(arms[-1].body) if arms else None
        case _:
            nested = None
    return max(last.span.end, nested) if nested is not None else last.span.end
