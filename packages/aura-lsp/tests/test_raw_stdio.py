"""Bytes that are not well-formed JSON-RPC: the server logs them and keeps answering.

This speaks to the server's stdin directly, since a client library would not
send such messages.
"""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any


def frame(body: bytes) -> bytes:
    return b"Content-Length: %d\r\n\r\n%s" % (len(body), body)


def message(payload: dict[str, Any]) -> bytes:
    return frame(json.dumps(payload).encode())


def read_messages(stream: bytes) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    rest = stream
    while rest:
        head, sep, rest = rest.partition(b"\r\n\r\n")
        if not sep:
            break
        length = next(
            int(line.split(b":")[1])
            for line in head.split(b"\r\n")
            if line.startswith(b"Content-Length")
        )
        out.append(json.loads(rest[:length]))
        rest = rest[length:]
    return out


def test_malformed_messages_are_logged_and_the_server_keeps_answering() -> None:
    init = {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}}
    stream = b"".join(
        [
            message(init),
            message({"jsonrpc": "2.0", "method": "initialized", "params": {}}),
            frame(b"{this is not json"),
            frame(b'"a string, not an object"'),
            message({"jsonrpc": "2.0", "id": 2, "method": "textDocument/hover", "params": 42}),
            message({"jsonrpc": "2.0", "id": 3, "method": "no/suchMethod", "params": {}}),
            message(
                {
                    "jsonrpc": "2.0",
                    "method": "textDocument/didChange",
                    "params": {"textDocument": {"uri": "file:///x.aura", "version": 2}},
                }
            ),
            b"Content-Type: nonsense\r\n\r\n",
            message({"jsonrpc": "2.0", "id": 4, "method": "aura/stats", "params": None}),
            message({"jsonrpc": "2.0", "id": 5, "method": "shutdown"}),
            message({"jsonrpc": "2.0", "method": "exit"}),
        ]
    )
    # Through the `aura` command, as editors start it.
    command = [sys.executable, "-c", "from aura_core.cli import main; main()", "lsp", "--stdio"]
    done = subprocess.run(command, input=stream, capture_output=True, timeout=60)
    replies = read_messages(done.stdout)
    by_id = {r["id"]: r for r in replies if "id" in r and "method" not in r}
    assert "capabilities" in by_id[1]["result"]
    assert by_id[2]["error"]["code"] in (-32602, -32603)  # invalid params, as an error reply
    assert by_id[3]["error"]["code"] == -32601  # method not found
    assert "phases" in by_id[4]["result"]
    assert by_id[5]["result"] is None
    logged = [r["params"]["message"] for r in replies if r.get("method") == "window/logMessage"]
    assert len(logged) >= 2, replies  # the unparsable messages and the bad notification
    assert b"Traceback" not in done.stdout
    assert done.returncode == 0
