"""Values written as Aura source text (in messages, counterexamples, witnesses)."""

from __future__ import annotations

__all__ = ["string_literal"]


def string_literal(s: str) -> str:
    """``s`` as an Aura string literal: escapes, and braces that would interpolate."""
    out = ['"']
    for ch in s:
        if ch in '\\"{}':
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\0":
            out.append("\\0")
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{{{ord(ch):X}}}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)
