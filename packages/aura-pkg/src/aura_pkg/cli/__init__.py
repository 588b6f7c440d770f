"""``aura pkg``: the package manager's commands, registered under the ``aura`` command.

aura-core's ``aura`` group finds this group through the ``aura.commands``
entry point ``pkg = "aura_pkg.cli:pkg"``.  The subcommands live in modules of a
few commands each:

* :mod:`~aura_pkg.cli.manifest_commands` — ``init``, ``add``, ``remove``;
* :mod:`~aura_pkg.cli.lock_commands` — ``lock``, ``update``, ``install``, ``tree``;
* :mod:`~aura_pkg.cli.registry_commands` — ``search``, ``publish``, ``yank``,
  ``init-registry``;
* :mod:`~aura_pkg.cli.account_commands` — ``keygen``, ``login``;
* :mod:`~aura_pkg.cli.trust_commands` — ``key rotate|revoke``, ``owner add|remove|list``.

Importing this package imports click and nothing heavy: each command imports
the resolver, the installer or httpx when it runs.  ``docs/reference/pkg-cli.md``
documents the commands, files, environment variables and exit statuses.
"""

from __future__ import annotations

import click

from aura_pkg.cli.account_commands import keygen, login
from aura_pkg.cli.lock_commands import install, lock, tree, update
from aura_pkg.cli.manifest_commands import add, init, remove
from aura_pkg.cli.registry_commands import init_registry, publish, search, yank
from aura_pkg.cli.trust_commands import key, owner

__all__ = ["pkg"]


class _Ordered(click.Group):
    """Lists commands in the order of a project's life rather than alphabetically."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(self.commands)


@click.group("pkg", cls=_Ordered, context_settings={"help_option_names": ["-h", "--help"]})
def pkg() -> None:
    """Manage packages: dependencies, lock files, installs and publishing.

    Commands work on the project in the current directory or the nearest one
    above it with an aura.toml (or --project DIR).  Exit status: 0 success, 1
    failure (one line naming the package and the cause), 2 usage error.
    """


for _command in (
    init,
    add,
    remove,
    lock,
    update,
    install,
    tree,
    search,
    publish,
    yank,
    keygen,
    key,
    login,
    owner,
    init_registry,
):
    pkg.add_command(_command)
