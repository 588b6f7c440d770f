"""SemVer 2.0.0 versions and their precedence keys."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any, Final, TypeAlias

import semver

__all__ = ["RequirementError", "Version", "VersionError"]


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
