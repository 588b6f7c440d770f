"""The workspace's structure: seven packages, dependencies one way, public APIs only.

ARCHITECTURE.md states these invariants; this test keeps them true.
"""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ROOT / "packages"

#: The allowed direct dependencies of each distribution (ARCHITECTURE.md).
ALLOWED: dict[str, set[str]] = {
    "aura-core": set(),
    "aura-parse": {"aura-core"},
    "aura-verify": {"aura-core", "aura-parse"},
    "aura-interpret": {"aura-core", "aura-parse"},
    "aura-backend-llvm": {"aura-core", "aura-parse"},
    "aura-lsp": {"aura-core", "aura-parse", "aura-verify"},
    "aura-pkg": {"aura-core"},
}


def module_name(dist: str) -> str:
    return dist.replace("-", "_")


def project(dist: str) -> dict[str, object]:
    with (PACKAGES / dist / "pyproject.toml").open("rb") as f:
        data = tomllib.load(f)
    return data


def aura_requirements(dist: str) -> set[str]:
    deps = project(dist)["project"]["dependencies"]  # type: ignore[index]
    names = set()
    for req in deps:  # type: ignore[attr-defined]
        name = req.split(">")[0].split("<")[0].split("=")[0].split("[")[0].strip()
        if name.startswith("aura-"):
            names.add(name)
    return names


def test_the_seven_packages_exist() -> None:
    assert sorted(p.name for p in PACKAGES.iterdir() if p.is_dir()) == sorted(ALLOWED)
    for dist in ALLOWED:
        base = PACKAGES / dist
        assert (base / "README.md").is_file(), dist
        assert (base / "tests").is_dir(), dist
        init = base / "src" / module_name(dist) / "__init__.py"
        assert "__all__" in init.read_text(encoding="utf-8"), dist
        meta = project(dist)
        assert meta["build-system"]["build-backend"] == "hatchling.build"  # type: ignore[index]
        assert meta["project"]["name"] == dist  # type: ignore[index]


@pytest.mark.parametrize("dist", sorted(ALLOWED))
def test_declared_dependencies_follow_the_layering(dist: str) -> None:
    assert aura_requirements(dist) <= ALLOWED[dist]
    for req in project(dist)["project"]["dependencies"]:  # type: ignore[index]
        if req.startswith("aura-"):
            assert "<" in req and ">=" in req, f"{dist}: pin {req!r} to a compatible range"


def test_no_dependency_cycles() -> None:
    seen: set[str] = set()

    def visit(dist: str, path: tuple[str, ...]) -> None:
        assert dist not in path, " -> ".join((*path, dist))
        if dist in seen:
            return
        for dep in aura_requirements(dist):
            visit(dep, (*path, dist))
        seen.add(dist)

    for dist in ALLOWED:
        visit(dist, ())


def imports_of(path: Path) -> list[tuple[str, list[str]]]:
    """(module, imported names) for every import statement of a file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out: list[tuple[str, list[str]]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.extend((alias.name, []) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.append((node.module, [alias.name for alias in node.names]))
    return out


@pytest.mark.parametrize("dist", sorted(ALLOWED))
def test_code_imports_only_what_it_declares(dist: str) -> None:
    own = module_name(dist)
    allowed = {module_name(d) for d in aura_requirements(dist)} | {own}
    for path in sorted((PACKAGES / dist / "src").rglob("*.py")):
        for module, names in imports_of(path):
            top = module.split(".")[0]
            if not top.startswith("aura_"):
                continue
            where = f"{path.relative_to(ROOT)} imports {module}"
            assert top in allowed, where
            if top != own:
                private = [p for p in module.split(".")[1:] if p.startswith("_")]
                private += [n for n in names if n.startswith("_")]
                assert not private, f"{where}: private {private}"


#: What other packages may import of each package (ARCHITECTURE.md, "API boundaries").
BOUNDARIES: dict[str, set[str]] = {
    "aura_core": {
        "aura_core",
        *(
            f"aura_core.{m}"
            for m in [
                "ast",
                "tir",
                "types",
                "source",
                "diagnostics",
                "codes",
                "render",
                "modules",
                "check",
                "methods",
                "prelude",
                "arith",
                "specarith",
                "syntax",
                "keywords",
                "graphs",
                "spans",
                "stdlib",
                "trust",
                "proofs",
                "engines",
                "build_cache",
                "cli_support",
                "tirwalk",
                "deep",
            ]
        ),
    },
    "aura_parse": {"aura_parse", "aura_parse.project"},
    "aura_verify": {"aura_verify"},
    "aura_interpret": set(),
    "aura_backend_llvm": set(),
    "aura_lsp": set(),
    "aura_pkg": set(),
}


def _imported_modules(module: str, names: list[str]) -> list[str]:
    """The modules an import names: ``from aura_core import ast`` names ``aura_core.ast``."""
    out = [module]
    for name in names:
        candidate = f"{module}.{name}"
        dist = PACKAGES / module.split(".")[0].replace("_", "-")
        base = dist / "src" / Path(*candidate.split("."))
        if base.with_suffix(".py").is_file() or (base / "__init__.py").is_file():
            out.append(candidate)
    return out


@pytest.mark.parametrize("dist", sorted(ALLOWED))
def test_other_packages_are_reached_only_through_their_boundaries(dist: str) -> None:
    own = module_name(dist)
    crossings = []
    for path in sorted((PACKAGES / dist / "src").rglob("*.py")):
        for module, names in imports_of(path):
            for target in _imported_modules(module, names):
                top = target.split(".")[0]
                if top.startswith("aura_") and top != own and target not in BOUNDARIES[top]:
                    crossings.append(f"{path.relative_to(ROOT)} imports {target}")
    assert not crossings, "not a boundary module (ARCHITECTURE.md):\n" + "\n".join(crossings)


def test_the_architecture_page_lists_every_boundary() -> None:
    text = (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
    section = text.split("## API boundaries", 1)[1].split("\n## ", 1)[0]
    for package, modules in BOUNDARIES.items():
        assert f"`{package}`" in section, package
        for module in modules - {package}:
            assert f"`{module.split('.', 1)[1]}`" in section, module
