// The package page: one version (the newest installable, or the one in the URL)
// with its install line, README, dependencies and verification, beside every
// version of the package and its owners.
import { getPackage, getVersion, type PackageInfo, type VersionDetail, type VersionInfo } from "../api";
import { graphPath, h, packagePath, plural } from "../dom";
import { renderReadme } from "../markdown";
import { caretRequirement, compareVersions } from "../versions";
import { apiErrorView, errorView, formatDate, type Page } from "./common";

/** The version the page is about: the one in the URL, else the newest installable. */
function chosenVersion(info: PackageInfo, sorted: VersionInfo[], wanted: string | null): VersionInfo | null {
  if (wanted !== null) return sorted.find((v) => v.version === wanted) ?? null;
  return (
    sorted.find((v) => v.version === info.newest) ??
    sorted.find((v) => !v.yanked && v.removed === null) ??
    sorted[0] ??
    null
  );
}

function copyButton(text: string, target: HTMLElement): HTMLButtonElement {
  const copy = h("button", { type: "button", class: "copy", "aria-describedby": target.id }, "Copy");
  copy.addEventListener("click", () => {
    const done = (label: string): void => {
      copy.textContent = label;
      window.setTimeout(() => (copy.textContent = "Copy"), 2000);
    };
    const selectIt = (): void => {
      getSelection()?.selectAllChildren(target);
      done("Press Ctrl+C");
    };
    if (navigator.clipboard) navigator.clipboard.writeText(text).then(() => done("Copied"), selectIt);
    else selectIt();
  });
  return copy;
}

function installBox(name: string, version: VersionDetail): HTMLElement {
  const section = h(
    "section",
    { class: "install", "aria-labelledby": "install-title" },
    h("h2", { id: "install-title" }, "Install"),
  );
  if (version.removed !== null) {
    section.append(
      h(
        "p",
        { class: "warning", role: "note" },
        `${version.version} was removed by the registry's administrators and cannot be installed. Reason: ${version.removed}`,
      ),
    );
    return section;
  }
  const line = `aura pkg add ${name}@${caretRequirement(version.version)}`;
  const code = h("code", { id: "install-line" }, line);
  section.append(h("p", { class: "install-line" }, code, " ", copyButton(line, code)));
  if (version.yanked) {
    section.append(
      h(
        "p",
        { class: "warning", role: "note" },
        `${version.version} is yanked: new resolutions skip it; lock files that name it still install it.`,
      ),
    );
  }
  return section;
}

function versionItem(name: string, v: VersionInfo, chosen: VersionInfo): HTMLElement {
  const date = formatDate(v.publishedAt);
  const current = v.version === chosen.version;
  const classes = ["version-entry", v.yanked ? "yanked" : "", v.removed !== null ? "removed" : ""].filter(
    Boolean,
  );
  return h(
    "li",
    { class: classes.join(" "), "data-version": v.version },
    h("a", { href: packagePath(name, v.version), "aria-current": current ? "page" : null }, v.version),
    v.yanked ? h("span", { class: "badge yanked-badge" }, "yanked") : null,
    v.removed !== null ? h("span", { class: "badge removed-badge", title: v.removed }, "removed") : null,
    date && v.publishedAt ? h("time", { datetime: v.publishedAt }, date) : null,
    v.removed === null
      ? h(
          "a",
          {
            href: graphPath(name, v.version),
            class: "deps-link",
            "aria-label": `dependencies of ${v.version}`,
          },
          "dependencies",
        )
      : null,
  );
}

function readmeSection(readme: string | null): HTMLElement {
  const body = readme
    ? h("div", { class: "markdown" }, renderReadme(readme))
    : h("p", { class: "muted" }, "This version has no README.");
  return h(
    "section",
    { class: "readme", "aria-labelledby": "readme-title" },
    h("h2", { id: "readme-title" }, "README"),
    body,
  );
}

function factSection(id: string, title: string, ...body: (Node | null)[]): HTMLElement {
  return h("section", { "aria-labelledby": id }, h("h2", { id }, title), ...body);
}

function dependencyList(detail: VersionDetail): HTMLElement {
  const names = Object.keys(detail.dependencies).sort();
  if (names.length === 0) return h("p", { class: "muted" }, "None.");
  return h(
    "ul",
    { class: "dependencies" },
    ...names.map((dep) =>
      h(
        "li",
        {},
        h("a", { href: packagePath(dep) }, dep),
        " ",
        h("code", {}, detail.dependencies[dep] ?? ""),
      ),
    ),
  );
}

function verificationFacts(detail: VersionDetail): HTMLElement {
  const summary = detail.verification;
  if (summary === null) return h("p", { class: "muted" }, "No verification summary was recorded.");
  const entries = Object.entries(summary.cells).sort(([a], [b]) => a.localeCompare(b));
  const verified = summary.cells.verified ?? 0;
  const complete = entries.every(([status, count]) => status === "verified" || count === 0);
  const tools = [summary.verifier, summary.solver].filter((t) => t !== null).join(", ");
  return h(
    "div",
    { class: "verification" },
    h(
      "p",
      { class: complete ? "verified" : "warning" },
      complete ? `Fully verified: ${plural(verified, "cell")}.` : "Not fully verified.",
    ),
    h("ul", {}, ...entries.map(([status, count]) => h("li", {}, `${status}: ${count}`))),
    tools ? h("p", { class: "muted" }, `Checked with ${tools}.`) : null,
  );
}

function sidebar(info: PackageInfo, sorted: VersionInfo[], detail: VersionDetail): HTMLElement {
  const yanked = sorted.filter((v) => v.yanked).length;
  return h(
    "aside",
    { class: "package-facts", "aria-label": "Package facts" },
    factSection(
      "versions-title",
      "Versions",
      h("p", { class: "muted" }, plural(sorted.length, "version") + (yanked ? `, ${yanked} yanked` : "")),
      h("ol", { class: "versions", reversed: true }, ...sorted.map((v) => versionItem(info.name, v, detail))),
    ),
    factSection(
      "owners-title",
      "Owners",
      info.owners.length
        ? h("ul", { class: "owners" }, ...info.owners.map((owner) => h("li", {}, owner)))
        : h("p", { class: "muted" }, "No owners listed."),
    ),
    factSection("dependencies-title", `Dependencies of ${detail.version}`, dependencyList(detail)),
    factSection("verification-title", "Verification", verificationFacts(detail)),
    detail.checksum
      ? factSection(
          "checksum-title",
          `Checksum of ${detail.version}`,
          h("p", {}, h("code", { class: "checksum" }, detail.checksum)),
          detail.logIndex !== null
            ? h("p", { class: "muted" }, `Entry ${detail.logIndex} of the transparency log.`)
            : null,
        )
      : null,
  );
}

export function packagePage(name: string, wanted: string | null): Page {
  return async (ctx) => {
    ctx.setTitle(name);
    const notFound = (): HTMLElement => {
      ctx.setTitle("Package not found");
      return errorView(
        "Package not found",
        `There is no package named “${name}” in this registry.`,
        h("a", { href: "/" }, "Search packages"),
      );
    };
    let info: PackageInfo;
    try {
      info = await getPackage(name, ctx.signal);
    } catch (error) {
      return apiErrorView(error, notFound);
    }
    const sorted = [...info.versions].sort((a, b) => compareVersions(b.version, a.version));
    const chosen = chosenVersion(info, sorted, wanted);
    const noVersion = (): HTMLElement =>
      errorView(
        "Version not found",
        wanted === null
          ? `${info.name} has no published versions.`
          : `${info.name} has no version ${wanted}.`,
        h("a", { href: packagePath(info.name) }, `All versions of ${info.name}`),
      );
    if (chosen === null) return noVersion();
    let detail: VersionDetail;
    try {
      detail = await getVersion(info.name, chosen.version, ctx.signal);
    } catch (error) {
      return apiErrorView(error, noVersion);
    }
    if (wanted !== null) ctx.setTitle(`${info.name} ${detail.version}`);
    const published = formatDate(detail.publishedAt);
    return h(
      "article",
      { class: "package", "aria-labelledby": "page-title" },
      h(
        "header",
        { class: "package-header" },
        h(
          "h1",
          { id: "page-title", tabindex: -1 },
          info.name,
          " ",
          h("span", { class: "version" }, detail.version),
        ),
        detail.description || info.description
          ? h("p", { class: "description" }, detail.description || info.description)
          : null,
        h(
          "p",
          { class: "muted" },
          `${plural(info.downloads, "download")}` +
            (published ? ` · ${detail.version} published ${published}` : ""),
        ),
        detail.removed === null
          ? h(
              "p",
              {},
              h("a", { href: graphPath(info.name, detail.version) }, `Dependency graph of ${detail.version}`),
            )
          : null,
      ),
      h(
        "div",
        { class: "package-body" },
        h("div", { class: "package-main" }, installBox(info.name, detail), readmeSection(detail.readme)),
        sidebar(info, sorted, detail),
      ),
    );
  };
}
