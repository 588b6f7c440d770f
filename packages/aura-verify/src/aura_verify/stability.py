"""``aura verify --stability N``: does a proof hold up when the query is perturbed?

A verdict reached under a resource budget is the same on every machine, but
the solver's search depends on things that do not change the meaning of the
query: the order of its assertions, the names of its symbols, its random seed.
A proof that succeeds only by luck in those breaks on an unrelated edit, or on
the next solver release.  As the Mariposa study of SMT instability does, each
obligation is proven ``N`` times, each time with the assertions shuffled, every
uninterpreted constant and function renamed (in a shuffled order) and another
random seed — the same meaning, another query — and the verdicts and resource
use of the runs are compared.

An obligation is *unstable* when its runs reach different verdicts, or when
their resource use spreads over more than a quarter of the budget (then a
perturbation of the same kind can tip it over).  The threshold is relative to
the budget because small figures vary a lot without mattering: mutations
(and what the same process proved before, which changes Z3's internal order
of terms) move an obligation of a few million units by millions.  Obligations
the verifier decides without the solver (constructs it cannot encode) are
left out.
"""

from __future__ import annotations

import random
import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import z3

from aura_core.source import SourceFile, Span
from aura_core.types import QualName
from aura_verify.budgets import Limits, cell_rlimit
from aura_verify.driver import Task
from aura_verify.solver import attempt
from aura_verify.vcgen import generate

__all__ = ["Spread", "measure", "mutate", "spread_json", "spread_lines"]

#: Spread of resource use, as a share of the budget, beyond which a proof is unstable.
_SPREAD_SHARE = 0.25


@dataclass(frozen=True)
class Spread:
    """The runs of one obligation: verdict counts and resource use."""

    cell: QualName
    code: str
    file: SourceFile
    span: Span
    rlimit: int
    verdicts: tuple[tuple[str, int], ...]
    used: tuple[int, ...]

    @property
    def stable(self) -> bool:
        return len(self.verdicts) == 1 and max(self.used) - min(self.used) <= (
            self.rlimit * _SPREAD_SHARE
        )


def measure(tasks: Sequence[Task], runs: int, rlimit: int, timeout: float) -> list[Spread]:
    """Every solver obligation of ``tasks``' cells, proven ``runs`` times, mutated."""
    out: list[Spread] = []
    for task in tasks:
        budget, _ = cell_rlimit(task.program, task.cell, rlimit)
        limits = Limits(budget, timeout)
        conds = generate(task.program, task.cell)
        for ob in conds.obligations:
            if ob.preset is not None or ob.goal is None:
                continue
            query = [*conds.axioms, *ob.facts, z3.Not(ob.goal)]
            symbols = _symbols(query)
            verdicts: Counter[str] = Counter()
            used: list[int] = []
            for run in range(1, runs + 1):
                a = attempt(ob, conds, limits, mutate(query, symbols, run), seed=run)
                verdicts[a.verdict] += 1
                used.append(a.used)
            out.append(
                Spread(
                    task.cell.name,
                    ob.code,
                    ob.file,
                    ob.span,
                    budget,
                    tuple(sorted(verdicts.items())),
                    tuple(used),
                )
            )
    return out


def mutate(
    query: Sequence[z3.BoolRef], symbols: Sequence[z3.FuncDeclRef], run: int
) -> list[z3.BoolRef]:
    """``query`` with its assertions shuffled and ``symbols`` renamed, by ``run``."""
    rng = random.Random(run)
    order = list(range(len(symbols)))
    rng.shuffle(order)
    consts: list[tuple[z3.ExprRef, z3.ExprRef]] = []
    funs: list[tuple[z3.FuncDeclRef, z3.ExprRef]] = []
    for n, i in enumerate(order):
        d = symbols[i]
        if d.arity() == 0:
            consts.append((d(), z3.Const(f"m{run}!{n}", d.range())))
        else:
            domain = [d.domain(k) for k in range(d.arity())]
            fresh = z3.Function(f"m{run}!{n}", *domain, d.range())
            funs.append((d, fresh(*(z3.Var(k, s) for k, s in enumerate(domain)))))
    out = list(query)
    rng.shuffle(out)
    if consts:
        out = [z3.substitute(f, *consts) for f in out]
    if funs:
        out = [z3.substitute_funs(f, *funs) for f in out]
    return out


def _symbols(query: Iterable[z3.ExprRef]) -> list[z3.FuncDeclRef]:
    """The uninterpreted constants and functions of ``query``, in a fixed order."""
    found: dict[str, z3.FuncDeclRef] = {}
    seen: set[int] = set()
    stack = list(query)
    while stack:
        x = stack.pop()
        if x.get_id() in seen:
            continue
        seen.add(x.get_id())
        if z3.is_quantifier(x):
            stack.append(x.body())
            stack.extend(x.pattern(i) for i in range(x.num_patterns()))
            continue
        if not z3.is_app(x):
            continue
        d = x.decl()
        if d.kind() == z3.Z3_OP_UNINTERPRETED:
            found.setdefault(f"{d.name()}/{d.arity()}/{d.range()}", d)
        stack.extend(x.children())
    return [found[k] for k in sorted(found)]


def _figures(s: Spread) -> dict[str, int]:
    return {
        "min": min(s.used),
        "median": int(statistics.median(s.used)),
        "max": max(s.used),
    }


def spread_json(spreads: Sequence[Spread], runs: int) -> dict[str, Any]:
    """The ``--format json`` object of a stability run."""
    obligations = []
    for s in spreads:
        pos = s.file.position(s.span.start)
        obligations.append(
            {
                "file": s.file.name,
                "cell": s.cell.name,
                "code": s.code,
                "line": pos.line,
                "column": pos.column,
                "stable": s.stable,
                "verdicts": dict(s.verdicts),
                "rlimit": {"budget": s.rlimit, **_figures(s)},
            }
        )
    unstable = sum(not s.stable for s in spreads)
    return {
        "version": 1,
        "runs": runs,
        "obligations": obligations,
        "summary": {"obligations": len(spreads), "unstable": unstable},
    }


def spread_lines(spreads: Sequence[Spread], runs: int) -> list[str]:
    """The human report: a line per unstable obligation, then a summary."""
    out: list[str] = []
    for s in spreads:
        if s.stable:
            continue
        pos = s.file.position(s.span.start)
        verdicts = ", ".join(f"{v} x{n}" for v, n in s.verdicts)
        f = _figures(s)
        out.append(
            f"unstable {s.file.name}:{pos.line}:{pos.column}: {s.code} in `{s.cell.name}`: "
            f"{verdicts}; resource use min {f['min']:,} / median {f['median']:,} / "
            f"max {f['max']:,} of {s.rlimit:,}"
        )
    unstable = sum(not s.stable for s in spreads)
    out.append(
        f"stability: {len(spreads)} obligations, {runs} mutated runs each: {unstable} unstable"
    )
    return out
