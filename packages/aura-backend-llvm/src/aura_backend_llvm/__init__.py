"""Native code generation through LLVM (llvmlite) and the C runtime behind
``aura build``.

It consumes the typed program that aura-core's checker produces; nothing is
exported yet.
"""

__all__: list[str] = []
