#!/usr/bin/env python3
"""Set up the development environment and run every check, as CI does.

    python3 build/ci.py                # set up .venv if needed, lint, type-check, test
    python3 build/ci.py --fast         # skip ruff and mypy, run the tests only
    python3 build/ci.py --setup-only   # only create or refresh .venv
    python3 build/ci.py -- -k wheels   # arguments after -- go to pytest
    python3 build/ci.py --load 2 --repeat 2   # the suite twice, with 2 CPU burners running

Needs nothing but Python 3.11+ and network access to the package index: the
environment is a plain ``python -m venv`` in ``.venv`` with every package under
``packages/`` installed editable, plus the development tools listed in the root
``pyproject.toml`` (``[tool.hatch.envs.default] dependencies``, the same list
``hatch run`` uses).  A stamp file records a hash of every ``pyproject.toml``;
while it matches, a later run reuses the environment without touching pip.

Under ``hatch run test`` (``HATCH_ENV_ACTIVE`` is set) the current interpreter
already is the workspace environment, so no ``.venv`` is made.

Before the steps, ``build/system.py`` installs the Debian packages some tests
drive (PostgreSQL, Chromium, Neovim) and builds the npm trees.

Steps, in order: ``ruff check``, ``ruff format --check``, ``mypy`` (strict, as
configured in the root ``pyproject.toml``), ``pytest``.  Every step runs even when
an earlier one fails; the exit status is 1 if any failed.  The last line printed is
pytest's own closing line.

``--load N`` keeps N CPU-bound processes running beside the steps and
``--repeat K`` runs pytest K times in a row: the suite must pass on a busy
machine, twice, which is how it is judged (a test that depends on speed, load
or the order tests run in shows up here first).
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import os
import re
import shutil
import subprocess
import sys
import time
import tomllib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import system

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
STAMP_NAME = ".aura-dev-stamp"
#: Bumped when the way the environment is built changes, to force a rebuild.
SETUP_VERSION = "1"
#: What ruff format checks (ruff check covers the whole tree, as configured).
FORMAT_PATHS = ("packages", "testing", "build")
#: pytest-xdist workers: the CI machines have 2 cores.  On one core, no xdist.
WORKERS = min(2, os.cpu_count() or 1)

_PYTEST_CLOSING = re.compile(r"^=+ .*\b(passed|failed|errors?|skipped|no tests ran)\b.* =+$")
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def main(argv: Sequence[str] | None = None) -> int:
    args, pytest_args = _parse_args(argv)
    python = current_environment() if args.no_venv else ensure_venv(verbose=True)
    if not args.no_system:
        for problem in system.ensure_system():
            _say(f"warning: {problem}")
    if args.setup_only:
        print(f"environment ready: {_rel(python.parent.parent)}")
        return 0

    steps: list[Step] = []
    if not args.fast:
        steps += [
            Step("ruff check", [str(python), "-m", "ruff", "check", "."]),
            Step("ruff format", [str(python), "-m", "ruff", "format", "--check", *FORMAT_PATHS]),
            Step("mypy", [str(python), "-m", "mypy", *_mypy_targets()]),
        ]
    chose_workers = any(a in ("-n", "--numprocesses") or a.startswith("-n") for a in pytest_args)
    workers: list[str] = []
    if not (args.serial or chose_workers or WORKERS < 2):
        # loadgroup keeps tests marked xdist_group on one worker (where pytest-xdist
        # supports it); everything else is spread like --dist load.
        workers = ["-n", str(WORKERS), "--dist", "loadgroup"]
    for run in range(args.repeat):
        name = "pytest" if args.repeat == 1 else f"pytest #{run + 1}"
        steps.append(Step(name, [str(python), "-m", "pytest", *workers, *pytest_args], True))

    env = _tool_env(python)
    results: list[tuple[Step, int, float]] = []
    closing = ""
    with cpu_load(args.load):
        for step in steps:
            print(f"\n==> {step.name}: {' '.join(_short(a) for a in step.argv[1:])}", flush=True)
            started = time.monotonic()
            code, output = _run(step.argv, env, capture=step.capture)
            results.append((step, code, time.monotonic() - started))
            if step.capture:
                closing = _closing_line(output)
            if code != 0:
                print(f"--> {step.name} failed (exit status {code})", flush=True)

    print("\nsummary:")
    for step, code, seconds in results:
        print(f"  {'ok  ' if code == 0 else 'FAIL'} {step.name:<12} {seconds:6.1f}s")
    failed = [step.name for step, code, _ in results if code != 0]
    if failed:
        print(f"failed: {', '.join(failed)}")
    print(closing or "pytest printed no closing line", flush=True)
    return 1 if failed else 0


@contextlib.contextmanager
def cpu_load(processes: int) -> Iterator[None]:
    """Keep ``processes`` busy-looping children running for the duration of the block."""
    burners = [
        subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(processes)
    ]
    if burners:
        _say(f"keeping {processes} CPU-bound process(es) running beside the steps")
    try:
        yield
    finally:
        for burner in burners:
            burner.kill()
            burner.wait()


@dataclass(frozen=True)
class Step:
    name: str
    argv: list[str]
    #: Tee the output so the closing line can be repeated at the end.
    capture: bool = False


class _Args(argparse.Namespace):
    fast: bool
    setup_only: bool
    serial: bool
    no_system: bool
    no_venv: bool
    load: int
    repeat: int


def _parse_args(argv: Sequence[str] | None) -> tuple[_Args, list[str]]:
    raw = list(sys.argv[1:] if argv is None else argv)
    passthrough: list[str] = []
    if "--" in raw:
        cut = raw.index("--")
        raw, passthrough = raw[:cut], raw[cut + 1 :]
    parser = argparse.ArgumentParser(
        prog="build/ci.py", description=__doc__.split("\n\n")[0] if __doc__ else None
    )
    parser.add_argument("--fast", action="store_true", help="skip ruff and mypy")
    parser.add_argument("--setup-only", action="store_true", help="only prepare .venv")
    parser.add_argument("--serial", action="store_true", help="run pytest without xdist")
    parser.add_argument(
        "--no-system",
        action="store_true",
        help="do not install Debian packages or build the npm trees (build/system.py)",
    )
    parser.add_argument(
        "--no-venv",
        action="store_true",
        default=bool(os.environ.get("HATCH_ENV_ACTIVE")),
        help="use the running interpreter's environment (the default under hatch)",
    )
    parser.add_argument(
        "--load",
        type=int,
        default=0,
        metavar="N",
        help="keep N CPU-bound processes running beside the steps (a busy machine)",
    )
    parser.add_argument(
        "--repeat", type=int, default=1, metavar="K", help="run pytest K times in a row"
    )
    args, unknown = parser.parse_known_args(raw, namespace=_Args())
    if args.load < 0 or args.repeat < 1:
        parser.error("--load must be at least 0 and --repeat at least 1")
    return args, unknown + passthrough


# ----------------------------------------------------------------- environment


def requirements() -> tuple[list[Path], list[str]]:
    """The workspace members and the development tools, from the root pyproject."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    env = config["tool"]["hatch"]["envs"]["default"]
    patterns: list[str] = env.get("workspace", {}).get("members", ["packages/*"])
    members = sorted(
        {p for pattern in patterns for p in ROOT.glob(pattern) if (p / "pyproject.toml").is_file()}
    )
    tools: list[str] = list(env.get("dependencies", []))
    return members, tools


def stamp() -> str:
    """A hash of everything that decides what gets installed into the venv."""
    h = hashlib.sha256()
    h.update(f"{SETUP_VERSION}\0{sys.version}\0".encode())
    members, _ = requirements()
    for path in [ROOT / "pyproject.toml", *(m / "pyproject.toml" for m in members)]:
        h.update(str(path.relative_to(ROOT)).encode() + b"\0")
        h.update(path.read_bytes() + b"\0")
    return h.hexdigest()


def venv_python(venv: Path = VENV) -> Path:
    if os.name == "nt":
        return venv / "Scripts" / "python.exe"
    return venv / "bin" / "python"


def ensure_venv(*, verbose: bool = False) -> Path:
    """Create or refresh ``.venv`` when the stamp differs; return its interpreter."""
    python = venv_python()
    stamp_file = VENV / STAMP_NAME
    wanted = stamp()
    current = stamp_file.read_text(encoding="utf-8").strip() if stamp_file.is_file() else ""
    if current == wanted and _usable(python):
        if verbose:
            _say(f"reusing {_rel(VENV)} (requirements unchanged)")
        return python

    started = time.monotonic()
    if not _usable(python):
        if VENV.exists():
            if not (VENV / "pyvenv.cfg").is_file():
                raise SystemExit(f"error: {VENV} exists and is not a virtual environment")
            shutil.rmtree(VENV)
        _say(f"creating {_rel(VENV)} with {sys.executable}")
        _create_venv()
    stamp_file.unlink(missing_ok=True)
    members, tools = requirements()
    _say(f"installing {len(members)} packages (editable) and {len(tools)} tools into {_rel(VENV)}")
    editable = [arg for m in members for arg in ("-e", _with_extras(m))]
    quiet = [] if verbose and os.environ.get("AURA_SETUP_VERBOSE") else ["-q"]
    _check([str(python), "-m", "pip", "install", *quiet, *editable, *tools])
    stamp_file.write_text(wanted + "\n", encoding="utf-8")
    _say(f"environment ready in {time.monotonic() - started:.1f}s")
    return python


def _create_venv() -> None:
    """``python -m venv``; where ensurepip is missing (Debian's python3 without
    python3-venv), an environment without pip that this interpreter's pip fills."""
    argv = [sys.executable, "-m", "venv", str(VENV)]
    if not os.environ.get("AURA_VENV_WITHOUT_ENSUREPIP"):
        proc = subprocess.run(argv, cwd=ROOT, stdin=subprocess.DEVNULL, check=False)
        if proc.returncode == 0:
            return
        shutil.rmtree(VENV, ignore_errors=True)
        _say("python -m venv failed; creating the environment without pip and adding pip")
    _check([*argv, "--without-pip"])
    _check([sys.executable, "-m", "pip", "--python", str(venv_python()), "install", "-q", "pip"])


def _with_extras(member: Path) -> str:
    """A member's path with every optional-dependency group it declares (``pkg[a,b]``).

    The development environment holds everything, so the tests of an extra (the
    registry server of ``aura-pkg[registry]``) run like the rest.
    """
    config = tomllib.loads((member / "pyproject.toml").read_text(encoding="utf-8"))
    extras = sorted(config.get("project", {}).get("optional-dependencies", {}))
    return f"{member}[{','.join(extras)}]" if extras else str(member)


def current_environment() -> Path:
    return Path(sys.executable)


def _usable(python: Path) -> bool:
    """The venv's interpreter runs and is the same Python version as this one."""
    if not python.exists():
        return False
    try:
        out = subprocess.run(
            [str(python), "-c", "import sys; print(sys.version)"],
            capture_output=True,
            text=True,
            check=False,
        )
    except OSError:
        return False
    return out.returncode == 0 and out.stdout.strip() == sys.version.strip()


def _tool_env(python: Path) -> dict[str, str]:
    """The environment for the steps: the venv's scripts (``aura``) first on PATH."""
    env = dict(os.environ)
    bindir = str(python.parent)
    env["PATH"] = bindir + os.pathsep + env.get("PATH", "")
    if (python.parent.parent / "pyvenv.cfg").is_file():
        env["VIRTUAL_ENV"] = str(python.parent.parent)
    env.pop("PYTHONHOME", None)
    env.setdefault("PYTHONDONTWRITEBYTECODE", "1")
    return env


def _mypy_targets() -> list[str]:
    """The configured ``files`` (``packages/*/src``), leaving out trees with no Python yet.

    mypy stops with an error on a directory without ``.py`` files, which a package
    that has only its skeleton would cause.
    """
    members, _ = requirements()
    return [
        str((m / "src").relative_to(ROOT))
        for m in members
        if (m / "src").is_dir() and any((m / "src").rglob("*.py"))
    ]


# ------------------------------------------------------------------ processes


def _check(argv: list[str]) -> None:
    code = subprocess.run(argv, cwd=ROOT, stdin=subprocess.DEVNULL, check=False).returncode
    if code != 0:
        raise SystemExit(f"error: command failed with exit status {code}: {' '.join(argv)}")


def _run(argv: list[str], env: dict[str, str], *, capture: bool) -> tuple[int, str]:
    """Run a step from the repository root, streaming its output (and keeping it)."""
    if not capture:
        done = subprocess.run(argv, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, check=False)
        return done.returncode, ""
    kept: list[str] = []
    with subprocess.Popen(
        argv,
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        errors="replace",
        bufsize=1,
    ) as proc:
        assert proc.stdout is not None
        for line in proc.stdout:
            sys.stdout.write(line)
            sys.stdout.flush()
            kept.append(line)
        code = proc.wait()
    return code, "".join(kept)


def _closing_line(output: str) -> str:
    for raw in reversed(output.splitlines()):
        line = _ANSI.sub("", raw).strip()
        if _PYTEST_CLOSING.match(line):
            return line
    return ""


def _say(message: str) -> None:
    """Progress of the setup, on stderr so that a command's own output stays clean."""
    print(message, file=sys.stderr, flush=True)


def _rel(path: Path) -> str:
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)


def _short(arg: str) -> str:
    return _rel(Path(arg)) if arg.startswith(str(ROOT)) else arg


if __name__ == "__main__":
    sys.exit(main())
