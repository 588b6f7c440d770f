"""The text form of spec section 7.4 (textform.py)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from aura_interpret.textform import quote


@pytest.mark.parametrize(
    ("text", "quoted"),
    [
        ("plain", '"plain"'),
        ('a"b', '"a\\"b"'),
        ("back\\slash", '"back\\\\slash"'),
        ("\n\r\t", '"\\n\\r\\t"'),
        ("\x00\x07\x1b\x7f\x85", '"\\u{0}\\u{7}\\u{1b}\\u{7f}\\u{85}"'),
        ("é ✓ \u00a0", '"é ✓ \u00a0"'),
        ("", '""'),
    ],
)
def test_quote(text: str, quoted: str) -> None:
    assert quote(text) == quoted


def test_top_level_strings_are_themselves(body_out: Callable[[str], str]) -> None:
    assert body_out('println("a\\"b")') == 'a"b\n'


def test_nested_values(body_out: Callable[[str], str]) -> None:
    out = body_out(
        """
        val m: Map<String, Vec<Option<String>>> = Map::new()
        val mut n = m
        n.insert("x", [Some("y"), None])
        println(n)
        val r: Result<Vec<i64>, String> = Ok([])
        println(r)
        println([[1.0], [2.5, -0.0]])
        """
    )
    assert out == '{"x": [Some("y"), None]}\nOk([])\n[[1.0], [2.5, -0.0]]\n'


def test_records_and_enums(out: Callable[[str], str]) -> None:
    src = """
    type P<T> = record { value: T, label: String = "none" }
    type Tree = enum { Leaf, Node(left: i64, right: i64) }
    type Nothing = record {}

    cell main():
        println(P { value: [Tree::Leaf, Tree::Node(1, 2)] })
        println(Nothing {})
        val o: Option<P<i64>> = Some(P { value: 3, label: "x" })
        println(o)
    """
    assert out(src) == (
        'P { value: [Tree::Leaf, Tree::Node(1, 2)], label: "none" }\n'
        "Nothing {}\n"
        'Some(P { value: 3, label: "x" })\n'
    )


def test_recursive_enum(out: Callable[[str], str]) -> None:
    src = """
    type List = enum { Nil, Cons(head: i64, tail: List) }

    cell main():
        val l = List::Cons(1, List::Cons(2, List::Nil))
        println(l)
    """
    assert out(src) == "List::Cons(1, List::Cons(2, List::Nil))\n"


def test_interpolation_of_every_primitive(body_out: Callable[[str], str]) -> None:
    out = body_out(
        """
        val b: u8 = 255
        val i: Int = -12345678901234567890
        println("{b} {i} {1.5} {true} {false} {()} {-0.0}")
        """
    )
    assert out == "255 -12345678901234567890 1.5 true false () -0.0\n"


def test_huge_int_prints_in_full(body_out: Callable[[str], str]) -> None:
    out = body_out(
        """
        val x: Int = 10
        println(x.pow(5000).to_string().len())
        """
    )
    assert out == "5001\n"
