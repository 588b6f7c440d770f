"""Tests of the module loader (aura_parse.loader) on programs laid out in temporary directories."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from aura_core.codes import CODES
from aura_core.diagnostics import Diagnostic
from aura_core.render import render_human, render_json
from aura_core.source import SourceFile
from aura_parse import ParseResult, parse_module
from aura_parse import loader as loader_module
from aura_parse.import_cycles import find_cycles
from aura_parse.loader import LoadResult, load_program, module_file
from aura_parse.project import CODE_DEPS_INDEX, CODE_MANIFEST_VALUE, CODE_TOML_SYNTAX

CELL = "pub cell f() -> i64:\n    return 1\n"


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


@pytest.fixture
def std(tmp_path: Path) -> Path:
    return write(
        tmp_path / "std",
        {
            "io.aura": CELL,
            "math.aura": CELL,
            "net/http.aura": "import std::io\n" + CELL,
        },
    )


def manifest(name: str, deps: str = "") -> str:
    return f'[package]\nname = "{name}"\nversion = "0.1.0"\n\n[dependencies]\n{deps}'


def paths(result: LoadResult) -> list[tuple[str, ...]]:
    return [m.path for m in result.modules]


def codes(result: LoadResult) -> list[str]:
    return [d.code for d in result.diagnostics]


def only(result: LoadResult, code: str) -> Diagnostic:
    found = [d for d in result.diagnostics if d.code == code]
    assert len(found) == 1, result.diagnostics
    return found[0]


def marked(d: Diagnostic) -> str:
    assert d.file is not None and d.span is not None
    return d.file.text[d.span.start : d.span.end]


# ------------------------------------------------------------------ single files


def test_a_single_file_is_its_own_package_and_imports_std(tmp_path: Path, std: Path) -> None:
    entry = write(tmp_path, {"prog.aura": "import std::net::http\nimport std::io as o\n" + CELL})
    result = load_program(entry / "prog.aura", std_root=std)
    assert result.ok, result.diagnostics
    assert result.entry == ("prog",)
    assert paths(result) == [("prog",), ("std", "net", "http"), ("std", "io")]
    first, http, io = result.modules
    assert (first.package, first.dependencies) == ("prog", frozenset({"std"}))
    assert (http.package, io.package) == ("std", "std")
    assert http.source.name == str(std / "net" / "http.aura")


def test_every_module_is_parsed_once(
    tmp_path: Path, std: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(std, {"a.aura": "import std::io\nimport std::math\n", "b.aura": "import std::io\n"})
    entry = write(tmp_path, {"p.aura": "import std::a\nimport std::b\nimport std::io\n"})
    parsed: list[str] = []

    def counting(source: SourceFile) -> ParseResult:
        parsed.append(source.name)
        return parse_module(source)

    monkeypatch.setattr(loader_module, "parse_module", counting)
    result = load_program(entry / "p.aura", std_root=std)
    assert result.ok, result.diagnostics
    assert paths(result) == [("p",), ("std", "a"), ("std", "b"), ("std", "io"), ("std", "math")]
    assert len(parsed) == len(set(parsed)) == 5


def test_a_missing_entry_is_reported_not_raised(tmp_path: Path, std: Path) -> None:
    result = load_program(tmp_path / "nope.aura", std_root=std)
    assert (result.modules, result.entry, codes(result)) == ((), None, ["E0019"])


def test_a_directory_without_a_manifest_is_not_a_package(tmp_path: Path, std: Path) -> None:
    write(tmp_path, {"x.aura": CELL})
    result = load_program(tmp_path, std_root=std)
    assert (result.modules, result.entry, codes(result)) == ((), None, ["E0019"])


def test_the_default_std_root_comes_from_aura_core(
    tmp_path: Path, std: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(loader_module, "default_std_root", lambda: std)
    entry = write(tmp_path, {"p.aura": "import std::io\n"})
    assert paths(load_program(entry / "p.aura")) == [("p",), ("std", "io")]


# ----------------------------------------------------------------------- packages


def test_a_package_directory_loads_every_module_under_src(tmp_path: Path, std: Path) -> None:
    app = write(
        tmp_path / "app",
        {
            "aura.toml": manifest("my-app"),
            "src/main.aura": "import my_app\nimport std::io\n",
            "src/lib.aura": "import my_app::net::http\n" + CELL,
            "src/net/http.aura": CELL,
            "src/util.aura": CELL,
            "src/.hidden.aura": "not parsed",
            "README.aura.txt": "",
        },
    )
    result = load_program(app, std_root=std)
    assert result.ok, result.diagnostics
    assert result.entry == ("my_app",)
    assert paths(result) == [
        ("my_app",),
        ("my_app", "main"),
        ("my_app", "net", "http"),
        ("my_app", "util"),
        ("std", "io"),
    ]
    assert {m.package for m in result.modules[:4]} == {"my_app"}
    assert result.modules[0].source.name == str(app / "src" / "lib.aura")


def test_an_application_without_a_library_starts_at_main(tmp_path: Path, std: Path) -> None:
    app = write(tmp_path / "app", {"aura.toml": manifest("app"), "src/main.aura": CELL})
    assert load_program(app, std_root=std).entry == ("app", "main")


def test_a_package_without_modules_says_so(tmp_path: Path, std: Path) -> None:
    app = write(tmp_path / "app", {"aura.toml": manifest("app")})
    result = load_program(app, std_root=std)
    assert (result.modules, result.entry, codes(result)) == ((), None, ["E0103"])


def test_a_file_in_src_is_a_module_of_its_package(tmp_path: Path, std: Path) -> None:
    app = write(
        tmp_path / "app",
        {
            "aura.toml": manifest("app"),
            "src/lib.aura": CELL,
            "src/net/http.aura": "import app::util\n",
            "src/util.aura": "import app::net::http\nimport app\n",
        },
    )
    result = load_program(app / "src" / "net" / "http.aura", std_root=std)
    assert result.entry == ("app", "net", "http")
    assert paths(result) == [("app", "net", "http"), ("app", "util"), ("app",)]
    assert codes(result) == ["E0104"]  # http -> util -> http


def test_relative_entries_give_relative_file_names(
    tmp_path: Path, std: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path / "app", {"aura.toml": manifest("app"), "src/lib.aura": "import app::x\n"})
    monkeypatch.chdir(tmp_path)
    result = load_program(Path("app/src/lib.aura"), std_root=std)
    d = only(result, "E0103")
    assert d.file is not None and d.file.name == os.path.join("app", "src", "lib.aura")
    assert f"`{os.path.join('app', 'src', 'x.aura')}`" in d.notes[-1]


def test_a_file_beside_a_manifest_but_outside_src_stands_alone(tmp_path: Path, std: Path) -> None:
    app = write(
        tmp_path / "app",
        {"aura.toml": manifest("app"), "src/lib.aura": CELL, "examples/demo.aura": "import app\n"},
    )
    result = load_program(app / "examples" / "demo.aura", std_root=std)
    assert result.entry == ("demo",)
    assert codes(result) == ["E0105"]


def test_a_lone_file_is_not_offered_itself_as_the_import_it_meant(
    tmp_path: Path, std: Path
) -> None:
    program = tmp_path / "uses_json.aura"
    program.write_text("import json\n" + CELL, encoding="utf-8")
    d = only(load_program(program, std_root=std), "E0105")
    assert d.help is None or "uses_json" not in str(d.help)


# ------------------------------------------------------------------ missing modules


def test_a_missing_module_names_the_file_tried_and_a_close_one(tmp_path: Path, std: Path) -> None:
    app = write(
        tmp_path / "app",
        {
            "aura.toml": manifest("app"),
            "src/lib.aura": "import app::net::htp\nimport std::mth\nimport app::zzz\n",
            "src/net/http.aura": CELL,
        },
    )
    result = load_program(app, std_root=std)
    first, second, third = result.diagnostics
    assert [d.code for d in result.diagnostics] == ["E0103"] * 3
    assert first.message == "module `app::net::htp` not found"
    assert marked(first) == "app::net::htp"
    assert first.notes == (f"looked for `{app / 'src' / 'net' / 'htp.aura'}`",)
    assert first.help is not None and first.help.message == "did you mean `app::net::http`?"
    assert first.help.edit is not None and first.help.edit.replacement == "app::net::http"
    assert first.help.edit.span == first.span
    assert second.help is not None and second.help.message == "did you mean `std::math`?"
    assert third.help is None
    assert "help: did you mean `app::net::http`?" in render_human(first)


def test_a_missing_std_root_is_not_an_install_problem(tmp_path: Path) -> None:
    entry = write(tmp_path, {"p.aura": "import std::io\n"})
    d = only(load_program(entry / "p.aura", std_root=tmp_path / "nowhere"), "E0103")
    assert d.help is None and d.notes == (f"looked for `{tmp_path / 'nowhere' / 'io.aura'}`",)


def test_a_misspelt_directory_is_suggested_too(tmp_path: Path, std: Path) -> None:
    entry = write(tmp_path, {"p.aura": "import std::nte::htp\n"})
    d = only(load_program(entry / "p.aura", std_root=std), "E0103")
    assert d.help is not None and d.help.message == "did you mean `std::net::http`?"


def test_lib_is_the_package_itself_not_a_module(tmp_path: Path, std: Path) -> None:
    app = write(
        tmp_path / "app",
        {"aura.toml": manifest("app"), "src/lib.aura": CELL, "src/main.aura": "import app::lib\n"},
    )
    d = only(load_program(app / "src" / "main.aura", std_root=std), "E0103")
    assert d.help is not None and d.help.edit is not None
    assert d.help.edit.replacement == "app"


def test_a_single_file_has_no_sibling_modules(tmp_path: Path, std: Path) -> None:
    write(tmp_path, {"prog.aura": "import prog::util\n", "util.aura": CELL})
    d = only(load_program(tmp_path / "prog.aura", std_root=std), "E0103")
    assert "a file outside a package has no other modules" in d.notes


# -------------------------------------------------------------------------- cycles


def test_an_import_cycle_is_reported_once_with_each_import_labelled(
    tmp_path: Path, std: Path
) -> None:
    app = write(
        tmp_path / "app",
        {
            "aura.toml": manifest("app"),
            "src/lib.aura": "import app::a\n",
            "src/a.aura": "import std::io\nimport app::b\n",
            "src/b.aura": "import app::c\n",
            "src/c.aura": "import app::a\nimport app::b\n",
        },
    )
    result = load_program(app, std_root=std)
    d = only(result, "E0104")
    assert codes(result) == ["E0104"]
    assert d.message == "import cycle: app::a -> app::b -> app::c -> app::a"
    assert d.file is not None and d.file.name.endswith("a.aura") and marked(d) == "app::b"
    assert [(lbl.file.name[-6:] if lbl.file else "", lbl.message) for lbl in d.labels] == [
        ("a.aura", "`app::a` imports `app::b`"),
        ("b.aura", "`app::b` imports `app::c`"),
        ("c.aura", "`app::c` imports `app::a`"),
    ]
    assert "::: " in render_human(d)
    assert len(render_json(d)["related"]) == 3


def test_separate_cycles_and_self_imports_are_each_reported(tmp_path: Path, std: Path) -> None:
    entry = write(
        tmp_path,
        {"p.aura": "import p\nimport std::x\n"},
    )
    write(std, {"x.aura": "import std::y\n", "y.aura": "import std::x\n"})
    result = load_program(entry / "p.aura", std_root=std)
    assert [d.message for d in result.diagnostics] == [
        "import cycle: p -> p",
        "import cycle: std::x -> std::y -> std::x",
    ]


def test_find_cycles_handles_long_chains_without_recursion() -> None:
    n = 50_000
    edges = {i: [i + 1] for i in range(n - 1)}
    edges[n - 1] = [n // 2]
    cycles = find_cycles(list(range(n)), edges)
    assert len(cycles) == 1 and cycles[0][0] == n // 2 and len(cycles[0]) == n - n // 2
    assert find_cycles([1, 2], {1: [2, 3]}) == []


# ---------------------------------------------------------------- dependencies


INDEX = """\
version = 1

[project]
name = "app"
version = "0.1.0"
root = "src"

[project.dependencies]
json = { package = "json", version = "1.4.2", root = ".aura/deps/json-1.4.2/src" }
util = { package = "util", version = "0.3.0", root = "../util/src" }

[project.dev-dependencies]
testkit = { package = "testkit", version = "1.0.0", root = ".aura/deps/testkit-1.0.0/src" }

[[package]]
name = "json"
version = "1.4.2"
root = ".aura/deps/json-1.4.2/src"

[package.dependencies]
utf8 = { package = "utf8", version = "2.0.1", root = ".aura/deps/utf8-2.0.1/src" }

[[package]]
name = "testkit"
version = "1.0.0"
root = ".aura/deps/testkit-1.0.0/src"

[[package]]
name = "utf8"
version = "2.0.1"
root = ".aura/deps/utf8-2.0.1/src"

[[package]]
name = "util"
version = "0.3.0"
root = "../util/src"
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    write(tmp_path / "util", {"aura.toml": manifest("util"), "src/lib.aura": CELL})
    return write(
        tmp_path / "app",
        {
            "aura.toml": manifest("app", 'json = "^1.4"\nutil = { path = "../util" }\n'),
            ".aura/deps/index.toml": INDEX,
            ".aura/deps/json-1.4.2/src/lib.aura": "import json::parse\n",
            ".aura/deps/json-1.4.2/src/parse.aura": "import utf8\nimport std::io\n",
            ".aura/deps/utf8-2.0.1/src/lib.aura": CELL,
            ".aura/deps/testkit-1.0.0/src/lib.aura": CELL,
        },
    )


def test_direct_dependencies_come_from_the_index(project: Path, std: Path) -> None:
    write(project, {"src/main.aura": "import json\nimport util\n"})
    result = load_program(project / "src" / "main.aura", std_root=std)
    assert result.ok, result.diagnostics
    by_path = {m.path: m for m in result.modules}
    assert list(by_path) == [
        ("app", "main"),
        ("json",),
        ("util",),
        ("json", "parse"),
        ("utf8",),
        ("std", "io"),
    ]
    assert by_path[("app", "main")].dependencies == frozenset({"std", "json", "util"})
    assert by_path[("json", "parse")].package == "json"
    assert by_path[("json", "parse")].dependencies == frozenset({"std", "utf8"})
    assert by_path[("utf8",)].dependencies == frozenset({"std"})
    assert by_path[("util",)].source.name == str(project.parent / "util" / "src" / "lib.aura")


def test_only_direct_dependencies_are_importable(project: Path, std: Path) -> None:
    write(
        project,
        {
            "src/main.aura": "import utf8\nimport jsn::parse\nimport json\n",
            ".aura/deps/utf8-2.0.1/src/lib.aura": "import json\n",
        },
    )
    result = load_program(project / "src" / "main.aura", std_root=std)
    transitive, typo, from_dependency = (d for d in result.diagnostics if d.code == "E0105")
    assert transitive.message == "cannot import `utf8`: `utf8` is not a direct dependency of `app`"
    assert "`utf8` is a dependency of `json`, not of `app`" in transitive.notes[-1]
    assert typo.help is not None and typo.help.message == "did you mean `json::parse`?"
    assert from_dependency.message.endswith("`json` is not a direct dependency of `utf8`")
    assert from_dependency.file is not None and "utf8-2.0.1" in from_dependency.file.name


def test_dev_dependencies_are_importable_only_when_asked_for(project: Path, std: Path) -> None:
    write(project, {"src/lib.aura": "import testkit\n"})
    d = only(load_program(project, std_root=std), "E0105")
    assert "dev-dependency" in d.notes[0]
    result = load_program(project, std_root=std, dev_dependencies=True)
    assert result.ok, result.diagnostics
    assert ("testkit",) in paths(result)
    write(project, {"src/lib.aura": "import testkit\nimport yaml\n"})
    (project / "aura.toml").write_text(manifest("app", 'yaml = "1"\n'), encoding="utf-8")
    d = only(load_program(project, std_root=std, dev_dependencies=True), "E0103")
    assert d.help is not None and d.help.message == "run `aura pkg install`"


def test_a_declared_dependency_that_is_not_installed(tmp_path: Path, std: Path) -> None:
    app = write(
        tmp_path / "app",
        {"aura.toml": manifest("app", 'json = "^1"\n'), "src/lib.aura": "import json\n"},
    )
    d = only(load_program(app, std_root=std), "E0103")
    assert d.help is not None and "aura pkg install" in d.help.message


def test_an_uninstalled_dependency_directory_says_to_install(project: Path, std: Path) -> None:
    (project / ".aura/deps/json-1.4.2/src/lib.aura").unlink()
    (project / ".aura/deps/json-1.4.2/src/parse.aura").unlink()
    (project / ".aura/deps/json-1.4.2/src").rmdir()
    write(project, {"src/lib.aura": "import json\n"})
    d = only(load_program(project, std_root=std), "E0103")
    assert d.help is not None and "aura pkg install" in d.help.message


# ------------------------------------------------------- malformed package files


def test_a_malformed_manifest_is_a_diagnostic(tmp_path: Path, std: Path) -> None:
    app = write(
        tmp_path / "my-app",
        {"aura.toml": "[package]\nname = \n", "src/lib.aura": "import my_app::x\n"},
    )
    result = load_program(app, std_root=std)
    bad = result.diagnostics[0]
    assert bad.code == CODE_TOML_SYNTAX and bad.file is not None and bad.span is not None
    assert bad.file.position(bad.span.start).line == 2
    assert result.entry == ("my_app",)  # the directory's name stands in
    assert codes(result) == [CODE_TOML_SYNTAX, "E0103"]


def test_a_manifest_without_a_name(tmp_path: Path, std: Path) -> None:
    app = write(tmp_path / "app", {"aura.toml": "[package]\nversion = '1.0.0'\n"})
    write(app, {"src/lib.aura": CELL})
    result = load_program(app, std_root=std)
    assert codes(result) == [CODE_MANIFEST_VALUE] and result.entry == ("app",)


@pytest.mark.parametrize(
    "text",
    [
        "version = 2\n[project]\n",
        "version = 1\n",
        "version = 1\n[project]\ndependencies = { json = { package = 'json' } }\n",
        "version = 1\n[project.dependencies]\n"
        "json = { package = 'json', version = '1.0.0', root = 'x' }\n",
        "version = 1\npackage = 3\n[project]\n",
        "version = [\n",
    ],
)
def test_a_malformed_index_is_a_diagnostic(tmp_path: Path, std: Path, text: str) -> None:
    app = write(
        tmp_path / "app",
        {"aura.toml": manifest("app"), ".aura/deps/index.toml": text, "src/lib.aura": CELL},
    )
    result = load_program(app, std_root=std)
    assert codes(result) in ([CODE_DEPS_INDEX], [CODE_TOML_SYNTAX])
    bad = result.diagnostics[0]
    assert bad.file is not None and bad.file.name.endswith("index.toml")
    assert "invalid TOML" in bad.message or "not a valid dependency index" in bad.message
    assert paths(result) == [("app",)]


# ------------------------------------------------------------ reading and parsing


def test_syntax_errors_in_an_imported_module_are_passed_through(tmp_path: Path, std: Path) -> None:
    write(std, {"bad.aura": "import std::io\ncell broken(:\n    x\n" + CELL})
    entry = write(tmp_path, {"p.aura": "import std::bad\n"})
    result = load_program(entry / "p.aura", std_root=std)
    assert not result.ok
    assert paths(result) == [("p",), ("std", "bad"), ("std", "io")]
    d = result.diagnostics[0]
    assert d.code == "E0001" and d.file is not None and d.file.name.endswith("bad.aura")
    bad = result.modules[1]
    assert [type(x).__name__ for x in bad.ast.decls] == ["Import", "CellDecl"]


def test_an_unreadable_module_is_reported_and_left_out(tmp_path: Path, std: Path) -> None:
    (std / "bin.aura").write_bytes(b"cell f\xff():\n")
    entry = write(tmp_path, {"p.aura": "import std::bin\nimport std::io\n"})
    result = load_program(entry / "p.aura", std_root=std)
    assert codes(result) == ["E0008"]
    assert paths(result) == [("p",), ("std", "io")]


def test_module_file_maps_paths_below_a_source_root(tmp_path: Path) -> None:
    assert module_file(tmp_path, ()) == tmp_path / "lib.aura"
    assert module_file(tmp_path, ("net", "http")) == tmp_path / "net" / "http.aura"


def test_the_loaders_codes_are_registered() -> None:
    for code in ("E0103", "E0104", "E0105", CODE_TOML_SYNTAX, CODE_MANIFEST_VALUE, CODE_DEPS_INDEX):
        assert code in CODES
