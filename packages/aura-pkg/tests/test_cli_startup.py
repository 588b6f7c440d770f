"""``aura pkg`` starts quickly and is found by ``aura``; the package's public names resolve.

Every ``aura pkg`` command imports :mod:`aura_pkg` and :mod:`aura_pkg.cli`, so
those must not import what only some commands need: the resolver, the
installer, httpx, rich, PyNaCl.  Each command imports them when it runs.
"""

from __future__ import annotations

import json
import subprocess
import sys

from click.testing import CliRunner

import aura_pkg
from aura_core.cli import main

HEAVY = (
    "aura_pkg.resolver",
    "aura_pkg.installer",
    "aura_pkg.registry.http",
    "httpx",
    "rich",
    "nacl",
    "tomlkit",
)


def test_importing_the_commands_imports_nothing_heavy() -> None:
    code = (
        "import json, sys\n"
        "import aura_pkg, aura_pkg.cli\n"
        f"print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert json.loads(out) == []


def test_aura_finds_the_pkg_group_through_its_entry_point() -> None:
    result = CliRunner().invoke(main, ["pkg", "--help"], prog_name="aura")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Usage: aura pkg [OPTIONS] COMMAND")
    assert "  install " in result.output and "  publish " in result.output
    assert "  pkg " in CliRunner().invoke(main, ["--help"]).output


def test_every_public_name_resolves() -> None:
    assert len(aura_pkg.__all__) == len(set(aura_pkg.__all__))
    assert set(aura_pkg._EXPORTS) == set(aura_pkg.__all__)
    for name in aura_pkg.__all__:
        value = getattr(aura_pkg, name)
        module = getattr(value, "__module__", None)
        assert module is None or module.startswith("aura_pkg"), name
    assert set(aura_pkg.__all__) <= set(dir(aura_pkg))
    from aura_pkg import Requirement, load_manifest, resolve

    assert callable(resolve) and callable(load_manifest) and Requirement.parse("^1")


def test_an_unknown_name_is_an_attribute_error() -> None:
    try:
        aura_pkg.no_such_name  # noqa: B018
    except AttributeError as exc:
        assert "no_such_name" in str(exc)
    else:
        raise AssertionError("expected an AttributeError")
