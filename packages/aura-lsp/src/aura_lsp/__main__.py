"""``python -m aura_lsp``: the same as ``aura lsp``."""

from aura_lsp.command import main

main()
