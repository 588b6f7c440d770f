"""Proof-cache keys: what a cell's verdict depends on, hashed.

A cell is proven against its own typed body and contract, the contracts of the
cells it calls, the definitions of the pure cells it may unfold, and the
types and constants all of those use (spec section 8, "Proof cache").  Its key
is a SHA-256 over:

- the verifier's and the solver's versions;
- the cell itself: its typed tree without source positions, the members of its
  call-graph cycle (which decide whether a call must decrease), and its source
  text (so failures can be stored relative to the cell's start, see
  :mod:`aura_verify.cache`);
- every declaration in its *dependency closure*, each by a local hash: a called
  cell's signature and contract, its cycle, and the text of its header (where
  related places such as a ``requires`` clause point); for a pure cell also its
  body; a record's or enum's fields; a constant's type and value.  The closure
  follows the names each of those mentions, so a change anywhere a proof can
  see changes the key, and a change elsewhere (another cell's body, text above
  the cell) does not.

Each declaration's local hash is computed once per program; the key of a cell
then hashes the local hashes of its closure in name order (a Merkle tree over
the dependency graph, which may have cycles).
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
from collections.abc import Iterable, Mapping
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import z3

from aura_core import tir
from aura_core.graphs import cyclic_components
from aura_core.types import (
    Adt,
    ErrorType,
    Handle,
    MapType,
    Prim,
    QualName,
    Refined,
    TypeParam,
    VecType,
)

__all__ = ["KEY_FORMAT", "KeyComputer", "tool_versions"]

#: Bumped whenever what a key covers changes meaning.
KEY_FORMAT = "aura-verify-key-1"


@functools.cache
def tool_versions() -> str:
    """The verifier's and the solver's versions, as they enter every key.

    The verifier's version is its release number and a hash of its own modules,
    so that a development build never reuses results of different code; the
    checker's release (aura-core) is included too, as it shapes the typed tree.
    """
    h = hashlib.sha256()
    for module in sorted(Path(__file__).parent.glob("*.py")):
        h.update(module.name.encode())
        h.update(module.read_bytes())
    mine, core = _version("aura-verify"), _version("aura-core")
    return (
        f"aura-verify {mine}+{h.hexdigest()[:16]}; aura-core {core}; z3 {z3.get_version_string()}"
    )


def _version(distribution: str) -> str:
    try:
        return version(distribution)
    except PackageNotFoundError:  # running from a source tree without metadata
        return "unknown"


class _Encoder:
    """A canonical, position-free text form of typed trees, and the names they mention.

    Types are shared between many expressions, so the form of each type object
    is computed once (by identity, while the program that holds them is alive).
    """

    def __init__(self) -> None:
        self._fields: dict[type, tuple[str, ...]] = {}
        self._types: dict[int, tuple[str, frozenset[QualName]]] = {}

    def encode(self, obj: object, skip: frozenset[str] = frozenset()) -> tuple[str, set[QualName]]:
        out: list[str] = []
        refs: set[QualName] = set()
        self._walk(obj, out, refs, skip)
        return "".join(out), refs

    def _names(self, cls: type) -> tuple[str, ...]:
        known = self._fields.get(cls)
        if known is None:
            known = tuple(f.name for f in dataclasses.fields(cls) if f.compare)
            self._fields[cls] = known
        return known

    def _walk(self, obj: object, out: list[str], refs: set[QualName], skip: frozenset[str]) -> None:
        cls = type(obj)
        if cls in _TYPE_CLASSES:
            known = self._types.get(id(obj))
            if known is None:
                sub: list[str] = []
                sub_refs: set[QualName] = set()
                self._node(obj, sub, sub_refs, skip)
                known = ("".join(sub), frozenset(sub_refs))
                self._types[id(obj)] = known
            out.append(known[0])
            refs.update(known[1])
        elif obj is None:
            out.append("n")
        elif cls is bool:
            out.append("T" if obj else "F")
        elif cls is int:
            out.append(f"i{obj};")
        elif cls is str:
            assert isinstance(obj, str)
            out.append(f"s{len(obj)}:{obj}")
        elif cls is tuple or cls is list:
            assert isinstance(obj, tuple | list)
            out.append("[")
            for item in obj:
                self._walk(item, out, refs, _NONE)
            out.append("]")
        elif cls in self._fields or dataclasses.is_dataclass(obj):
            self._node(obj, out, refs, skip)
        elif isinstance(obj, float):
            out.append(f"f{obj.hex()};")
        elif isinstance(obj, bytes):
            out.append(f"y{obj.hex()};")
        elif isinstance(obj, Mapping):
            out.append("{")
            for k in sorted(obj, key=str):
                out.append(f"s{len(str(k))}:{k}")
                self._walk(obj[k], out, refs, _NONE)
            out.append("}")
        else:
            raise TypeError(f"cannot fingerprint a {cls.__name__}")

    def _node(self, obj: object, out: list[str], refs: set[QualName], skip: frozenset[str]) -> None:
        if isinstance(obj, tir.Call):
            refs.add(obj.cell)
        elif isinstance(obj, tir.ConstRef):
            refs.add(obj.name)
        elif isinstance(obj, Adt):
            refs.add(obj.decl)
        cls = type(obj)
        out.append(f"({cls.__name__}")
        for name in self._names(cls):
            if name not in skip:
                self._walk(getattr(obj, name), out, refs, _NONE)
        out.append(")")


_NONE: frozenset[str] = frozenset()
#: Semantic types: immutable and shared, so encoded once each.
_TYPE_CLASSES = frozenset({Prim, VecType, MapType, Adt, Handle, TypeParam, Refined, ErrorType})


def _sha(parts: Iterable[str]) -> str:
    h = hashlib.sha256()
    for p in parts:
        b = p.encode("utf-8", "surrogatepass")
        h.update(f"{len(b)}:".encode())
        h.update(b)
    return h.hexdigest()


class KeyComputer:
    """Keys of the cells of one checked program (each declaration hashed once)."""

    def __init__(self, program: tir.Program) -> None:
        self.program = program
        self._enc = _Encoder()
        self._local: dict[QualName, tuple[str, frozenset[QualName]]] = {}
        self._owned: dict[QualName, tuple[str, set[QualName]]] = {}
        self._cycles: dict[QualName, frozenset[QualName]] | None = None
        self._versions = tool_versions()

    def key(self, cell: tir.CellDef) -> str:
        """The cache key of ``cell`` (independent of options; see :mod:`.cache`)."""
        own, refs = self._own(cell)
        source = self.program.modules[cell.name.module].source
        parts = [
            KEY_FORMAT,
            self._versions,
            own,
            self._cycle_text(cell.name),
            source.text[cell.span.start : cell.span.end],
        ]
        for name in sorted(self._closure(refs - {cell.name}), key=str):
            parts += [str(name), self._local_hash(name)[0]]
        return _sha(parts)

    def budgeted_key(self, cell: tir.CellDef, rlimit: int) -> str:
        """The key of ``cell``'s proof under a resource budget of ``rlimit`` units per
        obligation: the proof cache's key, since the budget decides the verdict."""
        return _sha([self.key(cell), f"rlimit={rlimit}"])

    def dependencies(self, cell: tir.CellDef) -> set[QualName]:
        """The declarations whose local hashes enter ``cell``'s key."""
        _, refs = self._own(cell)
        return self._closure(refs - {cell.name})

    def header_end(self, cell: tir.CellDef) -> int:
        """Where the part of a called cell that its callers' keys cover ends: after
        its signature and contract clauses, before its first statement."""
        if cell.body is None:
            return cell.span.end
        c = cell.contract
        ends = [cell.body.span.start, *(e.span.end for e in (*c.requires, *c.ensures))]
        ends += [e.span.end for e in c.decreases]
        if c.decreases_span is not None:
            ends.append(c.decreases_span.end)
        return max(ends)

    # ------------------------------------------------------------ internals
    def _own(self, cell: tir.CellDef) -> tuple[str, set[QualName]]:
        known = self._owned.get(cell.name)
        if known is None:
            known = self._enc.encode(cell)
            self._owned[cell.name] = known
        return known

    def _closure(self, roots: Iterable[QualName]) -> set[QualName]:
        seen: set[QualName] = set()
        todo = list(roots)
        while todo:
            name = todo.pop()
            if name in seen:
                continue
            seen.add(name)
            todo.extend(self._local_hash(name)[1] - seen)
        return seen

    def _local_hash(self, name: QualName) -> tuple[str, frozenset[QualName]]:
        known = self._local.get(name)
        if known is not None:
            return known
        module = self.program.modules.get(name.module)
        text: str
        refs: set[QualName] = set()
        if module is None:
            text = "absent"
        elif name.name in module.cells:
            cell = module.cells[name.name]
            skip = frozenset() if cell.kind == "pure" else frozenset({"body"})
            text, refs = self._enc.encode(cell, skip)
            header = module.source.text[cell.span.start : self.header_end(cell)]
            text = f"cell{text}|{self._cycle_text(name)}|{header}"
        elif name.name in module.records:
            text, refs = self._enc.encode(module.records[name.name])
        elif name.name in module.enums:
            text, refs = self._enc.encode(module.enums[name.name])
        elif name.name in module.consts:
            text, refs = self._enc.encode(module.consts[name.name])
        elif name.name in module.aliases:
            text, refs = self._enc.encode(module.aliases[name.name])
        else:
            text = "absent"
        out = (_sha([str(name), text]), frozenset(refs))
        self._local[name] = out
        return out

    def _cycle_text(self, name: QualName) -> str:
        if self._cycles is None:
            self._cycles = _cycle_members(self.program.calls)
        return ",".join(sorted(str(n) for n in self._cycles.get(name, frozenset())))


def _cycle_members(
    graph: Mapping[QualName, frozenset[QualName]],
) -> dict[QualName, frozenset[QualName]]:
    """For each cell on a call cycle, the cells of its strongly connected component."""
    out: dict[QualName, frozenset[QualName]] = {}
    for members in cyclic_components(graph, lambda name: graph.get(name, ())):
        component = frozenset(members)
        for m in members:
            out[m] = component
    return out
