"""Ed25519 keys, signed statements and the root-signed key list (spec "Signatures and trust").

A publisher signs a *statement* — the canonical JSON of a version's name,
version, checksum and dependencies — so that neither a registry nor a mirror
can change what a version contains or needs.  The registry's root key signs the
*key list*, which says which publisher key was valid for which stretch of the
transparency log.  Validity is measured in log sizes rather than clock times
because a log index cannot be backdated, while a timestamp can.

Signed documents (the key list here, tree heads in :mod:`aura_pkg.merkle`) carry
their signature in a ``"signature"`` member; the signature covers the canonical
JSON of the document without that member.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import nacl.exceptions
import nacl.signing

from aura_pkg._toml import atomic_write
from aura_pkg.errors import CODE_IO, TrustError

__all__ = [
    "KeyEntry",
    "KeyList",
    "PrivateKey",
    "PublicKey",
    "b64decode",
    "b64encode",
    "canonical_json",
    "generate_key",
    "key_id",
    "key_valid_at",
    "read_private_key",
    "read_public_key",
    "sign",
    "sign_document",
    "sign_statement",
    "statement",
    "verify",
    "verify_document",
    "verify_statement",
    "write_private_key",
    "write_public_key",
]

_KEY_FILE_ALGORITHM = "ed25519"


def b64encode(data: bytes) -> str:
    """Standard base64 (with padding) of raw bytes, as keys and signatures travel."""
    return base64.b64encode(data).decode("ascii")


def b64decode(text: str, length: int, what: str) -> bytes:
    """Decode strict standard base64 of exactly ``length`` bytes, or raise TrustError."""
    try:
        data = base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, AttributeError):
        raise TrustError(f"malformed {what}: not standard base64") from None
    if len(data) != length:
        raise TrustError(f"malformed {what}: {len(data)} bytes instead of {length}")
    return data


@dataclass(frozen=True, slots=True)
class PublicKey:
    """A raw 32-byte Ed25519 public key."""

    raw: bytes

    def __post_init__(self) -> None:
        if len(self.raw) != 32:
            raise ValueError("an Ed25519 public key has 32 bytes")

    @property
    def key_id(self) -> str:
        return key_id(self)

    def b64(self) -> str:
        return b64encode(self.raw)

    @classmethod
    def from_b64(cls, text: str) -> PublicKey:
        return cls(b64decode(text, 32, "public key"))


@dataclass(frozen=True, slots=True)
class PrivateKey:
    """A raw 32-byte Ed25519 private key (the seed); never shown by ``repr``."""

    seed: bytes = field(repr=False)

    def __post_init__(self) -> None:
        if len(self.seed) != 32:
            raise ValueError("an Ed25519 private key has 32 bytes")

    def public_key(self) -> PublicKey:
        return PublicKey(bytes(nacl.signing.SigningKey(self.seed).verify_key))

    def b64(self) -> str:
        return b64encode(self.seed)

    @classmethod
    def from_b64(cls, text: str) -> PrivateKey:
        return cls(b64decode(text, 32, "private key"))


def generate_key() -> tuple[PrivateKey, PublicKey]:
    """A new random key pair."""
    private = PrivateKey(bytes(nacl.signing.SigningKey.generate()))
    return private, private.public_key()


def key_id(public: PublicKey | bytes) -> str:
    """Lowercase hex SHA-256 of the raw 32-byte public key."""
    raw = public.raw if isinstance(public, PublicKey) else public
    return hashlib.sha256(raw).hexdigest()


def _check_json(value: Any, where: str) -> None:
    if value is None or isinstance(value, (bool, int, str)):
        return
    if isinstance(value, (list, tuple)):
        for item in value:
            _check_json(item, where)
        return
    if isinstance(value, Mapping):
        for k, v in value.items():
            if not isinstance(k, str):
                raise ValueError(f"canonical JSON keys are strings, not {type(k).__name__}")
            _check_json(v, where)
        return
    raise ValueError(f"canonical JSON holds no {type(value).__name__} values ({where})")


def canonical_json(value: Any) -> bytes:
    """The canonical JSON bytes of ``value``: keys sorted at every level, no spaces, UTF-8.

    Keys sort by code point (the same order as their UTF-8 bytes).  Only
    objects, arrays, strings, integers, booleans and null are allowed: floats
    have no single text form, so they would make signatures ambiguous.
    """
    _check_json(value, "canonical_json")
    text = json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("canonical JSON strings must be valid Unicode") from None


def sign(private: PrivateKey, message: bytes) -> str:
    """The base64 Ed25519 signature of ``message``."""
    return b64encode(nacl.signing.SigningKey(private.seed).sign(message).signature)


def verify(public: PublicKey, message: bytes, signature: str) -> bool:
    """Whether ``signature`` (base64) is ``public``'s signature of ``message``."""
    try:
        raw = b64decode(signature, 64, "signature")
        nacl.signing.VerifyKey(public.raw).verify(message, raw)
    except (TrustError, nacl.exceptions.BadSignatureError, nacl.exceptions.ValueError):
        return False
    return True


def statement(
    name: str, version: object, checksum: str, dependencies: Mapping[str, str]
) -> dict[str, Any]:
    """The statement a publisher signs for one version (``version`` in its text form)."""
    return {
        "checksum": checksum,
        "dependencies": dict(dependencies),
        "name": name,
        "version": str(version),
    }


def sign_statement(
    private: PrivateKey,
    name: str,
    version: object,
    checksum: str,
    dependencies: Mapping[str, str],
) -> str:
    """The base64 signature of the canonical statement for a version."""
    return sign(private, canonical_json(statement(name, version, checksum, dependencies)))


def verify_statement(
    public: PublicKey,
    signature: str,
    name: str,
    version: object,
    checksum: str,
    dependencies: Mapping[str, str],
) -> None:
    """Raise :class:`TrustError` naming the package unless the signature is good."""
    message = canonical_json(statement(name, version, checksum, dependencies))
    if not verify(public, message, signature):
        raise TrustError(
            f"the publisher signature does not match (key {public.key_id[:16]}…)",
            package=f"{name} {version}",
        )


def sign_document(private: PrivateKey, document: Mapping[str, Any]) -> dict[str, Any]:
    """``document`` with a ``"signature"`` over its canonical JSON added."""
    body = {k: v for k, v in document.items() if k != "signature"}
    return {**body, "signature": sign(private, canonical_json(body))}


def verify_document(public: PublicKey, document: Mapping[str, Any], what: str) -> None:
    """Raise :class:`TrustError` unless ``document["signature"]`` is ``public``'s."""
    signature = document.get("signature")
    if not isinstance(signature, str):
        raise TrustError(f"the {what} is not signed")
    body = {k: v for k, v in document.items() if k != "signature"}
    try:
        message = canonical_json(body)
    except ValueError as exc:
        raise TrustError(f"malformed {what}: {exc}") from None
    if not verify(public, message, signature):
        raise TrustError(
            f"the {what}'s signature does not match the root key {public.key_id[:16]}…"
        )


@dataclass(frozen=True, slots=True)
class KeyEntry:
    """A publisher key in the key list, valid for log indexes in ``[valid_from, revoked_at)``."""

    public_key: PublicKey
    owner: str
    valid_from: int
    revoked_at: int | None = None

    @property
    def key_id(self) -> str:
        return self.public_key.key_id

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "key_id": self.key_id,
            "owner": self.owner,
            "public_key": self.public_key.b64(),
            "valid_from": self.valid_from,
        }
        if self.revoked_at is not None:
            out["revoked_at"] = self.revoked_at
        return out


def key_valid_at(key: KeyEntry, log_index: int) -> bool:
    """Whether ``key`` could sign the version at ``log_index``: valid_from <= index < revoked_at."""
    return key.valid_from <= log_index and (key.revoked_at is None or log_index < key.revoked_at)


def _log_size(value: Any, what: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise TrustError(f"malformed key list: `{what}` is not a log size")
    return value


def _entry(item: Any) -> KeyEntry:
    if not isinstance(item, Mapping):
        raise TrustError("malformed key list: an entry is not an object")
    public_text, owner = item.get("public_key"), item.get("owner")
    if not isinstance(public_text, str) or not isinstance(owner, str):
        raise TrustError("malformed key list: an entry needs `public_key` and `owner` strings")
    public = PublicKey.from_b64(public_text)
    if item.get("key_id") != public.key_id:
        raise TrustError(f"malformed key list: `key_id` of {owner}'s key is not its SHA-256")
    revoked = item.get("revoked_at")
    entry = KeyEntry(
        public,
        owner,
        _log_size(item.get("valid_from"), "valid_from"),
        None if revoked is None else _log_size(revoked, "revoked_at"),
    )
    if entry.revoked_at is not None and entry.revoked_at < entry.valid_from:
        raise TrustError(f"malformed key list: key {entry.key_id[:16]}… revoked before valid")
    return entry


@dataclass(frozen=True, slots=True)
class KeyList:
    """The publisher keys a registry vouches for, sorted by key id."""

    keys: tuple[KeyEntry, ...] = ()

    def __post_init__(self) -> None:
        ordered = tuple(sorted(self.keys, key=lambda k: k.key_id))
        ids = [k.key_id for k in ordered]
        if len(set(ids)) != len(ids):
            raise ValueError("a key appears twice in the key list")
        object.__setattr__(self, "keys", ordered)

    def get(self, key_id: str) -> KeyEntry | None:
        return next((k for k in self.keys if k.key_id == key_id), None)

    def added(self, entry: KeyEntry) -> KeyList:
        return KeyList((*self.keys, entry))

    def revoked(self, key_id: str, at: int) -> KeyList:
        """The list with ``key_id`` revoked from log size ``at`` on (rotation's second half)."""
        if self.get(key_id) is None:
            raise KeyError(key_id)
        return KeyList(
            tuple(replace(k, revoked_at=at) if k.key_id == key_id else k for k in self.keys)
        )

    def to_json(self) -> dict[str, Any]:
        return {"keys": [k.to_json() for k in self.keys]}

    def signed(self, root: PrivateKey) -> dict[str, Any]:
        """The document served as ``/api/v1/keys`` and ``keys.json``."""
        return sign_document(root, self.to_json())

    @classmethod
    def from_document(cls, document: Any, root: PublicKey) -> KeyList:
        """Check the root signature, then read the list; TrustError on any problem."""
        if not isinstance(document, Mapping) or not isinstance(document.get("keys"), list):
            raise TrustError("malformed key list: expected an object with a `keys` array")
        verify_document(root, document, "key list")
        entries = [_entry(item) for item in document["keys"]]
        try:
            return cls(tuple(entries))
        except ValueError as exc:
            raise TrustError(f"malformed key list: {exc}") from None

    def check(self, key_id: str, log_index: int, package: str) -> KeyEntry:
        """The key that signed ``package`` at ``log_index``, if it was valid then."""
        key = self.get(key_id)
        if key is None:
            raise TrustError(
                f"signed by key {key_id[:16]}…, which is not in the key list", package=package
            )
        if log_index < key.valid_from:
            raise TrustError(
                f"logged at index {log_index}, before its key {key_id[:16]}… became valid "
                f"(at {key.valid_from})",
                package=package,
            )
        if key.revoked_at is not None and log_index >= key.revoked_at:
            raise TrustError(
                f"signed by key {key_id[:16]}… of {key.owner}, revoked at log size "
                f"{key.revoked_at} (this version is at index {log_index})",
                package=package,
            )
        return key


def write_private_key(path: Path | str, private: PrivateKey) -> None:
    """Write a private key file readable by its owner only (mode 0600)."""
    doc = {
        "algorithm": _KEY_FILE_ALGORITHM,
        "key_id": private.public_key().key_id,
        "private_key": private.b64(),
    }
    atomic_write(Path(path), json.dumps(doc, indent=2).encode() + b"\n", mode=0o600)


def write_public_key(path: Path | str, public: PublicKey) -> None:
    doc = {"algorithm": _KEY_FILE_ALGORITHM, "key_id": public.key_id, "public_key": public.b64()}
    atomic_write(Path(path), json.dumps(doc, indent=2).encode() + b"\n", mode=0o644)


def _read_key_file(path: Path, member: str) -> tuple[str, str | None]:
    """The base64 key text of a key file and the ``key_id`` it records, if any."""
    try:
        doc = json.loads(path.read_bytes())
    except FileNotFoundError:
        raise TrustError("no such key file", file=str(path), code=CODE_IO) from None
    except OSError as exc:
        raise TrustError(
            f"cannot read: {exc.strerror or exc}", file=str(path), code=CODE_IO
        ) from None
    except ValueError:
        raise TrustError("not a key file (malformed JSON)", file=str(path)) from None
    if not isinstance(doc, dict) or doc.get("algorithm") != _KEY_FILE_ALGORITHM:
        raise TrustError("not an ed25519 key file", file=str(path))
    text = doc.get(member)
    if not isinstance(text, str):
        raise TrustError(f"the key file has no `{member}`", file=str(path))
    recorded = doc.get("key_id")
    return text, recorded if isinstance(recorded, str) else None


def read_private_key(path: Path | str) -> PrivateKey:
    """Read a private key file, refusing one that others may read (like ssh)."""
    p = Path(path)
    if os.name == "posix":
        try:
            mode = p.stat().st_mode & 0o777
        except OSError:
            mode = 0
        if mode & 0o077:
            raise TrustError(
                f"permissions {mode:04o} are too open for a private key; run chmod 600",
                file=str(p),
            )
    text, recorded = _read_key_file(p, "private_key")
    try:
        private = PrivateKey.from_b64(text)
    except TrustError as exc:
        raise TrustError(exc.message, file=str(p)) from None
    if recorded is not None and recorded != private.public_key().key_id:
        raise TrustError("the key file's `key_id` does not match its key", file=str(p))
    return private


def read_public_key(path: Path | str) -> PublicKey:
    p = Path(path)
    text, recorded = _read_key_file(p, "public_key")
    try:
        public = PublicKey.from_b64(text)
    except TrustError as exc:
        raise TrustError(exc.message, file=str(p)) from None
    if recorded is not None and recorded != public.key_id:
        raise TrustError("the key file's `key_id` does not match its key", file=str(p))
    return public
