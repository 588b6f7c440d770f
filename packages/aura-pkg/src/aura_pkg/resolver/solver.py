"""The PubGrub solver loop: unit propagation, decision making, conflict resolution.

The algorithm is the one of Dart's pub ("PubGrub: next-generation version
solving", and pub's ``doc/solver.md``), a conflict-driven clause learning search
over version ranges instead of boolean variables:

1. The root incompatibility ``{not ROOT VERSION}`` starts the search.
2. *Unit propagation*: an incompatibility whose terms are all satisfied but one,
   which is undecided, forces the negation of that term (a *derivation*).  An
   incompatibility that is satisfied completely is a conflict.
3. *Conflict resolution* walks back from a conflict through the causes of the
   assignments that satisfied it, combining incompatibilities by the resolution
   rule, until the result would have forced a derivation at an earlier decision
   level.  It keeps that learned incompatibility and undoes the decision level
   of the last assignment involved; there the learned incompatibility forces a
   new derivation.  When it arrives at "the root package cannot be selected",
   there is no solution, and the learned incompatibilities form the proof the
   error report prints.
4. *Decision making* picks a package that must be selected and has no version
   yet, the one with the fewest matching versions (it fails soonest if it
   fails), and its newest matching version, or the locked version if that still
   matches.  Its dependencies become incompatibilities first; if one of them
   would at once be violated, the version is not selected and propagation learns
   why.

**How far back.**  Pub jumps back to the earliest level at which the learned
fact applies, which also undoes every unrelated decision made since, to be made
again.  Here only the level of the conflict's last assignment is undone
("chronological backtracking", as in Nadel and Ryvchin's SAT solver of 2018):
the learned fact is asserted one level lower instead of many, and the decisions
in between stay.  Both are complete, since every conflict adds a fact at a level
that stays; on the benchmark's registries (hundreds of packages, hundreds of
conflicts) this needs five to ten times fewer decisions.  Solutions can differ
where several are possible; both prefer newest versions.

Nothing here knows what a registry is: packages come from a
:class:`~aura_pkg.resolver.provider.PackageSource`, a path dependency being a
package with one version.  One version per package name is implicit in the
terms (``foo ^1`` and ``foo ^2`` contradict each other).  Cycles need no special
case: a package's dependencies are only consulted when a version is chosen.
"""

from __future__ import annotations

import heapq
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from aura_pkg.resolver.partial import PartialSolution
from aura_pkg.resolver.provider import Packages
from aura_pkg.resolver.terms import (
    CONTRADICTED,
    INCONCLUSIVE,
    SATISFIED,
    DerivedCause,
    Incompatibility,
    NoVersionsCause,
    RootCause,
    Term,
)
from aura_pkg.versions import Version, VersionSet

__all__ = ["Budget", "BudgetExceeded", "NoSolution", "Solver"]


@dataclass(frozen=True, slots=True)
class Budget:
    """How much work one resolution may do: ``steps``, and ``seconds`` of ``clock``.

    A step is one incompatibility examined by propagation, one resolution step
    of conflict resolution, or one decision.  Steps are counted the same way on
    every machine, so a step budget refuses the same inputs everywhere; the time
    budget is a backstop for a machine that is slow for other reasons.
    """

    steps: int
    seconds: float | None = None
    clock: Callable[[], float] = time.monotonic


class BudgetExceeded(Exception):
    """Raised by :meth:`Solver.solve` when the :class:`Budget` runs out; says which part."""

    def __init__(self, message: str, *, steps: bool) -> None:
        super().__init__(message)
        self.steps = steps


class NoSolution(Exception):
    """Raised by :meth:`Solver.solve` with the incompatibility that proves the failure."""

    def __init__(self, incompatibility: Incompatibility) -> None:
        super().__init__(str(incompatibility))
        self.incompatibility = incompatibility


class Solver:
    """The state of one resolution; :meth:`solve` runs it once."""

    def __init__(self, packages: Packages, budget: Budget | None = None) -> None:
        self._packages = packages
        self._budget = budget
        self._steps = 0
        self._deadline = (
            budget.clock() + budget.seconds
            if budget is not None and budget.seconds is not None
            else None
        )
        self._root = packages.root
        self._solution = PartialSolution()
        self._by_package: dict[str, list[Incompatibility]] = {}
        self._known: set[Incompatibility] = set()
        self._queue: list[tuple[int, int, int, str, Term]] = []
        self._serial = 0
        self._arrival: dict[str, int] = {}

    def solve(self) -> dict[str, Version]:
        """The selected version of every package; raise :class:`NoSolution` if none exists."""
        root_term = Term(self._root, VersionSet.exactly(self._packages.root_version), False)
        self._add(Incompatibility((root_term,), RootCause()))
        next_package: str | None = self._root
        while next_package is not None:
            self._propagate(next_package)
            self._step()
            next_package = self._decide()
        return dict(self._solution.decisions)

    def _step(self) -> None:
        """Count one step of work; raise :class:`BudgetExceeded` when the budget is spent."""
        budget = self._budget
        if budget is None:
            return
        self._steps += 1
        if self._steps > budget.steps:
            raise BudgetExceeded(f"more than {budget.steps} resolver steps", steps=True)
        # The clock is read now and then: reading it costs more than a step.
        deadline = self._deadline
        if deadline is not None and self._steps % 256 == 0 and budget.clock() > deadline:
            raise BudgetExceeded(f"more than {budget.seconds:g} s", steps=False)

    # -- incompatibilities

    def _add(self, incompatibility: Incompatibility) -> None:
        self._known.add(incompatibility)
        for term in incompatibility.terms:
            self._by_package.setdefault(term.package, []).append(incompatibility)

    # -- unit propagation

    def _propagate(self, package: str) -> None:
        solution = self._solution
        changed = [package]
        pending = {package}
        while changed:
            name = changed.pop()
            pending.discard(name)
            incompatibilities = self._by_package.get(name, [])
            # Newest first: later incompatibilities are the more general, learned ones.
            for i in range(len(incompatibilities) - 1, -1, -1):
                self._step()
                incompatibility = incompatibilities[i]
                unsatisfied: Term | None = None
                undetermined = False
                for term in incompatibility.terms:
                    relation = solution.relation(term)
                    if relation is SATISFIED:
                        continue
                    if relation is CONTRADICTED or unsatisfied is not None:
                        undetermined = True
                        break
                    unsatisfied = term
                if undetermined:
                    continue
                if unsatisfied is None:
                    cause = self._resolve_conflict(incompatibility)
                    term = self._unsatisfied(cause)
                    solution.derive(term.inverse(), cause)
                    changed = [term.package]
                    pending = {term.package}
                    break
                else:
                    solution.derive(unsatisfied.inverse(), incompatibility)
                    if unsatisfied.package not in pending:
                        pending.add(unsatisfied.package)
                        changed.append(unsatisfied.package)

    def _unsatisfied(self, incompatibility: Incompatibility) -> Term:
        """The one term of a learned incompatibility left undecided after backjumping."""
        found = None
        for term in incompatibility.terms:
            relation = self._solution.relation(term)
            if relation is INCONCLUSIVE:
                assert found is None, "a learned incompatibility must be almost satisfied"
                found = term
            else:
                assert relation is SATISFIED, "a learned incompatibility must be almost satisfied"
        assert found is not None, "a learned incompatibility must be almost satisfied"
        return found

    # -- conflict resolution

    def _is_failure(self, incompatibility: Incompatibility) -> bool:
        terms = incompatibility.terms
        return not terms or (
            len(terms) == 1 and terms[0].positive and terms[0].package == self._root
        )

    def _resolve_conflict(self, incompatibility: Incompatibility) -> Incompatibility:
        """Learn the root cause of a conflict, backtrack, and return what was learned.

        The result is almost satisfied by the partial solution after backtracking,
        so propagation derives something new from it at once.
        """
        solution = self._solution
        learned = False
        while not self._is_failure(incompatibility):
            # The satisfier is the assignment after which the whole incompatibility
            # first held; the previous level is the latest decision level needed,
            # besides the satisfier, to make it hold.
            satisfier = None
            satisfied_term: Term | None = None
            difference: Term | None = None
            previous_level = 1
            for term in incompatibility.terms:
                assignment = solution.satisfier(term)
                if satisfier is None or satisfier.index < assignment.index:
                    if satisfier is not None:
                        previous_level = max(previous_level, satisfier.level)
                    satisfier, satisfied_term, difference = assignment, term, None
                else:
                    previous_level = max(previous_level, assignment.level)
                if satisfied_term is term:
                    # A partial satisfier: it satisfies the term only together with
                    # earlier assignments to the same package, which count too.
                    rest = satisfier.term.difference(term)
                    if not rest.is_empty:
                        difference = rest
                        earlier = solution.satisfier(rest.inverse())
                        previous_level = max(previous_level, earlier.level)
            assert satisfier is not None and satisfied_term is not None

            if satisfier.is_decision or previous_level != satisfier.level:
                if learned:
                    self._add(incompatibility)
                # Undo only the satisfier's level: the learned incompatibility
                # already forces a derivation there, and the decisions between
                # the previous level and this one are kept (see the module doc).
                solution.backtrack(max(previous_level, satisfier.level - 1))
                return incompatibility

            self._step()
            # Resolution: the satisfier's cause and this incompatibility, without
            # the satisfier's package, imply a new incompatibility one step closer
            # to the decisions responsible.
            cause = satisfier.cause
            assert cause is not None
            package = satisfier.term.package
            terms = [t for t in incompatibility.terms if t.package != package]
            terms += [t for t in cause.terms if t.package != package]
            if difference is not None:
                terms.append(difference.inverse())
            incompatibility = Incompatibility(
                terms, DerivedCause(incompatibility, cause), self._root
            )
            learned = True
        raise NoSolution(incompatibility)

    # -- decision making

    def _decide(self) -> str | None:
        """Select a version of one undecided package; the package's name, or None when done."""
        solution = self._solution
        packages = self._packages
        queue = self._queue
        # Queue every package whose term changed, ranked by its number of matching
        # versions; stale entries are skipped when they come up.
        self._enqueue(solution.changed)
        solution.changed.clear()
        while True:
            if not queue:
                if not solution.undecided:
                    return None
                self._enqueue(solution.undecided)  # not expected: every change is queued
            _count, _arrival, _serial, best, term = heapq.heappop(queue)
            if best in solution.undecided and solution.term(best) is term:
                break
        version = self._choose(best, term)
        if version is None:
            exists = bool(packages.versions(best))
            self._add(Incompatibility((term,), NoVersionsCause(exists)))
            return best

        conflict = False
        for incompatibility in packages.incompatibilities(best, version):
            if incompatibility not in self._known:
                self._add(incompatibility)
            # Would selecting the version make this incompatibility hold at once?
            conflict = conflict or all(
                (t.versions.contains(version) == t.positive)
                if t.package == best
                else solution.relation(t) is SATISFIED
                for t in incompatibility.terms
            )
        if not conflict:
            solution.decide(best, version)
        return best

    def _enqueue(self, names: Iterable[str]) -> None:
        solution = self._solution
        for name in names:
            term = solution.term(name)
            if term is None or name not in solution.undecided:
                continue
            allowed = term.versions
            count = sum(1 for v in self._packages.versions(name) if allowed.contains(v))
            arrival = self._arrival.setdefault(name, len(self._arrival))
            self._serial += 1
            heapq.heappush(self._queue, (count, arrival, self._serial, name, term))

    def _choose(self, name: str, term: Term) -> Version | None:
        allowed = term.versions
        preferred = self._packages.preferred(name)
        candidates = self._packages.versions(name)
        if preferred is not None and allowed.contains(preferred) and preferred in candidates:
            return preferred
        for version in candidates:
            if allowed.contains(version):
                return version
        return None
