"""What every ``aura`` subcommand needs: finding and reading sources, reporting, exit codes.

Exit statuses shared by all commands (spec section 10 fixes 0, 1, 2 and 101):

===  ==============================================================
0    success
1    the input has errors (diagnostics were reported), or a
     command-specific failure (a test failed, a proof did not go through)
2    usage error (bad option or argument; click reports it)
3    internal error: a bug in the toolchain, never in the user's program
     (``EXIT_INTERNAL``); also a subcommand whose package fails to load
101  a panic of the program under ``aura run`` / ``aura test``
130  interrupted by Ctrl-C
141  (killed by ``SIGPIPE``) stdout or stderr is a pipe whose reader
     went away: the command ends at once and says nothing, as ``cat``
     does (:func:`end_on_broken_pipe`)
===  ==============================================================

Any other failed write to stdout or stderr (a full disk, an I/O error) ends
a program run with ``error: cannot write to stdout: <reason>`` and exit 1
(:func:`end_on_write_error`), as the native executable does.

An internal error prints ``error: internal compiler error: <one line>`` and
notes asking for a report; the Python traceback is added when the environment
variable ``AURA_BACKTRACE`` is set to anything but ``""`` or ``"0"``.

Paths that do not exist are not usage errors: :func:`collect_sources` passes
them through and :func:`read_source` turns them into an E0019 diagnostic, so a
missing file is reported like any other unreadable one and the command exits 1.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Literal, NoReturn, ParamSpec, TypeVar

import click

from aura_core.source import SourceFile, Span

if TYPE_CHECKING:
    # Imported where used: every command imports this module, and a run of a
    # cached program (``aura run``) reports no diagnostics.
    from aura_core.diagnostics import Diagnostic

__all__ = [
    "EXIT_ERRORS",
    "EXIT_INTERNAL",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_USAGE",
    "MAX_SOURCE_BYTES",
    "SKIPPED_DIRS",
    "OutputFormat",
    "Reporter",
    "backtrace_wanted",
    "collect_sources",
    "color_enabled",
    "end_on_broken_pipe",
    "end_on_write_error",
    "format_option",
    "guarded",
    "internal_error",
    "read_limited",
    "read_source",
    "run_guarded",
    "too_large",
]

EXIT_OK = 0
EXIT_ERRORS = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 3
EXIT_INTERRUPTED = 130

#: Directory names never entered when a directory is searched for ``*.aura`` files
#: (hidden directories, whose names start with ``.``, are skipped as well).
SKIPPED_DIRS = frozenset({"node_modules", "target", ".git"})

#: The largest source file any command reads (16 MiB), so that an endless or
#: runaway input (``aura check /dev/zero``) is an error instead of a process
#: that grows without bound.  Hand-written programs are far smaller; a
#: generated table of a million numbers still fits.
MAX_SOURCE_BYTES = 16 * 1024 * 1024

OutputFormat = Literal["human", "json"]

P = ParamSpec("P")
T = TypeVar("T")
F = TypeVar("F", bound=Callable[..., Any])


# ------------------------------------------------------------------------ sources


def collect_sources(paths: Sequence[str | Path]) -> list[Path]:
    """The files a command should read, in a stable order.

    A path naming a file is kept as given, whatever its extension (the user asked
    for it).  A directory is searched recursively for ``*.aura`` files, sorted by
    path, skipping hidden files and directories and those in :data:`SKIPPED_DIRS`;
    symbolic links to directories are not followed, so the walk cannot loop.  A
    path that does not exist is kept as given: :func:`read_source` reports it as
    E0019.  A file reached twice is listed once.
    """
    found: list[Path] = []
    seen: set[Path] = set()

    def add(p: Path) -> None:
        key = Path(os.path.normcase(os.path.abspath(p)))
        if key not in seen:
            seen.add(key)
            found.append(p)

    for raw in paths:
        root = Path(raw)
        if not root.is_dir():
            add(root)
            continue
        walked: list[Path] = []
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = [d for d in dirnames if not d.startswith(".") and d not in SKIPPED_DIRS]
            here = Path(dirpath)
            walked.extend(
                here / f for f in filenames if f.endswith(".aura") and not f.startswith(".")
            )
        for p in sorted(walked, key=lambda p: p.relative_to(root).parts):
            add(p)
    return found


def read_limited(stream: IO[bytes]) -> bytes | None:
    """Everything ``stream`` holds, or None if that is more than :data:`MAX_SOURCE_BYTES`."""
    data = stream.read(MAX_SOURCE_BYTES + 1)
    return None if len(data) > MAX_SOURCE_BYTES else data


def too_large(shown: str) -> Diagnostic:
    """E0021 for the source ``shown`` (a path, or ``standard input``)."""
    from aura_core.diagnostics import Diagnostic

    mib = MAX_SOURCE_BYTES // (1024 * 1024)
    return Diagnostic.error(
        "E0021",
        f"`{shown}` is larger than {mib} MiB, the limit for a source file",
        notes=(f"only the first {MAX_SOURCE_BYTES} bytes were read",),
    )


def read_source(path: str | Path, name: str | None = None) -> SourceFile | Diagnostic:
    """Read and decode one source file, or say why it cannot be used.

    ``name`` is what diagnostics will print (default: the path as given).  A
    leading UTF-8 byte order mark is dropped; line endings are kept as they are
    (the lexer accepts ``\\r\\n``), so offsets match the file.  Failures:

    * the file cannot be read (missing, a directory, no permission): E0019 with
      the operating system's reason and no source position;
    * it is larger than :data:`MAX_SOURCE_BYTES` (or endless, as ``/dev/zero``):
      E0021, after reading no more than that;
    * it contains a NUL byte: E0008, "looks like a binary file", pointing at the
      first NUL (or at the first invalid UTF-8 byte if that comes earlier);
    * it is not valid UTF-8: E0008 pointing at the first bad byte.  The attached
      :class:`SourceFile` holds the text decoded with U+FFFD replacements, so the
      line and column are those of the bad byte.
    """
    from aura_core.diagnostics import Diagnostic, Help

    shown = name if name is not None else str(path)
    try:
        with open(path, "rb") as f:
            limited = read_limited(f)
    except OSError as e:
        reason = e.strerror or str(e)
        return Diagnostic.error("E0019", f"cannot read `{shown}`: {reason}")
    if limited is None:
        return too_large(shown)
    data = limited
    data = data.removeprefix(b"\xef\xbb\xbf")
    try:
        text = data.decode("utf-8")
        bad = None
    except UnicodeDecodeError as e:
        text = data.decode("utf-8", errors="replace")
        bad = e.start
    nul = data.find(b"\0")
    if nul != -1 and (bad is None or nul < bad):
        file = SourceFile(shown, text)
        at = _char_offset(data, nul)
        return Diagnostic.error(
            "E0008",
            f"`{shown}` looks like a binary file, not Aura source",
            file,
            Span(at, at + 1),
            notes=("it contains a NUL byte here; Aura source files are UTF-8 text",),
        )
    if bad is not None:
        file = SourceFile(shown, text)
        at = _char_offset(data, bad)
        byte = data[bad]
        return Diagnostic.error(
            "E0008",
            f"`{shown}` is not valid UTF-8",
            file,
            Span(at, at + 1),
            notes=(
                f"byte 0x{byte:02X} cannot appear here in UTF-8 text",
                *(["the file also contains NUL bytes: is it a binary file?"] if nul != -1 else []),
            ),
            help=Help(
                "Aura source files are UTF-8 text; convert the file, for example with "
                f"`iconv -f latin1 -t utf-8 {shown}`, or save it as UTF-8 in your editor"
            ),
        )
    return SourceFile(shown, text)


def _char_offset(data: bytes, byte_offset: int) -> int:
    """Characters before ``byte_offset``, which follows only valid UTF-8."""
    return len(data[:byte_offset].decode("utf-8"))


# ---------------------------------------------------------------------- reporting


def color_enabled(stream: IO[str] | None = None) -> bool:
    """Whether to colour output for ``stream`` (default stderr).

    Only for a terminal, and never when ``NO_COLOR`` is set to a non-empty value
    (https://no-color.org).
    """
    if os.environ.get("NO_COLOR"):
        return False
    s = stream if stream is not None else sys.stderr
    try:
        return s.isatty()
    except (AttributeError, ValueError):
        return False


def format_option(fn: F) -> F:
    """``--format [human|json]``, passed to the command as ``output_format``."""
    return click.option(
        "--format",
        "output_format",
        type=click.Choice(["human", "json"]),
        default="human",
        show_default=True,
        help="human: rustc-style text on stderr; json: one JSON object per line on stdout.",
    )(fn)


class Reporter:
    """Prints diagnostics as they come and counts them.

    ``human``: rustc-style text on stderr, a blank line after each diagnostic, and
    :meth:`finish` prints the closing summary line.  ``json``: JSON Lines on
    stdout, one :func:`~aura_core.render.render_json` object per diagnostic and no
    summary.  ``color`` defaults to :func:`color_enabled` for stderr.
    """

    def __init__(self, output_format: OutputFormat | str = "human", *, color: bool | None = None):
        if output_format not in ("human", "json"):
            raise ValueError(f"unknown output format {output_format!r}")
        self.output_format = output_format
        self.color = color_enabled() if color is None else color
        self.errors = 0
        self.warnings = 0

    def emit(self, diag: Diagnostic) -> None:
        import json

        from aura_core.diagnostics import Severity
        from aura_core.render import render_human, render_json

        if diag.severity is Severity.ERROR:
            self.errors += 1
        elif diag.severity is Severity.WARNING:
            self.warnings += 1
        if self.output_format == "json":
            click.echo(json.dumps(render_json(diag)))
        else:
            click.echo(render_human(diag, color=self.color), err=True, color=self.color)

    def extend(self, diags: Iterable[Diagnostic]) -> None:
        for d in diags:
            self.emit(d)

    @property
    def has_errors(self) -> bool:
        return self.errors > 0

    @property
    def exit_code(self) -> int:
        """``EXIT_ERRORS`` if an error was reported, else ``EXIT_OK``."""
        return EXIT_ERRORS if self.errors else EXIT_OK

    def finish(self) -> int:
        """Print the summary line (human format only) and return :attr:`exit_code`."""
        if self.output_format == "human":
            from aura_core.render import summary_line

            line = summary_line(self.errors, self.warnings, color=self.color)
            if line is not None:
                click.echo(line, err=True, color=self.color)
        return self.exit_code


# ----------------------------------------------------------------- closed streams


def end_on_broken_pipe() -> NoReturn:
    """The reader of stdout or stderr went away: end now and quietly.

    As a C program does (and the native executable, whose runtime leaves
    ``SIGPIPE`` at its default): the process is killed by ``SIGPIPE``, which a
    shell reports as status 141.  Python ignores ``SIGPIPE`` and raises
    ``BrokenPipeError`` instead, so the default is restored and the signal sent
    here.  Nothing is flushed: the output has nowhere to go.
    """
    import signal

    sigpipe = getattr(signal, "SIGPIPE", None)
    if sigpipe is not None:
        try:
            signal.signal(sigpipe, signal.SIG_DFL)
            os.kill(os.getpid(), sigpipe)
        except (OSError, ValueError):  # not the main thread: the status alone
            pass
    os._exit(128 + (int(sigpipe) if sigpipe is not None else 13))


def end_on_write_error(stream: str, error: OSError) -> NoReturn:
    """A write to ``stream`` (``stdout`` or ``stderr``) failed: say so, exit 1.

    A broken pipe is :func:`end_on_broken_pipe`.  Otherwise (a full disk, an
    I/O error) the output is incomplete, which must not pass for success:
    ``error: cannot write to stdout: No space left on device`` on stderr (if it
    can still be written) and exit status 1, as coreutils do.  The process
    ends at once, so that Python's own flush at exit does not fail again.
    """
    import errno

    if error.errno == errno.EPIPE:
        end_on_broken_pipe()
    reason = error.strerror or str(error)
    try:
        sys.stderr.write(f"error: cannot write to {stream}: {reason}\n")
        sys.stderr.flush()
    except (OSError, ValueError):
        pass
    os._exit(EXIT_ERRORS)


# ----------------------------------------------------------------- internal errors


def backtrace_wanted() -> bool:
    """Whether ``AURA_BACKTRACE`` asks for Python tracebacks on internal errors."""
    return os.environ.get("AURA_BACKTRACE", "") not in ("", "0")


def internal_error(exc: BaseException) -> NoReturn:
    """Report ``exc`` as a bug in the toolchain and exit with ``EXIT_INTERNAL``."""
    import platform
    import traceback

    lines = str(exc).strip().splitlines()
    detail = type(exc).__name__ + (f": {lines[0][:200]}" if lines else "")
    click.echo(f"error: internal compiler error: {detail}", err=True)
    if backtrace_wanted():
        click.echo("".join(traceback.format_exception(exc)).rstrip(), err=True)
    from importlib.metadata import PackageNotFoundError, version  # slow; only here

    try:
        core = version("aura-core")
    except PackageNotFoundError:
        core = "unknown"
    click.echo(
        "note: this is a bug in the Aura toolchain, not in your program; please report it "
        "with the command you ran and its input\n"
        f"note: aura-core {core}, Python {platform.python_version()} on {sys.platform}",
        err=True,
    )
    if not backtrace_wanted():
        click.echo("note: run with `AURA_BACKTRACE=1` to see the Python traceback", err=True)
    raise SystemExit(EXIT_INTERNAL)


def run_guarded(fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """Call ``fn``; an unexpected exception becomes an internal error (exit 3).

    click's own exceptions (usage errors, ``Exit``, ``Abort``) and ``SystemExit``
    pass through; a closed pipe ends the process as :func:`end_on_broken_pipe`
    says.  Ctrl-C exits 130 without a traceback.  ``RecursionError`` and
    ``MemoryError`` are internal errors too: the toolchain must turn deep input
    into a diagnostic, not crash.
    """
    try:
        return fn(*args, **kwargs)
    except (click.ClickException, click.exceptions.Exit, click.exceptions.Abort):
        raise
    except BrokenPipeError:
        end_on_broken_pipe()
    except KeyboardInterrupt:
        raise SystemExit(EXIT_INTERRUPTED) from None
    except Exception as e:
        internal_error(e)


def guarded(fn: Callable[P, T]) -> Callable[P, T]:
    """Decorator form of :func:`run_guarded`; put it below the click decorators."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        return run_guarded(fn, *args, **kwargs)

    return wrapper
