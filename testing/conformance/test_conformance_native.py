"""The run suite against the native backend: every case built with ``aura build``.

Each ``run/NAME.aura`` is compiled to an executable (in this process, as
``aura build`` does, one case per test so that parallel workers share the work)
and run with its arguments and stdin; its stdout, exit
status and stderr must be what the interpreter's expectations say, and the
same, byte for byte, as the interpreter's own run of the case (so the whole
panic trace agrees, not only the lines ``NAME.err`` names).  The cases
in :data:`NOT_SUPPORTED` use a construct the backend does not compile yet: they
must be rejected with E1001 (exit 1, no executable), never run wrongly, and the
test fails when one of them starts building, so the list stays honest.
"""

from __future__ import annotations

import contextlib
import io
import re
import shutil
from pathlib import Path

import pytest
import systools
from conformance_run import case_args, case_file, run_case, run_executable

from aura_backend_llvm import Options
from aura_backend_llvm.build_command import compile_file

HERE = Path(__file__).resolve().parent
CASES = sorted((HERE / "run").glob("*.aura"))

#: Cases the native backend rejects (E1001), with the reason.
NOT_SUPPORTED: dict[str, str] = {
    "s2_int_unbounded": "unbounded `Int` (spec section 2 lets a native backend reject it)",
    "s2_refinement_ok": "unbounded `Int` in a refined binding",
    "s5_casts": "casts to and from unbounded `Int`",
    "s8_quantifier_over_type": "a pure cell returning unbounded `Int`",
}


def _build(case: Path, work: Path) -> tuple[int, str, Path]:
    """Compile ``case`` in ``work`` (named as given, as stack traces show it)."""
    shutil.copy(case, work / case.name)
    exe = work / "program"
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        status = compile_file(Path(case.name), exe, Options())
    return status, err.getvalue(), exe


def test_the_list_names_real_cases() -> None:
    names = {c.stem for c in CASES}
    assert set(NOT_SUPPORTED) <= names


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.stem)
def test_case_native(case: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    systools.require("cc", package="gcc")
    monkeypatch.chdir(tmp_path)
    status, stderr, exe = _build(case, tmp_path)
    if case.stem in NOT_SUPPORTED:
        assert status == 1, f"{case.name} now builds: remove it from NOT_SUPPORTED"
        assert "error[E1001]" in stderr
        assert not exe.exists()
        return
    assert status == 0, f"{case.name} does not build:\n{stderr}"
    args, stdin = case_args(case), case_file(case, ".in") or ""
    native = run_executable([str(exe), *args], stdin, tmp_path)
    assert native.stdout == case_file(case, ".out"), native.stderr
    status_text = case_file(case, ".status")
    assert native.status == (int(status_text) if status_text else 0), native.stderr
    pattern = case_file(case, ".err")
    if pattern is None:
        assert native.stderr == ""
    else:
        assert re.search(pattern.strip("\n"), native.stderr, re.MULTILINE), native.stderr
    assert native == run_case(case, args, stdin, tmp_path / "interpreter")
