"""Keeps the parser benchmark honest: its generated input must stay valid.

The benchmark itself is run by hand (``python testing/bench/parse_bench.py``); this
test runs its generator at a small size so that a grammar change that the
generator does not follow shows up as a failing test instead of a broken benchmark.
"""

from __future__ import annotations

import ast
from pathlib import Path

import parse_bench as bench
import pytest

BENCH = Path(__file__).resolve().with_name("parse_bench.py")


@pytest.mark.parametrize("seed", [1, 7, bench.DEFAULT_SEED])
def test_generated_module_parses_without_errors(seed: int) -> None:
    from aura_core.source import SourceFile
    from aura_parse import parse_module

    text = bench.generate_aura(600, seed)
    assert len(text.splitlines()) == 600
    result = parse_module(SourceFile(f"bench_{seed}.aura", text))
    errors = list(bench._iter_errors(result))
    assert not errors, "the benchmark generator writes invalid Aura:\n" + "\n".join(errors[:20])
    assert result.ok
    assert len(result.module.decls) > 5


@pytest.mark.parametrize("seed", [1, bench.DEFAULT_SEED])
def test_python_peer_parses(seed: int) -> None:
    text = bench.generate_python(600, seed)
    assert len(text.splitlines()) == 600
    ast.parse(text)


def test_generator_is_deterministic_and_varied() -> None:
    a = bench.generate_aura(1500, 3)
    assert a == bench.generate_aura(1500, 3)
    assert a != bench.generate_aura(1500, 4)
    for construct in (
        "record {",
        "enum {",
        "const ",
        "requires ",
        "ensures ",
        "invariant ",
        "decreases ",
        "match ",
        "forall(",
        "?\n",
        "{",
        "## ",
        "# ",
        "test cell ",
        "Map<String, i64>",
        "for ",
        "while ",
    ):
        assert construct in a, construct


def test_main_reports_throughput(capsys: pytest.CaptureFixture[str]) -> None:
    assert bench.main(["--lines", "300", "--repeat", "1"]) == 0
    out = capsys.readouterr().out
    assert "lines/s" in out
    assert "ast.parse" in out
    assert "goal:" in out
