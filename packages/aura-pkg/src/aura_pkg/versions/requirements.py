"""Cargo-style requirements: comparators, parsing, and their version sets."""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from aura_pkg.versions.sets import (
    VersionSet,
    _prerelease_interval,
    _release_interval,
    _union,
)
from aura_pkg.versions.version import (
    _NUMERIC,
    Key,
    Part,
    RequirementError,
    Version,
    VersionError,
    _check_identifier,
    _first_pre_key,
    _release_key,
)

__all__ = ["Comparator", "Op", "Requirement"]
# ---------------------------------------------------------------- requirements


class Op(enum.StrEnum):
    """A comparator's operator; ``DEFAULT`` is a bare version, which means caret."""

    EXACT = "="
    GREATER = ">"
    GREATER_EQ = ">="
    LESS = "<"
    LESS_EQ = "<="
    TILDE = "~"
    CARET = "^"
    WILDCARD = "*"
    DEFAULT = ""


@dataclass(frozen=True, slots=True)
class Comparator:
    """One comma-separated part of a requirement: an operator and a possibly partial version.

    ``minor`` and ``patch`` are None when not written (``^1``, ``>=1.2``, ``1.*``);
    ``major`` is None only for the wildcard ``*``.
    """

    op: Op
    major: int | None
    minor: int | None = None
    patch: int | None = None
    prerelease: tuple[str, ...] = ()

    def __str__(self) -> str:
        parts = [str(n) for n in (self.major, self.minor, self.patch) if n is not None]
        if self.op is Op.WILDCARD:
            return ".".join([*parts, "*"])
        text = ".".join(parts)
        if self.prerelease:
            text += "-" + ".".join(self.prerelease)
        return self.op.value + text

    @property
    def version(self) -> Version | None:
        """The written version when it is complete, else None."""
        if self.major is None or self.minor is None or self.patch is None:
            return None
        return Version._trusted(self.major, self.minor, self.patch, self.prerelease, ())

    def matches(self, v: Version) -> bool:
        """Whether ``v`` satisfies this comparator alone (the pre-release rule aside).

        A partial version compares only the parts it names: ``>=1.2`` holds for
        every version whose major.minor is at least 1.2.
        """
        op, major, minor, full = self.op, self.major, self.minor, self.version
        if op is Op.WILDCARD and major is None:
            return True
        assert major is not None
        if full is not None:
            if op is Op.EXACT:
                return v == full
            if op is Op.GREATER:
                return v > full
            if op is Op.GREATER_EQ:
                return v >= full
            if op is Op.LESS:
                return v < full
            if op is Op.LESS_EQ:
                return v <= full
            if op is Op.TILDE:
                return v >= full and (v.major, v.minor) == (major, minor)
            # caret, written or not
            if v < full:
                return False
            if major > 0:
                return v.major == major
            if minor:
                return (v.major, v.minor) == (0, minor)
            return (v.major, v.minor, v.patch) == (0, 0, self.patch)
        mine: tuple[int, ...] = (major,) if minor is None else (major, minor)
        theirs: tuple[int, ...] = (v.major,) if minor is None else (v.major, v.minor)
        if op in (Op.EXACT, Op.TILDE, Op.WILDCARD):
            return theirs == mine
        if op is Op.GREATER:
            return theirs > mine
        if op is Op.GREATER_EQ:
            return theirs >= mine
        if op is Op.LESS:
            return theirs < mine
        if op is Op.LESS_EQ:
            return theirs <= mine
        # caret of a partial version: ^1.2 is >=1.2 within major 1, ^0.2 is =0.2
        if minor is None or major > 0:
            return v.major == major and (minor is None or v.minor >= minor)
        return (v.major, v.minor) == (0, minor)

    def bounds(self) -> tuple[Key | None, bool, Key | None, bool]:
        """This comparator as an interval of the full SemVer order.

        ``(lower, lower_inclusive, upper, upper_inclusive)``, None for unbounded.
        A partial version's bound is the lowest version of the part it names, so
        ``>=1.2`` starts at ``1.2.0-0`` and ``^1`` stops before ``2.0.0-0``: the
        interval agrees with :meth:`matches` on every version.
        """
        op, major, minor, patch = self.op, self.major, self.minor, self.patch
        if major is None:
            return None, True, None, True
        full = self.version
        key = full._key if full is not None else None
        here: Key | None
        after: Key | None
        if minor is None:
            here, after = _first_pre_key(major, 0, 0), _first_pre_key(major + 1, 0, 0)
        elif patch is None:
            here, after = _first_pre_key(major, minor, 0), _first_pre_key(major, minor + 1, 0)
        else:
            here = after = key
        if op in (Op.EXACT, Op.WILDCARD):
            return (key, True, key, True) if key is not None else (here, True, after, False)
        if op is Op.GREATER:
            return (key, False, None, True) if key is not None else (after, True, None, True)
        if op is Op.GREATER_EQ:
            return here, True, None, True
        if op is Op.LESS:
            return None, True, here, False
        if op is Op.LESS_EQ:
            return (None, True, key, True) if key is not None else (None, True, after, False)
        if op is Op.TILDE:
            if minor is None:
                return here, True, after, False
            return here, True, _first_pre_key(major, minor + 1, 0), False
        # caret
        if major > 0 or minor is None:
            return here, True, _first_pre_key(major + 1, 0, 0), False
        if minor > 0 or patch is None:
            return here, True, _first_pre_key(0, minor + 1, 0), False
        return here, True, _first_pre_key(0, 0, patch + 1), False


@dataclass(frozen=True, slots=True)
class Requirement:
    """A Cargo-style version requirement: comparators joined by commas (AND).

    ``str()`` is the text as written, with spacing normalised (``>= 1.2 ,<2`` is
    ``>=1.2, <2``).  Equality compares that structure, not the set of versions
    (``^1.2`` and ``1.2`` are different requirements with the same versions;
    compare :meth:`to_set` results for that).
    """

    comparators: tuple[Comparator, ...]
    _set: VersionSet = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.comparators:
            raise RequirementError("", "a requirement needs at least one comparator")
        object.__setattr__(self, "_set", _requirement_set(self.comparators, str(self)))

    @classmethod
    def parse(cls, text: str) -> Requirement:
        """Parse requirement text; raise :class:`RequirementError` naming the bad part."""
        if not isinstance(text, str):
            raise RequirementError(repr(text), f"expected a string, found {type(text).__name__}")
        if not text.strip():
            raise RequirementError(text, "empty requirement (write * to accept any version)")
        if "||" in text:
            raise RequirementError(text, '"||" is not supported; a comma means AND')
        return cls(tuple(_parse_comparator(part.strip(), text) for part in text.split(",")))

    @classmethod
    def exact(cls, version: Version) -> Requirement:
        """``=VERSION``: the requirement a path dependency gets on its one version."""
        return cls(
            (Comparator(Op.EXACT, version.major, version.minor, version.patch, version.prerelease),)
        )

    @classmethod
    def any(cls) -> Requirement:
        """``*``: every release."""
        return cls((Comparator(Op.WILDCARD, None),))

    def allows(self, version: Version) -> bool:
        """Whether ``version`` matches: every comparator holds, and the pre-release rule."""
        if not all(c.matches(version) for c in self.comparators):
            return False
        if not version.prerelease:
            return True
        triple = (version.major, version.minor, version.patch)
        return any(c.prerelease and (c.major, c.minor, c.patch) == triple for c in self.comparators)

    def to_set(self) -> VersionSet:
        """The versions this requirement allows, printed as this requirement."""
        return self._set

    def __str__(self) -> str:
        return ", ".join(str(c) for c in self.comparators)

    def __repr__(self) -> str:
        return f"Requirement({str(self)!r})"


def _requirement_set(comparators: Sequence[Comparator], text: str) -> VersionSet:
    lo: Key | None = None
    lo_in = True
    hi: Key | None = None
    hi_in = True
    for c in comparators:
        clo, clo_in, chi, chi_in = c.bounds()
        if clo is not None and (lo is None or clo > lo or (clo == lo and not clo_in)):
            lo, lo_in = clo, clo_in
        if chi is not None and (hi is None or chi < hi or (chi == hi and not chi_in)):
            hi, hi_in = chi, chi_in
    rel = _release_interval(lo, lo_in, hi, hi_in)
    pre: Part = ()
    for c in comparators:
        if not c.prerelease:
            continue
        assert c.major is not None and c.minor is not None and c.patch is not None
        gap_lo = _first_pre_key(c.major, c.minor, c.patch)
        gap_hi = _release_key(c.major, c.minor, c.patch)
        if lo is not None and lo >= gap_lo:
            glo, glo_in = lo, lo_in
        else:
            glo, glo_in = gap_lo, True
        if hi is not None and hi <= gap_hi:
            ghi, ghi_in = hi, hi_in and hi != gap_hi
        else:
            ghi, ghi_in = gap_hi, False
        pre = _union(pre, _prerelease_interval(glo, glo_in, ghi, ghi_in))
    return VersionSet(rel, pre, text)


_OPERATOR = re.compile(r"(>=|<=|=|>|<|~|\^)?\s*(.*)", re.DOTALL)
_PARTIAL = re.compile(r"([0-9]+)(?:\.([0-9]+)(?:\.([0-9]+))?)?")


def _parse_comparator(part: str, text: str) -> Comparator:
    def fail(reason: str) -> RequirementError:
        return RequirementError(text, reason)

    if not part:
        raise fail(f'empty comparator in "{text}" (a comma must separate two comparators)')
    if part[:2] in ("~>", "=="):
        raise fail(f'unknown operator "{part[:2]}" in "{part}"; use one of = > >= < <= ~ ^')
    m = _OPERATOR.fullmatch(part)
    assert m is not None
    sign, body = m.group(1), m.group(2).strip()
    op = Op(sign) if sign else Op.DEFAULT
    if not body:
        raise fail(f'"{part}" has an operator but no version')
    if body[0] in "=<>~^":
        raise fail(f'unexpected "{body[0]}" in "{part}"')
    if "*" in body or body in ("x", "X") or body.endswith((".x", ".X")):
        return _parse_wildcard(op, body, part, fail)
    core, _, build = body.partition("+")
    if build or body.endswith("+"):
        raise fail(f'build metadata ("+{build}") is not allowed in a requirement: "{part}"')
    core, dash, pre = core.partition("-")
    if core[:1] in ("v", "V") and core[1:2].isdigit():
        raise fail(f'"{part}" has a "{core[0]}" before the version; write {op.value}{body[1:]}')
    numbers = _PARTIAL.fullmatch(core)
    if numbers is None:
        bad = next((n for n in core.split(".") if not (n.isdigit() and n.isascii())), core or body)
        if " " in core:
            raise fail(f'unexpected space in "{part}" (separate comparators with a comma)')
        raise fail(f'"{bad}" in "{part}" is not a version number')
    values: list[int | None] = []
    for number in numbers.groups():
        if number is not None and not _NUMERIC.fullmatch(number):
            raise fail(f'"{number}" in "{part}" has a leading zero')
        values.append(int(number) if number is not None else None)
    major, minor, patch = values
    prerelease: tuple[str, ...] = ()
    if dash:
        if patch is None:
            raise fail(f'a pre-release needs a full MAJOR.MINOR.PATCH version: "{part}"')
        try:
            for ident in pre.split("."):
                _check_identifier(ident, "pre-release", part)
        except VersionError as exc:
            raise fail(f'{exc.reason} in "{part}"') from None
        prerelease = tuple(pre.split("."))
    return Comparator(op, major, minor, patch, prerelease)


def _parse_wildcard(
    op: Op, body: str, part: str, fail: Callable[[str], RequirementError]
) -> Comparator:
    pieces = body.split(".")
    if pieces[-1] in ("x", "X"):
        raise fail(f'write "*" for a wildcard, not "{pieces[-1]}": "{part}"')
    if op is not Op.DEFAULT:
        raise fail(f'a wildcard cannot follow "{op.value}": "{part}"')
    if pieces[-1] != "*" or "*" in pieces[:-1] or len(pieces) > 3:
        raise fail(f'"{part}" is not a wildcard; a wildcard is *, MAJOR.* or MAJOR.MINOR.*')
    numbers: list[int] = []
    for number in pieces[:-1]:
        if not (number.isdigit() and number.isascii()):
            raise fail(f'"{number}" in "{part}" is not a version number')
        if not _NUMERIC.fullmatch(number):
            raise fail(f'"{number}" in "{part}" has a leading zero')
        numbers.append(int(number))
    if not numbers:
        return Comparator(Op.WILDCARD, None)
    return Comparator(Op.WILDCARD, numbers[0], numbers[1] if len(numbers) > 1 else None)
