"""``aura check PATH...``: parse every module and report its diagnostics.

Semantic analysis joins this command when the type checker lands; until then
``check`` is the syntax check of spec section 10 with its exit statuses
(0 clean, 1 errors, 2 usage).
"""

from __future__ import annotations

import click

from aura_core.cli_support import Reporter, collect_sources, format_option, guarded, read_source
from aura_core.diagnostics import Diagnostic
from aura_parse.parser import parse_module

__all__ = ["check"]


@click.command("check")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@format_option
@guarded
def check(paths: tuple[str, ...], output_format: str) -> None:
    """Parse and check Aura files or directories of them."""
    reporter = Reporter(output_format)
    for path in collect_sources(paths):
        source = read_source(path)
        if isinstance(source, Diagnostic):
            reporter.emit(source)
            continue
        reporter.extend(parse_module(source).diagnostics)
    raise SystemExit(reporter.finish())
