"""The VS Code extension's TextMate grammar and language configuration.

The grammar's regular expressions are written in the subset that Oniguruma (the
engine VS Code runs them with) and Python's ``re`` read alike, so the first tests
check them with ``re`` directly.  The last ones tokenize real programs with the
engine VS Code itself uses (vscode-textmate over vscode-oniguruma, the
extension's development dependencies), through ``out/tools/tokenize.js``.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import systools

from aura_core.keywords import RESERVED_WORDS

ROOT = Path(__file__).resolve().parents[2]
VSCODE = ROOT / "editors" / "vscode"
GRAMMAR = VSCODE / "syntaxes" / "aura.tmLanguage.json"
LANGUAGE_CONFIG = VSCODE / "language-configuration.json"
TOKENIZER = VSCODE / "out" / "tools" / "tokenize.js"

#: The scope families a reserved word may get (never a plain variable).
KEYWORD_SCOPES = (
    "keyword.",
    "storage.",
    "constant.language.",
    "variable.language.",
)

Tokens = list[tuple[str, list[str]]]


@cache
def grammar() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(GRAMMAR.read_text(encoding="utf-8"))
    return data


def rules(node: Any) -> list[dict[str, Any]]:
    """Every rule of the grammar (dictionaries holding a regex), depth first."""
    found: list[dict[str, Any]] = []
    if isinstance(node, dict):
        if any(key in node for key in ("match", "begin", "end")):
            found.append(node)
        for value in node.values():
            found += rules(value)
    elif isinstance(node, list):
        for value in node:
            found += rules(value)
    return found


def keyword_rules() -> list[tuple[str, re.Pattern[str]]]:
    return [
        (rule["name"], re.compile(rule["match"]))
        for rule in grammar()["repository"]["keywords"]["patterns"]
    ]


def scope_of_literal(text: str) -> str | None:
    """The scope the first number rule matching all of ``text`` gives, as VS Code picks."""
    for rule in grammar()["repository"]["numbers"]["patterns"]:
        found = re.match(rule["match"], text)
        if found and found.end() == len(text):
            name: str = rule["name"]
            return name
    return None


def test_grammar_is_valid_json_for_aura() -> None:
    g = grammar()
    assert g["scopeName"] == "source.aura"
    assert g["fileTypes"] == ["aura"]
    for include in re.findall(r'"include": "#([A-Za-z_]+)"', GRAMMAR.read_text("utf-8")):
        assert include in g["repository"], f"#{include} is included but not defined"


def test_every_regex_reads_the_same_in_python() -> None:
    for rule in rules(grammar()):
        for key in ("match", "begin", "end"):
            if key in rule:
                re.compile(rule[key])  # raises on syntax outside the shared subset


def test_every_reserved_word_is_a_keyword_and_nothing_else_is() -> None:
    matched: dict[str, list[str]] = {}
    for name, pattern in keyword_rules():
        for word in re.findall(r"[a-z_]+", pattern.pattern):
            if pattern.fullmatch(word):
                matched.setdefault(word, []).append(name)
    assert set(matched) == RESERVED_WORDS
    assert {w: n for w, n in matched.items() if len(n) > 1} == {}


def test_keywords_stop_at_word_boundaries() -> None:
    for word in sorted(RESERVED_WORDS):
        for text in (f"{word}x", f"x{word}", f"{word}_1", f"_{word}", f"{word}9"):
            assert all(p.search(text) is None for _, p in keyword_rules()), text


@pytest.mark.parametrize(
    ("literal", "scope"),
    [
        ("42", "constant.numeric.integer.aura"),
        ("1_000_000", "constant.numeric.integer.aura"),
        ("7u8", "constant.numeric.integer.aura"),
        ("300i64", "constant.numeric.integer.aura"),
        ("0xFF", "constant.numeric.hex.aura"),
        ("0xffu32", "constant.numeric.hex.aura"),
        ("0b1010", "constant.numeric.binary.aura"),
        ("0o17", "constant.numeric.octal.aura"),
        ("3.14", "constant.numeric.float.aura"),
        ("1e-9", "constant.numeric.float.aura"),
        ("2.5e3", "constant.numeric.float.aura"),
        ("1.0f64", "constant.numeric.float.aura"),
        ("7u9", "invalid.illegal.numeric.aura"),
        ("12abc", "invalid.illegal.numeric.aura"),
    ],
)
def test_number_literals(literal: str, scope: str) -> None:
    assert scope_of_literal(literal) == scope


def test_string_escapes() -> None:
    strings = grammar()["repository"]["strings"]["patterns"]
    escape = re.compile(strings[0]["match"])
    for good in (r"\n", r"\r", r"\t", r"\0", r"\\", r"\"", r"\{", r"\}", r"\u{1F600}"):
        assert escape.fullmatch(good), good
    for bad in (r"\q", r"\x41", r"\u{}", r"\u{1234567}"):
        assert not escape.fullmatch(bad), bad
    byte_escape = re.compile(grammar()["repository"]["bytes"]["patterns"][0]["match"])
    assert byte_escape.fullmatch(r"\x7f")
    assert not byte_escape.fullmatch(r"\{")


def test_indentation_rules_follow_the_layout() -> None:
    config = json.loads(LANGUAGE_CONFIG.read_text(encoding="utf-8"))
    assert config["comments"] == {"lineComment": "#"}
    increase = re.compile(config["indentationRules"]["increaseIndentPattern"])
    decrease = re.compile(config["indentationRules"]["decreaseIndentPattern"])
    for opens in ("cell f(x: i64) -> i64:", "    if x < 0:  # negative", "        Some(v):"):
        assert increase.search(opens), opens
    for plain in ("    return x", "# note:", "    # see below:", "type P = record { x: i64 }"):
        assert not increase.search(plain), plain
    for closes in ("    else:", "    elif x > 0:", "else:  # rest"):
        assert decrease.search(closes), closes
    for other in ("    elsewhere()", "    val elif_count = 1"):
        assert not decrease.search(other), other


def test_manifest_points_at_existing_files() -> None:
    manifest = json.loads((VSCODE / "package.json").read_text(encoding="utf-8"))
    (language,) = manifest["contributes"]["languages"]
    assert language["id"] == "aura" and language["extensions"] == [".aura"]
    assert (VSCODE / language["configuration"]).is_file()
    (grammar_entry,) = manifest["contributes"]["grammars"]
    assert (VSCODE / grammar_entry["path"]).resolve() == GRAMMAR
    assert grammar_entry["scopeName"] == grammar()["scopeName"]
    assert (VSCODE / "package-lock.json").is_file()


# --- the real tokenizer ---------------------------------------------------------------------

SAMPLE = """\
import std::io as sys_io

## Doc for `clamp`.
pub pure cell clamp(x: i64, lo: i64, hi: i64) -> i64:
    requires lo <= hi  # a contract
    ensures result >= lo and result <= hi
    if x < lo:
        return lo
    elif x > hi:
        return hi
    return x

type Pair<A, B> = record { first: A, second: B }

cell main():
    val mut total: u8 = 0x0Fu8
    val s = "sum {total}\\n\\u{1F600} and \\{ braces \\}"
    val raw = b"GET /\\r\\n"
    while total < 10u8:
        invariant total <= 10u8
        decreases 10 - total
        total += 1
    assert forall(i in 0..3): i >= 0 ==> not false
"""


def built_tokenizer() -> Path:
    """The compiled tokenizer; a missing build fails under CI and skips elsewhere."""
    node = systools.require("node", package="nodejs")
    if not TOKENIZER.is_file() or not (VSCODE / "node_modules" / "vscode-textmate").is_dir():
        reason = "editors/vscode is not built; run `npm ci && npm run build` there"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    return node


def tokenize(paths: list[Path]) -> dict[str, list[Tokens]]:
    node = built_tokenizer()
    done = subprocess.run(
        [str(node), str(TOKENIZER), *map(str, paths)],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    data: dict[str, list[Tokens]] = json.loads(done.stdout)
    return data


def innermost(tokens: Tokens, text: str) -> list[str]:
    """The innermost scope of each token whose text is ``text``."""
    return [scopes[-1] for token, scopes in tokens if token == text]


def test_real_tokenizer_on_a_sample(tmp_path: Path) -> None:
    sample = tmp_path / "sample.aura"
    sample.write_text(SAMPLE, encoding="utf-8")
    lines = tokenize([sample])[str(sample)]
    flat = [tok for line in lines for tok in line]

    for word in RESERVED_WORDS & {tok for tok, _ in flat}:
        for scope in innermost(flat, word):
            assert scope.startswith(KEYWORD_SCOPES), (word, scope)

    assert all("comment.line.documentation.aura" in scopes for _, scopes in lines[2])
    assert innermost(lines[4], " a contract") == ["comment.line.number-sign.aura"]
    assert innermost(lines[3], "clamp") == ["entity.name.function.aura"]
    assert innermost(lines[4], "requires") == ["keyword.other.contract.aura"]
    assert innermost(lines[5], "result") == ["variable.language.result.aura"] * 2
    assert innermost(lines[12], "Pair") == ["entity.name.type.aura"]
    assert innermost(lines[15], "0x0F") == ["constant.numeric.hex.aura"]
    assert innermost(lines[15], "u8") == [
        "support.type.primitive.aura",
        "storage.type.numeric.aura",
    ]

    string_line = lines[16]
    assert innermost(string_line, "total") == ["variable.other.aura"]
    total_scopes = next(s for t, s in string_line if t == "total")
    assert "meta.interpolation.aura" in total_scopes
    assert "string.quoted.double.aura" in total_scopes
    escapes = [t for t, s in string_line if s[-1] == "constant.character.escape.aura"]
    assert escapes == ["\\n", "\\u{1F600}", "\\{", "\\}"]
    assert innermost(string_line, " braces ") == ["string.quoted.double.aura"]

    assert innermost(lines[17], "\\r") == ["constant.character.escape.aura"]
    assert innermost(lines[17], "b") == ["storage.type.string.bytes.aura"]
    assert innermost(lines[21], "+=") == ["keyword.operator.assignment.compound.aura"]
    assert innermost(lines[22], "==>") == ["keyword.operator.implication.aura"]
    assert innermost(lines[22], "..") == ["keyword.operator.range.aura"]
    assert innermost(lines[22], "forall") == ["keyword.other.specification.aura"]


def test_unterminated_string_ends_at_the_line(tmp_path: Path) -> None:
    sample = tmp_path / "open.aura"
    sample.write_text('val s = "no end\nval t = 1\n', encoding="utf-8")
    lines = tokenize([sample])[str(sample)]
    assert innermost(lines[1], "val") == ["storage.type.aura"]


def test_valid_programs_have_no_illegal_tokens() -> None:
    programs = sorted((ROOT / "cookbook").glob("*.aura"))
    programs += sorted((ROOT / "testing" / "conformance" / "run").glob("*.aura"))
    programs += sorted((ROOT / "sdk" / "std").rglob("*.aura"))
    assert programs
    for path, lines in tokenize(programs).items():
        for number, line in enumerate(lines, start=1):
            for text, scopes in line:
                assert not scopes[-1].startswith("invalid."), f"{path}:{number}: {text!r}"
                if text in RESERVED_WORDS:
                    assert scopes[-1].startswith(KEYWORD_SCOPES) or any(
                        s.startswith(("comment.", "string.")) for s in scopes
                    ), f"{path}:{number}: {text!r} {scopes}"
