"""The pieces below the protocol: positions, edits, settings, telemetry."""

from __future__ import annotations

from lsprotocol import types as lsp

from aura_core.source import SourceFile, Span
from aura_lsp.analysis import Analyzer
from aura_lsp.documents import Document, apply_changes
from aura_lsp.positions import lsp_position, lsp_range, source_offset, utf16_length
from aura_lsp.proof_cache import cell_keys
from aura_lsp.settings import Settings, choose
from aura_lsp.telemetry import Telemetry
from aura_lsp.workspace import root_of
from aura_verify import DEFAULT_TIMEOUT, select_cells

TEXT = "a\U0001f600b\ncé\U0001f600\U0001f600x\n"


def test_utf16_columns_round_trip_through_non_bmp_characters() -> None:
    source = SourceFile("t", TEXT)
    for offset in range(len(TEXT) + 1):
        position = lsp_position(source, offset)
        assert source_offset(source, position) == offset
    assert lsp_position(source, TEXT.index("x")) == lsp.Position(1, 6)
    assert utf16_length("\U0001f600") == 2
    assert lsp_range(source, Span(1, 2)) == lsp.Range(lsp.Position(0, 1), lsp.Position(0, 3))
    # Past the end of a line: its end; past the last line: the end of the text.
    assert source_offset(source, lsp.Position(0, 99)) == TEXT.index("\n")
    assert source_offset(source, lsp.Position(9, 0)) == len(TEXT)


def test_incremental_changes_apply_in_order_on_utf16_ranges() -> None:
    doc = Document("u", 1, TEXT)
    changes: list[lsp.TextDocumentContentChangeEvent] = [
        lsp.TextDocumentContentChangePartial(
            range=lsp.Range(lsp.Position(1, 6), lsp.Position(1, 7)), text="y"
        ),
        lsp.TextDocumentContentChangePartial(
            range=lsp.Range(lsp.Position(0, 1), lsp.Position(0, 3)), text=""
        ),
        lsp.TextDocumentContentChangePartial(
            range=lsp.Range(lsp.Position(2, 0), lsp.Position(2, 0)), text="z"
        ),
    ]
    new = apply_changes(doc, changes, 2)
    assert new.text == "ab\ncé\U0001f600\U0001f600y\nz" and new.version == 2
    whole = apply_changes(new, [lsp.TextDocumentContentChangeWholeDocument(text="q")], 3)
    assert whole.text == "q"


def test_settings_from_options_and_the_adaptive_choice() -> None:
    settings, problems = Settings.from_options({"aura": {"timeout": 2, "jobs": 3}})
    assert settings == Settings(True, 2.0, 3) and problems == []
    settings, problems = Settings.from_options({"timeout": -1, "jobs": True, "verify": 1})
    assert settings == Settings() and len(problems) == 3
    assert choose(Settings(timeout=7.0, jobs=2), 50_000, 100, 5_000.0).timeout == 7.0
    # The timeout is the safety net of `aura verify`, never shortened: the
    # resource budgets decide verdicts, as the command's do.
    small, large = choose(Settings(), 500, 3, None), choose(Settings(), 50_000, 3, None)
    assert small.timeout == large.timeout == DEFAULT_TIMEOUT and small.jobs == large.jobs == 1
    assert choose(Settings(), 500, 2, 3_000.0).timeout == DEFAULT_TIMEOUT
    assert choose(Settings(), 500, 20, 10.0).jobs == 1  # fast cells: not worth a process


def test_telemetry_percentiles_and_cache_rate() -> None:
    t = Telemetry()
    for ms in range(1, 101):
        t.record("parse", float(ms))
    t.cache(3, 1)
    stats = t.stats()
    assert stats["phases"]["parse"] == {"count": 100, "p50": 50.0, "p95": 95.0, "max": 100.0}
    assert stats["cache"]["hit_rate"] == 0.75
    assert t.percentile("check", 0.5) is None


KEYED = """\
type Small = { v: i64 | 0 <= v and v < 10 }

pure cell twice(x: i64) -> i64:
    return 2 * x

cell uses(x: i64) -> i64:
    requires 0 <= x and x < 10
    ensures result == twice(x)
    return x + x

cell alone(x: Small) -> i64:
    return x
"""


def _keys(text: str, use_verifier: bool) -> dict[str, str]:
    uri = "untitled:keys.aura"
    snapshot = Analyzer().analyze(root_of(uri), {uri: Document(uri, 1, text)})
    cells = select_cells(snapshot.program)
    return {q.name: k for q, k in cell_keys(snapshot.program, cells, use_verifier).items()}


def test_verification_keys_follow_what_a_proof_depends_on() -> None:
    for use_verifier in (True, False):
        before = _keys(KEYED, use_verifier)
        # The body of a pure cell used in a contract: `uses` must be proven again.
        callee = _keys(KEYED.replace("return 2 * x", "return x + x"), use_verifier)
        assert callee["uses"] != before["uses"] and callee["alone"] == before["alone"]
        # A refinement `alone`'s parameter has.
        refined = _keys(KEYED.replace("v < 10", "v < 11"), use_verifier)
        assert refined["alone"] != before["alone"]
        # Moving everything down a line changes no key.
        moved = _keys("\n" + KEYED, use_verifier)
        assert moved == before
