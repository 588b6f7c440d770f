"""Exhaustiveness and reachability of ``match`` arms (spec section 4).

The algorithm is the usefulness test over pattern matrices of Maranget,
"Warnings for pattern matching" (JFP 2007), which rustc also uses: a pattern
vector is *useful* against a matrix of earlier rows if some value matches it and
no earlier row.  An arm is unreachable when its pattern is not useful against
the unguarded arms before it; a match is exhaustive when the wildcard is not
useful against all its unguarded arms.  Guarded arms never count toward
exhaustiveness, because the checker cannot know when a guard holds.

Missing patterns are computed as witnesses and written as Aura text
(``Shape::Rect(_, _)``, ``Err(ParseError::Empty)``, ``false``, ``_``).  Types of
finite domain are ``bool`` and enums; integers, strings and floats have
infinite domains, so a missing integer is shown as ``_`` -- unless the literals
of a fixed-width type cover its whole range, as they can for ``u8``.

Where a sub-pattern's type is erroneous, or has variant patterns but no known
enum definition, the checker has already reported a mistake; there every arm
counts as reachable and nothing as missing, so that one mistake gives one
diagnostic.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeAlias

from aura_core import tir
from aura_core.prelude import OPTION, RESULT, prelude_enum
from aura_core.source import Span
from aura_core.syntax import string_literal
from aura_core.types import (
    BOOL,
    ERROR,
    FIXED_WIDTH,
    STRING,
    Adt,
    ErrorType,
    Prim,
    QualName,
    Type,
    TypeParam,
    fixed_width_range,
    strip_refinement,
    substitute,
)

__all__ = ["MAX_WITNESSES", "SHOWN_WITNESSES", "EnumLookup", "MatchReport", "check_match"]

#: How many missing patterns are computed at most; more are summarised.
MAX_WITNESSES = 100
#: How many missing patterns a message names before "and N more".
SHOWN_WITNESSES = 3

EnumLookup: TypeAlias = Callable[[QualName], tir.EnumDef | None]


@dataclass(frozen=True, slots=True)
class MatchReport:
    """What :func:`check_match` found.

    ``missing`` are patterns no arm covers, as Aura text, and ``missing_patterns``
    the same as patterns (for an editor's "add missing arms"); both stop at
    :data:`MAX_WITNESSES`, and ``more_missing`` says whether there were more.
    ``unreachable`` holds the indexes of arms no value can reach.
    """

    missing: tuple[str, ...]
    missing_patterns: tuple[tir.Pattern, ...]
    more_missing: bool
    unreachable: tuple[int, ...]

    @property
    def exhaustive(self) -> bool:
        return not self.missing

    def missing_message(self) -> str:
        """``pattern `None` not covered``, ``patterns `A`, `B`, `C` and 2 more not covered``."""
        if not self.missing:
            return ""
        names = [f"`{m}`" for m in self.missing[:SHOWN_WITNESSES]]
        rest = len(self.missing) - len(names)
        if rest or self.more_missing:
            listed = ", ".join(names)
            more = f"{rest} more" if not self.more_missing else "more"
            return f"patterns {listed} and {more} not covered"
        if len(names) == 1:
            return f"pattern {names[0]} not covered"
        return f"patterns {', '.join(names[:-1])} and {names[-1]} not covered"


# A constructor: ("variant", index) or ("lit", value); a pattern: None for a wildcard,
# else a constructor and its sub-patterns.
_Ctor: TypeAlias = tuple[str, int | bool | str]
_Pat: TypeAlias = "tuple[_Ctor, tuple[_Pat, ...]] | None"
_Row: TypeAlias = tuple[_Pat, ...]


@dataclass(frozen=True, slots=True)
class _Witness:
    """A missing value's shape: a constructor of ``type`` with sub-witnesses (None: any)."""

    ctor: _Ctor
    args: tuple[_Witness | None, ...]
    type: Type


_WRow: TypeAlias = tuple[_Witness | None, ...]


@dataclass(frozen=True, slots=True)
class _Column:
    """What the algorithm needs to know about a column's type."""

    lenient: bool  # erroneous: every arm reaches it, nothing in it is missing
    sig: tuple[_Ctor, ...] | None  # all constructors if finite, else None
    enum: tir.EnumDef | None = None
    args: tuple[Type, ...] = ()


def _convert(p: tir.Pattern) -> _Pat:
    if isinstance(p, tir.WildcardPattern | tir.BindPattern):
        return None
    if isinstance(p, tir.LiteralPattern):
        return (("lit", p.value.value), ())
    return (("variant", p.index), tuple(_convert(a) for a in p.args))


_LENIENT = _Column(True, None)
_OPAQUE = _Column(False, None)


class _Matrix:
    """The algorithm, over one match; holds only the enum lookup and a per-call cache."""

    def __init__(self, enum_def: EnumLookup) -> None:
        self.enum_def = enum_def
        self.enums: dict[QualName, tir.EnumDef | None] = {}

    def enum(self, name: QualName) -> tir.EnumDef | None:
        if name not in self.enums:
            self.enums[name] = self.enum_def(name) or prelude_enum(name)
        return self.enums[name]

    def column(self, t: Type, heads: Sequence[_Ctor]) -> _Column:
        """How to split a column of type ``t`` whose patterns have the constructors ``heads``."""
        t = strip_refinement(t)
        if isinstance(t, Prim) and t.name in FIXED_WIDTH:
            # Finite, but only complete when every value is written out (u8, i8 ...).
            lo, hi = fixed_width_range(t.name)
            distinct = {h for h in heads if h[0] == "lit"}
            return _Column(False, tuple(sorted(distinct)) if len(distinct) > hi - lo else None)
        if isinstance(t, ErrorType):
            return _LENIENT
        if t == BOOL:
            return _Column(False, (("lit", True), ("lit", False)))
        if isinstance(t, Adt):
            enum = self.enum(t.decl)
            if enum is None:
                # A record matches only by wildcards; variants of an unknown enum are
                # an error already reported.
                return _LENIENT if any(h[0] == "variant" for h in heads) else _OPAQUE
            sig = tuple(("variant", i) for i in range(len(enum.variants)))
            return _Column(False, sig, enum, t.args)
        return _OPAQUE

    def field_types(self, col: _Column, ctor: _Ctor) -> tuple[Type, ...]:
        """The types of a constructor's sub-patterns; literals have none."""
        if col.enum is None or ctor[0] != "variant":
            return ()
        index = ctor[1]
        assert isinstance(index, int)
        if not 0 <= index < len(col.enum.variants):
            return ()
        params = [TypeParam(n, col.enum.name) for n in col.enum.type_params]
        args = col.args if len(col.args) == len(params) else (ERROR,) * len(params)
        mapping = dict(zip(params, args, strict=True))
        return tuple(substitute(ft, mapping) for _, ft in col.enum.variants[index].fields)

    # -------------------------------------------------------------- matrices

    @staticmethod
    def specialize(rows: Sequence[_Row], ctor: _Ctor, arity: int) -> list[_Row]:
        out: list[_Row] = []
        for row in rows:
            head = row[0]
            if head is None:
                out.append((None,) * arity + row[1:])
            elif head[0] == ctor:
                args = (head[1] + (None,) * arity)[:arity]
                out.append(args + row[1:])
        return out

    @staticmethod
    def default(rows: Sequence[_Row]) -> list[_Row]:
        return [row[1:] for row in rows if row[0] is None]

    @staticmethod
    def heads(rows: Sequence[_Row]) -> list[_Ctor]:
        seen: dict[_Ctor, None] = {}
        for row in rows:
            if row[0] is not None:
                seen.setdefault(row[0][0])
        return list(seen)

    def useful(self, rows: Sequence[_Row], v: _Row, types: Sequence[Type]) -> bool:
        """Whether some value matches ``v`` and no row of ``rows``."""
        if not types:
            return not rows
        heads = self.heads([*rows, v])
        col = self.column(types[0], heads)
        if col.lenient:
            return True
        head = v[0]
        if head is not None:
            sub = self.field_types(col, head[0])
            (v2,) = self.specialize([v], head[0], len(sub))
            return self.useful(self.specialize(rows, head[0], len(sub)), v2, [*sub, *types[1:]])
        if col.sig is not None and set(col.sig) <= set(heads):
            for ctor in col.sig:
                sub = self.field_types(col, ctor)
                spec = self.specialize(rows, ctor, len(sub))
                if self.useful(spec, (None,) * len(sub) + v[1:], [*sub, *types[1:]]):
                    return True
            return False
        return self.useful(self.default(rows), v[1:], types[1:])

    def missing(self, rows: Sequence[_Row], types: Sequence[Type], limit: int) -> list[_WRow]:
        """Up to ``limit`` witnesses: value shapes that no row matches."""
        if not types:
            return [] if rows else [()]
        heads = self.heads(rows)
        col = self.column(types[0], heads)
        if col.lenient:
            return []
        if col.sig is None or not heads:
            rest = self.missing(self.default(rows), types[1:], limit)
            return [(None, *w) for w in rest]
        out: list[_WRow] = []
        for ctor in col.sig:
            if len(out) >= limit:
                break
            sub = self.field_types(col, ctor)
            n = len(sub)
            spec = self.specialize(rows, ctor, n)
            for w in self.missing(spec, [*sub, *types[1:]], limit - len(out)):
                out.append((_Witness(ctor, w[:n], strip_refinement(types[0])), *w[n:]))
        return out


# ----------------------------------------------------------------- rendering

_NOWHERE = Span(0, 0)


def _variant(w: _Witness, enum_def: EnumLookup) -> tuple[str, str]:
    """The variant's name and how it is written (``None``, ``Shape::Empty``)."""
    assert isinstance(w.type, Adt) and isinstance(w.ctor[1], int)
    enum = enum_def(w.type.decl) or prelude_enum(w.type.decl)
    assert enum is not None  # a variant witness comes from a known enum
    name = enum.variants[w.ctor[1]].name
    if w.type.decl in (OPTION, RESULT):
        return name, name
    return name, f"{enum.name.name}::{name}"


def _text(w: _Witness | None, enum_def: EnumLookup) -> str:
    if w is None:
        return "_"
    kind, value = w.ctor
    if kind == "lit":
        if isinstance(value, bool):
            return "true" if value else "false"
        return string_literal(value) if isinstance(value, str) else str(value)
    _, written = _variant(w, enum_def)
    if not w.args:
        return written
    return f"{written}({', '.join(_text(a, enum_def) for a in w.args)})"


def _pattern(w: _Witness | None, enum_def: EnumLookup) -> tir.Pattern:
    if w is None:
        return tir.WildcardPattern(_NOWHERE)
    kind, value = w.ctor
    if kind == "lit":
        lit: tir.IntConst | tir.BoolConst | tir.StrConst
        if isinstance(value, bool):
            lit = tir.BoolConst(BOOL, value, span=_NOWHERE)
        elif isinstance(value, str):
            lit = tir.StrConst(STRING, value, span=_NOWHERE)
        else:
            lit = tir.IntConst(w.type, value, span=_NOWHERE)
        return tir.LiteralPattern(lit, _NOWHERE)
    name, _ = _variant(w, enum_def)
    assert isinstance(value, int)
    args = tuple(_pattern(a, enum_def) for a in w.args)
    return tir.VariantPattern(name, value, args, _NOWHERE)


def check_match(
    scrutinee: Type,
    arms: Sequence[tuple[tir.Pattern, bool]],
    enum_def: EnumLookup,
) -> MatchReport:
    """Missing patterns and unreachable arms of a ``match`` on a value of type ``scrutinee``.

    ``arms`` are each arm's pattern and whether it has a guard.  ``enum_def``
    finds a user enum's definition; the prelude's ``Option`` and ``Result`` are
    known without it.  Patterns must be well typed (the checker's job).
    """
    m = _Matrix(enum_def)
    rows: list[_Row] = []
    unreachable: list[int] = []
    for i, (pattern, guarded) in enumerate(arms):
        row = (_convert(pattern),)
        if not m.useful(rows, row, [scrutinee]):
            unreachable.append(i)
        if not guarded:
            rows.append(row)
    witnesses = m.missing(rows, [scrutinee], MAX_WITNESSES + 1)
    shown = [w[0] for w in witnesses[:MAX_WITNESSES]]
    return MatchReport(
        missing=tuple(_text(w, enum_def) for w in shown),
        missing_patterns=tuple(_pattern(w, enum_def) for w in shown),
        more_missing=len(witnesses) > MAX_WITNESSES,
        unreachable=tuple(unreachable),
    )
