"""The Aura language server behind ``aura lsp``: diagnostics as you type, and
proof status streamed per cell.

:func:`create_server` builds the server (pygls) with every feature registered;
``aura lsp`` and ``python -m aura_lsp`` run it over standard input and output.
The protocol, including the custom ``aura/proofStatus`` notification and the
``aura/stats`` request, is described in ``docs/lsp-protocol.md``.
"""

from aura_lsp.handlers import create_server
from aura_lsp.server import AuraServer

__all__ = ["AuraServer", "create_server"]
