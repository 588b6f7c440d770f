"""The typed program: the resolved, typed representation every back end shares.

The checker (:mod:`aura_core.check`) turns parsed modules into this form; the
interpreter, the verifier, the LLVM backend and the language server read it and
never look at the AST again.  Compared with the AST:

- every expression carries its :class:`~aura_core.types.Type`;
- every name is resolved: locals to a :class:`Local` (unique within its cell,
  so shadowing is explicit), declarations to a :class:`~aura_core.types.QualName`;
- sugar is gone: ``T where P`` is a refinement type, loop and contract clauses
  are fields, a method call by the first-parameter rule is a :class:`Call`,
  record literals list every field in declaration order (defaults filled in),
  ``Some(x)`` and ``Shape::Circle(r)`` are :class:`VariantLit` with the variant's
  index, ``for x in v`` is :class:`ForEach`;
- specification-only forms (``old``, ``result``, quantifiers, ``==>``) occur only in
  specification positions, which the checker guarantees.

All nodes are immutable; spans point into the module's source for diagnostics,
stack traces and the language server.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal, TypeAlias

from aura_core.source import SourceFile, Span
from aura_core.types import QualName, Type


@dataclass(frozen=True, slots=True)
class Local:
    """A parameter, ``val`` binding, loop variable, pattern binding or bound variable.

    ``id`` is unique within the cell (or refinement predicate) that declares it.
    """

    id: int
    name: str
    type: Type
    mutable: bool
    span: Span = field(compare=False)


# ----------------------------------------------------------------- expressions


@dataclass(frozen=True, slots=True)
class ExprBase:
    type: Type
    span: Span = field(kw_only=True, compare=False)


@dataclass(frozen=True, slots=True)
class IntConst(ExprBase):
    value: int


@dataclass(frozen=True, slots=True)
class FloatConst(ExprBase):
    value: float


@dataclass(frozen=True, slots=True)
class BoolConst(ExprBase):
    value: bool


@dataclass(frozen=True, slots=True)
class StrConst(ExprBase):
    value: str


@dataclass(frozen=True, slots=True)
class BytesConst(ExprBase):
    value: bytes


@dataclass(frozen=True, slots=True)
class UnitConst(ExprBase):
    pass


@dataclass(frozen=True, slots=True)
class Interpolation(ExprBase):
    """A string with ``{expr}`` parts: literal text and expressions shown in text form."""

    parts: tuple[str | Expr, ...]


@dataclass(frozen=True, slots=True)
class VecLit(ExprBase):
    elems: tuple[Expr, ...]


@dataclass(frozen=True, slots=True)
class LocalRef(ExprBase):
    local: Local


@dataclass(frozen=True, slots=True)
class ConstRef(ExprBase):
    name: QualName


@dataclass(frozen=True, slots=True)
class Arg:
    """A call argument; ``mut`` arguments are places the callee may change."""

    value: Expr
    mut: bool = False


@dataclass(frozen=True, slots=True)
class Call(ExprBase):
    """A call of a declared cell, with its inferred type arguments."""

    cell: QualName
    type_args: tuple[Type, ...]
    args: tuple[Arg, ...]


BuiltinName: TypeAlias = Literal["print", "println", "panic"]


@dataclass(frozen=True, slots=True)
class BuiltinCall(ExprBase):
    """A prelude function: ``print``, ``println``, ``panic``."""

    name: BuiltinName
    args: tuple[Expr, ...]


@dataclass(frozen=True, slots=True)
class MethodCall(ExprBase):
    """A built-in method of spec section 6; ``receiver`` is a place for mutating ones."""

    receiver: Expr
    method: str
    args: tuple[Expr, ...]


@dataclass(frozen=True, slots=True)
class StaticCall(ExprBase):
    """``Vec::new()``, ``Vec::filled(n, x)``, ``Map::new()``, ``String::from_bytes(v)``."""

    owner: Literal["Vec", "Map", "String"]
    name: str
    args: tuple[Expr, ...]


@dataclass(frozen=True, slots=True)
class VariantLit(ExprBase):
    """An enum value; ``type`` is the instantiated enum, ``index`` the variant's position."""

    variant: str
    index: int
    args: tuple[Expr, ...]


@dataclass(frozen=True, slots=True)
class RecordLit(ExprBase):
    """A record value with every field, in declaration order."""

    fields: tuple[Expr, ...]


@dataclass(frozen=True, slots=True)
class FieldGet(ExprBase):
    obj: Expr
    name: str
    index: int


@dataclass(frozen=True, slots=True)
class Index(ExprBase):
    """``v[i]`` on a ``Vec`` (any integer index) or ``m[k]`` on a ``Map``."""

    obj: Expr
    index: Expr


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
class Unary(ExprBase):
    op: UnaryOp
    operand: Expr


@dataclass(frozen=True, slots=True)
class Binary(ExprBase):
    """A binary operation; both operands have the same (base) type except for shifts."""

    op: BinaryOp
    left: Expr
    right: Expr


@dataclass(frozen=True, slots=True)
class Cast(ExprBase):
    """``e as T``; ``type`` is the target."""

    expr: Expr


@dataclass(frozen=True, slots=True)
class Conditional(ExprBase):
    cond: Expr
    then: Expr
    otherwise: Expr


@dataclass(frozen=True, slots=True)
class Binder:
    """A quantified variable: over ``lo..hi`` / ``lo..=hi``, or over its whole type."""

    local: Local
    lo: Expr | None = None
    hi: Expr | None = None
    inclusive: bool = False


@dataclass(frozen=True, slots=True)
class Quantifier(ExprBase):
    kind: Literal["forall", "exists"]
    binders: tuple[Binder, ...]
    body: Expr


@dataclass(frozen=True, slots=True)
class Old(ExprBase):
    expr: Expr


@dataclass(frozen=True, slots=True)
class ResultRef(ExprBase):
    pass


@dataclass(frozen=True, slots=True)
class Try(ExprBase):
    """``e?`` on an ``Option`` or ``Result``; ``type`` is the unwrapped value's."""

    expr: Expr


Expr: TypeAlias = (
    IntConst
    | FloatConst
    | BoolConst
    | StrConst
    | BytesConst
    | UnitConst
    | Interpolation
    | VecLit
    | LocalRef
    | ConstRef
    | Call
    | BuiltinCall
    | MethodCall
    | StaticCall
    | VariantLit
    | RecordLit
    | FieldGet
    | Index
    | Unary
    | Binary
    | Cast
    | Conditional
    | Quantifier
    | Old
    | ResultRef
    | Try
)

# -------------------------------------------------------------------- patterns


@dataclass(frozen=True, slots=True)
class WildcardPattern:
    span: Span = field(compare=False)


@dataclass(frozen=True, slots=True)
class BindPattern:
    local: Local
    span: Span = field(compare=False)


@dataclass(frozen=True, slots=True)
class LiteralPattern:
    value: IntConst | BoolConst | StrConst
    span: Span = field(compare=False)


@dataclass(frozen=True, slots=True)
class VariantPattern:
    """A variant of the scrutinee's enum type, by index, with sub-patterns."""

    variant: str
    index: int
    args: tuple[Pattern, ...]
    span: Span = field(compare=False)


Pattern: TypeAlias = WildcardPattern | BindPattern | LiteralPattern | VariantPattern

# ------------------------------------------------------------------ statements


@dataclass(frozen=True, slots=True)
class Block:
    stmts: tuple[Stmt, ...]
    span: Span = field(compare=False)


@dataclass(frozen=True, slots=True)
class Let:
    """``val [mut] x[: T] = value``; the local's type is the declared (possibly refined) one."""

    local: Local
    value: Expr
    span: Span = field(compare=False)


AssignOp: TypeAlias = Literal["=", "+=", "-=", "*=", "/=", "%="]


@dataclass(frozen=True, slots=True)
class Assign:
    """Assignment to a place: a mutable local, or a field or index path from one."""

    target: Expr
    op: AssignOp
    value: Expr
    span: Span = field(compare=False)


@dataclass(frozen=True, slots=True)
class ExprStmt:
    expr: Expr
    span: Span = field(compare=False)


@dataclass(frozen=True, slots=True)
class If:
    branches: tuple[tuple[Expr, Block], ...]
    otherwise: Block | None
    span: Span = field(compare=False)


@dataclass(frozen=True, slots=True)
class LoopSpec:
    """A loop's clauses, with their spans kept for diagnostics."""

    invariants: tuple[Expr, ...] = ()
    decreases: tuple[Expr, ...] = ()
    decreases_span: Span | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class While:
    cond: Expr
    spec: LoopSpec
    body: Block
    span: Span = field(compare=False)


@dataclass(frozen=True, slots=True)
class ForRange:
    """``for var in lo..hi`` (or ``..=``): bounds evaluated once, before the loop."""

    var: Local
    lo: Expr
    hi: Expr
    inclusive: bool
    spec: LoopSpec
    body: Block
    span: Span = field(compare=False)


@dataclass(frozen=True, slots=True)
class ForEach:
    """``for var in iterable`` over a snapshot of a ``Vec`` taken before the loop."""

    var: Local
    iterable: Expr
    spec: LoopSpec
    body: Block
    span: Span = field(compare=False)


@dataclass(frozen=True, slots=True)
class MatchArm:
    pattern: Pattern
    guard: Expr | None
    body: Block
    span: Span = field(compare=False)


@dataclass(frozen=True, slots=True)
class Match:
    scrutinee: Expr
    arms: tuple[MatchArm, ...]
    span: Span = field(compare=False)


@dataclass(frozen=True, slots=True)
class Return:
    value: Expr | None
    span: Span = field(compare=False)


@dataclass(frozen=True, slots=True)
class Break:
    span: Span = field(compare=False)


@dataclass(frozen=True, slots=True)
class Continue:
    span: Span = field(compare=False)


@dataclass(frozen=True, slots=True)
class Assert:
    cond: Expr
    span: Span = field(compare=False)


@dataclass(frozen=True, slots=True)
class Assume:
    cond: Expr
    span: Span = field(compare=False)


@dataclass(frozen=True, slots=True)
class Unsafe:
    body: Block
    span: Span = field(compare=False)


@dataclass(frozen=True, slots=True)
class LemmaCall:
    """A lemma used as a fact; erased before running."""

    call: Call
    span: Span = field(compare=False)


Stmt: TypeAlias = (
    Let
    | Assign
    | ExprStmt
    | If
    | While
    | ForRange
    | ForEach
    | Match
    | Return
    | Break
    | Continue
    | Assert
    | Assume
    | Unsafe
    | LemmaCall
)

# ---------------------------------------------------------------- declarations

CellKind: TypeAlias = Literal["cell", "pure", "lemma", "test"]


@dataclass(frozen=True, slots=True)
class Contract:
    requires: tuple[Expr, ...] = ()
    ensures: tuple[Expr, ...] = ()
    decreases: tuple[Expr, ...] = ()
    decreases_span: Span | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class CellDef:
    """A cell's signature, contract and (unless extern) body."""

    name: QualName
    type_params: tuple[str, ...]
    params: tuple[Local, ...]
    ret: Type
    contract: Contract
    body: Block | None
    kind: CellKind
    pub: bool
    extern: bool
    trusted: bool
    doc: str | None
    span: Span = field(compare=False)


@dataclass(frozen=True, slots=True)
class FieldDef:
    name: str
    type: Type
    default: Expr | None
    span: Span = field(compare=False)


@dataclass(frozen=True, slots=True)
class RecordDef:
    name: QualName
    type_params: tuple[str, ...]
    fields: tuple[FieldDef, ...]
    resource: bool
    pub: bool
    doc: str | None
    span: Span = field(compare=False)


@dataclass(frozen=True, slots=True)
class VariantDef:
    name: str
    fields: tuple[tuple[str | None, Type], ...]
    span: Span = field(compare=False)


@dataclass(frozen=True, slots=True)
class EnumDef:
    name: QualName
    type_params: tuple[str, ...]
    variants: tuple[VariantDef, ...]
    pub: bool
    doc: str | None
    span: Span = field(compare=False)


@dataclass(frozen=True, slots=True)
class AliasDef:
    """``type Percent = { p: i64 | ... }`` and other aliases: a name for a type."""

    name: QualName
    type: Type
    pub: bool
    doc: str | None
    span: Span = field(compare=False)


ConstValue: TypeAlias = int | float | bool | str


@dataclass(frozen=True, slots=True)
class ConstDef:
    name: QualName
    type: Type
    value: ConstValue
    pub: bool
    doc: str | None
    span: Span = field(compare=False)


@dataclass(frozen=True, slots=True)
class Module:
    """One checked module: its declarations by name."""

    path: tuple[str, ...]
    source: SourceFile = field(compare=False)
    cells: Mapping[str, CellDef] = field(default_factory=dict)
    records: Mapping[str, RecordDef] = field(default_factory=dict)
    enums: Mapping[str, EnumDef] = field(default_factory=dict)
    aliases: Mapping[str, AliasDef] = field(default_factory=dict)
    consts: Mapping[str, ConstDef] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Program:
    """Every checked module and the call graph between cells."""

    modules: Mapping[tuple[str, ...], Module]
    calls: Mapping[QualName, frozenset[QualName]]

    def cell(self, name: QualName) -> CellDef:
        return self.modules[name.module].cells[name.name]


__all__ = [
    "AliasDef",
    "Arg",
    "Assert",
    "Assign",
    "AssignOp",
    "Assume",
    "Binary",
    "BinaryOp",
    "BindPattern",
    "Binder",
    "Block",
    "BoolConst",
    "Break",
    "BuiltinCall",
    "BuiltinName",
    "BytesConst",
    "Call",
    "Cast",
    "CellDef",
    "CellKind",
    "Conditional",
    "ConstDef",
    "ConstRef",
    "ConstValue",
    "Continue",
    "Contract",
    "EnumDef",
    "Expr",
    "ExprBase",
    "ExprStmt",
    "FieldDef",
    "FieldGet",
    "FloatConst",
    "ForEach",
    "ForRange",
    "If",
    "Index",
    "IntConst",
    "Interpolation",
    "LemmaCall",
    "Let",
    "LiteralPattern",
    "Local",
    "LocalRef",
    "LoopSpec",
    "Match",
    "MatchArm",
    "MethodCall",
    "Module",
    "Old",
    "Pattern",
    "Program",
    "Quantifier",
    "RecordDef",
    "RecordLit",
    "ResultRef",
    "Return",
    "StaticCall",
    "Stmt",
    "StrConst",
    "Try",
    "Unary",
    "UnaryOp",
    "UnitConst",
    "Unsafe",
    "VariantDef",
    "VariantLit",
    "VariantPattern",
    "VecLit",
    "While",
    "WildcardPattern",
]
