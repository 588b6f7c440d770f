"""Search: cached rankings follow publications, the shown versions follow yanks, the migration.

Rankings are cached under the size of the transparency log (only a publication
changes which packages match), the packages of a page are read afresh, and
migration 0002 fills the search column of packages published before it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
from alembic import command
from alembic.config import Config
from registry_server import Publisher, publish
from sqlalchemy import text

from aura_pkg.server.db import MIGRATIONS, make_engine, migrate


def search(http: httpx.Client, q: str, page: int = 1) -> dict[str, Any]:
    answer = http.get("/api/v1/packages", params={"q": q, "page": page})
    assert answer.status_code == 200, answer.text
    found: dict[str, Any] = answer.json()
    return found


def names(doc: dict[str, Any]) -> list[str]:
    return [hit["name"] for hit in doc["packages"]]


def test_a_publication_shows_in_a_search_asked_before(
    http: httpx.Client, ada: Publisher, tmp_path: Path
) -> None:
    assert publish(http, tmp_path, ada, "srch-one", "1.0.0").status_code == 200
    assert names(search(http, "SRCH")) == ["srch-one"]
    assert search(http, "srch")["total"] == 1

    assert publish(http, tmp_path, ada, "srch", "1.0.0").status_code == 200
    found = search(http, "srch")
    assert names(found) == ["srch", "srch-one"] and found["total"] == 2  # the exact name first


def test_pages_and_totals(http: httpx.Client, ada: Publisher, tmp_path: Path) -> None:
    for i in range(23):
        assert publish(http, tmp_path, ada, f"pager-{i:02d}", "1.0.0").status_code == 200
    first, second = search(http, "pager-"), search(http, "pager-", 2)
    assert first["total"] == second["total"] == 23
    assert names(first) + names(second) == [f"pager-{i:02d}" for i in range(23)]
    assert search(http, "pager-", 3) == {"packages": [], "page": 3, "total": 23}


def test_a_yank_changes_the_version_shown_without_a_publication(
    http: httpx.Client, ada: Publisher, tmp_path: Path
) -> None:
    for version in ("1.0.0", "1.1.0"):
        assert publish(http, tmp_path, ada, "srch-yank", version).status_code == 200
    assert search(http, "srch-yank")["packages"][0]["version"] == "1.1.0"
    answer = http.post("/api/v1/packages/srch-yank/1.1.0/yank", headers=ada.auth)
    assert answer.status_code == 200
    assert search(http, "srch-yank")["packages"][0]["version"] == "1.0.0"


def test_migration_0002_fills_the_search_column(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
        connection.execute(
            text(
                "INSERT INTO packages (name, canonical, description, keywords, downloads, "
                "created_at) VALUES ('Old-Pkg', 'old-pkg', 'Parses TOML', '[\"Config\"]', 0, 'x')"
            )
        )
    migrate(engine)
    with engine.connect() as connection:
        row = connection.execute(text("SELECT revision, search_text FROM packages")).one()
    engine.dispose()
    assert row == (0, "old-pkg\nparses toml\nconfig")
