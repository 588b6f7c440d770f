"""The server end to end: a real client speaking JSON-RPC over the server's stdio."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import pytest_lsp
from lsprotocol import types as lsp
from pygls.protocol import JsonRPCProtocol, default_converter
from pytest_lsp import ClientServerConfig, LanguageClient
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features

from aura_lsp.semantic_tokens import TOKEN_TYPES
from aura_verify import Options, verify_paths


class AuraClient(LanguageClient):
    """The test client, also keeping each published version and every proof status."""

    def __init__(self) -> None:
        super().__init__(converter_factory=default_converter)
        self.versions: dict[str, int | None] = {}
        self.published: list[tuple[str, int | None, int]] = []
        self.proofs: list[dict[str, Any]] = []


def _publish(client: AuraClient, params: lsp.PublishDiagnosticsParams) -> None:
    client.diagnostics[params.uri] = params.diagnostics
    client.versions[params.uri] = params.version
    client.published.append((params.uri, params.version, len(params.diagnostics)))


def _proof(client: AuraClient, params: Any) -> None:
    client.proofs.append(_plain(params))


def make_client() -> AuraClient:
    client = AuraClient()
    features = dict(DEFAULT_CLIENT_FEATURES)
    features[lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS] = _publish
    features["aura/proofStatus"] = _proof
    register_lsp_features(client, features)
    return client


SERVER = ClientServerConfig(
    server_command=[sys.executable, "-m", "aura_lsp"], client_factory=make_client
)

PROGRAM = """\
## Twice `x`, for small `x`.
cell double(x: i64) -> i64:
    requires x >= 0 and x < 1000
    ensures result == 2 * x
    return x + x

type Point = record { x: i64, y: i64 = 0 }

cell norm1(p: Point) -> i64:
    requires p.x >= 0 and p.x < 1000 and p.y >= 0 and p.y < 1000
    ensures result >= 0
    val total = p.x + p.y
    return total

cell main():
    val p = Point { x: 3 }
    println(double(norm1(p)))
"""


@pytest_lsp.fixture(config=SERVER, scope="module")
async def client(lsp_client: AuraClient) -> Any:
    await lsp_client.initialize_session(
        lsp.InitializeParams(
            capabilities=pytest_lsp.client_capabilities("visual-studio-code"),
            initialization_options={"timeout": 5},
        )
    )
    yield
    await lsp_client.shutdown_session()


def _plain(value: Any) -> Any:
    """A notification's params as plain JSON values (pygls hands over namespaces)."""
    if hasattr(value, "_asdict"):
        return {k: _plain(v) for k, v in value._asdict().items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if hasattr(value, "__dict__"):
        return {k: _plain(v) for k, v in vars(value).items()}
    return value


async def wait_for(predicate: Callable[[], Any], timeout: float = 15.0) -> Any:
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("timed out waiting for the server")
        await asyncio.sleep(0.02)


def open_doc(client: AuraClient, uri: str, text: str, version: int = 1) -> None:
    client.text_document_did_open(
        lsp.DidOpenTextDocumentParams(lsp.TextDocumentItem(uri, "aura", version, text))
    )


def edit(client: AuraClient, uri: str, version: int, r: lsp.Range, text: str) -> None:
    client.text_document_did_change(
        lsp.DidChangeTextDocumentParams(
            lsp.VersionedTextDocumentIdentifier(version=version, uri=uri),
            [lsp.TextDocumentContentChangePartial(range=r, text=text)],
        )
    )


def position_of(text: str, needle: str, delta: int = 0) -> lsp.Position:
    offset = text.index(needle) + delta
    line = text.count("\n", 0, offset)
    column = offset - (text.rfind("\n", 0, offset) + 1)
    return lsp.Position(line, column)


async def diagnostics_for(
    client: AuraClient, uri: str, version: int, timeout: float = 15.0
) -> list[lsp.Diagnostic]:
    await wait_for(lambda: client.versions.get(uri) == version, timeout)
    return list(client.diagnostics[uri])


FINAL = ("verified", "failed", "timeout", "unknown")


def proofs_for(client: AuraClient, uri: str, version: int) -> dict[str, dict[str, Any]]:
    """The final statuses reported for a version (``pending`` ones left out)."""
    return {
        p["cell"]: p
        for p in client.proofs
        if p["uri"] == uri and p["version"] == version and p["status"] in FINAL
    }


def pending_for(client: AuraClient, uri: str, version: int) -> set[str]:
    return {
        p["cell"]
        for p in client.proofs
        if p["uri"] == uri and p["version"] == version and p["status"] == "pending"
    }


@pytest.mark.asyncio(loop_scope="module")
async def test_open_reports_type_errors_with_codes_and_a_fix(client: AuraClient) -> None:
    uri = "untitled:typo.aura"
    text = "cell inc(mut x: i64):\n    x += 1\n\ncell main():\n    val mut v = 1\n    inc(v)\n"
    open_doc(client, uri, text)
    diags = await diagnostics_for(client, uri, 1)
    assert [d.code for d in diags] == ["E0116"], diags
    assert diags[0].range.start == position_of(text, "v)")
    assert "help: pass it as `mut`" in diags[0].message
    actions = await client.text_document_code_action_async(
        lsp.CodeActionParams(
            lsp.TextDocumentIdentifier(uri), diags[0].range, lsp.CodeActionContext(diags)
        )
    )
    assert actions and actions[0].edit is not None
    (edit_,) = actions[0].edit.changes[uri]
    assert edit_.new_text == "mut "
    assert edit_.range.start == position_of(text, "v)")


@pytest.mark.asyncio(loop_scope="module")
async def test_proofs_stream_per_cell_and_hover_shows_the_contract(client: AuraClient) -> None:
    uri = "untitled:prog.aura"
    open_doc(client, uri, PROGRAM)
    statuses = await wait_for(
        lambda: len(proofs_for(client, uri, 1)) == 3 and proofs_for(client, uri, 1)
    )
    assert {c: p["status"] for c, p in statuses.items()} == {
        "prog::double": "verified",
        "prog::norm1": "verified",
        "prog::main": "failed",  # norm1's result may exceed double's precondition
    }
    assert statuses["prog::double"]["range"]["start"] == {"line": 1, "character": 0}
    main = position_of(PROGRAM, "cell main")
    assert statuses["prog::main"]["range"]["start"] == {"line": main.line, "character": 0}
    assert statuses["prog::main"]["counterexample"], statuses["prog::main"]
    # The failure is folded into the diagnostics of the same version.
    diags = await wait_for(lambda: client.versions.get(uri) == 1 and client.diagnostics[uri])
    (failure,) = diags
    assert failure.code == "V0001" and failure.range.start == position_of(PROGRAM, "double(norm1")
    assert "counterexample" in failure.message
    (related,) = failure.related_information or ()
    assert related.location.range.start == position_of(PROGRAM, "x >= 0 and x < 1000")
    hover = await client.text_document_hover_async(
        lsp.HoverParams(lsp.TextDocumentIdentifier(uri), position_of(PROGRAM, "double(norm1"))
    )
    assert hover is not None
    text = hover.contents.value  # type: ignore[union-attr]
    assert "ensures result == 2 * x" in text and "Twice `x`" in text and "verified" in text
    on_keyword = await client.text_document_hover_async(
        lsp.HoverParams(lsp.TextDocumentIdentifier(uri), position_of(PROGRAM, "cell double"))
    )
    assert on_keyword is not None
    assert "requires x >= 0 and x < 1000" in on_keyword.contents.value  # type: ignore[union-attr]
    in_body = await client.text_document_hover_async(
        lsp.HoverParams(lsp.TextDocumentIdentifier(uri), position_of(PROGRAM, "p.x + p.y", 2))
    )
    assert in_body is not None and "x: i64" in in_body.contents.value  # type: ignore[union-attr]
    assert "field of `Point`" in in_body.contents.value  # type: ignore[union-attr]


@pytest.mark.asyncio(loop_scope="module")
async def test_an_edit_reproves_only_the_cell_it_touched(client: AuraClient) -> None:
    uri = "untitled:edits.aura"
    open_doc(client, uri, PROGRAM)
    await wait_for(lambda: len(proofs_for(client, uri, 1)) == 3)
    body = position_of(PROGRAM, "x + x")
    edit(client, uri, 2, lsp.Range(body, lsp.Position(body.line, body.character + 5)), "2 * x")
    assert [d.code for d in await diagnostics_for(client, uri, 2)] in (["V0001"], [])
    second = await wait_for(lambda: proofs_for(client, uri, 2).get("edits::double"))
    assert second["status"] == "verified" and second["cached"] is False
    assert pending_for(client, uri, 2) == {"edits::double"}  # announced before it was proven
    # The other cells neither changed nor moved: nothing new to say about them.
    assert set(proofs_for(client, uri, 2)) == {"edits::double"}
    # A type error: reported at once, and the broken cell is not sent to the prover.
    edit(client, uri, 3, lsp.Range(body, lsp.Position(body.line, body.character + 5)), "2 * y")
    diags = await diagnostics_for(client, uri, 3)
    assert "E0100" in [d.code for d in diags]
    # Back to the text of version 2: the result proven then is reused.
    edit(client, uri, 4, lsp.Range(body, lsp.Position(body.line, body.character + 5)), "2 * x")
    again = await wait_for(lambda: proofs_for(client, uri, 4).get("edits::double"))
    assert again["status"] == "verified" and again["cached"] is True
    assert proofs_for(client, uri, 3) == {}


@pytest.mark.asyncio(loop_scope="module")
async def test_positions_count_utf16_units(client: AuraClient) -> None:
    uri = "untitled:emoji.aura"
    text = 'cell main():\n    val total = 1\n    println("\U0001f600\U0001f600 {totl}")\n'
    open_doc(client, uri, text)
    (d,) = await diagnostics_for(client, uri, 1)
    # `    println("` is 13 units, each emoji 2, then a space and `{`.
    assert d.code == "E0100" and d.range.start == lsp.Position(2, 19)
    assert d.range.end == lsp.Position(2, 23)
    edit(client, uri, 2, lsp.Range(lsp.Position(2, 19), lsp.Position(2, 23)), "total")
    assert await diagnostics_for(client, uri, 2) == []
    hover = await client.text_document_hover_async(
        lsp.HoverParams(lsp.TextDocumentIdentifier(uri), lsp.Position(2, 21))
    )
    assert hover is not None and "total: i64" in hover.contents.value  # type: ignore[union-attr]
    assert hover.range == lsp.Range(lsp.Position(2, 19), lsp.Position(2, 24))


SHAPES = """\
## Area of a `w` by `h` rectangle.
pub cell area(w: i64, h: i64) -> i64:
    requires w >= 0 and w < 1000 and h >= 0 and h < 1000
    ensures result >= 0 and result < 1_000_000
    return w * h

pub type Size = record { w: i64, h: i64 }
"""

MAIN = """\
import geo::shapes

cell main():
    val s = shapes::Size { w: 2, h: 3 }
    val a = shapes::area(s.w, s.h)
    println(a + shapes::area(1, 1))
"""


def make_package(root: Path) -> tuple[str, str]:
    (root / "src").mkdir(parents=True)
    (root / "aura.toml").write_text('[package]\nname = "geo"\nversion = "0.1.0"\n')
    (root / "src" / "shapes.aura").write_text(SHAPES)
    (root / "src" / "main.aura").write_text(MAIN)
    return (root / "src" / "main.aura").as_uri(), (root / "src" / "shapes.aura").as_uri()


@pytest.mark.asyncio(loop_scope="module")
async def test_definition_references_and_rename_across_modules(
    client: AuraClient, tmp_path: Path
) -> None:
    main_uri, shapes_uri = make_package(tmp_path / "geo")
    open_doc(client, main_uri, MAIN)
    assert [d.code for d in await diagnostics_for(client, main_uri, 1)] in ([], ["V0001"])
    doc = lsp.TextDocumentIdentifier(main_uri)
    call = position_of(MAIN, "area(s.w", 1)
    found = await client.text_document_definition_async(lsp.DefinitionParams(doc, call))
    assert isinstance(found, lsp.Location) and found.uri == shapes_uri
    assert found.range.start == position_of(SHAPES, "area(w")
    refs = await client.text_document_references_async(
        lsp.ReferenceParams(
            text_document=doc, position=call, context=lsp.ReferenceContext(include_declaration=True)
        )
    )
    assert refs is not None
    assert sorted((r.uri == shapes_uri, r.range.start.line) for r in refs) == [
        (False, 4),
        (False, 5),
        (True, 1),
    ]
    renamed = await client.text_document_rename_async(
        lsp.RenameParams(text_document=doc, position=call, new_name="surface")
    )
    assert renamed is not None and renamed.changes is not None
    assert {uri: len(edits) for uri, edits in renamed.changes.items()} == {
        main_uri: 2,
        shapes_uri: 1,
    }
    # A local: only its own cell, and the field `s.w` is left alone.
    local = position_of(MAIN, "s.w")
    renamed = await client.text_document_rename_async(
        lsp.RenameParams(text_document=doc, position=local, new_name="size")
    )
    assert renamed is not None and renamed.changes is not None
    starts = sorted(e.range.start for e in renamed.changes[main_uri])
    assert starts == [
        position_of(MAIN, "s = "),
        position_of(MAIN, "s.w"),
        position_of(MAIN, "s.h"),
    ]
    field = await client.text_document_definition_async(
        lsp.DefinitionParams(doc, position_of(MAIN, "w, s.h", 0))
    )
    assert isinstance(field, lsp.Location) and field.uri == shapes_uri
    assert field.range.start == position_of(SHAPES, "w: i64, h: i64 }")
    with pytest.raises(Exception, match="not a valid name"):
        await client.text_document_rename_async(
            lsp.RenameParams(text_document=doc, position=call, new_name="while")
        )
    # A module that is not open changes on disk: the editor says so, and the
    # program is checked again with the new file.
    (tmp_path / "geo" / "src" / "shapes.aura").write_text(SHAPES.replace("pub cell", "cell"))
    client.workspace_did_change_watched_files(
        lsp.DidChangeWatchedFilesParams(
            [lsp.FileEvent(uri=shapes_uri, type=lsp.FileChangeType.Changed)]
        )
    )
    await wait_for(lambda: any(d.code == "E0133" for d in client.diagnostics[main_uri]))


@pytest.mark.asyncio(loop_scope="module")
async def test_an_open_document_is_its_module_however_its_uri_is_spelled(
    client: AuraClient, tmp_path: Path
) -> None:
    main_uri, _ = make_package(tmp_path / "geo")
    spelled = main_uri.replace("/src/", "/%73rc/")  # `s`, percent-encoded
    broken = MAIN.replace("shapes::area(1, 1)", "shapes::area(1, true)")
    open_doc(client, spelled, broken)
    diags = await diagnostics_for(client, spelled, 1)
    # The open text, not the file, was checked, and the diagnostics name the
    # document as the editor spelled it.
    assert [(d.code, d.range.start) for d in diags] == [("E0109", position_of(broken, "true"))]
    assert main_uri not in client.diagnostics


@pytest.mark.asyncio(loop_scope="module")
async def test_completion_of_scope_fields_methods_and_module_members(
    client: AuraClient, tmp_path: Path
) -> None:
    main_uri, _ = make_package(tmp_path / "geo")
    open_doc(client, main_uri, MAIN)
    await diagnostics_for(client, main_uri, 1)
    end = position_of(MAIN, "println")
    edit(client, main_uri, 2, lsp.Range(end, end), "s.\n    ")
    await diagnostics_for(client, main_uri, 2)
    doc = lsp.TextDocumentIdentifier(main_uri)

    async def labels(position: lsp.Position) -> set[str]:
        result = await client.text_document_completion_async(lsp.CompletionParams(doc, position))
        assert isinstance(result, lsp.CompletionList)
        return {item.label for item in result.items}

    after_dot = lsp.Position(end.line, end.character + 2)
    assert {"w", "h"} <= await labels(after_dot)
    edit(client, main_uri, 3, lsp.Range(end, after_dot), "a.")
    await diagnostics_for(client, main_uri, 3)
    assert {"abs", "pow"} <= await labels(after_dot)
    edit(client, main_uri, 4, lsp.Range(end, after_dot), "shapes::")
    await diagnostics_for(client, main_uri, 4)
    members = await labels(lsp.Position(end.line, end.character + 8))
    assert {"area", "Size"} <= members
    edit(client, main_uri, 5, lsp.Range(end, lsp.Position(end.line, end.character + 8)), "")
    await diagnostics_for(client, main_uri, 5)
    scope = await labels(end)
    assert {"s", "a", "main", "shapes", "println", "while"} <= scope


@pytest.mark.asyncio(loop_scope="module")
async def test_symbols_semantic_tokens_and_formatting(client: AuraClient) -> None:
    uri = "untitled:outline.aura"
    text = (
        "type Point = record { x: i64, y: i64 = 0 }\n\n"
        "cell  norm( p : Point )  ->  i64:\n    return p.x+p.y\n"
    )
    open_doc(client, uri, text)
    await diagnostics_for(client, uri, 1)
    doc = lsp.TextDocumentIdentifier(uri)
    symbols = await client.text_document_document_symbol_async(lsp.DocumentSymbolParams(doc))
    assert symbols is not None
    outline = [(s.name, s.kind) for s in symbols if isinstance(s, lsp.DocumentSymbol)]
    assert outline == [("Point", lsp.SymbolKind.Struct), ("norm", lsp.SymbolKind.Function)]
    assert [c.name for c in symbols[0].children or []] == ["x", "y"]  # type: ignore[union-attr]
    tokens = await client.text_document_semantic_tokens_full_async(lsp.SemanticTokensParams(doc))
    assert tokens is not None
    decoded = _decode(tokens.data)
    parameter = TOKEN_TYPES.index("parameter")
    p_use = position_of(text, "p.x")
    assert (p_use.line, p_use.character, 1, parameter) in decoded
    cell_kw = (2, 0, 4, TOKEN_TYPES.index("keyword"))
    assert cell_kw in decoded
    ranged = await client.text_document_semantic_tokens_range_async(
        lsp.SemanticTokensRangeParams(doc, lsp.Range(lsp.Position(3, 0), lsp.Position(4, 0)))
    )
    assert ranged is not None
    assert _decode(ranged.data) == [t for t in decoded if t[0] == 3]
    edits = await client.text_document_formatting_async(
        lsp.DocumentFormattingParams(doc, lsp.FormattingOptions(tab_size=4, insert_spaces=True))
    )
    assert edits is not None and len(edits) == 1
    assert "cell norm(p: Point) -> i64:" in edits[0].new_text
    assert "return p.x + p.y" in edits[0].new_text


def _decode(data: list[int]) -> list[tuple[int, int, int, int]]:
    out: list[tuple[int, int, int, int]] = []
    line = col = 0
    for i in range(0, len(data), 5):
        dl, dc, length, kind = data[i : i + 4]
        line += dl
        col = col + dc if dl == 0 else dc
        out.append((line, col, length, kind))
    return out


@pytest.mark.asyncio(loop_scope="module")
async def test_unknown_documents_and_garbage_get_answers_not_crashes(client: AuraClient) -> None:
    doc = lsp.TextDocumentIdentifier("file:///nowhere/never-opened.aura")
    here = lsp.Position(0, 0)
    assert await client.text_document_hover_async(lsp.HoverParams(doc, here)) is None
    assert await client.text_document_definition_async(lsp.DefinitionParams(doc, here)) is None
    assert await client.text_document_completion_async(lsp.CompletionParams(doc, here)) is None
    await wait_for(lambda: any("never-opened" in m.message for m in client.log_messages))
    uri = "untitled:garbage.aura"
    garbage = '\x00\x01 cell ))) ::: \U0001f600 \t\n\t\t  @@@ "unterminated\n' * 200
    open_doc(client, uri, garbage)
    diags = await diagnostics_for(client, uri, 1)
    assert diags and all(d.code for d in diags)
    for line in (0, 5, 399, 10_000):
        position = lsp.Position(line, 7)
        await client.text_document_hover_async(
            lsp.HoverParams(lsp.TextDocumentIdentifier(uri), position)
        )
        await client.text_document_completion_async(
            lsp.CompletionParams(lsp.TextDocumentIdentifier(uri), position)
        )
    tokens = await client.text_document_semantic_tokens_full_async(
        lsp.SemanticTokensParams(lsp.TextDocumentIdentifier(uri))
    )
    assert tokens is not None
    # A change with a range past the end of the text is clamped, not fatal.
    edit(client, uri, 2, lsp.Range(lsp.Position(90_000, 3), lsp.Position(90_001, 0)), "cell f():\n")
    assert await diagnostics_for(client, uri, 2)


@pytest.mark.asyncio(loop_scope="module")
async def test_a_flood_of_edits_is_coalesced_and_ends_in_the_right_text(client: AuraClient) -> None:
    uri = "untitled:flood.aura"
    filler = "".join(f"cell f{i}(x: i64) -> i64:\n    return x\n\n" for i in range(100))
    text = filler + "cell main():\n    val x = 1\n    println(x + z)\n"
    open_doc(client, uri, text)
    await diagnostics_for(client, uri, 1)
    start = position_of(text, "z)")
    before = len(client.published)
    for i in range(1000):
        at = lsp.Position(start.line, start.character + 1 + i)
        edit(client, uri, i + 2, lsp.Range(at, at), "z")
    (d,) = await diagnostics_for(client, uri, 1001)
    assert d.code == "E0100"
    assert d.range == lsp.Range(start, lsp.Position(start.line, start.character + 1001))
    published = [v for u, v, _ in client.published[before:] if u == uri]
    assert published[-1] == 1001 and published == sorted(published)
    # Versions that were already stale when their analysis could start are skipped.
    assert len(published) < 1000


@pytest.mark.asyncio(loop_scope="module")
async def test_fifty_thousand_lines_and_a_cancelled_request(client: AuraClient) -> None:
    uri = "untitled:huge.aura"
    lines: list[str] = []
    for i in range(50):
        lines += [f"cell c{i}(x: i64) -> i64:", '    println("\U0001f600 {x}")', "    return x"]
        lines += [""] * 997
    lines += ["cell main():", "    val mut total = 0", "    println(totl)"]
    text = "\n".join(lines) + "\n"
    open_doc(client, uri, text)
    doc = lsp.TextDocumentIdentifier(uri)
    # A hover waits for the analysis of the newest text, which takes a while, so a
    # cancellation sent right after it normally arrives first and the request is
    # answered as cancelled.  The server may also have answered already (a machine
    # that reads the notification late): then the answer must be a real one.  Each
    # attempt edits the text so that a fresh analysis is under way.
    cancelled = 0
    version = 1
    for attempt in range(5):
        if attempt:
            version += 1
            end = lsp.Position(len(lines), 0)
            edit(client, uri, version, lsp.Range(end, end), f"# edit {attempt}\n")
        # pygls's own method sends at once (pytest-lsp's wrapper only when awaited).
        request = JsonRPCProtocol.send_request_async(
            client.protocol,
            lsp.TEXT_DOCUMENT_HOVER,
            lsp.HoverParams(doc, lsp.Position(1, 17)),
            msg_id=f"to-cancel-{attempt}",
        )
        client.protocol.notify(lsp.CANCEL_REQUEST, lsp.CancelParams(id=f"to-cancel-{attempt}"))
        try:
            answer = await asyncio.wait_for(request, 30)
        except Exception as error:
            assert "cancel" in str(error).lower(), error
            cancelled += 1
            break
        assert answer is not None and "x: i64" in answer.contents.value
    assert cancelled == 1
    (d,) = await diagnostics_for(client, uri, version, timeout=60)
    assert d.code == "E0100" and d.range.start == lsp.Position(50_002, 12)
    hover = await client.text_document_hover_async(lsp.HoverParams(doc, lsp.Position(49_001, 17)))
    assert hover is not None and "x: i64" in hover.contents.value  # type: ignore[union-attr]
    client.text_document_did_close(lsp.DidCloseTextDocumentParams(doc))


@pytest.mark.asyncio(loop_scope="module")
async def test_stats_report_phase_percentiles_and_the_cache(client: AuraClient) -> None:
    # Work of its own (the module's other tests may run in another pytest-xdist process): three
    # cells proven, one broken, then restored so that its proof is a cache hit.
    uri = "untitled:stats.aura"
    open_doc(client, uri, PROGRAM)
    await wait_for(lambda: len(proofs_for(client, uri, 1)) == 3)
    body = position_of(PROGRAM, "x + x")
    where = lsp.Range(body, lsp.Position(body.line, body.character + 5))
    edit(client, uri, 2, where, "2 * y")
    await diagnostics_for(client, uri, 2)
    edit(client, uri, 3, where, "x + x")
    restored = await wait_for(lambda: proofs_for(client, uri, 3).get("stats::double"))
    assert restored["cached"] is True
    stats = await client.protocol.send_request_async("aura/stats", None)
    stats = _plain(stats)
    for phase in ("parse", "check", "z3", "diagnostics"):
        summary = stats["phases"][phase]
        assert summary["count"] > 0 and 0 <= summary["p50"] <= summary["p95"] <= summary["max"]
    assert stats["cache"]["hits"] > 0 and 0 < stats["cache"]["hit_rate"] < 1


# ------------------------------------------- a second server: worker processes

CELLS = "".join(
    f"cell f{i}(x: i64) -> i64:\n    requires x >= 0 and x < 100\n    ensures result > x\n"
    f"    return x + {i % 3}\n\n"
    for i in range(9)
)


@pytest_lsp.fixture(config=SERVER)
async def parallel_client(lsp_client: AuraClient) -> Any:
    await lsp_client.initialize_session(
        lsp.InitializeParams(
            capabilities=pytest_lsp.client_capabilities("neovim"),
            initialization_options={"aura": {"jobs": 2, "timeout": 5, "verify": "sometimes"}},
        )
    )
    yield
    await lsp_client.shutdown_session()


@pytest.mark.asyncio
async def test_worker_processes_prove_in_parallel(parallel_client: LanguageClient) -> None:
    client = parallel_client
    assert isinstance(client, AuraClient)
    await wait_for(lambda: any("`verify`" in m.message for m in client.log_messages))
    uri = "untitled:many.aura"
    open_doc(client, uri, CELLS)
    statuses = await wait_for(
        lambda: len(proofs_for(client, uri, 1)) == 9 and proofs_for(client, uri, 1), timeout=60
    )
    # `x + 0` is not greater than `x`: every third cell fails, whoever proved it.
    failed = sorted(c for c, p in statuses.items() if p["status"] == "failed")
    assert failed == ["many::f0", "many::f3", "many::f6"]
    assert all(p["status"] == "verified" for c, p in statuses.items() if c not in failed)


BUDGETED = """\
cell easy(a: i64) -> i64:
    requires 0 <= a and a < 100
    return a + 1

# verify: rlimit = 300_000
cell cubes(x: Int, y: Int, z: Int):
    requires x > 0 and y > 0 and z > 0
    assert x * x * x + y * y * y != z * z * z
"""


@pytest.mark.asyncio(loop_scope="module")
async def test_proofs_use_the_budgets_of_aura_verify(client: AuraClient, tmp_path: Path) -> None:
    uri = "untitled:budgeted.aura"
    open_doc(client, uri, BUDGETED)
    statuses = await wait_for(
        lambda: len(proofs_for(client, uri, 1)) == 2 and proofs_for(client, uri, 1), timeout=60
    )
    path = tmp_path / "budgeted.aura"
    path.write_text(BUDGETED, encoding="utf-8")
    files, _, _ = verify_paths([str(path)], Options())
    want = {f"budgeted::{c.name.name}": c.status for f in files for c in f.cells}
    assert {c: p["status"] for c, p in statuses.items()} == want
    assert want == {"budgeted::easy": "verified", "budgeted::cubes": "timeout"}
    diags = await wait_for(lambda: client.versions.get(uri) == 1 and client.diagnostics[uri])
    assert any("resource budget of 300,000 units ran out" in d.message for d in diags)
