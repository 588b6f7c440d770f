"""The run suite against the native backend: every case built with ``aura build``.

Each ``run/NAME.aura`` is compiled to an executable (in this process, as
``aura build`` does, one case per test so that parallel workers share the work)
and run with its arguments and stdin; its stdout, exit
status and stderr must be what the interpreter's expectations say.  The cases
in :data:`NOT_SUPPORTED` use a construct the backend does not compile yet: they
must be rejected with E1001 (exit 1, no executable), never run wrongly, and the
test fails when one of them starts building, so the list stays honest.
"""

from __future__ import annotations

import contextlib
import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import systools

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


def _optional(case: Path, suffix: str) -> str | None:
    path = case.with_suffix(suffix)
    return path.read_text(encoding="utf-8") if path.is_file() else None


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
    args_text = _optional(case, ".args")
    proc = subprocess.run(
        [str(exe), *(args_text.splitlines() if args_text else [])],
        input=_optional(case, ".in") or "",
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
        check=False,
    )
    assert proc.stdout == case.with_suffix(".out").read_text(encoding="utf-8"), proc.stderr
    status_text = _optional(case, ".status")
    assert proc.returncode == (int(status_text) if status_text else 0), proc.stderr
    pattern = _optional(case, ".err")
    if pattern is None:
        assert proc.stderr == ""
    else:
        assert re.search(pattern.strip("\n"), proc.stderr, re.MULTILINE), proc.stderr
