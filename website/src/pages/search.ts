// The search page: a query box, one page of results, and links to the others.
import { PAGE_SIZE, searchPackages, type SearchHit, type SearchPage } from "../api";
import { h, packagePath, plural } from "../dom";
import { searchUrl } from "../router";
import { apiErrorView, go, type Page } from "./common";

function searchForm(query: string): HTMLFormElement {
  const input = h("input", {
    id: "q",
    name: "q",
    type: "search",
    value: query,
    placeholder: "a name, or words from a description",
    autocomplete: "off",
    spellcheck: "false",
  });
  const form = h(
    "form",
    { role: "search", class: "search-form", action: "/", method: "get" },
    h("label", { for: "q" }, "Search packages"),
    h("div", { class: "search-row" }, input, h("button", { type: "submit" }, "Search")),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    go(searchUrl(input.value.trim()));
  });
  return form;
}

function hitView(hit: SearchHit): HTMLElement {
  return h(
    "li",
    { class: "hit" },
    h(
      "h3",
      {},
      h("a", { href: packagePath(hit.name) }, hit.name),
      " ",
      hit.version
        ? h("span", { class: "version", "aria-label": `newest version ${hit.version}` }, hit.version)
        : h("span", { class: "muted" }, "(no installable version)"),
    ),
    hit.description ? h("p", {}, hit.description) : h("p", { class: "muted" }, "No description."),
    h("p", { class: "downloads" }, plural(hit.downloads, "download")),
  );
}

function pagination(query: string, result: SearchPage): HTMLElement | null {
  const pages = Math.max(1, Math.ceil(result.total / PAGE_SIZE));
  if (pages <= 1) return null;
  const { page } = result;
  const link = (target: number, label: string, rel: string): HTMLElement =>
    h("a", { href: searchUrl(query, target), rel }, label);
  return h(
    "nav",
    { class: "pagination", "aria-label": "Result pages" },
    page > 1 ? link(page - 1, "Previous page", "prev") : h("span", { class: "muted" }, "Previous page"),
    h("span", { "aria-current": "page" }, `Page ${page} of ${pages}`),
    page < pages ? link(page + 1, "Next page", "next") : h("span", { class: "muted" }, "Next page"),
  );
}

export function searchPage(query: string, page: number): Page {
  return async (ctx) => {
    ctx.setTitle(query ? `“${query}”` : "");
    const heading = h("h1", { id: "page-title", tabindex: -1 }, "Find Aura packages");
    const view = h(
      "section",
      { class: "search", "aria-labelledby": "page-title" },
      heading,
      searchForm(query),
    );
    let result: SearchPage;
    try {
      result = await searchPackages(query, page, ctx.signal);
    } catch (error) {
      view.append(apiErrorView(error, () => h("p", {}, "Nothing found."), "h2"));
      return view;
    }
    const pageNote = result.total > PAGE_SIZE ? `, page ${result.page}.` : ".";
    let summary: string;
    if (!query) {
      summary =
        result.total === 0
          ? "No packages have been published yet."
          : `All ${plural(result.total, "package")}${pageNote}`;
    } else if (result.total === 0) {
      summary = `No packages match “${query}”.`;
    } else {
      summary = `${plural(result.total, "package")} ${result.total === 1 ? "matches" : "match"} “${query}”${pageNote}`;
    }
    ctx.announce(summary);
    view.append(
      h("h2", { id: "results-title", class: "summary", tabindex: -1, "data-autofocus": true }, summary),
    );
    if (result.hits.length) {
      view.append(
        h("ol", { class: "hits", "aria-labelledby": "results-title" }, ...result.hits.map(hitView)),
      );
    }
    const pages = pagination(query, result);
    if (pages) view.append(pages);
    return view;
  };
}
