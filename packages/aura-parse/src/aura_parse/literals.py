"""Decoding and checking of literal tokens: numbers, strings and bytes.

The lexer accepts a generous shape for each literal so that a malformed one
reaches this module whole and gets a precise message (E0004-E0006, E0015,
E0020) instead of a generic syntax error on half a token.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from aura_core.types import FIXED_WIDTH, fixed_width_range

__all__ = [
    "INT_RANGES",
    "LiteralError",
    "NumberParts",
    "StringPiece",
    "decode_bytes",
    "float_value",
    "int_value",
    "scan_string",
    "split_number",
]

#: Inclusive value range of each fixed-width integer suffix.
INT_RANGES: dict[str, tuple[int, int]] = {name: fixed_width_range(name) for name in FIXED_WIDTH}


class LiteralError(Exception):
    """A bad literal; ``start``/``end`` are offsets relative to the token."""

    def __init__(self, code: str, message: str, start: int, end: int, help: str | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.start = start
        self.end = end
        self.help = help


@dataclass(frozen=True, slots=True)
class NumberParts:
    text: str  # the spelling without the suffix
    suffix: str | None


# Binary and octal spellings take any decimal digit, so that `0b102` is one token
# with a bad digit (E0015) rather than `0b10` followed by a stray `2`.
_INT_SPELLING = re.compile(r"(0x[0-9A-Fa-f_]+|0o[0-9_]+|0b[0-9_]+|[0-9][0-9_]*)(.*)", re.S)
_RADIX_NAMES = {"x": "hexadecimal", "o": "octal", "b": "binary"}
_FLOAT_SPELLING = re.compile(
    r"([0-9][0-9_]*(?:\.[0-9][0-9_]*(?:[eE][+-]?[0-9]+)?|[eE][+-]?[0-9]+))(.*)", re.S
)


def split_number(token: str, is_float: bool) -> NumberParts:
    """Separate a numeric token's digits from its identifier-like suffix."""
    m = (_FLOAT_SPELLING if is_float else _INT_SPELLING).fullmatch(token)
    if m is None:  # the lexer's patterns guarantee a match
        raise ValueError(token)
    return NumberParts(m.group(1), m.group(2) or None)


#: The most digits an integer literal may have (``docs/reference/syntax.md``,
#: Limits): decimal digits cost quadratic time to convert, so a literal that
#: fills a source file would stall every command that reads it.
MAX_INT_DIGITS = 100_000

#: Decimal strings longer than this are converted in pieces, below Python's
#: limit on ``int(str)`` (``sys.get_int_max_str_digits``, 4300 by default).
_DECIMAL_PIECE = 4000


def _decimal(digits: str) -> int:
    """``int(digits)``, whatever Python's limit on decimal strings is set to."""
    if len(digits) <= _DECIMAL_PIECE:
        return int(digits)
    low = len(digits) // 2
    scale: int = 10**low
    return _decimal(digits[:-low]) * scale + _decimal(digits[-low:])


def int_value(text: str) -> int:
    """The value of an integer spelling (``0xFF``, ``1_000``); ValueError if malformed."""
    digits = text.replace("_", "")
    base = 10
    if digits[:2] in ("0x", "0X"):
        base, digits = 16, digits[2:]
    elif digits[:2] == "0b":
        base, digits = 2, digits[2:]
    elif digits[:2] == "0o":
        base, digits = 8, digits[2:]
    if not digits:
        raise ValueError(text)
    if base == 10 and digits.isascii() and digits.isdigit():
        return _decimal(digits)
    return int(digits, base)


def int_spelling_problem(parts: NumberParts) -> str | None:
    """Why an integer token is malformed beyond its suffix, in words; None if it is not.

    The lexer reads `0x`, `1e` and `0b102` as numbers with odd suffixes or digits;
    these say what the writer most likely meant instead of "invalid suffix `x`".
    """
    text, suffix = parts.text, parts.suffix or ""
    digits = len(text) - text.count("_")
    if digits > MAX_INT_DIGITS:
        return f"integer literal has {digits} digits, more than the {MAX_INT_DIGITS} allowed"
    if text == "0" and suffix[:1] in _RADIX_NAMES:
        radix = _RADIX_NAMES[suffix[0]]
        return f"`0{suffix[0]}` is not followed by any {radix} digits"
    if text.replace("_", "").isdigit() and suffix[:1] in ("e", "E") and suffix[1:] in ("", "_"):
        return f"float literal `{text}{suffix}` has no digits in its exponent"
    prefix = text[:2]
    if prefix in ("0b", "0o"):
        limit = "1" if prefix == "0b" else "7"
        bad = next((ch for ch in text[2:] if ch.isdigit() and ch > limit), None)
        if bad is not None:
            radix = _RADIX_NAMES[prefix[1]]
            return f"invalid digit `{bad}` in {radix} literal `{text}`"
    return None


def float_value(text: str) -> float:
    return float(text.replace("_", ""))


@dataclass(frozen=True, slots=True)
class StringPiece:
    """Either literal text (``interp`` False) or an interpolation's source.

    ``start``/``end`` are offsets into the string's contents (between quotes);
    ``value`` is the decoded text, or the expression's source.
    """

    interp: bool
    value: str
    start: int
    end: int


_SIMPLE_ESCAPES = {
    "n": "\n",
    "r": "\r",
    "t": "\t",
    "0": "\0",
    "\\": "\\",
    '"': '"',
    "{": "{",
    "}": "}",
}


def scan_string(body: str) -> list[StringPiece]:
    """Split a string literal's contents into text and interpolations.

    Raises :class:`LiteralError` for a bad escape (E0005) or a stray or
    unclosed brace (E0020).  Interpolated source is returned undecoded.
    """
    pieces: list[StringPiece] = []
    buf: list[str] = []
    text_start = 0
    i = 0
    n = len(body)
    while i < n:
        ch = body[i]
        if ch == "\\":
            decoded, width = _escape(body, i, unicode=True)
            buf.append(decoded)
            i += width
        elif ch == "{":
            close = body.find("}", i + 1)
            inner_open = body.find("{", i + 1)
            if close == -1 or (inner_open != -1 and inner_open < close):
                raise LiteralError(
                    "E0020",
                    "unclosed `{` in string literal",
                    i,
                    i + 1,
                    "write `\\{` for a literal brace",
                )
            if not body[i + 1 : close].strip():
                raise LiteralError(
                    "E0020",
                    "empty interpolation `{}`",
                    i,
                    close + 1,
                    "put an expression between the braces, or write `\\{\\}`",
                )
            if buf or i > text_start:
                pieces.append(StringPiece(False, "".join(buf), text_start, i))
            pieces.append(StringPiece(True, body[i + 1 : close], i + 1, close))
            buf = []
            i = close + 1
            text_start = i
        elif ch == "}":
            raise LiteralError(
                "E0020",
                "unmatched `}` in string literal",
                i,
                i + 1,
                "write `\\}` for a literal brace",
            )
        else:
            buf.append(ch)
            i += 1
    if buf or text_start < n or not pieces:
        pieces.append(StringPiece(False, "".join(buf), text_start, n))
    return pieces


def decode_bytes(body: str) -> bytes:
    """Decode a bytes literal's contents: ASCII text and escapes, ``\\xNN`` included."""
    out = bytearray()
    i = 0
    while i < len(body):
        ch = body[i]
        if ch == "\\":
            if body[i + 1 : i + 2] == "x":
                hexdigits = body[i + 2 : i + 4]
                if len(hexdigits) != 2 or not all(c in "0123456789abcdefABCDEF" for c in hexdigits):
                    raise LiteralError(
                        "E0005",
                        "invalid `\\x` escape: expected two hex digits",
                        i,
                        i + 2 + len(hexdigits),
                    )
                out.append(int(hexdigits, 16))
                i += 4
                continue
            decoded, width = _escape(body, i, unicode=False)
            out += decoded.encode()
            i += width
        elif ord(ch) > 127:
            raise LiteralError(
                "E0005",
                "non-ASCII character in bytes literal",
                i,
                i + 1,
                "write the byte as `\\xNN`",
            )
        else:
            out.append(ord(ch))
            i += 1
    return bytes(out)


def _escape(body: str, i: int, unicode: bool) -> tuple[str, int]:
    """Decode the escape at ``body[i]`` (a backslash): (text, characters consumed)."""
    nxt = body[i + 1 : i + 2]
    if nxt in _SIMPLE_ESCAPES:
        return _SIMPLE_ESCAPES[nxt], 2
    if nxt == "u" and unicode:
        if body[i + 2 : i + 3] != "{":
            raise LiteralError(
                "E0005", "invalid unicode escape", i, i + 2, "write it as `\\u{1F600}`"
            )
        close = body.find("}", i + 3)
        digits = body[i + 3 : close] if close != -1 else ""
        if (
            close == -1
            or not 1 <= len(digits) <= 6
            or not all(c in "0123456789abcdefABCDEF" for c in digits)
        ):
            raise LiteralError(
                "E0005",
                "invalid unicode escape",
                i,
                close + 1 if close != -1 else i + 2,
                "write 1 to 6 hex digits: `\\u{1F600}`",
            )
        code = int(digits, 16)
        if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            raise LiteralError(
                "E0005", f"`\\u{{{digits}}}` is not a unicode scalar value", i, close + 1
            )
        return chr(code), close + 1 - i
    shown = nxt if nxt else "end of string"
    raise LiteralError(
        "E0005",
        f"unknown escape sequence `\\{shown}`",
        i,
        i + 1 + len(nxt),
        'valid escapes are \\n \\r \\t \\0 \\\\ \\" \\{ \\} \\u{...}',
    )
