"""Copy on write against a model with eager deep copies (hypothesis).

Random programs shuffle nested vectors between variables -- copies, element
writes, pushes, ``mut`` arguments, loops over snapshots -- and print every
variable at the end.  The model runs the same operations on Python lists,
deep-copying wherever Aura's value semantics says "copy".
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

NVARS = 3

HEADER = """\
cell grow(mut row: Vec<i64>, c: i64):
    row.push(c)

cell replace(mut rows: Vec<Vec<i64>>, c: i64):
    rows = [[c]]

cell main():
"""


def text(v: list[list[int]]) -> str:
    return "[" + ", ".join("[" + ", ".join(map(str, r)) + "]" for r in v) + "]"


@st.composite
def programs(draw: st.DrawFn) -> tuple[str, str]:
    model: list[list[list[int]]] = [[[k]] for k in range(NVARS)]
    lines = [f"    val mut v{k} = [[{k}]]" for k in range(NVARS)]
    for _ in range(draw(st.integers(1, 25))):
        k = draw(st.integers(0, NVARS - 1))
        j = draw(st.integers(0, NVARS - 1))
        c = draw(st.integers(-5, 99))
        rows = model[k]
        op = draw(st.integers(0, 9))
        i = draw(st.integers(0, len(rows) - 1))
        if op == 0:
            lines.append(f"    v{k} = v{j}")
            model[k] = copy.deepcopy(model[j])
        elif op == 1:
            src = draw(st.integers(0, len(model[j]) - 1))
            lines.append(f"    v{k}.push(v{j}[{src}])")
            rows.append(copy.deepcopy(model[j][src]))
        elif op == 2:
            lines.append(f"    v{k}[{i}].push({c})")
            rows[i].append(c)
        elif op == 3 and rows[i]:
            at = draw(st.integers(0, len(rows[i]) - 1))
            lines.append(f"    v{k}[{i}][{at}] = {c}")
            rows[i][at] = c
        elif op == 4 and len(rows) > 1:
            lines.append(f"    v{k}.pop()")
            rows.pop()
        elif op == 5:
            lines.append(f"    grow(mut v{k}[{i}], {c})")
            rows[i].append(c)
        elif op == 6:
            lines.append(f"    replace(mut v{k}, {c})")
            model[k] = [[c]]
        elif op == 7:
            lines.append(f"    v{k} = v{j}.concat(v{k})")
            model[k] = copy.deepcopy(model[j]) + model[k]
        elif op == 8:
            lines.append(f"    for r in v{j}:")
            lines.append(f"        v{k}.push(r)")
            for r in copy.deepcopy(model[j]):
                rows.append(r)
        elif op == 9 and len(rows) > 1:
            other = draw(st.integers(0, len(rows) - 1))
            lines += [
                "    if true:",
                f"        val t = v{k}[{i}]",
                f"        v{k}[{i}] = v{k}[{other}]",
                f"        v{k}[{other}] = t",
            ]
            rows[i], rows[other] = rows[other], rows[i]
    lines += [f"    println(v{k})" for k in range(NVARS)]
    expected = "".join(text(m) + "\n" for m in model)
    return HEADER + "\n".join(lines) + "\n", expected


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(programs())
def test_copy_on_write_matches_deep_copies(run: Callable[..., Any], case: tuple[str, str]) -> None:
    source, expected = case
    r = run(source)
    assert r.panic is None, (r.panic, source)
    assert r.stdout == expected, source
