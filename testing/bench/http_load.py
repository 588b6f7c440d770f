#!/usr/bin/env python3
"""A small HTTP/1.1 load generator: closed-loop clients on keep-alive connections.

Reads a JSON spec on stdin — ``host``, ``port``, ``clients``, ``seconds`` and
``requests`` (a list of ``[path, {header: value}]``) — and prints JSON: the
elapsed time, every request's latency in seconds and a count of the statuses.
Each client holds one connection and sends its next request (cycling through
the list from its own starting point) as soon as the previous answer is read,
so throughput and latency are measured together.  Standard library only (and
uvloop when installed), so that it starts fast and stays light.

Used by ``registry_load_bench.py``; answers must carry ``Content-Length``
(no chunked bodies), as the registry's do.
"""

from __future__ import annotations

import asyncio
import json
import re
import sys
import time
from collections import Counter
from typing import Any


async def _client(
    address: tuple[str, int],
    requests: list[bytes],
    start: int,
    deadline: float,
    latencies: list[float],
    statuses: Counter[int],
) -> None:
    reader, writer = await asyncio.open_connection(*address)
    i = start
    try:
        while (sent := time.perf_counter()) < deadline:
            writer.write(requests[i % len(requests)])
            i += 1
            head = await reader.readuntil(b"\r\n\r\n")
            match = re.search(rb"\r\ncontent-length:\s*(\d+)", head, re.IGNORECASE)
            if match:
                await reader.readexactly(int(match.group(1)))
            latencies.append(time.perf_counter() - sent)
            statuses[int(head[9:12])] += 1
    finally:
        writer.close()


async def _generate(spec: dict[str, Any]) -> dict[str, Any]:
    address = (spec["host"], spec["port"])
    requests = [
        (
            f"GET {path} HTTP/1.1\r\nHost: {spec['host']}\r\n"
            + "".join(f"{k}: {v}\r\n" for k, v in headers.items())
            + "\r\n"
        ).encode()
        for path, headers in spec["requests"]
    ]
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    clients = spec["clients"]
    started = time.perf_counter()
    deadline = started + spec["seconds"]
    await asyncio.gather(
        *(
            _client(address, requests, c * len(requests) // clients, deadline, latencies, statuses)
            for c in range(clients)
        )
    )
    elapsed = time.perf_counter() - started
    return {"elapsed": elapsed, "latencies": latencies, "statuses": dict(statuses)}


def main() -> int:
    """Read a load spec as JSON on stdin, print the results as JSON."""
    spec = json.loads(sys.stdin.read())
    try:
        import uvloop

        result = uvloop.run(_generate(spec))
    except ImportError:
        result = asyncio.run(_generate(spec))
    json.dump(result, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
