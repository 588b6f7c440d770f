"""Differential testing of the two engines: random well-typed programs, run by both.

A seeded generator writes programs with integer and float arithmetic (overflow,
division by zero, shifts and casts at the edges of their types), strings
(non-ASCII text, escapes, slices), vectors, maps, records, enums, ``match``,
loops and calls, printing what they compute.  Each program is run by the
interpreter (``aura run``, in this process) and by the native backend (one
executable per batch), and the engines must agree on the stdout, the first
line of stderr (a panic's message) and the exit status of each.

To compile many programs per native build, a batch is one module: case ``k`` is
the cell ``case_k``, and ``main`` runs the case named by its argument.  A
case's reproduction is that module and its argument.

    python testing/fuzz/differential.py --count 2000 [--seed N] [--keep DIR]

runs ``--count`` cases (exit status 1 when an engine disagrees, with the
reproductions written to ``--keep``, default a temporary directory).  The test
suite runs a small, fixed number (``test_differential.py``).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import random
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

__all__ = ["Finding", "Outcome", "compare_batch", "main", "program", "run_batches"]

PRELUDE = """\
import std::env

type Point = record { x: i64, y: i64 }
type Shape = enum { Circle(f64), Rect(i64, i64), Empty }
type Chain = enum { End, Link(i64, Chain) }

cell first_or<T>(v: Vec<T>, d: T) -> T:
    if v.is_empty():
        return d
    return v[0]

cell bump(mut v: Vec<i64>, x: i64) -> i64:
    v.push(x)
    return v.len()

cell halve(x: i64) -> Result<i64, String>:
    if x % 2 != 0:
        return Err("odd {x}")
    return Ok(x / 2)

cell quarter(x: i64) -> Result<i64, String>:
    val h = halve(x)?
    return Ok(halve(h)?)

cell head(v: Vec<i64>) -> Option<i64>:
    val x = v.get(0)?
    return Some(x + 1)
"""

# ---------------------------------------------------------------- generator

INT_TYPES = ("i64", "i32", "u8", "u64")
SCALARS = ("i64", "f64", "bool", "String")
ALL_TYPES = (
    *INT_TYPES,
    "f64",
    "bool",
    "String",
    "Vec<i64>",
    "Vec<String>",
    "Map<String, i64>",
    "Point",
    "Shape",
    "Option<i64>",
    "Chain",
)
EDGES = {
    "i64": ["0", "1", "-1", "2", "7", "-100", "4294967296", "9223372036854775807",
            "-9223372036854775808", "3037000499"],
    "i32": ["0i32", "1i32", "-1i32", "46341i32", "2147483647i32", "-2147483648i32"],
    "u8": ["0u8", "1u8", "16u8", "200u8", "255u8"],
    "u64": ["0u64", "1u64", "4294967296u64", "18446744073709551615u64"],
}  # fmt: skip
FLOATS = [
    "0.0", "-0.0", "1.0", "-1.5", "0.1", "2.5", "1e308", "1e-300", "3.0", "-7.25", "1e16",
    "1e-5", "123456789.125", "0.30000000000000004", "5e-324", "1.7976931348623157e308", "-1e-7",
]  # fmt: skip
STRINGS = [
    '""', '"a"', '"abc"', '" pad "', '"é"', '"日本語"', '"😀x"', '"a\\tb"', '"q\\"uote"',
    '"back\\\\slash"', '"line\\nbreak"', '"\\u{85}c1"', '"\\u{1F600}"', '"ß"', '"İi"',
    '"a,b,,c"', '"\\r"', '"Ωmega"', '"x\\u{0}y"', '"12"', '"-7"', '"2.5e3"', '"inf"', '"-NaN"',
    '"1e400"', '"+5"', '"9223372036854775808"', '"-0"', '"e\\u{301}"', '"ǅ"', '"ﬃ"', '"ΣΑΣ"',
    '"\\u{A0}nbsp\\u{2003} "', '"\\u{7F}\\u{9F}"', '".5"', '"1_000"',
]  # fmt: skip
#: The types of the variables a statement may change.
MUTABLE = (
    *INT_TYPES,
    "f64",
    "String",
    "Vec<i64>",
    "Vec<String>",
    "Map<String, i64>",
    "Point",
    "Chain",
)
ARITH = ("+", "-", "*", "/", "%")
BITS = ("&", "|", "^")
CMP = ("==", "!=", "<", "<=", ">", ">=")


@dataclass
class Scope:
    """Variables in scope, by name: their types and whether they are mutable."""

    names: dict[str, tuple[str, bool]] = field(default_factory=dict)


class Gen:
    """One random program, written from a seeded ``random.Random``."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.scopes: list[Scope] = []
        self.counter = 0
        self.loop_depth = 0
        self.helpers: list[str] = []  # names of (i64, i64) -> i64 cells

    # ------------------------------------------------------------ plumbing
    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def pick(self, options: list[str] | tuple[str, ...]) -> str:
        return self.rng.choice(options)

    def fresh(self) -> str:
        self.counter += 1
        return f"v{self.counter}"

    def vars_of(self, t: str, mutable: bool = False) -> list[str]:
        return [
            n
            for s in self.scopes
            for n, (vt, m) in s.names.items()
            if vt == t and (m or not mutable)
        ]

    def declare(self, name: str, t: str, mutable: bool) -> None:
        self.scopes[-1].names[name] = (t, mutable)

    @contextlib.contextmanager
    def scope(self) -> Iterator[None]:
        self.scopes.append(Scope())
        try:
            yield
        finally:
            self.scopes.pop()

    # --------------------------------------------------------- expressions
    def expr(self, t: str, depth: int = 2) -> str:
        """An expression of type ``t``; ``depth`` bounds its nesting."""
        known = self.vars_of(t)
        if known and self.chance(0.35):
            return self.pick(known)
        if depth <= 0 or self.chance(0.25):
            return self.leaf(t)
        make: dict[str, Callable[[int], str]] = {
            "i64": self.int64,
            "i32": self.small_int,
            "u8": self.small_int,
            "u64": self.small_int,
            "f64": self.float64,
            "bool": self.boolean,
            "String": self.string,
            "Vec<i64>": self.int_vec,
            "Vec<String>": self.str_vec,
            "Point": lambda d: (
                f"Point {{ x: {self.expr('i64', d - 1)}, y: {self.expr('i64', d - 1)} }}"
            ),
            "Shape": self.shape,
            "Option<i64>": self.option,
            "Chain": lambda d: (
                f"Chain::Link({self.expr('i64', d - 1)}, {self.expr('Chain', d - 1)})"
            ),
        }
        if t == "i32" or t == "u8" or t == "u64":
            return self.small_int(depth, t)
        if t in make:
            return make[t](depth)
        return self.leaf(t)

    def leaf(self, t: str) -> str:
        known = self.vars_of(t)
        if known and self.chance(0.5):
            return self.pick(known)
        if t in EDGES:
            lit = self.pick(EDGES[t]) if self.risky() else str(self.rng.randint(-15, 15))
            if t != "i64" and not lit.endswith(t):
                lit = str(abs(int(lit))) + t
            return f"({lit})" if lit.startswith("-") else lit
        simple: dict[str, Callable[[], str]] = {
            "f64": lambda: self.pick([*FLOATS, "(0.0 / 0.0)", "(1.0 / 0.0)"]),
            "bool": lambda: self.pick(["true", "false"]),
            "String": lambda: self.pick(STRINGS),
            "Vec<i64>": lambda: self.pick(
                ["[1, 2, 3]", "Vec::filled(0, 0)", "[-5]", "[9223372036854775807, 0]"]
            ),
            "Vec<String>": lambda: self.pick(['["a", "é"]', '["x"]', '"p,q".split(",")']),
            "Point": lambda: "Point { x: 1, y: -2 }",
            "Shape": lambda: self.pick(["Shape::Empty", "Shape::Circle(1.5)", "Shape::Rect(2, 3)"]),
            "Option<i64>": lambda: self.pick(["Some(4)", "[7].get(0)", "[7].get(3)"]),
            "Chain": lambda: self.pick(["Chain::End", "Chain::Link(1, Chain::End)"]),
            "Map<String, i64>": lambda: self.pick(self.vars_of(t) or ["Map::new()"]),
        }
        return simple[t]()

    def int64(self, d: int) -> str:
        e = partial(self.expr, "i64", d - 1)
        r = self.rng.randrange(16)
        if r < 5:
            return self.arith(e, "i64")
        if r == 5:
            return f"({e()} {self.pick(BITS)} {e()})"
        if r == 6:
            amount = self.rng.randint(0, 66) if self.risky() else self.rng.randint(0, 62)
            return f"({e()} {self.pick(['<<', '>>'])} {amount})"
        if r == 7:
            power = self.rng.randint(0, 66) if self.risky() else self.rng.randint(0, 3)
            m = self.pick(["abs()", f"min({e()})", f"max({e()})", f"pow({power})"])
            return f"{self.paren(e())}.{m}"
        if r == 8:
            op = self.pick(["wrapping_add", "wrapping_sub", "wrapping_mul"])
            return f"{self.paren(e())}.{op}({e()})"
        if r == 9:
            op = self.pick(["checked_add", "checked_sub", "checked_mul"])
            return f"{self.paren(e())}.{op}({e()}).unwrap_or({self.leaf('i64')})"
        if r == 10:
            src = self.pick(["i32", "u8", "u64", "f64"])
            if src == "u64" and not self.risky():
                return f"(({self.expr(src, d - 1)} & 4095u64) as i64)"
            return f"({self.expr(src, d - 1)} as i64)"
        if r == 11:
            return self.pick(
                [f"{self.recv('Vec<i64>', d - 1)}.len()", f"{self.recv('String', d - 1)}.len()"]
            )
        if r == 12:
            if self.risky():
                return f"{self.recv('Vec<i64>', d - 1)}[{e()}]"
            return f"[{e()}, {e()}, {e()}][{self.rng.randint(0, 2)}]"
        if r == 13:
            return f"({e()} if {self.expr('bool', d - 1)} else {e()})"
        if r == 14 and self.helpers:
            return f"{self.pick(self.helpers)}({e()}, {e()})"
        return self.pick(
            [
                f"{self.recv('Point', d - 1)}.x",
                f"{self.recv('Option<i64>', d - 1)}.unwrap_or({e()})",
                f"{self.recv('String', d - 1)}.parse_int().unwrap_or(-1)",
                f"(-{e()})",
                f"quarter({e()}).unwrap_or(-1)",
                f"first_or({self.expr('Vec<i64>', d - 1)}, {e()})",
                f"quarter({e()}).{'unwrap()' if self.risky() else 'unwrap_or(-2)'}",
            ]
        )

    def small_int(self, d: int, t: str = "i32") -> str:
        e = partial(self.expr, t, d - 1)
        r = self.rng.randrange(5)
        if r < 2:
            return self.arith(e, t)
        if r == 2:
            if self.risky():
                return f"({self.expr('i64', d - 1)} as {t})"
            return f"(({self.expr('i64', d - 1)} & 127) as {t})"
        if r == 3:
            return f"{self.paren(e())}.{self.pick(['min', 'max'])}({e()})"
        return f"({e()} {self.pick(BITS)} {e()})"

    def float64(self, d: int) -> str:
        e = partial(self.expr, "f64", d - 1)
        r = self.rng.randrange(6)
        if r < 2:
            return f"({e()} {self.pick(ARITH)} {e()})"
        if r == 2:
            m = self.pick(["sqrt()", "floor()", "ceil()", "round()", "abs()"])
            return f"{self.paren(e())}.{m}"
        if r == 3:
            return f"{self.paren(e())}.{self.pick(['min', 'max'])}({e()})"
        if r == 4:
            return f"({self.expr(self.pick(['i64', 'u8']), d - 1)} as f64)"
        return f"{self.recv('String', d - 1)}.parse_float().unwrap_or(0.5)"

    def boolean(self, d: int) -> str:
        r = self.rng.randrange(7)
        if r < 2:
            t = self.pick(["i64", "f64", "u8", "String"])
            return f"({self.expr(t, d - 1)} {self.pick(CMP)} {self.expr(t, d - 1)})"
        if r == 2:
            a, b = self.expr("bool", d - 1), self.expr("bool", d - 1)
            return f"({a} {self.pick(['and', 'or'])} {b})"
        if r == 3:
            return f"(not {self.expr('bool', d - 1)})"
        if r == 4:
            t = self.pick(
                ["String", "Vec<i64>", "Point", "Shape", "Option<i64>", "Chain", "Vec<String>"]
            )
            return f"({self.expr(t, d - 1)} {self.pick(['==', '!='])} {self.expr(t, d - 1)})"
        if r == 5:
            s = self.expr("String", d - 1)
            m = self.pick(["contains", "starts_with", "ends_with"])
            return f"{self.paren(s)}.{m}({self.expr('String', d - 1)})"
        return self.pick(
            [
                f"{self.recv('f64', d - 1)}.is_nan()",
                f"{self.recv('Vec<i64>', d - 1)}.contains({self.expr('i64', d - 1)})",
                f"{self.recv('String', d - 1)}.is_empty()",
                f"quarter({self.expr('i64', d - 1)}).is_ok()",
            ]
        )

    def string(self, d: int) -> str:
        s = partial(self.expr, "String", d - 1)
        r = self.rng.randrange(8)
        if r < 2:
            return f"({s()} + {s()})"
        if r == 2:
            m = self.pick(
                ["to_upper()", "to_lower()", "trim()", f"repeat({self.rng.randint(0, 3)})"]
            )
            return f"{self.paren(s())}.{m}"
        if r == 3:
            a, b = self.rng.randint(0, 4), self.rng.randint(0, 6)
            if self.risky():
                return f"{self.paren(s())}.slice({a}, {b})"
            text = self.pick(["abcdef", "0123456789", "x y z w"])
            return f'("{text}").slice({min(a, b)}, {max(a, b)})'
        if r == 4:
            t = self.pick(["i64", "f64", "u8"])
            return f"{self.recv(t, d - 1)}.to_string()"
        if r == 5:
            return '"<{' + self.shown() + '}|é>"'
        if r == 6:
            if self.risky():
                return f"{self.recv('Vec<String>', d - 1)}[{self.rng.randint(0, 2)}]"
            return f'{self.recv("Vec<String>", d - 1)}.get(0).unwrap_or("none")'
        return self.leaf("String")

    def risky(self) -> bool:
        """Whether to take the form that may panic (an edge value, an index that
        may be out of range): often enough to test panics, rarely enough that
        most cases run on past their first statements."""
        return self.chance(0.12)

    def arith(self, e: Callable[[], str], t: str) -> str:
        """``+ - * / %``; a divisor is a non-zero literal unless risky."""
        op = self.pick(ARITH)
        if t[0] == "u" and op == "-" and not self.risky():
            op = "+"  # most unsigned differences would be below zero
        if op in ("/", "%") and not self.risky():
            k = self.rng.randint(1, 9)
            divisor = f"{k}{'' if t == 'i64' else t}"
            return f"({e()} {op} {divisor})"
        return f"({e()} {op} {e()})"

    def recv(self, t: str, d: int) -> str:
        """An expression of type ``t`` that a method call or index may follow."""
        return self.paren(self.expr(t, d))

    @staticmethod
    def paren(code: str) -> str:
        return code if code.isidentifier() else f"({code})"

    def shown(self) -> str:
        """What a string may interpolate: no string literal, no braces."""
        names = [n for t in ALL_TYPES for n in self.vars_of(t)]
        if names and self.chance(0.8):
            return self.pick(names)
        return f"({self.pick(EDGES['i64'])} + {self.rng.randint(-3, 3)})"

    def int_vec(self, d: int) -> str:
        e = partial(self.expr, "i64", d - 1)
        r = self.rng.randrange(4)
        if r == 0:
            return "[" + ", ".join(e() for _ in range(self.rng.randint(1, 4))) + "]"
        if r == 1:
            v = self.expr("Vec<i64>", d - 1)
            a, b = self.rng.randint(0, 2), self.rng.randint(0, 4)
            if not self.risky():
                v, a, b = f"{self.paren(v)}.concat([1, 2, 3, 4])", min(a, b), max(a, b)
            return f"{self.paren(v)}.slice({a}, {b})"
        if r == 2:
            return f"{self.recv('Vec<i64>', d - 1)}.concat({self.expr('Vec<i64>', d - 1)})"
        return f"Vec::filled({self.rng.randint(0, 3)}, {e()})"

    def str_vec(self, d: int) -> str:
        s = self.expr("String", d - 1)
        return self.pick(
            [
                f"{self.paren(s)}.split({self.pick(STRINGS[1:4])})",
                f"{self.paren(s)}.chars()",
                f"[{s}]",
            ]
        )

    def shape(self, d: int) -> str:
        return self.pick(
            [
                f"Shape::Circle({self.expr('f64', d - 1)})",
                f"Shape::Rect({self.expr('i64', d - 1)}, {self.expr('i64', d - 1)})",
                "Shape::Empty",
            ]
        )

    def option(self, d: int) -> str:
        return self.pick(
            [
                f"Some({self.expr('i64', d - 1)})",
                f"{self.recv('Vec<i64>', d - 1)}.get({self.expr('i64', d - 1)})",
                f"{self.recv('i64', d - 1)}.checked_mul({self.expr('i64', d - 1)})",
                f"head({self.expr('Vec<i64>', d - 1)})",
            ]
        )

    # ---------------------------------------------------------- statements
    def block(self, indent: int, count: int, depth: int) -> list[str]:
        with self.scope():
            lines: list[str] = []
            for _ in range(count):
                lines += self.statement(indent, depth)
            return lines or [" " * indent + "println(0)"]

    def statement(self, indent: int, depth: int) -> list[str]:
        pad = " " * indent
        r = self.rng.randrange(20 if depth > 0 else 10)
        if r < 3:
            t = self.pick(ALL_TYPES)
            name, mutable = self.fresh(), self.chance(0.5)
            value = self.expr(t) if t != "Map<String, i64>" else "Map::new()"
            line = f"{pad}val {'mut ' if mutable else ''}{name}: {t} = {value}"
            self.declare(name, t, mutable)
            return [line]
        if r < 6:
            t = self.pick(ALL_TYPES)
            if t == "Map<String, i64>" and not self.vars_of(t):
                t = "Chain"  # `Map::new()` alone has no type to infer
            return [f"{pad}println({self.expr(t)})"]
        if r == 6:
            return [f"{pad}println({self.expr('String')})"]
        if r < 10:
            return self.mutation(pad)
        if r < 12:
            c = self.expr("bool")
            out = [f"{pad}if {c}:", *self.block(indent + 4, 2, depth - 1)]
            if self.chance(0.3):
                out += [f"{pad}elif {self.expr('bool')}:", *self.block(indent + 4, 1, depth - 1)]
            if self.chance(0.5):
                out += [f"{pad}else:", *self.block(indent + 4, 2, depth - 1)]
            return out
        if r < 14:
            return self.loop(pad, indent, depth)
        if r < 16:
            return self.match(pad, indent, depth)
        if r == 16 and self.loop_depth:
            return [
                f"{pad}if {self.expr('bool', 1)}:",
                f"{pad}    {self.pick(['break', 'continue'])}",
            ]
        if r == 17 and self.risky():
            # A specification may call only pure cells: leaves, compared.
            t = self.pick(["i64", "f64", "String"])
            return [f"{pad}assert {self.leaf(t)} {self.pick(CMP)} {self.leaf(t)}"]
        return [f'{pad}println("{self.pick(["é", "x", "日本"])} {{{self.shown()}}} \\{{\\}}")']

    def mutation(self, pad: str) -> list[str]:
        """A change of a mutable variable: an assignment or a mutating method."""
        targets = [(n, t) for t in MUTABLE for n in self.vars_of(t, mutable=True)]
        if not targets:
            return [f"{pad}println({self.expr('i64')})"]
        n, t = self.rng.choice(targets)
        return [pad + line for line in self.mutate(n, t)]

    def mutate(self, n: str, t: str) -> list[str]:
        if t in ("f64", "String"):
            return [f"{n} += {self.expr(t)}"]
        if t in INT_TYPES:
            return [f"{n} {self.pick(['+=', '-=', '*=', '='])} {self.expr(t)}"]
        r = self.rng.randrange(6)
        if t == "Vec<i64>":
            return [
                [f"{n}.push({self.expr('i64')})"],
                [f"{n}[{self.expr('i64', 1)}] = {self.expr('i64')}"],
                [f"println({n}.pop())"],
                [f"{n}.{self.pick(['sort()', 'reverse()'])}"],
                [f"{n}.insert({self.rng.randint(0, 3)}, {self.expr('i64')})"],
                [f"println({n}.remove({self.rng.randint(0, 3)}))"],
            ][r]
        if t == "Vec<String>":
            return (
                [f"{n}.sort()", f"println({n})"] if r < 3 else [f"{n}.push({self.expr('String')})"]
            )
        if t == "Map<String, i64>":
            return [
                [f"{n}.insert({self.expr('String', 1)}, {self.expr('i64')})"],
                [f"println({n}.remove({self.expr('String', 1)}))"],
                [f"println({n}[{self.expr('String', 1)}])"],
                [f"println({n}.keys())", f"println({n})"],
                [f"for key in {n}.keys():", f'    println("{{key}}={{{n}[key]}}")'],
                [f"println({n}.values())"],
            ][r]
        if t == "Point":
            return [f"{n}.{self.pick(['x', 'y'])} = {self.expr('i64')}"]
        return [f"{n} = Chain::Link({self.expr('i64', 1)}, {n})"]

    def loop(self, pad: str, indent: int, depth: int) -> list[str]:
        self.loop_depth += 1
        try:
            if self.chance(0.5):
                i = self.fresh()
                a, b = self.rng.randint(-2, 2), self.rng.randint(0, 5)
                with self.scope():
                    self.declare(i, "i64", False)
                    body = self.block(indent + 4, 2, depth - 1)
                return [f"{pad}for {i} in {a}..{'=' if self.chance(0.3) else ''}{b}:", *body]
            if self.chance(0.5):
                x = self.fresh()
                v = self.expr("Vec<i64>")
                with self.scope():
                    self.declare(x, "i64", False)
                    body = self.block(indent + 4, 2, depth - 1)
                return [f"{pad}for {x} in {v}:", *body]
            c = self.fresh()
            head = [f"{pad}val mut {c}: i64 = 0", f"{pad}while {c} < {self.rng.randint(0, 4)}:"]
            step = [f"{pad}    {c} += 1"]
            return head + step + self.block(indent + 4, 2, depth - 1)
        finally:
            self.loop_depth -= 1

    def match(self, pad: str, indent: int, depth: int) -> list[str]:
        inner = " " * (indent + 4)
        kind = self.rng.randrange(4)
        if kind == 0:
            arms = [
                ("Shape::Circle({})", ["f64"]),
                ("Shape::Rect({}, {})", ["i64", "i64"]),
                ("Shape::Empty", []),
            ]
            subject = self.expr("Shape")
        elif kind == 1:
            arms = [("Some({})", ["i64"]), ("None", [])]
            if self.chance(0.5):
                arms.insert(0, (f"Some({{0}}) if {{0}} > {self.rng.randint(-3, 3)}", ["i64"]))
            subject = self.expr("Option<i64>")
        elif kind == 2:
            arms = [("Chain::Link({}, {})", ["i64", "Chain"]), ("Chain::End", [])]
            subject = self.expr("Chain")
        else:
            subject = self.expr("i64")
            lits = sorted({self.rng.randint(-2, 3) for _ in range(2)})
            out = [f"{pad}match {subject}:"]
            for lit in lits:
                out += [f"{inner}{lit}:", *self.block(indent + 8, 1, depth - 1)]
            return [*out, f"{inner}_:", *self.block(indent + 8, 1, depth - 1)]
        out = [f"{pad}match {subject}:"]
        for pattern, types in arms:
            names = [self.fresh() for _ in types]
            with self.scope():
                for n, t in zip(names, types, strict=True):
                    self.declare(n, t, False)
                body = self.block(indent + 8, 2, depth - 1)
            out += [f"{inner}{pattern.format(*names)}:", *body]
        return out

    # ------------------------------------------------------------- program
    def helper(self, name: str) -> list[str]:
        with self.scope():
            self.declare("a", "i64", False)
            self.declare("b", "i64", False)
            body = self.block(4, self.rng.randint(0, 2), 1)
            if self.chance(0.4):
                # Bounded recursion, now and then deep enough to overflow the stack.
                depth = self.pick(["(a % 8)", "(a % 8)", "a"])
                if depth == "a":
                    # Only a panic may end a recursion this deep: the interpreter
                    # runs some levels further first (docs/reference/runtime.md,
                    # Limits), so these levels print nothing.
                    body = []
                self.helpers.append(name)
                return [
                    f"cell {name}(a: i64, b: i64) -> i64:",
                    "    if a <= 0:",
                    f"        return {self.expr('i64', 1)}",
                    *body,
                    f"    return {name}({depth} - 1, {self.expr('i64', 1)})",
                ]
            result = self.expr("i64", 2)
        self.helpers.append(name)
        return [f"cell {name}(a: i64, b: i64) -> i64:", *body, f"    return {result}"]

    def case(self, k: int) -> list[str]:
        self.counter = 0
        with self.scope():
            body = self.block(4, self.rng.randint(3, 8), 2)
        return [f"cell case_{k}():", *body]


def program(seed: int, cases: int) -> str:
    """The module of a batch: ``cases`` random cells ``case_k`` and a ``main``
    that runs the one named by its first argument."""
    gen = Gen(random.Random(seed))
    parts = [PRELUDE]
    for h in range(3):
        parts.append("\n".join(gen.helper(f"helper_{h}")) + "\n")
    for k in range(cases):
        parts.append("\n".join(gen.case(k)) + "\n")
    dispatch = ["cell main():", "    val which = env::args()[0]"]
    for k in range(cases):
        dispatch += [f'    {"if" if k == 0 else "elif"} which == "{k}":', f"        case_{k}()"]
    parts.append("\n".join(dispatch) + "\n")
    return "\n\n".join(parts)


# ------------------------------------------------------------------ running


@dataclass(frozen=True)
class Outcome:
    """How a case ended in one engine."""

    stdout: str
    stderr: str
    status: int

    def compared(self, whole_stderr: bool) -> tuple[str, str, int]:
        """What the engines must agree on: stdout, stderr's first line (a panic's
        message; or all of stderr, the trace too), the exit status."""
        return (
            self.stdout,
            self.stderr if whole_stderr else self.stderr.split("\n", 1)[0],
            self.status,
        )


@dataclass(frozen=True)
class Finding:
    """A case the engines disagree on."""

    seed: int
    case: int
    interpreter: Outcome
    native: Outcome
    reproduction: Path


def _interpret(name: str, arg: str) -> Outcome:
    from click.testing import CliRunner

    from aura_core.cli import main

    r = CliRunner().invoke(main, ["run", name, arg])  # after FILE, all is the program's
    # Not r.stdout: click's Result turns "\r\n" into "\n".
    return Outcome(_text(r.stdout_bytes), _text(r.stderr_bytes), r.exit_code)


def _build_native(name: str, exe: Path) -> tuple[int, str]:
    from aura_backend_llvm import Options
    from aura_backend_llvm.build_command import compile_file

    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        status = compile_file(Path(name), exe, Options())
    return status, err.getvalue()


def _run_native(exe: Path, arg: str, cwd: Path) -> Outcome:
    proc = subprocess.run(
        [str(exe), arg],
        cwd=cwd,
        capture_output=True,
        timeout=120,
        check=False,
        stdin=subprocess.DEVNULL,
    )
    return Outcome(_text(proc.stdout), _text(proc.stderr), proc.returncode)


def _text(output: bytes) -> str:
    return output.decode("utf-8", "replace")


class GeneratorError(Exception):
    """A generated program does not compile: a bug of the generator (or of a checker)."""


def compare_batch(
    seed: int, cases: int, workdir: Path, whole_stderr: bool = False
) -> list[Finding]:
    """Write batch ``seed`` into ``workdir``, run every case in both engines, and
    return the cases they disagree on."""
    workdir.mkdir(parents=True, exist_ok=True)
    name = f"batch_{seed}.aura"
    (workdir / name).write_text(program(seed, cases), encoding="utf-8")
    old = Path.cwd()
    os.chdir(workdir)
    try:
        exe = workdir / f"batch_{seed}"
        status, errors = _build_native(name, exe)
        if status != 0:
            raise GeneratorError(f"{workdir / name} does not build natively:\n{errors}")
        found: list[Finding] = []
        for k in range(cases):
            interpreted = _interpret(name, str(k))
            if interpreted.status == 1 and interpreted.stderr.startswith("error"):
                raise GeneratorError(f"{workdir / name}: {interpreted.stderr}")
            native = _run_native(exe, str(k), workdir)
            if native.compared(whole_stderr) != interpreted.compared(whole_stderr):
                found.append(Finding(seed, k, interpreted, native, workdir / name))
        return found
    finally:
        os.chdir(old)


def run_batches(
    seed: int,
    count: int,
    batch: int,
    workdir: Path,
    whole_stderr: bool = False,
    report: Callable[[str], None] = print,
) -> list[Finding]:
    """``count`` cases in batches of ``batch``, seeds ``seed``, ``seed + 1``, ..."""
    findings: list[Finding] = []
    done, s = 0, seed
    while done < count:
        n = min(batch, count - done)
        found = compare_batch(s, n, workdir / f"seed_{s}", whole_stderr)
        for f in found:
            report(describe(f))
        findings += found
        done += n
        s += 1
    return findings


def describe(f: Finding) -> str:
    """The finding in a few lines: where to reproduce it, and how each engine ended
    (the first lines where their stdouts differ, the start of each stderr)."""
    a, b = f.interpreter.stdout.split("\n"), f.native.stdout.split("\n")
    pairs = enumerate(zip(a, b, strict=False))
    first = next((i for i, (x, y) in pairs if x != y), min(len(a), len(b)))
    lines = [
        f"engines disagree on case {f.case} of {f.reproduction}"
        f" (run it with the argument {f.case}):",
        f"  stdout differs from line {first + 1} ({len(a)} lines against {len(b)})"
        if a != b
        else "  same stdout",
    ]
    for name, o, out in (("interpreter", f.interpreter, a), ("native", f.native, b)):
        shown = out[first : first + 3]
        lines.append(f"  {name}: status {o.status}, stdout from there {shown!r},")
        lines.append(f"    stderr {o.stderr[:300]!r}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=200, help="cases to run (default 200)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the first batch (default 1)")
    parser.add_argument("--batch", type=int, default=40, help="cases per native build (default 40)")
    parser.add_argument(
        "--whole-stderr",
        action="store_true",
        help="compare all of stderr (traces), not its first line",
    )
    parser.add_argument(
        "--keep", type=Path, help="where to write the programs (default: a temporary directory)"
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="aura-differential-") as tmp:
        root = args.keep or Path(tmp)
        # The runs' caches (the native runtime, the run cache) live with them.
        os.environ.setdefault("AURA_CACHE_DIR", str(Path(tmp) / "cache"))
        try:
            findings = run_batches(
                args.seed, args.count, args.batch, root.resolve(), args.whole_stderr
            )
        except GeneratorError as e:
            print(f"error: {e}", file=sys.stderr)
            return 2
        n = len(findings)
        print(f"{args.count} cases, {n} disagreement{'' if n == 1 else 's'}")
        if findings and args.keep is None:
            print("(the programs are deleted: pass --keep DIR to keep them)")
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
