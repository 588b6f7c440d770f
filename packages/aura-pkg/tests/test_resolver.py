"""The PubGrub resolver (spec/packages.md, "Resolution").

The six worked examples of pub's ``doc/solver.md`` are reproduced with Aura
requirement syntax, then the cases the spec names (cycles, yanked and locked
versions, updates, path dependencies), and a property test that compares the
resolver with brute force on small random registries.
"""

from __future__ import annotations

import itertools
from collections.abc import Collection, Mapping
from dataclasses import dataclass

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aura_pkg.resolver import (
    HEADLINE,
    Budget,
    BudgetExceeded,
    Resolution,
    ResolutionError,
    resolve,
)
from aura_pkg.versions import Requirement, Version

V = Version.parse

Spec = Mapping[str, Mapping[str, Mapping[str, str]]]


class Registry:
    """A :class:`PackageSource` from a dictionary: name → version → dependency → requirement."""

    def __init__(self, spec: Spec, yanked: Collection[tuple[str, str]] = ()) -> None:
        self.packages = {
            name: {
                V(v): {d: Requirement.parse(r) for d, r in deps.items()} for v, deps in vs.items()
            }
            for name, vs in spec.items()
        }
        self.yanked = {(name, V(v)) for name, v in yanked}

    def versions(self, name: str) -> list[Version]:
        found = self.packages.get(name, {})
        return sorted((v for v in found if (name, v) not in self.yanked), reverse=True)

    def dependencies(self, name: str, version: Version) -> Mapping[str, Requirement]:
        try:
            return self.packages[name][version]
        except KeyError:
            raise LookupError(f"{name} {version}") from None


def solve(
    spec: Spec,
    deps: Mapping[str, str],
    *,
    root: str = "root",
    yanked: Collection[tuple[str, str]] = (),
    locked: Mapping[str, str] | None = None,
    unlock: Collection[str] = (),
) -> Resolution:
    return resolve(
        Registry(spec, yanked),
        root,
        V("1.0.0"),
        {d: Requirement.parse(r) for d, r in deps.items()},
        locked={n: V(v) for n, v in (locked or {}).items()},
        unlock=unlock,
    )


def versions_of(resolution: Resolution) -> dict[str, str]:
    return {name: str(version) for name, version in resolution.items()}


def failure(spec: Spec, deps: Mapping[str, str], **kwargs: object) -> str:
    with pytest.raises(ResolutionError) as info:
        solve(spec, deps, **kwargs)  # type: ignore[arg-type]
    text = str(info.value)
    assert text.startswith(HEADLINE + "\n")
    return text


# ---------------------------------------------------------------- pub's six examples


def test_no_conflicts() -> None:
    spec = {
        "foo": {"1.0.0": {"bar": "^1.0.0"}},
        "bar": {"1.0.0": {}, "2.0.0": {}},
    }
    resolution = solve(spec, {"foo": "^1.0.0"})
    assert versions_of(resolution) == {"root": "1.0.0", "foo": "1.0.0", "bar": "1.0.0"}


def test_avoiding_conflict_during_decision_making() -> None:
    spec = {
        "foo": {"1.1.0": {"bar": "^2.0.0"}, "1.0.0": {}},
        "bar": {"1.0.0": {}, "1.1.0": {}, "2.0.0": {}},
    }
    resolution = solve(spec, {"foo": "^1.0.0", "bar": "^1.0.0"})
    assert versions_of(resolution) == {"root": "1.0.0", "foo": "1.0.0", "bar": "1.1.0"}


def test_performing_conflict_resolution() -> None:
    spec = {
        "foo": {"2.0.0": {"bar": "^1.0.0"}, "1.0.0": {}},
        "bar": {"1.0.0": {"foo": "^1.0.0"}},
    }
    resolution = solve(spec, {"foo": ">=1.0.0"})
    assert versions_of(resolution) == {"root": "1.0.0", "foo": "1.0.0"}


def test_conflict_resolution_with_a_partial_satisfier() -> None:
    spec = {
        "foo": {"1.1.0": {"left": "^1.0.0", "right": "^1.0.0"}, "1.0.0": {}},
        "left": {"1.0.0": {"shared": ">=1.0.0"}},
        "right": {"1.0.0": {"shared": "<2.0.0"}},
        "shared": {"2.0.0": {}, "1.0.0": {"target": "^1.0.0"}},
        "target": {"2.0.0": {}, "1.0.0": {}},
    }
    resolution = solve(spec, {"foo": "^1.0.0", "target": "^2.0.0"})
    assert versions_of(resolution) == {"root": "1.0.0", "foo": "1.0.0", "target": "2.0.0"}


def test_linear_error_reporting() -> None:
    spec = {
        "foo": {"1.0.0": {"bar": "^2.0.0"}},
        "bar": {"2.0.0": {"baz": "^3.0.0"}},
        "baz": {"1.0.0": {}, "3.0.0": {}},
    }
    assert failure(spec, {"foo": "^1.0.0", "baz": "^1.0.0"}) == (
        f"{HEADLINE}\n"
        "  Because every version of foo depends on bar ^2.0.0 and every version of bar "
        "depends on baz ^3.0.0,\n"
        "  every version of foo requires baz ^3.0.0.\n"
        "  And because root depends on both foo ^1.0.0 and baz ^1.0.0,\n"
        "  root cannot be built."
    )


def test_branching_error_reporting() -> None:
    spec = {
        "foo": {
            "1.0.0": {"a": "^1.0.0", "b": "^1.0.0"},
            "1.1.0": {"x": "^1.0.0", "y": "^1.0.0"},
        },
        "a": {"1.0.0": {"b": "^2.0.0"}},
        "b": {"1.0.0": {}, "2.0.0": {}},
        "x": {"1.0.0": {"y": "^2.0.0"}},
        "y": {"1.0.0": {}, "2.0.0": {}},
    }
    assert failure(spec, {"foo": "^1.0.0"}) == (
        f"{HEADLINE}\n"
        "      Because foo <1.1.0 depends on a ^1.0.0 and every version of a depends on b ^2.0.0,\n"
        "      foo <1.1.0 requires b ^2.0.0.\n"
        "  (1) And because foo <1.1.0 depends on b ^1.0.0,\n"
        "      foo <1.1.0 is forbidden.\n"
        "\n"
        "      Because foo >=1.1.0 depends on x ^1.0.0 and every version of x depends on "
        "y ^2.0.0,\n"
        "      foo >=1.1.0 requires y ^2.0.0.\n"
        "      And because foo >=1.1.0 depends on y ^1.0.0,\n"
        "      foo >=1.1.0 is forbidden.\n"
        "      And because foo <1.1.0 is forbidden (1),\n"
        "      foo is forbidden.\n"
        "      And because root depends on foo ^1.0.0,\n"
        "      root cannot be built."
    )


def test_the_spec_example() -> None:
    spec = {
        "a": {"1.0.0": {"c": "^2"}},
        "b": {"1.0.0": {"c": "^1"}},
        "c": {"1.0.0": {}, "2.0.0": {}},
    }
    assert failure(spec, {"a": "^1", "b": "^1"}, root="app") == (
        f"{HEADLINE}\n"
        "  Because every version of b depends on c ^1 and every version of a depends on c ^2,\n"
        "  b is incompatible with a.\n"
        "  And because app depends on both a ^1 and b ^1,\n"
        "  app cannot be built."
    )


# ---------------------------------------------------------------- the spec's cases


def test_newest_compatible_versions_first() -> None:
    spec = {"foo": {"1.0.0": {}, "1.4.2": {}, "1.10.0": {}, "2.0.0": {}}}
    assert solve(spec, {"foo": "^1.2"})["foo"] == V("1.10.0")


def test_prereleases_only_when_asked_for() -> None:
    spec = {"foo": {"1.9.0": {}, "2.0.0-rc.1": {}}}
    assert solve(spec, {"foo": ">=1"})["foo"] == V("1.9.0")
    assert solve(spec, {"foo": ">=2.0.0-rc.1"})["foo"] == V("2.0.0-rc.1")


def test_a_cycle_between_two_packages() -> None:
    spec = {
        "a": {"1.0.0": {"b": "^1"}, "1.1.0": {"b": "^1"}},
        "b": {"1.0.0": {"a": "^1"}, "1.1.0": {"a": "=1.0.0"}},
    }
    resolution = solve(spec, {"a": "^1"})
    assert versions_of(resolution) == {"root": "1.0.0", "a": "1.1.0", "b": "1.0.0"}
    assert resolution.dependencies["a"] == {"b": V("1.0.0")}
    assert resolution.dependencies["b"] == {"a": V("1.1.0")}


def test_a_cycle_through_the_root() -> None:
    spec = {"a": {"1.0.0": {"root": "^1"}}}
    assert versions_of(solve(spec, {"a": "^1"})) == {"root": "1.0.0", "a": "1.0.0"}
    spec = {"a": {"1.0.0": {"root": "^2"}}}
    assert failure(spec, {"a": "^1"}) == (
        f"{HEADLINE}\n"
        "  Because root depends on a ^1 and every version of a depends on root ^2,\n"
        "  root cannot be built."
    )


def test_a_package_that_depends_on_itself() -> None:
    spec = {"a": {"1.0.0": {"a": "^1"}}}
    assert versions_of(solve(spec, {"a": "^1"})) == {"root": "1.0.0", "a": "1.0.0"}
    spec = {"a": {"1.0.0": {"a": "^2"}}}
    assert failure(spec, {"a": "^1"}) == (
        f"{HEADLINE}\n"
        "  Because root depends on a ^1 and every version of a depends on a ^2,\n"
        "  root cannot be built."
    )


def test_yanked_versions_are_skipped() -> None:
    spec = {"foo": {"1.0.0": {}, "1.1.0": {}}}
    resolution = solve(spec, {"foo": "^1"}, yanked=[("foo", "1.1.0")])
    assert resolution["foo"] == V("1.0.0")
    text = failure(spec, {"foo": "^1.1"}, yanked=[("foo", "1.1.0")])
    assert text.endswith(
        "  Because root depends on foo ^1.1 and no versions of foo match ^1.1,\n"
        "  root cannot be built."
    )


def test_a_locked_yanked_version_stays() -> None:
    spec = {"foo": {"1.0.0": {}, "1.1.0": {}, "1.2.0": {}}}
    yanked = [("foo", "1.1.0")]
    resolution = solve(spec, {"foo": "^1"}, yanked=yanked, locked={"foo": "1.1.0"})
    assert resolution["foo"] == V("1.1.0")
    # ... unless it is unlocked for an update, which moves it away
    resolution = solve(spec, {"foo": "^1"}, yanked=yanked, locked={"foo": "1.1.0"}, unlock={"foo"})
    assert resolution["foo"] == V("1.2.0")


def test_locked_versions_are_preferred_while_they_satisfy() -> None:
    spec = {"foo": {"1.0.0": {}, "1.1.0": {}, "1.2.0": {}}, "bar": {"1.0.0": {}}}
    assert solve(spec, {"foo": "^1"}, locked={"foo": "1.1.0"})["foo"] == V("1.1.0")
    # A locked version the requirements no longer allow is given up.
    assert solve(spec, {"foo": "^1.2"}, locked={"foo": "1.1.0"})["foo"] == V("1.2.0")
    # So is one the source no longer has, and a lock entry for an unused package.
    resolution = solve(spec, {"foo": "^1"}, locked={"foo": "1.5.0", "bar": "1.0.0"})
    assert versions_of(resolution) == {"root": "1.0.0", "foo": "1.2.0"}


def test_update_of_one_name_keeps_the_others() -> None:
    spec = {
        "a": {"1.0.0": {"c": "^1"}, "1.1.0": {"c": "^1"}},
        "b": {"1.0.0": {}, "1.1.0": {}},
        "c": {"1.0.0": {}, "1.1.0": {}},
    }
    locked = {"a": "1.0.0", "b": "1.0.0", "c": "1.0.0"}
    deps = {"a": "^1", "b": "^1"}
    assert versions_of(solve(spec, deps, locked=locked)) == {"root": "1.0.0", **locked}
    assert versions_of(solve(spec, deps, locked=locked, unlock={"a"})) == {
        "root": "1.0.0",
        "a": "1.1.0",
        "b": "1.0.0",
        "c": "1.0.0",
    }
    assert versions_of(solve(spec, deps)) == {
        "root": "1.0.0",
        "a": "1.1.0",
        "b": "1.1.0",
        "c": "1.1.0",
    }


def test_update_moves_what_the_unlocked_package_forces() -> None:
    spec = {
        "a": {"1.0.0": {"c": "^1"}, "1.1.0": {"c": "^1.1"}},
        "b": {"1.0.0": {}, "1.1.0": {}},
        "c": {"1.0.0": {}, "1.1.0": {}, "1.2.0": {}},
    }
    locked = {"a": "1.0.0", "b": "1.0.0", "c": "1.0.0"}
    resolution = solve(spec, {"a": "^1", "b": "^1"}, locked=locked, unlock={"a"})
    assert versions_of(resolution) == {"root": "1.0.0", "a": "1.1.0", "b": "1.0.0", "c": "1.2.0"}


class PathAndRegistry(Registry):
    """A registry plus one path package, ``util 0.1.0-dev``, as a project source would be."""

    UTIL = V("0.1.0-dev")

    def versions(self, name: str) -> list[Version]:
        return [self.UTIL] if name == "util" else super().versions(name)

    def dependencies(self, name: str, version: Version) -> Mapping[str, Requirement]:
        if name == "util":
            if version != self.UTIL:
                raise LookupError(version)
            return {"json": Requirement.parse("^1")}
        return super().dependencies(name, version)


def test_a_path_dependency() -> None:
    source = PathAndRegistry({"json": {"1.0.0": {}, "1.3.0": {}}, "web": {"2.0.0": {"util": "*"}}})
    util = Requirement.exact(PathAndRegistry.UTIL)
    resolution = resolve(source, "app", V("0.1.0"), {"util": util})
    assert versions_of(resolution) == {"app": "0.1.0", "util": "0.1.0-dev", "json": "1.3.0"}
    assert resolution.packages() == {"json": V("1.3.0"), "util": V("0.1.0-dev")}
    assert resolution.dependencies["app"] == {"util": V("0.1.0-dev")}
    assert resolution.dependencies["util"] == {"json": V("1.3.0")}
    # A registry package asking for "any release" of the path package cannot use it.
    with pytest.raises(ResolutionError) as info:
        resolve(source, "app", V("0.1.0"), {"util": util, "web": Requirement.parse("^2")})
    assert str(info.value) == (
        f"{HEADLINE}\n"
        "  Because app depends on util =0.1.0-dev and every version of web depends on util *,\n"
        "  web is forbidden.\n"
        "  And because app depends on web ^2,\n"
        "  app cannot be built."
    )


def test_missing_versions_behind_a_range() -> None:
    spec = {
        "b": {"2.0.0": {"a": "^2"}, "2.1.0": {"a": "~1.1"}},
        "a": {"1.0.0": {}, "3.0.0": {}},
    }
    assert failure(spec, {"b": "^2"}) == (
        f"{HEADLINE}\n"
        "  Because b <2.1.0 depends on a ^2 and no versions of a match ^2,\n"
        "  b <2.1.0 is forbidden.\n"
        "  And because b >=2.1.0 depends on a ~1.1,\n"
        "  every version of b requires a ~1.1.\n"
        "  And because root depends on b ^2 and no versions of a match ~1.1,\n"
        "  root cannot be built."
    )


def test_an_unknown_package() -> None:
    assert failure({}, {"nope": "^1"}) == (
        f"{HEADLINE}\n"
        "  Because root depends on nope ^1 and no versions of nope are available,\n"
        "  root cannot be built."
    )


def test_resolution_as_a_mapping() -> None:
    spec = {"foo": {"1.0.0": {"bar": "^1"}}, "bar": {"1.0.0": {}}}
    resolution = solve(spec, {"foo": "^1"})
    assert resolution.root == "root"
    assert list(resolution) == ["bar", "foo", "root"]
    assert len(resolution) == 3 and resolution["foo"] == V("1.0.0")
    assert resolution.packages() == {"bar": V("1.0.0"), "foo": V("1.0.0")}
    assert resolution.dependencies == {
        "root": {"foo": V("1.0.0")},
        "foo": {"bar": V("1.0.0")},
        "bar": {},
    }


# ---------------------------------------------------------------- against brute force

NAMES = ["a", "b", "c", "d"]
POOL = ["1.0.0", "1.1.0", "1.2.0-rc.1", "2.0.0", "2.1.0"]
REQUIREMENTS = ["^1", "^2", "*", ">=1.1", "<2", "=1.0.0", "~1.1", ">=1.2.0-rc.1", "^1.1, <2"]


@dataclass(frozen=True)
class Case:
    spec: dict[str, dict[str, dict[str, str]]]
    root: dict[str, str]
    yanked: frozenset[tuple[str, str]]
    locked: dict[str, str]


@st.composite
def cases(draw: st.DrawFn) -> Case:
    names = NAMES[: draw(st.integers(1, 4))]
    targets = [*names, "root", "e"]  # the root (cycles through it) and an unknown package
    spec: dict[str, dict[str, dict[str, str]]] = {}
    yanked: set[tuple[str, str]] = set()
    locked: dict[str, str] = {}
    for name in names:
        versions = draw(st.lists(st.sampled_from(POOL), min_size=1, max_size=4, unique=True))
        spec[name] = {}
        for version in versions:
            deps = draw(
                st.dictionaries(st.sampled_from(targets), st.sampled_from(REQUIREMENTS), max_size=3)
            )
            deps = {d: r for d, r in deps.items() if d != "e" or draw(st.integers(0, 4)) == 0}
            spec[name][version] = deps
            if draw(st.integers(0, 5)) == 0:
                yanked.add((name, version))
        if draw(st.integers(0, 2)) == 0:
            locked[name] = draw(st.sampled_from(POOL))  # perhaps yanked, perhaps not there
    root = draw(
        st.dictionaries(
            st.sampled_from(names), st.sampled_from(REQUIREMENTS), min_size=1, max_size=3
        )
    )
    return Case(spec, root, frozenset(yanked), locked)


def _valid(
    source: Registry,
    root: Mapping[str, Requirement],
    chosen: Mapping[str, Version | None],
) -> bool:
    needs: list[Mapping[str, Requirement]] = [root]
    needs += [source.dependencies(n, v) for n, v in chosen.items() if v is not None and n != "root"]
    for requirements in needs:
        for dep, requirement in requirements.items():
            version = chosen.get(dep)
            if version is None or not requirement.allows(version):
                return False
    return True


@settings(max_examples=400)
@given(cases())
def test_solutions_are_valid_and_failures_are_real(case: Case) -> None:
    source = Registry(case.spec, case.yanked)
    root = {d: Requirement.parse(r) for d, r in case.root.items()}
    locked = {n: V(v) for n, v in case.locked.items()}
    # What may be selected: the listed versions, and a locked one the source still has.
    candidates = {name: list(source.versions(name)) for name in case.spec}
    for name, version in locked.items():
        if version in source.packages[name] and version not in candidates[name]:
            candidates[name].append(version)
    try:
        resolution = resolve(source, "root", V("1.0.0"), root, locked=locked)
    except ResolutionError as exc:
        assert str(exc).startswith(HEADLINE)
        for combination in itertools.product(*([None, *c] for c in candidates.values())):
            chosen: dict[str, Version | None] = dict(zip(candidates, combination, strict=True))
            chosen["root"] = V("1.0.0")
            assert not _valid(source, root, chosen), f"missed the solution {chosen}"
        return
    chosen = dict(resolution.versions)
    assert chosen["root"] == V("1.0.0")
    for name, version in resolution.packages().items():
        assert version in candidates[name]  # never a yanked version that was not locked
    assert _valid(source, root, chosen)
    # Only what the root needs, transitively, is selected.
    reached, todo = {"root"}, ["root"]
    while todo:
        for dep in resolution.dependencies[todo.pop()]:
            if dep not in reached:
                reached.add(dep)
                todo.append(dep)
    assert reached == set(chosen)


def pigeonhole(pigeons: int) -> tuple[dict[str, dict[str, dict[str, str]]], dict[str, str]]:
    """``pigeons`` packages that each need a hole of their own among one fewer holes.

    Unsatisfiable, and conflict learning over versions needs exponentially many
    steps to prove it: the shape of a request that costs a resolver the most.
    """
    holes = pigeons - 1
    spec: dict[str, dict[str, dict[str, str]]] = {}
    for p in range(1, pigeons + 1):
        spec[f"pigeon{p}"] = {f"{h}.0.0": {f"hole{h}": f"={p}.0.0"} for h in range(1, holes + 1)}
    for h in range(1, holes + 1):
        spec[f"hole{h}"] = {f"{p}.0.0": {} for p in range(1, pigeons + 1)}
    return spec, {f"pigeon{p}": "*" for p in range(1, pigeons + 1)}


def test_a_step_budget_stops_a_costly_resolution() -> None:
    spec, deps = pigeonhole(6)
    requirements = {d: Requirement.parse(r) for d, r in deps.items()}
    with pytest.raises(BudgetExceeded, match="more than 500 resolver steps") as caught:
        resolve(Registry(spec), "root", V("1.0.0"), requirements, budget=Budget(500))
    assert caught.value.steps
    # Without a budget the same input is (slowly) proven unsatisfiable.
    with pytest.raises(ResolutionError):
        resolve(Registry(spec), "root", V("1.0.0"), requirements)


def test_a_time_budget_stops_a_resolution_on_a_slow_machine() -> None:
    spec, deps = pigeonhole(6)
    requirements = {d: Requirement.parse(r) for d, r in deps.items()}
    ticks = itertools.count()  # a clock that advances a second per reading
    budget = Budget(10**9, seconds=3.0, clock=lambda: float(next(ticks)))
    with pytest.raises(BudgetExceeded, match="more than 3 s") as caught:
        resolve(Registry(spec), "root", V("1.0.0"), requirements, budget=budget)
    assert not caught.value.steps


def test_a_budget_large_enough_changes_nothing() -> None:
    spec = {"a": {"1.0.0": {"b": "^1"}}, "b": {"1.0.0": {}, "1.1.0": {}}}
    requirements = {"a": Requirement.parse("^1")}
    found = resolve(Registry(spec), "root", V("1.0.0"), requirements, budget=Budget(1000))
    assert versions_of(found) == {"root": "1.0.0", "a": "1.0.0", "b": "1.1.0"}
