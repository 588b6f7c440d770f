"""aura.toml: the model, precise errors and warnings, and layout-keeping edits."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

import pytest

from aura_pkg._toml import Locator
from aura_pkg.errors import ManifestError
from aura_pkg.manifest import (
    Dependency,
    add_dependency,
    check_package_name,
    import_name,
    load_manifest,
    parse_manifest,
    remove_dependency,
)
from aura_pkg.versions import Requirement, Version

SPEC_EXAMPLE = """\
[package]
name = "textwrap"            # [a-z][a-z0-9-]{0,63}, unique in a registry
version = "1.2.0"            # Semantic Versioning 2.0.0
edition = "2026"             # language edition the sources are written in
aura = ">=0.1"               # toolchain versions that can build it
description = "Wrap text to a width"
license = "MIT"
authors = ["Ada <ada@example.org>"]
keywords = ["text"]

[dependencies]
json = "^1.2"                # a requirement (below)
netx = { version = "~0.4" }
util = { path = "../util" }  # local path dependency, never published as such

[dev-dependencies]
testkit = "1"
"""

MINIMAL = '[package]\nname = "app"\nversion = "0.1.0"\n'


def test_the_spec_example_loads() -> None:
    m = parse_manifest(SPEC_EXAMPLE)
    assert m.name == "textwrap"
    assert m.version == Version.parse("1.2.0")
    p = m.package
    assert p.edition == "2026"
    assert p.aura == Requirement.parse(">=0.1")
    assert p.description == "Wrap text to a width"
    assert p.license == "MIT"
    assert p.authors == ("Ada <ada@example.org>",)
    assert p.keywords == ("text",)
    assert m.dependencies == (
        Dependency("json", requirement=Requirement.parse("^1.2")),
        Dependency("netx", requirement=Requirement.parse("~0.4")),
        Dependency("util", path="../util"),
    )
    assert m.dev_dependencies == (Dependency("testkit", requirement=Requirement.parse("1")),)
    assert m.warnings == ()
    assert m.dependency("util") is not None and m.dependency("util").is_path  # type: ignore[union-attr]
    assert m.dependency("testkit") is None
    assert m.dependency("testkit", dev=True) is not None
    assert set(m.registry_dependencies()) == {"json", "netx"}


def test_defaults_of_a_minimal_manifest() -> None:
    m = parse_manifest(MINIMAL)
    assert m.package.edition == "2026"
    assert m.package.aura is None
    assert m.package.authors == () and m.package.keywords == ()
    assert m.dependencies == () and m.dev_dependencies == ()


def test_a_path_dependency_may_also_have_a_version() -> None:
    m = parse_manifest(MINIMAL + '[dependencies]\nutil = { path = "../u", version = "1" }\n')
    assert m.dependencies == (Dependency("util", Requirement.parse("1"), "../u"),)


def test_dependencies_are_sorted_by_name() -> None:
    m = parse_manifest(MINIMAL + '[dependencies]\nzed = "1"\nalpha = "1"\nmid = "1"\n')
    assert [d.name for d in m.dependencies] == ["alpha", "mid", "zed"]


def test_unknown_keys_are_warnings_with_file_line_and_key() -> None:
    text = (
        "colour = 1\n"
        "[package]\n"
        'name = "app"\n'
        'version = "0.1.0"\n'
        'homepage = "x"\n'
        "[dependencies]\n"
        'netx = { version = "1", registry = "x" }\n'
        "[dev_dependencies]\n"
    )
    m = parse_manifest(text, "proj/aura.toml")
    got = [(w.line, w.key, w.code) for w in m.warnings]
    assert got == [
        (1, "colour", "W0901"),
        (5, "package.homepage", "W0901"),
        (7, "dependencies.netx.registry", "W0901"),
        (8, "dev_dependencies", "W0901"),
    ]
    assert "did you mean `dev-dependencies`" in m.warnings[3].message
    assert str(m.warnings[1]).startswith("proj/aura.toml:5:1: `package.homepage`: unknown key")
    assert m.warnings[0].diagnostic(text).severity.value == "warning"


def test_package_metadata_table_is_accepted_silently() -> None:
    m = parse_manifest(MINIMAL + "[package.metadata.tool]\nanything = [1, 2]\n")
    assert m.warnings == ()


BAD: list[tuple[str, str, int | None, str | None, str]] = [
    # (name, text, line, key, message fragment)
    ("syntax", '[package]\nname = "app\n', 2, None, "invalid TOML"),
    ("duplicate key", MINIMAL + 'name = "b"\n', 4, None, "invalid TOML"),
    ("no package", '[dependencies]\njson = "1"\n', None, None, "missing the `[package]` table"),
    ("package not a table", 'package = "x"\n', 1, "package", "expected a table, found a string"),
    ("missing name", '[package]\nversion = "1.0.0"\n', 1, "package", "missing `package.name`"),
    ("missing version", '[package]\nname = "a"\n', 1, "package", "missing `package.version`"),
    (
        "name type",
        '[package]\nname = 3\nversion = "1.0.0"\n',
        2,
        "package.name",
        "found an integer",
    ),
    (
        "upper name",
        '[package]\nname = "Wrap"\nversion = "1.0.0"\n',
        2,
        "package.name",
        "invalid package name",
    ),
    (
        "digit name",
        '[package]\nname = "1x"\nversion = "1.0.0"\n',
        2,
        "package.name",
        "invalid package name",
    ),
    (
        "underscore name",
        '[package]\nname = "a_b"\nversion = "1.0.0"\n',
        2,
        "package.name",
        "invalid",
    ),
    (
        "long name",
        f'[package]\nname = "{"a" * 65}"\nversion = "1.0.0"\n',
        2,
        "package.name",
        "invalid",
    ),
    ("std", '[package]\nname = "std"\nversion = "1.0.0"\n', 2, "package.name", "standard library"),
    (
        "reserved",
        '[package]\nname = "match"\nversion = "1.0.0"\n',
        2,
        "package.name",
        "reserved word",
    ),
    (
        "bad version",
        '[package]\nname = "a"\nversion = "1.2"\n',
        3,
        "package.version",
        "invalid version",
    ),
    ("edition", MINIMAL + 'edition = "2031"\n', 4, "package.edition", "unknown edition"),
    ("aura req", MINIMAL + 'aura = "~>1"\n', 4, "package.aura", "invalid version requirement"),
    ("authors type", MINIMAL + 'authors = "Ada"\n', 4, "package.authors", "expected an array"),
    (
        "author item",
        MINIMAL + 'authors = [\n  "Ada",\n  42,\n]\n',
        6,
        "package.authors[1]",
        "expected a string, found an integer",
    ),
    ("description", MINIMAL + "description = true\n", 4, "package.description", "a boolean"),
    ("deps type", 'dependencies = "json"\n' + MINIMAL, 1, "dependencies", "expected a table"),
    ("dep req", MINIMAL + '[dependencies]\njson = "^^1"\n', 5, "dependencies.json", "requirement"),
    (
        "dep table req",
        MINIMAL + '[dependencies]\n\nnetx = { version = "x.y" }\n',
        6,
        "dependencies.netx.version",
        "requirement",
    ),
    (
        "dep empty",
        MINIMAL + "[dependencies]\nnetx = {}\n",
        5,
        "dependencies.netx",
        "`version` or a `path`",
    ),
    (
        "dep type",
        MINIMAL + "[dependencies]\nnetx = 1\n",
        5,
        "dependencies.netx",
        "found an integer",
    ),
    (
        "dep path type",
        MINIMAL + "[dependencies]\nu = { path = 1 }\n",
        5,
        "dependencies.u.path",
        "string",
    ),
    (
        "dep path empty",
        MINIMAL + '[dependencies]\nu = { path = "" }\n',
        5,
        "dependencies.u.path",
        "empty",
    ),
    (
        "dep name",
        MINIMAL + '[dependencies]\nJson = "1"\n',
        5,
        "dependencies.Json",
        "invalid package name",
    ),
    ("dep std", MINIMAL + '[dependencies]\nstd = "1"\n', 5, "dependencies.std", "standard library"),
    ("self dep", MINIMAL + '[dependencies]\napp = "1"\n', 5, "dependencies.app", "itself"),
    ("dev dep", MINIMAL + '[dev-dependencies]\nt = "!"\n', 5, "dev-dependencies.t", "requirement"),
    (
        "quoted dep key",
        MINIMAL + '[dependencies]\n"my.lib" = "1"\n',
        5,
        'dependencies."my.lib"',
        "invalid package name",
    ),
    (
        "dotted dep key",
        'dependencies.json.version = "x"\n' + MINIMAL,
        1,
        "dependencies.json.version",
        "requirement",
    ),
]


@pytest.mark.parametrize(
    ("text", "line", "key", "fragment"), [b[1:] for b in BAD], ids=[b[0] for b in BAD]
)
def test_bad_manifests_name_file_line_and_key(
    text: str, line: int | None, key: str | None, fragment: str
) -> None:
    with pytest.raises(ManifestError) as info:
        parse_manifest(text, "pkg/aura.toml")
    err = info.value
    assert err.file == "pkg/aura.toml"
    assert err.line == line
    if key is not None:
        assert err.key == key
    assert fragment in err.message
    assert str(err).startswith("pkg/aura.toml")
    if line is not None:
        assert f"pkg/aura.toml:{line}:" in str(err)
    diag = err.diagnostic(text)
    assert diag.is_error and diag.code == err.code
    assert fragment in diag.message


def test_syntax_errors_carry_a_column_and_the_key_on_that_line() -> None:
    text = '[package]\nname = "app"\nversion = 1.2.3\n'
    with pytest.raises(ManifestError) as info:
        parse_manifest(text)
    assert (info.value.line, info.value.code) == (3, "E0901")
    assert info.value.column is not None
    assert info.value.key == "package.version"


def test_check_package_name_and_import_name() -> None:
    assert check_package_name("my-lib") is None
    assert check_package_name("a" * 64) is None
    assert check_package_name("a" * 65) is not None
    assert check_package_name("in") is not None
    assert import_name("my-lib") == "my_lib"


def test_names_reserved_by_0_2_and_confusable_dashes_are_refused() -> None:
    for word in ("lock", "shared", "spawn"):
        problem = check_package_name(word)
        assert problem is not None and "reserved word" in problem, word
    for name in ("my--lib", "my-lib-", "a---b"):
        problem = check_package_name(name)
        assert problem is not None and "between two letters or digits" in problem, name
    assert check_package_name("my-lib-2") is None
    assert check_package_name("locks") is None
    assert Dependency("my-lib", path="x").import_name == "my_lib"


def test_load_manifest_from_a_file_or_directory(tmp_path: Path) -> None:
    (tmp_path / "aura.toml").write_text(MINIMAL, encoding="utf-8")
    assert load_manifest(tmp_path).name == "app"
    m = load_manifest(tmp_path / "aura.toml")
    assert m.file == str(tmp_path / "aura.toml")


def test_load_manifest_reports_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(ManifestError, match="no such file"):
        load_manifest(tmp_path / "missing.toml")
    bad = tmp_path / "aura.toml"
    bad.write_bytes(b'[package]\nname = "\xff"\n')
    with pytest.raises(ManifestError, match="not valid UTF-8"):
        load_manifest(bad)


# -- editing ----------------------------------------------------------------------

COMMENTED = """\
# My project.
[package]
name = "app"   # the name
version = "0.1.0"

[dependencies]
json = "^1.2"  # parses JSON
# keep this comment
netx = { version = "~0.4" }
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "aura.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_add_dependency_keeps_comments_and_layout(tmp_path: Path) -> None:
    path = write(tmp_path, COMMENTED)
    m = add_dependency(path, "util", PurePosixPath("../util"))
    assert path.read_text(encoding="utf-8") == COMMENTED + 'util = { path = "../util" }\n'
    assert m.dependency("util") == Dependency("util", path="../util")
    add_dependency(path, "serde-ish", "^2.1")
    assert path.read_text(encoding="utf-8").endswith('serde-ish = "^2.1"\n')
    assert sorted(p.name for p in tmp_path.iterdir()) == ["aura.toml"]  # no temp files left


def test_add_dependency_replaces_an_existing_requirement_in_place(tmp_path: Path) -> None:
    path = write(tmp_path, COMMENTED)
    add_dependency(path, "json", "^1.3")
    assert path.read_text(encoding="utf-8") == COMMENTED.replace('"^1.2"', '"^1.3"')


def test_add_dev_dependency_creates_its_table(tmp_path: Path) -> None:
    path = write(tmp_path, COMMENTED)
    m = add_dependency(path, "testkit", "1", dev=True)
    assert path.read_text(encoding="utf-8") == COMMENTED + '\n[dev-dependencies]\ntestkit = "1"\n'
    assert m.dependency("testkit", dev=True) is not None


def test_add_dependency_to_a_file_without_final_newline(tmp_path: Path) -> None:
    path = write(tmp_path, MINIMAL.rstrip("\n"))
    add_dependency(path, "json", "1")
    assert path.read_text(encoding="utf-8") == MINIMAL + '\n[dependencies]\njson = "1"\n'


def test_add_dependency_keeps_the_file_mode(tmp_path: Path) -> None:
    path = write(tmp_path, MINIMAL)
    path.chmod(0o640)
    add_dependency(path, "json", "1")
    assert path.stat().st_mode & 0o777 == 0o640


@pytest.mark.parametrize(
    ("name", "requirement", "fragment"),
    [("Json", "1", "invalid package name"), ("json", "^^1", "requirement"), ("app", "1", "itself")],
)
def test_bad_additions_leave_the_file_untouched(
    tmp_path: Path, name: str, requirement: str, fragment: str
) -> None:
    path = write(tmp_path, COMMENTED)
    with pytest.raises(ManifestError, match=fragment):
        add_dependency(path, name, requirement)
    assert path.read_text(encoding="utf-8") == COMMENTED


def test_editing_a_malformed_manifest_is_an_error_with_a_line(tmp_path: Path) -> None:
    path = write(tmp_path, '[package]\nname = "app\n')
    with pytest.raises(ManifestError) as info:
        add_dependency(path, "json", "1")
    assert info.value.line == 2


def test_remove_dependency_keeps_the_rest(tmp_path: Path) -> None:
    path = write(tmp_path, COMMENTED)
    m = remove_dependency(path, "json")
    assert path.read_text(encoding="utf-8") == COMMENTED.replace(
        'json = "^1.2"  # parses JSON\n', ""
    )
    assert [d.name for d in m.dependencies] == ["netx"]


def test_remove_dependency_from_both_tables_and_by_import_name(tmp_path: Path) -> None:
    path = write(
        tmp_path, MINIMAL + '[dependencies]\nmy-lib = "1"\n[dev-dependencies]\nmy-lib = "1"\n'
    )
    m = remove_dependency(path, "my_lib")
    assert m.dependencies == () and m.dev_dependencies == ()


def test_removing_an_absent_dependency_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, COMMENTED)
    with pytest.raises(ManifestError, match="no dependency named `nope`"):
        remove_dependency(path, "nope")
    assert path.read_text(encoding="utf-8") == COMMENTED


# -- locating keys ----------------------------------------------------------------


def test_locator_follows_toml_constructs() -> None:
    text = (
        'a = """\n[not.a.table]\nx = 1\n"""\n'  # 1-4
        "[t]\n"  # 5
        '"quoted.key" = 1\n'  # 6
        "b.c = [\n  [1, 2],\n  { d = 3 },\n]\n"  # 7-10
        "[[arr]]\n"  # 11
        "e = 1\n"  # 12
        "[[arr]]\n"  # 13
        "# comment\n"  # 14
        "e = 'lit'\n"  # 15
        "[arr.sub]\n"  # 16
        "f = 2\n"  # 17
    )
    loc = Locator(text)
    assert loc.line(("a",)) == 1
    assert loc.line(("not",)) is None
    assert loc.line(("t", "quoted.key")) == 6
    assert loc.line(("t", "b", "c")) == 7
    assert loc.line(("t", "b", "c", 0)) == 8
    assert loc.line(("t", "b", "c", 1, "d")) == 9
    assert loc.line(("arr", 0, "e")) == 12
    assert loc.line(("arr", 1, "e")) == 15
    assert loc.line(("arr", 1, "sub", "f")) == 17
    assert loc.line(("arr", 1, "missing")) == 13  # falls back to the nearest ancestor
    assert loc.position(("t", "b", "c", 1, "d")) == (9, 5)


@pytest.mark.parametrize(
    "text", ['a = """\nx', "a = [\n  1", "a = [}", "a = { b = ] }", "[x", "'a"]
)
def test_locator_survives_broken_text(text: str) -> None:
    Locator(text).position(("a",))
