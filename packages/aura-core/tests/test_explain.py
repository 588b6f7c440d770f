"""Every registered code has an explanation page, and every page belongs to a code."""

from __future__ import annotations

from importlib.resources import files

import pytest

from aura_core.codes import CODES
from aura_core.explain import documented_codes, explanation, normalize_code


def test_every_code_has_a_page_and_every_page_a_code() -> None:
    names = sorted(p.name for p in files("aura_core").joinpath("explanations").iterdir())
    assert names == sorted(f"{code}.md" for code in CODES)
    assert documented_codes() == sorted(CODES)


@pytest.mark.parametrize("code", sorted(CODES))
def test_page_shape(code: str) -> None:
    page = explanation(code)
    assert page is not None
    assert page.splitlines()[0] == f"# {code}: {CODES[code]}"
    assert "\n## Example\n" in page
    assert "\n## Fix\n" in page
    assert page.endswith("\n") and not page.endswith("\n\n")
    assert page.count("```") % 2 == 0


def test_tab_page_really_shows_a_tab() -> None:
    page = explanation("E0003")
    assert page is not None and "\n\tprintln(" in page


def test_lookup_is_case_insensitive_and_rejects_unknown_codes() -> None:
    assert explanation("e0001") == explanation("E0001")
    assert explanation("E9999") is None
    assert explanation("hello") is None
    assert explanation("../codes") is None


def test_normalize_code() -> None:
    assert normalize_code(" w0006 ") == "W0006"
    assert normalize_code("E001") is None
    assert normalize_code("X0001") is None
    assert normalize_code("E00011") is None
