"""Where a registry comes from: never from a lock file alone (Cargo's rule).

The attack this guards against: a lock file edited to name an attacker's
registry used to install the attacker's package silently, pin that registry's
root key on first use, and receive the publisher's token on ``publish``.  A lock
file may only name a registry the user named too — on the command line, as
``package.registry`` in ``aura.toml``, or in ``config.toml`` — and the
environment's token belongs to one registry only.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_cli import World, home, locked, run, world, write_package

from aura_pkg.config import open_config
from aura_pkg.manifest import load_manifest

__all__ = ["home", "world"]  # fixtures, used by name


def _snapshot(root: Path) -> dict[str, bytes]:
    """Every file below ``root`` with its bytes: what an attack must leave alone."""
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


@pytest.fixture
def project(world: World, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An app locked and installed from the world's registry, named only by --registry."""
    app = world.app(deps={"c": "*"})
    monkeypatch.delenv("AURA_REGISTRY")
    run("add", "c", "--registry", world.url, "--project", app)
    run("install", "--project", app)
    return app


def _attacker(world: World) -> str:
    """A second registry with its own root key and its own package `c`."""
    url = run("init-registry", world.tmp / "evil").stdout.strip()
    run("keygen", "--force", "--registry", url, "--owner", "mallory")
    evil = write_package(world.tmp / "evil-c", "c", "0.3.0", extra='description = "backdoor"')
    run("publish", "--registry", url, "--project", evil)
    return url


def test_add_records_a_registry_nobody_else_names(project: Path, world: World) -> None:
    assert load_manifest(project / "aura.toml").package.registry == world.url
    run("install", "--project", project)  # named by aura.toml now: no --registry needed


def test_a_lock_rewritten_to_another_registry_is_refused_and_nothing_changes(
    project: Path, world: World
) -> None:
    evil = _attacker(world)
    lock = project / "aura.lock"
    lock.write_text(lock.read_text().replace(world.url, evil))
    (project / "aura.toml").write_text(
        (project / "aura.toml").read_text().replace(f'registry = "{world.url}"\n', "")
    )
    before = _snapshot(project)
    cache_before = _snapshot(world.tmp / "cache")
    for command in (("install",), ("lock",), ("publish",)):
        result = run(*command, "--project", project, code=1)
        assert "error[E0904]" in result.stderr and evil in result.stderr, result.stderr
        assert "a lock file cannot choose a registry" in result.stderr
    assert _snapshot(project) == before
    assert _snapshot(world.tmp / "cache") == cache_before  # no root key pinned for it


def test_a_lock_may_name_a_registry_the_configuration_names(project: Path, world: World) -> None:
    (project / "aura.toml").write_text(
        (project / "aura.toml").read_text().replace(f'registry = "{world.url}"\n', "")
    )
    config = open_config()
    config.prepare()
    config.config_file.write_text(f'registry = "{world.url}"\n')
    run("install", "--project", project)
    assert locked(project) == {"c": "0.3.0"}


def test_the_environment_token_belongs_to_one_registry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = open_config(tmp_path / "config")
    env = {"AURA_REGISTRY_TOKEN": "s3cret", "AURA_REGISTRY": "https://ours.example"}
    assert config.token("https://ours.example", env) == "s3cret"
    assert config.token("https://evil.example", env) is None
    config.store_token("https://evil.example", "stored")
    assert config.token("https://evil.example", env) == "stored"
    assert config.token("https://ours.example", {"AURA_REGISTRY_TOKEN": "s3cret"}) is None
    config.config_file.write_text('registry = "https://ours.example/"\n')
    assert config.token("https://ours.example", {"AURA_REGISTRY_TOKEN": "s3cret"}) == "s3cret"
