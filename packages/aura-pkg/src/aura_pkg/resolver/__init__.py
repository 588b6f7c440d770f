"""Dependency resolution with PubGrub (spec/packages.md, "Resolution").

:func:`resolve` chooses one version of every package the root needs, newest
compatible versions first, or raises :class:`ResolutionError` whose text is a
derivation a person can follow.  The modules: ``terms`` (terms and
incompatibilities), ``partial`` (the partial solution), ``provider`` (the
package source and dependencies as incompatibilities), ``solver`` (the search),
``report`` (the error text).

**Locked versions and updates.**  ``locked`` maps package names to the versions
of a previous lock file.  They are *preferences*, not constraints: when the
solver chooses a version of a locked package and the locked version is still
allowed, it takes that version instead of the newest; otherwise it moves on as
if there were no lock.  A locked version that has since been yanked stays
selectable (the source must still describe it; see :class:`PackageSource`).
``unlock`` names packages whose lock entry is ignored, which is ``aura pkg
update NAME``: NAME moves to its newest compatible version and every other
package keeps its locked version unless NAME's new requirements force it to
move, as with Cargo's ``cargo update -p NAME``.  A plain ``update`` resolves with
no ``locked`` at all; ``install`` with a lock file does not resolve.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass, field

from aura_pkg.resolver.provider import Packages, PackageSource
from aura_pkg.resolver.report import HEADLINE, explain
from aura_pkg.resolver.solver import Budget, BudgetExceeded, NoSolution, Solver
from aura_pkg.resolver.terms import Incompatibility
from aura_pkg.versions import Requirement, Version

__all__ = [
    "HEADLINE",
    "Budget",
    "BudgetExceeded",
    "PackageSource",
    "Resolution",
    "ResolutionError",
    "resolve",
]


@dataclass(frozen=True)
class Resolution(Mapping[str, Version]):
    """The selected version of every package, the root included, and who depends on whom.

    As a mapping: package name → selected version.  ``dependencies[name]`` maps
    each direct dependency of that package to its selected version (what a lock
    file lists as the package's ``dependencies``).
    """

    root: str
    versions: Mapping[str, Version]
    dependencies: Mapping[str, Mapping[str, Version]] = field(repr=False)

    def __getitem__(self, name: str) -> Version:
        return self.versions[name]

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self.versions))

    def __len__(self) -> int:
        return len(self.versions)

    def packages(self) -> dict[str, Version]:
        """Every selected package except the root, by name."""
        return {n: v for n, v in sorted(self.versions.items()) if n != self.root}


class ResolutionError(Exception):
    """No set of versions satisfies every requirement; ``str()`` is the full report."""

    def __init__(self, report: str, incompatibility: Incompatibility) -> None:
        super().__init__(report)
        self.report = report
        self.incompatibility = incompatibility


def resolve(
    source: PackageSource,
    root: str,
    root_version: Version,
    dependencies: Mapping[str, Requirement],
    *,
    locked: Mapping[str, Version] | None = None,
    unlock: Collection[str] = (),
    budget: Budget | None = None,
) -> Resolution:
    """Choose versions for ``root``'s dependencies, transitively.

    ``dependencies`` are the root package's requirements (its dev-dependencies
    too, when those are wanted).  ``locked`` and ``unlock`` are described in the
    module documentation.  Raises :class:`ResolutionError` when no solution
    exists, and :class:`BudgetExceeded` when ``budget`` (no limit when None) runs
    out first; errors of the source (a registry that cannot be reached) propagate.
    """
    preferred = {n: v for n, v in (locked or {}).items() if n not in unlock and n != root}
    packages = Packages(source, root, root_version, dependencies, preferred)
    try:
        selected = Solver(packages, budget).solve()
    except NoSolution as failure:
        report = explain(failure.incompatibility, root)
        raise ResolutionError(report, failure.incompatibility) from None
    edges: dict[str, dict[str, Version]] = {}
    for name, version in selected.items():
        deps = packages.dependencies(name, version) or {}
        edges[name] = {dep: selected[dep] for dep in sorted(deps)}
    return Resolution(root, dict(sorted(selected.items())), edges)
