/**
 * The proof status of cells, as the language server reports it through the
 * `aura/proofStatus` notification (docs/lsp-protocol.md).
 *
 * This module is plain data and logic, with no dependency on the editor, so the
 * rules (which report wins, how a status is summarised) are tested under node.
 */

/** An LSP position: zero-based line and UTF-16 character. */
export interface Position {
  line: number;
  character: number;
}

/** An LSP range. */
export interface Range {
  start: Position;
  end: Position;
}

/** The parameters of one `aura/proofStatus` notification. */
export interface ProofStatusParams {
  uri: string;
  /** The document version the status was computed for. */
  version: number | null;
  /** The cell's name. */
  cell: string;
  /** The cell's declaration in the document of that version. */
  range: Range;
  /** `verified`, `failed`, `timeout`, `unknown`, or a state on the way (`pending`, `running`). */
  status: string;
  time_ms?: number | null;
  /** Values under which an obligation failed, in Aura syntax. */
  counterexample?: Counterexample | null;
  /** Whether the result came from the proof cache. */
  cached?: boolean;
}

/** A counterexample: `[{name, value}]` in the server's order (or a name-to-value object). */
export type Counterexample = { name: string; value: string }[] | Record<string, string>;

export const PROOF_STATUS_NOTIFICATION = "aura/proofStatus";
export const STATS_REQUEST = "aura/stats";

/** The verdicts that end a proof attempt (spec section 8). */
const FINAL = new Set(["verified", "failed", "timeout", "unknown"]);

export function isFinal(status: string): boolean {
  return FINAL.has(status);
}

/**
 * The latest proof status of every cell of every open document.
 *
 * A report for an older document version than the one already held for the same
 * cell is dropped: notifications may overtake each other while the user types.
 * Cells an edit did not touch keep their last report (the server re-reports only
 * what it re-proved); where a cell now is in the text is the view's business
 * (`locateCell`).
 */
export class ProofStatusStore {
  private readonly byUri = new Map<string, Map<string, ProofStatusParams>>();

  /** Record a report; return whether it changed what is shown. */
  update(report: ProofStatusParams): boolean {
    let cells = this.byUri.get(report.uri);
    if (cells === undefined) {
      cells = new Map();
      this.byUri.set(report.uri, cells);
    }
    const held = cells.get(report.cell);
    if (held !== undefined && isOlder(report.version, held.version)) {
      return false;
    }
    cells.set(report.cell, report);
    return true;
  }

  /** The cells of a document, in the order they appear in it. */
  cells(uri: string): ProofStatusParams[] {
    const cells = this.byUri.get(uri);
    if (cells === undefined) {
      return [];
    }
    return [...cells.values()].sort(
      (a, b) => a.range.start.line - b.range.start.line || a.cell.localeCompare(b.cell),
    );
  }

  /** Drop what is known about a document (closed, or its cells renamed). */
  forget(uri: string): void {
    this.byUri.delete(uri);
  }
}

function isOlder(version: number | null, than: number | null): boolean {
  return version !== null && than !== null && version < than;
}

/** Counts of cells by status, for the status bar. */
export interface Summary {
  verified: number;
  failed: number;
  timeout: number;
  unknown: number;
  pending: number;
}

export function summarise(cells: readonly ProofStatusParams[]): Summary {
  const summary: Summary = { verified: 0, failed: 0, timeout: 0, unknown: 0, pending: 0 };
  for (const cell of cells) {
    switch (cell.status) {
      case "verified":
      case "failed":
      case "timeout":
      case "unknown":
        summary[cell.status] += 1;
        break;
      default:
        summary.pending += 1;
    }
  }
  return summary;
}

/** The status bar text for a summary (codicons in `$(...)`). */
export function summaryText(summary: Summary): string {
  const parts = [`$(pass) ${summary.verified}`];
  if (summary.failed > 0) {
    parts.push(`$(error) ${summary.failed}`);
  }
  if (summary.timeout + summary.unknown > 0) {
    parts.push(`$(question) ${summary.timeout + summary.unknown}`);
  }
  if (summary.pending > 0) {
    parts.push(`$(sync~spin) ${summary.pending}`);
  }
  return parts.join("  ");
}

/** The one-line description of a cell's status shown above the cell. */
export function lensTitle(report: ProofStatusParams): string {
  const time = report.cached
    ? " (cached)"
    : typeof report.time_ms === "number"
      ? ` in ${formatMs(report.time_ms)}`
      : "";
  switch (report.status) {
    case "verified":
      return `$(pass) verified${time}`;
    case "failed": {
      const cex = counterexampleText(report.counterexample);
      return `$(error) failed${time}` + (cex ? `: counterexample ${cex}` : "");
    }
    case "timeout":
      return `$(watch) timeout${time}`;
    case "unknown":
      return `$(question) unknown${time}`;
    default:
      return `$(sync~spin) ${report.status}`;
  }
}

/** `x = -1, y = 0`, in the order the server gave, or "" when there is none. */
export function counterexampleText(cex: Counterexample | null | undefined): string {
  if (!cex) {
    return "";
  }
  const pairs = Array.isArray(cex)
    ? cex.map(({ name, value }): [string, string] => [name, value])
    : Object.entries(cex);
  return pairs.map(([name, value]) => `${name} = ${value}`).join(", ");
}

function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/**
 * The line of `cell NAME` in `lines`, looked for first at `hint` (where the report
 * put it) and then anywhere; -1 when the cell is gone.
 */
export function locateCell(lines: readonly string[], name: string, hint: number): number {
  const simple = name.split("::").pop() ?? name;
  const head = new RegExp(
    `^[ \\t]*(?:pub[ \\t]+)?(?:(?:pure|lemma|test)[ \\t]+)?cell[ \\t]+${escapeRegExp(simple)}\\b`,
  );
  if (hint >= 0 && hint < lines.length && head.test(lines[hint])) {
    return hint;
  }
  return lines.findIndex((line) => head.test(line));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
