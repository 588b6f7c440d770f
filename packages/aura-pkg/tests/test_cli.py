"""``aura pkg``: every command's happy path and its failures, through click's test runner.

Each test gets a file registry, a configuration directory and a cache of its
own under ``tmp_path`` (``AURA_CONFIG_DIR``, ``AURA_CACHE_DIR``), and runs in a
working directory there.  A failure must exit 1 with one first line naming the
package and the cause, a usage error 2, and no command may print a traceback.
"""

from __future__ import annotations

import json
import os
import re
import stat
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from aura_pkg.cli import pkg
from aura_pkg.lockfile import read_lockfile
from aura_pkg.manifest import load_manifest

COMMANDS = (
    "init",
    "add",
    "remove",
    "lock",
    "update",
    "install",
    "tree",
    "search",
    "publish",
    "yank",
    "keygen",
    "key",
    "login",
    "owner",
    "init-registry",
)


def run(*args: str | Path, code: int = 0, input: str | None = None) -> Result:
    """Run ``aura pkg ARGS`` and check its exit status; never a traceback."""
    result = CliRunner().invoke(pkg, [str(a) for a in args], input=input)
    assert "Traceback" not in result.output, result.output
    assert result.exit_code == code, f"exit {result.exit_code}:\n{result.output}"
    return result


def write_package(
    directory: Path,
    name: str,
    version: str = "1.0.0",
    deps: Mapping[str, str] | None = None,
    *,
    app: bool = False,
    extra: str = "",
) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    lines = ["[package]", f'name = "{name}"', f'version = "{version}"', extra, "[dependencies]"]
    lines += [f'{d} = "{r}"' for d, r in sorted((deps or {}).items())]
    (directory / "aura.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (directory / "src").mkdir(exist_ok=True)
    root = "main.aura" if app else "lib.aura"
    (directory / "src" / root).write_text(f"# {name} {version}\n", encoding="utf-8")
    return directory


@dataclass
class World:
    tmp: Path
    url: str

    def publish(
        self, name: str, version: str = "1.0.0", deps: Mapping[str, str] | None = None
    ) -> None:
        source = write_package(self.tmp / "published" / f"{name}-{version}", name, version, deps)
        run("publish", "--project", source)

    def app(self, name: str = "app", deps: Mapping[str, str] | None = None) -> Path:
        return write_package(self.tmp / name, name, "0.1.0", deps, app=True)


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Configuration and cache under ``tmp_path``, no registry configured, cwd ``tmp_path``."""
    monkeypatch.setenv("AURA_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("AURA_CACHE_DIR", str(tmp_path / "cache"))
    for name in ("AURA_REGISTRY", "AURA_REGISTRY_TOKEN", "NO_COLOR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def world(home: Path, monkeypatch: pytest.MonkeyPatch) -> World:
    """A file registry (the default through AURA_REGISTRY) and a registered signing key."""
    url = run("init-registry", home / "registry").stdout.strip()
    monkeypatch.setenv("AURA_REGISTRY", url)
    run("keygen", "--registry", url, "--owner", "ada")
    w = World(home, url)
    w.publish("b", "2.0.0")
    w.publish("b", "2.1.0")
    w.publish("a", "1.0.0", {"b": "^2"})
    w.publish("c", "0.3.0")
    return w


def locked(project: Path) -> dict[str, str]:
    return {p.name: str(p.version) for p in read_lockfile(project / "aura.lock").packages}


# -- help and usage ---------------------------------------------------------------------


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(command: str) -> None:
    result = run(command, "--help")
    assert result.output.startswith(f"Usage: pkg {command}")


def test_the_group_lists_every_command() -> None:
    output = run("--help").output
    for command in COMMANDS:
        assert f"  {command} " in output


def test_usage_errors_exit_2(world: World) -> None:
    run("add", code=2)
    run("add", "Bad_Name", code=2)
    assert "invalid version requirement" in run("add", "a@>>1", code=2).output
    run("yank", "a", code=2)
    run("yank", "a@one", code=2)
    run("install", "--jobs", "0", code=2)
    run("init", "--lib", "--app", code=2)


# -- init ----------------------------------------------------------------------------------


def test_init_creates_a_library_named_after_the_directory(home: Path) -> None:
    project = home / "My_Lib"
    run("init", "--lib", "--project", project)
    manifest = load_manifest(project)
    assert (manifest.name, str(manifest.version)) == ("my-lib", "0.1.0")
    assert "pub pure cell greeting" in (project / "src/lib.aura").read_text()
    assert (project / ".gitignore").read_text() == "/.aura/\n"


def test_init_creates_an_application_in_the_current_directory(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (home / "tool").mkdir()
    monkeypatch.chdir(home / "tool")
    result = run("init", "cli-tool")
    assert "Created application package `cli-tool`" in result.stderr
    assert load_manifest(home / "tool").name == "cli-tool"
    assert "cell main()" in (home / "tool/src/main.aura").read_text()


def test_init_refuses_an_existing_package_and_bad_names(home: Path) -> None:
    run("init", "--project", home / "p")
    result = run("init", "--project", home / "p", code=1)
    assert "aura.toml already exists" in result.stderr
    assert "reserved word" in run("init", "match", "--project", home / "q", code=2).output
    run("init", "--project", home / "9lives", code=2)


# -- add, remove ------------------------------------------------------------------------


def test_add_requires_the_newest_version_and_keeps_comments(world: World) -> None:
    project = world.app()
    manifest = project / "aura.toml"
    manifest.write_text(manifest.read_text() + "# keep me\n", encoding="utf-8")
    result = run("add", "a", "--project", project)
    assert "Added a (^1.0.0) to [dependencies]" in result.stderr
    text = manifest.read_text()
    assert 'a = "^1.0.0"' in text and "# keep me" in text
    assert locked(project) == {"a": "1.0.0", "b": "2.1.0"}


def test_add_with_a_requirement_and_as_a_dev_dependency(world: World) -> None:
    project = world.app()
    run("add", "b@=2.0.0", "--project", project)
    run("add", "c", "--dev", "--project", project)
    manifest = load_manifest(project)
    b = manifest.dependency("b")
    assert b is not None and str(b.requirement) == "=2.0.0"
    assert manifest.dependency("c", dev=True) is not None
    assert locked(project) == {"b": "2.0.0", "c": "0.3.0"}


def test_add_a_path_dependency(world: World) -> None:
    write_package(world.tmp / "util", "util", "0.2.0", {"c": "^0.3"})
    project = world.app()
    run("add", "--path", world.tmp / "util", "--project", project)
    assert 'util = { path = "../util" }' in (project / "aura.toml").read_text()
    lock = read_lockfile(project / "aura.lock")
    util = lock.get("util")
    assert util is not None and util.source == "path+../util"
    assert locked(project) == {"c": "0.3.0", "util": "0.2.0"}
    result = run("add", "other", "--path", world.tmp / "util", "--project", project, code=1)
    assert "is `util`, not `other`" in result.stderr


def test_add_an_unknown_package(world: World) -> None:
    project = world.app()
    before = (project / "aura.toml").read_bytes()
    result = run("add", "nope", "--project", project, code=1)
    assert result.stderr.splitlines()[0] == (
        f"error[E0909]: nope: no package named `nope` in registry {world.url}"
    )
    assert (project / "aura.toml").read_bytes() == before


def test_add_an_impossible_requirement_prints_the_derivation(world: World) -> None:
    world.publish("x", "1.0.0", {"c": "^1"})
    world.publish("c", "1.0.0")
    world.publish("y", "1.0.0", {"c": "^0.3"})
    project = world.app()
    run("add", "x", "--project", project)
    before = (project / "aura.toml").read_bytes()
    lock_before = (project / "aura.lock").read_bytes()
    result = run("add", "y", "--project", project, code=1)
    lines = result.stderr.splitlines()
    assert lines[0] == "error: no versions of the dependencies can satisfy every requirement"
    assert any(line.startswith("  Because ") for line in lines)
    assert "app cannot be built" in result.stderr
    assert (project / "aura.toml").read_bytes() == before
    assert (project / "aura.lock").read_bytes() == lock_before


def test_add_offline_names_what_is_missing(world: World) -> None:
    project = world.app()
    result = run("add", "a", "--offline", "--project", project, code=1)
    assert result.stderr.splitlines()[0] == (
        f"error[E0909]: a: offline: the index of `a` from registry {world.url} is not in "
        "the cache; run without --offline to fetch it"
    )
    run("add", "a", "--project", project)
    run("add", "c", "--offline", "--project", project, code=1)
    run("remove", "a", "--offline", "--project", project)


def test_add_without_a_registry(home: Path) -> None:
    project = write_package(home / "app", "app", app=True)
    result = run("add", "a", "--project", project, code=1)
    assert result.stderr.startswith("error: no registry given")
    assert "help: pass --registry URL" in result.stderr


def test_remove_drops_what_nothing_needs(world: World) -> None:
    project = world.app(deps={"a": "^1", "c": "^0.3"})
    run("lock", "--project", project)
    text = (project / "aura.toml").read_text().replace('c = "^0.3"', 'c = "^0.3"  # soon gone')
    (project / "aura.toml").write_text("# top comment\n" + text, encoding="utf-8")
    result = run("remove", "a", "--project", project)
    assert "Removed a 1.0.0" in result.stderr and "Removed b 2.1.0" in result.stderr
    assert locked(project) == {"c": "0.3.0"}
    assert (project / "aura.toml").read_text().startswith("# top comment\n")
    assert "no dependency named `zzz`" in run("remove", "zzz", "--project", project, code=1).stderr


# -- lock, update -------------------------------------------------------------------------


def test_lock_is_deterministic_and_keeps_locked_versions(world: World) -> None:
    project = world.app(deps={"a": "^1"})
    run("lock", "--project", project)
    first = (project / "aura.lock").read_bytes()
    world.publish("b", "2.2.0")
    assert "aura.lock is up to date" in run("lock", "--project", project).stderr
    assert (project / "aura.lock").read_bytes() == first
    run("lock", "--check", "--project", project)


def test_lock_check_fails_when_out_of_date(world: World) -> None:
    project = world.app(deps={"a": "^1"})
    assert "no aura.lock" in run("lock", "--check", "--project", project, code=1).stderr
    run("lock", "--project", project)
    text = (project / "aura.toml").read_text() + 'c = "^0.3"\n'
    (project / "aura.toml").write_text(text, encoding="utf-8")
    result = run("lock", "--check", "--project", project, code=1)
    assert "aura.lock is out of date: Added c 0.3.0" in result.stderr
    assert "c" not in locked(project)


def test_update_one_package_keeps_the_others(world: World) -> None:
    project = world.app(deps={"a": "^1", "c": "^0.3"})
    run("lock", "--project", project)
    world.publish("b", "2.2.0")
    world.publish("c", "0.3.1")
    result = run("update", "b", "--project", project)
    assert "Updated b 2.1.0 -> 2.2.0" in result.stderr
    assert locked(project) == {"a": "1.0.0", "b": "2.2.0", "c": "0.3.0"}
    run("update", "--project", project)
    assert locked(project)["c"] == "0.3.1"
    result = run("update", "nope", "--project", project, code=1)
    assert "`nope` is neither a dependency" in result.stderr


def test_a_malformed_manifest_names_file_line_and_key(world: World) -> None:
    project = world.app()
    (project / "aura.toml").write_text('[package]\nname = "app"\nversion = 1\n', encoding="utf-8")
    result = run("lock", "--project", project, code=1)
    assert result.stderr.splitlines()[0] == (
        "error[E0902]: `package.version`: expected a string, found an integer"
    )
    assert f"--> {os.path.relpath(project / 'aura.toml')}:3:1\n" in result.stderr


def test_an_unknown_manifest_key_is_a_warning(world: World) -> None:
    project = world.app(deps={"c": "^0.3"})
    manifest = project / "aura.toml"
    text = manifest.read_text().replace("[dependencies]", "colour = 1\n[dependencies]")
    (project / "aura.toml").write_text(text, encoding="utf-8")
    result = run("lock", "--project", project)
    assert "warning[W0901]: `package.colour`: unknown key `colour`" in result.stderr


def test_the_project_is_found_from_a_subdirectory(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = world.app(deps={"c": "^0.3"})
    monkeypatch.chdir(project / "src")
    run("lock")
    assert locked(project) == {"c": "0.3.0"}
    monkeypatch.chdir(world.tmp)
    result = run("lock", code=1)
    assert "no aura.toml in" in result.stderr and "aura pkg init" in result.stderr


# -- install, tree -------------------------------------------------------------------------


def test_install_locks_first_then_is_a_no_op(world: World) -> None:
    project = world.app(deps={"a": "^1"})
    result = run("install", "--project", project)
    assert "Locked 2 packages" in result.stderr
    assert "Installed 2 packages into .aura/deps" in result.stderr
    assert (project / ".aura/deps/a-1.0.0/aura.toml").is_file()
    assert (project / ".aura/deps/index.toml").is_file()
    assert "Already up to date (2 packages)" in run("install", "--project", project).stderr


def test_install_honours_the_lock_file_exactly(world: World) -> None:
    project = world.app(deps={"a": "^1"})
    run("lock", "--project", project)
    world.publish("b", "2.2.0")
    run("install", "--jobs", "1", "--project", project)
    assert sorted(p.name for p in (project / ".aura/deps").iterdir()) == [
        "a-1.0.0",
        "b-2.1.0",
        "index.toml",
        "installed.json",
    ]


def test_install_offline_names_the_missing_archive(world: World) -> None:
    first = world.app("first", {"c": "^0.3"})
    run("install", "--project", first)
    second = world.app("second", {"c": "^0.3"})
    run("lock", "--offline", "--project", second)
    for archive in (world.tmp / "cache" / "archives").rglob("*"):
        if archive.is_file():
            archive.unlink()
    result = run("install", "--offline", "--project", second, code=1)
    first_line = result.stderr.splitlines()[0]
    assert first_line.startswith("error[E0909]: c 0.3.0: offline: the archive (sha256:")
    assert not (second / ".aura" / "deps").exists()


def test_install_refuses_a_lock_that_does_not_fit(world: World) -> None:
    project = world.app(deps={"a": "^1"})
    run("lock", "--project", project)
    text = (project / "aura.toml").read_text().replace('a = "^1"', 'a = "^1"\nc = "^0.3"')
    (project / "aura.toml").write_text(text, encoding="utf-8")
    result = run("install", "--project", project, code=1)
    assert "the lock file has no version of `c`" in result.stderr
    assert "run `aura pkg lock`" in result.stderr


def test_install_reports_a_malformed_lock_file(world: World) -> None:
    project = world.app(deps={"a": "^1"})
    run("lock", "--project", project)
    lock = project / "aura.lock"
    lock.write_text(re.sub(r"log_index = (\d+)", r'log_index = "\1"', lock.read_text()))
    result = run("install", "--project", project, code=1)
    assert result.stderr.startswith("error[E0904]: `package[0].log_index`: expected an integer")


def test_install_require_verified_refuses_unverified_packages(world: World) -> None:
    project = world.app(deps={"c": "^0.3"})
    result = run("install", "--require-verified", "--project", project, code=1)
    assert "c 0.3.0: not fully verified (no summary)" in result.stderr


def test_install_detects_a_tampered_registry(world: World) -> None:
    project = world.app(deps={"c": "^0.3"})
    run("lock", "--project", project)
    archive = world.tmp / "registry" / "archives" / "c-0.3.0.tar.gz"
    archive.write_bytes(archive.read_bytes()[:-10])
    result = run("install", "--project", project, code=1)
    assert result.stderr.startswith("error[E0906]: c 0.3.0:")
    assert not (project / ".aura" / "deps").exists()


def test_an_unreachable_registry(home: Path) -> None:
    project = write_package(home / "app", "app", app=True)
    missing = (home / "nowhere").as_uri()
    result = run("add", "a", "--registry", missing, "--project", project, code=1)
    assert f"registry {missing} does not exist" in result.stderr.splitlines()[0]


def test_tree_shows_shared_dependencies_once(world: World) -> None:
    world.publish("d", "1.0.0", {"b": "^2"})
    project = world.app(deps={"a": "^1", "d": "^1"})
    run("lock", "--project", project)
    run("add", "c", "--dev", "--project", project)
    assert run("tree", "--project", project).stdout.splitlines() == [
        "app 0.1.0",
        "├── a 1.0.0",
        "│   └── b 2.1.0",
        "└── d 1.0.0",
        "    └── b 2.1.0",
        "[dev-dependencies]",
        "└── c 0.3.0",
    ]


def test_tree_needs_a_lock_file(world: World) -> None:
    project = world.app(deps={"a": "^1"})
    assert "no aura.lock" in run("tree", "--project", project, code=1).stderr


# -- search, publish, yank -----------------------------------------------------------------


def test_search(world: World) -> None:
    assert run("search", "b").stdout.splitlines() == ["b 2.1.0"]
    assert "no packages match 'zzz'" in run("search", "zzz").stderr


def test_publish_is_reproducible_and_refuses_a_second_time(world: World) -> None:
    source = write_package(world.tmp / "lib", "lib", "0.1.0")
    dry = run("publish", "--dry-run", "--project", source).stderr
    checksum = dry.split(", ")[1].split()[0]
    result = run("publish", "--project", source)
    assert f"Published lib 0.1.0 to {world.url} (log index 4, {checksum})" in result.stderr
    index = json.loads((world.tmp / "registry/index/lib.json").read_text())
    assert index["versions"][0]["checksum"] == checksum
    again = run("publish", "--project", source, code=1)
    assert "lib: version 0.1.0 is already in registry" in again.stderr


def test_publish_refuses_path_dependencies(world: World) -> None:
    write_package(world.tmp / "util", "util")
    source = write_package(world.tmp / "lib", "lib")
    run("add", "--path", world.tmp / "util", "--project", source)
    result = run("publish", "--project", source, code=1)
    assert "lib 1.0.0: dependency `util` is a path dependency" in result.stderr


def test_publish_needs_a_registered_key(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    source = write_package(world.tmp / "lib", "lib")
    monkeypatch.setenv("AURA_CONFIG_DIR", str(world.tmp / "other-config"))
    result = run("publish", "--project", source, code=1)
    assert result.stderr.startswith("error: no signing key in")
    assert "aura pkg keygen" in result.stderr
    monkeypatch.delenv("AURA_REGISTRY")
    run("keygen")  # not registered: no registry given
    result = run("publish", "--registry", world.url, "--project", source, code=1)
    assert "which is not in the key list" in result.stderr.splitlines()[0]


def test_publish_to_an_http_registry_needs_a_token(world: World) -> None:
    source = write_package(world.tmp / "lib", "lib")
    result = run("publish", "--registry", "https://registry.invalid", "--project", source, code=1)
    assert "needs an API token (aura pkg login, or AURA_REGISTRY_TOKEN" in result.stderr


def test_yank_and_undo(world: World) -> None:
    project = world.app(deps={"c": "*"})
    world.publish("c", "0.4.0")
    assert "Yanked c 0.4.0" in run("yank", "c@0.4.0").stderr
    run("lock", "--project", project)
    assert locked(project) == {"c": "0.3.0"}
    run("yank", "c@0.4.0", "--undo")
    run("update", "--project", project)
    assert locked(project) == {"c": "0.4.0"}
    result = run("yank", "c@9.9.9", code=1)
    assert "c 9.9.9: registry" in result.stderr and "has no such version" in result.stderr


# -- keygen, login, init-registry ------------------------------------------------------------


def test_keygen_writes_a_private_key_only_its_owner_can_read(home: Path) -> None:
    key_id = run("keygen").stdout.strip()
    private = home / "config" / "signing-key.json"
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    assert json.loads(private.read_text())["key_id"] == key_id
    public = json.loads((home / "config" / "signing-key.pub.json").read_text())
    assert public["key_id"] == key_id and "private_key" not in public
    assert "a signing key exists already" in run("keygen", code=1).stderr
    assert run("keygen", "--force").stdout.strip() != key_id


def test_keygen_registers_an_existing_key_once(home: Path) -> None:
    url = run("init-registry", home / "registry").stdout.strip()
    key_id = run("keygen").stdout.strip()
    registered = run("keygen", "--registry", url, "--owner", "ada")
    assert "Registered key" in registered.stderr and registered.stdout.strip() == key_id
    assert "already registered" in run("keygen", "--registry", url).stderr
    keys = json.loads((home / "registry" / "keys.json").read_text())["keys"]
    assert [(k["key_id"], k["owner"]) for k in keys] == [(key_id, "ada")]
    http = run("keygen", "--registry", "https://registry.invalid", code=1).stderr
    assert "registering a key with registry https://registry.invalid needs an API token" in http
    assert "aura pkg login --registry https://registry.invalid" in http


def test_login_stores_the_token_privately(home: Path) -> None:
    run("login", "--registry", "https://Registry.Example.org/", input="s3cret\n")
    credentials = home / "config" / "credentials.toml"
    assert stat.S_IMODE(credentials.stat().st_mode) == 0o600
    assert '"https://registry.example.org" = "s3cret"' in credentials.read_text()
    run("login", "--registry", "https://other.example.org", "--token", "t2")
    assert "s3cret" in credentials.read_text() and "t2" in credentials.read_text()
    run("login", "--registry", "https://x.example.org", "--token", "two words", code=2)


def test_login_refuses_a_file_registry_and_needs_a_registry(home: Path) -> None:
    url = (home / "registry").as_uri()
    assert "needs no token" in run("login", "--registry", url, "--token", "t", code=1).stderr
    assert "no registry given" in run("login", "--token", "t", code=1).stderr


def test_init_registry_refuses_a_non_empty_directory(home: Path) -> None:
    (home / "full").mkdir()
    (home / "full" / "file").write_text("x")
    result = run("init-registry", home / "full", code=1)
    assert "the directory is not empty" in result.stderr


def test_the_default_registry_comes_from_config(home: Path) -> None:
    url = run("init-registry", home / "registry").stdout.strip()
    run("keygen", "--registry", url)
    (home / "config" / "config.toml").write_text(f'registry = "{url}"\n', encoding="utf-8")
    source = write_package(home / "lib", "lib")
    run("publish", "--project", source)
    assert run("search", "lib").stdout.startswith("lib 1.0.0")
    (home / "config" / "config.toml").write_text("registry = [\n", encoding="utf-8")
    result = run("search", "lib", code=1)
    assert result.stderr.startswith("error[E0901]:") and "config.toml" in result.stderr


def test_a_configured_root_key_must_match(world: World) -> None:
    project = world.app(deps={"c": "^0.3"})
    other = "A" * 43 + "="
    config = world.tmp / "config" / "config.toml"
    config.write_text(f'[registries."{world.url}"]\nroot-key = "{other}"\n', encoding="utf-8")
    result = run("install", "--project", project, code=1)
    assert "but the root key" in result.stderr and "is configured" in result.stderr


def test_no_file_is_left_half_written_on_failure(world: World) -> None:
    project = world.app(deps={"c": "^0.3"})
    run("install", "--project", project)
    before = sorted(os.listdir(project / ".aura" / "deps"))
    text = (project / "aura.toml").read_text().replace('c = "^0.3"', 'c = "^0.3"\nnope = "1"')
    (project / "aura.toml").write_text(text, encoding="utf-8")
    run("lock", "--project", project, code=1)
    run("install", "--project", project, code=1)
    assert sorted(os.listdir(project / ".aura" / "deps")) == before
