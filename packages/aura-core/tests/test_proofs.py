"""The proven-checks file: its JSON form, what readers refuse, merging, staleness."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from aura_core.proofs import (
    CellProofs,
    ModuleProofs,
    ProofFile,
    ProvenCheck,
    merge_proofs,
    proof_from_json,
    proof_to_json,
    proofs_path,
    read_proofs,
    source_hash,
    trusted_checks,
    verification_dir,
    write_proofs,
)
from aura_core.types import QualName

TEXT = "cell f(x: i64) -> i64:\n    return x + 1\n"


def module(text: str = TEXT, *cells: CellProofs) -> ModuleProofs:
    cells = cells or (CellProofs("f", True, (ProvenCheck("overflow", 34, 39),)),)
    return ModuleProofs(("m",), "m.aura", source_hash(text), cells)


def test_round_trip_through_a_file(tmp_path: Path) -> None:
    pf = ProofFile("aura-verify test", (module(),))
    path = tmp_path / "deep" / "proven.json"
    write_proofs(path, pf)
    assert read_proofs(path) == pf
    assert json.loads(path.read_text("utf-8"))["format"] == 1
    assert [p.name for p in path.parent.iterdir()] == ["proven.json"]  # no temporary left


@pytest.mark.parametrize(
    "damage",
    [
        lambda d: d.update(format=2),
        lambda d: d["modules"][0]["cells"][0]["checks"][0].__setitem__(0, "teleport"),
        lambda d: d["modules"][0]["cells"][0]["checks"][0].__setitem__(1, -1),
        lambda d: d["modules"][0]["cells"][0].pop("verified"),
        lambda d: d["modules"][0].__setitem__("module", [1]),
    ],
)
def test_a_file_of_another_shape_is_not_trusted(damage: object) -> None:
    data = proof_to_json(ProofFile("p", (module(),)))
    damage(data)  # type: ignore[operator]
    assert proof_from_json(data) is None


def test_unreadable_files_read_as_nothing(tmp_path: Path) -> None:
    (tmp_path / "bad.json").write_text("{not json", "utf-8")
    assert read_proofs(tmp_path / "bad.json") is None
    assert read_proofs(tmp_path / "missing.json") is None


def test_stale_modules_are_ignored() -> None:
    pf = ProofFile("p", (module(),))
    fresh = trusted_checks(pf, {("m",): TEXT})
    assert fresh == {QualName(("m",), "f"): frozenset({ProvenCheck("overflow", 34, 39)})}
    assert trusted_checks(pf, {("m",): TEXT + "# edited\n"}) == {}
    assert trusted_checks(pf, {}) == {}


def test_merge_keeps_other_cells_and_drops_stale_ones() -> None:
    g = CellProofs("g", False, ())
    old = ProofFile("old", (module(TEXT, CellProofs("f", True, ()), g),))
    new_f = CellProofs("f", True, (ProvenCheck("overflow", 34, 39),))
    merged = merge_proofs(old, ProofFile("new", (module(TEXT, new_f),)))
    assert merged.modules[0].cells == (new_f, g)
    edited = TEXT + "\n"
    merged = merge_proofs(old, ProofFile("new", (module(edited, new_f),)))
    assert merged.modules[0].cells == (new_f,)


def test_where_the_files_are(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AURA_CACHE_DIR", str(tmp_path / "user"))
    project = tmp_path / "proj"
    (project / "src").mkdir(parents=True)
    (project / "aura.toml").write_text('[package]\nname = "p"\n', "utf-8")
    assert verification_dir(project / "src" / "main.aura") == project / ".aura" / "cache"
    assert proofs_path(project / "src" / "main.aura") == project / ".aura/cache/proven.json"
    lone_a, lone_b = tmp_path / "a" / "x.aura", tmp_path / "b" / "x.aura"
    assert verification_dir(lone_a) == tmp_path / "user" / "verify"
    assert proofs_path(lone_a) != proofs_path(lone_b)
    (tmp_path / "user" / "verify").chmod(0o777)
    assert verification_dir(lone_a) is None  # others could write what is trusted
