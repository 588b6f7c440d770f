#!/usr/bin/env python3
"""Run a command inside the development environment, creating it first if needed.

    python3 build/dev.py aura run cookbook/binary_search.aura
    python3 build/dev.py pytest packages/aura-parse
    python3 build/dev.py                # only set up .venv and say how to enter it

The environment is the one ``build/ci.py`` uses: ``.venv`` with every package under
``packages/`` installed editable and the development tools.  It is reused while
no ``pyproject.toml`` has changed.  The command runs with ``.venv``'s scripts first
on ``PATH``, so ``aura``, ``pytest``, ``ruff`` and ``mypy`` are the environment's.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Sequence

import ci


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] in ("-h", "--help"):
        print(__doc__)
        return 0
    python = ci.ensure_venv(verbose=not args)
    if not args:
        print(f"environment ready: activate it with `source {ci._rel(ci.VENV)}/bin/activate`")
        return 0
    bindir = str(python.parent)
    env = dict(os.environ)
    env["PATH"] = bindir + os.pathsep + env.get("PATH", "")
    env["VIRTUAL_ENV"] = str(ci.VENV)
    env.pop("PYTHONHOME", None)
    program = shutil.which(args[0], path=env["PATH"])
    if program is None:
        print(f"error: command not found in the environment: {args[0]}", file=sys.stderr)
        return 127
    sys.stdout.flush()
    os.execve(program, [program, *args[1:]], env)


if __name__ == "__main__":
    sys.exit(main())
