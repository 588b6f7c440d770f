"""The ``native`` execution engine of ``aura run --native``.

It builds the program to an executable, kept in the private cache under the
hash of its LLVM IR (so running an unchanged program again skips LLVM and the
linker), and runs it with the request's arguments, standard streams
inherited; the exit status is the program's (101 on a panic), or 1 if the
program does not build.
"""

from __future__ import annotations

import subprocess
import sys

from aura_backend_llvm.build_command import program_ir
from aura_backend_llvm.pipeline import Options, cached_executable
from aura_backend_llvm.toolchain import ToolchainError
from aura_core.cli_support import EXIT_ERRORS
from aura_core.engines import RunRequest

__all__ = ["run_native"]


def run_native(request: RunRequest) -> int:
    options = Options(release=request.release, trust_proofs=request.trust_proofs, host_cpu=True)
    ir_text = program_ir(request.file, options)
    if ir_text is None:
        return EXIT_ERRORS
    try:
        exe = cached_executable(ir_text, host_cpu=True)
    except ToolchainError as e:
        print(f"error: {e}", file=sys.stderr)
        return EXIT_ERRORS
    sys.stdout.flush()
    proc = subprocess.run([str(exe), *request.args], check=False)
    return proc.returncode if proc.returncode >= 0 else 128 - proc.returncode
