"""The LSP base protocol's framing: bytes in, message bodies and problems out.

A message is a header block (``Name: value`` lines, ended by an empty line)
followed by exactly ``Content-Length`` bytes of body.  :class:`Framer` is fed
the bytes as they arrive and returns, in order, every complete body and every
problem it found.  It never trusts the peer:

- header names are matched without regard to case and lines may end in ``\\n``
  alone (both are what lenient HTTP readers accept, and what hand-written
  clients send);
- a header block with no ``Content-Length``, with two, or with one that is not a
  number, and a length above :data:`MAX_BODY`, are problems; so is a header
  block that does not end within :data:`MAX_HEADER` bytes;
- after a problem the framer *resynchronises*: it drops bytes up to the next
  ``Content-Length`` header it sees, so one bad message costs that message
  only.  (A body cannot be skipped by its length when the length itself is what
  is wrong.)

Pure and single-threaded: the transport (:mod:`aura_lsp.transport`) owns the
stream and what is done with each body.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["MAX_BODY", "MAX_HEADER", "Body", "Framer", "Problem"]

#: The largest body accepted (bytes).  A real document is far smaller; a larger
#: length is a broken or hostile peer, and honouring it would mean buffering it.
MAX_BODY = 64 * 1024 * 1024
#: The longest header block accepted (bytes).
MAX_HEADER = 8 * 1024

_HEADER_END = re.compile(rb"\r?\n\r?\n")
_LENGTH_NAME = re.compile(rb"content-length[ \t]*:", re.IGNORECASE)
_LINE = re.compile(rb"\r?\n")


@dataclass(frozen=True, slots=True)
class Body:
    """One message's body, still undecoded."""

    data: bytes


@dataclass(frozen=True, slots=True)
class Problem:
    """Bytes that were not a well-formed message, and were dropped."""

    message: str


class Framer:
    """Splits a byte stream into message bodies (see the module docstring)."""

    def __init__(self) -> None:
        self._buffer = bytearray()
        #: The body length once a header block has been read, until the body is.
        self._length: int | None = None

    def feed(self, data: bytes) -> list[Body | Problem]:
        """Take the next bytes of the stream; what they complete, in order."""
        self._buffer += data
        out: list[Body | Problem] = []
        while True:
            item = self._next()
            if item is None:
                return out
            out.append(item)

    def _next(self) -> Body | Problem | None:
        if self._length is not None:
            if len(self._buffer) < self._length:
                return None
            body = bytes(self._buffer[: self._length])
            del self._buffer[: self._length]
            self._length = None
            return Body(body)
        end = _HEADER_END.search(self._buffer)
        if end is None or end.start() > MAX_HEADER:
            if end is None and len(self._buffer) <= MAX_HEADER:
                return None
            self._resynchronise(1)
            return Problem(f"a header block longer than {MAX_HEADER} bytes was dropped")
        header = bytes(self._buffer[: end.start()])
        length, problem = _content_length(header)
        if problem is not None:
            # A block with a length header of its own (too large, or twice) is dropped
            # whole; one without may be the tail of a lost body glued to a real header.
            own = _LENGTH_NAME.match(header) is not None
            self._resynchronise(end.end() if own else 1)
            return Problem(problem)
        del self._buffer[: end.end()]
        self._length = length
        return self._next()

    def _resynchronise(self, start: int) -> None:
        """Drop bytes up to the next ``Content-Length`` at or after ``start``."""
        found = _LENGTH_NAME.search(self._buffer, start)
        if found is not None:
            del self._buffer[: found.start()]
        else:
            # Keep a tail that might be the start of a header split across reads.
            keep = len(b"content-length:") - 1
            del self._buffer[: max(0, len(self._buffer) - keep)]


def _content_length(header: bytes) -> tuple[int, None] | tuple[None, str]:
    """The body length a header block gives, or what is wrong with it."""
    lengths: list[bytes] = []
    for line in _LINE.split(header):
        name, colon, value = line.partition(b":")
        if not colon:
            return None, f"a header line without a colon was dropped: {_show(line)}"
        if name.strip().lower() == b"content-length":
            lengths.append(value.strip())
    if not lengths:
        return None, "a message without a Content-Length header was dropped"
    if len(lengths) > 1:
        return None, "a message with more than one Content-Length header was dropped"
    text = lengths[0]
    if not text.isdigit() or len(text) > 12:
        return None, f"a message with an invalid Content-Length ({_show(text)}) was dropped"
    length = int(text)
    if length > MAX_BODY:
        return None, f"a message of {length} bytes (more than {MAX_BODY}) was dropped"
    return length, None


def _show(raw: bytes) -> str:
    text = raw[:60].decode("utf-8", "replace")
    return repr(text + ("…" if len(raw) > 60 else ""))
