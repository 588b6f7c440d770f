"""Hypothesis strategies for Aura syntax trees the parser can produce.

Every tree drawn here has ``NO_SPAN`` spans and stays within what the concrete
syntax can say, so that ``parse(format(tree)).module == tree`` is a fair
property: identifiers avoid reserved words, literal spellings agree with their
values (and suffixed integers with their ranges), string text parts are never
adjacent or empty (except the one part of ``""``), interpolations hold no
string, bytes or braces, callees are names or paths, assignment targets are
places, blocks are never empty, and extern cells have no body.  Parentheses are
the formatter's business, so operators nest freely.

Recursion is bounded with ``st.recursive(..., max_leaves=...)`` throughout.
The factories are cached: building these strategies costs far more than
drawing from them.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any, TypeVar

from hypothesis import strategies as st

from aura_core import ast
from aura_core.ast import NO_SPAN

__all__ = [
    "RESERVED",
    "blocks",
    "decls",
    "exprs",
    "identifiers",
    "modules",
    "patterns",
    "stmts",
    "types",
]

N = TypeVar("N", bound=ast.Node)
S = st.SearchStrategy

#: Spec section 1.
RESERVED = frozenset(
    (
        "and", "as", "assert", "assume", "break", "cell", "const", "continue", "decreases", "elif",
        "else", "ensures", "enum", "exists", "extern", "false", "for", "forall", "ghost", "if",
        "import", "in", "invariant", "lemma", "match", "mut", "not", "old", "or", "pub", "pure",
        "record", "requires", "resource", "result", "return", "test", "true", "trusted", "type",
        "unsafe", "val", "where", "while",
    )
)  # fmt: skip
_INT_SUFFIXES = ("i8", "i16", "i32", "i64", "u8", "u16", "u32", "u64")
_PRIMITIVES = ("i8", "i16", "i32", "i64", "u8", "u16", "u32", "u64", "Int", "f64")
_BINARY_OPS: tuple[ast.BinaryOp, ...] = (
    "==>", "or", "and", "==", "!=", "<", "<=", ">", ">=",
    "|", "^", "&", "<<", ">>", "+", "-", "*", "/", "%",
)  # fmt: skip


def _node(cls: Callable[..., N], **kwargs: S[Any]) -> S[N]:
    """``st.builds`` with a synthetic span, which equality ignores anyway."""
    return st.builds(cls, span=st.just(NO_SPAN), **kwargs)


def _tuples(elements: S[Any], min_size: int = 0, max_size: int = 3) -> S[tuple[Any, ...]]:
    return st.lists(elements, min_size=min_size, max_size=max_size).map(tuple)


identifiers: S[str] = st.one_of(
    st.sampled_from(["x", "y", "n", "v", "Point", "i64", "Some", "None", "e5", "b", "_x"]),
    st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,6}", fullmatch=True),
).filter(lambda s: s not in RESERVED and s != "_")

_paths: S[tuple[str, ...]] = _tuples(identifiers, 2, 3)
_names_or_paths: S[tuple[str, ...]] = _tuples(identifiers, 1, 3)

# ------------------------------------------------------------------- literals


@st.composite
def _int_lits(draw: st.DrawFn, signed_only: bool = False) -> ast.IntLit:
    suffixes = [s for s in _INT_SUFFIXES if not (signed_only and s.startswith("u"))]
    suffix = draw(st.none() | st.sampled_from(suffixes))
    hi = (1 << 64) - 1
    if suffix is not None:
        bits = int(suffix[1:])
        hi = (1 << (bits - 1)) - 1 if suffix.startswith("i") else (1 << bits) - 1
    value = draw(st.integers(0, 20) | st.integers(0, hi))
    prefix, digits = draw(
        st.sampled_from(
            [
                ("", str(value)),
                ("0x", f"{value:x}"),
                ("0x", f"{value:X}"),
                ("0b", f"{value:b}"),
                ("0o", f"{value:o}"),
            ]
        )
    )
    if len(digits) > 1 and draw(st.booleans()):
        cut = draw(st.integers(1, len(digits) - 1))
        digits = digits[:cut] + "_" + digits[cut:]
    return ast.IntLit(value, suffix, prefix + digits, span=NO_SPAN)


@st.composite
def _float_lits(draw: st.DrawFn) -> ast.FloatLit:
    whole = str(draw(st.integers(0, 10**6)))
    if draw(st.integers(0, 4)) == 0:
        return ast.FloatLit(float(whole), "f64", whole, span=NO_SPAN)  # `1f64`
    frac = draw(st.none() | st.from_regex(r"[0-9]{1,4}", fullmatch=True))
    exp = draw(st.none() | st.from_regex(r"[eE][+-]?[0-9]{1,2}", fullmatch=True))
    if frac is None and exp is None:
        frac = "0"
    text = whole + (f".{frac}" if frac is not None else "") + (exp or "")
    suffix = draw(st.none() | st.just("f64"))
    return ast.FloatLit(float(text), suffix, text, span=NO_SPAN)


_SIMPLE_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t", "\0": "\\0", "\\": "\\\\", '"': '\\"'}


@st.composite
def _str_texts(draw: st.DrawFn, allow_empty: bool = False) -> ast.StrText:
    """Text of a string literal with ``raw`` a valid (randomly chosen) escaping of ``value``."""
    value = draw(st.text(min_size=0 if allow_empty else 1, max_size=8))
    raw = []
    for ch in value:
        if ch in _SIMPLE_ESCAPES:
            raw.append(_SIMPLE_ESCAPES[ch])
        elif ch in "{}":
            raw.append("\\" + ch)
        elif ch.isprintable():
            raw.append(f"\\u{{{ord(ch):x}}}" if draw(st.integers(0, 9)) == 0 else ch)
        else:
            raw.append(f"\\u{{{ord(ch):X}}}")
    return ast.StrText(value, "".join(raw), span=NO_SPAN)


_plain_strings: S[ast.StringLit] = st.one_of(
    _str_texts(allow_empty=True).map(lambda t: ast.StringLit((t,), span=NO_SPAN)),
)


@st.composite
def _bytes_lits(draw: st.DrawFn) -> ast.BytesLit:
    value = draw(st.binary(max_size=8))
    raw = []
    for b in value:
        ch = chr(b)
        if ch in _SIMPLE_ESCAPES:
            raw.append(_SIMPLE_ESCAPES[ch])
        elif 32 <= b < 127 and draw(st.integers(0, 5)):
            raw.append(ch)
        else:
            raw.append(f"\\x{b:02x}")
    return ast.BytesLit(value, "".join(raw), span=NO_SPAN)


def _string_lits(interps: S[ast.Expr]) -> S[ast.StringLit]:
    """Strings mixing text and interpolations, never two text parts in a row."""

    @st.composite
    def build(draw: st.DrawFn) -> ast.StringLit:
        parts: list[ast.StrPart] = []
        for _ in range(draw(st.integers(1, 4))):
            if (parts and isinstance(parts[-1], ast.StrText)) or draw(st.booleans()):
                parts.append(ast.StrInterp(draw(interps), span=NO_SPAN))
            else:
                parts.append(draw(_str_texts()))
        return ast.StringLit(tuple(parts), span=NO_SPAN)

    return build()


# ---------------------------------------------------------------- expressions


@cache
def _atoms(strings: bool) -> S[ast.Expr]:
    options: list[S[Any]] = [
        _int_lits(),
        _float_lits(),
        _node(ast.BoolLit, value=st.booleans()),
        _node(ast.UnitLit),
        _node(ast.Name, id=identifiers),
        _node(ast.Path, parts=_paths),
        _node(ast.ResultRef),
    ]
    if strings:
        options += [_plain_strings, _bytes_lits()]
    return st.one_of(*options)


def _negate(operand: ast.Expr) -> ast.Expr:
    """``-5u8`` is out of range for ``u8``; give such a literal a signed suffix."""
    if isinstance(operand, ast.IntLit) and operand.suffix and operand.suffix.startswith("u"):
        suffix = "i" + operand.suffix[1:]
        bits = int(suffix[1:])
        value = min(operand.value, 1 << (bits - 1))
        return ast.IntLit(value, suffix, str(value), span=NO_SPAN)
    return operand


def _extend(children: S[ast.Expr], braces: bool, interps: S[ast.Expr] | None) -> S[ast.Expr]:
    args = _tuples(_node(ast.Arg, value=children, mut=st.booleans()))
    ranges = _node(ast.Range, lo=children, hi=children, inclusive=st.booleans())
    binder_types = types(_atoms(strings=False), braces=braces, max_leaves=2)
    binders = st.one_of(
        _node(ast.RangeBinder, name=identifiers, range=ranges),
        _node(ast.TypeBinder, name=identifiers, type=binder_types),
    )
    options: list[S[Any]] = [
        _node(ast.VecLit, elems=_tuples(children)),
        _node(ast.Old, expr=children),
        _node(ast.Call, callee=_node(ast.Name, id=identifiers) | _node(ast.Path, parts=_paths),
              args=args),
        _node(ast.MethodCall, receiver=children, method=identifiers, args=args),
        _node(ast.FieldAccess, obj=children, name=identifiers),
        _node(ast.Index, obj=children, index=children),
        _node(ast.Try, expr=children),
        _node(ast.Unary, op=st.just("-"), operand=children.map(_negate)),
        _node(ast.Unary, op=st.sampled_from(["~", "not"]), operand=children),
        _node(ast.Binary, op=st.sampled_from(_BINARY_OPS), left=children, right=children),
        _node(ast.Cast, expr=children,
              type=st.sampled_from(_PRIMITIVES).map(lambda n: ast.NamedType((n,), span=NO_SPAN))),
        _node(ast.Conditional, then=children, cond=children, otherwise=children),
        _node(ast.Quantifier, kind=st.sampled_from(["forall", "exists"]),
              binders=_tuples(binders, 1, 2), body=children),
    ]  # fmt: skip
    if braces:
        fields = _node(ast.FieldInit, name=identifiers, value=children)
        options.append(_node(ast.RecordLit, path=_names_or_paths, fields=_tuples(fields)))
    if interps is not None:
        options.append(_string_lits(interps))
    return st.one_of(*options)


@cache
def _interp_exprs(max_leaves: int) -> S[ast.Expr]:
    """Expressions allowed inside ``{...}`` of a string: no strings, bytes or braces."""
    return st.recursive(
        _atoms(strings=False),
        lambda c: _extend(c, braces=False, interps=None),
        max_leaves=max_leaves,
    )


@cache
def exprs(max_leaves: int = 8) -> S[ast.Expr]:
    """Any expression, interpolated strings included."""
    interps = _interp_exprs(max(2, max_leaves // 2))
    return st.recursive(
        _atoms(strings=True),
        lambda c: _extend(c, braces=True, interps=interps),
        max_leaves=max_leaves,
    )


# ---------------------------------------------------------------------- types


@cache
def types(preds: S[ast.Expr] | None = None, braces: bool = True, max_leaves: int = 4) -> S[Any]:
    """Type expressions; ``preds`` supplies refinement predicates and range bounds."""
    p = preds if preds is not None else exprs(3)
    leaf = _node(
        ast.NamedType,
        path=st.sampled_from(["i64", "u8", "bool", "String", "Int"]).map(lambda n: (n,))
        | _names_or_paths,
        args=st.just(()),
    )

    def extend(children: S[Any]) -> S[Any]:
        options: list[S[Any]] = [
            _node(ast.NamedType, path=_names_or_paths, args=_tuples(children, 1, 2)),
            _node(ast.RangeType, base=children,
                  range=_node(ast.Range, lo=p, hi=p, inclusive=st.booleans())),
        ]  # fmt: skip
        if braces:
            options.append(_node(ast.RefinedType, var=identifiers, base=children, pred=p))
        return st.one_of(*options)

    return st.recursive(leaf, extend, max_leaves=max_leaves)


# ------------------------------------------------------------------- patterns


@cache
def patterns() -> S[ast.Pattern]:
    int_pats = st.one_of(
        _int_lits(),
        _int_lits(signed_only=True).map(lambda i: ast.Unary("-", i, span=NO_SPAN)),
    )
    literal = st.one_of(int_pats, _node(ast.BoolLit, value=st.booleans()), _plain_strings)
    leaf = st.one_of(
        _node(ast.WildcardPattern),
        _node(ast.LiteralPattern, value=literal),
        _node(ast.NamePattern, name=identifiers),
        _node(ast.VariantPattern, path=_paths, args=st.none()),
    )
    return st.recursive(
        leaf,
        lambda c: _node(ast.VariantPattern, path=_names_or_paths, args=_tuples(c)),
        max_leaves=4,
    )


# ----------------------------------------------------------------- statements


def _places(e: S[ast.Expr]) -> S[ast.Expr]:
    return st.recursive(
        _node(ast.Name, id=identifiers),
        lambda c: (
            _node(ast.FieldAccess, obj=c, name=identifiers) | _node(ast.Index, obj=c, index=e)
        ),
        max_leaves=3,
    )


def _loop_clauses(e: S[ast.Expr]) -> S[tuple[ast.LoopClause, ...]]:
    clause = _node(ast.Invariant, cond=e) | _node(ast.Decreases, measures=_tuples(e, 1, 2))
    return _tuples(clause, 0, 2)


def blocks(children: S[ast.Stmt], min_size: int = 1) -> S[ast.Block]:
    return _node(ast.Block, stmts=_tuples(children, min_size, 3))


@cache
def stmts(max_leaves: int = 6) -> S[ast.Stmt]:
    e = exprs(5)
    t = types(max_leaves=2)
    simple = st.one_of(
        st.builds(
            lambda name, mutable, typ, where, value: ast.ValStmt(
                name, mutable, typ, where if typ is not None else None, value, span=NO_SPAN
            ),
            identifiers, st.booleans(), st.none() | t, st.none() | e, e,
        ),
        _node(ast.Assign, target=_places(e),
              op=st.sampled_from(["=", "+=", "-=", "*=", "/=", "%="]), value=e),
        _node(ast.ExprStmt, expr=e),
        _node(ast.ReturnStmt, value=st.none() | e),
        _node(ast.BreakStmt),
        _node(ast.ContinueStmt),
        _node(ast.AssertStmt, cond=e),
        _node(ast.AssumeStmt, cond=e),
    )  # fmt: skip

    def extend(children: S[ast.Stmt]) -> S[ast.Stmt]:
        block = blocks(children)
        return st.one_of(
            _node(ast.IfStmt, branches=_tuples(_node(ast.IfBranch, cond=e, body=block), 1, 3),
                  else_body=st.none() | block),
            st.builds(_loop, st.just("while"), e, _loop_clauses(e), blocks(children, 0)),
            st.builds(_loop, identifiers,
                      _node(ast.Range, lo=e, hi=e, inclusive=st.booleans()) | e,
                      _loop_clauses(e), blocks(children, 0)),
            _node(ast.MatchStmt, scrutinee=e, arms=_tuples(
                _node(ast.MatchArm, pattern=patterns(), guard=st.none() | e, body=block), 1, 3)),
            _node(ast.UnsafeStmt, body=block),
        )  # fmt: skip

    return st.recursive(simple, extend, max_leaves=max_leaves)


def _loop(
    var: str, head: ast.Expr | ast.Range, clauses: tuple[ast.LoopClause, ...], body: ast.Block
) -> ast.Stmt:
    """A while (``var`` == "while") or for loop; a body may be empty only under clauses."""
    if not body.stmts and not clauses:
        body = ast.Block((ast.BreakStmt(span=NO_SPAN),), span=NO_SPAN)
    if var == "while":
        assert not isinstance(head, ast.Range)
        return ast.WhileStmt(head, clauses, body, span=NO_SPAN)
    return ast.ForStmt(var, head, clauses, body, span=NO_SPAN)


# --------------------------------------------------------------- declarations

_docs: S[str | None] = st.none() | st.lists(
    st.text(st.characters(blacklist_categories=["Cs", "Cc", "Zl", "Zp"]), max_size=12).map(
        str.rstrip
    ),
    min_size=1,
    max_size=3,
).map("\n".join)


@cache
def _cells() -> S[ast.CellDecl]:
    e = exprs(4)
    t = types(max_leaves=2)
    params = _tuples(
        _node(ast.Param, name=identifiers, type=t, mutable=st.booleans(), where=st.none() | e)
    )
    contract = st.one_of(
        _node(ast.Requires, cond=e),
        _node(ast.Ensures, cond=e),
        _node(ast.Decreases, measures=_tuples(e, 1, 2)),
    )

    @st.composite
    def build(draw: st.DrawFn) -> ast.CellDecl:
        extern = draw(st.integers(0, 3)) == 0
        trusted = extern and draw(st.booleans())
        clauses = draw(_tuples(contract, 0, 2)) if trusted or not extern else ()
        body = None
        if not extern:
            body = draw(blocks(stmts(), 0) if clauses else blocks(stmts()))
        return ast.CellDecl(
            draw(identifiers),
            draw(_tuples(identifiers, 0, 2)),
            draw(params),
            draw(st.none() | t),
            clauses,
            body,
            pub=draw(st.booleans()),
            kind="cell" if extern else draw(st.sampled_from(["cell", "pure", "lemma", "test"])),
            extern=extern,
            trusted=trusted,
            doc=draw(_docs),
            span=NO_SPAN,
        )

    return build()


@cache
def _type_decls() -> S[ast.TypeDecl]:
    e = exprs(3)
    t = types(max_leaves=3)
    record = _node(
        ast.RecordDef,
        fields=_tuples(_node(ast.RecordField, name=identifiers, type=t, default=st.none() | e)),
        resource=st.booleans(),
    )
    variant = _node(
        ast.Variant,
        name=identifiers,
        fields=st.none() | _tuples(_node(ast.VariantField, name=st.none() | identifiers, type=t)),
    )
    enum = _node(ast.EnumDef, variants=_tuples(variant))
    return _node(
        ast.TypeDecl,
        name=identifiers,
        params=_tuples(identifiers, 0, 2),
        definition=st.one_of(record, enum, t),
        pub=st.booleans(),
        doc=_docs,
    )


@cache
def decls() -> S[ast.Decl]:
    return st.one_of(
        _node(ast.Import, path=_names_or_paths, alias=st.none() | identifiers),
        _node(ast.ConstDecl, name=identifiers, type=types(max_leaves=2), value=exprs(4),
              pub=st.booleans(), doc=_docs),
        _type_decls(),
        _cells(),
    )  # fmt: skip


@cache
def modules(max_decls: int = 4) -> S[ast.Module]:
    return _node(ast.Module, decls=_tuples(decls(), 0, max_decls))
