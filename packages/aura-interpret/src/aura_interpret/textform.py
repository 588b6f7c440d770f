"""The text form of values (spec section 7.4), as ``println`` and interpolation write it.

Values carry no type at run time (a record is a list, an enum value a tuple),
so the text form is type-directed: :class:`Formatters` builds, once per type, a
function from a value of that type to its text.  Print sites always have a
concrete type (a type parameter cannot be printed, E0128).

- integers in decimal; ``true``/``false``; ``f64`` as Python's ``repr``
  (:func:`aura_core.arith.format_float`); ``()``;
- a ``String`` as itself at top level and, inside containers, in double quotes
  with ``\\\\``, ``\\"``, ``\\n``, ``\\r``, ``\\t`` escaped and other control
  characters (Unicode category Cc) as ``\\u{hex}``;
- ``[1, 2, 3]``; ``{"a": 1, "b": 2}``; ``Point { x: 1, y: 0 }`` (a record without
  fields is ``Name {}``); ``Some(3)``, ``None``, ``Ok(1)``, ``Err("x")`` for the
  prelude enums and ``Shape::Circle(2.0)``, ``Shape::Empty`` for declared ones.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TypeVar

from aura_core import arith
from aura_core.types import Adt, MapType, Prim, Type, VecType, strip_refinement
from aura_interpret.typeinfo import TypeInfo

__all__ = ["Format", "Formatters", "bool_text", "quote"]

Format = Callable[[object], str]
P = TypeVar("P")
#: One level of a deep value's text: pieces of text, and the parts inside it
#: with the expander of their type (see :func:`_stacked`).
Piece = str | tuple[object, "Expand"]
Expand = Callable[[object], list[Piece]]

_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_NEEDS_ESCAPE = re.compile(r'[\\"\x00-\x1f\x7f-\x9f]')


def _escape(m: re.Match[str]) -> str:
    c = m.group()
    return _ESCAPES.get(c) or f"\\u{{{ord(c):x}}}"


def quote(s: str) -> str:
    """A string as it appears inside a container: quoted, with escapes."""
    if _NEEDS_ESCAPE.search(s) is None:
        return '"' + s + '"'
    return '"' + _NEEDS_ESCAPE.sub(_escape, s) + '"'


def bool_text(b: object) -> str:
    return "true" if b else "false"


def _unit_text(_: object) -> str:
    return "()"


def _float_text(x: object) -> str:
    return arith.format_float(x)  # type: ignore[arg-type]


def _identity(s: object) -> str:
    return s  # type: ignore[return-value]


class Formatters:
    """Text-form functions per type, built on first use and reused."""

    def __init__(self, types: TypeInfo) -> None:
        self.types = types
        self._top: dict[Type, Format] = {}
        self._inner: dict[Type, Format] = {}
        self._expanders: dict[Type, Expand] = {}

    def top(self, t: Type) -> Format:
        """The text form at top level (a ``String`` is itself)."""
        t = strip_refinement(t)
        if t == Prim("String"):
            return _identity
        return self.inner(t)

    def inner(self, t: Type) -> Format:
        """The text form inside a container (a ``String`` is quoted)."""
        t = strip_refinement(t)
        known = self._inner.get(t)
        if known is not None:
            return known
        # A recursive type refers to its own formatter: reserve the slot first.
        cell: list[Format] = []

        def forward(v: object) -> str:
            return cell[0](v)

        self._inner[t] = forward
        made = _stacked(self._expander(t)) if self.types.is_deep(t) else self._build(t)
        cell.append(made)
        self._inner[t] = made
        return made

    def _expander(self, t: Type) -> Expand:
        """One level of the text of a deep value of ``t``: its own text around the
        parts inside, each with the expander of its type (a part whose type is
        not deep is formatted whole)."""
        t = strip_refinement(t)
        if not self.types.is_deep(t):
            return _leaf(self.inner(t))
        known = self._expanders.get(t)
        if known is not None:
            return known
        cell: list[Expand] = []

        def forward(v: object) -> list[Piece]:
            return cell[0](v)

        self._expanders[t] = forward
        made = self._build_expander(t)
        cell.append(made)
        self._expanders[t] = made
        return made

    def _build_expander(self, t: Type) -> Expand:
        match t:
            case VecType(elem):
                ex = self._expander(elem)
                return lambda v: _listed("[", [(x, ex) for x in v.items], "]")  # type: ignore[attr-defined]
            case MapType(key, value):
                kf, vx = self.inner(key), self._expander(value)

                def map_parts(m: object) -> list[Piece]:
                    d: dict[object, object] = m.d  # type: ignore[attr-defined]
                    items: list[Piece] = []
                    for k, x in d.items():
                        items += [kf(k) + ": ", (x, vx)]
                    return _listed("{", items, "}")

                return map_parts
        return self._adt_expander(t)

    def _adt_expander(self, t: Type) -> Expand:
        r = self.types.record(t)
        if r is not None:
            labels = [f.name + ": " for f in r.fields]
            exs = [self._expander(ft) for ft in self.types.field_types(t)]
            head = r.name.name + " { "

            def record_parts(v: object) -> list[Piece]:
                fields: list[object] = v  # type: ignore[assignment]
                items: list[Piece] = []
                for i, x in enumerate(fields):
                    items += [", " + labels[i] if i else labels[i], (x, exs[i])]
                return [head, *items, " }"]

            return record_parts
        names, fields = self._variants(t, self._expander)

        def enum_parts(v: object) -> list[Piece]:
            value: tuple[object, ...] = v  # type: ignore[assignment]
            i: int = value[0]  # type: ignore[assignment]
            if not fields[i]:
                return [names[i]]
            return _listed(names[i] + "(", list(zip(value[1:], fields[i], strict=True)), ")")

        return enum_parts

    def _build(self, t: Type) -> Format:
        match t:
            case Prim(name):
                if name == "String":
                    return quote  # type: ignore[return-value]
                if name == "f64":
                    return _float_text
                if name == "bool":
                    return bool_text
                if name == "Unit":
                    return _unit_text
                return str
            case VecType(elem):
                return self._vec(self.inner(elem))
            case MapType(key, value):
                return self._map(self.inner(key), self.inner(value))
            case Adt():
                if self.types.record(t) is not None:
                    return self._record(t)
                if self.types.enum(t) is not None:
                    return self._enum(t)
        return lambda v: f"<{t}>"

    @staticmethod
    def _vec(elem: Format) -> Format:
        def fmt(v: object) -> str:
            return "[" + ", ".join(map(elem, v.items)) + "]"  # type: ignore[attr-defined]

        return fmt

    @staticmethod
    def _map(key: Format, value: Format) -> Format:
        def fmt(m: object) -> str:
            d = m.d  # type: ignore[attr-defined]
            return "{" + ", ".join(key(k) + ": " + value(v) for k, v in d.items()) + "}"

        return fmt

    def _record(self, t: Type) -> Format:
        r = self.types.record(t)
        assert r is not None
        name = r.name.name
        if not r.fields:
            empty = name + " {}"
            return lambda _: empty
        labels = [f.name + ": " for f in r.fields]
        parts = [
            (label, self.inner(ft))
            for label, ft in zip(labels, self.types.field_types(t), strict=True)
        ]

        def fmt(v: object) -> str:
            return (
                name
                + " { "
                + ", ".join(label + f(x) for (label, f), x in zip(parts, v, strict=True))  # type: ignore[call-overload]
                + " }"
            )

        return fmt

    def _variants(self, t: Type, part: Callable[[Type], P]) -> tuple[list[str], list[list[P]]]:
        """The names of an enum type's variants as printed, and ``part`` of each
        field type of each variant."""
        from aura_core import prelude  # only while compiling: see TypeInfo

        e = self.types.enum(t)
        assert e is not None and isinstance(t, Adt)
        bare = t.decl.module == prelude.PRELUDE_MODULE
        names = [v.name if bare else f"{e.name.name}::{v.name}" for v in e.variants]
        fields = [
            [part(ft) for ft in self.types.variant_types(t, i)] for i in range(len(e.variants))
        ]
        return names, fields

    def _enum(self, t: Type) -> Format:
        names, fields = self._variants(t, self.inner)

        def fmt(v: object) -> str:
            value: tuple[object, ...] = v  # type: ignore[assignment]
            i: int = value[0]  # type: ignore[assignment]
            fs = fields[i]
            if not fs:
                return names[i]
            return (
                names[i] + "(" + ", ".join(f(x) for f, x in zip(fs, value[1:], strict=True)) + ")"
            )

        return fmt


def _stacked(expand: Expand) -> Format:
    """The text form of a value that may nest without bound (a recursive enum
    list), written with an explicit stack rather than Python's: each value is
    expanded one level into its pieces, and the parts inside are expanded in
    turn, left to right."""

    def fmt(v: object) -> str:
        out: list[str] = []
        stack: list[Piece] = [(v, expand)]
        while stack:
            piece = stack.pop()
            if isinstance(piece, str):
                out.append(piece)
            else:
                value, inner = piece
                stack.extend(reversed(inner(value)))
        return "".join(out)

    return fmt


def _listed(open_: str, items: list[Piece], close: str) -> list[Piece]:
    """``open_``, then ``items`` separated by ``", "``, then ``close``."""
    out: list[Piece] = [open_]
    for i, item in enumerate(items):
        if i:
            out.append(", ")
        out.append(item)
    out.append(close)
    return out


def _leaf(fmt: Format) -> Expand:
    return lambda v: [fmt(v)]
