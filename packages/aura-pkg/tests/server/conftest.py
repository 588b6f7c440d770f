"""Fixtures of the registry server's tests: PostgreSQL, one server per module, publishers."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
import systools
from registry_server import (
    PostgresCluster,
    Publisher,
    Running,
    make_publisher,
    serve,
    settings_for,
)


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


# One registry per test module, on each database; a module that needs other
# settings (limits, a web UI) defines its own `server`, and `http` follows it.
@pytest.fixture(scope="module")
def server(database_url: str | None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    storage = tmp_path_factory.mktemp("registry")
    with serve(settings_for(storage, database_url)) as running:
        yield running


@pytest.fixture(scope="module")
def http(server: Running) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=30) as client:
        yield client


@pytest.fixture(scope="module")
def ada(server: Running, http: httpx.Client) -> Publisher:
    return make_publisher(server, http, "ada")
