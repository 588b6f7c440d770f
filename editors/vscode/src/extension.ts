/**
 * The Aura extension: starts the language server (`aura lsp`), shows the proof
 * status it reports per cell, and runs the current file.
 */

import * as vscode from "vscode";
import {
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  State,
  TransportKind,
} from "vscode-languageclient/node";
import { PROOF_STATUS_NOTIFICATION, ProofStatusParams, STATS_REQUEST } from "./proofStatus";
import { ProofView } from "./proofView";

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const view = new ProofView();
  const output = vscode.window.createOutputChannel("Aura");
  context.subscriptions.push(view, output);

  client = createClient(output);
  wireClient(client, view);

  context.subscriptions.push(
    vscode.commands.registerCommand("aura.restartServer", async () => {
      if (client !== undefined) {
        await client.dispose();
      }
      view.clear();
      client = createClient(output);
      wireClient(client, view);
      await startClient(client);
    }),
    vscode.commands.registerCommand("aura.runFile", () => runFile()),
    vscode.commands.registerCommand("aura.showStats", async () => {
      if (client === undefined || client.state !== State.Running) {
        void vscode.window.showWarningMessage("The Aura language server is not running.");
        return;
      }
      const stats: unknown = await client.sendRequest(STATS_REQUEST, {});
      output.appendLine(JSON.stringify(stats, null, 2));
      output.show(true);
    }),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration("aura.server") || event.affectsConfiguration("aura.verify")) {
        void vscode.commands.executeCommand("aura.restartServer");
      }
    }),
  );
  await startClient(client);
}

export async function deactivate(): Promise<void> {
  if (client !== undefined) {
    await client.stop();
    client = undefined;
  }
}

function createClient(output: vscode.OutputChannel): LanguageClient {
  const config = vscode.workspace.getConfiguration("aura");
  const command = config.get<string>("server.path", "aura");
  const args = config.get<string[]>("server.args", ["lsp"]);
  const serverOptions: ServerOptions = {
    run: { command, args, transport: TransportKind.stdio },
    debug: { command, args, transport: TransportKind.stdio },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: "file", language: "aura" },
      { scheme: "untitled", language: "aura" },
    ],
    synchronize: {
      configurationSection: "aura",
      fileEvents: vscode.workspace.createFileSystemWatcher("**/{*.aura,aura.toml,aura.lock}"),
    },
    initializationOptions: serverOptionsFrom(config),
    outputChannel: output,
  };
  return new LanguageClient("aura", "Aura Language Server", serverOptions, clientOptions);
}

/** The server's `initializationOptions` (docs/lsp-protocol.md): only what the user set. */
function serverOptionsFrom(config: vscode.WorkspaceConfiguration): Record<string, unknown> {
  const options: Record<string, unknown> = {
    verify: config.get<boolean>("verify.enabled", true),
  };
  const timeout = config.get<number | null>("verify.timeout", null);
  if (typeof timeout === "number" && timeout > 0) {
    options.timeout = timeout;
  }
  return options;
}

function wireClient(lc: LanguageClient, view: ProofView): void {
  lc.onNotification(PROOF_STATUS_NOTIFICATION, (params: ProofStatusParams) => view.report(params));
}

async function startClient(lc: LanguageClient): Promise<void> {
  try {
    await lc.start();
  } catch (error) {
    const path = vscode.workspace.getConfiguration("aura").get<string>("server.path", "aura");
    void vscode.window.showErrorMessage(
      `Could not start the Aura language server (\`${path} lsp\`): ${String(error)}. ` +
        "Install the aura-lsp package or set `aura.server.path`.",
    );
  }
}

function runFile(): void {
  const editor = vscode.window.activeTextEditor;
  if (editor === undefined || editor.document.languageId !== "aura") {
    void vscode.window.showWarningMessage("Open an Aura file to run it.");
    return;
  }
  const config = vscode.workspace.getConfiguration("aura");
  const aura = config.get<string>("server.path", "aura");
  const args = ["run"];
  if (config.get<boolean>("trustProofs", false)) {
    args.push("--trust-proofs");
  }
  args.push(editor.document.uri.fsPath);
  void editor.document.save().then(() => {
    const terminal = vscode.window.createTerminal({ name: "Aura" });
    terminal.show();
    terminal.sendText([aura, ...args].map(shellQuote).join(" "));
  });
}

/** Quote a word for a POSIX shell (single quotes, `'` written as `'\''`). */
function shellQuote(word: string): string {
  return /^[A-Za-z0-9_./:=-]+$/.test(word) ? word : `'${word.replace(/'/g, "'\\''")}'`;
}
