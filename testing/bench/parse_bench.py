#!/usr/bin/env python3
"""Parser throughput: a generated 10,000-line Aura module, with CPython as the peer.

    python testing/bench/parse_bench.py                 # 10,000 lines, best of 5
    python testing/bench/parse_bench.py --lines 50000 --repeat 3
    python testing/bench/parse_bench.py --dump /tmp/bench   # also write both sources

The module is generated from a seed, so every run parses the same text: records,
enums, constants, cells with contracts, ``while`` loops with invariants and
measures, range and vector loops, ``match`` over enums and options, maps, ``?``,
strings with interpolation, quantifiers, test cells and comments.  The same
declarations rendered as Python give the peer file for ``ast.parse``, so the ratio
compares like with like.

The parser is warmed first: importing it and the first call (which builds its
tables) are timed and reported on their own, then the best of ``--repeat`` runs is
the result.  The goal is 10,000 lines in under one second; ``--strict`` makes
missing it an exit status of 1.
"""

from __future__ import annotations

import argparse
import ast
import importlib
import random
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

GOAL_LINES = 10_000
GOAL_SECONDS = 1.0
DEFAULT_SEED = 2024

_WORDS = (  # noqa: SIM905
    "alpha beta gamma delta sigma omega lambda kappa theta zeta north south east west "
    "amber cobalt copper silver violet scarlet ivory olive coral teal apple cedar "
    "maple willow birch aspen hazel rowan laurel myrtle count total limit index "
    "offset width height depth weight score left right lower upper first last start "
    "stop begin finish"
).split()


# ------------------------------------------------------------------ rendering


@dataclass(frozen=True)
class Code:
    """One fragment in both languages: Aura and its Python counterpart."""

    aura: str
    py: str


@dataclass
class Decl:
    """A top-level declaration as lines of each language (already indented)."""

    aura: list[str] = field(default_factory=list)
    py: list[str] = field(default_factory=list)

    def add(self, depth: int, aura: str, py: str | None = None) -> None:
        pad = "    " * depth
        self.aura.append(pad + aura)
        self.py.append(pad + (aura if py is None else py))


@dataclass
class EnumInfo:
    name: str
    variants: list[tuple[str, int]]  # (variant, number of i64 fields)


@dataclass
class RecordInfo:
    name: str
    int_fields: list[str]
    str_field: str


@dataclass
class CellInfo:
    name: str
    arity: int  # i64 parameters


class Generator:
    """Deterministic source of declarations; state is the names declared so far."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.serial = 0
        self.enums: list[EnumInfo] = []
        self.records: list[RecordInfo] = []
        self.cells: list[CellInfo] = []
        self.consts: list[str] = []

    # -- names and small pieces

    def fresh(self, prefix: str = "") -> str:
        self.serial += 1
        return f"{prefix}{self.rng.choice(_WORDS)}_{self.serial}"

    def type_name(self) -> str:
        self.serial += 1
        word = self.rng.choice(_WORDS)
        return f"{word[0].upper()}{word[1:]}{self.serial}"

    def int_lit(self) -> Code:
        r = self.rng.random()
        if r < 0.6:
            n = str(self.rng.randint(0, 100))
            return Code(n, n)
        if r < 0.75:
            n = f"{self.rng.randint(1, 999)}_{self.rng.randint(0, 999):03d}"
            return Code(n, n)
        if r < 0.85:
            n = f"0x{self.rng.randint(1, 0xFFFF):X}"
            return Code(n, n)
        if r < 0.92 and self.consts:
            c = self.rng.choice(self.consts)
            return Code(c, c)
        n = str(self.rng.randint(1, 9))
        return Code(f"{n}i64", n)

    def int_expr(self, names: Sequence[str], depth: int = 0) -> Code:
        """An i64-valued expression over ``names``."""
        rng = self.rng
        r = rng.random()
        if depth >= 2 or r < 0.3:
            if names and rng.random() < 0.7:
                n = rng.choice(names)
                return Code(n, n)
            return self.int_lit()
        if r < 0.65:
            op = rng.choice(["+", "-", "*", "+", "-", "/", "%"])
            a, b = self.int_expr(names, depth + 1), self.int_expr(names, depth + 1)
            if op in "/%":
                b = Code(f"({b.aura}).abs() + 1", f"abs({b.py}) + 1")
                pyop = "//" if op == "/" else op
                return Code(f"({a.aura}) {op} ({b.aura})", f"({a.py}) {pyop} ({b.py})")
            return Code(f"{a.aura} {op} {b.aura}", f"{a.py} {op} {b.py}")
        if r < 0.75 and self.cells:
            cell = rng.choice(self.cells)
            args = [self.int_expr(names, depth + 1) for _ in range(cell.arity)]
            return Code(
                f"{cell.name}({', '.join(a.aura for a in args)})",
                f"{cell.name}({', '.join(a.py for a in args)})",
            )
        if r < 0.85:
            a, b = self.int_expr(names, depth + 1), self.int_expr(names, depth + 1)
            m = rng.choice(["min", "max"])
            recv = a.aura if a.aura.isidentifier() else f"({a.aura})"
            return Code(f"{recv}.{m}({b.aura})", f"{m}({a.py}, {b.py})")
        if r < 0.92:
            a = self.int_expr(names, depth + 1)
            return Code(f"({a.aura}).abs()", f"abs({a.py})")
        a, c = self.int_expr(names, depth + 1), self.cond(names, depth + 1)
        b = self.int_expr(names, depth + 1)
        return Code(f"({a.aura} if {c.aura} else {b.aura})", f"({a.py} if {c.py} else {b.py})")

    def cond(self, names: Sequence[str], depth: int = 0) -> Code:
        rng = self.rng
        op = rng.choice(["<", "<=", ">", ">=", "==", "!="])
        a, b = self.int_expr(names, depth + 1), self.int_expr(names, depth + 1)
        c = Code(f"{a.aura} {op} {b.aura}", f"{a.py} {op} {b.py}")
        r = rng.random()
        if depth < 1 and r < 0.25:
            d = self.cond(names, depth + 1)
            j = rng.choice(["and", "or"])
            return Code(f"{c.aura} {j} {d.aura}", f"{c.py} {j} {d.py}")
        if depth < 1 and r < 0.32:
            return Code(f"not ({c.aura})", f"not ({c.py})")
        return c

    def message(self, names: Sequence[str]) -> Code:
        """A string literal, usually with interpolations."""
        rng = self.rng
        words = " ".join(rng.choice(_WORDS) for _ in range(rng.randint(1, 4)))
        aura_parts, py_parts = [words], [words]
        for _ in range(rng.choice([0, 1, 1, 2, 2, 3])):
            e = self.int_expr(names, 1)
            label = rng.choice(_WORDS)
            aura_parts.append(f"{label}={{{e.aura}}}")
            py_parts.append(f"{label}={{{e.py}}}")
        tail = rng.choice(["", "\\n", "\\t!", " (done)"])
        return Code(f'"{" ".join(aura_parts)}{tail}"', f'f"{" ".join(py_parts)}{tail}"')

    # -- statements

    def block(self, d: Decl, depth: int, names: list[str], budget: int, loops: int = 0) -> None:
        """Emit 1..budget statements at ``depth``; ``names`` are readable i64 variables."""
        rng = self.rng
        local = list(names)
        mutable: list[str] = []
        count = rng.randint(1, max(1, budget))
        for _ in range(count):
            r = rng.random()
            nested = depth < 4
            if r < 0.22 or not local:
                name = self.fresh()
                e = self.int_expr(local)
                if rng.random() < 0.5:
                    d.add(depth, f"val mut {name}: i64 = {e.aura}", f"{name}: int = {e.py}")
                    mutable.append(name)
                else:
                    d.add(depth, f"val {name} = {e.aura}", f"{name} = {e.py}")
                local.append(name)
            elif r < 0.34 and mutable:
                target = rng.choice(mutable)
                e = self.int_expr(local)
                op = rng.choice(["=", "+=", "-=", "*="])
                d.add(depth, f"{target} {op} {e.aura}", f"{target} {op} {e.py}")
            elif r < 0.46 and nested:
                c = self.cond(local)
                d.add(depth, f"if {c.aura}:", f"if {c.py}:")
                self.block(d, depth + 1, local, budget // 2, loops)
                if rng.random() < 0.4:
                    c2 = self.cond(local)
                    d.add(depth, f"elif {c2.aura}:", f"elif {c2.py}:")
                    self.block(d, depth + 1, local, budget // 2, loops)
                if rng.random() < 0.5:
                    d.add(depth, "else:")
                    self.block(d, depth + 1, local, budget // 2, loops)
            elif r < 0.56 and nested:
                self.while_loop(d, depth, local, budget, loops)
            elif r < 0.64 and nested:
                i = self.fresh("i_")
                lo, hi = self.int_lit(), self.int_expr(local, 1)
                incl = rng.random() < 0.3
                d.add(
                    depth,
                    f"for {i} in {lo.aura}..{'=' if incl else ''}{hi.aura}:",
                    f"for {i} in range({lo.py}, {hi.py}{' + 1' if incl else ''}):",
                )
                if rng.random() < 0.5:
                    d.add(depth + 1, f"invariant {i} >= {lo.aura}", f"assert {i} >= {lo.py}")
                self.block(d, depth + 1, [*local, i], budget // 2, loops + 1)
            elif r < 0.70 and nested:
                v = self.fresh("v_")
                items = [self.int_lit() for _ in range(rng.randint(0, 5))]
                d.add(
                    depth,
                    f"val {v}: Vec<i64> = [{', '.join(x.aura for x in items)}]",
                    f"{v}: list[int] = [{', '.join(x.py for x in items)}]",
                )
                x = self.fresh("x_")
                d.add(depth, f"for {x} in {v}:", f"for {x} in {v}:")
                self.block(d, depth + 1, [*local, x], budget // 3, loops + 1)
            elif r < 0.76 and nested:
                self.option_match(d, depth, local, budget)
            elif r < 0.86:
                m = self.message(local)
                fn = rng.choice(["println", "print", "io::println"])
                pyfn = "print" if fn != "io::println" else "io.println"
                d.add(depth, f"{fn}({m.aura})", f"{pyfn}({m.py})")
            elif r < 0.92:
                c = self.cond(local)
                kw = rng.choice(["assert", "assert", "assume"])
                d.add(depth, f"{kw} {c.aura}", f"assert {c.py}")
            elif r < 0.96:
                # A comment does not make a block: a statement follows it.
                d.add(depth, f"# {self.comment()}")
                name = self.fresh()
                e = self.int_expr(local)
                d.add(depth, f"val {name} = {e.aura}", f"{name} = {e.py}")
                local.append(name)
            elif loops and rng.random() < 0.5:
                d.add(depth, rng.choice(["break", "continue"]))
            elif self.cells:
                cell = rng.choice(self.cells)
                args = [self.int_expr(local, 1) for _ in range(cell.arity)]
                d.add(
                    depth,
                    f"{cell.name}({', '.join(a.aura for a in args)})",
                    f"{cell.name}({', '.join(a.py for a in args)})",
                )
            else:
                name = self.fresh()
                e = self.int_expr(local)
                d.add(depth, f"val {name} = {e.aura}", f"{name} = {e.py}")
                local.append(name)

    def while_loop(self, d: Decl, depth: int, names: list[str], budget: int, loops: int) -> None:
        rng = self.rng
        k = self.fresh("k_")
        bound = self.int_expr(names, 1)
        d.add(depth, f"val mut {k}: i64 = 0", f"{k}: int = 0")
        limit = self.fresh("n_")
        d.add(depth, f"val {limit} = ({bound.aura}).abs()", f"{limit} = abs({bound.py})")
        if rng.random() < 0.15:
            d.add(
                depth,
                f"while {k} < {limit} invariant 0 <= {k} decreases {limit} - {k}:",
                f"while {k} < {limit}:",
            )
        else:
            d.add(depth, f"while {k} < {limit}:")
            d.add(
                depth + 1,
                f"invariant 0 <= {k} and {k} <= {limit}",
                f"assert 0 <= {k} and {k} <= {limit}",
            )
            if rng.random() < 0.4:
                c = self.cond([k, *names], 1)
                d.add(
                    depth + 1, f"invariant {k} == 0 or ({c.aura})", f"assert {k} == 0 or ({c.py})"
                )
            d.add(depth + 1, f"decreases {limit} - {k}", f"assert {limit} - {k} >= 0")
        self.block(d, depth + 1, [*names, k], budget // 2, loops + 1)
        d.add(depth + 1, f"{k} += 1")

    def option_match(self, d: Decl, depth: int, names: list[str], budget: int) -> None:
        rng = self.rng
        if self.enums and rng.random() < 0.6:
            en = rng.choice(self.enums)
            variant, arity = rng.choice(en.variants)
            args = [self.int_expr(names, 1) for _ in range(arity)]
            value = self.fresh("ev_")
            call_a = f"({', '.join(a.aura for a in args)})" if arity else ""
            call_p = f"({', '.join(a.py for a in args)})" if arity else "()"
            d.add(
                depth,
                f"val {value} = {en.name}::{variant}{call_a}",
                f"{value} = {en.name}.{variant}{call_p}",
            )
            d.add(depth, f"match {value}:")
            for vname, varity in en.variants:
                binds = [self.fresh("f_") for _ in range(varity)]
                pat = f"({', '.join(binds)})" if varity else ""
                guard_a = guard_p = ""
                if binds and rng.random() < 0.2:
                    c = self.cond(binds, 1)
                    guard_a, guard_p = f" if {c.aura}", f" if {c.py}"
                    d.add(
                        depth + 1,
                        f"{en.name}::{vname}{pat}{guard_a}:",
                        f"case {en.name}.{vname}({', '.join(binds)}){guard_p}:",
                    )
                    self.block(d, depth + 2, [*names, *binds], 2)
                d.add(
                    depth + 1,
                    f"{en.name}::{vname}{pat}:",
                    f"case {en.name}.{vname}({', '.join(binds)}):",
                )
                self.block(d, depth + 2, [*names, *binds], budget // 3)
            return
        opt = self.fresh("o_")
        e = self.int_expr(names, 1)
        c = self.cond(names, 1)
        d.add(
            depth,
            f"val {opt}: Option<i64> = Some({e.aura}) if {c.aura} else None",
            f"{opt}: int | None = {e.py} if {c.py} else None",
        )
        got = self.fresh("got_")
        d.add(depth, f"match {opt}:")
        d.add(depth + 1, f"Some({got}):", f"case int({got}):")
        self.block(d, depth + 2, [*names, got], budget // 3)
        d.add(depth + 1, "None:", "case None:")
        self.block(d, depth + 2, names, 2)

    def comment(self) -> str:
        return " ".join(self.rng.choice(_WORDS) for _ in range(self.rng.randint(2, 9)))

    # -- declarations

    def declaration(self) -> Decl:
        r = self.rng.random()
        if r < 0.08 or not self.records:
            return self.record()
        if r < 0.15 or not self.enums:
            return self.enum()
        if r < 0.22 or not self.consts:
            return self.const()
        if r < 0.62:
            return self.cell()
        if r < 0.72:
            return self.recursive_cell()
        if r < 0.82:
            return self.map_cell()
        if r < 0.92:
            return self.record_cell()
        return self.test_cell()

    def doc(self, d: Decl) -> None:
        for _ in range(self.rng.choice([0, 1, 1, 2])):
            d.add(0, f"## {self.comment()}.", f"# {self.comment()}.")

    def record(self) -> Decl:
        d = Decl()
        name = self.type_name()
        ints = [self.fresh() for _ in range(self.rng.randint(1, 4))]
        text = self.fresh("s_")
        self.doc(d)
        fields = [f"{f}: i64" + (" = 0" if self.rng.random() < 0.3 else "") for f in ints]
        d.add(0, f"type {name} = record {{ {', '.join(fields)}, {text}: String }}", "@dataclass")
        d.py.append(f"class {name}:")
        for f in ints:
            d.py.append(f"    {f}: int = 0")
        d.py.append(f"    {text}: str = ''")
        self.records.append(RecordInfo(name, ints, text))
        return d

    def enum(self) -> Decl:
        d = Decl()
        name = self.type_name()
        variants = [
            (self.type_name(), self.rng.randint(0, 2)) for _ in range(self.rng.randint(2, 5))
        ]
        self.doc(d)
        parts = []
        for v, n in variants:
            if n:
                parts.append(f"{v}({', '.join(f'{self.fresh()}: i64' for _ in range(n))})")
            else:
                parts.append(v)
        if len(parts) > 3:
            d.aura.append(f"type {name} = enum {{")
            d.aura.extend(
                f"    {p}," if i < len(parts) - 1 else f"    {p}" for i, p in enumerate(parts)
            )
            d.aura.append("}")
        else:
            d.aura.append(f"type {name} = enum {{ {', '.join(parts)} }}")
        d.py.append(f"class {name}(Enum):")
        for v, _ in variants:
            d.py.append(f"    {v} = auto()")
        self.enums.append(EnumInfo(name, variants))
        return d

    def const(self) -> Decl:
        d = Decl()
        name = f"{self.rng.choice(_WORDS).upper()}_{self.serial}"
        self.serial += 1
        v = self.int_lit()
        d.add(0, f"const {name}: i64 = {v.aura}", f"{name}: int = {v.py}")
        self.consts.append(name)
        return d

    def params(self, n: int) -> tuple[list[str], Code]:
        names = [self.fresh("p_") for _ in range(n)]
        return names, Code(
            ", ".join(f"{p}: i64" for p in names), ", ".join(f"{p}: int" for p in names)
        )

    def contracts(self, d: Decl, names: list[str], returns: bool) -> None:
        rng = self.rng
        for _ in range(rng.randint(0, 2)):
            c = self.cond(names, 1)
            d.add(1, f"requires {c.aura}", f"assert {c.py}")
        if returns:
            for _ in range(rng.randint(0, 2)):
                c = self.cond([*names, "result"], 1)
                d.add(1, f"ensures {c.aura}", f"assert {c.py}")
        if names and rng.random() < 0.2:
            i, p = self.fresh("j_"), rng.choice(names)
            d.add(
                1,
                f"requires forall({i} in 0..{p}): {i} * {i} >= 0",
                f"assert all({i} * {i} >= 0 for {i} in range(0, {p}))",
            )

    def cell(self) -> Decl:
        rng = self.rng
        d = Decl()
        name = self.fresh("cell_")
        arity = rng.randint(0, 3)
        names, sig = self.params(arity)
        self.doc(d)
        prefix = rng.choice(["", "", "pub "])
        d.add(0, f"{prefix}cell {name}({sig.aura}) -> i64:", f"def {name}({sig.py}) -> int:")
        self.contracts(d, names, True)
        self.block(d, 1, names, 7)
        e = self.int_expr(names)
        d.add(1, f"return {e.aura}", f"return {e.py}")
        self.cells.append(CellInfo(name, arity))
        return d

    def recursive_cell(self) -> Decl:
        d = Decl()
        name = self.fresh("rec_")
        n, acc = self.fresh("n_"), self.fresh("acc_")
        self.doc(d)
        d.add(
            0,
            f"pure cell {name}({n}: i64, {acc}: i64) -> i64:",
            f"def {name}({n}: int, {acc}: int) -> int:",
        )
        d.add(1, f"requires {n} >= 0", f"assert {n} >= 0")
        d.add(1, f"decreases {n}", f"assert {n} >= 0")
        d.add(1, f"if {n} == 0:")
        d.add(2, f"return {acc}")
        step = self.int_expr([n, acc], 1)
        d.add(1, f"return {name}({n} - 1, {step.aura})", f"return {name}({n} - 1, {step.py})")
        self.cells.append(CellInfo(f"{name}", 2))
        return d

    def map_cell(self) -> Decl:
        d = Decl()
        name = self.fresh("tally_")
        words, counts, w = self.fresh("words_"), self.fresh("counts_"), self.fresh("w_")
        self.doc(d)
        d.add(
            0,
            f"cell {name}({words}: Vec<String>) -> Map<String, i64>:",
            f"def {name}({words}: list[str]) -> dict[str, int]:",
        )
        d.add(
            1,
            f"val mut {counts}: Map<String, i64> = Map::new()",
            f"{counts}: dict[str, int] = {{}}",
        )
        d.add(1, f"for {w} in {words}:")
        d.add(
            2,
            f"match {counts}.get({w}.trim().to_lower()):",
            f"match {counts}.get({w}.strip().lower()):",
        )
        d.add(3, "Some(n):", "case int(n):")
        d.add(4, f"{counts}.insert({w}, n + 1)", f"{counts}[{w}] = n + 1")
        d.add(3, "None:", "case None:")
        d.add(4, f"{counts}.insert({w}, 1)", f"{counts}[{w}] = 1")
        d.add(
            1,
            f'println("{{{counts}.len()}} distinct words")',
            f'print(f"{{len({counts})}} distinct words")',
        )
        d.add(1, f"return {counts}")
        helper = self.fresh("lookup_")
        key = self.fresh("key_")
        d.add(0, "")
        d.add(
            0,
            f"cell {helper}({counts}: Map<String, i64>, {key}: String) -> Option<i64>:",
            f"def {helper}({counts}: dict[str, int], {key}: str) -> int | None:",
        )
        d.add(1, f"val n = {counts}.get({key})?", f"n = unwrap({counts}.get({key}))")
        d.add(1, "return Some(n * 2)", "return n * 2")
        return d

    def record_cell(self) -> Decl:
        rng = self.rng
        d = Decl()
        rec = rng.choice(self.records)
        name = self.fresh("make_")
        names, sig = self.params(rng.randint(1, 2))
        self.doc(d)
        d.add(0, f"cell {name}({sig.aura}) -> {rec.name}:", f"def {name}({sig.py}) -> {rec.name}:")
        self.contracts(d, names, False)
        inits = [(f, self.int_expr(names, 1)) for f in rec.int_fields]
        msg = self.message(names)
        fields_a = ", ".join(f"{f}: {e.aura}" for f, e in inits)
        fields_p = ", ".join(f"{f}={e.py}" for f, e in inits)
        r = self.fresh("r_")
        d.add(
            1,
            f"val mut {r} = {rec.name} {{ {fields_a}, {rec.str_field}: {msg.aura} }}",
            f"{r} = {rec.name}({fields_p}, {rec.str_field}={msg.py})",
        )
        f = rng.choice(rec.int_fields)
        e = self.int_expr(names, 1)
        d.add(1, f"{r}.{f} += {e.aura}", f"{r}.{f} += {e.py}")
        d.add(
            1,
            f'println("made {{{r}.{f}}}: {{{r}.{rec.str_field}}}")',
            f'print(f"made {{{r}.{f}}}: {{{r}.{rec.str_field}}}")',
        )
        d.add(1, f"return {r}")
        return d

    def test_cell(self) -> Decl:
        d = Decl()
        name = self.fresh("test_")
        d.add(0, f"test cell {name}():", f"def {name}() -> None:")
        self.block(d, 1, [], 4)
        for _ in range(self.rng.randint(1, 3)):
            c = self.cond([], 1)
            d.add(1, f"assert {c.aura}", f"assert {c.py}")
        return d


def _pad(lines: list[str], target: int, comment: str) -> list[str]:
    out = lines[:target]
    while len(out) < target:
        out.append(f"{comment} padding line {len(out) + 1}")
    return out


def _generate(
    lines: int, seed: int, pick: Callable[[Decl], list[str]], header: list[str], comment: str
) -> str:
    gen = Generator(seed)
    out = list(header)
    # Leave room for the last declaration so that nothing is cut in the middle.
    while True:
        decl = gen.declaration()
        body = pick(decl)
        if len(out) + 1 + len(body) > lines:
            break
        out.append("")
        out.extend(body)
    return "\n".join(_pad(out, lines, comment)) + "\n"


def generate_aura(lines: int = GOAL_LINES, seed: int = DEFAULT_SEED) -> str:
    """A deterministic Aura module of exactly ``lines`` lines."""
    header = [
        f"# Generated parser benchmark input: {lines} lines, seed {seed}.",
        "import std::io",
        "import std::math as m",
    ]
    return _generate(lines, seed, lambda d: d.aura, header, "#")


def generate_python(lines: int = GOAL_LINES, seed: int = DEFAULT_SEED) -> str:
    """The same declarations as Python, ``lines`` lines long, for ``ast.parse``."""
    header = [
        f"# Generated parser benchmark peer: {lines} lines, seed {seed}.",
        "from dataclasses import dataclass",
        "from enum import Enum, auto",
    ]
    return _generate(lines, seed, lambda d: d.py, header, "#")


# ------------------------------------------------------------------ measuring


@dataclass(frozen=True)
class Timing:
    best: float
    runs: tuple[float, ...]


def best_of(fn: Callable[[], object], repeat: int) -> Timing:
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - started)
    return Timing(min(runs), tuple(runs))


def _iter_errors(result: object) -> Iterator[str]:
    for diag in getattr(result, "diagnostics", ()):
        if getattr(diag, "is_error", True):
            where = ""
            file, span = getattr(diag, "file", None), getattr(diag, "span", None)
            if file is not None and span is not None:
                pos = file.position(span.start)
                where = f" at {pos.line}:{pos.column}"
            yield f"{diag.code}{where}: {diag.message}"


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    ap.add_argument("--lines", type=int, default=GOAL_LINES)
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--dump", type=Path, help="write bench.aura and bench_peer.py here")
    ap.add_argument("--strict", action="store_true", help="exit 1 when the goal is missed")
    args = ap.parse_args(argv)

    aura_text = generate_aura(args.lines, args.seed)
    py_text = generate_python(args.lines, args.seed)
    if args.dump:
        args.dump.mkdir(parents=True, exist_ok=True)
        (args.dump / "bench.aura").write_text(aura_text, encoding="utf-8")
        (args.dump / "bench_peer.py").write_text(py_text, encoding="utf-8")

    started = time.perf_counter()
    aura_parse = importlib.import_module("aura_parse")
    source_mod = importlib.import_module("aura_core.source")
    import_s = time.perf_counter() - started
    parse_module = aura_parse.parse_module
    source_file = source_mod.SourceFile

    started = time.perf_counter()
    parse_module(source_file("warmup.aura", "cell main():\n    println(1)\n"))
    first_s = time.perf_counter() - started

    source = source_file("bench.aura", aura_text)
    result = parse_module(source)
    errors = list(_iter_errors(result))
    if errors:
        print(f"error: the generated module does not parse ({len(errors)} errors):")
        for e in errors[:10]:
            print(f"  {e}")
        return 1

    aura_t = best_of(lambda: parse_module(source), args.repeat)
    py_t = best_of(lambda: ast.parse(py_text, "bench_peer.py"), args.repeat)

    n = args.lines
    budget = GOAL_SECONDS * n / GOAL_LINES
    met = aura_t.best < budget
    chars = len(aura_text)
    print(f"input:            {n} lines, {chars / 1024:.0f} KiB (seed {args.seed})")
    print(f"import:           {import_s * 1000:8.1f} ms  (aura_parse and its dependencies)")
    print(f"first call:       {first_s * 1000:8.1f} ms  (builds the parser tables)")
    print(
        f"aura parse:       {aura_t.best:8.3f} s   best of {args.repeat} "
        f"({', '.join(f'{t:.3f}' for t in aura_t.runs)})"
    )
    print(f"throughput:       {n / aura_t.best:8.0f} lines/s")
    print(f"peer ast.parse:   {py_t.best:8.3f} s   ({n / py_t.best:.0f} lines/s, CPython)")
    print(f"ratio:            {aura_t.best / py_t.best:8.1f} x  slower than ast.parse")
    print(
        f"goal:             {n} lines in < {budget:.2f} s: "
        f"{'met' if met else 'NOT met'} ({aura_t.best:.3f} s)"
    )
    return 1 if args.strict and not met else 0


if __name__ == "__main__":
    sys.exit(main())
