"""The LSP methods the server answers, each a thin adapter over a feature module."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol, TypeVar

from lsprotocol import types as lsp
from pygls.exceptions import JsonRpcInvalidParams

from aura_core.modules import ModulePath
from aura_core.source import SourceFile, Span
from aura_lsp.analysis import Snapshot
from aura_lsp.call_hierarchy import incoming_calls, outgoing_calls, prepare_call_hierarchy
from aura_lsp.completion import complete
from aura_lsp.diagnostics import code_actions
from aura_lsp.folding import folding_ranges
from aura_lsp.hover import hover
from aura_lsp.navigation import (
    RenameRefused,
    definition,
    highlights,
    prepare_rename,
    references,
    rename,
)
from aura_lsp.positions import source_offset
from aura_lsp.semantic_tokens import MODIFIERS, TOKEN_TYPES, semantic_tokens
from aura_lsp.server import STATS, AuraServer
from aura_lsp.settings import Settings
from aura_lsp.symbols import document_symbols, workspace_symbols
from aura_lsp.workspace import root_of
from aura_parse import FormatterBug, ParseResult, reformat

__all__ = ["FEATURES", "create_server"]

LEGEND = lsp.SemanticTokensLegend(token_types=TOKEN_TYPES, token_modifiers=MODIFIERS)


def initialize(ls: AuraServer, params: lsp.InitializeParams) -> None:
    settings, problems = Settings.from_options(params.initialization_options)
    ls.settings = settings
    for problem in problems:
        ls.log(f"aura-lsp: {problem}")


def initialized(ls: AuraServer, params: lsp.InitializedParams) -> None:
    ls.start_prover()


def shutdown(ls: AuraServer, params: None) -> None:
    if ls.prover is not None:
        ls.prover.stop()


# -- synchronisation -----------------------------------------------------------------------


def did_open(ls: AuraServer, params: lsp.DidOpenTextDocumentParams) -> None:
    item = params.text_document
    ls.docs.open(item.uri, item.version, item.text)
    ls.note_received(item.uri, item.version)
    ls.schedule(item.uri, None)


def did_change(ls: AuraServer, params: lsp.DidChangeTextDocumentParams) -> None:
    uri, version = params.text_document.uri, params.text_document.version
    doc = ls.docs.change(uri, version, params.content_changes)
    if doc is None:
        ls.log(f"change to a document that is not open: {uri}")
        return
    ls.note_received(uri, version)
    focus = None
    last = params.content_changes[-1] if params.content_changes else None
    if isinstance(last, lsp.TextDocumentContentChangePartial):
        focus = doc.offset(last.range.start)
    ls.schedule(uri, focus)


def did_close(ls: AuraServer, params: lsp.DidCloseTextDocumentParams) -> None:
    uri = params.text_document.uri
    ls.docs.close(uri)
    ls.forget_document(uri)
    root = root_of(uri)
    if any(root_of(d.uri).key == root.key for d in ls.docs):
        ls.schedule(next(d.uri for d in ls.docs if root_of(d.uri).key == root.key), None)
    else:
        ls.forget_program(root.key)


# -- features ------------------------------------------------------------------------------

R = TypeVar("R")


class _AtPosition(Protocol):
    """The parameters of every request about one position of a document."""

    @property
    def text_document(self) -> lsp.TextDocumentIdentifier: ...

    @property
    def position(self) -> lsp.Position: ...


async def _in_module(
    ls: AuraServer,
    params: _AtPosition,
    feature: Callable[[Snapshot, ModulePath, int], R],
    outside: R,
) -> R | None:
    """``feature`` at the request's position in its module (``outside`` if not in one)."""
    uri = params.text_document.uri

    def answer(s: Snapshot, source: SourceFile, offset: int) -> R:
        path = s.module_of(uri)
        return feature(s, path, offset) if path is not None else outside

    return await ls.at(uri, params.position, answer)


async def on_hover(ls: AuraServer, params: lsp.HoverParams) -> lsp.Hover | None:
    def answer(s: Snapshot, source: SourceFile, offset: int) -> lsp.Hover | None:
        return hover(s, source, offset, ls.proof_statuses(params.text_document.uri))

    return await ls.at(params.text_document.uri, params.position, answer)


async def on_definition(ls: AuraServer, params: lsp.DefinitionParams) -> lsp.Location | None:
    return await _in_module(ls, params, definition, None)


async def on_references(ls: AuraServer, params: lsp.ReferenceParams) -> list[lsp.Location] | None:
    include = params.context.include_declaration

    def found(s: Snapshot, path: ModulePath, offset: int) -> list[lsp.Location]:
        return references(s, path, offset, include)

    return await _in_module(ls, params, found, [])


async def on_prepare_rename(ls: AuraServer, params: lsp.PrepareRenameParams) -> lsp.Range | None:
    return await _in_module(ls, params, prepare_rename, None)


async def on_rename(ls: AuraServer, params: lsp.RenameParams) -> lsp.WorkspaceEdit | None:
    def renamed(s: Snapshot, path: ModulePath, offset: int) -> lsp.WorkspaceEdit | None:
        return rename(s, path, offset, params.new_name)

    try:
        return await _in_module(ls, params, renamed, None)
    except RenameRefused as e:
        raise JsonRpcInvalidParams(str(e)) from None


async def on_completion(ls: AuraServer, params: lsp.CompletionParams) -> lsp.CompletionList | None:
    uri = params.text_document.uri

    def answer(s: Snapshot, source: SourceFile, offset: int) -> lsp.CompletionList:
        path = s.module_of(uri)
        items = complete(s, path, source, offset) if path is not None else []
        return lsp.CompletionList(is_incomplete=False, items=items)

    return await ls.at(uri, params.position, answer)


async def _parsed(ls: AuraServer, uri: str) -> ParseResult | None:
    """The current parse of an open document's module (None if it has none)."""
    found = await ls.module_for(uri)
    if found is None:
        return None
    snapshot, _, path = found
    return snapshot.loaded.parses.get(path)


async def on_symbols(
    ls: AuraServer, params: lsp.DocumentSymbolParams
) -> list[lsp.DocumentSymbol] | None:
    parsed = await _parsed(ls, params.text_document.uri)
    return document_symbols(parsed.source, parsed.module) if parsed is not None else None


async def on_tokens(ls: AuraServer, params: lsp.SemanticTokensParams) -> lsp.SemanticTokens | None:
    found = await ls.module_for(params.text_document.uri)
    if found is None:
        return None
    snapshot, source, path = found
    return lsp.SemanticTokens(data=semantic_tokens(snapshot, path, source))


async def on_tokens_range(
    ls: AuraServer, params: lsp.SemanticTokensRangeParams
) -> lsp.SemanticTokens | None:
    found = await ls.module_for(params.text_document.uri)
    if found is None:
        return None
    snapshot, source, path = found
    within = Span(
        source_offset(source, params.range.start), source_offset(source, params.range.end)
    )
    return lsp.SemanticTokens(data=semantic_tokens(snapshot, path, source, within))


def on_files_changed(ls: AuraServer, params: lsp.DidChangeWatchedFilesParams) -> None:
    # Files that are not open changed on disk: every program may import them.
    roots = {root_of(d.uri).key: d.uri for d in ls.docs}
    for uri in roots.values():
        ls.schedule(uri, None)


def on_formatting(
    ls: AuraServer, params: lsp.DocumentFormattingParams
) -> list[lsp.TextEdit] | None:
    doc = ls.docs.get(params.text_document.uri)
    if doc is None:
        ls.log(f"formatting a document that is not open: {params.text_document.uri}")
        return None
    try:
        formatted = reformat(SourceFile(params.text_document.uri, doc.text))
    except FormatterBug as e:
        ls.log(f"aura fmt: {e}", lsp.MessageType.Error)
        return None
    if formatted.text is None or formatted.text == doc.text:
        return []
    lines = doc.text.count("\n")
    whole = lsp.Range(lsp.Position(0, 0), lsp.Position(lines + 1, 0))
    return [lsp.TextEdit(whole, formatted.text)]


def on_code_action(ls: AuraServer, params: lsp.CodeActionParams) -> list[lsp.CodeAction]:
    return code_actions(params.text_document.uri, params.context.diagnostics)


def on_stats(ls: AuraServer, params: Any) -> dict[str, Any]:
    return ls.telemetry.stats()


async def on_folding(
    ls: AuraServer, params: lsp.FoldingRangeParams
) -> list[lsp.FoldingRange] | None:
    parsed = await _parsed(ls, params.text_document.uri)
    if parsed is None:
        return None
    return folding_ranges(parsed.source, parsed.module, parsed.comments)


async def on_highlight(
    ls: AuraServer, params: lsp.DocumentHighlightParams
) -> list[lsp.DocumentHighlight] | None:
    return await _in_module(ls, params, highlights, [])


def on_workspace_symbol(
    ls: AuraServer, params: lsp.WorkspaceSymbolParams
) -> list[lsp.WorkspaceSymbol]:
    return workspace_symbols(list(ls.snapshots.values()), params.query)


async def on_prepare_call_hierarchy(
    ls: AuraServer, params: lsp.CallHierarchyPrepareParams
) -> list[lsp.CallHierarchyItem] | None:
    return await _in_module(ls, params, prepare_call_hierarchy, [])


async def on_incoming_calls(
    ls: AuraServer, params: lsp.CallHierarchyIncomingCallsParams
) -> list[lsp.CallHierarchyIncomingCall] | None:
    found = await ls.snapshot_for(params.item.uri)
    return incoming_calls(found[0], params.item.data) if found is not None else None


async def on_outgoing_calls(
    ls: AuraServer, params: lsp.CallHierarchyOutgoingCallsParams
) -> list[lsp.CallHierarchyOutgoingCall] | None:
    found = await ls.snapshot_for(params.item.uri)
    return outgoing_calls(found[0], params.item.data) if found is not None else None


#: Every LSP method the server answers: (method, handler, the capability's options).
FEATURES: tuple[tuple[str, Callable[..., Any], Any], ...] = (
    (lsp.INITIALIZE, initialize, None),
    (lsp.INITIALIZED, initialized, None),
    (lsp.SHUTDOWN, shutdown, None),
    (lsp.TEXT_DOCUMENT_DID_OPEN, did_open, None),
    (lsp.TEXT_DOCUMENT_DID_CHANGE, did_change, None),
    (lsp.TEXT_DOCUMENT_DID_CLOSE, did_close, None),
    (lsp.TEXT_DOCUMENT_HOVER, on_hover, None),
    (lsp.TEXT_DOCUMENT_DEFINITION, on_definition, None),
    (lsp.TEXT_DOCUMENT_REFERENCES, on_references, None),
    (lsp.TEXT_DOCUMENT_PREPARE_RENAME, on_prepare_rename, None),
    (lsp.TEXT_DOCUMENT_RENAME, on_rename, None),
    (
        lsp.TEXT_DOCUMENT_COMPLETION,
        on_completion,
        lsp.CompletionOptions(trigger_characters=[".", ":"]),
    ),
    (lsp.TEXT_DOCUMENT_DOCUMENT_SYMBOL, on_symbols, None),
    (lsp.TEXT_DOCUMENT_SEMANTIC_TOKENS_FULL, on_tokens, LEGEND),
    (lsp.TEXT_DOCUMENT_SEMANTIC_TOKENS_RANGE, on_tokens_range, LEGEND),
    (lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES, on_files_changed, None),
    (lsp.TEXT_DOCUMENT_FORMATTING, on_formatting, None),
    (
        lsp.TEXT_DOCUMENT_CODE_ACTION,
        on_code_action,
        lsp.CodeActionOptions(code_action_kinds=[lsp.CodeActionKind.QuickFix]),
    ),
    (STATS, on_stats, None),
    (lsp.TEXT_DOCUMENT_FOLDING_RANGE, on_folding, None),
    (lsp.TEXT_DOCUMENT_DOCUMENT_HIGHLIGHT, on_highlight, None),
    (lsp.WORKSPACE_SYMBOL, on_workspace_symbol, None),
    (lsp.TEXT_DOCUMENT_PREPARE_CALL_HIERARCHY, on_prepare_call_hierarchy, None),
    (lsp.CALL_HIERARCHY_INCOMING_CALLS, on_incoming_calls, None),
    (lsp.CALL_HIERARCHY_OUTGOING_CALLS, on_outgoing_calls, None),
)


def create_server() -> AuraServer:
    """A server with every handler of :data:`FEATURES` registered."""
    server = AuraServer()
    for method, handler, options in FEATURES:
        server.feature(method, options)(handler)
    return server
