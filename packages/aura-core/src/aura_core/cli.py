"""The root of the ``aura`` command.

aura-core owns the click group; every other package contributes subcommands
through the ``aura.commands`` entry-point group, so a partial install offers
exactly what it has.  A known command whose package is missing still appears
in ``aura --help`` and, when invoked, says which distribution to install.

``aura run`` is built in (:mod:`aura_core.run_command`): it finds its execution
engine through the ``aura.engines`` entry points.  Plugins are imported only to
run them: ``aura --help`` lists commands with the
summaries known here (or the providing distribution's metadata), so a slow or
broken plugin does not slow down or break the listing.  A plugin that fails to
import becomes a command that says so in one line and exits 3 (an internal error,
see :mod:`aura_core.cli_support`).  Every command runs under
:func:`~aura_core.cli_support.run_guarded`, so an unexpected exception is
reported as an internal compiler error rather than a traceback.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

import click

from aura_core.cli_support import EXIT_ERRORS, EXIT_INTERNAL, backtrace_wanted, run_guarded
from aura_core.run_command import run as run_command

if TYPE_CHECKING:
    from importlib.metadata import EntryPoint

__all__ = ["ENTRY_POINT_GROUP", "PROVIDERS", "main"]

ENTRY_POINT_GROUP = "aura.commands"

#: Built-in knowledge of which distribution provides each command of spec
#: section 10, for the message shown when it is not installed.  ``aura run`` is
#: not here: it is built in and finds its engine itself (:mod:`aura_core.engines`).
PROVIDERS: dict[str, tuple[str, str]] = {
    "check": ("aura-parse", "parse and type-check files or a package"),
    "fmt": ("aura-parse", "rewrite files in canonical form"),
    "test": ("aura-interpret", "run test cells"),
    "verify": ("aura-verify", "check, then prove contracts"),
    "build": ("aura-backend-llvm", "compile to a native executable"),
    "lsp": ("aura-lsp", "language server on stdio"),
    "pkg": ("aura-pkg", "package manager"),
    "registry": ("aura-pkg[registry]", "run a package registry"),
}


def _discover() -> dict[str, EntryPoint]:
    from importlib.metadata import entry_points

    return {ep.name: ep for ep in entry_points(group=ENTRY_POINT_GROUP)}


def _missing(name: str) -> click.Command:
    dist, summary = PROVIDERS[name]

    @click.command(
        name,
        help=f"{summary} (not installed: pip install {dist})",
        context_settings={"ignore_unknown_options": True, "allow_extra_args": True},
        add_help_option=False,
    )
    def missing() -> None:
        click.echo(
            f"error: `aura {name}` is provided by the {dist} package, which is not "
            f"installed\nhelp: pip install {dist}",
            err=True,
        )
        sys.exit(EXIT_ERRORS)

    return missing


def _dist_name(ep: EntryPoint) -> str:
    dist = getattr(ep, "dist", None)
    if dist is not None:
        return str(dist.name)
    return PROVIDERS[ep.name][0] if ep.name in PROVIDERS else ep.value.partition(":")[0]


def _short_help(name: str, ep: EntryPoint | None) -> str:
    """A command's summary for ``aura --help``, without importing its plugin."""
    if ep is None:
        dist, summary = PROVIDERS[name]
        return f"{summary} (not installed: pip install {dist})"
    if name in PROVIDERS:
        return PROVIDERS[name][1]
    distribution = getattr(ep, "dist", None)
    described = distribution.metadata["Summary"] if distribution is not None else None
    return str(described) if described else ""


def _broken(name: str, package: str, error: BaseException) -> click.Command:
    """Stands in for a command whose plugin could not be imported."""
    lines = str(error).strip().splitlines()
    reason = type(error).__name__ + (f": {lines[0]}" if lines else "")

    @click.command(
        name,
        help=f"(failed to load: {reason})",
        context_settings={"ignore_unknown_options": True, "allow_extra_args": True},
        add_help_option=False,
    )
    def broken() -> None:
        click.echo(
            f"error: the command `aura {name}` from package {package} failed to load: {reason}",
            err=True,
        )
        if backtrace_wanted():
            import traceback

            click.echo("".join(traceback.format_exception(error)).rstrip(), err=True)
        else:
            click.echo("note: run with `AURA_BACKTRACE=1` to see the Python traceback", err=True)
        sys.exit(EXIT_INTERNAL)

    return broken


class AuraGroup(click.Group):
    """A group whose commands come from entry points, loaded only when used."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        names = set(super().list_commands(ctx)) | set(_discover()) | set(PROVIDERS)
        return sorted(names)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        builtin = super().get_command(ctx, cmd_name)
        if builtin is not None:
            return builtin
        ep = _discover().get(cmd_name)
        if ep is not None:
            try:
                command = ep.load()
            except Exception as e:
                return _broken(cmd_name, _dist_name(ep), e)
            if not isinstance(command, click.Command):
                error = TypeError(f"entry point {ep.value!r} is not a click command")
                return _broken(cmd_name, _dist_name(ep), error)
            return command
        if cmd_name in PROVIDERS:
            return _missing(cmd_name)
        return None

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """List commands from entry-point metadata instead of importing every plugin."""
        discovered = _discover()
        rows = []
        for name in self.list_commands(ctx):
            builtin = self.commands.get(name)
            if builtin is not None:
                if builtin.hidden:
                    continue
                text = builtin.get_short_help_str(limit=formatter.width)
            else:
                text = _short_help(name, discovered.get(name))
            rows.append((name, text))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    def invoke(self, ctx: click.Context) -> Any:
        # `Int` is unbounded, so every command prints integers whole: Python's
        # limit on the digits of str(int) (4300) is lifted while one runs.
        # Inputs stay bounded (a source file, a literal's digits).
        digits = sys.get_int_max_str_digits()
        sys.set_int_max_str_digits(0)
        try:
            return run_guarded(super().invoke, ctx)
        finally:
            sys.set_int_max_str_digits(digits)


@click.group(cls=AuraGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="aura-core", prog_name="aura")
def main() -> None:
    """Aura: a programming language whose programs carry their own proofs."""


main.add_command(run_command)


@main.command("explain")
@click.argument("code")
def explain_command(code: str) -> None:
    """explain a diagnostic code

    `aura explain E0003` prints the page about code E0003: what it means, an
    example that triggers it and how to fix it.  Exit status 1 for a code that
    does not exist, 2 for an argument that is not shaped like a code.
    """
    from aura_core.explain import explanation, normalize_code

    normal = normalize_code(code)
    if normal is None:
        raise click.UsageError(
            f"`{code}` is not a diagnostic code (codes look like E0001, W0006 or V0003)"
        )
    page = explanation(normal)
    if page is None:
        click.echo(f"error: unknown diagnostic code `{normal}`", err=True)
        sys.exit(EXIT_ERRORS)
    click.echo(page, nl=not page.endswith("\n"))
