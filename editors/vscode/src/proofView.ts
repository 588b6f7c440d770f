/**
 * Shows the proof status of cells: a CodeLens above each cell and a status-bar
 * summary of the active document.
 */

import * as vscode from "vscode";
import {
  ProofStatusParams,
  ProofStatusStore,
  counterexampleText,
  lensTitle,
  locateCell,
  summarise,
  summaryText,
} from "./proofStatus";

export const SHOW_CELL_COMMAND = "aura.showCellStatus";

export class ProofView implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly store = new ProofStatusStore();
  private readonly changed = new vscode.EventEmitter<void>();
  private readonly statusBar: vscode.StatusBarItem;
  private readonly disposables: vscode.Disposable[] = [];

  readonly onDidChangeCodeLenses = this.changed.event;

  constructor() {
    this.statusBar = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Left, 10);
    this.statusBar.name = "Aura proofs";
    this.disposables.push(
      this.statusBar,
      this.changed,
      vscode.languages.registerCodeLensProvider({ language: "aura" }, this),
      vscode.commands.registerCommand(SHOW_CELL_COMMAND, (report: ProofStatusParams) =>
        showCell(report),
      ),
      vscode.window.onDidChangeActiveTextEditor(() => this.refreshStatusBar()),
      vscode.workspace.onDidCloseTextDocument((doc) => {
        this.store.forget(doc.uri.toString());
        this.refresh();
      }),
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration("aura.proofStatus")) {
          this.changed.fire();
        }
      }),
    );
    this.refreshStatusBar();
  }

  /** Handle one `aura/proofStatus` notification. */
  report(params: ProofStatusParams): void {
    if (this.store.update(params)) {
      this.refresh();
    }
  }

  /** Forget every status (the server restarted). */
  clear(): void {
    for (const doc of vscode.workspace.textDocuments) {
      this.store.forget(doc.uri.toString());
    }
    this.refresh();
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    if (!vscode.workspace.getConfiguration("aura").get<boolean>("proofStatus.codeLens", true)) {
      return [];
    }
    const lines = document.getText().split(/\r?\n/);
    const lenses: vscode.CodeLens[] = [];
    for (const report of this.store.cells(document.uri.toString())) {
      const line = locateCell(lines, report.cell, report.range.start.line);
      if (line < 0) {
        continue;
      }
      lenses.push(
        new vscode.CodeLens(new vscode.Range(line, 0, line, 0), {
          title: lensTitle(report),
          command: SHOW_CELL_COMMAND,
          arguments: [report],
        }),
      );
    }
    return lenses;
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) {
      d.dispose();
    }
  }

  private refresh(): void {
    this.changed.fire();
    this.refreshStatusBar();
  }

  private refreshStatusBar(): void {
    const editor = vscode.window.activeTextEditor;
    if (editor === undefined || editor.document.languageId !== "aura") {
      this.statusBar.hide();
      return;
    }
    const cells = this.store.cells(editor.document.uri.toString());
    const summary = summarise(cells);
    this.statusBar.text = cells.length === 0 ? "$(shield) Aura" : summaryText(summary);
    this.statusBar.tooltip =
      `${summary.verified} verified, ${summary.failed} failed, ` +
      `${summary.timeout} timed out, ${summary.unknown} unknown, ${summary.pending} in progress`;
    this.statusBar.backgroundColor =
      summary.failed > 0 ? new vscode.ThemeColor("statusBarItem.errorBackground") : undefined;
    this.statusBar.show();
  }
}

function showCell(report: ProofStatusParams): void {
  const cex = counterexampleText(report.counterexample);
  const time = typeof report.time_ms === "number" ? ` (${report.time_ms} ms)` : "";
  const message =
    `cell ${report.cell}: ${report.status}${time}` + (cex ? `; counterexample: ${cex}` : "");
  if (report.status === "failed") {
    void vscode.window.showWarningMessage(message);
  } else {
    void vscode.window.showInformationMessage(message);
  }
}
