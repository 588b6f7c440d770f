"""``aura check PATH...``: load, parse and type-check programs; report diagnostics.

Each path is a program: a package directory (with ``aura.toml``), or a ``.aura``
file with what it imports.  A directory without ``aura.toml`` holds independent
programs, one per ``.aura`` file below it.  Type checking runs when a program
has no syntax or loading errors, so that a declaration the parser had to drop
does not show up again as a string of "cannot find" errors.

Exit statuses are those of spec section 10: 0 clean, 1 errors, 2 usage.
"""

from __future__ import annotations

from pathlib import Path

import click

from aura_core.check import check_modules
from aura_core.cli_support import Reporter, format_option, guarded
from aura_core.diagnostics import Diagnostic
from aura_parse.loader import load_program
from aura_parse.project import programs

__all__ = ["check", "check_program"]


def check_program(entry: Path) -> list[Diagnostic]:
    """Every diagnostic of the program rooted at ``entry`` (a file or package directory)."""
    loaded = load_program(entry)
    if not loaded.ok:
        return list(loaded.diagnostics)
    return [*loaded.diagnostics, *check_modules(loaded.modules).diagnostics]


@click.command("check")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@format_option
@guarded
def check(paths: tuple[str, ...], output_format: str) -> None:
    """Parse and type-check Aura files, packages, or directories of programs."""
    reporter = Reporter(output_format)
    seen: set[tuple[str, str, int, int]] = set()
    for program in programs(paths):
        for d in check_program(program):
            key = (
                d.code,
                d.file.name if d.file else "",
                *((d.span.start, d.span.end) if d.span else (0, 0)),
            )
            if key not in seen:  # a module shared by several programs reports once
                seen.add(key)
                reporter.emit(d)
    raise SystemExit(reporter.finish())
