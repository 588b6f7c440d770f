"""The Aura parser and formatter.

``parse_module`` turns a :class:`~aura_core.source.SourceFile` into an
:class:`~aura_core.ast.Module`, the comments beside it and its syntax
diagnostics; ``load_program`` follows a program's imports and parses every
module once; ``load_checked`` also type-checks them, as every engine needs;
``format_module`` prints a tree in canonical layout, and ``reformat`` formats a
source only if the result means the same (what ``aura fmt`` and editors use).
"""

from aura_parse.checked import CheckedProgram, load_checked
from aura_parse.formatter import format_module
from aura_parse.loader import DISK, LoadResult, SourceReader, load_program
from aura_parse.parser import ParseError, ParseResult, parse_expr, parse_module
from aura_parse.reformatting import Formatted, FormatterBug, reformat

__all__ = [
    "DISK",
    "CheckedProgram",
    "Formatted",
    "FormatterBug",
    "LoadResult",
    "ParseError",
    "ParseResult",
    "SourceReader",
    "format_module",
    "load_checked",
    "load_program",
    "parse_expr",
    "parse_module",
    "reformat",
]
