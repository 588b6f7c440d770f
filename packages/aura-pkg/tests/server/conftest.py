"""Fixtures of the registry server's tests: PostgreSQL, one server per module, publishers."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import systools
from registry_server import PostgresCluster


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresCluster]:
    """A PostgreSQL cluster for the whole session (databases are made per server)."""
    cluster = PostgresCluster(systools.postgres_bindir())
    cluster.start()
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest) -> str | None:
    """None (SQLite in the storage directory) or a new PostgreSQL database's URL."""
    if request.param == "sqlite":
        return None
    cluster: PostgresCluster = request.getfixturevalue("postgres")
    return cluster.new_database()
