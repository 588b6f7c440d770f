"""Versions, requirements and version sets (spec/packages.md, "Version requirements")."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass

import pytest
import semver
from hypothesis import given, settings
from hypothesis import strategies as st

from aura_pkg.versions import (
    Comparator,
    Op,
    Requirement,
    RequirementError,
    Version,
    VersionError,
    VersionSet,
)

V = Version.parse
R = Requirement.parse


# ---------------------------------------------------------------- versions


def test_parse_and_print() -> None:
    v = V("1.2.3-rc.1+build.5")
    assert (v.major, v.minor, v.patch) == (1, 2, 3)
    assert v.prerelease == ("rc", "1")
    assert v.build == ("build", "5")
    assert str(v) == "1.2.3-rc.1+build.5"
    assert repr(v) == "Version('1.2.3-rc.1+build.5')"
    assert v.is_prerelease and not V("1.2.3").is_prerelease
    assert v.release == V("1.2.3")
    assert v.to_semver() == semver.Version.parse("1.2.3-rc.1+build.5")
    assert Version(1, 2, 3, ("rc", "1")) == V("1.2.3-rc.1")


def test_precedence_follows_semver_spec_example() -> None:
    chain = [
        "1.0.0-alpha",
        "1.0.0-alpha.1",
        "1.0.0-alpha.beta",
        "1.0.0-beta",
        "1.0.0-beta.2",
        "1.0.0-beta.11",
        "1.0.0-rc.1",
        "1.0.0",
        "1.0.1",
        "1.1.0",
        "2.0.0",
        "10.0.0",
    ]
    versions = [V(t) for t in chain]
    assert sorted(reversed(versions)) == versions
    assert all(a < b for a, b in itertools.pairwise(versions))


def test_build_metadata_takes_no_part_in_comparison() -> None:
    assert V("1.0.0+linux") == V("1.0.0")
    assert hash(V("1.0.0+linux")) == hash(V("1.0.0+mac"))
    assert not V("1.0.0+a") < V("1.0.0+b")
    assert str(V("1.0.0+linux")) == "1.0.0+linux"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty version"),
        ("1.2", '"1.2" has 2 parts; a version has three, MAJOR.MINOR.PATCH (like 1.2.0)'),
        ("1.2.3.4", '"1.2.3.4" has 4 parts'),
        ("v1.2.3", '"v1.2.3" starts with "v"; write the bare version, like 1.2.3'),
        ("1.02.3", 'minor version "02" has a leading zero'),
        ("1.x.3", 'minor version "x" is not a number'),
        ("1.2.3-", "empty pre-release identifier"),
        ("1.2.3-rc..1", "empty pre-release identifier"),
        ("1.2.3-01", 'numeric pre-release identifier "01" has a leading zero'),
        ("1.2.3-rc_1", 'pre-release identifier "rc_1" may only use [0-9A-Za-z-]'),
        ("1.2.3+", "empty build identifier"),
        (" 1.2.3", "surrounding whitespace"),
    ],
)
def test_version_errors_name_the_bad_part(text: str, reason: str) -> None:
    with pytest.raises(VersionError) as info:
        V(text)
    assert reason in str(info.value)
    assert isinstance(info.value, ValueError)
    assert info.value.text == text


def test_version_constructor_validates() -> None:
    with pytest.raises(VersionError):
        Version(1, -1, 0)
    with pytest.raises(VersionError):
        Version(1, 0, 0, ("01",))


# ---------------------------------------------------------------- the spec's table

# (requirement, versions it matches, versions it does not)
TABLE = [
    ("1.2.3", ["1.2.3", "1.2.4", "1.9.0"], ["1.2.2", "2.0.0", "0.9.0", "2.0.0-rc.1"]),
    ("^1.2.3", ["1.2.3", "1.2.4", "1.9.0"], ["1.2.2", "2.0.0", "1.3.0-rc.1"]),
    ("^0.2.3", ["0.2.3", "0.2.9"], ["0.2.2", "0.3.0", "1.0.0"]),
    ("^0.0.3", ["0.0.3"], ["0.0.2", "0.0.4", "0.1.0"]),
    ("~1.2.3", ["1.2.3", "1.2.9"], ["1.2.2", "1.3.0"]),
    ("1.*", ["1.0.0", "1.9.9"], ["0.9.0", "2.0.0", "1.5.0-rc.1"]),
    ("1.2.*", ["1.2.0", "1.2.9"], ["1.1.9", "1.3.0"]),
    ("*", ["0.0.0", "0.1.0", "99.0.0"], ["1.0.0-alpha"]),
    (">=1.2, <1.5", ["1.2.0", "1.4.9"], ["1.1.9", "1.5.0", "1.3.0-rc.1"]),
    ("=1.2.3", ["1.2.3", "1.2.3+build"], ["1.2.4", "1.2.3-rc.1"]),
    (">1.2.3", ["1.2.4", "2.0.0"], ["1.2.3", "1.2.0"]),
    (">=1.2.3", ["1.2.3", "9.0.0"], ["1.2.2", "1.2.4-rc.1"]),
    ("<1.2.3", ["1.2.2", "0.0.1"], ["1.2.3", "1.2.3-rc.1"]),
    ("<=1.2.3", ["1.2.3", "1.0.0"], ["1.2.4"]),
    # partial versions
    ("^1", ["1.0.0", "1.9.9"], ["0.9.9", "2.0.0"]),
    ("^1.2", ["1.2.0", "1.9.9"], ["1.1.9", "2.0.0"]),
    ("^0.2", ["0.2.0", "0.2.9"], ["0.1.9", "0.3.0"]),
    ("^0.0", ["0.0.0", "0.0.9"], ["0.1.0"]),
    ("^0", ["0.0.0", "0.9.9"], ["1.0.0"]),
    ("~1", ["1.0.0", "1.9.9"], ["2.0.0"]),
    ("~1.2", ["1.2.0", "1.2.9"], ["1.3.0", "1.1.9"]),
    ("=1.2", ["1.2.0", "1.2.9"], ["1.3.0"]),
    ("=1", ["1.0.0", "1.9.0"], ["2.0.0"]),
    (">1", ["2.0.0"], ["1.9.9"]),
    (">1.2", ["1.3.0"], ["1.2.9"]),
    (">=1.2", ["1.2.0"], ["1.1.9"]),
    ("<1.2", ["1.1.9"], ["1.2.0"]),
    ("<=1.2", ["1.2.9"], ["1.3.0"]),
    ("<1", ["0.9.9"], ["1.0.0"]),
]


@pytest.mark.parametrize(("text", "good", "bad"), TABLE)
def test_spec_table(text: str, good: list[str], bad: list[str]) -> None:
    requirement = R(text)
    versions = requirement.to_set()
    for v in good:
        assert requirement.allows(V(v)), f"{text} should allow {v}"
        assert versions.contains(V(v))
    for v in bad:
        assert not requirement.allows(V(v)), f"{text} should not allow {v}"
        assert not versions.contains(V(v))


@pytest.mark.parametrize(
    ("text", "same_as"),
    [
        ("1.2.3", ">=1.2.3, <2.0.0"),
        ("^1.2.3", ">=1.2.3, <2.0.0"),
        ("^0.2.3", ">=0.2.3, <0.3.0"),
        ("^0.0.3", "=0.0.3"),
        ("~1.2.3", ">=1.2.3, <1.3.0"),
        ("1.*", ">=1.0.0, <2.0.0"),
        ("1.2.*", ">=1.2.0, <1.3.0"),
        ("^1.2", ">=1.2.0, <2.0.0"),
        ("~1", ">=1.0.0, <2.0.0"),
        ("<=1.2.3", "<1.2.4"),
        (">1.2.3", ">=1.2.4"),
        (">1.2", ">=1.3.0"),
        (">=0.0.0", "*"),
    ],
)
def test_expansions_are_the_same_sets(text: str, same_as: str) -> None:
    assert R(text).to_set() == R(same_as).to_set()
    assert R(text) != R(same_as)  # requirements compare as written


# ---------------------------------------------------------------- pre-releases


@pytest.mark.parametrize(
    ("text", "good", "bad"),
    [
        (
            "^1.2.3-beta",
            ["1.2.3-beta", "1.2.3-beta.2", "1.2.3-rc.1", "1.2.3", "1.9.0"],
            ["1.2.3-alpha", "1.3.0-alpha", "2.0.0-rc.1", "2.0.0"],
        ),
        (">=2.0.0-rc.1", ["2.0.0-rc.1", "2.0.0-rc.2", "2.0.0", "3.0.0"], ["2.1.0-alpha"]),
        ("=2.0.0-rc.1", ["2.0.0-rc.1"], ["2.0.0-rc.2", "2.0.0"]),
        ("<2.0.0-beta", ["2.0.0-alpha", "1.9.0"], ["2.0.0-beta", "1.9.0-rc.1", "2.0.0"]),
        (">=1.0.0-rc.1, <2.0.0", ["1.0.0-rc.2", "1.5.0"], ["1.5.0-rc.1", "2.0.0-rc.1"]),
        ("~1.2.3-rc.1", ["1.2.3-rc.1", "1.2.3", "1.2.9"], ["1.2.4-rc.1", "1.3.0"]),
        ("^1", [], ["1.0.0-rc.1", "1.5.0-alpha"]),
        (">=1.0.0", [], ["1.5.0-rc.1", "2.0.0-alpha"]),
    ],
)
def test_prerelease_rule(text: str, good: list[str], bad: list[str]) -> None:
    requirement = R(text)
    for v in good:
        assert requirement.allows(V(v)), f"{text} should allow {v}"
        assert requirement.to_set().contains(V(v))
    for v in bad:
        assert not requirement.allows(V(v)), f"{text} should not allow {v}"
        assert not requirement.to_set().contains(V(v))


def test_partial_versions_compare_only_the_parts_they_name() -> None:
    # docs/reference/versions.md: where Aura and Cargo's semver crate differ
    assert R(">=1.2, <=1.2.0-rc.5").allows(V("1.2.0-rc.1"))
    assert not R(">=1.2").allows(V("1.2.0-rc.1"))  # no pre-release named


def test_exact_requirement_of_a_prerelease_path_package() -> None:
    version = V("0.1.0-dev")
    requirement = Requirement.exact(version)
    assert str(requirement) == "=0.1.0-dev"
    assert requirement.allows(version)
    assert not Requirement.any().allows(version)


# ---------------------------------------------------------------- requirement text


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("1.2.3", "1.2.3"),
        ("  ^1.2.3 ", "^1.2.3"),
        (">= 1.2 ,<2", ">=1.2, <2"),
        (">=1.2,<1.5", ">=1.2, <1.5"),
        ("~ 1", "~1"),
        ("1.*", "1.*"),
        ("*", "*"),
        ("=1.0.0-rc.1", "=1.0.0-rc.1"),
    ],
)
def test_requirement_text_is_normalised(text: str, canonical: str) -> None:
    requirement = R(text)
    assert str(requirement) == canonical
    assert str(requirement.to_set()) == canonical
    assert R(canonical) == requirement
    assert repr(requirement) == f"Requirement({canonical!r})"


def test_comparators() -> None:
    assert R(">=1.2, <2").comparators == (
        Comparator(Op.GREATER_EQ, 1, 2),
        Comparator(Op.LESS, 2),
    )
    assert R("1.2.*").comparators == (Comparator(Op.WILDCARD, 1, 2),)
    assert R("1.2.3").comparators[0].op is Op.DEFAULT


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty requirement"),
        ("   ", "empty requirement"),
        ("^", '"^" has an operator but no version'),
        ("~>1.2", 'unknown operator "~>" in "~>1.2"'),
        ("==1.2", 'unknown operator "=="'),
        ("=>1", 'unexpected ">" in "=>1"'),
        ("1.x", 'write "*" for a wildcard, not "x"'),
        (">=1.*", 'a wildcard cannot follow ">=": ">=1.*"'),
        ("1.*.3", "a wildcard is *, MAJOR.* or MAJOR.MINOR.*"),
        ("1.2-beta", 'a pre-release needs a full MAJOR.MINOR.PATCH version: "1.2-beta"'),
        ("1.2.3+build", 'build metadata ("+build") is not allowed'),
        (">=1 <2", 'unexpected space in ">=1 <2"'),
        ("1,,2", 'empty comparator in "1,,2"'),
        ("^1,", "empty comparator"),
        ("abc", '"abc" in "abc" is not a version number'),
        ("^1.2.x3", '"x3" in "^1.2.x3" is not a version number'),
        ("^01", '"01" in "^01" has a leading zero'),
        ("1 || 2", '"||" is not supported'),
        ("v1.2", 'has a "v" before the version'),
        ("^1.2.3-rc.01", 'identifier "01" has a leading zero in "^1.2.3-rc.01"'),
    ],
)
def test_requirement_errors_name_the_bad_part(text: str, reason: str) -> None:
    with pytest.raises(RequirementError) as info:
        R(text)
    assert reason in str(info.value)
    assert isinstance(info.value, ValueError)


# ---------------------------------------------------------------- sets


def test_nothing_is_below_the_lowest_version() -> None:
    assert R("<0").to_set().is_empty
    assert R("<0.0.0").to_set().is_empty
    assert R("<0.0.0-0").to_set().is_empty
    assert VersionSet.interval(upper=V("0.0.0-0")).is_empty
    assert R("<0.0.1").to_set() == VersionSet.exactly(V("0.0.0"))
    assert R("^0").to_set() - R("<0").to_set() == R("^0").to_set()
    lowest = V("0.0.0-0")
    assert VersionSet.exactly(lowest) == R("=0.0.0-0").to_set()
    assert VersionSet.exactly(lowest) == VersionSet.interval(upper=lowest, upper_inclusive=True)
    assert str(VersionSet.exactly(lowest)) == "=0.0.0-0"
    assert str(R(">=0.0.3-0, <0.0.3").to_set().with_label(None)) == ">=0.0.3-0, <0.0.3"


def test_set_basics() -> None:
    assert VersionSet.any().is_any and not VersionSet.any().is_empty
    assert VersionSet.empty().is_empty and not VersionSet.empty().is_any
    assert VersionSet.any().complement() == VersionSet.empty()
    assert R("*").to_set() != VersionSet.any()  # "*" leaves pre-releases out
    assert R("*").to_set().union(VersionSet.exactly(V("1.0.0-rc.1"))).contains(V("1.0.0-rc.1"))
    assert V("1.0.0") in R("^1").to_set()
    assert VersionSet.exactly(V("1.0.0")).single_version() == V("1.0.0")
    assert VersionSet.exactly(V("1.0.0-rc.1")).single_version() == V("1.0.0-rc.1")
    assert R("^1").to_set().single_version() is None
    caret = R("^1.2").to_set()
    assert caret.allows_all(R("~1.4").to_set())
    assert not caret.allows_all(R(">=1.4").to_set())
    assert caret.allows_any(R(">=1.4").to_set())
    assert not caret.allows_any(R("^2").to_set())
    assert (caret & R("<1.5").to_set()) == R(">=1.2.0, <1.5.0").to_set()
    assert (caret | R("^2").to_set()) == R(">=1.2, <3").to_set()
    assert (caret - R("~1.3").to_set()) == (
        R(">=1.2.0, <1.3.0").to_set() | R(">=1.4.0, <2.0.0").to_set()
    )
    assert ~~caret == caret


@pytest.mark.parametrize(
    ("build", "text"),
    [
        (lambda: R("^1.2").to_set(), "^1.2"),
        (lambda: R("^1.2").to_set().with_label(None), ">=1.2.0, <2.0.0"),
        (lambda: R("^1.2").to_set() & R("*").to_set(), "^1.2"),  # an operand survives
        (lambda: R("^1").to_set() & R("<1.5").to_set(), ">=1.0.0, <1.5.0"),
        (lambda: R("^1").to_set() | R("^3").to_set(), ">=1.0.0, <2.0.0 || >=3.0.0, <4.0.0"),
        (lambda: VersionSet.exactly(V("1.4.2")), "=1.4.2"),
        (lambda: R("*").to_set().with_label(None), "*"),
        (lambda: VersionSet.any(), "any"),
        (lambda: VersionSet.empty(), "<none>"),
        (lambda: R("^1").to_set().complement(), "<1.0.0 || >=2.0.0 || any pre-release"),
        (lambda: R(">=1.0.0-rc.1, <2").to_set().with_label(None), ">=1.0.0-rc.1, <2.0.0"),
        (lambda: R("<2.0.0-beta").to_set().with_label(None), "<2.0.0-beta"),
        (
            lambda: R(">1.0.0-rc.1, <=1.0.0-rc.5").to_set().with_label(None),
            ">1.0.0-rc.1, <=1.0.0-rc.5",
        ),
        (
            lambda: VersionSet.interval(V("1.0.0"), V("2.0.0")),
            ">=1.0.0, <2.0.0 || pre-releases >1.0.0, <2.0.0",
        ),
    ],
)
def test_set_text(build: Callable[[], VersionSet], text: str) -> None:
    assert str(build()) == text


# ---------------------------------------------------------------- properties

_IDENTIFIERS = ["alpha", "beta", "rc", "0", "1", "2", "11", "a-b"]


@st.composite
def versions(draw: st.DrawFn) -> Version:
    major, minor, patch = (draw(st.integers(0, 3)) for _ in range(3))
    pre: tuple[str, ...] = ()
    if draw(st.booleans()):
        pre = tuple(draw(st.lists(st.sampled_from(_IDENTIFIERS), min_size=1, max_size=3)))
    build = ("b", "7") if draw(st.integers(0, 9)) == 0 else ()
    return Version(major, minor, patch, pre, build)


def _partial(draw: st.DrawFn, allow_pre: bool) -> str:
    parts = [str(draw(st.integers(0, 3))) for _ in range(draw(st.integers(1, 3)))]
    text = ".".join(parts)
    if allow_pre and len(parts) == 3 and draw(st.integers(0, 2)) == 0:
        text += "-" + ".".join(
            draw(st.lists(st.sampled_from(_IDENTIFIERS), min_size=1, max_size=2))
        )
    return text


@st.composite
def requirement_texts(draw: st.DrawFn) -> str:
    comparators = []
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["", "^", "~", "=", ">", ">=", "<", "<=", "*"]))
        if kind == "*":
            prefix = ".".join(str(draw(st.integers(0, 3))) for _ in range(draw(st.integers(0, 2))))
            comparators.append(f"{prefix}.*" if prefix else "*")
        else:
            comparators.append(kind + _partial(draw, allow_pre=True))
    return ", ".join(comparators)


@dataclass(frozen=True)
class Expr:
    """A set built by operations, with membership computed without the set algebra."""

    build: VersionSet
    member: Callable[[Version], bool]


@st.composite
def interval_exprs(draw: st.DrawFn) -> Expr:
    lo, hi = draw(st.none() | versions()), draw(st.none() | versions())
    lo_in, hi_in, pre = draw(st.booleans()), draw(st.booleans()), draw(st.booleans())
    built = VersionSet.interval(
        lo, hi, lower_inclusive=lo_in, upper_inclusive=hi_in, prereleases=pre
    )

    def member(v: Version) -> bool:
        if v.is_prerelease and not pre:
            return False
        above = lo is None or (v >= lo if lo_in else v > lo)
        below = hi is None or (v <= hi if hi_in else v < hi)
        return above and below

    return Expr(built, member)


@st.composite
def leaf_exprs(draw: st.DrawFn) -> Expr:
    kind = draw(st.integers(0, 4))
    if kind == 0:
        v = draw(versions())
        return Expr(VersionSet.exactly(v), lambda x: x == v)
    if kind == 1:
        requirement = R(draw(requirement_texts()))
        return Expr(requirement.to_set(), requirement.allows)
    if kind == 2:
        return Expr(VersionSet.any(), lambda x: True)
    return draw(interval_exprs())


def _combine(children: st.SearchStrategy[Expr]) -> st.SearchStrategy[Expr]:
    def union(a: Expr, b: Expr) -> Expr:
        return Expr(a.build | b.build, lambda v: a.member(v) or b.member(v))

    def intersection(a: Expr, b: Expr) -> Expr:
        return Expr(a.build & b.build, lambda v: a.member(v) and b.member(v))

    def difference(a: Expr, b: Expr) -> Expr:
        return Expr(a.build - b.build, lambda v: a.member(v) and not b.member(v))

    def complement(a: Expr) -> Expr:
        return Expr(~a.build, lambda v: not a.member(v))

    return (
        st.builds(union, children, children)
        | st.builds(intersection, children, children)
        | st.builds(difference, children, children)
        | st.builds(complement, children)
    )


set_exprs = st.recursive(leaf_exprs(), _combine, max_leaves=6)


@given(versions(), versions())
def test_order_is_total_and_agrees_with_semver(a: Version, b: Version) -> None:
    expected = semver.Version.parse(str(a)).compare(str(b))
    assert (a < b) == (expected < 0)
    assert (a > b) == (expected > 0)
    assert (a == b) == (expected == 0)
    assert (a <= b) != (a > b)
    if a == b:
        assert hash(a) == hash(b)
    assert sum([a < b, a == b, a > b]) == 1


@given(versions())
def test_versions_round_trip(v: Version) -> None:
    again = V(str(v))
    assert again == v and str(again) == str(v)


@given(requirement_texts())
def test_requirements_round_trip(text: str) -> None:
    requirement = R(text)
    assert R(str(requirement)) == requirement
    assert str(requirement.to_set()) == str(requirement)


@settings(max_examples=300)
@given(requirement_texts(), st.lists(versions(), min_size=1, max_size=20))
def test_allows_agrees_with_the_set(text: str, sample: list[Version]) -> None:
    requirement = R(text)
    versions_ = requirement.to_set()
    for v in sample:
        assert requirement.allows(v) == versions_.contains(v), (text, str(v))


@settings(max_examples=300)
@given(set_exprs, st.lists(versions(), min_size=1, max_size=25))
def test_set_operations_agree_with_membership(expr: Expr, sample: list[Version]) -> None:
    for v in sample:
        assert expr.build.contains(v) == expr.member(v), (str(expr.build), str(v))


@settings(max_examples=200)
@given(set_exprs, set_exprs, st.lists(versions(), max_size=15))
def test_set_identities(a_expr: Expr, b_expr: Expr, sample: list[Version]) -> None:
    a, b = a_expr.build, b_expr.build
    assert a | b == b | a
    assert a & b == b & a
    assert ~~a == a
    assert a - b == a & ~b
    assert ~(a | b) == ~a & ~b
    assert (a | ~a).is_any
    assert (a & ~a).is_empty
    assert a.allows_all(a & b)
    assert (a | b).allows_all(a)
    assert a.allows_all(b) == (b - a).is_empty
    assert a.allows_any(b) == (not (a & b).is_empty)
    assert hash(a | b) == hash(b | a)
    for v in sample:
        if a.contains(v) and b.contains(v):
            assert a.allows_any(b)
        if b.contains(v) and not a.contains(v):
            assert not a.allows_all(b)


@given(set_exprs)
def test_set_text_of_requirement_like_sets_parses_back(expr: Expr) -> None:
    # The description of a set, where it is a single requirement, means that set.
    text = str(expr.build.with_label(None))
    if "||" in text or "pre-release" in text or text in ("any", "<none>"):
        return
    assert R(text).to_set() == expr.build
