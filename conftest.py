"""What every test in the workspace runs under: its own directories, one Hypothesis profile.

Hermetic by construction rather than by each test remembering:

- **Directories.**  Every test gets fresh cache, config, data and state
  directories through the variables the toolchain reads (``AURA_CACHE_DIR``,
  ``AURA_CONFIG_DIR`` and the XDG base directories), and ``HOME`` points at an
  empty directory, so nothing a test runs — in-process or in a subprocess — can
  read or write the user's caches (a proof cached there once decided a test's
  verdict).  Module- and session-scoped fixtures run before any test's own
  directories exist, so the same variables are first set for the whole process,
  to directories of its own.
- **Hypothesis.**  One profile for the whole suite: no deadlines (a loaded
  machine is not a failure) and, under ``CI``, derandomised examples with the
  database off, so a run is reproducible and two runs see the same examples.
- **No skips in CI.**  Under ``CI`` a skipped test fails: there a missing tool or
  file is a broken set-up, never a reason to pass quietly.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

#: Variable -> directory name below a test's own root.
ISOLATED_DIRS = {
    "AURA_CACHE_DIR": "aura-cache",
    "AURA_CONFIG_DIR": "aura-config",
    "XDG_CACHE_HOME": "cache",
    "XDG_CONFIG_HOME": "config",
    "XDG_DATA_HOME": "data",
    "XDG_STATE_HOME": "state",
    "HOME": "home",
}

IN_CI = bool(os.environ.get("CI"))

settings.register_profile(
    "aura",
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "aura-ci",
    parent=settings.get_profile("aura"),
    derandomize=True,
    database=None,
    print_blob=True,
)
settings.load_profile("aura-ci" if IN_CI else "aura")


def _populate(root: Path) -> dict[str, str]:
    """Create the isolated directories below ``root``; variable -> path."""
    paths = {name: root / sub for name, sub in ISOLATED_DIRS.items()}
    for path in paths.values():
        path.mkdir(parents=True, exist_ok=True)
    return {name: str(path) for name, path in paths.items()}


_PROCESS_ROOT: Path | None = None


def pytest_configure(config: pytest.Config) -> None:
    """Point the whole process (and the fixtures that outlive a test) at its own directories."""
    global _PROCESS_ROOT
    _PROCESS_ROOT = Path(tempfile.mkdtemp(prefix="aura-test-env-"))
    os.environ.update(_populate(_PROCESS_ROOT))


def pytest_unconfigure(config: pytest.Config) -> None:
    if _PROCESS_ROOT is not None:
        shutil.rmtree(_PROCESS_ROOT, ignore_errors=True)


@pytest.fixture(autouse=True)
def isolated_directories(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[dict[str, str]]:
    """This test's own cache, config, data, state and home directories (variable -> path)."""
    paths = _populate(tmp_path_factory.mktemp("env"))
    for name, path in paths.items():
        monkeypatch.setenv(name, path)
    yield paths


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """Under ``CI``, a skip is a failure (xfail stays what it is)."""
    outcome = yield
    report: pytest.TestReport = outcome.get_result()
    if IN_CI and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"skipped under CI, where no test may be skipped: {reason}"
