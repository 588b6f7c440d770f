"""The ``String`` methods of spec section 6.

Aura strings are Python ``str``.  Positions (``len``, ``find``, ``slice``)
count bytes of the UTF-8 encoding; for ASCII text (``str.isascii`` is a flag
lookup in CPython) bytes and characters coincide and no encoding happens.
``trim`` and ``split`` follow Rust's ``str`` methods: whitespace is Unicode's
``White_Space`` property, and splitting on ``""`` yields the empty string, each
character, and the empty string again.
"""

from __future__ import annotations

import re
from typing import NoReturn

from aura_interpret.panics import panic
from aura_interpret.values import Vec

__all__ = [
    "from_bytes",
    "s_bytes",
    "s_chars",
    "s_find",
    "s_len",
    "s_parse_float",
    "s_parse_int",
    "s_repeat",
    "s_slice",
    "s_split",
    "s_trim",
]

NONE = (1,)

#: Unicode White_Space, which Rust's ``trim`` removes (Python's ``isspace`` differs).
WHITE_SPACE = (
    "\t\n\x0b\x0c\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
    "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
_INT = re.compile(r"[+-]?[0-9]+")
_FLOAT = re.compile(
    r"[+-]?(?:(?i:inf|infinity|nan)|(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)"
)
_I64_MIN, _I64_MAX = -(1 << 63), (1 << 63) - 1


def s_len(s: str) -> int:
    return len(s) if s.isascii() else len(s.encode())


def s_find(s: str, t: str) -> tuple[int] | tuple[int, int]:
    i = s.find(t)
    if i < 0:
        return NONE
    return (0, i) if s.isascii() else (0, len(s[:i].encode()))


def s_slice(s: str, a: int, b: int) -> str:
    if s.isascii():
        if 0 <= a <= b <= len(s):
            return s[a:b]
        _bad_range(a, b, len(s))
    data = s.encode()
    n = len(data)
    if not 0 <= a <= b <= n:
        _bad_range(a, b, n)
    for k in (a, b):
        if k < n and data[k] & 0xC0 == 0x80:
            panic(f"byte index {k} is not a char boundary")
    return data[a:b].decode()


def _bad_range(a: int, b: int, n: int) -> NoReturn:
    if 0 <= a <= n and 0 <= b <= n:
        panic(f"string slice {a}..{b} starts after its end")
    panic(f"string slice {a}..{b} is out of bounds of a string of {n} bytes")


def s_split(s: str, sep: str) -> Vec:
    if not sep:
        return Vec(["", *s, ""])
    return Vec(s.split(sep))  # type: ignore[arg-type]


def s_trim(s: str) -> str:
    return s.strip(WHITE_SPACE)


def s_parse_int(s: str) -> tuple[int] | tuple[int, int]:
    if _INT.fullmatch(s) is None:
        return NONE
    n = int(s)
    return (0, n) if _I64_MIN <= n <= _I64_MAX else NONE


def s_parse_float(s: str) -> tuple[int] | tuple[int, float]:
    if _FLOAT.fullmatch(s) is None:
        return NONE
    return (0, float(s))


def s_bytes(s: str) -> Vec:
    return Vec(list(s.encode()))


def s_chars(s: str) -> Vec:
    return Vec(list(s))


def s_repeat(s: str, n: int) -> str:
    if n < 0:
        panic(f"cannot repeat a string {n} times")
    return s * n


def from_bytes(v: Vec) -> tuple[int] | tuple[int, str]:
    """``String::from_bytes``: the text if ``v`` is valid UTF-8."""
    try:
        return (0, bytes(v.items).decode("utf-8"))  # type: ignore[arg-type]
    except UnicodeDecodeError:
        return NONE
