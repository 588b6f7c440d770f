"""Every semantic error: a failing program, its code and its position."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from aura_core.check import CheckResult

Check = Callable[[str], CheckResult]
Codes = Callable[[str], list[tuple[str, int, int]]]

CASES = [
    # names and scopes
    ("cell f():\n    println(lenght)\n", "E0100", 2, 13),
    ("cell f():\n    val x = 1\n    val x = 2\n", "E0101", 3, 5),
    ("cell f(x: Strng):\n    return\n", "E0102", 1, 11),
    ("type P = record { x: i64 }\ncell f(p: P) -> i64:\n    return p.y\n", "E0106", 3, 12),
    ("cell f(v: Vec<i64>) -> i64:\n    return v.lenght()\n", "E0107", 2, 12),
    (
        "cell g(a: i64) -> i64:\n    return a\ncell f() -> i64:\n    return g(1, 2)\n",
        "E0108",
        4,
        12,
    ),
    # types
    ("cell f(a: i32) -> i64:\n    return a\n", "E0109", 2, 12),
    ("cell f():\n    val v = []\n", "E0110", 2, 13),
    ("cell f(a: bool) -> bool:\n    return a + a\n", "E0111", 2, 12),
    ("cell f():\n    val x: u8 = 256\n", "E0112", 2, 17),
    ("cell f(s: String) -> i64:\n    return s as i64\n", "E0113", 2, 12),
    ("cell f():\n    val x = 1\n    x = 2\n", "E0114", 3, 5),
    ("cell g(mut v: Vec<i64>):\n    v.push(1)\ncell f():\n    g(mut [1])\n", "E0115", 4, 11),
    (
        "cell g(mut v: Vec<i64>):\n    v.push(1)\ncell f():\n    val mut v = [1]\n    g(v)\n",
        "E0116",
        5,
        7,
    ),
    (
        "cell g(mut a: i64, mut b: i64):\n    a = b\ncell f():\n    val mut v = [1, 2]\n"
        "    g(mut v[0], mut v[0])\n",
        "E0117",
        5,
        21,
    ),
    (
        "cell g(mut v: Vec<i64>) -> i64:\n    return 1\ncell f():\n    val mut v = [1]\n"
        "    v.push(g(mut v))\n",
        "E0140",
        5,
        18,
    ),
    ("extern cell raw() -> i64\ncell f() -> i64:\n    return raw()\n", "E0119", 3, 12),
    # specifications
    ("cell f() -> i64:\n    val x = result\n    return x\n", "E0121", 2, 13),
    ("cell f(a: i64):\n    val ok = forall(i in 0..a): i >= 0\n", "E0121", 2, 14),
    (
        "cell g(a: i64) -> i64:\n    return a\ncell f(a: i64):\n    requires g(a) > 0\n"
        "    return\n",
        "E0122",
        4,
        14,
    ),
    ("pure cell f(mut a: i64):\n    a = 1\n", "E0123", 1, 13),
    ("pure cell f(n: i64) -> i64:\n    return f(n - 1) if n > 0 else 0\n", "E0124", 1, 1),
    # a call in the cell's own contract, and a lemma about the pure cell it proves
    ("pure cell f(x: i64) -> i64:\n    requires f(x) > 0\n    return 1\n", "E0124", 1, 1),
    (
        "pure cell p(n: i64) -> i64:\n    l(n)\n    return 1\n"
        "lemma cell l(n: i64):\n    ensures p(n) > 0\n    return\n",
        "E0124",
        4,
        1,
    ),
    (
        "type T = { v: i64 | p(v) }\npure cell p(v: i64) -> bool:\n    val t: T = v\n"
        "    return true\n",
        "E0124",
        2,
        1,
    ),
    ("cell f(a: Option<i64>) -> i64:\n    return a?\n", "E0125", 2, 12),
    ("cell f(a: bool) -> i64:\n    if a:\n        return 1\n", "E0126", 3, 17),
    (
        "type P = { p: i64 | p > 0 }\ncell f(v: Vec<{ x: i64 | x > 0 }>):\n    return\n",
        "E0127",
        2,
        15,
    ),
    ("cell f<T>(a: T, b: T) -> bool:\n    return a == b\n", "E0128", 2, 12),
    ("cell f(v: Vec<i64, i64>):\n    return\n", "E0129", 1, 11),
    ("type P = record { x: i64, y: i64 }\ncell f() -> P:\n    return P { x: 1 }\n", "E0130", 3, 12),
    ("test cell t(a: i64):\n    assert a == a\n", "E0132", 1, 1),
    ("cell f():\n    val x = 1\ncell f():\n    val y = 2\n", "E0134", 3, 1),
    ("cell f():\n    break\n", "E0135", 2, 5),
    (
        "type S = enum { A, B }\ncell f(s: S) -> i64:\n    match s:\n        S::A:\n"
        "            return 1\n",
        "E0120",
        3,
        11,
    ),
    ("const A: i64 = B\nconst B: i64 = A\n", "E0131", 1, 1),
    ("const A: u8 = 200u8 + 100u8\n", "E0131", 1, 15),
    ("type Percent = { p: i64 | 0 <= p and p <= 100 }\nconst C: Percent = 300\n", "E0139", 2, 20),
    ("cell f(m: Map<f64, i64>) -> i64:\n    return m.len()\n", "E0138", 1, 15),
    ("lemma cell l(x: i64):\n    ensures x > 100\n    assume x > 100\n", "E0137", 3, 5),
    (
        "lemma cell l(x: i64):\n    return\ncell g(mut v: i64) -> i64:\n    return v\n"
        "cell f():\n    val mut n = 1\n    l(g(mut n))\n",
        "E0136",
        7,
        7,
    ),
    (
        "type R = resource record { id: i64 }\ncell eat(r: R):\n    return\ncell f(r: R):\n"
        "    eat(r)\n    eat(r)\n",
        "E0118",
        6,
        9,
    ),
]


@pytest.mark.parametrize(
    ("text", "code", "line", "column"), CASES, ids=[f"{c[1]}-{i}" for i, c in enumerate(CASES)]
)
def test_error_code_and_position(
    codes: Codes, text: str, code: str, line: int, column: int
) -> None:
    found = codes(text)
    assert (code, line, column) in found, found


def test_every_semantic_code_has_a_failing_program() -> None:
    from aura_core.codes import CODES

    covered = {c[1] for c in CASES}
    # E0103-E0105 belong to the loader (packages/aura-parse/tests/test_loader.py), E0133
    # needs two modules (below).
    elsewhere = {"E0103", "E0104", "E0105", "E0133"}
    semantic = {c for c in CODES if c.startswith("E01")} - elsewhere
    assert semantic - covered == set()


def test_five_mistakes_are_all_reported_with_fixes(check: Check) -> None:
    text = (
        "type Point = record { x: i64, y: i64 = 0 }\n"
        "cell bump(mut v: Vec<i64>):\n    v.push(1)\n"
        "cell main():\n"
        "    val count: i32 = 5\n"
        "    val total: i64 = count + 1\n"
        "    val p = Point { x: 1, z: 2 }\n"
        "    val mut v = [1, 2]\n"
        "    bump(v)\n"
        "    println(totl)\n"
        "    val q: u8 = 300\n"
    )
    result = check(text)
    errors = [d for d in result.diagnostics if d.is_error]
    assert [d.code for d in errors] == ["E0109", "E0130", "E0116", "E0100", "E0112"]
    assert all(d.help is not None for d in errors)
    mut_fix = errors[2].help
    assert mut_fix is not None and mut_fix.edit is not None
    assert mut_fix.edit.replacement == "mut "


def test_errors_in_one_cell_do_not_hide_errors_in_another(codes: Codes) -> None:
    found = codes("cell a():\n    val x: i64 = true\ncell b():\n    val y: bool = 1\n")
    assert [(c, line) for c, line, _ in found] == [("E0109", 2), ("E0109", 4)]


def test_did_you_mean(check: Check) -> None:
    result = check("cell f(count: i64) -> i64:\n    return coutn\n")
    (d,) = result.diagnostics
    assert d.help is not None and "`count`" in d.help.message


def test_private_declarations_of_another_module() -> None:
    from aura_core.check import check_modules
    from aura_core.modules import ParsedModule
    from aura_core.source import SourceFile
    from aura_parse import parse_module

    lib = SourceFile("lib.aura", "cell secret() -> i64:\n    return 1\n")
    app = SourceFile("app.aura", "import lib\ncell main():\n    println(lib::secret())\n")
    modules = [
        ParsedModule(("app",), "app", app, parse_module(app).module),
        ParsedModule(("lib",), "app", lib, parse_module(lib).module),
    ]
    result = check_modules(modules)
    assert [d.code for d in result.diagnostics] == ["E0133"]
    d = result.diagnostics[0]
    assert d.file is app and d.help is not None and "pub" in d.help.message


def test_resources_are_affine(codes: Codes) -> None:
    text = (
        "type Conn = resource record { id: i64 }\n"
        "cell close(c: Conn):\n    return\n"
        "cell lend(mut c: Conn):\n    return\n"
        "cell main():\n"
        "    val mut c = Conn { id: 1 }\n"
        "    lend(mut c)\n"
        "    close(c)\n"
        "    close(c)\n"
    )
    assert codes(text) == [("E0118", 10, 11)]


def test_a_move_in_one_branch_counts_after_the_if(codes: Codes) -> None:
    text = (
        "type Conn = resource record { id: i64 }\n"
        "cell close(c: Conn):\n    return\n"
        "cell run(flag: bool):\n"
        "    val c = Conn { id: 1 }\n"
        "    if flag:\n        close(c)\n"
        "    close(c)\n"
    )
    assert codes(text) == [("E0118", 8, 11)]


def test_reassigning_a_moved_resource_makes_it_usable(codes: Codes) -> None:
    text = (
        "type Conn = resource record { id: i64 }\n"
        "cell close(c: Conn):\n    return\n"
        "cell run():\n"
        "    val mut c = Conn { id: 1 }\n"
        "    close(c)\n"
        "    c = Conn { id: 2 }\n"
        "    close(c)\n"
        "    for i in 0..3:\n        val d = Conn { id: i }\n        close(d)\n"
    )
    assert codes(text) == []


def _nested_loops(depth: int, body: str) -> str:
    lines = ["cell run(flag: bool):", "    val mut n = 0"]
    for level in range(depth):
        head = f"for i{level} in 0..2:" if level % 2 else "while n < 10:"
        lines.append("    " * (level + 1) + head)
    lines.extend("    " * (depth + 1) + line for line in body.splitlines())
    return "\n".join(lines) + "\n"


def test_nested_loops_are_walked_a_bounded_number_of_times(
    monkeypatch: pytest.MonkeyPatch, codes: Codes
) -> None:
    # Each loop walked its body twice: 2**depth walks of the innermost body,
    # which stalled every command past twenty-odd levels.
    from aura_core.check import ownership

    walks: list[int] = []
    block = ownership._Walker.block

    def counted(self: ownership._Walker, b: object, moved: ownership.Moves) -> None:
        walks.append(1)
        block(self, b, moved)  # type: ignore[arg-type]

    monkeypatch.setattr(ownership._Walker, "block", counted)
    assert codes(_nested_loops(18, "n += 1")) == []
    assert len(walks) < 100


def test_a_move_in_a_deeply_nested_loop_is_seen_by_the_next_iteration(codes: Codes) -> None:
    text = (
        "type Conn = resource record { id: i64 }\n"
        "cell close(c: Conn):\n    return\n"
        + _nested_loops(12, "val c = Conn { id: 1 }\nif flag:\n    close(c)")
        .replace("    val mut n = 0\n", "    val mut n = 0\n    val d = Conn { id: 2 }\n")
        .replace("close(c)", "close(c)\n" + "    " * 14 + "close(d)")
    )
    found = codes(text)
    assert [c for c, _, _ in found] == ["E0118"]


OWNED = (
    "type Conn = resource record { id: i64 }\n"
    "type Pool = record { main: Conn }\n"
    "cell close(c: Conn):\n    return\n"
)


@pytest.mark.parametrize(
    "body",
    [
        "    val c = Conn { id: 1 }\n    val v = [c]\n    val w = v\n    close(w[0])\n"
        "    close(v[0])\n",
        "    val p = Pool { main: Conn { id: 1 } }\n    close(p.main)\n    close(p.main)\n",
        "    val o: Option<Conn> = Some(Conn { id: 1 })\n    match o:\n        Some(c):\n"
        "            close(c)\n        None:\n            return\n    match o:\n"
        "        Some(c):\n            close(c)\n        None:\n            return\n",
    ],
    ids=["vector", "field", "option"],
)
def test_values_holding_resources_are_affine(codes: Codes, body: str) -> None:
    found = codes(OWNED + "cell run():\n" + body)
    assert [c for c, _, _ in found] == ["E0118"]


def test_only_one_branch_of_a_conditional_moves(codes: Codes) -> None:
    text = OWNED + (
        "cell run(flag: bool):\n    val a = Conn { id: 1 }\n    val b = a if flag else a\n"
        "    close(b)\n"
    )
    assert codes(text) == []


def test_result_outside_ensures_says_where(check: Check) -> None:
    result = check("cell f() -> i64:\n    requires result > 0\n    return 1\n")
    (d,) = result.diagnostics
    assert d.code == "E0121" and "before the result exists" in d.notes[0]


def test_type_parameters_cannot_be_ordered(codes: Codes) -> None:
    assert [c for c, _, _ in codes("cell f<T>(a: T, b: T) -> bool:\n    return a < b\n")] == [
        "E0128"
    ]


def test_mut_argument_with_another_refinement_shows_the_refinement(check: Check) -> None:
    text = (
        "type Pos = { n: i32 | n > 0 }\n"
        "cell bump(mut x: Pos):\n    x = x + 1\n"
        "cell main():\n    val mut a: i32 = 5\n    bump(mut a)\n"
    )
    (d,) = [d for d in check(text).diagnostics if d.is_error]
    assert d.code == "E0109"
    assert "`{ n: i32 | ... }`, not `i32` (unrefined)" in d.message


def test_constant_refinements_are_checked_at_compile_time(codes: Codes) -> None:
    # Every layer, constants in the predicate, mathematical arithmetic; a
    # predicate with a call cannot be decided and is an error at the type.
    text = (
        "const LIM: i64 = 10\n"
        "type Percent = { p: i64 | 0 <= p and p <= 100 }\n"
        "type Small = { v: Percent | v < LIM }\n"
        "const A: Small = 5\n"
        "const B: Small = 20\n"
        "const C: Small = -1\n"
        "type Top = { v: i64 | v + 1 > 9223372036854775807 and (v < 0 ==> false) }\n"
        "const D: Top = 9223372036854775807\n"
        "pure cell ok(v: i64) -> bool:\n    return true\n"
        "type Okay = { v: i64 | ok(v) }\n"
        "const E: Okay = 1\n"
    )
    assert codes(text) == [("E0139", 5, 18), ("E0139", 6, 18), ("E0139", 12, 10)]


def test_f64_map_keys_are_errors_written_or_inferred(check: Check) -> None:
    text = (
        "type R = record { m: Map<f64, i64> }\n"
        "cell mk<K>(k: K) -> Map<K, i64>:\n"
        "    val mut m: Map<K, i64> = Map::new()\n    m.insert(k, 1)\n    return m\n"
        'cell ints() -> i64:\n    return mk(1).len() + mk("a").len() + mk(true).len()\n'
        "cell floats() -> i64:\n    val b = mk(1.5)\n    return b.len()\n"
    )
    found = []
    for d in check(text).diagnostics:
        assert d.file is not None and d.span is not None
        pos = d.file.position(d.span.start)
        found.append((d.code, pos.line, pos.column, d.message))
    assert [f[:3] for f in found] == [("E0138", 1, 26), ("E0138", 9, 13)]
    assert all("`f64` cannot be a map key type" in f[3] for f in found)


@pytest.mark.parametrize(
    ("argument", "column", "what"),
    [
        ("noisy(3)", 7, "a call of `noisy`, which is not pure"),
        ("v.pop().unwrap()", 7, "`pop`, which changes its receiver"),
        ("twice(mut n)", 7, "a call of `twice`, which is not pure"),
        ("n + v.len()", 0, ""),
        ("half(n)", 0, ""),
    ],
)
def test_lemma_arguments_are_specifications(
    check: Check, argument: str, column: int, what: str
) -> None:
    text = (
        "lemma cell l(x: i64):\n    return\n"
        "pure cell half(x: i64) -> i64:\n    return x / 2\n"
        'cell noisy(x: i64) -> i64:\n    println("hi")\n    return x\n'
        "cell twice(mut x: i64) -> i64:\n    x = 2 * x\n    return x\n"
        f"cell f():\n    val mut n = 1\n    val mut v = [1]\n    l({argument})\n"
    )
    errors = [d for d in check(text).diagnostics if d.is_error]
    if not column:
        assert errors == []
        return
    (d,) = errors
    assert d.code == "E0136" and d.message.endswith(what)
    assert d.file is not None and d.span is not None
    assert d.file.position(d.span.start).column == column
