"""The meaning of statements and expressions (spec sections 4, 5 and 7.1)."""

from __future__ import annotations

from collections.abc import Callable

Out = Callable[[str], str]


def test_mut_parameters_on_every_kind_of_place(out: Out) -> None:
    src = """
    type Box = record { v: Vec<i64>, n: i64 }

    cell grow(mut v: Vec<i64>, x: i64) -> i64:
        v.push(x)
        return v.len()

    cell inc(mut n: i64):
        n += 1

    cell main():
        val mut a = [1]
        println(grow(mut a, 2))
        val mut boxes = [Box { v: [], n: 0 }]
        println(grow(mut boxes[0].v, 7) + grow(mut boxes[0].v, 8))
        inc(mut boxes[0].n)
        val mut m: Map<String, i64> = Map::new()
        m.insert("k", 41)
        inc(mut m["k"])
        val mut grid = [[0, 0], [0, 0]]
        inc(mut grid[1][0])
        println("{a} {boxes} {m} {grid}")
    """
    assert out(src) == '2\n3\n[1, 2] [Box { v: [7, 8], n: 1 }] {"k": 42} [[0, 0], [1, 0]]\n'


def test_mut_parameter_replaced_entirely(out: Out) -> None:
    src = """
    cell reset(mut v: Vec<i64>):
        v = [0]

    cell swap_ends(mut v: Vec<i64>):
        val t = v[0]
        v[0] = v[v.len() - 1]
        v[v.len() - 1] = t

    cell main():
        val mut v = [1, 2, 3]
        val keep = v
        swap_ends(mut v)
        println("{v} {keep}")
        reset(mut v)
        println("{v} {keep}")
    """
    assert out(src) == "[3, 2, 1] [1, 2, 3]\n[0] [1, 2, 3]\n"


def test_mut_call_inside_an_expression(out: Out) -> None:
    src = """
    cell take(mut v: Vec<i64>) -> i64:
        return v.pop().unwrap_or(-1)

    cell main():
        val mut v = [1, 2, 3]
        val s = take(mut v) * 10 + take(mut v)
        println("{s} {v}")
        if take(mut v) == 1 and take(mut v) == -1:
            println("empty {v}")
    """
    assert out(src) == "32 [1]\nempty []\n"


def test_mutating_methods_as_expressions(out: Out) -> None:
    src = """
    cell main():
        val mut v = [1, 2, 3]
        val last = v.pop()
        val first = v.remove(0)
        println("{last} {first} {v}")
        val mut q = [[5], [6, 7]]
        val x = q[1].pop()
        println("{x} {q}")
        val mut m: Map<i64, i64> = Map::new()
        m.insert(1, 10)
        println("{m.remove(1)} {m.remove(1)} {m}")
        while v.pop().is_some():
            println("popped")
        v.push(v.len())
        println(v)
    """
    assert out(src) == "Some(3) 1 [2]\nSome(7) [[5], [6]]\nSome(10) None {}\npopped\n[0]\n"


def test_try_in_nested_positions(out: Out) -> None:
    src = """
    cell get(v: Vec<i64>, i: i64) -> Option<i64>:
        return v.get(i)

    cell sum3(v: Vec<i64>) -> Option<i64>:
        return Some(get(v, 0)? + get(v, 1)? * get(v, 2)?)

    cell check(r: Result<i64, String>) -> Result<String, String>:
        val doubled = [r?, r?]
        return Ok("{doubled}")

    cell main():
        println(sum3([1, 2, 3]))
        println(sum3([1, 2]))
        println(check(Ok(2)))
        println(check(Err("bad")))
    """
    assert out(src) == 'Some(7)\nNone\nOk("[2, 2]")\nErr("bad")\n'


def test_try_as_a_statement_and_in_a_loop(out: Out) -> None:
    src = """
    cell all_even(v: Vec<i64>) -> Option<Unit>:
        for x in v:
            if x % 2 == 1:
                val none: Option<Unit> = None
                none?
        return Some(())

    cell main():
        println(all_even([2, 4]))
        println(all_even([2, 3]))
    """
    assert out(src) == "Some(())\nNone\n"


def test_match_guard_falls_through_and_binds(out: Out) -> None:
    src = """
    type E = enum { A(x: i64, y: i64), B }

    cell f(e: E) -> String:
        match e:
            E::A(x, y) if x > y:
                return "a>{x}"
            E::A(x, 0):
                return "a0 {x}"
            E::A(_, y):
                return "a {y}"
            E::B:
                return "b"

    cell main():
        println(f(E::A(5, 1)))
        println(f(E::A(0, 0)))
        println(f(E::A(1, 9)))
        println(f(E::B))
    """
    assert out(src) == "a>5\na0 0\na 9\nb\n"


def test_match_on_a_computed_value_evaluates_it_once(out: Out) -> None:
    src = """
    cell next(mut n: i64) -> i64:
        n += 1
        return n

    cell main():
        val mut n = 0
        match next(mut n):
            1:
                println("one {n}")
            _:
                println("other {n}")
    """
    assert out(src) == "one 1\n"


def test_equality_of_values(out: Out) -> None:
    src = """
    type P = record { a: Vec<i64>, b: f64 }

    cell main():
        println([1, 2] == [1, 2])
        println(P { a: [1], b: 0.0 } == P { a: [1], b: -0.0 })
        val nan = 0.0 / 0.0
        println(P { a: [], b: nan } == P { a: [], b: nan })
        println([nan] != [nan])
        val o: Option<Vec<String>> = Some(["x"])
        println(o == Some(["x"]))
        println("b" > "a" and "é" > "z")
    """
    assert out(src) == "true\ntrue\nfalse\ntrue\ntrue\ntrue\n"


def test_for_each_over_a_temporary_and_a_field(out: Out) -> None:
    src = """
    type Bag = record { items: Vec<i64>, total: i64 }

    cell items() -> Vec<i64>:
        return [1, 2]

    cell main():
        for x in items():
            print("{x} ")
        val mut b = Bag { items: [3, 4], total: 0 }
        for x in b.items:
            b.total += x
            b.items.push(x)
        println("{b.total} {b.items}")
    """
    assert out(src) == "1 2 7 [3, 4, 3, 4]\n"


def test_generic_values_are_copied_too(out: Out) -> None:
    src = """
    type Cell<T> = record { value: T }

    cell wrap<T>(x: T) -> Cell<T>:
        return Cell { value: x }

    cell main():
        val v = [1]
        val mut c = wrap(v)
        c.value.push(2)
        println("{v} {c}")
    """
    assert out(src) == "[1] Cell { value: [1, 2] }\n"


def test_string_concatenation_in_a_loop(out: Out) -> None:
    src = """
    cell main():
        val mut s = ""
        for i in 0..5:
            s = s + i.to_string()
            s += ","
        println(s)
    """
    assert out(src) == "0,1,2,3,4,\n"


def test_integer_methods_of_every_width(out: Out) -> None:
    src = """
    cell main():
        val a: u64 = 18446744073709551615
        println(a.wrapping_add(2))
        println(a.checked_mul(2))
        val b: i16 = -32768
        println(b.wrapping_sub(1))
        println(b.checked_sub(1))
        val c: u32 = 1
        println(c.rotate_right(1))
        val big: Int = 5
        println(big.checked_add(1))
        println(big.min(3).max(4))
    """
    assert out(src) == "1\nNone\n32767\nNone\n2147483648\nSome(6)\n4\n"


def test_std_math_pow_follows_ieee(out: Out) -> None:
    src = """
    import std::math

    cell main():
        println(math::pow(-8.0, 1.0 / 3.0))
        println(math::pow(10.0, 400.0))
        println(math::pow(-10.0, 401.0))
        println(math::pow(0.0, -1.0))
        println(math::pow(2.0, 0.5))
    """
    assert out(src) == "nan\ninf\n-inf\ninf\n1.4142135623730951\n"
