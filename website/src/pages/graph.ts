// The dependency graph of one version: an SVG drawing (packages link to their
// pages; pointing at a package or an arrow shows the requirements) and the same
// edges as a table for keyboards and screen readers.
import { ApiError, getGraph, type DependencyGraph, type GraphEdge, type GraphNode } from "../api";
import { h, packagePath, plural, s } from "../dom";
import { layoutGraph, type Layout } from "../layout";
import { apiErrorView, errorView, type Page } from "./common";

const label = (node: GraphNode): string => `${node.name} ${node.version}`;

function edgeTitle(edge: GraphEdge, byId: Map<string, GraphNode>): string {
  const from = byId.get(edge.from);
  const to = byId.get(edge.to);
  return (
    `${from ? label(from) : edge.from} requires ${to?.name ?? edge.to} ${edge.requirement}` +
    (to ? ` (resolved to ${to.version})` : "")
  );
}

function drawing(graph: DependencyGraph, layout: Layout, byId: Map<string, GraphNode>): SVGSVGElement {
  const svg = s("svg", {
    class: "graph",
    width: layout.width,
    height: layout.height,
    viewBox: `0 0 ${layout.width} ${layout.height}`,
    role: "group",
    "aria-label": `Dependency graph of ${graph.root}`,
  });
  svg.append(
    s(
      "defs",
      {},
      s(
        "marker",
        {
          id: "arrow",
          viewBox: "0 0 10 10",
          refX: 9,
          refY: 5,
          markerWidth: 7,
          markerHeight: 7,
          orient: "auto-start-reverse",
        },
        s("path", { d: "M0,0 L10,5 L0,10 z", class: "arrow-head" }),
      ),
    ),
  );
  const edgeGroups: SVGGElement[] = [];
  const edgeLayer = s("g", { class: "edges" });
  graph.edges.forEach((edge, i) => {
    const placed = layout.edges.find((p) => p.from === edge.from && p.to === edge.to);
    if (!placed) return;
    const text = edge.requirement;
    const width = text.length * 7.2 + 12;
    const group = s(
      "g",
      { class: "edge", "data-from": edge.from, "data-to": edge.to, "data-index": i },
      s("title", {}, edgeTitle(edge, byId)),
      s("path", { d: placed.path, class: "edge-hit" }),
      s("path", { d: placed.path, class: "edge-line", "marker-end": "url(#arrow)" }),
      s(
        "g",
        { class: "edge-label", "aria-hidden": "true" },
        s("rect", { x: placed.labelX - width / 2, y: placed.labelY - 10, width, height: 20, rx: 4 }),
        s("text", { x: placed.labelX, y: placed.labelY + 4, "text-anchor": "middle" }, text),
      ),
    );
    edgeGroups.push(group);
    edgeLayer.append(group);
  });
  const nodeLayer = s("g", { class: "nodes" });
  for (const node of graph.nodes) {
    const placed = layout.nodes.get(node.id);
    if (!placed) continue;
    const link = s(
      "a",
      {
        href: packagePath(node.name, node.version),
        class: node.id === graph.root ? "node root" : "node",
        "data-id": node.id,
        "aria-label": `${label(node)}${node.id === graph.root ? " (this package)" : ""}`,
      },
      s("title", {}, label(node)),
      s("rect", { x: placed.x, y: placed.y, width: placed.width, height: placed.height, rx: 6 }),
      s(
        "text",
        { x: placed.x + placed.width / 2, y: placed.y + placed.height / 2 + 4.5, "text-anchor": "middle" },
        s("tspan", { class: "node-name" }, node.name),
        " ",
        s("tspan", { class: "node-version" }, node.version),
      ),
    );
    // Pointing at (or focusing) a package shows the requirements on its edges.
    const highlight = (on: boolean): void => {
      link.classList.toggle("active", on);
      for (const g of edgeGroups) {
        if (g.dataset.from === node.id || g.dataset.to === node.id) g.classList.toggle("active", on);
      }
    };
    for (const [event, on] of [
      ["mouseenter", true],
      ["mouseleave", false],
      ["focus", true],
      ["blur", false],
    ] as const) {
      link.addEventListener(event, () => highlight(on));
    }
    nodeLayer.append(link);
  }
  svg.append(edgeLayer, nodeLayer);
  return svg;
}

function edgeTable(graph: DependencyGraph, byId: Map<string, GraphNode>): HTMLElement {
  const cell = (id: string): HTMLElement => {
    const node = byId.get(id);
    return h("td", {}, node ? h("a", { href: packagePath(node.name, node.version) }, label(node)) : id);
  };
  return h(
    "table",
    { class: "edge-table" },
    h("caption", {}, "Every dependency, as a list"),
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        h("th", { scope: "col" }, "Package"),
        h("th", { scope: "col" }, "Depends on"),
        h("th", { scope: "col" }, "Requirement"),
      ),
    ),
    h(
      "tbody",
      {},
      ...graph.edges.map((e) =>
        h("tr", {}, cell(e.from), cell(e.to), h("td", {}, h("code", {}, e.requirement))),
      ),
    ),
  );
}

export function graphPage(name: string, version: string): Page {
  return async (ctx) => {
    ctx.setTitle(`Dependencies of ${name} ${version}`);
    let graph: DependencyGraph;
    try {
      graph = await getGraph(name, version, ctx.signal);
    } catch (error) {
      if (error instanceof ApiError && error.status === 409) {
        // The registry's resolver found no set of versions satisfying every requirement.
        const view = errorView(
          "Dependencies cannot be resolved",
          `No versions in this registry satisfy every requirement of ${name} ${version}:`,
        );
        view.append(h("pre", { class: "resolver-report" }, error.message));
        return view;
      }
      return apiErrorView(error, () =>
        errorView(
          "Version not found",
          `The registry has no version ${version} of a package named “${name}”.`,
          h("a", { href: packagePath(name) }, `The page of ${name}`),
        ),
      );
    }
    const byId = new Map(graph.nodes.map((n) => [n.id, n]));
    const heading = h(
      "h1",
      { id: "page-title", tabindex: -1 },
      "Dependencies of ",
      h("a", { href: packagePath(name, version) }, `${name} ${version}`),
    );
    if (graph.edges.length === 0) {
      return h(
        "section",
        { class: "graph-page", "aria-labelledby": "page-title" },
        heading,
        h("p", {}, `${name} ${version} depends on no other package.`),
      );
    }
    const layout = layoutGraph({
      root: graph.root,
      nodes: graph.nodes.map((n) => ({ id: n.id, label: label(n) })),
      edges: graph.edges,
    });
    const others = graph.nodes.length - 1;
    return h(
      "section",
      { class: "graph-page", "aria-labelledby": "page-title" },
      heading,
      h(
        "p",
        { id: "graph-summary" },
        `${name} ${version} depends on ${plural(others, "package")}, directly or through others. ` +
          "Select a package to open its page; point at a package or an arrow to see the requirements.",
      ),
      h(
        "figure",
        { class: "graph-figure" },
        h("div", { class: "graph-scroll" }, drawing(graph, layout, byId)),
      ),
      edgeTable(graph, byId),
    );
  };
}
