"""Versions, requirements and sets of versions (spec/packages.md, "Version requirements").

Three types:

* :class:`Version` — a Semantic Versioning 2.0.0 version, parsed by the ``semver``
  package and ordered by SemVer precedence.  Build metadata is kept for display
  but, as SemVer says, ignored by precedence; here it is also ignored by ``==``
  and ``hash`` so that the order is a total order consistent with equality.
* :class:`Requirement` — what a manifest writes after a dependency's name, with
  Cargo's meaning: ``^1.2`` (and bare ``1.2``), ``~1.2.3``, wildcards, the
  comparison operators, and commas for AND.
* :class:`VersionSet` — any set of versions a requirement, or the resolver's
  algebra on requirements, can describe: closed under union, intersection and
  complement, with exact emptiness, subset and equality tests.

**The pre-release rule.**  A pre-release version matches a requirement only if
some comparator of the requirement names a pre-release of the same
major.minor.patch (so ``^1.2.3-beta`` admits ``1.2.3-rc.1`` but not
``1.3.0-alpha``).  Such a rule cuts a requirement's interval into infinitely many
pieces (the pre-releases of every other major.minor.patch fall out), so a
:class:`VersionSet` is not a list of intervals over one order.  It is two lists:
intervals of *releases* and intervals of *pre-releases*, each over the SemVer
order restricted to its kind.  A requirement's release part is its comparators'
interval; its pre-release part is that interval cut down to the pre-releases of
the named major.minor.patch triples.  Union, intersection and complement act on
the two parts independently, so the algebra agrees with
:meth:`Requirement.allows` by construction (the tests check it on random input).

Within each part bounds are *canonical*: every interval is half-open,
``[lower, upper)``, and both ends are versions of the part's own kind (a release
bound for releases, a pre-release bound for pre-releases; ``<=1.2.3`` is stored
as ``<1.2.4`` among releases).  With that, two sets are equal exactly when their
intervals are, and a set is empty exactly when it has no intervals; the resolver
relies on both.

Bounds are stored as precedence keys (tuples), not as :class:`Version` objects,
so that every comparison in the algebra is a C-level tuple comparison: the
resolver performs a great many of them.
"""

from __future__ import annotations

import enum
import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, TypeAlias

import semver

__all__ = [
    "Comparator",
    "Op",
    "Requirement",
    "RequirementError",
    "Version",
    "VersionError",
    "VersionSet",
]


class VersionError(ValueError):
    """A version that is not Semantic Versioning 2.0.0; the message names the bad part."""

    def __init__(self, text: str, reason: str) -> None:
        super().__init__(reason)
        self.text = text
        self.reason = reason


class RequirementError(ValueError):
    """A requirement that does not parse; the message names the bad part."""

    def __init__(self, text: str, reason: str) -> None:
        super().__init__(reason)
        self.text = text
        self.reason = reason


# ---------------------------------------------------------------- precedence keys

#: A precedence key: ``(major, minor, patch, pre)``, where ``pre`` is ``(1,)`` for a
#: release and ``(0, id, id, ...)`` for a pre-release, each identifier ``(0, n)`` if
#: numeric or ``(1, text)`` otherwise.  Tuple order is SemVer precedence: numeric
#: identifiers sort before alphanumeric ones, a shorter list of identifiers before a
#: longer one it prefixes, and every pre-release before its release.  The empty
#: tuple sorts before every key (no lower bound), ``(inf,)`` after every key.
Key: TypeAlias = tuple[Any, ...]
Interval: TypeAlias = tuple[Key, Key]
Part: TypeAlias = tuple[Interval, ...]

_RELEASE: Final = (1,)
_FIRST_PRE: Final = (0, (0, 0))  # the pre-release "-0", the least there is
_ZERO_ID: Final = (0, 0)
_MIN: Final[Key] = ()
_INF: Final[Key] = (math.inf,)
_FULL: Final[Part] = ((_MIN, _INF),)
_LOWEST_RELEASE: Final[Key] = (0, 0, 0, _RELEASE)
_LOWEST_PRE: Final[Key] = (0, 0, 0, _FIRST_PRE)

_NUMERIC = re.compile(r"0|[1-9][0-9]*")
_IDENTIFIER = re.compile(r"[0-9A-Za-z-]+")


def _id_key(identifier: str) -> tuple[int, int | str]:
    return (0, int(identifier)) if identifier.isdigit() else (1, identifier)


def _is_pre(key: Key) -> bool:
    return bool(key[3][0] == 0)


def _triple(key: Key) -> tuple[int, int, int]:
    return key[0], key[1], key[2]


def _release_key(major: int, minor: int, patch: int) -> Key:
    return (major, minor, patch, _RELEASE)


def _first_pre_key(major: int, minor: int, patch: int) -> Key:
    return (major, minor, patch, _FIRST_PRE)


def _next_pre(key: Key) -> Key:
    """The pre-release right after ``key`` (a pre-release): one more ``.0`` identifier."""
    return (key[0], key[1], key[2], (*key[3], _ZERO_ID))


def _key_version(key: Key) -> Version:
    """The version whose precedence key is ``key`` (a finite key)."""
    major, minor, patch, pre = key
    ids = tuple(str(i[1]) for i in pre[1:]) if pre[0] == 0 else ()
    return Version._trusted(major, minor, patch, ids, ())


# ---------------------------------------------------------------- Version


@dataclass(frozen=True, slots=True, eq=False)
class Version:
    """A Semantic Versioning 2.0.0 version.

    Ordered by SemVer precedence (``1.0.0-alpha < 1.0.0-alpha.1 < 1.0.0-beta <
    1.0.0``).  ``build`` metadata is printed but takes no part in comparisons,
    equality or hashing: ``1.0.0+linux == 1.0.0``.
    """

    major: int
    minor: int
    patch: int
    prerelease: tuple[str, ...] = ()
    build: tuple[str, ...] = ()
    _key: Key = field(init=False, repr=False)

    def __post_init__(self) -> None:
        for part, value in (("major", self.major), ("minor", self.minor), ("patch", self.patch)):
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise VersionError(str(value), f"{part} must be a non-negative integer")
        for ident in self.prerelease:
            _check_identifier(ident, "pre-release", str(self))
        for ident in self.build:
            if not _IDENTIFIER.fullmatch(ident):
                raise VersionError(str(self), f'build identifier "{ident}" is not [0-9A-Za-z-]+')
        self._set_key()

    def _set_key(self) -> None:
        pre: tuple[object, ...] = (
            (0, *(_id_key(i) for i in self.prerelease)) if self.prerelease else _RELEASE
        )
        object.__setattr__(self, "_key", (self.major, self.minor, self.patch, pre))

    @classmethod
    def _trusted(
        cls, major: int, minor: int, patch: int, pre: tuple[str, ...], build: tuple[str, ...]
    ) -> Version:
        """Construct without validation, for parts already known to be valid."""
        self = object.__new__(cls)
        object.__setattr__(self, "major", major)
        object.__setattr__(self, "minor", minor)
        object.__setattr__(self, "patch", patch)
        object.__setattr__(self, "prerelease", pre)
        object.__setattr__(self, "build", build)
        self._set_key()
        return self

    @classmethod
    def parse(cls, text: str) -> Version:
        """Parse ``MAJOR.MINOR.PATCH[-PRE][+BUILD]``; raise :class:`VersionError` if invalid."""
        if not isinstance(text, str):
            raise VersionError(repr(text), f"expected a string, found {type(text).__name__}")
        problem = _version_problem(text)
        if problem is not None:
            raise VersionError(text, problem)
        try:
            parsed = semver.Version.parse(text)
        except ValueError:
            raise VersionError(
                text, f'"{text}" is not a Semantic Versioning 2.0.0 version'
            ) from None
        pre = tuple(parsed.prerelease.split(".")) if parsed.prerelease else ()
        build = tuple(parsed.build.split(".")) if parsed.build else ()
        return cls._trusted(parsed.major, parsed.minor, parsed.patch, pre, build)

    def to_semver(self) -> semver.Version:
        """The same version as a ``semver.Version``."""
        return semver.Version(
            self.major,
            self.minor,
            self.patch,
            ".".join(self.prerelease) or None,
            ".".join(self.build) or None,
        )

    @property
    def is_prerelease(self) -> bool:
        return bool(self.prerelease)

    @property
    def release(self) -> Version:
        """This version without pre-release and build parts (``1.2.3-rc.1`` → ``1.2.3``)."""
        if not self.prerelease and not self.build:
            return self
        return Version._trusted(self.major, self.minor, self.patch, (), ())

    def __str__(self) -> str:
        text = f"{self.major}.{self.minor}.{self.patch}"
        if self.prerelease:
            text += "-" + ".".join(self.prerelease)
        if self.build:
            text += "+" + ".".join(self.build)
        return text

    def __repr__(self) -> str:
        return f"Version({str(self)!r})"

    def __hash__(self) -> int:
        return hash(self._key)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Version):
            return self._key == other._key
        return NotImplemented

    def __lt__(self, other: Version) -> bool:
        if isinstance(other, Version):
            return self._key < other._key
        return NotImplemented

    def __le__(self, other: Version) -> bool:
        if isinstance(other, Version):
            return self._key <= other._key
        return NotImplemented

    def __gt__(self, other: Version) -> bool:
        if isinstance(other, Version):
            return self._key > other._key
        return NotImplemented

    def __ge__(self, other: Version) -> bool:
        if isinstance(other, Version):
            return self._key >= other._key
        return NotImplemented


def _check_identifier(ident: str, what: str, text: str) -> None:
    if not ident:
        raise VersionError(text, f"empty {what} identifier")
    if not _IDENTIFIER.fullmatch(ident):
        raise VersionError(text, f'{what} identifier "{ident}" may only use [0-9A-Za-z-]')
    if ident.isdigit() and not _NUMERIC.fullmatch(ident):
        raise VersionError(text, f'numeric {what} identifier "{ident}" has a leading zero')


def _version_problem(text: str) -> str | None:
    """Why ``text`` is not a version, naming the bad part; None if it looks fine."""
    if not text.strip():
        return "empty version"
    if text != text.strip():
        return f'"{text}" has surrounding whitespace'
    core, plus, build = text.partition("+")
    core, dash, pre = core.partition("-")
    if core[:1] in ("v", "V", "=") and core[1:2].isdigit():
        return f'"{text}" starts with "{core[0]}"; write the bare version, like {text[1:]}'
    numbers = core.split(".")
    if len(numbers) != 3:
        return (
            f'"{core}" has {len(numbers)} part{"s" if len(numbers) != 1 else ""}; '
            "a version has three, MAJOR.MINOR.PATCH (like 1.2.0)"
        )
    for name, number in zip(("major", "minor", "patch"), numbers, strict=True):
        if not number.isdigit() or not number.isascii():
            return f'{name} version "{number}" is not a number'
        if not _NUMERIC.fullmatch(number):
            return f'{name} version "{number}" has a leading zero'
    try:
        if dash:
            for ident in pre.split("."):
                _check_identifier(ident, "pre-release", text)
        if plus:
            for ident in build.split("."):
                if not ident:
                    return "empty build identifier"
                if not _IDENTIFIER.fullmatch(ident):
                    return f'build identifier "{ident}" may only use [0-9A-Za-z-]'
    except VersionError as exc:
        return exc.reason
    return None


# ---------------------------------------------------------------- intervals of one kind


def _union(a: Part, b: Part) -> Part:
    if not a or a == b:
        return b
    if not b:
        return a
    merged = sorted(a + b)
    out: list[Interval] = []
    lo, hi = merged[0]
    for nlo, nhi in merged[1:]:
        if nlo <= hi:
            if nhi > hi:
                hi = nhi
        else:
            out.append((lo, hi))
            lo, hi = nlo, nhi
    out.append((lo, hi))
    return tuple(out)


def _intersection(a: Part, b: Part) -> Part:
    if not a or not b:
        return ()
    if a == b or b == _FULL:
        return a
    if a == _FULL:
        return b
    out: list[Interval] = []
    i = j = 0
    while i < len(a) and j < len(b):
        alo, ahi = a[i]
        blo, bhi = b[j]
        lo = alo if alo > blo else blo
        hi = ahi if ahi < bhi else bhi
        if lo < hi:
            out.append((lo, hi))
        if ahi < bhi:
            i += 1
        else:
            j += 1
    return tuple(out)


def _complement(a: Part) -> Part:
    if not a:
        return _FULL
    out: list[Interval] = []
    prev = _MIN
    for lo, hi in a:
        if lo != prev:
            out.append((prev, lo))
        prev = hi
    if prev != _INF:
        out.append((prev, _INF))
    return tuple(out)


def _subset(a: Part, b: Part) -> bool:
    """Whether every interval of ``a`` lies inside one of ``b``."""
    if not a or a is b:
        return True
    if not b:
        return False
    if len(b) == 1:
        blo, bhi = b[0]
        return blo <= a[0][0] and a[-1][1] <= bhi
    j = 0
    for lo, hi in a:
        while j < len(b) and b[j][1] <= lo:
            j += 1
        if j == len(b):
            return False
        blo, bhi = b[j]
        if blo > lo or bhi < hi:
            return False
    return True


def _disjoint(a: Part, b: Part) -> bool:
    if not a or not b:
        return True
    if len(a) == 1 and len(b) == 1:
        (alo, ahi), (blo, bhi) = a[0], b[0]
        return not (alo < bhi and blo < ahi)
    i = j = 0
    while i < len(a) and j < len(b):
        alo, ahi = a[i]
        blo, bhi = b[j]
        if alo < bhi and blo < ahi:
            return False
        if ahi < bhi:
            i += 1
        else:
            j += 1
    return True


def _part_contains(part: Part, key: Key) -> bool:
    for lo, hi in part:
        if key < lo:
            return False
        if key < hi:
            return True
    return False


# Bounds of the full SemVer order — ``(key, inclusive)``, key None when unbounded —
# made canonical for one kind of version.


def _release_interval(lo: Key | None, lo_in: bool, hi: Key | None, hi_in: bool) -> Part:
    """The releases of an interval of the full order, as a canonical part."""
    if lo is None:
        low = _MIN
    else:
        major, minor, patch, pre = lo
        if pre[0] == 0 or lo_in:
            low = (major, minor, patch, _RELEASE)  # the first release at or after ``lo``
        else:
            low = (major, minor, patch + 1, _RELEASE)
        if low == _LOWEST_RELEASE:
            low = _MIN
    if hi is None:
        high = _INF
    else:
        major, minor, patch, pre = hi
        if pre[0] == 0 or not hi_in:
            high = (major, minor, patch, _RELEASE)  # releases below a pre-release of x.y.z
        else:
            high = (major, minor, patch + 1, _RELEASE)
        if high == _LOWEST_RELEASE:
            return ()  # nothing is below the lowest release
    return ((low, high),) if low < high else ()


def _prerelease_interval(lo: Key | None, lo_in: bool, hi: Key | None, hi_in: bool) -> Part:
    """The pre-releases of an interval of the full order, as a canonical part."""
    if lo is None:
        low = _MIN
    else:
        major, minor, patch, pre = lo
        if pre[0] == 0:
            low = lo if lo_in else _next_pre(lo)
        else:  # above a release x.y.z, the next pre-release is x.y.(z+1)-0
            low = (major, minor, patch + 1, _FIRST_PRE)
        if low == _LOWEST_PRE:
            low = _MIN
    if hi is None:
        high = _INF
    else:
        major, minor, patch, pre = hi
        if pre[0] == 0:
            high = _next_pre(hi) if hi_in else hi
        else:
            high = (major, minor, patch + 1, _FIRST_PRE)
        if high == _LOWEST_PRE:
            return ()  # nothing is below the lowest pre-release
    return ((low, high),) if low < high else ()


# ---------------------------------------------------------------- VersionSet


@dataclass(frozen=True, slots=True, eq=False)
class VersionSet:
    """A set of versions: canonical intervals of releases and of pre-releases.

    Build one with :meth:`any`, :meth:`empty`, :meth:`exactly`, :meth:`of`,
    :meth:`interval` or :meth:`Requirement.to_set`, and combine with the set
    operations (also spelled ``|``, ``&``, ``~`` and ``-``).  ``str()`` gives the
    requirement's text when the set is a requirement's (or an operation returned
    one of its operands unchanged), and otherwise a description in requirement
    syntax, alternatives joined by ``||``.

    ``releases`` and ``prereleases`` are the representation described in the
    module documentation (canonical intervals of precedence keys); they are
    public for inspection and hashing, not for building sets by hand.
    """

    releases: Part
    prereleases: Part
    label: str | None = field(default=None, compare=False)

    # -- construction

    @staticmethod
    def any() -> VersionSet:
        """Every version, pre-releases included."""
        return _ANY

    @staticmethod
    def empty() -> VersionSet:
        return _EMPTY

    @staticmethod
    def exactly(version: Version) -> VersionSet:
        key = version._key
        if _is_pre(key):
            return VersionSet((), _prerelease_interval(key, True, key, True))
        return VersionSet(_release_interval(key, True, key, True), ())

    @staticmethod
    def of(versions: Iterable[Version]) -> VersionSet:
        """The finite set of ``versions``."""
        result = _EMPTY
        for v in versions:
            result = result.union(VersionSet.exactly(v))
        return result

    @staticmethod
    def interval(
        lower: Version | None = None,
        upper: Version | None = None,
        *,
        lower_inclusive: bool = True,
        upper_inclusive: bool = False,
        prereleases: bool = True,
    ) -> VersionSet:
        """The versions between two bounds in SemVer order (None: unbounded).

        With ``prereleases=False`` only the releases in the interval.
        """
        lo = lower._key if lower is not None else None
        hi = upper._key if upper is not None else None
        rel = _release_interval(lo, lower_inclusive, hi, upper_inclusive)
        pre = _prerelease_interval(lo, lower_inclusive, hi, upper_inclusive) if prereleases else ()
        return VersionSet(rel, pre)

    def with_label(self, label: str | None) -> VersionSet:
        """The same set, printed as ``label``."""
        return VersionSet(self.releases, self.prereleases, label)

    # -- queries

    @property
    def is_empty(self) -> bool:
        return not self.releases and not self.prereleases

    @property
    def is_any(self) -> bool:
        return self.releases == _FULL and self.prereleases == _FULL

    def contains(self, version: Version) -> bool:
        key = version._key
        return _part_contains(self.prereleases if _is_pre(key) else self.releases, key)

    def __contains__(self, version: object) -> bool:
        return isinstance(version, Version) and self.contains(version)

    def allows_all(self, other: VersionSet) -> bool:
        """Whether ``other`` is a subset of this set."""
        return _subset(other.releases, self.releases) and _subset(
            other.prereleases, self.prereleases
        )

    def allows_any(self, other: VersionSet) -> bool:
        """Whether ``other`` and this set have a version in common."""
        return not (
            _disjoint(self.releases, other.releases)
            and _disjoint(self.prereleases, other.prereleases)
        )

    def single_version(self) -> Version | None:
        """The only member, if the set has exactly one."""
        if len(self.releases) + len(self.prereleases) != 1:
            return None
        if self.releases:
            lo, hi = self.releases[0]
            if lo == _MIN:
                lo = _LOWEST_RELEASE
            if hi == _INF or hi != (lo[0], lo[1], lo[2] + 1, _RELEASE):
                return None
            return _key_version(lo)
        lo, hi = self.prereleases[0]
        if lo == _MIN:
            lo = _LOWEST_PRE
        return _key_version(lo) if hi == _next_pre(lo) else None

    # -- operations

    def union(self, other: VersionSet) -> VersionSet:
        if self is other or other.is_empty:
            return self
        if self.is_empty:
            return other
        return self._result(
            other,
            _union(self.releases, other.releases),
            _union(self.prereleases, other.prereleases),
        )

    def intersection(self, other: VersionSet) -> VersionSet:
        if self is other:
            return self
        return self._result(
            other,
            _intersection(self.releases, other.releases),
            _intersection(self.prereleases, other.prereleases),
        )

    def complement(self) -> VersionSet:
        if self.is_empty:
            return _ANY
        if self.is_any:
            return _EMPTY
        return VersionSet(_complement(self.releases), _complement(self.prereleases))

    def difference(self, other: VersionSet) -> VersionSet:
        if other.is_empty:
            return self
        return self._result(
            other,
            _intersection(self.releases, _complement(other.releases)),
            _intersection(self.prereleases, _complement(other.prereleases)),
        )

    def _result(self, other: VersionSet, rel: Part, pre: Part) -> VersionSet:
        """A new set, or an operand when equal to it (so its label survives)."""
        if rel == self.releases and pre == self.prereleases:
            return self
        if rel == other.releases and pre == other.prereleases:
            return other
        if not rel and not pre:
            return _EMPTY
        return VersionSet(rel, pre)

    __or__ = union
    __and__ = intersection
    __sub__ = difference

    def __invert__(self) -> VersionSet:
        return self.complement()

    # -- identity and text

    def __eq__(self, other: object) -> bool:
        if isinstance(other, VersionSet):
            return self.releases == other.releases and self.prereleases == other.prereleases
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self.releases, self.prereleases))

    def __repr__(self) -> str:
        return f"VersionSet({str(self)!r})"

    def __str__(self) -> str:
        if self.label is not None:
            return self.label
        return _describe(self.releases, self.prereleases)


_ANY: Final = VersionSet(_FULL, _FULL)
_EMPTY: Final = VersionSet((), ())


@dataclass(slots=True)
class _Piece:
    """One interval of a set as requirement text, with what it may be joined to."""

    start: Key
    lower: str  # ">=1.0.0", or "" when unbounded below
    upper: str  # "<2.0.0", or "" when unbounded above
    text: str | None = None  # the whole piece, when it reads better ("=1.0.0", "*")
    release: bool = False
    ends_before: Key | None = None  # releases stopping right before this release
    leads_to: Key | None = None  # pre-releases of x.y.z running up to release x.y.z
    starts_below: Key | None = None  # pre-releases of x.y.z starting at x.y.z-0

    def render(self) -> str:
        if self.text is not None:
            return self.text
        return ", ".join(t for t in (self.lower, self.upper) if t)


def _describe(rel: Part, pre: Part) -> str:
    """Requirement-like text for a set: ``>=1.2.0, <2.0.0 || =3.0.0-rc.1``.

    Each interval reads as a requirement with exactly its versions (the
    pre-release rule included); alternatives are joined by ``||``.  A run of
    pre-releases of x.y.z that touches an interval of releases at x.y.z is
    written together with it, as ``>=1.0.0-rc.1, <2.0.0``.
    """
    if not rel and not pre:
        return "<none>"
    if rel == _FULL and pre == _FULL:
        return "any"
    pieces = [_release_piece(lo, hi) for lo, hi in rel]
    if pre != _FULL:
        pieces += [_prerelease_piece(lo, hi) for lo, hi in pre]
    pieces.sort(key=lambda p: p.start)
    merged: list[_Piece] = []
    for piece in pieces:
        last = merged[-1] if merged else None
        if last is None:
            merged.append(piece)
        elif piece.release and last.leads_to is not None and piece.start == last.leads_to:
            merged[-1] = _Piece(
                last.start, last.lower, piece.upper, release=True, ends_before=piece.ends_before
            )
        elif last.ends_before is not None and last.ends_before == piece.starts_below:
            merged[-1] = _Piece(last.start, last.lower, piece.upper)
        else:
            merged.append(piece)
    texts = [p.render() for p in merged]
    if pre == _FULL:
        texts.append("any pre-release")
    return " || ".join(texts)


def _release_piece(lo: Key, hi: Key) -> _Piece:
    if lo == _MIN and hi == _INF:
        return _Piece(lo, "", "", text="*")
    lower = "" if lo == _MIN else f">={_key_version(lo)}"
    upper = "" if hi == _INF else f"<{_key_version(hi)}"
    ends_before = None if hi == _INF else hi
    start = _LOWEST_RELEASE if lo == _MIN else lo
    single = None
    if hi != _INF and hi == (start[0], start[1], start[2] + 1, _RELEASE):
        single = f"={_key_version(start)}"
    return _Piece(lo, lower, upper, text=single, release=True, ends_before=ends_before)


def _prerelease_piece(lo: Key, hi: Key) -> _Piece:
    start = _LOWEST_PRE if lo == _MIN else lo
    triple = _triple(start)
    release = _release_key(*triple)
    end_of_triple = _first_pre_key(triple[0], triple[1], triple[2] + 1)
    if hi == _INF or (hi != end_of_triple and _triple(hi) != triple):
        # Spans the pre-releases of several versions: no requirement says that.
        bounds = ", ".join(t for t in (_pre_lower(lo), _pre_upper(hi)) if t)
        return _Piece(lo, "", "", text=f"pre-releases {bounds}".rstrip())
    # Name a pre-release of x.y.z in the lower bound: the pre-release rule needs it.
    lower = _pre_lower(start) if start != _first_pre_key(*triple) else f">={_key_version(start)}"
    if hi == _next_pre(start):
        return _Piece(lo, lower, f"<={_key_version(start)}", text=f"={_key_version(start)}")
    if hi == end_of_triple:
        return _Piece(lo, lower, f"<{_key_version(release)}", leads_to=release)
    head = release if start == _first_pre_key(*triple) else None
    return _Piece(lo, lower, _pre_upper(hi), starts_below=head)


def _pre_lower(lo: Key) -> str:
    """A lower bound among pre-releases as text; ``x.y.(z+1)-0`` reads ``>x.y.z``."""
    if lo == _MIN:
        return ""
    major, minor, patch, pre = lo
    if pre == _FIRST_PRE and patch > 0:
        return f">{_key_version(_release_key(major, minor, patch - 1))}"
    if len(pre) > 2 and pre[-1] == _ZERO_ID:
        return f">{_key_version((major, minor, patch, pre[:-1]))}"
    return f">={_key_version(lo)}"


def _pre_upper(hi: Key) -> str:
    """An upper bound among pre-releases as text; ``x.y.(z+1)-0`` reads ``<x.y.z``
    (pre-releases below the release x.y.z include those of x.y.z)."""
    if hi == _INF:
        return ""
    major, minor, patch, pre = hi
    if pre == _FIRST_PRE and patch > 0:
        return f"<{_key_version(_release_key(major, minor, patch - 1))}"
    if len(pre) > 2 and pre[-1] == _ZERO_ID:
        return f"<={_key_version((major, minor, patch, pre[:-1]))}"
    return f"<{_key_version(hi)}"


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
