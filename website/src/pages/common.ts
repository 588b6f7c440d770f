// What every page shares: the render context and the error and loading states.
import { ApiError } from "../api";
import { h } from "../dom";

/** What a page renderer is given. */
export interface PageContext {
  /** Aborted when the user navigates away before the page finished loading. */
  signal: AbortSignal;
  /** Sets the document title (the site name is appended). */
  setTitle(title: string): void;
  /** Says something to screen readers without moving focus. */
  announce(message: string): void;
}

export type Page = (ctx: PageContext) => Promise<Node>;

/** A page-level error: a heading, an explanation and a way on. */
export function errorView(title: string, message: string, ...actions: Node[]): HTMLElement {
  return errorSection("h1", title, message, actions);
}

function errorSection(level: "h1" | "h2", title: string, message: string, actions: Node[]): HTMLElement {
  const id = level === "h1" ? "page-title" : "error-title";
  return h(
    "section",
    { class: "error", role: "alert", "aria-labelledby": id },
    h(level, { id, tabindex: -1, "data-autofocus": true }, title),
    h("p", {}, message),
    actions.length ? h("p", { class: "actions" }, ...actions) : null,
  );
}

/** The view of a failed request: not found, unreachable or another answer. */
export function apiErrorView(
  error: unknown,
  notFound: () => HTMLElement,
  level: "h1" | "h2" = "h1",
): HTMLElement {
  if (error instanceof ApiError && error.status === 404) return notFound();
  const retry = h("button", { type: "button" }, "Try again");
  retry.addEventListener("click", () => window.dispatchEvent(new PopStateEvent("popstate")));
  if (error instanceof ApiError && error.unreachable) {
    return errorSection(level, "Registry unreachable", error.message, [retry]);
  }
  const message = error instanceof Error ? error.message : String(error);
  const status = error instanceof ApiError && error.status !== null ? ` (HTTP ${error.status})` : "";
  return errorSection(level, "Something went wrong", `The registry could not answer${status}: ${message}`, [
    retry,
  ]);
}

/** A short date for a timestamp the registry sent, or the text as it came. */
export function formatDate(timestamp: string | null): string | null {
  if (!timestamp) return null;
  const date = new Date(timestamp);
  if (Number.isNaN(date.getTime())) return timestamp;
  return date.toISOString().slice(0, 10);
}

/** Asks the application to go to a local URL (main.ts listens). */
export function go(url: string): void {
  document.dispatchEvent(new CustomEvent("aura:navigate", { detail: url }));
}
