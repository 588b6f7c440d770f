"""What a registry server is configured with, as one frozen value.

The command line (:mod:`aura_pkg.server.cli`) and tests build a
:class:`Settings`; :func:`aura_pkg.server.create_app` reads nothing else, so
two servers in one process (tests) never share configuration.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from aura_pkg.archive import DEFAULT_LIMITS, Limits

__all__ = ["DATABASE_FILE", "RateLimit", "Settings", "StartupError"]

#: The SQLite database's file name inside the storage directory (the default database).
DATABASE_FILE = "registry.db"


class StartupError(Exception):
    """The server refuses to start: a key, the database or the log is not as it must be."""


@dataclass(frozen=True, slots=True)
class RateLimit:
    """A token bucket: ``burst`` requests at once, refilled at ``per_second``."""

    burst: float
    per_second: float


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything that configures one registry server.

    ``storage`` holds the archives (``blobs/``), the generated root key and, by
    default, the SQLite database.  ``database_url`` is a SQLAlchemy URL
    (``postgresql+psycopg://USER@HOST/DB``); None means
    ``sqlite:///STORAGE/registry.db``.  ``root_key_file`` is the root private key
    (a key file of ``aura pkg keygen``'s format); None means
    ``STORAGE/root-key.json``, generated on first start.  ``ui_dir`` holds the
    web UI's built files, served at ``/``.

    ``fault`` names a point of the publish transaction where the process exits
    at once (``publish-before-commit``, ``publish-after-commit``): crash-safety
    tests use it; it is never set in production.
    """

    storage: Path
    database_url: str | None = None
    root_key_file: Path | None = None
    ui_dir: Path | None = None
    limits: Limits = DEFAULT_LIMITS
    #: Every API request, per client address.
    address_rate: RateLimit = RateLimit(burst=600, per_second=50)
    #: Every request carrying a token, per token.
    token_rate: RateLimit = RateLimit(burst=120, per_second=2)
    #: Audit events of refused authentications recorded per client address (the rest
    #: are counted, and the count is recorded with the next event that is).
    denied_audit_rate: RateLimit = RateLimit(burst=10, per_second=0.1)
    #: Page size of search results and of the audit log.
    page_size: int = 20
    #: Worker threads for the request handlers, which do the database work.
    threads: int = 4
    #: The largest request head (request line and headers) the server reads.
    max_header_bytes: int = 16 * 1024
    #: Open connections and running requests at once; more are answered 503.
    max_connections: int = 1000
    #: Addresses of proxies whose ``X-Forwarded-For`` is believed (none by default).
    forwarded_allow_ips: tuple[str, ...] = ()
    #: Resolver steps and seconds one ``/graph`` request may take, and its largest answer.
    graph_steps: int = 100_000
    graph_seconds: float = 2.0
    graph_max_nodes: int = 2_000
    fault: str | None = field(default=None, repr=False)

    @property
    def db_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.storage / DATABASE_FILE).resolve()}"

    @property
    def root_key_path(self) -> Path:
        return (
            self.root_key_file if self.root_key_file is not None else self.storage / "root-key.json"
        )

    @property
    def max_upload_bytes(self) -> int:
        """The largest publish request body: an archive at the size limit plus the form."""
        return self.limits.max_archive_bytes + 64 * 1024
