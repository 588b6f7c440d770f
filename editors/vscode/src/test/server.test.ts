/**
 * The proof-status logic fed by the real language server: what `aura lsp` sends
 * in `aura/proofStatus` is what the extension's store and lenses understand.
 *
 * Needs the server: set AURA_LSP_COMMAND to its command line as a JSON array
 * (testing/editors/test_vscode_extension.py does).
 */

import * as assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { test } from "node:test";
import {
  StreamMessageReader,
  StreamMessageWriter,
  createMessageConnection,
} from "vscode-jsonrpc/node";
import {
  PROOF_STATUS_NOTIFICATION,
  ProofStatusParams,
  ProofStatusStore,
  isFinal,
  lensTitle,
  locateCell,
} from "../proofStatus";

const SOURCE = [
  "## Always one more.",
  "cell bump(x: i64) -> i64:",
  "    requires x < 100",
  "    ensures result > x",
  "    return x + 1",
  "",
  "cell wrong(x: i64) -> i64:",
  "    requires x < 100",
  "    ensures result > x",
  "    return x",
  "",
].join("\n");

const command = process.env.AURA_LSP_COMMAND;

test(
  "the server's proof reports drive the lenses",
  { skip: command ? false : "AURA_LSP_COMMAND is not set", timeout: 120_000 },
  async () => {
    const argv = JSON.parse(command as string) as string[];
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "aura-ext-"));
    const file = path.join(dir, "main.aura");
    fs.writeFileSync(file, SOURCE);
    const uri = pathToFileURL(file).toString();

    const server = spawn(argv[0], argv.slice(1), { cwd: dir, stdio: ["pipe", "pipe", "pipe"] });
    let stderr = "";
    server.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const connection = createMessageConnection(
      new StreamMessageReader(server.stdout),
      new StreamMessageWriter(server.stdin),
    );
    const store = new ProofStatusStore();
    const bothFinal = new Promise<void>((resolve) => {
      connection.onNotification(PROOF_STATUS_NOTIFICATION, (params: ProofStatusParams) => {
        store.update(params);
        const cells = store.cells(uri);
        if (cells.length === 2 && cells.every((c) => isFinal(c.status))) {
          resolve();
        }
      });
    });
    connection.onRequest(() => null); // progress tokens, registrations: accepted
    connection.listen();
    try {
      await connection.sendRequest("initialize", {
        processId: process.pid,
        rootUri: pathToFileURL(dir).toString(),
        capabilities: {},
      });
      await connection.sendNotification("initialized", {});
      await connection.sendNotification("textDocument/didOpen", {
        textDocument: { uri, languageId: "aura", version: 1, text: SOURCE },
      });
      await bothFinal;

      const lines = SOURCE.split("\n");
      const [bump, wrong] = store.cells(uri);
      assert.equal(bump.version, 1);
      assert.match(bump.cell, /(^|::)bump$/);
      assert.equal(locateCell(lines, bump.cell, bump.range.start.line), 1);
      assert.match(lensTitle(bump), /^\$\(pass\) verified/);
      assert.match(wrong.cell, /(^|::)wrong$/);
      assert.equal(locateCell(lines, wrong.cell, wrong.range.start.line), 6);
      assert.match(lensTitle(wrong), /^\$\(error\) failed.*: counterexample x = /);
      await connection.sendRequest("shutdown");
      await connection.sendNotification("exit");
    } catch (error) {
      throw new Error(`${String(error)}\nserver stderr:\n${stderr}`);
    } finally {
      connection.dispose();
      server.kill();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
);
