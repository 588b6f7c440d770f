"""Text beyond Z3's alphabet (characters above U+2FFFF, `docs/reference/verification.md`).

Z3's characters stop at U+2FFFF, so its own string order would prove that a
one-character string is at most "\\u{2FFFF}", and a literal beyond the alphabet
has no exact Z3 value.  Neither may make a cell that panics `verified`.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from aura_verify import CellResult

VerifyText = Callable[[str], list[CellResult]]

BEYOND = [
    # A literal beyond the alphabet, compared with the alphabet's last character.
    'cell f() -> i64:\n    val s = "\\u{E0001}"\n'
    '    if s.chars().len() == 1 and s > "\\u{2FFFF}":\n        panic("beyond")\n'
    "    return 0\n",
    # A property of an unconstrained string that holds only within the alphabet.
    "cell f(s: String) -> i64:\n    requires s.chars().len() == 1\n"
    '    if s > "\\u{2FFFF}":\n        panic("beyond")\n    return 0\n',
    "cell f(s: String) -> i64:\n    requires s.chars().len() == 1\n"
    '    assert s <= "\\u{2FFFF}"\n    return 0\n',
]


@pytest.mark.parametrize(
    ("text", "named"),
    list(zip(BEYOND, ["beyond U+2FFFF", *["the order of strings"] * 2], strict=True)),
    ids=["literal", "panic", "assert"],
)
def test_orders_beyond_the_alphabet_are_not_verified(
    verify_text: VerifyText, text: str, named: str
) -> None:
    # The counterexample rests on what is modelled in part: `unknown`, naming it.
    (cell,) = verify_text(text)
    assert cell.status == "unknown", [f.message for f in cell.failures]
    (failure,) = cell.failures
    assert named in failure.message


def test_characters_beyond_the_alphabet_are_distinct(verify_text: VerifyText) -> None:
    text = (
        "cell f(s: String) -> i64:\n"
        '    assert "\\u{E0001}" != "\\u{E0002}"\n'
        '    assert ("a\\u{E0001}" + s).starts_with("a")\n'
        '    assert "x\\u{E0001}y".len() == 6\n'
        '    assert not ("\\u{E0001}" < "\\u{30000}")\n'
        "    return 0\n"
    )
    assert [c.status for c in verify_text(text)] == ["verified"]
