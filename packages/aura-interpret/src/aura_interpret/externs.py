"""The runtime's implementations of ``extern cell``\\ s and prelude functions.

:data:`EXTERNS` is the one registry: full name (``std::io::println``) to
:class:`Extern`.  Every back end provides exactly these names with exactly
this behaviour; ``docs/reference/runtime.md`` lists them for the native
backend to mirror.  A program calling an extern that is not registered is
rejected before it runs.

An implementation is made per run by ``bind(host)``: the :class:`Host` holds
what the run may touch (its streams, arguments and environment), so a test can
capture output and nothing is global.  Values follow
:mod:`aura_interpret.values` (``Option`` is ``(0, x)`` / ``(1,)``, ``Result``
``(0, x)`` / ``(1, e)``, ``Unit`` is ``None``).  Externs marked ``text_args``
take their arguments already in text form (spec section 7.4): they are generic
in Aura (``println<T>(x: T)``), and the caller knows the type.
"""

from __future__ import annotations

import math
import os
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TextIO

from aura_interpret.panics import panic
from aura_interpret.rt_numbers import f64_sqrt
from aura_interpret.values import Vec

__all__ = ["EXTERNS", "Extern", "Host", "StreamError", "f64_pow", "valid_utf8"]

NONE = (1,)


class StreamError(Exception):
    """A write to stdout or stderr failed: the run ends (``docs/reference/runtime.md``).

    Not a panic (the program did nothing wrong) and not an internal error: the
    engine ends the process as :func:`aura_core.cli_support.end_on_write_error`
    says, the same way the native runtime does.
    """

    def __init__(self, stream: str, error: OSError) -> None:
        super().__init__(f"cannot write to {stream}: {error.strerror or error}")
        self.stream = stream
        self.error = error


def valid_utf8(text: str) -> bool:
    """Whether ``text`` came from valid UTF-8.

    Python decodes arguments and environment variables with ``surrogateescape``,
    so each byte that is not UTF-8 became a lone surrogate, which no UTF-8 text
    contains.
    """
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _write(host: Host, stream: str, text: str) -> None:
    out = host.stdout if stream == "stdout" else host.stderr
    try:
        out.write(text)
        if stream == "stderr":
            out.flush()
    except OSError as e:
        raise StreamError(stream, e) from None


@dataclass
class Host:
    """What one run's externs may touch.  Fields are read at each call."""

    stdout: TextIO = field(default_factory=lambda: sys.stdout)
    stderr: TextIO = field(default_factory=lambda: sys.stderr)
    stdin: TextIO = field(default_factory=lambda: sys.stdin)
    args: list[str] = field(default_factory=list)
    environ: Mapping[str, str] = field(default_factory=lambda: os.environ)


@dataclass(frozen=True, slots=True)
class Extern:
    """One runtime-provided cell: its name, calling convention and implementation."""

    name: str
    signature: str
    text_args: bool
    bind: Callable[[Host], Callable[..., object]]
    doc: str


def _print(host: Host) -> Callable[[str], None]:
    def print_(text: str) -> None:
        _write(host, "stdout", text)

    return print_


def _println(host: Host) -> Callable[[str], None]:
    def println(text: str) -> None:
        _write(host, "stdout", text + "\n")

    return println


def _eprintln(host: Host) -> Callable[[str], None]:
    def eprintln(text: str) -> None:
        try:
            host.stdout.flush()
        except OSError as e:
            raise StreamError("stdout", e) from None
        _write(host, "stderr", text + "\n")

    return eprintln


def _panic(host: Host) -> Callable[[str], None]:
    return panic


def _read_line(host: Host) -> Callable[[], object]:
    # Bytes, a line at a time, as the native runtime reads them: a text stream
    # decodes ahead, so a bad byte on a later line would fail this one.
    def read_line() -> object:
        raw = getattr(host.stdin, "buffer", None)
        try:
            data = raw.readline() if raw is not None else host.stdin.readline()
        except OSError as e:
            panic(f"cannot read stdin: {e.strerror or e}")
        if not data:
            return NONE
        if isinstance(data, bytes):
            try:
                line = data.decode("utf-8")
            except UnicodeDecodeError:
                panic("read_line: stdin is not valid UTF-8")
        else:
            line = data
        if line.endswith("\n"):
            line = line[:-1]
            if line.endswith("\r"):
                line = line[:-1]
        return (0, line)

    return read_line


def _read_file(host: Host) -> Callable[[str], object]:
    def read_file(path: str) -> object:
        try:
            with open(path, encoding="utf-8", newline="") as f:
                return (0, f.read())
        except OSError as e:
            return (1, f"{path}: {e.strerror or e}")
        except UnicodeDecodeError:
            return (1, f"{path}: the file is not valid UTF-8")

    return read_file


def _write_file(host: Host) -> Callable[[str, str], object]:
    def write_file(path: str, text: str) -> object:
        try:
            with open(path, "w", encoding="utf-8", newline="") as f:
                f.write(text)
        except OSError as e:
            return (1, f"{path}: {e.strerror or e}")
        return (0, None)

    return write_file


def _args(host: Host) -> Callable[[], object]:
    def args() -> object:
        for i, arg in enumerate(host.args, 1):
            if not valid_utf8(arg):  # as Rust's `std::env::args()`, which panics
                panic(f"argument {i} is not valid UTF-8")
        return Vec(list(host.args))

    return args


def _var(host: Host) -> Callable[[str], object]:
    def var(name: str) -> object:
        value = host.environ.get(name)
        # Not valid UTF-8: None, as Rust's `std::env::var(name).ok()`.
        return NONE if value is None or not valid_utf8(value) else (0, value)

    return var


def f64_pow(base: float, exponent: float) -> float:
    """IEEE ``pow`` (C99 Annex F): NaN and infinities instead of Python's exceptions."""
    try:
        return math.pow(base, exponent)
    except OverflowError:
        odd = exponent.is_integer() and exponent % 2 == 1
        return -math.inf if base < 0 and odd else math.inf
    except ValueError:
        if base == 0.0 and exponent < 0:  # a pole: ±inf by the sign of zero for odd powers
            odd = exponent.is_integer() and exponent % 2 == 1
            return math.copysign(math.inf, base) if odd else math.inf
        return math.nan


def _const(fn: Callable[..., object]) -> Callable[[Host], Callable[..., object]]:
    return lambda host: fn


def _now_ms() -> int:
    return time.time_ns() // 1_000_000


_ALL = [
    Extern("print", "print<T>(x: T)", True, _print, "Writes the text form of `x` to stdout."),
    Extern("println", "println<T>(x: T)", True, _println, "`print`, then a line break."),
    Extern("panic", "panic(msg: String)", False, _panic, "Stops the program with a panic."),
    Extern("std::io::print", "print<T>(x: T)", True, _print, "As the prelude's `print`."),
    Extern("std::io::println", "println<T>(x: T)", True, _println, "As the prelude's `println`."),
    Extern(
        "std::io::eprintln",
        "eprintln<T>(x: T)",
        True,
        _eprintln,
        "The text form of `x` and a line break, to stderr (stdout is flushed first).",
    ),
    Extern(
        "std::io::read_line",
        "read_line() -> Option<String>",
        False,
        _read_line,
        "The next line of stdin without its `\\n` (or `\\r\\n`); None at the end.",
    ),
    Extern(
        "std::io::read_file",
        "read_file(path: String) -> Result<String, String>",
        False,
        _read_file,
        "The file's text (UTF-8, line endings kept), or Err(`PATH: reason`).",
    ),
    Extern(
        "std::io::write_file",
        "write_file(path: String, text: String) -> Result<Unit, String>",
        False,
        _write_file,
        "Replaces the file's content with `text` (UTF-8), or Err(`PATH: reason`).",
    ),
    Extern(
        "std::math::sqrt",
        "sqrt(x: f64) -> f64",
        False,
        _const(f64_sqrt),
        "IEEE square root (NaN below zero).",
    ),
    Extern(
        "std::math::pow",
        "pow(base: f64, exponent: f64) -> f64",
        False,
        _const(f64_pow),
        "IEEE `pow`: NaN and infinities, never an error.",
    ),
    Extern(
        "std::env::args",
        "args() -> Vec<String>",
        False,
        _args,
        "The arguments after the program's name.",
    ),
    Extern(
        "std::env::var",
        "var(name: String) -> Option<String>",
        False,
        _var,
        "The environment variable, if set.",
    ),
    Extern(
        "std::time::now_ms",
        "now_ms() -> i64",
        False,
        _const(_now_ms),
        "Milliseconds since the Unix epoch (system clock).",
    ),
    Extern(
        "std::time::monotonic_ns",
        "monotonic_ns() -> i64",
        False,
        _const(time.monotonic_ns),
        "Nanoseconds of a monotonic clock with an unspecified origin.",
    ),
]

#: Every extern the runtime provides, by full name.
EXTERNS: Mapping[str, Extern] = {e.name: e for e in _ALL}
