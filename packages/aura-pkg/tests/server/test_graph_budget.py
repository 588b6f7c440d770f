"""``/graph`` within bounds: a resolver step budget, a size cap, refusals cached per state."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from registry_server import Publisher, Running, publish, serve, settings_for
from test_resolver import pigeonhole

from aura_pkg.server.queries import graph_revision


@pytest.fixture(scope="module")
def server(database_url: str | None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    storage = tmp_path_factory.mktemp("registry")
    settings = settings_for(storage, database_url, graph_steps=500, graph_max_nodes=3)
    with serve(settings) as running:
        yield running


def test_a_pigeonhole_graph_is_refused_within_its_budget_and_cached(
    server: Running, http: httpx.Client, ada: Publisher, tmp_path: Path
) -> None:
    spec, deps = pigeonhole(6)
    for name, versions in spec.items():
        for version, needs in versions.items():
            assert publish(http, tmp_path, ada, name, version, needs).status_code == 200
    assert publish(http, tmp_path, ada, "roost", "1.0.0", deps).status_code == 200
    answer = http.get("/api/v1/packages/roost/1.0.0/graph")
    assert answer.status_code == 422, answer.text
    refusal = answer.json()["error"]
    assert refusal["code"] == "graph_too_costly"
    assert "roost 1.0.0 took more than 500 resolver steps" in refusal["message"]
    # The refusal is remembered for this state of the registry: no second resolution.
    with server.service.sessions() as session:
        revision = graph_revision(session)
    cached = server.service.graphs.get("roost/1.0.0", revision)
    assert cached is not None and cached.status == 422
    assert http.get("/api/v1/packages/roost/1.0.0/graph").json() == answer.json()


def test_a_graph_larger_than_the_cap_is_refused(
    http: httpx.Client, ada: Publisher, tmp_path: Path
) -> None:
    for name in ("leaf-a", "leaf-b", "leaf-c"):
        assert publish(http, tmp_path, ada, name, "1.0.0").status_code == 200
    small = {"leaf-a": "^1", "leaf-b": "^1"}
    assert publish(http, tmp_path, ada, "small", "1.0.0", small).status_code == 200
    assert http.get("/api/v1/packages/small/1.0.0/graph").status_code == 200
    big = {**small, "leaf-c": "^1"}
    assert publish(http, tmp_path, ada, "big", "1.0.0", big).status_code == 200
    answer = http.get("/api/v1/packages/big/1.0.0/graph")
    assert answer.status_code == 422, answer.text
    assert answer.json()["error"]["code"] == "graph_too_costly"
    assert "has 4 packages, more than the limit of 3" in answer.json()["error"]["message"]
