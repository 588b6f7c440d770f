"""The interpreter as the ``interpreter`` engine of ``aura run`` (:mod:`aura_core.engines`).

:func:`run` checks the program, prints its errors and returns 1 if it has any,
else runs ``main`` and returns its ``i32`` (0 for a ``Unit`` main), 101 after
printing a panic; Ctrl-C ends the process with 130 and an internal error is
reported as one (exit 3).

A program compiled by an earlier run with the same inputs comes from the run
cache (:mod:`aura_interpret.run_cache`) and is neither loaded, checked nor
compiled again; it runs, panics and prints stack traces exactly as it did.  This
module is what ``aura run`` imports first, so the parser, the checker and the
code generator are imported only on a cache miss.  A run with ``--trust-proofs``
(:mod:`aura_core.trust`) is not cached: what it leaves out depends on the
verifier's results as well as on the sources.
"""

from __future__ import annotations

import contextlib
import os
import sys
from typing import TYPE_CHECKING, NoReturn

import click

from aura_core.cli_support import (
    EXIT_ERRORS,
    EXIT_INTERRUPTED,
    end_on_write_error,
    internal_error,
)
from aura_core.engines import RunRequest
from aura_interpret import run_cache
from aura_interpret.externs import Host, StreamError
from aura_interpret.program_image import Image
from aura_interpret.runner import call

if TYPE_CHECKING:
    from aura_core.diagnostics import Diagnostic
    from aura_interpret.panics import PanicReport

__all__ = ["EXIT_PANIC", "run"]

EXIT_PANIC = 101


def run(request: RunRequest) -> int:
    """Run the program of ``request``; the exit status of ``aura run``."""
    host = Host(stdout=sys.stdout, stderr=sys.stderr, stdin=sys.stdin, args=list(request.args))
    # A run trusting proofs depends on the verifier's results too: never cached.
    entry = None if request.trust_proofs else run_cache.key(request.file, request.release)
    image = None if entry is None else run_cache.lookup(request.file, entry, host)
    if image is None:
        built = _build(request, host, entry)
        if isinstance(built, int):
            return built
        image = built
    return _run(image)


def _build(request: RunRequest, host: Host, entry: str | None) -> Image | int:
    """Load, check and compile the program and store it in the run cache under
    ``entry`` (None: do not); or the exit status after reporting why it cannot run."""
    from aura_core.types import QualName
    from aura_interpret.compiler import CompileError, compile_program
    from aura_interpret.runner import on_big_stack
    from aura_interpret.session import load_checked

    # Taken before loading, so that an edit racing with this run makes the entry miss.
    where = () if entry is None else run_cache.context(request.file)
    checked = load_checked(request.file)
    if isinstance(checked, list):
        _report(checked)
        return EXIT_ERRORS
    module = checked.program.modules[checked.entry]
    main = module.cells.get("main")
    if main is None or main.kind != "cell":
        click.echo(f"error: `{module.source.name}` has no `main` cell to run", err=True)
        return EXIT_ERRORS
    name = QualName(checked.entry, "main")
    proven = None
    if request.trust_proofs:
        from aura_core.trust import proven_for

        proven = proven_for(checked.program, checked.entry, release=request.release)
    try:
        compiled = on_big_stack(
            lambda: compile_program(
                checked.program, [name], release=request.release, host=host, proven=proven
            )
        )
    except CompileError as e:
        click.echo(f"error: {e}", err=True)
        return EXIT_ERRORS
    except KeyboardInterrupt:
        _interrupted()
    image = Image(compiled.globals, compiled.source_map, compiled.functions[name])
    if entry is not None:
        read = run_cache.sources(
            (m.source.name, m.source.text) for m in checked.program.modules.values()
        )
        run_cache.store(request.file, entry, (*where, *read), image, host)
    return image


def _run(image: Image) -> int:
    try:
        outcome = call(image, image.function())
    except KeyboardInterrupt:
        _interrupted()
    value = outcome.value
    status = value if isinstance(value, int) and not isinstance(value, bool) else 0
    return _ended(status, outcome.panic, outcome.error)


def _ended(status: int, panic: PanicReport | None, error: BaseException | None) -> int:
    """Report how ``main`` ended; the exit status.

    A failed write to stdout or stderr ends the process as the native runtime
    does (``docs/reference/runtime.md``, Output): killed by ``SIGPIPE`` for a
    closed pipe, else a message and exit 1, also when the buffered output fails
    only now (before a panic is reported: when a write fails depends on
    buffering, so the outcome must not).
    """
    if isinstance(error, StreamError):
        end_on_write_error(error.stream, error.error)
    _flush_stdout()
    if panic is not None:
        # Written as is: click.echo would strip escape sequences from the
        # program's message when stderr is no terminal (the native build keeps them).
        with contextlib.suppress(OSError, ValueError):  # stderr is gone: the status says it
            sys.stderr.write(panic.render() + "\n")
            sys.stderr.flush()
        return EXIT_PANIC
    if error is not None:
        internal_error(error)
    return status


def _flush_stdout() -> None:
    """Write what the program left in stdout's buffer; a failure ends the process."""
    try:
        sys.stdout.flush()
    except OSError as e:
        end_on_write_error("stdout", e)
    except ValueError:  # closed
        pass


def _report(diagnostics: list[Diagnostic]) -> None:
    from aura_core.cli_support import Reporter

    reporter = Reporter("human")
    reporter.extend(diagnostics)
    reporter.finish()


def _flush() -> None:
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            stream.flush()


def _interrupted() -> NoReturn:
    """Ctrl-C: stop now, without a traceback, whatever the program's thread is doing."""
    _flush()
    os._exit(EXIT_INTERRUPTED)
