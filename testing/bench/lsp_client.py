"""A small Language Server Protocol client over a child process's stdio.

Enough of JSON-RPC 2.0 for benchmarks and tests that drive ``aura lsp`` the way
an editor does: requests and their responses, notifications both ways, and
answers to the few requests a server sends its client.  A reader thread stamps
every incoming message with the time it arrived (``time.perf_counter``), so
latencies are measured from the moment a message was written to the moment
its answer was read, not to when the caller got round to looking.
"""

from __future__ import annotations

import contextlib
import json
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

__all__ = [
    "Arrival",
    "LspClient",
    "LspError",
    "aura_lsp_command",
    "delete_change",
    "full_range_change",
    "insert_change",
]

#: Requests a server may send, and the answer an editor without the feature gives.
_SERVER_REQUEST_ANSWERS: dict[str, Callable[[Any], Any]] = {
    "workspace/configuration": lambda params: [None] * len(params.get("items", [])),
    "window/workDoneProgress/create": lambda _params: None,
    "client/registerCapability": lambda _params: None,
    "client/unregisterCapability": lambda _params: None,
    "window/showMessageRequest": lambda _params: None,
    "workspace/workspaceFolders": lambda _params: None,
}


def aura_lsp_command() -> list[str]:
    """``aura lsp`` from the environment running this (the ``aura`` beside the
    interpreter, else the one on PATH)."""
    beside = Path(sys.executable).with_name("aura")
    return [str(beside) if beside.exists() else "aura", "lsp"]


class LspError(RuntimeError):
    """The server answered with an error, went away, or did not answer in time."""


@dataclass(frozen=True)
class Arrival:
    """One message from the server and when it was read."""

    at: float
    message: dict[str, Any]

    @property
    def method(self) -> str | None:
        method = self.message.get("method")
        return method if isinstance(method, str) else None

    @property
    def params(self) -> Any:
        return self.message.get("params")


@dataclass
class _Pending:
    """Notifications not yet consumed, guarded by a condition variable."""

    items: list[Arrival] = field(default_factory=list)
    cond: threading.Condition = field(default_factory=threading.Condition)
    closed: bool = False


class LspClient:
    """An editor's side of one language server process."""

    def __init__(self, argv: Sequence[str], *, cwd: Path | None = None) -> None:
        self.argv = list(argv)
        self._proc = subprocess.Popen(
            self.argv,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=cwd,
        )
        self._next_id = 0
        self._write_lock = threading.Lock()
        self._responses: dict[int, queue.Queue[Arrival]] = {}
        self._responses_lock = threading.Lock()
        self._pending = _Pending()
        self._stderr: list[bytes] = []
        assert self._proc.stdout is not None and self._proc.stderr is not None
        self._reader = threading.Thread(target=self._read, args=(self._proc.stdout,), daemon=True)
        self._reader.start()
        self._err_reader = threading.Thread(
            target=self._drain, args=(self._proc.stderr,), daemon=True
        )
        self._err_reader.start()

    # --- sending ------------------------------------------------------------------------

    def _send(self, message: dict[str, Any]) -> float:
        """Write one message; return the time just before it was written."""
        body = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
        frame = f"Content-Length: {len(body)}\r\n\r\n".encode("ascii") + body
        assert self._proc.stdin is not None
        with self._write_lock:
            sent = time.perf_counter()
            try:
                self._proc.stdin.write(frame)
                self._proc.stdin.flush()
            except (BrokenPipeError, OSError) as exc:
                raise LspError(f"the server closed its input: {self.stderr_tail()}") from exc
        return sent

    def notify(self, method: str, params: Any) -> float:
        """Send a notification; return when it was sent."""
        return self._send({"method": method, "params": params})

    def request(self, method: str, params: Any, *, timeout: float = 30.0) -> Any:
        """Send a request and wait for its result (raises LspError on an error answer)."""
        self._next_id += 1
        ident = self._next_id
        box: queue.Queue[Arrival] = queue.Queue(maxsize=1)
        with self._responses_lock:
            self._responses[ident] = box
        if self._pending.closed:
            raise LspError(f"the server exited before {method}: {self.stderr_tail()}")
        self._send({"id": ident, "method": method, "params": params})
        try:
            answer = box.get(timeout=timeout)
        except queue.Empty:
            raise LspError(
                f"no answer to {method} within {timeout} s: {self.stderr_tail()}"
            ) from None
        finally:
            with self._responses_lock:
                self._responses.pop(ident, None)
        if answer.message.get("exited"):
            raise LspError(f"the server exited during {method}: {self.stderr_tail()}")
        if "error" in answer.message:
            raise LspError(f"{method} failed: {answer.message['error']}")
        return answer.message.get("result")

    # --- the session --------------------------------------------------------------------

    def initialize(self, root: Path, options: dict[str, Any] | None = None) -> Any:
        """The initialize handshake, as an editor with pull-free diagnostics does it."""
        result = self.request(
            "initialize",
            {
                "processId": None,
                "rootUri": root.as_uri(),
                "workspaceFolders": [{"uri": root.as_uri(), "name": root.name}],
                "initializationOptions": options or {},
                "capabilities": {
                    "textDocument": {
                        "synchronization": {"didSave": True},
                        "publishDiagnostics": {"versionSupport": True},
                    },
                    "workspace": {"workspaceFolders": True, "configuration": True},
                },
            },
            timeout=120.0,
        )
        self.notify("initialized", {})
        return result

    def open(self, path: Path, text: str, version: int = 1) -> float:
        return self.notify(
            "textDocument/didOpen",
            {
                "textDocument": {
                    "uri": path.as_uri(),
                    "languageId": "aura",
                    "version": version,
                    "text": text,
                }
            },
        )

    def change(self, path: Path, version: int, changes: list[dict[str, Any]]) -> float:
        return self.notify(
            "textDocument/didChange",
            {
                "textDocument": {"uri": path.as_uri(), "version": version},
                "contentChanges": changes,
            },
        )

    def shutdown(self, timeout: float = 10.0) -> None:
        """Ask the server to exit; kill it if it does not."""
        try:
            if self._proc.poll() is None:
                self.request("shutdown", None, timeout=timeout)
                self.notify("exit", None)
                self._proc.wait(timeout=timeout)
        except (LspError, subprocess.TimeoutExpired):
            pass
        finally:
            if self._proc.poll() is None:
                self._proc.kill()
                self._proc.wait()
            for stream in (self._proc.stdin, self._proc.stdout, self._proc.stderr):
                if stream is not None:
                    stream.close()

    def __enter__(self) -> LspClient:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.shutdown()

    # --- receiving ----------------------------------------------------------------------

    def wait_for(
        self, matches: Callable[[Arrival], bool], *, timeout: float, what: str = "a message"
    ) -> Arrival:
        """The first unconsumed notification that ``matches``; consumed, with those before it
        that do not match left in place."""
        deadline = time.monotonic() + timeout
        with self._pending.cond:
            while True:
                for index, arrival in enumerate(self._pending.items):
                    if matches(arrival):
                        del self._pending.items[index]
                        return arrival
                left = deadline - time.monotonic()
                if left <= 0:
                    raise LspError(f"timed out after {timeout} s waiting for {what}")
                if self._pending.closed:
                    raise LspError(f"the server exited: {self.stderr_tail()}")
                self._pending.cond.wait(left)

    def drain(self, matches: Callable[[Arrival], bool]) -> list[Arrival]:
        """Remove and return every unconsumed notification that ``matches``."""
        with self._pending.cond:
            taken = [a for a in self._pending.items if matches(a)]
            self._pending.items = [a for a in self._pending.items if not matches(a)]
            return taken

    def stderr_tail(self, lines: int = 20) -> str:
        text = b"".join(self._stderr).decode("utf-8", "replace")
        return "\n".join(text.splitlines()[-lines:]) or "(no output on stderr)"

    def _read(self, stream: BinaryIO) -> None:
        try:
            while True:
                message = _read_frame(stream)
                if message is None:
                    break
                arrival = Arrival(time.perf_counter(), message)
                if "method" in message and "id" in message:
                    self._answer(message)
                elif "method" in message:
                    with self._pending.cond:
                        self._pending.items.append(arrival)
                        self._pending.cond.notify_all()
                elif isinstance(message.get("id"), int):
                    with self._responses_lock:
                        box = self._responses.get(message["id"])
                    if box is not None:
                        box.put(arrival)
        finally:
            with self._pending.cond:
                self._pending.closed = True
                self._pending.cond.notify_all()
            with self._responses_lock:
                waiting = list(self._responses.values())
            for box in waiting:  # wake every request still waiting for an answer
                box.put(Arrival(time.perf_counter(), {"exited": True}))

    def _answer(self, message: dict[str, Any]) -> None:
        """Answer a request from the server as a plain editor would."""
        answer = _SERVER_REQUEST_ANSWERS.get(message["method"])
        reply: dict[str, Any] = {"id": message["id"]}
        if answer is None:
            reply["error"] = {"code": -32601, "message": f"unsupported: {message['method']}"}
        else:
            reply["result"] = answer(message.get("params") or {})
        with contextlib.suppress(LspError):  # the server is gone; the reader will notice
            self._send(reply)

    def _drain(self, stream: BinaryIO) -> None:
        for line in iter(stream.readline, b""):
            self._stderr.append(line)
            if len(self._stderr) > 500:
                del self._stderr[:250]


def _read_frame(stream: BinaryIO) -> dict[str, Any] | None:
    """One base-protocol frame, or None at end of stream."""
    length: int | None = None
    while True:
        line = stream.readline()
        if not line:
            return None
        line = line.strip()
        if not line:
            break
        name, _, value = line.decode("ascii").partition(":")
        if name.strip().lower() == "content-length":
            length = int(value.strip())
    if length is None:
        raise LspError("a message from the server has no Content-Length header")
    body = stream.read(length)
    if len(body) < length:
        return None
    message: dict[str, Any] = json.loads(body)
    return message


def insert_change(line: int, character: int, text: str) -> dict[str, Any]:
    """An incremental change inserting ``text`` at a position."""
    position = {"line": line, "character": character}
    return {"range": {"start": position, "end": position}, "text": text}


def delete_change(line: int, start: int, end: int) -> dict[str, Any]:
    """An incremental change deleting characters ``start:end`` of one line."""
    return {
        "range": {
            "start": {"line": line, "character": start},
            "end": {"line": line, "character": end},
        },
        "text": "",
    }


def full_range_change(text: str) -> dict[str, Any]:
    """A full-text change."""
    return {"text": text}
