// The pages and their URLs. The server answers every non-API path with
// index.html, so these paths can be bookmarked and reloaded.

export type Route =
  | { kind: "search"; query: string; page: number }
  | { kind: "package"; name: string; version: string | null }
  | { kind: "graph"; name: string; version: string }
  | { kind: "not-found"; path: string };

function segment(raw: string): string | null {
  try {
    const text = decodeURIComponent(raw);
    return text === "" ? null : text;
  } catch {
    return null;
  }
}

/** The route of a location's path and query. */
export function parseRoute(pathname: string, search: string): Route {
  const parts = pathname.split("/").filter((part) => part !== "");
  if (parts.length === 0 || (parts.length === 1 && parts[0] === "search")) {
    const params = new URLSearchParams(search);
    const page = Number.parseInt(params.get("page") ?? "1", 10);
    return { kind: "search", query: params.get("q")?.trim() ?? "", page: page >= 1 ? page : 1 };
  }
  const decoded = parts.map(segment);
  if (decoded.includes(null) || parts[0] !== "packages") return { kind: "not-found", path: pathname };
  const [, name, version, tail] = decoded as string[];
  if (name !== undefined && parts.length === 2) return { kind: "package", name, version: null };
  if (name !== undefined && version !== undefined && parts.length === 3)
    return { kind: "package", name, version };
  if (name !== undefined && version !== undefined && tail === "graph" && parts.length === 4)
    return { kind: "graph", name, version };
  return { kind: "not-found", path: pathname };
}

/** The URL of a search. */
export function searchUrl(query: string, page = 1): string {
  const params = new URLSearchParams();
  if (query) params.set("q", query);
  if (page > 1) params.set("page", String(page));
  const text = params.toString();
  return text ? `/?${text}` : "/";
}
