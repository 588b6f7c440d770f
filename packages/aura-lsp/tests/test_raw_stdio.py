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


def serve(stream: bytes) -> tuple[list[dict[str, Any]], int]:
    """Feed ``stream`` to a real server; its replies and exit status."""
    command = [sys.executable, "-m", "aura_lsp"]
    done = subprocess.run(command, input=stream, capture_output=True, timeout=60)
    assert b"Traceback" not in done.stderr, done.stderr.decode()
    return read_messages(done.stdout), done.returncode


INIT = message({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}})
INITIALIZED = message({"jsonrpc": "2.0", "method": "initialized", "params": {}})
SHUTDOWN = message({"jsonrpc": "2.0", "id": 999, "method": "shutdown"})
EXIT = message({"jsonrpc": "2.0", "method": "exit"})


def stats(request_id: int) -> bytes:
    return message({"jsonrpc": "2.0", "id": request_id, "method": "aura/stats", "params": None})


def answered(replies: list[dict[str, Any]]) -> dict[Any, dict[str, Any]]:
    return {r["id"]: r for r in replies if "id" in r and "method" not in r}


def test_bad_framing_costs_one_message_and_the_server_resynchronises() -> None:
    body = json.dumps({"jsonrpc": "2.0", "id": 50, "method": "aura/stats"}).encode()
    bad = [
        b"Content-Length: 99999999999999999999\r\n\r\n" + body,  # an absurd length
        b"Content-Length: 2000000000\r\n\r\n" + body,  # past the limit
        b"content-length: %d\r\n\r\n%s" % (len(body), body),  # lower case: accepted
        b"Content-Length: %d\n\n%s" % (len(body), body),  # LF only: accepted
        body,  # no header at all
        b"Content-Length: %d\r\nContent-Length: %d\r\n\r\n%s" % (len(body), len(body), body),
    ]
    stream = INIT + INITIALIZED
    for n, prefix in enumerate(bad):
        stream += prefix + stats(100 + n)
    replies, status = serve(stream + SHUTDOWN + EXIT)
    by_id = answered(replies)
    for n in range(len(bad)):
        assert "phases" in by_id[100 + n]["result"], (n, replies)
    assert set(by_id) - {1, 999} == {50, *range(100, 100 + len(bad))}  # the two accepted
    logged = [r["params"]["message"] for r in replies if r.get("method") == "window/logMessage"]
    assert any("invalid Content-Length" in m for m in logged), logged
    assert any("more than one Content-Length" in m for m in logged), logged
    assert status == 0


def test_invalid_json_and_non_messages_get_error_replies() -> None:
    stream = INIT + INITIALIZED + frame(b"{not json") + frame(b"[1, 2]") + stats(7)
    replies, status = serve(stream + SHUTDOWN + EXIT)
    errors = [r["error"]["code"] for r in replies if r.get("id", 0) is None and "error" in r]
    assert errors == [-32700, -32600]
    assert "phases" in answered(replies)[7]["result"]
    assert status == 0


def test_a_request_before_initialize_is_refused_and_the_session_goes_on() -> None:
    hover = {"jsonrpc": "2.0", "id": 3, "method": "aura/stats", "params": None}
    early_note = {"jsonrpc": "2.0", "method": "initialized", "params": {}}
    early = message(hover) + message(early_note)
    replies, status = serve(early + INIT + stats(4) + SHUTDOWN + EXIT)
    by_id = answered(replies)
    assert by_id[3]["error"]["code"] == -32002
    assert "capabilities" in by_id[1]["result"]
    assert "phases" in by_id[4]["result"]
    assert status == 0


def test_exit_without_shutdown_exits_with_status_1() -> None:
    _, status = serve(INIT + INITIALIZED + EXIT)
    assert status == 1
    _, status = serve(INIT + INITIALIZED + SHUTDOWN + EXIT)
    assert status == 0


def test_the_server_announces_every_feature_it_registers() -> None:
    replies, _ = serve(INIT + SHUTDOWN + EXIT)
    capabilities = answered(replies)[1]["result"]["capabilities"]
    for provider in (
        "foldingRangeProvider",
        "documentHighlightProvider",
        "workspaceSymbolProvider",
        "callHierarchyProvider",
        "hoverProvider",
        "renameProvider",
    ):
        assert capabilities.get(provider), provider
