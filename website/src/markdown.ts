// README rendering. A README is written by whoever published the package, so
// the HTML that marked produces is sanitised by DOMPurify before it reaches the
// page: no scripts, no event handlers, no javascript: URLs, no forms or frames.
import DOMPurify from "dompurify";
import { Marked } from "marked";

const markdown = new Marked({ gfm: true, breaks: false, async: false });

const FORBIDDEN = ["style", "form", "input", "button", "textarea", "select", "iframe", "object", "embed"];

/** Safe HTML for a README written in Markdown. */
export function renderReadme(source: string): DocumentFragment {
  const html = markdown.parse(source, { async: false });
  const fragment = DOMPurify.sanitize(html, {
    USE_PROFILES: { html: true },
    FORBID_TAGS: FORBIDDEN,
    FORBID_ATTR: ["style"],
    RETURN_DOM_FRAGMENT: true,
  });
  for (const link of fragment.querySelectorAll("a[href]")) {
    const href = link.getAttribute("href") ?? "";
    if (/^[a-z][a-z0-9+.-]*:/i.test(href)) {
      // A link out of the registry: it gets no referrer and no window handle.
      link.setAttribute("rel", "nofollow noopener noreferrer");
    }
  }
  for (const heading of fragment.querySelectorAll("h1, h2, h3, h4, h5, h6")) {
    // The page has its own h1 (the package name); README headings nest below it.
    const level = Math.min(6, Number(heading.tagName.slice(1)) + 1);
    const replacement = document.createElement(`h${level}`);
    replacement.append(...heading.childNodes);
    heading.replaceWith(replacement);
  }
  return fragment;
}
