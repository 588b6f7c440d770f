"""The runtime's C interface and its Python declarations agree; the float text form."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from click.testing import CliRunner

from aura_backend_llvm.rtdecls import RUNTIME
from aura_core.cli import main

HEADER = Path(__file__).resolve().parents[1] / "src" / "aura_backend_llvm" / "runtime" / "aura_rt.h"


def _arity(name: str, text: str) -> int:
    found = re.search(rf"\b{name}\(([^)]*)\);", text)
    assert found is not None, f"{name} is not declared in aura_rt.h"
    params = found.group(1).strip()
    return 0 if params in ("", "void") else params.count(",") + 1


def test_every_declared_runtime_function_has_its_arity() -> None:
    text = HEADER.read_text(encoding="utf-8")
    for name, (_, params, _) in RUNTIME.items():
        if name.startswith("aura_"):
            assert _arity(name, text) == len(params), name


def test_floats_print_as_pythons_repr(tmp_path: Path) -> None:
    values = [0.1, 1.0, 1e-09, 1e16, 1e15, 123.456, 5e-324, 1.7976931348623157e308, 1e-05]
    values += [0.0001, 2.5e3, 1e22, 1 / 3, 2 / 3 * 1e-7, -2.5, 100.0]
    body = "\n".join(f"    println({v!r})" for v in values)
    src = tmp_path / "floats.aura"
    src.write_text(f"cell main():\n{body}\n    println(-0.0)\n", encoding="utf-8")
    exe = tmp_path / "floats"
    r = CliRunner().invoke(main, ["build", str(src), "-o", str(exe)])
    assert r.exit_code == 0, r.output
    out = subprocess.run([str(exe)], capture_output=True, text=True, check=True).stdout
    assert out.split("\n")[:-1] == [repr(v) for v in values] + ["-0.0"]
