#!/usr/bin/env python3
"""The registry server under load: 10,000 packages on SQLite, clients in another process.

    python testing/bench/registry_load_bench.py                  # 10,000 packages, 3 s a run
    python testing/bench/registry_load_bench.py --packages 200 --seconds 1
    python testing/bench/registry_load_bench.py --strict         # exit 1 when a goal is missed
    python testing/bench/registry_load_bench.py --db postgresql+psycopg://USER@HOST/EMPTY_DB

The server is ``aura registry serve`` in its own process on a free loopback
port, over a temporary storage directory.  Before it starts, the database is
filled through the server's own layers: :class:`RegistryService` creates and
migrates it and its root key, then one transaction inserts a user, a publisher
key and ``--packages`` packages (one signed version each, their transparency
log leaves and the re-signed tree head) with the server's SQLAlchemy models in
bulk ``INSERT``s, so the server's start-up log check accepts it as if every
version had been published over HTTP (which would take minutes).

The load comes from a second process (``http_load.py`` next to this script):
an asyncio HTTP/1.1 client keeping one connection per simulated client, each
sending its next request as soon as the previous answer arrived.  Throughput
and latency percentiles are reported together, for 1 and 20 clients:

* index: ``GET /api/v1/index/NAME`` over 500 popular names (answers 200);
* revalidation: the same with ``If-None-Match`` (answers 304);
* search: ``GET /api/v1/packages?q=WORD`` over 16 words of names and descriptions
  (repeated, so the server's ranking cache answers most of them);
* search, uncached: each text and page asked once, after a publication (which
  makes every cached ranking stale): pages 1-5 of every 2- to 5-letter piece of
  the vocabulary (hundreds to thousands of matches) and 4-digit numbers (a few).

Then a publication of a 100 kB archive (median of ``--publishes``, over HTTP
from this process) and the Ed25519 signature check the server runs on every
publication (median, in this process).
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import insert

from aura_pkg.archive import Archive, build_archive, checksum
from aura_pkg.merkle import TreeHead, leaf_hash, root_hash
from aura_pkg.server import Settings
from aura_pkg.server.accounts import create_user
from aura_pkg.server.db import now
from aura_pkg.server.models import LogEntry, LogHead, Owner, Package, PackageVersion, PublisherKey
from aura_pkg.server.queries import search_text
from aura_pkg.server.service import RegistryService
from aura_pkg.signing import (
    PrivateKey,
    PublicKey,
    canonical_json,
    generate_key,
    sign_statement,
    statement,
    verify_statement,
)

HOT_NAMES = 500
WORDS = ("json", "http", "parse", "graph", "crypto", "vector", "stream", "time", "text", "proof")


@dataclass(frozen=True)
class Seeded:
    """What the bench needs of the filled registry: a publisher and the package names."""

    token: str
    key: PrivateKey
    names: list[str]


def package_name(i: int) -> str:
    return f"{WORDS[i % len(WORDS)]}-{WORDS[i * 7 % len(WORDS)]}-{i:05d}"


def seed(storage: Path, count: int, database_url: str | None = None) -> Seeded:
    """Fill a new registry with ``count`` packages through the server's models (see above)."""
    service = RegistryService(Settings(storage=storage, database_url=database_url))
    try:
        private, public = generate_key()
        with service.sessions.begin() as session:
            user, _, token = create_user(session, "bench")
            stamp = now()
            session.add(
                PublisherKey(
                    key_id=public.key_id,
                    public_key=public.b64(),
                    user_id=user.id,
                    valid_from=0,
                    revoked_at=None,
                    created_at=stamp,
                )
            )
            names = [package_name(i) for i in range(count)]
            packages: list[dict[str, Any]] = []
            versions: list[dict[str, Any]] = []
            entries, leaves = [], []
            for i, name in enumerate(names):
                digest = checksum(name.encode())
                text = canonical_json(statement(name, "1.0.0", digest, {})).decode()
                leaf = leaf_hash(text.encode())
                leaves.append(leaf)
                description = f"A {WORDS[i % 3]} library for {WORDS[(i + 5) % len(WORDS)]} work"
                keywords = [WORDS[(i + 2) % len(WORDS)]]
                packages.append(
                    {
                        "name": name,
                        "canonical": name.replace("_", "-"),
                        "description": description,
                        "keywords": json.dumps(keywords),
                        "downloads": 0,
                        "created_at": stamp,
                        "revision": 0,
                        "search_text": search_text(name, description, keywords),
                    }
                )
                versions.append(
                    {
                        "package_id": name,  # replaced by the id once inserted
                        "version": "1.0.0",
                        "dependencies": "{}",
                        "checksum": digest,
                        "signature": sign_statement(private, name, "1.0.0", digest, {}),
                        "key_id": public.key_id,
                        "log_index": i,
                        "published_at": stamp,
                        "publisher_id": user.id,
                        "description": description,
                        "readme": f"# {name}\n",
                        "verification": None,
                        "yanked": False,
                        "removed": None,
                        "downloads": 0,
                    }
                )
                entries.append({"log_index": i, "statement": text, "leaf_hash": leaf.hex()})
            inserted = session.execute(
                insert(Package).returning(Package.id, Package.name), packages
            ).all()
            ids = {name: package_id for package_id, name in inserted}
            for row in versions:
                row["package_id"] = ids[row["package_id"]]
            owners = [{"package_id": i, "user_id": user.id} for i in ids.values()]
            for model, rows in ((Owner, owners), (PackageVersion, versions), (LogEntry, entries)):
                session.execute(insert(model), rows)
            signed = TreeHead(root_hash(leaves), count).signed(service.root)
            head = session.get(LogHead, 1)
            assert head is not None
            head.size, head.root, head.signature = count, signed.head.root.hex(), signed.signature
        return Seeded(token, private, names)
    finally:
        service.close()


# -- measuring -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Load:
    """One run: requests per second and latency percentiles (ms), with what was answered."""

    rps: float
    p50: float
    p95: float
    p99: float
    statuses: dict[str, int]


def _percentile(ordered: list[float], fraction: float) -> float:
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] * 1000


def drive(
    url: str, requests: list[tuple[str, dict[str, str]]], clients: int, seconds: float
) -> Load:
    host, port = url.removeprefix("http://").rsplit(":", 1)
    spec = {
        "host": host,
        "port": int(port),
        "clients": clients,
        "seconds": seconds,
        "requests": requests,
    }
    done = subprocess.run(
        [sys.executable, str(Path(__file__).with_name("http_load.py"))],
        input=json.dumps(spec),
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + 60,
    )
    result = json.loads(done.stdout)
    ordered = sorted(result["latencies"])
    return Load(
        len(ordered) / result["elapsed"],
        _percentile(ordered, 0.50),
        _percentile(ordered, 0.95),
        _percentile(ordered, 0.99),
        result["statuses"],
    )


def start_server(storage: Path, database_url: str | None) -> tuple[subprocess.Popen[str], str]:
    command = [sys.executable, "-c", "from aura_core.cli import main; main()"]
    server = subprocess.Popen(
        [
            *command,
            "registry",
            "serve",
            "--storage",
            str(storage),
            "--port",
            "0",
            "--log-level",
            "warning",
            "--address-rate",
            "1000000000/1000000000",
            "--token-rate",
            "1000000000/1000000000",
            *(["--db", database_url] if database_url else []),
        ],
        stderr=subprocess.PIPE,
        text=True,
    )
    assert server.stderr is not None
    line = server.stderr.readline()
    found = re.search(r"http://[\d.]+:\d+", line)
    if found is None:
        server.kill()
        raise RuntimeError(f"the registry did not start: {line}{server.stderr.read()}")
    # Keep reading what it says, so that a full pipe never stalls the server.
    threading.Thread(target=server.stderr.read, daemon=True).start()
    return server, found.group(0)


def big_archive(tmp: Path, i: int) -> Archive:
    directory = tmp / f"big{i}"
    (directory / "src").mkdir(parents=True)
    (directory / "aura.toml").write_text(
        f'[package]\nname = "big-{i}"\nversion = "1.0.0"\n', encoding="utf-8"
    )
    # Random base64 text compresses to about 3/4 of its size: 100 kB of archive.
    noise = base64.b64encode(random.Random(i).randbytes(100_000)).decode()
    (directory / "src" / "lib.aura").write_text(f"// {noise}\n", encoding="utf-8")
    return build_archive(directory)


def publish_ms(
    url: str, seeded: Seeded, tmp: Path, count: int, first: int = 0
) -> tuple[float, int]:
    """The median publication time of ``count`` 100 kB archives, and their size."""
    archives = [big_archive(tmp, i) for i in range(first, first + count)]
    public = seeded.key.public_key()
    times = []
    with httpx.Client(base_url=url, timeout=60) as http:
        for a in archives:
            signature = sign_statement(seeded.key, a.name, a.version, a.checksum, {})
            started = time.perf_counter()
            answer = http.put(
                "/api/v1/packages",
                data={"signature": signature, "key_id": public.key_id},
                files={"archive": (a.filename, a.data, "application/gzip")},
                headers={"Authorization": f"Bearer {seeded.token}"},
            )
            times.append(time.perf_counter() - started)
            answer.raise_for_status()
    return statistics.median(times) * 1000, len(archives[0].data)


def verify_ms(key: PrivateKey, count: int = 2000) -> float:
    public: PublicKey = key.public_key()
    digest = "sha256:" + "ab" * 32
    signature = sign_statement(key, "json-http-00001", "1.0.0", digest, {"text": "^1.0"})
    times = []
    for _ in range(count):
        started = time.perf_counter()
        verify_statement(public, signature, "json-http-00001", "1.0.0", digest, {"text": "^1.0"})
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def _row(what: str, clients: int | str, load: Load, goal: str, ok: bool | None) -> str:
    verdict = "" if ok is None else ("pass" if ok else "FAIL")
    return (
        f"{what:22} {clients!s:>7} {load.rps:9.0f} {load.p50:8.2f} {load.p95:8.2f} "
        f"{load.p99:8.2f}  {goal:32} {verdict}"
    )


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    ap.add_argument("--packages", type=int, default=10_000, help="packages in the database")
    ap.add_argument("--seconds", type=float, default=3.0, help="length of each load run")
    ap.add_argument("--publishes", type=int, default=15, help="100 kB publications timed")
    ap.add_argument("--strict", action="store_true", help="exit 1 when a goal is missed")
    ap.add_argument(
        "--db",
        metavar="URL",
        help="an empty PostgreSQL database instead of SQLite (for comparison)",
    )
    args = ap.parse_args(argv)
    failed: list[str] = []

    def check(name: str, ok: bool) -> bool:
        if not ok:
            failed.append(name)
        return ok

    with tempfile.TemporaryDirectory(prefix="aura-load-") as tmp:
        storage = Path(tmp) / "storage"
        started = time.perf_counter()
        seeded = seed(storage, args.packages, args.db)
        seeding = time.perf_counter() - started
        load_before = os.getloadavg()
        server, url = start_server(storage, args.db)
        try:
            hot = seeded.names[:: max(1, len(seeded.names) // HOT_NAMES)][:HOT_NAMES]
            etags = {}
            with httpx.Client(base_url=url, timeout=60) as http:
                for name in hot:  # warms the server's caches, as a live registry's are
                    answer = http.get(f"/api/v1/index/{name}")
                    answer.raise_for_status()
                    etags[name] = answer.headers["etag"]
            no_headers: dict[str, str] = {}
            index = [(f"/api/v1/index/{n}", no_headers) for n in hot]
            revalidate = [(f"/api/v1/index/{n}", {"If-None-Match": etags[n]}) for n in hot]
            terms = [*WORDS, "json-http", "00042", "9", "crypto-t", "library for", "nothing-x"]
            search = [(f"/api/v1/packages?q={t.replace(' ', '+')}", no_headers) for t in terms]
            # Every (text, page) once, so the ranking cache cannot help: the first five
            # pages of every 2- to 5-letter piece of the vocabulary (broad: hundreds to
            # thousands of matches), and 500 4-digit numbers (a few matches each).
            pieces = {
                w[i : i + n] for w in WORDS for n in (2, 3, 4, 5) for i in range(len(w) - n + 1)
            }
            distinct = [
                *(f"/api/v1/packages?q={t}&page={p}" for t in sorted(pieces) for p in range(1, 6)),
                *(f"/api/v1/packages?q={i:04d}" for i in range(500)),
            ]
            random.Random(0).shuffle(distinct)
            uncached = [(path, no_headers) for path in distinct]
            runs = {}
            for clients in (1, 20):
                runs["index", clients] = drive(url, index, clients, args.seconds)
                runs["revalidation", clients] = drive(url, revalidate, clients, args.seconds)
                runs["search", clients] = drive(url, search, clients, args.seconds)
                runs["search, uncached", clients] = drive(url, uncached, clients, args.seconds)
                # A new publication, so the next run's rankings are not cached either.
                publish_ms(url, seeded, Path(tmp), 1, first=900 + clients)
            publish, size = publish_ms(url, seeded, Path(tmp), args.publishes)
        finally:
            server.terminate()
            server.wait(30)
        verify = verify_ms(seeded.key)
        load_after = os.getloadavg()

    backend = "PostgreSQL" if args.db else "SQLite"
    print(
        f"registry under load: {args.packages} packages on {backend} (filled in {seeding:.1f} s), "
        f"{args.seconds:g} s a run, clients in a second process on loopback"
    )
    print(
        f"load average before {load_before[0]:.2f}, after {load_after[0]:.2f} "
        f"({os.cpu_count()} CPUs; the machine may be shared)"
    )
    print(f"{'':22} {'clients':>7} {'req/s':>9} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}  goal")
    for (what, clients), load in runs.items():
        expected = 304 if what == "revalidation" else 200
        if set(load.statuses) != {str(expected)}:
            failed.append(f"{what} answers")
            print(f"  {what} with {clients} clients answered {load.statuses}")
    i1, i20 = runs["index", 1], runs["index", 20]
    r1, r20 = runs["revalidation", 1], runs["revalidation", 20]
    s1, s20 = runs["search", 1], runs["search", 20]
    print(_row("index (200)", 1, i1, "", None))
    ok = check("index", i20.rps >= 1000 and i20.p99 < 50)
    print(_row("index (200)", 20, i20, ">= 1000 req/s, p99 < 50 ms", ok))
    print(_row("revalidation (304)", 1, r1, "cheaper than 200", check("304", r1.p50 <= i1.p50)))
    ok = check("304 x20", r20.rps >= 1000 and r20.p99 < 50)
    print(_row("revalidation (304)", 20, r20, ">= 1000 req/s, p99 < 50 ms", ok))
    print(_row("search", 1, s1, "p95 < 50 ms", check("search", s1.p95 < 50)))
    print(_row("search", 20, s20, "p95 < 150 ms", check("search x20", s20.p95 < 150)))
    u1, u20 = runs["search, uncached", 1], runs["search, uncached", 20]
    print(_row("search, uncached", 1, u1, "p95 < 50 ms", check("uncached", u1.p95 < 50)))
    ok = check("uncached x20", u20.p95 < 150)
    print(_row("search, uncached", 20, u20, "p95 < 150 ms", ok))
    ok = check("publish", publish < 200)
    print(f"publish, {size / 1000:.0f} kB archive (median of {args.publishes}): {publish:.1f} ms")
    print(f"  goal < 200 ms: {'pass' if ok else 'FAIL'}")
    ok = check("verify", verify < 1)
    print(f"Ed25519 signature check (median, in process): {verify * 1000:.0f} us")
    print(f"  goal < 1 ms: {'pass' if ok else 'FAIL'}")
    print("missed: " + ", ".join(failed) if failed else "every goal met")
    return 1 if failed and args.strict else 0


if __name__ == "__main__":
    sys.exit(main())
