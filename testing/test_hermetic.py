"""The root ``conftest.py`` makes every test hermetic; these tests hold it to that.

Each test must see its own cache, config, data and home directories (never the
user's), the suite's one Hypothesis profile, and — under ``CI`` — a skip must
fail.  ``build/ci.py --load N`` must leave no CPU burner behind.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import settings

REPO = Path(__file__).resolve().parent.parent
VARIABLES = (
    "AURA_CACHE_DIR",
    "AURA_CONFIG_DIR",
    "XDG_CACHE_HOME",
    "XDG_CONFIG_HOME",
    "XDG_DATA_HOME",
    "XDG_STATE_HOME",
    "HOME",
)


def test_every_directory_is_this_tests_own_and_empty(
    isolated_directories: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> None:
    base = tmp_path_factory.getbasetemp()
    assert set(isolated_directories) == set(VARIABLES)
    for name in VARIABLES:
        path = Path(os.environ[name])
        assert path == Path(isolated_directories[name])
        assert base in path.parents, (name, path)
        assert path.is_dir() and not any(path.iterdir()), (name, path)
    assert Path(os.path.expanduser("~")) == Path(os.environ["HOME"])


def test_a_subprocess_inherits_the_isolated_directories() -> None:
    script = f"import os, json; print(json.dumps({{k: os.environ[k] for k in {VARIABLES!r}}}))"
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert eval(done.stdout) == {k: os.environ[k] for k in VARIABLES}


def test_the_suite_profile_has_no_deadline() -> None:
    assert settings.default.deadline is None


def _run_pytest(tmp_path: Path, test_source: str, *, ci: bool) -> subprocess.CompletedProcess[str]:
    """Run a one-file suite under the repository's root conftest."""
    (tmp_path / "conftest.py").write_text((REPO / "conftest.py").read_text(encoding="utf-8"))
    (tmp_path / "test_it.py").write_text(textwrap.dedent(test_source), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"  # the root conftest needs none of them
    if ci:
        env["CI"] = "true"
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )


SKIPPING = """
import pytest

def test_needs_a_tool():
    pytest.skip("frobnicate not found")

@pytest.mark.xfail(reason="known", strict=True)
def test_known_bug():
    assert False
"""


def test_a_skip_fails_under_ci(tmp_path: Path) -> None:
    done = _run_pytest(tmp_path, SKIPPING, ci=True)
    assert done.returncode == 1, done.stdout
    assert "1 failed, 1 xfailed" in done.stdout, done.stdout
    assert "no test may be skipped" in done.stdout and "frobnicate not found" in done.stdout


def test_a_skip_stays_a_skip_outside_ci(tmp_path: Path) -> None:
    done = _run_pytest(tmp_path, SKIPPING, ci=False)
    assert done.returncode == 0, done.stdout
    assert "1 skipped, 1 xfailed" in done.stdout, done.stdout


def test_ci_derandomises_hypothesis(tmp_path: Path) -> None:
    source = """
    from hypothesis import settings

    def test_profile():
        assert settings.default.derandomize is True
        assert settings.default.database is None
        assert settings.default.deadline is None
    """
    done = _run_pytest(tmp_path, source, ci=True)
    assert done.returncode == 0, done.stdout
    done = _run_pytest(tmp_path, source, ci=False)
    assert done.returncode == 1, done.stdout


def _ci_module() -> ModuleType:
    sys.path.insert(0, str(REPO / "build"))
    try:
        spec = importlib.util.spec_from_file_location("aura_build_ci", REPO / "build" / "ci.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module  # dataclasses look their module up there
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(REPO / "build"))


def _children() -> set[int]:
    listing = Path(f"/proc/{os.getpid()}/task/{os.getpid()}/children")
    return {int(p) for p in listing.read_text().split()}


def test_cpu_load_runs_its_burners_and_ends_them() -> None:
    ci = _ci_module()
    before = _children()
    with ci.cpu_load(2):
        during = _children() - before
        assert len(during) == 2
        for pid in during:
            assert Path(f"/proc/{pid}").exists()
    assert not (_children() & during)
