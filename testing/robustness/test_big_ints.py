"""`Int` values of more digits than Python converts by default (4,300), and the
limit on an integer literal's digits (``docs/reference/syntax.md``, Limits)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from aura_core.cli import main

SHIFTED = 'const C: Int = 1 << 20000\n\ncell main():\n    assert C > 0\n    println("{C}")\n'
DECIMAL = (
    "const BIG: Int = " + "9" * 5000 + "\n\ncell main():\n"
    '    val x: Int = BIG + 1\n    assert x > 0\n    println("{x}")\n'
)
HEX = "cell main():\n    val x: Int = 0x" + "f" * 5000 + '\n    println("{x}")\n'


def aura(*args: str) -> tuple[int, str, str]:
    r = CliRunner().invoke(main, list(args))
    return r.exit_code, r.stdout, r.stderr


@pytest.mark.parametrize("source", [SHIFTED, DECIMAL, HEX], ids=["shift", "decimal", "hex"])
@pytest.mark.parametrize("command", ["check", "fmt --check", "verify", "run"])
def test_big_ints_go_through_every_command(
    source: str, command: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("p.aura").write_text(source, encoding="utf-8")
    status, out, err = aura(*command.split(), "p.aura")
    assert "internal compiler error" not in err
    assert status == 0, err
    if command == "run":
        expected = {SHIFTED: 1 << 20000, DECIMAL: 10**5000, HEX: 16**5000 - 1}[source]
        digits = sys.get_int_max_str_digits()
        sys.set_int_max_str_digits(0)  # this process's own limit, for the expectation
        try:
            assert out == f"{expected}\n"
        finally:
            sys.set_int_max_str_digits(digits)


def test_a_literal_of_too_many_digits_is_e0015(tmp_path: Path) -> None:
    from aura_parse.literals import MAX_INT_DIGITS

    path = tmp_path / "p.aura"
    path.write_text(f"const C: Int = {'1' * (MAX_INT_DIGITS + 1)}\n", encoding="utf-8")
    status, _, err = aura("check", str(path))
    assert status == 1
    assert f"error[E0015]: integer literal has {MAX_INT_DIGITS + 1} digits" in err
    path.write_text(f"const C: Int = {'1_' * MAX_INT_DIGITS}1\n".replace("1_1\n", "1\n"), "utf-8")
    assert aura("check", str(path))[0] == 0  # `_` does not count
