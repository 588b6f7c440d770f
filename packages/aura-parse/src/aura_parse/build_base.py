"""What every part of the AST builder shares: the session of one parse and helpers.

The builder runs *inline* with the LALR parser (lark calls a method as each rule
is reduced), so no parse tree is ever materialised and deep inputs never recurse.
Everything a single parse needs -- the diagnostics found so far, the way back to
the parser for interpolations, the depth of nested expressions -- lives in a
:class:`BuildSession` that the parser driver installs for one parse.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

from lark import Transformer

from aura_core import ast
from aura_core.source import Span
from aura_parse.errors import SyntaxProblem
from aura_parse.lexer import Token
from aura_parse.literals import INT_RANGES

__all__ = [
    "MAX_EXPR_DEPTH",
    "BuildSession",
    "BuilderBase",
    "Names",
    "RawBlock",
    "check_int_range",
    "has_token",
    "kid_names",
    "kids",
]


#: Deepest nesting of expressions (operators, calls, postfix chains) and types.
MAX_EXPR_DEPTH = 200

_N = TypeVar("_N", bound=ast.Node)


@dataclass
class BuildSession:
    """Per-parse state: how to parse an interpolation, and what went wrong."""

    parse_interpolation: Callable[[int, int], ast.Expr | None]
    issues: list[SyntaxProblem] = field(default_factory=list)
    #: Suffixed integer literals not (yet) seen under a unary minus.
    pending_ints: dict[int, ast.IntLit] = field(default_factory=dict)
    #: Nesting depth of compound expressions, by node identity (leaves are 0).
    depth: dict[int, int] = field(default_factory=dict)
    too_deep: bool = False

    def nested(self, node: _N, children: Sequence[Any]) -> _N:
        """Record ``node``'s depth; past :data:`MAX_EXPR_DEPTH` report E0014 once.

        Later passes walk expressions recursively, so the parser bounds how deep
        they go instead of letting a generated 30,000-term sum overflow a stack.
        """
        depth = self.depth
        d = 1 + max((depth.get(id(c), 0) for c in children), default=0)
        depth[id(node)] = d
        if d > MAX_EXPR_DEPTH and not self.too_deep:
            self.too_deep = True
            self.report(
                "E0014",
                f"expression or type nested more than {MAX_EXPR_DEPTH} levels deep",
                node.span,
                "split it with intermediate `val` bindings",
            )
        return node

    def report(self, code: str, message: str, span: Span, help: str | None = None) -> None:
        self.issues.append(SyntaxProblem(code, message, span.start, span.end, help))

    def check_int_literals(self) -> None:
        """Range-check the suffixed literals that no minus sign folded."""
        for lit in self.pending_ints.values():
            check_int_range(self, lit, negated=False)
        self.pending_ints.clear()


@dataclass(frozen=True, slots=True)
class Names:
    """A list of names with the span they cover (module paths, type parameters)."""

    value: tuple[str, ...]
    span: Span


@dataclass(frozen=True, slots=True)
class RawBlock:
    """A block before its leading clauses are split off (clauses are statements here)."""

    items: tuple[Any, ...]
    span: Span


def kids(children: Sequence[Any]) -> list[Any]:
    return [c for c in children if c is not None and not isinstance(c, Token)]


def has_token(children: Sequence[Any], type_: str) -> bool:
    return any(isinstance(c, Token) and c.type == type_ for c in children)


def kid_names(children: Sequence[Any]) -> list[str]:
    return [c.value for c in children if isinstance(c, Token) and c.type == "NAME"]


class BuilderBase(Transformer[Token, Any]):
    """The session and the span helpers every callback uses."""

    def __init__(self) -> None:
        super().__init__(visit_tokens=False)
        self.session: BuildSession | None = None

    # -------------------------------------------------------------- helpers
    @property
    def s(self) -> BuildSession:
        assert self.session is not None, "AstBuilder used outside a parse"
        return self.session

    def _span(self, children: Sequence[Any]) -> Span:
        first = next(c for c in children if _has_position(c))
        last = next(c for c in reversed(children) if _has_position(c))
        return Span(self._start(first), self._end(last))

    @staticmethod
    def _start(c: Any) -> int:
        return cast(int, c.start_pos if isinstance(c, Token) else c.span.start)

    @staticmethod
    def _end(c: Any) -> int:
        return cast(int, c.end_pos if isinstance(c, Token) else c.span.end)

    @staticmethod
    def _tok_span(t: Token) -> Span:
        return Span(t.start_pos, t.end_pos)


def _has_position(c: Any) -> bool:
    if isinstance(c, Token):
        return c.type not in ("_NL", "_INDENT", "_DEDENT")
    return hasattr(c, "span")


def check_int_range(s: BuildSession, lit: ast.IntLit, negated: bool) -> None:
    assert lit.suffix is not None
    lo, hi = INT_RANGES[lit.suffix]
    value = -lit.value if negated else lit.value
    if not lo <= value <= hi:
        shown = f"-{lit.text}" if negated else lit.text
        s.report(
            "E0006",
            f"integer literal `{shown}{lit.suffix}` out of range for `{lit.suffix}`",
            lit.span,
            f"`{lit.suffix}` holds {lo} to {hi}",
        )
