"""``aura run [--release] [--native] [--trust-proofs] FILE [ARGS...]`` (spec section 10).

The command belongs to no engine: it parses the command line into a
:class:`~aura_core.engines.RunRequest`, finds the engine by name among the
``aura.engines`` entry points (``interpreter``, or ``native`` with
``--native``; :mod:`aura_core.engine_lookup` remembers where they are) and
exits with the status the engine returns.  An engine that is not installed is
reported with the distribution that provides it, exit 1.

Options stand before ``FILE``; every argument after it goes to the program
(``std::env::args()``) as it is, whatever it looks like (``--release``,
``--help``, ``--``), as ``python FILE ARGS`` does.  A ``--`` before ``FILE``
ends the options, for a file whose name starts with ``-``.

This module is imported by ``aura`` itself, so it imports nothing heavy: the
engine (and through it the parser, checker and interpreter) is loaded only when
a program is to run.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from aura_core.cli_support import EXIT_ERRORS, EXIT_INTERNAL, backtrace_wanted, guarded
from aura_core.engines import ENGINES, Engine, RunRequest

__all__ = ["SUMMARY", "engine_entry_point", "run"]

#: The one-line summary in ``aura --help``.
SUMMARY = "check, then run main"


def engine_entry_point(name: str, *, fresh: bool = False) -> str | None:
    """Where the engine ``name`` is (``module:attribute``); None if it is not installed.

    Nothing is imported.  ``fresh`` asks the installed metadata again instead of
    trusting what an earlier run found (:mod:`aura_core.engine_lookup`).
    """
    from aura_core.engine_lookup import locate

    return locate(name, fresh=fresh)


def _engine(name: str) -> Engine | None:
    """The engine ``name``, imported; None if it is not installed."""
    from aura_core.engine_lookup import load_engine

    value = engine_entry_point(name)
    if value is None:
        return None
    try:
        return load_engine(value)
    except (ImportError, AttributeError, TypeError):
        # Remembered from an installation that has changed since: ask again.
        value = engine_entry_point(name, fresh=True)
    if value is None:
        return None
    try:
        return load_engine(value)
    except (ImportError, AttributeError, TypeError) as e:
        lines = str(e).strip().splitlines()
        reason = type(e).__name__ + (f": {lines[0]}" if lines else "")
        click.echo(f"error: the {name} engine ({value}) failed to load: {reason}", err=True)
        if backtrace_wanted():
            import traceback

            click.echo("".join(traceback.format_exception(e)).rstrip(), err=True)
        raise SystemExit(EXIT_INTERNAL) from None


class RunCommand(click.Command):
    """``aura run``; its summary says what to install when the interpreter is missing."""

    def get_short_help_str(self, limit: int = 45) -> str:
        if engine_entry_point("interpreter") is not None:
            return SUMMARY
        return f"{SUMMARY} (not installed: pip install {ENGINES['interpreter']})"


def _exit_status(status: int) -> int:
    """POSIX keeps the low 8 bits of a process's status; say so here, the same everywhere."""
    return status if sys.platform == "win32" else status & 0xFF


@click.command(
    "run",
    cls=RunCommand,
    context_settings={
        "ignore_unknown_options": True,
        # The first argument that is not an option is FILE; the rest are the program's.
        "allow_interspersed_args": False,
        "help_option_names": ["-h", "--help"],
    },
)
@click.option("--release", is_flag=True, help="Skip contract, assertion and refinement checks.")
@click.option(
    "--native", is_flag=True, help="Compile to native code and run that (aura-backend-llvm)."
)
@click.option(
    "--trust-proofs",
    is_flag=True,
    help="Drop the run-time checks that `aura verify` proved.",
)
@click.argument("argv", nargs=-1, required=True, type=click.UNPROCESSED, metavar="FILE [ARGS]...")
@guarded
def run(argv: tuple[str, ...], release: bool, native: bool, trust_proofs: bool) -> None:
    """Check a program, then run its main cell with ARGS."""
    name = "native" if native else "interpreter"
    engine = _engine(name)
    if engine is None:
        dist = ENGINES[name]
        what = "aura run --native" if native else "aura run"
        click.echo(
            f"error: `{what}` is provided by the {dist} package, which is not installed\n"
            f"help: pip install {dist}",
            err=True,
        )
        raise SystemExit(EXIT_ERRORS)
    request = RunRequest(Path(argv[0]), tuple(argv[1:]), release=release, trust_proofs=trust_proofs)
    raise SystemExit(_exit_status(engine(request)))
