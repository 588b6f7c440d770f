"""TIR -> LLVM IR -> optimised object -> executable.

The stages: :func:`load` (parse and check, as ``aura check`` does),
:func:`generate_ir` (the typed program as one LLVM module), :func:`optimise`
(LLVM's standard ``-O2`` pipeline), :func:`emit_object` (llvmlite's target
machine), and :func:`build_executable`, which links the object with the C
runtime through the system C compiler.
"""

from __future__ import annotations

import hashlib
import tempfile
from functools import cache
from pathlib import Path

from llvmlite import binding as llvm

from aura_backend_llvm.gen_module import ModuleGen, Options
from aura_backend_llvm.toolchain import cache_dir, find_toolchain
from aura_core.trust import proven_for
from aura_core.types import QualName
from aura_parse import CheckedProgram

__all__ = [
    "Options",
    "build_executable",
    "emit_object",
    "generate_ir",
    "has_main",
    "optimise",
]


@cache
def _target_machine(host_cpu: bool) -> llvm.TargetMachine:
    llvm.initialize_native_target()
    llvm.initialize_native_asmprinter()
    target = llvm.Target.from_default_triple()
    return target.create_target_machine(
        cpu=llvm.get_host_cpu_name() if host_cpu else "",
        features=llvm.get_host_cpu_features().flatten() if host_cpu else "",
        opt=2,
        reloc="pic",
        codemodel="small",
    )


def has_main(checked: CheckedProgram) -> bool:
    """Whether the entry module has a ``main`` cell to run."""
    cell = checked.program.modules[checked.entry].cells.get("main")
    return cell is not None and cell.kind == "cell"


def generate_ir(checked: CheckedProgram, options: Options) -> str:
    """The program as LLVM IR text; raises :class:`Unsupported` for what it cannot compile.

    The entry module must have a ``main`` cell (:func:`has_main`).
    """
    tm = _target_machine(options.host_cpu)
    mg = ModuleGen(checked.program, options, tm.triple, str(tm.target_data))
    if options.trust_proofs:
        mg.proven = proven_for(checked.program, checked.entry, release=options.release)
    mg.generate(QualName(checked.entry, "main"))
    return str(mg.module)


def optimise(ir_text: str, host_cpu: bool = False) -> llvm.ModuleRef:
    """Parse, verify and optimise the module with LLVM's ``-O2`` pipeline."""
    tm = _target_machine(host_cpu)
    mod = llvm.parse_assembly(ir_text)
    mod.verify()
    pto = llvm.PipelineTuningOptions(speed_level=2)
    pb = llvm.create_pass_builder(tm, pto)
    pm = pb.getModulePassManager()
    pm.run(mod, pb)
    return mod


def emit_object(mod: llvm.ModuleRef, host_cpu: bool = False) -> bytes:
    data: bytes = _target_machine(host_cpu).emit_object(mod)
    return data


def cached_executable(ir_text: str, host_cpu: bool = False) -> Path:
    """The executable of ``ir_text``, built once and kept in the private cache.

    Keyed by the IR and the runtime objects (whose names hash the runtime's
    sources and the C compiler), so an unchanged program starts at once.
    """
    toolchain = find_toolchain()
    runtime = toolchain.runtime_objects()
    digest = hashlib.sha256(ir_text.encode())
    digest.update("\0".join([*map(str, runtime), str(host_cpu)]).encode())
    folder = cache_dir() / "programs"
    folder.mkdir(mode=0o700, exist_ok=True)
    exe = folder / digest.hexdigest()[:32]
    if not exe.is_file():
        build_executable(ir_text, exe, host_cpu)
    return exe


def build_executable(ir_text: str, output: Path, host_cpu: bool = False) -> None:
    """Optimise, compile and link ``ir_text`` into the executable ``output``."""
    toolchain = find_toolchain()
    obj = emit_object(optimise(ir_text, host_cpu), host_cpu)
    with tempfile.TemporaryDirectory(prefix="aura-build-") as tmp:
        path = Path(tmp) / "program.o"
        path.write_bytes(obj)
        toolchain.link([path], output)
