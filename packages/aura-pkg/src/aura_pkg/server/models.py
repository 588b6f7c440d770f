"""The registry's database tables (SQLAlchemy 2, typed).

The same models run on SQLite and PostgreSQL; the schema is created and
changed only by the Alembic migrations in ``migrations/`` (a test checks that
they produce exactly these tables).  Times are ISO 8601 UTC strings
(``2026-01-02T03:04:05Z``), as the protocol sends them.

The transparency log is ``log_entries`` (one row per leaf, the statement as
canonical JSON text) plus the single ``log_head`` row holding the signed tree
head over all of them; a publication adds a version, its leaf and the new head
in one transaction.
"""

from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

__all__ = [
    "ApiToken",
    "AuditEvent",
    "Base",
    "LogEntry",
    "LogHead",
    "Owner",
    "Package",
    "PackageVersion",
    "PublisherKey",
    "RegistryMeta",
    "User",
]


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[str] = mapped_column(String(32))


class ApiToken(Base):
    """An API token, stored as the SHA-256 of its text; ``scopes`` is space-separated."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    scopes: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[str] = mapped_column(String(32))
    revoked_at: Mapped[str | None] = mapped_column(String(32), nullable=True)


class Package(Base):
    """A package name; ``canonical`` is the name with ``_`` read as ``-`` (unique).

    ``revision`` is bumped by every change to what the package's documents show
    (publish, yank, removal, owners), which is what cached documents are
    checked against.  ``search_text`` is the lowercased name, description and
    keywords, the one column search matches against.
    """

    __tablename__ = "packages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    canonical: Mapped[str] = mapped_column(String(64), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    keywords: Mapped[str] = mapped_column(Text, default="")
    downloads: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[str] = mapped_column(String(32))
    revision: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    search_text: Mapped[str] = mapped_column(Text, default="", server_default="")


class Owner(Base):
    __tablename__ = "owners"

    package_id: Mapped[int] = mapped_column(ForeignKey("packages.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)


class PackageVersion(Base):
    """One published version; ``dependencies`` and ``verification`` are JSON text."""

    __tablename__ = "versions"
    __table_args__ = (UniqueConstraint("package_id", "version", name="uq_versions_package"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    package_id: Mapped[int] = mapped_column(ForeignKey("packages.id"), index=True)
    version: Mapped[str] = mapped_column(String(128))
    dependencies: Mapped[str] = mapped_column(Text)
    checksum: Mapped[str] = mapped_column(String(71))
    signature: Mapped[str] = mapped_column(String(128))
    key_id: Mapped[str] = mapped_column(String(64))
    log_index: Mapped[int] = mapped_column(Integer, unique=True)
    published_at: Mapped[str] = mapped_column(String(32))
    publisher_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    description: Mapped[str] = mapped_column(Text, default="")
    readme: Mapped[str | None] = mapped_column(Text, nullable=True)
    verification: Mapped[str | None] = mapped_column(Text, nullable=True)
    yanked: Mapped[bool] = mapped_column(Boolean, default=False)
    removed: Mapped[str | None] = mapped_column(Text, nullable=True)
    downloads: Mapped[int] = mapped_column(Integer, default=0)


class LogEntry(Base):
    """Leaf ``log_index`` of the transparency log: a statement's canonical JSON."""

    __tablename__ = "log_entries"

    log_index: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    statement: Mapped[str] = mapped_column(Text)
    leaf_hash: Mapped[str] = mapped_column(String(64))


class LogHead(Base):
    """The one row (id 1): the signed tree head over every leaf."""

    __tablename__ = "log_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    size: Mapped[int] = mapped_column(Integer)
    root: Mapped[str] = mapped_column(String(64))
    signature: Mapped[str] = mapped_column(String(128))


class PublisherKey(Base):
    """A publisher's Ed25519 key, valid for log indexes ``[valid_from, revoked_at)``."""

    __tablename__ = "publisher_keys"

    key_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    public_key: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    valid_from: Mapped[int] = mapped_column(Integer)
    revoked_at: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_at: Mapped[str] = mapped_column(String(32))


class RegistryMeta(Base):
    """Facts about the registry itself, such as the key id of its root key."""

    __tablename__ = "registry_meta"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class AuditEvent(Base):
    """One write or refused authentication: who, what, when, from where, and how it ended."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_at", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[str] = mapped_column(String(32))
    actor: Mapped[str | None] = mapped_column(String(64), nullable=True)
    token_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    action: Mapped[str] = mapped_column(String(32))
    target: Mapped[str] = mapped_column(Text)
    outcome: Mapped[str] = mapped_column(String(16))
    status: Mapped[int] = mapped_column(Integer)
    address: Mapped[str] = mapped_column(String(64))
    detail: Mapped[str] = mapped_column(Text, default="")
