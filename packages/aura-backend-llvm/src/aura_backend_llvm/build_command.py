"""``aura build FILE -o OUT``: a native executable through LLVM (spec section 10)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from aura_backend_llvm.errors import Unsupported
from aura_backend_llvm.pipeline import Options, build_executable, generate_ir, has_main
from aura_backend_llvm.toolchain import ToolchainError
from aura_core.cli_support import EXIT_ERRORS, Reporter, guarded
from aura_core.diagnostics import Diagnostic
from aura_parse import load_checked

__all__ = ["build", "compile_file", "program_ir"]


def _report(diagnostics: list[Diagnostic]) -> None:
    reporter = Reporter("human")
    reporter.extend(diagnostics)
    reporter.finish()


def program_ir(file: Path, options: Options) -> str | None:
    """The LLVM IR of the program at ``file``; None after reporting why there is none."""
    checked = load_checked(file)
    if isinstance(checked, list):
        _report(checked)
        return None
    if not has_main(checked):
        name = checked.program.modules[checked.entry].source.name
        print(f"error: `{name}` has no `main` cell to run", file=sys.stderr)
        return None
    try:
        return generate_ir(checked, options)
    except Unsupported as e:
        _report([e.diagnostic()])
        return None


def compile_file(file: Path, output: Path, options: Options, emit_llvm: Path | None = None) -> int:
    """Check, compile and link ``file`` into ``output``; the exit status (0 or 1)."""
    ir_text = program_ir(file, options)
    if ir_text is None:
        return EXIT_ERRORS
    if emit_llvm is not None:
        try:
            emit_llvm.write_text(ir_text, encoding="utf-8")
        except OSError as e:
            print(f"error: cannot write `{emit_llvm}`: {e.strerror or e}", file=sys.stderr)
            return EXIT_ERRORS
    try:
        build_executable(ir_text, output)
    except ToolchainError as e:
        print(f"error: {e}", file=sys.stderr)
        return EXIT_ERRORS
    except OSError as e:
        print(f"error: cannot write `{output}`: {e.strerror or e}", file=sys.stderr)
        return EXIT_ERRORS
    return 0


@click.command("build", context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("file", type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    required=True,
    help="The executable to write.",
)
@click.option(
    "--release", is_flag=True, help="Leave out contract, assertion and refinement checks."
)
@click.option("--trust-proofs", is_flag=True, help="Leave out the checks the verifier proved.")
@click.option(
    "--emit-llvm",
    type=click.Path(path_type=Path),
    default=None,
    help="Also write the LLVM IR here.",
)
@guarded
def build(
    file: Path, output: Path, release: bool, trust_proofs: bool, emit_llvm: Path | None
) -> None:
    """Compile FILE to a native executable."""
    options = Options(release=release, trust_proofs=trust_proofs)
    raise SystemExit(compile_file(file, output, options, emit_llvm))
