"""The pages printed by ``aura explain CODE``.

Each code of :data:`aura_core.codes.CODES` has a Markdown page
``explanations/<CODE>.md`` inside this package, so the pages ship in the wheel
and are read with :mod:`importlib.resources` wherever the package is installed
(even from a zip).  A page starts with ``# CODE: title``, the title being the
one registered in ``CODES``.
"""

from __future__ import annotations

import re
from importlib.resources import files
from importlib.resources.abc import Traversable

__all__ = ["CODE_PATTERN", "documented_codes", "explanation", "normalize_code"]

#: The shape of a diagnostic code: a series letter and four digits.
CODE_PATTERN = re.compile(r"[EVW][0-9]{4}")


def _pages() -> Traversable:
    return files("aura_core").joinpath("explanations")


def normalize_code(text: str) -> str | None:
    """``"e0003"`` -> ``"E0003"``; None when ``text`` is not shaped like a code."""
    code = text.strip().upper()
    return code if CODE_PATTERN.fullmatch(code) else None


def explanation(code: str) -> str | None:
    """The Markdown page for ``code`` (any letter case), or None if there is none."""
    normal = normalize_code(code)
    if normal is None:
        return None
    page = _pages().joinpath(f"{normal}.md")
    if not page.is_file():
        return None
    return page.read_text(encoding="utf-8")


def documented_codes() -> list[str]:
    """Every code that has a page, sorted."""
    return sorted(
        entry.name.removesuffix(".md")
        for entry in _pages().iterdir()
        if entry.name.endswith(".md") and CODE_PATTERN.fullmatch(entry.name.removesuffix(".md"))
    )
