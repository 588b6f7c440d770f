"""Canonical text of expressions, types and patterns.

The tree keeps no parentheses, so this module decides where they go: each
expression has a precedence level (spec section 5, lowest first) and each
operand position a minimum level; an operand below its minimum is wrapped.
That is exactly enough for ``parse(format(e)) == e`` and no more, so the output
never carries parentheses the reader has to discount.

Levels used here (a higher number binds tighter)::

    0 quantifier   1 ==>   2 x if C else y   3 or   4 and   5 not
    6 comparisons  7 |   8 ^   9 &   10 << >>   11 + -   12 * / %
    13 as   14 unary - ~   15 postfix   16 atoms
"""

from __future__ import annotations

from aura_core import ast

__all__ = [
    "POSTFIX",
    "TOP",
    "format_args",
    "format_binder",
    "format_expr",
    "format_pattern",
    "format_range",
    "format_type",
]

#: The minimum level of a whole expression: anything stands there unparenthesized.
TOP = 0
_QUANT = 0
_IMPLIES = 1
_COND = 2
_OR = 3
_NOT = 5
_CMP = 6
_BITOR = 7
_CAST = 13
_UNARY = 14
_POSTFIX = 15
#: The minimum level of a call receiver or assignment target.
POSTFIX = _POSTFIX
_ATOM = 16

_BINARY_LEVEL: dict[str, int] = {
    "==>": _IMPLIES,
    "or": _OR,
    "and": 4,
    "==": _CMP,
    "!=": _CMP,
    "<": _CMP,
    "<=": _CMP,
    ">": _CMP,
    ">=": _CMP,
    "|": _BITOR,
    "^": 8,
    "&": 9,
    "<<": 10,
    ">>": 10,
    "+": 11,
    "-": 11,
    "*": 12,
    "/": 12,
    "%": 12,
}


def level(e: ast.Expr) -> int:
    """The precedence level of ``e``'s outermost construct."""
    match e:
        case ast.Quantifier():
            return _QUANT
        case ast.Binary(op=op):
            return _BINARY_LEVEL[op]
        case ast.Conditional():
            return _COND
        case ast.Unary(op="not"):
            return _NOT
        case ast.Unary():
            return _UNARY
        case ast.Cast():
            return _CAST
        case ast.Call() | ast.MethodCall() | ast.FieldAccess() | ast.Index() | ast.Try():
            return _POSTFIX
        case _:
            return _ATOM


def format_expr(e: ast.Expr, min_level: int = TOP) -> str:
    """``e`` as canonical text, parenthesized if it binds looser than ``min_level``."""
    text = _expr(e)
    return f"({text})" if level(e) < min_level else text


def _expr(e: ast.Expr) -> str:
    match e:
        case ast.IntLit(text=text, suffix=suffix) | ast.FloatLit(text=text, suffix=suffix):
            return text + (suffix or "")
        case ast.BoolLit(value=value):
            return "true" if value else "false"
        case ast.StringLit(parts=parts):
            return '"' + "".join(_str_part(p) for p in parts) + '"'
        case ast.BytesLit(raw=raw):
            return f'b"{raw}"'
        case ast.UnitLit():
            return "()"
        case ast.VecLit(elems=elems):
            return "[" + ", ".join(format_expr(x) for x in elems) + "]"
        case ast.Name(id=name):
            return name
        case ast.Path(parts=parts):
            return "::".join(parts)
        case ast.ResultRef():
            return "result"
        case ast.Old(expr=inner):
            return f"old({format_expr(inner)})"
        case ast.Call(callee=callee, args=args):
            return f"{_callee(callee)}({format_args(args)})"
        case ast.MethodCall(receiver=receiver, method=method, args=args):
            return f"{format_expr(receiver, _POSTFIX)}.{method}({format_args(args)})"
        case ast.FieldAccess(obj=obj, name=name):
            return f"{format_expr(obj, _POSTFIX)}.{name}"
        case ast.Index(obj=obj, index=index):
            return f"{format_expr(obj, _POSTFIX)}[{format_expr(index)}]"
        case ast.Try(expr=inner):
            return f"{format_expr(inner, _POSTFIX)}?"
        case ast.Unary(op="not", operand=operand):
            # `not not a` as written: parentheses on each of a few hundred nested
            # `not`s would pass the parser's limit on open brackets.
            return f"not {format_expr(operand, _NOT)}"
        case ast.Unary(op=op, operand=ast.Unary(op="-" | "~") as inner):
            # A nested prefix operator after a space (`- -x`): never `--x`, which
            # reads as one token, and no brackets, which deep chains would run out of.
            return f"{op} {_expr(inner)}"
        case ast.Unary(op=op, operand=operand):
            return op + format_expr(operand, _POSTFIX)
        case ast.Binary(op=op, left=left, right=right):
            return _binary(op, left, right)
        case ast.Cast(expr=inner, type=target):
            return f"{format_expr(inner, _CAST)} as {format_type(target)}"
        case ast.Conditional(then=then, cond=cond, otherwise=otherwise):
            return (
                f"{format_expr(then, _OR)} if {format_expr(cond, _OR)} "
                f"else {format_expr(otherwise, _COND)}"
            )
        case ast.Quantifier(kind=kind, binders=binders, body=body):
            bound = ", ".join(format_binder(b) for b in binders)
            return f"{kind}({bound}): {format_expr(body)}"
        case ast.RecordLit(path=path, fields=fields):
            name = "::".join(path)
            if not fields:
                return name + " {}"
            inits = ", ".join(f"{f.name}: {format_expr(f.value)}" for f in fields)
            return f"{name} {{ {inits} }}"
    raise TypeError(f"not an expression: {e!r}")


def _binary(op: str, left: ast.Expr, right: ast.Expr) -> str:
    lvl = _BINARY_LEVEL[op]
    if op == "==>":
        # Right-associative; a quantifier may stand bare on the right.
        lhs, rhs = format_expr(left, _IMPLIES + 1), format_expr(right, _QUANT)
    elif lvl == _CMP:
        # Comparisons do not chain: both operands must bind tighter.
        lhs, rhs = format_expr(left, _CMP + 1), format_expr(right, _CMP + 1)
    else:
        lhs, rhs = format_expr(left, lvl), format_expr(right, lvl + 1)
    return f"{lhs} {op} {rhs}"


def _callee(callee: ast.Expr) -> str:
    # `x.f(a)` would read back as a method call, so a field callee keeps parens.
    if isinstance(callee, ast.FieldAccess):
        return f"({_expr(callee)})"
    return format_expr(callee, _POSTFIX)


def _str_part(part: ast.StrPart) -> str:
    match part:
        case ast.StrText(raw=raw):
            return raw
        case ast.StrInterp(expr=inner):
            return "{" + format_expr(inner) + "}"
    raise TypeError(f"not a string part: {part!r}")


def format_args(args: tuple[ast.Arg, ...]) -> str:
    """Call arguments without the surrounding parentheses."""
    return ", ".join(("mut " if a.mut else "") + format_expr(a.value) for a in args)


def format_range(r: ast.Range) -> str:
    """``lo..hi`` / ``lo..=hi``; bounds are `|`-level or tighter (spec section 5)."""
    op = "..=" if r.inclusive else ".."
    return format_expr(r.lo, _BITOR) + op + format_expr(r.hi, _BITOR)


def format_binder(b: ast.Binder) -> str:
    match b:
        case ast.RangeBinder(name=name, range=rng):
            return f"{name} in {format_range(rng)}"
        case ast.TypeBinder(name=name, type=t):
            return f"{name}: {format_type(t)}"
    raise TypeError(f"not a quantifier binder: {b!r}")


def format_type(t: ast.TypeExpr) -> str:
    """A type expression as canonical text (``Map<K, V>``, ``{ v: T | P }``, ``T[a..b]``)."""
    match t:
        case ast.NamedType(path=path, args=args):
            name = "::".join(path)
            if args:
                return name + "<" + ", ".join(format_type(a) for a in args) + ">"
            return name
        case ast.RefinedType(var=var, base=base, pred=pred):
            return f"{{ {var}: {format_type(base)} | {format_expr(pred)} }}"
        case ast.RangeType(base=base, range=rng):
            return f"{format_type(base)}[{format_range(rng)}]"
    raise TypeError(f"not a type expression: {t!r}")


def format_pattern(p: ast.Pattern) -> str:
    """A match pattern; ``Enum::Variant`` and ``Enum::Variant()`` stay as written."""
    match p:
        case ast.WildcardPattern():
            return "_"
        case ast.LiteralPattern(value=value):
            return format_expr(value)
        case ast.NamePattern(name=name):
            return name
        case ast.VariantPattern(path=path, args=args):
            name = "::".join(path)
            if args is None:
                return name
            return name + "(" + ", ".join(format_pattern(a) for a in args) + ")"
    raise TypeError(f"not a pattern: {p!r}")
