#!/usr/bin/env python3
"""Dependency resolution: a synthetic registry, with resolvelib (pip's resolver) as the peer.

    python testing/bench/resolve_bench.py                    # 2,000 x 10, 50 direct, best of 5
    python testing/bench/resolve_bench.py --packages 500 --direct 20 --repeat 3
    python testing/bench/resolve_bench.py --seed 7 --peer-timeout 60
    python testing/bench/resolve_bench.py --strict           # exit 1 when the goal is missed

The registry is generated from a seed.  Package ``i`` depends only on packages
with smaller numbers, popular (low) numbers more often, as in real registries.
The most depended-on fifth are "foundational": past 1.0 and rarely breaking;
a tenth of the others are still at 0.x.  Every release has a publication time,
and a requirement targets the dependency's release current at that time, in
the forms people write (mostly carets, some tildes, wildcards and explicit
ranges).  A new release brings each requirement up to date only most of the
time, so some requirements go stale; with major releases that makes newest
versions not always fit together, and the resolvers must back off to older
ones.  The project has ``--direct`` dependencies, added one at a time as a
person would (``aura pkg add``): the newest major version if the project still
resolves, else the one before, else another package.

Both resolvers read the same registry and match versions with the same
:class:`aura_pkg.versions.Requirement`; each solution is checked (every
requirement of the project and of every selected version holds).  resolvelib
gets a provider that orders its work as pip does (the packages behind the last
conflict first, then direct dependencies, then by name).  It backtracks without
learning, so its time varies enormously with the registry: the default seed is
one on which it finishes in seconds; on most others it runs into
``--peer-timeout`` (reported as a lower bound) while PubGrub stays far below
its goal of one second.
"""

from __future__ import annotations

import argparse
import math
import random
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from aura_pkg.resolver import ResolutionError, resolve
from aura_pkg.versions import Requirement, Version

GOAL_SECONDS = 1.0
DEFAULT_SEED = 2
ROOT = "app"
ROOT_VERSION = Version(1, 0, 0)
#: Share of packages still at 0.x (where ^0.2 allows only 0.2.*).
UNSTABLE = 0.1
#: Chance that a release is a new major version (a minor one: 0.32, else a patch).
MAJOR_STEP = 0.03
#: Share of packages (the lowest numbers, the most depended on) that are foundational.
FOUNDATION = 0.2
#: How much rarer a major release of a foundational package is.
FOUNDATION_BREAKS = 0.1
#: Chance that a release brings a requirement up to the dependency's current version.
REFRESH = 0.8


# ------------------------------------------------------------------ the registry


@dataclass
class Registry:
    """Packages, versions and requirements; a :class:`aura_pkg.resolver.PackageSource`."""

    packages: dict[str, dict[Version, dict[str, Requirement]]]

    def versions(self, name: str) -> list[Version]:
        return sorted(self.packages.get(name, {}), reverse=True)

    def dependencies(self, name: str, version: Version) -> dict[str, Requirement]:
        try:
            return self.packages[name][version]
        except KeyError:
            raise LookupError(f"{name} {version}") from None

    @property
    def version_count(self) -> int:
        return sum(len(v) for v in self.packages.values())


def _release_train(rng: random.Random, count: int, foundational: bool) -> list[Version]:
    """Versions in order; a foundational package is past 1.0 and rarely breaks."""
    unstable = not foundational and rng.random() < UNSTABLE
    major, minor, patch = (0, 1, 0) if unstable else (1, 0, 0)
    major_step = MAJOR_STEP * (FOUNDATION_BREAKS if foundational else 1)
    out = []
    for _ in range(count):
        out.append(Version(major, minor, patch))
        r = rng.random()
        if r < major_step:
            major, minor, patch = major + 1, 0, 0
        elif r < major_step + 0.32:
            minor, patch = minor + 1, 0
        else:
            patch += 1
    return out


def _requirement(rng: random.Random, target: Version) -> Requirement:
    r = rng.random()
    if r < 0.6:
        text = f"^{target.major}.{target.minor}"
    elif r < 0.8:
        text = f"^{target}"
    elif r < 0.88:
        text = f"~{target.major}.{target.minor}"
    elif r < 0.95:
        text = f"{target.major}.*" if target.major > 0 else f"0.{target.minor}.*"
    else:
        upper = f"{target.major + 1}" if target.major > 0 else f"0.{target.minor + 1}"
        text = f">={target.major}.{target.minor}, <{upper}"
    return Requirement.parse(text)


def _current(train: list[Version], times: list[float], when: float) -> Version:
    """The newest release of a train published before ``when`` (else its first)."""
    best = train[0]
    for version, published in zip(train, times, strict=True):
        if published <= when:
            best = version
    return best


def generate_registry(packages: int, versions: int, seed: int) -> Registry:
    """``packages`` packages of ``versions`` versions each, depending on earlier packages.

    Every release has a publication time; a requirement written at a release
    targets the dependency's release current at that time, and is refreshed at
    later releases only now and then, so some requirements go stale.
    """
    rng = random.Random(seed)
    names = [f"pkg{i:04d}" for i in range(packages)]
    trains = [_release_train(rng, versions, i < packages * FOUNDATION) for i in range(packages)]
    times = [sorted(rng.random() for _ in range(versions)) for _ in range(packages)]
    registry: dict[str, dict[Version, dict[str, Requirement]]] = {}
    for i, name in enumerate(names):
        wanted = rng.choices([0, 1, 2, 3, 4, 5], [15, 25, 25, 20, 10, 5])[0] if i else 0
        targets = {int(i * rng.random() ** 1.6) for _ in range(wanted)}
        when = times[i][0]
        deps = {j: _requirement(rng, _current(trains[j], times[j], when)) for j in targets}
        registry[name] = {}
        for t, version in enumerate(trains[i]):
            when = times[i][t]
            if t:
                for j in list(deps):
                    if rng.random() < REFRESH:
                        deps[j] = _requirement(rng, _current(trains[j], times[j], when))
                if i and rng.random() < 0.08:
                    j = int(i * rng.random() ** 1.6)
                    deps.setdefault(j, _requirement(rng, _current(trains[j], times[j], when)))
                if deps and rng.random() < 0.04:
                    deps.pop(rng.choice(list(deps)))
            registry[name][version] = {names[j]: req for j, req in sorted(deps.items())}
    return Registry(registry)


def root_dependencies(registry: Registry, count: int, seed: int) -> dict[str, Requirement]:
    """``count`` direct dependencies on recent versions of random packages.

    Added one at a time as a person would with ``aura pkg add``: the newest major
    version if the project still resolves with it, else the next older one, else
    another package.  So the project has a solution, found by the resolvers below.
    """
    rng = random.Random(seed + 1)
    names = sorted(registry.packages)
    rng.shuffle(names)
    deps: dict[str, Requirement] = {}
    for name in names:
        if len(deps) >= count:
            break
        lines: list[Requirement] = []
        for version in registry.versions(name):
            text = f"^{version.major}" if version.major > 0 else f"^0.{version.minor}"
            if not lines or str(lines[-1]) != text:
                lines.append(Requirement.parse(text))
        for requirement in lines[:2]:
            try:
                resolve(registry, ROOT, ROOT_VERSION, {**deps, name: requirement})
            except ResolutionError:
                continue
            deps[name] = requirement
            break
    return dict(sorted(deps.items()))


# ------------------------------------------------------------------ resolvers


def resolve_aura(registry: Registry, deps: Mapping[str, Requirement]) -> dict[str, Version]:
    resolution = resolve(registry, ROOT, ROOT_VERSION, deps)
    return resolution.packages()


@dataclass(frozen=True)
class _Need:
    name: str
    requirement: Requirement


@dataclass(frozen=True)
class _Pick:
    name: str
    version: Version


class PeerProvider:
    """resolvelib's provider interface over the same registry and version matching."""

    def __init__(self, registry: Registry, requested: Sequence[str]) -> None:
        self.registry = registry
        self.requested = {name: i for i, name in enumerate(requested)}
        self.picks: dict[str, list[_Pick]] = {}  # one object per version, newest first

    def identify(self, requirement_or_candidate: _Need | _Pick) -> str:
        return requirement_or_candidate.name

    def get_preference(
        self,
        identifier: str,
        resolutions: Mapping[str, _Pick],
        candidates: Mapping[str, Iterator[_Pick]],
        information: Mapping[str, Iterator[Any]],
        backtrack_causes: Sequence[Any],
    ) -> tuple[int, int, str]:
        # pip's order: the packages behind the last conflict first, then the
        # project's direct dependencies in the order written, then by name.
        caused = any(c.requirement.name == identifier for c in backtrack_causes)
        return (0 if caused else 1, self.requested.get(identifier, len(self.requested)), identifier)

    def find_matches(
        self,
        identifier: str,
        requirements: Mapping[str, Iterator[_Need]],
        incompatibilities: Mapping[str, Iterator[_Pick]],
    ) -> list[_Pick]:
        needs = [r.requirement for r in requirements[identifier]]
        # By identity, as pip does: resolvelib passes long lists with repeats.
        bad = {id(c) for c in incompatibilities[identifier]}
        picks = self.picks.get(identifier)
        if picks is None:
            versions = self.registry.versions(identifier)
            picks = self.picks[identifier] = [_Pick(identifier, v) for v in versions]
        return [p for p in picks if id(p) not in bad and all(n.allows(p.version) for n in needs)]

    def is_satisfied_by(self, requirement: _Need, candidate: _Pick) -> bool:
        return requirement.requirement.allows(candidate.version)

    def get_dependencies(self, candidate: _Pick) -> list[_Need]:
        deps = self.registry.dependencies(candidate.name, candidate.version)
        return [_Need(n, r) for n, r in deps.items()]

    def narrow_requirement_selection(
        self,
        identifiers: Iterable[str],
        resolutions: Mapping[str, _Pick],
        candidates: Mapping[str, Iterator[_Pick]],
        information: Mapping[str, Iterator[Any]],
        backtrack_causes: Sequence[Any],
    ) -> Iterable[str]:
        return identifiers


class PeerTimeout(Exception):
    """resolvelib did not finish in the time allowed."""

    def __init__(self, conflicts: int) -> None:
        super().__init__(f"gave up after {conflicts} conflicts")
        self.conflicts = conflicts


def resolve_peer(
    registry: Registry, deps: Mapping[str, Requirement], timeout: float = math.inf
) -> dict[str, Version]:
    import resolvelib

    class Deadline(resolvelib.BaseReporter):  # type: ignore[misc]
        def __init__(self) -> None:
            self.stop = time.perf_counter() + timeout
            self.conflicts = 0

        def resolving_conflicts(self, causes: object) -> None:
            self.conflicts += 1

        def pinning(self, candidate: object) -> None:
            if time.perf_counter() > self.stop:
                raise PeerTimeout(self.conflicts)

    provider = PeerProvider(registry, list(deps))
    resolver: Any = resolvelib.Resolver(provider, Deadline())
    result = resolver.resolve([_Need(n, r) for n, r in deps.items()], max_rounds=10**9)
    return {name: pick.version for name, pick in result.mapping.items()}


def check(
    registry: Registry, deps: Mapping[str, Requirement], solution: Mapping[str, Version]
) -> list[str]:
    """Every requirement of the project and of each selected version, unmet."""
    problems = []
    wanted = [(ROOT, ROOT_VERSION, deps)]
    for name, version in solution.items():
        if version not in registry.packages.get(name, {}):
            problems.append(f"{name} {version} does not exist")
            continue
        wanted.append((name, version, registry.dependencies(name, version)))
    for name, version, requirements in wanted:
        for dep, requirement in requirements.items():
            chosen = solution.get(dep)
            if chosen is None or not requirement.allows(chosen):
                problems.append(f"{name} {version} needs {dep} {requirement}, got {chosen}")
    return problems


# ------------------------------------------------------------------ measuring


@dataclass(frozen=True)
class Timing:
    best: float
    runs: tuple[float, ...]


def best_of(fn: Callable[[], object], repeat: int) -> Timing:
    runs: list[float] = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - started)
    return Timing(min(runs, default=math.inf), tuple(runs))


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    ap.add_argument("--packages", type=int, default=2000)
    ap.add_argument("--versions", type=int, default=10)
    ap.add_argument("--direct", type=int, default=50)
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--no-peer", action="store_true", help="skip resolvelib")
    ap.add_argument(
        "--peer-timeout", type=float, default=300.0, help="seconds resolvelib may take (300)"
    )
    ap.add_argument("--strict", action="store_true", help="exit 1 when the goal is missed")
    args = ap.parse_args(argv)

    registry = generate_registry(args.packages, args.versions, args.seed)
    deps = root_dependencies(registry, args.direct, args.seed)
    print(
        f"registry:         {len(registry.packages)} packages, {registry.version_count} versions "
        f"(seed {args.seed}); project with {len(deps)} direct dependencies"
    )

    try:
        solution = resolve_aura(registry, deps)
    except ResolutionError as exc:
        print(f"aura:             no solution\n{exc}")
        return 1
    problems = check(registry, deps, solution)
    if problems:
        print("error: aura's solution is invalid:\n  " + "\n  ".join(problems[:10]))
        return 1
    aura_t = best_of(lambda: resolve_aura(registry, deps), args.repeat)
    newest = sum(1 for n, v in solution.items() if v == registry.versions(n)[0])
    print(
        f"aura (PubGrub):   {aura_t.best:8.3f} s   best of {args.repeat} "
        f"({', '.join(f'{t:.3f}' for t in aura_t.runs)}); "
        f"{len(solution)} packages, {newest} at their newest version; valid"
    )

    if not args.no_peer:
        started = time.perf_counter()
        try:
            peer_solution = resolve_peer(registry, deps, args.peer_timeout)
        except PeerTimeout as stop:
            print(
                f"peer resolvelib:  did not finish in {args.peer_timeout:.0f} s "
                f"({stop.conflicts} conflicts); ratio < {aura_t.best / args.peer_timeout:.4f} x"
            )
        else:
            first = time.perf_counter() - started
            problems = check(registry, deps, peer_solution)
            if problems:
                print("error: resolvelib's solution is invalid:\n  " + "\n  ".join(problems[:10]))
                return 1
            peer_repeat = max(1, min(args.repeat, 3)) if first < 10 else 1
            peer_t = best_of(lambda: resolve_peer(registry, deps), peer_repeat - 1)
            best = min(first, peer_t.best) if peer_t.runs else first
            same = sum(1 for n, v in solution.items() if peer_solution.get(n) == v)
            print(
                f"peer resolvelib:  {best:8.3f} s   best of {peer_repeat}; "
                f"{len(peer_solution)} packages, {same} with the same version as aura; valid"
            )
            print(
                f"ratio:            {aura_t.best / best:8.4f} x  resolvelib's time "
                f"({best / aura_t.best:.0f} times faster)"
            )

    scale = (args.packages * args.versions) / (2000 * 10)
    budget = GOAL_SECONDS * max(scale, 0.01)
    met = aura_t.best < budget
    print(
        f"goal:             < {budget:.2f} s: {'met' if met else 'NOT met'} ({aura_t.best:.3f} s)"
    )
    return 1 if args.strict and not met else 0


if __name__ == "__main__":
    sys.exit(main())
