"""Where packages come from, and how their dependencies become incompatibilities.

:class:`PackageSource` is all the solver knows about packages: a registry, a
directory of path dependencies, a test's dictionary, or a mix behind one object.
:class:`Packages` wraps one for a single resolution: it remembers every answer
(the solver asks the same questions again after backtracking), adds the root
package and locked versions, and turns dependencies into incompatibilities.

A dependency of one version is stated for the whole run of adjacent versions
that have the same requirement on the same package: ``{foo >=1.1.0, <1.4.0, not
bar ^2}`` instead of three separate facts.  Fewer, wider facts make the solver
learn about many versions at once, and read like what people write in error
reports.  The run's range ends before the next candidate version that differs,
and is open at either end when it reaches the oldest or newest candidate.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

from aura_pkg.resolver.terms import DependencyCause, Incompatibility, Term
from aura_pkg.versions import Requirement, Version, VersionSet

__all__ = ["PackageSource", "Packages"]


class PackageSource(Protocol):
    """The packages a resolution may choose from.

    ``versions(name)``: the versions that may be selected, newest first, without
    yanked versions; an empty sequence for an unknown package.  A path
    dependency is a package with exactly one version.

    ``dependencies(name, version)``: the requirements of that version, by package
    name.  It must also answer for a yanked version that is no longer listed (a
    locked version stays installable), and raise :class:`LookupError` for a
    version that does not exist or may not be installed.
    """

    def versions(self, name: str) -> Sequence[Version]: ...

    def dependencies(self, name: str, version: Version) -> Mapping[str, Requirement]: ...


class Packages:
    """One resolution's view of a :class:`PackageSource`, with every answer cached."""

    def __init__(
        self,
        source: PackageSource,
        root: str,
        root_version: Version,
        root_dependencies: Mapping[str, Requirement],
        preferred: Mapping[str, Version],
    ) -> None:
        self._source = source
        self.root = root
        self.root_version = root_version
        self._root_dependencies = dict(root_dependencies)
        self._preferred = preferred
        self._newest_first: dict[str, tuple[Version, ...]] = {}
        self._oldest_first: dict[str, tuple[Version, ...]] = {}
        self._position: dict[str, dict[Version, int]] = {}
        self._dependencies: dict[tuple[str, Version], Mapping[str, Requirement] | None] = {}
        self._runs: dict[tuple[str, str, int, int], Incompatibility] = {}
        self._by_version: dict[tuple[str, Version], tuple[Incompatibility, ...]] = {}

    # -- versions

    def versions(self, name: str) -> tuple[Version, ...]:
        """Candidates for ``name``, newest first (a preferred yanked version included)."""
        cached = self._newest_first.get(name)
        if cached is not None:
            return cached
        if name == self.root:
            found: set[Version] = {self.root_version}
        else:
            found = set(self._source.versions(name))
            preferred = self._preferred.get(name)
            if (
                preferred is not None
                and preferred not in found
                and self.dependencies(name, preferred) is not None
            ):
                found.add(preferred)  # locked, and still described by the source: yanked
        oldest = tuple(sorted(found))
        self._oldest_first[name] = oldest
        self._position[name] = {v: i for i, v in enumerate(oldest)}
        newest = oldest[::-1]
        self._newest_first[name] = newest
        return newest

    def preferred(self, name: str) -> Version | None:
        return self._preferred.get(name)

    # -- dependencies

    def dependencies(self, name: str, version: Version) -> Mapping[str, Requirement] | None:
        """The requirements of ``name version``; None if the source cannot describe it."""
        key = (name, version)
        if key in self._dependencies:
            return self._dependencies[key]
        deps: Mapping[str, Requirement] | None
        if name == self.root:
            deps = self._root_dependencies if version == self.root_version else None
        else:
            try:
                deps = dict(self._source.dependencies(name, version))
            except LookupError:
                deps = None
        self._dependencies[key] = deps
        return deps

    def incompatibilities(self, name: str, version: Version) -> tuple[Incompatibility, ...]:
        """``{name RANGE, not dep REQ}`` for each dependency of ``name version``."""
        key = (name, version)
        cached = self._by_version.get(key)
        if cached is not None:
            return cached
        deps = self.dependencies(name, version)
        if deps is None:  # listed by versions() but not described: report, don't guess
            raise LookupError(f"the package source lists {name} {version} but cannot describe it")
        self.versions(name)
        oldest = self._oldest_first[name]
        index = self._position[name][version]
        result = []
        for dep, requirement in deps.items():
            low = index
            while low > 0 and self._same(name, oldest[low - 1], dep, requirement):
                low -= 1
            high = index
            while high < len(oldest) - 1 and self._same(name, oldest[high + 1], dep, requirement):
                high += 1
            run_key = (name, dep, low, high)
            incompatibility = self._runs.get(run_key)
            if incompatibility is None:
                depender = Term(name, _run_set(oldest, low, high))
                dependency = Term(dep, requirement.to_set(), positive=False)
                cause = DependencyCause(name, dep, depender.versions, dependency.versions)
                incompatibility = Incompatibility((depender, dependency), cause)
                self._runs[run_key] = incompatibility
            result.append(incompatibility)
        answer = tuple(result)
        self._by_version[key] = answer
        return answer

    def _same(self, name: str, version: Version, dep: str, requirement: Requirement) -> bool:
        deps = self.dependencies(name, version)
        return deps is not None and deps.get(dep) == requirement


def _run_set(oldest: Sequence[Version], low: int, high: int) -> VersionSet:
    """The versions from ``oldest[low]`` up to the next candidate after ``oldest[high]``.

    Releases are covered as an interval, open at an end that is the oldest or
    newest candidate; pre-release candidates of the run are added one by one, so
    that the range does not claim the pre-releases of every version in between.
    """
    lower = oldest[low] if low > 0 else None
    upper = oldest[high + 1] if high + 1 < len(oldest) else None
    result = VersionSet.interval(lower, upper, prereleases=False)
    for version in oldest[low : high + 1]:
        if version.is_prerelease:
            result = result.union(VersionSet.exactly(version))
    return result
