"""Whatever the input, the parser answers with a tree and diagnostics, never a crash."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from aura_core.source import SourceFile
from aura_parse import parse_module

REPO = Path(__file__).resolve().parents[3]
SAMPLES = sorted((REPO / "cookbook").glob("*.aura"))
SEED_TEXT = "\n".join(p.read_text(encoding="utf-8") for p in SAMPLES) or (
    "cell f(x: i64) -> i64:\n    requires x > 0\n    return x + 1\n"
)
ALPHABET = st.sampled_from(
    [*"abcxyz_019 \t\n\r#\"\\{}()[]<>=!+-*/%&|^~.,:;?'$", "val ", "cell ", "    "]
)

fuzz = settings(max_examples=300)


def parses_without_crashing(text: str) -> None:
    result = parse_module(SourceFile("fuzz.aura", text))
    for d in result.diagnostics:
        assert d.code.startswith("E") and d.span is not None
        assert 0 <= d.span.start <= d.span.end <= len(text)
        assert d.message


@fuzz
@given(st.text())
def test_any_text(text: str) -> None:
    parses_without_crashing(text)


@fuzz
@given(st.lists(ALPHABET, max_size=200).map("".join))
def test_text_made_of_aura_punctuation(text: str) -> None:
    parses_without_crashing(text)


@fuzz
@given(st.data())
def test_mutated_programs(data: st.DataObject) -> None:
    text = SEED_TEXT
    for _ in range(data.draw(st.integers(1, 5))):
        pos = data.draw(st.integers(0, len(text)))
        action = data.draw(st.sampled_from(["insert", "delete", "duplicate"]))
        if action == "insert":
            text = text[:pos] + data.draw(ALPHABET) + text[pos:]
        elif action == "delete":
            text = text[:pos] + text[pos + data.draw(st.integers(1, 20)) :]
        else:
            end = min(len(text), pos + data.draw(st.integers(1, 40)))
            text = text[:end] + text[pos:end] + text[end:]
    parses_without_crashing(text)


def test_pathological_inputs() -> None:
    for text in [
        "",
        "\n" * 1000,
        "x" * 100_000,
        "cell f():\n    val x = " + "a" * 100_000 + "\n",
        '"' * 1001,
        "(" * 10_000,
        ")" * 10_000,
        "cell f():\n" + "    " * 1000 + "x\n",
        "\x00\x01\x02",
        "\ufeffcell f():\n    return\n",
        "cell f():\n    return\r",
    ]:
        parses_without_crashing(text)
