"""The lexer and the grammar agree on every terminal."""

from __future__ import annotations

import pytest

from aura_core.keywords import RESERVED_WORDS
from aura_parse.lexer import LexError
from aura_parse.parser import _machine


def kinds(text: str) -> list[str]:
    lexer = _machine().lexer
    return [t.type for t in lexer.tokens(text, 0, len(text))]


def test_every_reserved_word_is_a_keyword() -> None:
    for word in RESERVED_WORDS - {"ghost"}:
        assert kinds(word) == [word.upper()], word
    assert kinds("ghost") == ["RESERVED"]
    assert kinds("results value iff") == ["NAME", "NAME", "NAME"]


def test_every_grammar_terminal_is_produced() -> None:
    sample = (
        "==> == != <= >= << >> < > += -= *= /= %= = -> + - * / % & | ^ ~ ..= .. . ? :: : , "
        '( ) [ ] { } x 1 1.5 "s" b"b"\n'
    )
    produced = set(kinds(sample)) | {w.upper() for w in RESERVED_WORDS}
    grammar = _machine().parser.terminals - {"_INDENT", "_DEDENT", "$END"}
    assert grammar - produced == set()
    assert "STRING" in grammar and "IMPLIES" in grammar


def test_longest_operator_wins() -> None:
    assert kinds("a==>b") == ["NAME", "IMPLIES", "NAME"]
    assert kinds("0..=9") == ["INT", "DOTDOTEQ", "INT"]
    assert kinds("0..n") == ["INT", "DOTDOT", "NAME"]
    assert kinds("1e5 1e5i8 2.5f64 7u8") == ["FLOAT", "FLOAT", "FLOAT", "INT"]
    assert kinds('b"x" b x') == ["BYTES", "NAME", "NAME"]


def test_comments_fold_into_newlines() -> None:
    assert kinds("a # c\n  # d\n b") == ["NAME", "_NL", "NAME"]


def test_no_token_is_an_error_with_its_offset() -> None:
    with pytest.raises(LexError) as info:
        kinds("a $")
    assert info.value.pos == 2
