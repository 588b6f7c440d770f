"""The parser builds the tree the language reference's syntax describes
(`docs/reference/language.md`, whose examples are read through `doc_blocks`)."""

from __future__ import annotations

from pathlib import Path

import pytest
from doc_blocks import Block, reference_programs

from aura_core import ast
from aura_core.source import SourceFile
from aura_parse import ParseError, parse_expr, parse_module


def parse_ok(text: str) -> ast.Module:
    result = parse_module(SourceFile("t.aura", text))
    assert result.diagnostics == (), [d.message for d in result.diagnostics]
    return result.module


def body(text: str) -> tuple[ast.Stmt, ...]:
    """Statements of a cell wrapped around ``text`` (indented by the caller)."""
    cell = parse_ok("cell f():\n" + text).decls[0]
    assert isinstance(cell, ast.CellDecl) and cell.body is not None
    return cell.body.stmts


def syntax_errors(block: Block) -> set[tuple[str, str, int, int]]:
    """The block's ``error`` marks that the parser reports (codes E00xx)."""
    return {e for e in block.expected("error") if e[1].startswith("E00")}


def reference_blocks() -> list[Block]:
    """The reference's examples that parse (the others show syntax errors)."""
    return [b for b in reference_programs() if not syntax_errors(b)]


def as_module(block: Block) -> str:
    """A reference block as a module: fragments become the body of a cell."""
    if not block.is_fragment:
        return block.text
    lines = [line for line in block.text.splitlines()[1:] if line.strip()]
    if all(line.startswith(("forall", "exists")) for line in lines):
        lines = [f"assert {line}" for line in lines]
    return "cell fragment():\n" + "".join(f"    {line}\n" for line in lines)


def test_every_reference_example_parses() -> None:
    blocks = reference_blocks()
    assert len(blocks) >= 40
    for block in blocks:
        parse_ok(as_module(block))


def test_every_syntax_error_of_the_reference_is_reported_where_marked() -> None:
    shown = [b for b in reference_programs() if syntax_errors(b)]
    assert len(shown) >= 4
    for block in shown:
        result = parse_module(SourceFile("example.aura", block.text))
        found = set()
        for d in result.diagnostics:
            assert d.span is not None
            pos = (d.file or result.source).position(d.span.start)
            found.add(("error", d.code, pos.line, pos.column))
        assert found == syntax_errors(block), f"line {block.line}: {found}"


def test_complete_program_structure() -> None:
    block = next(b for b in reference_blocks() if "cell argmax" in b.text)
    module = parse_ok(block.text)
    imp, search, main = module.decls
    assert imp == ast.Import(("std", "io"), None, span=ast.NO_SPAN)
    assert isinstance(search, ast.CellDecl) and search.pub and search.name == "argmax"
    assert search.doc == "Position of a largest element of `v`, which must not be empty."
    assert [type(c).__name__ for c in search.clauses] == ["Requires", "Ensures", "Ensures"]
    loop = search.body.stmts[2] if search.body else None
    assert isinstance(loop, ast.WhileStmt)
    assert [type(c).__name__ for c in loop.clauses] == [
        "Invariant",
        "Invariant",
        "Invariant",
        "Decreases",
    ]
    assert isinstance(main, ast.CellDecl) and main.ret is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a + b * c", "(a + (b * c))"),
        ("a - b - c", "((a - b) - c)"),
        ("-x as u8", "((-x) as u8)"),
        ("not a == b and c", "((not (a == b)) and c)"),
        ("a or b and c", "(a or (b and c))"),
        ("a ==> b ==> c", "(a ==> (b ==> c))"),
        ("x if c else y if d else z", "(x if c else (y if d else z))"),
        ("a | b ^ c & d << 1 + 2", "(a | (b ^ (c & (d << (1 + 2)))))"),
        ("f(x)?.len()", "(f(x))?.len()"),
        ("v[i][j] * 2", "(v[i][j] * 2)"),
        ("a * b as i64", "(a * (b as i64))"),
    ],
)
def test_precedence(text: str, expected: str) -> None:
    assert show(parse_expr(text)) == expected


def show(e: ast.Expr) -> str:
    """A fully parenthesised rendering, to check grouping."""
    match e:
        case ast.Binary(op, left, right):
            return f"({show(left)} {op} {show(right)})"
        case ast.Unary(op, operand):
            return f"({op}{' ' if op == 'not' else ''}{show(operand)})"
        case ast.Cast(inner, ast.NamedType(path)):
            return f"({show(inner)} as {path[0]})"
        case ast.Conditional(then, cond, otherwise):
            return f"({show(then)} if {show(cond)} else {show(otherwise)})"
        case ast.Name(name):
            return name
        case ast.IntLit(_, suffix, text):
            return text + (suffix or "")
        case ast.Call(callee, args):
            return f"{show(callee)}({', '.join(show(a.value) for a in args)})"
        case ast.Try(inner):
            return f"({show(inner)})?"
        case ast.MethodCall(receiver, method, args):
            return f"{show(receiver)}.{method}({', '.join(show(a.value) for a in args)})"
        case ast.Index(obj, index):
            return f"{show(obj)}[{show(index)}]"
    raise AssertionError(f"no rendering for {e!r}")


def test_quantifier_body_extends_right() -> None:
    e = parse_expr("forall(i in 0..n, j: i64): i < j ==> v[i] <= v[j]")
    assert isinstance(e, ast.Quantifier) and e.kind == "forall"
    first, second = e.binders
    assert isinstance(first, ast.RangeBinder) and not first.range.inclusive
    assert isinstance(second, ast.TypeBinder)
    assert isinstance(e.body, ast.Binary) and e.body.op == "==>"


def test_range_operands_are_bitor_level() -> None:
    (loop,) = body("    for i in 0..n - 1:\n        continue\n")
    assert isinstance(loop, ast.ForStmt) and isinstance(loop.iterable, ast.Range)
    assert isinstance(loop.iterable.hi, ast.Binary) and loop.iterable.hi.op == "-"


def test_for_over_expression_and_inclusive_range() -> None:
    a, b = body("    for x in v:\n        break\n    for b in 0..=255u8:\n        break\n")
    assert isinstance(a, ast.ForStmt) and a.iterable == ast.Name("v", span=ast.NO_SPAN)
    assert isinstance(b, ast.ForStmt) and isinstance(b.iterable, ast.Range)
    assert b.iterable.inclusive


def test_while_clauses_in_head_or_body_are_the_same_tree() -> None:
    head = body("    while a < b invariant a <= b decreases b - a:\n        a += 1\n")
    inside = body(
        "    while a < b:\n        invariant a <= b\n        decreases b - a\n        a += 1\n"
    )
    assert head == inside


def test_literals() -> None:
    (stmt,) = body(
        "    val v = [42, 1_000_000, 0xFF, 0b1010, 7u8, 300i64, 3.14, 1e-9, 2.5e3, "
        '1.0f64, true, false, "x", b"GET /\\r\\n", ()]\n'
    )
    assert isinstance(stmt, ast.ValStmt) and isinstance(stmt.value, ast.VecLit)
    values = [
        (type(e).__name__, getattr(e, "value", None), getattr(e, "suffix", None))
        for e in stmt.value.elems
    ]
    assert values == [
        ("IntLit", 42, None),
        ("IntLit", 1_000_000, None),
        ("IntLit", 255, None),
        ("IntLit", 10, None),
        ("IntLit", 7, "u8"),
        ("IntLit", 300, "i64"),
        ("FloatLit", 3.14, None),
        ("FloatLit", 1e-9, None),
        ("FloatLit", 2500.0, None),
        ("FloatLit", 1.0, "f64"),
        ("BoolLit", True, None),
        ("BoolLit", False, None),
        ("StringLit", None, None),
        ("BytesLit", b"GET /\r\n", None),
        ("UnitLit", None, None),
    ]


def test_smallest_integers_fold_the_minus() -> None:
    (a, b) = body("    val a = -9223372036854775808i64\n    val b = -128i8\n")
    assert isinstance(a, ast.ValStmt) and isinstance(a.value, ast.Unary)
    assert isinstance(b, ast.ValStmt) and isinstance(b.value, ast.Unary)


def test_string_interpolation_and_escapes() -> None:
    (stmt,) = body('    val s = "x = {x + 1}\\n\\{ok\\} \\u{1F600}"\n')
    assert isinstance(stmt, ast.ValStmt) and isinstance(stmt.value, ast.StringLit)
    text1, interp, text2 = stmt.value.parts
    assert isinstance(text1, ast.StrText) and text1.value == "x = "
    assert isinstance(interp, ast.StrInterp) and isinstance(interp.expr, ast.Binary)
    assert isinstance(text2, ast.StrText) and text2.value == "\n{ok} \U0001f600"
    assert text2.raw == "\\n\\{ok\\} \\u{1F600}"


def test_interpolated_expression_spans_point_into_the_file() -> None:
    text = 'cell f():\n    println("v = {  a.len() }")\n'
    module = parse_ok(text)
    stmt = module.decls[0].body.stmts[0]  # type: ignore[union-attr]
    assert isinstance(stmt, ast.ExprStmt) and isinstance(stmt.expr, ast.Call)
    lit = stmt.expr.args[0].value
    assert isinstance(lit, ast.StringLit)
    interp = lit.parts[1]
    assert isinstance(interp, ast.StrInterp)
    assert text[interp.expr.span.start : interp.expr.span.end] == "a.len()"


def test_type_arguments_close_with_shift_tokens() -> None:
    module = parse_ok(
        "cell f(m: Map<String, Vec<i64>>) -> Vec<Vec<i64>>:\n"
        "    val v: Vec<String>= []\n"
        "    val w: Map<i64, Map<i64, Vec<u8>>>= Map::new()\n"
        "    return a >> 2 >= b\n"
    )
    cell = module.decls[0]
    assert isinstance(cell, ast.CellDecl) and cell.body is not None
    assert cell.params[0].type == ast.NamedType(
        ("Map",),
        (
            ast.NamedType(("String",), span=ast.NO_SPAN),
            ast.NamedType(("Vec",), (ast.NamedType(("i64",), span=ast.NO_SPAN),), span=ast.NO_SPAN),
        ),
        span=ast.NO_SPAN,
    )
    ret = cell.body.stmts[-1]
    assert isinstance(ret, ast.ReturnStmt) and isinstance(ret.value, ast.Binary)
    assert ret.value.op == ">=" and isinstance(ret.value.left, ast.Binary)


def test_declarations_of_section_3() -> None:
    module = parse_ok(
        "type Point = record { x: i64, y: i64 = 0 }\n"
        "type Shape = enum { Circle(r: f64), Rect(w: f64, h: f64), Empty, Unit() }\n"
        "type Pair<A, B> = record { first: A, second: B }\n"
        "type Percent = { p: i64 | 0 <= p and p <= 100 }\n"
        "type Small = u32[0..10]\n"
        "type Conn = resource record { id: i64 }\n"
        "pub const LIMIT: i64 = 1_000\n"
        "import std::math as m\n"
        "trusted extern cell sqrt(x: f64) -> f64:\n    requires x >= 0.0\n"
        "extern cell raw(n: i64) -> i64\n"
        "pub pure cell sq(x: i64 where x > 0) -> Int:\n    return x * x\n"
        "lemma cell l(a: Int):\n    ensures a * a >= 0\n"
        "test cell t():\n    assert 1 + 1 == 2\n"
        "cell swap(mut v: Vec<i64>):\n    unsafe:\n        raw(mut v[0], v)\n"
    )
    kinds = [type(d).__name__ for d in module.decls]
    assert kinds == ["TypeDecl"] * 6 + ["ConstDecl", "Import"] + ["CellDecl"] * 6
    shape = module.decls[1]
    assert isinstance(shape, ast.TypeDecl) and isinstance(shape.definition, ast.EnumDef)
    assert [v.fields is None for v in shape.definition.variants] == [False, False, True, False]
    conn = module.decls[5]
    assert isinstance(conn, ast.TypeDecl) and isinstance(conn.definition, ast.RecordDef)
    assert conn.definition.resource
    sqrt, raw, sq, lemma, test, swap = module.decls[8:]
    assert isinstance(sqrt, ast.CellDecl) and sqrt.extern and sqrt.trusted and sqrt.body is None
    assert len(sqrt.clauses) == 1
    assert isinstance(raw, ast.CellDecl) and raw.extern and not raw.trusted
    assert isinstance(sq, ast.CellDecl) and sq.kind == "pure" and sq.pub
    assert sq.params[0].where is not None
    assert isinstance(lemma, ast.CellDecl) and lemma.kind == "lemma"
    assert lemma.body == ast.Block((), span=ast.NO_SPAN) and len(lemma.clauses) == 1
    assert isinstance(test, ast.CellDecl) and test.kind == "test"
    assert isinstance(swap, ast.CellDecl) and swap.params[0].mutable
    unsafe = swap.body.stmts[0] if swap.body else None
    assert isinstance(unsafe, ast.UnsafeStmt)
    call = unsafe.body.stmts[0]
    assert isinstance(call, ast.ExprStmt) and isinstance(call.expr, ast.Call)
    assert [a.mut for a in call.expr.args] == [True, False]


def test_match_patterns() -> None:
    (m,) = body(
        "    match s:\n"
        "        Shape::Circle(r) if r > 0.0:\n            return 1\n"
        "        Shape::Empty:\n            return 2\n"
        "        Some(_):\n            return 3\n"
        "        None:\n            return 4\n"
        "        -5:\n            return 5\n"
        '        "x":\n            return 6\n'
        "        Empty():\n            return 7\n"
        "        other:\n            return 8\n"
    )
    assert isinstance(m, ast.MatchStmt)
    pats = [arm.pattern for arm in m.arms]
    assert isinstance(pats[0], ast.VariantPattern) and pats[0].path == ("Shape", "Circle")
    assert m.arms[0].guard is not None
    assert pats[1] == ast.VariantPattern(("Shape", "Empty"), None, span=ast.NO_SPAN)
    assert isinstance(pats[2], ast.VariantPattern)
    assert pats[2].args == (ast.WildcardPattern(span=ast.NO_SPAN),)
    assert pats[3] == ast.NamePattern("None", span=ast.NO_SPAN)
    assert isinstance(pats[4], ast.LiteralPattern) and isinstance(pats[4].value, ast.Unary)
    assert isinstance(pats[5], ast.LiteralPattern)
    assert pats[6] == ast.VariantPattern(("Empty",), (), span=ast.NO_SPAN)
    assert pats[7] == ast.NamePattern("other", span=ast.NO_SPAN)


def test_statements_of_section_4() -> None:
    stmts = body(
        "    val x = 10\n    val mut total: i64 = 0\n    total = total + x\n    total += 1\n"
        "    p.x = 3\n    grid[i][j] = 0\n    p.x += 1\n    assume x > 0\n    return\n"
    )
    assert [type(s).__name__ for s in stmts] == [
        "ValStmt",
        "ValStmt",
        "Assign",
        "Assign",
        "Assign",
        "Assign",
        "Assign",
        "AssumeStmt",
        "ReturnStmt",
    ]
    assert [s.op for s in stmts if isinstance(s, ast.Assign)] == ["=", "+=", "=", "=", "+="]


def test_comments_are_kept_beside_the_tree_and_docs_attach() -> None:
    result = parse_module(
        SourceFile(
            "t.aura",
            (
                "# file comment\n"
                "## Docs for f.\n##\n##   indented\n"
                "cell f():\n"
                "    val x = 1  # trailing\n"
                "    # own line\n"
                "    return\n"
            ),
        )
    )
    assert result.ok
    cell = result.module.decls[0]
    assert isinstance(cell, ast.CellDecl) and cell.doc == "Docs for f.\n\n  indented"
    assert [(c.text, c.own_line) for c in result.comments] == [
        ("# file comment", True),
        ("# trailing", False),
        ("# own line", True),
    ]


def test_spans_cover_their_source() -> None:
    text = "cell f(a: i64) -> i64:\n    return a * (a + 1)\n"
    module = parse_ok(text)
    cell = module.decls[0]
    assert isinstance(cell, ast.CellDecl) and cell.body is not None
    assert text[cell.span.start : cell.span.end] == text.rstrip("\n")
    ret = cell.body.stmts[0]
    assert text[ret.span.start : ret.span.end] == "return a * (a + 1)"
    assert isinstance(ret, ast.ReturnStmt) and isinstance(ret.value, ast.Binary)
    assert text[ret.value.right.span.start : ret.value.right.span.end] == "(a + 1)"


def test_crlf_line_endings() -> None:
    module = parse_ok("cell f():\r\n    val x = 1\r\n    return\r\n")
    assert len(module.decls) == 1


def test_empty_and_comment_only_files() -> None:
    assert parse_ok("").decls == ()
    assert parse_ok("# just a comment").decls == ()
    assert parse_ok("\n\n   \n# c\n").decls == ()


def test_parse_expr_raises_on_error() -> None:
    with pytest.raises(ParseError) as info:
        parse_expr("a +")
    assert info.value.diagnostics[0].code == "E0001"


def test_every_reference_example_round_trips_through_the_formatter() -> None:
    from aura_parse import format_module

    for block in reference_blocks():
        text = as_module(block)
        first = parse_module(SourceFile("example.aura", text))
        formatted = format_module(first.module, first.comments, first.source)
        second = parse_module(SourceFile("example.aura", formatted))
        assert second.diagnostics == ()
        assert second.module == first.module
        assert [c.text for c in second.comments] == [c.text for c in first.comments]
        assert format_module(second.module, second.comments, second.source) == formatted


def test_parser_tables_are_cached_only_in_a_private_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from aura_parse.parser import _table_cache

    monkeypatch.setenv("AURA_CACHE_DIR", str(tmp_path / "cache"))
    path = _table_cache()
    assert isinstance(path, str) and path.startswith(str(tmp_path / "cache" / "parser"))
    (tmp_path / "cache" / "parser").chmod(0o777)  # others could plant a pickle here
    assert _table_cache() is False


def test_comment_lines_in_one_run_are_each_on_their_own_line() -> None:
    text = "# head\ncell f() -> i64:  # trailing\n    # a\n\n    # b\n    return 1  # end\n"
    result = parse_module(SourceFile("c.aura", text))
    flags = [(c.text, c.own_line) for c in result.comments]
    assert flags == [
        ("# head", True),
        ("# trailing", False),
        ("# a", True),
        ("# b", True),
        ("# end", False),
    ]
