import * as assert from "node:assert/strict";
import { test } from "node:test";
import {
  ProofStatusParams,
  ProofStatusStore,
  counterexampleText,
  lensTitle,
  locateCell,
  summarise,
  summaryText,
} from "../proofStatus";

function report(cell: string, version: number | null, status: string, line = 0): ProofStatusParams {
  return {
    uri: "file:///a.aura",
    version,
    cell,
    range: { start: { line, character: 0 }, end: { line: line + 2, character: 0 } },
    status,
    time_ms: 12,
    counterexample: null,
  };
}

test("a report for an older version does not replace a newer one", () => {
  const store = new ProofStatusStore();
  assert.equal(store.update(report("f", 3, "verified")), true);
  assert.equal(store.update(report("f", 2, "failed")), false);
  assert.equal(store.cells("file:///a.aura")[0].status, "verified");
  assert.equal(store.update(report("f", 4, "failed")), true);
  assert.equal(store.cells("file:///a.aura")[0].status, "failed");
});

test("cells come back in document order and are forgotten with their document", () => {
  const store = new ProofStatusStore();
  store.update(report("b", 1, "verified", 10));
  store.update(report("a", 1, "running", 2));
  assert.deepEqual(
    store.cells("file:///a.aura").map((c) => c.cell),
    ["a", "b"],
  );
  store.forget("file:///a.aura");
  assert.deepEqual(store.cells("file:///a.aura"), []);
});

test("the summary counts every status, unfinished ones as pending", () => {
  const cells = ["verified", "verified", "failed", "timeout", "unknown", "running"].map((s, i) =>
    report(`c${i}`, 1, s, i),
  );
  const summary = summarise(cells);
  assert.deepEqual(summary, { verified: 2, failed: 1, timeout: 1, unknown: 1, pending: 1 });
  assert.equal(summaryText(summary), "$(pass) 2  $(error) 1  $(question) 2  $(sync~spin) 1");
});

test("a failed cell's lens shows its counterexample", () => {
  const failed = { ...report("f", 1, "failed"), counterexample: { x: "-1", y: '"a"' } };
  assert.equal(counterexampleText(failed.counterexample), 'x = -1, y = "a"');
  assert.equal(lensTitle(failed), '$(error) failed in 12 ms: counterexample x = -1, y = "a"');
  assert.equal(
    lensTitle({ ...report("f", 1, "verified"), time_ms: 2500 }),
    "$(pass) verified in 2.5 s",
  );
  assert.equal(
    lensTitle({ ...report("f", 1, "verified"), cached: true }),
    "$(pass) verified (cached)",
  );
  const listed = [
    { name: "b", value: "2" },
    { name: "a", value: "1" },
  ];
  assert.equal(counterexampleText(listed), "b = 2, a = 1");
});

test("a cell is found where reported, else where it moved, else nowhere", () => {
  const lines = [
    "# top",
    "pub pure cell f(x: i64) -> i64:",
    "    return x",
    "cell g():",
    "    return",
  ];
  assert.equal(locateCell(lines, "f", 1), 1);
  assert.equal(locateCell(lines, "g", 0), 3);
  assert.equal(locateCell(lines, "mod::g", 9), 3);
  assert.equal(locateCell(lines, "gone", 1), -1);
  assert.equal(locateCell(["cell ff():"], "f", 0), -1);
});
