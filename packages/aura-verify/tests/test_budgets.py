"""Resource budgets: what decides a verdict, how a cell or a run raises it, what
the cache keeps of a proof cut short, and Ctrl-C (aura_verify/budgets.py,
solver.py, incremental.py, command.py).

Every test has its own cache directory (``AURA_CACHE_DIR``, see conftest).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from aura_core.cli import main as aura
from aura_verify import Options, verify_paths

#: Fermat's last theorem for cubes: nonlinear, beyond what Z3 settles quickly.
CUBES = """\
cell cubes(x: Int, y: Int, z: Int):
    requires x > 0 and y > 0 and z > 0
    assert x * x * x + y * y * y != z * z * z
"""

EASY = """\
cell easy(a: i64) -> i64:
    requires 0 <= a and a < 100
    return a + 1
"""


def _cache_dir() -> Path:
    return Path(os.environ["AURA_CACHE_DIR"])


def _entries() -> list[Path]:
    return sorted((_cache_dir() / "verify" / "proofs").rglob("*.json"))


def _verify(path: Path, options: Options) -> dict[str, tuple[str, tuple[str, ...], bool]]:
    files, compiled, _ = verify_paths([str(path)], options)
    assert compiled
    return {
        c.name.name: (c.status, tuple(f.message for f in c.failures), c.cached)
        for f in files
        for c in f.cells
    }


def test_a_budget_that_runs_out_is_a_timeout_that_says_how_to_raise_it(tmp_path: Path) -> None:
    path = tmp_path / "m.aura"
    path.write_text(CUBES, encoding="utf-8")
    status, (message,), _ = _verify(path, Options(rlimit=300_000))["cubes"]
    assert status == "timeout"
    assert "resource budget of 300,000 units ran out" in message
    assert "# verify: rlimit = N" in message and "--rlimit N" in message


def test_a_cell_line_sets_its_budget_over_the_runs(tmp_path: Path) -> None:
    path = tmp_path / "m.aura"
    path.write_text("## Cubes.\n# verify: rlimit = 200_000\n" + CUBES + "\n" + EASY, "utf-8")
    got = _verify(path, Options(rlimit=3_000_000))
    assert "budget of 200,000 units" in got["cubes"][1][0]
    assert got["easy"][0] == "verified"


def test_a_directive_not_understood_is_w0010_and_keeps_the_runs_budget(tmp_path: Path) -> None:
    path = tmp_path / "m.aura"
    path.write_text("# verify: rlimit = 0\n" + CUBES, "utf-8")
    files, _, _ = verify_paths([str(path)], Options(rlimit=250_000))
    (d,) = files[0].diagnostics
    assert d.code == "W0010" and d.span is not None and d.span.start == 0
    assert "budget of 250,000 units" in files[0].cells[0].failures[0].message


def test_a_timeout_is_never_cached_and_the_budget_is_part_of_the_key(tmp_path: Path) -> None:
    path = tmp_path / "m.aura"
    path.write_text(CUBES + "\n" + EASY, encoding="utf-8")
    small = Options(cache=True, rlimit=300_000)
    assert _verify(path, small)["cubes"][0] == "timeout"
    again = _verify(path, small)
    assert again["cubes"][2] is False and again["easy"][2] is True
    assert len(_entries()) == 1  # `easy` only
    assert _verify(path, Options(cache=True, rlimit=400_000))["easy"][2] is False


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "-1", "0", "soon"])
def test_a_timeout_that_is_not_a_positive_finite_number_is_a_usage_error(
    value: str, tmp_path: Path
) -> None:
    path = tmp_path / "m.aura"
    path.write_text(EASY, encoding="utf-8")
    result = CliRunner().invoke(aura, ["verify", "--timeout", value, str(path)])
    assert result.exit_code == 2
    assert "--timeout" in result.stderr and "internal" not in result.stderr


def test_ctrl_c_stops_at_once_exits_130_and_stores_nothing_of_the_cell(tmp_path: Path) -> None:
    """A real SIGINT to a real `aura verify`, proving a cell with a budget of
    minutes; the cell before it is stored as soon as it is proven, which is how
    the test knows that the solver is at work on the hard one."""
    path = tmp_path / "m.aura"
    path.write_text(EASY + "\n# verify: rlimit = 4_000_000_000\n" + CUBES, encoding="utf-8")
    aura_exe = Path(sys.executable).with_name("aura")
    proc = subprocess.Popen(
        [str(aura_exe), "verify", str(path)],
        env=dict(os.environ),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 120
        while not _entries() and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.2)  # well into the hard cell's proof
        sent = time.monotonic()
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=30)
        took = time.monotonic() - sent
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 130, err
    assert took < 5.0  # the 0.5 s goal is a benchmark: testing/bench/verify_interrupt_bench.py
    assert err.strip().splitlines()[-1] == "aura verify: interrupted"
    assert len(_entries()) == 1  # `easy`; nothing of `cubes`
