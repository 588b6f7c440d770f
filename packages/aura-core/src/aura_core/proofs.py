"""Proven checks: the file in which the verifier tells back ends which run-time
checks cannot fail (``docs/reference/proven-checks.md``).

``aura verify`` writes it; ``aura run --trust-proofs`` (and later the native
backend) reads it and leaves those checks out of the generated code.  The file
lists, per module, a hash of the source text the proofs were made on and, per
cell, the checks proven, each by kind and source span (character offsets into
that text): a site is keyed by its file and its span, and a cell lists only
its own code's.  A reader trusts a module's entries only when the hash matches
the text it is compiling: an edited file's proofs are stale and ignored as a
whole.  Which sites of the code compiled into a cell may go is decided in
:mod:`aura_core.trust`.

Everything here is data plus reading and writing; a file that is missing,
corrupt or of another format version reads as empty, so a reader never trusts
what it cannot understand.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, get_args

from aura_core.build_cache import private_dir
from aura_core.types import QualName

__all__ = [
    "CHECK_KINDS",
    "FORMAT_VERSION",
    "CellProofs",
    "CheckKind",
    "ModuleProofs",
    "ProofFile",
    "ProvenCheck",
    "merge_proofs",
    "proof_from_json",
    "proof_to_json",
    "proofs_path",
    "read_proofs",
    "source_hash",
    "trusted_checks",
    "verification_dir",
    "write_proofs",
]

FORMAT_VERSION = 1

#: The kinds of run-time check a proof can remove (the docs page maps each to its
#: verifier obligation and to the check sites of the back ends).
CheckKind = Literal[
    "overflow",
    "division",
    "shift",
    "index",
    "key",
    "unwrap",
    "precondition",
    "postcondition",
    "assertion",
    "invariant_entry",
    "invariant_preserved",
    "refinement",
    "decreases",
]
CHECK_KINDS: frozenset[str] = frozenset(get_args(CheckKind))


@dataclass(frozen=True, slots=True)
class ProvenCheck:
    """One check proven never to fail: its kind and the span ``[start, end)`` it sits at."""

    kind: CheckKind
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class CellProofs:
    """The proven checks of one cell (its simple name within the module), and whether
    every obligation of the cell was proven (``verified``)."""

    cell: str
    verified: bool
    checks: tuple[ProvenCheck, ...]


@dataclass(frozen=True, slots=True)
class ModuleProofs:
    """One module's proofs and the SHA-256 of the source text they hold for."""

    module: tuple[str, ...]
    file: str
    source_sha256: str
    cells: tuple[CellProofs, ...]


@dataclass(frozen=True, slots=True)
class ProofFile:
    """A whole proven-checks file: the tool versions that wrote it, and its modules."""

    producer: str
    modules: tuple[ModuleProofs, ...] = ()


def source_hash(text: str) -> str:
    """The hash a module's entries are valid for: SHA-256 of its UTF-8 text."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def proof_to_json(pf: ProofFile) -> dict[str, Any]:
    return {
        "format": FORMAT_VERSION,
        "producer": pf.producer,
        "modules": [
            {
                "module": list(m.module),
                "file": m.file,
                "source_sha256": m.source_sha256,
                "cells": [
                    {
                        "cell": c.cell,
                        "verified": c.verified,
                        "checks": [[k.kind, k.start, k.end] for k in c.checks],
                    }
                    for c in m.cells
                ],
            }
            for m in pf.modules
        ],
    }


def proof_from_json(data: object) -> ProofFile | None:
    """The file's content, or None when it is not this format version's shape."""
    try:
        if not isinstance(data, dict) or data.get("format") != FORMAT_VERSION:
            return None
        modules: list[ModuleProofs] = []
        for m in data["modules"]:
            cells: list[CellProofs] = []
            for c in m["cells"]:
                checks: list[ProvenCheck] = []
                for kind, start, end in c["checks"]:
                    if kind not in CHECK_KINDS or not _offsets(start, end):
                        return None
                    checks.append(ProvenCheck(kind, start, end))
                if not isinstance(c["verified"], bool):
                    return None
                cells.append(CellProofs(_text(c["cell"]), c["verified"], tuple(checks)))
            module = tuple(_text(p) for p in m["module"])
            modules.append(
                ModuleProofs(module, _text(m["file"]), _text(m["source_sha256"]), tuple(cells))
            )
        return ProofFile(_text(data["producer"]), tuple(modules))
    except (KeyError, TypeError, ValueError):
        return None


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError("expected a string")
    return value


def _offsets(start: object, end: object) -> bool:
    return type(start) is int and type(end) is int and 0 <= start <= end


def read_proofs(path: Path) -> ProofFile | None:
    """The file at ``path``; None if it is missing, unreadable or not understood."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return proof_from_json(data)


def write_proofs(path: Path, pf: ProofFile) -> None:
    """Write ``pf`` atomically: readers see the old file or the new one, never a part."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".proven-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(proof_to_json(pf), out, separators=(",", ":"))
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def merge_proofs(old: ProofFile | None, new: ProofFile) -> ProofFile:
    """``new``, plus what ``old`` knows of modules and cells ``new`` did not prove.

    A module of both with the same source hash merges cell by cell (``new``
    wins); with different hashes the old entry is stale and dropped.
    """
    if old is None:
        return new
    fresh = {m.module: m for m in new.modules}
    out: list[ModuleProofs] = []
    for m in old.modules:
        n = fresh.pop(m.module, None)
        if n is None:
            out.append(m)
        elif n.source_sha256 != m.source_sha256:
            out.append(n)
        else:
            cells = {c.cell: c for c in m.cells}
            cells.update({c.cell: c for c in n.cells})
            out.append(ModuleProofs(n.module, n.file, n.source_sha256, tuple(cells.values())))
    out.extend(fresh.values())
    return ProofFile(new.producer, tuple(out))


def trusted_checks(
    pf: ProofFile | None, sources: Mapping[tuple[str, ...], str]
) -> dict[QualName, frozenset[ProvenCheck]]:
    """Per cell, the checks proven on its module's current text (``sources``: module
    path -> text being compiled), whose offsets are into that text; modules whose
    text lost the proven hash are left out."""
    if pf is None:
        return {}
    out: dict[QualName, frozenset[ProvenCheck]] = {}
    for m in pf.modules:
        text = sources.get(m.module)
        if text is None or source_hash(text) != m.source_sha256:
            continue
        for c in m.cells:
            name = QualName(m.module, c.cell)
            out[name] = frozenset(c.checks) | out.get(name, frozenset())
    return out


#: The file that marks a project's root directory (spec'd in ``packages.md``).
_MANIFEST = "aura.toml"


def verification_dir(entry: Path) -> Path | None:
    """Where verification results for the program at ``entry`` live.

    In a project (the nearest directory above ``entry`` with an ``aura.toml``):
    its ``.aura/cache``.  For a file outside any project: ``verify`` in the
    user's cache directory (``$AURA_CACHE_DIR``, else ``$XDG_CACHE_HOME/aura``,
    else ``~/.cache/aura``), but only if that directory belongs to this user and
    nobody else may write it, since readers trust what it says; None otherwise.
    """
    project = _project_root(entry)
    if project is not None:
        return project / ".aura" / "cache"
    folder = private_dir("verify")
    if folder is None:
        return None
    return folder


def proofs_path(entry: Path) -> Path | None:
    """The proven-checks file of the program at ``entry``: ``proven.json`` in a
    project's ``.aura/cache``; for a lone file, one file per entry path in the
    user's cache (so two scripts never share entries); None without a safe place."""
    folder = verification_dir(entry)
    if folder is None:
        return None
    if _project_root(entry) is not None:
        return folder / "proven.json"
    absolute = os.path.abspath(entry)
    digest = hashlib.sha256(absolute.encode("utf-8", "surrogatepass")).hexdigest()[:24]
    return folder / "proven" / f"{digest}.json"


def _project_root(entry: Path) -> Path | None:
    absolute = Path(os.path.abspath(entry))
    for directory in (absolute, *absolute.parents):
        if (directory / _MANIFEST).is_file():
            return directory
    return None
