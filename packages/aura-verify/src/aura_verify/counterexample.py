"""Values from a Z3 model, written in Aura syntax (spec section 8).

``x = -9223372036854775808``, ``v = [0, 5]``, ``s = "a\\n"``, ``p = Point { x: 1,
y: 0 }``, ``o = Some(3)``, ``shape = Shape::Circle(2.0)``.  Floats use the text
form of spec section 7.4.  Long vectors are cut after :data:`MAX_ELEMS`
elements with ``...``; values of opaque types (type parameters, handles) are
``?``.
"""

from __future__ import annotations

import math
import struct

import z3

from aura_core import prelude
from aura_core.arith import format_float
from aura_core.syntax import string_literal
from aura_core.types import Adt, MapType, Prim, Type, VecType, strip_refinement
from aura_verify.sorts import Sorts, type_name

__all__ = ["MAX_ELEMS", "show"]

#: Elements of a vector or map shown before ``...``.
MAX_ELEMS = 16
_MAX_DEPTH = 6


def show(model: z3.ModelRef, term: z3.ExprRef, t: Type, sorts: Sorts, depth: int = 0) -> str:
    """The value of ``term`` in ``model`` as Aura source text."""
    try:
        return _show(model, term, strip_refinement(t), sorts, depth)
    except (z3.Z3Exception, ValueError, KeyError, IndexError, struct.error):
        return "?"


def _show(model: z3.ModelRef, term: z3.ExprRef, t: Type, sorts: Sorts, depth: int) -> str:
    if depth > _MAX_DEPTH:
        return "..."
    v = model.eval(term, model_completion=True)
    if type_name(t):
        return str(v.as_long()) if z3.is_int_value(v) else "?"
    if t == Prim("bool"):
        return "true" if z3.is_true(v) else "false" if z3.is_false(v) else "?"
    if t == Prim("f64"):
        return _show_float(model, term, v)
    if t == Prim("String"):
        return string_literal(_text(v)) if z3.is_string_value(v) else "?"
    if t == Prim("Unit"):
        return "()"
    if isinstance(t, VecType):
        n = model.eval(z3.Length(term), model_completion=True)
        if not z3.is_int_value(n):
            return "?"
        count = n.as_long()
        elems = [
            _show(model, term[i], strip_refinement(t.elem), sorts, depth + 1)
            for i in range(min(count, MAX_ELEMS))
        ]
        if count > MAX_ELEMS:
            elems.append(f"... ({count} elements)")
        return "[" + ", ".join(elems) + "]"
    if isinstance(t, MapType):
        return _show_map(model, term, t, sorts, depth)
    if isinstance(t, Adt):
        return _show_adt(model, term, t, sorts, depth)
    return "?"


def _show_float(model: z3.ModelRef, term: z3.ExprRef, v: z3.ExprRef) -> str:
    """A float in the text form (``nan``, ``inf``, ``-0.0``).

    The special values are read from the model's value itself: Z3 leaves the
    bits of a NaN unspecified, and ``fpToIEEEBV`` of one evaluates to the bits
    of ``0.0``.
    """
    if not isinstance(v, z3.FPNumRef):
        return "?"
    if v.isNaN():
        return format_float(math.nan)
    if v.isInf():
        return format_float(-math.inf if v.isNegative() else math.inf)
    bits = model.eval(z3.fpToIEEEBV(term), model_completion=True)
    if not z3.is_bv_value(bits):
        return "?"
    return format_float(struct.unpack("<d", struct.pack("<Q", bits.as_long()))[0])


def _show_adt(model: z3.ModelRef, term: z3.ExprRef, t: Adt, sorts: Sorts, depth: int) -> str:
    info = sorts.adt(t)
    for i, (name, fields) in enumerate(info.variants):
        if not z3.is_true(model.eval(info.is_variant(i, term), model_completion=True)):
            continue
        parts = [
            _show(model, info.field(i, j, term), strip_refinement(ft), sorts, depth + 1)
            for j, ft in enumerate(fields)
        ]
        if info.is_record:
            inner = ", ".join(f"{n}: {p}" for n, p in zip(info.field_names, parts, strict=True))
            return f"{name} {{ {inner} }}" if inner else f"{name} {{}}"
        shown = name if prelude.prelude_enum(t.decl) is not None else f"{t.decl.name}::{name}"
        return f"{shown}({', '.join(parts)})" if parts else shown
    return "?"


def _show_map(model: z3.ModelRef, term: z3.ExprRef, t: MapType, sorts: Sorts, depth: int) -> str:
    p = sorts.map_parts(t)
    has = model.eval(p.has(term), model_completion=True)
    keys: list[z3.ExprRef] = []
    cur = has
    while z3.is_store(cur) and len(keys) <= MAX_ELEMS:
        if z3.is_true(cur.arg(2)):
            keys.append(cur.arg(1))
        cur = cur.arg(0)
    if not (z3.is_const_array(cur) and z3.is_false(cur.arg(0))):
        return "{...}"
    shown: list[str] = []
    for k in reversed(keys):
        if not z3.is_true(model.eval(p.has(term)[k], model_completion=True)):
            continue
        ks = _show(model, k, strip_refinement(t.key), sorts, depth + 1)
        vs = _show(model, p.val(term)[k], strip_refinement(t.value), sorts, depth + 1)
        if f"{ks}: {vs}" not in shown:
            shown.append(f"{ks}: {vs}")
    return "{" + ", ".join(shown) + "}"


def _text(v: z3.ExprRef) -> str:
    """A Z3 string value's text, by code point (``as_string`` escapes characters
    beyond ASCII in Z3's own syntax, which is not Aura's)."""
    n = z3.simplify(z3.Length(v))
    if not z3.is_int_value(n):
        return str(v.as_string())
    codes = [z3.simplify(z3.StrToCode(z3.SubString(v, i, 1))) for i in range(n.as_long())]
    return "".join(chr(c.as_long()) if z3.is_int_value(c) else "?" for c in codes)
