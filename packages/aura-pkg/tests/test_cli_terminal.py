"""What a registry says reaches the terminal only as printable text.

A package description (or an owner, or a registry's error message) may carry
escape sequences: an OSC 8 hyperlink whose text says one thing and whose target
another, a ``\\r`` that overwrites the line before, a right-to-left override that
makes a name read backwards.  ``aura pkg`` shows each such character escaped.
"""

from __future__ import annotations

from test_cli import World, home, run, world, write_package

from aura_pkg.cli._common import printable

__all__ = ["home", "world"]  # fixtures, used by name

HOSTILE = "\x1b]8;;https://evil.example\x07docs\x1b]8;;\x07 \r\u202eevil\u202c \x9b2J"


def test_printable_escapes_controls_and_bidirectional_overrides() -> None:
    shown = printable(HOSTILE)
    assert shown == (
        "\\u{1b}]8;;https://evil.example\\u{7}docs\\u{1b}]8;;\\u{7} \\u{d}\\u{202e}evil"
        "\\u{202c} \\u{9b}2J"
    )
    assert printable("two\nlines\tand tabs") == "two\nlines\tand tabs"
    assert printable("two\nlines", one_line=True) == "two\\u{a}lines"
    assert printable("naïve café ✓") == "naïve café ✓"


def test_search_shows_a_hostile_description_escaped(world: World) -> None:
    toml_text = HOSTILE.encode("unicode_escape").decode().replace("\\x", "\\u00")
    source = write_package(
        world.tmp / "published" / "hostile", "hostile", extra=f'description = "{toml_text}"'
    )
    run("publish", "--project", source)
    out = run("search", "hostile").stdout
    assert "\x1b" not in out and "\r" not in out and "\u202e" not in out and "\x9b" not in out
    assert "\\u{1b}]8;;https://evil.example" in out
