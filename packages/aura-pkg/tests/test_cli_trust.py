"""``aura pkg key``, ``owner`` and publish's verification summary on a file registry."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from aura_core.proofs import CellProofs, ModuleProofs, ProofFile, source_hash, write_proofs
from aura_pkg.cli import pkg

LIB = "pub cell one() -> i64:\n    return 1\n"


def run(*args: str | Path, code: int = 0) -> Result:
    result = CliRunner().invoke(pkg, [str(a) for a in args])
    assert "Traceback" not in result.output, result.output
    assert result.exit_code == code, f"exit {result.exit_code}:\n{result.output}"
    return result


@pytest.fixture
def url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("AURA_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("AURA_CACHE_DIR", str(tmp_path / "cache"))
    for name in ("AURA_REGISTRY", "AURA_REGISTRY_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    registry = run("init-registry", tmp_path / "registry").stdout.strip()
    monkeypatch.setenv("AURA_REGISTRY", registry)
    return registry


def library(tmp_path: Path, version: str, *, verified: bool | None = None) -> Path:
    root = tmp_path / f"lib-{version}"
    (root / "src").mkdir(parents=True)
    (root / "aura.toml").write_text(f'[package]\nname = "lib"\nversion = "{version}"\n')
    (root / "src" / "lib.aura").write_text(LIB)
    if verified is not None:
        module = ModuleProofs(
            ("lib",), "src/lib.aura", source_hash(LIB), (CellProofs("one", verified, ()),)
        )
        proof = ProofFile("aura-verify 0.1.0; z3 4.13.0", (module,))
        write_proofs(root / ".aura" / "cache" / "proven.json", proof)
    return root


def keys(tmp_path: Path) -> dict[str, dict[str, object]]:
    listed = json.loads((tmp_path / "registry" / "keys.json").read_text())["keys"]
    return {k["key_id"]: k for k in listed}


def test_rotate_on_a_file_registry_revokes_the_old_key(tmp_path: Path, url: str) -> None:
    old = run("keygen", "--registry", url, "--owner", "ada").stdout.strip()
    run("publish", "--project", library(tmp_path, "1.0.0"))
    shutil.copy(tmp_path / "config" / "signing-key.json", tmp_path / "old.json")
    new = run("key", "rotate").stdout.strip()
    listed = keys(tmp_path)
    assert listed[old]["revoked_at"] == 1 and listed[new]["valid_from"] == 1
    assert listed[new]["owner"] == "ada"
    run("publish", "--project", library(tmp_path, "1.1.0"))
    refused = run(
        "publish", "--key", tmp_path / "old.json", "--project", library(tmp_path, "2.0.0"), code=1
    )
    assert refused.stderr.startswith("error[E0906]:") and "revoked" in refused.stderr
    assert not (tmp_path / "config" / "signing-key.json.new").exists()


def test_rotate_needs_a_registered_key_and_keeps_the_old_one_if_refused(
    tmp_path: Path, url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert "no signing key" in run("key", "rotate", code=1).stderr
    monkeypatch.delenv("AURA_REGISTRY")
    old = run("keygen").stdout.strip()  # not registered anywhere
    refused = run("key", "rotate", "--registry", url, code=1)
    assert f"key {old[:16]}… is not in the key list" in refused.stderr
    saved = json.loads((tmp_path / "config" / "signing-key.json").read_text())
    assert saved["key_id"] == old and keys(tmp_path) == {}


def test_revoke_on_a_file_registry(tmp_path: Path, url: str) -> None:
    key_id = run("keygen", "--registry", url).stdout.strip()
    revoked = run("key", "revoke", key_id)
    assert f"Revoked key {key_id[:16]}…" in revoked.stderr and "your signing key" in revoked.stderr
    assert keys(tmp_path)[key_id]["revoked_at"] == 0
    assert "64 lowercase hex" in run("key", "revoke", "abc", code=2).output
    missing = run("key", "revoke", "0" * 64, code=1)
    assert missing.stderr.startswith("error[E0906]:") and "not in the key list" in missing.stderr


def test_owners_are_refused_for_a_file_registry(url: str) -> None:
    for args in (("list", "lib"), ("add", "lib", "bob"), ("remove", "lib", "bob")):
        result = run("owner", *args, code=1)
        assert "is a file registry, which has no accounts or owners" in result.stderr
    assert "user name" in run("owner", "add", "lib", "bad name", code=2).output


def test_http_key_commands_need_a_token(url: str) -> None:
    run("keygen")
    for args in (("rotate",), ("revoke", "0" * 64)):
        result = run("key", *args, "--registry", "https://registry.invalid", code=1)
        assert "needs an API token" in result.stderr and "aura pkg login" in result.stderr


def test_publish_records_the_summary_in_a_file_registry(tmp_path: Path, url: str) -> None:
    run("keygen", "--registry", url)
    published = run("publish", "--project", library(tmp_path, "1.0.0", verified=True))
    assert "Verification summary: 1 verified" in published.stderr
    unverified = run("publish", "--project", library(tmp_path, "1.1.0", verified=False))
    assert "1 unverified; `aura pkg install --require-verified` refuses" in unverified.stderr
    none = run("publish", "--project", library(tmp_path, "1.2.0"))
    assert "run `aura verify` before publishing" in none.stderr
    index = json.loads((tmp_path / "registry" / "index" / "lib.json").read_text())
    summaries = {v["version"]: v.get("verification") for v in index["versions"]}
    assert summaries == {
        "1.0.0": {
            "cells": {"unchecked": 0, "unverified": 0, "verified": 1},
            "verifier": "aura-verify 0.1.0",
            "solver": "z3 4.13.0",
        },
        "1.1.0": {
            "cells": {"unchecked": 0, "unverified": 1, "verified": 0},
            "verifier": "aura-verify 0.1.0",
            "solver": "z3 4.13.0",
        },
        "1.2.0": None,
    }
