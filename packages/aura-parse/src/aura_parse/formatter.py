"""The canonical layout of Aura modules (``aura fmt``).

The formatter works in three steps, so that comment placement never has to be
threaded through the printing of every construct:

1. *Layout*: the tree becomes a flat list of units, each one output line (a
   declaration header with its doc lines, a clause, a statement, a block
   header, a match arm) with its nesting depth and the source offsets it came
   from.  Constructs that spanned several source lines collapse onto one line;
   0.1 does no line wrapping, so a unit's line may be long.
2. *Comments*: each comment is attached to a unit as a trailing comment, or
   placed as an own-line comment before a unit at a chosen depth.  Placement
   uses only offsets (and, with a source, columns), never the comment's text.
3. *Rendering*: units and comments are printed in order with blank lines
   decided by fixed rules between top-level declarations and by the source
   inside blocks.

The contract, tested by property tests: ``parse(format(t)).module == t`` for
every tree the parser can produce, every comment appears exactly once and in
order, and formatting a formatted file changes nothing.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass, field

from aura_core import ast
from aura_core.source import SourceFile

from aura_parse.fmt_expr import format_expr, format_pattern, format_range, format_type

__all__ = ["format_module", "format_expr", "format_type", "format_pattern", "INDENT"]

#: One level of indentation.
INDENT = "    "


@dataclass(slots=True)
class _Item:
    """One output line (plus doc lines above it): a unit of code or an own-line comment.

    ``start``/``end`` are the source offsets of what the line shows (for a block
    header, only the head); comments falling inside that range were written
    inside a construct this line collapses, so they trail the line.
    """

    depth: int
    lines: list[str]
    start: int | None = None
    end: int | None = None
    #: Top-level declaration kind ("import", "const", "type", "cell"); None elsewhere.
    decl: str | None = None
    #: The line ends with ``:`` and the following deeper items are its block.
    opens: bool = False
    is_comment: bool = False
    trailing: list[tuple[int, str]] = field(default_factory=list)


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
    seq = _place_comments(units, comments, source)
    return _render(seq, source)


# ------------------------------------------------------------------------ layout


class _Layout:
    """Turns declarations and statements into units; knows the source, if any."""

    def __init__(self, source: SourceFile | None) -> None:
        self.source = source

    def module(self, module: ast.Module) -> list[_Item]:
        units: list[_Item] = []
        for decl in module.decls:
            units.extend(self.decl(decl))
        return units

    def decl(self, d: ast.Decl) -> list[_Item]:
        match d:
            case ast.Import(path=path, alias=alias):
                text = "import " + "::".join(path) + (f" as {alias}" if alias else "")
                return [_Item(0, [text], d.span.start, d.span.end, decl="import")]
            case ast.ConstDecl(name=name, type=t, value=value, pub=pub, doc=doc):
                text = f"{_pub(pub)}const {name}: {format_type(t)} = {format_expr(value)}"
                lines = [*_doc_lines(doc), text]
                return [_Item(0, lines, d.span.start, d.span.end, decl="const")]
            case ast.TypeDecl(name=name, params=params, definition=definition, pub=pub, doc=doc):
                tparams = f"<{', '.join(params)}>" if params else ""
                text = f"{_pub(pub)}type {name}{tparams} = {_type_definition(definition)}"
                lines = [*_doc_lines(doc), text]
                return [_Item(0, lines, d.span.start, d.span.end, decl="type")]
            case ast.CellDecl():
                return self.cell(d)
        raise TypeError(f"not a declaration: {d!r}")

    def cell(self, d: ast.CellDecl) -> list[_Item]:
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
        units = [_Item(0, [*_doc_lines(d.doc), header], d.span.start, end, "cell", opens)]
        units.extend(_clause(c, 1) for c in d.clauses)
        for s in stmts:
            units.extend(self.stmt(s, 1))
        return units

    def block(self, block: ast.Block, depth: int, what: str) -> list[_Item]:
        if not block.stmts:
            raise ValueError(f"empty block in {what}")
        units: list[_Item] = []
        for s in block.stmts:
            units.extend(self.stmt(s, depth))
        return units

    def stmt(self, s: ast.Stmt, depth: int) -> list[_Item]:
        start = s.span.start
        inner = depth + 1
        match s:
            case ast.IfStmt(branches=branches, else_body=else_body):
                units: list[_Item] = []
                prev_end: int | None = None
                for i, branch in enumerate(branches):
                    kw = "if" if i == 0 else "elif"
                    at = start if i == 0 else self._keyword(prev_end, "elif")
                    head = f"{kw} {format_expr(branch.cond)}:"
                    units.append(_Item(depth, [head], at, branch.cond.span.end, opens=True))
                    units.extend(self.block(branch.body, inner, kw))
                    prev_end = _block_end(branch.body)
                if else_body is not None:
                    at = self._keyword(prev_end, "else")
                    end = at + 4 if at is not None else None
                    units.append(_Item(depth, ["else:"], at, end, opens=True))
                    units.extend(self.block(else_body, inner, "else"))
                return units
            case ast.WhileStmt(cond=cond, clauses=clauses, body=body):
                head = _Item(depth, [f"while {format_expr(cond)}:"], start, cond.span.end)
                return self._loop(head, clauses, body, inner, "while")
            case ast.ForStmt(var=var, iterable=iterable, clauses=clauses, body=body):
                what = (
                    format_range(iterable)
                    if isinstance(iterable, ast.Range)
                    else format_expr(iterable)
                )
                head = _Item(depth, [f"for {var} in {what}:"], start, iterable.span.end)
                return self._loop(head, clauses, body, inner, "for")
            case ast.MatchStmt(scrutinee=scrutinee, arms=arms):
                if not arms:
                    raise ValueError("match without arms")
                head = f"match {format_expr(scrutinee)}:"
                units = [_Item(depth, [head], start, scrutinee.span.end, opens=True)]
                for arm in arms:
                    pat = format_pattern(arm.pattern)
                    guard = f" if {format_expr(arm.guard)}" if arm.guard is not None else ""
                    last = arm.guard if arm.guard is not None else arm.pattern
                    units.append(
                        _Item(inner, [f"{pat}{guard}:"], arm.span.start, last.span.end, opens=True)
                    )
                    units.extend(self.block(arm.body, inner + 1, "match arm"))
                return units
            case ast.UnsafeStmt(body=body):
                units = [_Item(depth, ["unsafe:"], start, start + 6, opens=True)]
                return units + self.block(body, inner, "unsafe")
        return [_Item(depth, [_simple_stmt(s)], start, s.span.end)]

    def _loop(
        self,
        head: _Item,
        clauses: tuple[ast.LoopClause, ...],
        body: ast.Block,
        inner: int,
        what: str,
    ) -> list[_Item]:
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


def _clause(c: ast.ContractClause | ast.LoopClause, depth: int) -> _Item:
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
    return _Item(depth, [text], c.span.start, c.span.end)


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
            return f"{format_expr(target, 15)} {op} {format_expr(value)}"
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


# ---------------------------------------------------------------------- comments


def _place_comments(
    units: list[_Item], comments: Sequence[ast.Comment], source: SourceFile | None
) -> list[_Item]:
    """Interleave comments with the units; returns the output sequence.

    A trailing comment, or any comment inside the source range a unit shows,
    trails that unit's line.  An own-line comment goes before the next unit, at
    that unit's depth, unless it is indented at least as deep as a block that
    closes in between: then it ends that block (needs the source for columns).
    """
    anchored = sorted((u.start, i) for i, u in enumerate(units) if u.start is not None)
    starts = [s for s, _ in anchored]
    before: dict[int, list[_Item]] = {}
    for c in sorted(comments, key=lambda c: c.span.start):
        text = c.text.rstrip()
        o = c.span.start
        k = bisect.bisect_right(starts, o) - 1
        owner = anchored[k][1] if k >= 0 else None
        if owner is not None:
            u = units[owner]
            if not c.own_line or (u.end is not None and o < u.end):
                u.trailing.append((o, text))
                continue
        nxt = anchored[k + 1][1] if k + 1 < len(anchored) else len(units)
        depth = _comment_depth(units, owner, nxt, o, source)
        before.setdefault(nxt, []).append(_Item(depth, [text], o, o + 1, is_comment=True))
    seq: list[_Item] = []
    for i, u in enumerate(units):
        seq.extend(before.get(i, ()))
        seq.append(u)
    seq.extend(before.get(len(units), ()))
    return seq


def _comment_depth(
    units: list[_Item], prev: int | None, nxt: int, offset: int, source: SourceFile | None
) -> int:
    """Depth of an own-line comment between units ``prev`` and ``nxt``.

    Blocks at depths between the two close there; the comment ends the deepest
    of them whose statements start at or left of the comment's column.
    """
    floor = units[nxt].depth if nxt < len(units) else 0
    if source is None or prev is None:
        return floor
    column = source.position(offset).column
    for depth in range(units[prev].depth, floor, -1):
        for u in reversed(units[: prev + 1]):
            if u.depth == depth and u.start is not None:
                if column >= source.position(u.start).column:
                    return depth
                break
    return floor


# --------------------------------------------------------------------- rendering


def _render(seq: list[_Item], source: SourceFile | None) -> str:
    out: list[str] = []
    prev: _Item | None = None
    seen_decl: str | None = None
    group_open = False
    for i, item in enumerate(seq):
        if item.decl is not None or (item.depth == 0 and item.is_comment and not group_open):
            # Starts a top-level group: leading comments, doc lines, the declaration.
            decl = item.decl if item.decl is not None else _next_decl(seq, i)
            if item.decl is None and decl is None:
                blank = _source_blank(prev, item, source)  # comments at end of file
            elif not group_open:
                blank = seen_decl is not None and not (
                    seen_decl == decl and decl in ("import", "const")
                )
                if item.decl is None:
                    group_open = True
            else:
                blank = _source_blank(prev, item, source)
            if item.decl is not None:
                seen_decl = item.decl
                group_open = False
        elif prev is not None and prev.opens and item.depth > prev.depth:
            blank = False
        else:
            blank = _source_blank(prev, item, source)
        if blank and out:
            out.append("")
        prefix = INDENT * item.depth
        out.extend(prefix + line for line in item.lines)
        if item.trailing:
            out[-1] += "".join("  " + text for _, text in item.trailing)
        prev = item
    return "\n".join(out) + "\n" if out else ""


def _next_decl(seq: list[_Item], i: int) -> str | None:
    """The kind of the declaration a top-level comment at ``seq[i]`` leads into, if any."""
    for item in seq[i:]:
        if item.decl is not None:
            return item.decl
    return None


def _source_blank(prev: _Item | None, item: _Item, source: SourceFile | None) -> bool:
    """Whether the source had a blank line between what ``prev`` and ``item`` show."""
    if source is None or prev is None or prev.start is None or item.start is None:
        return False
    last = _last_line(prev, source)
    first = source.position(item.start).line
    return any(not source.line_text(n).strip() for n in range(last + 1, first))


def _last_line(item: _Item, source: SourceFile) -> int:
    assert item.start is not None
    end = item.end if item.end is not None and item.end > item.start else item.start + 1
    line = source.position(end - 1).line
    for o, _ in item.trailing:
        line = max(line, source.position(o).line)
    return line
