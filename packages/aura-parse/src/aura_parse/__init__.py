"""The Aura parser and formatter.

``parse_module`` turns a :class:`~aura_core.source.SourceFile` into an
:class:`~aura_core.ast.Module`, the comments beside it and its syntax
diagnostics.
"""

from aura_parse.parser import ParseError, ParseResult, parse_expr, parse_module

__all__ = ["ParseError", "ParseResult", "parse_expr", "parse_module"]
