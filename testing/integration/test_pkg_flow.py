"""The package manager end to end, as a person would use it, against a file registry.

One story, through the real ``aura`` command group (so through the
``aura.commands`` entry point of aura-pkg): create a registry and a signing key;
publish a library from project A; in project B depend on it, lock, install, and
type-check B, whose ``import a`` is resolved by the loader from
``.aura/deps/index.toml`` alone; publish a second version of A, update B and
install again; finally a third project installs A from the cache with the
registry gone, which shows that nothing is downloaded twice.

Everything lives under ``tmp_path``: the registry, the projects, the
configuration (``AURA_CONFIG_DIR``) and the cache (``AURA_CACHE_DIR``).  Run with
``-s`` to see how long each step took.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from aura_core.check import check_modules
from aura_core.cli import main as aura
from aura_core.diagnostics import Diagnostic
from aura_parse.loader import load_program

TIMINGS: list[tuple[str, float]] = []


def pkg(*args: str | Path, cwd: Path | None = None) -> Result:
    """``aura pkg ARGS`` in ``cwd``, which must succeed without a traceback."""
    started = time.perf_counter()
    runner = CliRunner()
    previous = Path.cwd()
    try:
        if cwd is not None:
            cwd.mkdir(parents=True, exist_ok=True)
            os.chdir(cwd)
        result = runner.invoke(aura, ["pkg", *(str(a) for a in args)])
    finally:
        os.chdir(previous)
    step = " ".join([str(args[0]), *(str(a) for a in args[1:] if str(a).startswith("--"))])
    TIMINGS.append((step, time.perf_counter() - started))
    assert "Traceback" not in result.output, result.output
    assert result.exit_code == 0, f"aura pkg {' '.join(map(str, args))}:\n{result.output}"
    return result


def errors_of(project: Path) -> list[Diagnostic]:
    """Every error of loading and type-checking the package in ``project``."""
    loaded = load_program(project)
    diagnostics = list(loaded.diagnostics)
    if loaded.ok:
        diagnostics += check_modules(loaded.modules).diagnostics
    return [d for d in diagnostics if d.is_error]


def archives_in(cache: Path) -> list[Path]:
    return sorted(p for p in (cache / "archives").rglob("*") if p.is_file())


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("AURA_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("AURA_CACHE_DIR", str(tmp_path / "cache"))
    for name in ("AURA_REGISTRY", "AURA_REGISTRY_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    TIMINGS.clear()
    return tmp_path


APP_V1 = """\
import std::io
import a

cell main():
    io::println(a::greeting("B"))
"""

SHOUT = """\
## `text`, loudly.
pub pure cell shout(text: String) -> String:
    return "{text}!"
"""

APP_V2 = """\
import std::io
import a
import a::shout

cell main():
    io::println(shout::shout(a::greeting("B")))
"""


def test_init_publish_add_lock_install_update_and_reuse(home: Path) -> None:
    started = time.perf_counter()
    url = pkg("init-registry", home / "registry").stdout.strip()
    assert url == (home / "registry").as_uri()
    pkg("keygen", "--registry", url)

    # Project A: a library, published.
    a = home / "a"
    pkg("init", "--lib", cwd=a)
    assert pkg("publish", "--registry", url, cwd=a).stderr.startswith("Published a 0.1.0")

    # Project B: an application that uses it.
    b = home / "b"
    pkg("init", "--app", cwd=b)
    pkg("add", "a", "--registry", url, cwd=b)
    assert 'a = "^0.1.0"' in (b / "aura.toml").read_text()
    pkg("lock", cwd=b)
    pkg("install", cwd=b)
    assert (b / ".aura/deps/a-0.1.0/src/lib.aura").is_file()
    (b / "src/main.aura").write_text(APP_V1, encoding="utf-8")
    assert errors_of(b) == []
    assert pkg("tree", cwd=b).stdout.splitlines() == ["b 0.1.0", "└── a 0.1.0"]

    # A second version of A, with a new module; B updates to it.
    text = (a / "aura.toml").read_text().replace('version = "0.1.0"', 'version = "0.1.1"')
    (a / "aura.toml").write_text(text, encoding="utf-8")
    (a / "src/shout.aura").write_text(SHOUT, encoding="utf-8")
    pkg("publish", "--registry", url, cwd=a)
    assert "Updated a 0.1.0 -> 0.1.1" in pkg("update", cwd=b).stderr
    (b / "src/main.aura").write_text(APP_V2, encoding="utf-8")
    assert [d.code for d in errors_of(b)] == ["E0103"]  # a::shout is not installed yet
    pkg("install", cwd=b)
    assert sorted(p.name for p in (b / ".aura/deps").glob("a-*")) == ["a-0.1.1"]
    assert errors_of(b) == []
    cached = archives_in(home / "cache")
    assert len(cached) == 2

    # Project C installs A from the cache alone: the registry is gone.
    (home / "registry").rename(home / "registry-away")
    c = home / "c"
    pkg("init", "--app", cwd=c)
    pkg("add", "a", "--registry", url, "--offline", cwd=c)
    pkg("install", "--offline", cwd=c)
    assert (c / ".aura/deps/a-0.1.1/src/shout.aura").is_file()
    assert archives_in(home / "cache") == cached
    (c / "src/main.aura").write_text(APP_V2, encoding="utf-8")
    assert errors_of(c) == []
    assert (c / "aura.lock").read_bytes() == (b / "aura.lock").read_bytes()

    total = time.perf_counter() - started
    print(f"\nthe whole flow: {total:.2f} s")
    for step, seconds in TIMINGS:
        print(f"  {seconds * 1000:7.1f} ms  aura pkg {step}")
