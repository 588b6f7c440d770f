// Building DOM nodes from data. Text always goes in as text nodes, never as HTML,
// so registry data cannot inject markup; the one exception is the sanitised README
// (markdown.ts).

export type Child = Node | string | null | undefined | false;
export type Attrs = Record<string, string | number | boolean | null | undefined>;

const SVG_NS = "http://www.w3.org/2000/svg";

function fill(element: Element, attrs: Attrs, children: Child[]): void {
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    element.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    element.append(typeof child === "string" ? document.createTextNode(child) : child);
  }
}

/** An HTML element: `h("a", { href: "/" }, "home")`. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  fill(element, attrs, children);
  return element;
}

/** An SVG element, with the same conventions as `h`. */
export function s<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): SVGElementTagNameMap[K] {
  const element = document.createElementNS(SVG_NS, tag);
  fill(element, attrs, children);
  return element;
}

/** The path of a package page (names and versions are URL-escaped). */
export function packagePath(name: string, version?: string | null): string {
  const base = `/packages/${encodeURIComponent(name)}`;
  return version ? `${base}/${encodeURIComponent(version)}` : base;
}

/** The path of a version's dependency graph. */
export function graphPath(name: string, version: string): string {
  return `${packagePath(name, version)}/graph`;
}

/** A count with its noun: `plural(1, "package")` is "1 package". */
export function plural(count: number, noun: string): string {
  return `${count.toLocaleString("en")} ${noun}${count === 1 ? "" : "s"}`;
}
