"""Stored archives are checked when served, and the same bytes published again repair them."""

from __future__ import annotations

from pathlib import Path

import httpx
from registry_server import Publisher, Running, package_archive, signature_of, upload


def test_a_corrupted_archive_is_never_served_and_republishing_repairs_it(
    server: Running, http: httpx.Client, ada: Publisher, tmp_path: Path
) -> None:
    archive = package_archive(tmp_path, "fragile", "1.0.0")
    signature = signature_of(ada, archive)
    assert upload(http, ada, archive.data, signature).status_code == 200
    stored = server.service.blobs.path(archive.checksum)
    damaged = bytearray(stored.read_bytes())
    damaged[len(damaged) // 2] ^= 0xFF  # one flipped byte, the size unchanged
    stored.write_bytes(bytes(damaged))

    answer = http.get("/api/v1/packages/fragile/1.0.0/download")
    assert answer.status_code == 500
    refusal = answer.json()["error"]
    assert refusal["code"] == "corrupt_archive"
    assert "does not match its checksum" in refusal["message"]

    again = upload(http, ada, archive.data, signature)
    assert again.status_code == 409 and again.json()["error"]["code"] == "version_exists"
    repaired = http.get("/api/v1/packages/fragile/1.0.0/download")
    assert repaired.status_code == 200 and repaired.content == archive.data


def test_other_bytes_under_a_published_version_repair_nothing(
    server: Running, http: httpx.Client, ada: Publisher, tmp_path: Path
) -> None:
    archive = package_archive(tmp_path, "sturdy", "1.0.0")
    assert upload(http, ada, archive.data, signature_of(ada, archive)).status_code == 200
    stored = server.service.blobs.path(archive.checksum)
    stored.write_bytes(b"damaged")
    other = package_archive(tmp_path / "other", "sturdy", "1.0.0", {"fragile": "^1"})
    assert (
        upload(http, ada, other.data, signature_of(ada, other, {"fragile": "^1"})).status_code
        == 409
    )
    assert stored.read_bytes() == b"damaged"
    assert http.get("/api/v1/packages/sturdy/1.0.0/download").status_code == 500
