"""The registry protocol against a real server on loopback, once on SQLite, once on PostgreSQL.

One server per backend serves the whole module; each test publishes packages
of its own names, so the tests do not depend on one another's order.
"""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from registry_server import (
    Publisher,
    Running,
    make_publisher,
    package_archive,
    publish,
    signature_of,
    upload,
)

from aura_pkg.cache import Cache
from aura_pkg.merkle import (
    ConsistencyProof,
    InclusionProof,
    SignedTreeHead,
    leaf_hash,
    verify_consistency,
    verify_inclusion,
)
from aura_pkg.registry import open_registry
from aura_pkg.signing import KeyList, PublicKey, canonical_json, generate_key, statement


@pytest.fixture(scope="module")
def bob(server: Running, http: httpx.Client) -> Publisher:
    return make_publisher(server, http, "bob")


@pytest.fixture(scope="module")
def admin(server: Running) -> str:
    return server.user("root", admin=True)


def root_key(http: httpx.Client) -> PublicKey:
    return PublicKey.from_b64(http.get("/api/v1/root-key").json()["public_key"])


def head(http: httpx.Client) -> SignedTreeHead:
    return SignedTreeHead.from_json(http.get("/api/v1/log/head").json(), root_key(http))


def error(answer: httpx.Response, status: int) -> str:
    assert answer.status_code == status, answer.text
    body = answer.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}, body
    code: str = body["error"]["code"]
    return code


def test_publish_then_read_every_view(http: httpx.Client, ada: Publisher, tmp_path: Path) -> None:
    answer = publish(http, tmp_path, ada, "alpha", "1.0.0")
    assert answer.status_code == 200, answer.text
    entry = answer.json()["version"]
    assert answer.json()["name"] == "alpha" and entry["version"] == "1.0.0"

    index = http.get("/api/v1/index/alpha")
    assert index.json()["versions"] == [entry]
    again = http.get("/api/v1/index/alpha", headers={"If-None-Match": index.headers["etag"]})
    assert again.status_code == 304

    archive = http.get("/api/v1/packages/alpha/1.0.0/download")
    assert archive.headers["content-type"] == "application/gzip"
    assert archive.content == package_archive(tmp_path / "again", "alpha", "1.0.0").data

    page = http.get("/api/v1/packages/alpha").json()
    assert page["owners"] == ["ada"] and page["newest"] == "1.0.0"
    assert page["readme"].startswith("# alpha")
    assert [v["version"] for v in page["versions"]] == ["1.0.0"]
    assert page["versions"][0]["checksum"] == entry["checksum"]

    one = http.get("/api/v1/packages/alpha/1.0.0").json()
    assert one["dependencies"] == {} and one["log_index"] == entry["log_index"]
    assert one["downloads"] == 1

    hits = http.get("/api/v1/packages", params={"q": "alph"}).json()
    assert hits["total"] == 1
    assert hits["packages"] == [
        {"name": "alpha", "version": "1.0.0", "description": "The alpha package", "downloads": 1}
    ]


def test_log_proofs_and_key_list_verify(http: httpx.Client, ada: Publisher, tmp_path: Path) -> None:
    before = head(http).head
    entry = publish(http, tmp_path, ada, "beta", "0.1.0").json()["version"]
    after = head(http).head
    assert after.size == before.size + 1 and entry["log_index"] == before.size

    proof = http.get(
        "/api/v1/log/proof/inclusion",
        params={"leaf_index": entry["log_index"], "tree_size": after.size},
    ).json()
    leaf = leaf_hash(canonical_json(statement("beta", "0.1.0", entry["checksum"], {})))
    assert verify_inclusion(leaf, InclusionProof.from_json(proof), after.root)
    assert not verify_inclusion(leaf_hash(b"other"), InclusionProof.from_json(proof), after.root)

    grown = http.get(
        "/api/v1/log/proof/consistency",
        params={"old_size": before.size, "tree_size": after.size},
    ).json()
    assert verify_consistency(before.root, after.root, ConsistencyProof.from_json(grown))

    keys = KeyList.from_document(http.get("/api/v1/keys").json(), root_key(http))
    mine = keys.get(ada.key_id)
    assert mine is not None and mine.owner == "ada" and mine.revoked_at is None

    too_far = http.get(
        "/api/v1/log/proof/inclusion", params={"leaf_index": 0, "tree_size": after.size + 5}
    )
    assert error(too_far, 422) == "invalid_request"


def test_dependency_graph_and_yank(http: httpx.Client, ada: Publisher, tmp_path: Path) -> None:
    for version in ("1.0.0", "1.1.0"):
        assert publish(http, tmp_path, ada, "gamma-util", version).status_code == 200
    answer = publish(http, tmp_path, ada, "gamma", "2.0.0", {"gamma-util": "^1.0"})
    assert answer.status_code == 200, answer.text
    graph = http.get("/api/v1/packages/gamma/2.0.0/graph").json()
    assert graph["root"] == "gamma@2.0.0"
    assert {n["id"] for n in graph["nodes"]} == {"gamma@2.0.0", "gamma-util@1.1.0"}
    assert graph["edges"] == [
        {"from": "gamma@2.0.0", "to": "gamma-util@1.1.0", "requirement": "^1.0"}
    ]
    assert http.get("/api/v1/packages/gamma/2.0.0").json()["dependencies"] == {"gamma-util": "^1.0"}

    yanked = http.post("/api/v1/packages/gamma-util/1.1.0/yank", headers=ada.auth)
    assert yanked.json() == {"name": "gamma-util", "version": "1.1.0", "yanked": True}
    graph = http.get("/api/v1/packages/gamma/2.0.0/graph").json()
    assert "gamma-util@1.0.0" in {n["id"] for n in graph["nodes"]}
    assert http.get("/api/v1/packages/gamma-util").json()["newest"] == "1.0.0"
    http.delete("/api/v1/packages/gamma-util/1.1.0/yank", headers=ada.auth)
    assert http.get("/api/v1/packages/gamma-util").json()["newest"] == "1.1.0"

    missing = publish(http, tmp_path, ada, "gamma-app", "1.0.0", {"gamma-util": "^7"})
    assert missing.status_code == 200
    assert error(http.get("/api/v1/packages/gamma-app/1.0.0/graph"), 409) == "unresolvable"


def test_versions_are_immutable_and_names_owned(
    http: httpx.Client, server: Running, ada: Publisher, bob: Publisher, admin: str, tmp_path: Path
) -> None:
    assert publish(http, tmp_path, ada, "delta", "1.0.0").status_code == 200
    assert error(publish(http, tmp_path, ada, "delta", "1.0.0"), 409) == "version_exists"
    assert error(publish(http, tmp_path, ada, "delta", "1.0.0+other"), 409) == "version_exists"
    assert error(publish(http, tmp_path, bob, "delta", "1.0.1"), 403) == "not_owner"
    assert error(http.post("/api/v1/packages/delta/1.0.0/yank", headers=bob.auth), 403)

    owners = http.put(
        "/api/v1/packages/delta/owners", json={"owners": ["ada", "bob"]}, headers=bob.auth
    )
    assert error(owners, 403) == "not_owner"
    owners = http.put(
        "/api/v1/packages/delta/owners", json={"owners": ["ada", "bob"]}, headers=ada.auth
    )
    assert owners.json() == {"name": "delta", "owners": ["ada", "bob"]}
    assert publish(http, tmp_path, bob, "delta", "1.0.1").status_code == 200
    unknown = http.put(
        "/api/v1/packages/delta/owners", json={"owners": ["nobody-here"]}, headers=ada.auth
    )
    assert error(unknown, 422) == "unknown_user"

    events = http.get("/api/v1/audit", headers={"Authorization": f"Bearer {admin}"}).json()
    refused = [e for e in events["events"] if e["outcome"] == "refused" and e["actor"] == "bob"]
    assert any(e["action"] == "publish" and e["target"] == "delta@1.0.1" for e in refused)
    assert any(e["action"] == "owners" and e["status"] == 403 for e in refused)
    assert all(e["address"] == "127.0.0.1" for e in events["events"])


def test_publish_checks(http: httpx.Client, ada: Publisher, bob: Publisher, tmp_path: Path) -> None:
    archive = package_archive(tmp_path, "epsilon", "1.0.0")
    good = signature_of(ada, archive)
    forged = signature_of(bob, archive)
    assert error(upload(http, ada, archive.data, forged), 422) == "invalid_signature"
    assert error(upload(http, ada, archive.data, good, key_id=bob.key_id), 403) == "not_key_owner"
    assert error(upload(http, ada, archive.data, good, key_id="0" * 64), 422) == "unknown_key"
    mismatch = upload(http, ada, archive.data, good, extra={"version": "1.0.1"})
    assert error(mismatch, 422) == "mismatch"
    claimed = upload(http, ada, archive.data, good, extra={"dependencies": '{"x": "1"}'})
    assert error(claimed, 422) == "mismatch"
    assert error(upload(http, ada, b"not gzip", good), 422) == "invalid_archive"
    assert error(upload(http, ada, archive.data[:-40], good), 422) == "invalid_archive"
    fine = upload(
        http,
        ada,
        archive.data,
        good,
        extra={"name": "epsilon", "version": "1.0.0", "dependencies": "{}"},
    )
    assert fine.status_code == 200, fine.text
    assert http.get("/api/v1/index/epsilon").json()["versions"][0]["signature"] == good


def test_key_rotation_and_revocation(http: httpx.Client, server: Running, tmp_path: Path) -> None:
    carol = make_publisher(server, http, "carol")
    assert publish(http, tmp_path, carol, "zeta", "1.0.0").status_code == 200
    new_private, new_public = generate_key()
    rotated = http.post(
        "/api/v1/keys",
        json={"public_key": new_public.b64(), "replaces": carol.key_id},
        headers=carol.auth,
    )
    assert rotated.status_code == 201, rotated.text
    size = head(http).head.size
    assert rotated.json()["valid_from"] == size
    keys = KeyList.from_document(http.get("/api/v1/keys").json(), root_key(http))
    old = keys.get(carol.key_id)
    assert old is not None and old.revoked_at == size
    assert error(publish(http, tmp_path, carol, "zeta", "1.0.1"), 422) == "revoked_key"
    carol.key = new_private
    assert publish(http, tmp_path, carol, "zeta", "1.0.1").status_code == 200

    revoked = http.delete(f"/api/v1/keys/{carol.key_id}", headers=carol.auth)
    assert revoked.json()["revoked_at"] == head(http).head.size
    assert error(publish(http, tmp_path, carol, "zeta", "1.0.2"), 422) == "revoked_key"
    again = http.post("/api/v1/keys", json={"public_key": new_public.b64()}, headers=carol.auth)
    assert error(again, 409) == "key_exists"


def test_authentication_is_required_and_audited(
    http: httpx.Client, ada: Publisher, admin: str, tmp_path: Path
) -> None:
    archive = package_archive(tmp_path, "eta", "1.0.0")
    signature = signature_of(ada, archive)
    assert (
        error(upload(http, ada, archive.data, signature, token="aura_wrong"), 401) == "unauthorized"
    )
    anonymous = http.put(
        "/api/v1/packages",
        data={"signature": signature, "key_id": ada.key_id},
        files={"archive": ("a.tar.gz", archive.data, "application/gzip")},
    )
    assert error(anonymous, 401) == "unauthorized"
    assert anonymous.headers["www-authenticate"] == "Bearer"
    assert error(http.post("/api/v1/packages/alpha/1.0.0/yank"), 401) == "unauthorized"
    assert error(http.get("/api/v1/audit", headers=ada.auth), 403) == "forbidden"
    assert error(http.get("/api/v1/index/eta"), 404) == "not_found"

    events = http.get(
        "/api/v1/audit", params={"action": "auth"}, headers={"Authorization": f"Bearer {admin}"}
    ).json()["events"]
    reasons = {(e["status"], e["target"], e["actor"]) for e in events}
    assert (401, "PUT /api/v1/packages", None) in reasons
    assert (401, "POST /api/v1/packages/alpha/1.0.0/yank", None) in reasons
    assert (403, "GET /api/v1/audit", "ada") in reasons


def test_errors_are_json_everywhere(http: httpx.Client) -> None:
    assert error(http.get("/api/v1/no/such/thing"), 404) == "not_found"
    assert error(http.delete("/api/v1/index/alpha"), 405) == "method_not_allowed"
    assert error(http.get("/api/v1/packages", params={"page": "x"}), 422) == "invalid_request"
    assert error(
        http.post("/api/v1/keys", content=b"{", headers={"Authorization": "Bearer x"}), 401
    )


def test_the_client_speaks_the_protocol(
    http: httpx.Client, server: Running, ada: Publisher, tmp_path: Path
) -> None:
    archive = package_archive(tmp_path, "theta", "3.1.4")
    with open_registry(server.url, cache=Cache(tmp_path / "cache")) as client:
        entry = client.publish(
            archive.data, signature_of(ada, archive), ada.key_id, token=ada.token
        )
        assert entry.log_index == head(http).head.size - 1
        index = client.index("theta")
        assert [str(e.version) for e in index.versions] == ["3.1.4"]
        assert client.archive("theta", entry.version, entry.checksum) == archive.data
        assert client.root_key() == root_key(http)
        assert [h.name for h in client.search("theta").hits] == ["theta"]
        client.yank("theta", entry.version, token=ada.token)
        assert client.index("theta").versions[0].yanked
        size = head(http).head.size
        assert client.inclusion_proof(entry.log_index, size).tree_size == size
        assert client.consistency_proof(1, size).old_size == 1
    verification = {"cells": {"verified": 3, "unverified": 0}, "verifier": "aura 0.1"}
    answer = upload(
        http,
        ada,
        (second := package_archive(tmp_path, "theta", "3.1.5")).data,
        signature_of(ada, second),
        extra={"verification": json.dumps(verification)},
    )
    assert answer.json()["version"]["verification"] == verification


def test_an_administrator_removes_a_version(
    http: httpx.Client, ada: Publisher, admin: str, tmp_path: Path
) -> None:
    entry = publish(http, tmp_path, ada, "iota", "1.0.0").json()["version"]
    reason = {"reason": "legal takedown"}
    refused = http.post("/api/v1/packages/iota/1.0.0/remove", json=reason, headers=ada.auth)
    assert error(refused, 403) == "forbidden"
    as_admin = {"Authorization": f"Bearer {admin}"}
    removed = http.post("/api/v1/packages/iota/1.0.0/remove", json=reason, headers=as_admin)
    assert removed.status_code == 200, removed.text
    [listed] = http.get("/api/v1/index/iota").json()["versions"]
    assert listed["removed"] == {"reason": "legal takedown"}
    assert listed["log_index"] == entry["log_index"]  # the log keeps it
    assert error(http.get("/api/v1/packages/iota/1.0.0/download"), 410) == "removed"
    assert http.get("/api/v1/packages/iota").json()["newest"] is None


def test_concurrent_publications_get_distinct_log_entries(
    http: httpx.Client, ada: Publisher, tmp_path: Path
) -> None:
    from concurrent.futures import ThreadPoolExecutor

    before = head(http).head
    archives = [package_archive(tmp_path, f"kappa{i}", "1.0.0") for i in range(6)]

    def send(index: int) -> httpx.Response:
        with httpx.Client(base_url=str(http.base_url), timeout=30) as own:
            archive = archives[index]
            return upload(own, ada, archive.data, signature_of(ada, archive))

    with ThreadPoolExecutor(6) as pool:
        answers = list(pool.map(send, range(6)))
    assert [a.status_code for a in answers] == [200] * 6
    indexes = sorted(a.json()["version"]["log_index"] for a in answers)
    assert indexes == list(range(before.size, before.size + 6))
    after = head(http).head
    proof = http.get(
        "/api/v1/log/proof/consistency", params={"old_size": before.size, "tree_size": after.size}
    ).json()
    assert verify_consistency(before.root, after.root, ConsistencyProof.from_json(proof))
