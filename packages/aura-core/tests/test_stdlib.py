"""Where the standard library's sources are found, and that the wheel ships them."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from aura_core.stdlib import std_module_path, std_root

PACKAGE = Path(__file__).resolve().parents[1]
REPOSITORY_STD = PACKAGE.parent.parent / "sdk" / "std"
TIMEOUT = 300


def test_module_paths_map_to_files_below_the_root(tmp_path: Path) -> None:
    assert std_module_path(tmp_path, ("std", "io")) == tmp_path / "io.aura"
    assert std_module_path(tmp_path, ("std", "net", "http")) == tmp_path / "net" / "http.aura"
    assert std_module_path(tmp_path, ("std",)) == tmp_path / "lib.aura"


@pytest.mark.parametrize("path", [(), ("json",), ("app", "std"), ("std", "lib")])
def test_paths_that_name_no_std_module_are_rejected(tmp_path: Path, path: tuple[str, ...]) -> None:
    with pytest.raises(ValueError):
        std_module_path(tmp_path, path)


def test_the_root_holds_the_standard_library() -> None:
    root = std_root()
    assert root.is_dir()
    assert (root / "README.md").read_bytes() == (REPOSITORY_STD / "README.md").read_bytes()


def _build(*args: str, out: Path) -> None:
    """Build with ``python -m build`` when it is installed, else with ``pip wheel``."""
    spec = importlib.util.find_spec("build")
    if spec is not None and spec.origin is not None:  # not the repository's build/ directory
        argv = [sys.executable, "-m", "build", *args, "--outdir", str(out), str(PACKAGE)]
    elif args == ("--wheel",):
        argv = [sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", str(out), str(PACKAGE)]
    else:
        pytest.skip("building an sdist needs the `build` package")
    proc = subprocess.run(
        argv,
        cwd=out,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-4000:]


def _shipped(wheel: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(wheel) as z:
        return {n: z.read(n) for n in z.namelist() if n.startswith("aura_core/std/")}


def test_the_wheel_ships_the_standard_library(tmp_path: Path) -> None:
    _build("--wheel", out=tmp_path)
    (wheel,) = tmp_path.glob("aura_core-*.whl")
    shipped = _shipped(wheel)
    expected = {
        "aura_core/std/" + p.relative_to(REPOSITORY_STD).as_posix(): p.read_bytes()
        for p in sorted(REPOSITORY_STD.rglob("*"))
        if p.is_file()
    }
    assert shipped == expected
    assert "aura_core/std/README.md" in shipped


def test_a_wheel_built_from_the_sdist_ships_it_too(tmp_path: Path) -> None:
    _build(out=tmp_path)  # sdist, then a wheel from the unpacked sdist
    (sdist,) = tmp_path.glob("aura_core-*.tar.gz")
    with tarfile.open(sdist) as t:
        names = t.getnames()
    assert any(n.endswith("/src/aura_core/std/README.md") for n in names), names
    (wheel,) = tmp_path.glob("aura_core-*.whl")
    assert "aura_core/std/README.md" in _shipped(wheel)
