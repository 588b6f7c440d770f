#!/usr/bin/env python3
"""The registry server: log proofs at scale, and publish, index and proof requests over HTTP.

    python testing/bench/registry_bench.py                       # 100,000 leaves, 100 packages
    python testing/bench/registry_bench.py --leaves 2000 --packages 10
    python testing/bench/registry_bench.py --strict              # exit 1 when a goal is missed

*Proofs*: the registry's remembered subtree hashes (``aura_pkg.server.logtree``)
against the client's linear algorithm (``aura_pkg.merkle``, the peer), for an
inclusion and a consistency proof in a log of ``--leaves`` entries.

*HTTP*: a server on SQLite in this process (uvicorn on a thread, loopback),
``--packages`` publications, then index documents, inclusion proofs and
searches, each timed as the median of its requests.

Goals: a proof in a log of 100,000 entries under 10 ms; over HTTP, a
publication under 100 ms and an index document or a proof under 20 ms.
"""

from __future__ import annotations

import argparse
import hashlib
import socket
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import httpx
import uvicorn

from aura_pkg.archive import build_archive
from aura_pkg.merkle import consistency_proof, inclusion_proof
from aura_pkg.server import RateLimit, Settings, create_app
from aura_pkg.server.accounts import create_user
from aura_pkg.server.logtree import TreeHashes
from aura_pkg.server.service import RegistryService
from aura_pkg.signing import generate_key, sign_statement

PROOF_GOAL_MS = 10.0
PUBLISH_GOAL_MS = 100.0
READ_GOAL_MS = 20.0
_UNLIMITED = RateLimit(burst=1e9, per_second=1e9)


def _best_ms(action: Callable[[], object], repeat: int = 5) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        best = min(best, time.perf_counter() - started)
    return best * 1000


def proofs(leaf_count: int) -> tuple[float, float, float]:
    """(peer ms, registry ms, first-root ms) for an inclusion and a consistency proof."""
    leaves = [hashlib.sha256(str(i).encode()).digest() for i in range(leaf_count)]
    tree = TreeHashes()
    started = time.perf_counter()
    tree.root(leaves, leaf_count)
    first = (time.perf_counter() - started) * 1000
    index, old = leaf_count // 3, leaf_count // 2

    def peer() -> None:
        inclusion_proof(leaves, index)
        consistency_proof(leaves, old)

    def registry() -> None:
        tree.inclusion(leaves, index)
        tree.consistency(leaves, old)

    assert tree.inclusion(leaves, index) == inclusion_proof(leaves, index)
    return _best_ms(peer, 3), _best_ms(registry), first


@contextmanager
def _server(storage: Path) -> Iterator[tuple[str, RegistryService]]:
    settings = Settings(storage=storage, address_rate=_UNLIMITED, token_rate=_UNLIMITED)
    app = create_app(settings)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="critical"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}", app.state.service
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


def _median_ms(action: Callable[[int], object], count: int) -> float:
    times = []
    for i in range(count):
        started = time.perf_counter()
        action(i)
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def http_figures(packages: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        with _server(root / "storage") as (url, service):
            with service.sessions.begin() as session:
                _, _, token = create_user(session, "bench")
            private, public = generate_key()
            auth = {"Authorization": f"Bearer {token}"}
            with httpx.Client(base_url=url, timeout=60) as http:
                http.post("/api/v1/keys", json={"public_key": public.b64()}, headers=auth)
                archives = []
                for i in range(packages):
                    directory = root / f"p{i}"
                    (directory / "src").mkdir(parents=True)
                    manifest = f'[package]\nname = "bench{i}"\nversion = "1.0.0"\n'
                    (directory / "aura.toml").write_text(manifest, encoding="utf-8")
                    (directory / "src" / "lib.aura").write_text(f"# {i}\n", encoding="utf-8")
                    archives.append(build_archive(directory))

                def publish(i: int) -> None:
                    a = archives[i]
                    signature = sign_statement(private, a.name, a.version, a.checksum, {})
                    answer = http.put(
                        "/api/v1/packages",
                        data={"signature": signature, "key_id": public.key_id},
                        files={"archive": (a.filename, a.data, "application/gzip")},
                        headers=auth,
                    )
                    answer.raise_for_status()

                figures = {"publish": _median_ms(publish, packages)}
                figures["index"] = _median_ms(
                    lambda i: http.get(f"/api/v1/index/bench{i % packages}").raise_for_status(),
                    max(20, packages),
                )
                figures["inclusion proof"] = _median_ms(
                    lambda i: http.get(
                        "/api/v1/log/proof/inclusion",
                        params={"leaf_index": i % packages, "tree_size": packages},
                    ).raise_for_status(),
                    max(20, packages),
                )
                figures["search"] = _median_ms(
                    lambda i: http.get(
                        "/api/v1/packages", params={"q": "bench"}
                    ).raise_for_status(),
                    20,
                )
    return figures


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    ap.add_argument("--leaves", type=int, default=100_000, help="log size for the proofs")
    ap.add_argument("--packages", type=int, default=100, help="publications over HTTP")
    ap.add_argument("--strict", action="store_true", help="exit 1 when a goal is missed")
    args = ap.parse_args(argv)
    missed = False

    peer, registry, first = proofs(args.leaves)
    print(f"proofs in a log of {args.leaves} entries (an inclusion and a consistency proof):")
    print(f"  client's linear algorithm (peer): {peer:9.2f} ms")
    print(
        f"  registry, subtrees remembered:    {registry:9.2f} ms  ({peer / registry:.0f}x faster)"
    )
    print(f"  first root after start-up:        {first:9.2f} ms")
    goal = PROOF_GOAL_MS * max(1.0, args.leaves / 100_000)
    print(f"  goal: under {goal:g} ms: {'met' if registry < goal else 'MISSED'}")
    missed |= registry >= goal

    figures = http_figures(args.packages)
    print(f"over HTTP on loopback, SQLite, {args.packages} packages (median):")
    for name, value in figures.items():
        print(f"  {name:16} {value:8.2f} ms")
    slow = (
        figures["publish"] >= PUBLISH_GOAL_MS
        or max(figures["index"], figures["inclusion proof"]) >= READ_GOAL_MS
    )
    print(
        f"  goal: publish under {PUBLISH_GOAL_MS:g} ms, index and proof under "
        f"{READ_GOAL_MS:g} ms: {'MISSED' if slow else 'met'}"
    )
    missed |= slow
    return 1 if missed and args.strict else 0


if __name__ == "__main__":
    sys.exit(main())
