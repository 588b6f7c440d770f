"""Path dependencies and the other corners of locking a project (``aura_pkg.project``).

Path packages are found on disk transitively, each one's own path
dependencies relative to its own directory; every way a path can be wrong is
an error naming the manifest and the key.  No registry is needed while every
dependency is a path dependency.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from aura_pkg.cli import pkg
from aura_pkg.lockfile import LockedPackage, Lockfile, read_lockfile, write_lockfile
from aura_pkg.project import lock_changes, lock_registry
from aura_pkg.versions import Version


def run(*args: str | Path, code: int = 0) -> Result:
    result = CliRunner().invoke(pkg, [str(a) for a in args])
    assert "Traceback" not in result.output, result.output
    assert result.exit_code == code, f"exit {result.exit_code}:\n{result.output}"
    return result


def package(directory: Path, name: str, version: str = "0.1.0", deps: str = "") -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    text = f'[package]\nname = "{name}"\nversion = "{version}"\n\n[dependencies]\n{deps}'
    (directory / "aura.toml").write_text(text, encoding="utf-8")
    (directory / "src").mkdir(exist_ok=True)
    (directory / "src" / "lib.aura").write_text(f"# {name}\n", encoding="utf-8")
    return directory


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("AURA_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("AURA_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("AURA_REGISTRY", raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_path_dependencies_are_followed_transitively_without_a_registry(home: Path) -> None:
    package(home / "libs" / "inner", "inner", "0.3.0")
    package(home / "libs" / "outer", "outer", deps='inner = { path = "../inner" }\n')
    app = package(home / "app", "app", deps='outer = { path = "../libs/outer" }\n')
    run("install", "--project", app)
    lock = read_lockfile(app / "aura.lock")
    assert [(p.name, p.source) for p in lock.packages] == [
        ("inner", "path+../libs/inner"),
        ("outer", "path+../libs/outer"),
    ]
    index = (app / ".aura/deps/index.toml").read_text()
    assert 'inner = { package = "inner", version = "0.3.0", root = "../libs/inner/src" }' in index
    assert run("tree", "--project", app).stdout.splitlines() == [
        "app 0.1.0",
        "└── outer 0.1.0 (path ../libs/outer)",
        "    └── inner 0.3.0 (path ../libs/inner)",
    ]


def test_a_missing_path(home: Path) -> None:
    app = package(home / "app", "app", deps='gone = { path = "../gone" }\n')
    result = run("lock", "--project", app, code=1)
    first = result.stderr.splitlines()[0]
    assert first.startswith("error[E0902]: `dependencies.gone.path`: path dependency `gone`: no")
    assert not (app / "aura.lock").exists()


def test_a_path_holding_another_package(home: Path) -> None:
    package(home / "util", "tools")
    app = package(home / "app", "app", deps='util = { path = "../util" }\n')
    result = run("lock", "--project", app, code=1)
    assert "the package in" in result.stderr and "is `tools`" in result.stderr


def test_one_name_at_two_paths(home: Path) -> None:
    package(home / "one" / "util", "util")
    package(home / "two" / "util", "util")
    package(home / "mid", "mid", deps='util = { path = "../two/util" }\n')
    deps = 'mid = { path = "../mid" }\nutil = { path = "../one/util" }\n'
    app = package(home / "app", "app", deps=deps)
    result = run("lock", "--project", app, code=1)
    assert "path dependency `util` is at ../two/util here, but at ../one/util" in result.stderr


def test_a_path_package_must_meet_its_requirement(home: Path) -> None:
    package(home / "util", "util", "0.1.0")
    app = package(home / "app", "app", deps='util = { path = "../util", version = "^2" }\n')
    result = run("lock", "--project", app, code=1)
    assert result.stderr.startswith("error: no versions of the dependencies")
    assert "util" in result.stderr


def test_a_dependency_and_dev_dependency_must_both_hold(home: Path) -> None:
    package(home / "util", "util", "1.5.0")
    deps = 'util = { path = "../util", version = ">=1" }\n\n[dev-dependencies]\n'
    app = package(home / "app", "app", deps=deps + 'util = { path = "../util" }\n')
    run("lock", "--project", app)
    assert [str(p.version) for p in read_lockfile(app / "aura.lock").packages] == ["1.5.0"]


def test_a_registry_dependency_without_a_registry(home: Path) -> None:
    app = package(home / "app", "app", deps='json = "^1"\n')
    result = run("lock", "--project", app, code=1)
    assert result.stderr.startswith(
        "error[E0909]: json: a registry package is needed but no registry was given"
    )


def _locked(name: str, version: str, registry: str) -> LockedPackage:
    return LockedPackage(
        name, Version.parse(version), f"registry+{registry}", "sha256:" + "0" * 64, 0
    )


def test_a_lock_file_from_several_registries(home: Path) -> None:
    app = package(home / "app", "app", deps='a = "^1"\nb = "^1"\n')
    lock = Lockfile(
        (_locked("a", "1.0.0", "file:///r1"), _locked("b", "1.0.0", "https://r2.example"))
    )
    write_lockfile(app / "aura.lock", lock)
    result = run("install", "--project", app, code=1)
    assert "packages are locked from several registries" in result.stderr
    with pytest.raises(Exception, match="several registries"):
        lock_registry(lock)


def test_lock_changes_name_every_kind_of_change() -> None:
    old = Lockfile((_locked("a", "1.0.0", "file:///r"), _locked("b", "1.0.0", "file:///r")))
    new = Lockfile((_locked("b", "1.1.0", "file:///r"), _locked("c", "0.1.0", "file:///r")))
    assert [str(c) for c in lock_changes(old, new)] == [
        "Removed a 1.0.0",
        "Updated b 1.0.0 -> 1.1.0",
        "Added c 0.1.0",
    ]
    assert lock_changes(new, new) == []
