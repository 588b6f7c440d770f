"""Code for places that are written: assignments, mutating methods, ``mut`` arguments.

A place is a variable or a field/index path from one (``grid[i][j]``,
``p.items``).  Writing it first makes every container on the path private to
its holder (copy on write, :mod:`aura_interpret.values`): a shared vector is
copied and the copy stored back where it was found, so only this variable
changes.  Records are never shared (they are copied when stored twice), so a
record on the path needs no step of its own.

``mut`` arguments are passed by value and written back: a cell with ``mut``
parameters returns ``(result, final value of each mut parameter...)`` and the
caller stores each final value into the place it passed.  The place is
evaluated (and made private) once, before the call; the container and index
are kept in temporaries for the write-back.  When another argument of the same
call reads the same variable, the ``mut`` argument is passed as a copy, so the
other argument keeps the old value (spec section 3.1).
"""

from __future__ import annotations

from collections.abc import Callable

from aura_core import tir
from aura_core.tirwalk import snapshots
from aura_core.types import MapType, Type, VecType, strip_refinement
from aura_interpret.codegen_methods import MethodGen
from aura_interpret.emit import wrap
from aura_interpret.sourcemap import Site
from aura_interpret.tirwalk import place_root

__all__ = ["PlaceGen"]

WriteBack = Callable[[str], str]


def _simple(e: tir.Expr) -> bool:
    """An expression with no effects and no failure: evaluating it early is unobservable."""
    return isinstance(e, tir.LocalRef | tir.IntConst | tir.BoolConst | tir.StrConst | tir.ConstRef)


class PlaceGen(MethodGen):
    """Private containers along a place, stores into places, ``mut`` calls."""

    def is_cow(self, t: Type) -> bool:
        return isinstance(strip_refinement(t), VecType | MapType)

    def owned(self, e: tir.Expr) -> str:
        """Code for the value at place ``e``, made private along the path (an expression).

        For a vector or map, the result may be written in place; for a record
        (a list), its fields may be assigned.
        """
        cow = self.is_cow(e.type)
        match e:
            case tir.LocalRef(local=local):
                name = self.local(local)
                if not cow:
                    return name
                own = self.owner_name(e.type)
                return f"({name} if not {name}.shared else ({name} := {own}({name})))"
            case tir.FieldGet(obj=obj, index=k):
                rec = self.owned(obj)
                if not cow:
                    return f"{rec}[{k}]"
                return f"_ownfld({rec}, {k}, {self.owner_name(e.type)})"
            case tir.Index(obj=obj, index=i):
                container = self.owned(obj)
                mark = self.mark(e.span)
                if isinstance(strip_refinement(obj.type), MapType):
                    text = self.fmt_inner(strip_refinement(obj.type).key)  # type: ignore[union-attr]
                    if cow:
                        own = self.owner_name(e.type)
                        return f"{mark}_ownkey({container}, {self.expr(i)}, {own}, {text})"
                    return f"{mark}_key({container}, {self.expr(i)}, {text})"
                if cow:
                    return f"{mark}_ownix({container}, {self.expr(i)}, {self.owner_name(e.type)})"
                return f"{mark}_ix({container}, {self.expr(i)})"
        raise AssertionError(f"not a place: {e}")

    # ------------------------------------------------------------ mut calls
    def mut_arg(self, e: tir.Expr) -> tuple[str, WriteBack]:
        """The code passing place ``e``'s current value, and how to store the new one."""
        match e:
            case tir.LocalRef(local=local):
                name = self.local(local)
                return name, lambda v: f"({name} := {v})"
            case tir.FieldGet(obj=obj, index=k):
                p = self.tmp("p")
                return f"({p} := {self.owned(obj)})[{k}]", lambda v: f"{p}.__setitem__({k}, {v})"
            case tir.Index(obj=obj, index=i):
                p, key = self.tmp("p"), self.tmp("k")
                mark = self.mark(e.span)
                ot = strip_refinement(obj.type)
                if isinstance(ot, MapType):
                    text = self.fmt_inner(ot.key)
                    code = (
                        f"{mark}_key(({p} := {self.owned(obj)}), ({key} := {self.expr(i)}), {text})"
                    )
                    return code, lambda v: f"{p}.d.__setitem__({key}, {v})"
                code = f"{mark}_ix(({p} := {self.owned(obj)}), ({key} := {self.expr(i)}))"
                return code, lambda v: f"{p}.items.__setitem__({key}, {v})"
        raise AssertionError(f"not a place: {e}")

    def mut_call_parts(self, e: tir.Call) -> tuple[str, list[WriteBack]]:
        """The call (an expression) and the write-backs of its ``mut`` arguments."""
        mut_roots = {r.id for a in e.args if a.mut and (r := place_root(a.value)) is not None}
        overlap = any(
            not a.mut and (r := place_root(a.value)) is not None and r.id in mut_roots
            for a in e.args
        )
        for kid in snapshots(e):  # as ``expr`` does, for the statement forms
            self.copied.add(id(kid))
        parts: list[str] = []
        backs: list[WriteBack] = []
        for a in e.args:
            if a.mut:
                code, back = self.mut_arg(a.value)
                dup = self.dup_name(a.value.type) if overlap else None
                parts.append(f"{dup}({code})" if dup else code)
                backs.append(back)
            else:
                parts.append(self.value(a.value) if overlap else self.expr(a.value))
        fn = self.ctx.cell_ref(e.cell)
        return f"{self.mark(e.span)}{fn}({', '.join(parts)})", backs

    def mut_call_expr(self, e: tir.Call) -> str:
        call, backs = self.mut_call_parts(e)
        m = self.tmp("m")
        seq = [f"({m} := {call})", *(b(f"{m}[{k + 1}]") for k, b in enumerate(backs)), f"{m}[0]"]
        return f"({', '.join(seq)})[-1]"

    # ------------------------------------------------------------- stores
    def store(self, target: tir.Expr, value_code: str, offset: int) -> None:
        """Emit the statements storing ``value_code`` into place ``target`` (not a local).

        The caller has evaluated the path's indexes into temporaries where that
        matters (:meth:`~aura_interpret.codegen_stmt.StmtGen.freeze`).
        """
        assert isinstance(target, tir.FieldGet | tir.Index)
        self.store_into(self.owned_stmt(target.obj, offset), target, value_code, offset)

    def store_into(self, container: str, target: tir.Expr, value_code: str, offset: int) -> None:
        """Store into ``target``'s slot of ``container``, a private container."""
        if isinstance(target, tir.FieldGet):
            self.emit(f"{container}[{target.index}] = {wrap(value_code)}", offset)
            return
        assert isinstance(target, tir.Index)
        map_type = strip_refinement(target.obj.type)
        if isinstance(map_type, MapType):
            # `m[k] = v` writes an existing entry; a missing key panics, as reading
            # one does (spec 7.2) and as the verifier requires (`insert` adds keys).
            key = self.expr(target.index)
            if not _simple(target.index):
                k = self.tmp("k")
                self.emit(f"{k} = {wrap(key)}", target.index.span)
                key = k
            value = self.tmp("v")
            self.emit(f"{value} = {wrap(value_code)}", offset)
            text = self.fmt_inner(map_type.key)
            self.emit(f"{self.mark(target.span)}_key({container}, {key}, {text})", target.span)
            self.emit(f"{container}.d[{key}] = {value}", offset)
            return
        lhs, site = self.index_target(container, target.index, target)
        self.emit(f"{lhs} = {wrap(value_code)}", offset, site)

    def index_target(self, container: str, index: tir.Expr, e: tir.Expr) -> tuple[str, Site]:
        """``container.items[i]`` as an assignment target, with its negative-index check."""
        if isinstance(index, tir.IntConst) and index.value >= 0:
            return f"{container}.items[{index.value}]", Site(
                "index", f"{container}.items", str(index.value)
            )
        i = self.expr(index)
        if not _simple(index):
            t = self.tmp("i")
            self.emit(f"{t} = {wrap(i)}", e.span)
            i = t
        site = Site("index", f"{container}.items", i)
        if self.iv.nonnegative(index):
            return f"{container}.items[{i}]", site
        fail = f"{self.mark(e.span)}_negix({container}.items, {i})"
        return f"{container}.items[{i} if {i} >= 0 else {fail}]", site

    def owned_stmt(self, e: tir.Expr, offset: int) -> str:
        """Like :meth:`owned`, as statements; returns a name holding the private value.

        Index expressions on the path must be simple (see ``freeze``).
        """
        cow = self.is_cow(e.type)
        if isinstance(e, tir.LocalRef):
            name = self.local(e.local)
            if cow:
                own = self.owner_name(e.type)
                self.emit(f"if {name}.shared: {name} = {own}({name})", offset)
            return name
        c = self.tmp("c")
        if isinstance(e, tir.FieldGet):
            parent = self.owned_stmt(e.obj, offset)
            slot = f"{parent}[{e.index}]"
            self.emit(f"{c} = {slot}", offset)
        else:
            assert isinstance(e, tir.Index), e
            parent = self.owned_stmt(e.obj, offset)
            ot = strip_refinement(e.obj.type)
            if isinstance(ot, MapType):
                slot = f"{parent}.d[{self.expr(e.index)}]"
                site = Site("key", "", key_text=self.ctx.fmts.inner(ot.key))
                self.emit(f"{c} = {slot}", offset, site)
            else:
                lhs, site = self.index_target(parent, e.index, e)
                self.emit(f"{c} = {lhs}", offset, site)
                slot = f"{parent}.items[{self.expr(e.index)}]"
        if cow:
            own = self.owner_name(e.type)
            self.emit(f"if {c}.shared: {c} = {own}({c}); {slot} = {c}", offset)
        return c
