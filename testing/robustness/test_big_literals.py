"""Long vector literals cost time linear in their length to compile and run."""

from __future__ import annotations

from pathlib import Path

import pytest

from aura_core.types import QualName
from aura_interpret import codegen_expr
from aura_interpret.compiler import compile_program
from aura_interpret.externs import Host
from aura_interpret.session import load_checked


def _literal_program(tmp_path: Path, n: int) -> Path:
    path = tmp_path / "vec.aura"
    elems = ", ".join(str(i) for i in range(n))
    path.write_text(f'cell main():\n    val v = [{elems}]\n    println("{{v.len()}}")\n', "utf-8")
    return path


def test_compiling_a_vector_literal_looks_at_each_element_a_bounded_number_of_times(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Whether each element was evaluated first in its statement was decided by
    # looking at every element before it: quadratic (30,000 elements: 154 s).
    looks: list[int] = []
    pure_child = codegen_expr._pure_child

    def counted(e: object) -> bool:
        looks.append(1)
        return pure_child(e)  # type: ignore[arg-type]

    monkeypatch.setattr(codegen_expr, "_pure_child", counted)
    n = 3000
    checked = load_checked(_literal_program(tmp_path, n))
    assert not isinstance(checked, list)
    compile_program(checked.program, [QualName(checked.entry, "main")], release=False, host=Host())
    assert len(looks) < 4 * n
