"""Whole ``aura verify`` reports kept between runs, replayed while no input changed.

The proof cache (:mod:`aura_verify.cache`) saves the proving, but a run that
finds every cell in it still loads, checks and hashes the program, and imports
the parser, the checker and Z3 to do so — most of the time of a warm run.  So
``aura verify FILE...`` also keeps the output it printed, filed by
:mod:`aura_core.build_cache` under a key over the options that shape the output
(paths, ``--rlimit``, ``--cell``, ``--format``, colour) and the toolchain
(aura-core, aura-parse, aura-verify, lark, z3), and valid while every module the
programs loaded, the files that decide where modules are, and the proven-checks
files the run wrote are unchanged.  A replayed report marks every cell
``cached``, as a run served by the proof cache would.  Only reports made of
verdicts the proof cache keeps are kept (no ``timeout``: the resource budget or
the wall clock cut a proof short, and the next run must try again); so
``--timeout``, which can only cut proofs short, is not part of the key.

A directory given as a path (a package, or a directory of programs) is kept
with the list of ``.aura`` files under it, since it loads every one.  Only runs
whose programs all compiled are kept: a missing module that appears later must
be noticed, and it is not a file the run has read.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from aura_core import build_cache
from aura_core.build_cache import Observation

__all__ = ["Replay", "context", "key", "lookup", "store"]

#: Changes whenever the layout of a stored report changes.
FORMAT = 2
_STORE = build_cache.EntryStore("verify-report", ".report", FORMAT)
_TOOLCHAIN = ("aura_core", "aura_parse", "aura_verify", "lark", "z3")


@dataclass(frozen=True, slots=True)
class Replay:
    """What a run printed, in order, and its exit status."""

    #: (to stderr?, text) for each line or block printed.
    chunks: tuple[tuple[bool, str], ...]
    status: int


def key(
    paths: Sequence[str], rlimit: int, cells: Sequence[str], output_format: str, color: bool
) -> str | None:
    """The entry for this command line; None when it is not kept (a path is not a
    file, or there is no working directory)."""
    try:
        cwd = os.getcwd()
    except OSError:
        return None
    parts = (
        cwd,
        *paths,
        *(os.path.join(cwd, p) for p in paths),
        f"rlimit={rlimit}",
        *(f"cell={c}" for c in cells),
        output_format,
        "color" if color else "plain",
    )
    return build_cache.key(f"verify-report {FORMAT}", _TOOLCHAIN, parts)


def context(paths: Iterable[str]) -> tuple[Observation, ...]:
    """The files that decide where the programs' modules are, and which modules a
    directory given as a path holds; take it before loading."""
    out: list[Observation] = []
    for p in paths:
        path = Path(p)
        if path.is_dir():
            out.append(build_cache.observe_listing(p))
            path = path / "aura.toml"  # a package directory: look from its manifest up
        out.extend(build_cache.program_context(path))
    return tuple(out)


def lookup(entry: str) -> Replay | None:
    data = _STORE.read(entry)
    if data is None:
        return None
    try:
        raw = json.loads(data)
        chunks = tuple((bool(err), str(text)) for err, text in raw["chunks"])
        return Replay(chunks, int(raw["status"]))
    except (ValueError, KeyError, TypeError):
        return None


def store(entry: str, observations: Sequence[Observation], replay: Replay) -> bool:
    payload = {"chunks": [list(c) for c in replay.chunks], "status": replay.status}
    return _STORE.write(entry, observations, json.dumps(payload).encode("utf-8"))
