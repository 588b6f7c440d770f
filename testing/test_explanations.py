"""Every `aura explain` page shows its own code, and its fix compiles cleanly.

For each code, the page's `## Example` program must produce that code and its
`## Fix` programs must produce no error at all (warnings are allowed, except the
page's own).  Syntax codes (E00xx) are read from the parser's diagnostics, the
other codes from the checker's; programs are compiled as a module `example` of
a package `example`.  Pages whose programs span several modules or packages
(imports, visibility) are laid out as packages in a temporary directory and
loaded with the module loader, as `aura check` does.  This keeps the pages from
drifting away from the compiler.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from aura_core.check import check_modules
from aura_core.cli_support import read_source
from aura_core.codes import CODES
from aura_core.diagnostics import Diagnostic
from aura_core.explain import explanation
from aura_core.modules import ParsedModule
from aura_core.source import SourceFile
from aura_parse import parse_module
from aura_parse.loader import load_program

#: Codes the verifier reports; their pages are checked by testing/verify/test_pages.py.
_VERIFIER_CODES = frozenset({"W0006", "W0007", "W0008", "W0009", "W0010"})

#: The codes of the language: syntax (E00xx), semantics (E01xx, W00xx, W01xx) and
#: verification (V).  The package manager's codes (E09xx, W09xx) are about files that
#: are not Aura programs.
_LANGUAGE_CODE = re.compile(r"[EW]0[01][0-9]{2}|V[0-9]{4}")

#: Codes whose fix is not a program: E0019 is fixed by naming a file that exists,
#: E0021 by naming one that is not too large.
_NO_FIX_PROGRAM = frozenset({"E0019", "E0021"})

# ------------------------------------------------------------------- pages


def _page(code: str) -> str:
    page = explanation(code)
    assert page is not None, f"{code} has no page"
    return page


def _section(page: str, title: str) -> str:
    """The text of ``## title`` up to the next second-level heading."""
    _, found, rest = page.partition(f"\n## {title}\n")
    assert found, f"the page has no `## {title}` section"
    return re.split(r"^## ", rest, maxsplit=1, flags=re.MULTILINE)[0]


def _blocks(text: str, lang: str = "aura") -> list[str]:
    """The contents of the fenced code blocks of ``text`` in language ``lang``."""
    return re.findall(rf"^```{lang}\n(.*?)^```$", text, flags=re.MULTILINE | re.DOTALL)


def _example(code: str) -> list[str]:
    return _blocks(_section(_page(code), "Example"))


def _fixes(code: str) -> list[str]:
    return _blocks(_section(_page(code), "Fix"))


def _program(code: str) -> str:
    """The example of a single-module page: exactly one ``aura`` block."""
    blocks = _example(code)
    assert len(blocks) == 1, "the example is one `aura` block (one module)"
    return blocks[0]


# ---------------------------------------------------------------- compiling


def _syntax(text: str) -> list[Diagnostic]:
    return list(parse_module(SourceFile("example.aura", text)).diagnostics)


def _compile(text: str) -> list[Diagnostic]:
    """Parse and, when the parse is clean, check ``text`` as one module."""
    source = SourceFile("example.aura", text)
    parsed = parse_module(source)
    if parsed.diagnostics:
        return list(parsed.diagnostics)
    module = ParsedModule(path=("example",), package="example", source=source, ast=parsed.module)
    return list(check_modules([module]).diagnostics)


def _load(entry: Path) -> list[Diagnostic]:
    """Load a package with the module loader and check every module it found."""
    loaded = load_program(entry)
    return [*loaded.diagnostics, *check_modules(loaded.modules).diagnostics]


@dataclass(frozen=True)
class _Installed:
    """A package installed as a dependency: its version, dependencies and root module."""

    version: str
    dependencies: tuple[str, ...] = ()
    lib: str = ""


@dataclass(frozen=True)
class _Layout:
    """How a multi-module page's blocks become a package.

    ``example`` and ``fix`` name the file (below the package directory) of each
    ``aura`` block of the section, in order; the fix replaces those files of the
    example and keeps the others.  ``files`` are further modules, ``dependencies``
    the package's direct dependencies and ``installed`` every installed package.
    """

    package: str
    example: tuple[str, ...]
    fix: tuple[str, ...]
    files: Mapping[str, str] = field(default_factory=dict)
    dependencies: tuple[str, ...] = ()
    installed: Mapping[str, _Installed] = field(default_factory=dict)


_PACKAGES: dict[str, _Layout] = {
    "E0103": _Layout(
        "shop",
        example=("src/lib.aura",),
        fix=("src/lib.aura",),
        files={"src/billing.aura": "pub cell rate() -> i64:\n    return 20\n"},
    ),
    "E0104": _Layout("geo", example=("src/point.aura", "src/shape.aura"), fix=("src/point.aura",)),
    "E0105": _Layout(
        "app",
        example=("src/main.aura",),
        fix=(),
        dependencies=("json",),
        installed={
            "json": _Installed(
                "1.2.0", ("utf8",), "pub cell parse(text: String) -> i64:\n    return 0\n"
            ),
            "utf8": _Installed(
                "2.0.0", (), "pub cell is_valid(text: String) -> bool:\n    return true\n"
            ),
        },
    ),
    "E0133": _Layout(
        "shop", example=("src/billing.aura", "src/lib.aura"), fix=("src/billing.aura",)
    ),
}


def _write_package(
    root: Path, layout: _Layout, files: Mapping[str, str], dependencies: Sequence[str]
) -> Path:
    """Write the package ``layout`` with its ``files`` below ``root``; returns its directory."""
    project = root / layout.package
    deps = "".join(f'{d} = "*"\n' for d in dependencies)
    _write(
        project / "aura.toml",
        f'[package]\nname = "{layout.package}"\nversion = "0.1.0"\n\n[dependencies]\n{deps}',
    )
    for name, text in {**layout.files, **files}.items():
        _write(project / name, text)
    if layout.installed:

        def entry(name: str) -> str:
            package = layout.installed[name]
            return (
                f'{{ package = "{name}", version = "{package.version}", '
                f'root = ".aura/deps/{name}/src" }}'
            )

        index = ["version = 1", "", "[project.dependencies]"]
        index += [f"{d} = {entry(d)}" for d in dependencies]
        for name, package in layout.installed.items():
            index += [
                "",
                "[[package]]",
                f'name = "{name}"',
                f'version = "{package.version}"',
                "",
                "[package.dependencies]",
            ]
            index += [f"{d} = {entry(d)}" for d in package.dependencies]
            _write(project / ".aura" / "deps" / name / "src" / "lib.aura", package.lib)
        _write(project / ".aura" / "deps" / "index.toml", "\n".join(index) + "\n")
    return project


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _example_package(code: str, root: Path) -> list[Diagnostic]:
    layout = _PACKAGES[code]
    blocks = _example(code)
    assert len(blocks) == len(layout.example), "one `aura` block per file of the example"
    files = dict(zip(layout.example, blocks, strict=True))
    return _load(_write_package(root, layout, files, layout.dependencies))


def _fixed_package(code: str, root: Path) -> list[Diagnostic]:
    """The example's package with the fix applied: new module texts or new dependencies."""
    layout = _PACKAGES[code]
    files = dict(zip(layout.example, _example(code), strict=True))
    blocks = _fixes(code)
    assert len(blocks) == len(layout.fix), "one `aura` block per file of the fix"
    files.update(zip(layout.fix, blocks, strict=True))
    dependencies = list(layout.dependencies)
    for manifest in _blocks(_section(_page(code), "Fix"), "toml"):
        dependencies += [
            d for d in tomllib.loads(manifest).get("dependencies", {}) if d not in dependencies
        ]
    return _load(_write_package(root, layout, files, dependencies))


# ------------------------------------------------------- pages that need more


def _deepen(text: str) -> str:
    """The E0014 example abbreviates its nesting; write it out past the limit."""
    return re.sub(r"\({2,}|\){2,}", lambda m: m.group() * 50, text)


def _encoding_example(code: str, tmp_path: Path, encoding: str) -> SourceFile | Diagnostic:
    """The E0008 example saved in ``encoding`` and read back as a source file."""
    text = _program(code)
    path = tmp_path / "example.aura"
    path.write_bytes(text.encode(encoding))
    return read_source(path)


# -------------------------------------------------------------------- tests


def _params(*, example: bool) -> list[str]:
    codes = [
        c
        for c in sorted(CODES)
        if _LANGUAGE_CODE.fullmatch(c) and not c.startswith("V") and c not in _VERIFIER_CODES
    ]
    if not example:
        codes = [c for c in codes if c not in _NO_FIX_PROGRAM]
    return codes


def _codes(diagnostics: Sequence[Diagnostic]) -> list[str]:
    return [d.code for d in diagnostics]


def _errors(diagnostics: Sequence[Diagnostic], code: str) -> list[str]:
    """What a fix must not produce: any error, or the page's own warning."""
    return [f"{d.code}: {d.message}" for d in diagnostics if d.is_error or d.code == code]


@pytest.mark.parametrize("code", _params(example=True))
def test_example_shows_its_code(code: str, tmp_path: Path) -> None:
    if code == "E0008":
        read = _encoding_example(code, tmp_path, "latin-1")
        assert isinstance(read, Diagnostic) and read.code == code
        return
    if code in ("E0019", "E0021"):
        transcript = "".join(_blocks(_section(_page(code), "Example"), ""))
        command = re.search(r"^\$ aura check (\S+)$", transcript, flags=re.MULTILINE)
        assert command is not None
        missing = tmp_path / command.group(1)  # E0021's is an absolute path: /dev/zero
        read = read_source(missing, name=command.group(1))
        assert isinstance(read, Diagnostic) and read.code == code
        assert f"error[{code}]: {read.message}" in transcript
        return
    if code in _PACKAGES:
        assert code in _codes(_example_package(code, tmp_path))
        return
    text = _program(code)
    if code.startswith("E00"):
        if code == "E0014":
            text = _deepen(text)
        assert code in _codes(_syntax(text))
        return
    assert not _syntax(text), "the example of a semantic code must parse"
    assert code in _codes(_compile(text))


@pytest.mark.parametrize("code", _params(example=False))
def test_fix_compiles_cleanly(code: str, tmp_path: Path) -> None:
    if code == "E0008":
        read = _encoding_example(code, tmp_path, "utf-8")
        assert isinstance(read, SourceFile)
        assert _errors(_compile(read.text), code) == []
        return
    if code in _PACKAGES:
        assert _errors(_fixed_package(code, tmp_path), code) == []
        return
    fixes = _fixes(code)
    assert fixes, "the fix shows the corrected program"
    for text in fixes:
        assert _errors(_compile(text), code) == []
