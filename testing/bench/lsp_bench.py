"""Benchmark: the language server's latency over the real protocol.

Spawns ``aura lsp`` and speaks JSON-RPC to it over stdio, as an editor does:

(a) type characters inside one cell of a 1,000-line file with 50 verified cells
    (incremental ``didChange``, one keystroke at a time): time from the change
    to the ``publishDiagnostics`` for that version;
(b) the same keystrokes: time to the final ``aura/proofStatus`` of that cell for
    that version;
(c) a 10,000-line workspace of several files opened in a fresh server: time
    from the first ``didOpen`` to the first diagnostics of every file.

Goals (issue "language server"): (a) p95 < 100 ms, (b) p95 < 200 ms, (c) < 2 s.
The peer for (a) is the same re-parse and re-check done in process, without the
protocol (``check_bench.parse_and_check`` with the previous results).

    python testing/bench/lsp_bench.py [--lines N] [--cells N] [--edits N]
                                      [--workspace-lines N] [--files N]
                                      [--server CMD] [--timeout SECONDS]
"""

from __future__ import annotations

import argparse
import math
import shlex
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from check_bench import parse_and_check
from lsp_client import (
    Arrival,
    LspClient,
    LspError,
    aura_lsp_command,
    delete_change,
    insert_change,
)

GOAL_DIAGNOSTICS_P95_MS = 100.0
GOAL_PROOF_P95_MS = 200.0
GOAL_WORKSPACE_MS = 2_000.0

#: Lines of one generated cell, blank separator included.
CELL_LINES = 19
#: The line the keystrokes edit (`val pad = 1`), counted from its cell's head.
PAD_LINE = 5
PAD_PREFIX = "    val pad = "
#: How long one answer may take before the run is declared broken.
ANSWER_TIMEOUT = 120.0
FINAL_STATUSES = frozenset({"verified", "failed", "timeout", "unknown"})


def generate_cell(k: int) -> list[str]:
    """A cell the verifier proves: a few branches, two assertions, two postconditions."""
    return [
        f"## Bounded sum number {k}.",
        f"cell step_{k}(x: i64, y: i64) -> i64:",
        "    requires 0 <= x and x <= 1_000",
        "    requires 0 <= y and y <= 1_000",
        "    ensures result >= x",
        f"    ensures result <= x + 2 * y + {k}",
        f"{PAD_PREFIX}1",
        "    assert pad >= 1",
        "    val mut acc = x",
        "    if y > 500:",
        "        acc = acc + y",
        "    else:",
        "        acc = acc + y / 2",
        "    assert acc >= x",
        f"    acc = acc + {k}",
        f"    if acc > 3_000 + {k}:",
        "        return x",
        "    return acc",
        "",
    ]


def generate_file(lines: int, cells: int, first: int = 0) -> str:
    """A module of exactly ``lines`` lines holding ``cells`` verified cells."""
    if cells * CELL_LINES + 1 > lines:
        raise ValueError(f"{cells} cells need at least {cells * CELL_LINES + 1} lines")
    header = [f"# Generated language server benchmark input: {lines} lines, {cells} cells."]
    header += ["#"] * (lines - cells * CELL_LINES - len(header))
    body = [line for k in range(first, first + cells) for line in generate_cell(k)]
    return "\n".join(header + body) + "\n"


def cell_start(text: str, k: int) -> int:
    """The zero-based line of cell ``step_k``'s head."""
    return text.split("\n").index(f"cell step_{k}(x: i64, y: i64) -> i64:")


def keystrokes(count: int, seed: int = 12_345) -> list[tuple[str, str]]:
    """``count`` edits of the literal after `val pad = 1`: pseudo-random digits typed at
    its end until it is 11 digits longer, then alternately the oldest typed digit erased
    and a new one typed.  Every version is a valid program the verifier proves, and
    (almost) every one is new text, so the proof cache cannot answer for it.
    Each edit is (``insert`` | ``delete``, digit); a delete removes the oldest typed digit."""
    state = seed
    edits: list[tuple[str, str]] = []
    typed = 0
    for _ in range(count):
        if typed >= 11 and edits[-1][0] == "insert":
            edits.append(("delete", ""))
            typed -= 1
            continue
        state = (state * 1_103_515_245 + 12_345) % 2**31
        edits.append(("insert", str(state % 10)))
        typed += 1
    return edits


def percentile(values: Sequence[float], p: float) -> float:
    """The nearest-rank percentile (``p`` in 0..100) of a non-empty sample."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def server_argv(command: str | None) -> list[str]:
    """``aura lsp`` from the running environment, unless a command was given."""
    return shlex.split(command) if command else aura_lsp_command()


def is_diagnostics(uri: str, version: int | None = None) -> Callable[[Arrival], bool]:
    def matches(a: Arrival) -> bool:
        if a.method != "textDocument/publishDiagnostics" or a.params.get("uri") != uri:
            return False
        got = a.params.get("version")
        return version is None or got is None or got == version

    return matches


def is_final_proof(uri: str, cell: str, version: int) -> Callable[[Arrival], bool]:
    def matches(a: Arrival) -> bool:
        p = a.params
        return (
            a.method == "aura/proofStatus"
            and p.get("uri") == uri
            and (p.get("cell") == cell or str(p.get("cell", "")).endswith("::" + cell))
            and p.get("version") == version
            and p.get("status") in FINAL_STATUSES
        )

    return matches


def errors_in(diagnostics: Arrival) -> list[str]:
    return [
        f"{d.get('code')}: {d.get('message')}"
        for d in diagnostics.params.get("diagnostics", [])
        if d.get("severity") == 1
    ]


@dataclass(frozen=True)
class TypingResult:
    diagnostics_ms: list[float]
    proof_ms: list[float]
    in_process_ms: list[float]
    startup_ms: float
    open_ms: float
    first_proofs_ms: float
    problems: list[str]
    stats: Any


def bench_typing(
    argv: list[str], options: dict[str, Any], lines: int, cells: int, edits: int, work: Path
) -> TypingResult:
    """Measures (a) and (b)."""
    text = generate_file(lines, cells)
    path = work / "edit.aura"
    path.write_text(text, encoding="utf-8")
    uri = path.as_uri()
    target = cells // 2
    cell = f"step_{target}"
    line = cell_start(text, target) + PAD_LINE
    column = len(PAD_PREFIX) + 1  # just after the literal's leading `1`
    problems: list[str] = []

    started = time.perf_counter()
    with LspClient(argv, cwd=work) as client:
        client.initialize(work, options)
        startup = time.perf_counter() - started
        opened = client.open(path, text, 1)
        first = client.wait_for(is_diagnostics(uri, 1), timeout=ANSWER_TIMEOUT, what="diagnostics")
        problems += errors_in(first)
        last_proof = opened
        for k in range(cells):
            proof = client.wait_for(
                is_final_proof(uri, f"step_{k}", 1),
                timeout=ANSWER_TIMEOUT,
                what=f"the first proof status of step_{k}",
            )
            last_proof = max(last_proof, proof.at)
            if proof.params["status"] != "verified":
                problems.append(f"step_{k} is {proof.params['status']} after opening")

        diagnostics_ms: list[float] = []
        proof_ms: list[float] = []
        lines_now = text.split("\n")
        typed = ""
        previous = parse_and_check("edit", text)
        in_process_ms: list[float] = []
        for version, (kind, digit) in enumerate(keystrokes(edits), start=2):
            if kind == "insert":
                change = insert_change(line, column + len(typed), digit)
                typed += digit
            else:
                change = delete_change(line, column, column + 1)
                typed = typed[1:]
            client.drain(lambda _a: True)  # answers to earlier versions
            sent = client.change(path, version, [change])
            diagnostics = client.wait_for(
                is_diagnostics(uri, version), timeout=ANSWER_TIMEOUT, what="diagnostics"
            )
            proof = client.wait_for(
                is_final_proof(uri, cell, version),
                timeout=ANSWER_TIMEOUT,
                what=f"the proof status of {cell} for version {version}",
            )
            diagnostics_ms.append((diagnostics.at - sent) * 1000)
            proof_ms.append((proof.at - sent) * 1000)
            problems += errors_in(diagnostics)
            if proof.params["status"] != "verified":
                problems.append(f"{cell} is {proof.params['status']} at version {version}")

            lines_now[line] = f"{PAD_PREFIX}1{typed}"
            edited = "\n".join(lines_now)
            began = time.perf_counter()
            previous = parse_and_check("edit", edited, previous)
            in_process_ms.append((time.perf_counter() - began) * 1000)
        try:
            stats = client.request("aura/stats", {}, timeout=30.0)
        except LspError as exc:
            stats = f"unavailable ({exc})"
    return TypingResult(
        diagnostics_ms,
        proof_ms,
        in_process_ms,
        startup * 1000,
        (first.at - opened) * 1000,
        (last_proof - opened) * 1000,
        problems,
        stats,
    )


@dataclass(frozen=True)
class WorkspaceResult:
    files: int
    lines: int
    startup_ms: float
    all_diagnostics_ms: float
    problems: list[str]


def bench_workspace(
    argv: list[str], options: dict[str, Any], lines: int, files: int, work: Path
) -> WorkspaceResult:
    """Measures (c): a fresh server, every file opened at once, first diagnostics of each."""
    per_file = lines // files
    cells = max(1, (per_file - 1) // CELL_LINES)
    paths: dict[str, tuple[Path, str]] = {}
    for i in range(files):
        path = work / f"part_{i}.aura"
        text = generate_file(per_file, cells, first=i * cells)
        path.write_text(text, encoding="utf-8")
        paths[path.as_uri()] = (path, text)
    problems: list[str] = []
    started = time.perf_counter()
    with LspClient(argv, cwd=work) as client:
        client.initialize(work, options)
        startup = time.perf_counter() - started
        first_open: float | None = None
        for path, text in paths.values():
            sent = client.open(path, text, 1)
            first_open = sent if first_open is None else first_open
        assert first_open is not None
        last = first_open
        for uri in paths:
            arrival = client.wait_for(
                is_diagnostics(uri, 1), timeout=ANSWER_TIMEOUT, what=f"diagnostics of {uri}"
            )
            last = max(last, arrival.at)
            problems += errors_in(arrival)
    return WorkspaceResult(
        files, per_file * files, startup * 1000, (last - first_open) * 1000, problems
    )


def verdict(value: float, goal: float) -> str:
    return "met" if value < goal else "NOT met"


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    ap.add_argument("--lines", type=int, default=1_000, help="lines of the edited file")
    ap.add_argument("--cells", type=int, default=50, help="verified cells in the edited file")
    ap.add_argument("--edits", type=int, default=40, help="keystrokes typed into one cell")
    ap.add_argument("--workspace-lines", type=int, default=10_000)
    ap.add_argument("--files", type=int, default=10, help="files of the workspace")
    ap.add_argument("--server", help="command that starts the server (default: aura lsp)")
    ap.add_argument(
        "--timeout", type=float, help="solver seconds per obligation (default: the server's choice)"
    )
    args = ap.parse_args(argv)
    command = server_argv(args.server)
    options: dict[str, Any] = {} if args.timeout is None else {"timeout": args.timeout}

    try:
        with tempfile.TemporaryDirectory(prefix="aura-lsp-bench-") as tmp:
            edit_dir = Path(tmp, "edit")
            edit_dir.mkdir()
            typing = bench_typing(command, options, args.lines, args.cells, args.edits, edit_dir)
            ws_dir = Path(tmp, "workspace")
            ws_dir.mkdir()
            workspace = bench_workspace(command, options, args.workspace_lines, args.files, ws_dir)
    except (LspError, OSError) as exc:
        print(f"error: the language server benchmark failed: {exc}", file=sys.stderr)
        return 1

    a95 = percentile(typing.diagnostics_ms, 95)
    b95 = percentile(typing.proof_ms, 95)
    peer50 = percentile(typing.in_process_ms, 50)
    a50 = percentile(typing.diagnostics_ms, 50)
    print(f"server:  {' '.join(command)}")
    print(
        f"input:   {args.lines} lines, {args.cells} cells; {args.edits} keystrokes in one cell; "
        f"workspace of {workspace.lines} lines in {workspace.files} files"
    )
    print(f"{'measure':<44} {'n':>4} {'p50 ms':>9} {'p95 ms':>9}  goal")
    rows = [
        ("(a) didChange -> publishDiagnostics", typing.diagnostics_ms, GOAL_DIAGNOSTICS_P95_MS),
        ("(b) didChange -> aura/proofStatus (final)", typing.proof_ms, GOAL_PROOF_P95_MS),
    ]
    for name, sample, goal in rows:
        p95 = percentile(sample, 95)
        print(
            f"{name:<44} {len(sample):>4} {percentile(sample, 50):>9.1f} {p95:>9.1f}  "
            f"p95 < {goal:.0f} ms: {verdict(p95, goal)}"
        )
    print(
        f"{'(c) workspace opened cold -> all diagnostics':<44} {1:>4} "
        f"{workspace.all_diagnostics_ms:>9.1f} {'':>9}  < {GOAL_WORKSPACE_MS:.0f} ms: "
        f"{verdict(workspace.all_diagnostics_ms, GOAL_WORKSPACE_MS)}"
    )
    print(
        f"{'peer: in-process re-check of the same edit':<44} {len(typing.in_process_ms):>4} "
        f"{peer50:>9.1f} {percentile(typing.in_process_ms, 95):>9.1f}  "
        f"(a) p50 / peer p50 = {a50 / peer50 if peer50 else float('inf'):.1f} x"
    )
    print(
        f"server start {typing.startup_ms:.0f} ms (workspace run {workspace.startup_ms:.0f} ms); "
        f"first diagnostics of the edited file {typing.open_ms:.0f} ms after opening; "
        f"all {args.cells} cells proven {typing.first_proofs_ms:.0f} ms after opening"
    )
    print(f"aura/stats: {typing.stats}")
    print(f"(a) p95 {a95:.1f} ms, (b) p95 {b95:.1f} ms, measured on this machine as loaded now")
    problems = typing.problems + workspace.problems
    for problem in problems[:10]:
        print(f"unexpected: {problem}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
