"""``aura lsp``: the language server over standard input and output."""

from __future__ import annotations

import gc
import sys

import click

from aura_core.cli_support import guarded

__all__ = ["lsp", "main"]


def main() -> None:
    """Serve until the editor says ``exit`` or closes the connection; exits with LSP's status."""
    # Imported here: `aura --help` lists this command without loading the server.
    from aura_lsp.handlers import create_server
    from aura_lsp.transport import serve

    # Every analysis allocates many small, short-lived tree nodes while the
    # trees of unchanged declarations live on; the collector's default first
    # threshold makes it walk those survivors every few milliseconds.
    gc.set_threshold(100_000, 50, 100)
    sys.exit(serve(create_server(), sys.stdin.buffer, sys.stdout.buffer))


@click.command("lsp")
@click.option("--stdio", is_flag=True, help="Speak over standard input and output (the default).")
@guarded
def lsp(stdio: bool) -> None:
    """Run the Aura language server (LSP over standard input and output)."""
    main()
