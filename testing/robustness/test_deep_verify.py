"""`aura verify` on inputs that nest deeper than Python's default recursion limit.

A chain of pure cells each calling the next is unfolded into one proof, and a
recursive pure cell called on a constant is unfolded level by level; both used
to end in a ``RecursionError`` (an internal error, or a run that printed
nothing).  The verifier now proves each cell on a large stack with a raised
limit (``aura_core.deep``), and finds the call graph's cycles once.
"""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from aura_core.cli import main


def verify(path: Path, *args: str) -> tuple[int, str]:
    r = CliRunner().invoke(main, ["verify", "--no-cache", *args, str(path)])
    return r.exit_code, r.stdout + r.stderr


def test_a_long_chain_of_pure_cells(tmp_path: Path) -> None:
    n = 200
    cells = "".join(
        f"pure cell f{i}(x: Int) -> Int:\n    return {f'f{i + 1}(x)' if i < n - 1 else 'x'} + 1\n\n"
        for i in range(n)
    )
    path = tmp_path / "chain.aura"
    path.write_text(cells + f"cell main():\n    assert f0(1) == {n + 1}\n", encoding="utf-8")
    status, err = verify(path, "--cell", "main")
    assert status == 0, err
    assert "1 cell: 1 verified, 0 failed" in err


def test_a_deep_recursive_unfolding(tmp_path: Path) -> None:
    path = tmp_path / "pow2.aura"
    path.write_text(
        "pure cell pow2(n: Int) -> Int:\n"
        "    requires n >= 0\n"
        "    decreases n\n"
        "    if n == 0:\n"
        "        return 1\n"
        "    return 2 * pow2(n - 1)\n\n"
        "cell main():\n"
        "    assert pow2(100) > 0\n",
        encoding="utf-8",
    )
    status, err = verify(path)
    assert status == 0, err
    assert "2 verified, 0 failed" in err
