"""Native code generation through LLVM: ``aura build`` and the ``native`` engine.

The typed program (:mod:`aura_core.tir`) becomes one LLVM module
(:mod:`~aura_backend_llvm.gen_module` and the ``gen_*`` layers), optimised with
LLVM's ``-O2`` pipeline and linked with a small C runtime
(``runtime/aura_rt.c``) by the system C compiler.  ``docs/backend-llvm.md``
describes value representations, the calling convention and the runtime.
"""

from __future__ import annotations

from aura_backend_llvm.engine import run_native
from aura_backend_llvm.errors import UNSUPPORTED, Unsupported
from aura_backend_llvm.pipeline import Options, build_executable, generate_ir
from aura_backend_llvm.toolchain import ToolchainError, find_toolchain

__all__ = [
    "UNSUPPORTED",
    "Options",
    "ToolchainError",
    "Unsupported",
    "build_executable",
    "find_toolchain",
    "generate_ir",
    "run_native",
]
