"""``aura fmt PATH... [--check]``: rewrite Aura files in canonical form.

A file is only ever replaced whole: the new text goes to a temporary file in
the same directory, which then takes the old one's place with ``os.replace``
(atomic on POSIX and Windows), so an interrupted run leaves every file either
as it was or fully formatted.  A file with syntax errors is never touched, and
neither is a file whose text would not change (its modification time stays).

Before writing, the formatted text is parsed again and must give the same tree
and the same comment text; if it does not, that is a formatter bug and the file
is left alone with an internal-error message (exit status 3), because a
formatter that changes a program's meaning is worse than none.

Exit status: 0 when everything is formatted (or was rewritten), 1 when a file
has syntax errors or, under ``--check``, would be reformatted; 2 for usage
errors; 3 for an internal error.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import tempfile
from pathlib import Path

import click

from aura_core.cli_support import (
    EXIT_ERRORS,
    EXIT_INTERNAL,
    EXIT_OK,
    Reporter,
    collect_sources,
    format_option,
    guarded,
    read_limited,
    read_source,
    too_large,
)
from aura_core.diagnostics import Diagnostic
from aura_core.source import SourceFile
from aura_parse.reformatting import FormatterBug, reformat

__all__ = ["fmt", "write_atomically"]

#: The path that means standard input (and output).
STDIN = "-"


def write_atomically(path: Path, text: str) -> None:
    """Replace the file at ``path`` (a symbolic link's target) with ``text`` in one step."""
    target = Path(os.path.realpath(path))
    mode = target.stat().st_mode & 0o7777
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


@click.command("fmt")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--check", is_flag=True, help="Write nothing; list the files that would change.")
@format_option
@guarded
def fmt(paths: tuple[str, ...], check: bool, output_format: str) -> None:
    """Rewrite Aura files in canonical form; `-` formats standard input to standard output.

    Directories are searched for *.aura files.  Files with syntax errors are
    reported and left unchanged.  With --check nothing is written: each file
    that would change is listed (`would reformat: PATH`) and the exit status is 1.
    """
    run = _Run(Reporter(output_format), check)
    if STDIN in paths:
        data = read_limited(sys.stdin.buffer)
        if data is None:
            run.reporter.emit(too_large("standard input"))
        else:
            try:
                run.one(SourceFile("<stdin>", data.removeprefix(b"\xef\xbb\xbf").decode()), None)
            except UnicodeDecodeError as e:
                run.reporter.emit(
                    Diagnostic.error("E0008", f"standard input is not valid UTF-8 (byte {e.start})")
                )
    for path in collect_sources([p for p in paths if p != STDIN]):
        source = read_source(path)
        if isinstance(source, Diagnostic):
            run.reporter.emit(source)
        else:
            run.one(source, path)
    status = run.reporter.finish()
    if run.internal:
        raise SystemExit(EXIT_INTERNAL)
    raise SystemExit(EXIT_ERRORS if run.would_change or status != EXIT_OK else EXIT_OK)


class _Run:
    """The state of one ``aura fmt`` invocation."""

    def __init__(self, reporter: Reporter, check: bool) -> None:
        self.reporter = reporter
        self.check = check
        self.would_change = False
        self.internal = False

    def one(self, source: SourceFile, path: Path | None) -> None:
        """Format one source; ``path`` None means standard input."""
        shown = str(path) if path is not None else STDIN
        try:
            outcome = reformat(source)
        except FormatterBug as e:
            click.echo(
                f"error: internal formatter error: {e}; `{shown}` was left unchanged", err=True
            )
            self.internal = True
            return
        self.reporter.extend(outcome.diagnostics)
        if outcome.text is None:
            return
        changed = outcome.text != source.text
        if self.check:
            if changed:
                self.would_change = True
                if self.reporter.output_format == "json":
                    click.echo(json.dumps({"would_reformat": shown}))
                else:
                    click.echo(f"would reformat: {shown}")
        elif path is None:
            sys.stdout.flush()
            sys.stdout.buffer.write(outcome.text.encode("utf-8"))
            sys.stdout.buffer.flush()
        elif changed:
            write_atomically(path, outcome.text)
