"""Ed25519 keys, canonical JSON, signed statements, the key list and key files."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aura_pkg.errors import TrustError
from aura_pkg.signing import (
    KeyEntry,
    KeyList,
    PrivateKey,
    PublicKey,
    canonical_json,
    generate_key,
    key_id,
    key_valid_at,
    read_private_key,
    read_public_key,
    sign,
    sign_document,
    sign_statement,
    statement,
    verify,
    verify_statement,
    write_private_key,
    write_public_key,
)

# RFC 8032 section 7.1, tests 1 and 2.
RFC8032 = [
    (
        "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
        "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
        "",
        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e"
        "39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
    ),
    (
        "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
        "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
        "72",
        "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f36"
        "13d0f11d8c387b2eaeb4302aeeb00d291612bb0c00",
    ),
]

CHECKSUM = "sha256:" + "0f" * 32
DEPS = {"utf8": "^2.0", "json": "1.4"}


@pytest.mark.parametrize(("seed", "public", "message", "signature"), RFC8032)
def test_rfc8032_vectors(seed: str, public: str, message: str, signature: str) -> None:
    private = PrivateKey(bytes.fromhex(seed))
    assert private.public_key().raw == bytes.fromhex(public)
    sig = sign(private, bytes.fromhex(message))
    assert base64.b64decode(sig) == bytes.fromhex(signature)
    assert verify(private.public_key(), bytes.fromhex(message), sig)


def test_keys_ids_and_base64() -> None:
    private, public = generate_key()
    assert private.public_key() == public
    assert key_id(public) == hashlib.sha256(public.raw).hexdigest() == public.key_id
    assert key_id(public.raw) == public.key_id
    assert PublicKey.from_b64(public.b64()) == public
    assert PrivateKey.from_b64(private.b64()) == private
    assert base64.b64decode(public.b64()) == public.raw
    assert private.b64() not in repr(private)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [("not base64!", "not standard base64"), (base64.b64encode(b"x" * 31).decode(), "31 bytes")],
)
def test_malformed_keys(text: str, fragment: str) -> None:
    with pytest.raises(TrustError, match=fragment):
        PublicKey.from_b64(text)


def test_canonical_json_bytes() -> None:
    value = {"b": 1, "a": {"d": [True, None, "é"], "c": "x y"}, "A": -3}
    assert canonical_json(value) == '{"A":-3,"a":{"c":"x y","d":[true,null,"é"]},"b":1}'.encode()
    assert canonical_json(statement("json", "1.4.2", CHECKSUM, DEPS)) == (
        b'{"checksum":"' + CHECKSUM.encode() + b'","dependencies":{"json":"1.4","utf8":"^2.0"},'
        b'"name":"json","version":"1.4.2"}'
    )


@pytest.mark.parametrize("bad", [1.5, {"a": float("nan")}, {1: "x"}, {"a": object()}, "\ud800"])
def test_canonical_json_rejects_what_has_no_single_form(bad: Any) -> None:
    with pytest.raises(ValueError):
        canonical_json(bad)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner),
    max_leaves=20,
)


@given(json_values)
def test_canonical_json_is_a_fixed_point(value: Any) -> None:
    try:
        data = canonical_json(value)
    except ValueError:  # lone surrogates in generated text
        return
    assert canonical_json(json.loads(data)) == data
    assert data == json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    ).encode("utf-8")


def test_statements_sign_and_verify() -> None:
    private, public = generate_key()
    sig = sign_statement(private, "json", "1.4.2", CHECKSUM, DEPS)
    verify_statement(public, sig, "json", "1.4.2", CHECKSUM, dict(reversed(DEPS.items())))


@pytest.mark.parametrize(
    "change",
    [
        {"name": "jsonx"},
        {"version": "1.4.3"},
        {"checksum": "sha256:" + "00" * 32},
        {"dependencies": {"utf8": "^2.1", "json": "1.4"}},
        {"dependencies": {"utf8": "^2.0"}},
    ],
)
def test_a_changed_statement_fails_naming_the_package(change: dict[str, Any]) -> None:
    private, public = generate_key()
    fields: dict[str, Any] = {
        "name": "json",
        "version": "1.4.2",
        "checksum": CHECKSUM,
        "dependencies": DEPS,
    }
    sig = sign_statement(private, **fields)
    fields.update(change)
    with pytest.raises(TrustError) as info:
        verify_statement(public, sig, **fields)
    assert f"{fields['name']} {fields['version']}" in str(info.value)
    assert "signature" in str(info.value)


def test_wrong_key_and_malformed_signatures_fail() -> None:
    private, _ = generate_key()
    _, other = generate_key()
    sig = sign_statement(private, "a", "1.0.0", CHECKSUM, {})
    with pytest.raises(TrustError, match=re.escape("a 1.0.0")):
        verify_statement(other, sig, "a", "1.0.0", CHECKSUM, {})
    for bad in ["", "@@@", base64.b64encode(b"x" * 63).decode()]:
        with pytest.raises(TrustError):
            verify_statement(private.public_key(), bad, "a", "1.0.0", CHECKSUM, {})


# -- the key list ---------------------------------------------------------------------


def key_list() -> tuple[PrivateKey, PublicKey, KeyList, PublicKey, PublicKey]:
    root, root_public = generate_key()
    _, old = generate_key()
    _, new = generate_key()
    keys = KeyList((KeyEntry(old, "ada", 0), KeyEntry(new, "ada", 10)))
    return root, root_public, keys.revoked(old.key_id, 12), old, new


def test_key_validity_is_a_half_open_range_of_log_indexes() -> None:
    _, public = generate_key()
    key = KeyEntry(public, "ada", valid_from=5, revoked_at=9)
    assert [key_valid_at(key, i) for i in range(4, 11)] == [
        False,
        True,
        True,
        True,
        True,
        False,
        False,
    ]
    assert key_valid_at(KeyEntry(public, "ada", 0), 10**12)


def test_a_signed_key_list_round_trips() -> None:
    root, root_public, keys, old, new = key_list()
    document = json.loads(json.dumps(keys.signed(root)))  # as it travels
    assert KeyList.from_document(document, root_public) == keys
    assert [k["key_id"] for k in document["keys"]] == sorted([old.key_id, new.key_id])
    assert "revoked_at" in next(k for k in document["keys"] if k["key_id"] == old.key_id)
    assert "revoked_at" not in next(k for k in document["keys"] if k["key_id"] == new.key_id)


def test_rotation_and_revocation() -> None:
    _, _, keys, old, new = key_list()
    assert keys.check(old.key_id, 11, "a 1.0.0").public_key == old
    assert keys.check(new.key_id, 10, "a 1.0.0").public_key == new
    with pytest.raises(TrustError, match=r"a 2\.0\.0.*revoked at log size 12"):
        keys.check(old.key_id, 12, "a 2.0.0")
    with pytest.raises(TrustError, match="before its key"):
        keys.check(new.key_id, 9, "a 1.0.0")
    with pytest.raises(TrustError, match="not in the key list"):
        keys.check("ff" * 32, 1, "a 1.0.0")


def tampered(doc: dict[str, Any], how: str) -> dict[str, Any]:
    doc = json.loads(json.dumps(doc))
    if how == "owner":
        doc["keys"][0]["owner"] = "mallory"
    elif how == "unrevoke":
        for k in doc["keys"]:
            k.pop("revoked_at", None)
    elif how == "extra field":
        doc["comment"] = "hi"
    elif how == "unsigned":
        del doc["signature"]
    elif how == "garbage signature":
        doc["signature"] = "AAAA"
    return doc


@pytest.mark.parametrize(
    "how", ["owner", "unrevoke", "extra field", "unsigned", "garbage signature"]
)
def test_a_tampered_key_list_fails(how: str) -> None:
    root, root_public, keys, _, _ = key_list()
    with pytest.raises(TrustError, match="key list"):
        KeyList.from_document(tampered(keys.signed(root), how), root_public)


def test_a_key_list_signed_by_another_root_fails() -> None:
    _, _, keys, _, _ = key_list()
    impostor, _ = generate_key()
    _, pinned = generate_key()
    with pytest.raises(TrustError, match="root key"):
        KeyList.from_document(keys.signed(impostor), pinned)


def test_malformed_key_lists_fail_even_when_signed() -> None:
    root, root_public = generate_key()
    _, public = generate_key()
    entry = KeyEntry(public, "ada", 0).to_json()
    for bad in [
        {**entry, "key_id": "00" * 32},
        {**entry, "valid_from": -1},
        {**entry, "valid_from": True},
        {**entry, "valid_from": 5, "revoked_at": 4},
        {**entry, "public_key": "xx"},
    ]:
        with pytest.raises(TrustError, match="malformed"):
            KeyList.from_document(sign_document(root, {"keys": [bad]}), root_public)
    with pytest.raises(TrustError, match="malformed"):
        KeyList.from_document(sign_document(root, {"keys": [entry, entry]}), root_public)
    with pytest.raises(TrustError, match="malformed"):
        KeyList.from_document([], root_public)


# -- key files ----------------------------------------------------------------------


def test_key_files_round_trip_and_private_keys_are_0600(tmp_path: Path) -> None:
    private, public = generate_key()
    write_private_key(tmp_path / "key", private)
    write_public_key(tmp_path / "key.pub", public)
    if os.name == "posix":
        assert (tmp_path / "key").stat().st_mode & 0o777 == 0o600
    assert read_private_key(tmp_path / "key") == private
    assert read_public_key(tmp_path / "key.pub") == public
    doc = json.loads((tmp_path / "key.pub").read_text())
    assert doc == {"algorithm": "ed25519", "key_id": public.key_id, "public_key": public.b64()}


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_a_private_key_others_can_read_is_refused(tmp_path: Path) -> None:
    private, _ = generate_key()
    write_private_key(tmp_path / "key", private)
    (tmp_path / "key").chmod(0o644)
    with pytest.raises(TrustError, match="too open"):
        read_private_key(tmp_path / "key")


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        ("not json", "malformed JSON"),
        ('{"algorithm": "rsa"}', "not an ed25519 key file"),
        ('{"algorithm": "ed25519"}', "no `public_key`"),
        ('{"algorithm": "ed25519", "public_key": "AAAA"}', "3 bytes"),
        (
            '{"algorithm": "ed25519", "key_id": "00", "public_key": "'
            + base64.b64encode(b"k" * 32).decode()
            + '"}',
            "does not match",
        ),
    ],
)
def test_malformed_key_files(tmp_path: Path, content: str, fragment: str) -> None:
    (tmp_path / "key.pub").write_text(content)
    with pytest.raises(TrustError, match=fragment) as info:
        read_public_key(tmp_path / "key.pub")
    assert info.value.file == str(tmp_path / "key.pub")
    with pytest.raises(TrustError, match="no such key file"):
        read_public_key(tmp_path / "missing")
