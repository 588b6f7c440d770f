// A layered (Sugiyama-style) layout of a dependency graph: the root on top, each
// package one layer below the lowest package that depends on it, packages within
// a layer ordered to keep edges short, then coordinates. Pure data in, data out.

export interface LayoutInput {
  root: string;
  nodes: { id: string; label: string }[];
  edges: { from: string; to: string }[];
}

export interface PlacedNode {
  id: string;
  layer: number;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface PlacedEdge {
  from: string;
  to: string;
  /** SVG path data from the bottom of `from` to the top of `to`. */
  path: string;
  /** Where the edge's label goes: the middle of the curve. */
  labelX: number;
  labelY: number;
}

export interface Layout {
  nodes: Map<string, PlacedNode>;
  edges: PlacedEdge[];
  width: number;
  height: number;
}

/** Sizes in SVG user units; node widths follow the label in a monospace font. */
export const METRICS = { charWidth: 7.8, nodeHeight: 36, padding: 28, gapX: 28, gapY: 84, margin: 24 };

/** Edges that close a cycle, found by depth-first search from the root first. */
function backEdges(ids: string[], root: string, successors: Map<string, string[]>): Set<string> {
  const state = new Map<string, "open" | "done">();
  const back = new Set<string>();
  const visit = (start: string): void => {
    const stack: [string, number][] = [[start, 0]];
    state.set(start, "open");
    while (stack.length) {
      const top = stack[stack.length - 1]!;
      const [node, next] = top;
      const out = successors.get(node) ?? [];
      if (next >= out.length) {
        state.set(node, "done");
        stack.pop();
        continue;
      }
      top[1] = next + 1;
      const child = out[next]!;
      const seen = state.get(child);
      if (seen === "open") back.add(`${node}\n${child}`);
      else if (seen === undefined) {
        state.set(child, "open");
        stack.push([child, 0]);
      }
    }
  };
  for (const id of [root, ...ids]) if (successors.has(id) && !state.has(id)) visit(id);
  return back;
}

/** Longest-path layering over the acyclic part: a node sits below all its dependents. */
function assignLayers(ids: string[], forward: Map<string, string[]>): Map<string, number> {
  const indegree = new Map(ids.map((id) => [id, 0]));
  for (const targets of forward.values())
    for (const t of targets) indegree.set(t, (indegree.get(t) ?? 0) + 1);
  const layer = new Map(ids.map((id) => [id, 0]));
  const queue = ids.filter((id) => indegree.get(id) === 0);
  for (let i = 0; i < queue.length; i++) {
    const node = queue[i]!;
    for (const t of forward.get(node) ?? []) {
      layer.set(t, Math.max(layer.get(t) ?? 0, (layer.get(node) ?? 0) + 1));
      const left = (indegree.get(t) ?? 1) - 1;
      indegree.set(t, left);
      if (left === 0) queue.push(t);
    }
  }
  return layer;
}

/** Orders each layer by the barycentre of its neighbours, sweeping down then up. */
function orderLayers(rows: string[][], up: Map<string, string[]>, down: Map<string, string[]>): void {
  const position = new Map<string, number>();
  const record = (): void => {
    for (const row of rows) row.forEach((id, i) => position.set(id, (i + 0.5) / row.length));
  };
  const sweep = (row: string[], neighbours: Map<string, string[]>): void => {
    const key = new Map<string, number>();
    row.forEach((id, i) => {
      const near = (neighbours.get(id) ?? []).map((n) => position.get(n)).filter((p) => p !== undefined);
      key.set(id, near.length ? near.reduce((a, b) => a + b, 0) / near.length : (i + 0.5) / row.length);
    });
    row.sort((a, b) => (key.get(a) ?? 0) - (key.get(b) ?? 0));
    row.forEach((id, i) => position.set(id, (i + 0.5) / row.length));
  };
  record();
  for (let round = 0; round < 4; round++) {
    for (let i = 1; i < rows.length; i++) sweep(rows[i]!, up);
    for (let i = rows.length - 2; i >= 0; i--) sweep(rows[i]!, down);
  }
}

/** A smooth path through points, leaving and entering each one vertically. */
function smoothPath(points: [number, number][]): string {
  const r = (n: number): string => n.toFixed(1);
  const [first, ...rest] = points;
  if (!first) return "";
  let d = `M${r(first[0])},${r(first[1])}`;
  let [px, py] = first;
  for (const [x, y] of rest) {
    const my = (py + y) / 2;
    d += px === x ? ` L${r(x)},${r(y)}` : ` C${r(px)},${r(my)} ${r(x)},${r(my)} ${r(x)},${r(y)}`;
    [px, py] = [x, y];
  }
  return d;
}

/** Dummy nodes carry an edge across the layers it spans, so that it bends around nodes. */
const DUMMY_WIDTH = 10;
const isDummy = (id: string): boolean => id.startsWith("\u0000");

/** Left-to-right positions: each node pulled toward its neighbours, never overlapping. */
function placeRows(
  rows: string[][],
  widthOf: (id: string) => number,
  up: Map<string, string[]>,
  down: Map<string, string[]>,
): Map<string, number> {
  const centre = new Map<string, number>();
  const pack = (row: string[], wanted: (id: string) => number): void => {
    let right = -Infinity;
    for (const id of row) {
      const w = widthOf(id);
      const left = Math.max(wanted(id) - w / 2, right + METRICS.gapX);
      centre.set(id, left + w / 2);
      right = left + w;
    }
  };
  for (const row of rows) pack(row, () => 0);
  const mean = (ids: string[], fallback: number): number => {
    const xs = ids.map((n) => centre.get(n)).filter((x) => x !== undefined);
    return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : fallback;
  };
  for (let round = 0; round < 4; round++) {
    for (let i = 1; i < rows.length; i++) pack(rows[i]!, (id) => mean(up.get(id) ?? [], centre.get(id) ?? 0));
    for (let i = rows.length - 2; i >= 0; i--)
      pack(rows[i]!, (id) => mean(down.get(id) ?? [], centre.get(id) ?? 0));
  }
  return centre;
}

export function layoutGraph(input: LayoutInput): Layout {
  const ids = input.nodes.map((n) => n.id);
  const known = new Set(ids);
  const edges = input.edges.filter((e) => known.has(e.from) && known.has(e.to) && e.from !== e.to);
  const successors = new Map<string, string[]>(ids.map((id) => [id, []]));
  for (const e of edges) successors.get(e.from)!.push(e.to);
  const back = backEdges(ids, input.root, successors);
  const oriented = edges.map((e) =>
    back.has(`${e.from}\n${e.to}`)
      ? { upper: e.to, lower: e.from, reversed: true }
      : { upper: e.from, lower: e.to, reversed: false },
  );
  const forward = new Map<string, string[]>(ids.map((id) => [id, []]));
  for (const e of oriented) forward.get(e.upper)!.push(e.lower);
  const layer = assignLayers(ids, forward);

  // Chains of dummies for edges that span more than one layer.
  const up = new Map<string, string[]>();
  const down = new Map<string, string[]>();
  const link = (a: string, b: string): void => {
    (down.get(a) ?? down.set(a, []).get(a)!).push(b);
    (up.get(b) ?? up.set(b, []).get(b)!).push(a);
  };
  const chains = oriented.map((e, i) => {
    const chain = [e.upper];
    for (let l = (layer.get(e.upper) ?? 0) + 1; l < (layer.get(e.lower) ?? 0); l++) {
      const dummy = `\u0000${i}:${l}`;
      layer.set(dummy, l);
      chain.push(dummy);
    }
    chain.push(e.lower);
    for (let k = 1; k < chain.length; k++) link(chain[k - 1]!, chain[k]!);
    return chain;
  });
  const rows: string[][] = [];
  for (const [id, l] of layer) (rows[l] ??= []).push(id);
  const filled = Array.from(rows, (row) => row ?? []);
  filled[0]?.sort((a, b) => Number(b === input.root) - Number(a === input.root));
  orderLayers(filled, up, down);

  const label = new Map(input.nodes.map((n) => [n.id, n.label]));
  const widthOf = (id: string): number =>
    isDummy(id) ? DUMMY_WIDTH : Math.ceil((label.get(id) ?? id).length * METRICS.charWidth + METRICS.padding);
  const centre = placeRows(filled, widthOf, up, down);
  const lefts = [...centre].map(([id, x]) => x - widthOf(id) / 2);
  const rights = [...centre].map(([id, x]) => x + widthOf(id) / 2);
  const offset = METRICS.margin - (lefts.length ? Math.min(...lefts) : 0);
  const top = (l: number): number => METRICS.margin + l * (METRICS.nodeHeight + METRICS.gapY);

  const nodes = new Map<string, PlacedNode>();
  for (const id of ids) {
    const width = widthOf(id);
    const l = layer.get(id) ?? 0;
    const x = (centre.get(id) ?? 0) + offset - width / 2;
    nodes.set(id, { id, layer: l, x, y: top(l), width, height: METRICS.nodeHeight });
  }
  const placedEdges = chains.map((chain, i) => {
    const points: [number, number][] = [];
    chain.forEach((id, k) => {
      const x = (centre.get(id) ?? 0) + offset;
      const y = top(layer.get(id) ?? 0);
      if (k > 0) points.push([x, y]);
      if (k < chain.length - 1) points.push([x, y + METRICS.nodeHeight]);
    });
    const [a, b] = [points[0]!, points[1]!];
    const { reversed } = oriented[i]!;
    const edge = edges[i]!;
    return {
      from: edge.from,
      to: edge.to,
      path: smoothPath(reversed ? points.reverse() : points),
      labelX: (a[0] + b[0]) / 2,
      labelY: (a[1] + b[1]) / 2,
    };
  });
  const layers = filled.length;
  return {
    nodes,
    edges: placedEdges,
    width: Math.ceil((rights.length ? Math.max(...rights) - Math.min(...lefts) : 0) + 2 * METRICS.margin),
    height: Math.ceil(
      2 * METRICS.margin + layers * METRICS.nodeHeight + Math.max(0, layers - 1) * METRICS.gapY,
    ),
  };
}
