"""The runtime's functions as generated code sees them (``runtime/aura_rt.h``)."""

from __future__ import annotations

from llvmlite import ir

from aura_backend_llvm.layout import F64, I8, I32, I64, PTR

__all__ = ["RUNTIME", "VOID", "declare"]

VOID = ir.VoidType()

#: name -> (return type, parameter types, never returns)
RUNTIME: dict[str, tuple[ir.Type, tuple[ir.Type, ...], bool]] = {
    "aura_panic_bytes": (VOID, (I32, PTR, I64), True),
    "aura_panic_str": (VOID, (I32, PTR), True),
    "aura_panic_overflow": (VOID, (I32, I32, I64, I64, I32), True),
    "aura_panic_cast": (VOID, (I32, I64, I32, I32), True),
    "aura_panic_f2i": (VOID, (I32, F64, I32), True),
    "aura_panic_wide": (VOID, (I32, I64, I64, I32), True),
    "aura_panic_wide_shift": (VOID, (I32, I64, I64), True),
    "aura_panic_shift": (VOID, (I32, I64, I32, I32), True),
    "aura_panic_index": (VOID, (I32, I64, I64, I32), True),
    "aura_panic_stack_overflow": (VOID, (), True),
    "aura_alloc": (PTR, (I64,), False),
    "aura_free": (VOID, (PTR,), False),
    "aura_str_new": (PTR, (PTR, I64), False),
    "aura_str_concat": (PTR, (PTR, PTR), False),
    "aura_str_append": (PTR, (PTR, PTR), False),
    "aura_str_release": (VOID, (PTR,), False),
    "aura_vec_free": (VOID, (PTR,), False),
    "aura_map_free": (VOID, (PTR,), False),
    "aura_str_cmp": (I32, (PTR, PTR), False),
    "aura_str_eq": (I8, (PTR, PTR), False),
    "aura_str_find": (I64, (PTR, PTR), False),
    "aura_str_contains": (I8, (PTR, PTR), False),
    "aura_str_starts_with": (I8, (PTR, PTR), False),
    "aura_str_ends_with": (I8, (PTR, PTR), False),
    "aura_str_split": (PTR, (PTR, PTR), False),
    "aura_str_parse_int": (I8, (PTR, PTR), False),
    "aura_str_parse_float": (I8, (PTR, PTR), False),
    "aura_str_slice": (PTR, (I32, PTR, I64, I64), False),
    "aura_str_repeat": (PTR, (I32, PTR, I64), False),
    "aura_str_bytes": (PTR, (PTR,), False),
    "aura_str_chars": (PTR, (PTR,), False),
    "aura_str_from_bytes": (PTR, (PTR,), False),
    "aura_str_trim": (PTR, (PTR,), False),
    "aura_str_case": (PTR, (PTR, I8), False),
    "aura_vec_insert_at": (PTR, (I32, PTR, I64, I64), False),
    "aura_vec_remove_at": (VOID, (I32, PTR, I64, I64, PTR), False),
    "aura_vec_slice": (PTR, (I32, PTR, I64, I64, I64), False),
    "aura_vec_concat": (PTR, (PTR, PTR, I64), False),
    "round": (F64, (F64,), False),
    "aura_int_pow": (I64, (I32, I64, I64, I32), False),
    "aura_warn": (VOID, (PTR,), False),
    "aura_buf_new": (PTR, (), False),
    "aura_buf_raw": (VOID, (PTR, PTR, I64), False),
    "aura_buf_str": (VOID, (PTR, PTR), False),
    "aura_buf_quoted": (VOID, (PTR, PTR), False),
    "aura_buf_int": (VOID, (PTR, I64, I32), False),
    "aura_buf_f64": (VOID, (PTR, F64), False),
    "aura_buf_finish": (PTR, (PTR,), False),
    "aura_int_to_str": (PTR, (I64, I32), False),
    "aura_vec_new": (PTR, (I64, I64), False),
    "aura_vec_clone": (PTR, (PTR, I64), False),
    "aura_vec_from_data": (PTR, (PTR, I64, I64), False),
    "aura_vec_reserve": (VOID, (PTR, I64, I64), False),
    "aura_vec_sort": (VOID, (PTR, I32, I64), False),
    "aura_map_new": (PTR, (I32, I32), False),
    "aura_map_clone": (PTR, (PTR,), False),
    "aura_map_find": (I64, (PTR, I64), False),
    "aura_map_insert": (I64, (PTR, I64), False),
    "aura_map_remove": (I8, (PTR, I64, PTR), False),
    "aura_print": (VOID, (PTR,), False),
    "aura_println": (VOID, (PTR,), False),
    "aura_eprintln": (VOID, (PTR,), False),
    "aura_read_line": (PTR, (), False),
    "aura_read_file": (I8, (PTR, PTR), False),
    "aura_write_file": (I8, (PTR, PTR, PTR), False),
    "aura_env_args": (PTR, (), False),
    "aura_env_var": (PTR, (PTR,), False),
    "aura_now_ms": (I64, (), False),
    "aura_monotonic_ns": (I64, (), False),
    "free": (VOID, (PTR,), False),
    "sqrt": (F64, (F64,), False),
    "pow": (F64, (F64, F64), False),
    "fmod": (F64, (F64, F64), False),
    "floor": (F64, (F64,), False),
    "ceil": (F64, (F64,), False),
    "trunc": (F64, (F64,), False),
}


def declare(module: ir.Module, name: str) -> ir.Function:
    """The declaration of runtime function ``name`` in ``module`` (added once)."""
    existing = module.globals.get(name)
    if isinstance(existing, ir.Function):
        return existing
    ret, params, noreturn = RUNTIME[name]
    fn = ir.Function(module, ir.FunctionType(ret, params), name)
    if noreturn:
        fn.attributes.add("noreturn")
        fn.attributes.add("cold")
    fn.attributes.add("nounwind")
    return fn
