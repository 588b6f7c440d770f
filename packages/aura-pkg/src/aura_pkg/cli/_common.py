"""What the ``aura pkg`` commands share: options, the project, the registry, failures.

**Failures.**  A command fails with exit status 1 and a diagnostic whose first
line names the package and the cause: a :class:`~aura_pkg.errors.PackageError`
is printed through its :meth:`~aura_pkg.errors.PackageError.diagnostic` (with a
snippet of the file when the error has a line), a failed resolution as the
resolver's derivation report, an operating-system error as its reason and file.
Usage errors are click's (status 2); anything else is a bug, which
:func:`aura_core.cli_support.guarded` reports in one line (status 3).

**Which registry.**  ``--registry URL`` (or ``AURA_REGISTRY``) when given; else
the registry the project's lock file names, since that is where its locked
versions live — but only if the user named it too (Cargo's rule: a lock file
cannot choose a registry): on the command line, as ``package.registry`` in
``aura.toml``, or in ``config.toml``; else ``package.registry``; else
``registry`` in the user's ``config.toml``.

Only click and the light modules of aura-pkg are imported here: every command
imports what it needs (the resolver, httpx through an HTTP registry) when it
runs, so ``aura pkg --help`` and a no-op install start quickly.
"""

from __future__ import annotations

import dataclasses
import functools
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, ParamSpec, TypeVar

import click

from aura_core.cli_support import EXIT_ERRORS, Reporter, guarded
from aura_core.diagnostics import Diagnostic, Help
from aura_pkg.errors import PackageError

if TYPE_CHECKING:
    from aura_pkg.config import Config
    from aura_pkg.lockfile import Lockfile
    from aura_pkg.manifest import Manifest
    from aura_pkg.registry import Registry

__all__ = [
    "CommandFailed",
    "choose_registry",
    "data",
    "fail",
    "load_project",
    "no_registry",
    "offline_option",
    "open_project_registry",
    "package_diagnostic",
    "printable",
    "project_option",
    "read_lock",
    "registry_option",
    "reported",
    "status",
]

P = ParamSpec("P")
T = TypeVar("T")
F = TypeVar("F", bound=Callable[..., Any])

#: Files larger than this are not read again to show a snippet of an error.
_SNIPPET_LIMIT = 1 << 20


class CommandFailed(Exception):
    """A failure a command detected itself, with an optional ``help:`` line."""

    def __init__(self, message: str, *, help: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.help = help


def fail(message: str, *, help: str | None = None) -> NoReturn:
    """Stop the command with exit status 1 and ``error: MESSAGE``."""
    raise CommandFailed(message, help=help)


#: Characters a registry's text may not send to a terminal: C0 and C1 controls (escape
#: sequences, OSC 8 hyperlinks, a `\r` that overwrites what was printed) and the
#: bidirectional overrides that make text read differently from what it is.
_UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def printable(text: str, *, one_line: bool = False) -> str:
    """``text`` safe to print: every unprintable character as ``\\u{XX}``.

    Registries are not trusted, and neither is what they send: names,
    descriptions, owners and error messages all pass through here.  With
    ``one_line`` a newline or tab is escaped too (a field of a one-line listing).
    """
    pattern = _ONE_LINE if one_line else _UNPRINTABLE
    return pattern.sub(lambda m: f"\\u{{{ord(m.group()):x}}}", text)


_ONE_LINE = re.compile(f"{_UNPRINTABLE.pattern}|[\t\n]")


def status(message: str) -> None:
    """A progress or result line for people, on stderr (stdout is for data)."""
    click.echo(printable(message), err=True)


def data(line: str) -> None:
    """A line of data on stdout (a listing a script may read), printable."""
    click.echo(printable(line, one_line=True))


def _file_text(file: str | None) -> str | None:
    if file is None:
        return None
    try:
        path = Path(file)
        if path.stat().st_size > _SNIPPET_LIMIT:
            return None
        return path.read_bytes().decode("utf-8", "replace")
    except OSError:
        return None


def package_diagnostic(error: PackageError, help: str | None = None) -> Diagnostic:
    """The diagnostic of a package error, with its file's text when a line is known."""
    text = _file_text(error.file) if error.line is not None else None
    diagnostic = error.diagnostic(text)
    diagnostic = dataclasses.replace(diagnostic, message=printable(diagnostic.message))
    if help is not None:
        diagnostic = dataclasses.replace(diagnostic, help=Help(help))
    return diagnostic


def _resolution_report(exc: BaseException) -> str | None:
    """The derivation report if ``exc`` is the resolver's; the resolver may not be loaded."""
    resolver = sys.modules.get("aura_pkg.resolver")
    if resolver is not None and isinstance(exc, resolver.ResolutionError):
        return str(exc.report)
    return None


def _report(exc: BaseException) -> bool:
    """Print ``exc`` if it is an expected failure; False for a bug."""
    reporter = Reporter("human")
    if isinstance(exc, PackageError):
        reporter.emit(package_diagnostic(exc))
    elif isinstance(exc, CommandFailed):
        reporter.emit(Diagnostic.error("", printable(exc.message), help=exc.help))
    elif isinstance(exc, OSError):
        where = f"{exc.filename}: " if exc.filename else ""
        reporter.emit(Diagnostic.error("", f"{where}{exc.strerror or exc}"))
    else:
        report = _resolution_report(exc)
        if report is None:
            return False
        reporter.emit(Diagnostic.error("", report))
    return True


def reported(fn: Callable[P, T]) -> Callable[P, T]:
    """Run a command body: expected failures exit 1 with their diagnostic, bugs exit 3.

    Put it below the click decorators.
    """

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        try:
            return fn(*args, **kwargs)
        except BrokenPipeError:  # a closed stdout (`aura pkg tree | head`): click handles it
            raise
        except (PackageError, CommandFailed, OSError) as exc:
            _report(exc)
        except Exception as exc:
            if not _report(exc):
                raise
        raise SystemExit(EXIT_ERRORS)

    return guarded(wrapper)


# -- options ---------------------------------------------------------------------------


def registry_option(fn: F) -> F:
    return click.option(
        "--registry",
        metavar="URL",
        envvar="AURA_REGISTRY",
        help="The registry: https://HOST or file:///PATH.  [default: $AURA_REGISTRY, else "
        "the lock file's, else `registry` in config.toml]",
    )(fn)


def offline_option(fn: F) -> F:
    return click.option(
        "--offline",
        is_flag=True,
        help="Use only the cache; fail naming what is missing instead of contacting the registry.",
    )(fn)


def project_option(fn: F) -> F:
    return click.option(
        "--project",
        "project",
        metavar="DIR",
        type=click.Path(file_okay=False, path_type=Path),
        help="The package directory.  [default: the nearest directory with an aura.toml, "
        "from the current one up]",
    )(fn)


# -- the project and its registry -----------------------------------------------------


def load_project(project: Path | None) -> tuple[Path, Manifest]:
    """The project directory and its manifest; the manifest's warnings are printed."""
    from aura_pkg.manifest import MANIFEST_FILE, load_manifest
    from aura_pkg.project import find_project

    if project is not None and not (project / MANIFEST_FILE).is_file():
        fail(
            f"no {MANIFEST_FILE} in {project}",
            help="run `aura pkg init` there to create a package",
        )
    root = project.resolve() if project is not None else find_project(Path.cwd())
    manifest = load_manifest(root / MANIFEST_FILE)
    if manifest.warnings:
        reporter = Reporter("human")
        text = _file_text(manifest.file)
        for warning in manifest.warnings:
            reporter.emit(warning.diagnostic(text))
    return root, manifest


def read_lock(project: Path) -> Lockfile | None:
    """The project's lock file, or None when there is none."""
    from aura_pkg.lockfile import LOCKFILE_NAME, read_lockfile

    path = project / LOCKFILE_NAME
    return read_lockfile(path) if path.exists() else None


def choose_registry(
    explicit: str | None,
    lock: Lockfile | None,
    config: Config,
    manifest: Manifest | None = None,
) -> str | None:
    """The registry URL a command uses (see the module documentation), or None.

    A lock file naming a registry that neither the command line, ``aura.toml``
    nor ``config.toml`` names is refused (E0904): it may have been rewritten to
    send the install, and the token, to someone else's registry.
    """
    from aura_pkg.project import lock_registry, named_registry

    chosen = manifest.package.registry if manifest is not None else None
    if explicit:
        return explicit
    locked = lock_registry(lock) if lock is not None else None
    if locked is not None:
        assert lock is not None
        return named_registry(locked, lock, [chosen, *config.registries()])
    return chosen or config.default_registry()


def no_registry() -> NoReturn:
    fail(
        "no registry given",
        help="pass --registry URL (https://HOST or file:///PATH), set AURA_REGISTRY, or set "
        "`registry` in config.toml",
    )


def open_project_registry(url: str, *, offline: bool = False) -> Registry:
    """A client for ``url`` with the user's cache (``AURA_CACHE_DIR`` moves it)."""
    from aura_pkg.cache import open_cache
    from aura_pkg.registry import open_registry

    return open_registry(url, cache=open_cache(), offline=offline)
