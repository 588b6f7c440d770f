"""Differential test of the verifier against the interpreter.

Hypothesis writes small integer programs: a cell ``g`` with a contract, and a
cell ``f`` with preconditions that bind its parameters to intervals (and
sometimes relate them), whose body binds values, branches, asserts, runs a
counting ``while`` or ``for`` loop with invariants and a measure, calls ``g``,
divides, shifts, casts and returns.  The verifier proves what it can; then
every cell it calls ``verified``, whose callees are verified too, runs in the
interpreter (aura-interpret's public API) on inputs that satisfy its
preconditions: the interval bounds, values next to them, zero and ones, and
random values.

Soundness (spec section 8): a verified cell never panics on such an input.
A panic is a soundness bug of the verifier (or the interpreter disagrees with
the specification; either way the two must be reconciled), and the failing
program is printed, shrunk by Hypothesis.

Some statements depend on the order of evaluation (spec 7.1 and 4, see
ORDER_KINDS): their assertions hold only in the order the specification fixes,
so a verifier and an interpreter that disagree on it meet as a panic; a second
test runs programs made of those statements alone.

Besides, a program may declare constants, a pure cell and a lemma and use
them in contracts and in a nested refinement type (``Band`` refines ``Low``,
whose predicates read the constants and call the pure cell), build maps keyed
by every allowed key type, and compute with non-ASCII strings, some with
characters beyond U+FFFF and beyond Z3's alphabet (U+2FFFF).  These parts are
written by functions of their own (``declarations``, ``declaration_statements``).

The generator is biased towards programs that verify (small literals, divisors
kept away from zero, correct loop invariants), and the test checks that a fair
share of them do, so that it cannot pass by proving nothing.  The solver's time
limit is short: a cell that times out is not verified, so it is not run.  The
examples are derandomized, so a run is reproducible.
"""

from __future__ import annotations

import io
import random
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, cast

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aura_core.types import QualName, fixed_width_range
from aura_interpret import CheckedProgram, Host, call, compile_program, load_checked
from aura_verify import Options, verify_paths

FIXED = ["i8", "u8", "i16", "u16", "i32", "u32", "i64", "u64"]
TYPES = [*FIXED, "Int"]
WIDTH = {"i8": 8, "u8": 8, "i16": 16, "u16": 16, "i32": 32, "u32": 32, "i64": 64, "u64": 64}
#: Inputs tried per verified program.
MAX_INPUTS = 40
#: The range inputs of type ``Int`` are drawn from.
INT_RANGE = (-(2**70), 2**70)
ARITH = ["+", "-", "*", "/", "%"]
BITS = ["&", "|", "^"]
CMPS = ["<", "<=", ">", ">=", "==", "!="]
#: Statement kinds, weighted towards those that tend to verify: bindings (0, 1),
#: a branch (2), a call (3), a loop (4), an assertion (5), an early return (6),
#: a call with a `mut` argument (7).
STATEMENT_KINDS = [0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 6, 7, 7, *range(100, 105)]
RELATIONS = ["a <= b", "a != b", "a + b <= 20", "b - a >= 1"]


@dataclass(frozen=True)
class Interval:
    lo: int
    hi: int


@dataclass(frozen=True)
class Program:
    """One generated program: its text and what ``f``'s inputs must satisfy."""

    ty: str
    source: str
    a: Interval
    b: Interval
    relation: str | None
    #: The other cells ``f`` calls, which must be verified for ``f`` to be run.
    callees: frozenset[str]
    #: ``requires within(a)``: the largest ``a`` admitted.
    a_max: int | None = None

    def admits(self, a: int, b: int) -> bool:
        if self.a_max is not None and a > self.a_max:
            return False
        if self.relation is None:
            return True
        return {
            "a <= b": a <= b,
            "a != b": a != b,
            "a + b <= 20": a + b <= 20,
            "b - a >= 1": b - a >= 1,
        }[self.relation]


# ------------------------------------------------------------------ writing


def value_range(ty: str) -> tuple[int, int]:
    return INT_RANGE if ty == "Int" else fixed_width_range(ty)


class Writer:
    """Random expressions and statements over one integer type."""

    def __init__(self, draw: Callable[[st.SearchStrategy[Any]], Any], ty: str) -> None:
        self.draw = draw
        self.ty = ty
        self.lo, self.hi = value_range(ty)
        self.names: list[str] = []

    def pick(self, options: list[str]) -> str:
        return str(self.draw(st.sampled_from(options)))

    def number(self, nonzero: bool = False) -> int:
        return int(self.draw(st.integers(1 if nonzero else max(self.lo, -9), 9)))

    def literal(self, nonzero: bool = False) -> str:
        """A literal with its type's suffix, so that it has the type anywhere."""
        n = self.number(nonzero)
        if self.ty == "Int":
            return f"({n} as Int)"
        return f"({n}{self.ty})" if n < 0 else f"{n}{self.ty}"

    def leaf(self) -> str:
        if self.names and self.draw(st.booleans()):
            return self.pick(self.names)
        return self.literal()

    def expr(self, depth: int = 2) -> str:
        kind = int(self.draw(st.integers(0, 11 if depth > 0 else 0)))
        if kind <= 2:
            return self.leaf()
        sub = depth - 1
        if kind <= 4:
            return f"({self.expr(sub)} {self.pick(ARITH)} {self.expr(sub)})"
        if kind == 5:
            return f"({self.expr(sub)} {self.pick(['/', '%'])} {self.divisor()})"
        if kind == 6:
            amount = self.pick([self.literal(), self.leaf(), str(WIDTH.get(self.ty, 64) - 1)])
            return f"({self.expr(sub)} {self.pick(['<<', '>>'])} {amount})"
        if kind == 7:
            return f"({self.expr(sub)} {self.pick(BITS)} {self.expr(sub)})"
        if kind == 8:
            other = self.pick([t for t in TYPES if t != self.ty])
            return f"(({self.expr(sub)} as {other}) as {self.ty})"
        if kind == 9:
            return f"({self.expr(sub)} if {self.cond(sub)} else {self.expr(sub)})"
        return f"{self.expr(sub)}.{self.method(sub)}"

    def method(self, depth: int) -> str:
        """A built-in integer method with its arguments."""
        common = [
            "abs()",
            f"min({self.expr(depth)})",
            f"max({self.expr(depth)})",
            f"pow({self.draw(st.integers(0, 3))})",
        ]
        fixed = [
            f"wrapping_{self.pick(['add', 'sub', 'mul'])}({self.expr(depth)})",
            f"rotate_{self.pick(['left', 'right'])}({self.draw(st.integers(0, 9))})",
            f"checked_{self.pick(['add', 'sub', 'mul'])}({self.expr(depth)})"
            f".unwrap_or({self.literal()})",
        ]
        return self.pick(common if self.ty == "Int" else [*common, *fixed])

    def divisor(self) -> str:
        return self.pick([self.literal(nonzero=True), self.leaf()])

    def cond(self, depth: int = 1) -> str:
        return f"{self.expr(depth)} {self.pick(CMPS)} {self.expr(depth)}"

    def fresh(self, stem: str) -> str:
        return f"{stem}{len(self.names)}"

    def statements(self, budget: int) -> list[str]:
        out: list[str] = []
        for _ in range(budget):
            kind = int(self.draw(st.sampled_from(STATEMENT_KINDS)))
            name = self.fresh("x")
            if kind <= 1:
                out.append(f"val {name}: {self.ty} = {self.expr()}")
            elif kind == 2:
                out += [
                    f"val mut {name}: {self.ty} = {self.expr(1)}",
                    f"if {self.cond()}:",
                    f"    {name} = {self.expr()}",
                    "else:",
                    f"    {name} = {self.expr(1)}",
                ]
            elif kind == 3:
                out.append(f"val {name}: {self.ty} = g({self.expr(1)}, {self.expr(1)})")
            elif kind == 4:
                out += self.loop(name)
            elif kind == 7:
                out += [
                    f"val mut {name}: {self.ty} = {self.literal()}",
                    f"bump(mut {name}, {self.draw(st.integers(0, 5))})",
                ]
            elif kind in ORDER_KINDS:
                out += order_statement(self, kind, len(out))
                continue
            elif kind == 5:
                out.append(f"assert {self.cond()}")
                continue
            else:
                out += [f"if {self.cond()}:", f"    return {self.expr()}"]
                continue
            self.names.append(name)
        return out

    def loop(self, acc: str) -> list[str]:
        """A counting loop whose invariant states the accumulator exactly (or, at
        random, is left out, which makes the overflow check after it fail)."""
        steps = int(self.draw(st.integers(1, 4)))
        step = self.number()
        counter = f"i{len(self.names)}"
        exact = self.draw(st.booleans()) or self.draw(st.booleans())
        shape = int(self.draw(st.integers(0, 2)))
        if shape == 2:
            lines = [
                f"val mut {acc}: {self.ty} = 0",
                f"val mut {counter}: {self.ty} = 0",
                "while true:",
                f"    invariant 0 <= {counter} and {counter} <= {steps}",
                f"    decreases {steps} - {counter}",
            ]
            guard = [f"    if {counter} >= {steps}:", "        break"]
            tail = [f"    {counter} = {counter} + 1"]
        elif shape == 1:
            guard = []
            lines = [
                f"val mut {acc}: {self.ty} = 0",
                f"val mut {counter}: {self.ty} = 0",
                f"while {counter} < {steps}:",
                f"    invariant 0 <= {counter} and {counter} <= {steps}",
                f"    decreases {steps} - {counter}",
            ]
            tail = [f"    {counter} = {counter} + 1"]
        else:
            lines = [f"val mut {acc}: {self.ty} = 0", f"for {counter} in 0..{steps}:"]
            guard = tail = []
        if exact:
            lines.append(f"    invariant {acc} as Int == ({counter} as Int) * {step}")
        return [*lines, *guard, f"    {acc} = {acc} + ({step})", *tail]


# ------------------------------------------------ evaluation order (spec 7.1, 4)

#: Statement kinds whose meaning depends on the order of evaluation: an
#: assignment whose value moves the place's index (100), a compound assignment
#: whose value changes the place itself (101), a method call whose argument
#: moves the receiver's index (102), a `while` whose condition changes the
#: measure through a `mut` argument (103), and a receiver read before its
#: argument changes it (104).
ORDER_KINDS = range(100, 105)
#: The cells the order statements call.
ORDER_CALLEES = ("nudge", "raise_by", "flip", "lengthen")


def order_cells(ty: str) -> list[str]:
    """The cells the order statements call: each changes its `mut` argument."""
    low = max(value_range(ty)[0], -20)
    return [
        f"type R = record {{ n: {ty} }}",
        "",
        f"cell nudge(mut i: i64, x: {ty}) -> {ty}:",
        "    requires i >= 0 and i < 100",
        "    ensures i == old(i) + 1",
        "    ensures result == x",
        "    i = i + 1",
        "    return x",
        "",
        f"cell raise_by(mut v: {ty}, d: {ty}) -> {ty}:",
        f"    requires d >= 0 and d <= 5 and v >= {low} and v <= 20",
        "    ensures v == old(v) + d",
        "    ensures result == d",
        "    v = v + d",
        "    return d",
        "",
        "cell flip(mut x: i64) -> bool:",
        "    requires 0 <= x and x <= 10",
        "    ensures x == 10 - old(x)",
        "    ensures result == (old(x) > 0)",
        "    x = 10 - x",
        "    return x < 10",
        "",
        f"cell lengthen(mut v: Vec<{ty}>) -> i64:",
        "    requires v.len() < 100",
        "    ensures v.len() == old(v.len()) + 1",
        "    ensures result == 1",
        f"    v.push(v[0] if v.len() > 0 else {'(0 as Int)' if ty == 'Int' else f'0{ty}'})",
        "    return 1",
        "",
    ]


def order_statement(w: Writer, kind: int, n: int) -> list[str]:
    """Statements of kind ``kind`` (see ORDER_KINDS), with assertions that hold
    exactly when the value is evaluated before the place, the receiver before
    the arguments, and the measure after the condition.  ``n`` (the number of
    lines so far) makes the names they bind unique."""
    if kind == 100:
        return _order_assign(w, n)
    if kind == 101:
        return _order_compound(w, n)
    if kind == 102:
        return _order_receiver(w, n)
    if kind == 103:
        return _order_loop(w, n)
    return _order_read_first(w, n)


def _small(w: Writer) -> int:
    """A literal value that keeps the type's arithmetic in range (the unsigned
    types have no negative ones)."""
    return int(w.draw(st.integers(0 if w.ty.startswith("u") else -5, 5)))


def _typed(w: Writer, n: int) -> str:
    if w.ty == "Int":
        return f"({n} as Int)"
    return f"({n}{w.ty})" if n < 0 else f"{n}{w.ty}"


def _order_assign(w: Writer, n: int) -> list[str]:
    """``v[k + d] op= nudge(mut k, x)``: the index is read after ``nudge``
    moved ``k``, the element (for ``op=``) after that."""
    elems = [_small(w) for _ in range(4)]
    # ``v[k + d]`` is always in range; the element written, at ``k + 1 + d``,
    # is past the end for the largest ``k``.
    d, x = int(w.draw(st.integers(0, 1))), _small(w)
    k = int(w.draw(st.integers(0, len(elems) - 1 - d)))
    op = w.pick(["=", "+=", "-="])
    v, i = f"v{n}", f"k{n}"
    lines = [
        f"val mut {v}: Vec<{w.ty}> = [{', '.join(_typed(w, e) for e in elems)}]",
        f"val mut {i}: i64 = {k}",
        f"{v}[{i} + {d}] {op} nudge(mut {i}, {_typed(w, x)})",
    ]
    at = k + 1 + d
    new = {"=": x, "+=": elems[at] + x, "-=": elems[at] - x}[op] if at < len(elems) else None
    lo, hi = value_range(w.ty)
    if new is not None and lo <= new <= hi:
        lines.append(f"assert {v}[{at}] == {_typed(w, new)} and {i} == {k + 1}")
    return lines


def _order_compound(w: Writer, n: int) -> list[str]:
    """``y += raise_by(mut y, d)`` on a variable or a field: ``y`` is read after
    ``raise_by`` changed it."""
    start, d = int(w.draw(st.integers(0, 9))), int(w.draw(st.integers(0, 5)))
    name = f"y{n}"
    if w.draw(st.booleans()):
        w.names.append(name)
        return [
            f"val mut {name}: {w.ty} = {_typed(w, start)}",
            f"{name} += raise_by(mut {name}, {_typed(w, d)})",
            f"assert {name} == {_typed(w, start + 2 * d)}",
        ]
    return [
        f"val mut {name} = R {{ n: {_typed(w, start)} }}",
        f"{name}.n += raise_by(mut {name}.n, {_typed(w, d)})",
        f"assert {name}.n == {_typed(w, start + 2 * d)}",
    ]


def _order_receiver(w: Writer, n: int) -> list[str]:
    """``vs[k].push(nudge(mut k, x))``: the receiver is the element at the ``k``
    of before the call."""
    k, x = int(w.draw(st.integers(0, 2))), _small(w)
    vs, i = f"vs{n}", f"k{n}"
    return [
        f"val mut {vs}: Vec<Vec<{w.ty}>> = [[], [], []]",
        f"val mut {i}: i64 = {k}",
        f"{vs}[{i}].push(nudge(mut {i}, {_typed(w, x)}))",
        f"assert {vs}[{k}].len() == 1 and {vs}[{k}][0] == {_typed(w, x)}",
    ]


def _order_loop(w: Writer, n: int) -> list[str]:
    """A ``while`` whose condition flips ``x`` to ``10 - x``: ``x`` shrinks from
    one test of the condition to the next, ``10 - x`` from one body to the
    next, and only the second is a measure (spec section 4)."""
    x = f"z{n}"
    measure = w.pick([x, f"10 - {x}"])
    return [
        f"val mut {x}: i64 = {w.draw(st.integers(0, 10))}",
        f"while flip(mut {x}):",
        f"    invariant 0 <= {x} and {x} <= 10",
        f"    decreases {measure}",
        f"    {x} = 10 - {x} - 1",
    ]


@st.composite
def programs(draw: st.DrawFn) -> Program:
    ty = str(draw(st.sampled_from(TYPES)))
    w = Writer(draw, ty)
    lo, hi = value_range(ty)

    def interval() -> Interval:
        kind = int(draw(st.integers(0, 3)))
        if kind == 0:
            return Interval(lo, hi)
        if kind == 1:
            return Interval(1, min(hi, int(draw(st.integers(1, 100)))))
        a = int(draw(st.integers(max(lo, -50), 50)))
        b = int(draw(st.integers(a, min(hi, a + 100))))
        return Interval(a, b)

    ia, ib = interval(), interval()
    relation = draw(st.sampled_from([None, None, *RELATIONS]))
    assert relation is None or isinstance(relation, str)
    g = Writer(draw, ty)
    g.names = ["x", "y"]
    g_body = g.expr(1)
    g_bound = Interval(max(lo, -20), min(hi, 20))
    exact = f"result == {g_body}"
    g_ensures = draw(st.sampled_from([exact, exact, exact, f"result >= {g.literal()}"]))
    w.names = ["a", "b"]
    body = w.statements(int(draw(st.integers(1, 4))))
    declared = declarations(draw, ty, ia)
    decls = declared.lines if declared is not None else []
    if decls:
        body += declaration_statements(draw, w)
    a_max = None
    lines = [
        *decls,
        f"cell g(x: {ty}, y: {ty}) -> {ty}:",
        f"    requires x >= {g_bound.lo} and x <= {g_bound.hi}",
        f"    requires y >= {g_bound.lo} and y <= {g_bound.hi}",
        f"    ensures {g_ensures}",
        f"    return {g_body}",
        "",
        f"cell bump(mut v: {ty}, d: {ty}):",
        f"    requires d >= 0 and d <= 5 and v >= {g_bound.lo} and v <= {g_bound.hi}",
        "    ensures v == old(v) + d",
        "    v = v + d",
        "",
        *order_cells(ty),
        f"cell f(a: {ty}, b: {ty}) -> {ty}:",
    ]
    for name, i in (("a", ia), ("b", ib)):
        if (i.lo, i.hi) != (lo, hi):
            lines.append(f"    requires {name} >= {i.lo} and {name} <= {i.hi}")
    if relation is not None:
        lines.append(f"    requires {relation}")
    if declared is not None and draw(st.booleans()):
        lines.append("    requires within(a)")
        a_max = declared.high
    lines += [f"    {s}" for s in body]
    lines.append(f"    return {w.expr()}")
    source = "\n".join(lines) + "\n"
    f_text = source[source.index("cell f(") :]
    callees = frozenset(c for c in ("g", "bump", *ORDER_CALLEES, *DECLARED) if f"{c}(" in f_text)
    return Program(ty, source, ia, ib, relation, callees, a_max)


# ------------------------------------------------ declarations, maps, text

#: The cells ``declarations`` writes (each must verify for ``f`` to be run).
DECLARED = ("within", "band_fact", "k")
#: Map key types: every one spec section 2 allows.
KEY_TYPES = [*TYPES, "bool", "String"]
#: Text: ASCII, Latin, CJK, beyond U+FFFF, and beyond U+2FFFF (Z3's alphabet).
TEXTS = ["a", "é", "ß", "日本", "😀", "x😀", "\\u{2FFFF}", "\\u{30000}", "\\u{E0001}", ""]


@dataclass(frozen=True)
class Declared:
    lines: list[str]
    #: ``HI``, the largest value ``within`` admits.
    high: int


def declarations(draw: st.DrawFn, ty: str, a: Interval) -> Declared | None:
    """Constants, a pure cell, a lemma and a nested refinement (or nothing).

    ``Band`` refines ``Low``: a value stored into a ``Band`` meets both
    predicates, one reading a constant, the other calling ``within``.
    """
    if int(draw(st.integers(0, 3))) == 0:
        return None
    # Bounds inside the interval of `a`, so that both predicates matter for it.
    lo, hi = value_range(ty)
    low = max(lo + 1, min(a.lo + int(draw(st.integers(1, 3))), hi - 60, 1000))
    high = low + int(draw(st.integers(0, 50)))
    suffix = "" if ty == "Int" else ty
    lines = [
        f"const LO: {ty} = {low}{suffix}" if low >= 0 else f"const LO: {ty} = 0{suffix} - {-low}",
        f"const HI: {ty} = {high}{suffix}",
        f"type Low = {{ v: {ty} | v >= LO }}",
        "type Band = { v: Low | within(v) }",
        "",
        f"pure cell within(v: {ty}) -> bool:",
        "    return v <= HI",
        "",
        f"lemma cell band_fact(x: {ty}):",
        "    requires x >= LO and within(x)",
        "    ensures x <= HI",
        "    return",
        "",
        f"cell k(x: Band) -> {ty}:",
        "    requires within(x)",
        "    ensures result == x and within(result)",
        "    return x",
        "",
    ]
    return Declared(lines, high)


def declaration_statements(draw: st.DrawFn, w: Writer) -> list[str]:
    """Statements of ``f`` over the declarations, maps and text."""
    # The band always (it is what the declarations are for); the others with
    # probability 2/3 each (a choice of 0 is what shrinking prefers).
    out = band_statement(draw, w)
    if int(draw(st.integers(0, 2))) > 0:
        out += map_statement(draw, w)
    if int(draw(st.integers(0, 2))) > 0:
        out += text_statement(draw)
    return out


def band_statement(draw: st.DrawFn, w: Writer) -> list[str]:
    """A value passed as a ``Band`` under a guard that may state only ``within``."""
    e, x = w.fresh("e"), w.fresh("x")
    guard = w.pick([f"within({e})", f"{e} >= LO and within({e})", f"{e} >= LO and {e} <= HI"])
    lines = [f"val {e}: {w.ty} = {w.pick(['a', 'b', w.expr(1)])}"]
    if draw(st.booleans()):
        lines += [f"if {e} >= LO and within({e}):", f"    band_fact({e})"]
    lines.append(f"val {x}: {w.ty} = k({e}) if {guard} else HI")
    w.names += [e, x]
    return lines


def key_literal(draw: st.DrawFn, key: str) -> str:
    if key == "bool":
        return str(draw(st.sampled_from(["true", "false"])))
    if key == "String":
        return f'"{draw(st.sampled_from(TEXTS))}"'
    n = int(draw(st.integers(0, 3)))
    return f"({n} as Int)" if key == "Int" else f"{n}{key}"


def map_statement(draw: st.DrawFn, w: Writer) -> list[str]:
    """A map keyed by any allowed key type, filled and read back."""
    key = str(draw(st.sampled_from(KEY_TYPES)))
    m, x = w.fresh("m"), w.fresh("x")
    k1, k2 = key_literal(draw, key), key_literal(draw, key)
    read = k1 if draw(st.booleans()) else key_literal(draw, key)
    lines = [
        f"val mut {m}: Map<{key}, {w.ty}> = Map::new()",
        f"{m}.insert({k1}, {w.expr(1)})",
        f"{m}.insert({k2}, {w.literal()})",
    ]
    if draw(st.booleans()):
        lines.append(f"val {x}: {w.ty} = {m}[{read}]")
    else:
        lines.append(f"val {x}: {w.ty} = {m}.get({read}).unwrap_or({w.literal()})")
    w.names.append(x)
    return lines


def _decoded(text: str) -> str:
    """A ``TEXTS`` entry as the string it denotes."""
    if text.startswith("\\u{"):
        return chr(int(text[3:-1], 16))
    return text


def text_statement(draw: st.DrawFn) -> list[str]:
    """Facts about non-ASCII text: byte lengths, containment, and the order of
    code points (right or wrong, under a guard on the number of characters)."""
    a, b, c = (str(draw(st.sampled_from(TEXTS))) for _ in range(3))
    whole = _decoded(a) + _decoded(b)
    ops = {
        "<": _decoded(a) < _decoded(c),
        "<=": _decoded(a) <= _decoded(c),
        ">": _decoded(a) > _decoded(c),
        ">=": _decoded(a) >= _decoded(c),
    }
    # Mostly true (so that programs verify), sometimes false (so that a wrong
    # proof shows as a panic).
    wanted = bool(draw(st.booleans()) or draw(st.booleans()))
    op = str(draw(st.sampled_from([o for o, v in ops.items() if v == wanted])))
    lines = [
        f'assert ("{a}" + "{b}").len() == {len(whole.encode("utf-8"))}',
        f'assert ("{a}" + "{b}").contains("{b}")',
    ]
    if draw(st.booleans()):
        lines += [f'if "{a}".chars().len() == {len(_decoded(a))}:', f'    assert "{a}" {op} "{c}"']
    return lines


# ------------------------------------------------------------------ running


def inputs(p: Program, rng: random.Random) -> list[tuple[int, int]]:
    def near(i: Interval) -> list[int]:
        values = {i.lo, i.hi, i.lo + 1, i.hi - 1, (i.lo + i.hi) // 2, -1, 0, 1, 2}
        values |= {rng.randint(i.lo, i.hi) for _ in range(4)}
        return sorted(v for v in values if i.lo <= v <= i.hi)

    pairs = [(a, b) for a in near(p.a) for b in near(p.b) if p.admits(a, b)]
    if len(pairs) <= MAX_INPUTS:
        return pairs
    # The corners first (where overflow lives), then a random share of the rest.
    ends = {p.a.lo, p.a.hi, p.b.lo, p.b.hi}
    corners = [(a, b) for a, b in pairs if a in ends and b in ends]
    rest = [x for x in pairs if x not in corners]
    return corners + rng.sample(rest, max(0, MAX_INPUTS - len(corners)))


def verified_cells(path: Path) -> set[str]:
    files, compiled, _ = verify_paths([str(path)], Options(timeout=3.0))
    errors = [d.message for f in files for d in f.diagnostics if d.is_error]
    assert compiled, f"{errors}\n{path.read_text(encoding='utf-8')}"
    return {c.name.name for f in files for c in f.cells if c.status == "verified"}


def panics(path: Path, p: Program) -> list[str]:
    """Panics of ``f`` on admissible inputs, as ``f(a, b): message``."""
    checked = load_checked(path)
    assert isinstance(checked, CheckedProgram)
    name = QualName(checked.entry, "f")
    compiled = compile_program(checked.program, [name], host=Host(stdout=io.StringIO()))
    # A compiled cell takes its arguments as Python values.
    fn = cast(Callable[..., object], compiled.function(name))
    out: list[str] = []
    for a, b in inputs(p, random.Random(p.source)):
        outcome = call(compiled, partial(fn, a, b))
        assert outcome.error is None, outcome.error
        if outcome.panic is not None:
            out.append(f"f({a}, {b}): {outcome.panic.message}")
    return out


def verified_do_not_panic(tmp_path: Path, strategy: st.SearchStrategy[Program], n: int) -> None:
    """Run ``n`` programs of ``strategy``; each whose cells are verified must not panic."""
    seen = {"programs": 0, "verified": 0}

    @settings(
        max_examples=n,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(strategy)
    def check(p: Program) -> None:
        path = tmp_path / "p.aura"
        path.write_text(p.source, encoding="utf-8")
        seen["programs"] += 1
        needed = {"f", *p.callees}
        if needed - verified_cells(path):
            return
        seen["verified"] += 1
        bad = panics(path, p)
        assert not bad, f"verified, yet panics:\n{p.source}\n" + "\n".join(bad)

    check()
    assert seen["verified"] >= seen["programs"] // 5, seen


def test_verified_cells_do_not_panic_in_the_interpreter(tmp_path: Path) -> None:
    verified_do_not_panic(tmp_path, programs(), 40)


def _order_read_first(w: Writer, n: int) -> list[str]:
    """``ws.get(lengthen(mut ws) + k)``: the receiver is ``ws`` as it was before
    ``lengthen`` added an element, and so is an earlier argument."""
    x, k = _small(w), int(w.draw(st.integers(-1, 0)))
    ws, got = f"ws{n}", f"got{n}"
    return [
        f"val mut {ws}: Vec<{w.ty}> = [{_typed(w, x)}]",
        f"val {got} = {ws}.get(lengthen(mut {ws}) + {k})",
        f"assert {got} == {'None' if k == 0 else f'Some({_typed(w, x)})'}",
        f"assert {ws}.len() == 2",
    ]


@st.composite
def order_programs(draw: st.DrawFn) -> Program:
    """A generated program whose ``f`` runs one or two order statements
    (ORDER_KINDS) and returns ``a``: every example exercises spec 7.1 and 4,
    and nothing else in the body keeps ``f`` from being verified and run."""
    p = draw(programs())
    w = Writer(draw, p.ty)
    kinds = draw(st.lists(st.sampled_from(list(ORDER_KINDS)), min_size=1, max_size=2))
    body: list[str] = []
    for kind in kinds:
        body += order_statement(w, kind, len(body))
    head = p.source[: p.source.index("cell f(")].split("\n")
    f_lines = p.source[p.source.index("cell f(") :].split("\n")
    clauses = [x for x in f_lines[1:] if x.startswith("    requires")]
    lines = [*head, f_lines[0], *clauses, *(f"    {x}" for x in body), "    return a"]
    source = "\n".join(lines) + "\n"
    used = "\n".join([*clauses, *body])
    callees = frozenset(c for c in (*ORDER_CALLEES, *DECLARED) if f"{c}(" in used)
    return Program(p.ty, source, p.a, p.b, p.relation, callees, p.a_max)


def test_verified_evaluation_order_does_not_panic_in_the_interpreter(tmp_path: Path) -> None:
    """Every example has order statements: a verifier and an interpreter that
    disagree on spec 7.1 or 4 meet here (a verified assertion fails, a verified
    index is out of range, or a verified measure fails to decrease)."""
    verified_do_not_panic(tmp_path, order_programs(), 40)
