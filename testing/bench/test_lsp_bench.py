"""The language server benchmark runs (at a tiny size), so it cannot rot."""

from __future__ import annotations

import lsp_bench
import pytest

from aura_core.source import SourceFile
from aura_parse import parse_module


def test_lsp_bench_runs(capsys: pytest.CaptureFixture[str]) -> None:
    tiny = "--lines 60 --cells 3 --edits 3 --workspace-lines 120 --files 2 --timeout 60"
    status = lsp_bench.main(tiny.split())
    out = capsys.readouterr().out
    assert status == 0, out
    for row in ("(a) didChange", "(b) didChange", "(c) workspace opened cold", "peer:"):
        assert row in out


def test_generated_file_has_the_asked_size_and_parses() -> None:
    text = lsp_bench.generate_file(100, 5)
    assert text.count("\n") == 100
    parsed = parse_module(SourceFile("gen.aura", text))
    assert parsed.diagnostics == ()
    names = [d.name for d in parsed.module.decls if hasattr(d, "name")]
    assert names == [f"step_{k}" for k in range(5)]
    assert lsp_bench.cell_start(text, 2) + lsp_bench.PAD_LINE == text.split("\n").index(
        "    val pad = 1", lsp_bench.cell_start(text, 2)
    )


def test_keystrokes_keep_the_literal_valid_and_make_new_texts() -> None:
    typed = ""
    texts = set()
    for kind, digit in lsp_bench.keystrokes(40):
        if kind == "insert":
            assert len(digit) == 1 and digit.isdigit()
            typed += digit
        else:
            assert digit == "" and typed
            typed = typed[1:]
        assert len(typed) <= 11  # `1` + 11 digits stays inside i64
        texts.add(typed)
    assert len(texts) >= 38  # the proof cache cannot answer for a repeated text


def test_percentile_is_nearest_rank() -> None:
    sample = [float(v) for v in range(1, 21)]
    assert lsp_bench.percentile(sample, 50) == 10.0
    assert lsp_bench.percentile(sample, 95) == 19.0
    assert lsp_bench.percentile([7.0], 95) == 7.0
