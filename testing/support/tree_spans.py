"""Every span of a syntax tree or typed program, for tests that compare two of them.

Node equality ignores spans, so "reuse gives the fresh answer, spans included"
needs the spans listed: in order, with the kind of node that holds each.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from aura_core.source import SourceFile, Span


def spans(tree: Any, out: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    """Append every span below ``tree`` to ``out`` (source files are not entered)."""
    if isinstance(tree, tuple | list):
        for x in tree:
            spans(x, out)
    elif isinstance(tree, dict):
        for k in sorted(tree, key=str):
            spans(tree[k], out)
    elif dataclasses.is_dataclass(tree) and not isinstance(tree, type):
        for f in dataclasses.fields(tree):
            value = getattr(tree, f.name)
            if isinstance(value, Span):
                out.append((type(tree).__name__, value.start, value.end))
            elif not isinstance(value, SourceFile):
                spans(value, out)
    return out
