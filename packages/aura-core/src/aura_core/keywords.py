"""The reserved words of the language (spec section 1).

Kept in aura-core because more than the lexer needs them: the package manager
refuses a package name that is one (its import name would be unusable).
"""

from __future__ import annotations

__all__ = ["RESERVED_WORDS"]

#: Every reserved word; `ghost` is reserved for a later version.
RESERVED_WORDS = frozenset(
    {
        "and",
        "as",
        "assert",
        "assume",
        "break",
        "cell",
        "const",
        "continue",
        "decreases",
        "elif",
        "else",
        "ensures",
        "enum",
        "exists",
        "extern",
        "false",
        "for",
        "forall",
        "ghost",
        "if",
        "import",
        "in",
        "invariant",
        "lemma",
        "match",
        "mut",
        "not",
        "old",
        "or",
        "pub",
        "pure",
        "record",
        "requires",
        "resource",
        "result",
        "return",
        "test",
        "true",
        "trusted",
        "type",
        "unsafe",
        "val",
        "where",
        "while",
    }
)
