// The single-page application: routes a location to a page, renders it into
// <main>, and turns clicks on local links into history entries.
import { parseRoute, type Route } from "./router";
import type { Page, PageContext } from "./pages/common";
import { errorView } from "./pages/common";
import { searchPage } from "./pages/search";
import { packagePage } from "./pages/package";
import { graphPage } from "./pages/graph";
import { h } from "./dom";

const SITE = "Aura packages";

function pageFor(route: Route): Page {
  switch (route.kind) {
    case "search":
      return searchPage(route.query, route.page);
    case "package":
      return packagePage(route.name, route.version);
    case "graph":
      return graphPage(route.name, route.version);
    case "not-found":
      return async (ctx) => {
        ctx.setTitle("Page not found");
        return errorView(
          "Page not found",
          `There is no page at ${route.path}.`,
          h("a", { href: "/" }, "Search packages"),
        );
      };
  }
}

let current: AbortController | null = null;
let firstRender = true;

async function render(): Promise<void> {
  current?.abort();
  const controller = new AbortController();
  current = controller;
  const main = document.getElementById("main");
  const announcer = document.getElementById("announcer");
  if (!main) return;
  const ctx: PageContext = {
    signal: controller.signal,
    setTitle: (title) => {
      document.title = title ? `${title} · ${SITE}` : SITE;
    },
    announce: (message) => {
      if (announcer) announcer.textContent = message;
    },
  };
  main.setAttribute("aria-busy", "true");
  const route = parseRoute(location.pathname, location.search);
  let view: Node;
  try {
    view = await pageFor(route)(ctx);
  } catch (error) {
    if (controller.signal.aborted) return;
    const message = error instanceof Error ? error.message : String(error);
    view = errorView("Something went wrong", message);
  }
  if (controller.signal.aborted) return;
  main.replaceChildren(view);
  main.removeAttribute("aria-busy");
  // After a navigation, move focus to the new page's heading so that keyboard and
  // screen-reader users start there, as they would after a full page load.
  const heading =
    main.querySelector<HTMLElement>("[data-autofocus]") ?? main.querySelector<HTMLElement>("h1");
  if (!firstRender && heading) heading.focus({ preventScroll: false });
  firstRender = false;
}

/** Goes to a local URL without reloading the page. */
export function navigate(url: string, options: { replace?: boolean } = {}): void {
  if (options.replace) history.replaceState(null, "", url);
  else history.pushState(null, "", url);
  window.scrollTo(0, 0);
  void render();
}

function onClick(event: MouseEvent): void {
  if (event.defaultPrevented || event.button !== 0) return;
  if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const target = event.target instanceof Element ? event.target.closest("a") : null;
  if (!target) return;
  // SVG links (the dependency graph) keep their href as an attribute too.
  const href = target.getAttribute("href");
  if (!href || target.getAttribute("target") || target.hasAttribute("download")) return;
  const url = new URL(href, location.href);
  if (url.origin !== location.origin || url.pathname.startsWith("/api/")) return;
  if (url.pathname === location.pathname && url.search === location.search && url.hash) return;
  event.preventDefault();
  navigate(url.pathname + url.search + url.hash);
}

document.addEventListener("click", onClick);
document.addEventListener("aura:navigate", (event) => {
  if (event instanceof CustomEvent && typeof event.detail === "string") navigate(event.detail);
});
window.addEventListener("popstate", () => void render());
void render();
