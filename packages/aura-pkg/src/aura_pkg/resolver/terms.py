"""Terms and incompatibilities, the facts the solver reasons with.

A :class:`Term` is a statement about one package: ``foo ^1`` (a version of foo in
``^1`` is selected) or ``not foo ^1`` (foo is not selected, or is selected
outside ``^1``).  A positive term implies that the package is selected, a
negative one does not; every relation below follows from that.

An :class:`Incompatibility` is a set of terms that may not all be true at once.
It is *external* when it records a fact about the packages (a dependency, the
absence of matching versions, the root package) and *derived* when conflict
resolution concluded it from two others, its causes: those links form the
derivation graph that the error report walks.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

from aura_pkg.versions import VersionSet

__all__ = [
    "DependencyCause",
    "DerivedCause",
    "Incompatibility",
    "NoVersionsCause",
    "Relation",
    "RootCause",
    "Term",
]


class Relation(enum.Enum):
    """How what is known about a package relates to a term."""

    SATISFIED = "satisfied"  # the term must be true
    CONTRADICTED = "contradicted"  # the term must be false
    INCONCLUSIVE = "inconclusive"


SATISFIED: Final = Relation.SATISFIED
CONTRADICTED: Final = Relation.CONTRADICTED
INCONCLUSIVE: Final = Relation.INCONCLUSIVE


@dataclass(frozen=True, slots=True)
class Term:
    """``package`` selected within ``versions`` (positive), or not (negative)."""

    package: str
    versions: VersionSet
    positive: bool = True

    def inverse(self) -> Term:
        return Term(self.package, self.versions, not self.positive)

    def intersect(self, other: Term) -> Term:
        """The term true exactly when both are (same package)."""
        a, b = self.versions, other.versions
        if self.positive:
            if other.positive:
                return self._with(a.intersection(b), True)
            return self._with(a.difference(b), True)
        if other.positive:
            return other._with(b.difference(a), True)
        return self._with(a.union(b), False)

    def difference(self, other: Term) -> Term:
        """The term true when this one is and ``other`` is not."""
        return self.intersect(other.inverse())

    def _with(self, versions: VersionSet, positive: bool) -> Term:
        if versions is self.versions and positive == self.positive:
            return self
        return Term(self.package, versions, positive)

    def relation(self, other: Term) -> Relation:
        """How this term (what is known) relates to ``other`` (what is asked).

        SATISFIED when this term implies ``other``, CONTRADICTED when it implies
        ``not other``.
        """
        a, b = self.versions, other.versions
        if self.positive:
            if other.positive:
                if b.allows_all(a):
                    return SATISFIED
                return INCONCLUSIVE if a.allows_any(b) else CONTRADICTED
            if not a.allows_any(b):
                return SATISFIED
            return CONTRADICTED if b.allows_all(a) else INCONCLUSIVE
        if other.positive:  # "not a" never implies that the package is selected
            return CONTRADICTED if a.allows_all(b) else INCONCLUSIVE
        return SATISFIED if a.allows_all(b) else INCONCLUSIVE  # "not b" can't be contradicted

    def satisfies(self, other: Term) -> bool:
        return self.relation(other) is SATISFIED

    @property
    def is_empty(self) -> bool:
        """True for a positive term no version satisfies."""
        return self.positive and self.versions.is_empty

    def __str__(self) -> str:
        return f"{'' if self.positive else 'not '}{self.package} {self.versions}"


# ---------------------------------------------------------------- causes


@dataclass(frozen=True, slots=True)
class RootCause:
    """``{not ROOT VERSION}``: the root package must be selected."""


@dataclass(frozen=True, slots=True)
class DependencyCause:
    """``{depender RANGE, not dependency REQ}``: the versions in RANGE depend on REQ.

    RANGE and REQ are kept here too: a package that depends on itself has its two
    terms merged into one, and the report still says what it depends on.
    """

    depender: str
    dependency: str
    depender_versions: VersionSet
    requirement: VersionSet


@dataclass(frozen=True, slots=True)
class NoVersionsCause:
    """``{package SET}``: no available version lies in SET.

    ``exists`` is False when the package has no versions at all (unknown name).
    """

    exists: bool = True


@dataclass(frozen=True, slots=True)
class DerivedCause:
    """Concluded from ``conflict`` and ``other`` by the resolution rule."""

    conflict: Incompatibility
    other: Incompatibility


Cause = RootCause | DependencyCause | NoVersionsCause | DerivedCause


class Incompatibility:
    """A set of terms that may not all be true; at most one term per package.

    Terms about one package are merged by intersection (``{foo >=1, foo <2}`` is
    ``{foo >=1, <2}``).  A derived incompatibility with several terms drops
    positive terms about the root package: the root is always selected, so such a
    term is always true and says nothing.  Compared by identity.
    """

    __slots__ = ("cause", "terms")

    def __init__(self, terms: Iterable[Term], cause: Cause, root: str | None = None) -> None:
        merged: dict[str, Term] = {}
        for term in terms:
            old = merged.get(term.package)
            merged[term.package] = term if old is None else old.intersect(term)
        if root is not None and isinstance(cause, DerivedCause) and len(merged) > 1:
            kept = {n: t for n, t in merged.items() if not (n == root and t.positive)}
            if kept:
                merged = kept
        self.terms: tuple[Term, ...] = tuple(merged.values())
        self.cause: Cause = cause

    @property
    def is_external(self) -> bool:
        return not isinstance(self.cause, DerivedCause)

    def term_for(self, package: str) -> Term | None:
        for term in self.terms:
            if term.package == package:
                return term
        return None

    def __str__(self) -> str:
        return "{" + ", ".join(str(t) for t in self.terms) + "}"

    def __repr__(self) -> str:
        return f"Incompatibility({self})"
