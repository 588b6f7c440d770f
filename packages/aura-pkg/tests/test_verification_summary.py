"""The verification summary of a package, from its proven-checks file (aura_core.proofs)."""

from __future__ import annotations

from pathlib import Path

from aura_core.proofs import CellProofs, ModuleProofs, ProofFile, source_hash, write_proofs
from aura_pkg.manifest import load_manifest
from aura_pkg.verification_summary import declared_cells, package_verification

LIB = """\
## Doc line mentioning cell fake(x).
pub pure cell double(x: i64) -> i64:
    return x * 2

test cell doubles():
    assert double(2) == 4

trusted extern cell sqrt(x: f64) -> f64:
    requires x >= 0.0

extern cell raw(n: i64) -> i64
lemma cell fact():
    ensures true
"""

NET = "cell get() -> i64:\n    return 1\n"
PRODUCER = "aura-verify 0.1.0+abc; aura-core 0.1.0; z3 4.13.0"


def package(tmp_path: Path) -> Path:
    root = tmp_path / "my-pkg"
    (root / "src" / "net").mkdir(parents=True)
    (root / "aura.toml").write_text('[package]\nname = "my-pkg"\nversion = "1.0.0"\n')
    (root / "src" / "lib.aura").write_text(LIB)
    (root / "src" / "net" / "http.aura").write_text(NET)
    (root / "src" / "notes.txt").write_text("cell not_aura():\n")
    return root


def proofs(root: Path, *modules: ModuleProofs) -> None:
    write_proofs(root / ".aura" / "cache" / "proven.json", ProofFile(PRODUCER, modules))


def cells(*verdicts: tuple[str, bool]) -> tuple[CellProofs, ...]:
    return tuple(CellProofs(name, ok, ()) for name, ok in verdicts)


def summary(root: Path) -> dict[str, object] | None:
    found = package_verification(root, load_manifest(root / "aura.toml")).summary
    return None if found is None else found.to_json()


def test_declared_cells_are_those_with_a_body_at_the_top_level() -> None:
    assert declared_cells(LIB) == ("double", "doubles", "fact")
    assert declared_cells("record R:\n    cell: i64\n") == ()


def test_no_proofs_file_means_no_summary(tmp_path: Path) -> None:
    assert summary(package(tmp_path)) is None


def test_current_entries_count_and_missing_cells_are_unchecked(tmp_path: Path) -> None:
    root = package(tmp_path)
    proofs(
        root,
        ModuleProofs(
            ("my_pkg",),
            "src/lib.aura",
            source_hash(LIB),
            cells(("double", True), ("doubles", False)),
        ),
    )
    assert summary(root) == {
        "cells": {"verified": 1, "unverified": 1, "unchecked": 2},
        "verifier": "aura-verify 0.1.0+abc; aura-core 0.1.0",
        "solver": "z3 4.13.0",
    }


def test_stale_entries_and_other_modules_do_not_count(tmp_path: Path) -> None:
    root = package(tmp_path)
    proofs(
        root,
        ModuleProofs(("my_pkg",), "src/lib.aura", source_hash(LIB + "\n"), cells(("double", True))),
        ModuleProofs(("other",), "x.aura", source_hash(NET), cells(("get", True))),
        ModuleProofs(("my_pkg", "net", "http"), "src/net/http.aura", source_hash(NET), cells()),
    )
    found = package_verification(root, load_manifest(root / "aura.toml")).summary
    assert found is not None and not found.complete
    assert found.cells == {"verified": 0, "unverified": 0, "unchecked": 4}


def test_a_fully_verified_package_is_complete(tmp_path: Path) -> None:
    root = package(tmp_path)
    proofs(
        root,
        ModuleProofs(
            ("my_pkg",),
            "src/lib.aura",
            source_hash(LIB),
            cells(("double", True), ("doubles", True), ("fact", True)),
        ),
        ModuleProofs(
            ("my_pkg", "net", "http"), "src/net/http.aura", source_hash(NET), cells(("get", True))
        ),
    )
    found = package_verification(root, load_manifest(root / "aura.toml")).summary
    assert found is not None and found.complete and found.summary() == "4 verified"
