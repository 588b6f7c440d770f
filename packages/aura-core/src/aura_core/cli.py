"""The root of the ``aura`` command.

aura-core owns the click group; every other package contributes subcommands
through the ``aura.commands`` entry-point group, so a partial install offers
exactly what it has.  A known command whose package is missing still appears
in ``aura --help`` and, when invoked, says which distribution to install.
"""

from __future__ import annotations

import sys
from importlib.metadata import EntryPoint, entry_points

import click

__all__ = ["main", "PROVIDERS", "ENTRY_POINT_GROUP"]

ENTRY_POINT_GROUP = "aura.commands"

#: Built-in knowledge of which distribution provides each command of spec
#: section 10, for the message shown when it is not installed.
PROVIDERS: dict[str, tuple[str, str]] = {
    "check": ("aura-parse", "parse and type-check files or a package"),
    "fmt": ("aura-parse", "rewrite files in canonical form"),
    "run": ("aura-interpret", "check, then run main"),
    "test": ("aura-interpret", "run test cells"),
    "verify": ("aura-verify", "check, then prove contracts"),
    "build": ("aura-backend-llvm", "compile to a native executable"),
    "lsp": ("aura-lsp", "language server on stdio"),
    "pkg": ("aura-pkg", "package manager"),
    "registry": ("aura-pkg[registry]", "run a package registry"),
}


def _discover() -> dict[str, EntryPoint]:
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
        sys.exit(1)

    return missing


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
            command = ep.load()
            if not isinstance(command, click.Command):
                raise click.ClickException(
                    f"entry point {ep.value!r} for `aura {cmd_name}` is not a click command"
                )
            return command
        if cmd_name in PROVIDERS:
            return _missing(cmd_name)
        return None


@click.group(cls=AuraGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="aura-core", prog_name="aura")
def main() -> None:
    """Aura: a programming language whose programs carry their own proofs."""
