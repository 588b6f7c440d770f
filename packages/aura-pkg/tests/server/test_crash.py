"""Publishing is atomic: a server killed inside the publish transaction loses nothing half-way.

A real ``aura registry serve`` process is told (``AURA_REGISTRY_FAULT``) to exit
at once at a point of the publication: after the version, its log leaf and the
new tree head were written but before the commit, or right after the commit.
After a restart (which checks the log against its signed head) the version is
wholly there — index entry, archive, log entry, proof — or not at all.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from registry_server import Publisher, package_archive, signature_of, upload

from aura_pkg.merkle import InclusionProof, SignedTreeHead, leaf_hash, verify_inclusion
from aura_pkg.server.accounts import create_user
from aura_pkg.server.db import make_engine, make_sessions, migrate
from aura_pkg.server.settings import Settings
from aura_pkg.signing import PublicKey, canonical_json, generate_key, statement

AURA = str(Path(sys.executable).parent / "aura")


@contextmanager
def server(
    storage: Path, fault: str | None = None
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    env = {k: v for k, v in os.environ.items() if k != "AURA_REGISTRY_FAULT"}
    if fault is not None:
        env["AURA_REGISTRY_FAULT"] = fault
    process = subprocess.Popen(
        [
            AURA,
            "registry",
            "serve",
            "--storage",
            str(storage),
            "--port",
            "0",
            "--log-level",
            "warning",
        ],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        env=env,
    )
    try:
        assert process.stderr is not None
        line = process.stderr.readline().decode()
        found = re.search(r"http://127\.0\.0\.1:\d+", line)
        assert found, line + process.stderr.read().decode()
        yield found.group(0), process
    finally:
        if process.poll() is None:
            process.terminate()
        process.wait(20)
        if process.stderr is not None:
            process.stderr.close()


@pytest.fixture
def publisher(tmp_path: Path) -> Publisher:
    engine = make_engine(Settings(storage=tmp_path / "storage").db_url)
    migrate(engine)
    with make_sessions(engine).begin() as session:
        _, _, token = create_user(session, "ada")
    engine.dispose()
    private, _ = generate_key()
    return Publisher("ada", token, private)


def register(url: str, publisher: Publisher) -> None:
    public = publisher.key.public_key().b64()
    answer = httpx.post(f"{url}/api/v1/keys", json={"public_key": public}, headers=publisher.auth)
    assert answer.status_code == 201, answer.text


def crash_while_publishing(
    process: subprocess.Popen[bytes],
    http: httpx.Client,
    publisher: Publisher,
    data: bytes,
    sig: str,
) -> None:
    """Publish to a server told to crash: the connection drops and the process exits 70."""
    with pytest.raises(httpx.TransportError):
        upload(http, publisher, data, sig)
    assert process.wait(20) == 70


def head(http: httpx.Client) -> SignedTreeHead:
    root = PublicKey.from_b64(http.get("/api/v1/root-key").json()["public_key"])
    return SignedTreeHead.from_json(http.get("/api/v1/log/head").json(), root)


def test_a_crash_before_the_commit_leaves_no_trace(tmp_path: Path, publisher: Publisher) -> None:
    storage = tmp_path / "storage"
    archive = package_archive(tmp_path, "crash", "1.0.0")
    signature = signature_of(publisher, archive)
    with server(storage, "publish-before-commit") as (url, process):
        register(url, publisher)
        with httpx.Client(base_url=url, timeout=30) as http:
            crash_while_publishing(process, http, publisher, archive.data, signature)
    blobs = [p for p in (storage / "blobs").rglob("*") if p.is_file()]
    assert len(blobs) == 1  # the archive was written first: at most an orphan remains

    with server(storage) as (url, _), httpx.Client(base_url=url, timeout=30) as http:
        assert http.get("/api/v1/index/crash").status_code == 404
        assert head(http).head.size == 0
        assert http.get("/api/v1/packages", params={"q": "crash"}).json()["total"] == 0
        again = upload(http, publisher, archive.data, signature)
        assert again.status_code == 200 and again.json()["version"]["log_index"] == 0


def test_a_crash_after_the_commit_keeps_the_whole_version(
    tmp_path: Path, publisher: Publisher
) -> None:
    storage = tmp_path / "storage"
    archive = package_archive(tmp_path, "crash", "2.0.0")
    signature = signature_of(publisher, archive)
    with server(storage, "publish-after-commit") as (url, process):
        register(url, publisher)
        with httpx.Client(base_url=url, timeout=30) as http:
            crash_while_publishing(process, http, publisher, archive.data, signature)

    with server(storage) as (url, _), httpx.Client(base_url=url, timeout=30) as http:
        [entry] = http.get("/api/v1/index/crash").json()["versions"]
        assert entry["checksum"] == archive.checksum and entry["log_index"] == 0
        assert http.get("/api/v1/packages/crash/2.0.0/download").content == archive.data
        signed = head(http).head
        assert signed.size == 1
        proof = http.get(
            "/api/v1/log/proof/inclusion", params={"leaf_index": 0, "tree_size": 1}
        ).json()
        leaf = leaf_hash(canonical_json(statement("crash", "2.0.0", archive.checksum, {})))
        assert verify_inclusion(leaf, InclusionProof.from_json(proof), signed.root)
