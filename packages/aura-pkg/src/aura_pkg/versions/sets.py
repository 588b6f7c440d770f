"""Sets of versions: unions of intervals over releases and over pre-releases."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Final

from aura_pkg.versions.version import (
    _FIRST_PRE,
    _FULL,
    _INF,
    _LOWEST_PRE,
    _LOWEST_RELEASE,
    _MIN,
    _RELEASE,
    _ZERO_ID,
    Interval,
    Key,
    Part,
    Version,
    _first_pre_key,
    _is_pre,
    _key_version,
    _next_pre,
    _release_key,
    _triple,
)

__all__ = ["VersionSet"]
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
