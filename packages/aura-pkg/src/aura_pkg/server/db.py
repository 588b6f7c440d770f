"""The database: an engine for SQLite or PostgreSQL, and the migrations applied at start-up.

One code path for both: SQLAlchemy hides the dialect, and Alembic brings any
database up to the newest schema before the server answers a request.  SQLite
is tuned for a server's use (write-ahead log, full ``fsync``, foreign keys,
waiting rather than failing on a busy database).
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from aura_pkg.server.settings import StartupError

__all__ = ["MIGRATIONS", "make_engine", "make_sessions", "migrate", "now"]

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def now() -> str:
    """The current UTC time as the protocol writes it."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    cursor = connection.cursor()
    for pragma in (
        "PRAGMA journal_mode=WAL",
        "PRAGMA synchronous=FULL",
        "PRAGMA foreign_keys=ON",
        "PRAGMA busy_timeout=15000",
    ):
        cursor.execute(pragma)
    cursor.close()


def make_engine(url: str) -> Engine:
    """An engine for ``url``; a SQLite file's directory is created if needed."""
    try:
        if url.startswith("sqlite"):
            engine = create_engine(url, connect_args={"check_same_thread": False})
            if engine.url.database and engine.url.database != ":memory:":
                _private_file(Path(engine.url.database))
            event.listen(engine, "connect", _sqlite_pragmas)
            return engine
        return create_engine(url, pool_pre_ping=True, pool_size=8, max_overflow=8)
    except (SQLAlchemyError, ImportError, ValueError) as exc:
        raise StartupError(f"cannot use the database {_safe(url)}: {exc}") from None


def _private_file(path: Path) -> None:
    """Create the database file readable by its owner only, or make an existing one so.

    It holds token hashes and the audit log.  SQLite gives its journal files
    (``-wal``, ``-shm``) the database file's permissions.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    os.chmod(path, 0o600)
    for journal in (path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if journal.exists():
            os.chmod(journal, 0o600)


def _safe(url: str) -> str:
    """The URL without its password, for messages."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except (SQLAlchemyError, ValueError):
        return "(malformed URL)"


def migrate(engine: Engine) -> None:
    """Bring the database to the newest schema (a no-op when it is there)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    try:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    except SQLAlchemyError as exc:
        original = getattr(exc, "orig", None)
        reason = str(original) if original is not None else str(exc)
        raise StartupError(
            f"cannot prepare the database {_safe(str(engine.url))}: {reason.strip()}"
        ) from None


def make_sessions(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)
