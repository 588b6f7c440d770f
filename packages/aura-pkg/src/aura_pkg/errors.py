"""Errors and warnings of the package formats.

aura-pkg reads files a person writes (``aura.toml``) and files machines write
(``aura.lock``, archives, signed documents).  Every problem is reported with
enough context to act on it: the file, the 1-based line and column where known,
the dotted TOML key, and for archives and signatures the package.  A
:class:`PackageError` is raised; a :class:`PackageWarning` is returned beside a
result that is still usable (an unknown manifest key).

Both carry a diagnostic code so that commands can turn them into
:class:`aura_core.Diagnostic` objects with :meth:`PackageError.diagnostic`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from aura_core import Diagnostic, SourceFile, Span

__all__ = [
    "ArchiveError",
    "DepsIndexError",
    "LockfileError",
    "ManifestError",
    "PackageError",
    "PackageWarning",
    "ProofError",
    "TrustError",
]

# Codes of the package formats (a proposed E09xx/W09xx series: E01xx is the type
# checker's), to be registered in aura_core.codes.
#: malformed TOML (manifest, lock file or dependency index)
CODE_TOML_SYNTAX = "E0901"
#: a manifest key with a missing, mistyped or invalid value
CODE_MANIFEST_VALUE = "E0902"
#: a package name that breaks the naming rules
CODE_PACKAGE_NAME = "E0903"
#: a lock file that is not in the format of spec/packages.md
CODE_LOCKFILE = "E0904"
#: a corrupted, truncated, unsafe or oversized package archive
CODE_ARCHIVE = "E0905"
#: a checksum, signature, key or key-list check failed
CODE_TRUST = "E0906"
#: a transparency-log proof or tree head failed to verify
CODE_PROOF = "E0907"
#: a malformed ``.aura/deps/index.toml``
CODE_DEPS_INDEX = "E0908"
#: a file could not be read or written
CODE_IO = "E0909"
#: A registry refused a request (its answer, or what a kind of registry cannot do).
CODE_REFUSED = "E0911"
#: an unknown manifest key (warning)
CODE_UNKNOWN_KEY = "W0901"


def shown_path(file: str) -> str:
    """A path as messages show it: relative to the working directory when it lies
    below it (as the compiler's commands name files), else as it is."""
    try:
        cwd = os.getcwd()
    except OSError:
        return file
    absolute = os.path.abspath(file)
    if absolute.startswith(cwd + os.sep):
        return os.path.relpath(absolute, cwd)
    return file


def _where(file: str | None, line: int | None, column: int | None, key: str | None) -> str:
    parts = []
    if file is not None:
        place = shown_path(file)
        if line is not None:
            place += f":{line}"
            if column is not None:
                place += f":{column}"
        parts.append(place)
    if key:
        parts.append(f"`{key}`")
    return ": ".join(parts)


def _diagnostic_place(
    file: str | None, text: str | None, line: int | None, column: int | None
) -> tuple[SourceFile | None, Span | None]:
    if file is None:
        return None, None
    source = SourceFile(shown_path(file), text if text is not None else "")
    if line is None or text is None:
        return source, None
    start = source.offset(line, column or 1)
    end = start if column is not None else start + len(source.line_text(line))
    return source, Span(start, max(end, start))


class PackageError(Exception):
    """A problem that stops the operation, with where it happened and why.

    ``str(error)`` is one line: ``file:line:col: `key`: message`` with the parts
    that are known.  ``package`` names the package concerned, for errors about
    an archive or a signature rather than a file.
    """

    default_code = CODE_MANIFEST_VALUE

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        column: int | None = None,
        key: str | None = None,
        package: str | None = None,
        code: str | None = None,
        help: str | None = None,
    ) -> None:
        self.message = message
        self.help = help
        self.file = file
        self.line = line
        self.column = column
        self.key = key
        self.package = package
        self.code = code if code is not None else self.default_code
        super().__init__(str(self))

    def __str__(self) -> str:
        where = _where(self.file, self.line, self.column, self.key)
        message = self.message
        if self.package is not None and where == "":
            message = f"{self.package}: {message}"
        return f"{where}: {message}" if where else message

    def diagnostic(self, text: str | None = None) -> Diagnostic:
        """The error as a diagnostic; ``text`` is the file's text, for a span."""
        source, span = _diagnostic_place(self.file, text, self.line, self.column)
        message = self.message if not self.key else f"`{self.key}`: {self.message}"
        if self.package is not None:
            message = f"{self.package}: {message}"
        return Diagnostic.error(self.code, message, source, span, help=self.help)


class ManifestError(PackageError):
    """A malformed ``aura.toml`` or a bad value in it."""


class LockfileError(PackageError):
    """A malformed ``aura.lock``."""

    default_code = CODE_LOCKFILE


class DepsIndexError(PackageError):
    """A malformed ``.aura/deps/index.toml``."""

    default_code = CODE_DEPS_INDEX


class ArchiveError(PackageError):
    """A package archive that cannot be built or must not be extracted."""

    default_code = CODE_ARCHIVE


class TrustError(PackageError):
    """A checksum, signature, key file or key list that does not check out."""

    default_code = CODE_TRUST


class ProofError(PackageError):
    """A Merkle proof or signed tree head that does not verify."""

    default_code = CODE_PROOF


@dataclass(frozen=True, slots=True)
class PackageWarning:
    """A problem that does not stop the operation (an unknown manifest key)."""

    message: str
    file: str | None = None
    line: int | None = None
    column: int | None = None
    key: str | None = None
    code: str = CODE_UNKNOWN_KEY

    def __str__(self) -> str:
        where = _where(self.file, self.line, self.column, self.key)
        return f"{where}: {self.message}" if where else self.message

    def diagnostic(self, text: str | None = None) -> Diagnostic:
        """The warning as a diagnostic; ``text`` is the file's text, for a span."""
        source, span = _diagnostic_place(self.file, text, self.line, self.column)
        message = self.message if not self.key else f"`{self.key}`: {self.message}"
        return Diagnostic.warning(self.code, message, source, span)
