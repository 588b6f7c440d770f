"""Unicode case mappings for the runtime's ``to_upper`` / ``to_lower``.

The interpreter maps case with Python's ``str.upper``/``str.lower`` (Unicode full
case mappings, as Rust's ``to_uppercase``); the native runtime uses the same
tables, generated from this Python's Unicode database into ``aura_case.h``
when the runtime is compiled (the database's version is part of the runtime's
cache key).
"""

from __future__ import annotations

from functools import cache

__all__ = ["case_header"]


def _table(name: str, pairs: list[tuple[int, str]]) -> list[str]:
    rows = [
        f"{{0x{cp:X}, {{{', '.join(f'0x{ord(c):X}' for c in (out + chr(0) * 3)[:3])}}}}}"
        for cp, out in pairs
    ]
    lines = [f"static const AuraCase {name}[{len(rows)}] = {{"]
    lines += [f"    {row}," for row in rows]
    lines.append("};")
    return lines


@cache
def case_header() -> str:
    upper = [(c, chr(c).upper()) for c in range(0x110000) if chr(c).upper() != chr(c)]
    lower = [(c, chr(c).lower()) for c in range(0x110000) if chr(c).lower() != chr(c)]
    lines = [
        "/* Generated from the Unicode database by aura_backend_llvm.casetable. */",
        "typedef struct AuraCase { uint32_t cp; uint32_t out[3]; } AuraCase;",
        *_table("aura_upper", upper),
        *_table("aura_lower", lower),
        "",
    ]
    return "\n".join(lines)
