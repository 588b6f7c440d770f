"""Operations on types the checker needs: substitution, inference, compatibility.

Inference in Aura is local: type arguments of a generic cell or record are
found by matching parameter types against argument types (:func:`unify`),
never from later uses (spec section 1, "expected type").
"""

from __future__ import annotations

from aura_core.types import (
    Adt,
    ErrorType,
    Handle,
    MapType,
    Prim,
    Refined,
    Type,
    TypeParam,
    VecType,
    strip_refinement,
    substitute,
)

__all__ = [
    "accepts",
    "contains_param",
    "display",
    "has_type_param",
    "is_error",
    "same",
    "substitute",
    "unify",
]


def contains_param(t: Type, params: frozenset[TypeParam]) -> bool:
    match t:
        case TypeParam():
            return t in params
        case VecType(elem):
            return contains_param(elem, params)
        case MapType(key, value):
            return contains_param(key, params) or contains_param(value, params)
        case Adt(_, args) | Handle(_, args):
            return any(contains_param(a, params) for a in args)
        case Refined(base):
            return contains_param(base, params)
    return False


def has_type_param(t: Type) -> bool:
    """Whether ``t`` mentions any type parameter (values of it are opaque)."""
    match t:
        case TypeParam():
            return True
        case VecType(elem):
            return has_type_param(elem)
        case MapType(key, value):
            return has_type_param(key) or has_type_param(value)
        case Adt(_, args) | Handle(_, args):
            return any(has_type_param(a) for a in args)
        case Refined(base):
            return has_type_param(base)
    return False


def unify(
    pattern: Type, actual: Type, params: frozenset[TypeParam], out: dict[TypeParam, Type]
) -> bool:
    """Match ``pattern`` (mentioning ``params``) against ``actual``, binding into ``out``.

    Refinements are transparent on both sides.  Returns False on a mismatch; a
    parameter already bound must be bound to the same type again.
    """
    pattern = strip_refinement(pattern)
    actual = strip_refinement(actual)
    if isinstance(actual, ErrorType):
        return True
    match pattern:
        case TypeParam() if pattern in params:
            bound = out.get(pattern)
            if bound is None:
                out[pattern] = actual
                return True
            return same(bound, actual)
        case VecType(elem):
            return isinstance(actual, VecType) and unify(elem, actual.elem, params, out)
        case MapType(key, value):
            return (
                isinstance(actual, MapType)
                and unify(key, actual.key, params, out)
                and unify(value, actual.value, params, out)
            )
        case Adt(decl, args):
            return (
                isinstance(actual, Adt)
                and actual.decl == decl
                and len(args) == len(actual.args)
                and all(unify(p, a, params, out) for p, a in zip(args, actual.args, strict=True))
            )
    return same(pattern, actual)


def same(a: Type, b: Type) -> bool:
    """Equal up to refinements (and errors, which equal everything)."""
    a = strip_refinement(a)
    b = strip_refinement(b)
    if isinstance(a, ErrorType) or isinstance(b, ErrorType):
        return True
    match a, b:
        case VecType(x), VecType(y):
            return same(x, y)
        case MapType(k1, v1), MapType(k2, v2):
            return same(k1, k2) and same(v1, v2)
        case Adt(d1, a1), Adt(d2, a2):
            return d1 == d2 and len(a1) == len(a2) and all(map(same, a1, a2))
        case Handle(n1, a1), Handle(n2, a2):
            return n1 == n2 and len(a1) == len(a2) and all(map(same, a1, a2))
    return a == b


def accepts(target: Type, source: Type) -> bool:
    """Whether a value of ``source`` may be stored where ``target`` is expected.

    A refinement type is a transparent subtype of its base (spec section 2), so
    the check is on base types; the predicate is a proof obligation (V0010).
    """
    return same(target, source)


def is_error(t: Type) -> bool:
    return isinstance(strip_refinement(t), ErrorType)


def display(t: Type) -> str:
    """A type as the user would write it (refinements shown by their base)."""
    t = strip_refinement(t)
    match t:
        case Prim(name):
            return name
        case VecType(elem):
            return f"Vec<{display(elem)}>"
        case MapType(key, value):
            return f"Map<{display(key)}, {display(value)}>"
        case Adt(decl, args) if args:
            return f"{decl.name}<{', '.join(display(a) for a in args)}>"
        case Handle(name, args) if args:
            return f"{name}<{', '.join(display(a) for a in args)}>"
    return str(t)
