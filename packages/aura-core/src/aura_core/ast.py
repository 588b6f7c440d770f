"""The Aura abstract syntax tree.

Every node is an immutable, slotted dataclass with a ``span`` (character offsets
into its :class:`~aura_core.source.SourceFile`).  Spans are excluded from
equality, so two trees compare equal when they say the same thing wherever it
was written: ``parse(format(tree)) == tree`` is the formatter's contract.

The tree follows the concrete syntax closely (``where`` clauses, both spellings
of a fieldless variant, literal spellings) so that the formatter can reproduce
what the user wrote; desugaring belongs to semantic analysis.  Parentheses are
not represented: the formatter inserts them from operator precedence.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, TypeAlias

from aura_core.source import Span

NO_SPAN = Span(0, 0)


@dataclass(frozen=True, slots=True)
class Node:
    span: Span = field(kw_only=True, compare=False, repr=False)


# --------------------------------------------------------------------------- types


@dataclass(frozen=True, slots=True)
class NamedType(Node):
    """``i64``, ``Vec<T>``, ``m::Point``: a (qualified) name with type arguments."""

    path: tuple[str, ...]
    args: tuple[TypeExpr, ...] = ()


@dataclass(frozen=True, slots=True)
class RefinedType(Node):
    """``{ var: base | pred }``."""

    var: str
    base: TypeExpr
    pred: Expr


@dataclass(frozen=True, slots=True)
class Range(Node):
    """``lo..hi`` or ``lo..=hi``: only in ``for`` heads, quantifier bounds, ``T[...]``."""

    lo: Expr
    hi: Expr
    inclusive: bool


@dataclass(frozen=True, slots=True)
class RangeType(Node):
    """``base[lo..hi]``: short for a refinement bounding an integer type."""

    base: TypeExpr
    range: Range


TypeExpr: TypeAlias = NamedType | RefinedType | RangeType

# --------------------------------------------------------------------- expressions


@dataclass(frozen=True, slots=True)
class IntLit(Node):
    """An integer literal; ``text`` is its spelling without the suffix (``0xFF``)."""

    value: int
    suffix: str | None
    text: str


@dataclass(frozen=True, slots=True)
class FloatLit(Node):
    value: float
    suffix: str | None
    text: str


@dataclass(frozen=True, slots=True)
class BoolLit(Node):
    value: bool


@dataclass(frozen=True, slots=True)
class StrText(Node):
    """Literal text of a string: ``value`` decoded, ``raw`` as written between quotes."""

    value: str
    raw: str


@dataclass(frozen=True, slots=True)
class StrInterp(Node):
    """An interpolated ``{expr}`` inside a string literal."""

    expr: Expr


StrPart: TypeAlias = StrText | StrInterp


@dataclass(frozen=True, slots=True)
class StringLit(Node):
    parts: tuple[StrPart, ...]


@dataclass(frozen=True, slots=True)
class BytesLit(Node):
    value: bytes
    raw: str


@dataclass(frozen=True, slots=True)
class UnitLit(Node):
    pass


@dataclass(frozen=True, slots=True)
class VecLit(Node):
    elems: tuple[Expr, ...]


@dataclass(frozen=True, slots=True)
class Name(Node):
    id: str


@dataclass(frozen=True, slots=True)
class Path(Node):
    """``a::b::c``: a module member, enum variant or associated function (2+ parts)."""

    parts: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ResultRef(Node):
    """``result`` in an ``ensures`` clause."""


@dataclass(frozen=True, slots=True)
class Old(Node):
    """``old(e)``: the value of ``e`` at cell entry."""

    expr: Expr


@dataclass(frozen=True, slots=True)
class Arg(Node):
    """A call argument; ``mut`` marks a place passed to a ``mut`` parameter."""

    value: Expr
    mut: bool = False


@dataclass(frozen=True, slots=True)
class Call(Node):
    callee: Expr
    args: tuple[Arg, ...]


@dataclass(frozen=True, slots=True)
class MethodCall(Node):
    receiver: Expr
    method: str
    args: tuple[Arg, ...]


@dataclass(frozen=True, slots=True)
class FieldAccess(Node):
    obj: Expr
    name: str


@dataclass(frozen=True, slots=True)
class Index(Node):
    obj: Expr
    index: Expr


@dataclass(frozen=True, slots=True)
class Try(Node):
    """``e?``."""

    expr: Expr


UnaryOp: TypeAlias = Literal["-", "~", "not"]
BinaryOp: TypeAlias = Literal[
    "==>",
    "or",
    "and",
    "==",
    "!=",
    "<",
    "<=",
    ">",
    ">=",
    "|",
    "^",
    "&",
    "<<",
    ">>",
    "+",
    "-",
    "*",
    "/",
    "%",
]


@dataclass(frozen=True, slots=True)
class Unary(Node):
    op: UnaryOp
    operand: Expr


@dataclass(frozen=True, slots=True)
class Binary(Node):
    op: BinaryOp
    left: Expr
    right: Expr


@dataclass(frozen=True, slots=True)
class Cast(Node):
    expr: Expr
    type: TypeExpr


@dataclass(frozen=True, slots=True)
class Conditional(Node):
    """``then if cond else otherwise``."""

    then: Expr
    cond: Expr
    otherwise: Expr


@dataclass(frozen=True, slots=True)
class RangeBinder(Node):
    """``name in lo..hi`` in a quantifier."""

    name: str
    range: Range


@dataclass(frozen=True, slots=True)
class TypeBinder(Node):
    """``name: T`` in a quantifier: ranges over every value of ``T``."""

    name: str
    type: TypeExpr


Binder: TypeAlias = RangeBinder | TypeBinder


@dataclass(frozen=True, slots=True)
class Quantifier(Node):
    kind: Literal["forall", "exists"]
    binders: tuple[Binder, ...]
    body: Expr


@dataclass(frozen=True, slots=True)
class FieldInit(Node):
    name: str
    value: Expr


@dataclass(frozen=True, slots=True)
class RecordLit(Node):
    """``Point { x: 1 }`` or ``geo::Point { x: 1 }``."""

    path: tuple[str, ...]
    fields: tuple[FieldInit, ...]


Expr: TypeAlias = (
    IntLit
    | FloatLit
    | BoolLit
    | StringLit
    | BytesLit
    | UnitLit
    | VecLit
    | Name
    | Path
    | ResultRef
    | Old
    | Call
    | MethodCall
    | FieldAccess
    | Index
    | Try
    | Unary
    | Binary
    | Cast
    | Conditional
    | Quantifier
    | RecordLit
)

# ------------------------------------------------------------------------ patterns


@dataclass(frozen=True, slots=True)
class WildcardPattern(Node):
    pass


@dataclass(frozen=True, slots=True)
class LiteralPattern(Node):
    """An integer (possibly negated), bool or string literal."""

    value: IntLit | Unary | BoolLit | StringLit


@dataclass(frozen=True, slots=True)
class NamePattern(Node):
    """A bare name: a binding, or ``None``/a fieldless variant (resolved later)."""

    name: str


@dataclass(frozen=True, slots=True)
class VariantPattern(Node):
    """``Some(p)``, ``Shape::Rect(w, h)``, ``Shape::Empty`` (args None) or ``Empty()``."""

    path: tuple[str, ...]
    args: tuple[Pattern, ...] | None


Pattern: TypeAlias = WildcardPattern | LiteralPattern | NamePattern | VariantPattern

# -------------------------------------------------------------------------- clauses


@dataclass(frozen=True, slots=True)
class Requires(Node):
    cond: Expr


@dataclass(frozen=True, slots=True)
class Ensures(Node):
    cond: Expr


@dataclass(frozen=True, slots=True)
class Decreases(Node):
    """One or more measures, compared lexicographically."""

    measures: tuple[Expr, ...]


@dataclass(frozen=True, slots=True)
class Invariant(Node):
    cond: Expr


ContractClause: TypeAlias = Requires | Ensures | Decreases
LoopClause: TypeAlias = Invariant | Decreases

# ----------------------------------------------------------------------- statements


@dataclass(frozen=True, slots=True)
class Block(Node):
    stmts: tuple[Stmt, ...]


@dataclass(frozen=True, slots=True)
class ValStmt(Node):
    """``val [mut] name[: T [where P]] = value``."""

    name: str
    mutable: bool
    type: TypeExpr | None
    where: Expr | None
    value: Expr


AssignOp: TypeAlias = Literal["=", "+=", "-=", "*=", "/=", "%="]


@dataclass(frozen=True, slots=True)
class Assign(Node):
    target: Expr
    op: AssignOp
    value: Expr


@dataclass(frozen=True, slots=True)
class ExprStmt(Node):
    expr: Expr


@dataclass(frozen=True, slots=True)
class IfBranch(Node):
    cond: Expr
    body: Block


@dataclass(frozen=True, slots=True)
class IfStmt(Node):
    """``if``, then ``elif`` branches in order, then an optional ``else``."""

    branches: tuple[IfBranch, ...]
    else_body: Block | None


@dataclass(frozen=True, slots=True)
class WhileStmt(Node):
    cond: Expr
    clauses: tuple[LoopClause, ...]
    body: Block


@dataclass(frozen=True, slots=True)
class ForStmt(Node):
    """``for var in lo..hi:`` (iterable is a Range) or ``for var in expr:``."""

    var: str
    iterable: Range | Expr
    clauses: tuple[LoopClause, ...]
    body: Block


@dataclass(frozen=True, slots=True)
class MatchArm(Node):
    pattern: Pattern
    guard: Expr | None
    body: Block


@dataclass(frozen=True, slots=True)
class MatchStmt(Node):
    scrutinee: Expr
    arms: tuple[MatchArm, ...]


@dataclass(frozen=True, slots=True)
class ReturnStmt(Node):
    value: Expr | None


@dataclass(frozen=True, slots=True)
class BreakStmt(Node):
    pass


@dataclass(frozen=True, slots=True)
class ContinueStmt(Node):
    pass


@dataclass(frozen=True, slots=True)
class AssertStmt(Node):
    cond: Expr


@dataclass(frozen=True, slots=True)
class AssumeStmt(Node):
    cond: Expr


@dataclass(frozen=True, slots=True)
class UnsafeStmt(Node):
    body: Block


Stmt: TypeAlias = (
    ValStmt
    | Assign
    | ExprStmt
    | IfStmt
    | WhileStmt
    | ForStmt
    | MatchStmt
    | ReturnStmt
    | BreakStmt
    | ContinueStmt
    | AssertStmt
    | AssumeStmt
    | UnsafeStmt
)

# --------------------------------------------------------------------- declarations


@dataclass(frozen=True, slots=True)
class Import(Node):
    """``import a::b [as c]``."""

    path: tuple[str, ...]
    alias: str | None


@dataclass(frozen=True, slots=True)
class ConstDecl(Node):
    name: str
    type: TypeExpr
    value: Expr
    pub: bool = False
    doc: str | None = None


@dataclass(frozen=True, slots=True)
class RecordField(Node):
    name: str
    type: TypeExpr
    default: Expr | None


@dataclass(frozen=True, slots=True)
class RecordDef(Node):
    fields: tuple[RecordField, ...]
    resource: bool = False


@dataclass(frozen=True, slots=True)
class VariantField(Node):
    """A variant's field: ``r: f64``, or a bare type when unnamed."""

    name: str | None
    type: TypeExpr


@dataclass(frozen=True, slots=True)
class Variant(Node):
    """``Circle(r: f64)``; ``fields`` is None for ``Empty`` written without parens."""

    name: str
    fields: tuple[VariantField, ...] | None


@dataclass(frozen=True, slots=True)
class EnumDef(Node):
    variants: tuple[Variant, ...]


TypeDefinition: TypeAlias = RecordDef | EnumDef | TypeExpr


@dataclass(frozen=True, slots=True)
class TypeDecl(Node):
    """``type Name<T, ...> = record {...} | enum {...} | <type>``."""

    name: str
    params: tuple[str, ...]
    definition: TypeDefinition
    pub: bool = False
    doc: str | None = None


@dataclass(frozen=True, slots=True)
class Param(Node):
    """``[mut] name: T [where P]``."""

    name: str
    type: TypeExpr
    mutable: bool = False
    where: Expr | None = None


CellKind: TypeAlias = Literal["cell", "pure", "lemma", "test"]


@dataclass(frozen=True, slots=True)
class CellDecl(Node):
    """A cell, or an (optionally trusted) extern cell when ``extern`` is set.

    ``body`` is None only for an extern cell; a cell made of clauses alone (a
    lemma, a trusted extern's contract) has an empty body block or None.
    """

    name: str
    type_params: tuple[str, ...]
    params: tuple[Param, ...]
    ret: TypeExpr | None
    clauses: tuple[ContractClause, ...]
    body: Block | None
    pub: bool = False
    kind: CellKind = "cell"
    extern: bool = False
    trusted: bool = False
    doc: str | None = None


Decl: TypeAlias = Import | ConstDecl | TypeDecl | CellDecl


@dataclass(frozen=True, slots=True)
class Module(Node):
    decls: tuple[Decl, ...]


@dataclass(frozen=True, slots=True)
class Comment(Node):
    """A ``#`` comment kept beside the tree for the formatter and tools.

    ``text`` starts at the ``#``; ``own_line`` is False for a comment that
    follows code on its line.
    """

    text: str
    own_line: bool


__all__ = [
    "NO_SPAN",
    "Arg",
    "AssertStmt",
    "Assign",
    "AssignOp",
    "AssumeStmt",
    "Binary",
    "BinaryOp",
    "Binder",
    "Block",
    "BoolLit",
    "BreakStmt",
    "BytesLit",
    "Call",
    "Cast",
    "CellDecl",
    "CellKind",
    "Comment",
    "Conditional",
    "ConstDecl",
    "ContinueStmt",
    "ContractClause",
    "Decl",
    "Decreases",
    "Ensures",
    "EnumDef",
    "Expr",
    "ExprStmt",
    "FieldAccess",
    "FieldInit",
    "FloatLit",
    "ForStmt",
    "IfBranch",
    "IfStmt",
    "Import",
    "Index",
    "IntLit",
    "Invariant",
    "LiteralPattern",
    "LoopClause",
    "MatchArm",
    "MatchStmt",
    "MethodCall",
    "Module",
    "Name",
    "NamePattern",
    "NamedType",
    "Old",
    "Param",
    "Path",
    "Pattern",
    "Quantifier",
    "Range",
    "RangeBinder",
    "RangeType",
    "RecordDef",
    "RecordField",
    "RecordLit",
    "RefinedType",
    "Requires",
    "ResultRef",
    "ReturnStmt",
    "Stmt",
    "StrInterp",
    "StrPart",
    "StrText",
    "StringLit",
    "Try",
    "TypeBinder",
    "TypeDecl",
    "TypeDefinition",
    "TypeExpr",
    "Unary",
    "UnaryOp",
    "UnitLit",
    "UnsafeStmt",
    "ValStmt",
    "Variant",
    "VariantField",
    "VariantPattern",
    "VecLit",
    "WhileStmt",
    "WildcardPattern",
]
