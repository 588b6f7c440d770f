"""TOML helpers shared by the manifest, the lock file and the dependency index.

Reading uses :mod:`tomllib` (fast, exact TOML 1.0, and its syntax errors carry a
line and column).  Neither tomllib nor tomlkit records where a key sits in the
file, yet every error about a value must name its line; :class:`Locator` finds
that out with a small scanner over the (already valid) text, run only when a
problem is reported.  Writing uses :func:`toml_string` so that machine-written
files are byte-for-byte predictable, and :func:`atomic_write` so that a reader
never sees half a file.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from aura_core import SourceFile
from aura_pkg.errors import CODE_IO, CODE_TOML_SYNTAX, PackageError

__all__ = [
    "KeyPath",
    "Locator",
    "Places",
    "atomic_write",
    "key_name",
    "parse_toml",
    "toml_string",
]

KeyPath = tuple[str | int, ...]
E = TypeVar("E", bound=PackageError)

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_TOMLLIB_PLACE = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")
_ESCAPES = {"b": "\b", "t": "\t", "n": "\n", "f": "\f", "r": "\r", '"': '"', "\\": "\\"}


def key_name(path: KeyPath) -> str:
    """The dotted form of a key path: ``package[2].checksum``, ``dependencies."a.b"``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
            continue
        text = part if _BARE_KEY.fullmatch(part) else toml_string(part)
        out += f".{text}" if out else text
    return out


def toml_string(value: str) -> str:
    """``value`` as a TOML basic string, escaping only what must be escaped."""
    out = ['"']
    for ch in value:
        if ch in ('"', "\\"):
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\r":
            out.append("\\r")
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def parse_toml(
    text: str, file: str, error: Callable[..., PackageError] = PackageError
) -> dict[str, Any]:
    """Parse ``text``; a syntax error becomes ``error`` with file, line, column and key."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        line: int | None = None
        column: int | None = None
        m = _TOMLLIB_PLACE.search(message)
        if m is not None:
            line, column = int(m.group(1)), int(m.group(2))
            message = message[: m.start()]
        elif message.endswith("(at end of document)"):
            message = message.removesuffix("(at end of document)").rstrip()
            line = text.count("\n") + 1
        key = Locator(text).key_at_line(line) if line is not None else None
        message = f"invalid TOML: {message[:1].lower()}{message[1:]}"
        raise error(
            message, file=file, line=line, column=column, key=key, code=CODE_TOML_SYNTAX
        ) from None


def atomic_write(path: Path, data: bytes, mode: int | None = 0o644) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same directory.

    ``os.replace`` is atomic on POSIX and Windows, so readers see the old file or
    the new one, never a mix.  ``mode=None`` keeps the mode of an existing file.
    """
    if mode is None:
        try:
            mode = path.stat().st_mode & 0o7777
        except FileNotFoundError:
            mode = 0o644
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise PackageError(
            f"cannot write: {exc.strerror or exc}", file=str(path), code=CODE_IO
        ) from None
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise PackageError(
            f"cannot write: {exc.strerror or exc}", file=str(path), code=CODE_IO
        ) from None


class Places:
    """Makes errors that point at a key of one file's TOML text.

    The text is only scanned for key positions when the first error is made, so
    reading a valid file costs nothing extra.
    """

    def __init__(self, text: str, file: str) -> None:
        self.text = text
        self.file = file
        self._locator: Locator | None = None

    def place(self, path: KeyPath) -> tuple[int | None, int | None, str | None]:
        """The line, column and dotted name of ``path`` (None where unknown)."""
        if not path:
            return None, None, None
        if self._locator is None:
            self._locator = Locator(self.text)
        pos = self._locator.position(path)
        return (pos[0] if pos else None), (pos[1] if pos else None), key_name(path)

    def error(self, kind: type[E], path: KeyPath, message: str, code: str | None = None) -> E:
        line, column, key = self.place(path)
        return kind(message, file=self.file, line=line, column=column, key=key, code=code)


class Locator:
    """Where each key of a valid TOML text starts, by key path.

    Array-of-table elements and array items are addressed by index, as in the
    parsed data: ``("package", 2, "checksum")``.  The scanner is tolerant: on
    text it cannot follow it keeps what it found so far.
    """

    def __init__(self, text: str) -> None:
        self._text = text
        self._source = SourceFile("", text)
        self._positions: dict[KeyPath, int] = {}
        self._aot_last: dict[KeyPath, int] = {}
        self._i = 0
        with contextlib.suppress(IndexError, ValueError):
            self._scan()

    def position(self, path: KeyPath) -> tuple[int, int] | None:
        """1-based (line, column) of ``path``, else of its nearest located ancestor."""
        for n in range(len(path), 0, -1):
            offset = self._positions.get(path[:n])
            if offset is not None:
                pos = self._source.position(offset)
                return pos.line, pos.column
        return None

    def line(self, path: KeyPath) -> int | None:
        pos = self.position(path)
        return pos[0] if pos is not None else None

    def key_at_line(self, line: int) -> str | None:
        """The longest key path starting on ``line`` (for a syntax error's message)."""
        best: KeyPath | None = None
        for path, offset in self._positions.items():
            if self._source.position(offset).line == line and (
                best is None or len(path) > len(best)
            ):
                best = path
        return key_name(best) if best else None

    # -- the scanner ------------------------------------------------------------

    def _record(self, path: KeyPath, offset: int) -> None:
        for n in range(1, len(path) + 1):
            self._positions.setdefault(path[:n], offset)

    def _skip(self, newlines: bool) -> None:
        s = self._text
        while self._i < len(s):
            ch = s[self._i]
            if ch in " \t" or (newlines and ch in "\r\n"):
                self._i += 1
            elif newlines and ch == "#":
                end = s.find("\n", self._i)
                self._i = len(s) if end < 0 else end
            else:
                return

    def _scan(self) -> None:
        s = self._text
        table: KeyPath = ()
        while True:
            self._skip(newlines=True)
            if self._i >= len(s):
                return
            start = self._i
            if s.startswith("[[", start):
                self._i += 2
                table = self._resolve(self._key(), array=True)
                self._record(table, start)
                self._i = s.index("]]", self._i) + 2
            elif s[start] == "[":
                self._i += 1
                table = self._resolve(self._key(), array=False)
                self._record(table, start)
                self._i = s.index("]", self._i) + 1
            else:
                path = table + self._key()
                self._record(path, start)
                self._expect("=")
                self._value(path)

    def _resolve(self, keys: KeyPath, array: bool) -> KeyPath:
        path: KeyPath = ()
        for n, k in enumerate(keys):
            path = (*path, k)
            if n == len(keys) - 1 and array:
                index = self._aot_last.get(path, -1) + 1
                self._aot_last[path] = index
                return (*path, index)
            if path in self._aot_last:
                path = (*path, self._aot_last[path])
        return path

    def _expect(self, ch: str) -> None:
        self._skip(newlines=False)
        if self._text[self._i] != ch:
            raise ValueError(ch)
        self._i += 1
        self._skip(newlines=False)

    def _key(self) -> KeyPath:
        parts: list[str | int] = []
        while True:
            self._skip(newlines=False)
            parts.append(self._simple_key())
            self._skip(newlines=False)
            if self._text[self._i] != ".":
                return tuple(parts)
            self._i += 1

    def _simple_key(self) -> str:
        s = self._text
        if s[self._i] == '"':
            return self._basic_string()
        if s[self._i] == "'":
            end = s.index("'", self._i + 1)
            value = s[self._i + 1 : end]
            self._i = end + 1
            return value
        m = _BARE_KEY.match(s, self._i)
        if m is None:
            raise ValueError("key")
        self._i = m.end()
        return m.group()

    def _basic_string(self) -> str:
        s = self._text
        i = self._i + 1
        out: list[str] = []
        while s[i] != '"':
            if s[i] == "\\":
                code = s[i + 1]
                if code in "uU":
                    width = 4 if code == "u" else 8
                    out.append(chr(int(s[i + 2 : i + 2 + width], 16)))
                    i += 2 + width
                    continue
                out.append(_ESCAPES.get(code, code))
                i += 2
            else:
                out.append(s[i])
                i += 1
        self._i = i + 1
        return "".join(out)

    def _value(self, path: KeyPath) -> None:
        s = self._text
        i = self._i
        if s.startswith('"""', i) or s.startswith("'''", i):
            quote = s[i : i + 3]
            j = i + 3
            while not s.startswith(quote, j):
                if j >= len(s):
                    raise ValueError("unterminated string")
                j += 2 if (quote == '"""' and s[j] == "\\") else 1
            j += 3
            while j < len(s) and s[j] == quote[0]:
                j += 1
            self._i = j
        elif s[i] == '"':
            self._basic_string()
        elif s[i] == "'":
            self._i = s.index("'", i + 1) + 1
        elif s[i] == "[":
            self._array(path)
        elif s[i] == "{":
            self._inline_table(path)
        else:
            while self._i < len(s) and s[self._i] not in ",]}#\r\n":
                self._i += 1

    def _array(self, path: KeyPath) -> None:
        self._i += 1
        index = 0
        while True:
            self._skip(newlines=True)
            if self._text[self._i] == "]":
                self._i += 1
                return
            self._record((*path, index), self._i)
            self._value((*path, index))
            index += 1
            self._skip(newlines=True)
            if self._text[self._i] == ",":
                self._i += 1
            elif self._text[self._i] != "]":
                raise ValueError("array")

    def _inline_table(self, path: KeyPath) -> None:
        self._i += 1
        while True:
            self._skip(newlines=True)
            if self._text[self._i] == "}":
                self._i += 1
                return
            start = self._i
            inner = path + self._key()
            self._record(inner, start)
            self._expect("=")
            self._value(inner)
            self._skip(newlines=True)
            if self._text[self._i] == ",":
                self._i += 1
            elif self._text[self._i] != "}":
                raise ValueError("inline table")
