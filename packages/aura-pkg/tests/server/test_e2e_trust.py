"""Keys, owners and verification summaries through ``aura pkg`` and a real registry server.

A user logs in and ``aura pkg keygen --registry URL`` registers the key; after
``aura pkg key rotate`` only the new key can publish.  ``aura pkg owner add``
lets a second user yank.  ``aura pkg publish`` records the summary of the last
``aura verify``, which ``aura pkg install --require-verified`` checks.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner, Result
from registry_server import Running, serve, settings_for

from aura_core.cli import main as aura


def run(*args: str | Path, cwd: Path | None = None, code: int = 0) -> Result:
    """``aura ARGS`` in ``cwd``; it must exit with ``code`` and print no traceback."""
    previous = Path.cwd()
    try:
        if cwd is not None:
            os.chdir(cwd)
        result = CliRunner().invoke(aura, [str(a) for a in args])
    finally:
        os.chdir(previous)
    assert "Traceback" not in result.output, result.output
    assert result.exit_code == code, f"aura {' '.join(map(str, args))}:\n{result.output}"
    return result


@pytest.fixture
def registry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Running]:
    monkeypatch.setenv("AURA_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("AURA_CACHE_DIR", str(tmp_path / "cache"))
    for name in ("AURA_REGISTRY", "AURA_REGISTRY_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    with serve(settings_for(tmp_path / "storage")) as running:
        yield running


def library(root: Path, name: str, version: str, source: str) -> Path:
    project = root / f"{name}-{version}"
    project.mkdir()
    run("pkg", "init", name, "--lib", cwd=project)
    manifest = project / "aura.toml"
    manifest.write_text(manifest.read_text().replace('"0.1.0"', f'"{version}"'))
    (project / "src" / "lib.aura").write_text(source, encoding="utf-8")
    return project


PROVEN = """\
pub cell inc(x: i64) -> i64:
    requires x < 100
    ensures result == x + 1
    return x + 1
"""

UNPROVEN = """\
pub cell inc(x: i64) -> i64:
    ensures result == x + 1
    return x + 1
"""


def test_keys_rotate_and_owners_share_a_package(registry: Running, tmp_path: Path) -> None:
    url = registry.url
    run("pkg", "login", "--registry", url, "--token", registry.user("ada"))
    key_id = run("pkg", "keygen", "--registry", url).stdout.strip()
    again = run("pkg", "keygen", "--registry", url)
    assert again.stdout.strip() == key_id and "already registered" in again.stderr
    project = library(tmp_path, "tally", "0.1.0", PROVEN)
    run("pkg", "publish", "--registry", url, cwd=project)

    config = tmp_path / "config"
    shutil.copy(config / "signing-key.json", tmp_path / "old-key.json")
    rotated = run("pkg", "key", "rotate", "--registry", url)
    new_id = rotated.stdout.strip()
    assert new_id != key_id and f"{key_id[:16]}…, which is revoked" in rotated.stderr
    project = library(tmp_path, "tally", "0.2.0", PROVEN)
    run("pkg", "publish", "--registry", url, cwd=project)
    project = library(tmp_path, "tally", "0.3.0", PROVEN)
    old_key = tmp_path / "old-key.json"
    old = run("pkg", "publish", "--registry", url, "--key", old_key, cwd=project, code=1)
    assert old.stderr.startswith("error[E0911]: tally 0.3.0: registry")
    assert "(revoked_key)" in old.stderr
    # Both published versions stay installable: the old key was valid when 0.1.0 was logged.
    app = tmp_path / "app"
    app.mkdir()
    run("pkg", "init", "--app", cwd=app)
    run("pkg", "add", "tally@=0.1.0", "--registry", url, cwd=app)
    run("pkg", "lock", cwd=app)
    run("pkg", "install", cwd=app)

    bob = registry.user("bob")
    refused = run("pkg", "yank", "tally@0.1.0", "--registry", url, "--token", bob, code=1)
    assert "(not_owner)" in refused.stderr and "E0911" in refused.stderr
    run("pkg", "owner", "add", "tally", "bob", "--registry", url)
    assert run("pkg", "owner", "list", "tally", "--registry", url).stdout.split() == [
        "ada",
        "bob",
    ]
    run("pkg", "yank", "tally@0.1.0", "--registry", url, "--token", bob)
    run("pkg", "owner", "remove", "tally", "ada", "--registry", url, "--token", bob)
    assert run("pkg", "owner", "list", "tally", "--registry", url).stdout.split() == ["bob"]
    nobody = run("pkg", "owner", "add", "tally", "carol", "--registry", url, "--token", bob, code=1)
    assert "(unknown_user)" in nobody.stderr

    revoked = run("pkg", "key", "revoke", new_id, "--registry", url)
    assert "It is your signing key" in revoked.stderr
    project = library(tmp_path, "tally", "0.4.0", PROVEN)
    after = run("pkg", "publish", "--registry", url, "--token", bob, cwd=project, code=1)
    assert "E0911" in after.stderr


def test_require_verified_accepts_only_verified_publications(
    registry: Running, tmp_path: Path
) -> None:
    url = registry.url
    run("pkg", "login", "--registry", url, "--token", registry.user("ada"))
    run("pkg", "keygen", "--registry", url)
    proven = library(tmp_path, "good", "1.0.0", PROVEN)
    run("verify", "src/lib.aura", cwd=proven)
    published = run("pkg", "publish", "--registry", url, cwd=proven)
    assert "Verification summary: 1 verified" in published.stderr
    unproven = library(tmp_path, "bad", "1.0.0", UNPROVEN)
    run("verify", "src/lib.aura", cwd=unproven, code=1)
    published = run("pkg", "publish", "--registry", url, cwd=unproven)
    assert "Verification summary: 1 unverified" in published.stderr
    stale = library(tmp_path, "stale", "1.0.0", PROVEN)
    run("verify", "src/lib.aura", cwd=stale)
    (stale / "src" / "lib.aura").write_text(PROVEN + "\ncell extra() -> i64:\n    return 1\n")
    assert "2 unchecked" in run("pkg", "publish", "--registry", url, cwd=stale).stderr

    recorded = httpx.get(f"{url}/api/v1/index/good").json()["versions"][0]["verification"]
    assert recorded["cells"] == {"unchecked": 0, "unverified": 0, "verified": 1}
    assert recorded["verifier"].startswith("aura-verify ") and recorded["solver"].startswith("z3 ")

    app = tmp_path / "app"
    app.mkdir()
    run("pkg", "init", "--app", cwd=app)
    run("pkg", "add", "good@^1", "--registry", url, cwd=app)
    run("pkg", "lock", cwd=app)
    run("pkg", "install", "--require-verified", cwd=app)
    for name, summary in (("bad", "1 unverified"), ("stale", "2 unchecked")):
        run("pkg", "add", f"{name}@^1", cwd=app)
        run("pkg", "lock", cwd=app)
        refused = run("pkg", "install", "--require-verified", cwd=app, code=1)
        assert f"{name} 1.0.0: not fully verified ({summary})" in refused.stderr
        run("pkg", "remove", name, cwd=app)
        run("pkg", "lock", cwd=app)
