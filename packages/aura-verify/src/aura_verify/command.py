"""``aura verify PATH...``: check, then prove every cell (spec sections 8 and 10).

Each path is a program, as for ``aura check``: a package directory, a ``.aura``
file with what it imports, or a directory of independent files.  A program
with compile errors is not verified: its files list the diagnostics and no
cells.  Exit status: 0 when every cell is verified (and nothing failed to
compile), 1 otherwise, 2 for a usage error, such as a ``--cell`` that names
no cell.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import click

from aura_core.check import check_modules
from aura_core.cli_support import (
    EXIT_ERRORS,
    EXIT_OK,
    collect_sources,
    color_enabled,
    format_option,
    guarded,
)
from aura_core.diagnostics import Diagnostic
from aura_core.render import render_human
from aura_parse.loader import load_program
from aura_parse.project import MANIFEST_FILE
from aura_verify.driver import Options, Task, select_cells
from aura_verify.incremental import export_proofs, prove_cached
from aura_verify.report import (
    FileReport,
    cell_line,
    failure_diagnostic,
    summary_line,
    to_json,
)

__all__ = ["verify", "verify_paths"]


def _programs(paths: Iterable[str]) -> list[Path]:
    out: list[Path] = []
    for p in paths:
        path = Path(p)
        if path.is_dir() and not (path / MANIFEST_FILE).is_file():
            out.extend(collect_sources([path]))
        else:
            out.append(path)
    return out


@dataclass
class _Loaded:
    """One program: its file reports and the cells to verify."""

    reports: dict[str, FileReport]
    compiled: bool
    tasks: list[Task]


def _load(entry: Path, names: Sequence[str]) -> _Loaded:
    loaded = load_program(entry)
    diagnostics: list[Diagnostic] = list(loaded.diagnostics)
    reports: dict[str, FileReport] = {}
    for m in loaded.modules:
        if m.path[:1] != ("std",):
            reports.setdefault(m.source.name, FileReport(m.source.name))
    compiled = loaded.ok
    tasks: list[Task] = []
    if compiled:
        checked = check_modules(loaded.modules)
        diagnostics.extend(checked.diagnostics)
        compiled = checked.ok
        if compiled:
            tasks = [Task(checked.program, c, entry) for c in select_cells(checked.program, names)]
    for d in diagnostics:
        name = d.file.name if d.file is not None else str(entry)
        reports.setdefault(name, FileReport(name)).diagnostics.append(d)
    if not reports:
        reports[str(entry)] = FileReport(str(entry))
    return _Loaded(reports, compiled, tasks)


def verify_paths(
    paths: Sequence[str], options: Options, names: Sequence[str] = (), *, export: bool = False
) -> tuple[list[FileReport], bool, bool]:
    """Every program's file reports; whether all compiled; whether any cell was selected.

    All cells of all programs go to one pool of workers when ``options.jobs > 1``.
    Results come from the proof cache where they can (when ``options.cache``), and
    with ``export`` the checks proven are recorded for ``aura run --trust-proofs``
    (``docs/reference/proven-checks.md``), as ``aura verify`` does.
    """
    programs = [_load(entry, names) for entry in _programs(paths)]
    tasks = [t for p in programs for t in p.tasks]
    outcomes = prove_cached(tasks, options)
    if export:
        export_proofs(tasks, outcomes)
    results = iter(o.result for o in outcomes)
    files: list[FileReport] = []
    seen: set[str] = set()
    for p in programs:
        for _task in p.tasks:
            r = next(results)
            fr = p.reports.setdefault(r.file.name, FileReport(r.file.name))
            fr.cells.append(r)
            fr.diagnostics.extend(r.warnings)
        for fr in p.reports.values():
            if fr.path not in seen:  # a module shared by several programs reports once
                seen.add(fr.path)
                files.append(fr)
    compiled = all(p.compiled for p in programs)
    return files, compiled, bool(tasks)


@click.command("verify")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@format_option
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=10.0,
    show_default=True,
    metavar="SECONDS",
    help="Time limit per obligation.",
)
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Verify cells in this many parallel processes.",
)
@click.option(
    "--cell", "cells", multiple=True, metavar="NAME", help="Verify only this cell (repeatable)."
)
@click.option(
    "--no-cache",
    is_flag=True,
    help="Prove every cell again; neither read nor write the proof cache.",
)
@guarded
def verify(
    paths: tuple[str, ...],
    output_format: str,
    timeout: float,
    jobs: int,
    cells: tuple[str, ...],
    no_cache: bool,
) -> None:
    """Check Aura programs, then prove their contracts, termination and safety."""
    options = Options(timeout=timeout, jobs=jobs, cache=not no_cache)
    files, compiled, selected = verify_paths(paths, options, cells, export=True)
    if cells and compiled and not selected:
        raise click.UsageError(f"no cell named {', '.join(f'`{c}`' for c in cells)}")
    ok = compiled and all(c.status == "verified" for fr in files for c in fr.cells)
    if output_format == "json":
        click.echo(json.dumps(to_json(files)))
    else:
        _human(files)
    raise SystemExit(EXIT_OK if ok else EXIT_ERRORS)


def _human(files: Sequence[FileReport]) -> None:
    color = color_enabled()
    for fr in files:
        for d in fr.diagnostics:
            click.echo(render_human(d, color=color), err=True, color=color)
        for c in fr.cells:
            for f in c.failures:
                click.echo(render_human(failure_diagnostic(f), color=color), err=True, color=color)
            click.echo(cell_line(c))
    click.echo(summary_line(files))
