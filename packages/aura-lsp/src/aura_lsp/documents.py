"""Open documents: their text and version, and edits applied to them.

A document is immutable; an edit makes a new one.  The server keeps the latest
of each URI in a :class:`DocumentStore`.  Incremental changes carry LSP ranges
(UTF-16 columns) into the text as it is after the changes before them.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from lsprotocol import types as lsp

from aura_lsp.positions import column_offset, line_starts

__all__ = ["Document", "DocumentStore", "apply_changes"]


@dataclass(frozen=True)
class Document:
    uri: str
    version: int
    text: str
    _starts: list[int] = field(default_factory=list, compare=False, repr=False)

    def offset(self, position: lsp.Position) -> int:
        """The character offset of an LSP position in this text."""
        if not self._starts:
            self._starts.extend(line_starts(self.text))
        starts = self._starts
        if position.line >= len(starts):
            return len(self.text)
        start = starts[position.line]
        end = starts[position.line + 1] - 1 if position.line + 1 < len(starts) else len(self.text)
        return start + column_offset(self.text[start:end], position.character)


def apply_changes(
    doc: Document, changes: Sequence[lsp.TextDocumentContentChangeEvent], version: int
) -> Document:
    """``doc`` after ``changes``, in order: whole-text replacements or range edits."""
    current = doc
    for change in changes:
        if isinstance(change, lsp.TextDocumentContentChangePartial):
            start = current.offset(change.range.start)
            end = max(start, current.offset(change.range.end))
            text = current.text[:start] + change.text + current.text[end:]
        else:
            text = change.text
        current = Document(doc.uri, version, text)
    return Document(doc.uri, version, current.text, current._starts)


class DocumentStore:
    """The latest version of every open document."""

    def __init__(self) -> None:
        self._docs: dict[str, Document] = {}

    def open(self, uri: str, version: int, text: str) -> Document:
        doc = Document(uri, version, text)
        self._docs[uri] = doc
        return doc

    def change(
        self, uri: str, version: int, changes: Sequence[lsp.TextDocumentContentChangeEvent]
    ) -> Document | None:
        """The document after the changes; None for a document that is not open."""
        doc = self._docs.get(uri)
        if doc is None:
            return None
        new = apply_changes(doc, changes, version)
        self._docs[uri] = new
        return new

    def close(self, uri: str) -> None:
        self._docs.pop(uri, None)

    def get(self, uri: str) -> Document | None:
        return self._docs.get(uri)

    def __iter__(self) -> Iterator[Document]:
        return iter(list(self._docs.values()))
