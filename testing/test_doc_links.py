"""Every relative link of the documentation leads somewhere: to a file or
directory of the repository and, when it names one, to a heading of that page.

Pages: every Markdown file under ``docs/`` and at the top of the repository
(``ARCHITECTURE.md``, ``CONTRIBUTING.md``, ...) and every ``README.md``.
Links inside code (fenced blocks and inline code) are not links.  A heading's
anchor is the one GitHub makes: the text in lower case, punctuation dropped,
spaces as ``-``, and ``-1``, ``-2``, ... after repeats.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote

import pytest

ROOT = Path(__file__).resolve().parent.parent
#: What tools make and the repository does not hold: installed packages, build
#: output, and every hidden directory (caches such as .pytest_cache have READMEs,
#: and appear only once a run has made them).
_SKIP_DIRS = {"node_modules", "dist", "out"}


def _ours(path: Path) -> bool:
    parts = path.relative_to(ROOT).parts[:-1]
    return not any(p.startswith(".") or p in _SKIP_DIRS for p in parts)


def _pages() -> list[Path]:
    readmes = [p for p in ROOT.rglob("README.md") if _ours(p)]
    return sorted({*ROOT.joinpath("docs").rglob("*.md"), *ROOT.glob("*.md"), *readmes})


PAGES = _pages()

_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,}).*?^[ \t]*\1[ \t]*$", re.MULTILINE | re.DOTALL)
_CODE = re.compile(r"(`+).+?\1", re.DOTALL)
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_INLINE = re.compile(r"\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_DEFINITION = re.compile(r"^ {0,3}\[[^\]]+\]:\s*(\S+)", re.MULTILINE)
_HEADING = re.compile(r"^ {0,3}#{1,6}[ \t]+(.*?)[ \t#]*$", re.MULTILINE)
_EXTERNAL = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def _prose(text: str) -> str:
    """The page without code and comments, where a link may stand."""
    return _CODE.sub("", _COMMENT.sub("", _FENCE.sub("", text)))


def links(text: str) -> list[str]:
    prose = _prose(text)
    return _INLINE.findall(prose) + _DEFINITION.findall(prose)


def slug(heading: str) -> str:
    """GitHub's anchor for a heading's text (before making repeats unique)."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading)
    text = text.replace("`", "").strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors(page: Path) -> set[str]:
    seen: dict[str, int] = {}
    out = set()
    for heading in _HEADING.findall(_FENCE.sub("", page.read_text(encoding="utf-8"))):
        base = slug(heading)
        n = seen.get(base, 0)
        seen[base] = n + 1
        out.add(base if n == 0 else f"{base}-{n}")
    return out


def broken(page: Path) -> list[str]:
    """The relative links of ``page`` that lead nowhere."""
    found = []
    for link in links(page.read_text(encoding="utf-8")):
        if _EXTERNAL.match(link) or link.startswith("//"):
            continue
        target, _, anchor = unquote(link).partition("#")
        path = (page.parent / target).resolve() if target else page
        if not path.exists():
            found.append(f"{link}: no such file")
        elif anchor and path.suffix == ".md" and anchor not in anchors(path):
            found.append(f"{link}: no heading `#{anchor}` in {path.name}")
    return found


def test_the_pages_are_found() -> None:
    names = {p.relative_to(ROOT).as_posix() for p in PAGES}
    assert {"README.md", "ARCHITECTURE.md", "docs/README.md", "docs/reference/language.md"} <= names
    assert "packages/aura-verify/README.md" in names


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_relative_link_resolves(page: Path) -> None:
    assert broken(page) == []


def test_the_reference_is_indexed() -> None:
    index = (ROOT / "docs" / "README.md").read_text(encoding="utf-8")
    assert "(reference/language.md)" in index


def test_broken_links_and_anchors_are_caught(tmp_path: Path) -> None:
    (tmp_path / "other.md").write_text("# Other page\n\n## 2.5 `Resource` types\n", "utf-8")
    page = tmp_path / "page.md"
    page.write_text(
        "# Title\n\n## Title\n\n"
        "[ok](other.md#25-resource-types), [top](#title-1), [web](https://example.org/x),\n"
        "[gone](missing.md), [bad anchor](other.md#nothing), `[code](missing.md)`\n\n"
        "```md\n[fenced](missing.md)\n```\n\n[def]: other.md#other-page\n[deflost]: lost.md\n",
        "utf-8",
    )
    assert broken(page) == [
        "missing.md: no such file",
        "other.md#nothing: no heading `#nothing` in other.md",
        "lost.md: no such file",
    ]
