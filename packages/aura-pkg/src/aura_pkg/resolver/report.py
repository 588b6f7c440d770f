"""The explanation of a failed resolution, from the derivation graph of its proof.

When the solver concludes that the root package cannot be selected, the
incompatibility saying so was derived, step by step, from external facts
(dependencies, missing versions).  This module writes that derivation as
sentences a person can check one at a time, following the error-reporting
algorithm of pub's ``doc/solver.md``:

* a linear chain is told in order, each sentence building on the one before
  ("Because ..., app requires c ^2.  And because ..., app cannot be built.");
  a derived fact used only once is folded into the sentence that uses it;
* a fact used by several later steps gets a line number, ``(1)``, the first
  time it is concluded, and is cited by that number afterwards; two independent
  branches are separated by a blank line.

Each step is written as its reasons on one line and its conclusion on the next.
"""

from __future__ import annotations

from dataclasses import dataclass

from aura_pkg.resolver.terms import (
    DependencyCause,
    DerivedCause,
    Incompatibility,
    NoVersionsCause,
    RootCause,
    Term,
)

__all__ = ["HEADLINE", "explain"]

HEADLINE = "no versions of the dependencies can satisfy every requirement"


def explain(incompatibility: Incompatibility, root: str) -> str:
    """The full report: the headline, then the derivation indented by two spaces."""
    writer = _Writer(root)
    writer.run(incompatibility)
    return "\n".join([HEADLINE, *("  " + line if line else "" for line in writer.render())])


@dataclass
class _Step:
    reason: str | None  # "Because a and b"; None for a blank separator line
    conclusion: str = ""
    number: int | None = None
    thus: bool = False  # written "Thus, <conclusion>."


class _Writer:
    def __init__(self, root: str) -> None:
        self.root = root
        self.steps: list[_Step] = []
        self.numbers: dict[Incompatibility, int] = {}
        self.uses: dict[Incompatibility, int] = {}

    # -- the algorithm

    def run(self, incompatibility: Incompatibility) -> None:
        if not isinstance(incompatibility.cause, DerivedCause):
            self.write(incompatibility, f"Because {self.external(incompatibility)}")
            return
        self.count_uses(incompatibility)
        self.visit(incompatibility)

    def count_uses(self, incompatibility: Incompatibility) -> None:
        stack = [incompatibility]
        seen = {incompatibility}
        while stack:
            cause = stack.pop().cause
            if not isinstance(cause, DerivedCause):
                continue
            for parent in (cause.conflict, cause.other):
                self.uses[parent] = self.uses.get(parent, 0) + 1
                if parent not in seen:
                    seen.add(parent)
                    stack.append(parent)

    def visit(self, incompatibility: Incompatibility) -> None:
        cause = incompatibility.cause
        assert isinstance(cause, DerivedCause)
        first, second = cause.conflict, cause.other
        first_derived, second_derived = _derived(first), _derived(second)
        if first_derived and second_derived:
            self.two_derived(incompatibility, first, second)
        elif first_derived or second_derived:
            derived, external = (first, second) if first_derived else (second, first)
            self.one_derived(incompatibility, derived, external)
        else:
            self.write(incompatibility, f"Because {self.externals(first, second)}")

    def two_derived(
        self, target: Incompatibility, first: Incompatibility, second: Incompatibility
    ) -> None:
        n1, n2 = self.numbers.get(first), self.numbers.get(second)
        if n1 is not None and n2 is not None:
            self.write(
                target,
                f"Because {self.derived(first)} ({n1}) and {self.derived(second)} ({n2})",
            )
        elif n1 is not None or n2 is not None:
            numbered, other = (first, second) if n1 is not None else (second, first)
            self.visit(other)
            self.write(target, f"And because {self.derived(numbered)} ({self.numbers[numbered]})")
        elif _simple(first) or _simple(second):
            simple, complex_ = (first, second) if _simple(first) else (second, first)
            self.visit(complex_)
            self.visit(simple)
            self.write(target, None)
        else:
            self.visit(first)
            if first not in self.numbers:
                self.number_last(first)
            self.steps.append(_Step(None))
            self.visit(second)
            self.write(target, f"And because {self.derived(first)} ({self.numbers[first]})")

    def one_derived(
        self, target: Incompatibility, derived: Incompatibility, external: Incompatibility
    ) -> None:
        number = self.numbers.get(derived)
        if number is not None:
            self.write(
                target,
                f"Because {self.external(external)} and {self.derived(derived)} ({number})",
            )
        elif self.collapsible(derived):
            cause = derived.cause
            assert isinstance(cause, DerivedCause)
            inner_derived, inner_external = (
                (cause.conflict, cause.other)
                if _derived(cause.conflict)
                else (cause.other, cause.conflict)
            )
            self.visit(inner_derived)
            self.write(target, f"And because {self.externals(inner_external, external)}")
        else:
            self.visit(derived)
            self.write(target, f"And because {self.external(external)}")

    def collapsible(self, incompatibility: Incompatibility) -> bool:
        """Whether a derived fact may be skipped: used once, from one derived and one external."""
        if self.uses.get(incompatibility, 0) > 1:
            return False
        cause = incompatibility.cause
        assert isinstance(cause, DerivedCause)
        derived = [c for c in (cause.conflict, cause.other) if _derived(c)]
        return len(derived) == 1 and derived[0] not in self.numbers

    def write(self, incompatibility: Incompatibility, reason: str | None) -> None:
        step = _Step(reason, self.derived(incompatibility), thus=reason is None)
        self.steps.append(step)
        if self.uses.get(incompatibility, 0) > 1:
            self.number_last(incompatibility)

    def number_last(self, incompatibility: Incompatibility) -> None:
        number = len(self.numbers) + 1
        self.steps[-1].number = number
        self.numbers[incompatibility] = number

    # -- text

    def render(self) -> list[str]:
        width = 0
        if self.numbers:
            width = len(f"({max(self.numbers.values())}) ")
        lines: list[str] = []
        for step in self.steps:
            if step.reason is None and not step.thus:
                lines.append("")
                continue
            label = f"({step.number})" if step.number is not None else ""
            prefix, indent = label.ljust(width), " " * width
            if step.thus:
                lines.append(f"{prefix}Thus, {step.conclusion}.")
            else:
                lines.append(f"{prefix}{step.reason},")
                lines.append(f"{indent}{step.conclusion}.")
        return lines

    def subject(self, term: Term, every: bool = True) -> str:
        """A positive term as the subject of a sentence: ``app``, ``every version of a``."""
        if term.package == self.root:
            return self.root
        if term.versions.is_any or str(term.versions) == "*":
            return f"every version of {term.package}" if every else term.package
        single = term.versions.single_version() if term.versions.label is None else None
        if single is not None:
            return f"{term.package} {single}"
        return f"{term.package} {term.versions}"

    def requirement(self, term: Term) -> str:
        """A term's package and versions: ``c ^2``, ``util =0.1.0``."""
        return f"{term.package} {term.versions}"

    def external(self, incompatibility: Incompatibility) -> str:
        cause = incompatibility.cause
        if isinstance(cause, DependencyCause):
            depender = Term(cause.depender, cause.depender_versions)
            dependency = Term(cause.dependency, cause.requirement, positive=False)
            return f"{self.subject(depender)} depends on {self.requirement(dependency)}"
        if isinstance(cause, NoVersionsCause):
            term = incompatibility.terms[0]
            if not cause.exists:
                return f"no versions of {term.package} are available"
            return f"no versions of {term.package} match {term.versions}"
        if isinstance(cause, RootCause):
            return f"{self.root} is the package being built"
        return self.derived(incompatibility)

    def externals(self, first: Incompatibility, second: Incompatibility) -> str:
        """Two external facts joined by "and", ordered to read as a chain."""
        a, b = _chain_order(first, second, self.root)
        ca, cb = a.cause, b.cause
        if isinstance(ca, DependencyCause) and isinstance(cb, DependencyCause):
            da = Term(ca.depender, ca.depender_versions)
            db = Term(cb.depender, cb.depender_versions)
            if self.subject(da) == self.subject(db):
                qa = Term(ca.dependency, ca.requirement, positive=False)
                qb = Term(cb.dependency, cb.requirement, positive=False)
                return (
                    f"{self.subject(da)} depends on both {self.requirement(qa)} "
                    f"and {self.requirement(qb)}"
                )
        return f"{self.external(a)} and {self.external(b)}"

    def derived(self, incompatibility: Incompatibility) -> str:
        """What an incompatibility says, as a conclusion."""
        terms = incompatibility.terms
        if not terms:
            return "no solution exists"
        positive = [t for t in terms if t.positive]
        negative = [t for t in terms if not t.positive]
        if len(terms) == 1:
            term = terms[0]
            if term.positive:
                if term.package == self.root:
                    return f"{self.root} cannot be built"
                return f"{self.subject(term, every=False)} is forbidden"
            return f"{self.requirement(term)} is required"
        if len(positive) == 1 and len(negative) == 1:
            return f"{self.subject(positive[0])} requires {self.requirement(negative[0])}"
        if not negative:
            subjects = [self.subject(t, every=False) for t in positive]
            if len(subjects) == 2:
                return f"{subjects[0]} is incompatible with {subjects[1]}"
            return f"{', '.join(subjects[:-1])} and {subjects[-1]} are incompatible"
        needs = " or ".join(self.requirement(t) for t in negative)
        if not positive:
            return f"{needs} is required"
        if len(positive) == 1:
            return f"{self.subject(positive[0])} requires {needs}"
        together = " and ".join(self.subject(t, every=False) for t in positive)
        return f"{together} together require {needs}"


def _derived(incompatibility: Incompatibility) -> bool:
    return isinstance(incompatibility.cause, DerivedCause)


def _simple(incompatibility: Incompatibility) -> bool:
    """Derived directly from two external facts: explained in one sentence."""
    cause = incompatibility.cause
    return (
        isinstance(cause, DerivedCause)
        and not _derived(cause.conflict)
        and not _derived(cause.other)
    )


def _chain_order(
    first: Incompatibility, second: Incompatibility, root: str
) -> tuple[Incompatibility, Incompatibility]:
    """Order two facts to read as a chain.

    A dependency comes before the missing versions it needs, the root's own
    dependency before another package's, and a → b before b → c.
    """
    a, b = first.cause, second.cause
    if isinstance(a, NoVersionsCause) != isinstance(b, NoVersionsCause):
        # what is needed before the news that it does not exist
        return (second, first) if isinstance(a, NoVersionsCause) else (first, second)
    a_root = isinstance(a, DependencyCause) and a.depender == root
    b_root = isinstance(b, DependencyCause) and b.depender == root
    if a_root != b_root:
        return (first, second) if a_root else (second, first)
    backwards = (
        isinstance(a, DependencyCause)
        and isinstance(b, DependencyCause)
        and a.depender == b.dependency
        and b.depender != a.dependency
    )
    return (second, first) if backwards else (first, second)
