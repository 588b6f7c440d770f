"""A compiled program as bytes, and back: what the run cache stores.

A :class:`~aura_interpret.compiler.CompiledProgram` is a dictionary of globals
(the cells' Python functions, the runtime helpers, the objects the generated
code refers to: formatters, copy functions, bound externs, measure stacks) and
the source map.  :func:`dump` writes exactly that state, taken after compiling
and before running, so that :func:`load` gives a program that runs, panics and
prints stack traces exactly like the one compiled.

The format is :mod:`pickle`, taught three things it does not do by itself:

- functions that cannot be found by name (each cell's function, the closures the
  compiler builds per type) are written as their code object (:mod:`marshal`),
  the module or program whose globals they use, their defaults and their
  closure cells, and are rebuilt from those;
- the :class:`~aura_interpret.externs.Host` the externs were bound to is written
  as a reference and replaced by the new run's host on loading;
- only names of :data:`RUNTIME_MODULES` may be referenced, so reading an image
  never imports the parser, the checker or the code generator (that is the point
  of the cache).  Anything outside that set makes :func:`dump` raise
  :class:`NotStorable`: such a program is compiled in every run, never stored
  half-right.

An image is trusted like a ``.pyc`` file: running one runs its code.  That is
why the run cache keeps images only in a directory that belongs to the user and
that no one else can write (:mod:`aura_interpret.run_cache`).

Marshal's format belongs to one Python version, so the cache key includes it.
"""

from __future__ import annotations

import builtins
import importlib
import io
import marshal
import pickle
import sys
import types
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aura_interpret.sourcemap import SourceMap

__all__ = ["RUNTIME_MODULES", "Image", "NotStorable", "dump", "load"]

#: The modules an image may name: the interpreter's run-time half and what it
#: stands on.  None of them imports the parser, the checker or the code generator.
RUNTIME_MODULES = frozenset(
    {
        "aura_interpret.program_image",
        "aura_interpret.values",
        "aura_interpret.runtime",
        "aura_interpret.rt_numbers",
        "aura_interpret.rt_text",
        "aura_interpret.rt_collections",
        "aura_interpret.externs",
        "aura_interpret.panics",
        "aura_interpret.textform",
        "aura_interpret.typeinfo",
        "aura_interpret.sourcemap",
        "aura_core.arith",
        "aura_core.types",
        "aura_core.source",
        "builtins",
        "math",
        "time",
        "operator",
        "_operator",
        "functools",
        "collections",
    }
)

_HOST = "host"
_BUILTINS = "builtins"


class NotStorable(Exception):
    """The program holds something an image cannot express; it is not cached."""


@dataclass(frozen=True, slots=True)
class Image:
    """A program ready to run: its globals, its source map, the name of its entry."""

    globals: dict[str, object]
    source_map: SourceMap
    entry: str

    def function(self) -> Callable[[], object]:
        fn = self.globals[self.entry]
        assert callable(fn)
        return fn


# ------------------------------------------------------------------ rebuilding


def _module_globals(module: str) -> dict[str, Any]:
    if module not in RUNTIME_MODULES:
        raise pickle.UnpicklingError(f"an image may not use module {module!r}")
    return importlib.import_module(module).__dict__


def _function(
    code: types.CodeType,
    scope: dict[str, Any] | str,
    name: str,
    qualname: str,
    defaults: tuple[object, ...] | None,
    kwdefaults: dict[str, object] | None,
    closure: tuple[types.CellType, ...] | None,
) -> types.FunctionType:
    """A function rebuilt from its parts; ``scope`` is a module's name or the program's globals."""
    namespace = scope if isinstance(scope, dict) else _module_globals(scope)
    fn = types.FunctionType(code, namespace, name, defaults, closure)
    fn.__qualname__ = qualname
    fn.__kwdefaults__ = kwdefaults
    return fn


def _code(data: bytes) -> types.CodeType:
    code = marshal.loads(data)
    if not isinstance(code, types.CodeType):
        raise pickle.UnpicklingError("not a code object")
    return code


def _cell() -> types.CellType:
    return types.CellType()


def _fill_cell(cell: types.CellType, contents: object) -> None:
    cell.cell_contents = contents


# --------------------------------------------------------------------- writing


def _module_of(obj: object) -> str | None:
    module = getattr(obj, "__module__", None)
    if module is None and isinstance(obj, types.BuiltinFunctionType):
        module = "builtins"
    return module if isinstance(module, str) else None


def _by_name(fn: types.FunctionType) -> bool:
    """Whether ``fn`` is what its module holds under its qualified name."""
    module = sys.modules.get(fn.__module__) if isinstance(fn.__module__, str) else None
    if module is None or "<" in fn.__qualname__:
        return False
    found: object = module
    for part in fn.__qualname__.split("."):
        found = getattr(found, part, None)
    return found is fn


class _Pickler(pickle.Pickler):
    def __init__(self, out: io.BytesIO, program_globals: dict[str, object], host: object):
        super().__init__(out, protocol=pickle.HIGHEST_PROTOCOL)
        self._globals = program_globals
        self._host = host

    def persistent_id(self, obj: object) -> str | None:
        if obj is self._host:
            return _HOST
        # ``exec`` put the builtins' namespace into the program's globals.
        return _BUILTINS if obj is builtins.__dict__ else None

    def reducer_override(self, obj: object) -> Any:
        if isinstance(obj, types.FunctionType):
            if _by_name(obj):
                self._check(obj)
                return NotImplemented
            return self._reduce_function(obj)
        if isinstance(obj, types.CodeType):
            return _code, (marshal.dumps(obj),)
        if isinstance(obj, types.CellType):
            try:
                contents = obj.cell_contents
            except ValueError:  # an empty cell (a name bound later)
                return _cell, ()
            return _cell, (), contents, None, None, _fill_cell
        if isinstance(obj, type | types.BuiltinFunctionType):
            self._check(obj)
        elif isinstance(obj, types.ModuleType):
            raise NotStorable(f"a module ({obj.__name__}) is held as a value")
        return NotImplemented

    def _check(self, obj: object) -> None:
        module = _module_of(obj)
        if module not in RUNTIME_MODULES:
            raise NotStorable(f"{obj!r} belongs to {module!r}, which an image may not use")

    def _reduce_function(self, fn: types.FunctionType) -> Any:
        scope: dict[str, object] | str
        if fn.__globals__ is self._globals:
            scope = self._globals
        else:
            module = fn.__globals__.get("__name__")
            if not isinstance(module, str) or module not in RUNTIME_MODULES:
                raise NotStorable(f"{fn.__qualname__} runs in {module!r}")
            if sys.modules[module].__dict__ is not fn.__globals__:
                raise NotStorable(f"{fn.__qualname__} has globals of its own")
            scope = module
        if fn.__dict__:
            raise NotStorable(f"{fn.__qualname__} carries attributes")
        args = (
            fn.__code__,
            scope,
            fn.__name__,
            fn.__qualname__,
            fn.__defaults__,
            fn.__kwdefaults__,
            fn.__closure__,
        )
        return _function, args


def dump(image: Image, host: object) -> bytes:
    """The image as bytes; ``host`` (the one the externs were bound to) is left out.

    Raises :class:`NotStorable` if the program holds anything :func:`load` could
    not give back.
    """
    out = io.BytesIO()
    try:
        _Pickler(out, image.globals, host).dump((image.globals, image.source_map, image.entry))
    except NotStorable:
        raise
    except (pickle.PicklingError, TypeError, AttributeError, ValueError, RecursionError) as e:
        raise NotStorable(f"{type(e).__name__}: {e}") from None
    return out.getvalue()


# --------------------------------------------------------------------- reading


class _Unpickler(pickle.Unpickler):
    def __init__(self, data: bytes, host: object):
        super().__init__(io.BytesIO(data))
        self._host = host

    def find_class(self, module: str, name: str) -> Any:
        if module not in RUNTIME_MODULES:
            raise pickle.UnpicklingError(f"an image may not use {module}.{name}")
        return super().find_class(module, name)

    def persistent_load(self, pid: object) -> object:
        if pid == _HOST:
            return self._host
        if pid == _BUILTINS:
            return builtins.__dict__
        raise pickle.UnpicklingError(f"unknown reference {pid!r}")


def load(data: bytes, host: object) -> Image:
    """The image written by :func:`dump`, its externs bound to ``host``.

    Raises :class:`ValueError` for data that is not such an image.
    """
    try:
        loaded = _Unpickler(data, host).load()
    except Exception as e:  # any damage at all: the caller compiles instead
        raise ValueError(f"not a program image: {type(e).__name__}: {e}") from None
    match loaded:
        case (dict() as scope, SourceMap() as source_map, str() as entry) if callable(
            scope.get(entry)
        ):
            return Image(scope, source_map, entry)
    raise ValueError("not a program image")
