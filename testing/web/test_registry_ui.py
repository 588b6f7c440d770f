"""The registry's web UI (website/) in Chromium, against a registry serving it.

Packages are published into the registry first; the tests then use the pages as
a visitor would: search, open a package, read its versions and README, follow
its dependency graph. The README of ``json`` carries script that must not run.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Page, Route, expect

if TYPE_CHECKING:
    from conftest import Registry  # the fixtures' module beside this file

HOSTILE_README = """\
# json

Reads and writes **JSON** documents.

```aura
let value = json::parse("[1, 2]")
```

<script>window.__readmeRan = "script"</script>
<img src="/missing-logo.png" onerror="window.__readmeRan = 'onerror'" alt="logo">
<a href="javascript:window.__readmeRan='link'">click me</a>
<iframe src="javascript:parent.__readmeRan='iframe'"></iframe>
<svg><script>window.__readmeRan = "svg"</script></svg>
<form action="/api/v1/packages"><button>Send</button></form>

[also a link](javascript:window.__readmeRan='markdown-link')
"""


@pytest.fixture(scope="module")
def registry(registry_server: Registry) -> Registry:
    """The registry with a small world: json depends on textwrap and unicode."""
    publish = registry_server.publish
    publish("unicode", "1.0.0", description="Unicode character tables")
    for version in ("0.1.0", "0.1.1"):
        publish(
            "textwrap", version, description="Wraps paragraphs", dependencies={"unicode": "^1.0"}
        )
    publish("json", "1.0.0", description="JSON reader and writer")
    for version in ("1.1.0", "1.2.0"):
        publish(
            "json",
            version,
            description="JSON reader and writer",
            readme=HOSTILE_README,
            dependencies={"textwrap": "^0.1", "unicode": "^1.0"},
        )
    registry_server.yank("json", "1.2.0")
    return registry_server


def test_search_finds_a_published_package_and_opens_it(page: Page, registry: Registry) -> None:
    page.goto(registry.url + "/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Find Aura packages")
    page.get_by_label("Search packages").fill("json")
    page.get_by_role("button", name="Search").click()
    expect(page).to_have_url(registry.url + "/?q=json")
    expect(page.get_by_role("heading", level=2)).to_have_text("1 package matches “json”.")
    expect(page.get_by_role("heading", level=2)).to_be_focused()
    expect(page.get_by_role("status")).to_have_text("1 package matches “json”.")
    hits = page.get_by_role("list").filter(has=page.get_by_role("link", name="json"))
    expect(hits.get_by_role("listitem")).to_have_count(1)
    hit = hits.get_by_role("listitem").first
    expect(hit).to_contain_text("JSON reader and writer")
    expect(hit.locator(".version")).to_have_text("1.1.0")  # the newest version not yanked

    hit.get_by_role("link", name="json").click()
    expect(page).to_have_url(registry.url + "/packages/json")
    expect(page.get_by_role("heading", level=1)).to_have_text("json 1.1.0")
    page.go_back()
    expect(page.get_by_label("Search packages")).to_have_value("json")
    expect(page.get_by_role("link", name="json")).to_be_visible()


def test_search_without_text_lists_every_package(page: Page, registry: Registry) -> None:
    page.goto(registry.url + "/")
    expect(page.get_by_role("heading", level=2)).to_have_text("All 3 packages.")
    expect(page.locator(".hit h3 a")).to_have_text(["json", "textwrap", "unicode"])


def test_pagination_follows_page_and_total(page: Page, registry: Registry) -> None:
    """With more results than a page holds, the UI links the pages around the current one."""
    asked: list[str] = []

    def answer(route: Route) -> None:
        asked.append(route.request.url)
        number = int(re.search(r"page=(\d+)", route.request.url).group(1))  # type: ignore[union-attr]
        hits = [
            {"name": f"pkg-{number}-{i}", "version": "1.0.0", "description": "", "downloads": i}
            for i in range(20 if number < 3 else 5)
        ]
        route.fulfill(json={"packages": hits, "page": number, "total": 45})

    page.route(re.compile(r".*/api/v1/packages\?.*"), answer)
    page.goto(registry.url + "/?q=pkg&page=2")
    expect(page.get_by_role("heading", level=2)).to_have_text("45 packages match “pkg”, page 2.")
    expect(page.locator(".hit")).to_have_count(20)
    pages = page.get_by_role("navigation", name="Result pages")
    expect(pages).to_contain_text("Page 2 of 3")
    pages.get_by_role("link", name="Next page").click()
    expect(page).to_have_url(registry.url + "/?q=pkg&page=3")
    expect(page.locator(".hit")).to_have_count(5)
    expect(pages.get_by_role("link", name="Next page")).to_have_count(0)
    expect(pages.get_by_role("link", name="Previous page")).to_have_attribute(
        "href", "/?q=pkg&page=2"
    )
    assert [re.search(r"page=\d+", url).group(0) for url in asked] == ["page=2", "page=3"]  # type: ignore[union-attr]


def test_search_without_match_says_so(page: Page, registry: Registry) -> None:
    page.goto(registry.url + "/?q=zebra")
    expect(page.get_by_role("heading", level=2)).to_have_text("No packages match “zebra”.")
    expect(page.locator(".hit")).to_have_count(0)


def test_package_page_shows_versions_owners_install_line_and_readme(
    page: Page, registry: Registry
) -> None:
    page.goto(registry.url + "/packages/json")
    expect(page.get_by_role("heading", level=1)).to_have_text("json 1.1.0")
    expect(page.locator(".description")).to_have_text("JSON reader and writer")
    expect(page.locator("#install-line")).to_have_text("aura pkg add json@^1.1.0")

    versions = page.locator("ol.versions > li")
    expect(versions).to_have_count(3)
    expect(versions.nth(0)).to_have_attribute("data-version", "1.2.0")  # newest first
    expect(versions.nth(0)).to_contain_text("yanked")
    expect(versions.nth(1)).not_to_contain_text("yanked")
    expect(versions.nth(2)).to_have_attribute("data-version", "1.0.0")
    expect(versions.nth(2)).not_to_contain_text("yanked")
    expect(page.locator("ul.owners > li")).to_have_text([registry.owner])

    readme = page.locator(".readme .markdown")
    expect(readme.get_by_role("heading", name="json")).to_be_visible()
    expect(readme.locator("strong")).to_have_text("JSON")
    expect(readme.locator("pre code")).to_contain_text('json::parse("[1, 2]")')


def test_readme_cannot_run_script(page: Page, registry: Registry) -> None:
    page.goto(registry.url + "/packages/json")
    readme = page.locator(".readme .markdown")
    expect(readme.get_by_role("img", name="logo")).to_have_count(1)
    page.wait_for_load_state("networkidle")  # the image's load has failed by now
    assert page.evaluate("window.__readmeRan") is None
    assert readme.locator("script").count() == 0
    assert (
        page.evaluate(
            "[...document.querySelectorAll('.markdown *')]"
            ".flatMap(e => [...e.attributes].map(a => a.name)).filter(n => n.startsWith('on'))"
        )
        == []
    )
    for name in ("iframe", "form", "button", "style"):
        assert readme.locator(name).count() == 0, name
    for text in ("click me", "also a link"):
        link = readme.get_by_text(text)
        assert not (link.get_attribute("href") or "").lower().startswith("javascript:")
        link.click()
    assert page.evaluate("window.__readmeRan") is None


def test_version_page_shows_that_version(page: Page, registry: Registry) -> None:
    page.goto(registry.url + "/packages/json")
    page.locator("ol.versions").get_by_role("link", name="1.2.0", exact=True).click()
    expect(page).to_have_url(registry.url + "/packages/json/1.2.0")
    expect(page.get_by_role("heading", level=1)).to_have_text("json 1.2.0")
    expect(page.locator("#install-line")).to_have_text("aura pkg add json@^1.2.0")
    expect(page.get_by_role("note")).to_contain_text("1.2.0 is yanked")
    expect(page.locator("ol.versions a[aria-current=page]")).to_have_text("1.2.0")
    deps = page.locator("ul.dependencies > li")
    expect(deps).to_have_text(["textwrap ^0.1", "unicode ^1.0"])
    expect(page.get_by_role("region", name="Verification")).to_contain_text(
        "No verification summary was recorded."
    )
    page.goto(registry.url + "/packages/unicode")
    expect(page.get_by_role("heading", level=1)).to_have_text("unicode 1.0.0")
    expect(page.locator("ul.dependencies")).to_have_count(0)
    expect(page.get_by_role("region", name="README")).to_contain_text("This version has no README.")


def test_graph_shows_nodes_and_edges_and_nodes_navigate(page: Page, registry: Registry) -> None:
    page.goto(registry.url + "/packages/json")
    page.get_by_role("link", name="Dependency graph of 1.1.0").click()
    expect(page).to_have_url(registry.url + "/packages/json/1.1.0/graph")
    expect(page.get_by_role("heading", level=1)).to_have_text("Dependencies of json 1.1.0")

    graph = page.locator("svg.graph")
    nodes = graph.locator("a.node")
    expect(nodes).to_have_count(3)
    labels = sorted(nodes.evaluate_all("ns => ns.map(n => n.getAttribute('aria-label'))"))
    assert labels == ["json 1.1.0 (this package)", "textwrap 0.1.1", "unicode 1.0.0"]
    edges = graph.locator("g.edge")
    expect(edges).to_have_count(3)
    pairs = sorted(edges.evaluate_all("es => es.map(e => [e.dataset.from, e.dataset.to])"))
    assert pairs == [
        ["json@1.1.0", "textwrap@0.1.1"],
        ["json@1.1.0", "unicode@1.0.0"],
        ["textwrap@0.1.1", "unicode@1.0.0"],
    ]
    # The root is drawn above what it depends on, a dependency below its dependents,
    # and every package inside the drawing without overlapping another.
    boxes = {
        node.get_attribute("data-id"): node.locator("rect").bounding_box() for node in nodes.all()
    }
    assert all(box is not None for box in boxes.values())
    drawn = graph.bounding_box()
    assert drawn is not None
    for box in boxes.values():
        assert box is not None
        assert drawn["x"] <= box["x"] and box["x"] + box["width"] <= drawn["x"] + drawn["width"]
        assert drawn["y"] <= box["y"] and box["y"] + box["height"] <= drawn["y"] + drawn["height"]
    tops = {node_id: box["y"] for node_id, box in boxes.items() if box is not None}
    assert tops["json@1.1.0"] < tops["textwrap@0.1.1"] < tops["unicode@1.0.0"]

    # Pointing at a package shows the requirements on its edges.
    textwrap_edge = graph.locator('g.edge[data-to="textwrap@0.1.1"]')
    expect(textwrap_edge.locator(".edge-label")).to_be_hidden()
    nodes.filter(has_text="textwrap").hover()
    expect(textwrap_edge.locator(".edge-label")).to_be_visible()
    expect(textwrap_edge.locator(".edge-label")).to_have_text("^0.1")
    expect(textwrap_edge.locator("title")).to_have_text(
        "json 1.1.0 requires textwrap ^0.1 (resolved to 0.1.1)"
    )
    table = page.get_by_role("table")
    expect(table.get_by_role("row")).to_have_count(4)

    nodes.filter(has_text="unicode").click()
    expect(page).to_have_url(registry.url + "/packages/unicode/1.0.0")
    expect(page.get_by_role("heading", level=1)).to_have_text("unicode 1.0.0")
    expect(page.get_by_role("heading", level=1)).to_be_focused()


def test_graph_layout_handles_cycles_and_long_edges(page: Page, registry: Registry) -> None:
    """A graph with a cycle (b, e, f) and edges across layers: every package placed apart."""
    names = ["a", "b", "c", "d", "e", "f"]
    pairs = [("a", "b"), ("a", "c"), ("a", "d"), ("b", "e"), ("c", "e"), ("d", "f")]
    pairs += [("e", "f"), ("f", "b"), ("a", "f")]
    graph = {
        "root": "a@1.0.0",
        "nodes": [{"id": f"{n}@1.0.0", "name": n, "version": "1.0.0"} for n in names],
        "edges": [
            {"from": f"{x}@1.0.0", "to": f"{y}@1.0.0", "requirement": "^1"} for x, y in pairs
        ],
    }
    page.route(re.compile(r".*/api/v1/packages/a/1\.0\.0/graph$"), lambda r: r.fulfill(json=graph))
    page.goto(registry.url + "/packages/a/1.0.0/graph")
    nodes = page.locator("svg.graph a.node")
    expect(nodes).to_have_count(len(names))
    expect(page.locator("svg.graph g.edge")).to_have_count(len(pairs))
    paths = page.locator("svg.graph path.edge-line").evaluate_all(
        "ps => ps.map(p => p.getAttribute('d'))"
    )
    assert all(re.fullmatch(r"M[-\d.]+,[-\d.]+( [LC][-\d., ]+)+", d) for d in paths), paths
    boxes = [box for box in (n.locator("rect").bounding_box() for n in nodes.all()) if box]
    assert len(boxes) == len(names)
    for i, p in enumerate(boxes):
        for q in boxes[i + 1 :]:
            apart = (
                p["x"] + p["width"] <= q["x"]
                or q["x"] + q["width"] <= p["x"]
                or p["y"] + p["height"] <= q["y"]
                or q["y"] + q["height"] <= p["y"]
            )
            assert apart, (p, q)
    root = nodes.filter(has_text="a 1.0.0").locator("rect").bounding_box()
    assert root is not None
    assert root["y"] < min(box["y"] for box in boxes if box != root)


def test_missing_package_and_page_are_clear_errors(page: Page, registry: Registry) -> None:
    page.goto(registry.url + "/packages/no-such-package")
    expect(page.get_by_role("alert")).to_contain_text("Package not found")
    expect(page.get_by_role("alert")).to_contain_text("no-such-package")
    page.goto(registry.url + "/packages/json/9.9.9/graph")
    expect(page.get_by_role("heading", level=1)).to_have_text("Version not found")
    page.goto(registry.url + "/no/such/page")
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")


def test_unreachable_server_is_reported(page: Page, registry: Registry) -> None:
    page.route(re.compile(r".*/api/.*"), lambda route: route.abort("connectionrefused"))
    page.goto(registry.url + "/packages/json")
    alert = page.get_by_role("alert")
    expect(alert.get_by_role("heading")).to_have_text("Registry unreachable")
    page.unroute(re.compile(r".*/api/.*"))
    alert.get_by_role("button", name="Try again").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("json 1.1.0")
