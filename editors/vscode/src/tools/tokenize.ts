/**
 * Tokenizes Aura files with the extension's TextMate grammar, using the same
 * engine as VS Code (vscode-textmate over the Oniguruma regex library).
 *
 *     node out/tools/tokenize.js FILE...
 *
 * Prints one JSON document: for every file, for every line, the tokens as
 * `[text, scopes]` pairs.  The grammar tests read it.
 */

import * as fs from "node:fs";
import * as path from "node:path";
import * as oniguruma from "vscode-oniguruma";
import * as textmate from "vscode-textmate";

const ROOT = path.resolve(__dirname, "..", "..");
const GRAMMAR = path.join(ROOT, "syntaxes", "aura.tmLanguage.json");

type Token = [string, string[]];

async function loadGrammar(): Promise<textmate.IGrammar> {
  const wasm = fs.readFileSync(require.resolve("vscode-oniguruma/release/onig.wasm"));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new textmate.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
      createOnigString: (text: string) => new oniguruma.OnigString(text),
    }),
    loadGrammar: async (scopeName: string) => {
      if (scopeName !== "source.aura") {
        return null;
      }
      return textmate.parseRawGrammar(fs.readFileSync(GRAMMAR, "utf8"), GRAMMAR);
    },
  });
  const grammar = await registry.loadGrammar("source.aura");
  if (grammar === null) {
    throw new Error(`cannot load ${GRAMMAR}`);
  }
  return grammar;
}

function tokenize(grammar: textmate.IGrammar, text: string): Token[][] {
  let stack = textmate.INITIAL;
  const lines: Token[][] = [];
  for (const line of text.split(/\r?\n/)) {
    const result = grammar.tokenizeLine(line, stack);
    lines.push(result.tokens.map((t): Token => [line.slice(t.startIndex, t.endIndex), t.scopes]));
    stack = result.ruleStack;
  }
  return lines;
}

async function main(files: string[]): Promise<void> {
  const grammar = await loadGrammar();
  const out: Record<string, Token[][]> = {};
  for (const file of files) {
    out[file] = tokenize(grammar, fs.readFileSync(file, "utf8"));
  }
  process.stdout.write(JSON.stringify(out) + "\n");
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`tokenize: ${String(error)}\n`);
  process.exit(1);
});
