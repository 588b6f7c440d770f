"""`aura verify`: output formats, the JSON contract of spec section 8, options, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from aura_core.cli import main as aura

ABS = """\
## Absolute value, defined for every i64 but the smallest.
pub cell abs(x: i64) -> i64:
    ensures result >= 0
    if x < 0:
        return -x
    return x

cell twice(x: i64) -> i64:
    requires -1000 <= x and x <= 1000
    ensures result == 2 * x
    return x + x
"""

GOOD = """\
cell twice(x: i64) -> i64:
    requires -1000 <= x and x <= 1000
    ensures result == 2 * x
    return x + x
"""


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(aura, ["verify", *args])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def abs_file(tmp_path: Path) -> Path:
    p = tmp_path / "abs.aura"
    p.write_text(ABS, encoding="utf-8")
    return p


def test_json_follows_the_output_contract(abs_file: Path) -> None:
    code, out, _ = run("--format", "json", str(abs_file))
    assert code == 1
    data = json.loads(out)
    assert data["version"] == 1
    assert set(data) == {"version", "files", "summary"}
    (file,) = data["files"]
    assert set(file) == {"path", "diagnostics", "cells"}
    assert file["path"] == str(abs_file)
    cells = {c["name"]: c for c in file["cells"]}
    assert set(cells) == {"abs", "twice"}
    assert cells["twice"] == {
        "name": "twice",
        "status": "verified",
        "time_ms": cells["twice"]["time_ms"],
        "cached": False,
        "failures": [],
    }
    failed = cells["abs"]
    assert failed["status"] == "failed" and isinstance(failed["time_ms"], int)
    (f,) = failed["failures"]
    assert f == {
        "status": "failed",
        "kind": "overflow",
        "code": "V0007",
        "line": 5,
        "column": 16,
        "message": "arithmetic might overflow i64",
        "counterexample": {"x": "-9223372036854775808"},
        "related": [],
    }
    assert data["summary"] == {"verified": 1, "failed": 1, "timeout": 0, "unknown": 0}


def test_human_output(abs_file: Path) -> None:
    code, out, err = run(str(abs_file))
    assert code == 1
    assert "error[V0007]: arithmetic might overflow i64" in err
    assert f"--> {abs_file}:5:16" in err
    assert "counterexample: x = -9223372036854775808" in err
    assert "failed   abs (" in out and "verified twice (" in out
    assert out.rstrip().endswith("1 verified, 1 failed, 0 timed out, 0 unknown")


def test_all_verified_exits_0(tmp_path: Path) -> None:
    p = tmp_path / "good.aura"
    p.write_text(GOOD, encoding="utf-8")
    assert run(str(p))[0] == 0
    assert run("--format", "json", str(p))[0] == 0


def test_cell_option_selects_cells(abs_file: Path) -> None:
    code, out, _ = run("--format", "json", "--cell", "twice", str(abs_file))
    assert code == 0
    assert [c["name"] for c in json.loads(out)["files"][0]["cells"]] == ["twice"]


def test_unknown_cell_is_a_usage_error(abs_file: Path) -> None:
    code, _, err = run("--cell", "nope", str(abs_file))
    assert code == 2 and "no cell named `nope`" in err


def test_bad_options_are_usage_errors(abs_file: Path) -> None:
    assert run("--timeout", "0", str(abs_file))[0] == 2
    assert run("--jobs", "0", str(abs_file))[0] == 2
    assert run()[0] == 2


def test_compile_errors_give_diagnostics_and_no_cells(tmp_path: Path) -> None:
    p = tmp_path / "bad.aura"
    p.write_text("cell f() -> i64:\n    return missing\n", encoding="utf-8")
    code, out, _ = run("--format", "json", str(p))
    assert code == 1
    (file,) = json.loads(out)["files"]
    assert file["cells"] == []
    assert [d["code"] for d in file["diagnostics"]] == ["E0100"]
    assert file["diagnostics"][0]["severity"] == "error"


def test_missing_file(tmp_path: Path) -> None:
    code, out, _ = run("--format", "json", str(tmp_path / "nope.aura"))
    assert code == 1
    (file,) = json.loads(out)["files"]
    assert file["cells"] == [] and file["diagnostics"][0]["code"] == "E0019"


def test_warnings_are_diagnostics(tmp_path: Path) -> None:
    p = tmp_path / "w.aura"
    p.write_text(
        "cell f(n: i64):\n    val mut i: i64 = 0\n    while i < n:\n        i += 1\n",
        encoding="utf-8",
    )
    code, out, _ = run("--format", "json", str(p))
    (file,) = json.loads(out)["files"]
    assert [d["code"] for d in file["diagnostics"]] == ["W0006"]
    assert file["diagnostics"][0]["severity"] == "warning"
    assert code == 0


def test_parallel_jobs_give_the_same_results(abs_file: Path) -> None:
    def strip(out: str) -> object:
        data = json.loads(out)
        for f in data["files"]:
            for c in f["cells"]:
                c["time_ms"] = 0
        return data

    one = run("--format", "json", "--no-cache", str(abs_file))
    two = run("--format", "json", "--no-cache", "--jobs", "2", str(abs_file))
    assert one[0] == two[0] == 1
    assert strip(one[1]) == strip(two[1])


def test_timeout_is_reported(tmp_path: Path) -> None:
    # A nonlinear fact Z3 cannot settle in a millisecond.
    p = tmp_path / "hard.aura"
    p.write_text(
        "cell f(x: Int, y: Int, z: Int):\n"
        "    requires x > 0 and y > 0 and z > 0\n"
        "    assert x * x * x + y * y * y != z * z * z\n",
        encoding="utf-8",
    )
    code, out, _ = run("--format", "json", "--timeout", "0.001", str(p))
    assert code == 1
    (cell,) = json.loads(out)["files"][0]["cells"]
    assert cell["status"] in ("timeout", "unknown")
    (f,) = cell["failures"]
    assert f["status"] == cell["status"] and f["message"]


def test_related_places(tmp_path: Path) -> None:
    p = tmp_path / "rel.aura"
    p.write_text(
        "cell first(v: Vec<i64>) -> i64:\n"
        "    requires v.len() > 0\n"
        "    return v[0]\n"
        "\n"
        "cell show(v: Vec<i64>) -> i64:\n"
        "    ensures result > 0\n"
        "    return first(v)\n",
        encoding="utf-8",
    )
    _, out, _ = run("--format", "json", str(p))
    cells = {c["name"]: c for c in json.loads(out)["files"][0]["cells"]}
    pre, post = cells["show"]["failures"]
    assert (pre["code"], pre["line"], pre["column"]) == ("V0001", 7, 12)
    assert pre["related"][0]["line"] == 2 and pre["related"][0]["column"] == 14
    assert pre["related"][0]["message"] == "the precondition"
    assert (post["code"], post["line"], post["column"]) == ("V0002", 6, 5)
    assert post["related"][0]["line"] == 7 and post["related"][0]["message"] == "this return path"
    assert "need not come from a run" in post["message"]


def test_assume_warns_and_directories_verify_in_parallel(tmp_path: Path) -> None:
    (tmp_path / "a.aura").write_text(
        "cell f(x: i64) -> i64:\n    ensures result > 0\n    assume x > 0\n    return x\n",
        encoding="utf-8",
    )
    (tmp_path / "b.aura").write_text(GOOD, encoding="utf-8")
    code, out, _ = run("--format", "json", "--jobs", "2", str(tmp_path))
    assert code == 0
    files = {Path(f["path"]).name: f for f in json.loads(out)["files"]}
    assert [d["code"] for d in files["a.aura"]["diagnostics"]] == ["W0007"]
    assert [c["status"] for f in files.values() for c in f["cells"]] == ["verified", "verified"]
