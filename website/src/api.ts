// The registry's JSON API as the pages use it (docs/reference/registries.md and
// the registry protocol of the packages spec). Every answer is checked before use:
// a malformed answer becomes an ApiError, never a half-drawn page.

export interface SearchHit {
  name: string;
  version: string;
  description: string;
  downloads: number;
}

export interface SearchPage {
  hits: SearchHit[];
  page: number;
  total: number;
}

/** Results a search page holds (the registry's page size). */
export const PAGE_SIZE = 20;

export interface VersionInfo {
  version: string;
  yanked: boolean;
  /** Why an administrator removed the version; null when it was not removed. */
  removed: string | null;
  publishedAt: string | null;
  checksum: string | null;
}

export interface PackageInfo {
  name: string;
  description: string;
  downloads: number;
  owners: string[];
  versions: VersionInfo[];
  readme: string | null;
  /** The newest version neither yanked nor removed. */
  newest: string | null;
}

export interface Verification {
  cells: Record<string, number>;
  verifier: string | null;
  solver: string | null;
}

/** One version's page (`GET /api/v1/packages/{name}/{version}`). */
export interface VersionDetail extends VersionInfo {
  name: string;
  description: string;
  downloads: number;
  dependencies: Record<string, string>;
  readme: string | null;
  logIndex: number | null;
  keyId: string | null;
  verification: Verification | null;
}

export interface GraphNode {
  id: string;
  name: string;
  version: string;
}

export interface GraphEdge {
  from: string;
  to: string;
  requirement: string;
}

export interface DependencyGraph {
  root: string;
  nodes: GraphNode[];
  edges: GraphEdge[];
}

/** A failed request: `status` is the HTTP status, or null when there was no answer. */
export class ApiError extends Error {
  constructor(
    readonly status: number | null,
    message: string,
  ) {
    super(message);
    this.name = "ApiError";
  }

  get unreachable(): boolean {
    return this.status === null;
  }
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function field<T>(o: Json, key: string, check: (v: unknown) => v is T, what: string): T {
  const value = o[key];
  if (!check(value)) throw new ApiError(200, `the registry sent a malformed answer (${key} is not ${what})`);
  return value;
}

const isString = (v: unknown): v is string => typeof v === "string";
const isNumber = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);
const isBoolean = (v: unknown): v is boolean => typeof v === "boolean";
const isArray = (v: unknown): v is unknown[] => Array.isArray(v);
const isOptString = (v: unknown): v is string | null | undefined =>
  v === null || v === undefined || typeof v === "string";

function objects(o: Json, key: string): Json[] {
  const list = field(o, key, isArray, "a list");
  if (!list.every(isObject)) throw new ApiError(200, `the registry sent a malformed answer (${key})`);
  return list;
}

async function getJson(path: string, signal?: AbortSignal): Promise<Json> {
  let response: Response;
  try {
    response = await fetch(path, { headers: { Accept: "application/json" }, signal: signal ?? null });
  } catch (error) {
    if (signal?.aborted) throw error;
    throw new ApiError(
      null,
      "The registry server could not be reached. Check your connection and try again.",
    );
  }
  let body: unknown = null;
  try {
    body = await response.json();
  } catch {
    body = null;
  }
  if (!response.ok) {
    const error = isObject(body) && isObject(body.error) ? body.error : {};
    const message = isString(error.message) ? error.message : response.statusText;
    throw new ApiError(response.status, message || `HTTP ${response.status}`);
  }
  if (!isObject(body)) throw new ApiError(response.status, "the registry sent a malformed answer");
  return body;
}

const api = (path: string): string => `/api/v1/${path}`;

export async function searchPackages(query: string, page: number, signal?: AbortSignal): Promise<SearchPage> {
  const params = new URLSearchParams({ q: query, page: String(page) });
  const body = await getJson(api(`packages?${params}`), signal);
  const hits = objects(body, "packages").map((hit) => ({
    name: field(hit, "name", isString, "text"),
    version: field(hit, "version", isString, "text"),
    description: field(hit, "description", isOptString, "text") ?? "",
    downloads: isNumber(hit.downloads) ? hit.downloads : 0,
  }));
  return {
    hits,
    page: isNumber(body.page) ? body.page : page,
    total: field(body, "total", isNumber, "a number"),
  };
}

function versionInfo(v: Json): VersionInfo {
  return {
    version: field(v, "version", isString, "text"),
    yanked: field(v, "yanked", isBoolean, "true or false"),
    removed: field(v, "removed", isOptString, "text") ?? null,
    publishedAt: field(v, "published_at", isOptString, "text") ?? null,
    checksum: field(v, "checksum", isOptString, "text") ?? null,
  };
}

export async function getPackage(name: string, signal?: AbortSignal): Promise<PackageInfo> {
  const body = await getJson(api(`packages/${encodeURIComponent(name)}`), signal);
  const owners = field(body, "owners", isArray, "a list");
  return {
    name: field(body, "name", isString, "text"),
    description: field(body, "description", isOptString, "text") ?? "",
    downloads: isNumber(body.downloads) ? body.downloads : 0,
    owners: owners.filter(isString),
    versions: objects(body, "versions").map(versionInfo),
    readme: field(body, "readme", isOptString, "text") ?? null,
    newest: field(body, "newest", isOptString, "text") ?? null,
  };
}

function verification(value: unknown): Verification | null {
  if (!isObject(value) || !isObject(value.cells)) return null;
  const cells: Record<string, number> = {};
  for (const [status, count] of Object.entries(value.cells)) if (isNumber(count)) cells[status] = count;
  return {
    cells,
    verifier: isString(value.verifier) ? value.verifier : null,
    solver: isString(value.solver) ? value.solver : null,
  };
}

export async function getVersion(
  name: string,
  version: string,
  signal?: AbortSignal,
): Promise<VersionDetail> {
  const path = `packages/${encodeURIComponent(name)}/${encodeURIComponent(version)}`;
  const body = await getJson(api(path), signal);
  const deps = isObject(body.dependencies) ? body.dependencies : {};
  return {
    ...versionInfo(body),
    name: field(body, "name", isString, "text"),
    description: field(body, "description", isOptString, "text") ?? "",
    downloads: isNumber(body.downloads) ? body.downloads : 0,
    dependencies: Object.fromEntries(
      Object.entries(deps).filter((e): e is [string, string] => isString(e[1])),
    ),
    readme: field(body, "readme", isOptString, "text") ?? null,
    logIndex: isNumber(body.log_index) ? body.log_index : null,
    keyId: isString(body.key_id) ? body.key_id : null,
    verification: verification(body.verification),
  };
}

export async function getGraph(
  name: string,
  version: string,
  signal?: AbortSignal,
): Promise<DependencyGraph> {
  const path = `packages/${encodeURIComponent(name)}/${encodeURIComponent(version)}/graph`;
  const body = await getJson(api(path), signal);
  return {
    root: field(body, "root", isString, "text"),
    nodes: objects(body, "nodes").map((n) => ({
      id: field(n, "id", isString, "text"),
      name: field(n, "name", isString, "text"),
      version: field(n, "version", isString, "text"),
    })),
    edges: objects(body, "edges").map((e) => ({
      from: field(e, "from", isString, "text"),
      to: field(e, "to", isString, "text"),
      requirement: field(e, "requirement", isString, "text"),
    })),
  };
}
