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
import math
import os
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import click

from aura_core.cli_support import (
    EXIT_ERRORS,
    EXIT_INTERRUPTED,
    EXIT_OK,
    color_enabled,
    format_option,
    guarded,
)
from aura_verify import replay
from aura_verify.budgets import DEFAULT_RLIMIT, DEFAULT_TIMEOUT, MAX_RLIMIT

if TYPE_CHECKING:
    from aura_verify.driver import Options, Task
    from aura_verify.report import FileReport

# The parser, the checker, the verifier and Z3 are imported only when a run has to
# load programs: a run replayed from :mod:`aura_verify.replay` needs none of them.

__all__ = ["verify", "verify_paths"]


@dataclass
class _Loaded:
    """One program: its file reports, the cells to verify and the modules it read."""

    reports: dict[str, FileReport]
    compiled: bool
    tasks: list[Task]
    #: (path as read, text) of every module loaded.
    texts: list[tuple[str, str]] = field(default_factory=list)


def _load(entry: Path, names: Sequence[str]) -> _Loaded:
    from aura_core.check import check_modules
    from aura_core.diagnostics import Diagnostic
    from aura_parse import load_program
    from aura_verify.driver import Task, select_cells
    from aura_verify.report import FileReport

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
    texts = [(m.source.name, m.source.text) for m in loaded.modules]
    return _Loaded(reports, compiled, tasks, texts)


def verify_paths(
    paths: Sequence[str], options: Options, names: Sequence[str] = (), *, export: bool = False
) -> tuple[list[FileReport], bool, bool]:
    """Every program's file reports; whether all compiled; whether any cell was selected.

    All cells of all programs go to one pool of workers when ``options.jobs > 1``.
    Results come from the proof cache where they can (when ``options.cache``), and
    with ``export`` the checks proven are recorded for ``aura run --trust-proofs``
    (``docs/reference/proven-checks.md``), as ``aura verify`` does.
    """
    run = _verify(paths, options, names, export=export)
    return run.files, run.compiled, run.selected


@dataclass
class _Run:
    files: list[FileReport]
    compiled: bool
    selected: bool
    texts: list[tuple[str, str]]


def _verify(paths: Sequence[str], options: Options, names: Sequence[str], *, export: bool) -> _Run:
    from aura_parse.project import programs as named_programs
    from aura_verify.incremental import export_proofs, prove_cached
    from aura_verify.report import FileReport

    programs = [_load(entry, names) for entry in named_programs(paths)]
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
    return _Run(files, compiled, bool(tasks), [t for p in programs for t in p.texts])


def _seconds(ctx: click.Context, param: click.Parameter, value: float) -> float:
    """``--timeout``: a positive, finite number of seconds (not ``nan`` or ``inf``)."""
    if not math.isfinite(value) or value <= 0:
        raise click.BadParameter(f"{value} is not a positive, finite number of seconds")
    return value


@click.command("verify")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@format_option
@click.option(
    "--rlimit",
    type=click.IntRange(min=1, max=MAX_RLIMIT),
    default=DEFAULT_RLIMIT,
    show_default=True,
    metavar="UNITS",
    help="Solver resource budget per obligation, which decides verdicts "
    "(a cell's `# verify: rlimit = N` line overrides it).",
)
@click.option(
    "--timeout",
    type=float,
    callback=_seconds,
    default=DEFAULT_TIMEOUT,
    show_default=True,
    metavar="SECONDS",
    help="Wall-clock safety net per obligation; a proof it stops is never cached.",
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
    help="Prove every cell again; read and write no cache (nor the proven-checks file).",
)
@click.option(
    "--stability",
    type=click.IntRange(min=2),
    default=None,
    metavar="N",
    help="Prove each obligation N times with mutated queries and report those whose "
    "verdict or resource use varies (no cache).",
)
@guarded
def verify(
    paths: tuple[str, ...],
    output_format: str,
    rlimit: int,
    timeout: float,
    jobs: int,
    cells: tuple[str, ...],
    no_cache: bool,
    stability: int | None,
) -> None:
    """Check Aura programs, then prove their contracts, termination and safety."""
    try:
        if stability is not None:
            _stability_command(paths, stability, rlimit, timeout, cells, output_format)
        _verify_command(paths, output_format, rlimit, timeout, jobs, cells, no_cache)
    except KeyboardInterrupt:
        # Z3 stops at once on Ctrl-C (see aura_verify.solver); nothing of the cell
        # being proven was stored.
        click.echo("aura verify: interrupted", err=True)
        _stop(EXIT_INTERRUPTED)


def _stop(status: int) -> NoReturn:
    """Exit with ``status`` now.  Releasing the solver terms of an interrupted
    proof and tearing the interpreter down take half a second or more (a call
    into Z3 per term), which a user who pressed Ctrl-C should not wait for; so
    a process of its own (standard streams not replaced, as they are when the
    command is invoked from Python) leaves at once.  Nothing is lost: every
    cache entry is written whole or not at all, and the output is flushed."""
    sys.stdout.flush()
    sys.stderr.flush()
    if sys.stdout is sys.__stdout__ and sys.stderr is sys.__stderr__:
        os._exit(status)
    raise SystemExit(status)


def _verify_command(
    paths: Sequence[str],
    output_format: str,
    rlimit: int,
    timeout: float,
    jobs: int,
    cells: Sequence[str],
    no_cache: bool,
) -> None:
    color = color_enabled()
    entry = None if no_cache else replay.key(paths, rlimit, cells, output_format, color)
    if entry is not None:
        hit = replay.lookup(entry)
        if hit is not None:
            _emit(hit.chunks)
            raise SystemExit(hit.status)
    # Taken before loading, so that an edit racing with this run makes the entry miss.
    where = () if entry is None else replay.context(paths)

    from aura_core import build_cache
    from aura_core.proofs import proofs_path
    from aura_verify.driver import Options
    from aura_verify.report import to_json

    options = Options(timeout=timeout, jobs=jobs, cache=not no_cache, rlimit=rlimit)
    run = _verify(paths, options, cells, export=not no_cache)
    if cells and run.compiled and not run.selected:
        raise click.UsageError(f"no cell named {', '.join(f'`{c}`' for c in cells)}")
    ok = run.compiled and all(c.status == "verified" for fr in run.files for c in fr.cells)
    status = EXIT_OK if ok else EXIT_ERRORS
    if output_format == "json":
        document = to_json(run.files)
        chunks: list[tuple[bool, str]] = [(False, json.dumps(document))]
        for f in document["files"]:
            for c in f["cells"]:
                c["cached"] = True  # as the next run, served from the cache, says
        kept = [(False, json.dumps(document))]
    else:
        chunks = _human(run.files, color)
        kept = _human(run.files, color, cached=True)
    _emit(chunks)
    # A report is kept only when every cell's result is a verdict the proof cache
    # keeps too: a timeout must be tried again, not replayed.
    lasting = all(
        c.status != "timeout" and all(f.status != "timeout" for f in c.failures)
        for fr in run.files
        for c in fr.cells
    )
    if entry is not None and run.compiled and lasting:
        proof_files = [proofs_path(Path(p)) for p in paths]
        seen = (
            *where,
            *build_cache.observe_texts(run.texts),
            *(build_cache.observe_file(str(f)) for f in proof_files if f is not None),
        )
        replay.store(entry, seen, replay.Replay(tuple(kept), status))
    raise SystemExit(status)


def _stability_command(
    paths: Sequence[str],
    runs: int,
    rlimit: int,
    timeout: float,
    cells: Sequence[str],
    output_format: str,
) -> None:
    """``--stability N``: no cache is read or written, no proven checks exported."""
    from aura_core.render import render_human, render_json
    from aura_parse.project import programs as named_programs
    from aura_verify.stability import measure, spread_json, spread_lines

    programs = [_load(entry, cells) for entry in named_programs(paths)]
    tasks = [t for p in programs for t in p.tasks]
    compiled = all(p.compiled for p in programs)
    if cells and compiled and not tasks:
        raise click.UsageError(f"no cell named {', '.join(f'`{c}`' for c in cells)}")
    diagnostics = [d for p in programs for fr in p.reports.values() for d in fr.diagnostics]
    spreads = measure(tasks, runs, rlimit, timeout)
    stable = all(s.stable for s in spreads)
    if output_format == "json":
        document = spread_json(spreads, runs)
        document["diagnostics"] = [render_json(d) for d in diagnostics]
        click.echo(json.dumps(document))
    else:
        color = color_enabled()
        for d in diagnostics:
            click.echo(render_human(d, color=color), err=True, color=True)
        for line in spread_lines(spreads, runs):
            click.echo(line)
    raise SystemExit(EXIT_OK if compiled and stable else EXIT_ERRORS)


def _emit(chunks: Iterable[tuple[bool, str]]) -> None:
    for err, text in chunks:
        click.echo(text, err=err, color=True)


def _human(
    files: Sequence[FileReport], color: bool, *, cached: bool = False
) -> list[tuple[bool, str]]:
    """The human report as (to stderr?, text) chunks, in the order they are printed;
    with ``cached``, as a run served from the proof cache prints it."""
    from aura_core.render import render_human
    from aura_verify.report import cell_line, failure_diagnostic, summary_line

    out: list[tuple[bool, str]] = []
    for fr in files:
        for d in fr.diagnostics:
            out.append((True, render_human(d, color=color)))
        for c in fr.cells:
            for f in c.failures:
                out.append((True, render_human(failure_diagnostic(f), color=color)))
            out.append((False, cell_line(replace(c, cached=True) if cached else c)))
    out.append((False, summary_line(files)))
    return out
