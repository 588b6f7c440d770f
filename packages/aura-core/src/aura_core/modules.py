"""The checker's input: parsed modules and where they come from.

aura-core never reads files or parses: a loader above it (aura-parse's
:mod:`aura_parse.loader`) finds the modules a program imports, parses them and
hands them over in this form.  That keeps the dependency order (core <- parse)
and lets the language server hand over modules it holds in memory.
"""

from __future__ import annotations

from dataclasses import dataclass

from aura_core import ast
from aura_core.source import SourceFile

__all__ = ["STD", "ModulePath", "ParsedModule", "module_name"]

#: The import name of the standard library.
STD = "std"

#: A module's path: ``("std", "io")``, ``("textwrap",)`` for a package's ``src/lib.aura``,
#: ``("textwrap", "net", "http")`` for its ``src/net/http.aura``.
ModulePath = tuple[str, ...]


@dataclass(frozen=True)
class ParsedModule:
    """One parsed module of a program.

    ``package`` is the import name of the package the module belongs to (``std``
    for the standard library); ``dependencies`` the import names that package may
    import: its direct dependencies (spec section 3.3) and ``std``.
    """

    path: ModulePath
    package: str
    source: SourceFile
    ast: ast.Module
    dependencies: frozenset[str] = frozenset({STD})


def module_name(path: ModulePath) -> str:
    """A module path as written in an import: ``std::io``."""
    return "::".join(path)
