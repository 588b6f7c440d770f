"""The verification summary ``publish`` records: the package's cells by status.

``aura verify`` writes the project's proven-checks file (the format of
:mod:`aura_core.proofs`, ``docs/reference/proven-checks.md``): per module, the
SHA-256 of the text it verified and, per cell, whether every obligation was
proven.  aura-pkg never runs the verifier; it reads that file and counts, for
the modules being archived, each cell with a body as

* ``verified`` — the module's entry is current (same source hash) and says so;
* ``unverified`` — the current entry says some obligation was not proven;
* ``unchecked`` — no current entry: never verified, or edited since.

The cells of a module are found by scanning its text for top-level ``cell``
declarations that are not ``extern`` (the cells ``aura verify`` proves; a
declaration starts a line, since blocks are indented), joined with the cells
the current entry names.  The verifier and solver versions come from the
file's ``producer`` (``"aura-verify X; aura-core Y; z3 Z"``): the file keeps
the producer of its latest run only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from aura_core.proofs import ModuleProofs, proofs_path, read_proofs, source_hash
from aura_pkg.archive import package_files
from aura_pkg.manifest import Manifest, import_name
from aura_pkg.registry.index import Verification

__all__ = ["STATUSES", "PackageVerification", "declared_cells", "package_verification"]

#: The statuses a summary counts, in the order they are shown.
STATUSES = ("verified", "unverified", "unchecked")

_CELL = re.compile(
    r"(?:pub[ \t]+)?(?:(?:pure|lemma|test)[ \t]+)?cell[ \t]+([A-Za-z_][A-Za-z0-9_]*)"
)
_BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True, slots=True)
class PackageVerification:
    """The summary to publish, or None with ``proofs`` None when no proofs file exists."""

    summary: Verification | None
    proofs: Path | None


def declared_cells(text: str) -> tuple[str, ...]:
    """The names of the cells with a body declared in a module's text, in order."""
    return tuple(m.group(1) for line in text.splitlines() if (m := _CELL.match(line)) is not None)


def _module_path(package: str, relative: str) -> tuple[str, ...]:
    """``src/lib.aura`` is the package's own module, ``src/a/b.aura`` is ``(PKG, a, b)``."""
    parts = tuple(relative.removeprefix("src/").removesuffix(".aura").split("/"))
    return (package,) if parts == ("lib",) else (package, *parts)


def _tools(producer: str) -> tuple[str | None, str | None]:
    parts = [p.strip() for p in producer.split(";") if p.strip()]
    solver = [p for p in parts if p.startswith("z3")]
    verifier = [p for p in parts if not p.startswith("z3")]
    return ("; ".join(verifier) or None, "; ".join(solver) or None)


def package_verification(root: Path, manifest: Manifest) -> PackageVerification:
    """The verification summary of the package in ``root`` from its proven-checks file."""
    path = proofs_path(root)
    proofs = read_proofs(path) if path is not None and path.exists() else None
    if proofs is None:
        return PackageVerification(None, None)
    package = import_name(manifest.name)
    entries: dict[tuple[str, ...], ModuleProofs] = {m.module: m for m in proofs.modules}
    counts = dict.fromkeys(STATUSES, 0)
    current = False
    for relative in package_files(root, f"{manifest.name} {manifest.version}"):
        if not relative.startswith("src/") or not relative.endswith(".aura"):
            continue
        data = (root / relative).read_bytes().removeprefix(_BOM)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("utf-8", "replace")
        entry = entries.get(_module_path(package, relative))
        verdicts: dict[str, bool] = {}
        if entry is not None and entry.source_sha256 == source_hash(text):
            current = True
            verdicts = {c.cell: c.verified for c in entry.cells}
        for cell in dict.fromkeys([*declared_cells(text), *verdicts]):
            verdict = verdicts.get(cell)
            status = "unchecked" if verdict is None else "verified" if verdict else "unverified"
            counts[status] += 1
    verifier, solver = _tools(proofs.producer) if current else (None, None)
    return PackageVerification(Verification(counts, verifier, solver), path)
