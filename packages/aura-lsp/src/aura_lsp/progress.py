"""The "verifying N of M" work-done progress, one per program while it has proofs to do.

A progress is created (``window/workDoneProgress/create``) when the prover
starts on a program and ended when the prover has nothing more to do for it;
a plan superseded by a newer one keeps the same progress, so a burst of edits
shows one progress bar, not one per keystroke.
"""

from __future__ import annotations

import itertools
from typing import Any

from lsprotocol import types as lsp
from pygls.progress import Progress

__all__ = ["ProofProgress"]


class ProofProgress:
    def __init__(self, progress: Progress, enabled: bool) -> None:
        self._progress = progress
        self.enabled = enabled
        self._ids = itertools.count(1)
        #: Program key -> token once the editor accepted it (None while asking).
        self._tokens: dict[str, str | None] = {}
        self._pending: dict[str, str] = {}

    def start(self, key: str, total: int) -> None:
        if not self.enabled or key in self._tokens:
            return
        token = f"aura-verify-{next(self._ids)}"
        self._tokens[key] = None
        self._pending[key] = f"verifying 1 of {total}"

        def created(*_: Any) -> None:
            if key not in self._tokens or self._tokens[key] is not None:
                return  # ended before the editor answered
            self._tokens[key] = token
            message = self._pending.pop(key, "verifying")
            self._progress.begin(
                token, lsp.WorkDoneProgressBegin(title="Aura", message=message, percentage=0)
            )

        try:
            self._progress.create(token, created)
        except Exception:
            self._tokens.pop(key, None)

    def report(self, key: str, done: int, total: int) -> None:
        message = f"verifying {min(done + 1, total)} of {total}"
        token = self._tokens.get(key)
        if token is None:
            if key in self._tokens:
                self._pending[key] = message
            return
        percentage = int(100 * done / max(1, total))
        self._progress.report(
            token, lsp.WorkDoneProgressReport(message=message, percentage=percentage)
        )

    def end(self, key: str, message: str) -> None:
        token = self._tokens.pop(key, None)
        self._pending.pop(key, None)
        if token is not None:
            self._progress.end(token, lsp.WorkDoneProgressEnd(message=message))
            self._progress.tokens.pop(token, None)
