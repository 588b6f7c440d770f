"""The language server: LSP messages in, analysis and proofs scheduled, results out.

Threads: pygls's event loop handles every message and owns the documents and
what was published; one analysis thread parses and checks (a program at a time,
always its newest text); the prover thread (:mod:`aura_lsp.proofs`) verifies.
Edits never wait for analysis: a change marks the document's program dirty,
and the analysis loop of that program picks up the newest text when its
current run ends, so a flood of edits costs one analysis per run, not per edit.
Results for versions that are no longer current are dropped.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import traceback
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from lsprotocol import types as lsp
from pygls.exceptions import FeatureRequestError, JsonRpcInvalidParams
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol
from pygls.protocol.json_rpc import JsonRPCNotification

from aura_core.modules import ModulePath
from aura_core.source import SourceFile
from aura_core.types import QualName
from aura_lsp.analysis import Analyzer, Snapshot
from aura_lsp.diagnostics import to_lsp
from aura_lsp.documents import DocumentStore
from aura_lsp.positions import lsp_range, source_offset
from aura_lsp.progress import ProofProgress
from aura_lsp.proof_cache import Outcome, carried_over
from aura_lsp.proofs import Plan, Prover
from aura_lsp.settings import Settings
from aura_lsp.telemetry import Telemetry
from aura_lsp.workspace import ProgramRoot, root_of
from aura_verify import failure_diagnostic

__all__ = ["VERSION", "AuraServer"]

VERSION = "0.1.0"
PROOF_STATUS = "aura/proofStatus"
STATS = "aura/stats"

T = TypeVar("T")

#: How long a request waits for the analysis of the document's current text
#: before it answers from the newest analysis there is (seconds).
_REQUEST_WAIT = 10.0


class AuraServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__(
            "aura-lsp",
            VERSION,
            text_document_sync_kind=lsp.TextDocumentSyncKind.Incremental,
            protocol_cls=_Protocol,
        )
        self.docs = DocumentStore()
        self.telemetry = Telemetry()
        self.settings = Settings()
        self.analyzer = Analyzer()
        self.snapshots: dict[str, Snapshot] = {}
        self.prover: Prover | None = None
        self._analysis = ThreadPoolExecutor(1, thread_name_prefix="aura-analysis")
        self._dirty: dict[str, ProgramRoot] = {}
        self._running: dict[str, asyncio.Future[None]] = {}
        self._focus: dict[str, tuple[str, int]] = {}
        self._received: dict[str, tuple[int, float]] = {}
        #: What is shown per document: analysis diagnostics and each cell's proof.
        self._base: dict[str, tuple[int, list[lsp.Diagnostic]]] = {}
        self._proofs: dict[str, dict[QualName, list[lsp.Diagnostic]]] = {}
        self.proof_progress = ProofProgress(self.work_done_progress, enabled=False)
        #: The last status and range sent for each cell: only changes are sent again.
        self._sent: dict[str, dict[QualName, tuple[object, ...]]] = {}
        self._statuses: dict[str, dict[QualName, str]] = {}
        self._outcomes: dict[str, dict[QualName, Outcome]] = {}

    # ------------------------------------------------------------------ logging

    def log(self, message: str, kind: lsp.MessageType = lsp.MessageType.Warning) -> None:
        self.window_log_message(lsp.LogMessageParams(kind, message))

    def report_server_error(self, error: Exception, source: Any) -> None:
        if source is FeatureRequestError and isinstance(error, JsonRpcInvalidParams):
            return  # a refused request (an invalid new name): the editor shows the answer
        detail = "".join(traceback.format_exception_only(type(error), error)).strip()
        self.log(
            f"aura-lsp: {getattr(source, '__name__', source)}: {detail}", lsp.MessageType.Error
        )

    def start_prover(self) -> None:
        window = self.client_capabilities.window
        self.proof_progress.enabled = bool(window is not None and window.work_done_progress)
        loop = asyncio.get_running_loop()
        self.prover = Prover(self.telemetry, self.settings, _ThreadSafeSink(self, loop))

    # ----------------------------------------------------------------- analysis

    def note_received(self, uri: str, version: int) -> None:
        """When a version arrived: the start of its diagnostics' latency."""
        self._received[uri] = (version, time.perf_counter())

    def forget_program(self, key: str) -> None:
        """Drop the state of a program none of whose documents is open."""
        self.snapshots.pop(key, None)
        self._dirty.pop(key, None)
        if self.prover is not None:
            self.prover.supersede(key)
        self._analysis.submit(self.analyzer.forget, key)

    def forget_document(self, uri: str) -> None:
        """Drop what was shown for a closed document."""
        for state in (
            self._base,
            self._proofs,
            self._sent,
            self._statuses,
            self._outcomes,
            self._received,
        ):
            state.pop(uri, None)
        self._analysis.submit(self.analyzer.loader.forget, uri)  # the loader's own thread
        self.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri, []))

    def proof_statuses(self, uri: str) -> dict[QualName, str]:
        return dict(self._statuses.get(uri, {}))

    def schedule(self, uri: str, focus: int | None) -> None:
        """Analyse the program of ``uri`` again soon (its newest text)."""
        root = root_of(uri)
        self._dirty[root.key] = root
        if self.prover is not None:
            self.prover.supersede(root.key)  # the queued proofs are for an older text
        if focus is not None:
            self._focus[root.key] = (uri, focus)
        if root.key not in self._running:
            self._running[root.key] = asyncio.ensure_future(self._analysis_loop(root.key))

    async def _analysis_loop(self, key: str) -> None:
        loop = asyncio.get_running_loop()
        try:
            while key in self._dirty:
                root = self._dirty.pop(key)
                docs = {d.uri: d for d in self.docs}
                focus = self._focus.pop(key, None)
                try:
                    snapshot, shown = await loop.run_in_executor(
                        self._analysis, self._analyze, root, docs
                    )
                except Exception as e:
                    self.log(f"analysis of {root.uri} failed: {type(e).__name__}: {e}")
                    continue
                self.snapshots[key] = snapshot
                self._publish_analysis(snapshot, shown)
                # Proof planning computes every cell's verification key, which takes
                # longer than the rest: it comes after the diagnostics are out, and
                # not at all when a newer text is already waiting.
                if self.prover is None or not self.settings.verify or key in self._dirty:
                    continue
                try:
                    plan = await loop.run_in_executor(
                        self._analysis, self.prover.plan, snapshot, focus
                    )
                except Exception as e:
                    self.log(f"planning proofs for {root.uri} failed: {type(e).__name__}: {e}")
                    continue
                if self._is_current(snapshot):
                    self._apply_plan(plan)
                    self.prover.submit(plan)
        finally:
            self._running.pop(key, None)

    def _is_current(self, snapshot: Snapshot) -> bool:
        return all(
            (doc := self.docs.get(uri)) is not None and doc.version == version
            for uri, version in snapshot.loaded.versions.items()
        )

    def _analyze(
        self, root: ProgramRoot, docs: dict[str, Any]
    ) -> tuple[Snapshot, dict[str, list[lsp.Diagnostic]]]:
        """Runs in the analysis thread."""
        snapshot = self.analyzer.analyze(root, docs)
        for phase, ms in snapshot.timings.items():
            self.telemetry.record(phase, ms)
        shown: dict[str, list[lsp.Diagnostic]] = {}
        for uri in snapshot.loaded.versions:
            shown[uri] = [
                to_lsp(d, snapshot.uri_of_source) for d in snapshot.diagnostics.get(uri, ())
            ]
        return snapshot, shown

    def _publish_analysis(self, snapshot: Snapshot, shown: dict[str, list[lsp.Diagnostic]]) -> None:
        """Syntax and type diagnostics, with the proof results of cells whose text
        did not change carried over until the new plan says more."""
        now = time.perf_counter()
        for uri, version in snapshot.loaded.versions.items():
            doc = self.docs.get(uri)
            if doc is None or doc.version != version:
                continue  # a newer analysis is on its way
            self._base[uri] = (version, shown.get(uri, []))
            kept = carried_over(snapshot, uri, self._outcomes.get(uri, {}))
            self._outcomes[uri] = kept
            self._proofs[uri] = {n: self._proof_diagnostics(snapshot, o) for n, o in kept.items()}
            self._send_diagnostics(uri)
            received = self._received.get(uri)
            if received is not None and received[0] == version:
                self.telemetry.record("diagnostics", (now - received[1]) * 1000)

    def _apply_plan(self, plan: Plan) -> None:
        """Fold the cached results of a new plan in, and report their statuses."""
        snapshot = plan.snapshot
        for uri, version in snapshot.loaded.versions.items():
            known = {n: o for n, o in plan.known.items() if plan.uri_of(n) == uri}
            previous = self._proofs.get(uri, {})
            proofs = {n: self._proof_diagnostics(snapshot, o) for n, o in known.items()}
            self._outcomes[uri] = dict(known)
            self._proofs[uri] = proofs
            self._statuses[uri] = {n: o.status for n, o in known.items()}
            if proofs != previous:
                self._send_diagnostics(uri)
            sent = self._sent.setdefault(uri, {})
            for name in [n for n in sent if n not in plan.keys]:
                del sent[name]
            for outcome in known.values():
                self._notify_proof(uri, version, outcome, only_if_changed=True)
            for cell in plan.todo:
                if plan.uri_of(cell.name) == uri:
                    source = snapshot.program.modules[cell.name.module].source
                    where = lsp_range(source, cell.span)
                    pending = {"time_ms": None, "counterexample": None, "cached": False}
                    self._send_status(uri, version, cell.name, where, "pending", pending)
        if not plan.todo:
            self.proof_progress.end(snapshot.root.key, "verified")

    def _proof_diagnostics(self, snapshot: Snapshot, outcome: Outcome) -> list[lsp.Diagnostic]:
        return [to_lsp(failure_diagnostic(f), snapshot.uri_of_source) for f in outcome.failures]

    def _send_diagnostics(self, uri: str) -> None:
        base = self._base.get(uri)
        if base is None:
            return
        version, diagnostics = base
        proof = [d for ds in self._proofs.get(uri, {}).values() for d in ds]
        self.text_document_publish_diagnostics(
            lsp.PublishDiagnosticsParams(uri, [*diagnostics, *proof], version)
        )

    # ------------------------------------------------------------------- proofs

    def _notify_proof(
        self, uri: str, version: int, outcome: Outcome, only_if_changed: bool = False
    ) -> None:
        failure = next((f for f in outcome.failures if f.counterexample), None)
        counterexample = (
            [{"name": n, "value": v} for n, v in failure.counterexample] if failure else None
        )
        failures = tuple((f.code, f.message, f.span, f.counterexample) for f in outcome.failures)
        self._send_status(
            uri,
            version,
            outcome.name,
            lsp_range(outcome.file, outcome.span),
            outcome.status,
            {
                "time_ms": outcome.time_ms,
                "counterexample": counterexample,
                "cached": outcome.cached,
            },
            failures,
            only_if_changed,
        )

    def _send_status(
        self,
        uri: str,
        version: int,
        name: QualName,
        where: lsp.Range,
        status: str,
        details: dict[str, Any],
        failures: tuple[object, ...] = (),
        only_if_changed: bool = False,
    ) -> None:
        """One ``aura/proofStatus``; with ``only_if_changed``, not when the cell's
        status, failures and range are what was last sent for it."""
        shown = (where, status, failures)
        sent = self._sent.setdefault(uri, {})
        if only_if_changed and sent.get(name) == shown:
            return
        sent[name] = shown
        start, end = where.start, where.end
        self.protocol.notify(
            PROOF_STATUS,
            {
                "uri": uri,
                "version": version,
                "cell": str(name),
                "range": {
                    "start": {"line": start.line, "character": start.character},
                    "end": {"line": end.line, "character": end.character},
                },
                "status": status,
                **details,
            },
        )

    def proof_result(self, plan: Plan, outcome: Outcome, done: int) -> None:
        """A cell's result from the prover (on the event loop)."""
        uri = plan.uri_of(outcome.name)
        if uri is None or self.prover is None or not self.prover.current(plan):
            return
        version = plan.snapshot.loaded.versions.get(uri)
        doc = self.docs.get(uri)
        if doc is None or doc.version != version:
            return
        self._notify_proof(uri, doc.version, outcome)
        self._statuses.setdefault(uri, {})[outcome.name] = outcome.status
        self._outcomes.setdefault(uri, {})[outcome.name] = outcome
        shown = self._proofs.setdefault(uri, {})
        new = self._proof_diagnostics(plan.snapshot, outcome)
        if shown.get(outcome.name, []) or new:
            shown[outcome.name] = new
            self._send_diagnostics(uri)
        self.proof_progress.report(plan.snapshot.root.key, done, len(plan.todo))

    def proof_started(self, plan: Plan) -> None:
        if self.prover is not None and self.prover.current(plan):
            self.proof_progress.start(plan.snapshot.root.key, len(plan.todo))

    def proof_finished(self, plan: Plan, done: int) -> None:
        if self.prover is not None and self.prover.current(plan):
            self.proof_progress.end(plan.snapshot.root.key, f"verified {done} of {len(plan.todo)}")

    # ----------------------------------------------------------------- requests

    async def snapshot_for(self, uri: str) -> tuple[Snapshot, SourceFile] | None:
        """The newest snapshot holding ``uri``, waiting for a pending analysis when
        the document changed since; None for a document that is not open."""
        doc = self.docs.get(uri)
        if doc is None:
            self.log(f"request for a document that is not open: {uri}", lsp.MessageType.Info)
            return None
        root = root_of(uri)
        snapshot = self.snapshots.get(root.key)
        current = snapshot is not None and snapshot.loaded.versions.get(uri) == doc.version
        running = self._running.get(root.key)
        if not current and running is not None:
            # The analysis loop runs until the program's newest text is analysed.
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.shield(running), _REQUEST_WAIT)
        snapshot = self.snapshots.get(root.key)
        if snapshot is None:
            return None
        source = snapshot.source_of(uri)
        return (snapshot, source) if source is not None else None

    async def module_for(self, uri: str) -> tuple[Snapshot, SourceFile, ModulePath] | None:
        """:meth:`snapshot_for`, with the path of the document's module in it."""
        found = await self.snapshot_for(uri)
        if found is None:
            return None
        snapshot, source = found
        path = snapshot.module_of(uri)
        return (snapshot, source, path) if path is not None else None

    async def at(
        self, uri: str, position: lsp.Position, answer: Callable[[Snapshot, SourceFile, int], T]
    ) -> T | None:
        """``answer`` for the snapshot of ``uri`` at the character offset of ``position``."""
        start = time.perf_counter()
        found = await self.snapshot_for(uri)
        if found is None:
            return None
        snapshot, source = found
        result = answer(snapshot, source, source_offset(source, position))
        self.telemetry.record("request", (time.perf_counter() - start) * 1000)
        return result


class _Protocol(LanguageServerProtocol):
    """Answers a request whose parameters do not have the protocol's shape with an
    error reply (pygls would drop it unanswered), and logs it.  A message without
    ``params`` is one with ``null`` parameters (JSON-RPC 2.0 lets a client omit them;
    pygls cannot build such a message)."""

    def structure_message(self, data: dict[str, Any]) -> Any:
        if "jsonrpc" in data and "method" in data and "params" not in data:
            data = {**data, "params": None}
        try:
            return super().structure_message(data)
        except JsonRpcInvalidParams:
            method = str(data.get("method", ""))
            if "id" in data and method:
                error = JsonRpcInvalidParams(f"invalid parameters for `{method}`")
                self._send_response(data["id"], error=error.to_response_error())
            server = self._server
            if isinstance(server, AuraServer):
                server.log(f"aura-lsp: ignored a message with invalid parameters: `{method}`")
            return JsonRPCNotification(method=_IGNORED, jsonrpc="2.0", params=None)


#: A method no handler has: what an unusable message becomes (ignored, as "$/" asks).
_IGNORED = "$/aura/ignored"


class _ThreadSafeSink:
    """Hands the prover's reports to the event loop."""

    def __init__(self, server: AuraServer, loop: asyncio.AbstractEventLoop) -> None:
        self.server = server
        self.loop = loop

    def _call(self, fn: Callable[..., None], *args: Any) -> None:
        # After the loop closed (the server is exiting) there is no one to tell.
        with contextlib.suppress(RuntimeError):
            self.loop.call_soon_threadsafe(fn, *args)

    def started(self, plan: Plan) -> None:
        self._call(self.server.proof_started, plan)

    def result(self, plan: Plan, outcome: Outcome, done: int) -> None:
        self._call(self.server.proof_result, plan, outcome, done)

    def finished(self, plan: Plan, done: int) -> None:
        self._call(self.server.proof_finished, plan, done)

    def log(self, message: str) -> None:
        self._call(self.server.log, message)
