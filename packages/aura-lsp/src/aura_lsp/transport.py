"""Serving the language server over a byte stream that need not be well-formed.

pygls's own reading loop trusts its peer: a body length is read without bound,
a header it does not recognise desynchronises it for good, and ``exit`` ends the
process with status 0 whether or not ``shutdown`` came first.  This loop reads
through :class:`aura_lsp.framing.Framer` instead, and for each body:

- invalid JSON is answered with a JSON-RPC parse error (``-32700``), a value
  that is not a message with an invalid-request error (``-32600``), both with a
  ``null`` id, and logged;
- a request before ``initialize`` is answered with ``ServerNotInitialized``
  (``-32002``) and a notification then is dropped, except ``exit`` (LSP 3.17,
  "Initialize Request");
- ``exit`` ends the loop with status 0 after ``shutdown`` and 1 without it.

Problems are logged to the client (``window/logMessage``) and never end the
server: it carries on with the next well-formed message.
"""

from __future__ import annotations

import asyncio
import json
import os
import threading
from typing import Any, BinaryIO

from pygls.io_ import StdoutWriter
from pygls.protocol import JsonRPCProtocol

from aura_lsp.framing import Body, Framer
from aura_lsp.server import AuraServer

__all__ = ["serve"]

_PARSE_ERROR = -32700
_INVALID_REQUEST = -32600
_NOT_INITIALIZED = -32002
_READ_SIZE = 64 * 1024


def serve(server: AuraServer, stdin: BinaryIO, stdout: BinaryIO) -> int:
    """Serve until ``exit`` or the end of ``stdin``; the process's exit status."""
    server.protocol.set_writer(StdoutWriter(stdout))
    stop = threading.Event()
    server._stop_event = stop  # what pygls's shutdown() sets, for its own threads
    try:
        return asyncio.run(_serve(server, stdin.fileno(), stop))
    except BrokenPipeError:
        return 1  # the client is gone: nobody is left to tell
    finally:
        server.shutdown()  # type: ignore[no-untyped-call]


async def _serve(server: AuraServer, fd: int, stop: threading.Event) -> int:
    loop = asyncio.get_running_loop()
    framer = Framer()
    session = _Session(server)
    while not stop.is_set():
        data = await loop.run_in_executor(server.thread_pool, os.read, fd, _READ_SIZE)
        if not data:
            return 0
        for item in framer.feed(data):
            if isinstance(item, Body):
                status = session.handle(item.data)
                if status is not None:
                    return status
            else:
                server.log(f"aura-lsp: {item.message}")
    return 0


class _Session:
    """What one connection has seen: whether it was initialised, shut down."""

    def __init__(self, server: AuraServer) -> None:
        self.server = server
        self.protocol: JsonRPCProtocol = server.protocol
        self.initialized = False

    def handle(self, body: bytes) -> int | None:
        """Handle one body; the exit status once the client said ``exit``."""
        try:
            message = json.loads(body, object_hook=self.protocol.structure_message)
        except (ValueError, RecursionError) as error:
            self._refuse(_PARSE_ERROR, f"a message that is not valid JSON was dropped: {error}")
            return None
        except Exception:  # a shape the converter cannot take: not a message
            message = None
        if not hasattr(message, "jsonrpc"):
            self._refuse(_INVALID_REQUEST, "a value that is not a JSON-RPC message was dropped")
            return None
        method = getattr(message, "method", None)
        if method == "exit":
            return 0 if self.protocol._shutdown else 1
        if not self.initialized and method != "initialize":
            self._before_initialize(message, method)
            return None
        self.initialized = True
        try:
            self.protocol.handle_message(message)
        except Exception as error:  # a handler's bug must not end the session
            self.server.report_server_error(error, JsonRPCProtocol)
        return None

    def _before_initialize(self, message: Any, method: str | None) -> None:
        msg_id = getattr(message, "id", None)
        if method is not None and msg_id is not None:
            self._send_error(msg_id, _NOT_INITIALIZED, f"`{method}` before `initialize`")

    def _refuse(self, code: int, text: str) -> None:
        self._send_error(None, code, text)
        self.server.log(f"aura-lsp: {text}")

    def _send_error(self, msg_id: Any, code: int, text: str) -> None:
        reply = {"jsonrpc": "2.0", "id": msg_id, "error": {"code": code, "message": text}}
        writer = self.protocol.writer
        if writer is not None:
            payload = json.dumps(reply).encode("utf-8")
            writer.write(b"Content-Length: %d\r\n\r\n%s" % (len(payload), payload))
