"""The partial solution: the solver's current assignments, in order.

An assignment is a *decision* (this exact version is selected, a guess) or a
*derivation* (this term must hold given the earlier assignments; it records the
incompatibility that forced it).  Each carries its decision level, the number of
decisions at or before it.  Per package the assignments are kept in order with
the intersection of all of them so far, so that "is this term satisfied?" is one
relation test and "which assignment first satisfied it?" is a scan over one
package's few assignments.  Backtracking pops whole levels from the end.
"""

from __future__ import annotations

from collections.abc import Iterator

from aura_pkg.resolver.terms import INCONCLUSIVE, Incompatibility, Relation, Term
from aura_pkg.versions import Version, VersionSet

__all__ = ["Assignment", "PartialSolution"]


class Assignment:
    """One entry of the partial solution."""

    __slots__ = ("accumulated", "cause", "index", "known", "level", "term", "version")

    def __init__(
        self,
        term: Term,
        level: int,
        index: int,
        cause: Incompatibility | None,
        version: Version | None,
        accumulated: Term,
    ) -> None:
        self.term = term
        self.level = level
        self.index = index
        self.cause = cause  # None for decisions
        self.version = version  # the selected version, for decisions
        self.accumulated = accumulated  # intersection of this package's assignments so far
        #: relations of ``accumulated`` to terms already asked about, by id of the
        #: term; the term is kept beside its answer so that the id stays its own
        self.known: dict[int, tuple[Term, Relation]] = {}

    @property
    def is_decision(self) -> bool:
        return self.cause is None

    def __repr__(self) -> str:
        kind = "decision" if self.is_decision else "derivation"
        return f"<{kind} {self.term} @{self.level}>"


class PartialSolution:
    """Assignments in order, indexed by package."""

    def __init__(self) -> None:
        self._assignments: list[Assignment] = []
        self._by_package: dict[str, list[Assignment]] = {}
        self._decisions: dict[str, Version] = {}
        self.level = 0
        #: packages with a positive assignment and no decision, in order of arrival
        self.undecided: dict[str, None] = {}
        #: packages whose assignments changed since the solver last looked
        self.changed: dict[str, None] = {}

    # -- reading

    @property
    def decisions(self) -> dict[str, Version]:
        return self._decisions

    def term(self, package: str) -> Term | None:
        """The intersection of every assignment to ``package``, or None if there is none."""
        entries = self._by_package.get(package)
        return entries[-1].accumulated if entries else None

    def relation(self, term: Term) -> Relation:
        """How the assignments to ``term``'s package relate to it (remembered per assignment)."""
        entries = self._by_package.get(term.package)
        if not entries:
            return INCONCLUSIVE
        last = entries[-1]
        known = last.known.get(id(term))
        if known is not None and known[0] is term:
            return known[1]
        relation = last.accumulated.relation(term)
        last.known[id(term)] = (term, relation)
        return relation

    def __iter__(self) -> Iterator[Assignment]:
        return iter(self._assignments)

    def __len__(self) -> int:
        return len(self._assignments)

    # -- writing

    def decide(self, package: str, version: Version) -> None:
        self.level += 1
        self._decisions[package] = version
        self.undecided.pop(package, None)
        self._add(Term(package, VersionSet.exactly(version)), None, version)

    def derive(self, term: Term, cause: Incompatibility) -> None:
        self._add(term, cause, None)
        if term.positive and term.package not in self._decisions:
            self.undecided.setdefault(term.package, None)

    def _add(self, term: Term, cause: Incompatibility | None, version: Version | None) -> None:
        entries = self._by_package.setdefault(term.package, [])
        accumulated = term if not entries else entries[-1].accumulated.intersect(term)
        assignment = Assignment(
            term, self.level, len(self._assignments), cause, version, accumulated
        )
        self._assignments.append(assignment)
        entries.append(assignment)
        self.changed[term.package] = None

    def backtrack(self, level: int) -> None:
        """Remove every assignment made above decision level ``level``."""
        assignments = self._assignments
        touched: dict[str, None] = {}  # ordered, so that resolution is deterministic
        while assignments and assignments[-1].level > level:
            assignment = assignments.pop()
            package = assignment.term.package
            entries = self._by_package[package]
            entries.pop()
            if not entries:
                del self._by_package[package]
            if assignment.is_decision:
                del self._decisions[package]
            touched[package] = None
        self.level = level
        self.changed.update(touched)
        for package in touched:
            accumulated = self.term(package)
            if accumulated is not None and accumulated.positive and package not in self._decisions:
                self.undecided.setdefault(package, None)
            else:
                self.undecided.pop(package, None)

    # -- conflict resolution support

    def satisfier(self, term: Term) -> Assignment:
        """The earliest assignment after which the partial solution satisfies ``term``."""
        for assignment in self._by_package.get(term.package, ()):
            if assignment.accumulated.satisfies(term):
                return assignment
        raise AssertionError(f"{term} is not satisfied by the partial solution")
