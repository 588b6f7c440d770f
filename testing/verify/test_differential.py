"""Differential test of the verifier against a reference evaluator.

Hypothesis writes small straight-line integer cells (a precondition, bindings,
a conditional expression, an assertion, a return) over one integer type.  The
reference evaluator below runs them with :mod:`aura_core.arith`, the run-time
semantics every evaluator shares: fixed-width operations are checked, and
specifications (the precondition and the assertion) are evaluated exactly,
as spec section 8 says.  The specifications also use bit operations (on
unbounded two's complement, as Python's), casts (which panic where code's
would) and a typed place (``[e][0]``: the exact value must fit the element
type).

Two properties:

- soundness: when the verifier says ``verified``, no input meeting the
  precondition makes the cell panic, among boundary values and random ones;
- counterexamples are real: these cells have no loops or calls, so a
  ``failed`` obligation's counterexample is an input on which the cell panics.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, seed, settings
from hypothesis import strategies as st

from aura_core import arith
from aura_core.check import check_modules
from aura_core.modules import ParsedModule
from aura_core.source import SourceFile
from aura_core.types import fixed_width_range
from aura_parse import parse_module
from aura_verify import Options, verify_cell

TYPES = ["i8", "u8", "i32", "i64", "Int"]
OPS = ["+", "-", "*", "/", "%"]
BITS = ["&", "|", "^"]
SHIFTS = ["<<", ">>"]
#: Exact shifts by more than this are not sampled (their values are huge).
_MAX_SHIFT = 4096
CMPS = ["<", "<=", ">", ">=", "==", "!="]


class Panic(Exception):
    """The cell stops: an arithmetic error or a failed assertion."""


class TooLarge(Exception):
    """The inputs make a value too large to compute here: not a sample."""


# --------------------------------------------------------------- expressions


@dataclass(frozen=True)
class Var:
    name: str


@dataclass(frozen=True)
class Lit:
    value: int


@dataclass(frozen=True)
class Bin:
    op: str
    left: Expr
    right: Expr


@dataclass(frozen=True)
class Neg:
    operand: Expr


@dataclass(frozen=True)
class Cmp:
    op: str
    left: Expr
    right: Expr


@dataclass(frozen=True)
class Cond:
    then: Expr
    cond: Cmp
    otherwise: Expr


@dataclass(frozen=True)
class Not:
    operand: Expr


@dataclass(frozen=True)
class Cast:
    """``((e as via) as T)``, back at the cell's type ``T``."""

    expr: Expr
    via: str


@dataclass(frozen=True)
class Elem:
    """``[e][0]``: ``e`` stored into, and read back from, a typed place."""

    expr: Expr


Expr = Var | Lit | Bin | Neg | Cond | Not | Cast | Elem


def text(e: Expr | Cmp, ty: str = "") -> str:
    if isinstance(e, Not):
        return f"(~{text(e.operand, ty)})"
    if isinstance(e, Cast):
        return f"(({text(e.expr, ty)} as {e.via}) as {ty})"
    if isinstance(e, Elem):
        return f"[{text(e.expr, ty)}][0]"
    if isinstance(e, Var):
        return e.name
    if isinstance(e, Lit):
        return f"({e.value})" if e.value < 0 else str(e.value)
    if isinstance(e, Bin | Cmp):
        return f"({text(e.left, ty)} {e.op} {text(e.right, ty)})"
    if isinstance(e, Neg):
        return f"(-{text(e.operand, ty)})"
    return f"({text(e.then, ty)} if {text(e.cond, ty)} else {text(e.otherwise, ty)})"


def evaluate(e: Expr | Cmp, env: dict[str, int], ty: str, spec: bool) -> int | bool:
    """Code (checked in ``ty``) or specification (exact) semantics."""
    if isinstance(e, Var):
        return env[e.name]
    if isinstance(e, Lit):
        return e.value
    if isinstance(e, Cmp):
        a, b = evaluate(e.left, env, ty, spec), evaluate(e.right, env, ty, spec)
        return {
            "<": a < b,
            "<=": a <= b,
            ">": a > b,
            ">=": a >= b,
            "==": a == b,
            "!=": a != b,
        }[e.op]
    if isinstance(e, Cond):
        chosen = e.then if evaluate(e.cond, env, ty, spec) else e.otherwise
        return evaluate(chosen, env, ty, spec)
    try:
        if isinstance(e, Neg):
            x = int(evaluate(e.operand, env, ty, spec))
            return -x if spec else arith.int_neg(x, ty)
        if isinstance(e, Not):
            x = int(evaluate(e.operand, env, ty, spec))
            return ~x if spec else arith.bitnot(x, ty)
        if isinstance(e, Cast):
            x = int(evaluate(e.expr, env, ty, spec))
            return arith.check_range(arith.check_range(x, e.via), ty)
        if isinstance(e, Elem):
            return arith.check_range(int(evaluate(e.expr, env, ty, spec)), ty)
        a = int(evaluate(e.left, env, ty, spec))
        b = int(evaluate(e.right, env, ty, spec))
        if e.op in BITS:
            return {"&": a & b, "|": a | b, "^": a ^ b}[e.op]
        if e.op in SHIFTS and spec:
            if b < 0:
                raise Panic(f"shift by {b} is out of range")
            if b > _MAX_SHIFT:
                raise TooLarge
            return a << b if e.op == "<<" else a >> b
        if e.op == "<<":
            return arith.shl(a, b, ty)
        if e.op == ">>":
            return arith.shr(a, b, ty)
        return arith.int_binary(e.op, a, b, "Int" if spec else ty)
    except arith.AuraArithmeticError as exc:
        raise Panic(exc.message) from None


@dataclass(frozen=True)
class Program:
    ty: str
    requires: tuple[Cmp, ...]
    x: Expr
    check: Cmp
    result: Expr

    def source(self) -> str:
        lines = [f"cell f(a: {self.ty}, b: {self.ty}) -> {self.ty}:"]
        if self.requires:
            lines.append(f"    requires {' and '.join(text(r, self.ty) for r in self.requires)}")
        lines += [
            f"    val x: {self.ty} = {text(self.x, self.ty)}",
            f"    assert {text(self.check, self.ty)}",
            f"    return {text(self.result, self.ty)}",
        ]
        return "\n".join(lines) + "\n"

    def run(self, a: int, b: int) -> bool:
        """Whether the inputs meet the precondition; raises Panic if the cell panics."""
        env = {"a": a, "b": b}
        for r in self.requires:
            if not evaluate(r, env, self.ty, True):
                return False
        env["x"] = int(evaluate(self.x, env, self.ty, False))
        if not evaluate(self.check, env, self.ty, True):
            raise Panic("assertion failed")
        evaluate(self.result, env, self.ty, False)
        return True


# ---------------------------------------------------------------- strategies

#: An assertion that holds, so that more cells are about their arithmetic alone.
TRUE = Cmp("==", Lit(0), Lit(0))


def literals(ty: str) -> st.SearchStrategy[Lit]:
    lo = 0 if ty.startswith("u") else -4
    return st.builds(Lit, st.integers(lo, 4))


def expressions(ty: str, names: list[str], spec: bool = False) -> st.SearchStrategy[Expr]:
    """Code expressions; with ``spec``, also bit operations, casts and typed places."""
    leaves = st.one_of(st.sampled_from([Var(n) for n in names]), literals(ty))
    others = [t for t in TYPES if t != ty]

    def extend(inner: st.SearchStrategy[Expr]) -> st.SearchStrategy[Expr]:
        cmp = st.builds(Cmp, st.sampled_from(CMPS), inner, inner)
        forms = [
            st.builds(Bin, st.sampled_from(OPS), inner, inner),
            # ``-`` on a literal is folded into a literal, which may not fit the type.
            st.builds(Neg, inner.filter(lambda e: not isinstance(e, Lit))),
            st.builds(Cond, inner, cmp, inner),
        ]
        if spec:
            # Shift amounts are small, or small remainders (negative ones too).
            amount = st.one_of(
                st.builds(Lit, st.integers(0 if ty.startswith("u") else -1, 70)),
                st.builds(
                    Bin, st.just("%"), st.sampled_from([Var(n) for n in names]), st.just(Lit(70))
                ),
            )
            forms += [
                st.builds(Bin, st.sampled_from(BITS), inner, inner),
                st.builds(Bin, st.sampled_from(SHIFTS), inner, amount),
                st.builds(Not, inner.filter(lambda e: not isinstance(e, Lit))),
                st.builds(Cast, inner, st.sampled_from(others)),
                st.builds(Elem, inner),
            ]
        return st.one_of(*forms)

    return st.recursive(leaves, extend, max_leaves=5)


@st.composite
def programs(draw: st.DrawFn, spec_forms: bool = False) -> Program:
    """Cells over one type; with ``spec_forms`` their specifications (the
    precondition and the assertion) also use the specification-only forms."""
    ty = draw(st.sampled_from(TYPES))
    ab, abx = expressions(ty, ["a", "b"]), expressions(ty, ["a", "b", "x"])
    sab = expressions(ty, ["a", "b"], spec_forms)
    sabx = expressions(ty, ["a", "b", "x"], spec_forms)
    requires: list[Cmp] = []
    if draw(st.booleans()):
        # Small inputs make more cells verifiable, so the soundness check bites.
        k = draw(st.integers(1, 20))
        lo = 0 if ty.startswith("u") else -k
        for v in ("a", "b"):
            requires += [Cmp("<=", Lit(lo), Var(v)), Cmp("<=", Var(v), Lit(k))]
    if draw(st.booleans()) or spec_forms:
        requires.append(draw(st.builds(Cmp, st.sampled_from(CMPS), sab, sab)))
    return Program(
        ty,
        tuple(requires),
        draw(ab),
        draw(st.builds(Cmp, st.sampled_from(CMPS), sabx, sabx) | st.just(TRUE)),
        draw(abx),
    )


def samples(ty: str, rng: random.Random) -> list[tuple[int, int]]:
    lo, hi = fixed_width_range(ty) if ty != "Int" else (-(2**70), 2**70)
    edges = sorted(v for v in {lo, lo + 1, -2, -1, 0, 1, 2, hi - 1, hi} if lo <= v <= hi)
    pairs = [(a, b) for a in edges for b in edges]
    pairs += [(rng.randint(lo, hi), rng.randint(lo, hi)) for _ in range(60)]
    pairs += [(rng.randint(-20, 20), rng.randint(-20, 20)) for _ in range(60)]
    return [(a, b) for a, b in pairs if lo <= a <= hi and lo <= b <= hi]


# --------------------------------------------------------------------- tests


def _verify(p: Program) -> tuple[str, list[dict[str, str]]]:
    source = SourceFile("diff.aura", p.source())
    parsed = parse_module(source)
    assert parsed.ok, p.source()
    checked = check_modules([ParsedModule(("diff",), "diff", source, parsed.module)])
    assume(checked.ok)
    cell = checked.program.modules[("diff",)].cells["f"]
    result = verify_cell(checked.program, cell, Options(timeout=20.0))
    cexs = [dict(f.counterexample) for f in result.failures if f.status == "failed"]
    return result.status, cexs


def _check(p: Program, rng: random.Random) -> None:
    status, cexs = _verify(p)
    if status == "verified":
        for a, b in samples(p.ty, rng):
            try:
                p.run(a, b)
            except TooLarge:
                continue
            except Panic as exc:  # pragma: no cover - a soundness bug
                msg = f"verified, but panics ({exc}) on a={a}, b={b}:\n{p.source()}"
                raise AssertionError(msg) from None
    for cex in cexs:
        a, b = int(cex["a"]), int(cex["b"])
        with pytest.raises((Panic, TooLarge)):
            p.run(a, b)


@settings(max_examples=120, suppress_health_check=[HealthCheck.too_slow])
@given(programs(), st.randoms(use_true_random=False))
def test_verified_cells_do_not_panic(p: Program, rng: random.Random) -> None:
    _check(p, rng)


@seed(20261208)
@settings(max_examples=80, suppress_health_check=[HealthCheck.too_slow])
@given(programs(spec_forms=True), st.randoms(use_true_random=False))
def test_verified_cells_with_bit_operations_casts_and_places_in_specs(
    p: Program, rng: random.Random
) -> None:
    _check(p, rng)


def test_the_evaluator_agrees_with_the_spec_examples(tmp_path: Path) -> None:
    p = Program("i8", (), Bin("/", Var("a"), Var("b")), Cmp("==", Lit(0), Lit(0)), Var("x"))
    assert p.run(-7, 2)
    with pytest.raises(Panic):
        p.run(-128, -1)
    with pytest.raises(Panic):
        p.run(1, 0)
    assert evaluate(Bin("%", Lit(-7), Lit(2)), {}, "i64", False) == -1


def test_the_evaluator_agrees_on_the_specification_forms() -> None:
    spec = {"a": 4611686018427387904}
    assert evaluate(Bin("<<", Var("a"), Lit(1)), spec, "i64", True) == 1 << 63
    assert evaluate(Bin(">>", Lit(-7), Lit(1)), {}, "i64", True) == -4
    assert evaluate(Not(Lit(0)), {}, "u8", True) == -1
    assert evaluate(Not(Lit(0)), {}, "u8", False) == 255
    assert evaluate(Bin("<<", Var("a"), Lit(1)), spec, "i64", False) == -(1 << 63)
    with pytest.raises(Panic):
        evaluate(Bin("<<", Lit(1), Lit(-1)), {}, "i64", True)
    with pytest.raises(Panic):
        evaluate(Cast(Lit(300), "u8"), {}, "i64", True)
    with pytest.raises(Panic):
        evaluate(Elem(Bin("+", Var("a"), Var("a"))), spec, "i64", True)
