"""The Aura language server behind ``aura lsp``: diagnostics as you type and
proof status streamed per cell.

Nothing is exported yet.
"""

__all__: list[str] = []
