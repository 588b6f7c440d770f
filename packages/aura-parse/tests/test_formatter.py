"""Tests of the canonical layout (aura_parse.formatter).

Three layers: exact output for hand-built trees (precedence and layout rules),
comment placement and blank lines on parsed sources, and properties over
generated trees and over every ``.aura`` file in the repository:
``parse(format(t)) == t`` and ``format`` is idempotent.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import strategies as S
from hypothesis import given, settings
from hypothesis import strategies as st

from aura_core import ast
from aura_core.ast import NO_SPAN
from aura_core.source import SourceFile
from aura_parse import parse_expr, parse_module
from aura_parse.formatter import format_expr, format_module, format_pattern, format_type

REPO = Path(__file__).resolve().parents[3]


# ---------------------------------------------------------------- tree helpers


def n(name: str) -> ast.Name:
    return ast.Name(name, span=NO_SPAN)


def i(value: int, suffix: str | None = None) -> ast.IntLit:
    return ast.IntLit(value, suffix, str(value), span=NO_SPAN)


def b(op: ast.BinaryOp, left: ast.Expr, right: ast.Expr) -> ast.Binary:
    return ast.Binary(op, left, right, span=NO_SPAN)


def u(op: ast.UnaryOp, operand: ast.Expr) -> ast.Unary:
    return ast.Unary(op, operand, span=NO_SPAN)


def t(name: str, *args: ast.TypeExpr) -> ast.NamedType:
    return ast.NamedType(tuple(name.split("::")), args, span=NO_SPAN)


def cast(e: ast.Expr, name: str) -> ast.Cast:
    return ast.Cast(e, t(name), span=NO_SPAN)


def cond(then: ast.Expr, c: ast.Expr, otherwise: ast.Expr) -> ast.Conditional:
    return ast.Conditional(then, c, otherwise, span=NO_SPAN)


def rng(lo: ast.Expr, hi: ast.Expr, inclusive: bool = False) -> ast.Range:
    return ast.Range(lo, hi, inclusive, span=NO_SPAN)


def forall(var: str, lo: ast.Expr, hi: ast.Expr, body: ast.Expr) -> ast.Quantifier:
    binder = ast.RangeBinder(var, rng(lo, hi), span=NO_SPAN)
    return ast.Quantifier("forall", (binder,), body, span=NO_SPAN)


def call(name: str, *args: ast.Expr, mut: tuple[int, ...] = ()) -> ast.Call:
    arg = tuple(ast.Arg(a, k in mut, span=NO_SPAN) for k, a in enumerate(args))
    return ast.Call(n(name), arg, span=NO_SPAN)


def meth(recv: ast.Expr, name: str, *args: ast.Expr) -> ast.MethodCall:
    return ast.MethodCall(recv, name, tuple(ast.Arg(a, span=NO_SPAN) for a in args), span=NO_SPAN)


def block(*stmts: ast.Stmt) -> ast.Block:
    return ast.Block(stmts, span=NO_SPAN)


def es(e: ast.Expr) -> ast.ExprStmt:
    return ast.ExprStmt(e, span=NO_SPAN)


def cell(name: str, *stmts: ast.Stmt, **kw: object) -> ast.CellDecl:
    params = kw.pop("params", ())
    ret = kw.pop("ret", None)
    clauses = kw.pop("clauses", ())
    body = kw.pop("body", block(*stmts))
    return ast.CellDecl(name, (), params, ret, clauses, body, span=NO_SPAN, **kw)  # type: ignore[arg-type]


def fmt(*decls: ast.Decl) -> str:
    return format_module(ast.Module(decls, span=NO_SPAN))


def reformat(text: str) -> str:
    source = SourceFile("t.aura", text)
    result = parse_module(source)
    assert result.ok, [d.message for d in result.diagnostics]
    return format_module(result.module, result.comments, source)


def assert_canonical(text: str) -> None:
    """``text`` is already in canonical form (so formatting it changes nothing)."""
    assert reformat(text) == text


# --------------------------------------------------------------- precedence

a, bb, c, d, e = n("a"), n("b"), n("c"), n("d"), n("e")
P = b(">", n("p"), i(0))
Q = forall("i", i(0), n("n"), b(">", ast.Index(n("v"), n("i"), span=NO_SPAN), i(0)))
QS = "forall(i in 0..n): v[i] > 0"


PARENTHESES = [
    (b("*", b("+", a, bb), c), "(a + b) * c"),
    (b("+", b("+", a, bb), c), "a + b + c"),
    (b("+", a, b("+", bb, c)), "a + (b + c)"),
    (b("-", a, b("-", bb, c)), "a - (b - c)"),
    (b("+", a, b("*", bb, c)), "a + b * c"),
    (b("<<", b("+", a, bb), c), "a + b << c"),
    (b("&", b("|", a, bb), c), "(a | b) & c"),
    (b("<", b("<", a, bb), c), "(a < b) < c"),
    (b("==", a, b("<", bb, c)), "a == (b < c)"),
    (b("<", b("|", a, bb), c), "a | b < c"),
    (b("==>", a, b("==>", bb, c)), "a ==> b ==> c"),
    (b("==>", b("==>", a, bb), c), "(a ==> b) ==> c"),
    (b("==>", b("or", a, bb), c), "a or b ==> c"),
    (b("or", b("and", a, bb), c), "a and b or c"),
    (b("and", b("or", a, bb), c), "(a or b) and c"),
    (cond(a, bb, cond(c, d, e)), "a if b else c if d else e"),
    (cond(cond(a, bb, c), d, e), "(a if b else c) if d else e"),
    (cond(a, cond(bb, c, d), e), "a if (b if c else d) else e"),
    (b("or", cond(a, bb, c), d), "(a if b else c) or d"),
    (cond(b("or", a, bb), c, d), "a or b if c else d"),
    (b("==>", cond(a, bb, c), d), "a if b else c ==> d"),
    (cond(a, bb, b("==>", c, d)), "a if b else (c ==> d)"),
    (u("-", cast(n("x"), "u8")), "-(x as u8)"),
    (cast(u("-", n("x")), "u8"), "-x as u8"),
    (cast(cast(n("x"), "i32"), "i64"), "x as i32 as i64"),
    (b("*", cast(a, "i64"), bb), "a as i64 * b"),
    (cast(b("*", a, bb), "i64"), "(a * b) as i64"),
    (u("-", u("-", a)), "- -a"),
    (u("~", u("-", a)), "~ -a"),
    (u("-", u("-", u("~", i(5)))), "- - ~5"),
    (b("-", a, u("-", bb)), "a - -b"),
    (u("-", i(5)), "-5"),
    (u("not", b("and", a, bb)), "not (a and b)"),
    (u("not", b("<", a, bb)), "not a < b"),
    (u("not", u("not", a)), "not not a"),
    (u("not", u("not", b("and", a, bb))), "not not (a and b)"),
    (b("==", u("not", a), bb), "(not a) == b"),
    (b("and", u("not", a), bb), "not a and b"),
    (b("and", a, u("not", bb)), "a and not b"),
    (u("-", u("not", a)), "-(not a)"),
    (meth(b("+", a, bb), "abs"), "(a + b).abs()"),
    (meth(u("-", i(5)), "abs"), "(-5).abs()"),
    (u("-", meth(i(5), "abs")), "-5.abs()"),
    (meth(cast(a, "i64"), "abs"), "(a as i64).abs()"),
    (ast.Try(b("+", a, bb), span=NO_SPAN), "(a + b)?"),
    (ast.FieldAccess(ast.Try(a, span=NO_SPAN), "x", span=NO_SPAN), "a?.x"),
    (ast.Index(call("f", a), u("-", i(1)), span=NO_SPAN), "f(a)[-1]"),
    (Q, QS),
    (b("and", a, Q), f"a and ({QS})"),
    (b("==>", a, Q), f"a ==> {QS}"),
    (b("==>", a, b("==>", bb, Q)), f"a ==> b ==> {QS}"),
    (b("==>", Q, a), f"({QS}) ==> a"),
    (u("not", Q), f"not ({QS})"),
    (cond(Q, a, bb), f"({QS}) if a else b"),
    (cond(a, bb, Q), f"a if b else ({QS})"),
    (call("f", Q, a), f"f({QS}, a)"),
    (ast.VecLit((Q, Q), span=NO_SPAN), f"[{QS}, {QS}]"),
    (ast.Index(n("v"), Q, span=NO_SPAN), f"v[{QS}]"),
    (ast.Old(Q, span=NO_SPAN), f"old({QS})"),
    (forall("i", a, bb, Q), f"forall(i in a..b): {QS}"),
    (meth(Q, "m"), f"({QS}).m()"),
    (forall("i", b("-", a, i(1)), b("|", n("x"), n("y")), P), "forall(i in a - 1..x | y): p > 0"),
    (forall("i", b("==", a, bb), b("and", a, bb), P), "forall(i in (a == b)..(a and b)): p > 0"),
    (forall("i", cond(a, bb, c), Q, P), f"forall(i in (a if b else c)..({QS})): p > 0"),
]


@pytest.mark.parametrize(("tree", "text"), PARENTHESES)
def test_parentheses(tree: ast.Expr, text: str) -> None:
    """Exactly the parentheses precedence needs: enough to read back the same tree."""
    assert format_expr(tree) == text
    assert parse_expr(text) == tree


@pytest.mark.parametrize(
    ("tree", "text"),
    [
        (ast.IntLit(255, "u8", "0xFF", span=NO_SPAN), "0xFFu8"),
        (ast.IntLit(1000000, None, "1_000_000", span=NO_SPAN), "1_000_000"),
        (ast.FloatLit(2500.0, None, "2.5e3", span=NO_SPAN), "2.5e3"),
        (ast.FloatLit(1.0, "f64", "1", span=NO_SPAN), "1f64"),
        (ast.BoolLit(True, span=NO_SPAN), "true"),
        (ast.UnitLit(span=NO_SPAN), "()"),
        (ast.ResultRef(span=NO_SPAN), "result"),
        (ast.BytesLit(b"GET /\r\n", "GET /\\r\\n", span=NO_SPAN), 'b"GET /\\r\\n"'),
        (
            ast.StringLit(
                (
                    ast.StrText("x = ", "x = ", span=NO_SPAN),
                    ast.StrInterp(b("+", n("x"), i(1)), span=NO_SPAN),
                    ast.StrText("{\n", "\\{\\n", span=NO_SPAN),
                ),
                span=NO_SPAN,
            ),
            '"x = {x + 1}\\{\\n"',
        ),
        (ast.VecLit((), span=NO_SPAN), "[]"),
        (ast.VecLit((i(1), i(2)), span=NO_SPAN), "[1, 2]"),
        (call("sort", n("v"), n("x"), mut=(0,)), "sort(mut v, x)"),
        (
            ast.Call(ast.Path(("Shape", "Circle"), span=NO_SPAN), (), span=NO_SPAN),
            "Shape::Circle()",
        ),
        (
            ast.RecordLit(
                ("geo", "Point"),
                (ast.FieldInit("x", i(1), span=NO_SPAN), ast.FieldInit("y", i(2), span=NO_SPAN)),
                span=NO_SPAN,
            ),
            "geo::Point { x: 1, y: 2 }",
        ),
        (ast.RecordLit(("Point",), (), span=NO_SPAN), "Point {}"),
        (
            ast.Quantifier(
                "exists",
                (
                    ast.RangeBinder("k", rng(i(0), b("+", n("x"), i(1)), True), span=NO_SPAN),
                    ast.TypeBinder("y", t("i64"), span=NO_SPAN),
                ),
                b("==", b("*", n("k"), n("k")), n("x")),
                span=NO_SPAN,
            ),
            "exists(k in 0..=x + 1, y: i64): k * k == x",
        ),
    ],
)
def test_expression_forms(tree: ast.Expr, text: str) -> None:
    assert format_expr(tree) == text
    assert parse_expr(text) == tree


def test_types_and_patterns() -> None:
    assert format_type(t("Map", t("String"), t("Vec", t("i64")))) == "Map<String, Vec<i64>>"
    refined = ast.RefinedType("v", t("i64"), b(">", n("v"), i(0)), span=NO_SPAN)
    assert format_type(refined) == "{ v: i64 | v > 0 }"
    ranged = ast.RangeType(t("u32"), rng(i(0), i(10)), span=NO_SPAN)
    assert format_type(ranged) == "u32[0..10]"
    inclusive = ast.RangeType(t("i64"), rng(u("-", i(1)), i(9), True), span=NO_SPAN)
    assert format_type(inclusive) == "i64[-1..=9]"
    variant = ast.VariantPattern(
        ("Shape", "Rect"),
        (
            ast.WildcardPattern(span=NO_SPAN),
            ast.LiteralPattern(u("-", i(1)), span=NO_SPAN),
            ast.VariantPattern(("Shape", "Empty"), None, span=NO_SPAN),
            ast.VariantPattern(("Empty",), (), span=NO_SPAN),
            ast.NamePattern("w", span=NO_SPAN),
        ),
        span=NO_SPAN,
    )
    assert format_pattern(variant) == "Shape::Rect(_, -1, Shape::Empty, Empty(), w)"


# ------------------------------------------------------------------ layout


def test_declarations_layout() -> None:
    imports = (
        ast.Import(("std", "io"), None, span=NO_SPAN),
        ast.Import(("std", "math"), "m", span=NO_SPAN),
    )
    consts = (
        ast.ConstDecl("A", t("i64"), i(1), span=NO_SPAN),
        ast.ConstDecl("B", t("i64"), i(2), pub=True, doc="Two.\n\n  indented", span=NO_SPAN),
    )
    point = ast.TypeDecl(
        "Point",
        (),
        ast.RecordDef(
            (
                ast.RecordField("x", t("i64"), None, span=NO_SPAN),
                ast.RecordField("y", t("i64"), i(0), span=NO_SPAN),
            ),
            span=NO_SPAN,
        ),
        span=NO_SPAN,
    )
    conn = ast.TypeDecl("Conn", (), ast.RecordDef((), resource=True, span=NO_SPAN), span=NO_SPAN)
    shape = ast.TypeDecl(
        "Shape",
        ("A", "B"),
        ast.EnumDef(
            (
                ast.Variant(
                    "Circle", (ast.VariantField("r", t("f64"), span=NO_SPAN),), span=NO_SPAN
                ),
                ast.Variant("Wrap", (ast.VariantField(None, t("A"), span=NO_SPAN),), span=NO_SPAN),
                ast.Variant("Empty", None, span=NO_SPAN),
                ast.Variant("Nil", (), span=NO_SPAN),
            ),
            span=NO_SPAN,
        ),
        pub=True,
        span=NO_SPAN,
    )
    small = ast.TypeDecl(
        "Small", (), ast.RangeType(t("u32"), rng(i(0), i(10)), span=NO_SPAN), span=NO_SPAN
    )
    assert fmt(*imports, *consts, point, conn, shape, small) == (
        "import std::io\n"
        "import std::math as m\n"
        "\n"
        "const A: i64 = 1\n"
        "## Two.\n"
        "##\n"
        "##   indented\n"
        "pub const B: i64 = 2\n"
        "\n"
        "type Point = record { x: i64, y: i64 = 0 }\n"
        "\n"
        "type Conn = resource record {}\n"
        "\n"
        "pub type Shape<A, B> = enum { Circle(r: f64), Wrap(A), Empty, Nil() }\n"
        "\n"
        "type Small = u32[0..10]\n"
    )


def test_cells_layout() -> None:
    x = ast.Param("x", t("i64"), where=b(">", n("x"), i(0)), span=NO_SPAN)
    v = ast.Param("v", t("Vec", t("T")), mutable=True, span=NO_SPAN)
    requires = ast.Requires(b(">", n("x"), i(0)), span=NO_SPAN)
    ensures = ast.Ensures(b(">=", ast.ResultRef(span=NO_SPAN), i(0)), span=NO_SPAN)
    decreases = ast.Decreases((n("x"), n("y")), span=NO_SPAN)
    generic = ast.CellDecl(
        "f", ("T",), (x, v), t("i64"), (requires, ensures, decreases),
        block(ast.ReturnStmt(n("x"), span=NO_SPAN)), pub=True, kind="pure", span=NO_SPAN,
    )  # fmt: skip
    lemma = cell("l", clauses=(ensures,), kind="lemma", body=block())
    ext = cell("raw", params=(x,), ret=t("i64"), extern=True, body=None)
    trusted = cell(
        "sqrt", ret=t("f64"), clauses=(requires,), extern=True, trusted=True, pub=True, body=None
    )
    test = cell("t", ast.AssertStmt(ast.BoolLit(True, span=NO_SPAN), span=NO_SPAN), kind="test")
    assert fmt(generic, lemma, ext, trusted, test) == (
        "pub pure cell f<T>(x: i64 where x > 0, mut v: Vec<T>) -> i64:\n"
        "    requires x > 0\n"
        "    ensures result >= 0\n"
        "    decreases x, y\n"
        "    return x\n"
        "\n"
        "lemma cell l():\n"
        "    ensures result >= 0\n"
        "\n"
        "extern cell raw(x: i64 where x > 0) -> i64\n"
        "\n"
        "pub trusted extern cell sqrt() -> f64:\n"
        "    requires x > 0\n"
        "\n"
        "test cell t():\n"
        "    assert true\n"
    )


def test_statements_layout() -> None:
    inv = ast.Invariant(b("<=", n("i"), n("n")), span=NO_SPAN)
    dec = ast.Decreases((b("-", n("n"), n("i")),), span=NO_SPAN)
    brk = ast.BreakStmt(span=NO_SPAN)
    body = (
        ast.ValStmt("x", False, None, None, i(10), span=NO_SPAN),
        ast.ValStmt("t", True, t("i64"), b(">=", n("t"), i(0)), i(0), span=NO_SPAN),
        ast.Assign(ast.FieldAccess(n("p"), "x", span=NO_SPAN), "+=", i(1), span=NO_SPAN),
        ast.IfStmt(
            (
                ast.IfBranch(b("<", n("x"), i(0)), block(ast.ReturnStmt(None, span=NO_SPAN)),
                             span=NO_SPAN),
                ast.IfBranch(n("y"), block(ast.ContinueStmt(span=NO_SPAN)), span=NO_SPAN),
            ),
            block(brk),
            span=NO_SPAN,
        ),
        ast.WhileStmt(n("c"), (inv, dec), block(brk), span=NO_SPAN),
        ast.WhileStmt(n("c"), (inv,), block(), span=NO_SPAN),
        ast.ForStmt("i", rng(i(0), n("n"), True), (), block(brk), span=NO_SPAN),
        ast.ForStmt("x", n("v"), (inv,), block(brk), span=NO_SPAN),
        ast.MatchStmt(
            n("s"),
            (
                ast.MatchArm(ast.VariantPattern(("Some",), (ast.NamePattern("k", span=NO_SPAN),),
                             span=NO_SPAN), b(">", n("k"), i(0)), block(brk), span=NO_SPAN),
                ast.MatchArm(ast.WildcardPattern(span=NO_SPAN), None, block(brk), span=NO_SPAN),
            ),
            span=NO_SPAN,
        ),
        ast.UnsafeStmt(block(es(call("raw", i(1)))), span=NO_SPAN),
        ast.AssumeStmt(n("p"), span=NO_SPAN),
    )  # fmt: skip
    assert fmt(cell("main", *body)) == (
        "cell main():\n"
        "    val x = 10\n"
        "    val mut t: i64 where t >= 0 = 0\n"
        "    p.x += 1\n"
        "    if x < 0:\n"
        "        return\n"
        "    elif y:\n"
        "        continue\n"
        "    else:\n"
        "        break\n"
        "    while c:\n"
        "        invariant i <= n\n"
        "        decreases n - i\n"
        "        break\n"
        "    while c:\n"
        "        invariant i <= n\n"
        "    for i in 0..=n:\n"
        "        break\n"
        "    for x in v:\n"
        "        invariant i <= n\n"
        "        break\n"
        "    match s:\n"
        "        Some(k) if k > 0:\n"
        "            break\n"
        "        _:\n"
        "            break\n"
        "    unsafe:\n"
        "        raw(1)\n"
        "    assume p\n"
    )


def test_empty_module_and_impossible_trees() -> None:
    assert fmt() == ""
    with pytest.raises(ValueError):
        fmt(cell("f", body=block()))
    with pytest.raises(ValueError):
        fmt(cell("f", es(a), extern=True))
    with pytest.raises(ValueError):
        fmt(cell("f", ast.IfStmt((ast.IfBranch(a, block(), span=NO_SPAN),), None, span=NO_SPAN)))


# --------------------------------------------------------- parsed sources

# Spec section 11, kept verbatim in the cookbook.
SPEC_EXAMPLE = (REPO / "cookbook" / "binary_search.aura").read_text(encoding="utf-8")


def test_spec_example_is_canonical() -> None:
    assert_canonical(SPEC_EXAMPLE)


def test_normalizes_spacing_and_layout() -> None:
    messy = (
        "import std::io\n\n\nimport std::math\nconst A: i64=1\nconst B: i64 = 2\n"
        "type P = record {\n  x: i64,\n  y: i64,\n}\n"
        "cell f(x:i64)->i64 :\n"
        "  requires x>0\n"
        "  while x > 0 invariant x >= 0 decreases x:\n"
        "     x -= 1\n"
        "  return ((x + 1))\n"
    )
    assert reformat(messy) == (
        "import std::io\nimport std::math\n\nconst A: i64 = 1\nconst B: i64 = 2\n\n"
        "type P = record { x: i64, y: i64 }\n\n"
        "cell f(x: i64) -> i64:\n"
        "    requires x > 0\n"
        "    while x > 0:\n"
        "        invariant x >= 0\n"
        "        decreases x\n"
        "        x -= 1\n"
        "    return x + 1\n"
    )


def test_consts_stay_together_unless_the_source_separates_them() -> None:
    text = "const A: i64 = 1\nconst B: i64 = 2\n\n\n## Docs.\nconst C: i64 = 3\n"
    assert reformat(text) == "const A: i64 = 1\nconst B: i64 = 2\n\n## Docs.\nconst C: i64 = 3\n"


def test_blank_lines_inside_blocks_are_kept_single() -> None:
    text = "cell f():\n    val x = 1\n\n\n\n    val y = 2\n    if x:\n        y\n\n    z\n"
    assert reformat(text) == (
        "cell f():\n    val x = 1\n\n    val y = 2\n    if x:\n        y\n\n    z\n"
    )
    # Never at the start of a block.
    assert reformat("cell f():\n\n    x\n") == "cell f():\n    x\n"
    # Without a source there are none.
    result = parse_module(SourceFile("t", text))
    assert "\n\n" not in format_module(result.module)


def test_comments_trailing_and_own_line() -> None:
    text = (
        "# header\n"
        "\n"
        "import std::io  # io\n"
        "\n"
        "# before const\n"
        "const A: i64 = 1  # one\n"
        "\n"
        "## Doc.\n"
        "cell f(x: i64):  # head\n"
        "    # first\n"
        "    requires x > 0  # clause\n"
        "    if x:  # if\n"
        "        y  # y\n"
        "        # end of if body\n"
        "    # before else\n"
        "    else:  # else\n"
        "        # in else\n"
        "        z\n"
        "    match x:\n"
        "        # arm\n"
        "        _:  # arm head\n"
        "            w\n"
        "    # end of f\n"
        "# end of file\n"
    )
    assert_canonical(text)


def test_comment_at_end_of_nested_blocks_follows_its_column() -> None:
    text = (
        "cell f():\n"
        "    while a:\n"
        "        if b:\n"
        "            c\n"
        "            # inner\n"
        "        # middle\n"
        "    # outer\n"
        "# top\n"
        "cell g():\n"
        "    x\n"
    )
    assert reformat(text) == text.replace("# top\ncell g", "\n# top\ncell g")


def test_comments_inside_collapsed_constructs_trail_the_line() -> None:
    text = (
        "cell f():\n"
        "    val v = [  # open\n"
        "        1,  # one\n"
        "        # own line\n"
        "        2,\n"
        "    ]  # close\n"
        "    g()\n"
    )
    out = reformat(text)
    assert out == ("cell f():\n    val v = [1, 2]  # open  # one  # own line  # close\n    g()\n")
    assert reformat(out) == out


def test_comments_in_odd_indentation_are_normalized() -> None:
    text = "cell f():\n  x\n      # deep\n  y\n # shallow\n  z\n"
    out = reformat(text)
    assert out == "cell f():\n    x\n    # deep\n    y\n    # shallow\n    z\n"
    assert reformat(out) == out


def test_comments_without_a_source_are_all_kept_in_order() -> None:
    text = (
        "# a\ncell f():  # b\n    if x:\n        y\n        # c\n    # d\n    else:  # e\n"
        "        z  # f\n# g\n"
    )
    result = parse_module(SourceFile("t", text))
    out = format_module(result.module, result.comments)
    assert [line.split("# ", 1)[1] for line in out.splitlines() if "#" in line] == list("abcdefg")


def test_trailing_comment_after_a_multi_line_header_keeps_its_order() -> None:
    text = "cell f(\n    x: i64,\n    # c1\n):  # c2\n    x\n"
    out = reformat(text)
    assert out == "cell f(x: i64):\n    # c1\n    # c2\n    x\n"
    assert reformat(out) == out


def test_doc_comment_normalization() -> None:
    assert reformat("##Doc\n##   two\n##\ncell f():\n    x\n") == (
        "## Doc\n##   two\n##\ncell f():\n    x\n"
    )


def test_blank_line_between_comment_and_declaration_is_kept() -> None:
    text = "## not a doc\n\ncell f():\n    x\n\n# about g\n\ncell g():\n    y\n"
    assert_canonical(text)
    result = parse_module(SourceFile("t", text))
    assert all(isinstance(d, ast.CellDecl) and d.doc is None for d in result.module.decls)


def test_crlf_and_trailing_whitespace() -> None:
    assert reformat("cell f():  \r\n    x   # c   \r\n") == "cell f():\n    x  # c\n"


# -------------------------------------------------------------- properties

# Whole modules are costly to draw; the larger runs are done by hand with more examples.
_SETTINGS = settings(max_examples=60)


@settings(_SETTINGS, max_examples=300)
@given(S.exprs())
def test_generated_expressions_round_trip(tree: ast.Expr) -> None:
    text = format_expr(tree)
    assert parse_expr(text) == tree, text


@_SETTINGS
@given(S.modules())
def test_generated_modules_round_trip(module: ast.Module) -> None:
    text = format_module(module)
    result = parse_module(SourceFile("t.aura", text))
    assert result.ok, (text, [d.message for d in result.diagnostics])
    assert result.module == module, text
    assert format_module(result.module, result.comments, result.source) == text


@_SETTINGS
@given(S.modules(max_decls=3), st.data())
def test_comments_survive_and_formatting_is_idempotent(
    module: ast.Module, data: st.DataObject
) -> None:
    """Sprinkle comments into a formatted module; formatting keeps them all, once, in order."""
    lines = format_module(module).splitlines()
    out: list[str] = []
    serial = 0
    for line in lines:
        if data.draw(st.integers(0, 3)) == 0:
            indent = data.draw(st.integers(0, 12))
            out.append(" " * indent + f"# own{serial}")
            serial += 1
        if line and data.draw(st.integers(0, 3)) == 0:
            line += f"  # trail{serial}"
            serial += 1
        out.append(line)
    if data.draw(st.booleans()):
        out.append(f"# last{serial}")
    text = "\n".join(out) + "\n"
    source = SourceFile("t.aura", text)
    result = parse_module(source)
    assert result.ok, (text, [d.message for d in result.diagnostics])
    formatted = format_module(result.module, result.comments, source)
    again = parse_module(SourceFile("t.aura", formatted))
    assert again.ok, formatted
    assert again.module == result.module, formatted
    words = [w for c in result.comments for w in c.text.split()]
    assert [w for c in again.comments for w in c.text.split()] == words, formatted
    assert format_module(again.module, again.comments, again.source) == formatted


#: Directories of deliberately malformed inputs (the fuzzers' corpora), not formatted.
_MALFORMED = ("testing/fuzz",)


def _repo_sources() -> list[Path]:
    found: list[Path] = []
    for top in ("cookbook", "sdk", "testing", "docs", "examples"):
        root = REPO / top
        if root.is_dir():
            found.extend(sorted(root.rglob("*.aura")))
    return [p for p in found if not p.relative_to(REPO).as_posix().startswith(_MALFORMED)]


@pytest.mark.parametrize("path", _repo_sources(), ids=lambda p: str(p.relative_to(REPO)))
def test_repository_sources(path: Path) -> None:
    source = SourceFile(str(path), path.read_text(encoding="utf-8"))
    result = parse_module(source)
    assert result.ok, [d.message for d in result.diagnostics]
    formatted = format_module(result.module, result.comments, source)
    again = parse_module(SourceFile(str(path), formatted))
    assert again.ok, formatted
    assert again.module == result.module
    words = [w for c in result.comments for w in c.text.split()]
    assert [w for c in again.comments for w in c.text.split()] == words
    assert format_module(again.module, again.comments, again.source) == formatted
