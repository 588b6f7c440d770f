// Builds dist/: the bundled script and style sheet, and the static files beside them.
// `node build.mjs --watch` rebuilds on every change (see README.md, "Developing").
import { context, build } from "esbuild";
import { cpSync, mkdirSync, rmSync } from "node:fs";

const watch = process.argv.includes("--watch");
const options = {
  entryPoints: { app: "src/main.ts", style: "src/style.css" },
  outdir: "dist/assets",
  bundle: true,
  format: "esm",
  target: "es2022",
  minify: !watch,
  sourcemap: true,
  legalComments: "linked",
  logLevel: "info",
};

rmSync("dist", { recursive: true, force: true });
mkdirSync("dist", { recursive: true });
cpSync("static", "dist", { recursive: true });
if (watch) {
  await (await context(options)).watch();
} else {
  await build(options);
}
